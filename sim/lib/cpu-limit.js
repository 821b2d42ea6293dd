/*
 * sim/lib/cpu-limit.js: run a program bounded by its CPU time, for the
 * emulator's own tests and the project's suites' Node scripts (the
 * project's docs/testing.md, "Bounds").
 *
 * An emulator run is a fixed amount of computing: how long it takes by the
 * wall clock is up to the machine's load (a run that needs 20 s of CPU took
 * over 180 s on two CPUs loaded to 20), its CPU time is not. So a run that
 * does not end (a loop in the emulator) is ended by its CPU time: the
 * shell sets the soft limit (RLIMIT_CPU, never above a hard limit the
 * suite's runner set) and the program gets SIGXCPU there. The wall clock
 * bounds only a program that waits without computing, far away.
 *
 *   const { spawnLimited, ended } = require(path.join(root, 'sim', 'lib', 'cpu-limit'));
 *   const r = spawnLimited(cmd, args, { cpu: 240, wallMs: 1800e3, ...spawnSyncOptions });
 *   const why = ended(r, limits);   // null, or why the run did not end by itself
 *   const p = spawnCpu(cmd, args, 240, spawnOptions);   // the same limit, not waited for
 */
'use strict';
const { spawn, spawnSync } = require('child_process');

const SHELL = 'n=$1; shift; h=$(ulimit -H -t); ' +
  '[ "$h" = unlimited ] || [ "$h" -gt "$n" ] || n=$h; ulimit -S -t "$n" && exec "$@"';

function spawnLimited(cmd, args, opts) {
  const { cpu, wallMs, ...rest } = opts;
  return spawnSync('/bin/sh', ['-c', SHELL, 'cpu-limit', String(cpu), cmd, ...args],
    { ...rest, timeout: wallMs, killSignal: 'SIGKILL' });
}

/* A child process (child_process.spawn) with a CPU time limit of 'cpu' s;
 * its pid is the program's. Killed by the limit: signal SIGXCPU. The
 * caller bounds the wall clock, if at all. */
function spawnCpu(cmd, args, cpu, opts) {
  return spawn('/bin/sh', ['-c', SHELL, 'cpu-limit', String(cpu), cmd, ...args], opts);
}

function ended(r, opts) {
  if (r.error && r.error.code !== 'ETIMEDOUT') return r.error.message;
  if (r.signal === 'SIGXCPU') return `used its CPU time limit of ${opts.cpu} s`;
  if (r.signal === 'SIGKILL' || (r.error && r.error.code === 'ETIMEDOUT'))
    return `no end within ${opts.wallMs / 1000} s of wall clock (waiting, not computing)`;
  if (r.signal) return `killed by ${r.signal}`;
  return null;
}

module.exports = { spawnLimited, spawnCpu, ended };
