'use strict';
// The command line: exit codes, messages, --until/--max-ms, outputs.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { cli, fw, elfToUf2, CLI } = require('./helpers');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-sim-test-'));
const noStack = (s) => !/\n\s+at .+:\d+:\d+/.test(s) && !/Error:/.test(s);

test('CLI: missing file -> one line, exit 121', () => {
  const p = cli([path.join(tmp, 'nope.elf')]);
  assert.strictEqual(p.code, 121);
  assert.match(p.stderr, /no such file/);
  assert.strictEqual(p.stderr.trim().split('\n').length, 1);
  assert.ok(noStack(p.stderr));
});

test('CLI: a file that is neither ELF nor UF2 -> exit 121', () => {
  const f = path.join(tmp, 'junk.bin');
  fs.writeFileSync(f, Buffer.from('this is not firmware at all, just text\n'.repeat(20)));
  const p = cli([f]);
  assert.strictEqual(p.code, 121);
  assert.match(p.stderr, /not an ELF or UF2 file/);
  assert.ok(noStack(p.stderr));
});

test('CLI: a truncated ELF -> exit 121, no stack trace', () => {
  const f = path.join(tmp, 'trunc.elf');
  fs.writeFileSync(f, fs.readFileSync(fw('t_hello')).subarray(0, 200));
  const p = cli([f]);
  assert.strictEqual(p.code, 121);
  assert.match(p.stderr, /truncated/);
  assert.ok(noStack(p.stderr));
});

test('CLI: an ELF for another machine -> exit 121', () => {
  const f = path.join(tmp, 'x86.elf');
  const b = fs.readFileSync(fw('t_hello'));
  b.writeUInt16LE(62, 18); // e_machine = x86-64
  fs.writeFileSync(f, b);
  const p = cli([f]);
  assert.strictEqual(p.code, 121);
  assert.match(p.stderr, /not ARM/);
});

test('CLI: UF2 of another family -> exit 121; RP2040 UF2 runs', () => {
  const bad = path.join(tmp, 'other.uf2');
  fs.writeFileSync(bad, elfToUf2(fw('t_hello'), 0xada52840));
  let p = cli([bad]);
  assert.strictEqual(p.code, 121);
  assert.match(p.stderr, /no blocks for the RP2040.*0xada52840/);
  assert.ok(noStack(p.stderr));
  const good = path.join(tmp, 'hello.uf2');
  fs.writeFileSync(good, elfToUf2(fw('t_hello')));
  p = cli([good]);
  assert.strictEqual(p.code, 0, p.stderr);
  assert.match(p.stdout, /\] uart0 c1\| hello from core 1/);
});

test('CLI: UF2 with a bad boot2 CRC does not boot -> exit 122', () => {
  const f = path.join(tmp, 'badcrc.uf2');
  fs.writeFileSync(f, elfToUf2(fw('t_hello'), undefined, (flash) => { flash.get(0x10000000)[7] ^= 1; }));
  const p = cli([f]);
  assert.strictEqual(p.code, 122);
  assert.match(p.stderr, /boot2 CRC mismatch: firmware does not boot/);
});

test('CLI: usage errors -> exit 120', () => {
  for (const args of [[], ['--max-ms'], [fw('t_hello'), '--bogus'], [fw('t_hello'), '--max-ms', 'x'], [fw('t_hello'), '--until', '(']]) {
    const p = cli(args);
    assert.strictEqual(p.code, 120, `args ${args.join(' ')}: ${p.stderr}`);
    assert.ok(noStack(p.stderr));
  }
});

test('CLI: bkpt #N is the exit code (pass 0, fail 1)', () => {
  assert.strictEqual(cli([fw('t_hello'), '--quiet']).code, 0);
  const p = cli([fw('t_lockup'), '--max-ms', '20']);
  // scenario 0 (the .noinit variable reads 0 in a fresh simulator): lockup
  assert.strictEqual(p.code, 124);
  assert.match(p.stderr, /core 0 locked up/);
  assert.match(p.stderr, /last PCs/);
});

test('CLI: --until exits 0 on a match; --max-ms bound is exit 123 with a message', () => {
  let p = cli([fw('t_ticker'), '--until', 'tick 7$']);
  assert.strictEqual(p.code, 0);
  assert.match(p.stdout, /tick 7\n$/);
  assert.match(p.stderr, /console matched/);
  p = cli([fw('t_ticker'), '--max-ms', '3']);
  assert.strictEqual(p.code, 123);
  assert.match(p.stderr, /time limit reached \(3 ms simulated\) without bkpt/);
  p = cli([fw('t_ticker'), '--max-ms', '3', '--until', 'never']);
  assert.strictEqual(p.code, 123);
  assert.match(p.stderr, /without a console line matching \/never\//);
  p = cli([fw('t_ticker'), '--max-cycles', '250000']);
  assert.strictEqual(p.code, 123);
  assert.match(p.stdout, /tick 1\n/);
  assert.doesNotMatch(p.stdout, /tick 2/);
});

test('CLI: the default bound stops a firmware that never ends', () => {
  const p = cli([fw('t_ticker'), '--quiet']);
  assert.strictEqual(p.code, 123);
  assert.match(p.stderr, /5000 ms simulated/);
});

test('CLI: a reader that stops early (| head) ends the output quietly, no stack trace', () => {
  const { spawnSync } = require('child_process');
  const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  const p = spawnSync('sh', ['-c', `${q(process.execPath)} ${q(CLI)} ${q(fw('t_ticker'))} --max-ms 300 | head -n 2`],
    { encoding: 'utf8', timeout: 60000 });
  assert.strictEqual(p.status, 0);
  assert.strictEqual(p.stdout.trim().split('\n').length, 2);
  assert.ok(noStack(p.stderr), p.stderr);
});

test('CLI: --raw prints the bytes, --quiet prints nothing', () => {
  let p = cli([fw('t_hello'), '--raw']);
  assert.strictEqual(p.stdout, 'hello from core 0\nhello from core 1\ncore 1 launched after 0 restarts\n');
  p = cli([fw('t_hello'), '--quiet']);
  assert.strictEqual(p.stdout + p.stderr, '');
});

test('CLI: --gpio-log observes only the pins it logs: UART0\'s TX elsewhere stays lazy (no alarm per bit), and logged it shows every bit', () => {
  const alarms = (args) => {
    const j = path.join(tmp, 'alarms.json');
    const p = cli([fw('t_blink'), '--json', j, ...args]);
    assert.strictEqual(p.code, 0, p.stderr);
    return { p, alarms: JSON.parse(fs.readFileSync(j, 'utf8')).alarms };
  };
  // t_blink's UART0 TX is GPIO 0; its LEDs are GPIO 25 and 15
  const none = alarms([]), leds = alarms(['--gpio-log', '25,15']), tx = alarms(['--gpio-log', '0']);
  assert.ok(typeof none.alarms === 'number' && none.alarms >= 0, JSON.stringify(none.alarms));
  assert.strictEqual(leds.alarms, none.alarms, 'a log of the LEDs adds no alarm');
  assert.ok(tx.alarms > none.alarms + 50, `a log of the TX pin: the line's changes on their alarm (${tx.alarms} vs ${none.alarms})`);
  // the logged TX pin's changes, decoded as a UART at 115200 baud (8N1), are the console's characters
  const edges = tx.p.stdout.split('\n').map((l) => /^\[\s*([\d.]+) s\] gpio0 \S+\| (ON |OFF)$/.exec(l))
    .filter(Boolean).map((m) => [Number(m[1]), m[2] === 'ON ' ? 1 : 0]);
  const end = Number(/t=([\d.]+) ms/.exec(tx.p.stderr)[1]) / 1e3;
  const bit = (16 * (67 + 52 / 64)) / 125e6;
  const at = (t) => { let l = 1; for (const [et, el] of edges) { if (et > t) break; l = el; } return l; };
  let text = '';
  for (let i = 0; i < edges.length; i++) {
    const t0 = edges[i][0];
    if (edges[i][1] !== 0 || at(t0 - bit / 2) !== 1 || t0 + 9.5 * bit > end) continue;
    let c = 0;
    for (let k = 0; k < 8; k++) c |= at(t0 + (k + 1.5) * bit) << k;
    assert.strictEqual(at(t0 + 9.5 * bit), 1, `the stop bit of character ${text.length}`);
    text += String.fromCharCode(c);
    while (i + 1 < edges.length && edges[i + 1][0] < t0 + 9.5 * bit) i++;
  }
  assert.ok(text.length >= 10 && 'blink done\n'.startsWith(text), JSON.stringify(text));
});

test('CLI: --json, --vcd and --svg describe the run', () => {
  const j = path.join(tmp, 'b.json'), v = path.join(tmp, 'b.vcd'), s = path.join(tmp, 'b.svg');
  const p = cli([fw('t_blink'), '--json', j, '--vcd', v, '--svg', s]);
  assert.strictEqual(p.code, 0, p.stderr);
  const js = JSON.parse(fs.readFileSync(j, 'utf8'));
  // GPIO 0 carries UART0's TX: the console's characters (t_blink's "blink done" still going out at its end)
  assert.deepStrictEqual(js.gpio_toggles, { 0: 70, 15: 4, 25: 10 });
  assert.strictEqual(js.exit.reason, 'bkpt');
  assert.strictEqual(js.cores.length, 2);
  for (const c of js.cores) for (const k of ['cycles', 'instructions', 'sleep_cycles', 'interrupts', 'fifo_pushed', 'fifo_popped']) assert.strictEqual(typeof c[k], 'number', k);
  assert.ok(js.cores[1].sleep_cycles > 0 && js.time_s > 0.001);
  const vcd = fs.readFileSync(v, 'utf8');
  for (const sig of ['core0_running', 'core1_running', 'gpio25', 'gpio15']) assert.match(vcd, new RegExp(`\\$var wire 1 \\S+ ${sig} \\$end`));
  const id25 = /\$var wire 1 (\S+) gpio25 \$end/.exec(vcd)[1];
  const changes = vcd.split('\n').filter((l) => l === `1${id25}` || l === `0${id25}`);
  assert.strictEqual(changes.length, 11); // first drive + 10 toggles
  const svg = fs.readFileSync(s, 'utf8');
  assert.match(svg, /^<svg /);
  for (const t of ['core 0', 'core 1', 'GPIO 15', 'GPIO 25']) assert.ok(svg.includes(`>${t}</text>`), t);
});

test('CLI: --gpio-in drives an input; --trace writes executed instructions', () => {
  const t = path.join(tmp, 'trace.txt');
  const p = cli([fw('t_gpio_irq'), '--gpio-in', '6=1@2', '--trace', t, '--trace-core', '1']);
  assert.strictEqual(p.code, 0, p.stderr);
  const lines = fs.readFileSync(t, 'utf8').trim().split('\n');
  assert.ok(lines.length > 100 && lines.every((l) => /^1 \d+ [0-9a-f]{8} [0-9a-f]{4}$/.test(l)));
  assert.ok(lines.some((l) => l.split(' ')[2] === '000000c0'), 'core 1 starts at the ROM reset code');
});

test('CLI: --i2c attaches the virtual sensors', () => {
  const p = cli([fw('t_sensors'), '--i2c', '0:mpu6050', '--i2c', '0:bmp280@0x76']);
  assert.strictEqual(p.code, 0, p.stderr);
  assert.match(p.stdout, /bmp_id=0x00000058/);
  assert.strictEqual(cli([fw('t_sensors'), '--i2c', '2:mpu6050']).code, 120);
  assert.strictEqual(cli([fw('t_sensors'), '--i2c', '0:lm75']).code, 120);
  assert.strictEqual(cli([fw('t_sensors'), '--i2c', '0:mpu6050,ms=5']).code, 120);  // a hold is the hold device's
  assert.strictEqual(cli([fw('t_sensors'), '--i2c', '0:hold@0x50,ms=x']).code, 120);
  for (const bad of ['20', '20:30', '21:21', '20:21,pulses=0', '20:21,ms=3']) {
    assert.strictEqual(cli([fw('t_sensors'), '--i2c-stuck', bad]).code, 120, bad);
  }
});

test('CLI: --gpio-log prints output pin changes as tagged lines', () => {
  const p = cli([fw('t_blink'), '--gpio-log', '25=led,15']);
  assert.strictEqual(p.code, 0, p.stderr);
  const lines = p.stdout.split('\n').filter((l) => / gpio\d+ /.test(l));
  for (const l of lines) assert.match(l, /^\[\s*\d+\.\d{6} s\] gpio(25 c0\| (ON |OFF) \(led\)|15 c[01]\| (ON |OFF))$/);
  // core 0 sets both pins up (drives them low); core 1 toggles pin 15
  assert.ok(lines.filter((l) => l.includes('gpio15 ')).slice(1).every((l) => l.includes(' c1| ')));
  const of = (pin, lvl) => lines.filter((l) => l.includes(`gpio${pin} `) && l.includes(lvl)).length;
  // first drive (low) and 10 toggles on core 0's pin, 4 toggles on core 1's
  assert.deepStrictEqual([of(25, 'ON '), of(25, 'OFF'), of(15, 'ON '), of(15, 'OFF')], [5, 6, 2, 3]);
  const times = lines.map((l) => Number(/^\[\s*([\d.]+)/.exec(l)[1]));
  assert.deepStrictEqual(times, [...times].sort((a, b) => a - b), 'in time order');
  assert.strictEqual(cli([fw('t_blink'), '--gpio-log', '30']).code, 120);
  assert.strictEqual(cli([fw('t_blink'), '--gpio-log', 'red']).code, 120);
});
