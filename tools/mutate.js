#!/usr/bin/env node
// tools/mutate.js: the mutation run ('make mutate', docs/testing.md).
//
// Plants each mutation of tools/mutations.js, one at a time, in a copy of
// the tree (build/mutate/tree, so the working tree is never changed), runs
// the suites named for it there in order ('make test-SUITE'), and says
// which suite killed it (failed) or that it survived (every suite passed).
// Before the first mutation the same suites run on the unchanged copy: a
// suite that fails there would kill everything, so the run stops instead.
// A suite kills a mutation when it fails twice in a row with a test in
// common (so one failure by chance on a loaded machine does not count).
//
//   tools/mutate.js [--only NAME,...] [--out FILE] [--tree DIR]
//                                                    the run (in a copy at DIR,
//                                                    default build/mutate/tree)
//   tools/mutate.js --check                          every anchor found once (no build)
//   tools/mutate.js --self-test BUILD                the tool on planted cases
//   tools/mutate.js --list                           the mutations' names
//
// A mutation's anchor is its 'find' text: it must occur exactly once in its
// file, or the mutation is reported as stale (the source changed; update
// the list) and counts as a failure of the run.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');

function count(hay, needle) {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) n++;
  return n;
}

// The anchor of m in the tree at dir: null if fine, else why not.
function anchorProblem(dir, m) {
  let text;
  try {
    text = fs.readFileSync(path.join(dir, m.file), 'utf8');
  } catch (e) {
    return `${m.file}: cannot read (${e.code})`;
  }
  const n = count(text, m.find);
  if (n !== 1) return `${m.file}: its text is found ${n} times, not once (the source changed: update tools/mutations.js)`;
  if (m.find === m.replace) return 'replace is the same as find';
  return null;
}

// A copy of the tree's files (tracked and new, not ignored) at dest, with
// their times kept, so the copy's own build (dest/build) stays incremental
// from one run to the next. A file's time never goes back, though: the
// copy's objects of a file a run planted were built from the mutant, after
// the time the file has in the tree, so a file the copy had is given the
// later of its two times when the text is the same (put back by a run's
// undo: rebuilt once), and the time of the copy when it differs (a mutant
// left by a run that was stopped, or a file changed in the tree). The
// emulator's packages are linked, not copied.
function copyTree(dest) {
  const ls = spawnSync('git', ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { encoding: 'buffer', maxBuffer: 1 << 28 });
  if (ls.status !== 0) throw new Error('git ls-files failed');
  const files = ls.stdout.toString().split('\0').filter(f => f && fs.existsSync(path.join(root, f)) &&
    fs.statSync(path.join(root, f)).isFile());
  const had = new Map();     // file: { text, time } in the copy before this one
  for (const f of files) {
    const to = path.join(dest, f);
    if (fs.existsSync(to) && fs.lstatSync(to).isFile())
      had.set(f, { text: fs.readFileSync(to), time: fs.statSync(to).mtime });
  }
  for (const e of fs.existsSync(dest) ? fs.readdirSync(dest) : [])
    if (e !== 'build') fs.rmSync(path.join(dest, e), { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  for (const f of files) {
    const to = path.join(dest, f);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(root, f), to);
    const st = fs.statSync(path.join(root, f));
    fs.chmodSync(to, st.mode);
    const h = had.get(f);
    if (!h) fs.utimesSync(to, st.atime, st.mtime);
    else if (h.text.equals(fs.readFileSync(to))) fs.utimesSync(to, st.atime, h.time > st.mtime ? h.time : st.mtime);
    // else: the copy's own time, now
  }
  const nm = path.join(root, 'sim', 'node_modules');
  if (fs.existsSync(nm)) fs.symlinkSync(nm, path.join(dest, 'sim', 'node_modules'));
}

// Run one suite in the copy: { ok, fails: the FAIL lines of its results }.
function runSuite(dir, suite, env) {
  const t0 = Date.now();
  const r = spawnSync('make', ['-C', dir, '--no-print-directory', `-j${process.env.MUTATE_JOBS || 2}`, `test-${suite}`],
    { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  let fails = [];
  try {
    fails = fs.readFileSync(path.join(dir, 'build', 'test', 'results', `${suite}.txt`), 'utf8')
      .split('\n').filter(l => l.startsWith('FAIL '));
  } catch (e) { /* no results: the build failed */ }
  if (r.status !== 0 && fails.length === 0)
    fails = [`FAIL ${suite}: make exited ${r.status}: ` +
      ((r.stderr || '') + (r.stdout || '')).trim().split('\n').slice(-3).join(' | ')];
  return { ok: r.status === 0, fails, secs: Math.round((Date.now() - t0) / 1000) };
}

function plant(dir, m) {
  const f = path.join(dir, m.file);
  const orig = fs.readFileSync(f, 'utf8');
  fs.writeFileSync(f, orig.replace(m.find, m.replace));
  return () => fs.writeFileSync(f, orig);     // a new time: rebuilt next time too
}

// Plant each mutation in dir and run its suites; returns the results.
function run(dir, list, out, env = {}) {
  const say = s => { console.log(s); if (out) fs.appendFileSync(out, s + '\n'); };
  const results = [];
  const stale = list.filter(m => anchorProblem(dir, m));
  for (const m of stale) {
    say(`STALE ${m.name}: ${anchorProblem(dir, m)}`);
    results.push({ name: m.name, stale: true });
  }
  const live = list.filter(m => !stale.includes(m));
  const suites = [...new Set(live.flatMap(m => m.suites))];
  for (const s of suites) {
    const r = runSuite(dir, s, env);
    say(`BASELINE ${s}: ${r.ok ? 'passed' : 'FAILED'} (${r.secs} s)`);
    if (!r.ok) {
      for (const l of r.fails.slice(0, 5)) say(`  ${l}`);
      say('the suites fail without a mutation: no mutation run');
      return null;
    }
  }
  for (const m of live) {
    const undo = plant(dir, m);
    let killer = null, fails = [], tried = [];
    try {
      for (const s of m.suites) {
        const r = runSuite(dir, s, env);
        tried.push(`${s} ${r.secs} s`);
        if (r.ok) continue;
        // A kill counts when a test fails again in a second run: a test
        // that failed once by chance (a loaded machine) kills nothing.
        const again = runSuite(dir, s, env);
        tried.push(`again ${again.secs} s`);
        const name = l => l.replace(/^FAIL ([^:]*):.*/, '$1');
        const twice = new Set(again.fails.map(name));
        const common = r.fails.filter(l => twice.has(name(l)));
        if (common.length) { killer = s; fails = common; break; }
        say(`  ${m.name}: ${s} failed once (${r.fails.map(name).join(', ')}), not again: not counted`);
      }
    } finally {
      undo();
    }
    if (killer) {
      say(`KILLED ${m.name} by ${killer} (${tried.join(', ')}): ${fails.length} FAIL line(s)`);
      for (const l of fails.slice(0, 4)) say(`  ${l.slice(0, 200)}`);
    } else {
      say(`SURVIVED ${m.name} (${tried.join(', ')} all passed)`);
    }
    results.push({ name: m.name, killed: killer });
  }
  const k = results.filter(r => r.killed).length;
  const sv = results.filter(r => !r.killed && !r.stale).length;
  const st = results.filter(r => r.stale).length;
  say(`${k} killed, ${sv} survived, ${st} stale of ${list.length} mutations`);
  return results;
}

// ---- the self-test: the tool on planted cases, in the runner's format ----
function selfTest(build) {
  const checks = [
    ['mutate_anchors_found_once', anchorsFoundOnce],
    ['mutate_stale_anchor_reported', staleReported],
    ['mutate_planted_mutant_killed', () => plantedRun(build, true)],
    ['mutate_next_copy_rebuilds_what_was_planted', () => copiedAgain(build)],
    ['mutate_harmless_mutant_survives', () => plantedRun(build, false)],
  ];
  return checks;
}
function anchorsFoundOnce() {
  const bad = require('./mutations.js').map(m => [m.name, anchorProblem(root, m)]).filter(p => p[1]);
  return bad.length ? bad.map(p => `${p[0]}: ${p[1]}`).join('; ') : null;
}
function staleReported() {
  const m = { name: 'planted', file: 'kernel/sem.c', find: 'this text is in no file\n', replace: 'x', suites: [] };
  const twice = { name: 'twice', file: 'kernel/sem.c', find: '}\n', replace: 'x', suites: [] };
  if (anchorProblem(root, m) === null) return 'an anchor that is not in the file was accepted';
  if (anchorProblem(root, twice) === null) return 'an anchor found more than once was accepted';
  return null;
}
// A planted run on a one-test suite: the semaphore's give that wakes no
// one must be killed; a mutation that changes only a comment must survive.
let selfTree = null;
function copySelf(build) {
  const dir = path.resolve(build, 'mutate-self', 'tree');
  copyTree(dir);
  // one test of the host build as a suite: quick, and the same mechanics
  fs.appendFileSync(path.join(dir, 'tests', 'tests.mk'), `
.PHONY: test-mutate-one
test-mutate-one: $(call host_test_bin,plain)
\t$(Q)mkdir -p $(TEST_LISTS) && echo sem_wakes_most_urgent_first >$(TEST_LISTS)/mutate-one.list
\t$(Q)TH_ONLY=sem_wakes_most_urgent_first $(TEST_RUN) -l $(TEST_LISTS)/mutate-one.list mutate-one $(TEST_RESULTS)/mutate-one.txt $<
`);
  selfTree = dir;
}
// The next run's copy, made over the copy a run planted in (the killed
// mutant's objects are newer than kernel/sem.c in the tree), must not keep
// the mutant's objects: the unchanged copy's suite passes.
function copiedAgain(build) {
  if (!selfTree) return 'no planted run before this one';
  copySelf(build);
  const r = runSuite(selfTree, 'mutate-one', {});
  return r.ok ? null : `the unchanged copy made after a planted run failed (the mutant's objects kept): ${r.fails.join(' | ') || 'no FAIL line'}`;
}
function plantedRun(build, killable) {
  if (!selfTree) copySelf(build);
  const m = killable
    ? { name: 'sem_give_wakes_no_one', file: 'kernel/sem.c', suites: ['mutate-one'],
        find: require('./mutations.js').find(x => x.name === 'sem_give_wakes_no_one').find,
        replace: require('./mutations.js').find(x => x.name === 'sem_give_wakes_no_one').replace }
    : { name: 'comment_only', file: 'kernel/sem.c', suites: ['mutate-one'],
        find: ' * kernel/sem.c: ', replace: ' * kernel/sem.c (a comment changed): ' };
  const log = console.log;
  let lines = [];
  console.log = s => lines.push(s);
  let res;
  try { res = run(selfTree, [m], null); } finally { console.log = log; }
  if (res === null) return `the unchanged copy failed: ${lines.join(' | ')}`;
  const r = res[0];
  if (killable && !r.killed) return `the planted mutant survived: ${lines.join(' | ')}`;
  if (!killable && r.killed) return `a comment-only change was reported killed: ${lines.join(' | ')}`;
  const want = killable ? /^KILLED sem_give_wakes_no_one by mutate-one/ : /^SURVIVED comment_only/;
  if (!lines.some(l => want.test(l))) return `no line like ${want}: ${lines.join(' | ')}`;
  const text = fs.readFileSync(path.join(selfTree, 'kernel', 'sem.c'), 'utf8');
  if (text !== fs.readFileSync(path.join(root, 'kernel', 'sem.c'), 'utf8'))
    return 'kernel/sem.c of the copy is not restored after the run';
  return null;
}

function main() {
  const a = process.argv.slice(2);
  const list = require('./mutations.js');
  if (a[0] === '--list') { for (const m of list) console.log(m.name); return 0; }
  if (a[0] === '--check') {
    let bad = 0;
    for (const m of list) {
      const p = anchorProblem(root, m);
      if (p) { bad++; console.log(`STALE ${m.name}: ${p}`); }
    }
    console.log(`${list.length - bad} of ${list.length} anchors found once`);
    return bad ? 1 : 0;
  }
  if (a[0] === '--self-test') {
    const checks = selfTest(a[1] || path.join(root, 'build'));
    if (a[2] === '--list') { for (const c of checks) console.log(c[0]); return 0; }
    let p = 0, f = 0;
    for (const [name, fn] of checks) {
      console.log(`TEST ${name}`);
      let why;
      try { why = fn(); } catch (e) { why = `threw ${e.message}`; }
      if (why) { f++; console.log(`FAIL ${name}: ${String(why).slice(0, 400)}`); }
      else { p++; console.log(`PASS ${name}`); }
    }
    console.log(`${p} passed, ${f} failed`);
    return f ? 1 : 0;
  }
  let sel = list, out = null, tree = path.join(root, 'build', 'mutate', 'tree');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--only') {
      const names = a[++i].split(',');
      sel = list.filter(m => names.includes(m.name));
      const unknown = names.filter(n => !list.some(m => m.name === n));
      if (unknown.length) { console.error(`mutate: no mutation named ${unknown.join(', ')}`); return 2; }
    } else if (a[i] === '--out') {
      out = a[++i];
    } else if (a[i] === '--tree') {
      tree = path.resolve(a[++i]);
    } else {
      console.error('usage: tools/mutate.js [--only NAME,...] [--out FILE] [--tree DIR] | --check | --list | --self-test BUILD [--list]');
      return 2;
    }
  }
  const dir = tree;
  if (out) { fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true }); fs.writeFileSync(out, ''); }
  copyTree(dir);
  const res = run(dir, sel, out);
  if (res === null) return 1;
  return res.every(r => r.killed) ? 0 : 1;
}

process.exitCode = main();
