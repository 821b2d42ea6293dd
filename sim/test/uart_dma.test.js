'use strict';
// The UART's TX DMA request (lib/peripherals.js, makeUart), driven through
// the registers from JavaScript while t_idle spins: a DMA channel paced by
// DREQ_UART0_TX keeps the TX FIFO full without overfilling it, and moves
// nothing while UARTDMACR.TXDMAE is clear; the shift register is apart from
// the FIFO (UARTFR with FIFOs disabled).
const test = require('node:test');
const assert = require('node:assert');
const { Simulator } = require('../lib');
const { fw } = require('./helpers');

const DMA = 0x50000000, UART0 = 0x40034000;
const DREQ_UART0_TX = 20;

test('UART: a DMA channel paced by the TX DREQ fills the FIFO without a byte dropped; no request without TXDMAE', () => {
  const sim = new Simulator();
  sim.loadFile(fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  const wait = (ms) => sim.run({ maxMs: sim.nowNanos() / 1e6 + ms });
  const sent = [];
  sim.on('uart-byte', (e) => { if (e.uart === 0) sent.push(e.byte); });
  const src = 0x20010000, n = 100;
  for (let i = 0; i < n; i++) sim.mcu.sram[0x10000 + i] = 0x20 + (i % 90);
  sim.write32(UART0 + 0x24, 67);               // IBRD, FBRD: 115200 baud at clk_peri 125 MHz
  sim.write32(UART0 + 0x28, 52);
  sim.write32(UART0 + 0x2c, 0x70);             // LCR_H: 8N1, FIFOs on
  sim.write32(UART0 + 0x30, 0x301);            // CR: UARTEN, TXE, RXE
  sim.write32(UART0 + 0x48, 0);                // DMACR: no requests yet
  sim.write32(DMA + 0x00, src);
  sim.write32(DMA + 0x04, UART0);              // UARTDR, not incremented
  sim.write32(DMA + 0x08, n);
  sim.write32(DMA + 0x0c, 1 | (0 << 2) | (1 << 4) | (DREQ_UART0_TX << 15)); // byte, read incr, DREQ_UART0_TX
  wait(1);
  assert.strictEqual(sim.read32(DMA + 0x08), n, 'nothing moved while TXDMAE is clear');
  sim.write32(UART0 + 0x48, 2);                // TXDMAE
  wait(0.01);
  const left = sim.read32(DMA + 0x08);
  assert.ok(left >= n - 33 && left <= n - 31, `the DMA stops when the FIFO is full: ${n - left} bytes moved`);
  wait(12);                                    // 100 characters of 10 bits at 115200 baud: 8.7 ms
  assert.strictEqual(sim.read32(DMA + 0x08), 0, 'the whole block went out');
  assert.deepStrictEqual(sim.stats().uart_dropped, [0, 0], 'no byte written into a full FIFO');
  assert.deepStrictEqual(sent, Array.from(sim.mcu.sram.subarray(0x10000, 0x10000 + n)));
});

test('UART: the shift register is not part of the FIFO: with FIFOs disabled the holding register takes a byte while one shifts out', () => {
  const UART1 = 0x40038000, FR = UART1 + 0x18;
  const TXFE = 0x80, TXFF = 0x20, BUSY = 0x08;
  const sim = new Simulator();
  sim.loadFile(fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  const wait = (us) => sim.run({ maxMs: sim.nowNanos() / 1e6 + us / 1000 });
  const sent = [];
  sim.on('uart-byte', (e) => { if (e.uart === 1) sent.push(e.byte); });
  sim.write32(UART1 + 0x24, 67);               // IBRD, FBRD: 115200 baud at clk_peri 125 MHz
  sim.write32(UART1 + 0x28, 52);
  sim.write32(UART1 + 0x2c, 0x60);             // LCR_H: 8N1, FIFOs off (a 1-byte holding register)
  sim.write32(UART1 + 0x30, 0x301);            // CR: UARTEN, TXE, RXE
  const fr = () => sim.read32(FR) & (TXFE | TXFF | BUSY);
  const txris = () => (sim.read32(UART1 + 0x3c) >>> 5) & 1;   // UARTRIS.TXRIS
  assert.strictEqual(fr(), TXFE);
  sim.write32(UART1, 0x41);
  assert.strictEqual(fr(), TXFE | BUSY, 'the byte went on into the shift register: the holding register is empty');
  assert.strictEqual(txris(), 1, 'the TX interrupt: nothing in the holding register');
  sim.write32(UART1, 0x42);
  assert.strictEqual(fr(), TXFF | BUSY, 'the second waits in the holding register');
  assert.strictEqual(txris(), 0);
  sim.write32(UART1, 0x43);                    // written while full: dropped, as on the chip
  assert.deepStrictEqual(sim.stats().uart_dropped, [0, 1]);
  wait(90);                                    // one character: 10 bits at 115200 baud, 86.8 us
  assert.strictEqual(fr(), TXFE | BUSY, 'the second is shifting out');
  assert.strictEqual(txris(), 1, 'the holding register empty again');
  wait(90);
  assert.strictEqual(fr(), TXFE, 'both sent');
  assert.deepStrictEqual(sent, [0x41, 0x42]);
});
