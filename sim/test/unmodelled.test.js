'use strict';
// Parts of the chip that are not modelled say so at their first use: XIP_CTRL
// and the SSI (lib/peripherals.js: the cache counters, streaming, the SSI's DMA
// requests) and the parts of the PIO model lib/pio.js leaves out. Driven through the registers while
// t_idle spins.
const test = require('node:test');
const assert = require('node:assert');
const { Simulator } = require('../lib');
const { fw } = require('./helpers');

const XIP_CTRL = 0x14000000, SSI = 0x18000000;

test('XIP_CTRL counters and streaming, SSI DMA requests: a warning naming what is not modelled', () => {
  const sim = new Simulator();
  sim.loadFile(fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  const warned = (re) => [...sim.warnings.keys()].some((w) => re.test(w));
  sim.write32(SSI + 0x4c, 0);                    // DMACR cleared: nothing to say
  sim.read32(XIP_CTRL + 0x08);                   // STAT is modelled
  assert.deepStrictEqual([...sim.warnings.keys()].filter((w) => /XIP_CTRL|SSI/.test(w)), []);
  assert.strictEqual(sim.read32(XIP_CTRL + 0x0c), 0);
  assert.ok(warned(/XIP_CTRL: the cache's hit and access counters \(CTR_HIT, CTR_ACC\) are not modelled/));
  sim.write32(XIP_CTRL + 0x14, 0x10001000);      // STREAM_ADDR
  assert.ok(warned(/XIP_CTRL: streaming .* is not modelled/));
  sim.write32(SSI + 0x4c, 2);                    // DMACR.TDMAE
  assert.ok(warned(/SSI: DMA requests \(DMACR TDMAE\/RDMAE\) are not modelled/));
});

test('PIO: OUT_STICKY, INLINE_OUT_EN and reserved encodings are warned about; the state machines run in simulated time, not on the host\'s timers', () => {
  const PIO0 = 0x50200000;
  const sim = new Simulator();
  sim.loadFile(fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  const warned = (re) => [...sim.warnings.keys()].some((w) => re.test(w));
  sim.write32(PIO0 + 0x048, 0x0001);             // INSTR_MEM0: jmp 1
  sim.write32(PIO0 + 0x04c, 0x0001);             // INSTR_MEM1: jmp 1
  sim.write32(PIO0 + 0x000, 1);                  // CTRL: enable SM0
  sim.run({ maxMs: sim.nowNanos() / 1e6 + 0.01 });
  assert.ok(!sim.mcu.pio[0].runTimer, 'no host timer');
  assert.strictEqual(sim.read32(PIO0 + 0x0d4), 1, 'SM0_ADDR: the state machine ran');
  assert.deepStrictEqual([...sim.warnings.keys()].filter((w) => /PIO/.test(w)), [], 'nothing to say yet');
  sim.write32(PIO0 + 0x0cc, (1 << 17) | (31 << 12)); // SM0_EXECCTRL: OUT_STICKY
  assert.ok(warned(/^PIO0: EXECCTRL OUT_STICKY and INLINE_OUT_EN are not modelled/));
  sim.write32(PIO0 + 0x0d8, 0x2060);             // SM0_INSTR: WAIT with source 3 (reserved)
  sim.run({ maxMs: sim.nowNanos() / 1e6 + 0.01 });
  assert.ok(warned(/^PIO0: reserved encoding \(WAIT source 3\)/));
});
