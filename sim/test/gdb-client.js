'use strict';
// A minimal GDB remote protocol client for the tests and the benchmark:
// it sends packets, acknowledges what it receives and keeps every byte the
// server sent, so a test can look at acknowledgements and console output.
const net = require('net');
const { frame, decode, checksum } = require('../lib/gdb-packet');

class RspClient {
  constructor(socket) {
    this.socket = socket;
    this.buf = '';
    this.acks = '';           // '+' and '-' received, in order
    this.packets = [];        // replies not yet taken
    this.console = '';        // text of O packets
    this.waiters = [];
    this.ackMode = true;      // answer + to every packet (false: no-ack mode, or a test that answers itself)
    this.closed = false;
    socket.setEncoding('latin1');
    socket.on('data', (d) => { this.buf += d; this.parse(); });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => {});
  }

  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RspClient(s)));
      s.once('error', reject);
    });
  }

  parse() {
    for (;;) {
      const ch = this.buf[0];
      if (ch === undefined) break;
      if (ch === '+' || ch === '-') { this.acks += ch; this.buf = this.buf.slice(1); continue; }
      if (ch !== '$') { this.buf = this.buf.slice(1); continue; }
      const hash = this.buf.indexOf('#');
      if (hash < 0 || hash + 3 > this.buf.length) break;
      const body = this.buf.slice(1, hash);
      const cs = parseInt(this.buf.slice(hash + 1, hash + 3), 16);
      this.buf = this.buf.slice(hash + 3);
      if (cs !== checksum(body)) throw new Error(`server sent a bad checksum: ${body}`);
      if (this.ackMode) this.socket.write('+');
      const data = decode(body);
      if (data[0] === 'O' && data.length > 1 && /^O[0-9a-f]+$/.test(data)) this.console += Buffer.from(data.slice(1), 'hex').toString('latin1');
      else this.packets.push(data);
    }
    this.wake();
  }
  wake() { const w = this.waiters; this.waiters = []; for (const f of w) f(); }

  /** Write raw bytes. */
  raw(bytes) { this.socket.write(bytes, 'latin1'); }
  /** Send one packet. */
  send(data) { this.raw(frame(data)); }

  /** The next reply (not an O packet), within `ms` milliseconds. */
  async next(ms = 10000) {
    const end = Date.now() + ms;
    while (!this.packets.length) {
      if (this.closed) throw new Error('connection closed');
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no reply within ${ms} ms`);
      await new Promise((r) => { const t = setTimeout(r, left); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
    return this.packets.shift();
  }
  /** Send a packet and wait for its reply. */
  async request(data, ms) { this.send(data); return this.next(ms); }

  /** Wait until the server closed the connection. */
  async closedWithin(ms = 10000) {
    const end = Date.now() + ms;
    while (!this.closed) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`connection still open after ${ms} ms`);
      await new Promise((r) => { const t = setTimeout(r, Math.min(left, 50)); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }
  close() { this.socket.destroy(); }
}

/** Register value (little-endian hex, as in p/g replies) -> number. */
function regValue(hex) { return Buffer.from(hex, 'hex').readUInt32LE(0); }
/** Fields of a stop reply: {signal, thread, core, watch, rwatch, awatch, swbreak, hwbreak, regs: {n: value}} */
function parseStop(p) {
  const m = /^T([0-9a-f]{2})(.*)$/.exec(p);
  if (!m) return null;
  const out = { signal: parseInt(m[1], 16), regs: {} };
  for (const part of m[2].split(';').filter(Boolean)) {
    const [k, v] = part.split(':');
    if (/^[0-9a-f]{2}$/.test(k)) out.regs[parseInt(k, 16)] = regValue(v);
    else out[k] = v === '' ? true : v;
  }
  if (out.thread !== undefined) out.thread = parseInt(out.thread, 16);
  if (out.core !== undefined) out.core = parseInt(out.core, 16);
  return out;
}
function u32le(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b.toString('hex'); }

module.exports = { RspClient, regValue, parseStop, u32le };
