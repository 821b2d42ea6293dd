'use strict';
// An ST7789 colour display controller with a 240 x 240 panel on an SPI bus
// (four-wire serial interface: chip select, SCL, SDA in, and a D/CX GPIO:
// low = command byte, high = parameter or pixel data; D/CX is sampled with
// the last bit of each byte, as the controller does). Sitronix ST7789V
// datasheet: frame memory 240 x 320 x 18 bits; the panel shows rows 0..239
// of it (so MY without an offset of 80 rows shows the unused part, as on
// real 240 x 240 modules).
//
// Commands modelled: NOP 00, SWRESET 01, SLPIN 10, SLPOUT 11, PTLON 12,
// NORON 13, INVOFF 20, INVON 21, DISPOFF 28, DISPON 29, CASET 2A, RASET 2B,
// RAMWR 2C, RAMWRC 3C, MADCTL 36 (MY, MX, MV, RGB/BGR order), COLMOD 3A
// (0x55: 16 bits per pixel, RGB565, high byte first; 0x66: 18 bits, three
// bytes with the colour in bits 7:2; reset value 0x66), and the power and
// gamma set-up commands a driver sends at start-up (B2, B7, BB, C0, C2, C3,
// C4, C6, D0, E0, E1: parameters taken, no effect). The datasheet's waits
// are enforced: a command within 5 ms after SWRESET or SLPOUT is ignored
// (with a warning). What the panel shows: black while in sleep or DISPOFF,
// the frame memory otherwise (inverted with INVON).
// Not modelled: reading (RDDID and the other read commands: the SDA line
// is not driven back), tearing effect, scrolling, partial mode's area,
// idle mode, the 3-wire (9-bit) interface, brightness.

const { encodePng } = require('./png');

const W = 240, H = 240, GRAM_W = 240, GRAM_H = 320;
const PARAMS = { 0x2a: 4, 0x2b: 4, 0x36: 1, 0x3a: 1, 0xb2: 5, 0xb7: 1, 0xbb: 1, 0xc0: 1, 0xc2: 1, 0xc3: 1, 0xc4: 1, 0xc6: 1, 0xd0: 2, 0xe0: 14, 0xe1: 14, 0x26: 1, 0x51: 1, 0x53: 1, 0x55: 1, 0x35: 1 };
const NOARG = new Set([0x00, 0x01, 0x10, 0x11, 0x12, 0x13, 0x20, 0x21, 0x28, 0x29, 0x34, 0x38, 0x39]);

class ST7789 {
  /** sim; dc: the D/CX GPIO; rst: the RESX GPIO (optional, low resets). */
  constructor(sim, { dc, rst = -1, name = 'st7789' } = {}) {
    if (!(dc >= 0 && dc < 30)) throw new RangeError('ST7789: the D/CX pin must be a GPIO 0..29');
    this.sim = sim;
    this.dc = dc;
    this.name = name;
    this.gram = new Uint8Array(GRAM_W * GRAM_H * 3);   // 8-bit R, G, B per pixel
    this.pixelsWritten = 0;
    this.commands = 0;
    this.hwReset();
    if (rst >= 0) sim.watchPin(rst, (level) => { if (level === 0) this.hwReset(); });
  }
  hwReset() {
    this.sleeping = true;
    this.displayOn = false;
    this.inverted = false;
    this.madctl = 0;
    this.colmod = 0x66;
    this.xs = 0; this.xe = GRAM_W - 1; this.ys = 0; this.ye = GRAM_H - 1;
    this.cmd = -1;
    this.args = [];
    this.writing = false;
    this.quietUntil = this.sim.nowNanos() + 5e6;
    this.pix = [];
  }
  now() { return this.sim.nowNanos(); }

  // ---- SPI device interface ------------------------------------------------------
  select() {}
  deselect() { this.pix = []; }
  frame(out, bits) {
    if (bits % 8) { this.sim.warn(`${this.name}: ${bits}-bit SPI frames: the controller takes whole bytes; frame ignored`); return undefined; }
    for (let sh = bits - 8; sh >= 0; sh -= 8) this.byte((out >>> sh) & 0xff);
    return undefined;                  // SDA is not driven back
  }

  byte(b) {
    const dc = this.sim.outLevel[this.dc];
    if (dc < 0) { this.sim.warn(`${this.name}: a byte arrived while the D/CX pin (GPIO ${this.dc}) is not driven; taken as data`); }
    if (dc === 0) this.command(b); else this.data(b);
  }
  command(c) {
    if (this.now() < this.quietUntil) {
      this.sim.warn(`${this.name}: command 0x${c.toString(16)} within 5 ms after SWRESET or SLPOUT is ignored (the datasheet's wait)`);
      this.cmd = -1;
      return;
    }
    this.commands++;
    this.cmd = c;
    this.args = [];
    this.writing = false;
    this.pix = [];
    switch (c) {
      case 0x01: this.hwReset(); this.quietUntil = this.now() + 5e6; this.cmd = -1; return;
      case 0x10: this.sleeping = true; return;
      case 0x11: this.sleeping = false; this.quietUntil = this.now() + 5e6; return;
      case 0x20: this.inverted = false; return;
      case 0x21: this.inverted = true; return;
      case 0x28: this.displayOn = false; return;
      case 0x29: this.displayOn = true; return;
      case 0x2c: this.writing = true; this.cx = this.xs; this.cy = this.ys; return;
      case 0x3c: this.writing = true; return;
      default:
        if (!NOARG.has(c) && PARAMS[c] === undefined) this.sim.warn(`${this.name}: command 0x${c.toString(16)} is not modelled; its parameters are ignored`);
    }
  }
  data(b) {
    if (this.writing) { this.pixelByte(b); return; }
    const n = PARAMS[this.cmd];
    if (n === undefined) return;
    this.args.push(b);
    if (this.args.length < n) return;
    const a = this.args;
    switch (this.cmd) {
      case 0x2a: this.xs = (a[0] << 8) | a[1]; this.xe = (a[2] << 8) | a[3]; break;
      case 0x2b: this.ys = (a[0] << 8) | a[1]; this.ye = (a[2] << 8) | a[3]; break;
      case 0x36: this.madctl = a[0]; break;
      case 0x3a:
        this.colmod = a[0];
        if ((a[0] & 7) !== 5 && (a[0] & 7) !== 6) this.sim.warn(`${this.name}: COLMOD 0x${a[0].toString(16)}: only 16 and 18 bits per pixel are modelled`);
        break;
    }
    this.cmd = -1;
  }
  pixelByte(b) {
    this.pix.push(b);
    let r, g, bl;
    if ((this.colmod & 7) === 5) {
      if (this.pix.length < 2) return;
      const v = (this.pix[0] << 8) | this.pix[1];
      r = ((v >>> 11) & 0x1f) * 255 / 31; g = ((v >>> 5) & 0x3f) * 255 / 63; bl = (v & 0x1f) * 255 / 31;
    } else {
      if (this.pix.length < 3) return;
      r = (this.pix[0] >>> 2) * 255 / 63; g = (this.pix[1] >>> 2) * 255 / 63; bl = (this.pix[2] >>> 2) * 255 / 63;
    }
    this.pix = [];
    if (this.madctl & 0x08) [r, bl] = [bl, r];     // BGR order
    this.put(this.cx, this.cy, Math.round(r), Math.round(g), Math.round(bl));
    this.pixelsWritten++;
    // advance within the window: along a row (MV: along a column), then on
    if (++this.cx > this.xe) {
      this.cx = this.xs;
      if (++this.cy > this.ye) this.cy = this.ys;
    }
  }
  /** Store a pixel at window coordinates (x column, y row) through MADCTL. */
  put(x, y, r, g, b) {
    const m = this.madctl;
    let col = x, row = y;
    if (m & 0x20) [col, row] = [row, col];            // MV: exchange
    if (m & 0x40) col = GRAM_W - 1 - col;             // MX
    if (m & 0x80) row = GRAM_H - 1 - row;             // MY
    if (col < 0 || col >= GRAM_W || row < 0 || row >= GRAM_H) return;
    const o = (row * GRAM_W + col) * 3;
    this.gram[o] = r; this.gram[o + 1] = g; this.gram[o + 2] = b;
  }

  // ---- what the panel shows -----------------------------------------------------------
  /** The panel's 240 x 240 RGB pixels now. */
  screen() {
    const out = new Uint8Array(W * H * 3);
    if (this.sleeping || !this.displayOn) return out;
    out.set(this.gram.subarray(0, W * H * 3));
    if (this.inverted) for (let i = 0; i < out.length; i++) out[i] = 255 - out[i];
    return out;
  }
  png() { return encodePng(W, H, this.screen()); }
}

module.exports = { ST7789, DISPLAY_W: W, DISPLAY_H: H };
