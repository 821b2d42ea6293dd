'use strict';
// Virtual I2C sensors: an MPU6050 (accelerometer, gyroscope, temperature) and
// a BMP280 (temperature, pressure). Their physical inputs are deterministic,
// slowly varying functions of simulated time (or whatever function the user
// gives), and every sample handed to the firmware is recorded in physical
// units, so a test can compare what the firmware prints with what the device
// was given.

const { RegisterDevice, HoldingDevice } = require('./i2c');

const TAU = 2 * Math.PI;

/** Default MPU6050 scene: the board tilts +-10 degrees about X every 10 s. */
function defaultMotion(t) {
  const tilt = (10 * Math.PI / 180) * Math.sin(TAU * t / 10);
  const rate = 10 * (TAU / 10) * Math.cos(TAU * t / 10); // deg/s
  return {
    ax: 0, ay: Math.sin(tilt), az: Math.cos(tilt),   // g
    gx: rate, gy: 0.5 * Math.sin(TAU * t / 7), gz: 0, // deg/s
    temp: 25 + 0.5 * Math.sin(TAU * t / 60),          // deg C
  };
}

const ACCEL_LSB = [16384, 8192, 4096, 2048]; // per g, AFS_SEL 0..3
const GYRO_LSB = [131, 65.5, 32.8, 16.4];    // per deg/s, FS_SEL 0..3

function s16(v) { v = Math.round(v); return v > 32767 ? 32767 : v < -32768 ? -32768 : v; }

/**
 * MPU6050 at 0x68 (0x69 with AD0 high). Register map subset: WHO_AM_I (0x75)
 * = 0x68, PWR_MGMT_1 (0x6B, reset 0x40 = sleep; bit 7 resets), SMPLRT_DIV,
 * CONFIG, GYRO_CONFIG (FS_SEL), ACCEL_CONFIG (AFS_SEL), data 0x3B..0x48.
 * Data registers are latched at the start of each read transfer, so a burst
 * read is consistent. While asleep the data registers keep their last values.
 */
class MPU6050 extends RegisterDevice {
  constructor(sim, { motion = defaultMotion, address = 0x68 } = {}) {
    super();
    this.sim = sim;
    this.motion = motion;
    this.address = address;
    this.samples = []; // {time, raw:{...}, value:{...}} for every latched sample
    this.reset();
    this.onWrite = (reg, v) => {
      if (reg === 0x6b && (v & 0x80)) this.reset();
    };
  }
  reset() {
    this.regs.fill(0);
    this.regs[0x6b] = 0x40;
    this.regs[0x75] = 0x68;
  }
  get asleep() { return !!(this.regs[0x6b] & 0x40); }
  start(mode) {
    super.start(mode);
    if (mode === 'read' && !this.asleep) this.latch();
  }
  latch() {
    const t = this.sim.nowNanos() / 1e9;
    const m = this.motion(t);
    const afs = (this.regs[0x1c] >> 3) & 3, fs = (this.regs[0x1b] >> 3) & 3;
    const raw = {
      ax: s16(m.ax * ACCEL_LSB[afs]), ay: s16(m.ay * ACCEL_LSB[afs]), az: s16(m.az * ACCEL_LSB[afs]),
      temp: s16((m.temp - 36.53) * 340),
      gx: s16(m.gx * GYRO_LSB[fs]), gy: s16(m.gy * GYRO_LSB[fs]), gz: s16(m.gz * GYRO_LSB[fs]),
    };
    const order = ['ax', 'ay', 'az', 'temp', 'gx', 'gy', 'gz'];
    order.forEach((k, i) => {
      const v = raw[k] & 0xffff;
      this.regs[0x3b + 2 * i] = v >> 8;
      this.regs[0x3c + 2 * i] = v & 0xff;
    });
    this.samples.push({ time: t, raw, value: m, accelLsbPerG: ACCEL_LSB[afs], gyroLsbPerDps: GYRO_LSB[fs] });
    if (this.samples.length > 10000) this.samples.shift();
  }
  get lastSample() { return this.samples[this.samples.length - 1]; }
}

/** Default BMP280 scene: room temperature drifting, pressure of a board moved up and down ~10 m. */
function defaultWeather(t) {
  return {
    temperature: 22 + 1.5 * Math.sin(TAU * t / 30), // deg C
    pressure: 101325 - 120 * Math.sin(TAU * t / 40), // Pa
  };
}

// Calibration constants: the worked example of the BMP280 datasheet (section 3.12).
const BMP280_CAL = { T1: 27504, T2: 26435, T3: -1000, P1: 36477, P2: -10685, P3: 3024, P4: 2855, P5: 140, P6: -7, P7: 15500, P8: -14600, P9: 6000 };

/** The datasheet's integer compensation: returns {t_fine, T (0.01 degC), P (Pa)}. */
function bmp280Compensate(adcT, adcP, c = BMP280_CAL) {
  const var1 = ((((adcT >> 3) - (c.T1 << 1))) * c.T2) >> 11;
  const var2 = (((((adcT >> 4) - c.T1) * ((adcT >> 4) - c.T1)) >> 12) * c.T3) >> 14;
  const tFine = var1 + var2;
  const T = (tFine * 5 + 128) >> 8;
  // 64-bit pressure compensation
  let v1 = BigInt(tFine) - 128000n;
  let v2 = v1 * v1 * BigInt(c.P6);
  v2 = v2 + ((v1 * BigInt(c.P5)) << 17n);
  v2 = v2 + (BigInt(c.P4) << 35n);
  v1 = ((v1 * v1 * BigInt(c.P3)) >> 8n) + ((v1 * BigInt(c.P2)) << 12n);
  v1 = (((1n << 47n) + v1) * BigInt(c.P1)) >> 33n;
  let P = 0;
  if (v1 !== 0n) {
    let p = 1048576n - BigInt(adcP);
    p = (((p << 31n) - v2) * 3125n) / v1;
    const w1 = (BigInt(c.P9) * (p >> 13n) * (p >> 13n)) >> 25n;
    const w2 = (BigInt(c.P8) * p) >> 19n;
    p = ((p + w1 + w2) >> 8n) + (BigInt(c.P7) << 4n);
    P = Number(p) / 256; // Q24.8 -> Pa
  }
  return { tFine, T, P };
}

/** Raw ADC values that compensate to (close to) the given temperature and pressure. */
function bmp280Raw(tempC, pressurePa, c = BMP280_CAL) {
  const target = Math.round(tempC * 100);
  let lo = 0, hi = (1 << 20) - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (bmp280Compensate(mid, 0, c).T < target) lo = mid + 1; else hi = mid; }
  const adcT = lo;
  // pressure falls as adc_P rises
  let plo = 0, phi = (1 << 20) - 1;
  while (plo < phi) { const mid = (plo + phi) >> 1; if (bmp280Compensate(adcT, mid, c).P > pressurePa) plo = mid + 1; else phi = mid; }
  return { adcT, adcP: plo };
}

/**
 * BMP280 at 0x76 (0x77 with SDO high). Chip id 0x58 at 0xD0, soft reset
 * (0xB6 to 0xE0), status 0xF3 (measuring while a conversion runs),
 * ctrl_meas 0xF4 (oversampling, mode: sleep / forced / normal), config 0xF5,
 * calibration 0x88..0x9F, data 0xF7..0xFC (20-bit pressure and temperature).
 * Forced mode converts once (taking the datasheet's typical measurement
 * time) and returns to sleep; normal mode converts continuously; the data
 * registers hold the last finished conversion.
 */
class BMP280 extends RegisterDevice {
  constructor(sim, { weather = defaultWeather, address = 0x76, calibration = BMP280_CAL } = {}) {
    super();
    this.sim = sim;
    this.weather = weather;
    this.address = address;
    this.cal = calibration;
    this.samples = [];
    this.busyUntil = 0;
    this.reset();
    this.onWrite = (reg, v) => {
      if (reg === 0xe0 && v === 0xb6) this.reset();
      if (reg === 0xf4 && (v & 3) !== 0) this.startConversion();
    };
    this.onRead = (reg) => {
      if (reg === 0xf3) return this.sim.nowNanos() < this.busyUntil ? 0x08 : 0x00;
      return undefined;
    };
  }
  reset() {
    this.regs.fill(0);
    this.regs[0xd0] = 0x58;
    const c = this.cal;
    const put16 = (a, v) => { this.regs[a] = v & 0xff; this.regs[a + 1] = (v >> 8) & 0xff; };
    ['T1', 'T2', 'T3', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9'].forEach((k, i) => put16(0x88 + 2 * i, c[k]));
    this.regs[0xf7] = 0x80; this.regs[0xfa] = 0x80; // reset values of the data registers
  }
  get measureNanos() {
    const osT = (this.regs[0xf4] >> 5) & 7, osP = (this.regs[0xf4] >> 2) & 7;
    const n = (o) => (o === 0 ? 0 : 1 << Math.min(o - 1, 4));
    return (1.25 + 2.3 * n(osT) + (osP ? 2.3 * n(osP) + 0.575 : 0)) * 1e6;
  }
  startConversion() {
    const now = this.sim.nowNanos();
    this.busyUntil = now + this.measureNanos;
    this.pendingAt = this.busyUntil;
  }
  start(mode) {
    super.start(mode);
    if (mode !== 'read') return;
    const now = this.sim.nowNanos();
    const m = this.regs[0xf4] & 3;
    if (m === 3 && now >= (this.pendingAt || 0)) { this.convert(now); this.pendingAt = now + this.measureNanos; }
    else if (this.pendingAt && now >= this.pendingAt) {
      this.convert(this.pendingAt);
      this.pendingAt = 0;
      if (m !== 3) this.regs[0xf4] &= ~3; // forced: back to sleep
    }
  }
  convert(atNanos) {
    const t = atNanos / 1e9;
    const w = this.weather(t);
    const { adcT, adcP } = bmp280Raw(w.temperature, w.pressure, this.cal);
    const comp = bmp280Compensate(adcT, adcP, this.cal);
    const put20 = (a, v) => { this.regs[a] = (v >> 12) & 0xff; this.regs[a + 1] = (v >> 4) & 0xff; this.regs[a + 2] = (v << 4) & 0xf0; };
    put20(0xf7, adcP);
    put20(0xfa, adcT);
    this.samples.push({ time: t, value: w, adcT, adcP, compensated: { temperature: comp.T / 100, pressure: comp.P } });
    if (this.samples.length > 10000) this.samples.shift();
  }
  get lastSample() { return this.samples[this.samples.length - 1]; }
}

/** Create a device by name for the command line ("mpu6050", "bmp280",
 *  "hold": a HoldingDevice, holding SCL for holdMs ms, or for good). */
function createDevice(sim, name, address, holdMs) {
  switch (name) {
    case 'hold': return new HoldingDevice({ address: address ?? 0x50, holdUs: holdMs === undefined ? Infinity : holdMs * 1000 });
    case 'mpu6050': return new MPU6050(sim, { address: address ?? 0x68 });
    case 'bmp280': return new BMP280(sim, { address: address ?? 0x76 });
    default: return null;
  }
}

module.exports = { MPU6050, BMP280, createDevice, bmp280Compensate, bmp280Raw, BMP280_CAL, defaultMotion, defaultWeather };
