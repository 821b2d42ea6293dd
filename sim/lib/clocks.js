'use strict';
// CLOCKS (0x40008000): rp2040js's clock tree (its CTRL/DIV registers and the
// frequencies of clk_ref, clk_sys, clk_peri derived from the PLLs and XOSC),
// plus what it leaves out:
//
// - the frequency counter FC0 (0x80..0x9c): it measures the selected source's
//   modelled frequency over the test interval the datasheet gives (2^INTERVAL
//   times 0.98 us, after DELAY periods of the reference): STATUS shows
//   RUNNING, then DONE with PASS or FAIL/SLOW/FAST against MIN/MAX, or DIED
//   for a stopped clock; RESULT is the frequency in kHz with a 5-bit fraction,
//   rounded down as a count of whole edges. The ROSC counts at rp2040js's
//   nominal 6.5 MHz (a chip's varies from part to part, with voltage and
//   temperature: warned); GPIN0/1 (clocks from pins) are not modelled
//   (warned, counted as stopped).
// - named as not modelled, once, at the write that would use them: the clock
//   outputs GPOUT0..3 (CTRL.ENABLE: the GPIO does not toggle) and the clk_sys
//   resus (RESUS_CTRL.ENABLE: never fires; STATUS reads 0).

const FC0 = 0x80, FC0_END = 0x9c, CLK_PERI_CTRL = 0x48;
const ENABLE = 1 << 11, KILL = 1 << 10;
const [PASS, DONE, RUNNING, FAIL, SLOW, FAST, DIED] = [1 << 0, 1 << 4, 1 << 8, 1 << 16, 1 << 20, 1 << 24, 1 << 28];

function makeClocks(sim, Base) {
  return class Clocks extends Base {
    constructor(rp2040, name) {
      super(rp2040, name);
      this.fc = { refKhz: 0, min: 0, max: 0x1ffffff, delay: 1, interval: 8, src: 0, doneAt: 0, result: 0, status: 0 };
    }
    /** A PLL's output in Hz: 0 while it is powered down (PWR.PD, VCOPD or POSTDIVPD). */
    pllHz(pll) { return pll.pwr & 0x29 ? 0 : pll.frequency; }
    /** clk_usb, clk_adc, clk_rtc: ENABLE, KILL, AUXSRC (pll_usb, pll_sys, rosc_ph, xosc, gpin0, gpin1) and a divider. */
    auxClockHz(ctrl, divisor) {
      if (!(ctrl & ENABLE) || (ctrl & KILL)) return 0;
      const m = this.rp2040;
      const src = [() => this.pllHz(m.pllUsb), () => this.pllHz(m.pllSys), () => m.roscFreq, () => m.xoscFreq][(ctrl >>> 5) & 7];
      if (!src) { sim.warn('CLOCKS: GPIN0/GPIN1 (clocks from pins) are not modelled: a clock fed from one is stopped'); return 0; }
      return src() / divisor;
    }
    /** The modelled frequency (Hz) of FC0_SRC's source. */
    sourceHz(src) {
      const m = this.rp2040;
      const div2 = (d) => ((d >>> 8) & 3) || 4;                 // INT only, 2 bits
      const div24 = (d) => ((d >>> 8) || 0x1000000) + (d >>> 8 ? (d & 0xff) / 256 : 0);
      switch (src) {
        case 1: return this.pllHz(m.pllSys);
        case 2: return this.pllHz(m.pllUsb);
        case 3: case 4:
          sim.warn('CLOCKS: the frequency counter measured the ROSC at its nominal 6.5 MHz; a chip\'s ring oscillator runs anywhere from about 1.8 to 12 MHz');
          return m.roscFreq;
        case 5: return m.xoscFreq;
        case 6: case 7:
          sim.warn('CLOCKS: GPIN0/GPIN1 (clocks from pins) are not modelled: a clock fed from one is stopped');
          return 0;
        case 8: return this.refFreq;
        case 9: return this.sysFreq;
        case 10: return this.periFreq;
        case 11: return this.auxClockHz(this.usbCtrl, div2(this.usbDiv));
        case 12: return this.auxClockHz(this.adcCtrl, div2(this.adcDiv));
        case 13: return this.auxClockHz(this.rtcCtrl, div24(this.rtcDiv));
        default: return 0;
      }
    }
    startCount() {
      const fc = this.fc;
      const refHz = this.refFreq || 12e6;
      fc.doneAt = sim.nowNanos() + (fc.delay * 1e9) / refHz + 2 ** fc.interval * 980;
      const hz = this.sourceHz(fc.src);
      const khz32 = Math.floor((hz * 32) / 1000);           // kHz, 5 fractional bits
      fc.result = Math.min(khz32, 0x3fffffff);
      const khz = khz32 >>> 5;
      fc.status = DONE | (hz === 0 ? DIED | FAIL : khz < fc.min ? SLOW | FAIL : khz > fc.max ? FAST | FAIL : PASS);
    }
    readUint32(offset) {
      if (offset >= FC0 && offset <= FC0_END) {
        const fc = this.fc, running = fc.src && sim.nowNanos() < fc.doneAt;
        switch (offset) {
          case 0x80: return fc.refKhz;
          case 0x84: return fc.min;
          case 0x88: return fc.max;
          case 0x8c: return fc.delay;
          case 0x90: return fc.interval;
          case 0x94: return fc.src;
          case 0x98: return !fc.src ? 0 : running ? RUNNING : fc.status;
          default: return running ? 0 : fc.result;
        }
      }
      return super.readUint32(offset);
    }
    writeUint32(offset, value) {
      if (offset >= FC0 && offset <= FC0_END) {
        const fc = this.fc;
        switch (offset) {
          case 0x80: fc.refKhz = value & 0xfffff; return;
          case 0x84: fc.min = value & 0x1ffffff; return;
          case 0x88: fc.max = value & 0x1ffffff; return;
          case 0x8c: fc.delay = value & 7; return;
          case 0x90: fc.interval = value & 0xf; return;
          case 0x94: fc.src = value & 0xff; if (fc.src) this.startCount(); return;
          default: return;                                      // STATUS, RESULT: read-only
        }
      }
      if (offset <= 0x24 && offset % 12 === 0 && (value & ENABLE)) {
        sim.warn(`CLOCKS: GPOUT${offset / 12} (a clock output on a GPIO) is not modelled: the pin does not toggle`);
      }
      if (offset === 0x78 && (value & (1 << 8))) {
        sim.warn('CLOCKS: the clk_sys resus (RESUS_CTRL.ENABLE) is not modelled: it never fires and RESUS_STATUS reads 0');
      }
      super.writeUint32(offset, value);
      if (offset === CLK_PERI_CTRL) {
        // clk_peri is the PL011's UARTCLK and the PL022's SSPCLK: without it
        // nothing shifts out (lib/peripherals.js, makeUart; lib/spi.js)
        const running = (this.periCtrl & ENABLE) !== 0 && (this.periCtrl & KILL) === 0;
        for (const u of this.rp2040.uart) if (u.periClock) u.periClock(running);
        for (const s of sim.spi || []) s.periClock(running);
      }
    }
  };
}

module.exports = { makeClocks };
