'use strict';
// sim/bench/rounds.js: what the emulator's speed benchmarks with modes
// share (gdb-bench.js, trace-bench.js). Each run is a process of its own
// (no JIT state shared between modes), `node SCRIPT FW --one MODE`, which
// prints its result as JSON on its last line; the runs go in rounds of one
// run per mode, so that every mode sees the same machine load, and a
// mode's speed is reported as the median of the rounds and as the median
// of its ratio to the plain run's in the same round.
const { execFileSync } = require('child_process');

/** BENCH runs rounds of SCRIPT's modes on FW; check(mode, r) sees each result first (and may add to it). Returns the results per mode. */
function rounds(script, fw, modes, runs, check) {
  const rs = Object.fromEntries(modes.map((m) => [m, []]));
  for (let i = 0; i < runs; i++) {
    for (const mode of modes) {
      const out = execFileSync(process.execPath, [script, fw, '--one', mode], { encoding: 'utf8', timeout: 600000 });
      const r = JSON.parse(out.trim().split('\n').pop());
      check(mode, r);
      rs[mode].push(r);
    }
  }
  return rs;
}

function median(a) {
  const b = [...a].sort((x, y) => x - y);
  return b[Math.floor(b.length / 2)];
}

/** Per mode, the median of speed(r) over the rounds and the median of its ratio to the plain mode's in the same round. */
function summarise(rs, modes, speed) {
  const med = {}, ratio = {};
  for (const mode of modes) {
    med[mode] = median(rs[mode].map(speed));
    ratio[mode] = median(rs[mode].map((r, i) => speed(r) / speed(rs.plain[i])));
  }
  return { med, ratio };
}

/** A GDB server on sim (bounded at maxMs of simulated time) and a protocol client connected to it, its features asked: { c, ended }. */
async function attach(sim, maxMs) {
  const { GdbServer } = require('../lib/gdb');
  const { RspClient } = require('../test/gdb-client');
  const server = new GdbServer(sim, { maxMs, exitCode: (r) => (r.reason === 'bkpt' ? r.code : 123) });
  const port = await server.listen(0);
  const ended = server.session(() => ({ reason: 'detached' }));
  const c = await RspClient.connect(port);
  await c.request('qSupported:swbreak+;hwbreak+');
  return { c, ended };
}

module.exports = { rounds, median, summarise, attach };
