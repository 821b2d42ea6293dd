#!/usr/bin/env node
/*
 * tests/faults/run.js: the 'faults' suite. Runs every fault scenario image
 * (tests/faults/faults.mk, tests/faults/main.c) in tandem-sim and checks
 * its console: the report (right core, thread, reason, details, one whole
 * block), the other core going on, and what the policy promises (halted,
 * thread ended, core 1 back with semaphores and messages working within a
 * bound, the report again after a watchdog reboot). Also runs
 * tools/fault-addr2line on a real report, and the watchdog's scenarios
 * (tests/faults/watchdog.c): a hung thread or kernel of either core named
 * in the report within its limit, core 1 restarted or the chip rebooted
 * with the report kept, and the chip's own counter resetting the chip when
 * both cores hang.
 *
 *   node tests/faults/run.js BUILD_DIR [IMAGE...]
 *   node tests/faults/run.js --list [IMAGE...]
 *
 * Prints "TEST name", then "PASS name" or "FAIL name: reason" per check,
 * and "N passed, M failed" at the end; exit status 1 if any failed. --list
 * prints only the checks' names: the same code runs without the emulator,
 * every check skipped, so the list is what a run reports (no check exists
 * only when another passed: one whose input is missing fails instead). An
 * image that is not built, or whose case throws, fails every check it did
 * not reach.
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const path = require('path');
const fs = require('fs');

const listing = process.argv[2] === '--list';
const build = listing ? null : process.argv[2] || 'build';
const only = process.argv.slice(3);
const root = path.join(__dirname, '..', '..');
const sim = path.join(root, 'sim', 'tandem-sim');
const RESTART_BOUND_S = 0.1;       /* END of the report to "c1 start 2" */
const RUN_LIMIT_MS = 180000;       /* real time for one emulator run */

/* The images built in another tree than BUILD_DIR/faults: case name -> path under BUILD_DIR. */
const IMAGE_PATHS = {};
for (const n of ['null-c0', 'spin-c1', 'wd-kernel1-restart', 'wd-thread1-restart'])
  IMAGE_PATHS[`ring-${n}`] = path.join('trace-ring', 'faults', `${n}.elf`);
const imagePath = (n) => path.join(build, IMAGE_PATHS[n] || path.join('faults', n + '.elf'));

function run(image, ms) {
  if (listing) return Promise.resolve({ code: null, out: '', lines: [] });
  const elf = imagePath(image);
  return new Promise((resolve, reject) => {
    const p = spawn(sim, [elf, '--max-ms', String(ms)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const limit = setTimeout(() => p.kill('SIGKILL'), RUN_LIMIT_MS);
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('error', (e) => { clearTimeout(limit); reject(new Error(`tandem-sim ${image}: ${e.message}`)); });
    p.on('close', (code, signal) => {
      clearTimeout(limit);
      if (signal) {
        reject(new Error(`tandem-sim ${image}: killed by ${signal}` +
          (signal === 'SIGKILL' ? ` (no end within ${RUN_LIMIT_MS / 1000} s)` : '')));
        return;
      }
      const lines = [];
      for (const l of out.split('\n')) {
        const m = /^\[\s*([\d.]+) s\] uart(\d) (c\d|--)\| (.*)$/.exec(l);
        if (m) lines.push({ t: +m[1], core: m[3] === '--' ? -1 : +m[3][1], text: m[4] });
      }
      resolve({ code, out, lines });
    });
  });
}

let passed = 0, failed = 0;
function check(out, name, fn) {
  if (listing) { out.push(name); return; }
  out.push(`TEST ${name}`);
  let why;
  try { why = fn(); } catch (e) { why = e.message; }
  if (why) { failed++; out.push(`FAIL ${name}: ${why}`); } else { passed++; out.push(`PASS ${name}`); }
}

const idx = (r, re, from = 0, core) =>
  r.lines.findIndex((l, i) => i >= from && (core === undefined || l.core === core) && re.test(l.text));

/* The report block of core 'core': [head, end] line indexes, written whole. */
function report(r, core, by = core) {
  const head = idx(r, new RegExp(`^\\*\\*\\* FAULT core ${core}, `));
  if (head < 0) return { why: `no report of core ${core}` };
  const end = idx(r, new RegExp(`^\\*\\*\\* END FAULT core ${core}$`), head);
  if (end < 0) return { why: 'report not ended' };
  for (let i = head; i <= end; i++)
    if (r.lines[i].core !== by) return { why: `line ${i - head} of the report is from core ${r.lines[i].core}: "${r.lines[i].text}"` };
  return { head, end, text: r.lines.slice(head, end + 1).map((l) => l.text) };
}

/* Values of "c<core> count N" after line 'from': at least n, increasing. */
function counts(r, core, from, n = 4) {
  const v = r.lines.slice(from).filter((l) => l.core === core && /^c\d count \d+$/.test(l.text))
    .map((l) => +l.text.split(' ')[2]);
  if (v.length < n) return `core ${core} counted ${v.length} times after the report`;
  for (let i = 1; i < v.length; i++) if (v[i] <= v[i - 1]) return `core ${core} count went ${v[i - 1]} -> ${v[i]}`;
  return null;
}

const REASONS = {
  null: ['null pointer', /^ {4}4-byte access at 0x00000008$/],
  udf: ['invalid instruction', /^ {4}undefined instruction 0x0000de07 at pc$/],
  misaligned: ['misaligned access', /^ {4}4-byte access at 0x200[0-9a-f]{4}[13579bdf]$/],
  tstack: ['stack overflow', /^ {4}the thread's stack ends at 0x200[0-9a-f]{5}; its guard was hit/],
  mstack: ['main stack overflow', /^ {4}the main stack ends at 0x2004(0|1)080; an interrupt handler ran into its guard$/],
  assert: ['assertion failed', /^ {4}v == 42 \(tests\/faults\/main\.c:\d+\)$/],
  console: ['null pointer', /^ {4}1-byte access at 0x00000010$/],
};

/* One image: name -> { ms, checks(r) } */
function faultCase(scen, core, policy) {
  return async (name, out) => {
    const r = await run(name, policy === 'REBOOT' ? 600 : 700);
    const [reason, detail] = REASONS[scen];
    const other = core ^ 1;
    const rep = report(r, core);
    check(out, `${name}_report`, () => {
      if (rep.why) return rep.why;
      const who = scen === 'mstack' ? 'interrupt handler over thread "[^"]+"' : 'thread "victim"';
      if (!new RegExp(`^\\*\\*\\* FAULT core ${core}, ${who}: ${reason}$`).test(rep.text[0]))
        return `head: "${rep.text[0]}"`;
      if (!rep.text.some((t) => detail.test(t))) return `no detail line like ${detail}`;
      const regs = rep.text.find((t) => /^ {4}(pc 0x|pc, lr, xpsr lost)/.test(t));
      if (!regs) return 'no pc/sp line';
      if ((scen === 'tstack' || scen === 'mstack') !== /lost: the stack was full/.test(regs))
        return `registers: "${regs}"`;
      if (scen !== 'assert' && !rep.text.some((t) => /^ {4}r0 0x[0-9a-f]{8}  r1 /.test(t))) return 'no r0-r3 line';
      if (!rep.text.some((t) => /^ {4}action: /.test(t))) return 'no action line';
      if (scen === 'console' && !rep.text.some((t) => /held the console lock/.test(t))) return 'console lock not mentioned';
      if (['null', 'udf', 'misaligned', 'assert'].includes(scen) &&
          !rep.text.some((t) => /^ {4}call chain: 0x1/.test(t))) return 'no call chain';
    });
    check(out, `${name}_other_core_runs`, () => rep.why || counts(r, other, rep.end + 1));
    if (policy === 'HALT') {
      check(out, `${name}_halted`, () => {
        if (rep.why) return rep.why;
        const after = r.lines.slice(rep.end + 1).filter((l) => l.core === core);
        if (after.length) return `core ${core} printed after halting: "${after[0].text}"`;
      });
    } else if (policy === 'KILL_THREAD') {
      check(out, `${name}_thread_ended_core_goes_on`, () => {
        if (rep.why) return rep.why;
        if (!rep.text.some((t) => /action: the thread is ended/.test(t))) return 'action is not ending the thread';
        if (idx(r, /^victim survived$/) >= 0) return 'the victim went on';
        if (idx(r, /^msg ok \d+$/, rep.end + 1, 0) < 0) return 'messages stopped';
        return counts(r, core, rep.end + 1);
      });
    } else if (policy === 'RESTART') {
      check(out, `${name}_core1_restarted`, () => {
        if (rep.why) return rep.why;
        const s = idx(r, /^c1 start 2$/, rep.end, 1);
        if (s < 0) return 'core 1 did not start again';
        const dt = r.lines[s].t - r.lines[rep.end].t;
        if (dt > RESTART_BOUND_S) return `core 1 back ${dt.toFixed(4)} s after the report (bound ${RESTART_BOUND_S})`;
        if (idx(r, /^\*\*\* core 0: core 1 restarted, restart 1$/, rep.end, 0) < 0) return 'no restart line';
        return counts(r, 1, s);
      });
      check(out, `${name}_core1_answers_after_restart`, () => {
        if (rep.why) return rep.why;
        const s = idx(r, /^c1 start 2$/, rep.end, 1);
        if (s < 0) return 'no restart';
        if (idx(r, /^ping ok \d+$/, s, 0) < 0) return 'no semaphore ping answered after the restart';
        if (idx(r, /^msg ok \d+$/, s, 0) < 0) return 'no message answered after the restart';
      });
    } else if (policy === 'REBOOT') {
      check(out, `${name}_reported_after_reboot`, () => {
        if (rep.why) return rep.why;
        const p = idx(r, new RegExp(`^\\*\\*\\* PREVIOUS RUN: FAULT core ${core}, thread "victim": ${reason}$`), rep.end, 0);
        if (p < 0) return 'no report of the previous run';
        if (idx(r, /^\*\*\* END PREVIOUS RUN$/, p, 0) < 0) return 'previous-run report not ended';
        if (r.lines.filter((l) => /^\*\*\* PREVIOUS RUN/.test(l.text)).length !== 1) return 'reported more than once';
        const s = idx(r, /^c1 start 1$/, p, 1);
        if (s < 0) return 'core 1 did not start after the reboot';
        return counts(r, 0, s) || counts(r, 1, s);
      });
    }
    if (name === 'null-c0') {
      check(out, 'addr2line_tool_on_a_report', () => {
        const tool = path.join(root, 'tools', 'fault-addr2line');
        const elf = path.join(build, 'faults', name + '.elf');
        const t = spawnSync(tool, [elf], { input: r.out, encoding: 'utf8' });
        if (t.status !== 0) return `exit ${t.status}: ${t.stderr}`;
        if (!/0x1[0-9a-f]{7} is in fault_null at tests\/faults\/main\.c:\d+/.test(t.stdout)) return 'pc not named fault_null';
        if (!/returns into victim_main at tests\/faults\/main\.c:\d+/.test(t.stdout)) return 'lr not named victim_main';
      });
    }
    if (name === 'assert-c0') {
      /* An assertion's report has no lr: its caller can only come from the
       * scan of the stack, so this checks the call chain's heuristic. */
      check(out, 'call_chain_from_the_stack', () => {
        if (rep.why) return rep.why;
        const chain = rep.text.find((t) => /^ {4}call chain:/.test(t)) || '';
        if (chain.trim().split(/\s+/).length < 4) return `chain too short: '${chain.trim()}'`;
        const tool = path.join(root, 'tools', 'fault-addr2line');
        const elf = path.join(build, 'faults', name + '.elf');
        const t = spawnSync(tool, [elf], { input: r.out, encoding: 'utf8' });
        if (t.status !== 0) return `exit ${t.status}: ${t.stderr}`;
        if (!/returns into victim_main at tests\/faults\/main\.c:\d+/.test(t.stdout)) return 'victim_main not found on the stack';
      });
    }
  };
}

const cases = {};
for (const scen of Object.keys(REASONS)) {
  cases[`${scen}-c0`] = faultCase(scen, 0, 'HALT');
  cases[`${scen}-c1`] = faultCase(scen, 1, 'RESTART');
}
cases['null-kill-c0'] = faultCase('null', 0, 'KILL_THREAD');
cases['tstack-kill-c0'] = faultCase('tstack', 0, 'KILL_THREAD');
cases['assert-kill-c1'] = faultCase('assert', 1, 'KILL_THREAD');
cases['tstack-reboot-c1'] = faultCase('tstack', 1, 'REBOOT');
cases['mstack-kill-c0'] = async (name, out) => {
  const r = await run(name, 500);
  const rep = report(r, 0);
  check(out, `${name}_escalates_to_halt`, () => rep.why ||
    (rep.text.some((t) => /action: halt the core \(no thread to end\)/.test(t)) ? null : 'not escalated'));
  check(out, `${name}_other_core_runs`, () => rep.why || counts(r, 1, rep.end + 1));
};
cases['holdx-c1'] = async (name, out) => {
  const r = await run(name, 1200);
  check(out, `${name}_hold_reported`, () => {
    const h = idx(r, /^\*\*\* HOLD td_xmutex 0x2[0-9a-f]{7} held \d+ ms by core 1, thread "victim"; waiting: 1 on core 0, 0 on core 1$/);
    if (h < 0) return 'no hold report';
    const ms = +/held (\d+) ms/.exec(r.lines[h].text)[1];
    if (ms < 300 || ms > 400) return `reported after ${ms} ms (limit 300)`;
    if (r.lines.filter((l) => /^\*\*\* HOLD/.test(l.text)).length !== 1) return 'reported more than once';
    if (idx(r, /^mutex wait: TD_ERR_TIMEOUT$/, h, 0) < 0) return 'the waiter did not time out';
    return counts(r, 0, h) || counts(r, 1, h);
  });
};
/* spin: core 0's awaiter (td_msg_await_remote for an endpoint never
 * subscribed) ends with TD_ERR_PEER_DOWN when supervision stops core 1,
 * which sent no fault notice: no later than 50 ms after the report, not at
 * its 3 s timeout; 'again' is its next await's line. */
function awaitEndedByStop(r, out, name, rep, again) {
  check(out, `${name}_await_ended_by_the_stop`, () => {
    if (rep.why) return rep.why;
    const a = idx(r, /^await: /, 0, 0);
    if (a < 0) return 'no await line (still waiting)';
    if (!/^await: TD_ERR_PEER_DOWN after \d+ ms$/.test(r.lines[a].text)) return `"${r.lines[a].text}"`;
    const dt = r.lines[a].t - r.lines[rep.head].t;
    if (dt < 0 || dt > 0.05) return `ended ${dt.toFixed(4)} s after the report began`;
  });
  check(out, `${name}_await_again`, () => {
    const a = idx(r, /^await again: /, 0, 0);
    if (a < 0) return 'no second await line';
    return again.test(r.lines[a].text) ? null : `"${r.lines[a].text}" (${again} expected)`;
  });
}
cases['spin-halt-c1'] = async (name, out) => {
  const r = await run(name, 700);
  const rep = report(r, 1, 0);
  check(out, `${name}_lockup_reported_by_core0`, () => {
    if (rep.why) return rep.why;
    if (rep.text[0] !== '*** FAULT core 1, thread "victim": not responding') return `head: ${rep.text[0]}`;
    if (idx(r, /^c1 start 2$/, rep.end, 1) >= 0) return 'core 1 restarted under the halt policy';
    return counts(r, 0, rep.end + 1);
  });
  /* halted for good: a new await is refused at once */
  awaitEndedByStop(r, out, name, rep, /^await again: TD_ERR_PEER_DOWN after 0 ms$/);
};
cases['spin-c1'] = async (name, out) => {
  const r = await run(name, 700);
  check(out, `${name}_lock_hold_reported`, () =>
    idx(r, /^\*\*\* HOLD td_lock 19 held \d+ ms by core 1, thread "victim"; its core's interrupts are masked meanwhile$/, 0, 0) >= 0
      ? null : 'no td_lock hold report');
  const rep = report(r, 1, 0);
  check(out, `${name}_lockup_reported_by_core0`, () => {
    if (rep.why) return rep.why;
    if (rep.text[0] !== '*** FAULT core 1, thread "victim": not responding') return `head: ${rep.text[0]}`;
    if (!rep.text.some((t) => /^ {4}no tick for 2\d\d ms: locked up, or interrupts masked too long \(seen by core 0\)$/.test(t))) return 'no heartbeat line';
    if (!rep.text.some((t) => t === '    it holds td_lock 19, taken by thread "victim"')) return 'held lock not named';
  });
  check(out, `${name}_core1_restarted`, () => {
    if (rep.why) return rep.why;
    const s = idx(r, /^c1 start 2$/, rep.end, 1);
    if (s < 0) return 'core 1 not restarted';
    if (idx(r, /^msg ok \d+$/, s, 0) < 0) return 'messages not answered after the restart';
    return counts(r, 1, s);
  });
  /* relaunched at once: a new await waits for it (to its 100 ms timeout) */
  awaitEndedByStop(r, out, name, rep, /^await again: TD_ERR_TIMEOUT after (9\d|10\d) ms$/);
  /* core 0's next tick sees the restarted core 1 running before its first tick: the
   * heartbeat's window opens at the restart, not at the stall reported */
  check(out, `${name}_reported_and_restarted_once`, () => {
    const heads = r.lines.filter((l) => /^\*\*\* FAULT core 1, /.test(l.text)).length;
    if (heads !== 1) return `${heads} reports of core 1`;
    if (idx(r, /^\*\*\* core 0: core 1 restarted, restart 1$/) < 0) return 'no restart line';
    const again = idx(r, /^(\*\*\* core 0: core 1 restarted, restart [2-9]|c1 start 3)$/);
    return again < 0 ? null : `restarted again: "${r.lines[again].text}"`;
  });
};
/* core 1's victim reported for its null pointer: the report's block, r's */
function victimNullReport(r, out, name) {
  const rep = report(r, 1);
  check(out, `${name}_report`, () => rep.why ||
    (rep.text[0] === '*** FAULT core 1, thread "victim": null pointer' ? null : `head: ${rep.text[0]}`));
  return rep;
}
cases['heldfault-c1'] = async (name, out) => {
  const r = await run(name, 700);
  const rep = victimNullReport(r, out, name);
  check(out, `${name}_locks_released_to_core0`, () => {
    if (rep.why) return rep.why;
    const w = idx(r, /^waiting for the mutex$/, 0, 0);
    if (w < 0 || w > rep.head) return 'core 0 did not wait before the fault';
    const m = idx(r, /^mutex wait: /, rep.end, 0);
    if (m < 0 || r.lines[m].text !== 'mutex wait: TD_OK') return `core 0: ${m < 0 ? 'no mutex' : r.lines[m].text}`;
    if (idx(r, /^td_lock take: TD_OK$/, m, 0) < 0) return 'the td_lock core 1 held is not free';
    if (idx(r, /^c1 start 2$/, rep.end, 1) < 0) return 'core 1 not restarted';
  });
};
/* spinover: core 0's thread spins in td_lock_take (interrupts masked) for the
 * td_lock core 1's victim holds as it faults; core 1 halts, and core 0 takes
 * the lock over from it, after the report, then takes it again as usual. */
cases['spinover-c1'] = async (name, out) => {
  const r = await run(name, 500);
  const rep = victimNullReport(r, out, name);
  check(out, `${name}_lock_taken_over_by_core0`, () => {
    if (rep.why) return rep.why;
    const o = idx(r, /^td_lock taken over: /, 0, 0);
    if (o < 0) return 'core 0 did not take the lock';
    if (o < rep.end) return 'taken before core 1\'s report ended';
    if (r.lines[o].text !== 'td_lock taken over: TD_OK') return `core 0: ${r.lines[o].text}`;
    const a = idx(r, /^td_lock take again: /, o, 0);
    if (a < 0 || r.lines[a].text !== 'td_lock take again: TD_OK') return `then: ${a < 0 ? 'nothing' : r.lines[a].text}`;
    return counts(r, 0, o);
  });
};
/* A fault inside the fault path (the victim's name in the null region, read
 * by the report of its failed assertion): one whole line, no report, the
 * core halts; the other core goes on (and restarts core 1 under its policy). */
function nestedCase(core, policy) {
  return async (name, out) => {
    const r = await run(name, 700);
    const line = `*** FAULT core ${core}: a fault in the fault path (reason 02); halted`;
    const at = r.lines.findIndex((l) => l.text === line);
    check(out, `${name}_one_line`, () => {
      if (at < 0) {
        const l = r.lines.find((x) => /fault in the fault/.test(x.text));
        return l ? `the line reads "${l.text}" (from ${l.core < 0 ? 'both cores' : `core ${l.core}`})` : 'no line';
      }
      if (r.lines[at].core !== core) return `the line is from core ${r.lines[at].core}`;
      if (r.lines.some((l) => /^\*\*\* FAULT core \d, /.test(l.text))) return 'a report was written too';
      if (/TX FIFO was full/.test(r.out)) return 'bytes dropped at the UART';
    });
    check(out, `${name}_other_core_runs`, () => (at < 0 ? 'no line' : counts(r, core ^ 1, at + 1)));
    if (policy === 'HALT') {
      check(out, `${name}_halted`, () => {
        if (at < 0) return 'no line';
        const after = r.lines.slice(at + 1).filter((l) => l.core === core);
        if (after.length) return `core ${core} printed after halting: "${after[0].text}"`;
      });
    } else {
      check(out, `${name}_core1_restarted`, () => {
        if (at < 0) return 'no line';
        const s = idx(r, /^c1 start 2$/, at, 1);
        if (s < 0) return 'core 1 did not start again';
        const dt = r.lines[s].t - r.lines[at].t;
        if (dt > RESTART_BOUND_S) return `core 1 back ${dt.toFixed(4)} s after the line (bound ${RESTART_BOUND_S})`;
        return counts(r, 1, s);
      });
    }
  };
}
cases['nested-c0'] = nestedCase(0, 'HALT');
cases['nested-c1'] = nestedCase(1, 'RESTART');

/* The buffered console's draining core faults with 30 lines queued: the
 * other core takes its interrupt over and delivers them, whole and in
 * order, while nobody prints (a writer's own pump would move them too). */
function drainCase(core, policy) {
  return async (name, out) => {
    const r = await run(name, 800);
    const other = core ^ 1;
    const rep = report(r, core);
    check(out, `${name}_report`, () => rep.why ||
      (rep.text[0] === `*** FAULT core ${core}, thread "victim": null pointer` ? null : `head: ${rep.text[0]}`));
    check(out, `${name}_queued_lines_delivered_by_core${other}`, () => {
      if (rep.why) return rep.why;
      if (idx(r, new RegExp(`^buffered on core ${core}: TD_OK$`)) < 0) return 'buffered mode not selected';
      const got = r.lines.map((l, i) => [l, i]).filter(([l]) => /drain line/.test(l.text));
      for (let k = 0; k < 30; k++) {
        const want = `drain line ${String(k + 1).padStart(2, '0')} of 30`;
        if (!got[k] || got[k][0].text !== want) return `line ${k + 1}: ${got[k] ? `"${got[k][0].text}"` : 'missing'}`;
      }
      if (got.length !== 30) return `${got.length} drain lines`;
      const [last, at] = got[29];
      if (at < rep.end) return 'all lines out before the fault: nothing was left queued';
      if (last.core !== other) return `the last line was moved by core ${last.core}`;
      const next = idx(r, /^(c\d count|ping |msg )/, rep.end + 1);
      if (next >= 0 && next < at) return `"${r.lines[next].text}" (a writer's pump) came before the last queued line`;
      const dt = last.t - r.lines[rep.end].t;
      if (dt > 0.1) return `the last queued line came ${dt.toFixed(3)} s after the report`;
    });
    check(out, `${name}_other_core_runs`, () => rep.why || counts(r, other, rep.end + 1));
    if (policy === 'RESTART')
      check(out, `${name}_core1_restarted`, () => (rep.why ? rep.why : idx(r, /^c1 start 2$/, rep.end) >= 0 ? null : 'core 1 not restarted'));  /* (its line moved by core 0) */
    else
      check(out, `${name}_halted`, () => {
        if (rep.why) return rep.why;
        const after = r.lines.slice(rep.end + 1).filter((l) => l.core === core);
        if (after.length) return `core ${core} printed after halting: "${after[0].text}"`;
      });
  };
}
cases['drain-c0'] = drainCase(0, 'HALT');
cases['drain-c1'] = drainCase(1, 'RESTART');

cases.classify = async (name, out) => {
  const r = await run(name, 50);
  check(out, `${name}_bkpt_is_exit`, () => (idx(r, /^classify bkpt: exit 5$/) >= 0 ? null : 'BKPT not read as exit 5'));
  check(out, `${name}_arm_state_is_bad_jump`, () => (idx(r, /^classify arm state: bad jump$/) >= 0 ? null : 'not a bad jump'));
  check(out, `${name}_misaligned_store_decoded`, () =>
    (idx(r, /^classify str: misaligned access at 0x20000001 size 4$/) >= 0 ? null : 'store not decoded'));
  check(out, `${name}_exit_status`, () => (r.code === 0 ? null : `exit ${r.code}`));
};

/* Images built with TRACE=ring (docs/trace.md), run in this process with the kernel's trace
 * attached: a report lists the last 8 trace events of the core it is about, oldest first, and
 * they are the last 8 events the emulator saw that core write before the report's first line
 * (kind, words, number), the last of them 'last' (kind and first word, or kind only). The
 * faulting core's own report (null-c0, the fault event last) and the reports the other core
 * makes of a stuck core: core 1 not responding to the heartbeat with a td_lock taken
 * (spin-c1), to the watchdog (wd-kernel1-restart), and its thread's missed check-in
 * (wd-thread1-restart): they read the stuck core's ring. A core that still runs (its tick goes
 * on) writes events between the report's read and its first line on the wire: for one, 'live'
 * ms bound how long before that line the report's last event was written. */
const TRACE_KINDS = ['?', 'switch', 'thread', 'exit', 'irq-enter', 'irq-exit', 'wait', 'wait-x', 'wake',
  'lock-take', 'lock-give', 'msg-send', 'msg-deliver', 'ep-depth', 'queue', 'fault', 'mark'];
function ringCase(core, by, head, ms, last, live = 0) {
  return async (name, out) => {
    let r = null, seen = [];
    if (!listing) {
      const { Simulator } = require(path.join(root, 'sim', 'lib', 'simulator'));
      const ktrace = require(path.join(root, 'sim', 'lib', 'ktrace'));
      const s = new Simulator({});
      s.loadFile(imagePath(name));
      const kt = ktrace.attach(s, imagePath(name));
      s.run({ maxMs: ms });
      r = { lines: kt.lines.filter((l) => !l.usb).map((l) => ({ t: l.t / 1e9, core: l.core, text: l.text })) };
      seen = kt.events.filter((e) => e.core === core);
    }
    check(out, `${name}_report_trace`, () => {
      const rep = report(r, core, by);
      if (rep.why) return rep.why;
      if (rep.text[0] !== head) return `head: "${rep.text[0]}"`;
      const at = rep.text.findIndex((t) => t === `    trace, last 8 events of core ${core} (seq cycles kind a b):`);
      if (at < 0) return `no trace line in the report:\n${rep.text.join('\n')}`;
      const ev = rep.text.slice(at + 1, at + 9).map((t) => /^ {6}(\d+) (\d+) (\S+) 0x([0-9a-f]{8}) 0x([0-9a-f]{8})$/.exec(t));
      if (ev.some((m) => !m)) return `an event line unreadable: ${rep.text.slice(at + 1, at + 9).join(' | ')}`;
      if (!/^ {4}action: /.test(rep.text[at + 9] || '')) return `the line after the events: "${rep.text[at + 9]}"`;
      const headNs = r.lines[rep.head].t * 1e9;
      let first = seen.filter((e) => e.t < headNs).length - 8;
      if (first < 0) return `the emulator saw ${first + 8} events of core ${core} before the report`;
      if (live) {           /* the events up to when the report was made, some ms before its line */
        while (first >= 0 && (first & 0xffff) !== +ev[0][1]) first--;
        if (first < 0 || headNs - seen[first + 7].t > live * 1e6)
          return `the report's events are not among core ${core}'s last ${live} ms before the report`;
      }
      for (let i = 0; i < 8; i++) {
        const m = ev[i], n = first + i, e = seen[n];
        const got = `${m[1]} ${m[3]} ${m[4]} ${m[5]}`;
        const want = `${n & 0xffff} ${TRACE_KINDS[e.kind]} ${e.a.toString(16).padStart(8, '0')} ${e.b.toString(16).padStart(8, '0')}`;
        if (got !== want) return `event ${i}: the report says '${got}', the emulator saw '${want}'`;
        if (i && ((+m[2] - +ev[i - 1][2]) >>> 0) > 0x7fffffff) return `event ${i}: cycles go back`;
      }
      if (ev[7][3] !== last[0] || (last[1] !== undefined && ev[7][4] !== last[1]))
        return `the last event is not ${last.join(' ')}: ${rep.text[at + 8]}`;
    });
  };
}
/* null-c0: the fault itself last (null pointer, 2) */
cases['ring-null-c0'] = ringCase(0, 0, '*** FAULT core 0, thread "victim": null pointer', 300, ['fault', '00000002']);
/* spin-c1: core 1's last event is its take of td_lock 19 (then it spins, interrupts masked) */
cases['ring-spin-c1'] = ringCase(1, 0, '*** FAULT core 1, thread "victim": not responding', 400, ['lock-take']);
/* wd-kernel1-restart: core 1's last event is the switch to "beat", which then masks its interrupts */
cases['ring-wd-kernel1-restart'] = ringCase(1, 0, '*** FAULT core 1, thread "beat": not responding', 600, ['switch']);
/* wd-thread1-restart: "beat" sleeps for ever; core 1's tick goes on (its interrupt last), so its
 * last events are those of the ms before the report was made (its head line 5 ms on the wire) */
cases['ring-wd-thread1-restart'] = ringCase(1, 0, '*** FAULT core 1, thread "beat": missed its watchdog check-in', 600,
  ['irq-exit'], 10);

cases['alone-c0'] = async (name, out) => {
  const r = await run(name, 700);
  const rep = report(r, 0);
  check(out, `${name}_report`, () => rep.why ||
    (rep.text[0] === '*** FAULT core 0, thread "victim": null pointer' ? null : `head: ${rep.text[0]}`));
  /* No core is left: the fault path ends the run with port_exit(3) from the
   * HardFault handler, which exits 3 (its bkpt is marked), not 111 (a
   * firmware stopped on a fault) nor 123 (the time bound). */
  check(out, `${name}_fault_path_exit_status_3`, () => {
    if (r.code !== 3) return `exit ${r.code}: ${r.out.split('\n').filter((l) => /^tandem-sim:/.test(l)).join(' ')}`;
    if (!/tandem-sim: bkpt #3 on core 0/.test(r.out)) return 'no "bkpt #3 on core 0" message';
  });
  check(out, `${name}_nothing_after_the_report`, () => {
    if (rep.why) return rep.why;
    const after = r.lines.slice(rep.end + 1);
    return after.length ? `printed after the report: "${after[0].text}"` : null;
  });
};

/* ---- the watchdog (tests/faults/watchdog.c) ---------------------------------------- */

/* A watchdog report of core 'core' by core 'by': head, the detail line
 * with the ms seen against the limit, the action; made within 'slack' s
 * of the limit after "hang now". */
function wdReport(r, core, by, kind, limitMs, action) {
  const rep = report(r, core, by);
  if (rep.why) return rep;
  const hang = idx(r, /^hang now$/);
  if (hang < 0 || hang > rep.head) return { why: 'no "hang now" before the report' };
  const what = kind === 'thread' ? 'missed its watchdog check-in' : 'not responding';
  if (rep.text[0] !== `*** FAULT core ${core}, thread "beat": ${what}`) return { why: `head: "${rep.text[0]}"` };
  const re = kind === 'thread'
    ? /^ {4}no check-in for (\d+) ms \(watchdog limit (\d+) ms\)$/
    : /^ {4}its kernel did not check in for (\d+) ms \(watchdog limit (\d+) ms\): locked up, or interrupts masked too long$/;
  const d = rep.text.map((t) => re.exec(t)).find(Boolean);
  if (!d) return { why: `no detail line like ${re}` };
  if (+d[2] !== limitMs || +d[1] < limitMs || +d[1] > limitMs + 5) return { why: `detail: ${d[0].trim()}` };
  const dt = (r.lines[rep.head].t - r.lines[hang].t) * 1000;
  if (dt < limitMs || dt > limitMs + 20) return { why: `reported ${dt.toFixed(1)} ms after the hang (limit ${limitMs} ms)` };
  if (!rep.text.some((t) => t === `    action: ${action}`)) return { why: `action is not "${action}"` };
  return rep;
}

/* After a reboot: the report of the previous run, once, with the same
 * head and detail, td_fault_previous's fields, both cores running. */
function wdPrevious(r, rep, core, kind, limitMs) {
  if (rep.why) return rep.why;
  const p = idx(r, /^\*\*\* PREVIOUS RUN: /, rep.end, 0);
  if (p < 0) return 'no report of the previous run';
  const head = rep.text[0].replace('*** FAULT', '*** PREVIOUS RUN: FAULT');
  if (r.lines[p].text !== head) return `previous head: "${r.lines[p].text}"`;
  if (r.lines[p + 1].text !== rep.text[1]) return `previous detail: "${r.lines[p + 1].text}"`;
  if (r.lines.filter((l) => /^\*\*\* PREVIOUS RUN/.test(l.text)).length !== 1) return 'reported more than once';
  const reason = kind === 'thread' ? 'missed its watchdog check-in' : 'not responding';
  const f = idx(r, new RegExp(`^previous: core ${core} reason ${reason} thread "beat" ms \\d+ limit ${limitMs} action 3 flags 0x1[04]$`), p, 0);
  if (f < 0) return 'td_fault_previous did not return the record';
  const s = idx(r, /^c1 start 1$/, p, 1);
  if (s < 0) return 'core 1 did not start after the reboot';
  if (idx(r, /^misses 0$/, s, 0) < 0) return 'the second run did not end its own way';
  if (/WDSEL/.test(r.out)) return 'the emulator warned of PSM WDSEL: the port did not select the processors';
  return counts(r, 0, s) || counts(r, 1, s);
}

const ESCALATED = 'reboot through the watchdog (core 0 cannot be restarted alone); reported again after start-up';
const REBOOT = 'reboot through the watchdog; reported again after start-up';
const RESTART = 'the watchdog restarts core 1: core 0 resets it and calls its entry again';

function wdRebootCase(core, by, kind, limitMs, action) {
  return async (name, out) => {
    const r = await run(name, 1000);
    const rep = wdReport(r, core, by, kind, limitMs, action);
    check(out, `${name}_report_names_core_and_thread`, () => rep.why);
    check(out, `${name}_kept_across_the_reboot`, () => wdPrevious(r, rep, core, kind, limitMs));
    check(out, `${name}_exit_status`, () => (r.code === 0 ? null : `exit ${r.code}`));
  };
}

function wdRestartCase(kind, limitMs) {
  return async (name, out) => {
    const r = await run(name, 900);
    const rep = wdReport(r, 1, 0, kind, limitMs, RESTART);
    check(out, `${name}_report_names_core_and_thread`, () => rep.why);
    check(out, `${name}_core1_restarted_core0_runs_on`, () => {
      if (rep.why) return rep.why;
      if (idx(r, /^\*\*\* core 0: core 1 restarted, restart 1$/, rep.end, 0) < 0) return 'no restart line';
      const s = idx(r, /^c1 start 2$/, rep.end, 1);
      if (s < 0) return 'core 1 did not start again';
      if (r.lines[s].t - r.lines[rep.end].t > RESTART_BOUND_S) return 'core 1 back too late';
      if (r.lines.some((l) => /^\*\*\* (PREVIOUS RUN|FAULT core 0)/.test(l.text))) return 'the chip rebooted or core 0 faulted';
      if (r.lines.filter((l) => /^\*\*\* FAULT/.test(l.text)).length !== 1) return 'more than one report';
      const hang = idx(r, /^hang now$/);
      return counts(r, 0, hang, 20) || counts(r, 1, s);
    });
  };
}

cases['wd-thread0-reboot'] = wdRebootCase(0, 0, 'thread', 50, REBOOT);
cases['wd-thread0-restart'] = wdRebootCase(0, 0, 'thread', 50, ESCALATED);
cases['wd-kernel1-reboot'] = wdRebootCase(1, 0, 'kernel', 100, REBOOT);
cases['wd-kernel0-restart'] = wdRebootCase(0, 1, 'kernel', 100, ESCALATED);
cases['wd-thread1-restart'] = wdRestartCase('thread', 50);
cases['wd-kernel1-restart'] = wdRestartCase('kernel', 100);
cases['wd-both'] = async (name, out) => {
  const r = await run(name, 1200);
  check(out, `${name}_chip_watchdog_resets`, () => {
    const hang = idx(r, /^hang now$/);
    if (hang < 0) return 'no "hang now"';
    const before = r.lines.slice(0, hang);
    if (before.some((l) => /^\*\*\*/.test(l.text))) return 'a report before the hang (the feed did not hold the counter off)';
    const p = idx(r, /^\*\*\* PREVIOUS RUN: the chip's watchdog ran out: no core could report$/, hang, 0);
    if (p < 0) return 'no report of the chip watchdog';
    if (r.lines.slice(hang, p).some((l) => /^\*\*\* FAULT/.test(l.text))) return 'software reported though both cores were stopped';
    /* the last feed was at the hang (within a tick); the counter: 300 ms;
     * then the boot up to the first line */
    const dt = (r.lines[p].t - r.lines[hang].t) * 1000;
    if (dt < 300 || dt > 330) return `reset ${dt.toFixed(1)} ms after the hang (period 300 ms)`;
    if (idx(r, /^previous: core 0 reason missed its watchdog check-in thread "" ms 0 limit 0 action 3 flags 0x90$/, p, 0) < 0)
      return 'td_fault_previous did not say the chip watchdog';
    if (/WDSEL/.test(r.out)) return 'the emulator warned of PSM WDSEL: the port did not select the processors';
  });
  check(out, `${name}_exit_status`, () => (r.code === 0 ? null : `exit ${r.code}`));
};

/* The checks a case reports, found by running it in list mode. */
function planned(n) {
  return spawnSync(process.execPath, [__filename, '--list', n], { encoding: 'utf8' })
    .stdout.split('\n').filter(Boolean);
}

/* A case that could not run or stopped: every check it did not report fails. */
function stopped(n, out, why) {
  const done = new Set(out.filter((l) => /^(PASS|FAIL) /.test(l)).map((l) => l.replace(/^(PASS|FAIL) ([^:]*).*$/, '$2')));
  const missed = planned(n).filter((c) => !done.has(c));
  for (const c of missed) { failed++; out.push(`FAIL ${c}: not run: ${why}`); }
  if (!missed.length) { failed++; out.push(`FAIL ${n}_runner: ${why}`); }
}

(async () => {
  const names = Object.keys(cases).filter((n) => !only.length || only.includes(n));
  const outs = new Map(names.map((n) => [n, []]));
  if (listing) {
    for (const n of names) await cases[n](n, outs.get(n));
    for (const n of names) for (const l of outs.get(n)) console.log(l);
    return;
  }
  const queue = [];
  for (const n of names) {
    if (fs.existsSync(imagePath(n))) queue.push(n);
    else stopped(n, outs.get(n), `image ${n} not built`);
  }
  let next = 0;
  async function worker() {               /* a few emulators at once */
    while (next < queue.length) {
      const n = queue[next++];
      try {
        await cases[n](n, outs.get(n));
      } catch (e) {
        stopped(n, outs.get(n), `case ${n} stopped: ${e.message}`);
      }
    }
  }
  const jobs = Math.max(1, Math.min(+(process.env.FAULT_JOBS || 4), queue.length));
  await Promise.all(Array.from({ length: jobs }, worker));
  for (const n of names) for (const l of outs.get(n)) console.log(l);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
