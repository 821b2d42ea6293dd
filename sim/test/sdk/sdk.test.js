'use strict';
// The pico-sdk's own examples (pico-examples, for the plain Pico) in
// tandem-sim, each checked against what the example prints on a real Pico
// (read from its source): console lines exactly, both cores' results, USB
// enumeration and the CDC text, flash contents. Examples that need a part of
// the chip the simulator does not model are run too, and checked to say so.
//
// The examples are third-party binaries (BSD-3-Clause, Raspberry Pi), used
// as test data only and not part of this repository: TANDEM_SDK_FW names
// the directory holding their .elf files (sim/test/sdk/README.md says how
// they were built). `make test-sdk SDK_FW=dir` runs this file.
const fs = require('fs');
const path = require('path');
const test = require('node:test');
const assert = require('node:assert');
const { Simulator } = require('../../lib');

const DIR = process.env.TANDEM_SDK_FW;

function elf(name) {
  if (!DIR) throw new Error('TANDEM_SDK_FW is not set: it names the directory of the pico-sdk examples\' .elf files');
  const p = path.join(DIR, `${name}.elf`);
  if (!fs.existsSync(p)) throw new Error(`${p} is missing (sim/test/sdk/README.md)`);
  return p;
}

/** Run an example; lines are {src (uart0, uart1, usb: the first USB serial port, usb1 ...), core, text, time, partial}. */
function run(name, { maxMs, setup, opts, thenMs } = {}) {
  const sim = new Simulator(opts);
  const lines = [];
  sim.on('line', (l) => lines.push({ src: l.source === 'usb' ? `usb${l.port || ''}` : `uart${l.uart}`, core: l.core, text: l.text, time: l.time, partial: !!l.partial }));
  sim.loadFile(elf(name));
  if (setup) setup(sim);
  const r = sim.run({ maxMs });
  if (thenMs) sim.run({ maxMs: thenMs });   // go on after the first stop (a core's bkpt)
  sim.flushLines();
  const texts = (src = 'uart0') => lines.filter((l) => l.src === src).map((l) => l.text);
  return { sim, r, lines, texts };
}
const passed = (res) => assert.ok(res.r.reason === 'bkpt' && res.r.code === 0,
  `expected the example to return from main (bkpt #0 in _exit), got ${JSON.stringify(res.r)}\n${res.texts().join('\n')}`);
const hex2 = (b) => b.toString(16).padStart(2, '0');
const hexLine = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
/** Run an example to its return from main; its UART0 lines must be exactly `want`. */
function prints(name, maxMs, want) {
  const res = run(name, { maxMs });
  passed(res);
  assert.deepStrictEqual(res.texts(), want);
  return res;
}

test('sdk hello_serial: "Hello, world!" once a second on UART0', () => {
  const res = run('hello_serial', { maxMs: 3500 });
  assert.strictEqual(res.r.reason, 'bound');
  assert.deepStrictEqual(res.texts(), Array(4).fill('Hello, world!'));
  const t = res.lines.map((l) => l.time);
  for (let i = 1; i < t.length; i++) assert.ok(Math.abs(t[i] - t[i - 1] - 1) < 0.005, `line ${i} ${t[i - 1]} -> ${t[i]}`);
  assert.ok(res.lines.every((l) => l.core === 0));
});

test('sdk hello_usb enumeration: TinyUSB enumerates (bcdUSB 2.1, BOS, CDC and reset interfaces); "Hello, world!" over the CDC port', () => {
  const res = run('hello_usb', { maxMs: 2500 });
  const h = res.sim.usbHost, i = h.info;
  assert.strictEqual(h.state, 'configured');
  assert.deepStrictEqual([i.device.vid, i.device.pid, i.device.bcdUSB], [0x2e8a, 0x000a, 0x0210]);
  assert.deepStrictEqual(i.bos.caps.map((c) => [c.type, c.length]), [[5, 28]], 'one platform capability (Microsoft OS 2.0)');
  assert.deepStrictEqual(i.config.interfaces.map((x) => [x.number, x.class, x.subclass, x.protocol]),
    [[0, 2, 2, 0], [1, 10, 0, 0], [2, 0xff, 0, 1]], 'CDC communication, CDC data, the reset interface');
  assert.deepStrictEqual([i.manufacturer, i.product], ['Raspberry Pi', 'Pico']);
  // the serial number is the flash's unique id (what unique_board_id prints, below)
  assert.strictEqual(i.serial, '15161718191A1B1C');
  assert.deepStrictEqual(res.texts('usb'), Array(3).fill('Hello, world!'));
  assert.deepStrictEqual(res.texts('uart0'), [], 'stdio goes to USB only');
  assert.strictEqual(h.stats().stalls, 0);
});

test('sdk hello_usb 1200-baud reset: the 1200-baud reset through the CDC port enters USB boot (reset_usb_boot)', () => {
  const res = run('hello_usb', { maxMs: 2000, setup: (sim) => sim.usbHost.event(500, 'baud=1200') });
  assert.strictEqual(res.r.reason, 'noboot', JSON.stringify(res.r));
  assert.match(res.r.message, /reset_usb_boot/);
  // at SET_LINE_CODING's status stage (the SDK resets on the rate itself, not on closing the port)
  assert.ok(res.sim.nowNanos() > 500e6 && res.sim.nowNanos() < 501e6, `${res.sim.nowNanos()} ns`);
});

test('sdk hello_multicore: the FIFO handshake in both directions; each core prints its line', () => {
  // core 0 returns from main after its line (bkpt #0 in _exit); core 1 keeps
  // running, as on the chip: the run goes on to 60 ms to see its line
  const res = run('hello_multicore', { maxMs: 50, thenMs: 60 });
  passed(res);
  const all = res.lines.map((l) => l.text).join('\n');
  assert.strictEqual(all, "Hello, multicore!\nIt's all gone well on core 0!Its all gone well on core 1!");
  assert.ok(res.sim.cores[1].instructions > 1000);
});

test('sdk multicore_fifo_irqs: each core\'s FIFO interrupt handler receives the other\'s word', () => {
  const res = run('multicore_fifo_irqs', { maxMs: 100 });
  assert.deepStrictEqual(res.texts(), ['Hello, multicore_fifo_irqs!',
    "Irq handlers should have rx'd some stuff - core 0 got 123, core 1 got 321!"]);
  const st = res.sim.stats().cores;
  assert.ok(st[0].exceptions[16 + 15] >= 1 && st[1].exceptions[16 + 16] >= 1, JSON.stringify(st.map((c) => c.exceptions)));
});

test('sdk multicore_runner: core 1 computes what core 0 sends it', () => {
  prints('multicore_runner', 100, ['Hello, multicore_runner!', 'Factorial 10 is 3628800', 'Fibonacci 10 is 55']);
});

test('sdk multicore_runner_queue: the same through pico_util queues', () => {
  prints('multicore_runner_queue', 100, ['Hello, multicore_runner using queues!', 'Factorial 10 is 3628800', 'Fibonacci 10 is 55']);
});

test('sdk hello_timer: a one-shot alarm after 2 s, repeating timers at 500 ms (delay and period), cancelled', () => {
  const res = run('hello_timer', { maxMs: 14000 });
  passed(res);
  const t = res.texts();
  assert.strictEqual(t[0], 'Hello Timer!');
  assert.match(t[1], /^Timer \d+ fired!$/);
  assert.ok(Math.abs(res.lines[1].time - 2) < 0.005, `alarm at ${res.lines[1].time} s`);
  const at = (k) => Number(t[k].match(/^Repeat at (\d+)$/)[1]);
  // positive delay: 500 ms between the end of one callback and the start of the next
  let k = 2;
  const first = [];
  while (/^Repeat/.test(t[k])) first.push(at(k++));
  assert.strictEqual(t[k++], 'cancelled... 1');
  const second = [];
  while (/^Repeat/.test(t[k])) second.push(at(k++));
  assert.strictEqual(t[k++], 'cancelled... 1');
  assert.strictEqual(t[k++], 'Done');
  assert.strictEqual(k, t.length);
  // the sixth would come after the 3 s sleep ends (each callback's own time
  // counts on top of the 500 ms): cancelled first
  assert.strictEqual(first.length, 5, first.join(' '));
  assert.strictEqual(second.length, 6, second.join(' '));
  for (let i = 1; i < first.length; i++) assert.ok(first[i] - first[i - 1] > 500000 && first[i] - first[i - 1] < 502000, first.join(' '));
  // negative delay: exactly 500 ms from start to start
  for (let i = 1; i < second.length; i++) assert.strictEqual(second[i] - second[i - 1], 500000, second.join(' '));
});

test('sdk timer_lowlevel: the alarm interrupt every 2 s', () => {
  const res = run('timer_lowlevel', { maxMs: 6500 });
  assert.deepStrictEqual(res.texts(), ['Timer lowlevel!', 'Alarm IRQ fired', 'Alarm IRQ fired', 'Alarm IRQ fired']);
  for (let i = 1; i <= 3; i++) assert.ok(Math.abs(res.lines[i].time - 2 * i) < 0.005, `${res.lines[i].time}`);
});

test('sdk blink: GPIO 25 toggles every 250 ms', () => {
  const res = run('blink', { maxMs: 2100 });
  assert.strictEqual(res.sim.toggles[25], 9, 'on at 0, then every 250 ms up to 2 s');
  assert.deepStrictEqual(Array.from(res.sim.toggles).map((n, p) => (n && p !== 25 ? p : -1)).filter((p) => p >= 0), [], 'no other pin toggles');
});

test('sdk hello_pwm: both channels of slice 0 on GPIO 0/1 at 25 % and 75 % (TOP 3)', () => {
  const levels = { 0: [], 1: [] };
  const res = run('hello_pwm', { maxMs: 5, setup: (sim) => { for (const p of [0, 1]) sim.watchPin(p, (v) => levels[p].push([sim.nowNanos(), v])); } });
  passed(res);
  // the example returns at once: the slice keeps running (check from the model's registers)
  const PWM = 0x40050000;
  assert.strictEqual(res.sim.read32(PWM + 0x10), 3, 'CH0_TOP');
  assert.strictEqual(res.sim.read32(PWM + 0x0c), (3 << 16) | 1, 'CH0_CC: A 1, B 3');
  assert.strictEqual(res.sim.read32(PWM + 0x00) & 1, 1, 'CH0_CSR.EN');
  assert.ok(levels[0].length > 0 && levels[1].length > 0);
});

test('sdk hello_dma: memory to memory, then the copy printed', () => {
  prints('hello_dma', 50, ['Hello, world! (from DMA)']);
});

test('sdk dma_control_blocks: a control channel reprograms the data channel, paced by UART0 TX without a byte lost', () => {
  const res = prints('dma_control_blocks', 50, ['DMA control block example:', 'Transferring one word at a time.', 'DMA finished.']);
  assert.strictEqual(res.lines[1].core, -1, 'the DMA wrote that line');
  assert.deepStrictEqual(res.sim.stats().uart_dropped, [0, 0]);
});

test('sdk spi_dma: SPI0 in loopback fed and drained by two DMA channels', () => {
  prints('spi_dma', 100, ['SPI DMA example', 'Configure TX DMA', 'Configure RX DMA', 'Starting DMAs...',
    'Wait for RX complete...', 'Done. Checking...All good']);
});

test('sdk flash_program: erase and program a sector from XIP code through the ROM; contents read back and kept', () => {
  const res = run('flash_program', { maxMs: 1000 });
  passed(res);
  const t = res.texts();
  assert.strictEqual(t[0], 'Generated random data:');
  const data = t.slice(1, 17);
  const bytes = data.join(' ').split(' ').map((h) => parseInt(h, 16));
  assert.strictEqual(bytes.length, 256);
  const ff = Array(16).fill(hexLine(Array(16).fill(0xff)));
  assert.deepStrictEqual(t.slice(17), ['', 'Erasing target region...', 'Done. Read back target region:', ...ff,
    '', 'Programming target region...', 'Done. Read back target region:', ...data, 'Programming successful!']);
  const target = 256 * 1024;    // FLASH_TARGET_OFFSET
  assert.deepStrictEqual(Array.from(res.sim.mcu.flash.subarray(target, target + 256)), bytes);
  assert.ok(Array.from(res.sim.mcu.flash.subarray(target + 256, target + 4096)).every((b) => b === 0xff), 'the rest of the sector erased');
  const f = res.sim.stats().flash;
  assert.deepStrictEqual([f.sector_erases, f.page_programs, f.xip_violations], [1, 1, 0]);
});

test('sdk hello_watchdog: a clean boot, five updates, then the watchdog reboots the chip', () => {
  const res = prints('hello_watchdog', 500, ['Clean boot', ...[0, 1, 2, 3, 4].map((i) => `Updating watchdog ${i}`),
    'Waiting to be rebooted by watchdog', 'Rebooted by Watchdog!']);
  const wait = res.lines[6].time, back = res.lines[7].time;
  assert.ok(back - wait > 0.099 && back - wait < 0.102, `rebooted ${back - wait} s after the last update (100 ms)`);
  assert.strictEqual(res.sim.stats().reboots, 1);
});

test('sdk hello_divider: the hardware divider, signed and unsigned, inline and async', () => {
  prints('hello_divider', 100, ['Hello, divider!',
    '123456/-321 = -384 remainder 192', 'Working backwards! Result 123456 should equal 123456!', '',
    '123456/321 = 384 remainder 192', 'Working backwards! Result 123456 should equal 123456!', '',
    'Async result 123456/-321 = -384 remainder 192', '123456 / -321 = (by operator -384) (inlined -384)',
    'inner 123 / 7 = 17', 'outer divide 123456 / -321 = -384']);
});

test('sdk hello_interp: both interpolators (times table, masks, sign extension, blend, clamp)', () => {
  const res = run('hello_interp', { maxMs: 200 });
  passed(res);
  const t = res.texts();
  assert.deepStrictEqual(t.slice(0, 13), ['Interpolator example', '9 times table:', ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => String(9 * i)), 'Masking:']);
  assert.strictEqual(t[13], 'ACCUM0 = 1234abcd');
  const nib = [0xd, 0xc, 0xb, 0xa, 4, 3, 2, 1];
  assert.deepStrictEqual(t.slice(14, 22), nib.map((v, i) => `Nibble ${i}: ${((v << (4 * i)) >>> 0).toString(16).padStart(8, '0')}`));
  assert.strictEqual(t[22], 'Masking with sign extension:');
  assert.deepStrictEqual(t.slice(23, 31), nib.map((v, i) => {
    const s = v & 8 ? (v << (4 * i)) | ~((1 << (4 * i + 4)) - 1) : v << (4 * i);
    return `Nibble ${i}: ${(s >>> 0).toString(16).padStart(8, '0')}`;
  }));
});

test('sdk unique_board_id: the flash\'s unique id through the SSI (4Bh)', () => {
  prints('unique_board_id', 50, ['Unique identifier: 15 16 17 18 19 1a 1b 1c']);
});

test('sdk narrow_io_write: 8 and 16-bit stores to a 32-bit peripheral register replicate across the word', () => {
  prints('narrow_io_write', 100, ['Writing 32 bit value', 'Should be 0xdeadbeef: 0xdeadbeef', '',
    'Reading back 1 byte at a time', 'Should be ef be ad de: ef be ad de', '',
    'Writing 8 bit value 0xa5 at offset 0', 'Should be 0xa5a5a5a5: 0xa5a5a5a5', '',
    'Writing 8 bit value at offset 1', 'Should be 0x3c3c3c3c: 0x3c3c3c3c', '',
    'Writing 16 bit value at offset 0', 'Should be 0xf00df00d: 0xf00df00d']);
});

test('sdk hello_gpio_irq: an edge interrupt per change of GPIO 2, driven from outside at 10 Hz', () => {
  const { SquareWave } = require('../../lib/signals');
  const res = run('hello_gpio_irq', { maxMs: 260, setup: (sim) => new SquareWave(sim, 2, 10, 0) });
  const t = res.texts();
  assert.strictEqual(t[0], 'Hello GPIO IRQ');
  assert.deepStrictEqual(t.slice(1), ['GPIO 2 EDGE_FALL', 'GPIO 2 EDGE_RISE', 'GPIO 2 EDGE_FALL', 'GPIO 2 EDGE_RISE', 'GPIO 2 EDGE_FALL']);
});

test('sdk i2c_bus_scan: the scan\'s table, where only an MPU6050 at 0x68 acknowledges', () => {
  // a row: the address, then per address '@' (acknowledged) or '.', two spaces apart
  const row = (r, hit) => `${r}0 ` + Array.from({ length: 16 }, (_, c) => (r * 16 + c === hit ? '@' : '.')).join('  ');
  const { MPU6050 } = require('../../lib');
  const res = run('i2c_bus_scan', { maxMs: 200, setup: (sim) => sim.i2c[0].attach(0x68, new MPU6050(sim)) });
  passed(res);
  const t = res.texts();
  assert.deepStrictEqual(t.slice(0, 3), ['', 'I2C Bus Scan', '   0  1  2  3  4  5  6  7  8  9  A  B  C  D  E  F']);
  assert.deepStrictEqual(t.slice(3), [0, 1, 2, 3, 4, 5, 6, 7].map((r) => row(r, 0x68)).concat(['Done.']));
});

// ---- float and double arithmetic: the ROM's floating-point library (lib/romfp.js) ----

// The examples' own arithmetic, as single-precision C evaluates it (each
// operation rounded to float), to compare the printed figures with.
const f = Math.fround;
const ADC_FACTOR = f(f(3.3) / 4096);                        // 3.3f / (1 << 12)
const adcRaw = (volts) => Math.min(4095, Math.round((volts / 3.3) * 4096));
const sensorVolts = (degC) => 0.706 - (degC - 27) * 0.001721; // the ADC model's sensor line
const tempC = (raw) => f(f(27) - f(f(f(raw) * ADC_FACTOR) - f(0.706)) / f(0.001721));

test('sdk hello_adc: raw value and voltage of GPIO26 (1.0 V, then 3.0 V)', () => {
  const res = run('hello_adc', { maxMs: 1200, setup: (sim) => sim.adc.input(0, (t) => (t < 0.25 ? 1.0 : 3.0)) });
  const line = (v) => { const raw = adcRaw(v); return `Raw value: 0x${raw.toString(16).padStart(3, '0')}, voltage: ${f(raw * ADC_FACTOR).toFixed(6)} V`; };
  assert.deepStrictEqual(res.texts(), ['ADC Example, measuring GPIO26', line(1.0), line(3.0), line(3.0)]);
  assert.strictEqual(line(1.0), 'Raw value: 0x4d9, voltage: 0.999829 V');
});

test('sdk onboard_temperature: the sensor read at 27, then 40 degrees C', () => {
  const res = run('onboard_temperature', { maxMs: 2200, setup: (sim) => sim.adc.input(4, (t) => (t < 0.5 ? 27 : 40)) });
  const line = (deg) => `Onboard temperature = ${tempC(adcRaw(sensorVolts(deg))).toFixed(2)} C`;
  assert.deepStrictEqual(res.texts(), [line(27), line(40), line(40)]);
  assert.deepStrictEqual([line(27), line(40)], ['Onboard temperature = 27.14 C', 'Onboard temperature = 39.78 C']);
});

test('sdk read_vsys: VBUS present and VSYS 5.0 V, then on battery at 3.9 V (VSYS/3 on GPIO29)', () => {
  const res = run('read_vsys', {
    maxMs: 3200,
    setup: (sim) => {
      sim.setGpioInput(24, 1);                   // VBUS sense (GPIO24): powered
      sim.scheduleInput(24, 0, 1500);            // then unplugged
      sim.adc.input(3, (t) => (t < 1.5 ? 5.0 : 3.9) / 3);
    },
  });
  const volts = (v) => { const raw = adcRaw(v / 3); return f(Math.floor(f(f(raw * 3) * ADC_FACTOR * 100)) / 100); };
  const pct = (v) => Math.trunc(f(f(f(v - 3) / f(f(4.2) - 3)) * 100));
  const temp = tempC(adcRaw(sensorVolts(27))).toFixed(1);
  const v1 = volts(5.0), v2 = volts(3.9);
  assert.deepStrictEqual(res.texts(), [`Power POWERED, ${v1.toFixed(2)}V, temp ${temp} DegC`,
    `Power BATTERY, ${v2.toFixed(2)}V (${pct(v2)}%), temp ${temp} DegC`]);
  assert.deepStrictEqual([v1.toFixed(2), v2.toFixed(2), pct(v2), temp], ['5.00', '3.90', 75, '27.1']);
});

test('sdk pwm_measure_duty_cycle: slice 2 counting while its B pin (GPIO5, wired to GPIO2) is high measures the output\'s duty', () => {
  const res = run('pwm_measure_duty_cycle', { maxMs: 200, setup: (sim) => sim.watchPin(2, (level) => sim.setGpioInput(5, level)) });
  passed(res);
  const t = res.texts();
  assert.deepStrictEqual(t.slice(0, 2), ['', 'PWM duty cycle measurement example']);
  const duties = [0, 0.1, 0.5, 0.9, 1];
  assert.strictEqual(t.length, 2 + duties.length, t.join('\n'));
  duties.forEach((d, i) => {
    const m = /^Output duty cycle = ([\d.]+)%, measured input duty cycle = ([\d.]+)%$/.exec(t[2 + i]);
    assert.ok(m, t[2 + i]);
    assert.strictEqual(m[1], f(f(d) * 100).toFixed(1));
    // the level set, (uint16_t)(d * 1001) of TOP 1000: the measured share within one count in a thousand
    const level = Math.trunc(f(f(d) * 1001));
    assert.ok(Math.abs(Number(m[2]) - (100 * level) / 1001) <= 0.1, `${t[2 + i]}: level ${level} of 1001`);
  });
});

// ---- PIO ----

test('sdk hello_pio: the state machine drives the LED (GPIO 25) from its TX FIFO, on for 500 ms and off for 500 ms', () => {
  // the 'gpio' event (what --gpio-log prints) only looks: the PIO runs ahead of it unobserved
  const edges = [];
  const res = run('hello_pio', { maxMs: 2250, setup: (sim) => sim.on('gpio', (e) => { if (e.pin === 25) edges.push([e.time, e.level]); }) });
  assert.strictEqual(res.r.reason, 'bound');
  assert.deepStrictEqual(res.texts(), ['Using gpio 25']);
  // driven low by the PIO's pin direction, then the words 1, 0, 1, 0, 1
  const lv = edges.map(([, l]) => l);
  assert.deepStrictEqual(lv, [0, 1, 0, 1, 0, 1], JSON.stringify(edges));
  assert.ok(edges[1][0] < 0.002, 'on as soon as the program runs');
  for (let i = 2; i < edges.length; i++) {
    const dt = edges[i][0] - edges[i - 1][0];
    assert.ok(Math.abs(dt - 0.5) < 10e-6, `edge ${i}: ${dt} s after the one before`);
  }
  assert.strictEqual(res.sim.toggles[25], 5);
});

test('sdk hello_pio key: a key on UART0 ends the blinking at the next look (each 1 s), and main returns', () => {
  // its loop looks for a key (getchar_timeout_us(0)) once per on-off period:
  // at 0, 1, 2 and 3 s; the key arrives at 2.25 s
  const res = run('hello_pio', { maxMs: 5000, setup: (sim) => sim.sendUartInput(0, Buffer.from('q'), 2250) });
  passed(res);
  const ms = res.sim.nowNanos() / 1e6;
  assert.ok(ms > 3000 && ms < 3010, `returned at ${ms} ms`);
  assert.strictEqual(res.sim.toggles[25], 6, 'three on-off periods');
});

test('sdk pio_addition: ten sums computed by the state machine (the complement of X, decremented Y times), each right', () => {
  const res = run('pio_addition', { maxMs: 100 });
  passed(res);
  const t = res.texts();
  assert.strictEqual(t[0], 'Doing some random additions:');
  assert.strictEqual(t.length, 11, t.join('\n'));
  for (const line of t.slice(1)) {
    const m = /^(\d+) \+ (\d+) = (\d+)$/.exec(line);
    assert.ok(m, line);
    assert.ok(Number(m[1]) < 100 && Number(m[2]) < 100, line);
    assert.strictEqual(Number(m[3]), Number(m[1]) + Number(m[2]), line);
  }
  assert.ok(new Set(t.slice(1)).size > 5, 'random operands');
});

test('sdk dma_channel_irq: the DMA feeds PIO0 SM0 (paced by DREQ_PIO0_TX0) a word per 32 bits at clkdiv 10; the LED\'s duty steps by 1/32 each block', () => {
  const events = [];
  const res = run('dma_channel_irq', { maxMs: 140, setup: (sim) => sim.on('gpio', (e) => { if (e.pin === 25) events.push([Math.round(sim.nanosToCycles(e.time * 1e9)), e.level]); }) });
  assert.strictEqual(res.r.reason, 'bound');
  // a word (32 bits at 10 cycles each) every 320 cycles: the rises of a level are that far apart
  const rises = events.filter(([, l]) => l === 1).map(([c]) => c);
  assert.ok(rises.length > 1000);
  const gaps = new Set();
  for (let i = 1; i < 200; i++) gaps.add(rises[i] - rises[i - 1]);
  assert.deepStrictEqual([...gaps], [320], 'one word per 320 cycles while the DMA keeps the FIFO fed');
  // level k (k ones in the word) lasts 10000 words = 3.2 M cycles; the duty in the middle of each is k/32
  const block = 10000 * 320, t0 = rises[0] - block;       // the first rise opens level 1
  const high = (from, to) => {
    let h = 0, lvl = 0, at = from;
    for (const [c, l] of events) {
      if (c <= from) { lvl = l; continue; }
      if (c >= to) break;
      if (lvl === 1) h += c - at;
      at = c; lvl = l;
    }
    if (lvl === 1) h += to - at;
    return h / (to - from);
  };
  for (let k = 1; k <= 4; k++) {
    const mid = t0 + k * block + block / 2, d = high(mid - 32000, mid + 32000);   // 200 words
    assert.ok(Math.abs(d - k / 32) < 1e-9, `level ${k}: duty ${d}, want ${k}/32`);
  }
});

// ---- examples that need what the simulator does not model: it must say so ----

// warned at first use; the example then waits until the bound
for (const [name, warning] of [
  ['flash_ssi_dma', /^SSI: DMA requests \(DMACR TDMAE\/RDMAE\) are not modelled/],
  ['flash_xip_stream', /^XIP_CTRL: streaming .* is not modelled/],
  ['sniff_crc', /^DMA: the sniffer .* is not modelled/],
  ['flash_cache_perfctr', /^XIP_CTRL: the cache's hit and access counters .* are not modelled/],
]) {
  test(`sdk ${name} not run: the simulator warns what it does not model`, () => {
    const res = run(name, { maxMs: 100 });
    assert.ok([...res.sim.warnings.keys()].some((w) => warning.test(w)), `warnings: ${[...res.sim.warnings.keys()].join(' | ')}`);
  });
}

// ---- more examples: UART, timers, resets, LEDs, I2C sensors ----

/** Times (s) of each change of `pin`'s level: [[t, level], ...]. */
function edges(sim, pin) {
  const out = [];
  sim.watchPin(pin, (v) => out.push([sim.nowNanos() / 1e9, v]));
  return out;
}
/** The LED on GPIO 25 on for `ms`, off for `ms`, from `start` s on; nothing else toggles. */
function blinks(res, ed, start, ms) {
  assert.ok(ed.length >= 6, `${ed.length} edges`);
  ed.forEach(([t, v], i) => {
    assert.strictEqual(v, i % 2 ? 0 : 1, `edge ${i}`);
    assert.ok(Math.abs(t - start - (i * ms) / 1000) < 50e-6, `edge ${i} at ${t} s, expected ${start + (i * ms) / 1000}`);
  });
  assert.deepStrictEqual(Array.from(res.sim.toggles).map((n, p) => (n && p !== 25 ? p : -1)).filter((p) => p >= 0), [], 'no other pin toggles');
}

test('sdk hello_uart: a raw character, one with CR/LF translation and a string on UART0 by the UART API', () => {
  prints('hello_uart', 20, ['AB Hello, UART!']);
});

test('sdk periodic_sampler: a 25 Hz repeating timer feeds a queue; read blocking, then polled every 200 ms, then drained', () => {
  const res = run('periodic_sampler', { maxMs: 3000 });
  passed(res);
  const t = res.texts();
  // every sample in order, none lost or repeated: 100, 200, ...
  const vals = t.map((l) => /^Got \d+: (\d+)$|^  got (\d+)$|^Got remaining (\d+)$/.exec(l)).filter(Boolean).map((m) => Number(m[1] || m[2] || m[3]));
  assert.deepStrictEqual(vals, vals.map((_, i) => 100 * (i + 1)));
  // the first ten read blocking, each as its sample is taken (every 40 ms exactly)
  for (let i = 0; i < 10; i++) {
    assert.strictEqual(t[i], `Got ${i}: ${100 * (i + 1)}`);
    const late = res.lines[i].time - 0.04 * (i + 1);
    assert.ok(late > 0 && late < 0.001, `line ${i} ${late} s after its sample`);
  }
  // then the polls: each reports what queued in its 200 ms (five samples at 25 Hz)
  let k = 10, polls = 0;
  while (/^Getting/.test(t[k])) {
    const m = /^Getting (\d+), (\d+):$/.exec(t[k]);
    // five samples at 25 Hz, six when the 200 ms sleep plus the printing spans six sample times
    const n = Number(m[2]);
    assert.ok(n === 5 || n === 6, t[k]);
    k += 1 + n;
    polls++;
  }
  assert.strictEqual(polls, 9, 'the first poll comes right after the tenth sample: nothing queued');
  const rest = t.slice(k, -1);
  assert.ok(rest.length >= 4 && rest.length <= 6 && rest.every((l) => /^Got remaining/.test(l)), rest.join('|'));
  assert.strictEqual(t[t.length - 1], 'Done');
  // the timer was cancelled: samples taken = the run's time up to the cancel / 40 ms
  const cancelAt = res.lines[k].time;
  assert.ok(Math.abs(vals.length - Math.floor(cancelAt / 0.04)) <= 1, `${vals.length} samples by ${cancelAt} s`);
});

test('sdk hello_reset: PWM, then PWM and ADC, reset and brought back (RESET_DONE awaited)', () => {
  const res = prints('hello_reset', 50, ['Hello, reset!']);
  const RESETS = 0x4000c000, PWM = 1 << 14, ADC = 1 << 0;
  assert.strictEqual(res.sim.read32(RESETS) & (PWM | ADC), 0, 'both out of reset');
  assert.strictEqual(res.sim.read32(RESETS + 8) & (PWM | ADC), PWM | ADC, 'RESET_DONE');
});

for (const name of ['blink_simple', 'status_blink']) {
  test(`sdk ${name}: the board's LED (GPIO 25) on and off for 250 ms each`, () => {
    let ed;
    const res = run(name, { maxMs: 2100, setup: (sim) => { ed = edges(sim, 25); } });
    assert.strictEqual(res.r.reason, 'bound');
    assert.strictEqual(ed.length, 9);
    blinks(res, ed, ed[0][0], 250);
    assert.ok(ed[0][0] < 0.001, `first on at ${ed[0][0]} s`);
  });
}

test('sdk picoboard_blinky: "Hello world" in Morse on GPIO 25 (100 ms dot)', () => {
  let ed;
  const res = run('picoboard_blinky', { maxMs: 13000, setup: (sim) => { ed = edges(sim, 25); } });
  assert.strictEqual(res.r.reason, 'bound');
  // decode: on 1 unit = dot, 3 = dash; off 1 = within a letter, 3 = between
  // letters, 7 = between words (the example's 1 + 2 + 4 units), 13 = the 1 s
  // pause before the message repeats (1 + 2 + 10 units)
  const MORSE = { '....': 'h', '.': 'e', '.-..': 'l', '---': 'o', '.--': 'w', '.-.': 'r', '-..': 'd' };
  let text = '', letter = '';
  for (let i = 0; i + 1 < ed.length; i++) {
    const units = (ed[i + 1][0] - ed[i][0]) / 0.1;
    assert.ok(Math.abs(units - Math.round(units)) < 0.001, `edge ${i}: ${units} units`);
    const u = Math.round(units);
    if (ed[i][1] === 1) { assert.ok(u === 1 || u === 3, `on for ${u} units`); letter += u === 1 ? '.' : '-'; continue; }
    if (u === 1) continue;
    assert.ok(letter in MORSE, letter);
    text += MORSE[letter];
    letter = '';
    if (u === 7) text += ' ';
    else if (u === 13) text += '|';
    else assert.strictEqual(u, 3, `off for ${u} units`);
  }
  assert.strictEqual(text, 'hello world|', 'the message, then the pause before it repeats');
});

test('sdk hello_double_tap: a single boot waits out the 200 ms double-reset window, then blinks', () => {
  let ed;
  const res = run('hello_double_tap', { maxMs: 1900, setup: (sim) => { ed = edges(sim, 25); } });
  assert.strictEqual(res.r.reason, 'bound');
  assert.ok(ed[0][0] > 0.2 && ed[0][0] < 0.201, `the LED first on at ${ed[0][0]} s`);
  blinks(res, ed, ed[0][0], 250);
});

test('sdk hello_double_tap second reset: a second reset within the window enters USB boot, with GPIO 25 as its activity LED', () => {
  const sim = new Simulator();
  sim.loadFile(elf('hello_double_tap'));
  assert.strictEqual(sim.run({ maxMs: 100 }).reason, 'bound');
  sim.requestReboot('RUN pin');              // the reset button, pressed again 100 ms in
  const r = sim.run({ maxMs: 200 });
  assert.strictEqual(r.reason, 'noboot', JSON.stringify(r));
  assert.match(r.message, /reset_usb_boot/);
  assert.ok(sim.nowNanos() < 101e6, `${sim.nowNanos()} ns: at once on the second boot`);
});

test('sdk bmp280_i2c: a BMP280 at 0x76 in normal mode, compensated with its calibration words (25.00 C, 100 kPa)', () => {
  const { BMP280 } = require('../../lib');
  let dev;
  const res = run('bmp280_i2c', { maxMs: 1300, setup: (sim) => { dev = new BMP280(sim, { weather: () => ({ temperature: 25, pressure: 100000 }) }); sim.i2c[0].attach(0x76, dev); } });
  assert.strictEqual(res.r.reason, 'bound');
  const t = res.texts();
  assert.strictEqual(t[0], 'Hello, BMP280! Reading temperaure and pressure values from sensor...');
  assert.strictEqual(t.length, 1 + 2 * 3, t.join('|'));
  for (let i = 1; i < t.length; i += 2) {
    const p = /^Pressure = (\d+\.\d{3}) kPa$/.exec(t[i]);
    assert.ok(p, t[i]);
    // the example's 32-bit compensation (the datasheet's integer formula) within 2 Pa of the model's 64-bit one
    assert.ok(Math.abs(Number(p[1]) * 1000 - 100000) <= 2, t[i]);
    assert.strictEqual(t[i + 1], 'Temp. = 25.00 C');
  }
  assert.ok(dev.samples.length >= 3, 'the device converted');
});

test('sdk mpu6050_i2c: raw accelerometer, gyroscope and temperature registers of an MPU6050 at 0x68', () => {
  const { MPU6050 } = require('../../lib');
  const motion = () => ({ ax: 0.5, ay: -0.25, az: 0.75, gx: 10, gy: -20, gz: 30, temp: 30 });
  const res = run('mpu6050_i2c', { maxMs: 350, setup: (sim) => sim.i2c[0].attach(0x68, new MPU6050(sim, { motion })) });
  assert.strictEqual(res.r.reason, 'bound');
  const t = res.texts();
  // +-2 g: 16384 per g; +-250 deg/s: 131 per deg/s; temperature raw (30 - 36.53) * 340 = -2220
  const three = ['Acc. X = 8192, Y = -4096, Z = 12288', 'Gyro. X = 1310, Y = -2620, Z = 3930', `Temp. = ${(-2220 / 340 + 36.53).toFixed(6)}`];
  assert.deepStrictEqual(t, ['Hello, MPU6050! Reading raw data from registers...', ...three, ...three, ...three]);
  assert.strictEqual(three[2], 'Temp. = 30.000588');
});

// ---- clocks: the frequency counter (lib/clocks.js) ----

test('sdk hello_48MHz: the frequency counter at 125 MHz, then clk_sys and clk_peri moved to pll_usb at 48 MHz and pll_sys stopped', () => {
  const res = run('hello_48MHz', { maxMs: 200 });
  passed(res);
  // the ROSC at the model's nominal 6.5 MHz (a chip's own figure differs: warned)
  const block = (pllSys, sys) => [`pll_sys  = ${pllSys}kHz`, 'pll_usb  = 48000kHz', 'rosc     = 6500kHz', `clk_sys  = ${sys}kHz`,
    `clk_peri = ${sys}kHz`, 'clk_usb  = 48000kHz', 'clk_adc  = 48000kHz', 'clk_rtc  = 46kHz'];
  assert.deepStrictEqual(res.texts(), ['Hello, world!', ...block(125000, 125000), ...block(0, 48000), 'Hello, 48MHz']);
  assert.ok([...res.sim.warnings.keys()].some((w) => /^CLOCKS: the frequency counter measured the ROSC/.test(w)));
  assert.strictEqual(res.sim.clkSys, 48e6, 'the cores run at 48 MHz');
  // the UART re-initialised for the new clk_peri: its lines come at the same 115200 baud
  const dt = (i) => res.lines[i + 1].time - res.lines[i].time;
  assert.ok(Math.abs(dt(10) - dt(2)) < 0.0002, `${dt(2)} s, then ${dt(10)} s between lines`);
});

test('sdk hello_gpout not run: the clock outputs are warned about as not modelled', () => {
  const res = prints('hello_gpout', 20, ['Hello gpout']);
  assert.deepStrictEqual([...res.sim.warnings.keys()].filter((w) => /GPOUT/.test(w)).map((w) => w.slice(0, 14)),
    ['CLOCKS: GPOUT0', 'CLOCKS: GPOUT1', 'CLOCKS: GPOUT2', 'CLOCKS: GPOUT3']);
});

test('sdk hello_resus not run: the clk_sys resus is warned about as not modelled', () => {
  const res = run('hello_resus', { maxMs: 100 });
  assert.deepStrictEqual(res.texts(), ['Hello resus']);
  assert.ok([...res.sim.warnings.keys()].some((w) => /^CLOCKS: the clk_sys resus \(RESUS_CTRL.ENABLE\) is not modelled/.test(w)));
});

// ---- the RTC: rp2040js's calendar; the alarm is not modelled ----

test('sdk hello_rtc: the RTC set to Friday 5 June 2020 15:45:00 counts one second per second of simulated time', () => {
  const res = run('hello_rtc', { maxMs: 3050 });
  assert.strictEqual(res.r.reason, 'bound');
  assert.strictEqual(res.texts()[0], 'Hello RTC!');
  // then "\r<date>      " every 100 ms, on one line (no newline)
  const rest = res.lines.slice(1).map((l) => l.text).join('');
  const stamps = rest.split(/\r| {6}/).map((s) => s.trim()).filter(Boolean);
  assert.ok(stamps.length >= 29 && stamps.length <= 31, `${stamps.length} readings in 3 s`);
  const secs = stamps.map((s) => {
    const m = /^Friday 5 June 15:45:(\d\d) 2020$/.exec(s);
    assert.ok(m, s);
    return Number(m[1]);
  });
  // ten readings (100 ms apart, plus the printing) per second, in order
  const per = [0, 1, 2].map((s) => secs.filter((x) => x === s).length);
  assert.deepStrictEqual(secs, [...secs].sort((a, b) => a - b));
  assert.ok(per[0] === 10 && per[1] === 10 && per[2] >= 9, per.join(' '));
});

for (const name of ['rtc_alarm', 'rtc_alarm_repeat']) {
  test(`sdk ${name} not run: the RTC alarm is warned about as not modelled`, () => {
    const res = run(name, { maxMs: 100 });
    assert.strictEqual(res.texts().length, 1);
    assert.ok([...res.sim.warnings.keys()].some((w) => /^RTC: the alarm \(IRQ_SETUP_0 MATCH_ENA\) is not modelled/.test(w)));
  });
}

test('sdk lcd_uart: the binary faults as a chip would, on the UDF GCC put for the source\'s read through a null pointer', () => {
  // lcd_set_backlight(true) passes (uint8_t *)0 as a 1-byte buffer: undefined
  // behaviour, which GCC compiled into `udf #255` after the command's bytes
  const res = run('lcd_uart', { maxMs: 500 });
  assert.strictEqual(res.r.reason, 'fault-bkpt', JSON.stringify(res.r));
  assert.match(res.r.message, /UDF #255 \(permanently undefined\)/);
  assert.deepStrictEqual(res.texts('uart1'), ['\u00feB'], 'the command prefix 0xfe and LCD_DISPLAY_ON 0x42 went out on UART1 first');
});

test('sdk uart_advanced: 115200 baud, FIFOs off, the RX interrupt echoes each character plus one as it arrives', () => {
  const bytes = [];
  const res = run('uart_advanced', {
    maxMs: 30,
    setup: (sim) => {
      sim.on('uart-byte', (e) => { if (e.uart === 0) bytes.push([e.byte, sim.nowNanos() / 1e3]); });
      sim.sendUartInput(0, Buffer.from('HAL 9000'), 10);
    },
  });
  assert.strictEqual(res.r.reason, 'bound');
  const text = Buffer.from(bytes.map((b) => b[0])).toString('latin1');
  assert.strictEqual(text, '\nHello, uart interrupts\nIBM!:111', 'every character echoed: none refused for a busy transmitter');
  // each echo leaves as its character arrives: one character time (86.8 us) apart, the first just after 10 ms
  const echo = bytes.slice(-8).map((b) => b[1]);
  assert.ok(echo[0] > 10000 && echo[0] < 10100, `first echo at ${echo[0]} us`);
  for (let i = 1; i < 8; i++) assert.ok(Math.abs(echo[i] - echo[i - 1] - 86.8) < 1, `echo ${i}: ${echo[i] - echo[i - 1]} us after the one before`);
});

test('sdk dev_lowlevel: the hand-written device enumerates though it arms EP0 OUT for DATA0 in every second status stage (the controller drops those packets, warned); its bulk loopback echoes "Hello World!" from EP1 OUT on EP2 IN', () => {
  // what its dev_lowlevel_loopback.py does once the device is configured: write the text to
  // the first OUT endpoint, read as many bytes from the first IN endpoint (pyusb, 1 s time-outs)
  const got = [];
  const res = run('dev_lowlevel', {
    maxMs: 600,
    setup: (sim) => sim.on('usb-configured', () => sim.clock.createAlarm(() => {
      const h = sim.usbHost;
      h.bulkOut(0x01, Buffer.from('Hello World!'), (r) => got.push(['out', r.status, r.sent]));
      h.bulkIn(0x82, 12, (r) => got.push(['in', r.status, Buffer.from(r.data).toString('latin1')]));
    }).schedule(sim.clock.nanos + 20e6)),
  });
  assert.strictEqual(res.r.reason, 'bound', JSON.stringify(res.r));
  const h = res.sim.usbHost, i = h.info;
  assert.strictEqual(h.state, 'configured');
  assert.deepStrictEqual([i.device.vid, i.device.pid, i.device.bcdUSB, i.manufacturer, i.product], [0, 1, 0x0110, 'Raspberry Pi', 'Pico Test Device']);
  assert.deepStrictEqual(i.config.interfaces.map((x) => [x.number, x.class]), [[0, 0xff]], 'one vendor-specific interface');
  assert.deepStrictEqual(i.config.endpoints.map((e) => [e.address, e.type, e.maxPacket]), [[0x01, 2, 64], [0x82, 2, 64]]);
  assert.deepStrictEqual(got, [['out', 'ok', 12], ['in', 'ok', 'Hello World!']]);
  // the source: EP0 OUT's next_pid starts at DATA0 and flips at every arming, while a status
  // stage is always DATA1 (USB 2.0 8.5.3): the controller ACKs and drops each mismatched packet
  // (DATA_SEQ_ERROR, 8.6.4). Harmless to the example (its EP0 OUT handler does nothing); each seen
  const dropped = h.log.filter((l) => /DATA_SEQ_ERROR/.test(l));
  assert.ok(dropped.length >= 1 && dropped.every((l) => /endpoint 0 OUT, the status-out stage of GET_DESCRIPTOR.*the host sends DATA1, the buffer is armed for DATA0/.test(l)), dropped.join('\n'));
  assert.strictEqual(h.stats().seq_errors_out, dropped.length);
  assert.strictEqual(h.stats().seq_errors_in, 0, 'every IN packet of the right toggle');
  const warned = [...res.sim.warnings].filter(([w]) => /^usb: /.test(w));
  assert.deepStrictEqual(warned.map(([w, n]) => [w.replace(/;.*/, ''), n]), [[
    'usb: endpoint 0x00 OUT: the firmware armed a buffer for the other data toggle than the host\'s packet (a control transfer\'s data stage starts at DATA1, its status stage is DATA1: USB 2.0 8.5.3)', dropped.length]]);
  // its UART0 lines: the endpoints, the enumeration, then the loopback
  const t = res.texts();
  assert.deepStrictEqual(t.slice(0, 7), ['USB Device Low-Level hardware example',
    'Set up endpoint 0x0 with buffer address 0x50100100', 'Set up endpoint 0x80 with buffer address 0x50100100',
    'Set up endpoint 0x1 with buffer address 0x50100180', 'Set up endpoint 0x82 with buffer address 0x501001C0',
    'BUS RESET', 'Start transfer of len 18 on ep addr 0x80']);
  assert.deepStrictEqual(t.filter((l) => /^(GET|Set address|Device)/.test(l)), ['GET DEVICE DESCRIPTOR', 'Set address 1',
    'GET DEVICE DESCRIPTOR', 'GET CONFIG DESCRIPTOR', 'GET CONFIG DESCRIPTOR', 'GET STRING DESCRIPTOR',
    'GET STRING DESCRIPTOR', 'GET STRING DESCRIPTOR', 'Device Enumerated']);
  // SET_CONFIGURATION's status stage, after which its EP0 IN handler arms EP0 OUT once more; main arms EP1 OUT
  assert.deepStrictEqual(t.slice(t.indexOf('Device Enumerated')), ['Device Enumerated', 'Start transfer of len 0 on ep addr 0x80',
    'EP 0 (in = 1) done', 'Start transfer of len 0 on ep addr 0x0', 'Start transfer of len 64 on ep addr 0x1',
    'EP 1 (in = 0) done', 'RX 12 bytes from host', 'Start transfer of len 12 on ep addr 0x82',
    'EP 2 (in = 1) done', 'Sent 12 bytes to host', 'Start transfer of len 64 on ep addr 0x1']);
});

test('sdk dev_hid_composite: TinyUSB\'s HID composite device enumerates; SET_IDLE, its report descriptor (keyboard, mouse, consumer control, gamepad) well formed; no report while the button is up; the LED blinks at the mounted rate', () => {
  let ed;
  const res = run('dev_hid_composite', { maxMs: 4500, setup: (sim) => { ed = edges(sim, 25); } });
  assert.strictEqual(res.r.reason, 'bound');
  const h = res.sim.usbHost, i = h.info;
  assert.strictEqual(h.state, 'configured');
  assert.deepStrictEqual([i.device.vid, i.device.pid, i.manufacturer, i.product], [0xcafe, 0x4004, 'TinyUSB', 'TinyUSB Device']);
  assert.deepStrictEqual(i.config.interfaces.map((x) => [x.number, x.class, x.subclass, x.protocol]), [[0, 3, 0, 0]], 'one HID interface, no boot protocol');
  assert.deepStrictEqual(i.config.endpoints.map((e) => [e.address, e.type, e.maxPacket, e.interval]), [[0x81, 3, 16, 5]], 'interrupt IN, 16 bytes, 5 ms');
  // the HID descriptor (TUD_HID_DESCRIPTOR: HID 1.11, no country, the report descriptor's length)
  const hd = i.config.interfaces[0].hid;
  assert.deepStrictEqual([hd.bcdHID, hd.country, hd.descriptors.map((d) => d.type)], [0x0111, 0, [0x22]]);
  // the host bound it as usbhid does: SET_IDLE(0) answered, the report descriptor read whole and well formed
  assert.strictEqual(h.hid.length, 1);
  const hid = h.hid[0];
  assert.strictEqual(hid.idle, 'ok', 'TinyUSB takes SET_IDLE');
  assert.strictEqual(hid.report.length, hd.reportLength);
  assert.deepStrictEqual(hid.parsed.errors, []);
  // desc_hid_report: keyboard, mouse, consumer control, gamepad, each a top-level application collection with its report ID
  assert.deepStrictEqual(hid.parsed.collections.map((c) => [c.type, c.page, c.usage]), [[1, 0x01, 0x06], [1, 0x01, 0x02], [1, 0x0c, 0x01], [1, 0x01, 0x05]]);
  assert.strictEqual(hid.parsed.usesIds, true);
  // report lengths with the ID byte: hid_keyboard_report_t (8), hid_mouse_report_t (5), a 16-bit usage (2), hid_gamepad_report_t (11); the keyboard's LED byte out
  assert.deepStrictEqual([...hid.parsed.reports.input], [[1, 9], [2, 6], [3, 3], [4, 12]]);
  assert.deepStrictEqual([...hid.parsed.reports.output], [[1, 2]]);
  // hid_task: with the button up the keyboard sends nothing (no consecutive empty reports), so the chain never starts
  assert.deepStrictEqual(h.hidReports, [], 'no report while BOOTSEL is up');
  assert.strictEqual(h.stats().stalls, 0);
  // led_blinking_task: 250 ms while not mounted, 1000 ms once mounted (within the first 125 ms): its first
  // step at 1 s writes the LED's initial off, then on at 2 s, off at 3 s, on at 4 s
  assert.deepStrictEqual(ed.map(([t, v]) => [Math.round(t * 1000), v]), [[2000, 1], [3000, 0], [4000, 1]]);
});

test('sdk dev_hid_composite reports: BOOTSEL held sends keyboard "a", mouse right and down 5, volume down, gamepad up and A, one report a poll (5 ms) apart; its release one round of releases, then nothing', () => {
  const PRESS = 0.495, RELEASE = 0.6965;   // RELEASE between two rounds (see below)
  const res = run('dev_hid_composite', {
    maxMs: 1000,
    setup: (sim) => {
      sim.clock.createAlarm(() => sim.setBootsel(true)).schedule(PRESS * 1e9);
      sim.clock.createAlarm(() => sim.setBootsel(false)).schedule(RELEASE * 1e9);
    },
  });
  assert.strictEqual(res.r.reason, 'bound');
  const h = res.sim.usbHost;
  const reps = h.hidReports;
  assert.ok(reps.every((r) => r.interface === 0));
  // send_hid_report, button down: a keyboard report with HID_KEY_A (0x04) in the first key code, the mouse's
  // relative X and Y of 5, HID_USAGE_CONSUMER_VOLUME_DECREMENT (0x00ea), the gamepad's hat up (1) and button A (bit 0)
  const down = [[1, 0, 0, 4, 0, 0, 0, 0, 0], [2, 0, 5, 5, 0, 0], [3, 0xea, 0], [4, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0]];
  // button up after a press: an empty keyboard report, the mouse moving as ever, an empty consumer report, the hat centred
  const up = [[1, 0, 0, 0, 0, 0, 0, 0, 0], [2, 0, 5, 5, 0, 0], [3, 0, 0], [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]];
  assert.ok(reps.length >= 8 && reps.length % 4 === 0, `${reps.length} reports: whole rounds of four`);
  const rounds = [];
  for (let k = 0; k < reps.length; k += 4) rounds.push(reps.slice(k, k + 4));
  // each report is sent from the one before's completion (tud_hid_report_complete_cb), so the rounds are IDs 1, 2, 3, 4 in order
  for (const r of rounds) assert.deepStrictEqual(r.map((x) => x.id), [1, 2, 3, 4]);
  // the run's phase: the button is read for each report when it is queued: the keyboard's at a hid_task tick
  // (at most a poll, 5 ms, before the host takes it), the consumer's and the gamepad's when the report before
  // completes. RELEASE falls after the last reading of one round (the consumer report's completion, 1 ms of
  // margin) and before the next round's tick
  const last = rounds.length - 1;
  assert.ok(rounds[last - 1][2].time < RELEASE - 0.001 && RELEASE < rounds[last][0].time - 0.005, 'the release falls between two rounds');
  rounds.slice(0, last).forEach((r, k) => assert.deepStrictEqual(r.map((x) => [...x.bytes]), down, `round ${k} (button down)`));
  assert.deepStrictEqual(rounds[last].map((x) => [...x.bytes]), up, 'the release round');
  // the first within a tick (10 ms) and a poll (5 ms) of the press; the release round within the same of the release
  assert.ok(reps[0].time > PRESS && reps[0].time < PRESS + 0.015, `first report at ${reps[0].time} s`);
  assert.ok(rounds[last][0].time < RELEASE + 0.015, `release round at ${rounds[last][0].time} s`);
  // one round per two ticks (20 ms: four polls) while held
  const held = rounds[last][0].time - reps[0].time;
  assert.ok(Math.abs(held / 0.020 - last) < 1, `${last} rounds down in ${held} s`);
  // the host polls every bInterval (5) frames: report k taken at the same phase in the 5 ms grid, each just
  // after a frame's start (its transaction's bus time, 137 + 8 n bit times at 12 Mbit/s)
  for (const r of reps) {
    const inFrame = r.time * 1e3 - Math.floor(r.time * 1e3);
    assert.ok(inFrame * 1e-3 > 0 && Math.abs(inFrame * 1e-3 - (137 + 8 * r.bytes.length) / 12e6) < 1e-7, `report at ${r.time} s: ${inFrame} ms into its frame`);
    const polls = (Math.floor(r.time * 1e3) - Math.floor(reps[0].time * 1e3)) / 5;
    assert.strictEqual(polls, Math.round(polls), `report at ${r.time} s is not on the 5 ms polling grid`);
  }
  for (const r of rounds) for (let k = 1; k < 4; k++) assert.strictEqual(Math.floor(r[k].time * 1e3) - Math.floor(r[k - 1].time * 1e3), 5, 'the next report at the next poll');
  // nothing after the release round (the button stays up to 1 s)
  assert.ok(reps[reps.length - 1].time < RELEASE + 0.040);
  assert.strictEqual(h.stats().stalls, 0);
});

test('sdk dev_hid_composite caps lock: the host\'s keyboard LED report (SET_REPORT, Output, ID 1) reaches tud_hid_set_report_cb: Caps Lock on holds the LED on, off sends it back to its blinking; Num Lock alone changes nothing', () => {
  let ed;
  const res = run('dev_hid_composite', {
    maxMs: 7500,
    setup: (sim) => {
      ed = edges(sim, 25);
      sim.usbHost.event(3500, 'leds=caps');   // the LED is off (since 3 s)
      sim.usbHost.event(5200, 'leds=none');
      sim.usbHost.event(5300, 'leds=num');
    },
  });
  assert.strictEqual(res.r.reason, 'bound', JSON.stringify(res.r));
  const h = res.sim.usbHost;
  // the keyboard's output report: ID 1, the five LED bits (Num Lock bit 0, Caps Lock bit 1, ...) and 3 constant bits
  assert.deepStrictEqual([...h.hid[0].parsed.leds], [[1, [1, 2, 3, 4, 5].map((u) => ({ bit: u - 1, usage: u }))]]);
  assert.deepStrictEqual(h.ledReports.map((x) => [x.interface, x.id, [...x.bytes], x.status]), [[0, 1, [1, 2], 'ok'], [0, 1, [1, 0], 'ok'], [0, 1, [1, 1], 'ok']]);
  assert.ok(h.log.some((l) => /SET_REPORT\(type 0x21, value 0x0201, index 0x0000, length 2\) -> ok$/.test(l)));
  // TinyUSB takes the report ID off the front (it matches wValue's) and hands the LED byte on:
  // Caps Lock on: blinking off, the LED on, within the request's bus time of the event
  const ms = ed.map(([t, v]) => [+(t * 1000).toFixed(1), v]);
  assert.deepStrictEqual(ms.slice(0, 3), [[2000.1, 1], [3000, 0], [3500.1, 1]]);
  assert.ok(ed[2][0] - 3.5 < 0.0002, `LED on ${(ed[2][0] - 3.5) * 1e6} us after the event`);
  // no blink while Caps Lock is on (the edges due at 4 s and 5 s are not there); off at 5.2 s, back to
  // blinking: led_blinking_task's start time stayed at 3 s, so it catches up at once (on, then off,
  // in the same few microseconds) and blinks on its old phase: on at 6 s, off at 7 s
  assert.deepStrictEqual(ms.slice(3), [[5200.1, 0], [5200.1, 1], [5200.1, 0], [6000, 1], [7000, 0]]);
  assert.ok(ed[5][0] - 5.2 < 0.0002);
  // Num Lock alone at 5.3 s: the report sent, the LED left to its blinking
  assert.strictEqual(h.stats().stalls, 0);
});

test('sdk dev_multi_cdc: both CDC-ACM functions bound as two serial ports; text sent to the second is printed through stdio ("Received on CDC 1: ...") and answered "OK" on the second port', () => {
  // The example's main loop sleeps 5 s (tud_task not running) each time round while CDC 0 has DTR
  // up: a port opened after the first waits up to 5 s for each request, as long as a PC's
  // control time-out. So the second port is opened first, as a terminal on it could be.
  let conf = null;
  const res = run('dev_multi_cdc', {
    maxMs: 8500,
    opts: { usb: { autoOpen: false } },
    setup: (sim) => sim.on('usb-configured', () => {
      const h = sim.usbHost, t = (conf = sim.nowNanos() / 1e9) * 1e3;
      h.event(t + 10, 'open', 1);
      h.sendInput(Buffer.from('hello'), t + 50, 1);   // port 0 closed: stdio's USB output dropped
      h.event(t + 200, 'open', 0);                     // DTR up on CDC 0: "Connected to CDC 0", then the 5 s sleep
      h.sendInput(Buffer.from('again'), t + 300, 1);  // taken when the sleep ends
    }),
  });
  assert.strictEqual(res.r.reason, 'bound', JSON.stringify(res.r));
  const h = res.sim.usbHost, i = h.info;
  assert.deepStrictEqual([i.device.vid, i.device.pid, i.manufacturer, i.product], [0xcafe, 0x4002, 'Raspberry Pi', 'Pico (2)']);
  // two CDC functions, each an interface association of a communication and a data interface
  assert.deepStrictEqual(i.config.interfaces.map((x) => [x.number, x.class, x.subclass]), [[0, 2, 2], [1, 10, 0], [2, 2, 2], [3, 10, 0]]);
  assert.deepStrictEqual(h.ports.map((p) => [p.index, p.func.comm, p.func.notify.address, p.func.out.address, p.func.in.address, p.open]),
    [[0, 0, 0x81, 0x02, 0x82, true], [1, 2, 0x84, 0x05, 0x85, true]]);
  assert.ok(conf > 2.9 && conf < 3.1, `configured at ${conf} s (the first request waits 3 s, as on a chip)`);
  // tud_cdc_rx_cb(1): "RX CDC 1" and the text through stdio (UART0, and CDC 0 while it is open), "OK" on CDC 1
  const at = (src, text) => res.lines.filter((l) => l.src === src && l.text === text).map((l) => +l.time.toFixed(3));
  assert.deepStrictEqual(res.texts('usb1'), ['OK', 'OK']);
  const ok = at('usb1', 'OK');
  assert.ok(ok[0] > conf + 0.050 && ok[0] < conf + 0.060, `first OK at ${ok[0]} s`);
  assert.ok(ok[1] > conf + 5.2 && ok[1] < conf + 5.21, `second OK at ${ok[1]} s: after the 5 s sleep begun at the open of CDC 0`);
  const u = res.texts('uart0');
  assert.ok(u.includes('Received on CDC 1: hello') && u.includes('Received on CDC 1: again'), u.join('\n'));
  assert.ok(at('uart0', 'RX CDC 1').length === 2);
  const usb0 = res.texts('usb');
  assert.ok(!usb0.includes('Received on CDC 1: hello'), 'CDC 0 closed then: stdio over USB drops it');
  assert.ok(usb0.includes('Received on CDC 1: again') && usb0[0] === 'Connected to CDC 0', usb0.join('\n'));
  assert.strictEqual(h.stats().stalls, 0);
});

// ---- ADC examples with inputs fed ----

test('sdk microphone_adc: GPIO26 read every 10 ms, printed as volts (raw * 3.3 / 4095, double)', () => {
  // 0.5 V, then 2.0 V from 50 ms, 3.3 V (full scale) from 100 ms
  const volts = (t) => (t < 0.05 ? 0.5 : t < 0.1 ? 2.0 : 3.3);
  const res = run('microphone_adc', { maxMs: 150, setup: (sim) => sim.adc.input(0, volts) });
  assert.strictEqual(res.r.reason, 'bound');
  const t = res.texts();
  assert.strictEqual(t[0], 'Beep boop, listening...');
  const shown = (v) => (adcRaw(v) * (3.3 / 4095)).toFixed(2);
  assert.deepStrictEqual([0.5, 2.0, 3.3].map(shown), ['0.50', '2.00', '3.30']);
  const lines = res.lines.slice(1);
  assert.ok(lines.length >= 13 && lines.length <= 15, `${lines.length} readings in 150 ms`);
  lines.forEach((l, i) => {
    if (i) { const dt = l.time - lines[i - 1].time; assert.ok(dt > 0.010 && dt < 0.011, `reading ${i}: ${dt} s after the one before`); }
    // the sample is taken just before its line goes out: away from the steps, the level then
    const near = [0.05, 0.1].some((s) => l.time > s && l.time < s + 0.002);
    if (!near) assert.strictEqual(l.text, shown(volts(l.time)), `reading ${i} at ${l.time} s`);
  });
});

test('sdk joystick_display: X and Y (GPIO26, GPIO27) drawn as the position of an "o" in two 40-column bars', () => {
  const bytes = [];
  const res = run('joystick_display', {
    maxMs: 260,
    setup: (sim) => {
      sim.on('uart-byte', (e) => { if (e.uart === 0) bytes.push(e.byte); });
      sim.adc.input(0, (t) => (t < 0.1 ? 0 : 1.0));
      sim.adc.input(1, (t) => (t < 0.1 ? 3.3 : 2.5));
    },
  });
  assert.strictEqual(res.r.reason, 'bound');
  const frames = Buffer.from(bytes).toString('latin1').split('\r').slice(1);
  assert.ok(frames.length >= 5, `${frames.length} frames in 260 ms (one per 50 ms)`);
  const bar = (v) => { const pos = Math.floor((adcRaw(v) * 40) / 4095); return Array.from({ length: 40 }, (_, i) => (i === pos ? 'o' : ' ')).join(''); };
  const frame = (x, y) => `X: [${bar(x)}]  Y: [${bar(y)}]`;
  assert.strictEqual(frames[0], frame(0, 3.3), 'X at the left end; Y at full scale: position 40, past the bar, no "o"');
  assert.ok(!frames[0].slice(48).includes('o'));
  assert.strictEqual(frames[frames.length - 1].length, frame(1, 2.5).length);
  assert.strictEqual(frames[frames.length - 1], frame(1.0, 2.5));
  assert.strictEqual(frame(1.0, 2.5).indexOf('o') - 4, 12, 'X: 1.0 V is raw 1241, column 12');
});

test('sdk adc_console: commands over UART0: channel select, one sample, a free-running capture of 1000, pin wiggling', () => {
  let tx;
  const res = run('adc_console', {
    maxMs: 850,
    setup: (sim) => {
      tx = [];
      sim.on('gpio', (e) => { if (e.pin <= 1) tx.push([e.pin, e.time]); });
      sim.adc.input(1, (t) => (t < 0.3 ? 1.0 : 2.0));
      sim.sendUartInput(0, Buffer.from('c1'), 20);
      sim.sendUartInput(0, Buffer.from('s'), 30);
      sim.sendUartInput(0, Buffer.from('c9'), 40);
      sim.sendUartInput(0, Buffer.from('S'), 300);
      sim.sendUartInput(0, Buffer.from('w'), 800);
      sim.sendUartInput(0, Buffer.from('x'), 810);
    },
  });
  assert.strictEqual(res.r.reason, 'bound');
  const t = res.texts();
  const help = ['', 'Commands:', 'c0, ...\t: Select ADC channel n', 's\t: Sample once', 'S\t: Sample many', 'w\t: Wiggle pins'];
  const raw1 = adcRaw(1.0), raw2 = adcRaw(2.0);
  const hex3 = (v) => v.toString(16).padStart(3, '0');
  assert.deepStrictEqual(t.slice(0, 22), ['', '===========================', 'RP2040 ADC and Test Console', '===========================', ...help,
    'c1', 'Switched to channel 1',
    's', `0x${hex3(raw1)} -> ${f(raw1 * ADC_FACTOR).toFixed(6)} V`,
    'c9', 'Unknown input channel', ...help]);
  assert.strictEqual(t[13], '0x4d9 -> 0.999829 V');
  // the capture: ADC FIFO, free running at 500 ksps (96 clk_adc cycles at 48 MHz): 1000 samples in 2 ms,
  // after stdio has drained the UART ("S\r\nStarting capture\r\n", 21 characters of 86.8 us at most)
  const s = t.indexOf('Starting capture');
  assert.deepStrictEqual(t.slice(s - 1, s + 2), ['S', 'Starting capture', 'Done']);
  const took = res.lines[s + 1].time - res.lines[s].time;
  assert.ok(took > 0.002 && took < 0.002 + 21 * 86.8e-6 + 0.0001, `capture took ${took} s`);
  // one conversion for 's', 1000 read, and the one under way when the run stopped (drained)
  assert.strictEqual(res.sim.adc.conversions, 1 + 1000 + 1);
  assert.deepStrictEqual(t.slice(s + 2, s + 1002), Array(1000).fill(hex3(raw2)));
  // wiggling: every SIO pin 2..25 driven in turn until a key arrives
  const w = t.indexOf('Press any key to stop wiggling');
  assert.deepStrictEqual(t.slice(w - 1, w + 2), ['w', 'Press any key to stop wiggling', 'Wiggling halted.']);
  assert.ok(res.lines[w + 1].time > 0.810, 'halted after the key');
  for (let p = 2; p <= 25; p++) assert.ok(res.sim.toggles[p] > 100, `GPIO ${p} toggled ${res.sim.toggles[p]} times`);
  // the UART pins are left alone: GPIO 1 (RX) never driven; GPIO 0 stays UART0's TX, quiet while nothing is
  // printed (from the end of "Press any key ..." at most 33 characters after its line, to the key at 810 ms)
  assert.deepStrictEqual([0, 1].map((p) => res.sim.mcu.gpio[p].functionSelect), [2, 2]);
  assert.ok(tx.length > 0 && tx.every(([p]) => p === 0), 'GPIO 0 carries the console\'s characters, GPIO 1 nothing');
  const quietFrom = res.lines[w].time + 33 * 86.8e-6;
  assert.ok(quietFrom < 0.81);
  assert.deepStrictEqual(tx.filter(([, time]) => time > quietFrom && time < 0.81), [], 'GPIO 0 unchanged while the other pins wiggle');
});

test('sdk slave_mem_i2c not run: I2C0 as a target is warned about as not modelled; the write to it fails instead of hanging', () => {
  const res = run('slave_mem_i2c', { maxMs: 100 });
  passed(res);
  assert.ok([...res.sim.warnings.keys()].some((w) => /^I2C0: target \(slave\) mode is not modelled/.test(w)));
  // no target answers 0x17: i2c_write_blocking sees the abort (TX_EMPTY set with the TX FIFO flushed)
  assert.deepStrictEqual(res.texts(), ['', 'I2C slave example', "Write at 0x00: 'Hello, I2C slave! - 0x00'",
    "Couldn't write to slave, please check your wiring!"]);
});

test('sdk picoboard_button: the LED follows the BOOTSEL button, read through the flash\'s chip select every 10 ms', () => {
  let ed;
  const res = run('picoboard_button', {
    maxMs: 400,
    setup: (sim) => {
      ed = edges(sim, 25);
      const press = sim.clock.createAlarm(() => sim.setBootsel(true));
      const release = sim.clock.createAlarm(() => sim.setBootsel(false));
      press.schedule(100e6);
      release.schedule(250e6);
    },
  });
  assert.strictEqual(res.r.reason, 'bound');
  // off from the start (not pressed), on within one 10 ms poll of the press, off within one of the release
  assert.deepStrictEqual(ed.map(([, v]) => v), [1, 0]);
  assert.strictEqual(res.sim.toggles[25], 2, 'driven low before the press (two changes of a driven level)');
  assert.ok(ed[0][0] >= 0.1 && ed[0][0] < 0.111, `on at ${ed[0][0]} s`);
  assert.ok(ed[1][0] >= 0.25 && ed[1][0] < 0.261, `off at ${ed[1][0]} s`);
});


// ==== pico-examples/pio: each program's pin waveform, measured at the cycle ====
// (kept apart from the blocks above). The 'gpio' event carries the time of
// the change itself (a PIO tick's, a PWM edge's), so the times below are
// exact cycles of clk_sys, not samples.

/** Record [cycle, level] at each change of the driven level of `pins`. */
function pinEdges(sim, pins) {
  const e = Object.fromEntries(pins.map((p) => [p, []]));
  sim.on('gpio', (ev) => { if (e[ev.pin]) e[ev.pin].push([Math.round(sim.nanosToCycles(ev.time * 1e9)), ev.level]); });
  return e;
}
/**
 * The PIO divider's ticks in cycles, as the SDK's float divider sets it (INT.FRAC, 8 fraction bits):
 * hz / rate in single precision, rounded to the nearest 1/256 (PICO_CLKDIV_ROUND_NEAREST, on by default).
 */
const sdkDiv = (hz, rate) => { const d = Math.fround(Math.fround(hz / rate) + 1 / 512); const i = Math.floor(d); return i + Math.floor((d - i) * 256) / 256; };

/**
 * Decode 8N1 frames from a pin's edges, `bit` cycles a bit: sample each bit
 * in its middle, the stop bit must be high, and every edge inside a frame
 * must fall on a bit boundary (within `tol` cycles). Returns the text and
 * the cycle of each frame's start.
 */
function decodeUart(edges, bit, tol) {
  let text = '', i = 0;
  const starts = [];
  const levelAt = (c) => { // edges sorted; i points at the frame's start edge
    let l = 1;
    for (let j = i; j < edges.length && edges[j][0] <= c; j++) l = edges[j][1];
    return l;
  };
  while (i < edges.length) {
    if (edges[i][1] !== 0) { i++; continue; }
    const s = edges[i][0];
    let byte = 0;
    for (let k = 0; k < 8; k++) byte |= levelAt(s + (k + 1.5) * bit) << k;
    assert.strictEqual(levelAt(s + 9.5 * bit), 1, `stop bit of the frame at cycle ${s}`);
    let j = i + 1;
    for (; j < edges.length && edges[j][0] < s + 9.5 * bit; j++) {
      const m = (edges[j][0] - s) / bit;
      assert.ok(Math.abs(m - Math.round(m)) * bit <= tol, `edge at cycle ${edges[j][0]}: ${m} bits into the frame at ${s}`);
    }
    text += String.fromCharCode(byte);
    starts.push(s);
    i = j;
  }
  return { text, starts };
}

test('sdk pio_uart_tx: GPIO 0 decoded as 115200 8N1 is "Hello, world! (from PIO!)\\r\\n" once a second, every edge on a bit boundary', () => {
  let edges;
  const res = run('pio_uart_tx', { maxMs: 2100, setup: (sim) => { edges = pinEdges(sim, [0])[0]; } });
  assert.strictEqual(res.r.reason, 'bound', JSON.stringify(res.r));
  const hz = res.sim.clkSys, bit = 8 * sdkDiv(hz, 8 * 115200);
  assert.ok(Math.abs(bit * 115200 / hz - 1) < 0.001, `bit ${bit} cycles`);
  assert.deepStrictEqual(edges.slice(0, 1).map(([, l]) => l), [1], 'driven high (idle) before the first frame');
  const { text, starts: falls } = decodeUart(edges.slice(1), bit, 1);
  assert.strictEqual(text, 'Hello, world! (from PIO!)\r\n'.repeat(3));
  // back to back within a line (the 8-deep FIFO is refilled faster than it drains): 10 bits a character
  for (let k = 1; k < 27; k++) {
    const d = (falls[k] - falls[0]) / bit;
    assert.ok(Math.abs(d - Math.round(d)) * bit <= 1 && Math.round(d) === 10 * k, `character ${k} starts ${d} bits after the first`);
  }
  // a line a second (sleep_ms(1000) after the last character is queued)
  const lineGap = (falls[27] - falls[0]) / hz;
  assert.ok(lineGap > 1 && lineGap < 1.003, `${lineGap} s between lines`);
});

test('sdk pio_blink: four machines of PIO1 blink GPIO 3-6 at 4, 3, 2 and 1 Hz, each half period exactly clk_sys / (2 f) cycles', () => {
  let edges;
  const res = run('pio_blink', { maxMs: 50, thenMs: 1100, setup: (sim) => { edges = pinEdges(sim, [3, 4, 5, 6]); } });
  // the SDK claims from the last block down and loads a program at the top of its memory (32 - 8)
  assert.deepStrictEqual(res.texts(), ['Loaded program at 24 on pio 1', 'Blinking pin 3 at 4 Hz', 'Blinking pin 4 at 3 Hz',
    'Blinking pin 5 at 2 Hz', 'Blinking pin 6 at 1 Hz', 'All leds should be flashing']);
  const hz = res.sim.clkSys;
  for (const [pin, f] of [[3, 4], [4, 3], [5, 2], [6, 1]]) {
    const e = edges[pin];
    // driven low by the pin direction, then high at the first SET, then alternating
    assert.deepStrictEqual(e.slice(0, 3).map(([, l]) => l), [0, 1, 0], `GPIO ${pin}`);
    const rises = e.slice(1);
    assert.ok(rises.length > 2 * f, `GPIO ${pin}: ${rises.length} edges`);
    for (let i = 1; i < rises.length; i++) {
      assert.strictEqual(rises[i][1], i % 2 ? 0 : 1);
      assert.strictEqual(rises[i][0] - rises[i - 1][0], Math.floor(hz / (2 * f)), `GPIO ${pin} edge ${i}`); // the C division
    }
  }
});

test('sdk pio_squarewave: GPIO 0 high 2 ticks, low 2 ticks at clkdiv 2.5: a 10-cycle period, 5 cycles high', () => {
  let edges;
  const res = run('pio_squarewave', { maxMs: 1, thenMs: 2, setup: (sim) => { edges = pinEdges(sim, [0])[0]; } });
  passed(res);
  assert.ok(edges.length > 10000, `${edges.length} edges`);
  // the first change is the pin direction's (driven low, SET PINDIRS), then high/low pairs
  const e = edges.slice(1);
  assert.strictEqual(e[0][1], 1);
  for (let i = 1; i < e.length; i++) {
    assert.strictEqual(e[i][1], i % 2 ? 0 : 1);
    assert.strictEqual(e[i][0] - e[i - 1][0], 5, `edge ${i} at cycle ${e[i][0]}`);
  }
});

/** newlib's rand() (the examples' C library): a 64-bit LCG from seed 1, bits 62:32 returned. */
function newlibRand() {
  let next = 1n;
  return () => { next = (next * 6364136223846793005n + 1n) & 0xffffffffffffffffn; return Number((next >> 32n) & 0x7fffffffn); };
}

test('sdk pio_ws2812: GPIO 2 carries 150 pixels of rand() data at 800 kHz, each bit\'s high time 3 or 6 of its 10 ticks (WS2812 T0H/T1H)', () => {
  let edges;
  const res = run('pio_ws2812', { maxMs: 35, setup: (sim) => { edges = pinEdges(sim, [2])[2]; } });
  assert.strictEqual(res.r.reason, 'bound');
  const rand = newlibRand();
  const pat = rand() % 4, dir = (rand() >> 30) & 1 ? 'forward' : 'backward';
  assert.strictEqual(pat, 1, 'the first pattern is "Random data"');
  assert.deepStrictEqual(res.texts(), ['WS2812 Smoke Test, using pin 2', 'Random data', `(${dir})`]);
  const hz = res.sim.clkSys, tick = sdkDiv(hz, 800000 * 10), ns = 1e9 / hz;
  // driven low by the pin direction; the first frame (t = 0) at least 50 us later (the WS2812 reset)
  assert.strictEqual(edges[0][1], 0);
  const frame = edges.slice(1);
  assert.ok((frame[0][0] - edges[0][0]) * ns > 50000);
  assert.strictEqual(frame.length, 2 * 150 * 24, 'one frame of 150 pixels in 35 ms (Random data writes every eighth step of 10 ms)');
  const bits = [];
  for (let i = 0; i < frame.length; i += 2) {
    const [rise, l1] = frame[i], [fall, l0] = frame[i + 1];
    assert.deepStrictEqual([l1, l0], [1, 0]);
    // bit b starts at tick 10 b after the first: the FIFO never ran dry within the frame
    assert.ok(Math.abs(rise - frame[0][0] - (i / 2) * 10 * tick) < 1, `bit ${i / 2} rises at ${rise}`);
    const h = fall - rise, one = Math.abs(h - 6 * tick) < 1;
    assert.ok(one || Math.abs(h - 3 * tick) < 1, `bit ${i / 2}: high ${h} cycles`);
    // the WS2812's datasheet: T0H 0.4 us, T1H 0.8 us, each +-150 ns; a bit 1.25 us +-600 ns
    assert.ok(Math.abs(h * ns - (one ? 800 : 400)) <= 150, `bit ${i / 2}: high ${h * ns} ns`);
    bits.push(one ? 1 : 0);
  }
  // each pixel's 24 bits, MSB first: the low 24 bits of one rand() (put_pixel shifts it left by 8)
  for (let p = 0; p < 150; p++) {
    const v = bits.slice(24 * p, 24 * p + 24).reduce((a, b) => a * 2 + b, 0);
    assert.strictEqual(v, rand() & 0xffffff, `pixel ${p}`);
  }
  // after the frame the line stays low (reset) until the next
  assert.ok((res.sim.nowCycles() - frame[frame.length - 1][0]) * ns > 50000);
});

/** Drive `text` onto `pin` from outside as 8N1 at `baud`, from `ms`; `badStop`: indexes sent with a low stop bit. Returns the end in ms. */
function driveUart(sim, pin, text, baud, ms, badStop = new Set()) {
  const bit = 1000 / baud;
  let t = ms;
  [...text].forEach((ch, k) => {
    const c = ch.charCodeAt(0);
    const levels = [0, ...Array.from({ length: 8 }, (_, i) => (c >> i) & 1), badStop.has(k) ? 0 : 1];
    levels.forEach((l, i) => sim.scheduleInput(pin, l, t + i * bit));
    t += 10 * bit;
    if (badStop.has(k)) { sim.scheduleInput(pin, 1, t + bit); t += 2 * bit; } // back to idle after the break
  });
  return t;
}

test('sdk pio_uart_rx: GPIO 3 driven from outside as 8N1 (at 115200, 2 % fast and 2 % slow) is decoded; a frame with a low stop bit is dropped and raises the relative IRQ flag', () => {
  // GPIO 3 driven from outside (the wired run, UART1's TX on GPIO 4 to GPIO 3, follows): rates off 115200 and a bad stop bit
  const parts = ['exact 115200: 0123456789 ~!', 'fast: ABCdef', 'slow: ghiJKL', 'bad stop: XY'];
  const res = run('pio_uart_rx', { maxMs: 40, setup: (sim) => {
    let t = driveUart(sim, 3, parts[0], 115200, 5);
    t = driveUart(sim, 3, parts[1], 115200 * 1.02, t + 0.1);
    t = driveUart(sim, 3, parts[2], 115200 / 1.02, t + 0.1);
    t = driveUart(sim, 3, parts[3], 115200, t + 0.1, new Set([parts[3].length - 1])); // 'Y' with a low stop bit
    driveUart(sim, 3, '\n', 115200, t + 0.1);
  } });
  assert.strictEqual(res.r.reason, 'bound');
  const u0 = res.texts('uart0');
  assert.strictEqual(u0[0], 'Starting PIO UART RX example');
  assert.deepStrictEqual(u0.slice(1), [parts.join('').slice(0, -1)], 'every byte but the badly framed one');
  assert.deepStrictEqual(res.texts('uart1'), ['Hello, world from PIO! (Plus 2 UARTs and 2 cores, for complex reasons)']);
  // the machine (PIO1 SM0: the SDK claims from the last block down) set IRQ flag 4 + 0 (irq 4 rel)
  const pio1 = res.sim.pio[1];
  assert.strictEqual(pio1.irq, 1 << 4, `PIO1 IRQ flags ${pio1.irq.toString(2)}`);
});

test('sdk pio_uart_rx wired: with the wire of its source from GPIO 4 (UART1 TX) to GPIO 3, the PIO receives UART1\'s text and core 0 echoes it on UART0; GPIO 4 decoded apart', () => {
  let edges;
  const res = run('pio_uart_rx', { maxMs: 20, setup: (sim) => {
    edges = pinEdges(sim, [4])[4];
    sim.watchPin(4, (level) => sim.setGpioInput(3, level));
  } });
  assert.strictEqual(res.r.reason, 'bound', JSON.stringify(res.r));
  const text = 'Hello, world from PIO! (Plus 2 UARTs and 2 cores, for complex reasons)';
  assert.deepStrictEqual(res.texts('uart0'), ['Starting PIO UART RX example', text]);
  assert.deepStrictEqual(res.texts('uart1'), [text]);
  // uart_init(uart1, 115200): IBRD 67, FBRD 52, 16 x 67.8125 = 1085 cycles of clk_peri (125 MHz) a bit
  assert.strictEqual(res.sim.clkSys, 125e6);
  assert.deepStrictEqual(edges.slice(0, 1).map(([, l]) => l), [1], 'the UART drives its TX pin high (idle) once GPIO 4 is set to it');
  const { text: sent, starts } = decodeUart(edges.slice(1), 1085, 0.5);
  assert.strictEqual(sent, `${text}\n`, 'uart_puts sends the text as it is (CR/LF translation is off on UART1)');
  for (let k = 1; k < starts.length; k++) assert.strictEqual(starts[k] - starts[k - 1], 10 * 1085, `character ${k} back to back (core 1 keeps the FIFO full)`);
  // the PIO never saw a bad stop bit (no IRQ flag)
  assert.strictEqual(res.sim.pio[1].irq, 0);
});

/** The level of a pin at cycle c from its [cycle, level] edges (the level before the first edge: `before`). */
function levelAt(edges, c, before = 0) {
  let lo = 0, hi = edges.length; // the last edge at or before c
  while (lo < hi) { const m = (lo + hi) >> 1; if (edges[m][0] <= c) lo = m + 1; else hi = m; }
  return lo ? edges[lo - 1][1] : before;
}
/** 32-bit words from bits sent LSB first (the examples shift their OSR right). */
const wordsLsbFirst = (bits) => Array.from({ length: bits.length >> 5 }, (_, w) =>
  bits.slice(32 * w, 32 * w + 32).reduce((a, b, i) => (a | (b << i)) >>> 0, 0));

// The two line-code examples loop their TX pin (GPIO 2) to their RX pin (GPIO 3) on the board.
for (const [name, what, period, decodeBit] of [
  // 16 ticks a bit at clkdiv 125/80: a transition at the start of every bit, a second in its middle for a 1
  ['pio_differential_manchester', 'a transition at each bit start, one mid-bit for a 1', 25, (edges, s, p) => {
    assert.notStrictEqual(levelAt(edges, s - p / 4), levelAt(edges, s + p / 4), `no transition at the bit starting at cycle ${s}`);
    return levelAt(edges, s + p / 4) !== levelAt(edges, s + (3 * p) / 4) ? 1 : 0;
  }],
  // 12 ticks a bit at clkdiv 1: a 0 is high then low, a 1 low then high, 6 cycles each
  ['pio_manchester_encoding', 'a 0 high then low, a 1 low then high', 12, (edges, s, p) => {
    const a = levelAt(edges, s + p / 4), b = levelAt(edges, s + (3 * p) / 4);
    assert.notStrictEqual(a, b, `no mid-bit transition in the bit starting at cycle ${s}`);
    return b;
  }],
]) {
  test(`sdk ${name}: the TX pin decoded independently (${what}, ${period} cycles a bit) is 0, 0x0ff0a55a, 0x12345678; the RX machine, looped back, prints the same`, () => {
    let edges;
    const res = run(name, { maxMs: 50, setup: (sim) => {
      edges = pinEdges(sim, [2])[2];
      sim.watchPin(2, (level) => sim.setGpioInput(3, level));
    } });
    passed(res);
    const t = res.texts();
    assert.match(t[0], /^Transmit program loaded at \d+$/);
    assert.match(t[1], /^Receive program loaded at \d+$/);
    assert.deepStrictEqual(t.slice(2), ['00000000', '0ff0a55a', '12345678']);
    // driven low first (the pin direction), then the first bit (a 0) opens with a rise
    assert.deepStrictEqual(edges.slice(0, 2).map(([, l]) => l), [0, 1]);
    const t0 = edges[1][0], bits = [];
    for (let k = 0; k < 96; k++) bits.push(decodeBit(edges, t0 + k * period, period));
    assert.deepStrictEqual(wordsLsbFirst(bits).map((w) => w.toString(16)), ['0', 'ff0a55a', '12345678']);
    // every edge at a whole half-bit from the start (within the divider's rounding), none after the last bit
    for (const [c] of edges.slice(1)) {
      const h = (c - t0) / (period / 2);
      assert.ok(Math.abs(h - Math.round(h)) * (period / 2) < 1 && c - t0 <= 96 * period, `edge at cycle ${c}, ${h} half-bits in`);
    }
  });
}

test('sdk pio_apa102: CLK (GPIO 2) at 5 MHz and DIN (GPIO 3) sampled at its rising edges give a start frame, 150 LED frames (0xE0 | brightness 16, B, G, R of the sine table) and an end frame', () => {
  let e;
  const res = run('pio_apa102', { maxMs: 12, setup: (sim) => { e = pinEdges(sim, [2, 3]); } });
  assert.strictEqual(res.r.reason, 'bound');
  const clk = e[2], din = e[3], hz = res.sim.clkSys, half = sdkDiv(hz, 2 * 5e6);
  const rises = clk.filter(([, l]) => l === 1).map(([c]) => c);
  const words = 1 + 150 + 1;
  assert.ok(rises.length >= 32 * words, `${rises.length} clock pulses`);
  // the first frame back to back: a rise every 2 ticks, DIN changing only with CLK's fall (stable for a tick before each rise)
  const clkFalls = new Set(clk.filter(([, l]) => l === 0).map(([c]) => c));
  for (let i = 1; i < 32 * words; i++) assert.ok(Math.abs(rises[i] - rises[0] - i * 2 * half) < 1, `clock ${i} at ${rises[i]}`);
  for (const [c] of din.filter(([c]) => c > rises[0] && c <= rises[32 * words - 1])) assert.ok(clkFalls.has(c), `DIN changed at cycle ${c}, not with a CLK fall`);
  const bits = rises.slice(0, 32 * words).map((c) => levelAt(din, c - 1));
  const w = Array.from({ length: words }, (_, k) => bits.slice(32 * k, 32 * k + 32).reduce((a, b) => (a * 2 + b) >>> 0, 0));
  assert.strictEqual(w[0], 0, 'start frame');
  assert.strictEqual(w[words - 1], 0xffffffff, 'end frame');
  const led = w.slice(1, -1).map((v) => ({ top: v >>> 24, b: (v >>> 16) & 255, g: (v >>> 8) & 255, r: v & 255 }));
  assert.ok(led.every((l) => l.top === (0xe0 | 16)), 'magic 0b111 and brightness 16 in every LED frame');
  // t = 0: LED i is (table[i], table[2i], table[3i]) of table[k] = 255 sin(k pi/256)^5
  const table = (k) => Math.pow(Math.sin(((k % 256) * Math.PI) / 256), 5) * 255;
  led.forEach((l, i) => {
    for (const [v, k] of [[l.r, i], [l.g, 2 * i], [l.b, 3 * i]]) assert.ok(Math.abs(v - table(k)) < 1, `LED ${i}: ${v} for table[${k % 256}] = ${table(k)}`);
  });
  assert.ok(led.some((l) => l.r === 255) && led.some((l) => l.r === 0), 'the whole range');
});

test('sdk pio_pwm: the LED (GPIO 25) has a period of 3 (65535 + 1) + 3 cycles and is high 3 level^2 + 2 cycles of it, the level stepping each 10 ms', () => {
  let edges;
  const res = run('pio_pwm', { maxMs: 100, setup: (sim) => { edges = pinEdges(sim, [25])[25]; } });
  assert.strictEqual(res.r.reason, 'bound');
  const t = res.texts();
  assert.match(t[0], /^Loaded program at \d+$/);
  assert.deepStrictEqual(t.slice(1), Array.from({ length: t.length - 1 }, (_, n) => `Level = ${n}`));
  assert.ok(t.length - 1 >= 9, t.join('\n'));
  const period = 3 * 65536 + 3; // PULL, two MOVs, then three instructions for each Y from 65535 down to 0
  const falls = edges.filter(([, l]) => l === 0).map(([c]) => c).slice(1); // (the first: the pin direction)
  const rises = edges.filter(([, l]) => l === 1).map(([c]) => c);
  assert.ok(falls.length > 50, `${falls.length} periods`);
  for (let i = 1; i < falls.length; i++) assert.strictEqual(falls[i] - falls[i - 1], period, `period ${i}`);
  // each high pulse ends at a period's start (PULL side 0); its length gives the level the machine pulled
  const levels = [];
  for (const f of falls) {
    const r = rises.filter((c) => c < f).pop();
    const x = (f - r - 2) / 3, n = Math.round(Math.sqrt(x));
    assert.strictEqual(n * n, x, `high ${f - r} cycles before cycle ${f}: not 3 level^2 + 2`);
    levels.push(n);
  }
  // levels 0, 1, 2 ... in order, each held for the periods of its 10 ms (6 or 7 of 1.57 ms)
  const runs = [];
  for (const n of levels) { if (runs.length && runs[runs.length - 1][0] === n) runs[runs.length - 1][1]++; else runs.push([n, 1]); }
  runs.forEach(([n], i) => assert.strictEqual(n, i, JSON.stringify(runs)));
  for (const [n, k] of runs.slice(1, -1)) assert.ok(k === 6 || k === 7, `level ${n} for ${k} periods`);
});

test('sdk pio_logic_analyser: the 96 samples of GPIO 16/17 (PWM slice 0: TOP 3, DIV 4, CC 1 and 3) taken by IN at clkdiv 1 after WAIT 1 GPIO 16, through the input synchronizers', () => {
  let e;
  const res = run('pio_logic_analyser', { maxMs: 50, setup: (sim) => { e = pinEdges(sim, [16, 17]); } });
  passed(res);
  const t = res.texts();
  assert.deepStrictEqual(t.slice(0, 4), ['PIO logic analyser example', 'Arming trigger', 'Starting PWM example', 'Capture:']);
  const cap16 = /^16: ([-_]{96})$/.exec(t[4])[1], cap17 = /^17: ([-_]{96})$/.exec(t[5])[1];
  // the PWM outputs, each edge at its cycle: from the counter's start a 16-cycle period, A high 4 cycles, B 12
  const rises = e[16].filter(([, l]) => l === 1).map(([c]) => c);
  for (let i = 2; i < 10; i++) assert.strictEqual(rises[i] - rises[i - 1], 16);
  assert.ok(e[16].some(([c, l]) => c === rises[2] + 4 && l === 0) && e[17].some(([c, l]) => c === rises[2] + 12 && l === 0));
  // the trigger: GPIO 16 rises at cycle R (CC written); WAIT sees it at R + 3 (two cycles of synchronizer), IN from R + 4
  // samples the level of cycle R + 1 + k: the capture is the pins' levels from R + 1
  const R = rises[0];
  const want = (pin) => Array.from({ length: 96 }, (_, k) => (levelAt(e[pin], R + 1 + k) ? '-' : '_')).join('');
  assert.strictEqual(cap16, want(16));
  assert.strictEqual(cap17, want(17));
  // in the steady part: 4 high in 16 on GPIO 16, 12 on GPIO 17, rising together
  assert.match(cap16, /^-+(_{12}-{4}){4}/);
  assert.match(cap17, /^-+_{4}(-{12}_{4}){4}/);
});

test('sdk pio_clocked_input: with the wires of its source (GPIO 2 SCK to GPIO 5, GPIO 3 TX to GPIO 4), the state machine shifts in SPI0\'s eight bytes at 20.8 MHz; SCK and TX decoded apart', () => {
  let edges;
  const res = run('pio_clocked_input', { maxMs: 20, setup: (sim) => {
    edges = pinEdges(sim, [2, 3]);
    sim.watchPin(2, (l) => sim.setGpioInput(5, l));
    sim.watchPin(3, (l) => sim.setGpioInput(4, l));
  } });
  passed(res);
  const t = res.texts();
  assert.deepStrictEqual(t.slice(0, 2), ['SPI running at 20833333 Hz', 'Data to transmit:']);
  // rand() >> 16, as the example draws it (newlib's rand)
  const rand = newlibRand(), bytes = Array.from({ length: 8 }, () => (rand() >> 16) & 0xff);
  assert.deepStrictEqual(t.slice(2), [...bytes.map(hex2), 'Reading back from RX FIFO:', ...bytes.map((b) => `${hex2(b)} OK`), 'Done.']);
  // the pins: mode 0 (SPO 0, SPH 0) at clk_peri / 6, SCK high for the second half of each 6-cycle bit
  const sck = edges[2].slice(1), tx = edges[3].slice(1);
  assert.deepStrictEqual([edges[2][0][1], edges[3][0][1]], [0, 0], 'driven low once set to SPI0');
  assert.strictEqual(sck.length, 2 * 8 * 8);
  const t0 = sck[0][0] - 3;
  sck.forEach(([c, l], j) => assert.deepStrictEqual([c - t0, l], [6 * (j >> 1) + 3 * (1 + (j & 1)), 1 - (j & 1)], `SCK edge ${j}`));
  const got = [];
  for (let f = 0; f < 8; f++) {
    let w = 0;
    for (let b = 0; b < 8; b++) w = (w << 1) | levelAt(tx, sck[2 * (8 * f + b)][0]);
    got.push(w);
  }
  assert.deepStrictEqual(got, bytes, 'TX sampled at each rising SCK edge');
  assert.ok(![...res.sim.warnings.keys()].some((w) => /SPI0/.test(w)), [...res.sim.warnings.keys()].join(' | '));
});

// pio/ir_nec's ir_loopback: an IR LED on GPIO 14 lit by the transmitter's carrier, and an active-low
// IR receiver module on GPIO 15 that sees it (its README's wiring).

/**
 * The optical link of the ir_loopback example: the IR LED on `from` and a demodulating IR receiver
 * module (VS1838B-like, 38 kHz, output low while it sees the carrier) driving `to`. The module's
 * output falls at the `onPulses`th carrier pulse of a burst and rises `holdNs` after the last one:
 * by default a 21-pulse burst (549 us) gives 492 us low, within the output pulse width such modules
 * specify (the burst's length, -5 to +6 carrier periods). `blocked(mark)`: the light of the mark-th burst (from 0)
 * does not reach the receiver. Returns the marks seen.
 */
function irLink(sim, from, to, { onPulses = 6, holdNs = 100e3, blocked = () => false } = {}) {
  const link = { marks: 0, lit: false, pulses: 0, out: 1 };
  sim.setGpioInput(to, 1);
  const release = sim.clock.createAlarm(() => {
    link.lit = false;
    if (!link.out) { link.out = 1; sim.setGpioInput(to, 1); }
  });
  sim.watchPin(from, (level) => {
    if (!level) return;
    if (!link.lit) { link.lit = true; link.pulses = 0; link.marks++; }
    // from this pulse's own time (a PIO tick's), not the clock's
    release.schedule(sim.nowNanos() + holdNs - sim.clock.nanos);
    if (blocked(link.marks - 1)) return;
    if (++link.pulses === onPulses) { link.out = 0; sim.setGpioInput(to, 0); }
  });
  return link;
}

/**
 * Decode NEC frames from an IR LED's pin ([cycle, level] edges, the first a rise), by the protocol's
 * timings alone: a mark is carrier (pulses less than 4 nominal periods apart, its length the pulses
 * times their period), a frame a 9 ms mark and a 4.5 ms space, then 32 bits LSB first, each a
 * 562.5 us mark and a space of 562.5 us (0) or 1687.5 us (1), and a final mark; every time within
 * 3 %. Returns the frames: {word, marks: [{start, pulses: [[rise, fall]...]}]}.
 */
function decodeNec(edges, hz) {
  const us = (c) => (c * 1e6) / hz, near = (v, want, what) => assert.ok(Math.abs(v - want) <= 0.03 * want, `${what}: ${v.toFixed(1)} us, not ${want} us`);
  const marks = [];
  for (let i = 0; i < edges.length; i += 2) {
    const [rise, l1] = edges[i], [fall, l0] = edges[i + 1] || [Infinity, 0];
    assert.deepStrictEqual([l1, l0], [1, 0], `edge ${i} at cycle ${rise}`);
    const m = marks[marks.length - 1];
    if (m && us(rise - m.pulses[m.pulses.length - 1][0]) < 4e6 / 38e3) m.pulses.push([rise, fall]);
    else marks.push({ start: rise, pulses: [[rise, fall]] });
  }
  for (const m of marks) m.len = m.pulses.length > 1 ? ((m.pulses[m.pulses.length - 1][0] - m.start) * m.pulses.length) / (m.pulses.length - 1) : 0;
  const frames = [];
  for (let i = 0; i + 34 <= marks.length; i += 34) {
    const f = marks.slice(i, i + 34);
    near(us(f[0].len), 9000, `frame ${frames.length}: leading mark`);
    near(us(f[1].start - f[0].start - f[0].len), 4500, `frame ${frames.length}: leading space`);
    let word = 0;
    for (let b = 0; b < 32; b++) {
      near(us(f[1 + b].len), 562.5, `frame ${frames.length} bit ${b}: mark`);
      const space = us(f[2 + b].start - f[1 + b].start - f[1 + b].len), one = space > 1125;
      near(space, one ? 1687.5 : 562.5, `frame ${frames.length} bit ${b}: space`);
      if (one) word = (word | (1 << b)) >>> 0;
    }
    near(us(f[33].len), 562.5, `frame ${frames.length}: final mark`);
    frames.push({ word, marks: f });
  }
  assert.strictEqual(frames.length * 34, marks.length, 'marks outside a frame');
  return frames;
}
/** NEC's frame of an address and a command byte, each followed by its complement, sent LSB first. */
const necWord = (addr, data) => (addr | ((addr ^ 0xff) << 8) | (data << 16) | ((data ^ 0xff) << 24)) >>> 0;

// The receive program polls for a mark's end every 2 of its ticks (112.5 us) and samples 16 ticks
// (1.5 marks) after it sees one; after a 0 it must still catch the next mark, which ends a bit (1125 us)
// after the last did: only if it saw the last mark's end within 112.5 us less the carrier machine's
// jitter (a tick, 6.5 us). Where the module's release falls in that window depends on the module's
// delays and the machines' divider phases: a module with other delays may lose a 0 now and then.
test('sdk pio_ir_loopback: the NEC frames of GPIO 14 (IR LED), decoded apart at their timings on a 38.222 kHz carrier, reach GPIO 15 through an IR receiver module and are printed as received: 00, 00 .. 00, 03', () => {
  let edges, link;
  const res = run('pio_ir_loopback', { maxMs: 3500, setup: (sim) => { edges = pinEdges(sim, [14])[14]; link = irLink(sim, 14, 15); } });
  assert.strictEqual(res.r.reason, 'bound', JSON.stringify(res.r));
  const n = 4;
  // "\nsent: aa, dd", then "\treceived: aa, dd" once the frame is in after 100 ms; the fourth line still open
  assert.deepStrictEqual(res.texts(), ['', ...Array.from({ length: n }, (_, k) => `sent: 00, ${hex2(k)}\treceived: 00, ${hex2(k)}`)]);
  assert.ok(res.lines[res.lines.length - 1].partial);
  assert.deepStrictEqual(edges[0][1], 0, 'driven low (the pin direction) before the first frame');
  const hz = res.sim.clkSys, frames = decodeNec(edges.slice(1), hz);
  assert.deepStrictEqual(frames.map((f) => f.word.toString(16)), Array.from({ length: n }, (_, k) => necWord(0, k).toString(16)));
  assert.strictEqual(link.marks, 34 * n);
  // to the cycle, from the programs' dividers: the carrier machine's tick (4 a carrier period at
  // 38.222 kHz), high one tick of four; the control machine's tick 281.25 us (2 a 562.5 us burst)
  const tb = sdkDiv(hz, Math.fround(Math.fround(38.222e3) * 4)), tc = sdkDiv(hz, Math.fround(2 * Math.fround(1 / Math.fround(562.5e-6))));
  assert.strictEqual(tc, 35156.25);
  for (const [k, f] of frames.entries()) {
    // the burst machine starts 1 or 2 of its ticks after the control machine's IRQ: each mark's start
    // within a tick of its place in control ticks (the leading mark's 16 bursts 2 apart, the first
    // data mark 48 on, then 4 for a 0, 8 for a 1)
    const s0 = f.marks[0].start, at = (c, ticks, what) => assert.ok(Math.abs(c - s0 - ticks * tc) <= tb + 1, `frame ${k} ${what}: cycle ${c - s0}, ${ticks} ticks of ${tc}`);
    const bursts = [];
    for (const m of f.marks) {
      for (const [j, [r, fl]] of m.pulses.entries()) {
        assert.ok(Math.abs(fl - r - tb) <= 1, `frame ${k}: a pulse high ${fl - r} cycles`);
        if (j && r - m.pulses[j - 1][0] > 4 * tb + 1) bursts.push([]);
        else if (j) assert.ok(Math.abs(r - m.pulses[j - 1][0] - 4 * tb) <= 1, `frame ${k}: carrier period ${r - m.pulses[j - 1][0]} cycles at ${r}`);
        if (!j) bursts.push([]);
        bursts[bursts.length - 1].push(r);
      }
    }
    assert.deepStrictEqual(bursts.map((b) => b.length), Array(16 + 33).fill(21), 'bursts of 21 carrier periods');
    bursts.slice(0, 16).forEach((b, j) => at(b[0], 2 * j, `leading burst ${j}`));
    let t = 48;
    for (let b = 0; b <= 32; b++) {
      at(f.marks[1 + b].start, t, `mark ${b}`);
      t += (f.word >>> b) & 1 ? 8 : 4;
    }
    if (k) assert.ok(Math.abs((s0 - frames[k - 1].marks[0].start) / hz - 1) < 0.005, `frame ${k}: a second after the one before`);
  }
  assert.ok(Math.abs(hz / (4 * tb) - 38222) < 10, `carrier ${hz / (4 * tb)} Hz`);
});

test('sdk pio_ir_loopback lost mark: with the light of the second frame\'s 18th data mark blocked, the receiver takes the next one\'s bit a place early and prints the raw word', () => {
  // frame 1's marks are 34 .. 67: its leading mark, then data marks 0 .. 32 (mark j ends bit j - 1)
  const lost = 34 + 1 + 17;
  let link;
  const res = run('pio_ir_loopback', { maxMs: 2500, setup: (sim) => { link = irLink(sim, 14, 15, { blocked: (m) => m === lost }); } });
  assert.strictEqual(res.r.reason, 'bound', JSON.stringify(res.r));
  // NEC's receiving rule: a bit is 1 when no mark follows 1.5 mark lengths after the one before.
  // Bit 16 reads 1, the bits after it come a place early, and the final mark gives bit 31 (a 1)
  const w = necWord(0, 1), j = 17;
  const got = ((w & ((1 << (j - 1)) - 1)) | (1 << (j - 1)) | (((w >>> (j + 1)) << j) & 0x7fffffff) | 0x80000000) >>> 0;
  assert.strictEqual(got.toString(16), 'ff01ff00');
  const valid = (got & 0xff) === (~got >>> 8 & 0xff) && ((got >>> 16) & 0xff) === (~got >>> 24 & 0xff);
  assert.ok(!valid, 'not a valid NEC frame: printed raw');
  assert.deepStrictEqual(res.texts(), ['', 'sent: 00, 00\treceived: 00, 00', `sent: 00, 01\treceived: ${got.toString(16).padStart(8, '0')}`,
    'sent: 00, 02\treceived: 00, 02']);
  assert.strictEqual(link.marks, 34 * 3);
});

test('sdk pio_spi_loopback: PIO SPI at 1 MHz in the four CPHA/CPOL modes, MOSI and MISO one pin (GPIO 16): 20 rand() bytes each sent and read back, OK; SCK (GPIO 18) and MOSI decoded apart in each mode', () => {
  let e;
  const res = run('pio_spi_loopback', { maxMs: 200, setup: (sim) => { e = pinEdges(sim, [16, 18]); } });
  passed(res);
  const rand = newlibRand(), want = [], lines = [];
  for (let cpha = 0; cpha <= 1; cpha++) {
    for (let cpol = 0; cpol <= 1; cpol++) {
      const bytes = Array.from({ length: 20 }, () => (rand() >> 16) & 0xff);
      want.push({ cpha, cpol, bytes });
      lines.push(`CPHA = ${cpha}, CPOL = ${cpol}`, `TX: ${bytes.map(hex2).join(' ')}`, `RX: ${bytes.map(hex2).join(' ')}`, 'OK');
    }
  }
  assert.deepStrictEqual(res.texts(), lines);
  // clkdiv 31.25: four ticks (125 cycles) an SCK period, the clock's active half two ticks
  const hz = res.sim.clkSys, period = 4 * sdkDiv(hz, hz / 31.25), sck = e[18], mosi = e[16];
  assert.strictEqual(period, 125);
  // the transfers: SCK's runs of edges (the rest are the mode changes' idle levels)
  const runs = [];
  sck.forEach((x, i) => { if (!i || x[0] - sck[i - 1][0] > 2 * period) runs.push([]); runs[runs.length - 1].push(x); });
  const xfers = runs.filter((r) => r.length > 1);
  assert.strictEqual(xfers.length, 4);
  xfers.forEach((r, k) => {
    const { cpha, cpol, bytes } = want[k], mode = `CPHA ${cpha} CPOL ${cpol}`;
    // idle at CPOL (the SCK pad inverted by OUTOVER for CPOL 1); 160 pulses back to back
    assert.strictEqual(levelAt(sck, r[0][0] - 1), cpol, `${mode}: SCK idle level`);
    assert.strictEqual(r.length, 2 * 160, `${mode}: ${r.length / 2} pulses`);
    const lead = r.filter((_, j) => j % 2 === 0), trail = r.filter((_, j) => j % 2 === 1);
    lead.forEach(([c, l], j) => {
      assert.deepStrictEqual([Math.abs(c - lead[0][0] - j * period) <= 1, l], [true, 1 - cpol], `${mode}: leading edge ${j} at ${c - lead[0][0]}`);
      assert.ok(Math.abs(trail[j][0] - c - period / 2) <= 1, `${mode}: pulse ${j} active ${trail[j][0] - c} cycles`);
    });
    // MOSI launched on the other edge than the one it is sampled on (CPHA 0: before the first
    // leading edge, then with the trailing ones; CPHA 1: with the leading ones), sampled on the
    // leading (CPHA 0) or trailing (CPHA 1) edge, MSB first
    const launch = new Set((cpha ? lead : trail).map(([c]) => c)), sample = cpha ? trail : lead;
    for (const [c] of mosi.filter(([c]) => c >= lead[0][0] - period && c <= trail[159][0])) {
      assert.ok(launch.has(c) || (!cpha && c < lead[0][0]), `${mode}: MOSI changed at cycle ${c}, not at a launching edge`);
    }
    const got = Array.from({ length: 20 }, (_, b) => sample.slice(8 * b, 8 * b + 8).reduce((a, [c]) => (a << 1) | levelAt(mosi, c - 1), 0));
    assert.deepStrictEqual(got.map(hex2), bytes.map(hex2), `${mode}: MOSI`);
  });
});

test('sdk pio_quadrature_encoder: a quadrature signal driven onto GPIO 10/11 (1000 steps one way at 4 per ms, then 400 back) is counted step for step', () => {
  // (the example starts counting some 180 ms after reset, once stdio is up)
  const gray = [[1, 1], [0, 1], [0, 0], [1, 0]], t0 = 300, dt = 0.25, fwd = 1000, back = 400;
  const stepsAt = (ms) => { const k = Math.max(0, Math.min(fwd + back, Math.floor((ms - t0) / dt) + 1)); return k <= fwd ? k : 2 * fwd - k; };
  const res = run('pio_quadrature_encoder', { maxMs: 900, setup: (sim) => {
    let i = 0;
    for (let k = 1; k <= fwd + back; k++) {
      i = (i + (k <= fwd ? 1 : 3)) % 4;
      const ms = t0 + (k - 1) * dt, [a, b] = gray[i];
      sim.scheduleInput(10, a, ms);
      sim.scheduleInput(11, b, ms);
    }
  } });
  assert.strictEqual(res.r.reason, 'bound');
  const t = res.texts();
  assert.strictEqual(t[0], 'Hello from quadrature encoder');
  const lines = res.lines.filter((l) => l.src === 'uart0').slice(1);
  const pos = lines.map((l) => { const m = /^position +(-?\d+), delta +(-?\d+)$/.exec(l.text); assert.ok(m, l.text); return [Number(m[1]), Number(m[2]), l.time * 1000]; });
  assert.deepStrictEqual(pos[0].slice(0, 2), [0, 0]);
  const sign = Math.sign(pos.find(([p]) => p)[0]);
  let prev = 0;
  for (const [p, d, ms] of pos) {
    assert.strictEqual(d, p - prev);
    prev = p;
    // the count read within the few ms before the line went out (the printf over the UART at 115200)
    const ok = Array.from({ length: 65 }, (_, j) => ms - j * dt / 4).some((at) => sign * p === stepsAt(at));
    assert.ok(ok, `position ${p} at ${ms} ms: ${stepsAt(ms - 4)} .. ${stepsAt(ms)} steps driven`);
  }
  assert.strictEqual(sign * pos[pos.length - 1][0], fwd - back);
  assert.ok(new Set(pos.map(([p]) => p)).size >= 4, 'read while counting up and down');
});
