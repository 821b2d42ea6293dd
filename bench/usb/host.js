#!/usr/bin/env node
/*
 * bench/usb/host.js: the USB figures seen from the host's side and from
 * the map of the bench/usb image.
 *
 *   node bench/usb/host.js IMAGE.elf IMAGE.map
 *
 *   usb_enumeration_ms      the device's pull-up until SET_CONFIGURATION's
 *                           status stage, with tandem-sim's host timings
 *                           (100 ms debounce, 10 ms reset, 10 ms recovery,
 *                           2 ms after SET_ADDRESS: USB 2.0's minimums);
 *                           the rest is the device answering
 *   usb_device_response_us  mean (and min, max) time from the host being ready for a
 *                           control transfer's next stage to the device
 *                           handing over the buffer for it
 *   usb_flash_bytes, usb_ram_bytes  the USB stack (port/chip/rp2040/usb, the
 *                           ROM look-up and the flash id) as linked: sizes
 *                           read from the map (kind=map), not measured
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { Simulator } = require(path.join(__dirname, '..', '..', 'sim', 'lib'));

const [elf, map] = process.argv.slice(2);
if (!elf || !map) { console.error('usage: host.js IMAGE.elf IMAGE.map'); process.exit(2); }

const sim = new Simulator();
sim.loadFile(elf);
sim.run({ maxMs: 300 });
const st = sim.usbHost.stats();
if (st.state !== 'configured' || st.configured_ms === null) {
  console.log(`BENCH-FAIL usb_enumeration_ms: the host did not configure the device (${st.state})`);
} else {
  console.log(`BENCH usb_enumeration_ms ${(st.configured_ms - st.attach_ms).toFixed(3)} ms`);
  const h = sim.usbHost.st;
  const us = (ns) => (ns / 1e3).toFixed(2);
  console.log(`BENCH usb_device_response_us ${st.device_response_us} us n=${h.responds} min=${us(h.respond_min)} max=${us(h.respond_max)}`);
}

const OBJ = /port\/chip\/rp2040\/(usb\/[^/]+|flash_id|rom)\.o$/;
let flash = 0, ram = 0, name = '';
for (const line of fs.readFileSync(map, 'utf8').split('\n')) {
  let m = /^ (\.\S+)\s*$/.exec(line);                       /* a long name, wrapped */
  if (m) { name = m[1]; continue; }
  m = /^ (\.\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$/.exec(line);
  if (!m) { name = ''; continue; }
  const sec = m[1] || name, addr = parseInt(m[2], 16), size = parseInt(m[3], 16);
  name = '';
  if (!addr || !OBJ.test(m[4])) continue;
  if (addr >= 0x10000000 && addr < 0x20000000) flash += size;
  else if (addr >= 0x20000000) {
    ram += size;
    if (/^\.(data|ram_text)/.test(sec)) flash += size;       /* initial values, RAM code */
  }
}
if (!flash) console.log('BENCH-FAIL usb_flash_bytes: no USB object in the map');
console.log(`BENCH usb_flash_bytes ${flash} bytes kind=map`);
console.log(`BENCH usb_ram_bytes ${ram} bytes kind=map`);
