#!/usr/bin/env node
'use strict';
// make bench-sim: instructions per second of the emulator with both cores
// busy (bench_spin.elf: both cores in a compute loop). Prints the measured
// figure and a machine-readable line; fails if the run does not end cleanly.
const path = require('path');
const { Simulator } = require('../lib');

const fw = process.argv[2] || path.join(__dirname, '../../build/sim/fw/bench_spin.elf');
const runs = Number(process.env.BENCH_RUNS || 3);
const results = [];
for (let i = 0; i < runs; i++) {
  const sim = new Simulator();
  sim.loadFile(fw);
  const t0 = process.hrtime.bigint();
  const r = sim.run({ maxMs: 10000 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.reason !== 'bkpt' || r.code !== 0) {
    console.error(`bench-sim: benchmark firmware did not finish cleanly: ${JSON.stringify(r)}`);
    process.exit(1);
  }
  const [c0, c1] = sim.cores;
  const instr = c0.instructions + c1.instructions;
  const busy = Math.min(c0.instructions, c1.instructions) / Math.max(c0.instructions, c1.instructions);
  results.push({ secs, instr, rate: instr / secs, busy, simTime: sim.timeSeconds });
}
results.sort((a, b) => a.rate - b.rate);
const med = results[Math.floor(results.length / 2)];
console.log(`tandem-sim speed: ${(med.rate / 1e6).toFixed(2)} M instructions/s with both cores busy ` +
  `(median of ${runs} runs; ${med.instr} instructions, ${(med.simTime * 1e3).toFixed(1)} ms simulated in ${med.secs.toFixed(2)} s; ` +
  `min ${(results[0].rate / 1e6).toFixed(2)}, max ${(results[results.length - 1].rate / 1e6).toFixed(2)} M/s)`);
console.log(`BENCH sim_instr_per_s ${Math.round(med.rate)}`);
