#!/usr/bin/env node
'use strict';
// tandem-sim's speed with a debugger attached: bench_spin.elf (both cores in
// a compute loop, 52.8 M instructions) run to its end
//   plain        without a debugger (Simulator.run, as bench.js)
//   attached     GDB server and a protocol client, continue to the end
//   breakpoints  the same with 4 breakpoints set where the program never goes
//   watchpoint   the same with a write watchpoint on a word it never touches
//   watch-gone   a watchpoint set and removed again before continuing
// Each run is a process of its own (no JIT state shared between modes);
// BENCH_RUNS rounds of one run per mode (default 3), the medians reported,
// and each mode's speed as a share of the plain run's in the same round. Checks its own
// work: every run must end with the firmware's exit 0 and execute exactly
// the instructions of the run without a debugger.
//
//   node sim/bench/gdb-bench.js bench_spin.elf
const path = require('path');
const { rounds, summarise, attach } = require('./rounds');

const MODES = ['plain', 'attached', 'breakpoints', 'watchpoint', 'watch-gone'];

async function one(fw, mode) {
  const { Simulator } = require('../lib');
  const sim = new Simulator();
  sim.loadFile(fw);
  if (mode === 'plain') {
    const t0 = process.hrtime.bigint();
    const r = sim.run({ maxMs: 10000 });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    return { ok: r.reason === 'bkpt' && r.code === 0, secs, instr: sim.cores[0].instructions + sim.cores[1].instructions, why: JSON.stringify(r) };
  }
  const { c, ended } = await attach(sim, 10000);
  const ok = async (p) => { const r = await c.request(p); if (r !== 'OK') throw new Error(`${p}: ${r}`); };
  if (mode === 'breakpoints') {
    for (const a of [0x10080000, 0x10080100, 0x10090000, 0x100a0000]) await ok(`Z0,${a.toString(16)},2`);
  }
  if (mode === 'watchpoint' || mode === 'watch-gone') await ok('Z2,20030000,4');
  if (mode === 'watch-gone') await ok('z2,20030000,4');
  const t0 = process.hrtime.bigint();
  const reply = await c.request('vCont;c', 600000);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const r = await ended;
  return { ok: reply === 'W00' && r.reason === 'bkpt' && r.code === 0, secs, instr: sim.cores[0].instructions + sim.cores[1].instructions, why: `reply ${reply}, ${JSON.stringify(r)}` };
}

async function main() {
  const fw = process.argv[2] || path.join(__dirname, '../../build/sim/fw/bench_spin.elf');
  if (process.argv[3] === '--one') {
    const res = await one(fw, process.argv[4]);
    process.stdout.write(JSON.stringify(res) + '\n');
    process.exit(0);
  }
  const runs = Number(process.env.BENCH_RUNS || 3);
  let failed = 0, instrPlain = null;
  const rs = rounds(__filename, fw, MODES, runs, (mode, r) => {
    if (!r.ok) { console.log(`BENCH-FAIL sim_gdb_${mode}: the firmware did not end cleanly (${r.why})`); failed++; }
    if (instrPlain === null) instrPlain = r.instr;
    if (r.instr !== instrPlain) { console.log(`BENCH-FAIL sim_gdb_${mode}: ${r.instr} instructions executed, ${instrPlain} without a debugger`); failed++; }
    r.rate = r.instr / r.secs;
  });
  const { med, ratio } = summarise(rs, MODES, (r) => r.rate);
  const M = (v) => (v / 1e6).toFixed(2);
  console.log(`tandem-sim speed, both cores busy (median of ${runs} runs each, ${instrPlain} instructions per run):`);
  for (const mode of MODES) {
    console.log(`  ${mode.padEnd(12)} ${M(med[mode]).padStart(6)} M instructions/s  (${ratio[mode].toFixed(2)} of plain, median of the rounds' ratios)`);
  }
  console.log(`BENCH sim_gdb_plain_instr_per_s ${Math.round(med.plain)} instr/s`);
  console.log(`BENCH sim_gdb_attached_instr_per_s ${Math.round(med.attached)} instr/s`);
  console.log(`BENCH sim_gdb_breakpoints_instr_per_s ${Math.round(med.breakpoints)} instr/s`);
  console.log(`BENCH sim_gdb_watchpoint_instr_per_s ${Math.round(med.watchpoint)} instr/s`);
  console.log(`BENCH sim_gdb_watch_gone_instr_per_s ${Math.round(med['watch-gone'])} instr/s`);
  console.log(`BENCH sim_gdb_attached_ratio ${ratio.attached.toFixed(3)} ratio`);
  console.log(`BENCH sim_gdb_watchpoint_ratio ${ratio.watchpoint.toFixed(3)} ratio`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`BENCH-FAIL sim_gdb: ${e.message}`); process.exit(1); });
