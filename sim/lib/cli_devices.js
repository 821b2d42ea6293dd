'use strict';
// The command line's devices for the SPI, ADC, PWM and GPIO models:
//   --spi B:DEV@CS[,dc=P][,rst=P]   attach bmp280 | echo | st7789 to SPI B, chip select GPIO CS
//   --display FILE[@MS]             the st7789's screen as a PNG at the end (and every MS)
//   --adc CH=SOURCE                 drive ADC input CH (0..3 = GPIO26..29 in volts, temp in deg C)
//   --motor SPEC                    a DC motor (lib/motor.js, parseMotor)
//   --gpio-wave P=HZ[@MS]           a square wave into GPIO P from time MS
// parse() takes one option (returns false if it is not one of these);
// attach() builds the devices; finish() writes the last pictures and
// returns figures for the JSON statistics.

const fs = require('fs');
const path = require('path');
const { parseSource } = require('./adc');
const { createSpiDevice } = require('./spi_devices');
const { ST7789 } = require('./display');
const { Motor, parseMotor } = require('./motor');
const { SquareWave } = require('./signals');

class DeviceUsageError extends Error {}

const USAGE = `  --spi B:DEV@CS[,dc=P][,rst=P]  attach a device to SPI bus B (0/1), chip select on GPIO CS:
                      bmp280, echo (answers each frame with the one before), st7789
                      (240x240 display; dc= its D/CX pin, rst= its reset pin)
  --display FILE[@MS] write the st7789's screen to FILE (PNG) at the end, and with
                      @MS also every MS of simulated time as FILE-<ms>.png
  --adc CH=SOURCE     drive ADC input CH: 0..3 (GPIO26..29, volts) or temp (deg C);
                      SOURCE: a number, sine:OFFSET:AMPL:HZ, square:LOW:HIGH:HZ,
                      ramp:FROM:TO:MS or csv:FILE (lines "ms,value"); repeatable
  --motor SPEC        a DC motor: pwm=P[,dir=P][,enc=A:B][,ppr=N][,tacho=CH][,load=NM@MS]
  --gpio-wave P=HZ[@MS]  drive GPIO P with a square wave of HZ from time MS; repeatable`;

function parse(o, opt, v) {
  o.dev = o.dev || { spi: [], adc: [], motors: [], waves: [] };
  const d = o.dev;
  switch (opt) {
    case '--spi': {
      const m = /^([01]):(bmp280|echo|st7789)@(\d+)((?:,(?:dc|rst)=\d+)*)$/.exec(v);
      if (!m || Number(m[3]) > 29) throw new DeviceUsageError(`--spi: expected BUS:DEVICE@CS[,dc=PIN][,rst=PIN] (bus 0/1; bmp280, echo or st7789; CS a GPIO 0..29), got '${v}'`);
      const extra = {};
      for (const kv of m[4].split(',').filter(Boolean)) {
        const [k, n] = kv.split('=');
        if (Number(n) > 29) throw new DeviceUsageError(`--spi: ${k}=${n} is not a GPIO 0..29`);
        extra[k] = Number(n);
      }
      if (m[2] === 'st7789' && extra.dc === undefined) throw new DeviceUsageError('--spi: the st7789 needs dc=PIN (its D/CX pin)');
      d.spi.push({ bus: Number(m[1]), device: m[2], cs: Number(m[3]), ...extra });
      return true;
    }
    case '--display': {
      const m = /^(.+?)(?:@(\d+(?:\.\d+)?))?$/.exec(v);
      d.display = { file: m[1], everyMs: m[2] ? Number(m[2]) : 0 };
      if (m[2] && !(d.display.everyMs > 0)) throw new DeviceUsageError('--display: the interval must be above 0 ms');
      return true;
    }
    case '--adc': {
      const m = /^([0-3]|temp)=(.+)$/.exec(v);
      if (!m) throw new DeviceUsageError(`--adc: expected CH=SOURCE with CH 0..3 or temp, got '${v}'`);
      let fn;
      try { fn = parseSource(m[2]); } catch (e) { throw new DeviceUsageError(`--adc ${m[1]}: ${e.message}`); }
      d.adc.push({ ch: m[1] === 'temp' ? 4 : Number(m[1]), fn });
      return true;
    }
    case '--motor':
      try { d.motors.push(parseMotor(v)); } catch (e) { throw new DeviceUsageError(`--motor: ${e.message}`); }
      return true;
    case '--gpio-wave': {
      const m = /^(\d+)=(\d+(?:\.\d+)?)(?:@(\d+(?:\.\d+)?))?$/.exec(v);
      if (!m || Number(m[1]) > 29 || !(Number(m[2]) > 0)) throw new DeviceUsageError(`--gpio-wave: expected PIN=HZ[@MS] with PIN 0..29 and HZ above 0, got '${v}'`);
      d.waves.push({ pin: Number(m[1]), hz: Number(m[2]), ms: m[3] ? Number(m[3]) : 0 });
      return true;
    }
  }
  return false;
}

function attach(sim, o) {
  const d = o.dev;
  if (!d) return;
  d.built = { spi: [], displays: [], motors: [] };
  for (const s of d.spi) {
    const dev = createSpiDevice(sim, sim.spi[s.bus], s.device, { dc: s.dc, rst: s.rst, name: `st7789 on SPI${s.bus}` });
    sim.spi[s.bus].attach(s.cs, dev);
    d.built.spi.push({ ...s, dev });
    if (dev instanceof ST7789) d.built.displays.push(dev);
  }
  if (d.display && !d.built.displays.length) throw new DeviceUsageError('--display: no st7789 is attached (--spi B:st7789@CS,dc=P)');
  for (const a of d.adc) sim.adc.input(a.ch, a.fn);
  for (const m of d.motors) d.built.motors.push(new Motor(sim, m));
  for (const w of d.waves) new SquareWave(sim, w.pin, w.hz, w.ms);
  if (d.display && d.display.everyMs) {
    const disp = d.built.displays[0], base = d.display.file.replace(/\.png$/i, '');
    const alarm = sim.clock.createAlarm(() => {
      const ms = Math.round(sim.clock.nanos / 1e6);
      fs.writeFileSync(`${base}-${String(ms).padStart(6, '0')}.png`, disp.png());
      alarm.schedule(d.display.everyMs * 1e6);
    });
    alarm.schedule(d.display.everyMs * 1e6);
  }
}

/** Write the final picture; figures for the JSON statistics (or undefined). */
function finish(sim, o) {
  const d = o.dev;
  if (!d || !d.built) return undefined;
  if (d.display) {
    fs.mkdirSync(path.dirname(path.resolve(d.display.file)), { recursive: true });
    fs.writeFileSync(d.display.file, d.built.displays[0].png());
  }
  return {
    spi: d.built.spi.map((s) => ({ bus: s.bus, device: s.device, cs: s.cs, frames: sim.spi[s.bus].frames })),
    displays: d.built.displays.map((x) => ({ commands: x.commands, pixels: x.pixelsWritten, on: x.displayOn && !x.sleeping })),
    motors: d.built.motors.map((m) => ({ rpm: m.rpm, duty: m.duty, encoder_edges: m.edges })),
  };
}

module.exports = { parse, attach, finish, USAGE, DeviceUsageError };
