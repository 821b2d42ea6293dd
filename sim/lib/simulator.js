'use strict';
// tandem-sim: both cores of an RP2040 around one rp2040js chip model.
//
// Structure: one rp2040js RP2040 instance owns memory and the shared
// peripherals; two Core objects (subclasses of the package's CortexM0Core)
// each get their own view of the chip (Object.create(mcu) with `core`
// overridden), their own PPB (NVIC, SCB, SysTick, MPU) and their own SIO
// view. The scheduler always runs the awake core with the lower cycle count,
// so neither core gets ahead of the other by more than one instruction.

const { EventEmitter } = require('events');
const { RP2040 } = require('rp2040js');
const { SimClock } = require('./clock');
const { makeClocks } = require('./clocks');
const {
  makeCoreClass, FAULT, hex,
  STATE_RUN, STATE_WFE, STATE_WFI, STATE_RESET, STATE_HALT, EXC_HARDFAULT,
} = require('./core');
const { PPB } = require('./ppb');
const { CoreSIO, SioShared } = require('./sio');
const P = require('./peripherals');
const { I2CBus } = require('./i2c');
const { UsbHost } = require('./usbhost');
const { Watchdog } = require('./watchdog');
const flashModel = require('./flash');
const loader = require('./loader');
const romImage = require('./rom_image');
const { classifyOpcodes, K } = require('./decode');
const { ABANDON } = require('./hooks');
const romfp = require('./romfp');

const OPKIND = classifyOpcodes();
const ROM_SIZE = 0x4000;
// r12 at a bkpt that ends a run on purpose (tandem's port_exit): the bkpt
// exits with its number even in a HardFault handler (sim/README.md).
const EXIT_MARK = 0x74646578; // 'tdex'
// Codes of the chip's ROM tables that the ROM model (rom/rom.S) leaves out:
// a lookup of one is warned about by name (ROM trap 0x04).
const ROM_NOT_MODELLED = { DT: 'debug trampoline', DE: 'debug trampoline end' };
const STATE_NAMES = ['running', 'WFE', 'WFI', 'reset', 'halted'];

class Simulator extends EventEmitter {
  /**
   * @param {object} [opts]
   * @param {boolean} [opts.verbose] print rp2040js warnings on stderr
   * @param {boolean} [opts.record] keep per-core state and GPIO change events (for VCD/SVG)
   */
  constructor(opts = {}) {
    super();
    this.opts = opts;
    this.clock = new SimClock();
    const mcu = new RP2040(this.clock);
    this.mcu = mcu;
    this.warnings = new Map();
    this.core1Dead = false;
    this.core1Garble = 0;            // --core1-garble: ROM FIFO words of core 1 still to corrupt
    mcu.logger = this.makeLogger();

    // boot ROM model
    const rom = Buffer.from(romImage.base64, 'base64');
    new Uint8Array(mcu.bootrom.buffer).set(rom);
    this.romSymbols = romImage.symbols;

    // time base: cycles of clk_sys <-> nanoseconds
    this.clkSys = mcu.clkSys;
    this.baseCycles = 0;
    this.baseNanos = 0;
    this.T = 0;          // scheduler's global time (cycles)
    this.cur = null;     // core executing right now, if any
    this.resched = false;
    this.nextAlarmCycle = Infinity;
    this.clock.onHeadChange = () => this.updateNextAlarm();
    mcu.addClockListener((hz) => this.clockChanged(hz));

    // the two cores
    const CoreClass = makeCoreClass(mcu.core.constructor);
    const Interp = mcu.sio.interp0.constructor;
    this.sioShared = new SioShared();
    this.cores = [];
    this.sios = [];
    for (let n = 0; n < 2; n++) {
      const view = Object.create(mcu);
      const core = new CoreClass(view, this, n);
      view.core = core;
      core.ppb = new PPB(this, core);
      core.sio = new CoreSIO(this, core, this.sioShared, Interp);
      view.ppb = core.ppb;
      view.sio = core.sio;
      core.stNext = Infinity;
      core.held = false;       // stopped by a debugger while the other core runs (lib/gdb-target.js)
      this.cores.push(core);
      this.sios.push(core.sio);
    }
    mcu.core = this.cores[0];

    this.installPeripherals();
    this.flash = flashModel.install(this); // the serial flash: sets xipDown, flashSlow, horizon, powerCutCycle
    this.pinWatchers = new Map();    // pin -> [fn(level)], see watchPin
    this.pinActive = new Uint16Array(30); // watchers per pin that may act on a PIO's output
    this.pinWatchAll = new Uint16Array(30); // watchers per pin that act whatever its function
    this.pinLoggers = new Array(30).fill(null); // pin -> [fn(event)], see logPins
    this.pio = [];                   // the PIO blocks (lib/pio.js, installed by lib/blocks.js)
    this.pioOn = false;              // a state machine of either block is enabled
    this.pioAt = -1;                 // while a PIO block takes a tick: its cycle
    this.padLevel = new Int8Array(30).fill(-1);
    this.busError = null;            // the DMA model's view of a failed access
    this.quietBusErrors = false;
    this.installGpio();
    for (const u of this.mcu.uart) u.watchRx();
    this.i2c = [new I2CBus(this, 0), new I2CBus(this, 1)];
    // DMA, SPI, ADC, PWM: tandem-sim's own models (lib/blocks.js)
    require('./blocks').install(this);
    // the USB host (usbhost.js): a PC on the other end of the cable, unless opts.usb === false
    this.usbHost = opts.usb === false ? null : new UsbHost(this, opts.usb || {});

    // console
    this.lineBuf = [
      { text: '', cores: 0, start: 0, open: false },
      { text: '', cores: 0, start: 0, open: false },
    ];
    this.untilRe = null;
    this.stopInfo = null;
    this.pendingReboot = null;
    this.inputs = []; // scheduled GPIO inputs, sorted by time
    this.nextInputCycle = Infinity;
    this.symbols = new Map();
    this.loaded = false;
    this.uartDropCount = [0, 0];
    this.reboots = 0;
    // Fetch hooks (lib/hooks.js): breakpoints, single steps and other observers
    // of execution at chosen addresses; null when nothing watches (no cost).
    this.hooks = null;
    this.coldBoot();
  }

  makeLogger() {
    const sim = this;
    const note = (level, comp, msg) => {
      const key = `[${comp}] ${msg}`;
      const n = (sim.warnings.get(key) || 0) + 1;
      sim.warnings.set(key, n);
      if (sim.opts.verbose && n === 1) process.stderr.write(`tandem-sim: rp2040js ${level}: ${key}\n`);
    };
    return {
      debug() {},
      info() {},
      warn: (c, m) => note('warning', c, m),
      error: (c, m) => note('error', c, m),
    };
  }
  warn(msg) {
    if (!this.warnings.has(msg)) process.stderr.write(`tandem-sim: warning: ${msg}\n`);
    this.warnings.set(msg, (this.warnings.get(msg) || 0) + 1);
  }

  // ---- peripherals ----------------------------------------------------------
  installPeripherals() {
    const mcu = this.mcu;
    const per = mcu.peripherals;
    per[0x40004] = new P.SysCfg(mcu, 'SYSCFG', this);
    const Clocks = makeClocks(this, mcu.clocks.constructor);
    per[0x40008] = mcu.clocks = new Clocks(mcu, 'CLOCKS_BASE');
    const Rtc = P.makeRtc(this, per[0x4005c].constructor);
    per[0x4005c] = new Rtc(mcu, 'RTC_BASE');
    const PSM = P.makePSM(this, per[0x40010].constructor);
    per[0x40010] = this.psm = new PSM(mcu, 'PSM_BASE');
    const IOB = P.makeIOBank0(this, per[0x40014].constructor);
    per[0x40014] = this.iobank0 = new IOB(mcu, 'IO_BANK0_BASE');
    per[0x40018] = new P.IOQspi(mcu, 'IO_QSPI_BASE');
    const Pads = P.makePads(this, per[0x4001c].constructor);
    per[0x4001c] = new Pads(mcu, 'PADS_BANK0_BASE', 'bank0');
    per[0x40060] = new P.Rosc(mcu, 'ROSC_BASE');
    per[0x40064] = this.vreg = new P.VregChipReset(mcu, 'VREG_AND_CHIP_RESET_BASE');
    const Uart = P.makeUart(this, mcu.uart[0].constructor);
    for (let i = 0; i < 2; i++) {
      const old = mcu.uart[i];
      const u = new Uart(mcu, old.name, old.irq, old.dreq, i);
      mcu.uart[i] = u;
      per[0x40034 + 4 * i] = u;
    }
    this.ssi = new P.SSIFlash(mcu, 'SSI', this);
    per[0x18000] = this.ssi;
    this.xipCtrl = new P.XipCtrl(mcu, 'XIP_CTRL', this);
    this.xipSram = new Uint8Array(0x4000);
    per[0x40058] = this.watchdog = new Watchdog(this, mcu);
    this.watchdog.onWatchdogTrigger = (why) => this.requestReboot(why === 1 ? 'watchdog timeout' : 'watchdog');
    const Timer = P.makeTimer(this, per[0x40054].constructor);
    per[0x40054] = this.timer = new Timer(mcu, 'TIMER_BASE');

    // interrupt lines: shared ones go to both NVICs; 13 (IO_BANK0) and
    // 15/16 (SIO) are per core and driven by updateGpioIrq / CoreSIO.
    const [c0, c1] = this.cores;
    mcu.setInterrupt = (irq, value) => {
      if (irq === 13 || irq === 15 || irq === 16) return;
      c0.setInterrupt(irq, value);
      c1.setInterrupt(irq, value);
    };
    mcu.updateIOInterrupt = () => this.updateGpioIrq();
    // DMA (and anything else using the chip's own bus methods) reaches memory
    // and peripherals, not the cores' private SIO/PPB.
    mcu.readUint32 = (a) => this.busRead(null, a >>> 0, 4);
    mcu.readUint16 = (a) => this.busRead(null, a >>> 0, 2);
    mcu.readUint8 = (a) => this.busRead(null, a >>> 0, 1);
    mcu.writeUint32 = (a, v) => this.busWrite(null, a >>> 0, v >>> 0, 4);
    mcu.writeUint16 = (a, v) => this.busWrite(null, a >>> 0, v & 0xffff, 2);
    mcu.writeUint8 = (a, v) => this.busWrite(null, a >>> 0, v & 0xff, 1);
  }

  installGpio() {
    const mcu = this.mcu;
    this.toggles = new Uint32Array(30);
    this.outLevel = new Int8Array(30).fill(-1);
    this.extIn = new Int8Array(30).fill(-1); // -1: not driven from outside
    this.gpioEvents = this.opts.record ? [] : null;
    this.pinEventNs = -1;  // a change applied late (a UART's TX caught up): its own time, for the record
    // a 'gpio' listener sees every change at its time (lib/peripherals.js, lineObserved)
    this.gpioListening = false;
    this.on('newListener', (ev) => {
      if (ev !== 'gpio' || this.gpioListening) return;
      this.gpioListening = true;
      this.pinsObservedChanged();
    });
    this.coreEvents = this.opts.record ? [] : null;
    // FUNCSEL 2: a UART's TX drives its pin (rp2040js drives none), its RX
    // and the modem signals drive nothing (lib/peripherals.js, makeUart);
    // FUNCSEL 1: an SPI block drives its SCK and TX pins (lib/spi.js)
    const GPIOPin = Object.getPrototypeOf(mcu.gpio[0]).constructor;
    const isUartTx = (p) => (p & 3) === 0, isSpiOut = (p) => (p & 2) !== 0;
    const sim = this;
    class Pin extends GPIOPin {
      get rawOutputEnable() {
        const f = this.functionSelect;
        if (f === 2) return isUartTx(this.index);
        if (f === 1) return isSpiOut(this.index);
        return super.rawOutputEnable;
      }
      get rawOutputValue() {
        const f = this.functionSelect;
        if (f === 2) return isUartTx(this.index) && mcu.uart[P.uartOfPin(this.index)].line === 1;
        if (f === 1) return isSpiOut(this.index) && sim.spi[(this.index >>> 3) & 1].pinLevel[this.index & 3] === 1;
        return super.rawOutputValue;
      }
    }
    for (const pin of mcu.gpio) Object.setPrototypeOf(pin, Pin.prototype);
    mcu.gpio.forEach((pin, i) => {
      pin.padValue = 0x56; // PADS_BANK0 reset value: IE, 4 mA, pull-down, Schmitt
      const orig = Object.getPrototypeOf(pin).setInputValue;
      pin.setInputValue = (v) => { orig.call(pin, v); this.updateGpioIrq(); };
      pin.addListener(() => this.pinChanged(i));
      this.pinChanged(i);
    });
    // QSPI_SS, read through SIO GPIO_HI_IN bit 1: the pad's reset value
    // (IE, pull-up) and the Pico's BOOTSEL button, which pulls the flash's
    // chip select low through 1 kOhm while pressed (setBootsel)
    mcu.qspi[1].padValue = 0x5a;
    mcu.qspi[1].setInputValue(true);
  }

  /** Press (true) or release the Pico's BOOTSEL button: QSPI_SS reads low while pressed. */
  setBootsel(pressed) { this.mcu.qspi[1].setInputValue(!pressed); }

  /** A pin's pad state changed: count toggles, record, loop the output back to the input. */
  pinChanged(i) {
    const pin = this.mcu.gpio[i];
    let level;
    if (pin.outputEnable) level = pin.outputValue ? 1 : 0;
    else if (this.extIn[i] >= 0) level = this.extIn[i];
    else if (pin.pullupEnabled && !pin.pulldownEnabled) level = 1;
    else if (pin.pulldownEnabled && !pin.pullupEnabled) level = 0;
    else level = pin.rawInputValue ? 1 : 0;
    if (pin.outputEnable && this.outLevel[i] >= 0 && this.outLevel[i] !== level) this.toggles[i]++;
    const driven = pin.outputEnable ? level : -1;
    if (this.gpioEvents && driven !== this.outLevel[i]) this.gpioEvents.push(this.pinEventNs >= 0 ? this.pinEventNs : this.nowNanos(), i, driven);
    if (driven !== this.outLevel[i]) {
      const log = this.pinLoggers[i], all = this.listenerCount('gpio');
      if (log || all) {
        const ev = { pin: i, level: driven, time: this.nowNanos() / 1e9, core: this.cur ? this.cur.index : -1 };
        if (log) for (const fn of log) fn(ev);
        if (all) this.emit('gpio', ev);
      }
    }
    this.outLevel[i] = driven;
    if (!!pin.rawInputValue !== !!level) pin.setInputValue(!!level);
    if (this.padLevel[i] !== level) {
      this.padLevel[i] = level;
      if (this.pioOn) for (const p of this.pio) if (p.ctrl) p.inputChanged();
      const w = this.pinWatchers.get(i);
      if (w) for (const fn of w) fn(level);
    }
  }

  /**
   * Call fn(level) whenever GPIO pin's level (driven or from outside)
   * changes. `onlyFunc`: fn does nothing unless the pin's FUNCSEL is that
   * function (so it never needs a PIO's changes at their cycle, see
   * pioObserved).
   */
  watchPin(pin, fn, onlyFunc = -1) {
    if (!this.pinWatchers.has(pin)) this.pinWatchers.set(pin, []);
    this.pinWatchers.get(pin).push(fn);
    if (onlyFunc < 0 || onlyFunc === 6 || onlyFunc === 7) this.pinActive[pin]++;
    if (onlyFunc < 0) this.pinWatchAll[pin]++;
    this.pinsObservedChanged();
  }
  /**
   * Call fn(event) at each change of the driven level of one of `pins`, the
   * event as a 'gpio' listener gets it ({ pin, level, time, core }). Only
   * these pins are observed: a UART's or SPI block's line on one of them
   * changes at each bit's time; the lines on other pins stay lazy (a 'gpio'
   * listener, which sees every pin, makes every one of them exact).
   */
  logPins(pins, fn) {
    for (const p of pins) {
      (this.pinLoggers[p] = this.pinLoggers[p] || []).push(fn);
      this.pinWatchAll[p]++;
    }
    this.pinsObservedChanged();
  }
  /** Whether a change of GPIO `pin` is noticed as it happens by a watcher for any function, or its interrupt. */
  pinSeen(pin) {
    const g = this.mcu.gpio[pin], iob = this.iobank0;
    return this.pinWatchAll[pin] > 0 || (g.irqEnableMask | g.irqForceMask | iob.inte1[pin] | iob.intf1[pin]) !== 0;
  }
  /** Whether every pin's changes are seen as they happen: a 'gpio' listener, a running PIO (it reads any pin). */
  get pinsAllSeen() { return this.gpioListening || this.pioOn; }

  /** Pins whose changes a model produces only while observed (the UARTs' TX): brought up to now before a look at them. */
  pinsCatchUp() {
    const u = this.mcu.uart;
    u[0].lineCatchUp();
    u[1].lineCatchUp();
  }
  /** Something that could observe pins came or went (a listener, a watcher, an interrupt enable, a PIO). */
  pinsObservedChanged() {
    const u = this.mcu.uart;
    u[0].lineSchedule();
    u[1].lineSchedule();
  }

  /** Drive a GPIO input from outside (1, 0, or -1 to release it). */
  setGpioInput(pin, level) {
    if (this.pioOn) this.pioSync();
    this.extIn[pin] = level;
    this.pinChanged(pin);
  }

  /** IO_IRQ_BANK0 of each core from its own INTE/INTF. */
  updateGpioIrq() {
    const gpio = this.mcu.gpio;
    const iob = this.iobank0;
    let l0 = false, l1 = false;
    for (let i = 0; i < 30; i++) {
      const pin = gpio[i];
      const st = pin.irqStatus;
      let a = ((st & pin.irqEnableMask) | pin.irqForceMask) !== 0;
      let b = iob ? ((st & iob.inte1[i]) | iob.intf1[i]) !== 0 : false;
      const ov = (pin.ctrl >>> 28) & 3;
      if (ov === 1) { a = !a; b = !b; } else if (ov === 2) { a = b = false; } else if (ov === 3) { a = b = true; }
      if (a) l0 = true;
      if (b) l1 = true;
    }
    this.cores[0].setInterrupt(13, l0);
    this.cores[1].setInterrupt(13, l1);
  }

  // ---- time -----------------------------------------------------------------
  cyclesToNanos(c) { return this.baseNanos + (c - this.baseCycles) * 1e9 / this.clkSys; }
  nanosToCycles(ns) { return this.baseCycles + (ns - this.baseNanos) * this.clkSys / 1e9; }
  nowCycles() { return this.pioAt >= 0 ? this.pioAt : this.cur ? this.cur.cycles : this.T; }
  /** Now in nanoseconds: a PIO tick's time during it; inside an alarm's callback (a PWM edge ...) that alarm's own time, not the core's. */
  nowNanos() { return this.pioAt < 0 && this.clock.advancing ? this.clock.nanos : this.cyclesToNanos(this.nowCycles()); }
  /** Bring the peripherals' clock up to the executing core's time (not from
   * inside an alarm's callback: that runs at the alarm's own time). */
  syncClock() {
    if (this.clock.advancing) return;
    if (this.pioOn) this.pioSync(); // the PIO's ticks up to now first, the alarms due between them in order
    const ns = this.cyclesToNanos(this.nowCycles());
    if (ns > this.clock.nanosCounter) this.clock.advanceTo(ns);
  }
  // ---- PIO (lib/pio.js): the blocks run lazily up to the cycle that looks at them
  /** The cycle a PIO block is brought up to: an alarm's own time inside one, else the accessing core's. */
  pioNow() {
    if (this.clock.advancing) return Math.floor(this.nanosToCycles(this.clock.nanos) + 1e-6);
    return this.nowCycles();
  }
  pioSync(t = this.pioNow()) {
    for (const p of this.pio) if (p.ctrl) p.sync(t);
  }
  pioNextCycle() {
    const [a, b] = this.pio;
    return a.nextCycle < b.nextCycle ? a.nextCycle : b.nextCycle;
  }
  /**
   * Whether something outside the cores' accesses notices a PIO change at
   * its cycle: a PIO interrupt enabled or forced, a GPIO interrupt enabled
   * or a device watching (watchPin) on a pin a PIO block drives, a busy DMA
   * channel paced by a PIO DREQ.
   * Then the cores stop at each tick of a running state machine; otherwise
   * the blocks catch up at the next access (a GPIO's level, a PIO or other
   * peripheral register), in order and with each change at its own cycle.
   */
  pioObserved() {
    for (const p of this.pio) if (p.ctrl && (p.inte[0] | p.inte[1] | p.intf[0] | p.intf[1])) return true;
    for (const ch of this.dma.channels) if (ch.busy && ch.treq < 16) return true;
    const g = this.mcu.gpio, iob = this.iobank0;
    for (let i = 0; i < 30; i++) {
      const pin = g[i], f = pin.functionSelect;
      if ((f === 6 || f === 7) && (pin.irqEnableMask | pin.irqForceMask | iob.inte1[i] | iob.intf1[i] | this.pinActive[i])) return true;
    }
    return false;
  }
  /** A block's registers changed: its next tick may be sooner than the running batch's horizon. */
  pioChanged() {
    const on = this.pio.some((p) => p.ctrl !== 0);
    this.resched = true;
    if (on === this.pioOn) return;
    this.pioOn = on;
    this.pinsObservedChanged(); // a running PIO may read any pin
  }
  /** Before a PIO tick at cycle c: the peripherals' clock (and alarms due) up to it. */
  pioClockTo(c) {
    const clock = this.clock;
    if (clock.advancing) return;
    const ns = this.cyclesToNanos(c);
    if (clock.nextAlarmNanos <= ns) clock.advanceTo(ns);
    else if (ns > clock.nanosCounter) clock.nanosCounter = ns;
  }
  updateNextAlarm() {
    const ns = this.clock.nextAlarmNanos;
    this.nextAlarmCycle = ns === Infinity ? Infinity : Math.ceil(this.nanosToCycles(ns));
    this.resched = true; // the running batch's horizon may be too far now
  }
  clockChanged(hz) {
    const now = this.nowCycles();
    this.baseNanos = this.cyclesToNanos(now);
    this.baseCycles = now;
    this.clkSys = hz;
    for (const c of this.cores) c.ppb.systick.clockChanged(c.cycles);
    this.updateNextAlarm();
    this.updateInputs();
  }

  // ---- bus (slow path: everything but SRAM and flash reads) -----------------
  busRead(core, a, size) {
    switch (a >>> 28) {
      case 0x0:
        if (a < ROM_SIZE) {
          const rom = this.mcu.bootrom;
          const w = rom[a >>> 2];
          return size === 4 ? w >>> 0 : (w >>> ((a & 3) * 8)) & (size === 2 ? 0xffff : 0xff);
        }
        break;
      case 0x1:
        if (a < 0x14000000) { // flash aliases (reached here for DMA reads)
          // DMA (core null) is subject to XIP's state; a debugger's or a tool's read is not
          if (this.flashSlow && core === null) return this.flash.read(null, a, size);
          const f = this.mcu.flash, o = a & 0xffffff;
          return size === 4 ? (f[o] | f[o + 1] << 8 | f[o + 2] << 16 | f[o + 3] << 24) >>> 0 : size === 2 ? f[o] | f[o + 1] << 8 : f[o];
        }
        if (a >= 0x15000000 && a < 0x15004000) return readBytes(this.xipSram, a - 0x15000000, size);
        if (a >= 0x14000000 && a < 0x14000100) return sub(this.xipCtrl.readUint32(a & 0xfc), a, size);
        if (a >= 0x18000000 && a < 0x18000100) return sub(this.ssi.readUint32(a & 0xfc), a, size);
        break;
      case 0x2: {
        const o = a - 0x20000000;
        if (o >= 0 && o < 0x42000) return readBytes(this.mcu.sram, o, size);
        if (a >= 0x21000000 && a < 0x21040000) return readBytes(this.mcu.sram, unstriped(a), size);
        break;
      }
      case 0x4: case 0x5: {
        if (a >= 0x50100000 && a < 0x50101000) return readBytes(this.mcu.usbDPRAM, a - 0x50100000, size);
        const p = this.mcu.peripherals[(a >>> 14) << 2];
        if (p) {
          if (this.pioOn) this.pioSync();
          this.syncClock();
          return sub(p.readUint32(a & 0xffc) >>> 0, a, size);
        }
        break;
      }
      case 0xd:
        if (core && a < 0xd0001000) return sub(core.sio.read(a & 0xffc), a, size);
        break;
      case 0xe:
        if (core && a < 0xe0100000) return sub(core.ppb.read((a & ~3) >>> 0), a, size);
        break;
    }
    if (core) return core.busFault(a, `bus error: read of unmapped address 0x${hex(a)}`, false);
    this.busError = a;
    if (!this.quietBusErrors) this.warn(`DMA read of unmapped address 0x${hex(a)}`);
    return 0;
  }

  busWrite(core, a, v, size) {
    switch (a >>> 28) {
      case 0x0:
        if (a < ROM_SIZE) return; // writes to the boot ROM are ignored, as on the chip
        break;
      case 0x1:
        if (a < 0x14000000) return; // writes to XIP flash are ignored
        if (a >= 0x15000000 && a < 0x15004000) { writeBytes(this.xipSram, a - 0x15000000, v, size); return; }
        if (a >= 0x14000000 && a < 0x14000100) { this.xipCtrl.writeUint32(a & 0xfc, lanes(v, size)); return; }
        if (a >= 0x18000000 && a < 0x18000100) { this.ssi.writeUint32(a & 0xfc, lanes(v, size)); return; }
        break;
      case 0x2: {
        const o = a - 0x20000000;
        if (o >= 0 && o < 0x42000) { writeBytes(this.mcu.sram, o, v, size); return; }
        if (a >= 0x21000000 && a < 0x21040000) { writeBytes(this.mcu.sram, unstriped(a), v, size); return; }
        break;
      }
      case 0x4: case 0x5: {
        if (a >= 0x50100000 && a < 0x50101000) {
          const o = a - 0x50100000;
          writeBytes(this.mcu.usbDPRAM, o, v, size);
          if (this.usbHost) this.usbHost.dpramWrite(o, v, size, core); // the USB host model (usbhost.js)
          else if (size === 4) this.mcu.usbCtrl.DPRAMUpdated(o, v);
          return;
        }
        const p = this.mcu.peripherals[(a >>> 14) << 2];
        if (p) {
          if (this.pioOn) this.pioSync();
          this.syncClock();
          p.writeUint32Atomic(a & 0xffc, lanes(v, size), (a >>> 12) & 3);
          if (this.pioOn) {
            // IO_BANK0, PADS_BANK0: an input's override or enable may have changed
            if (a >>> 14 === 0x10005 || a >>> 14 === 0x10007) for (const q of this.pio) if (q.ctrl) q.inputChanged();
            this.resched = true; // whether the PIO is observed (pioObserved) may have changed
          }
          return;
        }
        break;
      }
      case 0xd:
        if (core && a < 0xd0001000) { core.sio.write(a & 0xffc, lanes(v, size)); return; }
        break;
      case 0xe:
        if (core && a < 0xe0100000) {
          const w = (a & ~3) >>> 0;
          if (size === 4) core.ppb.write(w, v);
          else { // sub-word access to a word-only register: read-modify-write
            const sh = (a & 3) * 8, m = (size === 2 ? 0xffff : 0xff) << sh;
            core.ppb.write(w, ((core.ppb.read(w) & ~m) | ((v << sh) & m)) >>> 0);
          }
          return;
        }
        break;
    }
    if (core) {
      core.busFault(a, `bus error: write to unmapped address 0x${hex(a)}`, true);
      return;
    }
    this.busError = a;
    if (!this.quietBusErrors) this.warn(`DMA write to unmapped address 0x${hex(a)}`);
  }

  // ---- loading ----------------------------------------------------------------
  /** Load an .elf or .uf2 file (by content). Throws loader.UserError on bad input. */
  loadFile(path) {
    const fs = require('fs');
    let buf;
    try { buf = fs.readFileSync(path); } catch (e) {
      throw new loader.UserError(`${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message}`);
    }
    return this.loadBuffer(buf, path);
  }
  loadBuffer(buf, name = 'firmware') {
    if (loader.isElf(buf)) return this.loadElf(buf, name);
    if (loader.isUf2(buf)) return this.loadUf2(buf, name);
    throw new loader.UserError(`${name}: not an ELF or UF2 file`);
  }
  loadElf(buf, name = 'firmware') {
    const elf = loader.parseElf(buf, name);
    if (!elf.segments.length) throw new loader.UserError(`${name}: ELF file has no loadable segments`);
    for (const s of elf.segments) this.place(s.paddr, s.data, name);
    this.symbols = elf.symbols;
    this.entry = elf.entry;
    this.loaded = true;
    return elf;
  }
  loadUf2(buf, name = 'firmware') {
    const blocks = loader.parseUf2(buf, name);
    for (const b of blocks) this.place(b.addr, b.data, name);
    this.loaded = true;
    return blocks;
  }
  place(addr, data, name) {
    const where = loader.placeAddress(addr, data.length);
    if (!where) throw new loader.UserError(`${name}: data at 0x${hex(addr)} (${data.length} bytes) is neither in flash nor in SRAM`);
    if (where.kind === 'flash') this.flash.place(where.offset, data);
    else this.mcu.sram.set(data, where.offset);
  }
  /** Address of an ELF symbol (Thumb bit cleared for functions), or undefined. */
  symbol(name) {
    const s = this.symbols.get(name);
    if (!s) return undefined;
    return s.type === 2 ? s.value & ~1 : s.value;
  }

  // ---- memory access for tools and tests (no faults, no side effects on RAM) --
  read32(a) { return this.busRead(undefined, a >>> 0, 4) >>> 0; }
  read16(a) { return this.busRead(undefined, a >>> 0, 2); }
  read8(a) { return this.busRead(undefined, a >>> 0, 1); }
  write32(a, v) { this.busWrite(null, a >>> 0, v >>> 0, 4); }
  readBytes(a, n) { const out = Buffer.alloc(n); for (let i = 0; i < n; i++) out[i] = this.read8(a + i); return out; }
  readString(a, max = 256) { let s = ''; for (let i = 0; i < max; i++) { const b = this.read8(a + i); if (!b) break; s += String.fromCharCode(b); } return s; }

  // ---- resets -----------------------------------------------------------------
  coldBoot() {
    for (const c of this.cores) {
      c.cycles = 0;
      c.state = STATE_RUN;
      c.resetEntry();
    }
    this.recordCore(0);
    this.recordCore(1);
  }
  /** Direct boot: skip the ROM on core 0 and start at `entry` with `sp` (core 1 still waits in the ROM). */
  directBoot(entry, sp = 0x20042000, vtor = 0) {
    const c = this.cores[0];
    c.VTOR = vtor >>> 0;
    c.SP = sp >>> 0;
    c.registers[15] = entry & ~1;
    c.registers[14] = 0xffffffff;
    c.tFault = !(entry & 1);
    c.invalidateFetch();
    this.flash.enterCmdXip(); // what the ROM would have left: 03h XIP reads
  }

  /** Model a broken core 1: it is held in reset from now on, whatever the
   * PSM says, so it never answers a launch (for testing launch timeouts). */
  killCore1() {
    this.core1Dead = true;
    this.holdCoreInReset(1);
  }
  /** Model a dead crystal: XOSC STATUS never shows STABLE (for testing the
   * firmware's bounded start-up). */
  killXosc() {
    const x = this.mcu.peripherals[0x40024];
    const read = x.readUint32.bind(x);
    x.readUint32 = (offset) => (offset === 0x04 ? read(offset) & ~0x80000000 : read(offset));
  }
  holdCoreInReset(n) {
    const c = this.cores[n];
    if (c.state === STATE_RESET) return;
    this.enterState(c, STATE_RESET);
  }
  releaseCoreReset(n) {
    const c = this.cores[n];
    if (c.state !== STATE_RESET) return;
    if (n === 1 && this.core1Dead) return;   // a broken core 1 never comes back
    const now = this.nowCycles();
    if (now > c.cycles) { c.resetCycles += now - c.cycles; c.cycles = now; }
    this.resetCore(c);
    this.enterState(c, STATE_RUN);
  }
  /** Processor reset: registers, NVIC, SCB, SysTick, MPU. Interrupt lines stay as the peripherals drive them. */
  resetCore(c) {
    const lines = c.irqLines;
    const nmi = c.nmiMask;
    c.resetCoreState();
    c.irqLines = lines;
    c.pendingInterrupts = lines;
    c.nmiMask = nmi;
    c.ppb.reset();
    c.updateMpuActive();
    c.resetEntry();
  }
  requestReboot(reason) {
    this.pendingReboot = reason;
    this.resched = true;
  }
  systemResetRequest(core) {
    void core;
    this.requestReboot('SYSRESETREQ');
  }
  /** Watchdog / SYSRESETREQ: both cores restart from the ROM; RAM and watchdog scratch survive. */
  reboot(reason) {
    this.reboots++;
    this.emit('reboot', { reason, time: this.nowNanos() });
    const now = this.T;
    this.sioShared.reset();
    for (const s of this.sios) s.reset();
    this.psm.frceOff = 0;
    const sio = this.mcu.sio;
    const changed = (sio.gpioValue | sio.gpioOutputEnable) >>> 0;
    sio.gpioValue = 0;
    sio.gpioOutputEnable = 0;
    for (let i = 0; i < 30; i++) if (changed & (1 << i)) this.mcu.gpio[i].checkForUpdates();
    for (const c of this.cores) {
      if (c.cycles < now) { c.resetCycles += now - c.cycles; c.cycles = now; }
      this.resetCore(c);
      c.irqLines &= ~((1 << 15) | (1 << 16));
      c.pendingInterrupts = c.irqLines;
      this.enterState(c, STATE_RUN);
    }
    for (const s of this.sios) s.updateIrq();
    this.watchdog.afterReboot();
  }

  // ---- sleep and wake -----------------------------------------------------------
  enterState(c, st) {
    if (c.state === st) return;
    c.state = st;
    if (st === STATE_RESET || st === STATE_HALT) c.stNext = Infinity; // its SysTick stops
    this.resched = true;
    this.recordCore(c.index);
  }
  sleep(c, st) {
    this.enterState(c, st);
  }
  /** Wake a core sleeping in WFE/WFI at the current time. */
  wake(c) {
    if (c.state !== STATE_WFE && c.state !== STATE_WFI) return;
    const now = this.nowCycles();
    if (now > c.cycles) { c.sleepCycles += now - c.cycles; c.cycles = now; }
    c.state = STATE_RUN;
    this.resched = true;
    this.recordCore(c.index);
  }
  recordCore(n) {
    if (this.coreEvents) this.coreEvents.push(this.nowNanos(), n, this.cores[n].state);
  }

  // ---- faults and stops -----------------------------------------------------------
  /** A synchronous fault at `pc`: HardFault, or lockup when already at HardFault/NMI priority. */
  fault(c, reason, pc) {
    c.recordFault(reason, c.faultAddr);
    c.lastFault.pc = pc >>> 0;
    if (c.execPriority() < 0) {
      this.lockup(c, `${reason} while in ${c.IPSR === 2 ? 'the NMI' : 'the HardFault'} handler`, pc);
      return;
    }
    c.registers[15] = pc;
    c.exceptionEntry(EXC_HARDFAULT);
  }
  lockup(c, reason, pc = c.registers[15]) {
    this.enterState(c, STATE_HALT);
    this.stop('lockup', { core: c.index, pc: pc >>> 0, message: `core ${c.index} locked up: ${reason} at pc 0x${hex(pc)}`, history: this.pcHistory(c.index) });
  }
  /** --power-cut-at / --power-cut-random: the power goes now (lib/flash.js leaves its half-done operation). */
  powerCut() {
    const cyc = this.powerCutCycle;
    const info = this.flash.cut(this.cyclesToNanos(cyc));
    for (const c of this.cores) this.enterState(c, STATE_HALT);
    const what = info ? `: ${info.kind} at flash offset 0x${info.addr.toString(16)} interrupted ${(info.fraction * 100).toFixed(1)}% through (${info.model})` : ' (no flash operation in progress)';
    this.stop('powercut', { cycle: cyc, flash: info, message: `power cut at cycle ${cyc}${what}` });
  }
  stop(reason, info = {}) {
    if (this.stopInfo) return;
    this.stopInfo = { reason, ...info };
    this.resched = true;
  }
  /** The last executed PCs of a core, oldest first. */
  pcHistory(n, count = 16) {
    const c = this.cores[n];
    const out = [];
    for (let i = count - 1; i >= 0; i--) {
      const v = c.pcHist[(c.histPos - i) & 63];
      if (v || out.length) out.push(v >>> 0);
    }
    return out;
  }

  // ---- console --------------------------------------------------------------
  uartByte(uart, byte) {
    const core = this.cur ? this.cur.index : -1;
    this.emit('uart-byte', { uart, byte, core });
    const lb = this.lineBuf[uart];
    if (byte === 10) {
      const text = lb.text;
      const line = { uart, core: coresTag(lb.cores), time: this.nowNanos() / 1e9, text };
      lb.text = '';
      lb.cores = 0;
      lb.open = false;
      this.emitLine(line);
      return;
    }
    if (byte === 13) return;
    if (!lb.text) lb.start = this.nowNanos();
    lb.text += String.fromCharCode(byte);
    lb.open = true;
    if (core >= 0) lb.cores |= 1 << core;
  }
  /** A complete console line (UART or USB): tell listeners, test --until. */
  emitLine(line) {
    this.emit('line', line);
    if (this.untilRe && this.untilRe.test(line.text)) { this.stop('until', { line }); return true; }
    return false;
  }
  /**
   * End of the run: a console line the firmware left without a newline is
   * a line too (flagged `partial`). Emitted and tested against `until`
   * (the pattern of the last run() unless given); returns the line that
   * matched, or null.
   */
  flushLines(until = this.lastUntil) {
    const partial = [];
    this.lineBuf.forEach((lb, uart) => {
      if (!lb.open) return;
      partial.push({ uart, core: coresTag(lb.cores), time: this.nowNanos() / 1e9, text: lb.text, partial: true });
      lb.text = '';
      lb.cores = 0;
      lb.open = false;
    });
    if (this.usbHost) partial.push(...this.usbHost.flushLines());
    let matched = null;
    for (const line of partial) {
      this.emit('line', line);
      if (!matched && until && until.test(line.text)) matched = line;
    }
    return matched;
  }
  /**
   * Console input: bytes into UART n's receiver from simulated time ms, one
   * character time apart at the programmed baud rate (a byte arriving while
   * the 32-byte RX FIFO is full is lost, as on the chip; counted).
   */
  sendUartInput(n, bytes, ms = 0) {
    const u = this.mcu.uart[n];
    const queue = [...bytes];
    const alarm = this.clock.createAlarm(() => {
      const b = queue.shift();
      if (u.rxFull) { this.uartRxLost = (this.uartRxLost || 0) + 1; u.rxOverrun(); } else u.feedByte(b);
      if (queue.length) alarm.schedule(u.charNanos || 87000);
    });
    if (queue.length) alarm.schedule(Math.max(0, ms * 1e6 - this.clock.nanos));
  }
  uartDropped(uart) {
    if (this.uartDropCount[uart]++ === 0) this.warn(`uart${uart}: byte written while the TX FIFO was full was dropped (as on the chip); the firmware should wait for UARTFR.TXFF to clear`);
  }

  // ---- GPIO input schedule ---------------------------------------------------
  /** Drive `pin` to `level` at simulated time `ms` (milliseconds). */
  scheduleInput(pin, level, ms) {
    this.inputs.push({ pin, level, ns: ms * 1e6 });
    this.inputs.sort((a, b) => a.ns - b.ns);
    this.updateInputs();
  }
  updateInputs() {
    this.nextInputCycle = this.inputs.length ? Math.ceil(this.nanosToCycles(this.inputs[0].ns)) : Infinity;
  }

  // ---- running ----------------------------------------------------------------
  /**
   * Run until a stop condition. Options: maxMs, maxCycles (global clk_sys
   * cycles), until (RegExp tested against each complete console line).
   * Returns the stop record {reason, ...}; reasons: 'bkpt', 'until',
   * 'bound', 'lockup', 'noboot', 'stalled'.
   */
  run(opts = {}) {
    if (opts.until) this.untilRe = this.lastUntil = opts.until;
    const maxNanos = opts.maxMs !== undefined ? opts.maxMs * 1e6 : Infinity;
    const maxCycles = opts.maxCycles !== undefined ? opts.maxCycles : Infinity;
    this.stopInfo = null;
    const [c0, c1] = this.cores;
    while (!this.stopInfo) {
      if (this.pendingReboot) { const r = this.pendingReboot; this.pendingReboot = null; this.reboot(r); }
      const r0 = c0.state === STATE_RUN && !c0.held, r1 = c1.state === STATE_RUN && !c1.held;
      // global time: the slower of the running cores
      let T;
      if (r0 && r1) T = c0.cycles < c1.cycles ? c0.cycles : c1.cycles;
      else if (r0) T = c0.cycles;
      else if (r1) T = c1.cycles;
      else T = this.idleUntil(maxNanos, Math.min(maxCycles, this.powerCutCycle));
      if (T > this.T) this.T = T;
      if (this.stopInfo) break;
      // events due by now
      if (this.pioOn && this.pioNextCycle() <= this.T) this.pioSync(this.T);
      if (this.nextAlarmCycle <= this.T) this.clock.advanceTo(this.cyclesToNanos(this.T));
      for (const c of this.cores) {
        const now = c.state === STATE_RUN ? c.cycles : this.T;
        if (c.stNext <= now && c.state !== STATE_RESET && c.state !== STATE_HALT) c.ppb.systick.fire(now);
      }
      if (this.nextInputCycle <= this.T) this.applyInputs();
      const boundCycle = Math.min(maxCycles, this.powerCutCycle, maxNanos === Infinity ? Infinity : this.nanosToCycles(maxNanos));
      if (this.T >= boundCycle) {
        if (this.T >= this.powerCutCycle) this.powerCut(); else this.stop('bound', {});
        break;
      }
      if (this.pendingReboot || this.stopInfo) continue;
      // pick the core(s) to run until the next event
      const a0 = c0.state === STATE_RUN && !c0.held, a1 = c1.state === STATE_RUN && !c1.held;
      if (!a0 && !a1) continue;
      let horizon = this.nextAlarmCycle;
      if (boundCycle < horizon) horizon = Math.ceil(boundCycle);
      if (this.nextInputCycle < horizon) horizon = this.nextInputCycle;
      if (c0.stNext < horizon) horizon = c0.stNext;
      if (c1.stNext < horizon) horizon = c1.stNext;
      if (this.pioOn && this.pioObserved()) { const pn = this.pioNextCycle(); if (pn < horizon) horizon = pn; }
      this.resched = false;
      if (a0 && a1) {
        if (horizon <= this.T) horizon = this.T + 1;
        if (this.tracer) this.runDualTraced(horizon); else this.runDual(horizon);
        const t = c0.cycles < c1.cycles ? c0.cycles : c1.cycles;
        if (t > this.T) this.T = t;
      } else {
        const c = a0 ? c0 : c1;
        if (horizon <= c.cycles) horizon = c.cycles + 1;
        this.cur = c;
        if (this.tracer) this.runTraced(c, horizon); else this.runBatch(c, horizon);
        this.cur = null;
        if (c.cycles > this.T) this.T = c.cycles;
      }
    }
    this.untilRe = null;
    this.settle();
    return this.stopInfo;
  }

  /** Bring sleeping and held cores up to the current time (their idle cycles counted). */
  settle() {
    const now = Math.max(this.T, ...this.cores.map((c) => (c.state === STATE_HALT ? 0 : c.cycles)));
    if (this.pioOn) this.pioSync(now);
    this.pinsCatchUp();
    for (const c of this.cores) {
      if (c.cycles >= now) continue;
      if (c.state === STATE_WFE || c.state === STATE_WFI) { c.sleepCycles += now - c.cycles; c.cycles = now; }
      else if (c.state === STATE_RESET) { c.resetCycles += now - c.cycles; c.cycles = now; }
    }
  }

  /** Both cores are asleep or held: jump to the next event; returns the new time. */
  idleUntil(maxNanos, maxCycles) {
    let next = this.nextAlarmCycle;
    for (const c of this.cores) {
      if ((c.state === STATE_WFE || c.state === STATE_WFI) && c.stNext < next) next = c.stNext;
    }
    if (this.nextInputCycle < next) next = this.nextInputCycle;
    const bound = Math.min(maxCycles, maxNanos === Infinity ? Infinity : Math.ceil(this.nanosToCycles(maxNanos)));
    // a running state machine: its ticks when observed, else it runs on to the bound (it wakes no core)
    const pn = this.pioOn ? this.pioNextCycle() : Infinity;
    if (pn < next) next = this.pioObserved() ? pn : Math.min(next, bound);
    if (next === Infinity) {
      const pio = pn < Infinity ? ' (a PIO state machine runs, but nothing it does can wake them)' : '';
      this.stop('stalled', { message: `both cores are ${STATE_NAMES[this.cores[0].state]}/${STATE_NAMES[this.cores[1].state]} and nothing is scheduled to wake them${pio}` });
      return this.T;
    }
    if (next > bound) next = bound;
    return next > this.T ? Math.ceil(next) : this.T;
  }

  applyInputs() {
    while (this.inputs.length && Math.ceil(this.nanosToCycles(this.inputs[0].ns)) <= this.T) {
      const e = this.inputs.shift();
      this.setGpioInput(e.pin, e.level);
    }
    this.updateInputs();
  }

  /** Execute core `c` until its cycle count reaches `lim` or something needs the scheduler. */
  runBatch(c, lim) {
    this.horizon = lim;
    const regs = c.registers;
    const hist = c.pcHist;
    const kinds = OPKIND;
    while (c.cycles < lim && c.state === STATE_RUN && !this.resched) {
      if (c.interruptsUpdated && c.checkForInterrupts()) continue;
      const pc = regs[15];
      if (pc < c.fetchLo || pc >= c.fetchHi) {
        if (!this.fetchRegion(c, pc)) continue;
      }
      const op = c.fetchArr[(pc - c.fetchBase) >>> 1];
      hist[c.histPos = (c.histPos + 1) & 63] = pc;
      c.instructions++;
      const k = kinds[op];
      if (k === 0) {
        try { c.executeInstruction(); } catch (e) { this.abandon(c, e, pc); }
      } else {
        this.special(c, k, op, pc);
      }
    }
  }

  /**
   * Both cores running: always step the one with the lower cycle count (core 0
   * on a tie), one instruction at a time, until that count reaches `horizon`.
   */
  runDual(horizon) {
    this.horizon = horizon;
    const [c0, c1] = this.cores;
    const kinds = OPKIND;
    while (!this.resched) {
      const c = c0.cycles <= c1.cycles ? c0 : c1;
      if (c.cycles >= horizon) break;
      this.cur = c;
      if (c.interruptsUpdated && c.checkForInterrupts()) continue;
      const pc = c.registers[15];
      if (pc < c.fetchLo || pc >= c.fetchHi) {
        if (!this.fetchRegion(c, pc)) continue;
      }
      const op = c.fetchArr[(pc - c.fetchBase) >>> 1];
      c.pcHist[c.histPos = (c.histPos + 1) & 63] = pc;
      c.instructions++;
      const k = kinds[op];
      if (k === 0) {
        try { c.executeInstruction(); } catch (e) { this.abandon(c, e, pc); }
      } else {
        this.special(c, k, op, pc);
      }
    }
    this.cur = null;
  }
  runDualTraced(horizon) {
    const [c0, c1] = this.cores;
    while (!this.resched) {
      const c = c0.cycles <= c1.cycles ? c0 : c1;
      if (c.cycles >= horizon) break;
      this.cur = c;
      this.runTraced(c, c.cycles + 1);
      this.resched = this.resched || c.state !== STATE_RUN;
    }
    this.cur = null;
  }

  /** Same as runBatch, calling the tracer before every instruction. */
  runTraced(c, lim) {
    this.horizon = lim;
    const regs = c.registers;
    while (c.cycles < lim && c.state === STATE_RUN && !this.resched) {
      if (c.interruptsUpdated && c.checkForInterrupts()) continue;
      const pc = regs[15];
      if (pc < c.fetchLo || pc >= c.fetchHi) {
        if (!this.fetchRegion(c, pc)) continue;
      }
      const op = c.fetchArr[(pc - c.fetchBase) >>> 1];
      c.pcHist[c.histPos = (c.histPos + 1) & 63] = pc;
      c.instructions++;
      this.tracer(c, pc, op);
      const k = OPKIND[op];
      if (k === 0) {
        try { c.executeInstruction(); } catch (e) { this.abandon(c, e, pc); }
      } else {
        this.special(c, k, op, pc);
      }
    }
  }

  abandon(c, e, pc) {
    if (e === ABANDON) { c.registers[15] = pc; c.instructions--; return; } // a debugger's stop before an access
    if (e !== FAULT) throw e;
    c.registers[15] = pc;
    this.fault(c, c.faultReason, pc);
  }

  /**
   * Instruction fetch outside the cached window: check the Thumb state, the
   * memory map (execute-never and unmapped regions) and the MPU, and set up
   * the window of addresses that share the verdict. Returns false if a fault
   * was raised instead.
   */
  fetchRegion(c, pc) {
    if (c.tFault) {
      c.tFault = false;
      this.fault(c, `instruction fetch in ARM state (Thumb bit clear) at 0x${hex(pc)}`, pc);
      return false;
    }
    let lo, hi, arr, base;
    if (pc < ROM_SIZE) { lo = 0; hi = ROM_SIZE; arr = c.rom16; base = 0; }
    else if (pc >= 0x10000000 && pc < 0x14000000) {
      if (this.xipDown && !this.flash.fetchCheck(c, pc)) return false;
      lo = (pc & 0xff000000) >>> 0; hi = lo + 0x1000000; arr = c.flash16; base = lo;
    }
    else if (pc >= 0x20000000 && pc < 0x20042000) { lo = 0x20000000; hi = 0x20042000; arr = c.sram16; base = lo; }
    else if (pc >= 0x15000000 && pc < 0x15004000) { lo = 0x15000000; hi = 0x15004000; arr = new Uint16Array(this.xipSram.buffer); base = lo; }
    else if (pc >= 0x21000000 && pc < 0x21040000) {
      // non-striped SRAM alias: not linear, fetch one instruction at a time
      lo = pc; hi = pc + 2; base = pc; arr = this.oneHalfword || (this.oneHalfword = new Uint16Array(1));
      arr[0] = this.busRead(null, pc, 2);
    } else {
      const xn = pc >= 0x40000000 && pc < 0x60000000 || pc >= 0xa0000000;
      this.fault(c, `instruction fetch from ${xn ? 'execute-never (peripheral/device) space' : 'unmapped address'} 0x${hex(pc)}`, pc);
      return false;
    }
    if (c.mpuActive) {
      const win = { lo, hi };
      const err = c.ppb.fetchCheck(pc, win);
      if (err) { this.fault(c, err, pc); return false; }
      lo = win.lo; hi = win.hi;
    }
    c.fetchLo = lo; c.fetchHi = hi; c.fetchArr = arr; c.fetchBase = base;
    // fetch hooks: may stop here, or narrow the window so that their addresses come back here
    if (this.hooks !== null) return this.hooks.onFetch(c, pc);
    return true;
  }

  /** Instructions the stock core does not handle as the hardware does. */
  special(c, k, op, pc) {
    const regs = c.registers;
    switch (k) {
      case K.UNDEF:
        this.fault(c, `undefined instruction 0x${op.toString(16).padStart(4, '0')} at 0x${hex(pc)}`, pc);
        return;
      case K.UDF:
        this.fault(c, `UDF #${op & 0xff} (permanently undefined) at 0x${hex(pc)}`, pc);
        return;
      case K.BKPT:
        if (pc < ROM_SIZE) { this.romTrap(c, op & 0xff, pc); return; }
        c.cycles += 1;
        if (c.activePriority() < 0 && (regs[12] >>> 0) !== EXIT_MARK) {
          // A breakpoint in the HardFault (or NMI) handler, such as the
          // pico-sdk's default HardFault handler: a chip without a debugger
          // locks up here. The firmware stopped on a fault, not a pass.
          // (A fault path that ends the run with its own status marks its
          // bkpt with EXIT_MARK in r12, as tandem's port_exit does.)
          const where = c.IPSR === 2 ? 'NMI' : 'HardFault';
          const why = c.lastFault ? `; the fault: ${c.lastFault.reason}` : '';
          const fpc = c.lastFault && c.lastFault.pc !== undefined ? ` (faulting pc 0x${hex(c.lastFault.pc)})` : '';
          this.stop('fault-bkpt', {
            code: op & 0xff, core: c.index, pc: pc >>> 0,
            message: `core ${c.index}: bkpt #${op & 0xff} in the ${where} handler at pc 0x${hex(pc)}${why}${fpc}`,
          });
        } else {
          this.stop('bkpt', { code: op & 0xff, core: c.index, pc: pc >>> 0 });
        }
        this.enterState(c, STATE_HALT);
        return;
      case K.SVC: {
        regs[15] = pc + 2;
        c.cycles += 1;
        if (c.svCallPriority < c.execPriority()) { c.pendingSVCall = true; c.interruptsUpdated = true; }
        else this.fault(c, `SVC #${op & 0xff} with the SVCall priority not above the execution priority (PRIMASK set or in a handler)`, pc + 2);
        return;
      }
      case K.WFE:
        regs[15] = pc + 2;
        c.cycles += 2;
        if (c.eventRegistered) c.eventRegistered = false;
        else this.sleep(c, STATE_WFE);
        return;
      case K.WFI:
        regs[15] = pc + 2;
        c.cycles += 2;
        if (!c.wfiWake()) this.sleep(c, STATE_WFI);
        return;
      case K.SEV: {
        regs[15] = pc + 2;
        c.cycles += 1;
        c.eventRegistered = true;
        const o = this.cores[1 - c.index];
        if (o.state === STATE_WFE) this.wake(o);
        else if (o.state === STATE_RUN || o.state === STATE_WFI) o.eventRegistered = true;
        return;
      }
      case K.HINT:
        regs[15] = pc + 2;
        c.cycles += 1;
        return;
      case K.BLX: {
        const target = regs[(op >>> 3) & 0xf];
        regs[14] = (pc + 2) | 1;
        regs[15] = target & ~1;
        c.cycles += 2;
        if (!(target & 1)) { c.tFault = true; c.invalidateFetch(); }
        return;
      }
      case K.PUSHLR:
        try { c.executeInstruction(); } catch (e) { this.abandon(c, e, pc); return; }
        c.cycles += 1;
        return;
      case K.WIDE: {
        let op2;
        try { op2 = c.readUint16(pc + 2); } catch (e) { this.abandon(c, e, pc); return; }
        if (!validWide(op, op2)) {
          const what = (op & 0xfff0) === 0xf7f0 && (op2 & 0xf000) === 0xa000 ? 'UDF.W' : 'undefined 32-bit instruction';
          this.fault(c, `${what} 0x${op.toString(16)} 0x${op2.toString(16)} at 0x${hex(pc)}`, pc);
          return;
        }
        try { c.executeInstruction(); } catch (e) { this.abandon(c, e, pc); }
        return;
      }
    }
  }

  /** BKPT inside the ROM model: a request to the simulator (see rom/rom.S). */
  romTrap(c, n, pc) {
    const regs = c.registers;
    switch (n) {
      case 0x01:
        this.stop('noboot', { message: 'boot2 CRC mismatch: firmware does not boot (the chip would fall back to USB boot)' });
        this.enterState(c, STATE_HALT);
        return;
      case 0x02: {
        // HardFault taken through the ROM's vector table: report the stacked frame.
        const lr = regs[14];
        const sp = (lr & 4) ? c.SPprocess : c.SPmain;
        let spc = 0;
        try { spc = this.read32(sp + 0x18); } catch (e) { void e; }
        const why = c.lastFault ? `: ${c.lastFault.reason}` : '';
        this.enterState(c, STATE_HALT);
        this.stop('lockup', {
          core: c.index, pc: spc,
          message: `core ${c.index}: HardFault with no handler (VTOR still points at the boot ROM)${why}; faulting pc 0x${hex(spc)}`,
          history: this.pcHistory(c.index),
        });
        return;
      }
      case 0x03:
        this.stop('noboot', { message: 'firmware called reset_usb_boot: the chip would enter USB boot' });
        this.enterState(c, STATE_HALT);
        return;
      case 0x04: { // rom_table_lookup found nothing: the chip's ROM may have it
        const code = regs[1] & 0xffff;
        const name = String.fromCharCode(code & 0xff, code >> 8).replace(/[^\x20-\x7e]/g, '?');
        const end = (t) => { while (this.read16(t)) t += 4; return t; }; // r0 stands at its table's end
        const kind = regs[0] === end(this.read16(0x16)) ? 'data' : regs[0] === end(this.read16(0x14)) ? 'function' : 'table entry';
        const what = ROM_NOT_MODELLED[name] ? `the chip's ${ROM_NOT_MODELLED[name]}, which is not modelled` : 'not in the ROM model (the chip\'s ROM may have it)';
        this.warn(`ROM ${kind} lookup of '${name}' (0x${code.toString(16).padStart(4, '0')}): ${what}; the lookup returns 0`);
        break;
      }
      default:
        if (n >= 0x40 && n < 0x80) { // the floating-point tables (lib/romfp.js); the ROM returns
          const dbl = n >= 0x60, i = n & 0x1f;
          const why = romfp.call(this, c, dbl, i);
          if (why === null) break;
          this.enterState(c, STATE_HALT);
          this.stop('unmodelled', {
            core: c.index, pc: regs[14] & ~1,
            message: `core ${c.index} called ${romfp.entryName(dbl, i)} (entry 0x${(i * 4).toString(16).padStart(2, '0')} of the ROM's ${dbl ? 'double' : 'single'}-precision floating-point table '${dbl ? 'SD' : 'SF'}'), returning to 0x${hex(regs[14] & ~1)}: ${why}`,
          });
          return;
        }
        if (n >= 0x10 && n < 0x20) { // the flash functions (lib/flash.js)
          if (!this.flash.romCall(c, n, pc)) return;
          break;
        }
        this.lockup(c, `unknown ROM trap ${n}`, pc);
        return;
    }
    regs[15] = pc + 2;
    c.cycles += 1;
  }

  // ---- results ---------------------------------------------------------------
  /** Simulated time in seconds. */
  get timeSeconds() { return this.cyclesToNanos(this.T) / 1e9; }

  stats() {
    return {
      time_s: this.nowNanos() / 1e9,
      clk_sys_hz: this.clkSys,
      reboots: this.reboots,
      cores: this.cores.map((c) => ({
        cycles: c.cycles,
        instructions: c.instructions,
        sleep_cycles: c.sleepCycles,
        reset_cycles: c.resetCycles,
        interrupts: c.interruptsTaken,
        exceptions: Object.fromEntries([...c.exceptionCounts].map((v, i) => [i, v]).filter(([, v]) => v)),
        faults: c.faults,
        fifo_pushed: c.sio.pushed,
        fifo_popped: c.sio.popped,
        state: STATE_NAMES[c.state],
        pc: c.registers[15] >>> 0,
      })),
      flash: this.flash.stats(),
      gpio_toggles: Object.fromEntries([...this.toggles].map((v, i) => [i, v]).filter(([, v]) => v)),
      uart_dropped: [...this.uartDropCount],
      alarms: this.clock.fired,
      ...(this.usbHost && this.usbHost.st.attaches ? { usb: this.usbHost.stats() } : {}),
    };
  }
}

// ---- helpers ---------------------------------------------------------------
/** The core tag of a line from the set of cores (bit n: core n) that wrote it. */
function coresTag(cores) { return cores === 3 ? -2 : cores === 2 ? 1 : cores === 1 ? 0 : -1; }
function sub(w, a, size) {
  if (size === 4) return w >>> 0;
  return (w >>> ((a & 3) * 8)) & (size === 2 ? 0xffff : 0xff);
}
function lanes(v, size) {
  if (size === 4) return v >>> 0;
  if (size === 2) return ((v & 0xffff) * 0x10001) >>> 0;
  return ((v & 0xff) * 0x01010101) >>> 0;
}
function readBytes(arr, o, size) {
  if (size === 1) return arr[o];
  if (size === 2) return arr[o] | (arr[o + 1] << 8);
  return (arr[o] | (arr[o + 1] << 8) | (arr[o + 2] << 16) | (arr[o + 3] << 24)) >>> 0;
}
function writeBytes(arr, o, v, size) {
  arr[o] = v;
  if (size > 1) arr[o + 1] = v >>> 8;
  if (size > 2) { arr[o + 2] = v >>> 16; arr[o + 3] = v >>> 24; }
}
/** SRAM0-3 non-striped alias (0x21000000 + bank*64K + word*4) -> offset in the striped view. */
function unstriped(a) {
  const o = a - 0x21000000;
  const bank = o >>> 16;
  const word = (o & 0xffff) >>> 2;
  return ((word * 4 + bank) * 4) + (o & 3);
}
function validWide(op, op2) {
  if ((op & 0xf800) === 0xf000 && (op2 & 0xd000) === 0xd000) return true;           // BL
  if ((op & 0xfff0) === 0xf380 && (op2 & 0xff00) === 0x8800) return true;           // MSR
  if (op === 0xf3ef && (op2 & 0xf000) === 0x8000) return true;                      // MRS
  if (op === 0xf3bf && (op2 & 0xffc0) === 0x8f40 && (op2 & 0x30) !== 0x30) return true; // DSB/DMB/ISB
  return false;
}

module.exports = { Simulator, STATE_NAMES, EXIT_MARK };
