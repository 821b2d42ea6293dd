'use strict';
// SIO: FIFOs, their interrupts, spinlocks, per-core divider/interpolator, races.
const test = require('node:test');
const assert = require('node:assert');
const { run, assertPass, values } = require('./helpers');

test('FIFO: 8 words deep, sticky WOF/ROE, cleared by writing FIFO_ST', () => {
  const res = run('t_fifo', {
    setup(sim) {
      // watch the FIFO from outside too: core 0's outgoing FIFO holds 8 words at most
      let max = 0;
      sim.on('line', () => {});
      const f = sim.sioShared.fifo[0];
      const orig = f.push.bind(f);
      f.push = (v) => { orig(v); max = Math.max(max, f.count); };
      sim._maxFifo = () => max;
    },
  });
  assertPass(assert, res);
  assert.strictEqual(res.sim._maxFifo(), 8);
  assert.strictEqual(res.sim.cores[0].sio.pushed, 8, 'the 9th word (written when full) is not counted as pushed');
});

test('fw_fifo_drain (the test firmware\'s own): bounded by the FIFO\'s depth against a core 1 that never stops pushing', () => {
  const res = run('t_fifo_drain');
  assertPass(assert, res);
  const v = values(res.out);
  assert.strictEqual(v.first, 8, res.out);
  assert.ok(v.max <= 8 && v.total > 8, res.out);
});

test('FIFO IRQs: SIO_IRQ_PROC0 (15) only to core 0, SIO_IRQ_PROC1 (16) only to core 1, raised by VLD, ROE and WOF', () => {
  const res = run('t_irq_route');
  assertPass(assert, res);
  const v = values(res.out);
  assert.strictEqual(v.c0_irq16, 0);
  assert.strictEqual(v.c1_irq15, 0);
  assert.ok(v.c0_irq15 >= 1 && v.c1_irq16 >= 3, res.out);
  assert.strictEqual(v.c1_roe, 1, 'read when empty raises core 1\'s IRQ 16');
  assert.strictEqual(v.c1_wof, 1, 'write when full raises core 1\'s IRQ 16');
  assert.strictEqual(res.sim.cores[0].exceptionCounts[16 + 16], 0);
  assert.strictEqual(res.sim.cores[1].exceptionCounts[16 + 15], 0);
});

test('spinlocks: read claims, write releases, SPINLOCK_ST, shared by both cores', () => {
  const res = run('t_spinlock');
  assertPass(assert, res);
  assert.strictEqual(values(res.out).spinlock_claim, 1 << 5);
});

test('race: an unlocked counter loses updates, a spinlock-protected one is exact', () => {
  const res = run('t_race');
  assertPass(assert, res);
  const v = values(res.out);
  assert.strictEqual(v.locked, v.expected);
  assert.ok(v.lost > v.expected / 10, `expected lost updates without the lock: ${res.out}`);
});

test('race: the locked count stays exact whatever the phase between the cores', () => {
  const losses = [];
  for (let skew = 0; skew < 6; skew++) {
    const res = run('t_race', { setup: (sim) => sim.write32(sim.symbol('start_skew'), skew) });
    assertPass(assert, res);
    const v = values(res.out);
    assert.strictEqual(v.locked, v.expected, `skew ${skew}`);
    losses.push(v.lost);
  }
  assert.ok(losses.filter((n) => n > 0).length >= 3, `losses per skew: ${losses}`);
});

test('SIO per core: CPUID, divider and interpolators are separate; GPIO is shared', () => {
  assertPass(assert, run('t_sio_misc'));
});
