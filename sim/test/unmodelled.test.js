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

test('UART and SPI features that are not modelled are named once each: IrDA SIR, hardware flow control, a break in loopback; SPI slave mode, CSn and RX at their pins', () => {
  const UART1 = 0x40038000, SPI0 = 0x4003c000, IO = 0x40014000;
  const sim = new Simulator();
  sim.loadFile(fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  const said = (re) => [...sim.warnings.keys()].filter((w) => re.test(w));
  const count = (re) => said(re).reduce((n, w) => n + sim.warnings.get(w), 0);
  sim.write32(UART1 + 0x24, 67);
  sim.write32(UART1 + 0x28, 52);
  sim.write32(UART1 + 0x2c, 0x70);
  sim.write32(UART1 + 0x30, 0x301);               // UARTEN, TXE, RXE: all modelled
  assert.deepStrictEqual(said(/^uart1/), []);
  sim.write32(UART1 + 0x30, 0x303);               // SIREN
  assert.strictEqual(said(/^uart1: IrDA SIR \(UARTCR\.SIREN\) is not modelled/).length, 1);
  sim.write32(UART1 + 0x30, 0xc301);              // RTSEN, CTSEN
  sim.write32(UART1 + 0x30, 0x4301);
  assert.strictEqual(said(/^uart1: hardware flow control \(UARTCR\.RTSEN\/CTSEN\) is not modelled/).length, 1, 'one warning');
  assert.strictEqual(count(/^uart1: hardware flow control/), 2, 'counted at each use');
  sim.write32(UART1 + 0x30, 0x381);               // LBE
  sim.write32(UART1 + 0x2c, 0x71);                // BRK
  assert.strictEqual(said(/^uart1: a break \(LCR_H\.BRK\) with UARTCR\.LBE set is not looped back/).length, 1);
  sim.write32(UART1 + 0x2c, 0x70);
  // SPI0: slave mode as soon as it is enabled, with nothing to send
  sim.write32(SPI0 + 0x00, 7);
  sim.write32(SPI0 + 0x10, 2);
  sim.write32(SPI0 + 0x04, 0x6);                  // SSE, MS
  assert.strictEqual(said(/^SPI0: slave mode \(SSPCR1\.MS\) is not modelled/).length, 1);
  sim.write32(SPI0 + 0x04, 0x2);                  // master
  // GPIO 2 SCK, 3 TX, 1 CSn, 0 RX (driven high from outside), no device attached
  for (const p of [0, 1, 2, 3]) sim.write32(IO + 8 * p + 4, 1);
  sim.setGpioInput(0, 1);
  assert.deepStrictEqual(said(/^SPI0: (CSn|RX)/), [], 'nothing said before a frame');
  sim.write32(SPI0 + 0x08, 0xa5);
  sim.run({ maxMs: sim.nowNanos() / 1e6 + 0.01 });
  assert.strictEqual(said(/^SPI0: CSn at its pin is not modelled: GPIO 1 /).length, 1);
  assert.strictEqual(said(/^SPI0: RX at its pin is not modelled: GPIO 0 /).length, 1);
  assert.strictEqual(sim.read32(SPI0 + 0x08), 0, 'the frame received: 0, as the warning says');
});
