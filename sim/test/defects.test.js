'use strict';
// Emulator defects found running third-party firmware (pico-sdk examples):
// stores to the boot ROM, bkpt in a HardFault handler, a last console line
// without a newline; and the bkpt exit statuses around them.
const test = require('node:test');
const assert = require('node:assert');
const { run, assertPass, fw, cli } = require('./helpers');

const scenario = (n) => (sim) => sim.write32(sim.symbol('scenario'), n);

test('boot ROM: stores of every width are ignored, as on the chip (no fault, contents unchanged)', () => {
  const res = run('t_defects', { maxMs: 100, setup: scenario(0) });
  assertPass(assert, res);
  assert.match(res.out, /rom writes ignored/);
  assert.strictEqual(res.sim.cores[0].faults, 0);
});

test('bkpt in the HardFault handler: reported as a fault, not a pass', () => {
  const res = run('t_defects', { maxMs: 100, setup: scenario(1) });
  assert.strictEqual(res.r.reason, 'fault-bkpt');
  assert.strictEqual(res.r.core, 0);
  assert.match(res.r.message, /bkpt #0 in the HardFault handler/);
  assert.match(res.r.message, /unmapped address 0x30000000/);
  assert.doesNotMatch(res.out, /not reached/);
});

test('bkpt in the HardFault handler: exit status 111 from the command line', () => {
  const r = cli([fw('t_defects'), '--gpio-in', '2=1', '--max-ms', '100']);
  assert.strictEqual(r.code, 111, r.stderr);
  assert.match(r.stderr, /stopped on a fault: core 0: bkpt #0 in the HardFault handler/);
  // --quiet keeps it: a fault is not a status a test image chose
  const q = cli([fw('t_defects'), '--gpio-in', '2=1', '--max-ms', '100', '--quiet']);
  assert.strictEqual(q.code, 111, q.stderr);
  assert.match(q.stderr, /stopped on a fault/);
});

test('a marked bkpt in the HardFault handler (r12 = "tdex", as port_exit sets it) exits with its number', () => {
  const res = run('t_defects', { maxMs: 100, setup: scenario(4) });
  assert.strictEqual(res.r.reason, 'bkpt');
  assert.strictEqual(res.r.code, 3);
  assert.strictEqual(res.sim.cores[0].IPSR, 3, 'stopped in the HardFault handler');
  const r = cli([fw('t_defects'), '--gpio-in', '4=1', '--max-ms', '100']);
  assert.strictEqual(r.code, 3, r.stderr);
  assert.match(r.stderr, /bkpt #3 on core 0/);
  assert.doesNotMatch(r.stdout, /not reached/);
});

test('bkpt #N above 109 exits 109, the message with the real number', () => {
  const r = cli([fw('t_defects'), '--gpio-in', '2=1', '--gpio-in', '4=1', '--max-ms', '100']);
  assert.strictEqual(r.code, 109, r.stderr);
  assert.match(r.stderr, /bkpt #110 on core 0/);
});

test('a last line without a newline is printed and matched by --until (firmware ends with bkpt #0)', () => {
  const r = cli([fw('t_defects'), '--gpio-in', '3=1', '--until', 'without a newline', '--max-ms', '100']);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.match(r.stdout, /uart0 c0\| last line without a newline$/m);
  assert.match(r.stderr, /the last line, without a newline/);
});

test('a last line without a newline: printed when the run ends by its bound, and matched', () => {
  let r = cli([fw('t_defects'), '--gpio-in', '2=1', '--gpio-in', '3=1', '--max-ms', '50']);
  assert.strictEqual(r.code, 123, r.stderr);
  assert.match(r.stdout, /uart0 c0\| the end, no newline$/m);
  r = cli([fw('t_defects'), '--gpio-in', '2=1', '--gpio-in', '3=1', '--max-ms', '50', '--until', 'the end']);
  assert.strictEqual(r.code, 0, r.stderr);
  r = cli([fw('t_defects'), '--gpio-in', '2=1', '--gpio-in', '3=1', '--max-ms', '50', '--until', 'no match here']);
  assert.strictEqual(r.code, 123, r.stderr);
});
