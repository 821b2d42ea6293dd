'use strict';
// SPI SCK and TX at their pins (lib/spi.js): each frame's clock and data as
// GPIO changes at their times in the four SPI modes and for 4- to 16-bit
// frames, decoded apart by sampling TX at SCK's sampling edge; SCK's idle
// level; no alarm per bit when nothing could see the pins. Driven through
// the registers from JavaScript while t_idle spins.
const test = require('node:test');
const assert = require('node:assert');
const { idle } = require('./helpers');

const SPI0 = 0x4003c000, IO = 0x40014000;
const SCK = 2, TX = 3;

function spiSetup(sim, { cpsr = 2, scr = 0, bits = 8, sph = false, spo = false } = {}) {
  sim.write32(SPI0 + 0x04, 0);
  sim.write32(SPI0 + 0x00, (bits - 1) | (scr << 8) | (sph ? 1 << 7 : 0) | (spo ? 1 << 6 : 0));
  sim.write32(SPI0 + 0x10, cpsr);
  sim.write32(SPI0 + 0x04, 2);
  return (cpsr * (1 + scr) * 1e9) / 125e6;       // the bit period, ns (clk_peri 125 MHz)
}
/** Changes of the pins' driven levels as [ns, pin, level] (to a thousandth of a ns). */
function record(sim) {
  const e = [];
  sim.on('gpio', (ev) => { if (ev.pin === SCK || ev.pin === TX) e.push([Math.round(ev.time * 1e12) / 1e3, ev.pin, ev.level]); });
  return e;
}

/** The test of SPI mode `mode` (SPO, SPH): its name and body. */
function modeTest(mode, spo, sph) {
  return [`SPI pins, mode ${mode} (SPO ${+spo}, SPH ${+sph}): SCK idles at SPO, two edges a bit period, TX valid at the sampling edge; frames back to back; 4-, 8-, 16-bit frames`, () => {
    for (const bits of [8, 4, 16]) {
      const { sim, wait } = idle();
      const e = record(sim);
      const T = spiSetup(sim, { cpsr: 4, scr: 2, bits, spo, sph });   // 12 cycles a bit: 96 ns
      for (const p of [SCK, TX]) sim.write32(IO + 8 * p + 4, 1);
      assert.deepStrictEqual(e.map(([, p, l]) => [p, l]), [[SCK, +spo], [TX, 0]], 'driven once routed: SCK at its idle level, TX low');
      e.length = 0;
      const mask = (1 << bits) - 1, words = [0xa5c3, 0x0001, 0x8000, 0x7ffe, 0x1234].map((w) => w & mask);
      const t0 = Math.round(sim.nowNanos() * 1e3) / 1e3;
      for (const w of words) sim.write32(SPI0 + 0x08, w);
      wait(words.length * bits * T + 100);
      const sck = e.filter(([, p]) => p === SCK), tx = e.filter(([, p]) => p === TX);
      assert.strictEqual(sck.length, 2 * bits * words.length, 'two SCK edges a bit');
      // the edges' times: leading at the bit's start (SPH 1) or middle (SPH 0), trailing half a period on
      sck.forEach(([t, , l], j) => {
        const bit = j >> 1, lead = (j & 1) === 0;
        const want = t0 + bit * T + (sph ? 0 : T / 2) + (lead ? 0 : T / 2);
        assert.ok(Math.abs(t - want) < 0.01, `SCK edge ${j} at ${t}, want ${want}`);
        assert.strictEqual(l, lead ? 1 - spo : +spo);
      });
      // TX changes only at a bit's start
      for (const [t] of tx) { const k = (t - t0) / T; assert.ok(Math.abs(k - Math.round(k)) < 1e-6, `TX change ${k} bits in`); }
      // decode: TX sampled at each first edge (SPH 0) or second edge (SPH 1), most significant bit first
      const level = (t) => { let l = 0; for (const [et, , el] of tx) { if (et > t) break; l = el; } return l; };
      const got = [];
      for (let f = 0; f < words.length; f++) {
        let w = 0;
        for (let b = 0; b < bits; b++) w = (w << 1) | level(sck[2 * (f * bits + b) + (sph ? 1 : 0)][0]);
        got.push(w);
      }
      assert.deepStrictEqual(got, words, `${bits}-bit frames`);
      assert.strictEqual(sck.at(-1)[2], +spo, 'SCK back at its idle level');
    }
  }];
}
test(...modeTest(0, false, false));
test(...modeTest(1, false, true));
test(...modeTest(2, true, false));
test(...modeTest(3, true, true));

test('SPI pins: nothing watching them, a frame sets no alarm per bit and leaves them as they were; SCK follows SPO while idle', () => {
  const { sim, wait } = idle();
  const T = spiSetup(sim, { cpsr: 2 });
  for (const p of [SCK, TX]) sim.write32(IO + 8 * p + 4, 1);
  const toggles = [sim.toggles[SCK], sim.toggles[TX]];
  sim.write32(SPI0 + 0x08, 0x5a);
  assert.strictEqual(sim.spi[0].pinAlarm.scheduled, false);
  wait(8 * T + 50);
  assert.deepStrictEqual([sim.toggles[SCK], sim.toggles[TX]], toggles);
  assert.strictEqual(sim.outLevel[SCK], 0);
  sim.write32(SPI0 + 0x00, 7 | (1 << 6));      // SPO 1
  assert.strictEqual(sim.outLevel[SCK], 1, 'SCK idles high');
  sim.write32(SPI0 + 0x00, 7);
  assert.strictEqual(sim.outLevel[SCK], 0);
});

test('SPI pins under logPins (--gpio-log): a log of another pin leaves them lazy (no alarm per bit); a log of SCK and TX gets every edge', () => {
  const run = (pins) => {
    const { sim, wait } = idle();
    const got = [];
    sim.logPins(pins, (ev) => got.push([ev.pin, ev.level]));
    const T = spiSetup(sim, { cpsr: 2 });
    for (const p of [SCK, TX]) sim.write32(IO + 8 * p + 4, 1);
    got.length = 0;
    const fired = sim.clock.fired;
    sim.write32(SPI0 + 0x08, 0x5a);
    const scheduled = sim.spi[0].pinAlarm.scheduled;
    wait(8 * T + 50);
    return { scheduled, got, alarms: sim.clock.fired - fired };
  };
  const other = run([25]);
  assert.strictEqual(other.scheduled, false, 'no pin alarm');
  assert.deepStrictEqual(other.got, []);
  const logged = run([SCK, TX]);
  assert.strictEqual(logged.scheduled, true);
  assert.strictEqual(logged.got.filter(([p]) => p === SCK).length, 16, 'two SCK edges a bit');
  // 0x5a most significant bit first: TX 0 1 0 1 1 0 1 0, a change at each bit whose level differs
  assert.deepStrictEqual(logged.got.filter(([p]) => p === TX).map(([, l]) => l), [1, 0, 1, 0, 1, 0]);
  assert.ok(logged.alarms > other.alarms + 10, `${logged.alarms} alarms logged, ${other.alarms} not`);
});

test('SPI pins with clk_peri stopped mid-frame: SCK and TX hold their levels, no edge until the clock runs again; then the frame goes on where it stopped and the next follows, each edge later by the time it was stopped', () => {
  const CLOCKS = 0x40008000, CLK_PERI_CTRL = 0x48, ENABLE = 1 << 11;
  const run = (stopFor) => {
    const { sim, wait } = idle();
    const e = record(sim);
    const T = spiSetup(sim, { cpsr: 4, scr: 2, sph: true });   // 96 ns bits
    for (const p of [SCK, TX]) sim.write32(IO + 8 * p + 4, 1);
    e.length = 0;
    const t0 = Math.round(sim.nowNanos() * 1e3) / 1e3;
    sim.write32(SPI0 + 0x08, 0x96);
    sim.write32(SPI0 + 0x08, 0x3c);
    wait(3.3 * T);                                 // in the first frame's fourth bit, SCK high
    const ctrl = sim.read32(CLOCKS + CLK_PERI_CTRL);
    const held = [sim.outLevel[SCK], sim.outLevel[TX]];
    const tStop = Math.round(sim.nowNanos() * 1e3) / 1e3, n = e.length;
    if (stopFor) {
      sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl & ~ENABLE);
      wait(stopFor);
      assert.strictEqual(e.length, n, `no edge while clk_peri is stopped: ${e.slice(n).map(([t]) => t - tStop)}`);
      assert.deepStrictEqual([sim.outLevel[SCK], sim.outLevel[TX]], held, 'SCK and TX hold their levels');
      assert.ok(sim.read32(SPI0 + 0x0c) & 16, 'BSY');
      sim.write32(CLOCKS + CLK_PERI_CTRL, ctrl);
    }
    const gap = Math.round(sim.nowNanos() * 1e3) / 1e3 - tStop;
    wait(16 * T + 100);
    assert.strictEqual(sim.read32(SPI0 + 0x0c) & 16, 0, 'not BSY: both frames sent');
    return { held, edges: e.map(([t, p, l]) => [Math.round((t > tStop ? t - gap : t) - t0), p, l]) };
  };
  const stopped = run(5000), straight = run(0);
  assert.deepStrictEqual(stopped.held, [1, 1], 'stopped with SCK high, TX at the fourth bit (0x96: 1 0 0 1)');
  assert.strictEqual(stopped.edges.filter(([, p]) => p === SCK).length, 32, 'two SCK edges a bit, 16 bits');
  assert.deepStrictEqual(stopped.edges, straight.edges, 'the same waveform, later by the time stopped');
});
