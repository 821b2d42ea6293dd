'use strict';
// Fetch hooks: run code of the simulator's when a core is about to execute
// the instruction at a chosen address, at no cost to the instructions that
// are not hooked.
//
// The scheduler reads instructions through a per-core fetch window (a range
// of addresses known to be fetchable, see Simulator.fetchRegion); only a
// fetch outside the window goes the slow way. This module narrows each
// window so that it never covers a hooked address: reaching one always
// takes the slow path, which calls the hook. Unhooked code runs exactly as
// fast as without hooks.
//
// Two kinds of observers:
//   - address hooks: fn(core, pc) called before the core executes the
//     instruction at pc (breakpoints; a trace point's address). They return
//     STOP (the instruction is not executed, the run stops with whatever
//     the hook recorded through sim.stop) or GO (execute it). No cycles are
//     charged: the program's timing does not change.
//   - a per-core gate: fn(core, pc) called before every instruction of that
//     core while set (single steps). It returns STOP, GO (then the address
//     hooks are asked too) or GO_PAST (execute without asking the address
//     hooks: resuming from a breakpoint).
//
// Several hooks may share an address (a breakpoint and a trace point); all
// are called, and the instruction is executed unless one of them says STOP.

// Thrown from inside an instruction to abandon it before it changed
// anything (a watchpoint before its access): the simulator puts the core's
// pc back on the instruction and the run stops.
const ABANDON = { abandon: true };

const STOP = 0;
const GO = 1;
const GO_PAST = 2;

class FetchHooks {
  constructor(sim) {
    this.sim = sim;
    this.at = new Map();       // address -> [fn, ...]
    this.sorted = [];          // hooked addresses, ascending
    this.gates = [null, null]; // per core
  }

  /** Call fn(core, pc) before any core executes the instruction at `addr` (halfword aligned). */
  add(addr, fn) {
    addr >>>= 0;
    const list = this.at.get(addr);
    if (list) list.push(fn);
    else { this.at.set(addr, [fn]); this.sorted = [...this.at.keys()].sort((a, b) => a - b); }
    this.changed();
  }
  /** Remove a hook added with add(); returns false if it was not there. */
  remove(addr, fn) {
    addr >>>= 0;
    const list = this.at.get(addr);
    const i = list ? list.indexOf(fn) : -1;
    if (i < 0) return false;
    list.splice(i, 1);
    if (!list.length) { this.at.delete(addr); this.sorted = [...this.at.keys()].sort((a, b) => a - b); }
    this.changed();
    return true;
  }
  has(addr) { return this.at.has(addr >>> 0); }

  /** Call fn(core, pc) before every instruction core `n` executes (null: none). */
  setGate(n, fn) {
    this.gates[n] = fn;
    this.sim.cores[n].invalidateFetch();
  }

  /** Hooks changed: no core may keep a window that covers a new hooked address. */
  changed() {
    for (const c of this.sim.cores) c.invalidateFetch();
  }

  /**
   * Called by Simulator.fetchRegion after it set up the window of `c` around
   * `pc`. Returns false to stop before the instruction (the run stops), true
   * to execute it, with the window narrowed to exclude hooked addresses.
   */
  onFetch(c, pc) {
    const gate = this.gates[c.index];
    let askHooks = true;
    if (gate !== null) {
      const g = gate(c, pc);
      if (g === STOP) return false;
      if (g === GO_PAST) askHooks = false;
      // the gate must see the next instruction too: an empty window
      c.fetchLo = c.fetchHi = pc;
    }
    const list = this.at.get(pc);
    if (list !== undefined) {
      if (askHooks) {
        let go = true;
        for (const fn of list.slice()) if (fn(c, pc) === STOP) go = false;
        if (!go) return false;
      }
      c.fetchLo = c.fetchHi = pc;       // a hooked address is never inside a window
      return true;
    }
    if (gate !== null) return true;
    // narrow the window to the gap between the hooked addresses around pc
    const s = this.sorted;
    let lo = 0, hi = s.length;          // first index with s[i] > pc
    while (lo < hi) { const m = (lo + hi) >>> 1; if (s[m] > pc) hi = m; else lo = m + 1; }
    if (lo < s.length && s[lo] < c.fetchHi) c.fetchHi = s[lo];
    if (lo > 0 && s[lo - 1] + 2 > c.fetchLo) c.fetchLo = s[lo - 1] + 2;
    return true;
  }
}

/** The simulator's fetch hooks, created on first use. */
function hooksOf(sim) {
  if (!sim.hooks) sim.hooks = new FetchHooks(sim);
  return sim.hooks;
}

module.exports = { FetchHooks, hooksOf, STOP, GO, GO_PAST, ABANDON };
