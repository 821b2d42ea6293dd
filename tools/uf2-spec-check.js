#!/usr/bin/env node
// tools/uf2-spec-check.js: a second reader of a UF2 file, written from the
// UF2 format's own description and the RP2040 boot ROM's rules, sharing no
// code and no constant with tools/uf2.c (so a wrong constant there, which
// uf2tool's writer and checker would agree on, is caught here). It checks
// every 512-byte block: the three magic numbers, the flags (only "family
// id present"), the RP2040 family id, a 256-byte payload at a 256-aligned
// flash address from 0x10000000, blockNo 0..N-1 and numBlocks N, zeros
// after the payload; the blocks contiguous from 0x10000000; the boot2 CRC
// (CRC-32, polynomial 0x04c11db7, MSB first, initial value all ones, no
// final inversion) over the first 252 bytes; and, given a flat image of the
// ELF's flash contents (objcopy -O binary, which lays the load addresses
// out from the first), the payloads equal to it, zeros after its end.
//   node tools/uf2-spec-check.js FILE.uf2 [FLASH.bin]
// Prints "ok: N blocks" or the first problem; exit status 0 or 1.
'use strict';
const fs = require('fs');

function crc32Boot2(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b << 24;
    for (let k = 0; k < 8; k++) c = (c & 0x80000000) ? ((c << 1) ^ 0x04c11db7) : (c << 1);
    c >>>= 0;
  }
  return c >>> 0;
}

function check(uf2, flat) {
  if (uf2.length === 0 || uf2.length % 512) return `size ${uf2.length} is not a multiple of 512 bytes`;
  const n = uf2.length / 512;
  const image = Buffer.alloc(n * 256);
  for (let i = 0; i < n; i++) {
    const blk = uf2.subarray(i * 512, (i + 1) * 512);
    const w = (o) => blk.readUInt32LE(o);
    const hex = (v) => '0x' + v.toString(16);
    if (w(0) !== 0x0a324655 || w(4) !== 0x9e5d5157 || w(508) !== 0x0ab16f30) return `block ${i}: magic numbers`;
    if (w(8) !== 0x00002000) return `block ${i}: flags ${hex(w(8))}, not 0x2000 (family id present)`;
    if (w(28) !== 0xe48bff56) return `block ${i}: family id ${hex(w(28))}, not the RP2040's 0xe48bff56`;
    if (w(16) !== 256) return `block ${i}: payload size ${w(16)}, not 256`;
    if (w(20) !== i || w(24) !== n) return `block ${i}: blockNo ${w(20)}, numBlocks ${w(24)} (want ${i}, ${n})`;
    if (w(12) !== 0x10000000 + i * 256) return `block ${i}: target address ${hex(w(12))}, not ${hex(0x10000000 + i * 256)}`;
    if (blk.subarray(32 + 256, 508).some((b) => b !== 0)) return `block ${i}: bytes after the payload are not 0`;
    blk.copy(image, i * 256, 32, 32 + 256);
  }
  const crc = crc32Boot2(image.subarray(0, 252));
  if (crc !== image.readUInt32LE(252)) return `boot2 CRC ${crc.toString(16)} != stored ${image.readUInt32LE(252).toString(16)}`;
  if (flat) {
    if (flat.length > image.length) return `the ELF's flash image (${flat.length} bytes) is longer than the UF2's (${image.length})`;
    for (let a = 0; a < image.length; a++) {
      const want = a < flat.length ? flat[a] : 0;
      if (image[a] !== want) return `flash byte 0x${(0x10000000 + a).toString(16)}: UF2 0x${image[a].toString(16)}, ELF 0x${want.toString(16)}`;
    }
  }
  return `ok: ${n} blocks`;
}

if (require.main === module) {
  const [file, bin] = process.argv.slice(2);
  if (!file) { console.error('usage: node tools/uf2-spec-check.js FILE.uf2 [FLASH.bin]'); process.exit(2); }
  const r = check(fs.readFileSync(file), bin ? fs.readFileSync(bin) : null);
  console.log(r);
  process.exit(r.startsWith('ok:') ? 0 : 1);
}
module.exports = { check, crc32Boot2 };
