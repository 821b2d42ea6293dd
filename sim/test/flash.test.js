'use strict';
// The flash model (lib/flash.js): the ROM's flash functions, their timing,
// XIP unavailable while the flash is out of XIP mode, boot2 re-entry, the
// XIP cache, power cuts and the flash file.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { run, assertPass, cli, fw, values } = require('./helpers');
const { prng, T_SE, T_PP, CAPACITY } = require('../lib/flash');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-flash-test-'));
const OFFS = 0x100000;
const mode = (m) => (sim) => sim.write32(sim.symbol('test_mode'), m);
// one page program through the ROM: write enable + command + address + 256 bytes at clk_sys / 6
const PAGE_US = T_PP / 1e3 + (1 + 4 + 256) * 8 * 6 / 125;

test('flash: ROM erase and program from RAM while core 1 runs from RAM: contents, timing, program only clears bits', () => {
  const res = run('t_flash', { setup: mode(0), maxMs: 500 });
  assertPass(assert, res);
  const v = values(res.out);
  assert.ok(v.erase_us >= T_SE / 1e3 && v.erase_us <= T_SE / 1e3 + 3, `erase took ${v.erase_us} us`);
  assert.ok(Math.abs(v.program_us - 2 * PAGE_US) <= 2, `two pages took ${v.program_us} us, expected ${2 * PAGE_US}`);
  assert.strictEqual(v.and_bad, 0);
  assert.strictEqual(v.c1_count_moved, 1, 'core 1 kept running in RAM');
  const st = res.sim.stats().flash;
  assert.strictEqual(st.sector_erases, 1);
  assert.strictEqual(st.page_programs, 3);
  assert.strictEqual(st.xip_violations, 0);
});

test('flash: core 1 fetching from flash while core 0 has the flash out of XIP mode stops the run (core, pc, address)', () => {
  const res = run('t_flash', { setup: mode(1), maxMs: 500 });
  assert.strictEqual(res.r.reason, 'xip', JSON.stringify(res.r));
  assert.strictEqual(res.r.core, 1);
  const loop = res.sim.symbol('core1_flash_loop');
  assert.ok(res.r.pc >= loop && res.r.pc < loop + 16, `pc 0x${res.r.pc.toString(16)} not in core1_flash_loop`);
  assert.strictEqual(res.r.address, res.r.pc);
  assert.match(res.r.message, /core 1 fetched an instruction at 0x1/);
});

test('flash: a data read of flash after flash_exit_xip is reported with the reading pc in RAM', () => {
  const res = run('t_flash', { setup: mode(2), maxMs: 500 });
  assert.strictEqual(res.r.reason, 'xip', JSON.stringify(res.r));
  assert.strictEqual(res.r.core, 0);
  assert.strictEqual(res.r.address, res.sim.symbol('in_flash'));
  assert.ok(res.r.pc >= 0x20000000 && res.r.pc < 0x20042000, 'the read was made by code in RAM');
  assert.match(res.r.message, /read data at .* serial commands, not XIP reads \(flash_exit_xip\)/);
  assert.ok(!/read 0x/.test(res.out), 'the program did not go on');
});

test('flash: XIP restored by calling the quad boot2 from RAM (continuous-read mode left by flash_exit_xip, entered again)', () => {
  const res = run('q_flash', { setup: mode(3), maxMs: 500 });
  assertPass(assert, res);
  const v = values(res.out);
  assert.strictEqual(v.bad, 0);
  assert.strictEqual(v.spi_ctrlr0 >>> 24, 0xa0, 'boot2 left XIP in continuous-read mode (no command)');
});

test('flash: an erase through the SSI keeps BUSY set for the sector erase time', () => {
  const res = run('t_flash', { setup: mode(4), maxMs: 500 });
  assertPass(assert, res);
  const v = values(res.out);
  assert.ok(v.ssi_erase_us >= T_SE / 1e3 - 1 && v.ssi_erase_us <= T_SE / 1e3 + 2, `BUSY for ${v.ssi_erase_us} us`);
  assert.ok(v.polls > 1000);
  assert.strictEqual(v.erased, 1);
});

test('flash: reading through the XIP cache after programming without flash_flush_cache is warned about', () => {
  const res = run('t_flash', { setup: mode(5), maxMs: 500 });
  assertPass(assert, res);
  assert.ok([...res.sim.warnings.keys()].some((k) => /without a cache flush/.test(k)));
  const clean = run('t_flash', { setup: mode(0), maxMs: 500 });
  assert.ok(![...clean.sim.warnings.keys()].some((k) => /cache flush/.test(k)), 'no warning when the cache is flushed');
});

/** Run mode 6 (three sector erases) with flash [OFFS, OFFS + 12K) holding a pattern; cut at `cut` if given. */
function erases(cut, seed = 7) {
  return run('t_flash', {
    maxMs: 500,
    setup: (sim) => {
      mode(6)(sim);
      for (let i = 0; i < 3 * 4096; i++) sim.mcu.flash[OFFS + i] = (i * 13 + 5) & 0xff;
      if (cut !== undefined) { sim.powerCutCycle = cut; sim.flash.rng = prng(seed); }
    },
  });
}
const pattern = (i) => (i * 13 + 5) & 0xff;

test('flash: a power cut in the middle of the second of three erases: first erased, second half done, third untouched', () => {
  const full = erases();
  assertPass(assert, full);
  const m = full.out.match(/erase_at=(\d+),(\d+),(\d+)/);
  assert.ok(m, full.out);
  const at = m.slice(1).map(Number);
  assert.ok(at[1] - at[0] >= T_SE * 0.125, full.out);
  const models = new Set();
  for (let seed = 1; seed <= 12; seed++) {
    const cut = at[1] + Math.round(T_SE * 0.125 * 0.5);      // half way through erase 2 (125 cycles per us)
    const res = erases(cut, seed);
    assert.strictEqual(res.r.reason, 'powercut', JSON.stringify(res.r));
    assert.strictEqual(res.r.cycle, cut);
    const info = res.r.flash;
    assert.strictEqual(info.kind, 'erase');
    assert.strictEqual(info.addr, OFFS + 4096);
    assert.ok(info.fraction > 0.45 && info.fraction < 0.55, `fraction ${info.fraction}`);
    models.add(info.model);
    const f = res.sim.mcu.flash;
    for (let i = 0; i < 4096; i++) assert.strictEqual(f[OFFS + i], 0xff, 'first sector erased');
    let same = 0, ff = 0;
    for (let i = 4096; i < 8192; i++) { same += f[OFFS + i] === pattern(i); ff += f[OFFS + i] === 0xff; }
    assert.ok(same < 4096 && ff < 4096, `second sector neither untouched nor erased (${info.model}: ${same} old, ${ff} erased)`);
    for (let i = 8192; i < 12288; i++) assert.strictEqual(f[OFFS + i], pattern(i), 'third sector untouched');
    assert.ok(res.sim.cores.every((c) => c.state === 4), 'both cores stopped');
  }
  assert.deepStrictEqual([...models].sort(), ['erasing', 'garbage', 'preprogram'], 'every erase model drawn');
});

test('flash: a power cut during a page program leaves a state between the old and the new contents', () => {
  const models = new Set();
  for (let seed = 1; seed <= 16; seed++) {
    // mode 5 (core 1 not started) erases, then programs: cut inside the first page's busy time
    let progStart;
    const res = run('t_flash', {
      maxMs: 500,
      setup: (sim) => {
        mode(5)(sim);
        sim.flash.rng = prng(seed);
        const orig = sim.flash.programOp.bind(sim.flash);
        sim.flash.programOp = (a, d, t) => {
          const end = orig(a, d, t);
          if (progStart === undefined) {
            progStart = end - T_PP;
            sim.powerCutCycle = Math.round(sim.nanosToCycles(progStart + T_PP * (seed / 17)));
            sim.resched = true;                            // the running batch ends at the new bound
          }
          return end;
        };
      },
    });
    assert.strictEqual(res.r.reason, 'powercut', JSON.stringify(res.r));
    const info = res.r.flash;
    assert.strictEqual(info.kind, 'program');
    models.add(info.model);
    const f = res.sim.mcu.flash;
    const page = (i) => (i * 7 + 1) & 0xff;
    let programmed = 0;
    for (let i = 0; i < 256; i++) {
      const r = f[OFFS + i], want = page(i);
      assert.strictEqual(r & want, want, `byte ${i}: only bits to be cleared may be cleared`);
      programmed += r === want;
    }
    assert.ok(programmed < 256, 'not fully programmed');
    for (let i = 256; i < 4096; i++) assert.strictEqual(f[OFFS + i], 0xff, 'the rest untouched');
  }
  assert.deepStrictEqual([...models].sort(), ['prefix', 'scatter']);
});

test('CLI: --flash-file keeps the flash between runs; the image is written over it as a UF2 copy would', () => {
  const file = path.join(tmp, 'flash.bin');
  const { parseElf } = require('../lib');
  const imageEnd = Math.max(...parseElf(fs.readFileSync(fw('t_flash'))).segments
    .filter((s) => s.paddr >= 0x10000000 && s.paddr < 0x11000000).map((s) => s.paddr - 0x10000000 + s.data.length));
  assert.ok(imageEnd % 4096 < 4000, 'room after the image in its last sector');
  const blank = Buffer.alloc(CAPACITY, 0xff);
  blank[0x1f0000] = 0x42;                                  // a byte outside the image and outside OFFS
  blank[imageEnd + 8] = 0x00;                              // a byte after the image, in its last sector
  fs.writeFileSync(file, blank);
  let p = cli([fw('t_flash'), '--flash-file', file, '--max-ms', '500']);
  assert.strictEqual(p.code, 0, p.stderr);
  let b = fs.readFileSync(file);
  assert.strictEqual(b.length, CAPACITY);
  const page = (i) => (i * 7 + 1) & 0x0f & 0xff;
  for (let i = 0; i < 256; i++) assert.strictEqual(b[OFFS + i], page(i));
  assert.strictEqual(b[0x1f0000], 0x42, 'sectors the image does not touch keep their contents');
  assert.strictEqual(b[imageEnd + 8], 0xff, 'the image sectors were erased before the image was written');
  // a second run: the image is written again, the rest is kept
  p = cli([fw('t_flash'), '--flash-file', file, '--max-ms', '500', '--gpio-in', '3=1', '--gpio-in', '4=1']);  // mode 6
  assert.strictEqual(p.code, 0, p.stderr);
  b = fs.readFileSync(file);
  assert.strictEqual(b[0x1f0000], 0x42);
  for (let i = 0; i < 3 * 4096; i++) assert.strictEqual(b[OFFS + i], 0xff, 'mode 6 erased three sectors');
});

test('CLI: --power-cut-at ends the run with exit 113 and the flash file holds the half-done state; --power-cut-random is reproducible', () => {
  const file = path.join(tmp, 'cut.bin');
  fs.rmSync(file, { force: true });
  const json = path.join(tmp, 'cut.json');
  // mode 6 erases sectors starting near cycle 23 000: cut a quarter into the first erase
  let p = cli([fw('t_flash'), '--flash-file', file, '--max-ms', '500', '--gpio-in', '3=1', '--gpio-in', '4=1',
    '--power-cut-at', String(2000000), '--json', json]);
  assert.strictEqual(p.code, 113, p.stderr);
  assert.match(p.stderr, /power cut at cycle 2000000: erase at flash offset 0x100000 interrupted/);
  const j = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.strictEqual(j.exit.reason, 'powercut');
  assert.strictEqual(j.exit.cycle, 2000000);
  assert.strictEqual(j.flash.power_cut.kind, 'erase');
  assert.ok(fs.existsSync(file));
  const a = path.join(tmp, 'r1.bin'), b = path.join(tmp, 'r2.bin');
  const runs = [a, b].map((f) => cli([fw('t_flash'), '--flash-file', f, '--max-ms', '150', '--gpio-in', '3=1', '--gpio-in', '4=1',
    '--power-cut-random', '99', '--json', json]));
  assert.strictEqual(runs[0].code, 113, runs[0].stderr);
  assert.strictEqual(runs[0].stderr, runs[1].stderr, 'the same seed cuts at the same cycle');
  assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)), 'and leaves the same flash');
});

test('CLI: flash option errors: both cuts (120), a flash file of the wrong size (121)', () => {
  let p = cli([fw('t_flash'), '--power-cut-at', '5', '--power-cut-random', '1']);
  assert.strictEqual(p.code, 120);
  assert.match(p.stderr, /exclude each other/);
  p = cli([fw('t_flash'), '--power-cut-at', 'x']);
  assert.strictEqual(p.code, 120);
  const small = path.join(tmp, 'small.bin');
  fs.writeFileSync(small, Buffer.alloc(1000));
  p = cli([fw('t_flash'), '--flash-file', small]);
  assert.strictEqual(p.code, 121);
  assert.match(p.stderr, /1000 bytes, expected 2097152/);
  assert.strictEqual(p.stderr.trim().split('\n').length, 1);
});

test('CLI: an XIP violation exits 112 with the core, pc and address', () => {
  const p = cli([fw('t_flash'), '--max-ms', '500', '--gpio-in', '2=1']);   // mode 1
  assert.strictEqual(p.code, 112, p.stderr);
  assert.match(p.stderr, /core 1 fetched an instruction at 0x1[0-9a-f]{7} \(pc 0x1[0-9a-f]{7}\) while XIP was unavailable/);
});
