'use strict';
// CLOCKS (lib/clocks.js): the frequency counter FC0 measures the modelled
// clocks; the clock outputs (GPOUT) and the clk_sys resus say they are not
// modelled; so does the RTC's alarm (lib/peripherals.js). Driven through the
// registers while t_idle spins.
const test = require('node:test');
const assert = require('node:assert');
const { Simulator } = require('../lib');
const { fw } = require('./helpers');

const CLOCKS = 0x40008000;
const FC0_REF_KHZ = CLOCKS + 0x80, FC0_MIN = CLOCKS + 0x84, FC0_MAX = CLOCKS + 0x88, FC0_INTERVAL = CLOCKS + 0x90;
const FC0_SRC = CLOCKS + 0x94, FC0_STATUS = CLOCKS + 0x98, FC0_RESULT = CLOCKS + 0x9c;
const PASS = 1, DONE = 1 << 4, RUNNING = 1 << 8, FAIL = 1 << 16, SLOW = 1 << 20, FAST = 1 << 24;

function idle() {
  const sim = new Simulator();
  sim.loadFile(fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  return sim;
}
/** One count of source `src` (FC0_SRC) with interval 2^10 (about 1 ms); returns [status while running, status, result]. */
function count(sim, src, min = 0, max = 0x1ffffff) {
  sim.write32(FC0_REF_KHZ, 12000);
  sim.write32(FC0_INTERVAL, 10);
  sim.write32(FC0_MIN, min);
  sim.write32(FC0_MAX, max);
  sim.write32(FC0_SRC, src);
  const during = sim.read32(FC0_STATUS);
  sim.run({ maxMs: sim.nowNanos() / 1e6 + 1.01 });   // 2^10 x 0.98 us, and the reference's delay
  return [during, sim.read32(FC0_STATUS), sim.read32(FC0_RESULT)];
}

test('CLOCKS FC0: the frequency counter runs for its interval, then gives clk_sys, clk_ref and XOSC in kHz', () => {
  const sim = idle();
  const [during, status, result] = count(sim, 9);          // clk_sys
  assert.strictEqual(during, RUNNING);
  assert.strictEqual(status, DONE | PASS);
  assert.strictEqual(result, (sim.clkSys / 1000) * 32, `clk_sys ${sim.clkSys} Hz: KHZ in bits 29:5`);
  assert.strictEqual(count(sim, 5)[2] >>> 5, 12000, 'XOSC');
  assert.strictEqual(count(sim, 8)[2] >>> 5, sim.mcu.clocks.refFreq / 1000, 'clk_ref');
  sim.write32(FC0_SRC, 0);
  assert.strictEqual(sim.read32(FC0_STATUS), 0, 'no source: idle');
});

test('CLOCKS FC0: MIN and MAX give FAIL with SLOW or FAST; the ROSC is measured at its nominal figure, warned', () => {
  const sim = idle();
  assert.strictEqual(count(sim, 5, 12001)[1], DONE | FAIL | SLOW);
  assert.strictEqual(count(sim, 5, 0, 11999)[1], DONE | FAIL | FAST);
  assert.strictEqual(count(sim, 5, 12000, 12000)[1], DONE | PASS);
  assert.ok(![...sim.warnings.keys()].some((w) => /ROSC/.test(w)));
  assert.strictEqual(count(sim, 3)[2] >>> 5, 6500);
  assert.ok([...sim.warnings.keys()].some((w) => /^CLOCKS: the frequency counter measured the ROSC at its nominal 6.5 MHz/.test(w)));
});

test('CLOCKS GPOUT and resus: enabling either is warned about as not modelled', () => {
  const sim = idle();
  const warned = () => [...sim.warnings.keys()].filter((w) => /^CLOCKS: (GPOUT|the clk_sys resus)/.test(w));
  sim.write32(CLOCKS + 0x0c, 6 << 5);                     // GPOUT1_CTRL: a source, not enabled
  sim.write32(CLOCKS + 0x78, 0xff);                       // RESUS_CTRL: a timeout, not enabled
  assert.deepStrictEqual(warned(), []);
  sim.write32(CLOCKS + 0x0c, (6 << 5) | (1 << 11));
  sim.write32(CLOCKS + 0x78, 0xff | (1 << 8));
  assert.deepStrictEqual(warned(), ['CLOCKS: GPOUT1 (a clock output on a GPIO) is not modelled: the pin does not toggle',
    'CLOCKS: the clk_sys resus (RESUS_CTRL.ENABLE) is not modelled: it never fires and RESUS_STATUS reads 0']);
  assert.strictEqual(sim.read32(CLOCKS + 0x7c), 0, 'RESUS_STATUS');
});

test('RTC: enabling the alarm (IRQ_SETUP_0 MATCH_ENA) is warned about as not modelled', () => {
  const RTC = 0x4005c000;
  const sim = idle();
  const warned = () => [...sim.warnings.keys()].filter((w) => /^RTC:/.test(w));
  sim.write32(RTC + 0x10, 0x07e4_0605);                  // a date to match, not enabled
  assert.deepStrictEqual(warned(), []);
  sim.write32(RTC + 0x10, 0x07e4_0605 | (1 << 28));
  assert.deepStrictEqual(warned(), ['RTC: the alarm (IRQ_SETUP_0 MATCH_ENA) is not modelled: RTC_IRQ never fires']);
});
