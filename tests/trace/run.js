#!/usr/bin/env node
/*
 * tests/trace/run.js: the kernel's trace end to end. Runs examples built
 * with TRACE=sim in tandem-sim with --trace-out and checks the Chrome
 * trace-event JSON against what the programs are known to do; runs blink2
 * built with TRACE=ring and checks each core's RAM ring against the events
 * the emulator saw (and tests/trace/devices.c, the drivers' interrupt
 * handlers in the ring).
 *
 *   node tests/trace/run.js SIM_DIR OFF_DIR RING_DIR WORK_DIR
 *        (the examples' directories of the TRACE=sim, plain and TRACE=ring builds)
 *   node tests/trace/run.js --list        the checks' names only, nothing run
 *
 * Prints "PASS name" / "FAIL name: reason" per check and "N passed, M
 * failed" (through tests/run-suite.sh); exits non-zero if a check failed.
 * Every run is bounded in simulated time and by a time-out.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { spawnLimited, ended } = require('../../sim/lib/cpu-limit');

const root = path.join(__dirname, '..', '..');
const SIM = path.join(root, 'sim', 'tandem-sim');
const listing = process.argv[2] === '--list';
const [simDir, offDir, ringDir, work] = listing ? [] : process.argv.slice(2);

let passed = 0, failed = 0;
function check(name, fn) {
  if (listing) { console.log(`trace_${name}`); return; }
  let r;
  try { r = fn(); } catch (e) { r = `exception: ${e.stack.split('\n').slice(0, 3).join(' | ')}`; }
  if (r === true || (typeof r === 'object' && r.ok)) { passed++; console.log(`PASS trace_${name}${r.note ? `: ${r.note}` : ''}`); } else { failed++; console.log(`FAIL trace_${name}: ${r}`); }
}
const pass = (note) => ({ ok: true, note });

/* An emulator run is bounded by its CPU time, the wall clock a far backstop
 * (sim/lib/cpu-limit.js): a loaded machine stretches only the latter. */
const RUN_LIMITS = { cpu: 240, wallMs: 30 * 60 * 1000 };
/* The GDB step: the emulator and GDB each by their CPU time, the pair by the wall clock far away. */
const GDB_RUN_LIMITS = { simCpu: 240, gdbCpu: 120, wallS: 30 * 60 };
function run(elf, args) {
  const r = spawnLimited(SIM, [elf, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, ...RUN_LIMITS });
  const why = ended(r, RUN_LIMITS);
  return { code: r.status, out: r.stdout || '', err: (r.stderr || '') + (why ? `\ntandem-sim: ${why}` : '') };
}
/** Console and GPIO lines of a run: [{t (us), kind, core, text}]. */
function lines(out) {
  const res = [];
  for (const l of out.split('\n')) {
    const m = /^\[\s*([\d.]+) s\] (\S+)\s+(c0|c1|c\*|--)\| (.*)$/.exec(l);
    if (m) res.push({ t: Number(m[1]) * 1e6, kind: m[2], core: m[3] === 'c0' ? 0 : m[3] === 'c1' ? 1 : -1, text: m[4] });
  }
  return res;
}

/** The address of symbol 'name' of an ELF image, as the trace's JSON writes one. */
function symbolAddr(elf, name) {
  const { parseElf } = require('../../sim/lib/loader');
  const sym = parseElf(fs.readFileSync(elf), elf).symbols.get(name);
  return sym ? '0x' + (sym.value >>> 0).toString(16).padStart(8, '0') : `(no symbol ${name})`;
}

/** A run's trace, parsed, with its slices indexed. */
function traceOf(elf, ms, name, extra = []) {
  const file = path.join(work, `${name}.trace.json`);
  const r = run(elf, ['--max-ms', String(ms), '--trace-out', file, ...extra]);
  const text = fs.readFileSync(file, 'utf8');
  const j = JSON.parse(text);
  const ev = j.traceEvents;
  const names = new Map();      // "pid:tid" -> thread name
  for (const e of ev) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const slices = ev.filter((e) => e.ph === 'X');
  return { r, j, ev, names, slices, lines: lines(r.out), size: text.length };
}
const threadSlices = (tr, pid) => tr.slices.filter((e) => e.cat === 'thread' && (pid === undefined || e.pid === pid));
const within = (t, s, tol = 0) => s.ts - tol <= t && t <= s.ts + s.dur + tol;

/** Per core, running slices never overlap; per thread, slices in order, only the last open at the end. */
function switchPairs(tr) {
  for (const pid of [0, 1]) {
    const run = threadSlices(tr, pid).filter((e) => e.args.state === 'running').sort((a, b) => a.ts - b.ts);
    if (run.length < 2) return `core ${pid}: ${run.length} running slices`;
    for (let i = 1; i < run.length; i++) {
      if (run[i].ts < run[i - 1].ts + run[i - 1].dur - 1e-6) return `core ${pid}: ${tr.names.get(`${pid}:${run[i].tid}`)} switched in at ${run[i].ts} us while ${tr.names.get(`${pid}:${run[i - 1].tid}`)} ran (${run[i - 1].ts}+${run[i - 1].dur})`;
    }
    const byTid = new Map();
    for (const e of threadSlices(tr, pid)) { if (!byTid.has(e.tid)) byTid.set(e.tid, []); byTid.get(e.tid).push(e); }
    for (const [tid, list] of byTid) {
      list.sort((a, b) => a.ts - b.ts);
      for (let i = 0; i < list.length; i++) {
        if (list[i].args.open_at_end && i !== list.length - 1) return `${tr.names.get(`${pid}:${tid}`)}: a slice open at the end before its last`;
        if (i && list[i].ts < list[i - 1].ts + list[i - 1].dur - 1e-6) return `${tr.names.get(`${pid}:${tid}`)}: slices overlap at ${list[i].ts} us`;
        if (i && list[i - 1].args.state === 'running' && list[i].args.state === 'running') return `${tr.names.get(`${pid}:${tid}`)}: switched in twice without a switch-out (${list[i].ts} us)`;
      }
    }
  }
  return true;
}

if (!listing) {
  if (!simDir || !offDir || !ringDir || !work) { console.error('usage: run.js SIM_DIR OFF_DIR RING_DIR WORK_DIR | --list'); process.exit(2); }
  fs.mkdirSync(work, { recursive: true });
}

// ---- messaging: two pairs of threads across the cores ---------------------------------------
const MSG_MS = 1300;
const msg = listing ? null : traceOf(path.join(simDir, 'messaging.elf'), MSG_MS, 'messaging', ['--stats']);

check('json_wellformed', () => {
  if (msg.r.code !== 123) return `tandem-sim exit ${msg.r.code} (123, the time bound, expected): ${msg.r.err.trim()}`;
  if (!Array.isArray(msg.ev) || !msg.ev.length) return 'no traceEvents array';
  for (const e of msg.ev) {
    if (typeof e.ph !== 'string' || !Number.isInteger(e.pid)) return `an event without ph/pid: ${JSON.stringify(e)}`;
    if (e.ph === 'M') continue;
    if (!(typeof e.ts === 'number' && e.ts >= 0 && e.ts <= MSG_MS * 1000 + 1)) return `a timestamp out of the run: ${JSON.stringify(e)}`;
    if (e.ph === 'X' && !(e.dur >= 0)) return `a slice without a duration: ${JSON.stringify(e)}`;
  }
  // every event word located by the debug information at its point (none recorded as 0 for want of it)
  if (msg.j.otherData.unread_words !== 0) return `${msg.j.otherData.unread_words} event words the debug information did not give`;
  if (/warning: .*trace point/.test(msg.r.err)) return `tandem-sim warned: ${msg.r.err.trim()}`;
  return pass(`${msg.ev.length} events, ${msg.size} bytes, every word read`);
});

check('both_cores', () => {
  const procs = msg.ev.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => `${e.pid}:${e.args.name}`);
  for (const p of ['0:core 0', '1:core 1', '2:locks']) if (!procs.includes(p)) return `no process ${p} (${procs})`;
  const want = { 0: ['main', 'producer', 'idle'], 1: ['core1', 'consumer', 'idle'] };
  for (const pid of [0, 1]) {
    const running = new Set(threadSlices(msg, pid).filter((e) => e.args.state === 'running').map((e) => msg.names.get(`${pid}:${e.tid}`)));
    for (const n of want[pid]) if (!running.has(n)) return `core ${pid}: thread ${n} never running (${[...running]})`;
    if (!msg.slices.some((e) => e.pid === pid && e.cat === 'irq' && e.name === 'tick')) return `core ${pid}: no tick interrupt`;
  }
  return pass('threads main, producer, idle on core 0; core1, consumer, idle on core 1');
});

check('switch_pairs', () => switchPairs(msg));

check('message_flows', () => {
  const s = new Map(), f = new Map();
  let inPlace = 0;
  for (const e of msg.ev) {
    if (e.ph === 's') { if (s.has(e.id)) return `flow ${e.id} starts twice`; s.set(e.id, e); }
    if (e.ph === 'f') { if (f.has(e.id)) return `flow ${e.id} ends twice`; f.set(e.id, e); }
  }
  if (s.size < 10) return `${s.size} message flows`;
  if (msg.j.otherData.unmatched_messages.sends || msg.j.otherData.unmatched_messages.delivers) return `unmatched messages: ${JSON.stringify(msg.j.otherData.unmatched_messages)}`;
  for (const [id, a] of s) {
    const b = f.get(id);
    if (!b) return `flow ${id} has no end`;
    if (a.pid === b.pid) return `flow ${id} within core ${a.pid}`;
    if (b.ts < a.ts) return `flow ${id} delivered (${b.ts}) before it was sent (${a.ts})`;
    if (a.args.word !== b.args.word) return `flow ${id}: word ${a.args.word} sent, ${b.args.word} delivered`;
    const sender = msg.slices.find((e) => e.pid === a.pid && e.tid === a.tid && (e.cat === 'irq' || e.args.state === 'running') && within(a.ts, e));
    if (!sender) return `flow ${id}: the send at ${a.ts} us is in no running slice of its track`;
    if (b.tid === 1) {
      const fifo = msg.slices.find((e) => e.pid === b.pid && e.cat === 'irq' && e.name === 'FIFO' && within(b.ts, e));
      if (!fifo) return `flow ${id}: the delivery at ${b.ts} us is outside core ${b.pid}'s FIFO interrupt`;
    } else {
      // a receiver waiting in place takes its word itself: in its own running slice, in no interrupt
      const own = threadSlices(msg, b.pid).find((e) => e.tid === b.tid && e.args.state === 'running' && within(b.ts, e));
      if (!own) return `flow ${id}: the delivery at ${b.ts} us on thread track ${b.tid} is in no running slice of it`;
      if (msg.slices.some((e) => e.pid === b.pid && e.cat === 'irq' && within(b.ts, e))) return `flow ${id}: delivered in a thread's slice inside an interrupt`;
      inPlace++;
    }
  }
  for (const id of f.keys()) if (!s.has(id)) return `flow ${id} has no start`;
  return pass(`${s.size} messages, each from a send in a running thread to a delivery in the other core's FIFO interrupt or, ${inPlace} of them, by the receiver waiting in place`);
});

check('message_count', () => {
  // the word: byte 0 the endpoint, the kind in the payload's top 4 bits
  const flows = msg.ev.filter((e) => e.ph === 's').map((e) => ({ core: e.pid, kind: Number(e.args.word) >>> 28 }));
  const n = (core, kind) => flows.filter((x) => x.core === core && x.kind === kind).length;
  const count = (re) => msg.lines.filter((l) => re.test(l.text)).length;
  const want = [
    ['wake-ups core 0 -> 1', n(0, 1), count(/^c1 woken by core 0/)],
    ['wake-ups core 1 -> 0', n(1, 1), count(/^c0 woken by core 1/)],
    ['DATA_READY', n(0, 2), count(/^c1 data block \d+ received/)],
    ['DATA_RECEIVED', n(1, 3), count(/^c0 data block \d+ acknowledged/)],
  ];
  for (const [what, got, lines] of want) {
    if (lines < 2) return `${what}: only ${lines} console lines`;
    if (got < lines || got > lines + 1) return `${what}: ${got} messages for ${lines} console lines`;
  }
  return pass(want.map(([w, g]) => `${w} ${g}`).join(', '));
});

/** The bytes an ELF loads: its PT_LOAD segments with file contents, [{addr, bytes}]. */
function loaded(file) {
  const b = fs.readFileSync(file);
  const phoff = b.readUInt32LE(28), phentsize = b.readUInt16LE(42), phnum = b.readUInt16LE(44);
  const segs = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (b.readUInt32LE(o) !== 1) continue;                       // PT_LOAD
    const off = b.readUInt32LE(o + 4), paddr = b.readUInt32LE(o + 12), filesz = b.readUInt32LE(o + 16);
    if (filesz) segs.push({ addr: paddr, bytes: b.subarray(off, off + filesz) });
  }
  return segs.sort((x, y) => x.addr - y.addr);
}
check('same_image', () => {
  // TRACE=sim adds no instruction and no data: the traced images load exactly the plain ones' bytes
  const notes = [];
  for (const ex of ['messaging', 'blink2']) {
    const a = loaded(path.join(offDir, `${ex}.elf`)), b = loaded(path.join(simDir, `${ex}.elf`));
    if (a.length !== b.length) return `${ex}: ${a.length} loaded segments plain, ${b.length} traced`;
    let n = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i].addr !== b[i].addr || !a[i].bytes.equals(b[i].bytes)) {
        const k = a[i].bytes.findIndex((x, m) => x !== b[i].bytes[m]);
        return `${ex}: segment at 0x${a[i].addr.toString(16)} differs (sizes ${a[i].bytes.length}/${b[i].bytes.length}, first at +${k})`;
      }
      n += a[i].bytes.length;
    }
    notes.push(`${ex} ${n} bytes`);
  }
  return pass(`identical: ${notes.join(', ')}`);
});

check('same_run', () => {
  // the traced build runs exactly as the plain one: the same console lines at the same times, the
  // same instruction, sleep and exception counts per core
  const off = run(path.join(offDir, 'messaging.elf'), ['--max-ms', String(MSG_MS), '--stats']);
  const a = off.out.trim().split('\n'), b = msg.r.out.trim().split('\n');
  if (a.length < 10) return `the plain build printed ${a.length} lines`;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: plain '${a[i]}', traced '${b[i]}'`;
  }
  const stats = (err) => err.split('\n').filter((l) => /^tandem-sim: core \d: \d+ cycles/.test(l));
  const sa = stats(off.err), sb = stats(msg.r.err);
  if (sa.length !== 2) return `the plain run printed no statistics: ${off.err.trim()}`;
  if (sa.join('\n') !== sb.join('\n')) return `statistics differ: plain '${sa.join(' / ')}', traced '${sb.join(' / ')}'`;
  const ins = sa.map((l) => /(\d+) instructions/.exec(l)[1]);
  return pass(`${a.length} timed lines identical; cores' statistics identical (${ins[0]} and ${ins[1]} instructions)`);
});

check('exceptions', () => {
  // every exception each core took, from the emulator (no trace point): as many as its statistics
  // count; USB's interrupt among them; the kernel's tick and FIFO handlers inside SysTick and SIO_IRQ_PROCn
  const exc = msg.slices.filter((e) => e.cat === 'exception');
  const notes = [];
  for (const core of [0, 1]) {
    const m = new RegExp(`^tandem-sim: core ${core}: .* (\\d+) exceptions taken`, 'm').exec(msg.r.err);
    if (!m) return `no statistics for core ${core}: ${msg.r.err.trim()}`;
    const mine = exc.filter((e) => e.pid === core);
    if (mine.length !== Number(m[1])) return `core ${core}: ${mine.length} exception slices, the statistics count ${m[1]}`;
    for (const [kernel, hw] of [['tick', 'SysTick'], ['FIFO', `SIO_IRQ_PROC${core}`]]) {
      const ks = msg.slices.filter((e) => e.pid === core && e.cat === 'irq' && e.name === kernel);
      const hs = mine.filter((e) => e.name === hw);
      if (!ks.length) return `core ${core}: no ${kernel} slice`;
      const out = ks.find((k) => !hs.some((h) => h.ts <= k.ts && k.ts + k.dur <= h.ts + h.dur));
      if (out) return `core ${core}: the kernel's ${kernel} handler at ${out.ts} us outside every ${hw}`;
    }
    const by = {};
    for (const e of mine) by[e.name] = (by[e.name] || 0) + 1;
    notes.push(`core ${core}: ` + Object.entries(by).map(([n, k]) => `${n} ${k}`).join(', '));
  }
  if (!exc.some((e) => e.pid === 0 && e.name === 'USBCTRL_IRQ')) return 'no USBCTRL_IRQ slice on core 0 (the USB console)';
  return pass(notes.join('; '));
});

check('untraced_refused', () => {
  const r = run(path.join(offDir, 'messaging.elf'), ['--max-ms', '10', '--trace-out', path.join(work, 'none.json')]);
  if (r.code !== 121) return `exit ${r.code}, 121 expected`;
  if (!/TRACE=sim/.test(r.err)) return `the message does not say how to build with tracing: ${r.err.trim()}`;
  return pass(r.err.trim().split('\n')[0]);
});

check('svg_lanes', () => {
  const file = path.join(work, 'messaging.svg');
  const r = run(path.join(simDir, 'messaging.elf'), ['--max-ms', String(MSG_MS), '--quiet', '--svg', file]);
  if (r.code !== 123) return `exit ${r.code}`;
  const svg = fs.readFileSync(file, 'utf8');
  for (const n of ['producer', 'consumer', 'core1']) if (!svg.includes(`>${n}</text>`)) return `no lane for thread ${n}`;
  const arrows = (svg.match(/marker-end="url\(#msg[01]\)"/g) || []).length;
  const flows = msg.ev.filter((e) => e.ph === 's').length;
  if (arrows < Math.min(flows, 10) || arrows > flows) return `${arrows} message arrows for ${flows} messages`;
  return pass(`${arrows} message arrows`);
});

// ---- tests/trace/main.c: a program whose every event is known ---------------------------------
const known = listing ? null : traceOf(path.join(simDir, '..', 'trace-fw', 'trace-fw.elf'), 100, 'known');

check('known_depths', () => {
  const seq = (re) => known.ev.filter((e) => e.ph === 'C' && re.test(e.name)).map((e) => e.args.depth).join(',');
  const q = seq(/^queue items depth$/), ep = seq(/^endpoint sink_ep depth$/);
  if (q !== '1,2,3,2,1,0') return `queue depths ${q} (1,2,3,2,1,0 expected)`;
  // the FIFO interrupt counts a run of words for one endpoint once: on the
  // way up a depth may rise by more than one (two words in one run), never
  // fall; the receiver takes them one at a time
  const d = ep.split(',').map(Number), top = d.indexOf(5);
  const up = top < 0 ? [] : d.slice(0, top + 1);
  if (top < 0 || d.slice(top).join(',') !== '5,4,3,2,1,0' || up[0] < 1 ||
      up.some((v, i) => i && v <= up[i - 1]))
    return `endpoint depths ${ep} (rising to 5 by runs, then 4..0 expected)`;
  return pass(`queue ${q}; endpoint ${ep}`);
});

check('known_messages', () => {
  const s = known.ev.filter((e) => e.ph === 's'), f = known.ev.filter((e) => e.ph === 'f');
  const words = s.map((e) => e.args.word).join(',');
  const want = [1, 2, 3, 4, 5].map((i) => '0x' + (((100 + i) << 8) >>> 0).toString(16).padStart(8, '0')).join(',');
  if (words !== want) return `words sent ${words} (${want} expected)`;
  if (f.length !== 5 || f.some((e) => e.pid !== 1) || s.some((e) => e.pid !== 0)) return 'not five flows from core 0 to core 1';
  const main = s.every((e) => known.names.get(`0:${e.tid}`) === 'main');
  if (!main) return 'a send not on main\'s track';
  return pass('five words from main on core 0 to core 1, in order');
});

check('known_marks_and_exit', () => {
  const marks = known.ev.filter((e) => e.ph === 'i' && e.name === 'mark').map((e) => `${e.pid}:${known.names.get(`${e.pid}:${e.tid}`)}:${e.args.a.toString(16)}:${e.args.b}`).sort().join(' ');
  if (marks !== '0:taker:c0:6 1:core1:c1:515') return `marks ${marks}`;
  const taker = threadSlices(known, 0).filter((e) => known.names.get(`0:${e.tid}`) === 'taker');
  if (!taker.length || taker.some((e) => e.args.open_at_end)) return 'the taker thread did not end';
  const states = [...new Set(taker.map((e) => e.args.state))].sort().join(',');
  if (states !== 'ready,running,sleeping') return `taker's states: ${states}`;
  return pass(`${marks}; taker ran, slept and ended`);
});

check('known_locks', () => {
  // td_lock's take and give (kernel/trace.c's points): the lock's address
  // and the holder thread located at both, so one hold per thread, on a
  // track named by the lock's symbol, each under its holder's name
  const addr = symbolAddr(path.join(simDir, '..', 'trace-fw', 'trace-fw.elf'), 'known_lock');
  const locks = known.slices.filter((e) => e.cat === 'lock' && e.args.lock === addr);
  const holds = locks.map((e) => `${known.names.get(`${e.pid}:${e.tid}`)}@${e.args.lock}:${e.args.core}:${e.name}`).sort().join(' ');
  const want = `known_lock@${addr}:0:taker known_lock@${addr}:1:core1`;
  if (holds !== want) return `holds ${holds || 'none'} (${want} expected)`;
  if (known.j.otherData.unread_words !== 0) return `${known.j.otherData.unread_words} words not located`;
  if (/does not locate/.test(known.r.out + known.r.err)) return `tandem-sim warned: ${known.r.err.trim()}`;
  return pass(holds);
});

check('known_lock_given_at_end', () => {
  // the taker ends holding kept_lock: the kernel releases it, and the trace
  // records that give (the hold ends by the taker's last running slice's
  // end, not when main takes the lock next)
  const addr = symbolAddr(path.join(simDir, '..', 'trace-fw', 'trace-fw.elf'), 'kept_lock');
  const holds = known.slices.filter((e) => e.cat === 'lock' && e.args.lock === addr).sort((a, b) => a.ts - b.ts);
  const who = holds.map((e) => `${e.name}${e.args.open_at_end ? ' (open at the end)' : ''}`).join(', ');
  if (holds.length !== 2 || holds[0].name !== 'taker' || holds[1].name !== 'main' || holds.some((e) => e.args.open_at_end))
    return `kept_lock holds: ${who || 'none'} (the taker's, then main's, both ended, expected)`;
  const ran = threadSlices(known, 0).filter((e) => known.names.get(`0:${e.tid}`) === 'taker' && e.args.state === 'running').sort((a, b) => a.ts - b.ts);
  const taker = holds[0], lastRun = ran.length ? ran[ran.length - 1] : null;
  if (!lastRun || !(taker.ts + taker.dur <= lastRun.ts + lastRun.dur))
    return `the taker's hold ends at ${taker.ts + taker.dur} us, after its last running slice (${lastRun ? lastRun.ts + lastRun.dur : 'none'})`;
  return pass(`${who}; the taker's hold ends at ${(taker.ts + taker.dur).toFixed(3)} us, as it ends`);
});

// ---- tests/faults' spin-c1: core 1's thread locks up holding a td_lock ----------------------
// Core 0 reports the lockup and restarts core 1 (tests/faults/run.js); the
// lock, released for the stopped core (kernel/spin.c's td__spin_release_core),
// gets its give then, on behalf of the thread that held it.
const spin = listing ? null : traceOf(path.join(simDir, '..', 'faults', 'spin-c1.elf'), 400, 'spin-c1');

check('lock_given_for_a_stopped_core', () => {
  const end = spin.lines.find((l) => l.core === 0 && l.text === '*** END FAULT core 1');
  if (!end) return 'core 0 reported no end of core 1\'s fault';
  const holds = spin.slices.filter((e) => e.cat === 'lock' && e.name === 'victim');
  if (holds.length !== 1) return `${holds.length} holds by the victim thread (1 expected)`;
  const h = holds[0], to = h.ts + h.dur;
  if (h.args.core !== 1 || h.args.open_at_end) return `the victim's hold: core ${h.args.core}${h.args.open_at_end ? ', open at the end' : ''}`;
  // given as core 0 releases the stopped core's locks: after the report begins, within 1 ms of its end line
  if (!(to > end.t - 1000 && to < end.t + 1000)) return `the hold ends at ${to} us, the report at ${end.t} us`;
  return pass(`victim's hold on core 1 ends at ${to.toFixed(3)} us, the fault report's end at ${end.t} us`);
});

// ---- tests/faults' spinover-c1: core 0 takes a td_lock over from halted core 1 ---------------
// Core 1's victim faults holding the lock while a thread of core 0 spins for
// it, interrupts masked (its tick cannot clean up after core 1): core 0 takes
// the lock over from the halted core (kernel/spin.c's td__spin_try_over).
// The kernel's own events, as the emulator saw them: the victim's hold must
// end (its give, recorded by core 0) before core 0's take, and every give
// must end the hold open then, by its holder.
check('lock_given_at_a_take_over', () => {
  const elf = path.join(simDir, '..', 'faults', 'spinover-c1.elf');
  const { Simulator } = require(path.join(root, 'sim', 'lib', 'simulator'));
  const ktrace = require(path.join(root, 'sim', 'lib', 'ktrace'));
  const sim = new Simulator({});
  sim.loadFile(elf);
  const kt = ktrace.attach(sim, elf);
  const lock = sim.symbols.get('spin_lock');
  if (!lock) return 'no symbol spin_lock';
  const r = sim.run({ maxMs: 250 });
  if (r.reason !== 'bound') return `run ended: ${JSON.stringify(r)}`;
  const evs = kt.events.filter((e) => (e.kind === 9 || e.kind === 10) && e.a === (lock.value >>> 0));
  const who = (e) => `${e.kind === 9 ? 'take' : 'give'} on core ${e.core} by ${kt.threadName(e.b)}`;
  let open = null, overs = 0;
  for (const e of evs) {
    if (e.kind === 9) {
      if (open) return `${who(e)} at ${e.t} ns while the hold ${who(open)} is open`;
      open = e;
    } else {
      if (!open) return `${who(e)} at ${e.t} ns with no hold open`;
      if (e.b !== open.b) return `${who(e)} ends the hold ${who(open)}`;
      if (e.core !== open.core) overs++;
      open = null;
    }
  }
  const first = evs[0];
  if (!first || first.core !== 1 || kt.threadName(first.b) !== 'victim') return `the first event: ${first ? who(first) : 'none'}`;
  if (overs !== 1) return `${overs} holds ended by the other core (1 expected: the take-over)`;
  if (evs.length !== 6 || open) return `${evs.length} events (take and give: the victim's, core 0's twice)${open ? ', a hold open at the end' : ''}`;
  return pass(`the victim's hold given by core 0 at ${(evs[1].t / 1000).toFixed(3)} us, its take at ${(evs[2].t / 1000).toFixed(3)} us`);
});

// ---- blink2: each core's thread prints under a shared lock and sleeps ------------------------
const BLINK_MS = 8000;   // as long as `make run` runs it: docs/trace.md quotes this run's figures
const blink = listing ? null : traceOf(path.join(simDir, 'blink2.elf'), BLINK_MS, 'blink2', ['--gpio-log', '0,1']);
const runningOf = (tr, pid, name) => threadSlices(tr, pid).filter((e) => e.args.state === 'running' && tr.names.get(`${pid}:${e.tid}`) === name);

check('blink2_switch_pairs', () => switchPairs(blink));

check('blink2_leds', () => {
  // each LED change is written by its thread: inside one of its running slices (1 us: the console's rounding)
  const leds = blink.lines.filter((l) => /^gpio[01]$/.test(l.kind));
  if (leds.length < 4) return `${leds.length} LED changes`;
  for (const l of leds) {
    // main sets both pins up on core 0; then the red LED is main's, the green one core1's
    const pid = l.core, name = pid === 0 ? 'main' : 'core1';
    if (l.kind === 'gpio0' && pid !== 0) return `gpio0 changed by core ${pid}`;
    if (l.kind === 'gpio1' && pid !== 1 && l.t > 1000) return `gpio1 changed by core ${pid} at ${l.t} us`;
    if (!runningOf(blink, pid, name).some((s) => within(l.t, s, 1))) return `${l.kind} changed at ${l.t} us, outside every running slice of ${name}`;
  }
  return pass(`${leds.length} LED changes, each inside its thread's running slice`);
});

check('blink2_lines', () => {
  // each console line a core's thread printed follows that thread's switch-in
  // (within the USB console's delay); each of main's wake-ups prints a line
  const printed = blink.lines.filter((l) => l.kind === 'usb' || l.kind.startsWith('uart'));
  const tagged = printed.filter((l) => l.core >= 0);
  if (tagged.length < 6) return `${tagged.length} console lines tagged with a core`;
  for (const l of tagged) {
    const name = l.core === 0 ? 'main' : 'core1';
    const ins = runningOf(blink, l.core, name).filter((s) => s.ts <= l.t + 1 && l.t - s.ts <= 3000);
    if (!ins.length) return `'${l.text}' at ${l.t} us: ${name} did not switch in on core ${l.core} in the 3 ms before`;
  }
  const main = runningOf(blink, 0, 'main').filter((s) => !s.args.open_at_end);
  const mainLines = printed.filter((l) => /main Thread|Red LED/.test(l.text)).length;
  if (main.length !== mainLines) return `main ran ${main.length} times, printed ${mainLines} lines`;
  return pass(`${tagged.length} tagged lines; main ran ${main.length} times and printed ${mainLines} lines`);
});

check('blink2_locks', () => {
  const locks = blink.slices.filter((e) => e.cat === 'lock');
  const printed = blink.lines.filter((l) => l.kind === 'usb' || l.kind.startsWith('uart'));
  if (locks.length !== printed.length) return `${locks.length} lock holds for ${printed.length} lines (each line under the lock)`;
  const by = { main: 0, core1: 0 };
  const sorted = locks.slice().sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (!(e.name in by)) return `a hold by '${e.name}'`;
    by[e.name]++;
    if (e.args.core !== (e.name === 'main' ? 0 : 1)) return `${e.name} held it on core ${e.args.core}`;
    if (i && e.ts < sorted[i - 1].ts + sorted[i - 1].dur) return `two holds overlap at ${e.ts} us`;
    if (!runningOf(blink, e.args.core, e.name).some((s) => within(e.ts, s) && within(e.ts + e.dur, s))) return `${e.name}'s hold at ${e.ts} us outside its running slice`;
  }
  return pass(`${locks.length} holds: main ${by.main}, core1 ${by.core1}, never two at once`);
});

/* docs/trace.md, "The trace of blink2": each figure it quotes of `make run`'s
 * trace, as the phrase the document has, against this run (8 s, as make run;
 * averages rounded as the document gives them). A figure one off must fail. */
function blinkDocPhrases(tr) {
  const x = (cat, name, pid) => tr.slices.filter((e) => e.cat === cat && (name === undefined || e.name === name) && (pid === undefined || e.pid === pid));
  const mean = (l) => l.reduce((a, e) => a + e.dur, 0) / l.length;
  const sum = (l) => l.reduce((a, e) => a + e.dur, 0);
  const ticks = [0, 1].map((pid) => x('irq', 'tick', pid));
  const usb = x('exception', 'USBCTRL_IRQ', 0).sort((a, b) => a.ts - b.ts);
  const mainRun = runningOf(tr, 0, 'main'), core1Run = runningOf(tr, 1, 'core1');
  const mainReady = threadSlices(tr, 0).filter((e) => e.args.state === 'ready' && tr.names.get(`0:${e.tid}`) === 'main');
  const holds = x('lock');
  if (ticks[0].length !== ticks[1].length) return { why: `ticks: ${ticks[0].length} on core 0, ${ticks[1].length} on core 1` };
  return { phrases: [
    `gives a ${(tr.size / 1e6).toFixed(1)} MB file from ${tr.j.otherData.events} kernel events and ${x('exception').length} exceptions`,
    `${ticks[0].length} ticks (about ${Math.round(mean(ticks.flat()))} µs each)`,
    `\`SysTick\` (${mean(x('exception', 'SysTick')).toFixed(1)} µs from entry to return`,
    `the \`PendSV\`s that switch threads (${x('exception', 'PendSV', 0).length} on core 0, ${x('exception', 'PendSV', 1).length} on core 1)`,
    `${usb.length} \`USBCTRL_IRQ\`s (${Math.round(mean(usb))} µs on average, the first at ${(usb[0].ts / 1000).toFixed(1)} ms`,
    `\`main\` runs ${mainRun.length} times in ${BLINK_MS / 1000} s, ${Math.round(mean(mainRun))} µs each (${Math.round(sum(mainRun))} µs in all)`,
    `a \`ready\` slice of about ${Math.round(mean(mainReady))} µs`,
    `\`core1\` runs ${core1Run.length} times`,
    `${holds.length} holds of about ${Math.round(mean(holds))} µs`,
  ] };
}
function docMissing(text, phrases) {
  const flat = text.replace(/\s+/g, ' ');
  return phrases.filter((p) => !flat.includes(p));
}
check('blink2_doc_figures', () => {
  const { phrases, why } = blinkDocPhrases(blink);
  if (why) return why;
  const doc = fs.readFileSync(path.join(root, 'docs', 'trace.md'), 'utf8');
  const missing = docMissing(doc, phrases);
  if (missing.length) return `docs/trace.md does not say what this run gives: ${missing.map((p) => `"${p}"`).join('; ')}`;
  // the check itself: the document with the first figure one more is refused
  const stale = phrases[0].replace(/\d+/, (d) => String(Number(d) + 1));
  if (docMissing(doc.replace(/\s+/g, ' ').replace(phrases[0], stale), phrases).length !== 1) return `a stale figure ("${stale}") was not caught`;
  return pass(`${phrases.length} phrases of docs/trace.md as this run gives them`);
});

// ---- TRACE=ring: the RAM ring a board build writes -------------------------------------------
const RING_N = 256, RING_EV = 16;

/** Run a TRACE=ring image for ms in the emulator with its kernel trace attached:
 * {sim, kt, r, rings (the symbol), costs (cycles per td__trace_put call, if asked)}. */
function ringRun(elf, ms, measure) {
  const { Simulator } = require(path.join(root, 'sim', 'lib', 'simulator'));
  const ktrace = require(path.join(root, 'sim', 'lib', 'ktrace'));
  const { hooksOf, GO } = require(path.join(root, 'sim', 'lib', 'hooks'));
  const sim = new Simulator({});
  sim.loadFile(elf);
  const kt = ktrace.attach(sim, elf);
  const put = sim.symbols.get('td__trace_put');
  const rings = sim.symbols.get('td__trace_rings');
  if (!put || !rings) return { error: `${path.basename(elf)}: no td__trace_put / td__trace_rings in the ring build` };
  // the cost of one event: cycles from td__trace_put's first instruction to its return
  const costs = [];
  if (measure) {
    const open = [null, null];
    const hooks = hooksOf(sim);
    const back = new Set();
    hooks.add(put.value & ~1, (c) => {
      open[c.index] = { cycles: c.cycles, ret: c.registers[14] & ~1 };
      if (!back.has(open[c.index].ret)) {
        const ret = open[c.index].ret;
        back.add(ret);
        hooks.add(ret, (c2) => { const o = open[c2.index]; if (o && o.ret === ret) { costs.push(c2.cycles - o.cycles); open[c2.index] = null; } return GO; });
      }
      return GO;
    });
  }
  const r = sim.run({ maxMs: ms });
  if (r.reason !== 'bound') return { error: `${path.basename(elf)}: run ended: ${JSON.stringify(r)}` };
  return { sim, kt, rings, costs, endNs: ms * 1e6 };
}

/** Each core's ring of a run against the events the emulator saw: the last min(head, 256) of
 * them equal (kind, words, number), cycles never going back. {ring: [[events of core 0], [..1]],
 * note} or a string saying what differs. minHead: fewer events written on a core is a failure. */
function ringCompare(run, minHead) {
  const word = (a) => run.sim.busRead(run.sim.cores[0], a, 4) >>> 0;
  const notes = [], ring = [];
  for (const core of [0, 1]) {
    const base = run.rings.value + core * (4 + RING_N * RING_EV);
    const head = word(base);
    const seen = run.kt.events.filter((e) => e.core === core);
    // the run may stop between a trace point's label and its write
    if (!(seen.length === head || seen.length === head + 1)) return `core ${core}: ring head ${head}, the emulator saw ${seen.length} events`;
    if (head < minHead) return `core ${core}: only ${head} events`;
    let prev = null;
    const mine = [];
    for (let n = Math.max(0, head - RING_N); n < head; n++) {
      const a = base + 4 + (n % RING_N) * RING_EV;
      const ev = { cycles: word(a), kind: word(a + 4) & 0xffff, seq: word(a + 4) >>> 16, a: word(a + 8), b: word(a + 12) };
      const s = seen[n];
      if (ev.kind !== s.kind || ev.a !== s.a || ev.b !== s.b || ev.seq !== (n & 0xffff)) return `core ${core} event ${n}: ring ${JSON.stringify(ev)}, emulator ${JSON.stringify(s)}`;
      if (prev !== null && ((ev.cycles - prev) >>> 0) > 0x7fffffff) return `core ${core} event ${n}: cycles go back`;
      prev = ev.cycles;
      mine.push({ ...ev, t: s.t });
    }
    ring.push(mine);
    notes.push(`core ${core}: last ${mine.length} of ${head}`);
  }
  return { ring, note: `${notes.join(', ')} events equal (kind, words, number)` };
}

let ringResult = null;
check('ring_matches', () => ringCheck().match);
check('ring_cost', () => ringCheck().cost);

function ringCheck() {
  if (ringResult) return ringResult;
  ringResult = { match: 'not run', cost: 'not run' };
  const run = ringRun(path.join(ringDir, 'blink2.elf'), 3000, true);
  if (run.error) { ringResult.match = ringResult.cost = run.error; return ringResult; }
  const cmp = ringCompare(run, RING_N);
  ringResult.match = typeof cmp === 'string' ? cmp : pass(cmp.note);
  const costs = run.costs;
  if (costs.length < 100) ringResult.cost = `${costs.length} calls measured`;
  else {
    const mean = costs.reduce((a, b) => a + b, 0) / costs.length;
    const min = Math.min(...costs), max = Math.max(...costs);
    // docs/trace.md quotes this measurement: as this run gives it
    const said = `${costs.length} events of blink2): ${Math.round(mean)} cycles on average, ${min} at the least, ${max} at the most`;
    const doc = docMissing(fs.readFileSync(path.join(root, 'docs', 'trace.md'), 'utf8'), [said]).length ? `docs/trace.md does not say "${said}"` : null;
    ringResult.cost = !(min > 10 && max < 200) ? `implausible cost per event: min ${min}, max ${max}`
      : doc || pass(`td__trace_put: ${mean.toFixed(1)} cycles per event (min ${min}, max ${max}, ${costs.length} events, from the call to its return; the masking of interrupts around the call not counted)`);
  }
  return ringResult;
}

check('ring_devices', () => {
  // tests/trace/devices.c (console on UART and USB, DMA copies on both cores): the rings equal what
  // the emulator saw; every run of a driver's handler is an entry and an exit (kind 4/5, a 3, b its
  // interrupt number) inside the emulator's own exception of that number on that core, and every
  // exception of those numbers has one; each core's ring itself holds its drivers' handlers
  const ktrace = require(path.join(root, 'sim', 'lib', 'ktrace'));
  const K = ktrace.K;
  const run = ringRun(path.join(ringDir, '..', 'trace-fw', 'trace-devices.elf'), 200, false);
  if (run.error) return run.error;
  const cmp = ringCompare(run, 1);
  if (typeof cmp === 'string') return cmp;
  const model = run.kt.model(run.endNs);
  const want = { 0: ['USBCTRL_IRQ', 'UART0_IRQ', 'DMA_IRQ_0'], 1: ['DMA_IRQ_1'] };
  const notes = [];
  for (const core of [0, 1]) {
    const runs = [], stack = [];
    for (const e of run.kt.events) {
      if (e.core !== core || (e.kind !== K.IRQ_ENTER && e.kind !== K.IRQ_EXIT) || e.a !== ktrace.IRQ_DEVICE) continue;
      if (e.kind === K.IRQ_ENTER) { stack.push(e); continue; }
      const o = stack.pop();
      if (!o || o.b !== e.b) return `core ${core}: the exit of ${ktrace.excName(16 + e.b)}'s handler at ${e.t} ns without its entry`;
      runs.push({ n: 16 + e.b, t0: o.t, t1: e.t });
    }
    if (stack.length > 1) return `core ${core}: ${stack.length} handlers entered and not left`;
    const exc = model.exceptions[core];
    const by = {};
    for (const h of runs) {
      const name = ktrace.excName(h.n);
      if (!exc.some((x) => x.n === h.n && x.t0 <= h.t0 && h.t1 <= x.t1)) return `core ${core}: ${name}'s handler ran at ${h.t0}..${h.t1} ns, outside every ${name} exception`;
      by[name] = (by[name] || 0) + 1;
    }
    const counted = {};
    for (const x of exc) { const name = ktrace.excName(x.n); if (name in by || want[core].includes(name)) counted[name] = (counted[name] || 0) + 1; }
    for (const name of want[core]) {
      if (!by[name]) return `core ${core}: no run of ${name}'s handler in the trace`;
      // an exception still open at the end of the run has its entry only
      const open = stack.length && ktrace.excName(16 + stack[0].b) === name ? 1 : 0;
      if (by[name] + open !== counted[name]) return `core ${core}: ${by[name]} runs of ${name}'s handler traced, the emulator took ${counted[name]}`;
      const inRing = cmp.ring[core].filter((e) => e.kind === K.IRQ_ENTER && e.a === ktrace.IRQ_DEVICE && ktrace.excName(16 + e.b) === name).length;
      if (!inRing) return `core ${core}: no entry of ${name}'s handler among the ring's last ${cmp.ring[core].length} events`;
    }
    notes.push(`core ${core}: ` + want[core].map((n) => `${n} ${by[n]}`).join(', '));
  }
  return pass(`${cmp.note}; handlers traced as often as the emulator took their exceptions, each inside one: ${notes.join('; ')}`);
});

// ---- the ring read from GDB: 'tandem trace' (tools/gdb/tandem.py) on the ring build -------------
/** GDB on a ring build in the emulator: the commands 'stop' (to a stop), then the rings' heads
 * ("@@head=H0 H1") and 'tandem trace 256'. {out, dir, why: [reasons a step ended early]}. */
function ringGdb(elf, name, stop) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  // The emulator and GDB each wait on the other in turn; each is bounded by its
  // CPU time (GDB_RUN_LIMITS), so whichever of them computes without end is ended, and the other
  // then sees the connection close and ends too. The wall clock only ends a pair that both wait
  // (a fault in the protocol), far away: a loaded machine stretches the rest (docs/testing.md).
  const L = GDB_RUN_LIMITS;
  const script = `
set -u
ulimit -S -c 0    # a GDB that aborts when the emulator goes leaves no core file in the tree
# cpu N CMD...: CMD with a CPU time limit of N s (never above the hard limit), in place of this (sub)shell
cpu() { n=$1; shift; h=$(ulimit -H -t); [ "$h" = unlimited ] || [ "$h" -gt "$n" ] || n=$h; ulimit -S -t "$n" && exec "$@"; }
ended() { case $2 in 0) ;; 152) echo "@@why $1 used its CPU time limit of $3 s" ;; 124|137) echo "@@why $1 did not end within ${L.wallS} s of wall clock" ;; *) echo "@@why $1 ended with status $2" ;; esac; }
# emptied here, before the start: the background shell's own redirection may come after the first
# look below (a loaded machine), which would then read the port of an earlier run's sim.err
: >"${dir}/sim.out"; : >"${dir}/sim.err"
cpu ${L.simCpu} "${SIM}" "${elf}" --gdb 0 --max-ms 5000 >"${dir}/sim.out" 2>"${dir}/sim.err" &
spid=$!
port=
# until it listens: it computes meanwhile (its CPU limit ends a start that never comes). The port
# is read from the whole announcement (the ';' after it), never from a line still being written.
while kill -0 $spid 2>/dev/null; do
  port=$(sed -n 's/.*listening on 127\\.0\\.0\\.1:\\([0-9][0-9]*\\);.*/\\1/p' "${dir}/sim.err" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ]; then wait $spid; ended tandem-sim $? ${L.simCpu}; echo "no port: $(cat "${dir}/sim.err")"; exit 1; fi
cat >"${dir}/ring.gdb" <<EOG
source tools/gdb/tandem.py
# an answer to a packet may come seconds late on a loaded machine: 60 s of wall clock, not 2
set remotetimeout 60
target remote localhost:$port
${stop}
python print("@@head=%d %d" % (int(gdb.parse_and_eval("td__trace_rings[0].head")), int(gdb.parse_and_eval("td__trace_rings[1].head"))))
tandem trace 256
kill
EOG
( cpu ${L.gdbCpu} timeout --kill-after=5 ${L.wallS} "${process.env.GDB || 'gdb-multiarch'}" --batch -nx -q -x "${dir}/ring.gdb" "${elf}" 2>&1 )
ended gdb $? ${L.gdbCpu}
# GDB has ended: the emulator has nothing more to do for the checks; a few seconds to end by itself
for i in $(seq 1 50); do kill -0 $spid 2>/dev/null || break; sleep 0.1; done
kill $spid 2>/dev/null
wait $spid
st=$?; [ $st -eq 152 ] && ended tandem-sim $st ${L.simCpu}
exit 0`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: (L.wallS + 60) * 1000, killSignal: 'SIGKILL', cwd: root });
  const out = r.stdout || '';
  fs.writeFileSync(path.join(dir, 'gdb.log'), out + (r.stderr || ''));
  const why = [...out.matchAll(/^@@why (.*)$/gm)].map((m) => m[1]).concat(r.error ? [`the GDB step: ${r.error.code === 'ETIMEDOUT' ? `no end within ${L.wallS + 60} s of wall clock` : r.error.message}`] : []);
  return { out, dir, why };
}

check('ring_gdb', () => {
  // stop at the sixth switch event written (td__trace_put's first instruction, kind 1 in r0), then
  // read both rings
  const { out, dir, why } = ringGdb(path.join(ringDir, 'blink2.elf'), 'ring-gdb',
    'break *td__trace_put if \\$r0 == 1\nignore 1 5\ncontinue\ndelete');
  const hm = /@@head=(\d+) (\d+)/.exec(out);
  if (!hm) return `GDB did not stop in the ring build${why.length ? ` (${why.join('; ')})` : ''} (see ${dir}/gdb.log): ${out.trim().split('\n').slice(-4).join(' | ')}`;
  const notes = [];
  let switches = 0;
  for (const core of [0, 1]) {
    const head = Number(hm[1 + core]);
    const m = new RegExp(`^core ${core}: (\\d+) events written, the last (\\d+) \\(ring of 256\\):`, 'm').exec(out);
    if (!m) return `no 'core ${core}' block in 'tandem trace' (see ${dir}/gdb.log)`;
    if (Number(m[1]) !== head) return `core ${core}: tandem trace says ${m[1]} events, td__trace_rings[${core}].head is ${head}`;
    const block = out.slice(m.index).split('\n').slice(2, 2 + Number(m[2]));
    const seqs = block.map((l) => /^\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)/.exec(l));
    if (seqs.length !== Math.min(256, head) || seqs.some((x) => !x)) return `core ${core}: ${seqs.length} event lines, unreadable:\n${block.join('\n')}`;
    for (let i = 0; i < seqs.length; i++) {
      if (Number(seqs[i][1]) !== ((head - seqs.length + i) & 0xffff)) return `core ${core}: event ${i} has seq ${seqs[i][1]}`;
      if (/^kind /.test(seqs[i][3])) return `core ${core}: unknown kind in '${block[i]}'`;
      if (seqs[i][3] === 'switch') {
        if (!['main', 'core1', 'idle'].includes(seqs[i][5])) return `core ${core}: a switch to '${seqs[i][5]}', not a thread of blink2`;
        switches++;
      }
    }
    notes.push(`core ${core}: ${head} events, last ${seqs.length} with consecutive numbers`);
  }
  if (!switches) return `no thread switch among the events read:\n${out}`;
  return pass(`${notes.join('; ')}; ${switches} switches named by thread`);
});

check('ring_gdb_devices', () => {
  // tests/trace/devices.c stopped at the third exit of the UART's handler (td_trace_irq_exit with
  // r0 20, UART0_IRQ): 'tandem trace' names the drivers' handlers by their interrupts
  const { out, dir, why } = ringGdb(path.join(ringDir, '..', 'trace-fw', 'trace-devices.elf'), 'ring-gdb-devices',
    'break *td_trace_irq_exit if \\$r0 == 20\nignore 1 2\ncontinue\ndelete');
  if (/exited with code/.test(out)) return `the program ran to its end without reaching the stop (see ${dir}/gdb.log)`;
  if (!/@@head=\d+ \d+/.test(out)) return `GDB did not stop in the ring build${why.length ? ` (${why.join('; ')})` : ''} (see ${dir}/gdb.log): ${out.trim().split('\n').slice(-4).join(' | ')}`;
  const want = { 0: ['USBCTRL_IRQ', 'UART0_IRQ', 'DMA_IRQ_0'], 1: ['DMA_IRQ_1'] };
  const notes = [];
  for (const core of [0, 1]) {
    const m = new RegExp(`^core ${core}: (\\d+) events written, the last (\\d+) \\(ring of 256\\):`, 'm').exec(out);
    if (!m) return `no 'core ${core}' block in 'tandem trace' (see ${dir}/gdb.log)`;
    const block = out.slice(m.index).split('\n').slice(2, 2 + Number(m[2]));
    const dev = block.map((l) => /^\s+\d+\s+\d+\s+(irq-enter|irq-exit)\s+device\s+(\S+)\s*$/.exec(l)).filter(Boolean);
    for (const name of want[core]) {
      const enters = dev.filter((x) => x[1] === 'irq-enter' && x[2] === name).length;
      if (!enters) return `core ${core}: no 'irq-enter device ${name}' line among the last ${block.length} events (see ${dir}/gdb.log)`;
      notes.push(`core ${core} ${name} ${enters}`);
    }
    const other = block.find((l) => /\sdevice\s+irq \d+/.test(l));
    if (other) return `core ${core}: a device handler not named: '${other.trim()}'`;
  }
  return pass(`handlers entered, named by interrupt: ${notes.join(', ')}`);
});

if (!listing) {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
