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
//   from the CLOCKS registers: while it is stopped nothing is sent.
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
// Not modelled: slave mode (MS = 1), the TI and National Microwire frame
// formats (a warning; frames go out as Motorola SPI), the gap the PL022
// leaves between frames (frames follow each other with no idle bit
// periods), the waveforms of SCK/TX/RX (not in the VCD; a warning when a
// frame goes out while a PIO runs or a watcher looks at SCK or TX).
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
    this.timeoutAlarm = mcu.clock.createAlarm(() => this.rxTimeout());
    this.frames = 0;                // statistics
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
  /** Whether some GPIO carries this block's signal `role` (0 RX, 1 CSn, 2 SCK, 3 TX). */
  /**
   * Frames reach attached devices whole; SCK and TX have no bit-level
   * waveform. Say so when something could be reading those pins instead (a
   * running PIO state machine, a watcher on the pin such as a wire).
   */
  warnNoWaveform() {
    const sim = this.sim, gpio = sim.mcu.gpio, pins = [];
    for (let p = 0; p < 30; p++) {
      if ((p & 2) && ((p >>> 3) & 1) === this.index && gpio[p].functionSelect === 1) pins.push(p);
    }
    if (pins.length && (sim.pioOn || pins.some((p) => sim.pinActive[p] > 0))) {
      sim.warn(`SPI${this.index}: the SCK and TX pins' bit-level waveforms are not modelled (frames reach attached SPI devices whole): GPIO ${pins.join(', ')} keep their level, so a PIO or a wire reading them sees no clock or data`);
    }
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
  /** Start the next frame if the controller can. */
  pump() {
    if (this.shifting || this.tx.empty || !(this.cr1 & SSE)) return;
    if (this.cr1 & MS) { this.sim.warn(`SPI${this.index}: slave mode is not modelled; nothing is sent`); return; }
    const ns = this.bitNs;
    if (!ns) {
      this.sim.warn(this.cpsr & 0xfe ? `SPI${this.index}: clk_peri is stopped, so nothing is sent (as on the chip)`
        : `SPI${this.index}: SSPCPSR is 0 (the PL022 needs an even prescaler 2..254); nothing is sent`);
      return;
    }
    if (((this.cr0 >>> 4) & 3) !== 0) this.sim.warn(`SPI${this.index}: TI and Microwire frame formats are not modelled; frames go out as Motorola SPI`);
    this.warnNoWaveform();
    this.shiftOut = this.tx.pull();
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
  armTimeout() {
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
      case 0x00: this.cr0 = value & 0xffff; return;
      case 0x04:
        this.cr1 = value & 0xf;
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
