'use strict';
// Small pieces checked on their own: instruction classification, ALU flag
// helpers, CRC, loaders.
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { classify, K } = require('../lib/decode');
const { crc32Boot2, Simulator, parseUf2 } = require('../lib');
const { crossTool } = require('./helpers');

test('CRC32 as the boot ROM computes it (CRC-32/MPEG-2 check value)', () => {
  assert.strictEqual(crc32Boot2(Buffer.from('123456789')), 0x0376e6e7);
});

test('ARMv6-M decode: undefined 16-bit encodings agree with the GNU disassembler', (t) => {
  const objdump = crossTool(t, 'objdump');
  if (!objdump) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-decode-'));
  const ops = [];
  for (let op = 0; op < 0x10000; op++) if ((op >>> 11) < 0x1d) ops.push(op);
  const buf = Buffer.alloc(ops.length * 4);
  ops.forEach((op, i) => { buf.writeUInt16LE(op, 4 * i); buf.writeUInt16LE(0xbf00, 4 * i + 2); });
  fs.writeFileSync(path.join(dir, 'ops.bin'), buf);
  const dis = execFileSync(objdump, ['-D', '-b', 'binary', '-m', 'armv6s-m', '-M', 'force-thumb', path.join(dir, 'ops.bin')], { maxBuffer: 1 << 28 }).toString();
  const undef = new Set();
  for (const l of dis.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+[0-9a-f]{4}\s+(.*)$/.exec(l);
    if (m && parseInt(m[1], 16) % 4 === 0 && /UNDEFINED|undefined/.test(m[2])) undef.add(ops[parseInt(m[1], 16) / 4]);
  }
  // the disassembler also shows ARMv7-M-only encodings (CBZ/CBNZ, IT, and
  // variants with nonzero should-be-zero bits); everything it calls undefined
  // must be undefined here, and everything else we reject must be v7-only.
  for (const op of undef) {
    if ((op & 0xff87) === 0x4781 || (op & 0xff80) === 0x4780 || (op & 0xff87) === 0x4701) continue; // BX/BLX with SBZ bits
    assert.ok([K.UNDEF, K.UDF].includes(classify(op)), `0x${op.toString(16)} should be undefined`);
  }
  const v7only = (op) => (op & 0xf500) === 0xb100 || (op & 0xff00) === 0xbf00 || (op & 0xff00) === 0xb600 || (op & 0xff00) === 0xba00 || (op & 0xff00) === 0xde00;
  for (const op of ops) {
    const k = classify(op);
    if ((k === K.UNDEF || k === K.UDF) && !undef.has(op)) assert.ok(v7only(op), `0x${op.toString(16)} rejected but the disassembler knows it`);
  }
});

test('ALU flag helpers give the same results as rp2040js', () => {
  const sim = new Simulator();
  const c = sim.cores[0];
  const Base = Object.getPrototypeOf(Object.getPrototypeOf(c));
  const edge = [0, 1, 2, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x100000000];
  let seed = 12345;
  const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed; };
  for (let i = 0; i < 20000; i++) {
    const a = i < 81 ? edge[i % 9] : rnd();
    const b = i < 81 ? edge[Math.floor(i / 9)] : rnd();
    for (const f of ['addUpdateFlags', 'substractUpdateFlags']) {
      const o = {};
      const r1 = Base[f].call(o, a, b) >>> 0;
      const r2 = c[f](a, b) >>> 0;
      assert.deepStrictEqual([r2, c.N, c.Z, c.C, c.V], [r1, o.N, o.Z, o.C, o.V], `${f}(${a}, ${b})`);
    }
  }
});

test('UF2 loader keeps RP2040 blocks and rejects files with none', () => {
  const block = (family, addr) => {
    const b = Buffer.alloc(512);
    b.writeUInt32LE(0x0a324655, 0); b.writeUInt32LE(0x9e5d5157, 4); b.writeUInt32LE(0x2000, 8);
    b.writeUInt32LE(addr, 12); b.writeUInt32LE(256, 16); b.writeUInt32LE(family, 28); b.writeUInt32LE(0x0ab16f30, 508);
    return b;
  };
  const mixed = Buffer.concat([block(0xe48bff56, 0x10000000), block(0xe48bff59, 0x10000000)]);
  assert.strictEqual(parseUf2(mixed).length, 1);
  assert.throws(() => parseUf2(block(0xe48bff59, 0x10000000)), /no blocks for the RP2040/);
});

test('two simulators in one process do not share state', () => {
  const a = new Simulator(), b = new Simulator();
  a.write32(0x20000000, 0x1234);
  assert.strictEqual(b.read32(0x20000000), 0);
  assert.notStrictEqual(a.cores[0], b.cores[0]);
  assert.strictEqual(Object.getPrototypeOf(a.cores[0]), Object.getPrototypeOf(b.cores[0]));
});

test('the committed ROM image is the assembled rom/rom.S', (t) => {
  const cc = crossTool(t, 'gcc');
  if (!cc) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-rom-'));
  const elf = path.join(dir, 'rom.elf'), out = path.join(dir, 'rom_image.js');
  execFileSync(cc, ['-mcpu=cortex-m0plus', '-mthumb', '-nostdlib', '-nostartfiles', '-Wl,--no-warn-rwx-segments',
    '-Wl,--section-start=.rom=0', '-Wl,-e,rom_reset', '-o', elf, path.join(__dirname, '../rom/rom.S')]);
  execFileSync(process.execPath, [path.join(__dirname, '../tools/mkrom.js'), elf, out]);
  assert.strictEqual(fs.readFileSync(out, 'utf8'), fs.readFileSync(path.join(__dirname, '../lib/rom_image.js'), 'utf8'),
    'lib/rom_image.js is stale: run make sim-rom');
});
