'use strict';
// The kernel's trace, as tandem-sim records it (docs/trace.md).
//
// Where the trace points are: a kernel built with TRACE=sim has them in its
// debug information only (C labels td_trace_k<kind>_<n> and the variables
// holding the two words, read by lib/dwarf.js: the image is the plain one,
// byte for byte); a kernel built with TRACE=ring has a record per point in
// the ELF section .td_trace (not loaded): the address of the instruction
// the point's label stands at, the event's kind, and where the two words
// are there (a register, "r3", or a constant, "#0"). Either way each
// point's address gets a fetch hook (lib/hooks.js): when a core is about to
// execute it, the hook reads the two words from that core's registers (and
// SRAM, for a value the debug information places in a stack slot) and
// notes the event with the core's cycle count, then lets the instruction
// run. No cycle is charged, so the program runs as it would untraced.
// Every exception entry and return of either core is noted too, by the
// emulated core itself (lib/core.js's excObserver): no trace point needed.
//
// The events are then turned into a model of the run (per-thread state
// spans on each core, interrupt spans, lock holds, message flows between
// the cores, queue and endpoint depths) that lib/ktrace_out.js writes as
// Chrome trace-event JSON and lib/trace.js draws in the SVG picture.

const fs = require('fs');
const dwarf = require('./dwarf');
const { hooksOf, GO } = require('./hooks');
const { UserError } = require('./loader');

// The kinds: kernel/trace.h's TD_TR_* (the numbers are the ELF's contract).
const K = {
  SWITCH: 1, THREAD: 2, EXIT: 3, IRQ_ENTER: 4, IRQ_EXIT: 5, WAIT: 6, WAIT_X: 7, WAKE: 8,
  LOCK_TAKE: 9, LOCK_GIVE: 10, MSG_SEND: 11, MSG_DELIVER: 12, EP_DEPTH: 13, QUEUE: 14,
  FAULT: 15, MARK: 16,
};
const KINDS = 17;
const IRQ_NAMES = { 1: 'tick', 2: 'FIFO' };
// a of IRQ_ENTER/EXIT 3: a device's handler (the drivers', a program's: td_trace_irq_enter/exit,
// ring builds only), b its interrupt number, named as its exception is
const IRQ_DEVICE = 3;
function irqName(a, b) { return a === IRQ_DEVICE ? excName(16 + b) : IRQ_NAMES[a] || `irq ${a}`; }
// The exceptions a core takes, as the emulator sees them (RP2040 datasheet
// 2.3.2: the interrupt numbers; ARMv6-M: the system exceptions)
const EXC_NAMES = { 2: 'NMI', 3: 'HardFault', 11: 'SVCall', 14: 'PendSV', 15: 'SysTick' };
const IRQ_LINES = ['TIMER_IRQ_0', 'TIMER_IRQ_1', 'TIMER_IRQ_2', 'TIMER_IRQ_3', 'PWM_IRQ_WRAP', 'USBCTRL_IRQ',
  'XIP_IRQ', 'PIO0_IRQ_0', 'PIO0_IRQ_1', 'PIO1_IRQ_0', 'PIO1_IRQ_1', 'DMA_IRQ_0', 'DMA_IRQ_1', 'IO_IRQ_BANK0',
  'IO_IRQ_QSPI', 'SIO_IRQ_PROC0', 'SIO_IRQ_PROC1', 'CLOCKS_IRQ', 'SPI0_IRQ', 'SPI1_IRQ', 'UART0_IRQ', 'UART1_IRQ',
  'ADC_IRQ_FIFO', 'I2C0_IRQ', 'I2C1_IRQ', 'RTC_IRQ'];
function excName(n) { return n >= 16 ? IRQ_LINES[n - 16] || `IRQ ${n - 16}` : EXC_NAMES[n] || `exception ${n}`; }
const REG_NAMES = { sb: 9, sl: 10, fp: 11, ip: 12, sp: 13, lr: 14 };

/** The section headers of an ELF file: [{name, type, offset, size, addr}]. */
function sections(buf) {
  const shoff = buf.readUInt32LE(32), shentsize = buf.readUInt16LE(46);
  const shnum = buf.readUInt16LE(48), shstrndx = buf.readUInt16LE(50);
  if (!shoff || !shnum || shoff + shnum * shentsize > buf.length || shstrndx >= shnum) return [];
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push({ nameOff: buf.readUInt32LE(o), type: buf.readUInt32LE(o + 4), addr: buf.readUInt32LE(o + 12), offset: buf.readUInt32LE(o + 16), size: buf.readUInt32LE(o + 20) });
  }
  const str = raw[shstrndx];
  return raw.map((s) => {
    let e = str.offset + s.nameOff;
    const b = e;
    while (e < buf.length && buf[e] !== 0) e++;
    return { name: buf.toString('latin1', b, e), type: s.type, addr: s.addr, offset: s.offset, size: s.size };
  });
}

/** Where an operand is: {reg: n} or {value: v}; throws on what it cannot read. */
function operand(text, file) {
  let m = /^r(\d+)$/.exec(text);
  if (m && Number(m[1]) <= 14) return { reg: Number(m[1]) };
  if (REG_NAMES[text] !== undefined) return { reg: REG_NAMES[text] };
  m = /^#?(-?(?:0x[0-9a-fA-F]+|\d+))$/.exec(text);
  if (m) return { value: Number(m[1]) >>> 0 };
  throw new UserError(`${file}: a trace point's operand '${text}' is neither a register nor a constant (.td_trace)`);
}

/**
 * The trace points of an ELF image (a Buffer): [{addr, kind, a, b, ma, mb}],
 * ma/mb the masks of the operands' sizes; null when the image has no
 * .td_trace section (built without tracing). Records of code the linker
 * dropped are left out.
 */
function readPoints(buf, file = 'firmware') {
  let secs;
  try { secs = sections(buf); } catch (e) { if (e instanceof RangeError) return null; throw e; }
  const sec = secs.find((s) => s.name === '.td_trace');
  if (!sec) return readDwarfPoints(buf, file);
  if (sec.offset + sec.size > buf.length) throw new UserError(`${file}: truncated .td_trace section`);
  const d = buf.subarray(sec.offset, sec.offset + sec.size);
  const points = [];
  const cstr = (o) => { let e = o; while (e < d.length && d[e] !== 0) e++; if (e >= d.length) throw new UserError(`${file}: corrupt .td_trace section`); return [d.toString('latin1', o, e), e + 1]; };
  const mask = (n) => (n >= 4 ? 0xffffffff : n === 2 ? 0xffff : n === 1 ? 0xff : 0);
  let o = 0;
  while (o + 7 <= d.length) {
    const addr = d.readUInt32LE(o), kind = d[o + 4], sa = d[o + 5], sb = d[o + 6];
    const [ta, o1] = cstr(o + 7);
    const [tb, o2] = cstr(o1);
    o = (o2 + 3) & ~3;
    if (kind === 0 || kind >= KINDS) throw new UserError(`${file}: .td_trace record of unknown kind ${kind} (a kernel newer than this emulator?)`);
    if (addr === 0) continue;
    points.push({ addr: addr & ~1, kind, a: operand(ta, file), b: operand(tb, file), ma: mask(sa), mb: mask(sb) });
  }
  return points;
}

/**
 * The trace points of a TRACE=sim build: C labels and variables known only
 * to the debug information (lib/dwarf.js), no .td_trace records. Each
 * operand is {expr, frameBase} (a DWARF location, evaluated when a core
 * reaches the point), {value: v} or null (not known there: counted in
 * points.unreadable, the event's word is then 0).
 */
function readDwarfPoints(buf, file) {
  let pts;
  try { pts = dwarf.tracePoints(buf); } catch (e) {
    throw new UserError(`${file}: the debug information of its trace points cannot be read: ${e.message}`);
  }
  if (!pts) return null;
  for (const p of pts) {
    if (p.kind === 0 || p.kind >= KINDS) throw new UserError(`${file}: trace point of unknown kind ${p.kind} (a kernel newer than this emulator?)`);
    p.ma = 0xffffffff;
    p.mb = 0xffffffff;
  }
  return pts;
}

/** A function (core) -> the operand's word, for a point's operand. */
function reader(sim, op, cfaRule, stats) {
  if (op === null) return () => { stats.unread++; return 0; };
  if (op.reg !== undefined) return (c) => c.registers[op.reg];
  if (op.value !== undefined) return () => op.value;
  // the common shapes, read without the evaluator: a register (DW_OP_regN),
  // a small constant (DW_OP_litN; DW_OP_stack_value)
  const e = op.expr;
  if (e.length === 1 && e[0] >= 0x50 && e[0] <= 0x5f) { const n = e[0] - 0x50; return (c) => c.registers[n]; }
  if (e.length === 2 && e[0] >= 0x30 && e[0] <= 0x4f && e[1] === 0x9f) { const v = e[0] - 0x30; return () => v; }
  const read = (c) => (a, n) => {
    if (a < 0x20000000 || a + n > 0x20042000) return null;   // SRAM only: no side effect
    return sim.busRead(c, a, n);
  };
  return (c) => {
    const r = c.registers;
    const cfa = cfaRule ? () => (r[cfaRule.reg] + cfaRule.off) >>> 0 : null;
    const v = dwarf.evaluate(op.expr, r, read(c), op.frameBase, cfa);
    if (v === null) { stats.unread++; return 0; }
    return v;
  };
}

/** Read a NUL-terminated string (at most 31 bytes) from flash or SRAM; null if unreadable. */
function readString(sim, addr) {
  if (!((addr >= 0x10000000 && addr < 0x11000000) || (addr >= 0x20000000 && addr < 0x20042000))) return null;
  let s = '';
  try {
    for (let i = 0; i < 31; i++) {
      const ch = sim.busRead(sim.cores[0], addr + i, 1);
      if (!ch) break;
      s += String.fromCharCode(ch);
    }
  } catch (e) { return null; }
  return s;
}

/**
 * Record the kernel's events of a run. Attach before running; events are
 * [{t (ns), core, kind, a, b}] in the order the cores executed them.
 */
class KernelTrace {
  constructor(sim, points, symbols = new Map()) {
    this.sim = sim;
    this.points = points;
    this.events = [];
    this.unread = 0;            // event words the debug information did not give (recorded as 0)
    this.names = new Map();     // thread address -> name (TD_TR_THREAD)
    this.lines = [];            // console lines: {t, core, text}
    this.symbols = [...symbols].filter(([, s]) => s.type === 1 && s.value >= 0x20000000)
      .map(([name, s]) => ({ name, value: s.value, size: s.size })).sort((x, y) => x.value - y.value);
    const hooks = hooksOf(sim);
    const counts = new Map();
    for (const p of points) counts.set(p.addr, (counts.get(p.addr) || 0) + 1);
    for (const p of points) {
      const ra = reader(sim, p.a, p.cfa, this), rb = reader(sim, p.b, p.cfa, this);
      const fn = (c) => {
        const a = ra(c) & p.ma;
        const b = rb(c) & p.mb;
        const ev = { t: sim.cyclesToNanos(c.cycles), core: c.index, kind: p.kind, a: a >>> 0, b: b >>> 0 };
        if (p.kind === K.THREAD) {
          const name = readString(sim, ev.b);
          if (name) this.names.set(ev.a, name);
        }
        this.events.push(ev);
        return GO;
      };
      hooks.add(p.addr, fn);
    }
    // every exception entry and return of either core, from the emulator
    // itself (no trace point needed): the interrupts of drivers and USB too
    this.exc = [];              // {t, core, n, enter, replaces}
    for (const c of sim.cores) {
      c.excObserver = (core, n, enter, cycles, replaces) => {
        this.exc.push({ t: sim.cyclesToNanos(cycles), core: core.index, n, enter, replaces });
      };
    }
    sim.on('line', (l) => this.lines.push({ t: l.time * 1e9, core: l.core, text: l.text, usb: l.source === 'usb' }));
  }

  /** A data address by the program's symbols: "name" or "name+off" (else hex). */
  nameOf(addr) {
    const s = this.symbols;
    let lo = 0, hi = s.length;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (s[m].value <= addr) lo = m + 1; else hi = m; }
    const hex = '0x' + addr.toString(16).padStart(8, '0');
    if (lo === 0) return hex;
    const sym = s[lo - 1];
    if (addr >= sym.value + Math.max(sym.size, 1)) return hex;
    return addr === sym.value ? sym.name : `${sym.name}+${addr - sym.value}`;
  }
  threadName(t) { return this.names.get(t) || (t ? `thread 0x${t.toString(16)}` : 'no thread'); }

  /** The model of the run up to endNs (see build()). */
  model(endNs) { return build(this, endNs); }
}

/** Attach a KernelTrace to sim for the ELF file; throws UserError if it has no trace points. */
function attach(sim, file) {
  let buf;
  try { buf = fs.readFileSync(file); } catch (e) { throw new UserError(`${file}: cannot read: ${e.message}`); }
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) throw new UserError(`${file}: the kernel's trace needs the ELF file (not a UF2)`);
  const points = readPoints(buf, file);
  if (!points) throw new UserError(`${file}: no kernel trace points (.td_trace, or td_trace_* labels in its debug information): build it with TRACE=sim or TRACE=ring`);
  return new KernelTrace(sim, points, sim.symbols || new Map());
}

/**
 * The model of a run from its events:
 *   threads: [{key, t, core, name, spans: [{t0, t1, state, on}]}]  state: running | ready | blocked | sleeping
 *   irqs:    [[{t0, t1, name}], [...]] per core (the kernel's handlers, by its trace points)
 *   exceptions: [[{t0, t1, name, n}], [...]] per core (every exception taken, seen by the emulator)
 *   locks:   [{addr, name, spans: [{t0, t1, core, holder}]}]
 *   flows:   [{id, t0, core0, thread0, t1, core1, thread1, word, ep}]  (send -> delivery;
 *            a thread null: in an interrupt handler)
 *   counters: [{name, core, points: [[t, n]]}]
 *   instants: [{t, core, name, args}]  (faults, marks)
 *   lines:   console lines [{t, core, text}]
 *   unmatched: {sends, delivers}  messages whose other end was not seen
 */
function build(kt, endNs) {
  const threads = new Map();          // key -> thread
  const cur = [null, null];           // running thread (address) per core
  const pendWait = new Map();         // thread address -> {state, on} set by WAIT, until it switches out or is woken
  const pendX = [null, null];
  const irqs = [[], []], irqStack = [[], []];
  const locks = new Map();
  const counters = new Map();
  const instants = [];
  const flows = [];
  const inFlight = [[], []];          // sends from core n, not yet delivered
  let flowId = 1, lostSends = 0, lostDelivers = 0;

  const thread = (t, core) => {
    let th = threads.get(t);
    if (!th) { th = { key: threads.size + 1, t, core, name: kt.threadName(t), spans: [], open: null }; threads.set(t, th); }
    return th;
  };
  const setState = (th, time, state, on) => {
    if (th.open) { th.open.t1 = time; if (th.open.t1 > th.open.t0 || th.open.state === 'running') th.spans.push(th.open); }
    th.open = state ? { t0: time, t1: null, state, on } : null;
  };
  const lockOf = (addr) => {
    let l = locks.get(addr);
    if (!l) { l = { addr, name: kt.nameOf(addr), spans: [], open: null }; locks.set(addr, l); }
    return l;
  };
  const count = (name, core, t, n) => {
    const key = `${core}:${name}`;
    if (!counters.has(key)) counters.set(key, { name, core, points: [] });
    counters.get(key).points.push([t, n]);
  };

  for (const e of kt.events) {
    const c = e.core;
    switch (e.kind) {
      case K.THREAD: break;
      case K.SWITCH: {
        if (e.a) {
          const from = thread(e.a, c);
          const w = pendWait.get(e.a);
          pendWait.delete(e.a);
          if (from.exited) setState(from, e.t, null);
          else if (w) setState(from, e.t, w.state, w.on);
          else setState(from, e.t, 'ready');
        }
        const to = thread(e.b, c);
        to.core = c;
        setState(to, e.t, 'running');
        cur[c] = e.b;
        break;
      }
      case K.EXIT: {
        const th = thread(e.a, c);
        th.exited = true;
        if (cur[c] !== e.a) setState(th, e.t, null);
        break;
      }
      case K.WAIT: {
        if (!cur[c]) break;
        const on = pendX[c] !== null ? kt.nameOf(pendX[c]) : e.a ? kt.nameOf(e.a) : null;
        pendX[c] = null;
        pendWait.set(cur[c], { state: e.a ? 'blocked' : 'sleeping', on });
        break;
      }
      case K.WAIT_X: pendX[c] = e.a; break;
      case K.WAKE: {
        if (pendWait.has(e.a)) { pendWait.delete(e.a); break; }   // woken before it switched out
        const th = threads.get(e.a);
        if (th && th.open && th.open.state !== 'running') setState(th, e.t, 'ready');
        break;
      }
      case K.IRQ_ENTER: irqStack[c].push({ t0: e.t, name: irqName(e.a, e.b) }); break;
      case K.IRQ_EXIT: {
        const s = irqStack[c].pop();
        if (s) irqs[c].push({ t0: s.t0, t1: e.t, name: s.name });
        break;
      }
      case K.LOCK_TAKE: {
        const l = lockOf(e.a);
        if (l.open) { l.open.t1 = e.t; l.spans.push(l.open); }
        l.open = { t0: e.t, t1: null, core: c, holder: e.b ? kt.threadName(e.b) : `core ${c}` };
        break;
      }
      case K.LOCK_GIVE: {
        const l = lockOf(e.a);
        if (l.open) { l.open.t1 = e.t; l.spans.push(l.open); l.open = null; }
        break;
      }
      case K.MSG_SEND:
        inFlight[c].push({ t0: e.t, core0: c, word: e.a, ep: e.b, thread: irqStack[c].length ? null : cur[c] });
        break;
      case K.MSG_DELIVER: {
        const q = inFlight[c ^ 1];
        let k = q.findIndex((s) => s.word === e.a);
        if (k < 0) { lostDelivers++; break; }
        lostSends += k;                           // words the FIFO lost on the way (a reset of the link)
        const s = q.splice(0, k + 1)[k];
        // delivered by the FIFO interrupt, or by a receiver waiting in place in its own context (thread1)
        flows.push({ id: flowId++, t0: s.t0, core0: s.core0, thread0: s.thread, t1: e.t, core1: c,
                     thread1: irqStack[c].length ? null : cur[c], word: e.a, ep: e.b });
        break;
      }
      case K.EP_DEPTH: count(`endpoint ${kt.nameOf(e.a)} depth`, c, e.t, e.b); break;
      case K.QUEUE: count(`queue ${kt.nameOf(e.a)} depth`, c, e.t, e.b); break;
      case K.FAULT: instants.push({ t: e.t, core: c, thread: e.b || null, name: 'fault', args: { reason: e.a, thread: e.b ? kt.threadName(e.b) : null } }); break;
      case K.MARK: instants.push({ t: e.t, core: c, thread: cur[c], name: 'mark', args: { a: e.a, b: e.b } }); break;
      default: break;
    }
  }
  // the exceptions each core took (entry to return), nested as they were
  const exceptions = [[], []], excStack = [[], []];
  for (const x of kt.exc) {
    const st = excStack[x.core];
    if (x.enter && x.replaces !== undefined) { if (st.length) st[st.length - 1].name = excName(x.n); continue; }
    if (x.enter) { st.push({ t0: x.t, name: excName(x.n), n: x.n }); continue; }
    const s = st.pop();
    if (s) exceptions[x.core].push({ t0: s.t0, t1: x.t, name: s.name, n: s.n });
  }
  excStack.forEach((st, c) => { for (const s of st) exceptions[c].push({ t0: s.t0, t1: endNs, name: s.name, n: s.n, atEnd: true }); });
  // close what is still open at the end of the run
  for (const th of threads.values()) if (th.open) { th.open.t1 = endNs; th.open.atEnd = true; th.spans.push(th.open); th.open = null; }
  for (const l of locks.values()) if (l.open) { l.open.t1 = endNs; l.open.atEnd = true; l.spans.push(l.open); l.open = null; }
  irqStack.forEach((st, c) => { for (const s of st) irqs[c].push({ t0: s.t0, t1: endNs, name: s.name, atEnd: true }); });
  return {
    threads: [...threads.values()].sort((x, y) => x.core - y.core || x.key - y.key),
    irqs, exceptions, locks: [...locks.values()], flows, counters: [...counters.values()], instants,
    lines: kt.lines, unmatched: { sends: lostSends + inFlight[0].length + inFlight[1].length, delivers: lostDelivers },
    events: kt.events.length, unread: kt.unread, end: endNs,
  };
}

module.exports = { attach, readPoints, KernelTrace, build, K, excName, IRQ_DEVICE };
