'use strict';
// The GDB remote serial protocol's packet layer (framing only, no commands).
//
// A packet is  $DATA#CS  where CS is the sum of DATA's bytes modulo 256 in
// two lowercase hex digits. In DATA, '}' escapes the next byte (sent XOR
// 0x20: needed for '$', '#', '}' and '*' in binary data), and '*' followed by
// a character N repeats the previous character N - 29 times more (run-length
// encoding; N is printable and never '$' or '#'). The receiver answers '+'
// (received) or '-' (bad checksum: send again), unless both sides agreed to
// QStartNoAckMode. A lone 0x03 byte outside a packet is an interrupt request
// (Ctrl-C).
//
// Strings here are byte strings ('latin1'): one character per byte.

const MAX_PACKET = 0x4000;       // what we advertise (PacketSize)
const MAX_RETRIES = 8;           // '-' answers to one packet before giving up

function checksum(s) {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s.charCodeAt(i);
  return sum & 0xff;
}
function hex2(n) { return n.toString(16).padStart(2, '0'); }

/** '$', '#', '}' and '*' in binary data, escaped. */
function escape(s) {
  return s.replace(/[$#}*]/g, (ch) => '}' + String.fromCharCode(ch.charCodeAt(0) ^ 0x20));
}
/** Undo escape() and run-length encoding. Throws on a malformed packet. */
function decode(s) {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '}') {
      if (i + 1 >= s.length) throw new Error('escape character at the end of a packet');
      out += String.fromCharCode(s.charCodeAt(++i) ^ 0x20);
    } else if (ch === '*') {
      if (!out.length || i + 1 >= s.length) throw new Error('run-length marker without a character to repeat');
      const n = s.charCodeAt(++i) - 29;
      if (n < 3 || n > 97) throw new Error(`bad run length ${n}`);
      out += out[out.length - 1].repeat(n);
    } else {
      out += ch;
    }
  }
  return out;
}
/** Run-length encode (for replies): runs of 4 or more equal characters (an escaped byte is never the start of a run). */
function rle(s) {
  let out = '';
  for (let i = 0; i < s.length;) {
    const ch = s[i];
    let j = i + 1;
    while (j < s.length && s[j] === ch && j - i < 98) j++;
    let extra = j - i - 1;             // repeats after the first
    // '*' can only follow a plain character; counts 6 and 7 would be '#' and '$'
    if (extra >= 3 && ch !== '*' && ch !== '#' && ch !== '$' && ch !== '}' && s[i - 1] !== '}') {
      if (extra === 6 || extra === 7) extra = 5;
      out += ch + '*' + String.fromCharCode(extra + 29);
      i += extra + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}
/** A complete packet for `data` (already escaped if binary). */
function frame(data, { compress = false } = {}) {
  const body = compress ? rle(data) : data;
  return `$${body}#${hex2(checksum(body))}`;
}

/**
 * Both directions of one connection. `send(bytes)` writes to the peer;
 * handlers: onPacket(data), onInterrupt(), onError(message) (the
 * connection cannot go on).
 */
class PacketConn {
  constructor(send, handlers) {
    this.sendRaw = send;
    this.h = handlers;
    this.buf = '';
    this.ack = true;          // until QStartNoAckMode
    this.queue = [];          // packets waiting for the previous one's '+'
    this.inflight = null;     // sent, not yet acknowledged
    this.retries = 0;
    this.stats = { received: 0, badChecksum: 0, resent: 0 };
  }

  /** Bytes from the peer. */
  feed(bytes) {
    this.buf += bytes;
    for (;;) {
      if (!this.buf.length) return;
      const ch = this.buf[0];
      if (ch === '+') { this.buf = this.buf.slice(1); this.acked(); continue; }
      if (ch === '-') { this.buf = this.buf.slice(1); this.nacked(); continue; }
      if (ch === '\x03') { this.buf = this.buf.slice(1); this.h.onInterrupt(); continue; }
      if (ch !== '$') {
        // noise between packets (a line ending, a stray byte): skip to the next start
        const next = this.buf.search(/[$+\-\x03]/);
        this.buf = next < 0 ? '' : this.buf.slice(next);
        continue;
      }
      const hash = this.buf.indexOf('#');
      if (hash < 0 || hash + 3 > this.buf.length) {
        if (this.buf.length > 2 * MAX_PACKET + 4) {
          this.buf = '';
          this.h.onError(`packet longer than ${2 * MAX_PACKET} bytes`);
        }
        return;
      }
      const body = this.buf.slice(1, hash);
      const cs = this.buf.slice(hash + 1, hash + 3);
      this.buf = this.buf.slice(hash + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(cs) || parseInt(cs, 16) !== checksum(body)) {
        this.stats.badChecksum++;
        if (this.ack) this.sendRaw('-');
        continue;
      }
      if (this.ack) this.sendRaw('+');
      let data;
      try { data = decode(body); } catch (e) {
        this.send('E01');     // a well-formed frame with a malformed body
        continue;
      }
      this.stats.received++;
      this.h.onPacket(data);
    }
  }

  /** Send a packet (queued behind one not yet acknowledged). */
  send(data, opts) {
    const p = frame(data, opts);
    if (!this.ack) { this.sendRaw(p); return; }
    if (this.inflight) { this.queue.push(p); return; }
    this.inflight = p;
    this.retries = 0;
    this.sendRaw(p);
  }
  acked() {
    if (!this.inflight) return;
    this.inflight = null;
    const next = this.queue.shift();
    if (next) { this.inflight = next; this.retries = 0; this.sendRaw(next); }
  }
  nacked() {
    if (!this.inflight) return;
    if (++this.retries > MAX_RETRIES) {
      this.inflight = null;
      this.queue = [];
      this.h.onError(`the debugger rejected a packet ${MAX_RETRIES} times`);
      return;
    }
    this.stats.resent++;
    this.sendRaw(this.inflight);
  }
  /** Send what waits for acknowledgements now (the connection is about to close). */
  flush() {
    for (const p of this.queue) this.sendRaw(p);
    this.queue = [];
  }
  /** Stop acknowledging (after replying OK to QStartNoAckMode). */
  noAck() {
    this.ack = false;
    const rest = this.queue;   // (the packet in flight was sent already)
    this.inflight = null;
    this.queue = [];
    for (const p of rest) this.sendRaw(p);
  }
}

function toHex(bytes) { return Buffer.from(bytes, 'latin1').toString('hex'); }
function fromHex(s) {
  if (s.length % 2 || !/^[0-9a-fA-F]*$/.test(s)) throw new Error('bad hex');
  return Buffer.from(s, 'hex');
}

module.exports = { checksum, escape, decode, rle, frame, PacketConn, toHex, fromHex, MAX_PACKET, MAX_RETRIES };
