'use strict';
// The RP2040 DMA (datasheet 2.5), modelled here instead of rp2040js's RPDMA,
// which moves data in zero time, inverts the pacing timers' X/Y fraction,
// never reports a bus error and ignores TREQ for transfer counts of 0.
//
// What is modelled:
// - 12 channels with the four register aliases and their trigger registers,
//   READ_ADDR/WRITE_ADDR live, TRANS_COUNT as reload value (written) and live
//   count (read), DATA_SIZE, INCR_READ/INCR_WRITE, RING_SIZE/RING_SEL,
//   CHAIN_TO, TREQ_SEL (DREQs of the peripherals, the four pacing timers,
//   permanent), IRQ_QUIET and null triggers, BSWAP, HIGH_PRIORITY,
//   MULTI_CHAN_TRIGGER, CHAN_ABORT, INTR/INTE0/INTF0/INTS0 and the same for
//   IRQ 1, TIMER0..3, N_CHANNELS, DBG_TCR.
// - Timing: the engine performs one transfer (a read and a write) per
//   clk_sys cycle, shared by all channels that may transfer, round robin,
//   high-priority channels first (the chip's read and write masters each do
//   one access per cycle, pipelined).
// - Bus errors: a read or write of an address the DMA cannot reach (unmapped
//   space, SIO, the cores' private peripherals; the boot ROM ignores writes,
//   the DMA's as the cores') sets
//   READ_ERROR or WRITE_ERROR (AHB_ERROR reads as their OR), halts the
//   channel (BUSY clears, the remaining count stays) and raises its
//   interrupt flag even with IRQ_QUIET; READ_ADDR/WRITE_ADDR hold the address
//   that failed.
// Not modelled (README "Approximations"): DREQs are sampled as levels at each
// transfer, not counted (DBG_CTDREQ reads 0); the sniffer (SNIFF_CTRL/DATA
// are stored, no CRC is computed; a warning when SNIFF_EN is used); bus
// contention with the cores; a trigger with TRANS_COUNT 0 (the datasheet
// does not say what happens: the model completes at once and warns).

const { BasePeripheral } = require('rp2040js');

const NCH = 12;
const IRQ_DMA0 = 11, IRQ_DMA1 = 12;

// CTRL bits
const EN = 1 << 0;
const HIGH_PRIORITY = 1 << 1;
const INCR_READ = 1 << 4;
const INCR_WRITE = 1 << 5;
const RING_SEL = 1 << 10;
const IRQ_QUIET = 1 << 21;
const BSWAP = 1 << 22;
const SNIFF_EN = 1 << 23;
const BUSY = 1 << 24;
const WRITE_ERROR = 1 << 29;
const READ_ERROR = 1 << 30;
const AHB_ERROR = 1 << 31;
const CTRL_RW = 0x00ffffff;

const TREQ_TIMER0 = 0x3b;
const TREQ_PERMANENT = 0x3f;

class Channel {
  constructor(index) {
    this.index = index;
    this.readAddr = 0;
    this.writeAddr = 0;
    this.count = 0;        // live transfer count
    this.reload = 0;       // TRANS_COUNT as written
    this.ctrl = index << 11; // CHAIN_TO = itself: no chaining (reset value)
    this.busy = false;
    this.errors = 0;       // READ_ERROR | WRITE_ERROR
    this.nextTimerNs = 0;  // earliest next transfer when paced by a timer
  }
  get treq() { return (this.ctrl >>> 15) & 0x3f; }
  get chainTo() { return (this.ctrl >>> 11) & 0xf; }
  get size() { return 1 << ((this.ctrl >>> 2) & 3); }
  get ctrlValue() {
    return ((this.ctrl & CTRL_RW) | (this.busy ? BUSY : 0) | this.errors | (this.errors ? AHB_ERROR : 0)) >>> 0;
  }
}

class DMA extends BasePeripheral {
  constructor(sim, mcu) {
    super(mcu, 'DMA');
    this.sim = sim;
    this.channels = [];
    for (let i = 0; i < NCH; i++) this.channels.push(new Channel(i));
    this.dreq = new Uint8Array(64);
    this.intr = 0;
    this.inte = [0, 0];
    this.intf = [0, 0];
    this.timers = new Uint32Array(4);
    this.sniffCtrl = 0;
    this.sniffData = 0;
    this.rr = 0;                 // round-robin position
    this.freeAtNs = 0;           // the engine can start its next transfer then
    this.alarm = mcu.clock.createAlarm(() => this.step());
    this.transfers = 0;          // statistics
  }

  reset() {
    for (let i = 0; i < NCH; i++) this.channels[i] = new Channel(i);
    this.intr = 0;
    this.inte = [0, 0];
    this.intf = [0, 0];
    this.timers.fill(0);
    this.alarm.cancel();
    this.checkInterrupts();
  }

  get cycleNs() { return 1e9 / this.sim.clkSys; }
  now() { return this.rp2040.clock.nanos; }

  // ---- requests from peripherals (rp2040js's interface) ----------------------
  setDREQ(n) {
    if (this.dreq[n]) return;
    this.dreq[n] = 1;
    this.kick();
  }
  clearDREQ(n) { this.dreq[n] = 0; }

  // ---- interrupts ---------------------------------------------------------------
  ints(n) { return ((this.intr & this.inte[n]) | this.intf[n]) & 0xffff; }
  checkInterrupts() {
    this.rp2040.setInterrupt(IRQ_DMA0, this.ints(0) !== 0);
    this.rp2040.setInterrupt(IRQ_DMA1, this.ints(1) !== 0);
  }
  raise(ch) {
    this.intr |= 1 << ch.index;
    this.checkInterrupts();
  }

  // ---- the engine ---------------------------------------------------------------
  /** Nanoseconds from now until channel ch may transfer (0: now), or Infinity. */
  readyIn(ch, now) {
    if (!ch.busy || !(ch.ctrl & EN)) return Infinity;
    const t = ch.treq;
    if (t === TREQ_PERMANENT) return 0;
    if (t >= TREQ_TIMER0 && t < TREQ_TIMER0 + 4) {
      const r = this.timers[t - TREQ_TIMER0], x = r >>> 16, y = r & 0xffff;
      if (!x || !y) return Infinity;
      return ch.nextTimerNs > now ? ch.nextTimerNs - now : 0;
    }
    return t < 40 && this.dreq[t] ? 0 : Infinity;
  }
  kick() {
    const now = this.now();
    let wait = Infinity;
    for (const ch of this.channels) {
      const w = this.readyIn(ch, now);
      if (w < wait) wait = w;
    }
    if (wait === Infinity) { this.alarm.cancel(); return; }
    const at = Math.max(now + wait, this.freeAtNs);
    if (this.alarm.scheduled && this.alarm.nanos <= at) return;
    this.alarm.schedule(at - now);
  }
  pick(now) {
    for (const high of [true, false]) {
      for (let k = 0; k < NCH; k++) {
        const ch = this.channels[(this.rr + k) % NCH];
        if (!!(ch.ctrl & HIGH_PRIORITY) !== high) continue;
        if (this.readyIn(ch, now) === 0) { this.rr = (ch.index + 1) % NCH; return ch; }
      }
    }
    return null;
  }
  step() {
    const now = this.now();
    const ch = this.pick(now);
    if (ch) {
      this.transfer(ch, now);
      this.freeAtNs = now + this.cycleNs;
    }
    this.kick();
  }

  transfer(ch, now) {
    const sim = this.sim, size = ch.size;
    const t = ch.treq;
    if (t >= TREQ_TIMER0 && t < TREQ_TIMER0 + 4) {
      const r = this.timers[t - TREQ_TIMER0];
      ch.nextTimerNs = Math.max(ch.nextTimerNs, now) + this.cycleNs * (r & 0xffff) / (r >>> 16);
    }
    sim.busError = null;
    sim.quietBusErrors = true;
    let v = sim.busRead(null, ch.readAddr >>> 0, size);
    if (sim.busError !== null) { this.busErrorStop(ch, READ_ERROR); return; }
    if (ch.ctrl & BSWAP) {
      if (size === 2) v = ((v & 0xff) << 8) | (v >>> 8);
      else if (size === 4) v = (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
    }
    sim.busWrite(null, ch.writeAddr >>> 0, v, size);
    sim.quietBusErrors = false;
    if (sim.busError !== null) { this.busErrorStop(ch, WRITE_ERROR); return; }
    this.transfers++;
    const ring = (ch.ctrl >>> 6) & 0xf;
    const mask = ring ? (1 << ring) - 1 : 0;
    const step = (a, ringed) => (ringed && mask ? ((a & ~mask) | ((a + size) & mask)) >>> 0 : (a + size) >>> 0);
    if (ch.ctrl & INCR_READ) ch.readAddr = step(ch.readAddr, !(ch.ctrl & RING_SEL));
    if (ch.ctrl & INCR_WRITE) ch.writeAddr = step(ch.writeAddr, !!(ch.ctrl & RING_SEL));
    ch.count = (ch.count - 1) >>> 0;
    if (ch.count === 0) this.complete(ch);
  }
  busErrorStop(ch, flag) {
    this.sim.quietBusErrors = false;
    ch.errors |= flag;
    ch.busy = false;
    this.raise(ch);
  }
  complete(ch) {
    ch.busy = false;
    if (!(ch.ctrl & IRQ_QUIET)) this.raise(ch);
    if (ch.chainTo !== ch.index) this.trigger(this.channels[ch.chainTo]);
  }
  trigger(ch) {
    if (!(ch.ctrl & EN) || ch.busy) return;
    if (ch.ctrl & SNIFF_EN) this.sim.warn('DMA: the sniffer (CRC/checksum of a channel\'s data) is not modelled: SNIFF_DATA does not change');
    ch.count = ch.reload;
    ch.busy = true;
    if (this.sim.pioOn) this.sim.resched = true; // a channel paced by a PIO DREQ makes the scheduler follow the PIO's ticks
    ch.nextTimerNs = this.now();
    if (ch.count === 0) {
      this.sim.warn('DMA: a channel was triggered with TRANS_COUNT 0; the datasheet does not say what the chip does, the model completes it at once');
      this.complete(ch);
      return;
    }
    this.kick();
  }

  // ---- registers ------------------------------------------------------------------
  readUint32(offset) {
    if (offset < NCH * 0x40) {
      const ch = this.channels[offset >>> 6];
      switch (offset & 0x3f) {
        case 0x00: case 0x14: case 0x28: case 0x3c: return ch.readAddr >>> 0;
        case 0x04: case 0x18: case 0x2c: case 0x34: return ch.writeAddr >>> 0;
        case 0x08: case 0x1c: case 0x24: case 0x38: return ch.count >>> 0;
        default: return ch.ctrlValue;
      }
    }
    if (offset >= 0x800 && offset < 0x800 + NCH * 0x40) {
      const ch = this.channels[(offset - 0x800) >>> 6];
      return (offset & 0x3f) === 0x04 ? ch.reload >>> 0 : 0;
    }
    switch (offset) {
      case 0x400: return this.intr;
      case 0x404: return this.inte[0];
      case 0x408: return this.intf[0];
      case 0x40c: return this.ints(0);
      case 0x414: return this.inte[1];
      case 0x418: return this.intf[1];
      case 0x41c: return this.ints(1);
      case 0x420: case 0x424: case 0x428: case 0x42c: return this.timers[(offset - 0x420) >>> 2];
      case 0x430: return 0;
      case 0x434: return this.sniffCtrl;
      case 0x438: return this.sniffData;
      case 0x440: return 0;       // FIFO_LEVELS: transfers never wait in FIFOs here
      case 0x444: return 0;       // CHAN_ABORT: aborts complete at once
      case 0x448: return NCH;
    }
    return super.readUint32(offset);
  }

  writeUint32(offset, value) {
    value >>>= 0;
    if (offset < NCH * 0x40) { this.writeChannel(this.channels[offset >>> 6], offset & 0x3f, value); return; }
    if (offset >= 0x800 && offset < 0x800 + NCH * 0x40) return; // DBG_CTDREQ reset / DBG_TCR: nothing kept
    switch (offset) {
      case 0x400: case 0x40c: case 0x41c:
        // INTR and INTSn clear raw flags (write 1 to clear): the bits written, not an atomic alias' result
        this.intr &= ~(this.rawWriteValue & 0xffff);
        this.checkInterrupts();
        return;
      case 0x404: this.inte[0] = value & 0xffff; this.checkInterrupts(); return;
      case 0x408: this.intf[0] = value & 0xffff; this.checkInterrupts(); return;
      case 0x414: this.inte[1] = value & 0xffff; this.checkInterrupts(); return;
      case 0x418: this.intf[1] = value & 0xffff; this.checkInterrupts(); return;
      case 0x420: case 0x424: case 0x428: case 0x42c:
        this.timers[(offset - 0x420) >>> 2] = value;
        this.kick();
        return;
      case 0x430:
        for (let i = 0; i < NCH; i++) if (value & (1 << i)) this.trigger(this.channels[i]);
        return;
      case 0x434: this.sniffCtrl = value; return;
      case 0x438: this.sniffData = value; return;
      case 0x444:
        for (let i = 0; i < NCH; i++) {
          if (!(value & (1 << i))) continue;
          const ch = this.channels[i];
          ch.busy = false;
          ch.count = 0;
        }
        this.kick();
        return;
    }
    super.writeUint32(offset, value);
  }

  writeUint32Atomic(offset, value, atomicType) {
    value >>>= 0;
    this.rawWriteValue = value;
    // The W1C registers take the bits written, whatever the alias.
    if (offset === 0x400 || offset === 0x40c || offset === 0x41c) { this.writeUint32(offset, value); return; }
    if (offset < NCH * 0x40 && atomicType !== 0) {
      // An alias acts on the stored bits only: BUSY and the error flags are
      // not written back; an error flag is cleared by a 1 written through the
      // plain or the SET/XOR alias.
      const ch = this.channels[offset >>> 6], reg = offset & 0x3f;
      const cur = reg === 0x0c || reg === 0x10 || reg === 0x20 || reg === 0x30 ? ch.ctrl & CTRL_RW : this.readUint32(offset);
      const v = atomicType === 1 ? cur ^ value : atomicType === 2 ? cur | value : cur & ~value;
      this.writeChannel(ch, reg, v >>> 0, atomicType === 3 ? 0 : value);
      return;
    }
    super.writeUint32Atomic(offset, value, atomicType);
  }

  writeChannel(ch, reg, value, clearing = value) {
    switch (reg) {
      case 0x00: case 0x14: case 0x28: case 0x3c: ch.readAddr = value; break;
      case 0x04: case 0x18: case 0x2c: case 0x34: ch.writeAddr = value; break;
      case 0x08: case 0x1c: case 0x24: case 0x38: ch.reload = value; break;
      default: // CTRL and its aliases
        ch.errors &= ~(clearing & (READ_ERROR | WRITE_ERROR));
        ch.ctrl = value & CTRL_RW;
        if (value & EN) this.kick();
    }
    if (reg === 0x0c || reg === 0x1c || reg === 0x2c || reg === 0x3c) {
      if (value) this.trigger(ch);
      else if (ch.ctrl & IRQ_QUIET) this.raise(ch); // null trigger
    }
  }
}

module.exports = { DMA, IRQ_DMA0, IRQ_DMA1 };
