'use strict';
// The debugger's view of the simulator: both cores stopped and resumed
// together or one at a time, breakpoints, watchpoints, registers and memory.
// lib/gdb.js speaks the GDB remote protocol on top of it; nothing here knows
// that protocol.
//
// All-stop: the simulation only advances inside run(); between two calls to
// runSlice() nothing moves, neither core nor any timer or peripheral, so
// simulated time stands still while the debugger looks.
//
// Breakpoints (software and hardware alike) are fetch hooks (lib/hooks.js):
// memory is never modified and code that is not at a breakpoint runs at full
// speed. Watchpoints wrap the memory access methods of both cores while at
// least one is set, so they see every load and store of either core (not
// DMA, not the debugger's own accesses, not instruction fetches) and report
// the core that made the access. The stop comes before the access: the
// instruction is abandoned (nothing of it done), the core's pc is the
// accessing instruction, and the debugger steps it with the watchpoint
// removed, as GDB does for ARM. Where an instruction cannot be abandoned
// cleanly (exception stacking and unstacking, LDM, POP), the stop comes
// after it.

const { hooksOf, STOP, GO, GO_PAST, ABANDON } = require('./hooks');
const { STATE_RUN, STATE_WFE, STATE_WFI, STATE_RESET, STATE_HALT, FAULT } = require('./core');

const SIGINT = 2;
const SIGTRAP = 5;
const SIGSEGV = 11;

class DebugError extends Error {}

// ---- registers (GDB's numbering, lib/gdb.js's target description) ----------
const REG = { sp: 13, lr: 14, pc: 15, xpsr: 16, msp: 17, psp: 18, primask: 19, control: 20 };
const NUM_REGS = 21;

// what a core was doing when the run stopped (not whether GDB runs it)
const STATE_TEXT = {
  [STATE_RUN]: 'executing', [STATE_WFE]: 'sleeping in WFE', [STATE_WFI]: 'sleeping in WFI',
  [STATE_RESET]: 'held in reset', [STATE_HALT]: 'halted',
};
const EXC_NAMES = { 2: 'NMI', 3: 'HardFault', 11: 'SVCall', 14: 'PendSV', 15: 'SysTick' };

class DebugTarget {
  /**
   * @param {Simulator} sim
   * @param {object} [opts] until (RegExp), maxMs, maxCycles: the run's own
   *   end conditions, as on the command line (none: unbounded)
   */
  constructor(sim, opts = {}) {
    this.sim = sim;
    this.hooks = hooksOf(sim);
    this.opts = opts;
    this.breaks = new Map();   // addr -> { sw, hw, fn }
    this.watches = [];         // { type: 'watch'|'rwatch'|'awatch', lo, hi }
    this.wLo = 0; this.wHi = 0; // bounding range of all watchpoints
    this.wrapped = false;
    this.stepping = [false, false];
    this.watchPast = [-1, -1]; // instruction (count) of each core that may access a watched address unreported
    this.lastWatch = null;     // the last watch stop made before its access
    this.interruptRequested = false;
    this.final = null;         // a stop record that ends the run at the next resume
    this.lastCore = 0;         // core of the last stop
    this.sliceCycles = 200000;
  }

  // ---- addresses ---------------------------------------------------------------
  /** Can an instruction be fetched at `a`? (ROM, flash, XIP SRAM, SRAM) */
  isCode(a) {
    a >>>= 0;
    if (a & 1) return false;
    if (a < 0x4000) return true;
    if (a >= 0x10000000 && a < 0x14000000) return (a & 0xffffff) < this.sim.mcu.flash.length;
    if (a >= 0x15000000 && a < 0x15004000) return true;
    if (a >= 0x20000000 && a < 0x20042000) return true;
    if (a >= 0x21000000 && a < 0x21040000) return true;
    return false;
  }
  /** Is `a` memory a watchpoint can watch (SRAM, XIP SRAM, USB DPRAM, flash, ROM)? */
  isData(a) {
    a >>>= 0;
    if (a < 0x4000) return true;
    if (a >= 0x10000000 && a < 0x14000000) return (a & 0xffffff) < this.sim.mcu.flash.length;
    if (a >= 0x15000000 && a < 0x15004000) return true;
    if (a >= 0x20000000 && a < 0x20042000) return true;
    if (a >= 0x21000000 && a < 0x21040000) return true;
    if (a >= 0x50100000 && a < 0x50101000) return true;
    return false;
  }

  // ---- breakpoints ---------------------------------------------------------------
  /** kind 'sw' (Z0) or 'hw' (Z1). Throws DebugError for an address where no code can be. */
  addBreakpoint(addr, kind) {
    addr >>>= 0;
    if (!this.isCode(addr)) throw new DebugError(`no code can be at 0x${addr.toString(16)}`);
    let b = this.breaks.get(addr);
    if (!b) {
      b = { sw: 0, hw: 0, fn: (c, pc) => this.breakHit(c, pc) };
      this.breaks.set(addr, b);
      this.hooks.add(addr, b.fn);
    }
    b[kind]++;
  }
  /** Returns false if there was no such breakpoint. */
  removeBreakpoint(addr, kind) {
    addr >>>= 0;
    const b = this.breaks.get(addr);
    if (!b || !b[kind]) return false;
    b[kind]--;
    if (!b.sw && !b.hw) { this.breaks.delete(addr); this.hooks.remove(addr, b.fn); }
    return true;
  }
  breakHit(c, pc) {
    const b = this.breaks.get(pc);
    this.sim.stop('debug', { why: 'break', core: c.index, pc, hw: !!(b && b.hw && !b.sw) });
    return STOP;
  }

  // ---- watchpoints ---------------------------------------------------------------
  /** type 'watch' (write), 'rwatch' (read), 'awatch' (either); len bytes from addr. */
  addWatch(type, addr, len) {
    addr >>>= 0;
    if (!(len >= 1 && len <= 0x10000)) throw new DebugError(`bad watch length ${len}`);
    if (!this.isData(addr) || !this.isData(addr + len - 1)) throw new DebugError(`0x${addr.toString(16)} is not memory a watchpoint can watch`);
    this.watches.push({ type, lo: addr, hi: addr + len });
    this.watchesChanged();
  }
  removeWatch(type, addr, len) {
    addr >>>= 0;
    const i = this.watches.findIndex((w) => w.type === type && w.lo === addr && w.hi === addr + len);
    if (i < 0) return false;
    this.watches.splice(i, 1);
    this.watchesChanged();
    return true;
  }
  watchesChanged() {
    const w = this.watches;
    this.wLo = w.length ? Math.min(...w.map((x) => x.lo)) : 0;
    this.wHi = w.length ? Math.max(...w.map((x) => x.hi)) : 0;
    if (w.length && !this.wrapped) this.wrapAccess(true);
    else if (!w.length && this.wrapped) this.wrapAccess(false);
  }
  /**
   * Put (or take away) per-core wrappers around the six access methods. They
   * are taken away by pointing the core's own properties back at the class's
   * methods: deleting them would leave the core objects in V8's slow
   * dictionary mode (the whole simulator then runs several times slower).
   */
  wrapAccess(on) {
    this.wrapped = on;
    for (const core of this.sim.cores) {
      const P = Object.getPrototypeOf(core);
      if (!on) {
        for (const m of ['readUint8', 'readUint16', 'readUint32', 'writeUint8', 'writeUint16', 'writeUint32']) core[m] = P[m];
        continue;
      }
      const t = this;
      const wrapRead = (m, size) => function (a) {
        const u = a >>> 0;
        if (u + size > t.wLo && u < t.wHi && t.accessed(this, u, size, false)) throw ABANDON;
        return P[m].call(this, a);
      };
      const wrapWrite = (m, size) => function (a, v) {
        const u = a >>> 0;
        if (u + size > t.wLo && u < t.wHi && t.accessed(this, u, size, true)) throw ABANDON;
        P[m].call(this, a, v);
      };
      core.readUint8 = wrapRead('readUint8', 1);
      core.readUint32 = wrapRead('readUint32', 4);
      // instruction fetches (rp2040js reads the opcode at pc, and pc + 2 for
      // a 32-bit instruction, through readUint16) are not data accesses
      core.readUint16 = function (a) {
        const u = a >>> 0;
        if (u + 2 > t.wLo && u < t.wHi) {
          const pc = this.registers[15];
          if (u !== pc && u !== pc + 2 && t.accessed(this, u, 2, false)) throw ABANDON;
        }
        return P.readUint16.call(this, a);
      };
      core.writeUint8 = wrapWrite('writeUint8', 1);
      core.writeUint16 = wrapWrite('writeUint16', 2);
      core.writeUint32 = wrapWrite('writeUint32', 4);
    }
  }
  /**
   * A core is about to access [a, a + size). Returns true if the
   * instruction must be abandoned (a watchpoint stops the run before it).
   */
  accessed(core, a, size, isWrite) {
    const n = core.index;
    for (const w of this.watches) {
      if (a + size <= w.lo || a >= w.hi) continue;
      if (w.type === 'watch' ? !isWrite : w.type === 'rwatch' ? isWrite : false) continue;
      if (core.instructions === this.watchPast[n]) return false;   // resuming past this very access
      const sim = this.sim;
      // inside an instruction (16-bit: every load and store) pc has moved on by 2
      const inInstr = sim.cur === core && !core.stacking && !core.unstacking;
      const pc = (inInstr ? core.registers[15] - 2 : core.registers[15]) >>> 0;
      // abandon only a plain instruction of the running core: not an exception
      // entry or return, not an LDM (it may have loaded its base register
      // already) or a POP (it moves SP before it loads pc)
      const op = inInstr ? sim.read16(pc) : 0;
      const before = inInstr && (op & 0xf800) !== 0xc800 && (op & 0xfe00) !== 0xbc00;
      sim.stop('debug', { why: 'watch', core: n, type: w.type, addr: Math.max(a, w.lo), pc, before });
      return before;
    }
    return false;
  }

  // ---- running ---------------------------------------------------------------------
  /**
   * Prepare to run: actions[n] is 'c' (run), 's' (one instruction) or null
   * (core n stays stopped). A core resuming at a breakpoint executes that
   * instruction first.
   */
  resume(actions) {
    const sim = this.sim;
    this.interruptRequested = false;
    const lw = this.lastWatch;
    this.lastWatch = null;
    sim.cores.forEach((c, n) => {
      const act = actions[n];
      c.held = !act;
      // a core stopped before a watched access makes that access when it resumes
      this.watchPast[n] = act && lw && lw.core === n && lw.pc === c.registers[15] >>> 0 ? c.instructions + 1 : -1;
      this.stepping[n] = act === 's';
      if (!act) { this.hooks.setGate(n, null); return; }
      const start = c.registers[15] >>> 0;
      const taken = c.interruptsTaken;
      // a core stopped at a breakpoint executes that instruction first (a
      // sleeping core has not reached its pc yet: it stops there when woken)
      const past = c.state === STATE_RUN && this.breaks.has(start);
      if (act === 's') {
        let done = false;
        this.hooks.setGate(n, (core, pc) => {
          if (done || core.interruptsTaken !== taken) {
            // one instruction executed (or an exception entered): stop before the next
            sim.stop('debug', { why: 'step', core: n, pc });
            return STOP;
          }
          done = true;
          return past && pc === start ? GO_PAST : GO;
        });
      } else {
        this.hooks.setGate(n, (core, pc) => {
          this.hooks.setGate(n, null);
          return past && pc === start ? GO_PAST : GO;
        });
      }
    });
  }

  /** End of a run: no core held, no gates. */
  settle() {
    this.sim.cores.forEach((c, n) => { c.held = false; this.stepping[n] = false; this.hooks.setGate(n, null); });
  }

  /**
   * Run for about `wallMs` milliseconds of wall time. Returns null if still
   * running, or the stop event:
   *   { kind: 'stop', core, signal, why: 'break'|'step'|'watch'|'interrupt'|'fault'|'stalled',
   *     hw?, type?, addr?, message? }
   *   { kind: 'exit', record }   (the run ended: record as Simulator.run returns it)
   */
  runSlice(wallMs = 20) {
    const sim = this.sim;
    if (this.final) { const record = this.final; this.final = null; this.settle(); return { kind: 'exit', record }; }
    if (this.interruptRequested) {
      this.interruptRequested = false;
      this.settle();
      return { kind: 'stop', core: this.lastCore, signal: SIGINT, why: 'interrupt' };
    }
    const o = this.opts;
    const userMaxCycles = o.maxCycles !== undefined ? o.maxCycles : Infinity;
    const userMaxNanos = o.maxMs !== undefined ? o.maxMs * 1e6 : Infinity;
    const t0 = Date.now();
    const r = sim.run({ maxCycles: Math.min(sim.T + this.sliceCycles, userMaxCycles), maxMs: o.maxMs, until: o.until });
    const dt = Date.now() - t0;
    // keep each whole slice near wallMs, so that Ctrl-C is answered promptly
    if (r.reason === 'bound') {
      if (dt < wallMs / 2 && this.sliceCycles < 8e6) this.sliceCycles *= 2;
      else if (dt > wallMs * 2 && this.sliceCycles > 1000) this.sliceCycles = Math.ceil(this.sliceCycles / 2);
    }
    switch (r.reason) {
      case 'debug':
        this.settle();
        this.lastCore = r.core;
        if (r.why === 'watch' && r.before) this.lastWatch = r;
        return { kind: 'stop', signal: SIGTRAP, ...r };
      case 'bound':
        if (sim.T >= userMaxCycles || sim.nowNanos() >= userMaxNanos) { this.settle(); return { kind: 'exit', record: r }; }
        return null;
      case 'stalled': {
        const held = sim.cores.filter((c) => c.held).map((c) => c.index);
        this.settle();
        if (held.length) {
          const n = 1 - held[0];
          this.lastCore = n;
          return { kind: 'stop', core: n, signal: SIGTRAP, why: 'stalled', message: `core ${n} is ${STATE_TEXT[sim.cores[n].state]} and, with core ${held[0]} stopped, nothing is scheduled to wake it` };
        }
        this.final = r;
        return { kind: 'stop', core: this.lastCore, signal: SIGTRAP, why: 'stalled', message: `${r.message}; the run ends at the next continue` };
      }
      case 'lockup':
      case 'xip':       // a core (or DMA: core -1) read the flash while out of XIP mode (lib/flash.js)
        this.settle();
        this.final = r;
        if (r.core >= 0) this.lastCore = r.core;
        return { kind: 'stop', core: this.lastCore, signal: SIGSEGV, why: 'fault', message: `${r.message}; the run ends at the next continue` };
      case 'fault-bkpt':
        // bkpt in a HardFault/NMI handler: a chip with a debugger halts there (SIGTRAP)
        this.settle();
        this.final = r;
        this.lastCore = r.core;
        return { kind: 'stop', core: r.core, signal: SIGTRAP, why: 'fault', message: `stopped on a fault: ${r.message}; the run ends at the next continue` };
      case 'noboot':
        this.settle();
        this.final = r;
        return { kind: 'stop', core: 0, signal: SIGTRAP, why: 'fault', message: `${r.message}; the run ends at the next continue` };
      default: // bkpt (the firmware's exit), until
        this.settle();
        return { kind: 'exit', record: r };
    }
  }

  /** Ctrl-C: the running slice loop stops at its next turn. */
  interrupt() { this.interruptRequested = true; }

  /** Take every breakpoint, watchpoint, gate and hold away (detach). */
  clear() {
    for (const [addr, b] of this.breaks) this.hooks.remove(addr, b.fn);
    this.breaks.clear();
    this.watches = [];
    this.watchesChanged();
    this.settle();
  }

  // ---- registers -------------------------------------------------------------------
  readRegister(n, i) {
    const c = this.sim.cores[n];
    if (i < 16) return c.registers[i] >>> 0;
    switch (i) {
      case REG.xpsr: return c.xPSR >>> 0;
      case REG.msp: return c.SPmain >>> 0;
      case REG.psp: return c.SPprocess >>> 0;
      case REG.primask: return c.PM ? 1 : 0;
      case REG.control: return (c.nPRIV ? 1 : 0) | (c.SPSEL ? 2 : 0);
    }
    throw new DebugError(`no register ${i}`);
  }
  writeRegister(n, i, v) {
    const c = this.sim.cores[n];
    v >>>= 0;
    if (i < 13) { c.registers[i] = v; return; }
    switch (i) {
      case REG.sp: c.registers[13] = v & ~3; return;
      case REG.lr: c.registers[14] = v; return;
      case REG.pc: c.registers[15] = v & ~1; c.invalidateFetch(); return;
      case REG.xpsr: c.xPSR = v; c.interruptsUpdated = true; return;
      case REG.msp: c.SPmain = v & ~3; return;
      case REG.psp: c.SPprocess = v & ~3; return;
      case REG.primask: c.PM = !!(v & 1); c.interruptsUpdated = true; return;
      case REG.control:
        c.nPRIV = !!(v & 1);
        if (c.currentMode === 0) c.switchStack(v & 2 ? 1 : 0);
        c.invalidateFetch();
        return;
    }
    throw new DebugError(`no register ${i}`);
  }

  // ---- memory ----------------------------------------------------------------------
  /**
   * Read `len` bytes at `addr` as core `n` sees them (SIO and PPB are per
   * core). Reads stop at the first address nothing answers; returns the
   * bytes read (possibly fewer). Peripheral reads have the side effects they
   * have on the chip (a FIFO pops, a spinlock is claimed).
   */
  readMemory(n, addr, len) {
    const out = [];
    let a = addr >>> 0;
    const end = a + len;
    while (a < end) {
      const size = (a & 3) === 0 && end - a >= 4 ? 4 : 1;
      const v = this.busRead(n, a, size);
      if (v === null) break;
      for (let k = 0; k < size; k++) out.push((v >>> (8 * k)) & 0xff);
      a += size;
    }
    return Buffer.from(out);
  }
  busRead(n, a, size) {
    if (!this.mapped(a)) return null;
    const c = this.sim.cores[n];
    const keep = [c.faultAddr, c.faultReason];
    try {
      return this.sim.busRead(c, a, size);
    } catch (e) {
      if (e !== FAULT) throw e;
      return null;
    } finally {
      [c.faultAddr, c.faultReason] = keep;
    }
  }
  /** Write bytes; flash is written directly (as a debug probe programs it). Returns false if an address cannot be written. */
  writeMemory(n, addr, data) {
    let a = addr >>> 0;
    for (let i = 0; i < data.length;) {
      if (!this.mapped(a) || a < 0x4000) return false;
      const size = (a & 3) === 0 && data.length - i >= 4 ? 4 : 1;
      const v = size === 4 ? data.readUInt32LE(i) : data[i];
      if (a >= 0x10000000 && a < 0x14000000) {
        const f = this.sim.mcu.flash;
        for (let k = 0; k < size; k++) f[(a + k) & 0xffffff] = (v >>> (8 * k)) & 0xff;
      } else {
        const c = this.sim.cores[n];
        const keep = [c.faultAddr, c.faultReason];
        try { this.sim.busWrite(c, a, v, size); } catch (e) {
          if (e !== FAULT) throw e;
          return false;
        } finally { [c.faultAddr, c.faultReason] = keep; }
      }
      a += size; i += size;
    }
    return true;
  }
  /** Does anything answer at `a`? */
  mapped(a) {
    a >>>= 0;
    switch (a >>> 28) {
      case 0x0: return a < 0x4000;
      case 0x1:
        return (a < 0x14000000 && (a & 0xffffff) < this.sim.mcu.flash.length) || (a >= 0x14000000 && a < 0x14000100) ||
          (a >= 0x15000000 && a < 0x15004000) || (a >= 0x18000000 && a < 0x18000100);
      case 0x2: return (a < 0x20042000) || (a >= 0x21000000 && a < 0x21040000);
      case 0x4: case 0x5:
        return (a >= 0x50100000 && a < 0x50101000) || !!this.sim.mcu.peripherals[(a >>> 14) << 2];
      case 0xd: return a < 0xd0001000;
      case 0xe: return a < 0xe0100000;
    }
    return false;
  }

  // ---- threads -----------------------------------------------------------------------
  /** What core n was doing, for `info threads`: "thread mode", "SysTick handler", "sleeping in WFI", ... */
  coreText(n) {
    const c = this.sim.cores[n];
    const exc = c.IPSR ? `${EXC_NAMES[c.IPSR] || (c.IPSR >= 16 ? `IRQ ${c.IPSR - 16}` : `exception ${c.IPSR}`)} handler` : 'thread mode';
    if (c.state === STATE_RUN) return exc;
    if (c.state === STATE_WFE || c.state === STATE_WFI) return `${STATE_TEXT[c.state]}, ${exc}`;
    return STATE_TEXT[c.state] || '?';
  }
}

module.exports = { DebugTarget, DebugError, NUM_REGS, REG, SIGINT, SIGTRAP, SIGSEGV };
