'use strict';
// lib/dwarf.js: the evaluator of DWARF location expressions that gives a
// TRACE=sim trace point its two words (the trace suite runs it on the
// kernel's real points), and the refusal of an image without trace labels.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const { evaluate, tracePoints } = require('../lib/dwarf');
const { fw } = require('./helpers');

const regs = Array.from({ length: 16 }, (_, i) => 0x20001000 + i * 16);
const mem = new Map([[0x20001010, 0xdeadbeef], [0x20000ff8, 77]]);
const read = (a, n) => (mem.has(a) ? (n === 4 ? mem.get(a) : mem.get(a) & (n === 2 ? 0xffff : 0xff)) : null);
const ev = (bytes, fb = null, cfa = null) => evaluate(Buffer.from(bytes), regs, read, fb ? Buffer.from(fb) : null, cfa);

test('dwarf: a register, a constant, an expression of registers, a stack value', () => {
  assert.strictEqual(ev([0x53]), regs[3]);                               // DW_OP_reg3
  assert.strictEqual(ev([0x90, 0x05]), regs[5]);                         // DW_OP_regx 5
  assert.strictEqual(ev([0x35, 0x9f]), 5);                               // lit5, stack_value
  assert.strictEqual(ev([0x74, 0x08, 0x9f]), regs[4] + 8);               // breg4 +8, stack_value
  assert.strictEqual(ev([0x72, 0x00, 0x09, 0xff, 0x2e, 0x08, 0xff, 0x1a, 0x9f]), 1); // (r2 != -1) & 0xff
  assert.strictEqual(ev([0x74, 0x00, 0x08, 0x30, 0x1e, 0x03, 0xc0, 0x1f, 0x00, 0x20, 0x22, 0x9f]),
    (regs[4] * 0x30 + 0x20001fc0) >>> 0);                                // r4 * 48 + &array
  assert.strictEqual(ev([0x9e, 0x02, 0x34, 0x12]), 0x1234);              // implicit_value
});

test('dwarf: a value in memory, a frame-base slot, a narrow load', () => {
  assert.strictEqual(ev([0x71, 0x00]), 0xdeadbeef);                      // breg1: the variable lives at r1
  assert.strictEqual(ev([0x71, 0x00, 0x94, 0x01, 0x9f]), 0xef);          // deref_size 1
  // fbreg -8 with the frame base DW_OP_call_frame_cfa, the CFA 0x20001000
  assert.strictEqual(ev([0x91, 0x78], [0x9c], () => 0x20001000), 77);
  assert.strictEqual(ev([0x91, 0x78], [0x9c], null), null);             // no CFA known: unknown
});

test('dwarf: what it cannot evaluate is unknown, never a guess', () => {
  assert.strictEqual(ev([0xa3, 0x01, 0x50, 0x9f]), null);                // DW_OP_entry_value
  assert.strictEqual(ev([0x73, 0x00]), null);                            // a load from an address not readable
  assert.strictEqual(ev([0x22]), null);                                  // stack underflow
  assert.strictEqual(ev([]), null);
});

test('dwarf: an image without trace labels has no trace points', () => {
  assert.strictEqual(tracePoints(fs.readFileSync(fw('t_idle'))), null);
});
