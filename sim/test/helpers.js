'use strict';
// Shared helpers of the simulator's node tests.
const fs = require('fs');
const path = require('path');
const { Simulator } = require('../lib');
const { spawnLimited, ended } = require('../lib/cpu-limit');

const FW_DIR = process.env.TANDEM_SIM_FW || path.join(__dirname, '../../build/sim/fw');
const CLI = path.join(__dirname, '..', 'tandem-sim');

/** Path of a test firmware image (built by `make sim-fw`). */
function fw(name) {
  const p = path.join(FW_DIR, `${name}.elf`);
  if (!fs.existsSync(p)) throw new Error(`test firmware ${p} is missing: run 'make sim-fw'`);
  return p;
}

/** Build a simulator with `name` loaded; `setup(sim)` runs before the run. Returns {sim, r, lines, out}. */
function run(name, { maxMs = 1000, setup, until, record } = {}) {
  const sim = new Simulator({ record });
  const lines = [];
  sim.on('line', (l) => lines.push(l));
  sim.loadFile(fw(name));
  if (setup) setup(sim);
  const r = sim.run({ maxMs, until });
  const out = lines.map((l) => l.text).join('\n');
  return { sim, r, lines, out };
}

/** Assert the run ended in bkpt #0; otherwise explain with the console output. */
function assertPass(assert, res) {
  const { r, out } = res;
  assert.ok(r.reason === 'bkpt' && r.code === 0, `expected bkpt #0, got ${JSON.stringify(r)}\nconsole:\n${out}`);
}

/*
 * Run the command line. Each run is a fixed amount of computing (bounded in
 * emulated time by its options), so it is bounded by its CPU time
 * (TANDEM_SIM_TEST_CPU seconds, default 120), which a loaded machine does not
 * stretch; the wall clock, half an hour, only ends a run that waits without
 * computing. A run ended by either has code null and says so in stderr.
 */
const CLI_LIMITS = { cpu: Number(process.env.TANDEM_SIM_TEST_CPU) || 120, wallMs: 30 * 60 * 1000 };
function cli(args, opts = {}) {
  const p = spawnLimited(process.execPath, [CLI, ...args], { encoding: 'utf8', ...CLI_LIMITS, ...opts });
  const why = ended(p, { ...CLI_LIMITS, ...opts });
  return { code: p.status, stdout: p.stdout, stderr: (p.stderr || '') + (why ? `\ntandem-sim: ${why}` : '') };
}

/** Write a UF2 image of the PT_LOAD flash segments of an ELF file, with the given family id. */
function elfToUf2(elfPath, family = 0xe48bff56, mutate) {
  const { parseElf } = require('../lib');
  const elf = parseElf(fs.readFileSync(elfPath));
  const flash = new Map();
  for (const s of elf.segments) {
    if (s.paddr < 0x10000000 || s.paddr >= 0x11000000) continue;
    for (let i = 0; i < s.data.length; i++) {
      const a = s.paddr + i;
      const page = a & ~0xff;
      if (!flash.has(page)) flash.set(page, Buffer.alloc(256));
      flash.get(page)[a & 0xff] = s.data[i];
    }
  }
  const pages = [...flash.keys()].sort((a, b) => a - b);
  if (mutate) mutate(flash);
  const out = Buffer.alloc(512 * pages.length);
  pages.forEach((addr, n) => {
    const b = out.subarray(512 * n, 512 * (n + 1));
    b.writeUInt32LE(0x0a324655, 0);
    b.writeUInt32LE(0x9e5d5157, 4);
    b.writeUInt32LE(0x2000, 8);
    b.writeUInt32LE(addr >>> 0, 12);
    b.writeUInt32LE(256, 16);
    b.writeUInt32LE(n, 20);
    b.writeUInt32LE(pages.length, 24);
    b.writeUInt32LE(family >>> 0, 28);
    flash.get(addr).copy(b, 32);
    b.writeUInt32LE(0x0ab16f30, 508);
  });
  return out;
}

/** Numbers printed as "key=value" on the console. */
function values(out) {
  const v = {};
  for (const m of out.matchAll(/(\w+)=(0x[0-9a-f]+|-?\d+)/g)) v[m[1]] = Number(m[2]);
  return v;
}

/*
 * The cross toolchain's tool `name` (gcc, objdump) for test t. `make
 * test-sim` names the toolchain's prefix (TANDEM_SIM_CROSS, its CROSS): it
 * built the test firmware with it, so the tool must work and a test that
 * finds it broken fails. Run by hand without it, a test whose tool is not
 * installed is skipped, saying so ("SKIP name: reason"); returns null then.
 */
function crossTool(t, name) {
  const prefix = process.env.TANDEM_SIM_CROSS;
  const tool = `${prefix || 'arm-none-eabi-'}${name}`;
  if (prefix) return tool;
  try {
    require('child_process').execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return tool;
  } catch (e) {
    t.skip(`${tool} not installed (make test-sim runs it with the toolchain it builds with)`);
    return null;
  }
}

/** A simulator past t_idle's clock set-up, and a helper to let `ns` of simulated time pass. */
function idle(opts = {}) {
  const sim = new Simulator(opts);
  sim.loadFile(fw('t_idle'));
  const r = sim.run({ maxMs: 50, until: /^idle$/ });
  if (r.reason !== 'until') throw new Error(`t_idle did not reach its idle loop: ${JSON.stringify(r)}`);
  const wait = (ns) => sim.run({ maxMs: (sim.nowNanos() + ns) / 1e6 });
  return { sim, wait };
}

module.exports = { fw, run, idle, assertPass, cli, elfToUf2, values, crossTool, FW_DIR, CLI };
