'use strict';
// Faults, lockup and the MPU.
const test = require('node:test');
const assert = require('node:assert');
const { run, assertPass } = require('./helpers');

test('faults: unmapped, unaligned, undefined, XN fetch, Thumb bit, SVC with PRIMASK', () => {
  const res = run('t_fault', { maxMs: 200 });
  assertPass(assert, res);
  const ok = res.lines.filter((l) => l.text.startsWith('ok ')).map((l) => l.text.split(' ')[1]);
  assert.deepStrictEqual(ok, ['unmapped_read', 'unmapped_write', 'unaligned_word', 'unaligned_half', 'unaligned_ldm',
    'udf', 'undefined_32bit', 'undefined_16bit', 'exec_peripheral', 'thumb_bit_bx', 'thumb_bit_blx', 'svc_primask']);
  assert.strictEqual(res.sim.cores[0].faults, 12);
});

function lockup(scenario) {
  return run('t_lockup', { maxMs: 50, setup: (sim) => sim.write32(sim.symbol('scenario'), scenario) });
}

test('lockup: a fault inside the HardFault handler stops the run with core, PC and history', () => {
  const { sim, r } = lockup(0);
  assert.strictEqual(r.reason, 'lockup');
  assert.strictEqual(r.core, 0);
  assert.strictEqual(r.pc, sim.symbol('lockup_at'));
  assert.match(r.message, /HardFault handler/);
  assert.ok(r.history.length >= 8 && r.history[r.history.length - 1] === r.pc);
});

test('lockup: a fault while VTOR points at the boot ROM is reported with the faulting PC', () => {
  const { r } = lockup(1);
  assert.strictEqual(r.reason, 'lockup');
  assert.match(r.message, /VTOR still points at the boot ROM/);
  assert.match(r.message, /0x30000004/);
});

test('lockup: core 1 locking up is reported as core 1', () => {
  const { sim, r } = lockup(2);
  assert.strictEqual(r.reason, 'lockup');
  assert.strictEqual(r.core, 1);
  assert.strictEqual(r.pc, sim.symbol('lockup_at'));
});

test('MPU: guard subregion, XN, unprivileged access, HFNMIENA=0 handler, stack overflow into a guard', () => {
  const res = run('t_mpu');
  assertPass(assert, res);
  assert.strictEqual(res.sim.cores[0].faults, 8);
  assert.strictEqual(res.sim.cores[1].faults, 0, "core 0's MPU does not apply to core 1");
});

test('MPU: an interrupt whose stacking runs into a thread\'s guard: HardFault in its place, no lockup', () => {
  const res = run('t_stackfault');
  assertPass(assert, res);
  assert.strictEqual(res.sim.cores[0].faults, 1);
  assert.strictEqual(res.sim.cores[0].exceptionCounts[3], 1, 'one HardFault');
  assert.strictEqual(res.sim.cores[0].exceptionCounts[15], 1, 'SysTick taken once, after it');
});
