#!/usr/bin/env node
/*
 * tests/gdb/run.js: the debugger end to end. tandem-sim --gdb 0 runs
 * tests/gdb/main.c; gdb-multiarch --batch connects to the port it announces
 * and runs the script below; the checks read GDB's output (marker lines
 * "@@name ...") and the emulator's console and exit status. Then README.md's
 * short session: `make debug`'s script, tools/gdb/debug.sh, on
 * COUNTER_RACE.elf with GDB_FLAGS='-nx -batch -x tests/gdb/readme.gdb' (-nx:
 * no GDB start-up file of the machine's user), GDB's output held to the
 * README's quoted lines (judgeReadme below).
 *
 *   node tests/gdb/run.js FIRMWARE.elf WORK_DIR COUNTER_RACE.elf
 *   node tests/gdb/run.js --list          the checks' names only, nothing run
 *
 * Prints "PASS name" / "FAIL name: reason" per check and "N passed, M
 * failed" at the end (run through tests/run-suite.sh, which writes the
 * suite's results); exits non-zero if any check failed. GDB's and the
 * emulator's output are kept in WORK_DIR (gdb.log, sim.log; README.md's
 * session in readme.log). --list runs
 * the checks on no output, every check only naming itself, so the list is
 * what a run reports. Every wait is bounded: the emulator and GDB each by
 * their CPU time (SIM_CPU_S, GDB_CPU_S: whichever computes without end is
 * ended, and the other sees the connection close), the whole session by
 * GDB_TEST_TIMEOUT seconds of wall clock (default 1800), which only a pair
 * that both wait meets: a loaded machine stretches the rest
 * (docs/testing.md, "Bounds"). README.md's session has the same bounds
 * (debug.sh, GDB and the emulator each SIM_CPU_S of CPU time; the wall
 * clock what is left of GDB_TEST_TIMEOUT) and debug.sh's own.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnCpu } = require('../../sim/lib/cpu-limit');

const root = path.join(__dirname, '..', '..');
const listing = process.argv[2] === '--list';
const [elf, work, raceElf] = listing ? [] : process.argv.slice(2);
const LIMIT_S = Number(process.env.GDB_TEST_TIMEOUT || 1800);
const SIM_CPU_S = 240, GDB_CPU_S = 120;
/* The CPU time a process has used, in clock ticks (Linux), or null. */
function cpuTicks(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);          /* utime + stime */
  } catch (e) { return null; }
}
/* A process ended by its CPU limit: noted for the FAIL lines. */
const cpuNote = (who, sig, cpu) => { if (sig === 'SIGXCPU') limits += ` (${who} used its CPU time limit of ${cpu} s)`; };
const GDB = process.env.GDB || 'gdb-multiarch';

let passed = 0, failed = 0, timedOut = false;
let limits = '';     // which limit ended the emulator or GDB, for every FAIL line
function check(name, ok, why) {
  if (listing) { console.log(`gdb_${name}`); return; }
  if (ok) passed++; else failed++;
  console.log(ok ? `PASS gdb_${name}` : `FAIL gdb_${name}: ${why}${limits}`);
}
function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const SCRIPT = (port) => `
set pagination off
set confirm off
set width 0
set height 0
source ${path.join(root, 'tools/gdb/tandem.py')}
# an answer to a packet may come seconds late on a loaded machine: 60 s of wall clock, not 2
set remotetimeout 60
target remote localhost:${port}
python print("@@threads", " ".join("%d:%s" % (t.num, t.name) for t in sorted(gdb.selected_inferior().threads(), key=lambda t: t.num)))
break core1_count
continue
python print("@@bp", gdb.selected_thread().num, gdb.selected_frame().name())
info threads
python print("@@tandem-start")
tandem threads
python print("@@tandem-end")
set scheduler-locking step
python
def pc_of(n):
    gdb.execute("thread %d" % n, to_string=True)
    return int(gdb.parse_and_eval("$pc")) & 0xffffffff
p0, p1 = pc_of(1), pc_of(2)
gdb.execute("thread 2", to_string=True)
for i in range(4):
    gdb.execute("stepi", to_string=True)
q1, q0 = pc_of(2), pc_of(1)
print("@@step %#x %#x %#x %#x" % (p0, q0, p1, q1))
import time
a = gdb.execute("monitor info", to_string=True)
time.sleep(0.3)
b = gdb.execute("monitor info", to_string=True)
print("@@still", a == b, a.split(",")[0])
end
set scheduler-locking replay
delete
watch shared_counter
python
seen = {}
stops = []
def on_stop(ev):
    kinds = [b.type for b in getattr(ev, 'breakpoints', [])]
    stops.append("hit" if gdb.BP_HARDWARE_WATCHPOINT in kinds else "no-hit")
gdb.events.stop.connect(on_stop)
for i in range(60):
    gdb.execute("continue")
    th = gdb.selected_thread().num
    print("@@watch", th, gdb.selected_frame().name(), int(gdb.parse_and_eval("shared_counter")), stops[-1] if stops else "no-stop")
    seen[th] = seen.get(th, 0) + 1
    if len(seen) == 2 and i >= 8:
        break
gdb.events.stop.disconnect(on_stop)
end
delete
break report
continue
python print("@@regs %d %#x" % (int(gdb.parse_and_eval("$r0")) & 0xffffffff, int(gdb.parse_and_eval("$r1")) & 0xffffffff))
python print("@@mem %d %#x" % (int(gdb.parse_and_eval("shared_counter")), int(gdb.parse_and_eval("*(unsigned int *)&magic")) & 0xffffffff))
python print("@@tandem2-start")
tandem
python print("@@tandem2-end")
python
LAYOUT['thread']['name'] = 'label'
try:
    gdb.execute("tandem threads", to_string=True)
    print("@@layout none")
except gdb.error as e:
    print("@@layout", e)
LAYOUT['thread']['name'] = 'name'
end
delete
continue
python print("@@end")
`;

function main() {
  if (listing) { check('server_starts'); judge('', '', null); judgeReadme(''); return; }
  if (!elf || !work || !raceElf) { console.error('usage: run.js FIRMWARE.elf WORK_DIR COUNTER_RACE.elf | --list'); process.exit(2); }
  fs.mkdirSync(work, { recursive: true });
  const deadline = Date.now() + LIMIT_S * 1000;
  const sim = spawnCpu(process.execPath, [path.join(root, 'sim/tandem-sim'), elf, '--gdb', '0', '--max-ms', '2000'],
    SIM_CPU_S, { stdio: ['ignore', 'pipe', 'pipe'] });
  let simOut = '', simErr = '', simCode = null, gdb = null, gdbOut = '';
  sim.stdout.on('data', (d) => { simOut += d; });
  sim.stderr.on('data', (d) => { simErr += d; });
  const simExit = new Promise((r) => sim.on('exit', (c, sig) => { simCode = c === null ? `signal ${sig}` : c; cpuNote('tandem-sim', sig, SIM_CPU_S); r(); }));
  const timer = setInterval(() => {
    if (Date.now() < deadline || timedOut) return;
    timedOut = true;
    limits += ` (GDB and the emulator killed after ${LIMIT_S} s of wall clock, GDB_TEST_TIMEOUT)`;
    if (gdb && gdb.exitCode === null) gdb.kill('SIGKILL');
    if (sim.exitCode === null) sim.kill('SIGKILL');
  }, 200);

  const port = new Promise((resolve) => {
    const look = () => {
      const m = /listening on 127\.0\.0\.1:(\d+);/.exec(simErr);   // the whole announcement
      if (m) resolve(Number(m[1]));
    };
    sim.stderr.on('data', look);
    sim.on('exit', () => resolve(null));
  });

  port.then(async (p) => {
    if (!p) { check('server_starts', false, `tandem-sim exited (${simCode}): ${simErr.trim()}`); clearInterval(timer); finish(); return; }
    check('server_starts', true);
    const cmds = path.join(work, 'session.gdb');
    fs.writeFileSync(cmds, SCRIPT(p));
    gdb = spawnCpu(GDB, ['--batch', '-nx', '-q', '-x', cmds, elf], GDB_CPU_S, { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
    gdb.on('error', (e) => { gdbOut += `cannot run ${GDB}: ${e.message}\n`; });
    gdb.stdout.on('data', (d) => { gdbOut += d; });
    gdb.stderr.on('data', (d) => { gdbOut += d; });
    await new Promise((r) => gdb.on('close', (c, sig) => { cpuNote('gdb', sig, GDB_CPU_S); r(); }));
    // the emulator runs the program to its end when the debugger's session
    // does: bounded by its CPU time. One that computes nothing for 10 s
    // meanwhile waits for a debugger that will not come (GDB never got to
    // it): ended, and said so. The session's wall clock stays the backstop.
    let seen = null, still = 0;
    const idle = setInterval(() => {
      const t = cpuTicks(sim.pid);
      if (t === null || sim.exitCode !== null || sim.signalCode !== null) return;
      if (t !== seen) { seen = t; still = 0; return; }
      if (++still < 10) return;
      limits += ' (tandem-sim used no CPU time for 10 s after GDB ended: it waited for a debugger; killed)';
      sim.kill('SIGKILL');
      clearInterval(idle);
    }, 1000);
    await simExit;
    clearInterval(idle);
    fs.writeFileSync(path.join(work, 'gdb.log'), gdbOut);
    fs.writeFileSync(path.join(work, 'sim.log'), simOut + simErr);
    clearInterval(timer);
    judge(gdbOut, simOut, simCode);
    judgeReadme(timedOut ? '' : await readmeRun(deadline));
    finish();
  });
}

/* README.md's session as `make debug EXAMPLE=counter_race GDB_FLAGS='-batch
 * -x tests/gdb/readme.gdb'` runs it: what the terminal would show (GDB's and
 * debug.sh's output, both streams in one file as they came), or '' after a
 * note in `limits`. Bounded by CPU time (each process) and by the deadline
 * (the whole group killed, and the emulator, in a session of its own, by
 * the pid debug.sh announced: it may still be waiting for GDB). */
async function readmeRun(deadline) {
  const log = path.join(work, 'readme.log');
  const fd = fs.openSync(log, 'w');
  const env = { ...process.env, GDB_FLAGS: `-nx -batch -x ${README_SCRIPT}` };
  const p = spawnCpu('bash', ['tools/gdb/debug.sh', raceElf], SIM_CPU_S,
    { stdio: ['ignore', fd, fd], cwd: root, env, detached: true });
  fs.closeSync(fd);
  let code = null;
  const wall = setInterval(() => {
    if (Date.now() < deadline || code !== null) return;
    timedOut = true;
    limits += ` (README.md's session killed after ${LIMIT_S} s of wall clock, GDB_TEST_TIMEOUT)`;
    try { process.kill(-p.pid, 'SIGKILL'); } catch (e) { /* gone already */ }
    const sim = /tandem-sim \(pid (\d+)\) serves GDB/.exec(fs.readFileSync(log, 'utf8'));
    if (sim) try { process.kill(Number(sim[1]), 'SIGKILL'); } catch (e) { /* gone already */ }
  }, 200);
  await new Promise((r) => p.on('exit', (c, sig) => { code = c === null ? `signal ${sig}` : c; cpuNote('debug.sh', sig, SIM_CPU_S); r(); }));
  clearInterval(wall);
  return fs.readFileSync(log, 'utf8');
}

function judge(out, simOut, simCode) {
  const marks = (name) => out.split('\n').filter((l) => l.startsWith(`@@${name} `) || l === `@@${name}`).map((l) => l.slice(name.length + 3));
  const one = (name) => marks(name)[0];
  const between = (a, b) => { const i = out.indexOf(`@@${a}`), j = out.indexOf(`@@${b}`); return i >= 0 && j > i ? out.slice(i, j) : ''; };
  const see = ` (see ${path.join(work || '', 'gdb.log')})`;

  const threads = one('threads');
  check('two_threads_listed', threads === '1:core0 2:core1', `GDB's threads: ${threads}${see}`);

  const bp = one('bp');
  check('breakpoint_in_core1_function', bp === '2 core1_count', `stop at a breakpoint in core1_count: thread/function ${bp}${see}`);
  check('info_threads', /\*\s+2\s+Thread 2 "core1"/.test(out) && /\s1\s+Thread 1 "core0"/.test(out),
    `'info threads' shows both cores, core 1 current${see}`);

  const st = (one('step') || '').split(' ');
  check('step_core1_only', st.length === 4 && st[0] === st[1] && st[2] !== st[3],
    `core 0 pc before/after ${st[0]}/${st[1]} (must stay), core 1 pc ${st[2]}/${st[3]} (must move)${see}`);
  const still = one('still') || '';
  check('time_stands_still', still.startsWith('True'), `'monitor info' twice 0.3 s apart while stopped: ${still}`);

  const tt = between('tandem-start', 'tandem-end');
  check('tandem_threads', /core 0 \(GDB thread 1\)/.test(tt) && /core 1 \(GDB thread 2\)/.test(tt) &&
    /\n\s+worker\s+READY\s+8 /.test(tt) && /\*\s+main\s+RUNNING\s+16 /.test(tt) && /\*\s+core1\s+RUNNING\s+16 /.test(tt) &&
    (tt.match(/idle\s+READY\s+0 /g) || []).length === 2 && /\d+\/1024 now \d+\s+ok \(32 B\)/.test(tt),
    `'tandem threads' at the breakpoint lists main, worker and idle on core 0, core1 and idle on core 1:\n${tt}`);

  const w = marks('watch').map((l) => l.split(' '));
  const bad = w.filter(([th, fn, , hit]) => hit !== 'hit' || fn !== `core${th - 1}_count`);
  check('watchpoint_names_writer', w.length >= 2 && !bad.length,
    `each watch stop in the writing core's function: ${w.map((x) => x.join(' ')).join('; ')}${see}`);
  const ths = new Set(w.map(([th]) => th));
  check('watchpoint_both_cores', ths.has('1') && ths.has('2'), `threads that hit the watchpoint: ${[...ths].join(',')}`);
  const vals = w.map(([, , v]) => Number(v));
  check('watchpoint_values_grow', vals.every((v, i) => i === 0 || v > vals[i - 1]), `counter at each stop: ${vals.join(',')}`);

  const printed = /report: counter=(\d+) magic=0x([0-9a-f]{8})/.exec(simOut);
  const regs = (one('regs') || '').split(' ');
  const mem = (one('mem') || '').split(' ');
  check('program_printed_report', !!printed, `no report line in the console:\n${simOut}`);
  const told = printed ? `printed counter=${printed[1]} magic=0x${printed[2]}` : 'nothing printed to compare with';
  check('registers_match_print', !!printed && regs[0] === printed[1] && Number(regs[1]) === parseInt(printed[2], 16),
    `r0/r1 at report(): ${regs.join(' ')}; ${told}`);
  check('memory_matches_print', !!printed && mem[0] === printed[1] && Number(mem[1]) === parseInt(printed[2], 16),
    `shared_counter, magic read: ${mem.join(' ')}; ${told}`);
  check('console_reaches_gdb', /report: counter=\d+/.test(out), 'the program\'s console lines appear in GDB\'s output');

  const t2 = between('tandem2-start', 'tandem2-end');
  check('tandem_threads_waiting', /\n\s+worker\s+BLOCKED\s+8\s+wake_worker\.waiters forever\s/.test(t2) &&
    /\n\s+core1\s+SLEEPING\s+16\s+sleep until tick \d+ \(in \d+\)/.test(t2),
    `at report(): the worker blocked on wake_worker, core1 asleep until a tick:\n${t2}`);
  check('tandem_threads_waiting_with_ops', /\n\s+mwaiter\s+BLOCKED\s+8\s+main_holds\.waiters forever\s/.test(t2) &&
    /\n\s+xwaiter\s+BLOCKED\s+8\s+cross-core wake_xwaiter\.xw forever\s/.test(t2) &&
    /\*\s+main\s+RUNNING\s+16 /.test(t2),
    `at report(): mwaiter blocked on the mutex main holds (main at 16, its own priority), xwaiter on the cross-core semaphore:\n${t2}`);
  check('program_waiters_woken', /mwaiter: has the mutex \(0\)/.test(simOut) && /xwaiter: woken \(0\)/.test(simOut),
    `after report() the mutex and the cross-core semaphore wake their waiters:\n${simOut}`);
  check('tandem_faults', /core 0: running, policy halt, 0 fault\(s\)\s+no fault recorded/.test(t2) &&
    /core 1: running, policy halt, 0 fault\(s\)\s+no fault recorded/.test(t2), `'tandem faults' part of 'tandem':\n${t2}`);
  const lay = one('layout') || '';
  check('layout_change_named', /has no field 'label'/.test(lay) && /LAYOUT\['thread'\]\['name'\]/.test(lay),
    `a missing field is named: ${lay}`);

  check('continue_to_end', /\[Inferior 1 \(Remote target\) exited normally\]/.test(out) && /gdb-fw: end/.test(simOut),
    `the program runs to its end and GDB says it exited normally${see}`);
  check('emulator_exit_status', simCode === 0, `tandem-sim exit status ${simCode}`);
  check('session_time', !timedOut, `not finished within ${LIMIT_S} s (GDB_TEST_TIMEOUT): GDB and the emulator were killed`);
}

/*
 * README.md's short session. Its quoted block is marked
 *   <!-- gdb session: tests/gdb/readme.gdb -->
 * (the examples suite leaves such a block, in README.md or an example's
 * README.md, to this one, which looks for them in the same files and
 * runs that one script). Its lines are GDB's
 * output as printed, a line "..." standing for lines left out: the lines
 * between two "..." must be consecutive lines of the output, each such run
 * after the one before it. Compared exactly, as printed: the emulator runs
 * the same every time; only GDB's tabs are expanded (to 8 columns, as a
 * terminal shows them) and trailing spaces dropped on both sides.
 */
const README_SCRIPT = 'tests/gdb/readme.gdb';
const README_MARK = /^<!-- gdb session: (\S+) -->$/;
/* The blocks marked for a GDB session in README.md and examples/NAME/README.md:
 * { file, line, script, lines: [{ n, text }] }. */
function sessionBlocks() {
  const ex = fs.readdirSync(path.join(root, 'examples')).sort().map((d) => `examples/${d}/README.md`)
    .filter((f) => fs.existsSync(path.join(root, f)));
  const blocks = [];
  for (const file of ['README.md', ...ex]) {
    const text = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    text.forEach((t, i) => {
      const m = README_MARK.exec(t.trim());
      if (!m) return;
      let j = i + 1;
      while (j < text.length && text[j].trim() === '') j++;
      const b = { file, line: i + 1, script: m[1], lines: [] };
      for (; j < text.length && /^    /.test(text[j]); j++) b.lines.push({ n: j + 1, text: text[j].slice(4).trimEnd() });
      blocks.push(b);
    });
  }
  return blocks;
}
const expand = (l) => l.replace(/[^\t]*\t/g, (s) => s.slice(0, -1) + ' '.repeat(8 - ((s.length - 1) % 8))).trimEnd();
/* The first line of a block (of `file`) GDB did not print where the block has it: [] when all did. */
function sessionProblems(file, lines, printed) {
  const out = printed.split('\n').map(expand);
  const runs = [[]];
  for (const l of lines) {
    if (l.text.trim() === '...') runs.push([]);
    else runs[runs.length - 1].push(l);
  }
  let at = 0;
  for (const run of runs.filter((r) => r.length)) {
    let best = { i: -1, k: -1 };
    for (let i = at; i + run.length <= out.length; i++) {
      let k = 0;
      while (k < run.length && out[i + k] === run[k].text) k++;
      if (k === run.length) { best = { i, k }; break; }
      if (k > best.k) best = { i, k };
    }
    if (best.k === run.length) { at = best.i + run.length; continue; }
    const l = run[Math.max(best.k, 0)];
    return [best.k > 0 ? `${file}:${l.n}: "${l.text}" is not what GDB printed there: "${out[best.i + best.k]}"`
      : `${file}:${l.n}: "${l.text}" is not printed by GDB${at ? ' after the lines above it' : ''}`];
  }
  return [];
}
function judgeReadme(out) {
  const see = ` (see ${path.join(work || '', 'readme.log')})`;
  const blocks = listing ? [] : sessionBlocks();
  const problems = blocks.map((b) => (b.script !== README_SCRIPT ? `${b.file}:${b.line}: the suite runs ${README_SCRIPT}, not ${b.script}`
    : !b.lines.length ? `${b.file}:${b.line}: no quoted block under the marker` : sessionProblems(b.file, b.lines, out).join('; '))).filter((x) => x);
  check('readme_session', blocks.some((b) => b.file === 'README.md') && !problems.length,
    (blocks.some((b) => b.file === 'README.md') ? problems.join('; ') : `no block of README.md is marked <!-- gdb session: ${README_SCRIPT} -->`) + see);
  // the check itself: a line of GDB's output the README quotes, made stale
  // (its first figure one more), must fail it, naming that line
  const b = blocks.find((x) => x.file === 'README.md');
  const at = b ? b.lines.findIndex((l) => /\d/.test(l.text) && l.text.trim() !== '...' && !l.text.startsWith('+')) : -1;
  let planted = 'no quoted output line with a figure to change';
  if (problems.length) planted = 'not tried: the block as it is does not match';
  else if (at >= 0) {
    const l = b.lines[at], stale = l.text.replace(/\d+/, (d) => String(Number(d) + 1));
    const q = sessionProblems(b.file, b.lines.map((x, i) => (i === at ? { n: x.n, text: stale } : x)), out);
    planted = q.length === 1 && q[0].startsWith(`README.md:${l.n}: "${stale}"`) ? '' : `"${stale}" for line ${l.n}: ${q.join('; ') || 'not caught'}`;
  }
  check('readme_session_stale_caught', !planted, `a planted stale README line must fail readme_session: ${planted}`);
  check('readme_session_ends', /\[Inferior 1 \(Remote target\) killed\]/.test(out) &&
    /make debug: tandem-sim exit status 110: tandem-sim: killed from the debugger/.test(out),
    `README.md's session runs to its 'kill' and the emulator ends with it${see}`);
}

main();
