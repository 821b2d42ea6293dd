'use strict';
// The ROM model's tables (rom/rom.S) as the pico-sdk's runtime reads them,
// and the floating-point library behind 'SF' and 'SD' (lib/romfp.js): its
// results bit for bit, its warnings for what it computes with the host's
// Math, the cycles it charges, and the run stopped naming a call it cannot
// model; a lookup the model cannot answer is warned about by name.
const test = require('node:test');
const assert = require('node:assert');
const { run, cli, fw, assertPass } = require('./helpers');
const romfp = require('../lib/romfp');

test('ROM: the float and double tables are found; fmul computes; fsin outside its documented range stops the run naming it', () => {
  const res = run('t_romtab', { maxMs: 100 });
  assert.match(res.out, /^tables found$/m, res.out);
  assert.match(res.out, /^fmul returned 0x40c00000$/m, res.out);
  assert.doesNotMatch(res.out, /fsin returned/);
  assert.strictEqual(res.r.reason, 'unmodelled', JSON.stringify(res.r));
  assert.strictEqual(res.r.core, 0);
  assert.match(res.r.message, /core 0 called fsin \(entry 0x40 of the ROM's single-precision floating-point table 'SF'\)/);
  assert.match(res.r.message, /fsin\(1000\): outside the argument range the datasheet gives .* \(\|x\| < 128\)/);
});

test('ROM: the floating-point library\'s results bit for bit (rounding, flushes, infinities, NaN, compares, conversions)', () => {
  const res = run('t_romfp', { maxMs: 100 });
  assertPass(assert, res);
  assert.match(res.out, /^romfp: 144 vectors, 0 failed$/m, res.out);
});

test('ROM: a scientific function is warned about once per run, by name; the exact operations are not', () => {
  const res = run('t_romfp', { maxMs: 100 });
  const w = [...res.sim.warnings.keys()].filter((k) => k.startsWith('ROM floating-point: '));
  assert.ok(w.includes('ROM floating-point: fsin is computed with the host\'s Math.sin, not the chip\'s CORDIC routine: its result can differ from the chip\'s in the last bits'), w.join('\n'));
  assert.ok(w.some((k) => /^ROM floating-point: dsincos is computed with the host's Math.sin and Math.cos/.test(k)), w.join('\n'));
  assert.deepStrictEqual(w.map((k) => k.split(' ')[2]).sort(), ['dexp', 'dln', 'dsincos', 'fatan2', 'fexp', 'fln', 'fsin', 'fsincos']);
  assert.match(res.out, /^fsin\(0.5\) 0x3ef5774[0-9a-f]$/m, res.out);
  // fsin is called twice: one line on stderr
  const r = cli([fw('t_romfp'), '--max-ms', '100']);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.strictEqual(r.stderr.split('\n').filter((l) => / fsin is computed/.test(l)).length, 1, r.stderr);
});

test('ROM: a floating-point call costs its charged cycles', () => {
  const res = run('t_romfp', { maxMs: 100 });
  const m = /^ddiv cycles (\d+)$/m.exec(res.out);
  assert.ok(m, res.out);
  const charged = romfp.cyclesOf(true, 0x0c / 4);
  // the charge plus the call: the table load, blx, the entry's bkpt and bx lr, the SysTick reads
  assert.ok(Number(m[1]) >= charged && Number(m[1]) <= charged + 60, `${m[1]} cycles for ${charged} charged`);
});

test('ROM: exit status 115 for a floating-point call the model cannot perform; lookups of missing codes warned by name', () => {
  const r = cli([fw('t_romtab'), '--max-ms', '100']);
  assert.strictEqual(r.code, 115, r.stderr);
  assert.match(r.stderr, /ROM data lookup of 'ZZ' \(0x5a5a\): not in the ROM model/);
  assert.match(r.stderr, /ROM function lookup of 'ZY' \(0x595a\): not in the ROM model/);
  assert.match(r.stderr, /called fsin/);
});
