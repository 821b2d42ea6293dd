'use strict';
// SPI devices for tandem-sim's SPI controllers (lib/spi.js): the BMP280 on
// its SPI interface, an echo device for tests, and the ST7789 display
// (lib/display.js), created by name for the command line.

const { BMP280 } = require('./devices');
const { ST7789 } = require('./display');

/** The bytes of one frame, most significant first (frames of 8 or 16 bits). */
function bytesOf(out, bits) {
  const b = [];
  for (let sh = bits - 8; sh >= 0; sh -= 8) b.push((out >>> sh) & 0xff);
  return b;
}

/**
 * The BMP280 on SPI (datasheet 5.3): after chip select falls, a control
 * byte (bit 7: 1 read, 0 write; bits 6:0: the register address without its
 * bit 7); a read then returns the registers from there on, auto-incrementing,
 * until chip select rises; a write takes one data byte, then the next
 * control byte follows. SPI modes 0 and 3 only (others: a warning, reads
 * 0xff, writes ignored). The register model and the weather are the I2C
 * BMP280's (lib/devices.js); the chip answers on SPI only (CSB is tied to
 * a GPIO, so its I2C interface is off).
 */
class BMP280Spi {
  constructor(sim, spi, opts = {}) {
    this.sim = sim;
    this.spi = spi;
    this.chip = new BMP280(sim, opts);
    this.state = 'idle';
    this.transfers = 0;
  }
  get samples() { return this.chip.samples; }
  get lastSample() { return this.chip.lastSample; }
  select() { this.state = 'control'; this.transfers++; }
  deselect() {
    if (this.state === 'read') this.chip.stop();
    this.state = 'idle';
  }
  frame(out, bits) {
    if (bits % 8) { this.sim.warn(`bmp280 on SPI${this.spi.index}: ${bits}-bit frames: the BMP280 takes bytes`); return 0xffff & ((1 << bits) - 1); }
    const mode = ((this.spi.cr0 >>> 6) & 1) * 2 + ((this.spi.cr0 >>> 7) & 1);
    let back = 0;
    for (const b of bytesOf(out, bits)) back = (back << 8) | this.byte(b, mode);
    return back;
  }
  byte(b, mode) {
    if (mode === 1 || mode === 2) {
      this.sim.warn(`bmp280 on SPI${this.spi.index}: SPI mode ${mode}: the BMP280 supports modes 0 and 3 only (reads 0xff, writes ignored)`);
      return 0xff;
    }
    switch (this.state) {
      case 'control': {
        const reg = (b & 0x7f) | 0x80;
        if (b & 0x80) {
          this.chip.start('write');
          this.chip.write(reg);          // the register pointer
          this.chip.start('read');
          this.state = 'read';
        } else {
          this.reg = reg;
          this.state = 'write';
        }
        return 0xff;
      }
      case 'read': return this.chip.read();
      case 'write':
        this.chip.start('write');
        this.chip.write(this.reg);
        this.chip.write(b);
        this.chip.stop();
        this.state = 'control';
        return 0xff;
      default: return 0xff;
    }
  }
}

/**
 * A test device: during each frame it drives back the frame it received
 * before (0 for the first frame after chip select falls), so what a
 * transfer reads is what it wrote, one frame late.
 */
class SpiEcho {
  constructor() { this.prev = 0; this.frames = 0; this.selects = 0; }
  select() { this.prev = 0; this.selects++; }
  frame(out) { const v = this.prev; this.prev = out; this.frames++; return v; }
  deselect() {}
}

/** Create an SPI device by name ('bmp280', 'echo', 'st7789') for bus spi; opts: {dc, rst}. */
function createSpiDevice(sim, spi, name, opts = {}) {
  switch (name) {
    case 'bmp280': return new BMP280Spi(sim, spi);
    case 'echo': return new SpiEcho();
    case 'st7789': return new ST7789(sim, opts);
    default: return null;
  }
}

module.exports = { BMP280Spi, SpiEcho, createSpiDevice, bytesOf };
