'use strict';
// GPIO interrupts per core, I2C targets, registers a boot2 touches.
const test = require('node:test');
const assert = require('node:assert');
const { run, assertPass, values } = require('./helpers');
const { Simulator, RegisterDevice, HoldingDevice, StuckDataTarget } = require('../lib');

test('GPIO interrupts: PROC0/PROC1 INTE/INTF/INTS per core, edge clear, external input', () => {
  const res = run('t_gpio_irq', { setup: (sim) => sim.scheduleInput(6, 1, 2) });
  assertPass(assert, res);
  const v = values(res.out);
  assert.strictEqual(v.c0_hits, 2);
  assert.ok(v.gpio6_at_us >= 2000 && v.gpio6_at_us <= 2010, res.out);
});

test('I2C target API: register device at 0x50, writes, reads with repeated start, NACK', () => {
  let starts = 0, stops = 0;
  const dev = new RegisterDevice({ regs: { 0x20: 0x11, 0x21: 0x22, 0x22: 0x33, 0x23: 0x44 } });
  const res = run('t_i2c', {
    setup(sim) {
      sim.i2c[0].attach(0x50, {
        start: (m) => { starts++; dev.start(m); }, write: (b) => dev.write(b), read: () => dev.read(), stop: () => { stops++; dev.stop(); },
      });
    },
  });
  assertPass(assert, res);
  assert.deepStrictEqual([dev.regs[0x10], dev.regs[0x11]], [0xab, 0xcd]);
  assert.match(res.out, /read=0x00000011,0x00000022,0x00000033,0x00000044/);
  assert.strictEqual(starts, 3); // write, write (pointer), repeated-start read
  assert.strictEqual(stops, 2);
  // 1 + 9 (addr) + 9 (pointer) + 1 + 9 (addr) + 4 x 9 + 1 SCL periods at 400 kHz = 165 us
  const us = values(res.out).read_us;
  assert.ok(us >= 150 && us <= 180, `read took ${us} us`);
});

test('I2C: a target holding SCL low stretches each of its transfers by its hold', () => {
  const dev = new HoldingDevice({ holdUs: 3000 });
  const res = run('t_i2c', { setup(sim) { sim.i2c[0].attach(0x50, dev); } });
  assertPass(assert, res);
  assert.strictEqual(dev.transfers, 3); // write, write (pointer), repeated-start read
  assert.match(res.out, /read=0x000000ff,0x000000ff,0x000000ff,0x000000ff/);
  // the register read of the test above (165 us on the wire) plus two holds: one per address
  const us = values(res.out).read_us;
  assert.ok(us >= 6150 && us <= 6180, `read took ${us} us`);
});

test('I2C: a target stuck mid-read holds the SDA pin low until it has seen its SCL pulses', () => {
  const PADS = 0x4001c000, pad = (pin) => PADS + 4 + 4 * pin, PULL_UP = 0x4a, PULL_DOWN = 0x46; // IE, Schmitt, PUE/PDE
  const sim = new Simulator();
  const never = new StuckDataTarget(sim, { sda: 20, scl: 21 });
  const dev = new StuckDataTarget(sim, { sda: 22, scl: 23, pulses: 3 });
  for (const p of [20, 22]) sim.write32(pad(p), PULL_UP);
  assert.strictEqual(sim.padLevel[22], 0, 'held against the pull-up');
  const pulse = (scl) => { sim.write32(pad(scl), PULL_UP); sim.write32(pad(scl), PULL_DOWN); };
  for (let i = 1; i <= 3; i++) {
    assert.strictEqual(sim.padLevel[22], 0, `still held before pulse ${i}`);
    pulse(23);
    pulse(21);
  }
  assert.strictEqual(dev.seen, 3);
  assert.strictEqual(sim.padLevel[22], 1, 'let go at the fall of the third pulse: the pull-up has it');
  pulse(23);
  assert.strictEqual(dev.seen, 3, 'quiet once free');
  for (let i = 0; i < 20; i++) pulse(21);
  assert.strictEqual(never.seen, 23);
  assert.strictEqual(sim.padLevel[20], 0, 'the one without pulses= never lets go');
});

test('boot-time registers: VREG_AND_CHIP_RESET, IO_QSPI, SSI flash commands, ROM table functions', () => {
  const res = run('t_regs');
  assertPass(assert, res);
});

test('UART1 output is captured and tagged uart1', () => {
  const res = run('t_regs');
  assertPass(assert, res);
  const l = res.lines.find((x) => x.text === 'uart1 works');
  assert.ok(l, res.out);
  assert.strictEqual(l.uart, 1);
  assert.strictEqual(l.core, 0);
  // 12 characters at 115200 baud, 10 bits each: the line cannot be complete sooner than ~1 ms after the first
  const first = res.lines.find((x) => x.uart === 0 && x.text === 'regs ok');
  assert.ok(first.time - l.time >= 0.9e-3, `uart0 line ${first.time}, uart1 line ${l.time}`);
});

test('virtual MPU6050 and BMP280: firmware readings match what the devices were given', () => {
  const { MPU6050, BMP280 } = require('../lib');
  let mpu, bmp;
  const res = run('t_sensors', {
    setup(sim) {
      mpu = sim.i2c[0].attach(0x68, new MPU6050(sim));
      bmp = sim.i2c[0].attach(0x76, new BMP280(sim));
    },
  });
  assertPass(assert, res);
  const m = /mpu ax=(-?\d+) ay=(-?\d+) az=(-?\d+) temp=(-?\d+) gx=(-?\d+) gy=(-?\d+) gz=(-?\d+)/.exec(res.out).slice(1).map(Number);
  const s = mpu.lastSample;
  assert.deepStrictEqual(m, [s.raw.ax, s.raw.ay, s.raw.az, s.raw.temp, s.raw.gx, s.raw.gy, s.raw.gz]);
  assert.strictEqual(s.accelLsbPerG, 8192, '+-4 g range selected by the firmware');
  assert.ok(Math.abs(m[2] / 8192 - s.value.az) < 1e-3);
  assert.ok(Math.abs((m[3] / 340 + 36.53) - s.value.temp) < 0.01);
  const v = values(res.out);
  const b = bmp.lastSample;
  assert.strictEqual(v.adc_t, b.adcT);
  assert.strictEqual(v.adc_p, b.adcP);
  assert.strictEqual(v.t_centi / 100, b.compensated.temperature);
  assert.strictEqual(v.p_q8 / 256, b.compensated.pressure);
  assert.ok(Math.abs(b.compensated.temperature - b.value.temperature) <= 0.01);
  assert.ok(Math.abs(b.compensated.pressure - b.value.pressure) < 1);
  assert.ok(v.conv_us >= 6400 && v.conv_us < 7000, `forced conversion took ${v.conv_us} us`);
});

test('I2C: an address nobody acknowledges aborts with the TX FIFO flushed: TX_EMPTY, TX_ABRT and STOP_DET all set', () => {
  const I2C1 = 0x40048000;
  const [IC_CON, IC_TAR, IC_DATA_CMD, IC_FS_SCL_HCNT, IC_FS_SCL_LCNT, IC_RAW_INTR_STAT, IC_ENABLE, IC_TX_ABRT_SOURCE] =
    [0x00, 0x04, 0x10, 0x1c, 0x20, 0x34, 0x6c, 0x80];
  const TX_EMPTY = 1 << 4, TX_ABRT = 1 << 6, STOP_DET = 1 << 9;
  const sim = new Simulator();
  sim.loadFile(require('./helpers').fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  sim.i2c[1].attach(0x50, new RegisterDevice());
  const setup = (tar) => {
    sim.write32(I2C1 + IC_ENABLE, 0);
    // master, fast mode, restarts, slave disabled, TX_EMPTY_CTRL (as the pico-sdk's i2c_init)
    sim.write32(I2C1 + IC_CON, 1 | (2 << 1) | (1 << 5) | (1 << 6) | (1 << 8));
    sim.write32(I2C1 + IC_FS_SCL_HCNT, 125);
    sim.write32(I2C1 + IC_FS_SCL_LCNT, 187);     // 400 kHz at 125 MHz
    sim.write32(I2C1 + IC_TAR, tar);
    sim.write32(I2C1 + IC_ENABLE, 1);
  };
  const wait = (us) => sim.run({ maxMs: sim.nowNanos() / 1e6 + us / 1000 });
  // a device there: the byte goes out, TX_EMPTY once it has left the shift register
  setup(0x50);
  sim.write32(I2C1 + IC_DATA_CMD, 0x10 | (1 << 9));   // STOP
  assert.strictEqual(sim.read32(I2C1 + IC_RAW_INTR_STAT) & TX_EMPTY, 0, 'the command is in the FIFO');
  wait(100);
  assert.strictEqual(sim.read32(I2C1 + IC_RAW_INTR_STAT) & (TX_EMPTY | TX_ABRT | STOP_DET), TX_EMPTY | STOP_DET);
  // nobody at 0x17: the address NACKed, the FIFO flushed
  setup(0x17);
  sim.read32(I2C1 + 0x60);                            // IC_CLR_INTR
  sim.write32(I2C1 + IC_DATA_CMD, 0x00);
  sim.write32(I2C1 + IC_DATA_CMD, 0x41 | (1 << 9));
  wait(100);
  assert.strictEqual(sim.read32(I2C1 + IC_RAW_INTR_STAT) & (TX_EMPTY | TX_ABRT | STOP_DET), TX_EMPTY | TX_ABRT | STOP_DET);
  assert.strictEqual(sim.read32(I2C1 + IC_TX_ABRT_SOURCE) & 1, 1, 'ABRT_7B_ADDR_NOACK');
});

test('I2C: enabling a controller in target (slave) mode is warned about as not modelled', () => {
  const I2C0 = 0x40044000;
  const sim = new Simulator();
  sim.loadFile(require('./helpers').fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  const warned = () => [...sim.warnings.keys()].filter((w) => /^I2C0: target/.test(w));
  sim.write32(I2C0 + 0x6c, 0);
  sim.write32(I2C0 + 0x00, 0x65);                     // master: nothing to say
  sim.write32(I2C0 + 0x6c, 1);
  assert.deepStrictEqual(warned(), []);
  sim.write32(I2C0 + 0x6c, 0);
  sim.write32(I2C0 + 0x00, 0x04);                     // MASTER_MODE 0, IC_SLAVE_DISABLE 0: a target
  sim.write32(I2C0 + 0x08, 0x17);                     // IC_SAR
  sim.write32(I2C0 + 0x6c, 1);
  assert.deepStrictEqual(warned(), ['I2C0: target (slave) mode is not modelled: the controller does not answer on the bus and raises none of its target interrupts']);
});

test('BOOTSEL: QSPI_SS reads high (its pad pulled up) until the button is pressed (SIO GPIO_HI_IN bit 1)', () => {
  const sim = new Simulator();
  sim.loadFile(require('./helpers').fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  const ss = () => (sim.sios[0].read(0x008) >>> 1) & 1;   // as core 0 reads it
  assert.strictEqual(ss(), 1);
  sim.setBootsel(true);
  assert.strictEqual(ss(), 0);
  sim.setBootsel(false);
  assert.strictEqual(ss(), 1);
});
