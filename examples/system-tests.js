#!/usr/bin/env node
/*
 * System tests of the examples: each example runs in tandem-sim and its
 * console lines (with core and time tags) and GPIO edges (from the VCD) are
 * checked against what the program promises.
 *
 *   node examples/system-tests.js BUILD_DIR [EXAMPLE...]
 *   node examples/system-tests.js --list [EXAMPLE...]
 *
 * Prints "TEST name", then "PASS name" or "FAIL name: reason" per check, and
 * "N passed, M failed" at the end. --list prints only the checks' names:
 * the same code runs without the emulator, every check skipped, so the list
 * is what a run reports. (No check may depend on another's outcome to
 * exist: a check whose input is missing fails instead.) An example whose
 * code throws outside its checks fails every check it did not reach.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { spawnLimited, ended } = require('../sim/lib/cpu-limit');

const listing = process.argv[2] === '--list';
const build = listing ? null : process.argv[2] || 'build';
const only = process.argv.slice(3);
const sim = path.join(__dirname, '..', 'sim', 'tandem-sim');
/* One emulator run is a fixed amount of computing (the longest, counter_race's
 * 6 s of emulated time, about 20 s of CPU): it is bounded by its CPU time
 * (sim/lib/cpu-limit.js), which a loaded machine does not stretch; a bound
 * of 180 s of wall clock ended runs that had all they needed on machines
 * loaded to 20. The wall clock only backstops a run that waits without
 * computing, which tandem-sim never should. */
const RUN_LIMITS = { cpu: 240, wallMs: 30 * 60 * 1000 };

/* Run an example; returns { code, lines: [{t, uart, core, text}], edges: {pin: [{t, v}]} }.
 * The checks below use the UART build of each example (build/examples-uart):
 * its lines carry the exact time and core of their writing. The examples as
 * users get them (USB console) are run by the checks at the end. A run must
 * end with exit status `ends` (123: it reached its bound of ms, as a program
 * that runs forever does), else every check of the example fails: a run
 * cut short (a lockup, a fault stop, an early exit) may have printed all
 * the lines and edges a check looks for. null: the caller checks it. A
 * fault report fails them too (faultFree). */
function run(name, ms, extra = [], dir = 'examples-uart', ends = 123) {
  if (listing) return { code: null, stderr: '', out: [], lines: [], gpio: [], edges: {} };
  const elf = path.join(build, dir, name + '.elf');
  const vcd = path.join(build, dir, name + '.vcd');
  const r = spawnLimited(sim, [elf, '--max-ms', String(ms), '--vcd', vcd, ...extra],
    { encoding: 'utf8', maxBuffer: 64 << 20, ...RUN_LIMITS });
  const why = ended(r, RUN_LIMITS);
  if (why) throw new Error(`tandem-sim ${name}: ${why} (${ms} ms of emulated time)`);
  if (ends !== null && r.status !== ends) {
    throw new Error(`tandem-sim ${name}: exit status ${r.status}, not ${ends} (${ends === 123 ? `the bound of ${ms} ms` : 'its end'}): ${(r.stderr || '').trim()}`);
  }
  const lines = [], gpio = [];
  const json = extra.includes('--json') ? readJson(extra[extra.indexOf('--json') + 1]) : null;
  for (const l of (r.stdout || '').split('\n')) {
    const g = /^\[\s*([\d.]+) s\] gpio(\d+) (c[01*]|--)\| /.exec(l);   // --gpio-log lines
    if (g) gpio.push({ t: +g[1], pin: +g[2], core: { c0: 0, c1: 1 }[g[3]] ?? -1 });
    // core: 0, 1, or -2 when both cores wrote bytes of the line (the buffered
    // console: one core's writer and the other's UART interrupt), -1 neither
    const m = /^\[\s*([\d.]+) s\] (?:uart(\d)|usb  ) (c[01*]|--)\| (.*)$/.exec(l);
    if (m) lines.push({ t: +m[1], uart: m[2] === undefined ? 'usb' : +m[2], core: { c0: 0, c1: 1, 'c*': -2 }[m[3]] ?? -1, text: m[4] });
  }
  faultFree(name, lines);
  return { code: r.status, stderr: r.stderr, out: (r.stdout || '').split('\n'), lines, gpio, edges: readVcd(vcd), json };
}

/* A fault report in the console of any example but fault_demo fails every
 * check of that example: a core halted by a fault leaves the run going to
 * its bound, the other core printing on. */
function faultFree(name, lines) {
  const f = name === 'fault_demo' ? null : lines.find((l) => l.text.startsWith('*** FAULT'));
  if (f) throw new Error(`${name}: a fault was reported at ${f.t} s: ${f.text}`);
}

function readJson(file) {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { return null; }
}

function readVcd(file) {
  const edges = {};
  if (!fs.existsSync(file)) return edges;
  const ids = {};
  let t = 0;
  for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
    let m;
    if ((m = /^\$var wire 1 (\S+) gpio(\d+) \$end/.exec(l))) ids[m[1]] = +m[2];
    else if ((m = /^#(\d+)/.exec(l))) t = +m[1] / 1e9;
    else if ((m = /^([01])(\S+)$/.exec(l)) && ids[m[2]] !== undefined) {
      const pin = ids[m[2]];
      (edges[pin] = edges[pin] || []).push({ t, v: +m[1] });
    }
  }
  return edges;
}

/*
 * The figures a README quotes as printed output. Each indented block of
 * quoted output in an example's README.md and in README.md carries a marker
 * right above it:
 *   <!-- printed: NAME -->              every line as NAME's run prints it
 *   <!-- printed: NAME, within P% -->   the same text, every figure within
 *                                       P % of a line NAME's run printed
 * NAME is the example whose run the suite checks it against (its check,
 * NAME_readme_figures, is in that example's checks). A line "..." stands
 * for lines left out; in README.md's quoted `make run` only the tagged lines
 * ("[ time s] ...") are the program's, the rest make's. A block of commands
 * (its first line `make ...` or `sim/...`) needs no marker, nor does a
 * GDB session marked <!-- gdb session: SCRIPT --> (the gdb suite holds it to
 * what GDB prints running SCRIPT: tests/gdb/run.js); any other
 * indented block without one fails the check of every example. The
 * quoted lines are compared with the run's lines' text, or for a quote of
 * tagged lines with the emulator's whole output lines.
 */
const ROOT = path.join(__dirname, '..');
function quotedBlocks(file) {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks = [];
  let fenced = false;
  for (let i = 0; i < text.length; i++) {
    if (/^\s*```/.test(text[i])) fenced = !fenced;
    if (fenced || !/^    \S/.test(text[i]) || (i > 0 && text[i - 1].trim() !== '' && !/^<!--.*-->$/.test(text[i - 1].trim()))) continue;
    const b = { file, line: i + 1, lines: [] };
    let j = i;
    for (; j < text.length && /^    /.test(text[j]); j++) b.lines.push({ n: j + 1, text: text[j].slice(4) });
    let k = i - 1;
    while (k >= 0 && text[k].trim() === '') k--;
    const m = k >= 0 ? /^<!-- printed: ([a-z0-9_]+)(?:, within ([\d.]+)%)? -->$/.exec(text[k].trim()) : null;
    if (m) { b.name = m[1]; b.tol = m[2] === undefined ? 0 : Number(m[2]); }
    b.gdb = k >= 0 && /^<!-- gdb session: \S+ -->$/.test(text[k].trim());
    b.commands = /^(make |sim\/)/.test(b.lines[0].text) && !/^make [\w-]+: /.test(b.lines[0].text);
    blocks.push(b);
    i = j - 1;
  }
  return blocks;
}
/* README.md's example table: in each row the code spans of "what it prints"
 * with a figure in them, each a piece of a line the row's example prints
 * (a span with "..." leaves a part out and is not checked). */
function tableBlocks(file) {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks = [];
  text.forEach((t, i) => {
    const m = /^\| `([a-z0-9_]+)` \|[^|]*\|(.*)\|\s*$/.exec(t);
    if (!m) return;
    const spans = [...m[2].matchAll(/`([^`]+)`/g)].map((x) => x[1]).filter((x) => /\d/.test(x) && !x.includes('...') && !/\b[A-Z]\b/.test(x));
    if (spans.length) blocks.push({ file, line: i + 1, name: m[1], tol: 0, piece: true, lines: spans.map((x) => ({ n: i + 1, text: x })) });
  });
  return blocks;
}
function readmeFiles() {
  const ex = fs.readdirSync(path.join(ROOT, 'examples')).filter((d) => fs.existsSync(path.join(ROOT, 'examples', d, 'README.md')))
    .map((d) => `examples/${d}/README.md`);
  return ['README.md', ...ex.sort()];
}
/* Whether `part` is in `line` with no digit right before or after it (a figure whole). */
function piece(line, part) {
  for (let i = line.indexOf(part); i >= 0; i = line.indexOf(part, i + 1)) {
    if (!/\d/.test(line[i - 1] || '') && !/\d/.test(line[i + part.length] || '')) return true;
  }
  return false;
}
const template = (s) => s.replace(/-?\d+(\.\d+)?/g, '#');
const figures = (s) => (s.match(/-?\d+(\.\d+)?/g) || []).map(Number);
/* Problems of the blocks marked for `name` against what its run printed. */
function readmeProblems(name, printed, blocks) {
  const problems = [];
  for (const b of blocks) {
    if (b.commands || b.gdb) continue;
    if (!b.name) { problems.push(`${b.file}:${b.line}: a quoted block without a <!-- printed: NAME --> marker`); continue; }
    if (!README_CHECKED.includes(b.name)) { problems.push(`${b.file}:${b.line}: '${b.name}' has no NAME_readme_figures check`); continue; }
    if (b.name !== name) continue;
    const tagged = b.lines.some((l) => /^\[\s*[\d.]+ s\] /.test(l.text));
    const pool = tagged ? printed.out : printed.texts;
    for (const l of b.lines) {
      if (l.text.trim() === '...' || (tagged && !/^\[\s*[\d.]+ s\] /.test(l.text))) continue;
      if (pool.includes(l.text)) continue;
      if (b.piece && pool.some((p) => piece(p, l.text))) continue;
      const same = pool.filter((p) => template(p) === template(l.text));
      const want = figures(l.text);
      const close = (p) => figures(p).every((v, i) => Math.abs(v - want[i]) <= (b.tol / 100) * Math.max(Math.abs(v), 1e-9));
      if (b.tol > 0 && same.some(close)) continue;
      problems.push(`${b.file}:${l.n}: "${l.text}" is not printed${b.tol ? ` (figures within ${b.tol}%)` : ''}; ` +
        (same.length ? `the run printed "${same[0]}"` : 'no printed line has its text'));
    }
  }
  return problems;
}
/* The names readmeCheck is called with below. */
const README_CHECKED = ['messaging', 'fault_demo', 'counter_race', 'launch', 'no_busy_waiting', 'sensors_split',
  'sensors_shared', 'blink2_usb', 'settings', 'protocols', 'motor', 'dashboard'];
/* The check NAME_readme_figures: runs' results (run() or lines as runWith
 * gives them) of `name`. The check itself is tried too: the first figure of
 * the first line it checks, made one more, must fail it naming that line. */
function readmeCheck(name, ...runs) {
  check(`${name}_readme_figures`, () => {
    const printed = { texts: [], out: [] };
    for (const r of runs) {
      printed.texts.push(...r.lines.map((l) => l.text));
      if (r.out) printed.out.push(...r.out);
    }
    const blocks = readmeFiles().flatMap(quotedBlocks).concat(tableBlocks('README.md'));
    if (!blocks.some((b) => b.name === name)) return `no README block is marked <!-- printed: ${name} -->`;
    const p = readmeProblems(name, printed, blocks);
    if (p.length) return `${p.length} problem(s): ${p.slice(0, 4).join('; ')}`;
    const b = blocks.find((x) => x.name === name && x.lines.some((l) => /\d/.test(l.text) && l.text.trim() !== '...'));
    if (!b) return `no quoted line with a figure for ${name}`;
    const tagged = b.lines.some((x) => /^\[/.test(x.text));
    const at = b.lines.findIndex((x) => /\d/.test(x.text) && x.text.trim() !== '...' && (!tagged || /^\[/.test(x.text)));
    const l = b.lines[at], stale = l.text.replace(/\d+/, (d) => String(Number(d) + 1));
    const planted = { ...b, lines: b.lines.map((x, i) => (i === at ? { n: x.n, text: stale } : x)) };
    const q = readmeProblems(name, printed, [planted]);
    if (q.length !== 1 || !q[0].startsWith(`${b.file}:${l.n}: "${stale}"`)) return `a planted stale figure ("${stale}") was not caught: ${q.join('; ')}`;
    return null;
  });
}

let passed = 0, failed = 0;
const reported = new Set();
function check(name, fn) {
  if (listing) { console.log(name); return; }
  console.log(`TEST ${name}`);
  reported.add(name);
  let why;
  try { why = fn(); } catch (e) { why = e.message; }
  if (why) { failed++; console.log(`FAIL ${name}: ${why}`); }
  else { passed++; console.log(`PASS ${name}`); }
}

const near = (a, b, tol) => Math.abs(a - b) <= tol;
/* Intervals between successive edges of a pin (any direction). */
function intervals(edges, pin) {
  const e = (edges[pin] || []).slice(1);     // the first is the initial level
  const out = [];
  for (let i = 1; i < e.length; i++) out.push(e[i].t - e[i - 1].t);
  return out;
}
function allNear(list, want, tol) {
  return list.length > 0 && list.every((x) => near(x, want, tol));
}
const find = (lines, core, text, from = 0) =>
  lines.find((l) => l.core === core && l.text === text && l.t >= from);

const tests = {
  blink2() {
    const r = run('blink2', 11000);
    const c0 = r.lines.filter((l) => l.core === 0).map((l) => l.text);
    const c1 = r.lines.filter((l) => l.core === 1).map((l) => l.text);
    check('blink2_core0_lines', () => {
      const want = ['Enter main Thread', 'Red LED toggling...', 'Exit main Thread'];
      for (let i = 0; i < 9; i++) if (c0[i] !== want[i % 3]) return `core 0 line ${i}: ${c0[i]}`;
    });
    check('blink2_core1_lines', () => {
      const want = ['Enter second Thread', 'Green LED is turned ON',
                    'Green LED is turned OFF', 'Exit second Thread'];
      for (let i = 0; i < 8; i++) if (c1[i] !== want[i % 4]) return `core 1 line ${i}: ${c1[i]}`;
    });
    check('blink2_sleep_outside_lock', () => {
      // Core 1 turns the green LED on at ~1.0 s, while core 0 is between its
      // "Red LED toggling..." (0.15 s) and "Exit main Thread" (1.15 s).
      const on = find(r.lines, 1, 'Green LED is turned ON');
      const tog = find(r.lines, 0, 'Red LED toggling...');
      const exit = find(r.lines, 0, 'Exit main Thread');
      if (!on || !tog || !exit) return 'lines missing';
      if (!(tog.t < on.t && on.t < exit.t)) return `cores took turns: ${tog.t} ${on.t} ${exit.t}`;
    });
    check('blink2_red_rate', () => {
      const iv = intervals(r.edges, 0);
      if (!allNear(iv, 2.15, 0.01)) return `red toggles every ${iv.map((x) => x.toFixed(3))} s, want 2.15`;
    });
    check('blink2_green_rate', () => {
      const e = (r.edges[1] || []).filter((x) => x.v === 1);
      const on = (r.edges[1] || []).slice(1);
      if (e.length < 2) return 'green LED did not turn on twice';
      for (let i = 1; i < on.length; i++) {
        const d = on[i].t - on[i - 1].t;
        const want = on[i - 1].v === 1 ? 2.0 : 3.0;   // on for 2 s, off for 3 s
        if (!near(d, want, 0.01)) return `green ${on[i - 1].v ? 'on' : 'off'} for ${d.toFixed(3)} s, want ${want}`;
      }
    });
  },

  blink_free() {
    const r = run('blink_free', 6200, ['--gpio-log', '0,1']);
    check('blink_free_banner', () =>
      find(r.lines, 0, 'blink_free: red every 1.5 s on core 0, green every 0.5 s on core 1')
        ? null : 'banner line missing');
    check('blink_free_red_rate', () => {
      const iv = intervals(r.edges, 0);
      if (iv.length < 3 || !allNear(iv, 1.5, 0.005)) return `red: ${iv.map((x) => x.toFixed(4))}`;
    });
    check('blink_free_green_rate', () => {
      const iv = intervals(r.edges, 1);
      if (iv.length < 10 || !allNear(iv, 0.5, 0.005)) return `green: ${iv.map((x) => x.toFixed(4))}`;
    });
    check('blink_free_each_core_its_led', () => {
      const after = r.gpio.filter((g) => g.t > 0.1);    // after start-up's pin set-up
      const red = after.filter((g) => g.pin === 0), green = after.filter((g) => g.pin === 1);
      if (red.length < 3 || green.length < 10) return `${red.length} red and ${green.length} green changes logged`;
      if (red.some((g) => g.core !== 0)) return 'the red LED was driven by core 1';
      if (green.some((g) => g.core !== 1)) return 'the green LED was driven by core 0';
    });
  },

  messaging() {
    const r = run('messaging', 4000);
    readmeCheck('messaging', r);
    const c0 = r.lines.filter((l) => l.core === 0);
    const c1 = r.lines.filter((l) => l.core === 1);
    check('messaging_banner', () =>
      find(r.lines, 0, 'messaging: wake-up messages and a data handshake between the cores')
        ? null : 'banner line missing');
    check('messaging_wakeups_alternate', () => {
      // c1 sees the odd numbers, c0 the even ones, each one more than the last line
      const wakes = r.lines.map((l) => ({ l, m: /^c(\d) woken by core (\d): (\d+)$/.exec(l.text) }))
        .filter((x) => x.m);
      if (wakes.length < 10) return `only ${wakes.length} wake-up lines`;
      for (let i = 0; i < wakes.length; i++) {
        const { l, m } = wakes[i];
        const n = +m[3], core = +m[1];
        if (n !== i + 1) return `wake-up line ${i}: number ${n}, want ${i + 1}`;
        if (core !== l.core || core !== (n % 2 === 1 ? 1 : 0) || +m[2] !== 1 - core)
          return `wake-up ${n} printed by core ${l.core}: ${l.text}`;
      }
    });
    check('messaging_handshake_complete', () => {
      const ready = c0.map((l) => ({ l, m: /^c0 data block (\d+) ready \(sum (\d+)\)$/.exec(l.text) }))
        .filter((x) => x.m);
      if (ready.length < 5) return `only ${ready.length} blocks`;
      for (let i = 0; i < ready.length; i++) {
        const n = +ready[i].m[1], sum = ready[i].m[2];
        if (n !== i + 1) return `block ${i + 1} announced as ${n}`;
        const rec = find(r.lines, 1, `c1 data block ${n} received (sum ${sum})`);
        const ack = find(r.lines, 0, `c0 data block ${n} acknowledged`);
        const last = i === ready.length - 1;
        if (!rec || !ack) {
          if (last) continue;          // the run may end inside the last handshake
          return `block ${n}: ${rec ? '' : 'not received with sum ' + sum}${ack ? '' : ' not acknowledged'}`;
        }
        if (!(rec.t >= ready[i].l.t && ack.t >= rec.t)) return `block ${n} out of order`;
      }
      if (c0.some((l) => /no acknowledgement/.test(l.text))) return 'a block was not acknowledged';
    });
    check('messaging_both_cores_talk', () =>
      c1.length >= 10 && c0.length >= 10 ? null : `core 0: ${c0.length} lines, core 1: ${c1.length}`);
  },

  fault_demo() {
    const r = run('fault_demo', 3500);
    readmeCheck('fault_demo', r);
    const c0 = r.lines.filter((l) => l.core === 0);
    /* the report block of core 1 with this head, whole (no other core's line inside) */
    const block = (head) => {
      const a = r.lines.findIndex((l) => l.core === 1 && l.text === head);
      if (a < 0) return { why: `no "${head}"` };
      const b = r.lines.findIndex((l, i) => i > a && l.text === '*** END FAULT core 1');
      if (b < 0) return { why: 'report not ended' };
      if (r.lines.slice(a, b + 1).some((l) => l.core !== 1)) return { why: 'report cut by another line' };
      return { a, b, text: r.lines.slice(a, b + 1).map((l) => l.text) };
    };
    const nul = block('*** FAULT core 1, thread "worker": null pointer');
    const ovf = block('*** FAULT core 1, thread "worker": stack overflow');
    check('fault_demo_null_pointer_report', () => nul.why ||
      (nul.text.includes('    4-byte access at 0x00000000') &&
       nul.text.some((t) => /^ {4}pc 0x1[0-9a-f]{7}  lr 0x1[0-9a-f]{7}  sp 0x2/.test(t)) ? null : 'details missing'));
    check('fault_demo_stack_overflow_report', () => ovf.why ||
      (ovf.text.some((t) => /its guard was hit/.test(t)) &&
       ovf.text.includes('    pc, lr, xpsr lost: the stack was full  sp ' + /sp (0x[0-9a-f]{8})/.exec(ovf.text[1])[1])
        ? null : 'details missing'));
    check('fault_demo_core1_comes_back', () => {
      const starts = r.lines.filter((l) => l.core === 1 && /^core 1: start #\d$/.test(l.text)).map((l) => l.text);
      if (starts.join('|') !== 'core 1: start #1|core 1: start #2|core 1: start #3') return `starts: ${starts.join(', ')}`;
      if (!find(r.lines, 0, '*** core 0: core 1 restarted, restart 2')) return 'no second restart';
    });
    check('fault_demo_core1_resumes_its_work', () => {
      const items = r.lines.filter((l) => l.core === 1 && /^core 1: work item \d+$/.test(l.text))
        .map((l) => +l.text.split(' ')[4]);
      for (let i = 1; i < items.length; i++)
        if (items[i] !== items[i - 1] + 1) return `item ${items[i - 1]} then ${items[i]}`;
      const last = ovf.b !== undefined ? r.lines.slice(ovf.b).filter((l) => /^core 1: work item/.test(l.text)).length : 0;
      if (items.length < 20 || last < 8) return `${items.length} items, ${last} after the second restart`;
    });
    check('fault_demo_core0_keeps_blinking', () => {
      const iv = intervals(r.edges, 0);
      if (iv.length < 10 || !allNear(iv, 0.25, 0.01)) return `red: ${iv.map((x) => x.toFixed(4))}`;
    });
    check('fault_demo_core0_keeps_printing', () => {
      const st = c0.filter((l) => /^core 0: \d+ s, core 1 restarts \d, work items \d+$/.test(l.text));
      if (st.length < 3) return `${st.length} status lines`;
      if (!c0.some((l) => /^core 0: core 1 fault #1 was a null pointer in thread "worker" at pc 0x100[0-9a-f]{5}$/.test(l.text)))
        return 'fault record #1 not printed by core 0';
      if (!c0.some((l) => /^core 0: core 1 fault #2 was a stack overflow in thread "worker", sp 0x2000[0-9a-f]{4}$/.test(l.text)))
        return 'fault record #2 not printed by core 0';
    });
  },
};

/* ---- counter_race, launch, no_busy_waiting, sensors ------------------------------ */

const num = (s) => Number(s);
const grab = (lines, re) => { for (const l of lines) { const m = re.exec(l.text); if (m) return m; } return null; };

Object.assign(tests, {
  counter_race() {
    const r = run('counter_race', 6000, listing ? [] : ['--json', path.join(build, 'examples', 'counter_race.json')], undefined, null);
    readmeCheck('counter_race', r);
    check('counter_race_exit', () => (r.code === 0 ? null : `exit ${r.code}: ${r.stderr.trim()}`));
    check('counter_race_unlocked_loses', () => {
      const m = grab(r.lines, /^without a lock: counter = (\d+), expected (\d+): (\d+) updates lost$/);
      if (!m) return 'no "without a lock" line';
      const [got, want, lost] = [num(m[1]), num(m[2]), num(m[3])];
      if (want !== 2000000) return `expected ${want}`;
      if (lost !== want - got) return `lost ${lost} != ${want} - ${got}`;
      if (!(lost > 0)) return 'no update was lost without the lock';
    });
    check('counter_race_locked_exact', () => {
      const m = grab(r.lines, /^with td_lock: +counter = (\d+), expected (\d+): exact$/);
      if (!m) return 'no exact "with td_lock" line';
      if (num(m[1]) !== 2000000 || num(m[2]) !== 2000000) return m[0];
    });
    check('counter_race_cost', () => {
      const a = grab(r.lines, /^cycles per increment: ([\d.]+) without the lock, ([\d.]+) with it, both cores counting$/);
      const b = grab(r.lines, /^cost of the lock: ([\d.]+) cycles per increment alone on core 0, ([\d.]+) with both cores contending$/);
      if (!a || !b) return 'cycle lines missing';
      const [free, locked, alone, both] = [a[1], a[2], b[1], b[2]].map(num);
      if (!(free > 0 && locked > free && alone > 0 && both > 0)) return `${a[0]} / ${b[0]}`;
      if (Math.abs(both - (locked - free)) > 0.11) return `contended cost ${both} != ${locked} - ${free}`;
      // Against a clock the program does not read: the emulator's time of
      // each line. Each race runs between two lines, so the time between
      // them is the slower core's cycles (the printed figure times the
      // increments, at the emulator's clk_sys) plus at most a launch, a
      // tick's poll and a line's transmission: 0 .. 12 ms more.
      const hz = r.json && r.json.clk_sys_hz;
      if (!(hz > 0)) return 'no clk_sys from the emulator (--json)';
      const at = (re) => (r.lines.find((l) => re.test(l.text)) || {}).t;
      const [t0, t1, t2] = [/^counter_race: /, /^without a lock: /, /^with td_lock: /].map(at);
      if ([t0, t1, t2].some((t) => t === undefined)) return 'race lines missing';
      for (const [what, perInc, dt] of [['without the lock', free, t1 - t0], ['with it', locked, t2 - t1]]) {
        const est = perInc * 1e6 / hz;                 // 1 000 000 increments per core
        if (!(dt >= est && dt <= est + 0.012))
          return `${perInc} cycles per increment ${what} means ${est.toFixed(4)} s, the lines are ${dt.toFixed(4)} s apart`;
      }
    });
  },

  launch() {
    const r = run('launch', 2000, [], undefined, null);
    readmeCheck('launch', r);
    const t = r.lines.map((l) => l.text);
    check('launch_exit', () => (r.code === 0 ? null : `exit ${r.code}: ${r.stderr.trim()}`));
    const want = [
      /^fresh core 1, minimal: core 1 running after [1-9]\d* cycles \(core 0 spent [1-9]\d*\)$/,
      /^ {2}5 words were left unread in core 0's FIFO \(the ROM's 0 and its echoes\): 0x0 0x1 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+$/,
      /^core 1 already running, minimal: core 1 did not start \(no sign of it in 10 ms\)$/,
      /^ {2}the running program got the 4 launch words as stray FIFO data$/,
      /^core 1 already running, robust: core 1 running after [1-9]\d* cycles \(the launch took [1-9]\d*\)$/,
      /^stale word in core 1's FIFO, minimal: core 1 did not start \(no sign of it in 10 ms\)$/,
      /^ {2}core 0 got one word back, a 0: the ROM took the stale word for a bad start/,
      /^stale word in core 1's FIFO, robust: core 1 running after [1-9]\d* cycles/,
      /^core 1: tandem kernel running/,
      /^launch: done$/,
    ];
    check('launch_sequence', () => {
      let i = 0;
      for (const l of t) if (i < want.length && want[i].test(l)) i++;
      return i === want.length ? null : `missing or out of order: ${want[i]}`;
    });
    check('launch_core1_kernel_line_from_core1', () =>
      (r.lines.find((l) => /^core 1: tandem kernel running/.test(l.text) && l.core === 1) ? null : 'not written by core 1'));
    // The robust launch checks every echo: with the ROM's answers corrupted
    // (--core1-garble 8: the fresh minimal launch's five words, then the
    // robust launch's first three after its reset, the first of which it
    // drains), it must start over, so it takes longer than in the clean
    // run, and still start core 1. A launch that ignored wrong echoes would
    // take the clean time. (tests/foundation covers giving up after too
    // many restarts.)
    const g = run('launch', 2000, ['--core1-garble', '8'], undefined, null);
    check('launch_robust_restarts_on_wrong_echoes', () => {
      const re = /^core 1 already running, robust: core 1 running after \d+ cycles \(the launch took (\d+)\)$/;
      const clean = grab(r.lines, re), bad = grab(g.lines, re);
      if (!clean || !bad) return `robust launch line missing: clean ${!!clean}, garbled ${!!bad}`;
      if (!(num(bad[1]) > num(clean[1]))) return `took ${bad[1]} cycles with wrong echoes, ${clean[1]} without: no restart`;
      const left = grab(g.lines, /FIFO \(the ROM's 0 and its echoes\): (.*)$/);
      const cleanLeft = grab(r.lines, /FIFO \(the ROM's 0 and its echoes\): (.*)$/);
      if (!left || !cleanLeft || left[1] === cleanLeft[1]) return 'the garbled run\'s first answers were not corrupted';
      if (!grab(g.lines, /^launch: done$/) || g.code !== 0) return `garbled run: exit ${g.code}`;
    });
    check('launch_echo_words', () => {
      // the echoed words are the vector table, stack and entry core 0 sent
      const m = grab(r.lines, /FIFO \(the ROM's 0 and its echoes\): 0x0 0x1 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+)$/);
      if (!m) return 'line missing';
      const [vtor, sp, entry] = [1, 2, 3].map((k) => parseInt(m[k], 16));
      if (vtor % 256 || vtor < 0x20000000 || sp < 0x20000000 || sp > 0x20042000 || !(entry & 1) || entry < 0x10000000)
        return m[0];
    });
  },

  no_busy_waiting() {
    const r = run('no_busy_waiting', 4000, [], undefined, null);
    readmeCheck('no_busy_waiting', r);
    check('no_busy_waiting_exit', () => (r.code === 0 ? null : `exit ${r.code}: ${r.stderr.trim()}`));
    const rep = (name) => grab(r.lines, new RegExp(`^${name} console: core 1's 5 ms period measured (\\d+) times: (\\d+)\\.\\.(\\d+) us, ` +
      'max jitter (\\d+) us, (\\d+) overruns, (\\d+) ticks lost; core 0 printed (\\d+) lines$'));
    const busy = rep('busy-waiting'), aware = rep('kernel-aware');
    check('no_busy_waiting_reports', () => (busy && aware ? null : 'report lines missing'));
    const [bj, aj] = busy && aware ? [num(busy[4]), num(aware[4])] : [NaN, NaN];
    check('no_busy_waiting_jitter', () => {
      if (!busy || !aware) return 'report lines missing';
      // A busy-waited line at 115200 baud keeps core 1 from its tick for
      // milliseconds; with the buffered console the thread runs on time.
      if (!(bj >= 1000)) return `busy-waiting jitter only ${bj} us`;
      if (!(aj < 100)) return `kernel-aware jitter ${aj} us`;
      for (const m of [busy, aware]) {
        const [n, lo, hi, j] = [1, 2, 3, 4].map((k) => num(m[k]));
        if (!(n > 100) || j !== Math.max(5000 - lo, hi - 5000)) return m[0];
      }
    });
    check('no_busy_waiting_summary', () => {
      const m = grab(r.lines, /^max jitter: (\d+) us busy-waiting, (\d+) us kernel-aware$/);
      return m && num(m[1]) === bj && num(m[2]) === aj ? null : 'summary does not match the reports';
    });
    check('no_busy_waiting_lines_whole', () => {
      if (!busy || !aware) return 'report lines missing';
      // Every line is one of the program's, and core 0's numbered lines run
      // 1..N in each phase, none lost, none cut.
      const known = /^(no_busy_waiting: |core 0: line \d+, the quick brown fox jumps over the lazy dog$|core 1: status \d+, \d+ periods measured, longest \d+ us$|busy-waiting console: |kernel-aware console: |max jitter: )/;
      const bad = r.lines.find((l) => !known.test(l.text));
      if (bad) return `unexpected line: ${bad.text}`;
      const nums = r.lines.map((l) => /^core 0: line (\d+),/.exec(l.text)).filter(Boolean).map((m) => num(m[1]));
      const cut = nums.findIndex((v, i) => i > 0 && v === 1);
      const phases = [nums.slice(0, cut), nums.slice(cut)];
      const counts = [num(busy[7]), num(aware[7])];
      for (let p = 0; p < 2; p++) {
        if (phases[p].length !== counts[p] || phases[p].some((v, i) => v !== i + 1))
          return `phase ${p + 1}: ${phases[p].length} lines, printed count ${counts[p]}`;
      }
    });
  },
});

/* The sensors examples run in-process, so the virtual devices' records of
 * every sample they handed out can be compared with what was printed. */
function runSensors(name, ms) {
  if (listing) return { res: {}, lines: [], mpu: {}, bmp: {}, toggles: [] };
  const { Simulator, MPU6050, BMP280 } = require(path.join(__dirname, '..', 'sim', 'lib'));
  const sim = new Simulator();
  const lines = [];
  sim.on('line', (l) => lines.push({ t: l.time, core: l.core, text: l.text }));
  sim.loadFile(path.join(build, 'examples-uart', name + '.elf'));
  const mpu = sim.i2c[0].attach(0x68, new MPU6050(sim));
  const bmp = sim.i2c[0].attach(0x76, new BMP280(sim));
  const res = sim.run({ maxMs: ms });
  return { res, lines, mpu, bmp, toggles: sim.toggles };
}

const roundDiv = (n, d) => (n >= 0 ? Math.floor((n + Math.floor(d / 2)) / d) : -Math.floor((-n + Math.floor(d / 2)) / d));
const cents = (s) => Math.round(Number(s) * 100);

function sensorChecks(name, mode) {
  const { res, lines, mpu, bmp, toggles } = runSensors(name, 2600);
  readmeCheck(name, { lines });
  const mine = (re) => lines.map((l) => ({ l, m: re.exec(l.text) })).filter((x) => x.m);
  check(`${name}_runs`, () => (res.reason === 'bound' ? null : `stopped: ${JSON.stringify(res)}`));
  check(`${name}_setup`, () => {
    const cal = grab(lines.map((l) => l), /^bmp280 at 0x76: chip id 0x58, calibration (.*)$/);
    if (!cal) return 'no calibration line';
    const want = Object.entries(bmp.cal).map(([k, v]) => `${k}=${v}`).join(' ');
    if (cal[1] !== want) return `calibration read "${cal[1]}", device has "${want}"`;
    if (!grab(lines, /^mpu6050 at 0x68: awake, accel \+-4 g/)) return 'no mpu6050 line';
    if (!grab(lines, new RegExp(`^sensors \\(${mode}\\): I2C0 at \\d+ Hz, SDA GP4, SCL GP5$`))) return 'no banner';
  });
  const motion = mine(/^mpu6050: accel ([+-]\d+) ([+-]\d+) ([+-]\d+) mg, gyro ([+-][\d.]+) ([+-][\d.]+) ([+-][\d.]+) deg\/s, temp ([\d.]+) C, tilt ([+-][\d.]+) deg$/);
  const air = mine(/^bmp280: temp ([\d.]+) C, pressure (\d+)\.(\d\d) Pa, filtered (\d+)\.(\d\d) Pa, altitude ([+-][\d.]+) m$/);
  check(`${name}_mpu6050_values`, () => {
    if (motion.length < 8) return `${motion.length} mpu6050 lines`;
    for (const { l, m } of motion) {
      const printed = [1, 2, 3].map((k) => num(m[k])).concat([4, 5, 6, 7].map((k) => cents(m[k])));
      const hit = mpu.samples.some((s) => {
        if (s.time > l.t || s.time < l.t - 0.05) return false;
        const lsb10 = Math.round(s.gyroLsbPerDps * 10);
        const conv = [s.raw.ax, s.raw.ay, s.raw.az].map((v) => roundDiv(v * 1000, s.accelLsbPerG))
          .concat([s.raw.gx, s.raw.gy, s.raw.gz].map((v) => roundDiv(v * 1000, lsb10)))
          .concat([roundDiv(s.raw.temp * 5, 17) + 3653]);
        return conv.every((v, i) => v === printed[i]);
      });
      if (!hit) return `no sample the device gave matches "${l.text}" at ${l.t}`;
    }
  });
  check(`${name}_tilt`, () => {
    // the default scene tilts the board about X by 10 deg * sin(2 pi t / 10)
    for (const { l, m } of motion) {
      const truth = 10 * Math.sin(2 * Math.PI * l.t / 10);
      if (Math.abs(num(m[8]) - truth) > 0.6) return `tilt ${m[8]} at ${l.t} s, the device was at ${truth.toFixed(2)}`;
    }
  });
  check(`${name}_bmp280_values`, () => {
    if (air.length < 8) return `${air.length} bmp280 lines`;
    for (const { l, m } of air) {
      const [tc, pi, pf] = [cents(m[1]), num(m[2]), num(m[3])];
      const hit = bmp.samples.some((s) => {
        if (s.time > l.t || s.time < l.t - 0.1) return false;
        const q8 = Math.round(s.compensated.pressure * 256);
        return Math.round(s.compensated.temperature * 100) === tc && Math.floor(q8 / 256) === pi &&
          Math.floor((q8 % 256) * 100 / 256) === pf;
      });
      if (!hit) return `no sample the device gave matches "${l.text}" at ${l.t}`;
    }
  });
  check(`${name}_altitude`, () => {
    for (const { l, m } of air) {
      const p = num(m[4]) + num(m[5]) / 100;
      const h = 44330 * (1 - Math.pow(p / 101325, 1 / 5.255));
      if (Math.abs(num(m[6]) - h) > 0.06) return `altitude ${m[6]} m for ${p} Pa, the formula gives ${h.toFixed(3)}`;
      const truth = bmp.samples.filter((s) => s.time <= l.t).pop();
      if (!truth || Math.abs(p - truth.value.pressure) > 5) return `filtered ${p} Pa, the device was at ${truth && truth.value.pressure}`;
    }
  });
  check(`${name}_rates`, () => {
    // every rate line against what the devices counted in the second before it
    const rates = mode === 'one sensor per core'
      ? mine(/^core 0: MPU6050 read (\d+) times\/s \(one sensor per core\)$/).map((x) => ({ ...x, dev: mpu, n: num(x.m[1]) }))
        .concat(mine(/^core 1: BMP280 read (\d+) times\/s \(one sensor per core\)$/).map((x) => ({ ...x, dev: bmp, n: num(x.m[1]) })))
      : mine(/^core 0: MPU6050 read (\d+) times\/s, BMP280 (\d+) times\/s \(both sensors on core 0\)$/)
        .flatMap((x) => [{ ...x, dev: mpu, n: num(x.m[1]) }, { ...x, dev: bmp, n: num(x.m[2]) }]);
    if (rates.length < 4) return `${rates.length} rate figures`;
    for (const { l, dev, n } of rates) {
      const seen = dev.samples.filter((s) => s.time > l.t - 1 && s.time <= l.t).length;
      if (!(n > 0) || Math.abs(seen - n) > Math.max(3, n * 0.03)) return `"${l.text}": the device counted ${seen}`;
    }
  });
  check(`${name}_leds`, () => (toggles[0] >= 8 && toggles[1] >= 8 ? null : `LED toggles: red ${toggles[0]}, green ${toggles[1]}`));
  if (mode === 'both sensors on core 0') {
    check(`${name}_core1_processes`, () => {
      const p = mine(/^core 1: processed (\d+) samples\/s, (\d+) dropped so far$/);
      if (p.length < 2) return 'no processing rate lines';
      if (!motion.concat(air).every(({ l }) => l.core === 1)) return 'readings not printed by core 1';
    });
  } else {
    check(`${name}_each_core_its_sensor`, () =>
      (motion.every(({ l }) => l.core === 0) && air.every(({ l }) => l.core === 1) ? null : 'a reading printed by the other core'));
  }
}

Object.assign(tests, {
  sensors_split() { sensorChecks('sensors_split', 'one sensor per core'); },
  sensors_shared() { sensorChecks('sensors_shared', 'both sensors on core 0'); },
});

/* The README check's rules on made-up lines: a tolerance stated in a
 * marker, a table's piece of a line (a figure whole), a marker missing. */
Object.assign(tests, {
  readme_figures() {
    check('readme_figures_rules', () => {
      const printed = { texts: ['loop: 3290 periods, jitter 5 us'], out: [] };
      const block = (text, tol, piece) => ({ file: 'X.md', line: 1, name: 'motor', tol, piece, lines: [{ n: 2, text }] });
      const bad = (text, tol = 0, piece = false) => readmeProblems('motor', printed, [block(text, tol, piece)]).length;
      if (bad('loop: 3290 periods, jitter 5 us')) return 'an exact line refused';
      if (!bad('loop: 3291 periods, jitter 5 us')) return 'a figure one off passed without a tolerance';
      if (bad('loop: 3400 periods, jitter 5 us', 4)) return '3400 for 3290 refused within 4%';
      if (!bad('loop: 3500 periods, jitter 5 us', 4)) return '3500 for 3290 passed within 4%';
      if (!bad('loop: 3290 periods, jitter 6 us', 4)) return '6 for 5 passed within 4%';
      if (bad('3290 periods, jitter 5', 0, true)) return 'a piece of the line refused';
      if (!bad('290 periods', 0, true)) return 'a figure cut short passed as a piece';
      const unmarked = readmeProblems('motor', printed, [{ ...block('loop: 1', 0), name: undefined }]);
      if (unmarked.length !== 1 || !/without a <!-- printed: NAME --> marker/.test(unmarked[0])) return `an unmarked block: ${unmarked}`;
      if (readmeProblems('motor', printed, [{ ...block('loop: 1', 0), name: undefined, gdb: true }]).length) return 'a GDB session\'s block not left to the gdb suite';
    });
  },
});

/* ---- the examples as users get them: the console over USB ------------------------ */

/* Lines of the USB console, and whether a known core tag contradicts the
 * core the text names (lines the USB interrupt moved carry "--"). */
Object.assign(tests, {
  blink2_usb() {
    const r = run('blink2', 3000, ['--gpio-log', '0=red,1=green'], 'examples');
    readmeCheck('blink2_usb', r);
    const usb = r.lines.filter((l) => l.uart === 'usb');
    const core0 = ['Enter main Thread', 'Red LED toggling...', 'Exit main Thread'];
    const core1 = ['Enter second Thread', 'Green LED is turned ON', 'Green LED is turned OFF', 'Exit second Thread'];
    check('blink2_usb_lines', () => {
      if (r.lines.some((l) => l.uart !== 'usb')) return 'a line came over the UART';
      const c0 = usb.filter((l) => core0.includes(l.text)).map((l) => l.text);
      const c1 = usb.filter((l) => core1.includes(l.text)).map((l) => l.text);
      for (let i = 0; i < 4; i++) if (c0[i] !== core0[i % 3]) return `core 0's line ${i}: ${c0[i]}`;
      if (c1[0] !== core1[0] || c1[1] !== core1[1]) return `core 1's lines: ${c1.join(', ')}`;
      if (usb.some((l) => !core0.includes(l.text) && !core1.includes(l.text))) return 'an unknown line';
    });
    check('blink2_usb_before_open_delivered', () => {
      // written at ~0.4 ms and ~0.9 ms, before the host opened the port
      const first = usb.slice(0, 2).map((l) => l.text).sort().join('|');
      if (first !== 'Enter main Thread|Enter second Thread') return `first lines: ${first}`;
      if (!(usb[0].t > 0.1)) return `delivered at ${usb[0].t} s, before the host could open the port`;
    });
    check('blink2_usb_core_tags', () => {
      const bad = usb.find((l) => (l.core === 0 && core1.includes(l.text)) || (l.core === 1 && core0.includes(l.text)));
      if (bad) return `"${bad.text}" tagged core ${bad.core}`;
      if (!usb.some((l) => l.core === 1)) return 'no line tagged with core 1';
    });
  },

  fault_demo_usb() {
    const r = run('fault_demo', 2500, [], 'examples');
    const usb = r.lines.filter((l) => l.uart === 'usb');
    check('fault_demo_usb_core1_report', () => {
      const a = usb.findIndex((l) => l.text === '*** FAULT core 1, thread "worker": null pointer');
      const b = usb.findIndex((l, i) => i > a && l.text === '*** END FAULT core 1');
      if (a < 0 || b < 0) return 'report missing';
      if (usb.slice(a + 1, b).some((l) => !/^ {4}/.test(l.text))) return 'report cut by another line';
    });
    check('fault_demo_usb_console_goes_on', () => {
      const a = usb.findIndex((l) => /^\*\*\* FAULT core 1/.test(l.text));
      const after = usb.slice(a).filter((l) => /^core 0: \d+ s, core 1 restarts \d, work items \d+$/.test(l.text));
      const work = usb.slice(a).filter((l) => /^core 1: work item \d+$/.test(l.text));
      if (after.length < 1 || work.length < 5) return `${after.length} status lines of core 0, ${work.length} work items of core 1 after the report`;
    });
  },
});

/* ---- settings: the store across runs and power cuts ----------------------------------- */

Object.assign(tests, {
  settings() {
    const os = require('os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-settings-'));
    const file = path.join(dir, 'flash.bin');
    const wrote = (r, key) => r.lines.map((l) => ({ l, m: new RegExp(`^c0 wrote ${key}=(\\d+)(?: \\(the first boot\\))?: (\\d+) us, (?:core 1 parked (\\d+) us in (\\d+) steps?|core 1 not started yet)$`).exec(l.text) }))
      .filter((x) => x.m);
    const a = run('settings', 1300, ['--flash-file', file]);
    check('settings_first_boot', () => {
      const b = wrote(a, 'boot_count');
      if (b.length !== 1 || b[0].m[1] !== '1' || !/the first boot/.test(b[0].l.text)) return `boot count lines: ${b.map((x) => x.l.text)}`;
      if (!find(a.lines, 0, 'settings: store of 4 sectors, 0 keys')) return 'the store did not start empty';
    });
    check('settings_greeting_both_cores', () =>
      find(a.lines, 0, 'c0 read greeting="hello from flash"') && find(a.lines, 1, 'c1 read greeting="hello from flash"')
        ? null : 'a core did not read the greeting');
    const bl = wrote(a, 'blink_ms');
    check('settings_core1_parked_for_each_write', () => {
      if (bl.length < 2) return `${bl.length} blink_ms writes`;
      for (const { l, m } of bl) {
        const [took, parked, steps] = [num(m[2]), num(m[3]), num(m[4])];
        // a page program: 0.4 ms busy plus the transfer, with core 1 parked throughout
        if (!(steps >= 1 && parked >= 400 && parked <= took)) return l.text;
      }
    });
    check('settings_core1_reads_each_value', () => {
      for (const { l, m } of bl) {
        const seen = a.lines.find((x) => x.core === 1 && x.text === `c1 read blink_ms=${m[1]}` && x.t >= l.t - 0.01);
        if (!seen || seen.t - l.t > 0.15) return `core 1 did not read blink_ms=${m[1]} within 0.15 s`;
      }
    });
    const b = run('settings', 500, ['--flash-file', file]);   // its first blink_ms write too (examples/settings/README.md)
    readmeCheck('settings', a, b);
    check('settings_second_boot_keeps_everything', () => {
      const w = wrote(b, 'boot_count');
      if (w.length !== 1 || w[0].m[1] !== '2') return `boot count lines: ${w.map((x) => x.l.text)}`;
      const last = bl[bl.length - 1].m[1];
      if (!find(b.lines, 1, `c1 read blink_ms=${last}`)) return `core 1 did not start from blink_ms=${last}`;
    });
    // power cuts at random instants of the first 30 ms (the store's start, the
    // boot count's write): each boot must read the count the last run that
    // printed its write left, or more by at most one per run since whose
    // write may have been cut (or done, its line lost).
    let count = 2, unsure = 0, cutRuns = 0;
    check('settings_boot_count_survives_power_cuts', () => {
      for (let seed = 1; seed <= 12; seed++) {
        const c = run('settings', 30, ['--flash-file', file, '--power-cut-random', String(seed)], undefined, null);
        if (c.code !== 113 && c.code !== 123) return `run ${seed}: exit ${c.code} ${c.stderr.trim()}`;
        if (c.code === 113) cutRuns++;
        if (c.lines.some((l) => /could not|did not start/.test(l.text))) return `run ${seed}: ${c.lines.map((l) => l.text).join(' | ')}`;
        const w = wrote(c, 'boot_count');
        if (w.length) {
          const n = num(w[0].m[1]);
          if (!(n >= count + 1 && n <= count + 1 + unsure)) return `run ${seed} counted ${n}, after ${count} (+${unsure} unsure)`;
          count = n;
          unsure = 0;
        } else {
          unsure++;                     // its write may have been cut, or never begun
        }
      }
      const d = run('settings', 100, ['--flash-file', file]);
      const w = wrote(d, 'boot_count');
      if (w.length !== 1) return 'the last boot did not count';
      const n = num(w[0].m[1]);
      if (!(n >= count + 1 && n <= count + 1 + unsure)) return `the last boot counted ${n} after ${count} (+${unsure} unsure)`;
      if (cutRuns < 10) return `only ${cutRuns} of 12 runs were cut`;
    });
    fs.rmSync(dir, { recursive: true, force: true });
  },
});

/* ---- the drivers' examples: protocols, motor, dashboard -------------------------------- */

/* What the motor example's user types (ms, text): the set-points, a bad
 * value and an unknown command (refused, nothing changed), the flood with
 * the same set-points, the end. */
const MOTOR_SCRIPT = [
  [10, 'set 1500\n'], [1010, 'set 3000\n'], [2010, 'set 2000\n'], [2500, 'set 9999\nspin\n'],
  [3010, 'flood 3000\nset 1500\n'], [4010, 'set 3000\n'], [5010, 'set 2000\n'], [6300, 'quit\n'],
];

/* Run an example in-process with the devices setup(sim) attaches (its UART
 * build, as run() does; the virtual devices' records are compared with what
 * was printed). With --list nothing runs: the checks only give their names. */
function runWith(name, ms, setup) {
  if (listing) return { res: {}, lines: [], dev: {}, mine: () => [] };
  const { Simulator } = require(path.join(__dirname, '..', 'sim', 'lib'));
  const sim = new Simulator();
  const lines = [];
  sim.on('line', (l) => lines.push({ t: l.time, core: l.core, text: l.text }));
  sim.loadFile(path.join(build, 'examples-uart', name + '.elf'));
  const dev = setup(sim);
  const res = sim.run({ maxMs: ms });
  faultFree(name, lines);
  const mine = (re) => lines.map((l) => ({ l, m: re.exec(l.text) })).filter((x) => x.m);
  return { sim, res, lines, dev, mine };
}

Object.assign(tests, {
  protocols() {
    const { res, lines, dev, mine } = runWith('protocols', 2600, (sim) => {
      const { MPU6050 } = require(path.join(__dirname, '..', 'sim', 'lib'));
      const { BMP280Spi } = require(path.join(__dirname, '..', 'sim', 'lib', 'spi_devices'));
      return {
        mpu: sim.i2c[0].attach(0x68, new MPU6050(sim)),
        bmp: sim.spi[1].attach(13, new BMP280Spi(sim, sim.spi[1])),
      };
    });
    readmeCheck('protocols', { lines });
    check('protocols_runs', () => (res.reason === 'bound' ? null : `stopped: ${JSON.stringify(res)}`));
    check('protocols_setup', () => {
      if (!grab(lines, /^protocols: MPU6050 on I2C0 \(\d+ Hz\) for core 0, BMP280 on SPI1 for core 1$/)) return 'no banner';
      if (!grab(lines, /^bmp280 on SPI1 at \d+ Hz, chip select GP13: calibration T1=27504 P1=36477; its record now belongs to core 1$/)) return 'no BMP280 set-up line';
      if (!grab(lines, /^core 0 using it anyway: TD_ERR_WRONG_CORE$/)) return 'the record was not refused on core 0';
    });
    const motion = mine(/^core 0: mpu6050 on I2C0: accel (-?\d+) (-?\d+) (-?\d+) mg/);
    const air = mine(/^core 1: bmp280 on SPI1: temperature (-?\d+)\.(\d\d) C, pressure (\d+)\.(\d\d) Pa$/);
    check('protocols_each_core_its_bus', () => {
      if (motion.length < 4 || air.length < 4) return `${motion.length} motion and ${air.length} air lines`;
      if (!motion.every(({ l }) => l.core === 0)) return 'an MPU6050 line from core 1';
      if (!air.every(({ l }) => l.core === 1)) return 'a BMP280 line from core 0';
    });
    check('protocols_bmp280_values_from_the_device', () => {
      for (const { l, m } of air) {
        const t = Number(m[1]) * 100 + Math.sign(Number(m[1]) || 1) * Number(m[2]);
        const hit = dev.bmp.samples.some((x) => x.time <= l.t && x.time > l.t - 0.05 &&
          Math.round(x.compensated.temperature * 100) === t && Math.floor(x.compensated.pressure) === Number(m[3]));
        if (!hit) return `"${l.text}" is no reading the BMP280 gave`;
      }
    });
    check('protocols_buses_busy_at_the_same_time', () => {
      // in every 50 ms window after start-up both devices were read
      for (let t = 0.5; t < 2.5; t += 0.05) {
        const i2c = dev.mpu.samples.some((x) => x.time >= t && x.time < t + 0.05);
        const spi = dev.bmp.samples.some((x) => x.time >= t && x.time < t + 0.05);
        if (!i2c || !spi) return `window ${t.toFixed(2)} s: I2C ${i2c}, SPI ${spi}`;
      }
    });
    check('protocols_rates_match_the_devices', () => {
      const r0 = mine(/^core 0: I2C0 MPU6050 (\d+) readings\/s, 0 errors$/);
      const r1 = mine(/^core 1: SPI1 BMP280 (\d+) readings\/s \((\d+) SPI transfers\/s\), 0 errors$/);
      if (r0.length < 2 || r1.length < 2) return `${r0.length} and ${r1.length} rate lines`;
      for (const [list, d] of [[r0, dev.mpu], [r1, dev.bmp]]) {
        for (const { l, m } of list) {
          const seen = d.samples.filter((x) => x.time > l.t - 1 && x.time <= l.t).length;
          if (Math.abs(seen - Number(m[1])) > Math.max(3, Number(m[1]) * 0.03)) return `"${l.text}": the device counted ${seen}`;
        }
      }
      if (!r1.every(({ l, m }) => l.core === 1 && Number(m[2]) === 3 * Number(m[1]))) return 'SPI transfer count';
    });
  },

  motor() {
    const { res, lines, dev: motor, mine } = runWith('motor', 7000, (sim) => {
      const { Motor, parseMotor } = require(path.join(__dirname, '..', 'sim', 'lib', 'motor'));
      for (const [ms, text] of MOTOR_SCRIPT) sim.sendUartInput(0, Buffer.from(text), ms);
      return new Motor(sim, parseMotor('pwm=14,enc=9:8,ppr=256,tacho=0,load=0.001'));
    });
    readmeCheck('motor', { lines });
    check('motor_runs', () => (res.reason === 'bkpt' && res.code === 0 ? null : `stopped: ${JSON.stringify(res)}`));
    check('motor_commands_answered', () => {
      // every command line typed gets its answer, from core 0, in order
      const want = [
        '> set 1500: set-point 1500 rpm', '> set 3000: set-point 3000 rpm', '> set 2000: set-point 2000 rpm',
        '> set 9999: refused: set RPM, a whole number 0..4000; the set-point stays 2000 rpm',
        '> spin: unknown command; commands: set RPM, status, flood MS, report, quit',
        '> flood 3000: core 0 floods the console for 3000 ms', '> set 1500: set-point 1500 rpm',
        '> set 3000: set-point 3000 rpm', '> set 2000: set-point 2000 rpm', '> quit'];
      const got = lines.filter((l) => l.text.startsWith('> '));
      if (got.length !== want.length) return `${got.length} answers: ${got.map((l) => l.text).join(' | ')}`;
      for (let i = 0; i < want.length; i++) {
        if (got[i].text !== want[i]) return `answer ${i}: "${got[i].text}", expected "${want[i]}"`;
        if (got[i].core !== 0) return `answer ${i} from core ${got[i].core}`;
      }
      // each answered within 15 ms of its line's end (a status line's time
      // while flooding); byte k of an input arrives k character times
      // (86.8 us at 115200 baud) after its start
      const sent = [];
      for (const [ms, text] of MOTOR_SCRIPT)
        for (let k = 0; k < text.length; k++) if (text[k] === '\n') sent.push(ms + k * 0.0868);
      for (let i = 0; i < want.length; i++) {
        const late = got[i].t * 1000 - sent[i];
        if (late < 0 || late > 15) return `"${got[i].text}" ${late.toFixed(1)} ms after its command`;
      }
    });
    check('motor_status_lines', () => {
      // twice a second while not flooding, with the set-point in force
      const st = mine(/^status t (\d+) ms: set-point (\d+) rpm, speed (\d+) rpm \(tacho\), (\d+) rpm \(encoder\), duty \d+\.\d\d %$/);
      const early = st.filter(({ l }) => l.t < 3.0);
      if (early.length !== 5 || !st.every(({ l }) => l.core === 0)) return `${early.length} status lines in the first 3 s`;
      for (const { l, m } of early) {
        const want = l.t < 1.011 ? 1500 : l.t < 2.011 ? 3000 : 2000;
        if (Number(m[2]) !== want) return `"${l.text}": set-point ${m[2]}, expected ${want}`;
      }
      if (!grab(lines, /^flood over: \d+ lines in all$/)) return 'no end of the flood';
    });
    const loops = mine(/^loop with core 0 (idle|flooding the console): (\d+) periods of (\d+)\.\.(\d+) us, jitter (\d+) us, (\d+) overruns$/);
    const errs = mine(/^ {2}tracking error \(settled\) mean (\d+)\.(\d\d) rpm, max (\d+) rpm; core 0 printed (\d+) lines$/);
    check('motor_loop_period_both_phases', () => {
      if (loops.length !== 2) return `${loops.length} loop lines`;
      for (const { m } of loops) {
        const [n, lo, hi, jit, over] = [2, 3, 4, 5, 6].map((k) => Number(m[k]));
        if (n < 2990 || lo < 985 || hi > 1015 || jit > 15 || over !== 0) return `${m[1]}: ${m[0]}`;
      }
      const j = loops.map(({ m }) => Number(m[5]));
      if (Math.abs(j[0] - j[1]) > 2) return `jitter ${j[0]} us idle, ${j[1]} us with core 0 flooding`;
    });
    check('motor_tracking_both_phases', () => {
      if (errs.length !== 2) return `${errs.length} tracking lines`;
      for (const { m } of errs) {
        const mean = Number(m[1]) + Number(m[2]) / 100, max = Number(m[3]);
        if (mean > 2 || max > 20) return m[0];
      }
      if (Number(errs[1].m[4]) < 300) return `core 0 printed only ${errs[1].m[4]} lines while flooding`;
    });
    check('motor_speed_of_the_model_follows_the_setpoints', () => {
      // the motor model's own speed just before each set-point change
      const want = [[0.99, 1500], [1.99, 3000], [2.99, 2000], [3.99, 1500], [4.99, 3000], [5.99, 2000]];
      for (const [t, rpm] of want) {
        const at = 0.01 + t;               // the phases start about 10 ms after power-on
        const s = motor.samples.find((x) => x[0] >= at);
        if (!s || Math.abs(s[1] - rpm) > rpm * 0.01) return `at ${at.toFixed(2)} s the motor ran at ${s && s[1].toFixed(1)} rpm, set-point ${rpm}`;
      }
    });
    check('motor_core1_prints_nothing', () => (lines.some((l) => l.core === 1) ? 'core 1 printed' : null));
    check('motor_flood_lines_from_core0', () => {
      const flood = mine(/^flood t \d+ ms: set-point (\d+) rpm, speed (\d+) rpm \(tacho\)/);
      if (flood.length < 300 || !flood.every(({ l }) => l.core === 0)) return `${flood.length} flood lines`;
    });
  },

  dashboard() {
    const { res, lines, dev, mine } = runWith('dashboard', 5500, (sim) => {
      const { BMP280 } = require(path.join(__dirname, '..', 'sim', 'lib'));
      const { ST7789 } = require(path.join(__dirname, '..', 'sim', 'lib', 'display'));
      const { parseSource } = require(path.join(__dirname, '..', 'sim', 'lib', 'adc'));
      sim.i2c[0].attach(0x76, new BMP280(sim));
      sim.adc.input(0, parseSource('sine:1.65:1.2:0.5'));
      sim.adc.input(4, parseSource('sine:30:3:0.1'));
      return sim.spi[0].attach(20, new ST7789(sim, { dc: 21, rst: 22 }));
    });
    readmeCheck('dashboard', { lines });
    check('dashboard_runs', () => (res.reason === 'bound' ? null : `stopped: ${JSON.stringify(res)}`));
    check('dashboard_rates', () => {
      const c0 = mine(/^core 0: (\d+) samples\/s \(BMP280, chip temperature, GP26\), 0 dropped, 0 errors$/);
      const c1 = mine(/^core 1: drew (\d+) columns\/s, 0 errors$/);
      if (c0.length < 3 || c1.length < 3) return `${c0.length} and ${c1.length} rate lines`;
      if (!c0.every(({ l, m }) => l.core === 0 && Math.abs(Number(m[1]) - 50) <= 1)) return 'core 0 rate';
      // core 1's first second also draws what queued up while the display started
      if (!c1.slice(1).every(({ l, m }) => l.core === 1 && Math.abs(Number(m[1]) - 50) <= 1)) return 'core 1 rate';
    });
    // With no devices attached the set-up fails at its first step, the I2C
    // sensor, and says so with the I2C driver's name for the result.
    const bare = runWith('dashboard', 300, () => ({}));
    check('dashboard_setup_failure_named', () => {
      const l = bare.lines.find((x) => x.text.startsWith('dashboard: set-up failed'));
      if (!l) return 'no set-up failure line';
      if (l.text !== 'dashboard: set-up failed (I2C): TD_ERR_I2C_NAK') return `"${l.text}"`;
      if (bare.lines.some((x) => /^core [01]: /.test(x.text))) return 'it ran on after the failure';
    });
    check('dashboard_png_shows_the_chart', () => {
      const { decodePng } = require(path.join(__dirname, '..', 'sim', 'lib', 'png'));
      const file = path.join(build, 'examples', 'dashboard.png');
      fs.writeFileSync(file, dev.png());
      const img = decodePng(fs.readFileSync(file));
      if (img.width !== 240 || img.height !== 240) return `${img.width}x${img.height}`;
      const px = (x, y) => Array.from(img.rgb.subarray((y * 240 + x) * 3, (y * 240 + x) * 3 + 3));
      const is = (p, c) => p.every((v, i) => Math.abs(v - c[i]) <= 8);
      let title = 0;
      for (let y = 0; y < 16; y++) for (let x = 0; x < 240; x++) if (is(px(x, y), [255, 255, 255])) title++;
      if (title < 300) return `${title} white pixels in the title`;
      // the GP26 trace (yellow): over its 0.45..2.85 V swing it spans rows 48 + (1 - v / 3.3) * 191
      let top = 240, bottom = 0, cols = 0;
      for (let x = 0; x < 240; x++) {
        let any = false;
        for (let y = 48; y < 240; y++) if (is(px(x, y), [255, 224, 0])) { any = true; top = Math.min(top, y); bottom = Math.max(bottom, y); }
        if (any) cols++;
      }
      const rowOf = (v) => 48 + Math.round((1 - v / 3.3) * 191);
      if (cols < 220) return `the yellow trace is in ${cols} columns`;
      if (Math.abs(top - rowOf(2.85)) > 3 || Math.abs(bottom - rowOf(0.45)) > 3) return `yellow rows ${top}..${bottom}, want ${rowOf(2.85)}..${rowOf(0.45)}`;
      for (const [name, c] of [['red', [255, 64, 64]], ['cyan', [0, 224, 255]], ['green', [64, 255, 64]]]) {
        let n = 0;
        for (let y = 48; y < 240; y++) for (let x = 0; x < 240; x++) if (is(px(x, y), c)) n++;
        if (n < 200) return `${n} ${name} pixels`;
      }
    });
  },
});

/* Each example: its checks as --list finds them, then the run; if the
 * example's own code throws, every check it did not reach fails. */
for (const name of Object.keys(tests)) {
  if (only.length && !only.includes(name)) continue;
  if (listing) { tests[name](); continue; }
  const before = new Set(reported);
  try {
    tests[name]();
  } catch (e) {
    const planned = spawnSync(process.execPath, [__filename, '--list', name], { encoding: 'utf8' })
      .stdout.split('\n').filter(Boolean);
    const missed = planned.filter((c) => !reported.has(c) && !before.has(c));
    for (const c of missed) { failed++; console.log(`FAIL ${c}: not run: example ${name} stopped: ${e.message}`); }
    if (!missed.length) { failed++; console.log(`FAIL ${name}_runner: ${e.message}`); }
  }
}
if (!listing) console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
