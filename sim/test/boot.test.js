'use strict';
// Boot ROM model: boot2 CRC, core 1 launch protocol, PSM reset, watchdog reboot.
const test = require('node:test');
const assert = require('node:assert');
const { run, assertPass, values, fw } = require('./helpers');
const { Simulator } = require('../lib');

test('boot2 CRC: a corrupted boot2 does not boot', () => {
  const sim = new Simulator();
  sim.loadFile(fw('t_hello'));
  sim.mcu.flash[20] ^= 0x40;
  const r = sim.run({ maxMs: 10 });
  assert.strictEqual(r.reason, 'noboot');
  assert.match(r.message, /boot2 CRC mismatch/);
  assert.strictEqual(sim.cores[0].registers[15] < 0x4000, true, 'core 0 stays in the ROM');
});

test('boot2 CRC: a correct boot2 is copied to 0x20041f00 and entered with LR = 0', () => {
  const sim = new Simulator();
  sim.loadFile(fw('t_hello'));
  let entry = null;
  const boot2 = sim.readBytes(0x10000000, 256);
  sim.tracer = (c, pc) => {
    if (c.index === 0 && pc === 0x20041f00 && !entry) entry = { lr: c.registers[14], sp: c.SP, copy: sim.readBytes(0x20041f00, 256).equals(boot2) };
  };
  const r = sim.run({ maxMs: 50 });
  assert.strictEqual(r.reason, 'bkpt');
  assert.deepStrictEqual(entry, { lr: 0, sp: 0x20041f00, copy: true });
});

test('empty flash does not boot', () => {
  const r = new Simulator().run({ maxMs: 10 });
  assert.strictEqual(r.reason, 'noboot');
});

test('wait-for-vector: a wrong echo restarts the handshake; the minimal launch works on a fresh core 1', () => {
  const res = run('t_launch');
  assertPass(assert, res);
  const sim = res.sim;
  const n = sim.read32(sim.symbol('log_n'));
  const sent = [], got = [];
  for (let i = 0; i < n; i++) {
    sent.push(sim.read32(sim.symbol('log_sent') + 4 * i));
    got.push(sim.read32(sim.symbol('log_got') + 4 * i));
  }
  assert.deepStrictEqual([sent[0], got[0]], [1, 0], 'first exchange: 1 answered by the stale 0');
  const tail = sent.slice(-6);
  assert.deepStrictEqual(got.slice(-6), tail, 'the final six words are echoed');
  assert.deepStrictEqual(tail.slice(0, 3), [0, 0, 1]);
  assert.strictEqual(tail[3], sim.symbol('vectors'));
  assert.ok(values(res.out).restarts >= 1);
});

test('wait-for-vector: core 1 sleeps in WFE while it waits', () => {
  const res = run('t_ticker', { until: /tick 3$/ });
  const c1 = res.sim.cores[1];
  assert.strictEqual(c1.state, 1, 'core 1 in WFE');
  assert.ok(c1.instructions < 200, `core 1 executed ${c1.instructions} instructions`);
});

test('PSM FRCE_OFF.PROC1 holds core 1 in reset; release restarts it from the ROM; FIFOs survive', () => {
  const res = run('t_psm');
  assertPass(assert, res);
  assert.ok(res.sim.cores[1].resetCycles > 0);
});

test('watchdog reboot: both cores restart from the ROM, RAM and scratch survive; ROM direct boot', () => {
  const res = run('t_watchdog');
  assertPass(assert, res);
  assert.strictEqual(res.sim.reboots, 2);
  assert.deepStrictEqual(res.lines.map((l) => l.text.split(' ')[0]).slice(0, 3), ['boot', 'boot', 'direct']);
});

test('watchdog counter: ticks from clk_ref / TICK.CYCLES, two counts per tick, fed, paused, reboot at 0 with REASON.TIMER', () => {
  const res = run('t_wdcount');
  assertPass(assert, res);
  assert.strictEqual(res.sim.reboots, 1);
  const t = res.lines.map((l) => l.text);
  assert.ok(t.includes('fed, paused, no reset'), t.join('|'));
  const after = /^boot 2 reason=1 enable=1 after=(\d+)$/.exec(t[t.length - 1]);
  assert.ok(after, t.join('|'));
  /* 2 ms to the reset, then the boot ROM, boot2 and the clocks again */
  assert.ok(+after[1] >= 2000 && +after[1] < 4000, `reset after ${after[1]} us`);
});

test('a quad-SPI boot2 that talks to the flash through the SSI (status, write enable, QE) boots', () => {
  const res = run('q_hello', { setup: (sim) => { sim.ssi.sr2 = 0; } });
  assertPass(assert, res);
  assert.strictEqual(res.sim.ssi.sr2, 2, 'boot2 set the QE bit through write enable + write status');
  assert.strictEqual(res.sim.ssi.regs[0xf4 / 4] >>> 24, 0xa0, 'SSI left in continuous-read XIP mode');
  assert.strictEqual(res.lines.length, 3);
});
