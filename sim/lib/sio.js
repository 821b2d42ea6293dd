'use strict';
// SIO (single-cycle I/O) as each core sees it at 0xd0000000.
//
// Per core: CPUID, the FIFO direction it writes and the one it reads with its
// sticky WOF/ROE flags, the hardware divider, the two interpolators.
// Shared: the 32 spinlocks and the GPIO registers (kept in rp2040js's own SIO
// instance, which the GPIO pins read their output state from).

const FIFO_DEPTH = 8;

class Fifo {
  constructor() {
    this.buf = new Uint32Array(FIFO_DEPTH);
    this.head = 0;
    this.count = 0;
  }
  push(v) { this.buf[(this.head + this.count) % FIFO_DEPTH] = v; this.count++; }
  pop() { const v = this.buf[this.head]; this.head = (this.head + 1) % FIFO_DEPTH; this.count--; return v; }
  clear() { this.head = 0; this.count = 0; }
}

/** State shared by both cores' SIO views. */
class SioShared {
  constructor() {
    this.fifo = [new Fifo(), new Fifo()]; // fifo[n]: written by core n, read by core 1-n
    this.spinlocks = 0;
  }
  reset() {
    this.fifo[0].clear();
    this.fifo[1].clear();
    this.spinlocks = 0;
  }
}

class CoreSIO {
  constructor(sim, core, shared, Interpolator) {
    this.sim = sim;
    this.core = core;
    this.index = core.index;
    this.shared = shared;
    this.tx = shared.fifo[this.index];
    this.rx = shared.fifo[1 - this.index];
    this.interp = [new Interpolator(0), new Interpolator(1)];
    this.pushed = 0;
    this.popped = 0;
    this.reset();
  }
  reset() {
    this.wof = false;
    this.roe = false;
    this.dividend = 0;
    this.divisor = 0;
    this.quotient = 0;
    this.remainder = 0;
    this.divDirty = false;
    this.divReadyAt = 0;
  }

  get other() { return this.sim.sios[1 - this.index]; }

  fifoStatus() {
    return (this.rx.count > 0 ? 1 : 0) | (this.tx.count < FIFO_DEPTH ? 2 : 0) | (this.wof ? 4 : 0) | (this.roe ? 8 : 0);
  }
  /** SIO_IRQ_PROCn level = VLD | WOF | ROE of this core's FIFO_ST. */
  updateIrq() {
    this.core.setInterrupt(15 + this.index, (this.fifoStatus() & 0xd) !== 0);
  }

  read(off) {
    if (off >= 0x100 && off < 0x180) {
      const bit = 1 << ((off - 0x100) >>> 2);
      const sh = this.shared;
      if (sh.spinlocks & bit) return 0;
      sh.spinlocks |= bit;
      return bit >>> 0;
    }
    switch (off) {
      case 0x000: return this.index;
      case 0x050: return this.fifoStatus();
      case 0x054: return 0;
      case 0x058: {
        if (this.rx.count === 0) {
          this.roe = true;
          this.updateIrq();
          return 0;
        }
        const v = this.rx.pop();
        this.popped++;
        this.updateIrq();
        return v;
      }
      case 0x05c: return this.shared.spinlocks >>> 0;
      case 0x060: case 0x068: return this.dividend >>> 0;
      case 0x064: case 0x06c: return this.divisor >>> 0;
      case 0x070: this.divDirty = false; return this.quotient >>> 0;
      case 0x074: return this.remainder >>> 0;
      case 0x078: return (this.core.cycles >= this.divReadyAt ? 1 : 0) | (this.divDirty ? 2 : 0);
    }
    if (off >= 0x004 && off <= 0x04c) {
      this.sim.pinsCatchUp(); // a UART's TX pin as it is now
      if (this.sim.pioOn) this.sim.pioSync(); // GPIO_IN as the PIO leaves it at this cycle
      return this.sim.mcu.sio.readUint32(off) >>> 0;
    }
    if (off >= 0x080 && off < 0x100) return this.readInterp(off) >>> 0;
    return 0;
  }

  write(off, v) {
    if (off >= 0x100 && off < 0x180) {
      this.shared.spinlocks &= ~(1 << ((off - 0x100) >>> 2));
      return;
    }
    switch (off) {
      case 0x050: // any write clears the sticky flags
        this.wof = false;
        this.roe = false;
        this.updateIrq();
        return;
      case 0x054:
        if (this.tx.count >= FIFO_DEPTH) {
          this.wof = true;
          this.updateIrq();
          return;
        }
        if (this.index === 1 && this.sim.core1Garble > 0 && this.core.registers[15] < 0x4000) {
          this.sim.core1Garble--;          // --core1-garble: a word from the ROM's handshake, corrupted
          v ^= 0x80000000;
        }
        this.tx.push(v >>> 0);
        this.pushed++;
        this.other.updateIrq();
        return;
      case 0x060: this.dividend = v; this.divide(false); return;
      case 0x064: this.divisor = v; this.divide(false); return;
      case 0x068: this.dividend = v; this.divide(true); return;
      case 0x06c: this.divisor = v; this.divide(true); return;
      case 0x070: this.quotient = v; this.divDirty = true; this.divReadyAt = 0; return;
      case 0x074: this.remainder = v; this.divDirty = true; this.divReadyAt = 0; return;
    }
    if (off >= 0x004 && off <= 0x04c) {
      if (this.sim.pioOn) this.sim.pioSync(); // the PIO sees its inputs change at this cycle
      this.sim.mcu.sio.writeUint32(off, v >>> 0);
      return;
    }
    if (off >= 0x080 && off < 0x100) this.writeInterp(off, v >>> 0);
  }

  // Hardware divider: the result is computed at once; CSR.READY reads 0 for
  // the 8 cycles the real divider takes (values read early are already final).
  divide(signed) {
    const n = this.dividend, d = this.divisor;
    if (signed) {
      const a = n | 0, b = d | 0;
      if (b === 0) { this.quotient = a < 0 ? 1 : -1; this.remainder = a; }
      else if (a === -0x80000000 && b === -1) { this.quotient = a; this.remainder = 0; }
      else { this.quotient = Math.trunc(a / b) | 0; this.remainder = (a % b) | 0; }
    } else {
      const a = n >>> 0, b = d >>> 0;
      if (b === 0) { this.quotient = 0xffffffff; this.remainder = a; }
      else { this.quotient = Math.floor(a / b) >>> 0; this.remainder = (a % b) >>> 0; }
    }
    this.divDirty = true;
    this.divReadyAt = this.core.cycles + 8;
  }

  readInterp(off) {
    const it = this.interp[(off - 0x80) >>> 6];
    switch ((off - 0x80) & 0x3f) {
      case 0x00: return it.accum0;
      case 0x04: return it.accum1;
      case 0x08: return it.base0;
      case 0x0c: return it.base1;
      case 0x10: return it.base2;
      case 0x14: { const v = it.result0; it.writeback(); return v; }
      case 0x18: { const v = it.result1; it.writeback(); return v; }
      case 0x1c: { const v = it.result2; it.writeback(); return v; }
      case 0x20: return it.result0;
      case 0x24: return it.result1;
      case 0x28: return it.result2;
      case 0x2c: return it.ctrl0;
      case 0x30: return it.ctrl1;
      case 0x34: return it.smresult0;
      case 0x38: return it.smresult1;
    }
    return 0;
  }
  writeInterp(off, v) {
    const it = this.interp[(off - 0x80) >>> 6];
    switch ((off - 0x80) & 0x3f) {
      case 0x00: it.accum0 = v; break;
      case 0x04: it.accum1 = v; break;
      case 0x08: it.base0 = v; break;
      case 0x0c: it.base1 = v; break;
      case 0x10: it.base2 = v; break;
      case 0x2c: it.ctrl0 = v; break;
      case 0x30: it.ctrl1 = v; break;
      case 0x34: it.accum0 = (it.accum0 + v) >>> 0; break;
      case 0x38: it.accum1 = (it.accum1 + v) >>> 0; break;
      case 0x3c: it.setBase01(v); return;
      default: return;
    }
    it.update();
  }
}

module.exports = { CoreSIO, SioShared, FIFO_DEPTH };
