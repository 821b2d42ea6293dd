'use strict';
// The PIO model (lib/pio.js): small programs written into a block's
// instruction memory through the bus while a firmware spins (t_idle), run
// in simulated time and checked against the datasheet's rules (chapter 3).
const test = require('node:test');
const assert = require('node:assert');
const { idle: idleSim } = require('./helpers');

const PIO0 = 0x50200000, PIO1 = 0x50300000, IO = 0x40014000, DMA = 0x50000000;
const CTRL = 0x000, FSTAT = 0x004, FDEBUG = 0x008, FLEVEL = 0x00c, TXF = 0x010, RXF = 0x020, IRQ = 0x030, IRQ_FORCE = 0x034;
const PADOUT = 0x03c, INSTR_MEM = 0x048, INTR = 0x128, IRQ0_INTE = 0x12c, IRQ0_INTS = 0x134, IRQ1_INTE = 0x138;
const SM = (n, reg) => 0xc8 + 0x18 * n + reg;   // CLKDIV 0, EXECCTRL 4, SHIFTCTRL 8, ADDR 0xc, INSTR 0x10, PINCTRL 0x14

// ---- an assembler for the nine instructions ----
const D = (d) => d << 8;  // delay / side-set field
const jmp = (cond, addr) => (cond << 5) | addr;
const waitFor = (pol, src, idx) => (1 << 13) | (pol << 7) | (src << 5) | idx;
const inp = (src, n) => (2 << 13) | (src << 5) | (n & 31);
const out = (dst, n) => (3 << 13) | (dst << 5) | (n & 31);
const push = (ifFull, block) => (4 << 13) | (ifFull << 6) | (block << 5);
const pull = (ifEmpty, block) => (4 << 13) | 0x80 | (ifEmpty << 6) | (block << 5);
const mov = (dst, op, src) => (5 << 13) | (dst << 5) | (op << 3) | src;
const irq = (clr, wt, idx) => (6 << 13) | (clr << 6) | (wt << 5) | idx;
const set = (dst, v) => (7 << 13) | (dst << 5) | v;
const nop = mov(2, 0, 2);
// sources/destinations
const PINS = 0, X = 1, Y = 2, NUL = 3, PINDIRS = 4, PC = 5, ISR = 6, OSR = 7, STATUS = 5;
const OUT_EXEC = 7, MOV_EXEC = 4;

/** t_idle past its set-up (helpers.js), and the current cycle. */
function idle(opts = {}) {
  const { sim, wait } = idleSim(opts);
  const cyc = () => Math.round(sim.nanosToCycles(sim.nowNanos()));
  return { sim, wait, cyc };
}
function load(sim, base, prog, at = 0) { prog.forEach((ins, i) => sim.write32(base + INSTR_MEM + 4 * (at + i), ins)); }
const execctrl = (bottom, top, extra = 0) => (top << 12) | (bottom << 7) | extra;
/** Run one instruction on a disabled machine through SMx_INSTR. */
const exec = (sim, n, ins, base = PIO0) => sim.write32(base + SM(n, 0x10), ins);
/** Read scratch register X or Y (or the OSR/ISR) of a disabled machine through its RX FIFO. */
function reg(sim, n, src, base = PIO0) {
  exec(sim, n, mov(ISR, 0, src), base);
  exec(sim, n, push(0, 0), base);
  return sim.read32(base + RXF + 4 * n);
}
/** Changes of a GPIO's driven level as [cycle, level]. */
function edges(sim, pin) {
  const e = [];
  sim.on('gpio', (ev) => { if (ev.pin === pin) e.push([Math.round(sim.nanosToCycles(ev.time * 1e9)), ev.level]); });
  return e;
}
const funcsel = (sim, pin, f) => sim.write32(IO + 8 * pin + 4, f);

test('PIO instruction vectors: JMP conditions, MOV operations and STATUS, IN/OUT shifts, OUT/MOV to PC and EXEC, SET', () => {
  const { sim } = idle();
  // SET, MOV, invert, bit-reverse
  exec(sim, 0, set(X, 5));
  exec(sim, 0, set(Y, 3));
  assert.strictEqual(reg(sim, 0, X), 5);
  exec(sim, 0, mov(X, 1, Y));
  assert.strictEqual(reg(sim, 0, X), ~3 >>> 0, 'mov x, ~y');
  exec(sim, 0, mov(X, 2, Y));
  assert.strictEqual(reg(sim, 0, X), 0xc0000000, 'mov x, ::y');
  // JMP conditions (a forced JMP moves PC; without the jump PC stays)
  const pc = () => sim.read32(PIO0 + SM(0, 0x0c));
  exec(sim, 0, set(X, 0));
  exec(sim, 0, jmp(1, 7)); assert.strictEqual(pc(), 7, '!X taken with X = 0');
  exec(sim, 0, jmp(2, 9)); assert.strictEqual(pc(), 7, 'X-- not taken with X = 0');
  assert.strictEqual(reg(sim, 0, X), 0xffffffff, 'X-- decrements anyway');
  exec(sim, 0, jmp(2, 9)); assert.strictEqual(pc(), 9, 'X-- taken with X != 0');
  exec(sim, 0, set(Y, 1));
  exec(sim, 0, jmp(4, 11)); assert.strictEqual(pc(), 11, 'Y-- taken with Y = 1');
  exec(sim, 0, jmp(4, 12)); assert.strictEqual(pc(), 11, 'Y-- not taken with Y = 0');
  exec(sim, 0, jmp(3, 13)); assert.strictEqual(pc(), 11, '!Y not taken with Y = 0xffffffff');
  exec(sim, 0, set(X, 4)); exec(sim, 0, set(Y, 4));
  exec(sim, 0, jmp(5, 14)); assert.strictEqual(pc(), 11, 'X!=Y not taken when equal');
  exec(sim, 0, set(Y, 2));
  exec(sim, 0, jmp(5, 14)); assert.strictEqual(pc(), 14, 'X!=Y taken');
  exec(sim, 0, jmp(7, 3)); assert.strictEqual(pc(), 14, '!OSRE not taken: the OSR is empty after reset');
  exec(sim, 0, mov(OSR, 0, X));
  exec(sim, 0, jmp(7, 3)); assert.strictEqual(pc(), 3, '!OSRE taken after MOV OSR');
  // JMP PIN reads the GPIO EXECCTRL.JMP_PIN selects
  sim.write32(PIO0 + SM(0, 4), execctrl(0, 31, 10 << 24));
  sim.setGpioInput(10, 1);
  exec(sim, 0, jmp(6, 20)); assert.strictEqual(pc(), 20, 'PIN taken with GPIO 10 high');
  sim.setGpioInput(10, 0);
  exec(sim, 0, jmp(6, 21)); assert.strictEqual(pc(), 20, 'PIN not taken with GPIO 10 low');
  // IN: left and right shifts; the pins rotated by IN_BASE
  sim.write32(PIO0 + SM(0, 8), 0);                       // IN and OUT shift left, no auto
  exec(sim, 0, mov(ISR, 0, NUL));
  exec(sim, 0, set(X, 0b101)); exec(sim, 0, inp(X, 3));
  exec(sim, 0, set(X, 0b11)); exec(sim, 0, inp(X, 2));
  assert.strictEqual(reg(sim, 0, ISR), 0b10111, 'left: the newest bits at the bottom');
  sim.write32(PIO0 + SM(0, 8), 1 << 18);                 // IN shifts right
  exec(sim, 0, mov(ISR, 0, NUL));
  exec(sim, 0, set(X, 0b101)); exec(sim, 0, inp(X, 3));
  assert.strictEqual(reg(sim, 0, ISR), 0xa0000000, 'right: the newest bits at the top');
  sim.setGpioInput(12, 1); sim.setGpioInput(14, 1);
  sim.write32(PIO0 + SM(0, 0x14), 12 << 15);             // IN_BASE 12
  sim.write32(PIO0 + SM(0, 8), 0);
  exec(sim, 0, mov(ISR, 0, NUL)); exec(sim, 0, inp(PINS, 4));
  assert.strictEqual(reg(sim, 0, ISR), 0b0101, 'IN PINS from IN_BASE');
  // OUT: directions and the OSR left behind
  exec(sim, 0, set(X, 0x1d)); exec(sim, 0, mov(OSR, 2, X));   // OSR = 0xb8000000
  exec(sim, 0, out(Y, 4));
  assert.strictEqual(reg(sim, 0, Y), 0xb, 'OUT left takes the top bits');
  assert.strictEqual(reg(sim, 0, OSR), 0x80000000);
  sim.write32(PIO0 + SM(0, 8), 1 << 19);                 // OUT shifts right
  exec(sim, 0, set(X, 0x1d)); exec(sim, 0, mov(OSR, 0, X));
  exec(sim, 0, out(Y, 3));
  assert.strictEqual(reg(sim, 0, Y), 0b101, 'OUT right takes the bottom bits');
  assert.strictEqual(reg(sim, 0, OSR), 0b11);
  exec(sim, 0, set(X, 17)); exec(sim, 0, mov(OSR, 0, X)); exec(sim, 0, out(PC, 5));
  assert.strictEqual(pc(), 17, 'OUT PC');
  exec(sim, 0, set(X, 19)); exec(sim, 0, mov(PC, 0, X));
  assert.strictEqual(pc(), 19, 'MOV PC');
  // STATUS: all ones while the TX level is below N
  sim.write32(PIO0 + SM(1, 4), execctrl(0, 31, 2));       // STATUS_SEL TX, N = 2
  exec(sim, 1, mov(X, 0, STATUS));
  assert.strictEqual(reg(sim, 1, X), 0xffffffff, 'TX level 0 < 2');
  sim.write32(PIO0 + TXF + 4, 1); sim.write32(PIO0 + TXF + 4, 2);
  exec(sim, 1, mov(X, 0, STATUS));
  assert.strictEqual(reg(sim, 1, X), 0, 'TX level 2 is not below 2');
  sim.write32(PIO0 + SM(1, 4), execctrl(0, 31, 0x10 | 1)); // STATUS_SEL RX, N = 1
  exec(sim, 1, mov(X, 0, STATUS));
  assert.strictEqual(reg(sim, 1, X), 0xffffffff, 'RX level 0 < 1');
  // PULL with autopull: nothing while the OSR is full; a nonblocking PULL of an empty FIFO copies X
  sim.write32(PIO0 + SM(3, 8), 1 << 17);
  sim.write32(PIO0 + TXF + 12, 0x1234); sim.write32(PIO0 + TXF + 12, 0x5678);
  exec(sim, 3, pull(0, 1));
  exec(sim, 3, pull(0, 1));
  assert.strictEqual(reg(sim, 3, OSR), 0x1234, 'the second PULL left the OSR alone');
  assert.strictEqual((sim.read32(PIO0 + FLEVEL) >>> 24) & 0xf, 1, 'and the word in the FIFO');
  exec(sim, 3, out(NUL, 32));
  exec(sim, 3, pull(0, 1));
  assert.strictEqual(reg(sim, 3, OSR), 0x5678);
  sim.write32(PIO0 + SM(3, 8), 0);
  exec(sim, 3, set(X, 9)); exec(sim, 3, pull(0, 0));
  assert.strictEqual(reg(sim, 3, OSR), 9);
  // OUT EXEC and MOV EXEC on an enabled machine: the word runs at its next tick, then the program goes on
  for (const [how, n] of [[out(OUT_EXEC, 16), 23], [mov(MOV_EXEC, 0, OSR), 29]]) {
    sim.write32(PIO0 + CTRL, 0);
    load(sim, PIO0, [pull(0, 1), how, jmp(0, 2)], 0);
    sim.write32(PIO0 + SM(2, 4), execctrl(0, 31));
    sim.write32(PIO0 + SM(2, 8), 1 << 19);
    exec(sim, 2, jmp(0, 0));
    sim.write32(PIO0 + TXF + 8, set(Y, n));
    sim.write32(PIO0 + CTRL, 1 << 2);
    sim.run({ maxMs: (sim.nowNanos() + 1000) / 1e6 });
    sim.write32(PIO0 + CTRL, 0);
    assert.strictEqual(reg(sim, 2, Y), n, `${how === mov(MOV_EXEC, 0, OSR) ? 'MOV' : 'OUT'} EXEC ran SET Y, ${n}`);
    assert.strictEqual(sim.read32(PIO0 + SM(2, 0x0c)), 2, 'then went on at 2');
  }
  // IRQ set and clear with the relative index (SM 1: flag 4 | ((2 + 1) & 3) = 7)
  exec(sim, 1, irq(0, 0, 0x16));
  assert.strictEqual(sim.read32(PIO0 + IRQ), 1 << 7);
  exec(sim, 1, irq(1, 0, 0x16));
  assert.strictEqual(sim.read32(PIO0 + IRQ), 0);
});

test('PIO square wave: exact edges from the clock divider (integer and fractional) and delays; SET PINDIRS; GPIO toggles and the VCD record', () => {
  const { sim, wait, cyc } = idle({ record: true });
  const e = edges(sim, 3);
  funcsel(sim, 3, 6);                                    // GPIO3: PIO0
  load(sim, PIO0, [set(PINS, 1) | D(3), set(PINS, 0) | D(3)]);
  sim.write32(PIO0 + SM(0, 0x14), (1 << 26) | (3 << 5)); // SET_COUNT 1, SET_BASE 3
  sim.write32(PIO0 + SM(0, 4), execctrl(0, 1));
  sim.write32(PIO0 + SM(0, 0), 3 << 16);                 // CLKDIV 3
  exec(sim, 0, set(PINDIRS, 1));
  assert.deepStrictEqual(e.map(([, l]) => l), [0], 'SET PINDIRS: driven low');
  e.length = 0;
  exec(sim, 0, jmp(0, 0));
  const t0 = cyc();
  sim.write32(PIO0 + CTRL, 0x101);                       // enable, with CLKDIV_RESTART
  wait(24 * 8 * 10);
  const at = e.filter(([, l]) => l >= 0);
  assert.ok(at.length >= 18, JSON.stringify(at));
  // first tick 3 cycles after the divider's restart; an instruction and 3 delay ticks: 12 cycles per level
  assert.deepStrictEqual(at[0], [t0 + 3, 1], `first edge ${JSON.stringify(at[0])} after enable at ${t0}`);
  for (let i = 1; i < at.length; i++) {
    assert.strictEqual(at[i][0] - at[i - 1][0], 12, `edge ${i}: ${JSON.stringify(at.slice(i - 1, i + 1))}`);
    assert.strictEqual(at[i][1], i & 1 ? 0 : 1);
  }
  assert.ok(sim.toggles[3] >= at.length - 1, 'toggles counted');
  assert.ok(sim.gpioEvents.length > 0);
  // 2.5: 4 ticks = 10 cycles per level; a CLKDIV write takes effect at once, the phase kept
  sim.write32(PIO0 + SM(0, 0), (2 << 16) | (128 << 8));
  e.length = 0;
  wait(8 * 200);
  const f = e.filter(([, l]) => l >= 0);
  assert.ok(f.length >= 12);
  for (let i = 2; i < f.length; i++) assert.strictEqual(f[i][0] - f[i - 1][0], 10, JSON.stringify(f.slice(i - 1, i + 1)));
  // a CLKDIV write in the middle of a delay: the rest of it at the new rate, and never a tick before the write
  sim.write32(PIO0 + SM(0, 0), 100 << 16);
  wait(8 * 2450);
  sim.write32(PIO0 + SM(0, 0), 1 << 16);
  const w = cyc();
  e.length = 0;
  wait(8 * 20);
  assert.ok(e.length >= 1 && e[0][0] > w, `first edge ${JSON.stringify(e[0])} after the write at ${w}`);
  // disabled: the pin holds its level and nothing changes
  sim.write32(PIO0 + CTRL, 0);
  e.length = 0;
  wait(8 * 200);
  assert.strictEqual(e.length, 0);
  // the pin follows the PIO only while FUNCSEL selects it
  funcsel(sim, 3, 5);
  assert.strictEqual(sim.outLevel[3], -1, 'SIO does not drive it');
});

test('PIO side-set: optional enable bit, side-set on a stalled instruction, SIDE_PINDIR, priority over SET', () => {
  const { sim, wait, cyc } = idle();
  const e = edges(sim, 7);
  funcsel(sim, 7, 6);
  // .side_set 1 opt: SIDESET_COUNT 2 with SIDE_EN; bit 12 enable, bit 11 value, bits 10:8 delay
  const side = (v) => D((2 | v) << 3);
  load(sim, PIO0, [nop | side(1) | D(2), nop | D(1), nop | side(0), pull(0, 1) | side(1), set(PINS, 0) | side(1), jmp(0, 5)]);
  sim.write32(PIO0 + SM(0, 0x14), (2 << 29) | (7 << 10) | (1 << 26) | (7 << 5)); // SIDESET 2 at 7, SET 1 at 7
  sim.write32(PIO0 + SM(0, 4), execctrl(0, 31, 1 << 30));
  exec(sim, 0, set(PINDIRS, 1));
  e.length = 0;
  exec(sim, 0, jmp(0, 0));
  const t0 = cyc();
  sim.write32(PIO0 + CTRL, 1);
  wait(8 * 40);
  const lv = e.filter(([, l]) => l >= 0).map(([t, l]) => [t - t0, l]);
  // tick 1: high (and 2 delay ticks); tick 4: no side-set (1 delay); tick 6: low; tick 7: high while the PULL stalls
  assert.deepStrictEqual(lv, [[1, 1], [6, 0], [7, 1]]);
  assert.strictEqual(sim.read32(PIO0 + SM(0, 0x0c)), 3, 'stalled at the PULL');
  assert.ok(sim.read32(PIO0 + FDEBUG) & (1 << 24), 'TXSTALL');
  sim.write32(PIO0 + FDEBUG, 1 << 24);
  assert.strictEqual(sim.read32(PIO0 + FDEBUG), 0, 'FDEBUG: write 1 to clear');
  sim.write32(PIO0 + TXF, 0);
  wait(8 * 10);
  assert.strictEqual(sim.outLevel[7], 1, 'side-set 1 wins over SET PINS 0 in the same instruction');
  // SIDE_PINDIR: side-set drives the direction
  sim.write32(PIO0 + CTRL, 0);
  sim.write32(PIO0 + SM(0, 4), execctrl(0, 31, (1 << 30) | (1 << 29)));
  exec(sim, 0, nop | side(0));
  assert.strictEqual(sim.outLevel[7], -1, 'the pin is an input now');
  assert.strictEqual(sim.read32(PIO0 + 0x040) & (1 << 7), 0, 'DBG_PADOE');
});

test('PIO autopull and autopush with thresholds and shift directions; FSTAT, FLEVEL, FDEBUG; FIFO join', () => {
  const { sim, wait } = idle();
  // bytes out of the OSR (right shift, autopull at 32) into the ISR (left shift, autopush at 32)
  load(sim, PIO0, [out(X, 8), inp(X, 8)]);
  sim.write32(PIO0 + SM(0, 4), execctrl(0, 1));
  sim.write32(PIO0 + SM(0, 8), (1 << 19) | (1 << 17) | (1 << 16)); // OUT right, AUTOPULL, AUTOPUSH, thresholds 0 = 32
  exec(sim, 0, jmp(0, 0));
  sim.write32(PIO0 + TXF, 0xaabbccdd);
  sim.write32(PIO0 + TXF, 0x11223344);
  assert.strictEqual(sim.read32(PIO0 + FLEVEL) & 0xff, 2, 'FLEVEL TX0 2, RX0 0');
  sim.write32(PIO0 + CTRL, 1);
  wait(8 * 100);
  assert.strictEqual(sim.read32(PIO0 + FLEVEL) & 0xff, 0x20, 'RX0 2, TX0 0');
  assert.strictEqual(sim.read32(PIO0 + RXF), 0xddccbbaa);
  assert.strictEqual(sim.read32(PIO0 + RXF), 0x44332211);
  const fstat = sim.read32(PIO0 + FSTAT);
  assert.ok(fstat & (1 << 24) && fstat & (1 << 8), 'TXEMPTY and RXEMPTY');
  assert.ok(sim.read32(PIO0 + FDEBUG) & (1 << 24), 'TXSTALL: the OUT waits for a word');
  assert.strictEqual(sim.read32(PIO0 + RXF), 0, 'an empty RX FIFO reads 0');
  assert.ok(sim.read32(PIO0 + FDEBUG) & (1 << 8), 'RXUNDER');
  // thresholds: autopull every 16 bits (left shift), autopush every 8 bits (right shift)
  sim.write32(PIO0 + CTRL, 0);
  sim.write32(PIO0 + SM(0, 8), (16 << 25) | (8 << 20) | (1 << 18) | (1 << 17) | (1 << 16));
  sim.write32(PIO0 + CTRL, 1 << 4);                      // SM_RESTART: the OSR empty again
  exec(sim, 0, jmp(0, 0));
  sim.write32(PIO0 + TXF, 0x12345678);
  sim.write32(PIO0 + CTRL, 1);
  wait(8 * 100);
  // OUT left 8 takes 0x12 then 0x34; the threshold of 16 drops the rest and pulls the next word
  const got = [0, 1].map(() => sim.read32(PIO0 + RXF));
  assert.deepStrictEqual(got.map((v) => v.toString(16)), ['12000000', '34000000']);
  // the RX FIFO full: the IN with autopush stalls (RXSTALL); TX words written while full are lost (TXOVER)
  sim.write32(PIO0 + CTRL, 0);
  for (let i = 0; i < 4; i++) sim.write32(PIO0 + TXF, 0x01010101 * i);
  sim.write32(PIO0 + TXF, 5);
  assert.ok(sim.read32(PIO0 + FDEBUG) & (1 << 16), 'TXOVER');
  assert.ok(sim.read32(PIO0 + FSTAT) & (1 << 16), 'TXFULL');
  sim.write32(PIO0 + CTRL, 1);
  wait(8 * 100);
  assert.ok(sim.read32(PIO0 + FSTAT) & 1, 'RXFULL');
  assert.ok(sim.read32(PIO0 + FDEBUG) & 1, 'RXSTALL');
  assert.strictEqual(sim.read32(PIO0 + FLEVEL) & 0xff, 0x41, 'RX 4, TX 1 left (a word pulled at every other OUT)');
  // joined TX FIFO: 8 deep, RX none; changing the join flushes
  sim.write32(PIO0 + CTRL, 0);
  sim.write32(PIO0 + SM(1, 8), 1 << 30);
  for (let i = 0; i < 8; i++) sim.write32(PIO0 + TXF + 4, i);
  assert.strictEqual((sim.read32(PIO0 + FLEVEL) >>> 8) & 0xff, 8);
  assert.ok(sim.read32(PIO0 + FSTAT) & (1 << 17), 'TXFULL at 8');
  sim.write32(PIO0 + SM(1, 8), 0);
  assert.strictEqual((sim.read32(PIO0 + FLEVEL) >>> 8) & 0xff, 0, 'flushed');
});

/** WAIT GPIO and WAIT PIN on inputs driven from outside, through the synchronizers or bypassing them. */
function waitOnInputs(bypass) {
  const { sim, wait } = idle();
  if (bypass) sim.write32(PIO0 + 0x038, (1 << 20) | (1 << 21));
  const e = edges(sim, 4);
  funcsel(sim, 4, 6);
  // WAIT 1 GPIO 20; SET 1; WAIT 0 PIN 1 (IN_BASE 20: GPIO 21); SET 0; WAIT 0 GPIO 20
  load(sim, PIO0, [waitFor(1, 0, 20), set(PINS, 1), waitFor(0, 1, 1), set(PINS, 0), waitFor(0, 0, 20)]);
  sim.write32(PIO0 + SM(0, 4), execctrl(0, 4));
  sim.write32(PIO0 + SM(0, 0x14), (1 << 26) | (4 << 5) | (20 << 15));
  exec(sim, 0, set(PINDIRS, 1));
  e.length = 0;
  exec(sim, 0, jmp(0, 0));
  sim.setGpioInput(21, 1);
  sim.write32(PIO0 + CTRL, 1);
  const t = sim.nowNanos();
  // the cycles at which the inputs change (at the scheduler's step after their time)
  const changes = [];
  for (const p of [20, 21]) sim.watchPin(p, (l) => changes.push([p, l, sim.nowCycles()]));
  sim.scheduleInput(20, 1, (t + 4000) / 1e6);
  sim.scheduleInput(21, 0, (t + 9000) / 1e6);
  sim.scheduleInput(20, 0, (t + 9500) / 1e6);
  sim.scheduleInput(20, 1, (t + 12000) / 1e6);
  wait(20000);
  assert.deepStrictEqual(changes.map(([p, l]) => [p, l]), [[20, 1], [21, 0], [20, 0], [20, 1]]);
  const [a, b, , d] = changes.map((c) => c[2]);
  // the WAIT passes at the first tick after the change (bypassed; two ticks later through the synchronizers), the SET at the tick after it
  const s = bypass ? 0 : 2;
  assert.deepStrictEqual(e.filter(([, l]) => l >= 0), [[a + 2 + s, 1], [b + 2 + s, 0], [d + 2 + s, 1], [d + 4 + s, 0]]);
}
test('PIO WAIT on a GPIO driven from outside, and WAIT PIN from IN_BASE: the machine follows two cycles later (the input synchronizers)', () => waitOnInputs(false));
test('PIO WAIT on inputs with INPUT_SYNC_BYPASS set: the machine follows at its next tick', () => waitOnInputs(true));

test('PIO IRQ flags: an SM IRQ reaches the NVIC through IRQ0_INTE, IRQ WAIT with the relative index, IRQ_FORCE, INTR', () => {
  const { sim, wait } = idle();
  load(sim, PIO1, [irq(0, 1, 0x11), irq(0, 0, 0), jmp(0, 2)]); // IRQ WAIT 1 REL; IRQ 0; loop
  sim.write32(PIO1 + SM(2, 4), execctrl(0, 31));
  exec(sim, 2, jmp(0, 0), PIO1);
  sim.write32(PIO1 + IRQ0_INTE, 1 << 8);                 // SM0 flag (IRQ 0) on PIO1_IRQ_0
  sim.write32(PIO1 + IRQ1_INTE, 1 << 7);                 // TXNFULL of SM3 on PIO1_IRQ_1
  assert.ok(sim.cores[0].irqLines & (1 << 10) && sim.cores[1].irqLines & (1 << 10), 'PIO1_IRQ_1 (10): SM3 TX FIFO not full');
  sim.write32(PIO1 + CTRL, 1 << 2);
  wait(8 * 20);
  // SM2 + 1 relative: flag 3
  assert.strictEqual(sim.read32(PIO1 + IRQ), 1 << 3, 'flag 3 set, SM2 waits for it');
  assert.strictEqual(sim.cores[0].irqLines & (1 << 9), 0);
  assert.strictEqual(sim.read32(PIO1 + SM(2, 0x0c)), 0);
  sim.write32(PIO1 + IRQ, 1 << 3);                       // clear: SM2 goes on
  wait(8 * 20);
  assert.strictEqual(sim.read32(PIO1 + IRQ), 1, 'flag 0 set');
  assert.strictEqual(sim.read32(PIO1 + INTR) & 0xf00, 0x100);
  assert.strictEqual(sim.read32(PIO1 + IRQ0_INTS), 1 << 8);
  assert.ok(sim.cores[0].irqLines & (1 << 9) && sim.cores[1].irqLines & (1 << 9), 'PIO1_IRQ_0 (9) on both NVICs');
  assert.strictEqual(sim.cores[0].irqLines & (1 << 7), 0, 'not PIO0\'s');
  sim.write32(PIO1 + IRQ, 1);
  assert.strictEqual(sim.cores[0].irqLines & (1 << 9), 0, 'cleared');
  sim.write32(PIO1 + IRQ_FORCE, 1);
  assert.ok(sim.cores[0].irqLines & (1 << 9), 'IRQ_FORCE sets the flag');
  sim.write32(PIO1 + IRQ, 1);
  // the exact cycle: an SM raising flag 1 after a delay of 20 ticks at divider 4
  load(sim, PIO0, [nop | D(20), irq(0, 0, 1), jmp(0, 2)]);
  sim.write32(PIO0 + SM(0, 4), execctrl(0, 31));
  sim.write32(PIO0 + SM(0, 0), 4 << 16);
  sim.write32(PIO0 + IRQ0_INTE, 1 << 9);
  exec(sim, 0, jmp(0, 0));
  let at = -1;
  const core = sim.cores[0], set0 = core.setInterrupt.bind(core);
  core.setInterrupt = (n, v) => { if (n === 7 && v && at < 0) at = Math.round(sim.nanosToCycles(sim.nowNanos())); set0(n, v); };
  const t0 = Math.round(sim.nanosToCycles(sim.nowNanos()));
  sim.write32(PIO0 + CTRL, 0x101);                       // enable, with CLKDIV_RESTART
  wait(8 * 200);
  assert.strictEqual(at - t0, 4 * 22, 'raised at tick 22 of the restarted divider (the IRQ after 1 + 20 ticks)');
});

test('PIO DREQs pace the DMA: TX FIFO not full, RX FIFO not empty; words at the state machine\'s rate', () => {
  const { sim, wait } = idle();
  const src = 0x20010000, dst = 0x20011000, N = 64;
  for (let i = 0; i < N; i++) sim.write32(src + 4 * i, (i * 0x01020304) >>> 0);
  // each word: PULL, MOV X ~OSR, IN X 32 (autopush) with 5 delay ticks: 8 ticks at divider 2 = 16 cycles
  load(sim, PIO0, [pull(0, 1), mov(X, 1, OSR), inp(X, 32) | D(5)]);
  sim.write32(PIO0 + SM(0, 4), execctrl(0, 2));
  sim.write32(PIO0 + SM(0, 8), 1 << 16);
  sim.write32(PIO0 + SM(0, 0), 2 << 16);
  exec(sim, 0, jmp(0, 0));
  const ctrl = (ch, treq, incrR, incrW) => 1 | (2 << 2) | (incrR ? 0x10 : 0) | (incrW ? 0x20 : 0) | (ch << 11) | (treq << 15);
  sim.write32(DMA + 0x00, src); sim.write32(DMA + 0x04, PIO0 + TXF); sim.write32(DMA + 0x08, N);
  sim.write32(DMA + 0x0c, ctrl(0, 0, true, false));         // DREQ_PIO0_TX0
  sim.write32(DMA + 0x40, PIO0 + RXF); sim.write32(DMA + 0x44, dst); sim.write32(DMA + 0x48, N);
  sim.write32(DMA + 0x4c, ctrl(1, 4, false, true));         // DREQ_PIO0_RX0
  wait(8 * 50);
  assert.strictEqual(sim.read32(PIO0 + FLEVEL) & 0xf, 4, 'the TX FIFO filled to 4 and no further');
  assert.strictEqual(sim.read32(PIO0 + FDEBUG), 0, 'no TXOVER');
  sim.write32(PIO0 + CTRL, 1);
  wait(N * 16 * 8 - 8 * 40);
  assert.ok(sim.read32(DMA + 0x4c) & (1 << 24), 'the RX channel is still busy before N words\' time');
  wait(8 * 100);
  assert.strictEqual(sim.read32(DMA + 0x4c) & (1 << 24), 0, 'done');
  for (let i = 0; i < N; i++) assert.strictEqual(sim.read32(dst + 4 * i), ~(i * 0x01020304) >>> 0, `word ${i}`);
  assert.strictEqual(sim.read32(PIO0 + FDEBUG) & 0x00ff00ff, 0, 'no data lost');
});

test('PIO: CTRL enable, SM_RESTART and CLKDIV_RESTART; nothing runs while no state machine is enabled', () => {
  const { sim, wait, cyc } = idle();
  assert.strictEqual(sim.pioOn, false);
  assert.strictEqual(sim.pioNextCycle(), Infinity);
  // two machines enabled together with CLKDIV_RESTART run in step
  const e5 = edges(sim, 5), e6 = edges(sim, 6);
  funcsel(sim, 5, 6); funcsel(sim, 6, 6);
  load(sim, PIO0, [set(PINS, 1) | D(1), set(PINS, 0) | D(1)]);
  for (const [n, pin] of [[0, 5], [1, 6]]) {
    sim.write32(PIO0 + SM(n, 4), execctrl(0, 1));
    sim.write32(PIO0 + SM(n, 0x14), (1 << 26) | (pin << 5));
    sim.write32(PIO0 + SM(n, 0), (5 << 16) | (64 << 8));
    exec(sim, n, set(PINDIRS, 1));
    exec(sim, n, jmp(0, 0));
  }
  sim.write32(PIO0 + CTRL, 1);
  wait(8 * 7);
  sim.write32(PIO0 + CTRL, 0x300 | 3);                   // CLKDIV_RESTART both, enable both
  e5.length = 0; e6.length = 0;
  wait(8 * 200);
  assert.ok(e5.length > 10);
  assert.deepStrictEqual(e5.map(([t]) => t), e6.map(([t]) => t), 'in step: the same ticks (SM 0 half a period ahead in its program)');
  // a stalled machine sleeps: no next tick; SM_RESTART ends the stall
  load(sim, PIO0, [pull(0, 1), jmp(0, 0)], 10);
  sim.write32(PIO0 + CTRL, 0);
  sim.write32(PIO0 + SM(2, 4), execctrl(10, 11));
  exec(sim, 2, jmp(0, 10));
  sim.write32(PIO0 + CTRL, 1 << 2);
  wait(8 * 10);
  assert.strictEqual(sim.pioNextCycle(), Infinity, 'asleep on the PULL');
  wait(8 * 1000);
  sim.write32(PIO0 + CTRL, (1 << 6) | (1 << 2));        // SM_RESTART: the PULL again at the next tick, not one in the past
  assert.strictEqual(sim.pioNextCycle(), cyc() + 1);
  wait(8 * 10);
  assert.strictEqual(sim.pioNextCycle(), Infinity, 'asleep again');
  sim.write32(PIO0 + SM(2, 0x10), jmp(0, 11));          // SMx_INSTR on an enabled machine: at its next tick
  wait(8 * 10);
  assert.notStrictEqual(sim.pioNextCycle(), Infinity);
  sim.write32(PIO0 + CTRL, 0);
  assert.strictEqual(sim.pioOn, false);
  // a forced instruction that stalls on a disabled machine shows EXEC_STALLED
  exec(sim, 3, pull(0, 1));
  assert.ok(sim.read32(PIO0 + SM(3, 4)) & (1 << 31), 'EXEC_STALLED');
  sim.write32(PIO0 + CTRL, 1 << 7);                      // SM_RESTART clears it
  assert.strictEqual(sim.read32(PIO0 + SM(3, 4)) & (1 << 31), 0);
});

test('PIO: SM_ENABLE neither restarts nor stops the clock divider: the machine runs from the next tick of the divider as CLKDIV_RESTART last phased it', () => {
  const { sim, wait, cyc } = idle();
  const e = edges(sim, 7);
  funcsel(sim, 7, 6);
  load(sim, PIO0, [set(PINS, 1), set(PINS, 0)]);
  sim.write32(PIO0 + SM(0, 4), execctrl(0, 1));
  sim.write32(PIO0 + SM(0, 0x14), (1 << 26) | (7 << 5));
  sim.write32(PIO0 + SM(0, 0), 100 << 16);               // CLKDIV 100
  exec(sim, 0, set(PINDIRS, 1));
  exec(sim, 0, jmp(0, 0));
  const r = cyc();
  sim.write32(PIO0 + CTRL, 1 << 8);                      // CLKDIV_RESTART, the machine disabled
  wait(8 * 30);
  sim.write32(PIO0 + CTRL, 1);                           // enabled 30 cycles into the divider's period
  wait(8 * 1000);
  // e[0]: SET PINDIRS driving the pin low; then a SET each tick
  assert.ok(e.length >= 8, JSON.stringify(e));
  assert.deepStrictEqual(e[1], [r + 100, 1], `first tick ${e[1][0] - r} cycles after the restart, not at the divider's next tick (100)`);
  // disabled, and enabled again 250 cycles later: still on the ticks the restart set
  sim.write32(PIO0 + CTRL, 0);
  const first = e.length;
  wait(8 * 250);
  const again = cyc();
  sim.write32(PIO0 + CTRL, 1);
  wait(8 * 1000);
  assert.ok(e.length > first + 4 && e[first][0] > again, 'it runs again after the second enable');
  for (const [c] of e.slice(1)) assert.strictEqual((c - r) % 100, 0, `an edge at cycle ${c - r} from the restart, off the divider's ticks`);
});

test('PIO running and observed: a PWM output\'s edges (alarms the PIO\'s ticks bring due) are recorded at their own time, not the core\'s', () => {
  // the logic_analyser example: PWM slice 0 (TOP 3, DIV 4, CC A 1) on GPIO 16 while a PIO machine runs with its interrupt enabled
  const { sim, wait } = idle();
  const PWM = 0x40050000;
  funcsel(sim, 16, 4);
  const e = edges(sim, 16);
  load(sim, PIO0, [jmp(0, 0)]);
  sim.write32(PIO0 + IRQ0_INTE, 1 << 8);  // SM IRQ flag 0: never set, but the block is observed: the cores stop at each tick
  sim.write32(PIO0 + CTRL, 1);
  sim.write32(PWM + 0x10, 3);
  sim.write32(PWM + 0x04, 4 << 4);
  sim.write32(PWM + 0x0c, 1);
  sim.write32(PWM + 0x00, 1);
  wait(20000);
  const rises = e.filter(([, l]) => l === 1).map(([c]) => c), falls = e.filter(([, l]) => l === 0).map(([c]) => c);
  assert.ok(rises.length > 100, `${rises.length} periods`);
  for (let i = 1; i < rises.length; i++) assert.strictEqual(rises[i] - rises[i - 1], 16, `period ${i}: ${JSON.stringify(e.slice(2 * i - 2, 2 * i + 2))}`);
  for (const r of rises) assert.ok(falls.includes(r + 4), `no fall 4 cycles after the rise at ${r}`);
});

test('PIO input synchronizers: a WAIT that starts while its pin\'s change is still in them passes when the change comes through', () => {
  // SM0 raises GPIO 6 at its first tick; SM1 reaches WAIT 1 GPIO 6 one cycle later, before the change is seen
  // (the manchester_encoding example's receiver does this at every bit): it must pass 3 cycles after the change
  const { sim, wait, cyc } = idle();
  const e6 = edges(sim, 6), e7 = edges(sim, 7);
  funcsel(sim, 6, 6);
  funcsel(sim, 7, 6);
  load(sim, PIO0, [set(PINS, 1), jmp(0, 1), nop, waitFor(1, 0, 6), set(PINS, 1), jmp(0, 5)]);
  sim.write32(PIO0 + SM(0, 0x14), (1 << 26) | (6 << 5));
  sim.write32(PIO0 + SM(1, 0x14), (1 << 26) | (7 << 5));
  exec(sim, 0, set(PINDIRS, 1));
  exec(sim, 1, set(PINDIRS, 1));
  exec(sim, 1, jmp(0, 2));
  e6.length = 0;
  e7.length = 0;
  sim.write32(PIO0 + CTRL, 3);
  wait(2000);
  assert.ok(cyc() > e6[0][0] + 100);
  assert.strictEqual(e6.length, 1);
  assert.deepStrictEqual(e7, [[e6[0][0] + 4, 1]], 'WAIT passes 3 cycles after the change, SET the cycle after');
});
