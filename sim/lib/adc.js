'use strict';
// The RP2040's ADC (datasheet 4.9), modelled here instead of rp2040js's
// RPADC, whose round robin picks wrong channels, whose temperature sensor
// reads 0 V (about 437 degrees C) and whose conversion time ignores clk_adc.
//
// What is modelled:
// - Five inputs: AIN0..3 on GPIO26..29 and AIN4, the temperature sensor
//   (only while CS.TS_EN is set; otherwise it reads 0 with a warning). Each
//   input's voltage comes from a source: a constant, a function of time, or
//   the command line's waveforms (`parseSource`); inputs without a source
//   read 0 V. The result is round(V / 3.3 V x 4096), clamped to 0..4095.
//   The sensor follows the datasheet's typical line: 0.706 V at 27 degrees C,
//   -1.721 mV per degree.
// - A conversion takes 96 cycles of clk_adc, whose frequency comes from the
//   CLOCKS registers (CLK_ADC_CTRL ENABLE/AUXSRC, CLK_ADC_DIV); while clk_adc
//   is stopped a started conversion never ends and READY stays low, as on
//   the chip (with a warning). The input is sampled at the end of the
//   conversion.
// - CS: EN, TS_EN, START_ONE, START_MANY (back to back, or one conversion
//   every 1 + INT + FRAC/256 cycles of clk_adc when DIV is set), READY,
//   AINSEL, RROBIN (AINSEL advances to the next input of the mask after each
//   conversion); RESULT; the 4-deep FIFO with FCS.EN/SHIFT/ERR/DREQ_EN/
//   THRESH/LEVEL/EMPTY/FULL/OVER/UNDER; INTR/INTE/INTF/INTS (FIFO level >=
//   THRESH); the DMA request (level >= THRESH, with DREQ_EN).
// Not modelled: conversion errors (CS.ERR stays 0), noise, the ADC's
// non-linearity (INL/DNL), input impedance, the pads' digital input
// (whether IE is cleared on an ADC pin does not change the reading).

const { BasePeripheral } = require('rp2040js');

const IRQ_ADC_FIFO = 22;
const DREQ_ADC = 36;
const VREF = 3.3;
const CONV_CYCLES = 96;

// CS
const CS_EN = 1 << 0, CS_TS_EN = 1 << 1, CS_START_ONE = 1 << 2, CS_START_MANY = 1 << 3;
const CS_READY = 1 << 8, CS_ERR_STICKY = 1 << 10;
// FCS
const FCS_EN = 1 << 0, FCS_SHIFT = 1 << 1, FCS_DREQ_EN = 1 << 3;
const FCS_UNDER = 1 << 10, FCS_OVER = 1 << 11;

/** Sensor voltage at temperature t (degrees C), the datasheet's typical line. */
function tempSensorVolts(t) { return 0.706 - (t - 27) * 0.001721; }

/**
 * A source from the command line's text: VOLTS, or a waveform
 *   sine:OFFSET:AMPLITUDE:HZ   square:LOW:HIGH:HZ   ramp:FROM:TO:MS (then holds TO)
 *   csv:FILE                   lines "ms,volts", linear between points
 * For the temperature input the numbers are degrees C instead of volts.
 * Returns a function of time in seconds, or throws an Error naming the problem.
 */
function parseSource(text) {
  const num = (s) => {
    const n = Number(s);
    if (s === '' || !Number.isFinite(n)) throw new Error(`'${s}' is not a number`);
    return n;
  };
  const parts = text.split(':');
  switch (parts[0]) {
    case 'sine': {
      if (parts.length !== 4) throw new Error('sine needs OFFSET:AMPLITUDE:HZ');
      const [o, a, f] = parts.slice(1).map(num);
      return (t) => o + a * Math.sin(2 * Math.PI * f * t);
    }
    case 'square': {
      if (parts.length !== 4) throw new Error('square needs LOW:HIGH:HZ');
      const [lo, hi, f] = parts.slice(1).map(num);
      return (t) => ((t * f) % 1 < 0.5 ? hi : lo);
    }
    case 'ramp': {
      if (parts.length !== 4) throw new Error('ramp needs FROM:TO:MS');
      const [a, b, ms] = parts.slice(1).map(num);
      return (t) => (t * 1000 >= ms ? b : a + (b - a) * (t * 1000) / ms);
    }
    case 'csv': {
      const file = parts.slice(1).join(':');
      let rows;
      try { rows = require('fs').readFileSync(file, 'utf8').split('\n'); } catch (e) { throw new Error(`cannot read ${file}: ${e.code || e.message}`); }
      const pts = [];
      rows.forEach((line, i) => {
        const s = line.trim();
        if (!s || s.startsWith('#')) return;
        const m = s.split(',');
        if (m.length !== 2) throw new Error(`${file}:${i + 1}: expected "ms,value"`);
        pts.push([num(m[0].trim()) / 1000, num(m[1].trim())]);
      });
      if (!pts.length) throw new Error(`${file}: no points`);
      pts.sort((p, q) => p[0] - q[0]);
      return (t) => {
        if (t <= pts[0][0]) return pts[0][1];
        for (let i = 1; i < pts.length; i++) {
          if (t <= pts[i][0]) {
            const [t0, v0] = pts[i - 1], [t1, v1] = pts[i];
            return t1 === t0 ? v1 : v0 + (v1 - v0) * (t - t0) / (t1 - t0);
          }
        }
        return pts[pts.length - 1][1];
      };
    }
    default: {
      const v = num(text);
      return () => v;
    }
  }
}

class ADC extends BasePeripheral {
  constructor(sim, mcu) {
    super(mcu, 'ADC');
    this.sim = sim;
    this.sources = [null, null, null, null, null]; // volts (AIN0..3) / degrees C (AIN4) as functions of t (s)
    this.alarm = mcu.clock.createAlarm(() => this.convDone());
    this.conversions = 0;
    this.reset();
  }
  reset() {
    this.cs = 0;
    this.result = 0;
    this.fcs = 0;
    this.fifo = [];
    this.div = 0;
    this.inte = 0;
    this.intf = 0;
    this.busy = false;
    this.alarm.cancel();
    this.update();
  }

  /** Drive input ch (0..3: GPIO26..29 in volts; 4: the sensor's temperature in degrees C)
   * from v: a number, a function of simulated time in seconds, or null (0 V). */
  input(ch, v) {
    if (!(ch >= 0 && ch <= 4)) throw new RangeError(`ADC input ${ch}: 0..3 (GPIO26..29) or 4 (temperature)`);
    this.sources[ch] = v === null || v === undefined ? null : typeof v === 'function' ? v : () => v;
  }
  /** Volts at input ch now. */
  volts(ch) {
    const t = this.sim.nowNanos() / 1e9;
    if (ch === 4) {
      if (!(this.cs & CS_TS_EN)) {
        this.sim.warn('ADC: the temperature sensor (AIN4) was converted with CS.TS_EN clear: it is not powered and reads 0');
        return 0;
      }
      return tempSensorVolts(this.sources[4] ? this.sources[4](t) : 27);
    }
    return this.sources[ch] ? this.sources[ch](t) : 0;
  }

  /** clk_adc in Hz from the CLOCKS registers (0 while stopped). */
  get clkAdc() {
    const c = this.rp2040.clocks, mcu = this.rp2040;
    const ctrl = c.adcCtrl;
    if (!(ctrl & (1 << 11)) || (ctrl & (1 << 10))) return 0;
    let src;
    switch ((ctrl >>> 5) & 7) {
      case 0: src = mcu.pllUsb.frequency; break;
      case 1: src = mcu.pllSys.frequency; break;
      case 2: src = mcu.roscFreq; break;
      case 3: src = mcu.xoscFreq; break;
      default: src = 0;
    }
    const d = (c.adcDiv >>> 8) & 3;
    return src / (d || 4);
  }
  get ainsel() { return (this.cs >>> 12) & 7; }

  start() {
    if (this.busy || !(this.cs & CS_EN)) return;
    this.busy = true;
    const hz = this.clkAdc;
    if (!hz) {
      this.sim.warn('ADC: a conversion was started while clk_adc is stopped: it never ends and CS.READY stays low (as on the chip)');
      return;
    }
    this.alarm.schedule((CONV_CYCLES * 1e9) / hz);
  }
  convDone() {
    this.busy = false;
    const ch = this.ainsel;
    const v = ch <= 4 ? this.volts(ch) : 0;
    let raw = Math.round((v / VREF) * 4096);
    raw = raw < 0 ? 0 : raw > 4095 ? 4095 : raw;
    this.result = raw;
    this.conversions++;
    if (this.fcs & FCS_EN) {
      if (this.fifo.length >= 4) this.fcs |= FCS_OVER;
      else this.fifo.push((this.fcs & FCS_SHIFT) ? raw >>> 4 : raw);
    }
    const rr = (this.cs >>> 16) & 0x1f;
    if (rr) {
      let next = ch;
      for (let k = 0; k < 5; k++) {
        next = (next + 1) % 5;
        if (rr & (1 << next)) break;
      }
      this.cs = (this.cs & ~(7 << 12)) | (next << 12);
    }
    this.update();
    if (this.cs & CS_START_MANY) {
      const intPart = (this.div >>> 8) & 0xffff, frac = this.div & 0xff;
      const hz = this.clkAdc;
      if (intPart || frac) {
        const gap = 1 + intPart + frac / 256 - CONV_CYCLES;
        if (gap > 0 && hz) { this.pacer = pace(this, (gap * 1e9) / hz); return; }
      }
      this.start();
    }
  }

  get level() { return this.fifo.length; }
  get thresh() { return (this.fcs >>> 24) & 0xf; }
  update() {
    const irq = (this.thresh && this.level >= this.thresh) ? 1 : 0;
    this.rp2040.setInterrupt(IRQ_ADC_FIFO, ((irq & this.inte) | this.intf) !== 0);
    const dma = this.rp2040.dma;
    if ((this.fcs & FCS_DREQ_EN) && this.thresh && this.level >= this.thresh) dma.setDREQ(DREQ_ADC);
    else dma.clearDREQ(DREQ_ADC);
  }

  readUint32(offset) {
    switch (offset) {
      case 0x00: return (this.cs & ~CS_READY) | ((this.cs & CS_EN) && !this.busy ? CS_READY : 0);
      case 0x04: return this.result;
      case 0x08: {
        const n = this.level;
        return (this.fcs & 0x0f000c0f) | (n << 16) | (n >= 4 ? 1 << 9 : 0) | (n === 0 ? 1 << 8 : 0);
      }
      case 0x0c: {
        if (!this.fifo.length) { this.fcs |= FCS_UNDER; return 0; }
        const v = this.fifo.shift();
        this.update();
        return v;
      }
      case 0x10: return this.div;
      case 0x14: return (this.thresh && this.level >= this.thresh) ? 1 : 0;
      case 0x18: return this.inte;
      case 0x1c: return this.intf;
      case 0x20: return (((this.thresh && this.level >= this.thresh) ? 1 : 0) & this.inte) | this.intf;
    }
    return super.readUint32(offset);
  }
  writeUint32(offset, value) {
    switch (offset) {
      case 0x00: {
        if (value & CS_ERR_STICKY) this.cs &= ~CS_ERR_STICKY;
        const keep = 0x1f770f & ~(CS_START_ONE | CS_READY | CS_ERR_STICKY);
        this.cs = value & keep;
        if (!(this.cs & CS_EN)) { this.busy = false; this.alarm.cancel(); if (this.pacer) this.pacer.cancel(); }
        else if (value & (CS_START_ONE | CS_START_MANY)) this.start();
        return;
      }
      case 0x08:
        this.fcs = (this.fcs & ~(0x0f00000f | (value & (FCS_UNDER | FCS_OVER)))) | (value & 0x0f00000f);
        this.update();
        return;
      case 0x10: this.div = value & 0xffffff; return;
      case 0x18: this.inte = value & 1; this.update(); return;
      case 0x1c: this.intf = value & 1; this.update(); return;
    }
    super.writeUint32(offset, value);
  }
}

/** A one-shot alarm that starts the next conversion of a START_MANY run. */
function pace(adc, ns) {
  if (!adc.pacerAlarm) adc.pacerAlarm = adc.rp2040.clock.createAlarm(() => { if (adc.cs & CS_START_MANY) adc.start(); });
  adc.pacerAlarm.schedule(ns);
  return adc.pacerAlarm;
}

module.exports = { ADC, parseSource, tempSensorVolts, IRQ_ADC_FIFO };
