'use strict';
// The DMA, SPI, ADC and PWM models and the devices on them, driven through
// their registers from JavaScript while a firmware spins (t_idle), checked
// against the datasheet's numbers.
const test = require('node:test');
const assert = require('node:assert');
const { fw, idle } = require('./helpers');
const { SpiEcho, BMP280Spi } = require('../lib/spi_devices');
const { ST7789 } = require('../lib/display');
const { Motor, parseMotor } = require('../lib/motor');
const { SquareWave } = require('../lib/signals');
const { encodePng, decodePng, crc32 } = require('../lib/png');
const { parseSource, tempSensorVolts } = require('../lib/adc');

const DMA = 0x50000000, SPI0 = 0x4003c000, ADC = 0x4004c000, PWM = 0x40050000, IO = 0x40014000, CLOCKS = 0x40008000;
const SET = 0x2000;
const ctrl = ({ size = 2, incr = true, treq = 0x3f, chain, quiet = false, ch = 0 } = {}) =>
  1 | (size << 2) | (incr ? 0x30 : 0) | ((chain ?? ch) << 11) | (treq << 15) | (quiet ? 1 << 21 : 0);

test('DMA: memory to memory at one transfer per clk_sys cycle, completion flag and IRQ 0', () => {
  const { sim, wait } = idle();
  const src = 0x20010000, dst = 0x20011000;
  for (let i = 0; i < 256; i++) sim.write32(src + 4 * i, (i * 0x01010101) ^ 0xdeadbeef);
  sim.write32(DMA + 0x404, 1);                 // INTE0: channel 0
  sim.write32(DMA + 0x00, src);
  sim.write32(DMA + 0x04, dst);
  sim.write32(DMA + 0x08, 256);
  sim.write32(DMA + 0x0c, ctrl());             // trigger
  assert.ok(sim.read32(DMA + 0x0c) & (1 << 24), 'BUSY after the trigger');
  wait(256 * 8 - 20);                          // 256 transfers at 8 ns (125 MHz)
  assert.ok(sim.read32(DMA + 0x0c) & (1 << 24), 'still BUSY before 256 cycles');
  wait(40);
  assert.strictEqual(sim.read32(DMA + 0x0c) & (1 << 24), 0, 'done after 256 cycles');
  for (let i = 0; i < 256; i++) assert.strictEqual(sim.read32(dst + 4 * i), ((i * 0x01010101) ^ 0xdeadbeef) >>> 0);
  assert.strictEqual(sim.read32(DMA + 0x400), 1, 'INTR');
  assert.strictEqual(sim.read32(DMA + 0x40c), 1, 'INTS0');
  assert.strictEqual(sim.read32(DMA + 0x41c), 0, 'INTS1 (not enabled there)');
  assert.ok(sim.cores[0].irqLines & (1 << 11) && sim.cores[1].irqLines & (1 << 11), 'DMA_IRQ_0 raised on both NVIC inputs');
  sim.write32(DMA + 0x40c, 1);                 // acknowledge through INTS0
  assert.strictEqual(sim.read32(DMA + 0x400), 0);
  assert.strictEqual(sim.cores[0].irqLines & (1 << 11), 0);
});

test('DMA: a read or write bus error halts the channel, flags it and raises its IRQ even with IRQ_QUIET', () => {
  const { sim, wait } = idle();
  sim.write32(DMA + 0x00, 0xd0000000);         // SIO: the DMA cannot reach it
  sim.write32(DMA + 0x04, 0x20012000);
  sim.write32(DMA + 0x08, 4);
  sim.write32(DMA + 0x0c, ctrl({ quiet: true }));
  wait(100);
  const c = sim.read32(DMA + 0x0c);
  assert.ok(c & (1 << 30), 'READ_ERROR');
  assert.ok(c & (1 << 31), 'AHB_ERROR');
  assert.strictEqual(c & (1 << 24), 0, 'not BUSY');
  assert.strictEqual(sim.read32(DMA + 0x00), 0xd0000000, 'READ_ADDR at the failed address');
  assert.strictEqual(sim.read32(DMA + 0x08), 4, 'nothing transferred');
  assert.strictEqual(sim.read32(DMA + 0x400) & 1, 1, 'IRQ flag despite IRQ_QUIET');
  sim.write32(DMA + 0x400, 1);
  sim.write32(DMA + SET + 0x10, 1 << 30);      // clear READ_ERROR through the SET alias of AL1_CTRL
  assert.strictEqual(sim.read32(DMA + 0x0c) >>> 29, 0, 'error flags cleared');
  // write error: into unmapped space (the boot ROM ignores writes, below)
  sim.write32(DMA + 0x40 + 0x00, 0x20010000);
  sim.write32(DMA + 0x40 + 0x04, 0x30000000);
  sim.write32(DMA + 0x40 + 0x08, 2);
  sim.write32(DMA + 0x40 + 0x0c, ctrl({ ch: 1 }));
  wait(100);
  const c1 = sim.read32(DMA + 0x40 + 0x0c);
  assert.ok(c1 & (1 << 29) && c1 & (1 << 31) && !(c1 & (1 << 30)), `WRITE_ERROR only: 0x${c1.toString(16)}`);
  assert.ok(sim.read32(DMA + 0x400) & 2);
  // the boot ROM ignores writes from the DMA as from the cores: no error, nothing changed
  sim.write32(DMA + 0x400, 3);
  const rom = sim.read32(0x100);
  sim.write32(DMA + 0x80 + 0x00, 0x20010000);
  sim.write32(DMA + 0x80 + 0x04, 0x00000100);
  sim.write32(DMA + 0x80 + 0x08, 2);
  sim.write32(DMA + 0x80 + 0x0c, ctrl({ ch: 2 }));
  wait(100);
  const c2 = sim.read32(DMA + 0x80 + 0x0c);
  assert.strictEqual(c2 >>> 29, 0, `no error writing the ROM: 0x${c2.toString(16)}`);
  assert.strictEqual(sim.read32(DMA + 0x80 + 0x08), 0, 'both transfers done');
  assert.strictEqual(sim.read32(0x100), rom, 'ROM unchanged');
});

test('DMA: pacing timer X/Y, chaining, abort, ring, byte swap, null trigger', () => {
  const { sim, wait } = idle();
  const src = 0x20010000, dst = 0x20011000;
  for (let i = 0; i < 64; i++) sim.write32(src + 4 * i, i);
  sim.write32(DMA + 0x420, (1 << 16) | 10);    // TIMER0: 1/10 of clk_sys
  sim.write32(DMA + 0x40 + 0x00, src); sim.write32(DMA + 0x40 + 0x04, dst + 0x400); sim.write32(DMA + 0x40 + 0x08, 8);
  sim.write32(DMA + 0x40 + 0x10, ctrl({ ch: 1 }));   // AL1_CTRL: configured, not triggered
  sim.write32(DMA + 0x00, src); sim.write32(DMA + 0x04, dst); sim.write32(DMA + 0x08, 20);
  sim.write32(DMA + 0x0c, ctrl({ treq: 0x3b, chain: 1 }));
  wait(20 * 80 - 100);
  assert.ok(sim.read32(DMA + 0x0c) & (1 << 24), 'paced: 20 transfers take 20 x 10 cycles');
  wait(200);
  assert.strictEqual(sim.read32(DMA + 0x0c) & (1 << 24), 0);
  wait(200);
  assert.strictEqual(sim.read32(dst + 0x400 + 28), 7, 'channel 1 ran, chained from channel 0');
  // abort: a paced channel stopped half way, no IRQ
  sim.write32(DMA + 0x400, 0xffff);
  sim.write32(DMA + 0x08, 50);
  sim.write32(DMA + 0x0c, ctrl({ treq: 0x3b }));
  wait(200);
  sim.write32(DMA + 0x444, 1);
  assert.strictEqual(sim.read32(DMA + 0x444), 0);
  assert.strictEqual(sim.read32(DMA + 0x0c) & (1 << 24), 0);
  assert.strictEqual(sim.read32(DMA + 0x400) & 1, 0, 'an abort raises no IRQ');
  // ring on the write side: 16 bytes wrap; byte swap of words
  sim.write32(DMA + 0x00, src); sim.write32(DMA + 0x04, dst + 0x800); sim.write32(DMA + 0x08, 6);
  sim.write32(DMA + 0x0c, ctrl() | (4 << 6) | (1 << 10) | (1 << 22));
  wait(200);
  assert.deepStrictEqual([0, 4, 8, 12].map((o) => sim.read32(dst + 0x800 + o)), [0x04000000, 0x05000000, 0x02000000, 0x03000000]);
  // null trigger with IRQ_QUIET raises the IRQ
  sim.write32(DMA + 0x400, 0xffff);
  sim.write32(DMA + 0x10, ctrl({ quiet: true }));
  sim.write32(DMA + 0x3c, 0);                  // AL3_READ_ADDR_TRIG with 0
  assert.strictEqual(sim.read32(DMA + 0x400) & 1, 1);
});

/** SPI0 pins: SCK 2, TX 3, RX 4 on the SPI function; CSn 5 (hardware) if csHw. */
function spiPins(sim, csHw) {
  for (const p of [2, 3, 4].concat(csHw ? [5] : [])) sim.write32(IO + 8 * p + 4, 1);
}
function spiSetup(sim, { cpsr = 2, scr = 0, bits = 8, sph = false, spo = false, lbm = false } = {}) {
  sim.write32(SPI0 + 0x04, 0);
  sim.write32(SPI0 + 0x00, (bits - 1) | (scr << 8) | (sph ? 1 << 7 : 0) | (spo ? 1 << 6 : 0));
  sim.write32(SPI0 + 0x10, cpsr);
  sim.write32(SPI0 + 0x04, 2 | (lbm ? 1 : 0));
}

test('SPI: frames take DSS bit periods of clk_peri / (CPSDVSR (1 + SCR)); loopback; FIFO flags; overrun', () => {
  const { sim, wait } = idle();
  spiSetup(sim, { cpsr: 4, scr: 1, lbm: true });   // bit period 8 clk_peri cycles = 64 ns
  for (let i = 0; i < 8; i++) sim.write32(SPI0 + 0x08, 0xa0 + i);
  assert.strictEqual(sim.read32(SPI0 + 0x0c) & 0x13, 0x12, 'busy; one frame in the shift register, 7 in the TX FIFO');
  wait(8 * 8 * 64 - 30);
  assert.strictEqual((sim.read32(SPI0 + 0x0c) >>> 4) & 1, 1, 'busy until the last bit');
  wait(60);
  assert.strictEqual(sim.read32(SPI0 + 0x0c), 0x0f, 'TFE TNF RNE RFF, not busy');
  const got = [];
  for (let i = 0; i < 8; i++) got.push(sim.read32(SPI0 + 0x08));
  assert.deepStrictEqual(got, [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7]);
  for (let i = 0; i < 10; i++) sim.write32(SPI0 + 0x08, i);   // 1 shifting + 8 queued; the 10th is dropped
  assert.strictEqual(sim.read32(SPI0 + 0x0c) & 2, 0, 'TX FIFO full');
  wait(10 * 8 * 64);
  assert.ok(sim.read32(SPI0 + 0x18) & 1, 'RORRIS: the 9th received frame found the RX FIFO full');
  assert.strictEqual(sim.spi[0].frames, 8 + 9, 'the 10th write was dropped');
  sim.write32(SPI0 + 0x20, 1);
  assert.strictEqual(sim.read32(SPI0 + 0x18) & 1, 0);
});

test('SPI: receive timeout interrupt after 32 bit periods without a read; RX and TX levels; DMA requests', () => {
  const { sim, wait } = idle();
  spiSetup(sim, { cpsr: 2, lbm: true });       // 16 ns bits
  sim.write32(SPI0 + 0x14, 0xf);
  sim.write32(SPI0 + 0x08, 0x55);
  wait(8 * 16 + 10);
  assert.strictEqual(sim.read32(SPI0 + 0x18) & 2, 0, 'no timeout yet');
  wait(32 * 16);
  assert.ok(sim.read32(SPI0 + 0x18) & 2, 'RTRIS');
  assert.ok(sim.read32(SPI0 + 0x1c) & 2, 'RTMIS');
  assert.ok(sim.cores[0].irqLines & (1 << 18), 'SPI0_IRQ');
  sim.write32(SPI0 + 0x20, 2);
  assert.strictEqual(sim.read32(SPI0 + 0x18) & 2, 0);
  assert.strictEqual(sim.read32(SPI0 + 0x18) & 8, 8, 'TXRIS: TX FIFO half empty or less');
  // DMA through SPI: 300 bytes out of memory, back into memory
  const src = 0x20010000, dst = 0x20012000;
  for (let i = 0; i < 300; i++) sim.busWrite(null, src + i, (i * 7) & 0xff, 1);
  sim.read32(SPI0 + 0x08);
  sim.write32(SPI0 + 0x24, 3);
  sim.write32(DMA + 0x40, SPI0 + 8); sim.write32(DMA + 0x44, dst); sim.write32(DMA + 0x48, 300);
  sim.write32(DMA + 0x4c, 1 | (0 << 2) | 0x20 | (1 << 11) | (17 << 15));   // RX: DREQ 17, bytes, write increments
  sim.write32(DMA + 0x00, src); sim.write32(DMA + 0x04, SPI0 + 8); sim.write32(DMA + 0x08, 300);
  sim.write32(DMA + 0x0c, 1 | (0 << 2) | 0x10 | (16 << 15));               // TX: DREQ 16, read increments
  wait(300 * 8 * 16 + 500);
  assert.strictEqual(sim.read32(DMA + 0x4c) & (1 << 24), 0, 'RX channel done');
  for (let i = 0; i < 300; i++) assert.strictEqual(sim.read8(dst + i), (i * 7) & 0xff, `byte ${i}`);
});

test('SPI: devices by chip select; the controller\'s own CSn: one transaction per frame with SPH 0, per run with SPH 1; pins', () => {
  const { sim, wait } = idle();
  spiPins(sim, true);
  const echo = sim.spi[0].attach(5, new SpiEcho());
  spiSetup(sim, { cpsr: 2, sph: true });
  for (const b of [1, 2, 3, 4]) sim.write32(SPI0 + 0x08, b);
  wait(4 * 8 * 16 + 50);
  assert.deepStrictEqual([0, 1, 2, 3].map(() => sim.read32(SPI0 + 0x08)), [0, 1, 2, 3], 'SPH 1: one selection, echo one frame late');
  assert.strictEqual(echo.selects, 1);
  spiSetup(sim, { cpsr: 2, sph: false });
  for (const b of [5, 6, 7]) sim.write32(SPI0 + 0x08, b);
  wait(3 * 8 * 16 + 50);
  assert.deepStrictEqual([0, 1, 2].map(() => sim.read32(SPI0 + 0x08)), [0, 0, 0], 'SPH 0: CSn pulses between frames');
  assert.strictEqual(echo.selects, 4);
  // without the RX pin on the SPI function, the controller reads 0
  sim.write32(IO + 8 * 4 + 4, 0x1f);
  spiSetup(sim, { cpsr: 2, sph: true });
  sim.write32(SPI0 + 0x08, 9); sim.write32(SPI0 + 0x08, 10);
  wait(2 * 8 * 16 + 50);
  assert.deepStrictEqual([sim.read32(SPI0 + 0x08), sim.read32(SPI0 + 0x08)], [0, 0]);
});

const CLK_PERI_CTRL = 0x48, CLK_PERI_ENABLE = 1 << 11, CLK_PERI_KILL = 1 << 10;
const BSY = 16;

test('SPI with clk_peri stopped mid-transfer: nothing shifts (BSY set, the frame and the queued ones wait); the clock running again, the transfer resumes where it stopped with no further write: RX fills, BSY clears', () => {
  for (const stop of [(c) => c & ~CLK_PERI_ENABLE, (c) => c | CLK_PERI_KILL]) {
    const { sim, wait } = idle();
    spiSetup(sim, { cpsr: 4, scr: 1, lbm: true });   // 64 ns bits: a frame 512 ns
    const F = 8 * 64;
    const ctrl = sim.read32(CLOCKS + CLK_PERI_CTRL);
    assert.ok(ctrl & CLK_PERI_ENABLE, 't_idle runs clk_peri');
    const words = [0x11, 0x22, 0x33, 0x44];
    for (const w of words) sim.write32(SPI0 + 0x08, w);
    wait(1.5 * F);                                   // in the second frame
    sim.write32(CLOCKS + CLK_PERI_CTRL, stop(ctrl));
    wait(100 * F);
    assert.strictEqual(sim.spi[0].frames, 1, 'no frame completed while clk_peri is stopped');
    assert.strictEqual(sim.read32(SPI0 + 0x0c), 0x16, 'BSY, RNE (the first frame), TNF; not TFE');
    sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl);
    wait(2.5 * F - 30);
    assert.ok(sim.read32(SPI0 + 0x0c) & BSY, 'busy until the last bit: the second frame went on from its middle');
    assert.strictEqual(sim.spi[0].frames, 3);
    wait(60);
    assert.strictEqual(sim.read32(SPI0 + 0x0c), 0x07, 'TFE TNF RNE, not BSY');
    assert.deepStrictEqual(words.map(() => sim.read32(SPI0 + 0x08)), words, 'looped back, in order');
  }
});

test('SPI with clk_peri stopped: frames written wait in the TX FIFO (BSY), the receive timeout waits; the clock started again, they go out and the timeout comes 32 bit periods of clk_peri after the last', () => {
  const { sim, wait } = idle();
  spiSetup(sim, { cpsr: 4, scr: 1, lbm: true });   // 64 ns bits: a frame 512 ns, the timeout 2048 ns
  const F = 8 * 64, T = 32 * 64;
  const ctrl = sim.read32(CLOCKS + CLK_PERI_CTRL);
  sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl & ~CLK_PERI_ENABLE);
  for (const w of [0xa1, 0xa2, 0xa3]) sim.write32(SPI0 + 0x08, w);
  wait(100 * F);
  assert.strictEqual(sim.spi[0].frames, 0, 'nothing sent without clk_peri');
  assert.strictEqual(sim.read32(SPI0 + 0x0c), 0x12, 'BSY, TNF; not TFE, RX empty');
  sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl);
  const last = sim.nowNanos() + 3 * F;             // the third frame's end: the timeout counts from there
  wait(3 * F + 30);
  assert.strictEqual(sim.read32(SPI0 + 0x0c), 0x07, 'TFE TNF RNE, not BSY');
  // stopped part way through the timeout's 32 bit periods, the count waits; the rest once the clock runs
  wait(T / 2);
  sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl & ~CLK_PERI_ENABLE);
  const left = last + T - sim.nowNanos();
  assert.ok(left > 100 && left < T - 100, `stopped with ${left} ns of the timeout to go`);
  wait(10 * T);
  assert.strictEqual(sim.read32(SPI0 + 0x18) & 2, 0, 'no receive timeout while clk_peri is stopped');
  sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl);
  const due = sim.nowNanos() + left;
  wait(left - 30);
  assert.ok(sim.nowNanos() < due);
  assert.strictEqual(sim.read32(SPI0 + 0x18) & 2, 0, 'not before 32 bit periods of clk_peri');
  wait(due + 30 - sim.nowNanos());
  assert.ok(sim.read32(SPI0 + 0x18) & 2, 'RTRIS');
  assert.deepStrictEqual([0, 1, 2].map(() => sim.read32(SPI0 + 0x08)), [0xa1, 0xa2, 0xa3]);
});

test('SPI: the BMP280 on SPI answers its chip id, takes writes and reads its data registers', () => {
  const { sim, wait } = idle();
  spiPins(sim, true);
  const bmp = sim.spi[0].attach(5, new BMP280Spi(sim, sim.spi[0]));
  spiSetup(sim, { cpsr: 8, sph: true, spo: true });   // mode 3, CSn held over back-to-back frames
  const xfer = (bytes) => { for (const b of bytes) sim.write32(SPI0 + 0x08, b); wait(bytes.length * 8 * 64 + 200); return bytes.map(() => sim.read32(SPI0 + 0x08)); };
  assert.strictEqual(xfer([0xd0, 0])[1], 0x58, 'chip id');
  const cal = xfer([0x88, 0, 0]);
  assert.strictEqual(cal[1] | (cal[2] << 8), 27504, 'dig_T1 of the datasheet example');
  xfer([0x74, 0x2d]);                            // ctrl_meas (0xF4): forced mode
  assert.strictEqual(bmp.chip.regs[0xf4], 0x2d);
  wait(20e6);
  const d = xfer([0xf7, 0, 0, 0, 0, 0, 0]);
  assert.ok(d.slice(1).some((x) => x !== 0x80 && x !== 0), `data registers: ${d}`);
  assert.strictEqual(bmp.samples.length, 1);
});

test('ADC: 96 clk_adc cycles per conversion, READY, temperature sensor line, clk_adc stopped', () => {
  const { sim, wait } = idle();
  sim.write32(ADC + 0x00, 1 | 2 | (4 << 12) | 4);     // EN, TS_EN, AINSEL 4, START_ONE: clk_adc still off
  wait(20000);
  assert.strictEqual(sim.read32(ADC + 0x00) & 0x100, 0, 'never READY while clk_adc is stopped');
  assert.ok([...sim.warnings.keys()].some((k) => /clk_adc is stopped/.test(k)));
  sim.write32(ADC + 0x00, 0);
  sim.write32(CLOCKS + 0x64, 3 << 8);                  // DIV 3
  sim.write32(CLOCKS + 0x60, (1 << 11) | (1 << 5));    // ENABLE, AUXSRC pll_sys: 41.67 MHz
  assert.strictEqual(sim.read32(CLOCKS + 0x64), 3 << 8, 'CLK_ADC_DIV reads back');
  sim.adc.input(4, 30);
  sim.write32(ADC + 0x00, 1 | 2 | (4 << 12) | 4);
  const ns = (96 * 1e9) / (125e6 / 3);
  wait(ns - 30);
  assert.strictEqual(sim.read32(ADC + 0x00) & 0x100, 0, 'busy for 96 cycles');
  wait(60);
  assert.ok(sim.read32(ADC + 0x00) & 0x100, 'READY');
  assert.strictEqual(sim.read32(ADC + 0x04), Math.round((tempSensorVolts(30) / 3.3) * 4096));
  assert.strictEqual(Math.round((tempSensorVolts(27) / 3.3) * 4096), 876, '0.706 V at 27 C');
});

test('ADC: round robin, FIFO with threshold and its interrupt, START_MANY paced by DIV', () => {
  const { sim, wait } = idle();
  sim.write32(CLOCKS + 0x64, 3 << 8);
  sim.write32(CLOCKS + 0x60, (1 << 11) | (1 << 5));
  sim.adc.input(0, 1.0);
  sim.adc.input(1, 2.0);
  sim.adc.input(2, parseSource('ramp:0:3.3:1'));
  sim.write32(ADC + 0x08, 1 | (4 << 24));              // FCS: EN, THRESH 4
  sim.write32(ADC + 0x18, 1);                          // INTE
  sim.write32(ADC + 0x10, (999 << 8));                 // one conversion every 1000 cycles (24 us)
  sim.write32(ADC + 0x00, 1 | (3 << 16) | 8);          // EN, RROBIN inputs 0 and 1, START_MANY
  const period = (1000 * 1e9) / (125e6 / 3);
  wait(2.5 * period);
  assert.strictEqual((sim.read32(ADC + 0x08) >>> 16) & 0xf, 3, 'three conversions so far (the first at once)');
  assert.strictEqual(sim.read32(ADC + 0x20), 0, 'below the threshold: no interrupt');
  wait(period);
  assert.strictEqual(sim.read32(ADC + 0x20), 1);
  assert.ok(sim.cores[1].irqLines & (1 << 22), 'ADC_IRQ_FIFO');
  const v = [0, 1, 2, 3].map(() => sim.read32(ADC + 0x0c));
  assert.deepStrictEqual(v, [1241, 2482, 1241, 2482], 'alternating inputs 0 and 1 (1.0 V and 2.0 V)');
  sim.write32(ADC + 0x00, 0);
  assert.strictEqual(parseSource('ramp:0:3.3:1')(0.0005), 1.65);
  assert.throws(() => parseSource('sine:1:2'), /OFFSET:AMPLITUDE:HZ/);
  assert.throws(() => parseSource('abc'), /not a number/);
});

/** Edges of a GPIO as [ns, level] while ns of simulated time pass. */
function edges(sim, wait, pin, ns) {
  const e = [];
  sim.watchPin(pin, (l) => e.push([sim.clock.nanos, l]));
  wait(ns);
  return e;
}

test('PWM: free-running and phase-correct periods, duty, double-buffered CC, inversion', () => {
  const { sim, wait } = idle();
  sim.write32(IO + 4, 4);                              // GPIO0: PWM slice 0 A
  sim.write32(PWM + 0x04, 1 << 4);                     // DIV 1
  sim.write32(PWM + 0x10, 999);                        // TOP: 1000 counts = 8 us
  sim.write32(PWM + 0x0c, 250);                        // CC.A
  sim.write32(PWM + 0x00, 1);                          // EN
  let e = edges(sim, wait, 0, 50000).filter(([t]) => t > sim.clock.nanos - 40000);
  const rises = e.filter(([, l]) => l === 1).map(([t]) => t), falls = e.filter(([, l]) => l === 0).map(([t]) => t);
  assert.ok(rises.length >= 4);
  for (let i = 1; i < rises.length; i++) assert.ok(Math.abs(rises[i] - rises[i - 1] - 8000) < 1, `period ${rises[i] - rises[i - 1]}`);
  const hi = falls.find((t) => t > rises[0]) - rises[0];
  assert.ok(Math.abs(hi - 2000) < 1, `high for ${hi} ns, want 2000 (25 %)`);
  // double-buffered: a new CC takes effect at the next wrap
  sim.write32(PWM + 0x0c, 500);
  e = edges(sim, wait, 0, 20000);
  const r2 = e.filter(([, l]) => l === 1)[0][0], f2 = e.find(([t, l]) => l === 0 && t > r2)[0];
  assert.ok(Math.abs(f2 - r2 - 4000) < 1, `high for ${f2 - r2} after the wrap`);
  // phase-correct: period 2 x 1000 counts, high 2 x CC around the bottom
  sim.write32(PWM + 0x00, 1 | 2);
  e = edges(sim, wait, 0, 60000).filter(([t]) => t > sim.clock.nanos - 40000);
  const pr = e.filter(([, l]) => l === 1).map(([t]) => t), pf = e.filter(([, l]) => l === 0).map(([t]) => t);
  for (let i = 1; i < pr.length; i++) assert.ok(Math.abs(pr[i] - pr[i - 1] - 16000) < 1, `phase-correct period ${pr[i] - pr[i - 1]}`);
  const ph = pf.find((t) => t > pr[0]) - pr[0];
  assert.ok(Math.abs(ph - 8000) < 1, `phase-correct high ${ph} ns, want 8000 (2 x 500 counts)`);
  // inversion
  sim.write32(PWM + 0x00, 1 | 4);
  e = edges(sim, wait, 0, 30000);
  const ir = e.filter(([, l]) => l === 1)[1][0], ifl = e.find(([t, l]) => l === 0 && t > ir)[0];
  assert.ok(Math.abs(ifl - ir - 4000) < 1, `inverted: high ${ifl - ir} ns (50 % either way)`);
  assert.strictEqual(sim.read32(PWM + 0xa0), 1, 'EN register');
  assert.ok(sim.read32(PWM + 0xa4) & 1, 'INTR set by wraps');
});

test('PWM: counting rising edges of the B input; the wrap interrupt; CTR', () => {
  const { sim, wait } = idle();
  sim.write32(IO + 8 * 3 + 4, 4);                      // GPIO3: slice 1 B, an input in this mode
  new SquareWave(sim, 3, 100000);
  sim.write32(PWM + 0x14 + 0x04, 1 << 4);
  sim.write32(PWM + 0x14 + 0x10, 0xffff);
  sim.write32(PWM + 0x14 + 0x08, 0);
  sim.write32(PWM + 0x14 + 0x00, 1 | (2 << 4));        // EN, DIVMODE rising edges
  wait(1e6);
  const n = sim.read32(PWM + 0x14 + 0x08);
  assert.ok(n >= 99 && n <= 101, `counted ${n} rising edges in 1 ms of 100 kHz`);
  // TOP 9: a wrap every 10 edges, IRQ 4 when enabled. TOP is double-buffered:
  // written while running it waits for the next wrap (65536 edges away), so
  // the slice is stopped for the change.
  sim.write32(PWM + 0x14 + 0x10, 9);
  assert.strictEqual(sim.pwm.slices[1].top, 0xffff, 'not in effect while running');
  sim.write32(PWM + 0x14 + 0x00, 0);
  sim.write32(PWM + 0x14 + 0x08, 0);
  sim.write32(PWM + 0x14 + 0x00, 1 | (2 << 4));
  assert.strictEqual(sim.pwm.slices[1].top, 9, 'in effect once restarted');
  sim.write32(PWM + 0xa4, 0xff);
  sim.write32(PWM + 0xa8, 2);
  wait(200000);
  assert.ok(sim.read32(PWM + 0xb0) & 2, 'INTS for slice 1');
  assert.ok(sim.cores[0].irqLines & (1 << 4), 'PWM_IRQ_WRAP');
});

test('motor: steady speed from the duty, encoder edges, tacho voltage on the ADC', () => {
  const { sim, wait } = idle();
  const m = new Motor(sim, parseMotor('pwm=8,enc=10:11,ppr=64,tacho=0'));
  sim.write32(IO + 8 * 8 + 4, 4);                      // GPIO8: slice 4 A
  sim.write32(PWM + 4 * 0x14 + 0x04, 1 << 4);
  sim.write32(PWM + 4 * 0x14 + 0x10, 6249);            // 20 kHz
  sim.write32(PWM + 4 * 0x14 + 0x0c, 3750);            // 60 %
  sim.write32(PWM + 4 * 0x14 + 0x00, 1);
  wait(1.0e9);
  const want = ((0.02 * 7.2) / (2 * 1e-5 + 0.02 * 0.02)) * 60 / (2 * Math.PI);   // 3274 rpm
  assert.ok(Math.abs(m.rpm - want) / want < 0.01, `${m.rpm.toFixed(1)} rpm, want ${want.toFixed(1)}`);
  assert.ok(Math.abs(m.duty - 0.6) < 0.01, `duty ${m.duty}`);
  const revs = m.theta / (2 * Math.PI);
  assert.ok(Math.abs(m.edges - revs * 4 * 64) <= 2, `${m.edges} edges for ${revs.toFixed(2)} revolutions`);
  assert.ok(Math.abs(sim.adc.sources[0](0) - m.rpm * 0.0005) < 1e-6, 'tacho');
  assert.throws(() => parseMotor('dir=3'), /pwm=PIN/);
  assert.throws(() => parseMotor('pwm=40'), /GPIO/);
});

test('ST7789: window, RAMWR in RGB565, MADCTL, sleep and display on, the 5 ms waits; PNG', () => {
  const { sim, wait } = idle();
  const d = new ST7789(sim, { dc: 9 });
  const cmd = (c, ...args) => { sim.outLevel[9] = 0; d.byte(c); sim.outLevel[9] = 1; for (const a of args) d.byte(a); };
  wait(6e6);
  cmd(0x11);                                            // SLPOUT
  cmd(0x3a, 0x55);                                      // ignored: within 5 ms of SLPOUT
  assert.strictEqual(d.colmod, 0x66);
  wait(6e6);
  cmd(0x3a, 0x55);
  cmd(0x2a, 0, 10, 0, 11);
  cmd(0x2b, 0, 20, 0, 20);
  cmd(0x2c, 0xf8, 0x00, 0x07, 0xe0);                    // red, green
  assert.strictEqual(d.screen()[0], 0, 'display off: black');
  cmd(0x29);
  const s = d.screen(), px = (x, y) => [...s.subarray((y * 240 + x) * 3, (y * 240 + x) * 3 + 3)];
  assert.deepStrictEqual(px(10, 20), [255, 0, 0]);
  assert.deepStrictEqual(px(11, 20), [0, 255, 0]);
  cmd(0x36, 0x40);                                      // MX: columns mirrored
  cmd(0x2a, 0, 0, 0, 0); cmd(0x2b, 0, 0, 0, 0); cmd(0x2c, 0x00, 0x1f);
  assert.deepStrictEqual([...d.screen().subarray(239 * 3, 240 * 3)], [0, 0, 255]);
  const png = decodePng(d.png());
  assert.deepStrictEqual([png.width, png.height], [240, 240]);
  assert.deepStrictEqual([...png.rgb.subarray((20 * 240 + 10) * 3, (20 * 240 + 10) * 3 + 3)], [255, 0, 0]);
  const img = new Uint8Array([1, 2, 3, 4, 5, 6]);
  assert.deepStrictEqual([...decodePng(encodePng(2, 1, img)).rgb], [...img]);
  assert.strictEqual(crc32(Buffer.from('123456789')), 0xcbf43926, 'the standard CRC-32 check value');
});

test('command line: --spi, --display, --adc, --motor, --gpio-wave: errors name the problem; a run writes the PNG and the devices\' figures', () => {
  const { cli } = require('./helpers');
  const os = require('os'), fs = require('fs'), path = require('path');
  const bad = [
    [['--spi', '2:echo@5'], /--spi: expected BUS:DEVICE@CS/],
    [['--spi', '0:flash@5'], /--spi: expected BUS:DEVICE@CS/],
    [['--spi', '0:st7789@5'], /needs dc=PIN/],
    [['--spi', '0:echo@5,dc=40'], /is not a GPIO/],
    [['--display', 'x.png'], /no st7789 is attached/],
    [['--adc', '5=1.0'], /--adc: expected CH=SOURCE/],
    [['--adc', '0=sine:1'], /--adc 0: sine needs OFFSET:AMPLITUDE:HZ/],
    [['--adc', 'temp=hot'], /'hot' is not a number/],
    [['--motor', 'dir=3'], /--motor: pwm=PIN is required/],
    [['--motor', 'pwm=3,ppr=0'], /ppr: 1..10000/],
    [['--gpio-wave', '3=0'], /--gpio-wave: expected PIN=HZ/],
  ];
  for (const [args, re] of bad) {
    const r = cli([fw('t_idle'), '--max-ms', '1', ...args]);
    assert.strictEqual(r.code, 120, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsim-'));
  const png = path.join(dir, 'screen.png'), json = path.join(dir, 'run.json');
  const r = cli([fw('t_idle'), '--max-ms', '12', '--spi', '0:st7789@5,dc=6', '--display', `${png}@5`,
    '--spi', '1:echo@13', '--adc', '0=1.5', '--motor', 'pwm=14,enc=9:8', '--gpio-wave', '20=1000', '--json', json]);
  assert.strictEqual(r.code, 123, r.stderr);
  const img = decodePng(fs.readFileSync(png));
  assert.deepStrictEqual([img.width, img.height], [240, 240]);
  assert.ok(img.rgb.every((v) => v === 0), 'a display never switched on is black');
  assert.ok(fs.existsSync(path.join(dir, 'screen-000005.png')) && fs.existsSync(path.join(dir, 'screen-000010.png')), 'a picture every 5 ms');
  const st = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.strictEqual(st.devices.spi.length, 2);
  assert.strictEqual(st.devices.displays[0].on, false);
  assert.strictEqual(st.devices.motors[0].rpm, 0);
  const help = cli(['--help']);
  assert.match(help.stdout, /--spi B:DEV@CS/);
  assert.match(help.stdout, /--gpio-wave P=HZ/);
});

test('PWM in the pictures of a run: each channel\'s duty as a real variable in the VCD and a lane in the SVG', () => {
  const os = require('os'), fs = require('fs'), path = require('path');
  const { writeVcd, writeSvg } = require('../lib/trace');
  const { sim, wait } = idle({ record: true });
  sim.write32(IO + 4, 4);                              // GPIO0: slice 0 A
  sim.write32(PWM + 0x04, 1 << 4);
  sim.write32(PWM + 0x10, 999);
  sim.write32(PWM + 0x0c, 250);
  sim.write32(PWM + 0x00, 1);
  wait(30000);
  sim.write32(PWM + 0x0c, 750);
  wait(30000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsim-'));
  writeVcd(sim, path.join(dir, 'r.vcd'), sim.nowNanos());
  writeSvg(sim, path.join(dir, 'r.svg'), sim.nowNanos(), 'pwm');
  const vcd = fs.readFileSync(path.join(dir, 'r.vcd'), 'utf8');
  const m = /\$var real 64 (\S+) pwm0a_duty \$end/.exec(vcd);
  assert.ok(m, 'a real variable for slice 0 A');
  const vals = vcd.split('\n').filter((l) => l.endsWith(` ${m[1]}`) && l.startsWith('r')).map((l) => Number(l.slice(1, l.indexOf(' '))));
  assert.deepStrictEqual(vals, [0, 0.25, 0.75]);   // off, then each duty as it took effect
  assert.match(vcd, /\$var wire 1 \S+ gpio0 \$end/, 'the pin\'s edges too');
  const svg = fs.readFileSync(path.join(dir, 'r.svg'), 'utf8');
  assert.match(svg, /PWM 0A \(GPIO 0\)/);
  assert.match(svg, />125 kHz</);
});
