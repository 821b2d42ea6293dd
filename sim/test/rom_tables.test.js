'use strict';
// The ROM model's tables (rom/rom.S) as the pico-sdk's runtime reads them:
// the floating-point tables exist, every entry stops the run with the
// function's name (the library is not modelled), and a lookup the model
// cannot answer is warned about by name.
const test = require('node:test');
const assert = require('node:assert');
const { run, cli, fw } = require('./helpers');

test('ROM: the float and double tables are found; calling an entry stops the run naming the function', () => {
  const res = run('t_romtab', { maxMs: 100 });
  assert.match(res.out, /^tables found$/m, res.out);
  assert.doesNotMatch(res.out, /fmul returned/);
  assert.strictEqual(res.r.reason, 'unmodelled', JSON.stringify(res.r));
  assert.strictEqual(res.r.core, 0);
  assert.match(res.r.message, /core 0 called fmul \(entry 0x08 of the ROM's single-precision floating-point table 'SF'\)/);
  assert.match(res.r.message, /floating-point library is not modelled/);
});

test('ROM: exit status 115 for the float library; lookups of missing codes warned by name', () => {
  const r = cli([fw('t_romtab'), '--max-ms', '100']);
  assert.strictEqual(r.code, 115, r.stderr);
  assert.match(r.stderr, /ROM data lookup of 'ZZ' \(0x5a5a\): not in the ROM model/);
  assert.match(r.stderr, /ROM function lookup of 'ZY' \(0x595a\): not in the ROM model/);
  assert.match(r.stderr, /called fmul/);
});
