'use strict';
// The two cores: scheduling, sleep and wake-up, SysTick, exception costs.
const test = require('node:test');
const assert = require('node:assert');
const { run, assertPass, values } = require('./helpers');
const { ENTRY_CYCLES, RETURN_CYCLES } = require('../lib/core');

test('both cores run and print, each line tagged with its core', () => {
  const res = run('t_hello');
  assertPass(assert, res);
  const tags = res.lines.map((l) => `${l.core}:${l.text}`);
  assert.ok(tags.includes('0:hello from core 0'), tags.join('\n'));
  assert.ok(tags.includes('1:hello from core 1'), tags.join('\n'));
  assert.ok(res.lines.every((l) => l.uart === 0));
});

test('cycle order: neither core runs ahead of the other by more than one instruction', () => {
  const { Simulator } = require('../lib');
  const { fw } = require('./helpers');
  const sim = new Simulator();
  sim.loadFile(fw('t_race'));
  let worst = 0;
  sim.tracer = () => {
    const [a, b] = sim.cores;
    if (a.state === 0 && b.state === 0) worst = Math.max(worst, Math.abs(a.cycles - b.cycles));
  };
  const r = sim.run({ maxMs: 50 });
  assert.strictEqual(r.reason, 'bkpt');
  // the longest instruction charges a few cycles (LDM/PUSH of 8 registers, exception entry 15)
  assert.ok(worst <= ENTRY_CYCLES + 10, `cores drifted apart by ${worst} cycles`);
});

test('WFE/SEV: a core sleeps until the other signals; SEV sets its own event; WFI with PRIMASK; SEVONPEND', () => {
  const res = run('t_sleep');
  assertPass(assert, res);
  const c1 = res.sim.cores[1];
  assert.ok(c1.sleepCycles > 100000, `core 1 slept ${c1.sleepCycles} cycles`);
  // a wake-up of a few dozen cycles read on the 1 us TIMER: 0 or 1 by phase
  assert.ok(/A c1_slept_us=\d+ c1_wake_delay_us=[01]\b/.test(res.out), res.out);
  assert.ok(/C woke_after_target_us=0 hits_while_masked=0 pending=1 hits_after=1/.test(res.out), res.out);
  assert.ok(/D woke_after_target_us=0 irq1_pending=1 hits=0/.test(res.out), res.out);
});

test('SysTick per core: each core counts its own cycles and interrupts only itself', () => {
  const res = run('t_systick');
  assertPass(assert, res);
  const v = values(res.out);
  assert.strictEqual(v.ticks0, 100);
  assert.strictEqual(v.ticks1, 40);
  assert.strictEqual(v.nop100_cycles, 102);
});

test('exception entry and return cost the documented cycles (SVC round trip)', () => {
  const res = run('t_systick');
  assertPass(assert, res);
  // LDR (2) + SVC (1) + entry + handler BX LR (2) + return
  assert.strictEqual(values(res.out).svc_roundtrip_cycles, 2 + 1 + ENTRY_CYCLES + 2 + RETURN_CYCLES);
});

test('sleeping cycles are counted apart and a sleeping core does not hold the other back', () => {
  const res = run('t_ticker', { until: /tick 20$/ });
  assert.strictEqual(res.r.reason, 'until');
  const [c0, c1] = res.sim.cores;
  // core 1 waits in the ROM (WFE) the whole time; core 0 sleeps in WFI between ticks
  assert.ok(c1.sleepCycles > 0.99 * c1.cycles, `core 1: ${c1.sleepCycles} of ${c1.cycles}`);
  assert.ok(c0.sleepCycles > 0.5 * c0.cycles, `core 0: ${c0.sleepCycles} of ${c0.cycles}`);
  assert.ok(Math.abs(res.sim.timeSeconds - 0.020) < 0.0015, `t=${res.sim.timeSeconds}`);
});
