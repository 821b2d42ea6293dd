'use strict';
// The private peripheral bus of one core: NVIC, System Control Block,
// SysTick and the Cortex-M0+ MPU. One instance per core; nothing here is
// shared between the cores.

const { hex } = require('./core');

// SysTick counts on the core's own cycle counter, so a benchmark reading
// SYST_CVR on a core sees exactly the cycles that core was charged.
class SysTick {
  constructor(core, sim) {
    this.core = core;
    this.sim = sim;
    this.reset();
  }
  reset() {
    this.enable = false;
    this.tickint = false;
    this.clksource = false; // false: external 1 us reference, true: processor clock
    this.countflag = false;
    this.rvr = 0;
    this.base = 0;  // core cycle at which the counter held `val`
    this.val = 0;
    this.core.stNext = Infinity;
  }
  /** Core cycles per counter tick. */
  get div() { return this.clksource ? 1 : this.sim.clkSys / 1e6; }

  /** Ticks elapsed since `base`, at core cycle `now`. */
  ticks(now) { return Math.floor((now - this.base) / this.div); }

  value(now) {
    if (!this.enable) return this.val;
    const k = this.ticks(now);
    if (this.val > 0 && k <= this.val) return this.val - k;
    if (this.val === 0 && k === 0) return 0;
    if (this.rvr === 0) return 0;
    const first = this.val > 0 ? this.val + 1 : 1; // tick at which RVR is reloaded
    const m = (k - first) % (this.rvr + 1);
    return this.rvr - m;
  }
  /** Restart counting from the current value at `now` (after a config change). */
  rebase(now) {
    this.val = this.value(now);
    this.base = now;
    this.schedule();
  }
  schedule() {
    let next = Infinity;
    if (this.enable) {
      if (this.val > 0) next = this.base + this.val * this.div;
      else if (this.rvr > 0) next = this.base + (this.rvr + 1) * this.div;
    }
    this.core.stNext = next;
    this.sim.resched = true;
  }
  /** Called by the scheduler when the core's cycle count reaches stNext. */
  fire(now = this.core.stNext) {
    const at = this.core.stNext;
    this.countflag = true;
    this.base = at;
    // several wraps may be due (a sleeping core): jump to the last one
    const period = (this.rvr + 1) * this.div;
    if (this.rvr > 0 && now > at + period) this.base = at + Math.floor((now - at) / period) * period;
    this.val = 0;
    this.schedule();
    if (this.tickint) this.core.pendSysTick();
  }
  readCSR(now) {
    void now;
    const v = (this.countflag ? 1 << 16 : 0) | (this.clksource ? 4 : 0) | (this.tickint ? 2 : 0) | (this.enable ? 1 : 0);
    this.countflag = false;
    return v;
  }
  writeCSR(v, now) {
    this.val = this.value(now);
    this.base = now;
    this.enable = !!(v & 1);
    this.tickint = !!(v & 2);
    this.clksource = !!(v & 4);
    this.schedule();
  }
  writeRVR(v, now) { this.rebase(now); this.rvr = v & 0xffffff; this.schedule(); }
  writeCVR(now) { this.base = now; this.val = 0; this.countflag = false; this.schedule(); }
  /** clk_sys changed: keep the current value, continue at the new rate. */
  clockChanged(now) { if (this.enable && !this.clksource) this.rebase(now); }
}

// MPU access permission tables, indexed by AP (RASR[26:24]).
const AP_READ_PRIV = [0, 1, 1, 1, 0, 1, 1, 1];
const AP_READ_USER = [0, 0, 1, 1, 0, 0, 1, 1];
const AP_WRITE_PRIV = [0, 1, 1, 1, 0, 0, 0, 0];
const AP_WRITE_USER = [0, 0, 0, 1, 0, 0, 0, 0];

class PPB {
  constructor(sim, core) {
    this.sim = sim;
    this.core = core;
    this.systick = new SysTick(core, sim);
    this.reset();
  }
  reset() {
    this.systick.reset();
    this.mpuCtrl = 0;
    this.rnr = 0;
    this.rbar = new Uint32Array(8);
    this.rasr = new Uint32Array(8);
    this.regions = new Array(8).fill(null);
    this.warnedSize = false;
    this.dLo = 0; this.dHi = 0; this.dPriv = true; this.dRead = false; this.dWrite = false;
    this.eLo = 0; this.eHi = 0; this.ePriv = true; this.eRead = false; this.eWrite = false;
  }

  read(addr) {
    const c = this.core;
    // tandem-sim cycle counter (not on the chip, where this reserved DWT
    // address reads as zero): the reading core's cycle count, low 32 bits.
    if (addr === 0xe0001004) return c.cycles >>> 0;
    if ((addr >>> 12) !== 0xe000e) return 0; // rest of the PPB: read as zero
    const off = addr & 0xfff;
    switch (off) {
      case 0x010: return this.systick.readCSR(c.cycles);
      case 0x014: return this.systick.rvr;
      case 0x018: return this.systick.value(c.cycles) >>> 0;
      case 0x01c: return 0x0000270f; // SYST_CALIB as read on the chip (TENMS=9999, no skew flag)
      case 0x100: return c.enabledInterrupts >>> 0;
      case 0x180: return c.enabledInterrupts >>> 0;
      case 0x200: return c.pendingInterrupts >>> 0;
      case 0x280: return c.pendingInterrupts >>> 0;
      case 0xd00: return 0x410cc601;
      case 0xd04: return this.readICSR();
      case 0xd08: return c.VTOR >>> 0;
      case 0xd0c: return 0xfa050000;
      case 0xd10: return c.SCR;
      case 0xd14: return 0x208; // CCR: STKALIGN, UNALIGN_TRP (fixed on ARMv6-M)
      case 0xd1c: return c.SHPR2 >>> 0;
      case 0xd20: return c.SHPR3 >>> 0;
      case 0xd24: return c.pendingSVCall ? 1 << 15 : 0;
      case 0xd90: return 0x00000800; // MPU_TYPE: 8 unified regions
      case 0xd94: return this.mpuCtrl;
      case 0xd98: return this.rnr;
      case 0xd9c: return (this.rbar[this.rnr] | this.rnr) >>> 0;
      case 0xda0: return this.rasr[this.rnr] >>> 0;
    }
    if (off >= 0x400 && off < 0x420) {
      const base = (off - 0x400) * 1; // 4 IRQs per register
      let v = 0;
      for (let b = 0; b < 4; b++) v |= c.irqPriority(base + b) << (8 * b + 6);
      return v >>> 0;
    }
    return 0;
  }

  readICSR() {
    const c = this.core;
    const pend = c.pendingInterrupts & c.enabledInterrupts;
    const vp = c.bestPending(5);
    return ((c.pendingNMI ? 1 << 31 : 0) | (c.pendingPendSV ? 1 << 28 : 0) | (c.pendingSystick ? 1 << 26 : 0) |
      (pend ? 1 << 22 : 0) | ((vp & 0x1ff) << 12) | (c.IPSR & 0x1ff)) >>> 0;
  }

  write(addr, v) {
    const c = this.core;
    if ((addr >>> 12) !== 0xe000e) return;
    const off = addr & 0xfff;
    switch (off) {
      case 0x010: this.systick.writeCSR(v, c.cycles); return;
      case 0x014: this.systick.writeRVR(v, c.cycles); return;
      case 0x018: this.systick.writeCVR(c.cycles); return;
      case 0x100: c.enabledInterrupts = (c.enabledInterrupts | v) >>> 0; c.interruptsUpdated = true; return;
      case 0x180: c.enabledInterrupts = (c.enabledInterrupts & ~v) >>> 0; return;
      case 0x200: c.setPendingBits(v >>> 0); return;
      case 0x280: c.clearPendingBits(v >>> 0); return;
      case 0xd04:
        if (v & (1 << 31)) { c.pendingNMI = true; c.onPend(); }
        if (v & (1 << 27)) c.pendingPendSV = false;
        if (v & (1 << 28)) { if (!c.pendingPendSV) { c.pendingPendSV = true; c.onPend(); } }
        if (v & (1 << 25)) c.pendingSystick = false;
        if (v & (1 << 26)) c.pendSysTick();
        return;
      case 0xd08: c.VTOR = (v & 0xffffff00) >>> 0; return;
      case 0xd0c:
        if ((v >>> 16) === 0x05fa && (v & 4)) this.sim.systemResetRequest(c);
        return;
      case 0xd10: c.SCR = v & 0x16; return;
      case 0xd1c: c.SHPR2 = (v & 0xc0000000) >>> 0; c.interruptsUpdated = true; return;
      case 0xd20: c.SHPR3 = (v & 0xc0c00000) >>> 0; c.interruptsUpdated = true; return;
      case 0xd24: c.pendingSVCall = !!(v & (1 << 15)); c.interruptsUpdated = true; return;
      case 0xd94: this.mpuCtrl = v & 7; this.mpuChanged(); return;
      case 0xd98: this.rnr = v & 7; return;
      case 0xd9c:
        if (v & 0x10) this.rnr = v & 7;
        this.rbar[this.rnr] = (v & 0xffffff00) >>> 0;
        this.compileRegion(this.rnr);
        return;
      case 0xda0: this.rasr[this.rnr] = v >>> 0; this.compileRegion(this.rnr); return;
    }
    if (off >= 0x400 && off < 0x420) {
      const base = off - 0x400;
      const pr = c.interruptPriorities;
      for (let b = 0; b < 4; b++) {
        const irq = base + b;
        const bit = 1 << irq;
        const p = (v >>> (8 * b + 6)) & 3;
        pr[0] &= ~bit; pr[1] &= ~bit; pr[2] &= ~bit; pr[3] &= ~bit;
        pr[p] |= bit;
      }
      c.interruptsUpdated = true;
    }
  }

  // ---- MPU ---------------------------------------------------------------
  compileRegion(n) {
    const rasr = this.rasr[n];
    if (!(rasr & 1)) { this.regions[n] = null; this.mpuChanged(); return; }
    let sizeField = (rasr >>> 1) & 0x1f;
    if (sizeField < 7) {
      // ARMv6-M: regions are at least 256 bytes; smaller SIZE values are UNPREDICTABLE.
      if (!this.warnedSize) {
        this.warnedSize = true;
        this.sim.warn(`core ${this.core.index}: MPU region ${n} SIZE=${sizeField} is below the ARMv6-M minimum (256 bytes); treated as 256 bytes`);
      }
      sizeField = 7;
    }
    const size = 2 ** (sizeField + 1);
    const base = size >= 2 ** 32 ? 0 : (this.rbar[n] - (this.rbar[n] % size)) >>> 0;
    this.regions[n] = {
      n, base, size, sub: size / 8,
      srd: (rasr >>> 8) & 0xff,
      ap: (rasr >>> 24) & 7,
      xn: !!(rasr & (1 << 28)),
    };
    this.mpuChanged();
  }
  mpuChanged() {
    this.core.updateMpuActive();
    this.core.invalidateFetch();
    this.dLo = 0; this.dHi = 0; this.eLo = 0; this.eHi = 0; // data verdict caches
  }

  /** The region deciding an access at `a`, or null for the background map. */
  regionFor(a) {
    for (let i = 7; i >= 0; i--) {
      const r = this.regions[i];
      if (r === null) continue;
      const off = (a - r.base) >>> 0;
      if (off >= r.size) continue;
      if (r.srd && ((r.srd >>> Math.floor(off / r.sub)) & 1)) continue; // subregion disabled
      return r;
    }
    return null;
  }

  /** Data access check. Returns 0 if allowed, 1 if denied and dropped (while stacking); otherwise throws. */
  mpuCheck(a, isWrite) {
    const c = this.core;
    const priv = c.privileged;
    // cached verdicts for the spans around the last two addresses checked
    // (typically the stack and the data being worked on)
    if (a >= this.dLo && a < this.dHi && priv === this.dPriv) {
      if (isWrite ? this.dWrite : this.dRead) return 0;
    } else if (a >= this.eLo && a < this.eHi && priv === this.ePriv) {
      if (isWrite ? this.eWrite : this.eRead) return 0;
    } else if ((a >>> 20) === 0xe00) {
      return 0; // PPB always uses the default map
    } else {
      this.eLo = this.dLo; this.eHi = this.dHi; this.ePriv = this.dPriv; this.eRead = this.dRead; this.eWrite = this.dWrite;
      this.cacheVerdicts(a, priv);
      if (isWrite ? this.dWrite : this.dRead) return 0;
    }
    const r = this.regionFor(a);
    let ok;
    if (r === null) ok = priv && (this.mpuCtrl & 4);
    else if (isWrite) ok = priv ? AP_WRITE_PRIV[r.ap] : AP_WRITE_USER[r.ap];
    else ok = priv ? AP_READ_PRIV[r.ap] : AP_READ_USER[r.ap];
    if (ok) return 0;
    c.busFault(a, `MPU: ${priv ? 'privileged' : 'unprivileged'} ${isWrite ? 'write' : 'read'} at 0x${hex(a)} denied (${r ? 'region ' + r.n : 'no region, background map ' + (this.mpuCtrl & 4 ? 'privileged only' : 'disabled')})`, isWrite);
    return 1;
  }

  cacheVerdicts(a, priv) {
    const win = { lo: 0, hi: 2 ** 32 };
    this.span(a, win);
    const r = this.regionFor(a);
    if (r === null) { this.dRead = this.dWrite = !!(priv && (this.mpuCtrl & 4)); }
    else {
      this.dRead = !!(priv ? AP_READ_PRIV[r.ap] : AP_READ_USER[r.ap]);
      this.dWrite = !!(priv ? AP_WRITE_PRIV[r.ap] : AP_WRITE_USER[r.ap]);
    }
    // never cache across the PPB, which bypasses the MPU
    if (win.lo < 0xe0100000 && win.hi > 0xe0000000) { if (a < 0xe0000000) win.hi = 0xe0000000; else win.lo = 0xe0100000; }
    this.dLo = win.lo; this.dHi = win.hi; this.dPriv = priv;
  }
  /** Narrow [lo, hi) to the addresses around `a` covered by the same regions and subregions. */
  span(a, win) {
    let lo = win.lo, hi = win.hi;
    for (let i = 0; i < 8; i++) {
      const r = this.regions[i];
      if (r === null) continue;
      const end = r.base + r.size;
      if (a >= r.base && a < end) {
        const s = r.base + Math.floor((a - r.base) / r.sub) * r.sub;
        if (s > lo) lo = s;
        if (s + r.sub < hi) hi = s + r.sub;
      } else if (end <= a) { if (end > lo) lo = end; }
      else if (r.base < hi) hi = r.base;
    }
    win.lo = lo; win.hi = hi;
  }

  /**
   * Instruction fetch check at `pc`. Returns an error string, or null and
   * narrows [lo, hi) in `win` to the span around pc with the same verdict.
   */
  fetchCheck(pc, win) {
    const priv = this.core.privileged;
    this.span(pc, win);
    const r = this.regionFor(pc);
    if (r === null) {
      if (priv && (this.mpuCtrl & 4)) return null;
      return `MPU: instruction fetch at 0x${hex(pc)} outside every region`;
    }
    if (r.xn) return `MPU: instruction fetch at 0x${hex(pc)} from execute-never region ${r.n}`;
    if (!(priv ? AP_READ_PRIV[r.ap] : AP_READ_USER[r.ap])) return `MPU: instruction fetch at 0x${hex(pc)} denied by region ${r.n}`;
    return null;
  }
}

module.exports = { PPB, SysTick };
