'use strict';
// Installs tandem-sim's own models of the DMA, the two SPI controllers, the
// ADC, the PWM block and the two PIO blocks in place of rp2040js's (see each
// file for what is modelled and why), and makes a write that puts a block into reset
// (RESETS.RESET) reset that block's model to its power-on registers.

const { DMA } = require('./dma');
const { SPI } = require('./spi');
const { ADC } = require('./adc');
const { PWM } = require('./pwm');
const { PIOBlock } = require('./pio');

// RESETS bits of the blocks modelled here
const RESET_ADC = 1 << 0, RESET_DMA = 1 << 2, RESET_PIO0 = 1 << 10, RESET_PIO1 = 1 << 11, RESET_PWM = 1 << 14, RESET_SPI0 = 1 << 16, RESET_SPI1 = 1 << 17;

function install(sim) {
  const mcu = sim.mcu, per = mcu.peripherals;
  sim.dma = mcu.dma = per[0x50000] = new DMA(sim, mcu);
  sim.spi = [new SPI(sim, mcu, 0), new SPI(sim, mcu, 1)];
  mcu.spi = sim.spi;
  per[0x4003c] = sim.spi[0];
  per[0x40040] = sim.spi[1];
  sim.adc = mcu.adc = per[0x4004c] = new ADC(sim, mcu);
  sim.pwm = mcu.pwm = per[0x40050] = new PWM(sim, mcu);
  // after the DMA: the PIO's TX DREQs are asserted from the start
  sim.pio = mcu.pio = [new PIOBlock(sim, mcu, 0), new PIOBlock(sim, mcu, 1)];
  per[0x50200] = sim.pio[0];
  per[0x50300] = sim.pio[1];

  // CLK_REF_DIV, CLK_ADC_DIV and CLK_RTC_DIV read back with INT in bits 9:8
  // (rp2040js masks them with 0x30).
  const clocks = mcu.clocks, read = clocks.readUint32.bind(clocks);
  clocks.readUint32 = (o) => (o === 0x34 ? clocks.refDiv & 0x300 : o === 0x64 ? clocks.adcDiv & 0x300 : o === 0x70 ? clocks.rtcDiv & 0x300 : read(o));

  // RESETS: a block put into reset gets its power-on registers
  const resets = per[0x4000c];
  const write = resets.writeUint32.bind(resets);
  resets.writeUint32 = (offset, value) => {
    const before = resets.reset;
    write(offset, value);
    if (offset !== 0) return;
    const rising = resets.reset & ~before;
    if (rising & RESET_DMA) sim.dma.reset();
    if (rising & RESET_SPI0) sim.spi[0].reset();
    if (rising & RESET_SPI1) sim.spi[1].reset();
    if (rising & RESET_ADC) sim.adc.reset();
    if (rising & RESET_PWM) sim.pwm.reset();
    if (rising & RESET_PIO0) sim.pio[0].reset();
    if (rising & RESET_PIO1) sim.pio[1].reset();
  };
}

module.exports = { install };
