#!/usr/bin/env node
/*
 * tests/flash/store_cut.js: the key-value store under power cuts in the
 * emulator. Boots tests/flash/store_cut.c again and again on the flash the
 * previous run left, cutting the power each time at a cycle drawn at random
 * (uniform over the first CUT_WINDOW_MS of the run: the mount and its
 * repairs, writes, compactions), with the half-done flash operation the
 * emulator's model draws. After every boot each key must hold exactly one
 * value it was ever given: the last one acknowledged ("OK" seen), or the
 * one whose write the power cut; never garbage ("BAD"), never an older one.
 * No run may end otherwise than by the cut: an XIP violation (core 1 not
 * parked) or a lockup fails it.
 *
 *   node tests/flash/store_cut.js IMAGE.elf [CUTS] [SEED]
 *   node tests/flash/store_cut.js --list
 *
 * Prints "TEST name", then "PASS name" or "FAIL name: reason" per check,
 * an INFO line with the counts and "N passed, M failed" at the end; exit
 * status 1 if anything failed. --list prints the checks' names (the suite
 * runner's list, tests/run-suite.sh).
 */
'use strict';
const path = require('path');
const { Simulator } = require(path.join(__dirname, '..', '..', 'sim', 'lib'));
const { prng } = require(path.join(__dirname, '..', '..', 'sim', 'lib', 'flash'));

const CHECKS = ['store_power_cuts', 'store_power_cuts_reach_erases_and_programs'];
if (process.argv[2] === '--list') { for (const c of CHECKS) console.log(c); process.exit(0); }
const elf = process.argv[2];
const CUTS = Number(process.argv[3] || 1000);
const SEED = Number(process.argv[4] || 2024);
const CUT_WINDOW_MS = 120;
const CLK = 125e6;

if (!elf) { console.error('usage: store_cut.js IMAGE.elf [CUTS] [SEED]'); process.exit(2); }

const image = require('fs').readFileSync(elf);
const rnd = prng(SEED);
let region = null, regionStart = 0, regionEnd = 0;
const acked = new Map();       // key -> write number, or null (absent)
let inflight = null;           // {w, key, del}
const counts = { erase: 0, program: 0, idle: 0, verified: 0, boots_with_reads: 0, writes_acked: 0, compaction_cuts: 0 };
let failure = null;
const t0 = Date.now();
console.log(`TEST ${CHECKS[0]}`);

function valueOf(w, del) { return del ? null : w; }

for (let i = 0; i < CUTS && !failure; i++) {
  const sim = new Simulator();
  const lines = [];
  sim.on('line', (l) => lines.push(l.text));
  sim.loadBuffer(image, elf);
  if (!region) {
    regionStart = sim.symbol('__td_store_start__') - 0x10000000;
    regionEnd = sim.symbol('__td_store_end__') - 0x10000000;
    region = Buffer.alloc(regionEnd - regionStart, 0xff);
  }
  sim.mcu.flash.set(region, regionStart);
  sim.write32(0x40058000 + 0x0c, 1000 * (i + 1));            // WATCHDOG SCRATCH0: first write number
  sim.write32(0x40058000 + 0x10, (rnd() * 0xffffffff) >>> 0 || 1); // SCRATCH1: the workload's seed
  sim.powerCutCycle = 1 + Math.floor(rnd() * CUT_WINDOW_MS * 1e-3 * CLK);
  sim.flash.rng = prng((rnd() * 0xffffffff) >>> 0);
  const r = sim.run({ maxMs: 2 * CUT_WINDOW_MS });
  region = Buffer.from(sim.mcu.flash.subarray(regionStart, regionEnd));
  if (r.reason !== 'powercut') {
    failure = `run ${i}: ended by ${r.reason} (${r.message || ''}) instead of the power cut; console: ${lines.slice(-5).join(' | ')}`;
    break;
  }
  const cut = r.flash;
  if (!cut) counts.idle++; else counts[cut.kind]++;
  // what the boot read back
  const got = new Map();
  for (const l of lines) {
    let m = /^INIT (-?\d+)$/.exec(l);
    if (m && m[1] !== '0') { failure = `run ${i}: td_store_init returned ${m[1]}`; break; }
    m = /^GOT (\w+) (NONE|BAD|\d+)/.exec(l);
    if (m) got.set(m[1], m[2]);
  }
  if (failure) break;
  if (lines.includes('READY')) {
    counts.boots_with_reads++;
    for (const [key, g] of got) {
      if (g === 'BAD') { failure = `run ${i}: ${key} holds a value no write gave it`; break; }
      const v = g === 'NONE' ? null : Number(g);
      const old = acked.has(key) ? acked.get(key) : null;
      const fresh = inflight && inflight.key === key ? valueOf(inflight.w, inflight.del) : undefined;
      if (v !== old && v !== fresh) {
        failure = `run ${i}: ${key} holds ${g}, expected ${old === null ? 'NONE' : old}` +
          (fresh !== undefined ? ` or ${fresh === null ? 'NONE' : fresh} (the write the cut interrupted)` : '');
        break;
      }
      counts.verified++;
      acked.set(key, v);
    }
    inflight = null;
  }
  if (failure) break;
  // the writes of this run
  for (const l of lines) {
    let m = /^OP (\d+) (\w+) ([SD])$/.exec(l);
    if (m) { inflight = { w: Number(m[1]), key: m[2], del: m[3] === 'D' }; continue; }
    m = /^OK (\d+) (-?\d+)$/.exec(l);
    if (m && inflight && Number(m[1]) === inflight.w) {
      const rc = Number(m[2]);
      if (rc === 0) acked.set(inflight.key, valueOf(inflight.w, inflight.del));
      else if (!(inflight.del && rc === -25)) { failure = `run ${i}: write ${m[1]} returned ${rc}`; break; }
      counts.writes_acked++;
      inflight = null;
    }
  }
  const st = sim.stats().flash;
  if (cut && cut.kind === 'erase') counts.compaction_cuts++;
  void st;
}

const secs = ((Date.now() - t0) / 1000).toFixed(1);
let passed = 0, failed = 0;
function result(name, why) {
  if (why) { failed++; console.log(`FAIL ${name}: ${why}`); } else { passed++; console.log(`PASS ${name}`); }
}
result(CHECKS[0], failure ? `${failure} (${CUTS} cuts)` : null);
console.log(`TEST ${CHECKS[1]}`);
const enough = counts.erase >= CUTS / 50 && counts.program >= CUTS / 50 && counts.writes_acked >= CUTS;
result(CHECKS[1], enough ? null : JSON.stringify(counts));
console.log(`INFO store_cut ${JSON.stringify({ cuts: CUTS, seed: SEED, ...counts, wall_s: Number(secs) })}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
