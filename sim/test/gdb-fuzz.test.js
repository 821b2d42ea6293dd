'use strict';
// Fuzzing the GDB remote server's two parsers, seeded so that a failure can
// be replayed (GDB_FUZZ_SEED=n, GDB_FUZZ_ROUNDS=n for a longer run):
// - the packet layer (PacketConn.feed): random bytes in random pieces, with
//   well-formed packets among them;
// - the command handler (GdbServer.onPacket): random and malformed packets of
//   every kind the server knows, with addresses at the edges of the map.
// Each checks what must hold whatever arrives: nothing thrown, every reply a
// well-formed frame, the input buffer bounded, and packets that only read
// leaving memory and registers as they were.
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const { Simulator } = require('../lib');
const { GdbServer } = require('../lib/gdb');
const P = require('../lib/gdb-packet');
const { fw } = require('./helpers');

const SEED = Number(process.env.GDB_FUZZ_SEED || 20261206);
const ROUNDS = Number(process.env.GDB_FUZZ_ROUNDS || 20000);

/** A small deterministic generator (xorshift32). */
function rng(seed) {
  let s = (seed >>> 0) || 1;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  const below = (n) => next() % n;
  return { below, pick: (a) => a[below(a.length)], chance: (k) => below(k) === 0 };
}

/** A frame as the server sends it: $body#cs, cs right, body decodable. */
function assertFrame(f, context) {
  const m = /^\$([^$#]*)#([0-9a-f]{2})$/s.exec(f);
  assert.ok(m, `${context}: not a frame: ${JSON.stringify(f.slice(0, 80))}`);
  assert.strictEqual(parseInt(m[2], 16), P.checksum(m[1]), `${context}: checksum`);
  assert.doesNotThrow(() => P.decode(m[1]), `${context}: body does not decode`);
}

test('gdb fuzz: the packet layer delivers every well-formed packet among random bytes, in order', () => {
  const r = rng(SEED);
  for (let round = 0; round < ROUNDS / 20; round++) {
    const got = [], sent = [];
    let interrupts = 0, errors = 0;
    const c = new P.PacketConn((b) => sent.push(b), {
      onPacket: (p) => got.push(p), onInterrupt: () => interrupts++, onError: () => errors++,
    });
    if (r.chance(2)) c.noAck();
    // noise between packets: any byte but a packet's start or end, so that
    // no packet can be cut; '+', '-' and ^C among it are acted on
    let stream = '', want = [], wantInts = 0;
    const n = 1 + r.below(6);
    for (let k = 0; k < n; k++) {
      for (let j = r.below(12); j > 0; j--) {
        let b;
        do b = String.fromCharCode(r.below(256)); while (b === '$' || b === '#');
        if (b === '\x03') wantInts++;
        stream += b;
      }
      let data = '';
      for (let j = r.below(40); j > 0; j--) data += String.fromCharCode(r.below(256));
      stream += P.frame(P.escape(data), { compress: r.chance(2) });
      want.push(data);
    }
    // fed in random pieces
    for (let at = 0; at < stream.length;) {
      const len = 1 + r.below(16);
      c.feed(stream.slice(at, at + len));
      at += len;
    }
    assert.deepStrictEqual(got, want, `round ${round}`);
    assert.strictEqual(interrupts, wantInts, `round ${round}: interrupts`);
    assert.strictEqual(errors, 0, `round ${round}: errors`);
    assert.strictEqual(c.stats.badChecksum, 0);
  }
});

test('gdb fuzz: the packet layer survives any bytes and keeps its buffer bounded', () => {
  const r = rng(SEED + 1);
  const alphabet = '$#}*+-\x03abc0123456789';
  let errors = 0, delivered = 0;
  const c = new P.PacketConn(() => {}, {
    onPacket: () => delivered++, onInterrupt() {}, onError: () => errors++,
  });
  for (let i = 0; i < ROUNDS; i++) {
    let piece = '';
    for (let j = 1 + r.below(64); j > 0; j--)
      piece += r.chance(3) ? String.fromCharCode(r.below(256)) : r.pick(alphabet);
    if (r.chance(200)) piece = '$' + 'x'.repeat(2 * P.MAX_PACKET + 8);   // a packet with no end
    c.feed(piece);
    assert.ok(c.buf.length <= 2 * P.MAX_PACKET + 4, `buffer grew to ${c.buf.length}`);
  }
  assert.ok(errors > 0, 'the overlong packets were reported');
  // still in step afterwards: a clean packet after whatever was left
  c.feed('#00');
  const before = delivered;
  c.feed(P.frame('qC'));
  assert.strictEqual(delivered, before + 1, 'a good packet after the noise');
});

// The commands: heads of every packet the server knows, followed by
// addresses at the edges of the map (and beyond 32 bits), lengths, and junk.
const READ_HEADS = ['m', 'p', 'g', '?', 'qC', 'qfThreadInfo', 'qsThreadInfo', 'qAttached',
  'qSupported:', 'qXfer:features:read:target.xml:', 'qXfer:threads:read::', 'qXfer:foo:read:',
  'qThreadExtraInfo,', 'qRcmd,', 'H', 'Hg', 'Hc', 'T', 'Z0,', 'Z1,', 'Z2,', 'Z3,', 'Z4,',
  'z0,', 'z1,', 'z2,', 'z3,', 'z4,', 'Z9,', 'vCont?', 'vMustReplyEmpty', 'Q', 'x', '!'];
const WRITE_HEADS = ['M', 'X', 'P', 'G'];
const RESUME_HEADS = ['c', 's', 'C', 'S', 'vCont;', 'vCont;c', 'vCont;s:1', 'vCont;s:2;c'];
const ADDRS = ['0', '4000', '10000000', '10000100', '10ffffff', '11000000', '20000000', '2003fffc',
  '20041ffe', '20042000', '40000000', '40014000', '4005c000', '50000000', '50110000',
  'd0000000', 'd0000050', 'e000e000', 'e000ed00', 'fffffffc', 'ffffffff', '100000000',
  '120001000', 'ffffffffffffffff', '-1', ''];
const JUNK = '0123456789abcdefABCDEF,:;=-xX}* \x00\xff#$';

function packet(r, heads) {
  let p = r.pick(heads);
  if (r.chance(2) || p.endsWith(',') || p === 'm' || p === 'M' || p === 'X') {
    p += r.pick(ADDRS);
    if (!r.chance(4)) p += ',' + (r.chance(3) ? r.below(0x20000) : r.below(80)).toString(16);
  }
  if (p[0] === 'M' && r.chance(2)) {
    const m = /,([0-9a-f]+)$/.exec(p);
    const len = m ? Math.min(parseInt(m[1], 16), 64) : 4;
    p += ':' + '00'.repeat(len + (r.chance(4) ? 1 : 0));
  }
  if (p[0] === 'X' && r.chance(2)) p += ':' + 'ab'.slice(0, r.below(3));
  if (p[0] === 'P' && r.chance(2)) p += r.below(30).toString(16) + '=' + '1234abcd'.slice(0, 4 + r.below(5));
  if (p[0] === 'G' && r.chance(2)) p += '00'.repeat(r.chance(2) ? 21 * 4 : r.below(100));
  if (p.startsWith('qRcmd,') && r.chance(2)) p += Buffer.from(r.pick(['info', 'help', 'nonsense', ''])).toString('hex');
  for (let k = r.below(5); k > 0; k--) p += r.pick(JUNK);
  return p;
}

/** An address beyond 32 bits is refused, never wrapped to its low 32 bits. */
function assertBeyond32Refused(p, sent) {
  if (/^([mMX]|[Zz][0-4],)(1[0-9a-f]{8}|f{16}),/.test(p))
    assert.strictEqual(sent[sent.length - 1], P.frame('E01'), `${JSON.stringify(p)} beyond 32 bits`);
}

function fuzzServer() {
  const sim = new Simulator();
  sim.loadFile(fw('t_race'));
  const server = new GdbServer(sim, {});
  const sent = [];
  server.conn = new P.PacketConn((b) => sent.push(b), {
    onPacket: (p) => server.onPacket(p), onInterrupt() {}, onError() {},
  });
  server.conn.noAck();
  let resumed = 0;
  server.resume = () => { resumed++; };   // stays stopped: the next packet is handled at once
  server.log = () => {};
  return { sim, server, sent, resumed: () => resumed };
}

function state(sim, server) {
  const h = crypto.createHash('sha256');
  h.update(sim.mcu.sram);
  h.update(sim.mcu.flash);
  for (const n of [0, 1]) for (let i = 0; i < 21; i++) h.update(String(server.target.readRegister(n, i)) + ',');
  return h.digest('hex');
}

test('gdb fuzz: packets that only read change no memory and no register, and each is answered', () => {
  const r = rng(SEED + 2);
  const { sim, server, sent } = fuzzServer();
  const before = state(sim, server);
  for (let i = 0; i < ROUNDS; i++) {
    const p = packet(r, READ_HEADS);
    const n = sent.length;
    assert.doesNotThrow(() => server.onPacket(p), `packet ${JSON.stringify(p)}`);
    assert.ok(sent.length > n, `no reply to ${JSON.stringify(p)}`);
    for (let k = n; k < sent.length; k++) assertFrame(sent[k], JSON.stringify(p));
    assertBeyond32Refused(p, sent);
  }
  assert.strictEqual(state(sim, server), before, 'a read-only packet changed memory or registers');
});

test('gdb fuzz: any packet, writes and resumes included, is answered with a well-formed frame or resumes', () => {
  const r = rng(SEED + 3);
  const { server, sent, resumed } = fuzzServer();
  const heads = [...READ_HEADS, ...WRITE_HEADS, ...RESUME_HEADS];
  let quiet = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const p = packet(r, heads);
    const n = sent.length, rs = resumed();
    assert.doesNotThrow(() => server.onPacket(p), `packet ${JSON.stringify(p)}`);
    for (let k = n; k < sent.length; k++) assertFrame(sent[k], JSON.stringify(p));
    if (sent.length === n) {
      assert.strictEqual(resumed(), rs + 1, `no reply and no resume for ${JSON.stringify(p)}`);
      quiet++;
    }
    assertBeyond32Refused(p, sent);
  }
  assert.ok(quiet > 0, 'some packets resumed');
  assert.ok(!server.ended, 'no packet in the set ends the session');
});
