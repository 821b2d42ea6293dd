#!/usr/bin/env node
/*
 * bench/report.js: collect the figures of one 'make bench' run.
 *
 *   node bench/report.js BENCH_DIR KERNEL_MAP
 *
 * Reads every BENCH_DIR/*.log (lines "BENCH key value unit [n= min= max=]"
 * printed by the benchmark images and by the emulator's own benchmark),
 * measures the kernel's flash and RAM from KERNEL_MAP (a map file of an image
 * that links every kernel module), prints a table (figure, value, goal, ratio
 * to its bare counterpart measured in the same run, and what kind of figure it is) and writes
 * BENCH_DIR/results.json: { key: { "value": number, "unit": "cycles"|"bytes"|
 * "MB/s"|"msgs/s"|"instr/s", "kind": kind } }. kind says where a figure comes
 * from: "measured" (timed or counted by a run), "map" (a size read from a
 * linker map), "sizeof" (a type's size) or "constant" (the configuration's):
 * the last three are not measurements. The extras (figures an image printed
 * that FIGURES does not list) follow, with "extra": true. bench/doccheck.js
 * checks docs/performance.md's copy of the table against this file.
 * A figure no image produced is absent. Goals are printed, not enforced:
 * the exit status is non-zero only if an image reported a failed self-check.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] || 'build/bench';
const mapFile = process.argv[3];

/* Goals: 'max' (at most) or 'min' (at least). 'bare': the figure's bare
 * counterpart measured in the same run (a list of keys is their sum;
 * 'half' halves it: one way of a round trip); the table prints it with the
 * ratio figure / bare. */
const FIGURES = [
  ['core1_launch_cycles', 'cycles', {}],
  ['fifo_roundtrip_raw_cycles', 'cycles', { note: 'bare: polled FIFO round trip, inline' }],
  ['fifo_stream_bare_cycles_per_word', 'cycles', { note: 'bare: polled FIFO stream, inline' }],
  ['spin_bare_cycles', 'cycles', { note: "bare: the SDK's inline spinlock sequence" }],
  ['switch_bare_cycles', 'cycles', { note: 'bare: coroutine switch, r4-r11' }],
  ['irq_bare_cycles', 'cycles', { note: 'bare: interrupt, flag, return' }],
  ['copy_bare_mb_per_s', 'MB/s', { note: 'bare: ldm/stm copy, SRAM to SRAM' }],
  ['lock_uncontended_cycles', 'cycles', { max: 24, bare: ['spin_bare_cycles'] }],
  ['lock_save_cycles', 'cycles', { max: 24, bare: ['spin_bare_cycles'] }],
  ['ctx_switch_cycles', 'cycles', { max: 150, bare: ['switch_bare_cycles'] }],
  ['irq_to_thread_cycles', 'cycles', { max: 200, bare: ['irq_bare_cycles', 'switch_bare_cycles'] }],
  ['msg_latency_oneway_cycles', 'cycles', { max: 300, bare: ['fifo_roundtrip_raw_cycles'], half: true }],
  ['msg_roundtrip_cycles', 'cycles', { max: 650, bare: ['fifo_roundtrip_raw_cycles'] }],
  // throughput both ways at once, every word checked: one word per call
  // (td_msg_send / td_msg_receive), and the batch calls (td_msg_send_n /
  // td_msg_receive_n); the goal is printed against both (docs/messages.md,
  // "Performance")
  ['msg_throughput_cycles_per_msg', 'cycles', { max: 120, bare: ['fifo_stream_bare_cycles_per_word'] }],
  ['msg_throughput_batch_cycles_per_msg', 'cycles', { max: 120, bare: ['fifo_stream_bare_cycles_per_word'] }],
  ['bulk_mb_per_s', 'MB/s', { min: 100, bare: ['copy_bare_mb_per_s'] }],
  ['fault_to_report_cycles', 'cycles', {}],
  ['core1_restart_cycles', 'cycles', {}],
  ['kernel_flash_bytes', 'bytes', { max: 8192, note: 'kernel group (see kernel_objects_flash_bytes)' }],
  ['kernel_objects_flash_bytes', 'bytes', { note: 'every object of kernel/ + the arch thread half' }],
  ['kernel_ram_bytes', 'bytes', {}],
  ['thread_tcb_bytes', 'bytes', { max: 48 }],
  ['sim_instr_per_s', 'instr/s', { min: 15e6 }],
  ['usb_throughput_bytes_per_s', 'B/s', { limit: 'usb_bus' }],
  ['usb_line_cycles', 'cycles', {}],
  ['usb_enumeration_ms', 'ms', {}],
  ['usb_device_response_us', 'us', {}],
  ['usb_flash_bytes', 'bytes', {}],
  ['usb_ram_bytes', 'bytes', {}],
  ['spi_mb_per_s', 'MB/s', { note: 'line rate: spi_line_rate_mb_per_s' }],
  ['spi_write_mb_per_s', 'MB/s', { note: 'line rate: spi_line_rate_mb_per_s' }],
  ['spi_line_rate_mb_per_s', 'MB/s', { note: 'clk_peri / 2 / 8 bits' }],
  ['dma_copy_mb_per_s', 'MB/s', { note: 'DMA: 1 word per clk_sys cycle' }],
  ['memcpy_mb_per_s', 'MB/s', { note: 'bare: copy_bare_mb_per_s' }],
  ['motor_jitter_idle_cycles', 'cycles', { note: 'period 125000 cycles' }],
  ['motor_jitter_busy_cycles', 'cycles', { note: 'period 125000 cycles' }],
];
const known = new Map(FIGURES.map(([k, u, g]) => [k, { unit: u, goal: g }]));

const figures = {};
const extras = {};
const failures = [];
for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
  for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
    let m = /^BENCH-FAIL (\S+): (.*)$/.exec(line);
    if (m) { failures.push(`${f}: ${m[1]}: ${m[2]}`); continue; }
    m = /^BENCH (\S+) (-?[\d.]+)(?: (\S+))?(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value, unit, rest] = m;
    const stats = {};
    let kind = 'measured';
    for (const kv of rest.trim().split(/\s+/).filter(Boolean)) {
      const [k, v] = kv.split('=');
      if (k === 'kind') kind = v;
      else stats[k] = Number(v);
    }
    const entry = { value: Number(value), unit: unit || (known.get(key) || {}).unit, stats, from: f, kind };
    (known.has(key) ? figures : extras)[key] = entry;
  }
}

/* Footprints from the map, by module group. "kernel" is the kernel proper
 * with every one of its modules (threads, scheduler, time, timers, periodic
 * threads, semaphores, events, mutexes, queues, pools, locks, cross-core
 * mutexes and semaphores, the beginner layer) and the architecture's
 * thread half (contexts, the tick, the switches, the inline primitives).
 * Messages (the link and the endpoints), faults/heaps, the console, flash
 * writing, the key-value store and the watchdog (built on the fault
 * module's supervision) are separate modules a program may leave out: shown
 * as extras. kernel_small_program_flash_bytes is the kernel group as
 * bench/kernel's image links it (threads, semaphores, timers, td_lock: the
 * linker leaves every other module out). The fault module's code that lives with the state
 * it serves (each module's clean-up after a core went down, its part of the
 * hold check: kernel/core.h's TD_FAULT_CODE and TD_FAULT_DATA, sections
 * .text.td_fault and .rodata.td_fault, and the marked code's strings,
 * .rodata.td_fault.str1.1) counts with the faults, wherever it is. */
const GROUPS = [
  ['console', /\/kernel\/(console|console_in|fmt)\.o$|\/port\/chip\/[^/]+\/(uart|console_dev)\.o$/],
  ['messages', /\/kernel\/(msg|chan|link)\.o$/],
  ['flash', /\/kernel\/flash\.o$|\/port\/chip\/[^/]+\/flash\.o$|\/port\/common\/flash_(window|nocut)\.o$/],
  ['store', /\/kernel\/store(_fmt)?\.o$/],
  ['watchdog', /\/kernel\/watchdog\.o$/],
  ['faults', /\/kernel\/(fault|fault_report|supervise|down|heap)\.o$|\/port\/arch\/[^/]+\/(fault|fault_entry|mpu)\.o$|\/port\/chip\/[^/]+\/(memory|watchdog)\.o$|\/port\/common\/(thumb|watchdog_none)\.o$/],
  ['kernel', /\/kernel\/[^/]+\.o$|\/port\/arch\/[^/]+\/(context|systick|switch)\.o$|\/port\/common\/systick\.o$/],
];
/* The marked sections, and the merged string constants of the marked code:
 * GCC puts a string literal used in a function of section .text.td_fault
 * into .rodata.td_fault.str1.1 (.strN.M: mergeable strings of N-byte
 * characters aligned to M), which is the fault module's as much as the code. */
const FAULT_SECTION = /^\.(text|rodata)\.td_fault(\.str\d+\.\d+)?$/;
function footprint(map) {
  const text = fs.readFileSync(map, 'utf8');
  const out = {};
  for (const [g] of GROUPS) out[g] = { flash: 0, ram: 0 };
  /* Every object of kernel/ and the arch thread half, whatever group its
   * sections count in, and the fault sections moved out of the kernel
   * group's objects: so the grouped figure can be checked against the whole. */
  out.objects = { flash: 0, ram: 0 };
  out.moved = { flash: 0, ram: 0 };
  const re = /^ (\.[\w.]+|COMMON)\s*\n?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+\.o)$/gm;
  const body = text.slice(text.indexOf('Linker script and memory map'));
  let m;
  while ((m = re.exec(body))) {
    const [, sec, addr, size, obj] = m;
    const n = parseInt(size, 16);
    if (!n || parseInt(addr, 16) === 0) continue;
    if (/\/obj\/bench\//.test(obj)) continue;        /* a benchmark's own objects */
    let g = GROUPS.find(([, rx]) => rx.test(obj));
    if (!g) continue;
    const all = /\/kernel\/[^/]+\.o$|\/port\/arch\/[^/]+\/(context|systick|switch)\.o$|\/port\/common\/systick\.o$/.test(obj);
    const moved = FAULT_SECTION.test(sec) && g[0] === 'kernel';
    if (FAULT_SECTION.test(sec) && g[0] !== 'messages') g = GROUPS.find(([n]) => n === 'faults');
    for (const o of [out[g[0]], all && out.objects, moved && out.moved]) {
      if (!o) continue;
      if (/^\.(text|rodata)/.test(sec)) o.flash += n;
      else if (/^\.data/.test(sec)) { o.flash += n; o.ram += n; }
      else if (/^\.(bss|core1_bss)/.test(sec) || sec === 'COMMON') o.ram += n;
    }
  }
  return out;
}
if (mapFile && fs.existsSync(mapFile)) {
  const fp = footprint(mapFile);
  const from = path.basename(mapFile);
  const kind = 'map';
  figures.kernel_flash_bytes = { value: fp.kernel.flash, unit: 'bytes', stats: {}, from, kind };
  figures.kernel_ram_bytes = { value: fp.kernel.ram, unit: 'bytes', stats: {}, from, kind };
  figures.kernel_objects_flash_bytes = { value: fp.objects.flash, unit: 'bytes', stats: {}, from, kind };
  extras.kernel_fault_sections_flash_bytes = { value: fp.moved.flash, unit: 'bytes', stats: {}, from, kind };
  /* What a small program links of the kernel group: bench/kernel's image
   * (threads, the scheduler, time, timers, semaphores, td_lock, the kernel's
   * start), every other module left out by the linker. */
  const small = path.join(dir, 'kernel.map');
  if (fs.existsSync(small)) {
    const sp = footprint(small);
    extras.kernel_small_program_flash_bytes = { value: sp.kernel.flash, unit: 'bytes', stats: {}, from: 'kernel.map', kind };
  }
  for (const g of ['messages', 'console', 'flash', 'store', 'watchdog']) {   // faults: bench/fault prints its own
    extras[`${g}_flash_bytes`] = { value: fp[g].flash, unit: 'bytes', stats: {}, from, kind };
    extras[`${g}_ram_bytes`] = { value: fp[g].ram, unit: 'bytes', stats: {}, from, kind };
  }
}

/* The same-run bare counterpart of a figure: its value (or undefined). */
function bare(spec) {
  if (!spec.bare) return undefined;
  let sum = 0;
  for (const k of spec.bare) {
    const f = figures[k];
    if (!f) return undefined;
    sum += f.value;
  }
  return spec.half ? sum / 2 : sum;
}
const bareName = (spec) => spec.bare.map((k) => k.replace(/_(cycles|mb_per_s|cycles_per_word)$/, '')).join('+') +
  (spec.half ? '/2' : '');
/* A limit that is not measured: the USB bus's line rate (the emulated
 * full-speed bus moves one 64-byte bulk packet per transaction time,
 * sim/lib/usbhost.js: (137 + 8 * 64) bit times at 12 Mbit/s). */
const limits = { usb_bus: 64 / ((137 + 8 * 64) / 12e6) };

const rows = [];
let missed = 0;
for (const [key, , spec] of FIGURES) {
  const f = figures[key];
  if (!f) continue;
  const g = spec.goal || spec;
  let goal = '', ok = true;
  if (g.max !== undefined) { goal = `<= ${g.max}`; ok = f.value <= g.max; }
  if (g.min !== undefined) { goal = `>= ${g.min}`; ok = f.value >= g.min; }
  if (!ok) missed++;
  const lim = bare(g);
  const fixed = g.limit && limits[g.limit];
  const ratio = lim ? `${(f.value / lim).toFixed(2)}x ${bareName(g)} ${lim}`
    : fixed ? `${(f.value / fixed).toFixed(2)}x ${g.limit} (line rate)` : (g.note || '');
  if (g.bare && !lim) failures.push(`${key}: its bare counterpart ${bareName(g)} was not measured`);
  const spread = f.stats.n ? `n=${f.stats.n} ${f.stats.min}..${f.stats.max}` : '';
  rows.push([key, String(f.value), f.unit, f.kind, goal + (goal ? (ok ? ' ok' : ' MISSED') : ''), ratio, spread]);
}
for (const [key, f] of Object.entries(extras)) {
  const spread = f.stats.n ? `n=${f.stats.n} ${f.stats.min}..${f.stats.max}` : '';
  rows.push([key, String(f.value), f.unit || '', f.kind, '', '(extra)', spread]);
}
const head = ['figure', 'value', 'unit', 'kind', 'goal', 'vs bare (same run)', 'spread'];
const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmt = (r) => r.map((c, i) => (i === 1 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
console.log(fmt(head));
console.log(w.map((n) => '-'.repeat(n)).join('  '));
rows.forEach((r) => console.log(fmt(r)));

const json = {};
for (const [key] of FIGURES) {
  if (figures[key]) json[key] = { value: figures[key].value, unit: figures[key].unit, kind: figures[key].kind };
}
for (const [key, f] of Object.entries(extras)) json[key] = { value: f.value, unit: f.unit || '', kind: f.kind, extra: true };
fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(json, null, 2) + '\n');
console.log(`\nwrote ${path.join(dir, 'results.json')} (${Object.keys(json).length} figures)`);
for (const f of failures) console.log(`self-check failed: ${f}`);
if (missed) console.log(`${missed} goal(s) missed`);
process.exit(failures.length ? 1 : 0);
