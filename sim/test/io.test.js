'use strict';
// GPIO interrupts per core, I2C targets, registers a boot2 touches.
const test = require('node:test');
const assert = require('node:assert');
const { run, assertPass, values } = require('./helpers');
const { RegisterDevice } = require('../lib');

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

test('boot-time registers: VREG_AND_CHIP_RESET, IO_QSPI, SSI flash commands, ROM table functions', () => {
  const res = run('t_regs');
  assertPass(assert, res);
});
