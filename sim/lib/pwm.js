'use strict';
// The RP2040's PWM block (datasheet 4.5): eight slices, each with a 16-bit
// counter and two outputs A and B. Modelled here instead of rp2040js's
// RPPWM, whose phase-correct mode never raises an output again, whose
// phase-correct period is one count short, and whose counter rounds to the
// nearest count.
//
// What is modelled:
// - The counter counts once every DIV = INT + FRAC/16 cycles of clk_sys
//   (INT 0 means 256) from 0 to TOP and wraps (free-running), or, with
//   PH_CORRECT, up to TOP and back down to 0: a period of (TOP + 1) x DIV
//   cycles, twice that when phase-correct. Output A is high while the
//   counter is below CC.A (B likewise), inverted by A_INV/B_INV; so CC = 0
//   is always low and CC > TOP always high. Each edge is a GPIO change at
//   its exact time (GPIOs whose FUNCSEL is PWM: GPIO 2n and 2n+1 for slice
//   n, and 16 + 2n, 17 + 2n for slices 0..6).
// - CC and TOP are double-buffered: a write takes effect at the next wrap
//   (the counter's return to 0), or at once while the slice is disabled.
//   CTR reads the counter and sets it; PH_ADV/PH_RET move it a count ahead
//   or back; EN (per slice and through the EN register) stops and resumes it
//   where it was, the outputs holding their level.
// - DIVMODE: 1 counts only while the B pin is high, 2 counts rising and 3
//   falling edges of the B pin (one count per DIV edges); in these modes
//   the B pin is an input.
// - INTR (a wrap sets the slice's bit; write 1 to clear), INTE, INTF, INTS,
//   the PWM_IRQ_WRAP line (IRQ 4).
// Not modelled: the fractional divider's sigma-delta jitter (the counter
// runs at the average rate), the DMA request at each wrap (DREQ_PWM_WRAPn:
// a warning if a DMA channel selects it).
//
// Recorded for pictures of a run: each channel's duty (the share of time
// its output is high, 0..1) and frequency whenever they change
// (sim.pwmEvents, in the VCD as pwmNa_duty/pwmNb_duty and in the SVG).

const { BasePeripheral } = require('rp2040js');

const IRQ_PWM_WRAP = 4;

// CSR
const EN = 1 << 0, PH_CORRECT = 1 << 1, A_INV = 1 << 2, B_INV = 1 << 3, PH_RET = 1 << 6, PH_ADV = 1 << 7;

class Slice {
  constructor(pwm, n) {
    this.pwm = pwm;
    this.n = n;
    this.alarm = pwm.rp2040.clock.createAlarm(() => this.event());
    this.pinsA = [2 * n].concat(n < 7 ? [16 + 2 * n] : []);
    this.pinsB = [2 * n + 1].concat(n < 7 ? [17 + 2 * n] : []);
    this.reset();
  }
  reset() {
    this.csr = 0;
    this.div = 1 << 4;
    this.ccW = 0;          // CC as written
    this.topW = 0xffff;    // TOP as written
    this.cc = 0;           // in effect
    this.top = 0xffff;
    this.pos = 0;          // count position at time t0 (0 .. period)
    this.t0 = 0;
    this.edgeAcc = 0;      // edge-counting modes: edges toward the next count
    this.levelA = false;   // output levels before inversion
    this.levelB = false;
    this.running = false;  // counting on clk_sys since t0
    this.alarm.cancel();
  }
  get enabled() { return !!(this.csr & EN); }
  get mode() { return (this.csr >>> 4) & 3; }
  get phase() { return !!(this.csr & PH_CORRECT); }
  get period() { return (this.top + 1) * (this.phase ? 2 : 1); }
  get divider() { const i = (this.div >>> 4) & 0xff; return (i || 256) + (this.div & 0xf) / 16; }
  get countNs() { return (this.divider * 1e9) / this.pwm.sim.clkSys; }
  /** Whether the counter should run on clk_sys, from the registers and the B input. */
  get timed() {
    if (!this.enabled) return false;
    if (this.mode === 0) return true;
    return this.mode === 1 && this.bInput();
  }
  bInput() {
    const g = this.pwm.rp2040.gpio;
    return this.pinsB.some((p) => g[p].functionSelect === 4 && g[p].inputValue);
  }
  ctrOf(k) {
    const top = this.top;
    if (!this.phase) return k;
    return k <= top ? k : 2 * top + 1 - k;
  }
  /** The count position now (the counter's count index is its floor). */
  posNow() {
    if (!this.running) return this.pos;
    const p = this.pos + (this.pwm.now() - this.t0) / this.countNs;
    return Math.min(p, this.period - 1e-6);   // the wrap event brings it back to 0
  }
  /** After any change: go on from position pos at this time, running or not as the registers say. */
  restart() {
    if (this.pos >= this.period) this.pos %= this.period;
    this.t0 = this.pwm.now();
    this.running = this.timed;
    this.outputs(Math.floor(this.pos + 1e-6));
    this.schedule();
  }
  latch() {
    this.cc = this.ccW;
    this.top = this.topW;
    if (this.pos >= this.period) this.pos = 0;
    this.pwm.record(this);
  }
  /** Apply the outputs for count index k. */
  outputs(k) {
    const ctr = this.ctrOf(k);
    this.levelA = ctr < (this.cc & 0xffff);
    this.levelB = ctr < (this.cc >>> 16);
    this.pwm.drive(this);
  }
  /** Schedule the next edge or wrap from the current position. */
  schedule() {
    this.alarm.cancel();
    if (!this.running) return;
    const k = Math.floor(this.pos + 1e-6);
    const P = this.period;
    let next = P;
    const cand = (x) => { if (x > k && x < next) next = x; };
    for (const cc of [this.cc & 0xffff, this.cc >>> 16]) {
      if (cc === 0 || cc > this.top) continue;
      cand(cc);
      if (this.phase) cand(P - cc);
    }
    this.target = next;
    this.alarm.schedule(Math.max(0, (next - this.pos) * this.countNs));
  }
  event() {
    this.pos = this.target;
    this.t0 = this.pwm.now();
    if (this.pos >= this.period) this.wrap();
    this.outputs(Math.floor(this.pos + 1e-6));
    this.schedule();
  }
  wrap() {
    this.pos = 0;
    this.pwm.raise(this.n);
    this.latch();
  }
  /** A change of the B input (edge-counting and gated modes). */
  bEdge(rising) {
    if (!this.enabled || this.mode === 0) return;
    if (this.mode === 1) { this.pos = this.posNow(); this.restart(); return; }
    if ((this.mode === 2) !== rising) return;
    this.edgeAcc += 1;
    if (this.edgeAcc + 1e-9 < this.divider) return;
    this.edgeAcc -= this.divider;
    this.pos = Math.floor(this.pos + 1e-6) + 1;
    if (this.pos >= this.period) this.wrap();
    this.outputs(this.pos);
  }

  read(reg) {
    switch (reg) {
      case 0x00: return this.csr;
      case 0x04: return this.div;
      case 0x08: return this.ctrOf(Math.floor(this.posNow() + 1e-6)) & 0xffff;
      case 0x0c: return this.ccW >>> 0;
      default: return this.topW;
    }
  }
  write(reg, v) {
    this.pos = this.posNow();
    switch (reg) {
      case 0x00: {
        const wasEnabled = this.enabled;
        this.csr = v & 0x3f;
        if (this.enabled && !wasEnabled) this.latch();
        if (this.enabled) {
          const k = Math.floor(this.pos + 1e-6);
          if (v & PH_ADV) this.pos = (k + 1) % this.period;
          if (v & PH_RET) this.pos = (k + this.period - 1) % this.period;
        }
        this.pwm.directions();
        this.pwm.record(this);
        break;
      }
      case 0x04: this.div = v & 0xfff; this.pwm.record(this); break;
      case 0x08: this.pos = v & 0xffff; break;
      case 0x0c: this.ccW = v >>> 0; if (!this.enabled) this.latch(); break;
      default: this.topW = v & 0xffff; if (!this.enabled) this.latch(); break;
    }
    this.restart();
  }
  /** Duty of each output (share of time high, inversion applied) and frequency, for the record. */
  get duty() {
    const top = this.top, frac = (cc) => (cc === 0 ? 0 : cc > top ? 1 : cc / (top + 1));
    let a = frac(this.cc & 0xffff), b = frac(this.cc >>> 16);
    if (this.csr & A_INV) a = 1 - a;
    if (this.csr & B_INV) b = 1 - b;
    const hz = this.enabled && this.mode === 0 ? this.pwm.sim.clkSys / (this.divider * this.period) : 0;
    return { a, b, hz };
  }
}

class PWM extends BasePeripheral {
  constructor(sim, mcu) {
    super(mcu, 'PWM_BASE');
    this.sim = sim;
    this.gpioValue = 0;       // read by rp2040js's GPIO pins (FUNCSEL 4)
    this.gpioDirection = 0;
    this.intr = 0;
    this.inte = 0;
    this.intf = 0;
    this.slices = [];
    for (let n = 0; n < 8; n++) this.slices.push(new Slice(this, n));
    this.channels = [];       // rp2040js retunes its own PWM timers here on a clk_sys change; ours read clk_sys
    this.events = sim.opts.record ? [] : null;   // [ns, slice, dutyA, dutyB, hz]
    this.lastRec = new Map();
    for (const s of this.slices) {
      for (const p of s.pinsB) sim.watchPin(p, (level) => { if (sim.mcu.gpio[p].functionSelect === 4) s.bEdge(level === 1); }, 4);
    }
    this.directions();
  }
  now() { return this.rp2040.clock.nanos; }
  reset() {
    for (const s of this.slices) s.reset();
    this.intr = this.inte = this.intf = 0;
    for (const s of this.slices) this.drive(s);
    this.directions();
    this.checkInterrupts();
  }

  /** Output enables: A always; B unless its slice counts the B input. */
  directions() {
    let d = 0;
    for (const s of this.slices) {
      for (const p of s.pinsA) d |= 1 << p;
      if (s.mode === 0) for (const p of s.pinsB) d |= 1 << p;
    }
    d >>>= 0;
    if (d === this.gpioDirection) return;
    const changed = d ^ this.gpioDirection;
    this.gpioDirection = d;
    for (let p = 0; p < 30; p++) if (changed & (1 << p)) this.rp2040.gpio[p].checkForUpdates();
  }
  drive(s) {
    const a = s.levelA !== !!(s.csr & A_INV), b = s.levelB !== !!(s.csr & B_INV);
    let v = this.gpioValue;
    for (const p of s.pinsA) v = a ? v | (1 << p) : v & ~(1 << p);
    for (const p of s.pinsB) v = b ? v | (1 << p) : v & ~(1 << p);
    v >>>= 0;
    const changed = v ^ this.gpioValue;
    if (!changed) return;
    this.gpioValue = v;
    for (let p = 0; p < 30; p++) if (changed & (1 << p)) this.rp2040.gpio[p].checkForUpdates();
  }
  record(s) {
    if (!this.events) return;
    const { a, b, hz } = s.duty;
    const key = `${a},${b},${hz}`;
    if (this.lastRec.get(s.n) === key) return;
    this.lastRec.set(s.n, key);
    this.events.push(this.sim.nowNanos(), s.n, a, b, hz);
  }

  raise(n) { this.intr |= 1 << n; this.checkInterrupts(); }
  checkInterrupts() { this.rp2040.setInterrupt(IRQ_PWM_WRAP, (((this.intr & this.inte) | this.intf) & 0xff) !== 0); }
  // rp2040js's DMA calls this for DREQ_PWM_WRAPn users; not modelled
  gpioOnInput() {}

  readUint32(offset) {
    if (offset < 0xa0) return this.slices[Math.floor(offset / 0x14)].read(offset % 0x14);
    switch (offset) {
      case 0xa0: return this.slices.reduce((m, s) => m | (s.enabled ? 1 << s.n : 0), 0);
      case 0xa4: return this.intr;
      case 0xa8: return this.inte;
      case 0xac: return this.intf;
      case 0xb0: return ((this.intr & this.inte) | this.intf) & 0xff;
    }
    return super.readUint32(offset);
  }
  writeUint32(offset, value) {
    if (offset < 0xa0) { this.slices[Math.floor(offset / 0x14)].write(offset % 0x14, value >>> 0); return; }
    switch (offset) {
      case 0xa0:
        for (const s of this.slices) {
          const on = !!(value & (1 << s.n));
          if (on !== s.enabled) s.write(0x00, on ? s.csr | EN : s.csr & ~EN);
        }
        return;
      case 0xa4: this.intr &= ~(this.rawWriteValue & 0xff); this.checkInterrupts(); return;
      case 0xa8: this.inte = value & 0xff; this.checkInterrupts(); return;
      case 0xac: this.intf = value & 0xff; this.checkInterrupts(); return;
    }
    super.writeUint32(offset, value);
  }
  writeUint32Atomic(offset, value, atomicType) {
    this.rawWriteValue = value >>> 0;
    if (offset === 0xa4) { this.writeUint32(offset, value); return; }
    super.writeUint32Atomic(offset, value, atomicType);
  }
}

module.exports = { PWM, IRQ_PWM_WRAP };
