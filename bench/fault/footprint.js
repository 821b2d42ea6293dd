#!/usr/bin/env node
/*
 * bench/fault/footprint.js: the flash and RAM the fault module (the fault
 * path, the report, supervision, the "core went down" table, and the code
 * other modules keep for it: sections .text.td_fault / .rodata.td_fault
 * and the marked code's strings, .rodata.td_fault.str1.1, kernel/core.h),
 * the heaps and the port's fault entry, MPU, memory-map and watchdog code
 * take in a linked image, from its map file (what the linker
 * kept after --gc-sections).
 *
 *   node bench/fault/footprint.js IMAGE.map
 *
 * Prints "BENCH fault_flash_bytes N bytes kind=map" and "BENCH
 * fault_ram_bytes N bytes kind=map" (read by bench/report.js with the other
 * figures; sizes read from the map, not measured by running). The guards'
 * own cost (per thread stack and per main stack) is printed by the
 * bench/fault image itself, from the port's constants.
 */
'use strict';
const fs = require('fs');

const map = process.argv[2];
if (!map) { console.error('usage: footprint.js IMAGE.map'); process.exit(2); }
const OBJ = /(kernel\/(fault|fault_report|supervise|down|heap)|port\/arch\/[^/]+\/(fault|fault_entry|mpu)|port\/chip\/[^/]+\/(memory|watchdog)|port\/common\/(thumb|watchdog_none))\.o$/;
/* kept with other kernel modules; .strN.M: the marked code's merged strings */
const SECTION = /^\.(text|rodata)\.td_fault(\.str\d+\.\d+)?$/;
let flash = 0, ram = 0, name = '';
for (const line of fs.readFileSync(map, 'utf8').split('\n')) {
  let m = /^ (\.\S+)\s*$/.exec(line);                       /* a long name, wrapped */
  if (m) { name = m[1]; continue; }
  m = /^ (\.\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$/.exec(line);
  if (!m) { name = ''; continue; }
  const sec = m[1] || name, addr = parseInt(m[2], 16), size = parseInt(m[3], 16);
  name = '';
  if (!addr || !(OBJ.test(m[4]) || (SECTION.test(sec) && /kernel\/[^/]+\.o$/.test(m[4]))))
    continue;
  if (addr >= 0x10000000 && addr < 0x20000000) flash += size;
  else if (addr >= 0x20000000) {
    ram += size;
    if (/^\.data/.test(sec)) flash += size;                 /* its initial values */
  }
}
console.log(`BENCH fault_flash_bytes ${flash} bytes kind=map`);
console.log(`BENCH fault_ram_bytes ${ram} bytes kind=map`);
