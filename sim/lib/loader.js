'use strict';
// Firmware images: ELF (PT_LOAD segments placed by physical address) and
// UF2 (RP2040 family blocks written to flash). Errors are thrown as
// UserError with a one-line message for the command line.

class UserError extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

const RP2040_FAMILY = 0xe48bff56;
const UF2_MAGIC0 = 0x0a324655;
const UF2_MAGIC1 = 0x9e5d5157;
const UF2_MAGIC_END = 0x0ab16f30;

const FLASH_BASE = 0x10000000;
const FLASH_SIZE = 16 * 1024 * 1024;
const SRAM_BASE = 0x20000000;
const SRAM_SIZE = 0x42000;

function isElf(buf) { return buf.length >= 52 && buf.readUInt32BE(0) === 0x7f454c46; }
function isUf2(buf) { return buf.length >= 512 && buf.readUInt32LE(0) === UF2_MAGIC0 && buf.readUInt32LE(4) === UF2_MAGIC1; }

/**
 * Parse an ELF file. Returns {entry, segments:[{paddr, vaddr, data, memsz}], symbols: Map(name -> {value, size})}.
 */
function parseElf(buf, name = 'firmware') {
  try {
    return parseElfUnchecked(buf, name);
  } catch (e) {
    if (e instanceof RangeError) throw new UserError(`${name}: truncated or corrupt ELF file`);
    throw e;
  }
}
function parseElfUnchecked(buf, name) {
  if (!isElf(buf)) throw new UserError(`${name}: not an ELF file`);
  if (buf[4] !== 1) throw new UserError(`${name}: not a 32-bit ELF file (an image for another chip?)`);
  if (buf[5] !== 1) throw new UserError(`${name}: not a little-endian ELF file (an image for another chip?)`);
  const machine = buf.readUInt16LE(18);
  if (machine !== 40) throw new UserError(`${name}: ELF machine ${machine} is not ARM (40): an image for another chip`);
  const entry = buf.readUInt32LE(24);
  const phoff = buf.readUInt32LE(28);
  const shoff = buf.readUInt32LE(32);
  const phentsize = buf.readUInt16LE(42);
  const phnum = buf.readUInt16LE(44);
  const shentsize = buf.readUInt16LE(46);
  const shnum = buf.readUInt16LE(48);
  const segments = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (o + 32 > buf.length) throw new UserError(`${name}: truncated ELF program header`);
    const type = buf.readUInt32LE(o);
    if (type !== 1) continue; // PT_LOAD
    const offset = buf.readUInt32LE(o + 4);
    const vaddr = buf.readUInt32LE(o + 8);
    const paddr = buf.readUInt32LE(o + 12);
    const filesz = buf.readUInt32LE(o + 16);
    const memsz = buf.readUInt32LE(o + 20);
    if (filesz === 0) continue;
    if (offset + filesz > buf.length) throw new UserError(`${name}: truncated ELF segment`);
    segments.push({ paddr, vaddr, memsz, data: buf.subarray(offset, offset + filesz) });
  }
  const symbols = new Map();
  if (shoff && shnum && shoff + shnum * shentsize <= buf.length) {
    const sec = (i) => {
      const o = shoff + i * shentsize;
      return { type: buf.readUInt32LE(o + 4), offset: buf.readUInt32LE(o + 16), size: buf.readUInt32LE(o + 20), link: buf.readUInt32LE(o + 24), entsize: buf.readUInt32LE(o + 36) };
    };
    for (let i = 0; i < shnum; i++) {
      const s = sec(i);
      if (s.type !== 2) continue; // SHT_SYMTAB
      const str = sec(s.link);
      const n = s.entsize ? Math.floor(s.size / s.entsize) : 0;
      for (let k = 1; k < n; k++) {
        const o = s.offset + k * s.entsize;
        if (o + 16 > buf.length) break;
        const nameOff = buf.readUInt32LE(o);
        const value = buf.readUInt32LE(o + 4);
        const size = buf.readUInt32LE(o + 8);
        const info = buf[o + 12];
        const type = info & 0xf;
        if (type === 4 || type === 3) continue; // FILE, SECTION
        let e = str.offset + nameOff;
        const start = e;
        while (e < buf.length && buf[e] !== 0) e++;
        const sym = buf.toString('latin1', start, e);
        if (!sym || sym.startsWith('$')) continue;
        if (!symbols.has(sym) || (info >> 4) === 1) symbols.set(sym, { value, size, type });
      }
    }
  }
  return { entry, segments, symbols };
}

/** Parse a UF2 file; returns [{addr, data}] for the RP2040 family blocks. */
function parseUf2(buf, name = 'firmware') {
  try {
    return parseUf2Unchecked(buf, name);
  } catch (e) {
    if (e instanceof RangeError) throw new UserError(`${name}: truncated or corrupt UF2 file`);
    throw e;
  }
}
function parseUf2Unchecked(buf, name) {
  if (!isUf2(buf)) throw new UserError(`${name}: not a UF2 file`);
  if (buf.length % 512) throw new UserError(`${name}: UF2 file size ${buf.length} is not a multiple of 512`);
  const blocks = [];
  const families = new Set();
  for (let o = 0; o < buf.length; o += 512) {
    if (buf.readUInt32LE(o) !== UF2_MAGIC0 || buf.readUInt32LE(o + 4) !== UF2_MAGIC1 || buf.readUInt32LE(o + 508) !== UF2_MAGIC_END) {
      throw new UserError(`${name}: UF2 block ${o / 512} has bad magic numbers`);
    }
    const flags = buf.readUInt32LE(o + 8);
    if (flags & 1) continue; // not main flash
    const addr = buf.readUInt32LE(o + 12);
    const size = buf.readUInt32LE(o + 16);
    const family = flags & 0x2000 ? buf.readUInt32LE(o + 28) >>> 0 : null;
    if (size > 476) throw new UserError(`${name}: UF2 block ${o / 512} has payload size ${size}`);
    if (family !== null) families.add(family);
    if (family !== null && family !== RP2040_FAMILY) continue;
    blocks.push({ addr, data: buf.subarray(o + 32, o + 32 + size) });
  }
  if (!blocks.length) {
    const list = [...families].map((f) => '0x' + f.toString(16)).join(', ') || 'none';
    throw new UserError(`${name}: UF2 has no blocks for the RP2040 (family 0xe48bff56); families found: ${list}`);
  }
  return blocks;
}

/** Where a physical address lands: {kind:'flash'|'sram', offset} or null. */
function placeAddress(addr, len) {
  if (addr >= FLASH_BASE && addr + len <= FLASH_BASE + FLASH_SIZE) return { kind: 'flash', offset: addr - FLASH_BASE };
  if (addr >= SRAM_BASE && addr + len <= SRAM_BASE + SRAM_SIZE) return { kind: 'sram', offset: addr - SRAM_BASE };
  return null;
}

module.exports = { UserError, parseElf, parseUf2, isElf, isUf2, placeAddress, RP2040_FAMILY };
