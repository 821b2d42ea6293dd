#!/usr/bin/env node
'use strict';
// tandem-sim's speed with the kernel's trace on and with a debugger
// attached, beside its plain speed, measured in the same run; and the cost
// of one trace event on the target in a ring build (docs/performance.md).
//
// The image: the msg benchmark built with TRACE=sim (both cores busy
// sending messages, switching threads and taking FIFO interrupts), its busy
// part timed (from WARM_MS to BOUND_MS of simulated time) in each mode:
//   plain        no trace, no debugger (Simulator.run)
//   trace        the kernel's trace recorded (what --trace-out does while
//                the program runs; the JSON written after it is timed apart)
//   gdb          a GDB protocol client attached, continue to the bound
//   gdb+trace    both
// Speed: simulated cycles (per core) over the CPU time of the process (user
// + system: the emulator, and in the gdb modes the GDB server and its
// protocol client, all run in it), so that the other work of a shared
// machine does not enter; the wall-clock figure is printed beside it.
// Each run is a process of its own; BENCH_RUNS rounds of one run per mode
// (default 3), the medians reported, and each mode's speed as a share of
// the plain run's in the same round. Checks its own work: every run must
// reach the bound having executed exactly the instructions and cycles of
// the plain run (tracing and debugging change nothing in the program), and
// a traced run must have recorded events.
//
// Then the ring build (TRACE=ring) of the same benchmark, run for BOUND_MS:
// the cycles of each event written into the RAM ring, from the call of
// td__trace_put to its return (the masking of interrupts around the call,
// three more instructions, is not counted).
//
//   node sim/bench/trace-bench.js SIM_ELF RING_ELF
const path = require('path');
const { rounds, median, summarise, attach } = require('./rounds');

const MODES = ['plain', 'trace', 'gdb', 'gdb+trace'];
// the benchmark's start (boot, USB enumeration, mostly asleep) is run
// untimed; the window timed is its busy part, WARM_MS to BOUND_MS
const WARM_MS = Number(process.env.TRACE_BENCH_WARM_MS || 42);
const BOUND_MS = Number(process.env.TRACE_BENCH_MS || 57);

/** CPU seconds (user + system) of this process since u0 (the emulator, GDB server and client all run in it). */
function cpuSecs(u0) { const d = process.cpuUsage(u0); return (d.user + d.system) / 1e6; }

async function one(fw, mode) {
  const { Simulator } = require('../lib');
  const sim = new Simulator();
  sim.loadFile(fw);
  let kt = null;
  const traced = mode === 'trace' || mode === 'gdb+trace';
  if (traced) kt = require('../lib/ktrace').attach(sim, fw);
  const w = sim.run({ maxMs: WARM_MS });
  if (w.reason !== 'bound') return { ok: false, why: `the start: ${JSON.stringify(w)}` };
  const i0 = sim.cores[0].instructions + sim.cores[1].instructions, c0 = sim.cores[0].cycles, e0 = kt ? kt.events.length : 0;
  const stats = () => ({ instr: sim.cores[0].instructions + sim.cores[1].instructions - i0, cycles: sim.cores[0].cycles - c0, events: kt ? kt.events.length - e0 : 0 });
  let res;
  if (mode === 'plain' || mode === 'trace') {
    const t0 = process.hrtime.bigint(), u0 = process.cpuUsage();
    const r = sim.run({ maxMs: BOUND_MS });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9, cpu = cpuSecs(u0);
    res = { ok: r.reason === 'bound', secs, cpu, why: JSON.stringify(r), ...stats() };
  } else {
    const { c, ended } = await attach(sim, BOUND_MS);
    const t0 = process.hrtime.bigint(), u0 = process.cpuUsage();
    const reply = await c.request('vCont;c', 600000);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9, cpu = cpuSecs(u0);
    const r = await ended;
    res = { ok: reply === 'W7b' && r.reason === 'bound', secs, cpu, why: `reply ${reply}, ${JSON.stringify(r)}`, ...stats() };
  }
  if (kt) {
    const os = require('os'), fs = require('fs');
    const file = path.join(os.tmpdir(), `trace-bench-${process.pid}.json`);
    const t0 = process.hrtime.bigint();
    require('../lib/ktrace_out').writeChromeJson(kt.model(sim.nowNanos()), file);
    res.jsonSecs = Number(process.hrtime.bigint() - t0) / 1e9;
    res.jsonBytes = fs.statSync(file).size;
    fs.unlinkSync(file);
  }
  return res;
}

/** The ring build: cycles per event, from the call of td__trace_put to its return. */
function ringCost(fw) {
  const { Simulator } = require('../lib');
  const { hooksOf, GO } = require('../lib/hooks');
  const sim = new Simulator();
  sim.loadFile(fw);
  const kt = require('../lib/ktrace').attach(sim, fw);    // the .td_trace records: each point's label
  const put = sim.symbols.get('td__trace_put');
  if (!put) return { ok: false, why: 'no td__trace_put in the ring build' };
  const hooks = hooksOf(sim);
  const calls = [];
  const open = [null, null];
  const back = new Set();
  hooks.add(put.value & ~1, (c) => {
    const ret = c.registers[14] & ~1;
    open[c.index] = { cycles: c.cycles, ret };
    if (!back.has(ret)) {
      back.add(ret);
      hooks.add(ret, (c2) => {
        const o = open[c2.index];
        if (o && o.ret === ret) { calls.push(c2.cycles - o.cycles); open[c2.index] = null; }
        return GO;
      });
    }
    return GO;
  });
  const r = sim.run({ maxMs: BOUND_MS });
  if (kt.events.length < calls.length) return { ok: false, why: `${calls.length} calls, ${kt.events.length} trace points reached` };
  if (r.reason !== 'bound') return { ok: false, why: JSON.stringify(r) };
  if (calls.length < 100) return { ok: false, why: `${calls.length} events` };
  const mean = calls.reduce((a, b) => a + b, 0) / calls.length;
  return { ok: true, events: calls.length, mean, min: Math.min(...calls), max: Math.max(...calls), instr: sim.cores[0].instructions + sim.cores[1].instructions, cycles: sim.cores[0].cycles };
}

async function main() {
  const fw = process.argv[2];
  if (process.argv[3] === '--one') {
    const res = await one(fw, process.argv[4]);
    process.stdout.write(JSON.stringify(res) + '\n');
    process.exit(0);
  }
  const ringFw = process.argv[3];
  if (!fw || !ringFw) { console.log('usage: trace-bench.js SIM_ELF RING_ELF'); process.exit(2); }
  const runs = Number(process.env.BENCH_RUNS || 3);
  let failed = 0, ref = null;
  const rs = rounds(__filename, fw, MODES, runs, (mode, r) => {
    if (!r.ok) { console.log(`BENCH-FAIL sim_trace_${mode}: the run did not reach its bound (${r.why})`); failed++; }
    if (ref === null) ref = r;
    if (r.instr !== ref.instr || r.cycles !== ref.cycles) {
      console.log(`BENCH-FAIL sim_trace_${mode}: ${r.instr} instructions and ${r.cycles} cycles, ${ref.instr} and ${ref.cycles} in the plain run`);
      failed++;
    }
    if (mode.includes('trace') && r.events < 1000) { console.log(`BENCH-FAIL sim_trace_${mode}: only ${r.events} events recorded`); failed++; }
    r.mhz = r.cycles / r.cpu / 1e6;
    r.wallMhz = r.cycles / r.secs / 1e6;
  });
  const { med, ratio } = summarise(rs, MODES, (r) => r.mhz);
  const events = rs.trace[0].events;
  const jsonSecs = median(rs.trace.map((r) => r.jsonSecs));
  console.log(`tandem-sim speed on ${path.basename(fw)} (TRACE=sim), ${WARM_MS} to ${BOUND_MS} ms simulated: ${ref.cycles} cycles per core, ` +
    `${ref.instr} instructions, ${events} trace events (median of ${runs} runs each):`);
  for (const mode of MODES) {
    console.log(`  ${mode.padEnd(10)} ${med[mode].toFixed(2).padStart(6)} MHz simulated per CPU second  (${ratio[mode].toFixed(2)} of plain)  ` +
      `${median(rs[mode].map((r) => r.wallMhz)).toFixed(2).padStart(6)} MHz per wall second`);
  }
  console.log(`  the trace's JSON written after the run: ${jsonSecs.toFixed(2)} s, ${rs.trace[0].jsonBytes} bytes`);
  console.log(`BENCH sim_trace_plain_mhz ${med.plain.toFixed(2)} MHz`);
  console.log(`BENCH sim_trace_traced_mhz ${med.trace.toFixed(2)} MHz`);
  console.log(`BENCH sim_trace_gdb_mhz ${med.gdb.toFixed(2)} MHz`);
  console.log(`BENCH sim_trace_gdb_traced_mhz ${med['gdb+trace'].toFixed(2)} MHz`);
  console.log(`BENCH sim_trace_traced_ratio ${ratio.trace.toFixed(3)} ratio`);
  console.log(`BENCH sim_trace_gdb_ratio ${ratio.gdb.toFixed(3)} ratio`);
  console.log(`BENCH sim_trace_events ${events} events`);

  const rc = ringCost(ringFw);
  if (!rc.ok) { console.log(`BENCH-FAIL trace_ring_event_cycles: ${rc.why}`); failed++; }
  else {
    console.log(`ring build (TRACE=ring) of ${path.basename(ringFw)}, ${BOUND_MS} ms: ${rc.events} events written, ` +
      `td__trace_put ${rc.mean.toFixed(1)} cycles per event (min ${rc.min}, max ${rc.max}), from its call to its return`);
    console.log(`BENCH trace_ring_event_cycles ${rc.mean.toFixed(1)} cycles n=${rc.events} min=${rc.min} max=${rc.max}`);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`BENCH-FAIL sim_trace: ${e.message}`); process.exit(1); });
