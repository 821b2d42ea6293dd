'use strict';
// The UARTs at their pins (lib/peripherals.js, makeUart): the TX line's
// waveform on a GPIO whose FUNCSEL is the UART (each bit at its time, data
// bits, parity and stop bits as LCR_H says, the break, the pin's output
// overrides), the console's byte-level output unchanged by it, and the
// receiver sampling a GPIO driven at bit level (from outside, from the
// other UART's TX, from a PIO state machine). Driven through the registers
// from JavaScript while t_idle spins.
const test = require('node:test');
const assert = require('node:assert');
const { idle } = require('./helpers');

const UART0 = 0x40034000, UART1 = 0x40038000, IO = 0x40014000, PIO0 = 0x50200000;
const DR = 0x00, FR = 0x18, IBRD = 0x24, FBRD = 0x28, LCR_H = 0x2c, CR = 0x30;
const CLK_PERI = 125e6;   // t_idle runs clk_peri from clk_sys at 125 MHz
const funcsel = (sim, pin, f, over = 0) => sim.write32(IO + 8 * pin + 4, f | over);

/** UART `base` at IBRD.FBRD with LCR_H `lcr` (FEN added), enabled with TX and RX; its bit time in ns. */
function setup(sim, base, ibrd, fbrd, lcr) {
  sim.write32(base + IBRD, ibrd);
  sim.write32(base + FBRD, fbrd);
  sim.write32(base + LCR_H, lcr | 0x10);
  sim.write32(base + CR, 0x301);
  return (16 * (ibrd + fbrd / 64) * 1e9) / CLK_PERI;
}
/** Changes of a pin's driven level as [ns, level] (to a thousandth of a ns: the event's time is in seconds). */
function pinEdges(sim, pin) {
  const e = [];
  sim.on('gpio', (ev) => { if (ev.pin === pin) e.push([ns(ev.time * 1e9), ev.level]); });
  return e;
}
const ns = (t) => Math.round(t * 1000) / 1000;
/** The level of a pin at time t from its edges (the level before the first: `before`). */
function levelAt(edges, t, before) {
  let l = before;
  for (const [et, el] of edges) { if (et > t) break; l = el; }
  return l;
}
/**
 * A character's bits on the line, as the PL011's manual describes the
 * frame: a low start bit, `n` data bits least significant first, the parity
 * bit (even: the data's ones plus it even; odd; or stuck), one or two high
 * stop bits.
 */
function frameBits(byte, { n = 8, parity = null, stop = 1 } = {}) {
  const data = Array.from({ length: n }, (_, i) => (byte >> i) & 1);
  const ones = data.reduce((a, b) => a + b, 0);
  const bits = [0, ...data];
  if (parity === 'even') bits.push(ones & 1);
  else if (parity === 'odd') bits.push((ones & 1) ^ 1);
  else if (parity === 'one' || parity === 'zero') bits.push(parity === 'one' ? 1 : 0);
  for (let i = 0; i < stop; i++) bits.push(1);
  return bits;
}
/** Check a pin's edges against frames sent back to back from `t0`: every
 * bit's level in its middle, every edge within 1 ns of a bit boundary, no
 * edge after the last stop bit begins. */
function checkFrames(edges, t0, bitNs, frames) {
  const want = frames.flat();
  for (let k = 0; k < want.length; k++) {
    assert.strictEqual(levelAt(edges, t0 + (k + 0.5) * bitNs, 1), want[k], `bit ${k} (${(t0 + (k + 0.5) * bitNs).toFixed(0)} ns)`);
  }
  for (const [t] of edges) {
    const k = (t - t0) / bitNs;
    assert.ok(Math.abs(k - Math.round(k)) * bitNs < 1, `edge at ${t} ns is ${k} bits from the start`);
    assert.ok(k >= -1e-9 && k < want.length, `edge at ${t} ns, bit ${k}, outside the frames`);
  }
}

test('UART TX pin: 8N1 at 115200 (IBRD 67, FBRD 52): every bit 16 x 67.8125 clk_peri periods, at its time; back to back; idle high', () => {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART1, 67, 52, 0x60);
  const e = pinEdges(sim, 4);
  funcsel(sim, 4, 2);
  assert.deepStrictEqual(e.map(([, l]) => l), [1], 'routed: the line idles high (mark)');
  e.length = 0;
  const t0 = ns(sim.nowNanos());
  for (const b of [0x41, 0x55, 0x00, 0xff]) sim.write32(UART1 + DR, b);
  wait(45 * bitNs);
  assert.ok(Math.abs(bitNs - 8680) < 1e-9, `bit time ${bitNs}`);
  checkFrames(e, t0, bitNs, [0x41, 0x55, 0x00, 0xff].map((b) => frameBits(b)));
  assert.strictEqual(e[0][0], t0, 'the start bit begins as the byte is written into the empty FIFO');
  assert.strictEqual(e.at(-1)[1], 1, 'back to mark after the last stop bit');
  assert.strictEqual(sim.read32(UART1 + FR) & 0x08, 0, 'BUSY clear once the last stop bit went out');
});

test('UART TX pin: 7 bits even parity 2 stop, 5 bits odd parity, 6 bits stick parity (1 and 0), 8 bits 2 stop at 9600 baud', () => {
  const cases = [
    // [LCR_H, frame options, IBRD, FBRD]
    [(2 << 5) | 0x02 | 0x04 | 0x08, { n: 7, parity: 'even', stop: 2 }, 67, 52],
    [(0 << 5) | 0x02, { n: 5, parity: 'odd' }, 67, 52],
    [(1 << 5) | 0x02 | 0x80, { n: 6, parity: 'one' }, 67, 52],      // SPS with EPS clear: parity bit 1
    [(1 << 5) | 0x02 | 0x04 | 0x80, { n: 6, parity: 'zero' }, 67, 52], // SPS with EPS set: 0
    [(3 << 5) | 0x08, { n: 8, stop: 2 }, 813, 51],                  // 9600 baud: 813 + 51/64
  ];
  for (const [lcr, fmt, ibrd, fbrd] of cases) {
    const { sim, wait } = idle();
    wait(1e6);                                 // t_idle's "idle\n" out of UART0 first
    const bitNs = setup(sim, UART0, ibrd, fbrd, lcr);
    funcsel(sim, 0, 2);
    const e = pinEdges(sim, 0);
    const bytes = [0x00, 0x01, 0x13, 0x2a, 0x3f, 0x7e, 0xa5];
    const t0 = sim.nowNanos();
    for (const b of bytes) sim.write32(UART0 + DR, b);
    wait(13 * bytes.length * bitNs);
    const mask = (1 << fmt.n) - 1;
    checkFrames(e, t0, bitNs, bytes.map((b) => frameBits(b & mask, fmt)));
  }
});

test('UART TX pin: the break (LCR_H.BRK) holds the line low, from the end of the character being sent; the output override inverts it or lets the pin go', () => {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART1, 67, 52, 0x60);
  funcsel(sim, 8, 2);                          // GPIO 8: UART1 TX too
  const e = pinEdges(sim, 8);
  wait(1000);
  let t = ns(sim.nowNanos());
  sim.write32(UART1 + LCR_H, 0x71);            // BRK while idle: low at once
  assert.deepStrictEqual(e.at(-1), [t, 0]);
  wait(5 * bitNs);
  t = ns(sim.nowNanos());
  sim.write32(UART1 + LCR_H, 0x70);
  assert.deepStrictEqual(e.at(-1), [t, 1], 'cleared: back to mark at once');
  e.length = 0;
  const t0 = sim.nowNanos();
  sim.write32(UART1 + DR, 0xf0);
  wait(3 * bitNs);
  sim.write32(UART1 + LCR_H, 0x71);            // BRK during the character: after its stop bit
  wait(12 * bitNs);
  sim.write32(UART1 + LCR_H, 0x70);
  const tEnd = sim.nowNanos();
  assert.deepStrictEqual(e, [[t0, 0], [t0 + 5 * bitNs, 1], [t0 + 10 * bitNs, 0], [tEnd, 1]].map(([tt, l]) => [ns(tt), l]),
    'start, 0xf0\'s high nibble, the break from the frame\'s end (10 bits) to its clear');
  // OUTOVER = 1 (invert): the line upside down; OEOVER = 2 (disable): nothing driven
  e.length = 0;
  funcsel(sim, 8, 2, 1 << 8);
  assert.deepStrictEqual(e.map(([, l]) => l), [0], 'inverted mark');
  const t1 = sim.nowNanos();
  sim.write32(UART1 + DR, 0x0f);
  wait(11 * bitNs);
  assert.deepStrictEqual(e.slice(1).map(([tt, l]) => [Math.round(((tt - t1) / bitNs) * 1e3) / 1e3, l]), [[0, 1], [1, 0], [5, 1], [9, 0]]);
  e.length = 0;
  funcsel(sim, 8, 2, 2 << 12);
  assert.deepStrictEqual(e.map(([, l]) => l), [-1], 'OEOVER disable: the pin is not driven');
});

test('UART TX pin: the waveform exists only while a GPIO carries it; routed in the middle of a character, the pin shows the bit being sent', () => {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART1, 67, 52, 0x60);
  const u = sim.mcu.uart[1];
  const e = pinEdges(sim, 4);
  sim.write32(UART1 + DR, 0x0f);
  assert.strictEqual(u.lineAlarm.scheduled, false, 'no pin carries UART1 TX: no alarm at each bit');
  sim.write32(UART1 + DR, 0x0f);
  const t0 = sim.nowNanos();
  wait(12 * bitNs);                           // the second character's bit 1 (a 1 after 10 bits of the first)
  funcsel(sim, 4, 2);
  assert.deepStrictEqual(e.map(([, l]) => l), [1], 'bit 1 of the second character (0x0f)');
  wait(10 * bitNs);
  assert.deepStrictEqual(e.slice(1).map(([t, l]) => [Math.round((t - t0) / bitNs * 1e6) / 1e6, l]), [[15, 0], [19, 1]]);
  funcsel(sim, 4, 5);                          // back to SIO: the alarm stops
  sim.write32(UART1 + DR, 0x0f);
  assert.strictEqual(u.lineAlarm.scheduled, false);
});

test('UART TX pin with nothing watching it: no alarm at each bit, yet GPIO STATUS read mid-character shows the bit being sent, and every toggle is counted', () => {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART1, 67, 52, 0x60);
  const u = sim.mcu.uart[1];
  funcsel(sim, 4, 2);
  const toggles = sim.toggles[4];
  const t0 = sim.nowNanos();
  sim.write32(UART1 + DR, 0x35);
  sim.write32(UART1 + DR, 0xca);
  assert.strictEqual(u.lineAlarm.scheduled, false, 'unobserved: the line is brought up to date when looked at');
  const want = [...frameBits(0x35), ...frameBits(0xca)];
  const seen = [];
  for (let k = 0; k < want.length; k++) {
    wait(t0 + (k + 0.5) * bitNs - sim.nowNanos());
    const st = sim.read32(IO + 8 * 4);               // GPIO4_STATUS: OUTTOPAD (bit 9), INFROMPAD (bit 17)
    seen.push([(st >>> 9) & 1, (st >>> 17) & 1]);
  }
  assert.deepStrictEqual(seen, want.map((b) => [b, b]));
  const changes = want.reduce((n, b, k) => n + (b !== (k ? want[k - 1] : 1) ? 1 : 0), 0);
  assert.strictEqual(sim.toggles[4] - toggles, changes, 'toggles of GPIO 4 (as --json reports them)');
});

test('UART TX pin in a recorded run (--vcd) with nothing else watching: the changes, applied late, are recorded at their own times', () => {
  const { sim, wait } = idle({ record: true });
  const bitNs = setup(sim, UART1, 67, 52, 0x60);
  funcsel(sim, 4, 2);
  const from = sim.gpioEvents.length;
  const t0 = sim.nowNanos();
  for (const b of [0x35, 0xca]) sim.write32(UART1 + DR, b);
  assert.strictEqual(sim.mcu.uart[1].lineAlarm.scheduled, false);
  wait(25 * bitNs);
  const e = [];
  for (let i = from; i < sim.gpioEvents.length; i += 3) if (sim.gpioEvents[i + 1] === 4) e.push([ns(sim.gpioEvents[i]), sim.gpioEvents[i + 2]]);
  checkFrames(e, t0, bitNs, [frameBits(0x35), frameBits(0xca)]);
  assert.strictEqual(e.length, 8 + 6, 'every change of the two characters');
});

test('UART console output is unchanged by the pin waveform: the same bytes and lines at the same times, routed or not', () => {
  const runOnce = (routed) => {
    const { sim, wait } = idle();
    wait(1e6);                                 // t_idle's "idle\n" out of UART0 first
    const bitNs = setup(sim, UART0, 67, 52, 0x60);
    if (!routed) funcsel(sim, 0, 5);          // t_idle routed GPIO 0 to UART0: take it away
    const bytes = [], lines = [], toggles = sim.toggles[0];
    sim.on('uart-byte', (b) => { if (b.uart === 0) bytes.push([b.byte, sim.nowNanos()]); });
    sim.on('line', (l) => lines.push([l.uart, l.text, l.time]));
    for (const ch of 'abc\ndef\n') sim.write32(UART0 + DR, ch.charCodeAt(0));
    wait(100 * bitNs);
    const fr = sim.read32(UART0 + FR);
    return { bytes, lines, fr, gpioEvents: sim.toggles[0] - toggles };
  };
  const a = runOnce(true), b = runOnce(false);
  assert.deepStrictEqual(a.bytes, b.bytes);
  assert.deepStrictEqual(a.lines, b.lines);
  assert.strictEqual(a.fr, b.fr);
  assert.deepStrictEqual(a.lines.map((l) => l[1]), ['abc', 'def']);
  assert.strictEqual(a.bytes[0][1], a.bytes[7][1], 'every byte reaches the console as it is written, not when it leaves the pin');
  assert.ok(a.gpioEvents > 20 && b.gpioEvents === 0, `toggles of GPIO 0: routed ${a.gpioEvents}, not routed ${b.gpioEvents}`);
});

test('UART TX pin: a character written before the divisor is set goes out at once, said so when a pin carries TX', () => {
  const { sim } = idle();
  sim.write32(UART1 + CR, 0x301);
  funcsel(sim, 4, 2);
  sim.write32(UART1 + DR, 0x41);
  assert.ok([...sim.warnings.keys()].some((w) => /uart1: a character written before the baud rate divisor was set goes out at once, without a waveform/.test(w)), [...sim.warnings.keys()].join('\n'));
});

/** Receive through a loop from UART1's TX (GPIO 4) to UART0's RX (GPIO 1), both set to `lcr`; the RX FIFO's words. */
function loopback(lcrTx, lcrRx, bytes, { brk = false, gap = false } = {}) {
  const { sim, wait } = idle();
  sim.watchPin(4, (level) => sim.setGpioInput(1, level));
  const bitNs = setup(sim, UART1, 67, 52, lcrTx);
  setup(sim, UART0, 67, 52, lcrRx);
  funcsel(sim, 4, 2);
  funcsel(sim, 1, 2);
  for (const b of bytes) { sim.write32(UART1 + DR, b); if (gap) wait(13 * bitNs); }
  wait(13 * bytes.length * bitNs);
  if (brk) { sim.write32(UART1 + LCR_H, lcrTx | 0x11); wait(15 * bitNs); sim.write32(UART1 + LCR_H, lcrTx | 0x10); wait(2 * bitNs); }
  const got = [];
  while (!(sim.read32(UART0 + FR) & 0x10)) got.push(sim.read32(UART0 + DR));
  return { sim, got };
}

test('UART RX pin: UART1\'s TX looped to UART0\'s RX: every byte received; parity and framing errors flagged in UARTDR; a break is a zero with BE and FE', () => {
  const bytes = [0x00, 0x41, 0x7f, 0x80, 0xa5, 0xff];
  assert.deepStrictEqual(loopback(0x60, 0x60, bytes).got, bytes, '8N1');
  assert.deepStrictEqual(loopback(0x66, 0x66, bytes).got, bytes, '8E1');
  // sent with odd parity, received expecting even: every byte with PE (bit 9)
  assert.deepStrictEqual(loopback(0x62, 0x66, bytes).got, bytes.map((b) => b | 0x200), 'odd parity read as even');
  // sent 7 bits 1 stop, received as 8 bits: the receiver's eighth bit is the stop bit (1), its stop bit the idle
  // line after a pause; back to back, the next start bit (low) there: a framing error, the next character missed
  assert.deepStrictEqual(loopback(0x40, 0x60, [0x41, 0x00], { gap: true }).got, [0xc1, 0x80], '7N1 read as 8N1, a pause between');
  assert.deepStrictEqual(loopback(0x40, 0x60, [0x41, 0x00]).got, [0x1c1], '7N1 read as 8N1, back to back');
  const { got } = loopback(0x60, 0x60, [0x41], { brk: true });
  assert.deepStrictEqual(got, [0x41, 0x500], 'the break: 0 with BE (bit 10) and FE (bit 8)');
});

test('UART RX pin: a GPIO driven from outside 2 % fast and 2 % slow is received; a glitch shorter than half a bit is no start bit', () => {
  const { sim, wait } = idle();
  setup(sim, UART0, 67, 52, 0x60);
  funcsel(sim, 1, 2);
  sim.setGpioInput(1, 1);
  const start = sim.nowNanos() / 1e6 + 0.05;
  const send = (text, baud, ms) => {
    const bit = 1000 / baud;
    for (const ch of text) {
      const c = ch.charCodeAt(0);
      [0, ...Array.from({ length: 8 }, (_, i) => (c >> i) & 1), 1].forEach((l, i) => sim.scheduleInput(1, l, ms + i * bit));
      ms += 10 * bit;
    }
    return ms;
  };
  let t = send('fast!', 115200 * 1.02, start);
  sim.scheduleInput(1, 0, t + 0.05);            // a 2 us low pulse (under half of the 8.7 us bit)
  sim.scheduleInput(1, 1, t + 0.052);
  t = send('slow?', 115200 / 1.02, t + 0.1);
  wait((t - sim.nowNanos() / 1e6 + 0.1) * 1e6);
  const got = [];
  while (!(sim.read32(UART0 + FR) & 0x10)) got.push(sim.read32(UART0 + DR));
  assert.strictEqual(String.fromCharCode(...got), 'fast!slow?');
});

test('UART RX pin: a PIO state machine sending 8N1 on GPIO 6, wired to UART1\'s RX (GPIO 5), feeds the hardware UART', () => {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART1, 67, 52, 0x60);   // 1085 cycles a bit
  funcsel(sim, 5, 2);
  sim.watchPin(6, (level) => sim.setGpioInput(5, level));
  // a TX program of our own: 8 cycles a bit at clkdiv 135.625 (1085 cycles)
  const set = (dst, v, d = 0) => (7 << 13) | (d << 8) | (dst << 5) | v;
  const prog = [
    0x80a0,                            // pull block
    set(0, 0, 6),                      // set pins, 0 [6]     the start bit (with the set x: 8 cycles)
    set(1, 7),                         // set x, 7
    (3 << 13) | (6 << 8) | 1,          // bitloop: out pins, 1 [6]
    (2 << 5) | 3,                      // jmp x-- bitloop
    set(0, 1, 6),                      // set pins, 1 [6]     the stop bit (with the pull: 8 cycles)
  ];
  prog.forEach((ins, i) => sim.write32(PIO0 + 0x048 + 4 * i, ins));
  const SM0 = (reg) => PIO0 + 0xc8 + reg;
  sim.write32(SM0(0x00), (135 << 16) | (160 << 8));          // CLKDIV 135 + 160/256
  sim.write32(SM0(0x04), 5 << 12);                           // EXECCTRL: wrap after 5 to 0
  sim.write32(SM0(0x08), (1 << 19));                         // SHIFTCTRL: OUT shifts right
  sim.write32(SM0(0x14), (1 << 26) | (1 << 20) | (6 << 5) | 6); // PINCTRL: SET 1 pin at 6, OUT 1 pin at 6
  sim.write32(SM0(0x10), (7 << 13) | (4 << 5) | 1);          // set pindirs, 1
  sim.write32(SM0(0x10), set(0, 1));                         // set pins, 1: idle high
  funcsel(sim, 6, 6);
  sim.write32(PIO0 + 0x000, 1);                              // enable SM0
  const text = 'PIO to UART';
  for (const ch of text) { sim.write32(PIO0 + 0x010, ch.charCodeAt(0)); wait(10 * bitNs); } // the FIFO holds 4
  wait(12 * bitNs);
  const got = [];
  while (!(sim.read32(UART1 + FR) & 0x10)) got.push(sim.read32(UART1 + DR));
  assert.strictEqual(String.fromCharCode(...got), text);
});

/** UART0 receiving 8N1 at 115200 on GPIO 1 driven from outside, FEN as `fen`: send(bytes, {stop}) drives the frames. */
function rxFromOutside(fen) {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART0, 67, 52, 0x60);
  if (!fen) sim.write32(UART0 + LCR_H, 0x60);
  funcsel(sim, 1, 2);
  sim.setGpioInput(1, 1);
  const send = (bytes, { stop = 1 } = {}) => {
    let ms = sim.nowNanos() / 1e6 + 0.01;
    const bit = bitNs / 1e6;
    for (const c of bytes) {
      [0, ...Array.from({ length: 8 }, (_, i) => (c >> i) & 1), stop].forEach((l, i) => sim.scheduleInput(1, l, ms + i * bit));
      sim.scheduleInput(1, 1, ms + 10 * bit);
      ms += 11 * bit;
    }
    wait((ms - sim.nowNanos() / 1e6) * 1e6 + 2 * bitNs);
  };
  return { sim, send };
}
const RSR = 0x04, RIS = 0x3c, ICR = 0x44;

test('UART RX pin: UARTRSR holds FE, PE and BE of the character last read from UARTDR, and OE; UARTECR clears it; RIS raises FE, PE, BE and OE', () => {
  const { sim, send } = rxFromOutside(true);
  send([0x41]);
  assert.strictEqual(sim.read32(UART0 + DR), 0x41);
  assert.strictEqual(sim.read32(UART0 + RSR), 0, 'a good character: no error');
  assert.strictEqual(sim.read32(UART0 + RIS) & 0x780, 0, 'no error interrupt');
  send([0x42], { stop: 0 });      // the stop bit low: a framing error
  assert.strictEqual(sim.read32(UART0 + RIS) & 0x780, 0x80, 'FERIS as the character arrives');
  assert.strictEqual(sim.read32(UART0 + RSR), 0, 'RSR: the character not read yet');
  assert.strictEqual(sim.read32(UART0 + DR), 0x142);
  assert.strictEqual(sim.read32(UART0 + RSR), 1, 'RSR.FE of the character read');
  sim.write32(UART0 + RSR, 0);    // UARTECR: any write clears
  assert.strictEqual(sim.read32(UART0 + RSR), 0, 'cleared by UARTECR');
  sim.write32(UART0 + ICR, 0x7ff);
  send([0x00], { stop: 0 });      // all low: a break (BE with FE)
  assert.strictEqual(sim.read32(UART0 + RIS) & 0x780, 0x280, 'BERIS and FERIS');
  assert.strictEqual(sim.read32(UART0 + DR), 0x500);
  assert.strictEqual(sim.read32(UART0 + RSR), 5, 'RSR.BE and FE');
  sim.write32(UART0 + RSR, 0);
  sim.write32(UART0 + ICR, 0x7ff);
  // 33 characters, none read: the 33rd finds the FIFO full
  send(Array.from({ length: 33 }, (_, i) => 0x20 + i));
  assert.strictEqual(sim.read32(UART0 + RSR) & 8, 8, 'RSR.OE');
  assert.strictEqual(sim.read32(UART0 + RIS) & 0x400, 0x400, 'OERIS');
  const got = [];
  while (!(sim.read32(UART0 + FR) & 0x10)) got.push(sim.read32(UART0 + DR));
  assert.deepStrictEqual(got, Array.from({ length: 32 }, (_, i) => 0x20 + i), 'the FIFO keeps the first 32');
  sim.write32(UART0 + RSR, 0);
  assert.strictEqual(sim.read32(UART0 + RSR), 0, 'OE cleared by UARTECR');
  assert.ok(![...sim.warnings.keys()].some((w) => /Unimplemented/.test(w)), [...sim.warnings.keys()].join('\n'));
});

test('UART RX pin with the FIFOs off (LCR_H.FEN 0): a one-character holding register, RXFF with one character, the next ones lost (OE)', () => {
  const { sim, send } = rxFromOutside(false);
  send([0x61]);
  assert.strictEqual(sim.read32(UART0 + FR) & 0x50, 0x40, 'RXFF with one character');
  send([0x62, 0x63]);
  assert.strictEqual(sim.read32(UART0 + RSR) & 8, 8, 'RSR.OE');
  const got = [];
  while (!(sim.read32(UART0 + FR) & 0x10)) got.push(sim.read32(UART0 + DR));
  assert.deepStrictEqual(got, [0x61], 'the first character only');
});

test('UART TX pin with nothing watching it: a PADS_BANK0 write mid-character (input enable off) keeps the edges the pin latched in INTR before it, as when watched', () => {
  const PADS = 0x4001c000, INTR0 = IO + 0xf0;
  const run = (watched) => {
    const { sim, wait } = idle();
    if (watched) sim.on('gpio', () => {});
    setup(sim, UART1, 67, 52, 0x60);
    funcsel(sim, 4, 2);
    sim.write32(INTR0, 0xffffffff);
    sim.write32(UART1 + DR, 0x41);   // the line rises at the end of the start bit (8.7 us)
    const a = sim.clock.createAlarm(() => sim.write32(PADS + 4 + 4 * 4, 0x16)); // GPIO 4: IE off, mid-run
    a.schedule(30000);
    wait(40000);
    return { intr: (sim.read32(INTR0) >>> 16) & 0xf, toggles: sim.toggles[4] };
  };
  const lazy = run(false), exact = run(true);
  assert.strictEqual(exact.intr & 0xc, 0xc, 'watched: EDGE_LOW and EDGE_HIGH latched');
  assert.deepStrictEqual(lazy, exact);
});

test('UART: IBRD and FBRD take effect with the next LCR_H write (the PL011 latches the three together), not before', () => {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART1, 67, 52, 0x60);
  funcsel(sim, 4, 2);
  const e = pinEdges(sim, 4);
  sim.write32(UART1 + IBRD, 134);          // half the baud rate, not latched yet
  sim.write32(UART1 + FBRD, 40);
  let t0 = ns(sim.nowNanos());
  sim.write32(UART1 + DR, 0x00);           // low for the start bit and 8 data bits
  wait(12 * bitNs);
  assert.deepStrictEqual(e.map(([t, l]) => [Math.round(t - t0), l]), [[0, 0], [Math.round(9 * bitNs), 1]], 'the old divisor');
  sim.write32(UART1 + LCR_H, 0x70);        // the divisor latched now
  const bitNs2 = (16 * (134 + 40 / 64) * 1e9) / CLK_PERI;
  e.length = 0;
  t0 = ns(sim.nowNanos());
  sim.write32(UART1 + DR, 0x00);
  wait(12 * bitNs2);
  assert.deepStrictEqual(e.map(([t, l]) => [Math.round(t - t0), l]), [[0, 0], [Math.round(9 * bitNs2), 1]], 'the new divisor');
});

test('UART RX interrupts: RXRIS when the RX FIFO reaches IFLS\'s RX level (one character with the FIFOs off), cleared by reading below it; RTRIS after 32 bit periods with no new character, cleared when the FIFO empties', () => {
  const IFLS = 0x34, IMSC = 0x38, RXRIS = 0x10, RTRIS = 0x40;
  const { sim, send } = rxFromOutside(true);
  const bitNs = (16 * (67 + 52 / 64) * 1e9) / CLK_PERI;
  sim.write32(UART0 + IFLS, 1 << 3);       // RXIFLSEL 1/4: 8 characters
  sim.write32(UART0 + IMSC, RXRIS | RTRIS);
  send([1, 2, 3]);                          // ends 2 bit periods after the last stop bit
  assert.strictEqual(sim.read32(UART0 + RIS) & (RXRIS | RTRIS), 0, 'three characters: under the level, no timeout yet');
  sim.run({ maxMs: (sim.nowNanos() + 31 * bitNs) / 1e6 });
  assert.strictEqual(sim.read32(UART0 + RIS) & (RXRIS | RTRIS), RTRIS, 'RTRIS 32 bit periods after the last character');
  sim.read32(UART0 + DR); sim.read32(UART0 + DR);
  assert.strictEqual(sim.read32(UART0 + RIS) & RTRIS, RTRIS, 'still a character in the FIFO');
  sim.read32(UART0 + DR);
  assert.strictEqual(sim.read32(UART0 + RIS) & RTRIS, 0, 'cleared as the FIFO empties');
  send([4, 5, 6, 7, 8, 9, 10, 11]);
  assert.strictEqual(sim.read32(UART0 + RIS) & (RXRIS | RTRIS), RXRIS, 'eight characters: RXRIS');
  sim.read32(UART0 + DR);
  assert.strictEqual(sim.read32(UART0 + RIS) & RXRIS, 0, 'seven: cleared');
  sim.write32(UART0 + ICR, 0x7ff);
  const off = rxFromOutside(false);
  off.sim.write32(UART0 + IMSC, RXRIS);
  off.send([0x55]);
  assert.strictEqual(off.sim.read32(UART0 + RIS) & RXRIS, RXRIS, 'FIFOs off: one character');
  off.sim.read32(UART0 + DR);
  assert.strictEqual(off.sim.read32(UART0 + RIS) & RXRIS, 0, 'read: cleared');
});

test('UART loopback (UARTCR.LBE): each character sent is received, complete when its stop bit is sampled, error-free; not without LBE; the RX pin not listened to meanwhile; a full FIFO overruns', () => {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART1, 67, 52, 0x60);
  sim.write32(UART1 + CR, 0x381);                  // UARTEN, TXE, RXE, LBE
  funcsel(sim, 5, 2);                              // UART1's RX on GPIO 5, driven low from outside: ignored
  sim.setGpioInput(5, 0);
  const t0 = sim.nowNanos();
  sim.write32(UART1 + DR, 0x41);
  wait(9.4 * bitNs);
  assert.strictEqual(sim.read32(UART1 + FR) & 0x10, 0x10, 'RXFE: not yet, 9.4 bit periods after the start bit');
  wait(0.2 * bitNs);
  assert.strictEqual(sim.read32(UART1 + FR) & 0x10, 0, `received by ${Math.round(sim.nowNanos() - t0)} ns (9.5 bit periods: ${Math.round(9.5 * bitNs)})`);
  for (const c of [0x42, 0x43]) sim.write32(UART1 + DR, c);
  wait(25 * bitNs);
  const got = [];
  while (!(sim.read32(UART1 + FR) & 0x10)) got.push(sim.read32(UART1 + DR));
  assert.deepStrictEqual(got, [0x41, 0x42, 0x43], 'the characters, no error bits, nothing from the low RX pin');
  assert.strictEqual(sim.read32(UART1 + RSR), 0);
  // without LBE nothing comes back
  sim.write32(UART1 + CR, 0x301);
  sim.setGpioInput(5, 1);
  sim.write32(UART1 + DR, 0x44);
  wait(12 * bitNs);
  assert.strictEqual(sim.read32(UART1 + FR) & 0x10, 0x10, 'LBE clear: nothing received');
  // FIFOs off: one character held, the next overruns (UARTRSR.OE); UARTDR's OE bit is said to be unmodelled
  sim.write32(UART1 + LCR_H, 0x60);
  sim.write32(UART1 + CR, 0x381);
  sim.write32(UART1 + DR, 0x45);
  wait(12 * bitNs);
  sim.write32(UART1 + DR, 0x46);
  wait(12 * bitNs);
  assert.strictEqual(sim.read32(UART1 + RSR) & 8, 8, 'RSR.OE');
  assert.strictEqual(sim.read32(UART1 + DR), 0x45);
  assert.ok([...sim.warnings.keys()].some((w) => /^uart1: UARTDR's overrun bit \(OE, bit 11\) is not modelled/.test(w)), [...sim.warnings.keys()].join('\n'));
});

test('UART TX disabled (UARTCR.UARTEN or TXE clear): nothing leaves, the FIFO keeps 32 bytes (TXFF, BUSY), the 33rd is dropped; enabled again, they go out in order', () => {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART1, 67, 52, 0x60);
  const got = [];
  sim.on('uart-byte', (ev) => { if (ev.uart === 1) got.push(ev.byte); });
  for (const cr of [0x300, 0x201]) {                 // UARTEN clear; then TXE clear
    got.length = 0;
    sim.write32(UART1 + CR, cr);
    assert.strictEqual(sim.read32(UART1 + FR) & 0xa8, 0x80, 'disabled, empty: TXFE, not TXFF, not BUSY');
    for (let i = 0; i < 33; i++) sim.write32(UART1 + DR, 0x40 + i);
    wait(40 * 10 * bitNs);
    assert.deepStrictEqual(got, [], 'nothing sent while disabled');
    assert.strictEqual(sim.read32(UART1 + FR) & 0xa8, 0x28, 'TXFF and BUSY, not TXFE');
    assert.strictEqual(sim.read32(UART1 + 0x3c) & 0x20, 0, 'TXRIS clear: the FIFO is above its trigger level');
    sim.write32(UART1 + CR, 0x301);
    wait(40 * 10 * bitNs);
    assert.deepStrictEqual(got, Array.from({ length: 32 }, (_, i) => 0x40 + i), 'the 32 kept, in order; the 33rd dropped');
    assert.strictEqual(sim.read32(UART1 + FR) & 0xa8, 0x80, 'drained: TXFE, not BUSY');
  }
});

const CLOCKS = 0x40008000, CLK_PERI_CTRL = 0x48, CLK_PERI_ENABLE = 1 << 11;

test('UART disabled mid-transmission (UARTEN, or TXE, cleared with characters queued): the character being sent completes, the rest stay in the TX FIFO (BUSY, not TXFE, no edges, nothing looped back) until it is enabled again, then go out in order, each once', () => {
  for (const off of [0x380, 0x281]) {               // UARTEN cleared (TXE, RXE, LBE kept); TXE cleared (UARTEN, RXE, LBE kept)
    const { sim, wait } = idle();
    const bitNs = setup(sim, UART1, 67, 52, 0x60);
    sim.write32(UART1 + CR, 0x381);                  // loopback: what the transmitter sends is received
    funcsel(sim, 4, 2);
    const e = pinEdges(sim, 4), sent = [];
    sim.on('uart-byte', (ev) => { if (ev.uart === 1) sent.push(ev.byte); });
    const t0 = ns(sim.nowNanos()), bytes = [0x41, 0x42, 0x43, 0x44];
    for (const b of bytes) sim.write32(UART1 + DR, b);
    wait(4.5 * bitNs);                               // in the first character's data bits
    sim.write32(UART1 + CR, off);
    wait(40 * bitNs);
    const fr = sim.read32(UART1 + FR);
    assert.strictEqual(fr & 0x88, 0x08, `0x${off.toString(16)}: BUSY, not TXFE: three characters kept`);
    assert.ok(e.every(([t]) => t < t0 + 10 * bitNs), `0x${off.toString(16)}: no edge after the first character's stop bit: ${e.map(([t]) => t - t0)}`);
    checkFrames(e, t0, bitNs, [frameBits(0x41)]);
    const rx = [];
    if (off === 0x281) {                             // the receiver still enabled: the completed character came back, alone
      while (!(sim.read32(UART1 + FR) & 0x10)) rx.push(sim.read32(UART1 + DR));
      assert.deepStrictEqual(rx, [0x41], 'looped back: the first character only');
    }
    e.length = 0;
    const t1 = ns(sim.nowNanos());
    sim.write32(UART1 + CR, 0x381);
    wait(35 * bitNs);
    checkFrames(e, t1, bitNs, [0x42, 0x43, 0x44].map((b) => frameBits(b)));
    assert.strictEqual(e[0][0], t1, 'enabled again: the next start bit at once');
    while (!(sim.read32(UART1 + FR) & 0x10)) rx.push(sim.read32(UART1 + DR));
    if (off === 0x281) assert.deepStrictEqual(rx, bytes, 'looped back: the rest after the enable');
    assert.strictEqual(sim.read32(UART1 + FR) & 0x88, 0x80, 'drained: TXFE, not BUSY');
    assert.deepStrictEqual(sent, bytes, 'the console got each byte once');
    assert.ok([...sim.warnings.keys()].some((w) => /^uart1: disabled \(UARTCR.UARTEN or TXE cleared\) with characters queued behind the one being sent: they stay in the TX FIFO/.test(w)), [...sim.warnings.keys()].join('\n'));
  }
});

test('UART with clk_peri stopped (CLK_PERI_CTRL.ENABLE cleared): nothing shifts, the TX pin holds the level of the bit it was in, the FIFO keeps the rest (BUSY, not TXFE); the clock started again, the character goes on where it stopped and the rest follow', () => {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART1, 67, 52, 0x60);
  funcsel(sim, 4, 2);
  const e = pinEdges(sim, 4), sent = [];
  sim.on('uart-byte', (ev) => { if (ev.uart === 1) sent.push(ev.byte); });
  const t0 = ns(sim.nowNanos()), bytes = [0x35, 0x5a];
  for (const b of bytes) sim.write32(UART1 + DR, b);
  wait(4.5 * bitNs);
  const ctrl = sim.read32(CLOCKS + CLK_PERI_CTRL);
  assert.ok(ctrl & CLK_PERI_ENABLE, 't_idle runs clk_peri');
  sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl & ~CLK_PERI_ENABLE);
  const tStop = ns(sim.nowNanos());
  const n = e.length;
  wait(100 * bitNs);
  assert.strictEqual(e.length, n, `no edge while clk_peri is stopped: ${e.slice(n).map(([t]) => t - tStop)}`);
  assert.strictEqual(sim.read32(UART1 + FR) & 0x88, 0x08, 'BUSY, not TXFE: the second character kept');
  assert.strictEqual((sim.read32(IO + 8 * 4) >>> 9) & 1, frameBits(0x35)[4], 'GPIO 4 (STATUS.OUTTOPAD) at the level of the bit it was in (data bit 3)');
  sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl);
  const gap = ns(sim.nowNanos()) - tStop;
  wait(25 * bitNs);
  assert.ok(e.every(([t]) => t <= tStop || t >= tStop + gap), 'no edge in the gap');
  const shifted = e.map(([t, l]) => [t > tStop ? ns(t - gap) : t, l]);
  checkFrames(shifted, t0, bitNs, bytes.map((b) => frameBits(b)));
  assert.strictEqual(sim.read32(UART1 + FR) & 0x88, 0x80, 'drained: TXFE, not BUSY');
  assert.deepStrictEqual(sent, bytes, 'the console got each byte once');
});

test('UART with clk_peri stopped: written characters stay in the TX FIFO (TXFF at 32, the 33rd dropped), the TX DMA request drops with it full; they go out in order when the clock runs again', () => {
  const { sim, wait } = idle();
  const bitNs = setup(sim, UART1, 67, 52, 0x60);
  const sent = [];
  sim.on('uart-byte', (ev) => { if (ev.uart === 1) sent.push(ev.byte); });
  const ctrl = sim.read32(CLOCKS + CLK_PERI_CTRL);
  sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl & ~CLK_PERI_ENABLE);
  sim.write32(UART1 + 0x48, 2);                      // UARTDMACR.TXDMAE
  const dreq = () => sim.mcu.dma.dreq[sim.mcu.uart[1].dreq.tx];
  assert.ok(dreq(), 'empty FIFO: the DMA request is asserted');
  for (let i = 0; i < 33; i++) sim.write32(UART1 + DR, 0x40 + i);
  wait(100 * bitNs);
  assert.deepStrictEqual(sent, [], 'nothing sent without clk_peri');
  assert.strictEqual(sim.read32(UART1 + FR) & 0xa8, 0x28, 'TXFF and BUSY, not TXFE');
  assert.ok(!dreq(), 'full: the DMA request is down');
  sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl);
  wait(40 * 10 * bitNs);
  assert.deepStrictEqual(sent, Array.from({ length: 32 }, (_, i) => 0x40 + i), 'the 32 kept, in order; the 33rd dropped');
  assert.strictEqual(sim.read32(UART1 + FR) & 0xa8, 0x80, 'drained');
});

test('UART receiver with clk_peri stopped: not modelled, said so: a character arriving is received as if the clock ran, with a warning', () => {
  const { sim } = idle();
  setup(sim, UART0, 67, 52, 0x60);
  const ctrl = sim.read32(CLOCKS + CLK_PERI_CTRL);
  sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl & ~CLK_PERI_ENABLE);
  sim.sendUartInput(0, Buffer.from('x'), sim.nowNanos() / 1e6);
  sim.run({ maxMs: sim.nowNanos() / 1e6 + 2 });
  assert.ok([...sim.warnings.keys()].some((w) => /^uart0: a character received with clk_peri stopped: received as if the clock ran/.test(w)), [...sim.warnings.keys()].join('\n'));
});
