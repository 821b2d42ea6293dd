'use strict';
// The RP2040's two SPI controllers (ARM PrimeCell PL022, datasheet 4.4), in
// master mode, with devices attached to the bus by their chip-select pin.
// Modelled here instead of rp2040js's RPSPI, which completes every frame in
// zero time, ignores SSE, LBM and the DMA enables, has no receive timeout
// interrupt and swaps SPI modes 2 and 3.
//
// What is modelled:
// - Frames of 4..16 bits (DSS) leave the 8-deep TX FIFO one at a time while
//   SSE is set, each taking DSS periods of the bit clock clk_peri /
//   (CPSDVSR x (1 + SCR)); the frame received in the same time goes to the
//   8-deep RX FIFO (overrun: RORRIS set, the frame lost). clk_peri comes
//   from the CLOCKS registers and is the PL022's SSPCLK: while it is
//   stopped (a CLK_PERI_CTRL write clearing ENABLE or setting KILL) nothing
//   shifts: a frame being sent stops where it is (SCK and TX hold their
//   levels, BSY stays set), frames written wait in the TX FIFO, and the
//   receive timeout's count waits; when it runs again the frame goes on
//   where it stopped and the queued ones follow, with no further write.
// - SSPSR (TFE, TNF, RNE, RFF, BSY), the four interrupts (TX FIFO half
//   empty or less, RX FIFO half full or more, receive timeout after 32 bit
//   periods without a read while the RX FIFO holds data, receive overrun),
//   SSPIMSC/RIS/MIS/ICR, SSPDMACR (TX DREQ while the TX FIFO is not full,
//   RX DREQ while the RX FIFO is not empty, each only when enabled),
//   loopback (LBM: the receiver sees the transmitter).
// - Devices: each attached device has a chip-select GPIO. A GPIO driven low
//   (SIO or any function) selects it; with the pin on the SPI's own CSn
//   function (FUNCSEL 1) the controller drives it: low for a whole run of
//   back-to-back frames when SPH = 1, and for each frame alone when SPH = 0
//   (the PL022 pulses it high between frames then). A frame reaches the
//   devices only when a pin carries the block's SCK and one its TX; what the
//   devices drive comes back only when a pin carries its RX (otherwise 0).
//   Several devices selected at once drive the line together (AND).
// - SCK and TX at their pins: a GPIO whose FUNCSEL is the block's SCK
//   (GPIO 2, 6, 18, 22 for SPI0; 10, 14, 26 for SPI1) or TX (3, 7, 19, 23;
//   11, 15, 27) is driven by it. SCK idles at SPO; each frame's bits go out
//   most significant first, one bit period each: with SPH = 0 TX changes at
//   the start of the bit and SCK leaves its idle level half a period later
//   (the receiver samples there) and returns at the bit's end; with SPH = 1
//   SCK leaves its idle level at the start of the bit, TX changes with it,
//   and SCK returns half a period later. TX keeps the last bit's level
//   between frames. Each change is at its own time while something could
//   see it when the frame starts (a 'gpio' listener, a pin watcher such as
//   a wire, the pin's interrupt, a running PIO); otherwise the frame leaves
//   the pins as they were (their toggles not counted, a read of GPIO_IN
//   sees the idle levels, a recorded run's VCD shows them idle: warned):
//   the waveform costs nothing at the rates a display is fed.
// Not modelled: slave mode (MS = 1: warned when enabled, nothing is sent or
// received), the TI and National Microwire frame formats (a warning; frames
// go out as Motorola SPI), the gap the PL022 leaves between frames (frames
// follow each other with no idle bit periods), CSn and RX at their pins
// (CSn selects attached devices but its GPIO is not driven: warned at the
// first frame with a GPIO on the block's CSn; what attached devices drive
// comes back as the RX frame, a GPIO's level on RX is not sampled: warned
// when a frame is received with no device selected while the RX GPIO is
// driven from outside).
//
// A device is an object with any of:
//   select()                  chip select went low
//   frame(out, bits) -> in    one frame: what the controller sent, and what
//                             the device drove back during it (a device
//                             decides that from earlier frames only)
//   deselect()                chip select went high

const { BasePeripheral } = require('rp2040js');

const IRQ_SPI = [18, 19];
const DREQ = [{ tx: 16, rx: 17 }, { tx: 18, rx: 19 }];
const FIFO_DEPTH = 8;

// SSPCR0
const SPO = 1 << 6, SPH = 1 << 7;
// SSPCR1
const LBM = 1 << 0, SSE = 1 << 1, MS = 1 << 2;
// interrupts
const RORI = 1 << 0, RTI = 1 << 1, RXI = 1 << 2, TXI = 1 << 3;

class Fifo {
  constructor(n) { this.buf = new Uint16Array(n); this.head = 0; this.count = 0; }
  get full() { return this.count === this.buf.length; }
  get empty() { return this.count === 0; }
  push(v) { this.buf[(this.head + this.count) % this.buf.length] = v; this.count++; }
  pull() { const v = this.buf[this.head]; this.head = (this.head + 1) % this.buf.length; this.count--; return v; }
  clear() { this.count = 0; this.head = 0; }
}

class SPI extends BasePeripheral {
  constructor(sim, mcu, index) {
    super(mcu, `SPI${index}`);
    this.sim = sim;
    this.index = index;
    this.irq = IRQ_SPI[index];
    this.dreqNo = DREQ[index];
    this.devices = [];              // {cs, dev, selected}
    this.tx = new Fifo(FIFO_DEPTH);
    this.rx = new Fifo(FIFO_DEPTH);
    this.shifting = false;
    this.shiftOut = 0;
    this.frameAlarm = mcu.clock.createAlarm(() => this.frameDone());
    // SCK and TX at the pins: their levels now, the changes to come ([ns, role, level] triples)
    this.pinLevel = [0, 0, 0, 0];   // by role: RX, CSn (not driven), SCK, TX
    this.edges = [];
    this.pinAlarm = mcu.clock.createAlarm(() => this.pinStep());
    this.timeoutAlarm = mcu.clock.createAlarm(() => this.rxTimeout());
    this.frames = 0;                // statistics
    this.periStopped = false;       // clk_peri stopped (lib/clocks.js calls periClock)
    this.paused = null;             // while it is: {at, frame, timeout, rearm} (see periClock)
    this.reset();
  }

  reset() {
    this.cr0 = 0;
    this.cr1 = 0;
    this.cpsr = 0;
    this.imsc = 0;
    this.ris = 0;
    this.dmacr = 0;
    this.tx.clear();
    this.rx.clear();
    this.shifting = false;
    this.hwCsLow = false;
    this.frameAlarm.cancel();
    this.timeoutAlarm.cancel();
    if (this.paused) this.paused = { at: this.rp2040.clock.nanos, frame: -1, timeout: -1, rearm: false };
    this.edges = [];
    if (this.pinAlarm) this.pinAlarm.cancel();
    this.setPin(2, 0);
    this.setPin(3, 0);
    this.update();
  }

  // ---- devices ---------------------------------------------------------------
  /** Attach `dev` with its chip select on GPIO `cs`. Returns the device. */
  attach(cs, dev) {
    if (!(cs >= 0 && cs < 30)) throw new RangeError(`SPI chip select ${cs} is not a GPIO (0..29)`);
    const entry = { cs, dev, selected: false };
    this.devices.push(entry);
    this.sim.watchPin(cs, () => this.csChanged(entry));
    this.csChanged(entry);
    return dev;
  }
  /** Whether a device's chip select is low now. */
  csLow(entry) {
    const pin = this.sim.mcu.gpio[entry.cs];
    if (pin.functionSelect === 1 && ((entry.cs >>> 3) & 1) === this.index && (entry.cs & 3) === 1) return this.hwCsLow;
    return this.sim.outLevel[entry.cs] === 0;
  }
  csChanged(entry) {
    const low = this.csLow(entry);
    if (low === entry.selected) return;
    entry.selected = low;
    if (low) { if (entry.dev.select) entry.dev.select(); }
    else if (entry.dev.deselect) entry.dev.deselect();
  }
  setHwCs(low) {
    if (this.hwCsLow === low) return;
    this.hwCsLow = low;
    for (const e of this.devices) this.csChanged(e);
  }
  // ---- SCK and TX at the pins ----------------------------------------------------
  /** The GPIOs whose FUNCSEL is this block's signal `role` (0 RX, 1 CSn, 2 SCK, 3 TX) now. */
  pinsOf(role) {
    const gpio = this.sim.mcu.gpio, pins = [];
    for (let p = role; p < 30; p += 4) if (((p >>> 3) & 1) === this.index && gpio[p].functionSelect === 1) pins.push(p);
    return pins;
  }
  setPin(role, level) {
    if (this.pinLevel[role] === level) return;
    this.pinLevel[role] = level;
    for (const p of this.pinsOf(role)) this.sim.mcu.gpio[p].checkForUpdates();
  }
  /** Whether something could see SCK or TX change as it happens (see the notes at the top). */
  pinsObserved() {
    const sim = this.sim, pins = this.pinsOf(2).concat(this.pinsOf(3));
    return pins.length > 0 && (sim.pinsAllSeen || pins.some((p) => sim.pinSeen(p)));
  }
  /** A frame of `bits` bits of `out` from now, `ns` a bit: its SCK and TX changes. */
  frameEdges(out, bits, ns) {
    const t0 = this.rp2040.clock.nanos, e = this.edges;
    const spo = (this.cr0 & SPO) ? 1 : 0, sph = (this.cr0 & SPH) !== 0;
    let tx = this.pinLevel[3];                 // TX's level once the changes queued so far are done
    for (let k = e.length - 3; k >= 0; k -= 3) if (e[k + 1] === 3) { tx = e[k + 2]; break; }
    for (let i = 0; i < bits; i++) {
      const b = (out >>> (bits - 1 - i)) & 1, s = t0 + i * ns;
      if (b !== tx) { e.push(s, 3, b); tx = b; }
      if (sph) e.push(s, 2, 1 - spo, s + ns / 2, 2, spo);
      else e.push(s + ns / 2, 2, 1 - spo, s + ns, 2, spo);
    }
    this.pinSchedule();
  }
  pinStep() {
    const now = this.rp2040.clock.nanos, e = this.edges;
    let i = 0;
    while (i < e.length && e[i] <= now) { this.setPin(e[i + 1], e[i + 2]); i += 3; }
    if (i) e.splice(0, i);
    this.pinSchedule();
  }
  pinSchedule() {
    const a = this.pinAlarm;
    if (!this.edges.length) { a.cancel(); return; }
    if (a.scheduled && a.nanos === this.edges[0]) return;
    a.cancel();
    a.schedule(this.edges[0] - this.rp2040.clock.nanos);
  }
  routed(role) {
    const gpio = this.sim.mcu.gpio;
    for (let p = 0; p < 30; p++) {
      if ((p & 3) === role && ((p >>> 3) & 1) === this.index && gpio[p].functionSelect === 1) return true;
    }
    return false;
  }

  // ---- timing ------------------------------------------------------------------
  get bits() { return (this.cr0 & 0xf) + 1; }
  get bitNs() {
    const peri = this.rp2040.clocks.periFreq;
    const div = (this.cpsr & 0xfe) * (1 + ((this.cr0 >>> 8) & 0xff));
    if (!peri || !div) return 0;
    return (div * 1e9) / peri;
  }
  slaveWarn() { this.sim.warn(`SPI${this.index}: slave mode (SSPCR1.MS) is not modelled: the block sends and receives nothing`); }
  /** Start the next frame if the controller can. */
  pump() {
    if (this.shifting || this.tx.empty || !(this.cr1 & SSE)) return;
    if (this.cr1 & MS) { this.slaveWarn(); return; }
    const ns = this.bitNs;
    if (!ns) {
      this.sim.warn(this.cpsr & 0xfe ? `SPI${this.index}: clk_peri is stopped, so nothing is sent until it runs again (as on the chip)`
        : `SPI${this.index}: SSPCPSR is 0 (the PL022 needs an even prescaler 2..254); nothing is sent`);
      return;
    }
    if (((this.cr0 >>> 4) & 3) !== 0) this.sim.warn(`SPI${this.index}: TI and Microwire frame formats are not modelled; frames go out as Motorola SPI`);
    this.shiftOut = this.tx.pull();
    const cs = this.pinsOf(1);
    if (cs.length && !(this.cr1 & LBM)) {
      this.sim.warn(`SPI${this.index}: CSn at its pin is not modelled: GPIO ${cs.join(', ')} (FUNCSEL SPI) selects the devices attached to it as the PL022 would, but the GPIO is not driven (its level stays what its pulls or an outside source make it)`);
    }
    if (this.pinsObserved()) this.frameEdges(this.shiftOut, this.bits, ns);
    else if (this.sim.gpioEvents && this.pinsOf(2).length) {
      this.sim.warn(`SPI${this.index}: SCK and TX are recorded only while something observes them (a 'gpio' listener, --gpio-log of the pins, a pin watcher, the pin's interrupt, a running PIO): this run's VCD shows them idle`);
    }
    this.shifting = true;
    if (!(this.cr1 & LBM)) this.setHwCs(true);
    this.frameAlarm.schedule(ns * this.bits);
    this.update();
  }
  frameDone() {
    this.shifting = false;
    const bits = this.bits, mask = (1 << bits) - 1, out = this.shiftOut & mask;
    let inp;
    if (this.cr1 & LBM) inp = out;
    else {
      inp = mask;
      const sent = this.routed(2) && this.routed(3);
      if (!sent) this.sim.warn(`SPI${this.index}: a frame went out while no GPIO carries the block's SCK and TX (FUNCSEL 1): devices saw nothing`);
      let any = false;
      for (const e of this.devices) {
        if (!e.selected || !sent) continue;
        const v = e.dev.frame ? e.dev.frame(out, bits) : mask;
        inp &= (v === undefined ? mask : v);
        any = true;
      }
      if (!any) inp = 0;                   // nothing drives MISO: the pad reads low (its pull-down)
      if (!this.routed(0)) inp = 0;
      else if (!any) {
        const driven = this.pinsOf(0).filter((p) => this.sim.extIn[p] >= 0);
        if (driven.length) this.sim.warn(`SPI${this.index}: RX at its pin is not modelled: GPIO ${driven.join(', ')} (FUNCSEL SPI) is driven from outside but not sampled; with no attached device selected a frame receives 0`);
      }
    }
    this.frames++;
    if (this.rx.full) this.ris |= RORI;
    else this.rx.push(inp & mask);
    // The controller's own CSn goes high between frames with SPH = 0, and
    // when there is nothing more to send.
    if ((this.cr0 & SPH) === 0 || this.tx.empty || !(this.cr1 & SSE)) this.setHwCs(false);
    this.armTimeout();
    this.update();
    this.pump();
  }
  /**
   * clk_peri stopped or running again (a CLK_PERI_CTRL write). Stopped:
   * the frame being sent, its pin changes and the receive timeout keep what
   * they had left (ns) and wait. Running: they go on from there, and the
   * TX FIFO's frames follow (also after a write that only starts the clock).
   */
  periClock(running) {
    const now = this.rp2040.clock.nanos;
    if (!running) {
      if (this.periStopped) return;
      this.periStopped = true;
      this.pinStep();                        // the pins as they are now, then held
      this.pinAlarm.cancel();
      const left = (a) => (a.scheduled ? a.nanos - now : -1);
      this.paused = { at: now, frame: left(this.frameAlarm), timeout: left(this.timeoutAlarm), rearm: false };
      this.frameAlarm.cancel();
      this.timeoutAlarm.cancel();
      return;
    }
    const p = this.paused;
    this.periStopped = false;
    this.paused = null;
    if (p) {
      const delta = now - p.at;
      for (let i = 0; i < this.edges.length; i += 3) this.edges[i] += delta;
      this.pinSchedule();
      if (p.frame >= 0) this.frameAlarm.schedule(p.frame);
      if (p.rearm) this.armTimeout();
      else if (p.timeout >= 0) this.timeoutAlarm.schedule(p.timeout);
    }
    this.pump();
  }
  armTimeout() {
    if (this.paused) { this.paused.rearm = true; return; }   // counted afresh when clk_peri runs
    const ns = this.bitNs;
    if (!this.rx.empty && ns) this.timeoutAlarm.schedule(32 * ns);
    else this.timeoutAlarm.cancel();
  }
  rxTimeout() {
    if (!this.rx.empty) { this.ris |= RTI; this.update(); }
  }

  /** Interrupt line, level flags and DMA requests after any change. */
  update() {
    if (this.tx.count <= FIFO_DEPTH / 2) this.ris |= TXI; else this.ris &= ~TXI;
    if (this.rx.count >= FIFO_DEPTH / 2) this.ris |= RXI; else this.ris &= ~RXI;
    this.rp2040.setInterrupt(this.irq, (this.ris & this.imsc) !== 0);
    const dma = this.rp2040.dma;
    if ((this.dmacr & 2) && !this.tx.full) dma.setDREQ(this.dreqNo.tx); else dma.clearDREQ(this.dreqNo.tx);
    if ((this.dmacr & 1) && !this.rx.empty) dma.setDREQ(this.dreqNo.rx); else dma.clearDREQ(this.dreqNo.rx);
  }

  // ---- registers ----------------------------------------------------------------
  readUint32(offset) {
    switch (offset) {
      case 0x00: return this.cr0;
      case 0x04: return this.cr1;
      case 0x08: {
        if (this.rx.empty) return 0;
        const v = this.rx.pull();
        this.armTimeout();
        this.update();
        return v;
      }
      case 0x0c: {
        const busy = (this.cr1 & SSE) && (this.shifting || !this.tx.empty);
        return (this.tx.empty ? 1 : 0) | (this.tx.full ? 0 : 2) | (this.rx.empty ? 0 : 4) |
          (this.rx.full ? 8 : 0) | (busy ? 16 : 0);
      }
      case 0x10: return this.cpsr;
      case 0x14: return this.imsc;
      case 0x18: return this.ris;
      case 0x1c: return this.ris & this.imsc;
      case 0x24: return this.dmacr;
      case 0xfe0: return 0x22;
      case 0xfe4: return 0x10;
      case 0xfe8: return 0x34;
      case 0xfec: return 0x00;
      case 0xff0: return 0x0d;
      case 0xff4: return 0xf0;
      case 0xff8: return 0x05;
      case 0xffc: return 0xb1;
    }
    return super.readUint32(offset);
  }
  writeUint32(offset, value) {
    switch (offset) {
      case 0x00:
        this.cr0 = value & 0xffff;
        if (!this.shifting) this.setPin(2, (this.cr0 & SPO) ? 1 : 0); // SCK's idle level
        return;
      case 0x04:
        this.cr1 = value & 0xf;
        if ((this.cr1 & (MS | SSE)) === (MS | SSE)) this.slaveWarn();
        if (!(this.cr1 & SSE)) this.setHwCs(false);
        this.update();
        this.pump();
        return;
      case 0x08:
        if (!this.tx.full) {
          this.tx.push(value & ((1 << this.bits) - 1));
          this.update();
          this.pump();
        }
        return;
      case 0x10: this.cpsr = value & 0xff; this.pump(); return;
      case 0x14: this.imsc = value & 0xf; this.update(); return;
      case 0x20: this.ris &= ~(value & (RORI | RTI)); this.update(); return;
      case 0x24: this.dmacr = value & 3; this.update(); return;
    }
    super.writeUint32(offset, value);
  }
}

module.exports = { SPI, IRQ_SPI };
