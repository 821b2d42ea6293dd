'use strict';
// GDB remote server of tandem-sim (--gdb PORT): both RP2040 cores as two
// GDB threads (thread 1 = core 0, thread 2 = core 1), all-stop.
//
// The protocol's commands are here; framing is lib/gdb-packet.js, and what a
// command does to the simulator is lib/gdb-target.js. One debugger at a
// time, on 127.0.0.1 only.

const net = require('net');
const { PacketConn, toHex, fromHex, escape, MAX_PACKET } = require('./gdb-packet');
const { DebugTarget, DebugError, NUM_REGS, SIGTRAP } = require('./gdb-target');

const TARGET_XML = `<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>arm</architecture>
  <feature name="org.gnu.gdb.arm.m-profile">
${[...Array(13).keys()].map((i) => `    <reg name="r${i}" bitsize="32" regnum="${i}" type="uint32" group="general"/>`).join('\n')}
    <reg name="sp" bitsize="32" regnum="13" type="data_ptr" group="general"/>
    <reg name="lr" bitsize="32" regnum="14" type="uint32" group="general"/>
    <reg name="pc" bitsize="32" regnum="15" type="code_ptr" group="general"/>
    <reg name="xpsr" bitsize="32" regnum="16" type="uint32" group="general"/>
  </feature>
  <feature name="org.gnu.gdb.arm.m-system">
    <reg name="msp" bitsize="32" regnum="17" type="data_ptr" group="system"/>
    <reg name="psp" bitsize="32" regnum="18" type="data_ptr" group="system"/>
  </feature>
  <feature name="org.tandem.sim.armv6m-system">
    <reg name="primask" bitsize="32" regnum="19" type="uint32" group="system"/>
    <reg name="control" bitsize="32" regnum="20" type="uint32" group="system"/>
  </feature>
</target>
`;

const MONITOR_HELP = `tandem-sim monitor commands:
  monitor info     simulated time, and each core's state, pc, cycles and instructions
  monitor help     this text
`;

/** A hex address of the 32-bit address space, or null (more than 32 bits: it would wrap to another address). */
function addr32(h) {
  const a = parseInt(h, 16);
  return a <= 0xffffffff ? a : null;
}
function u32hex(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b.toString('hex'); }
function hex2(n) { return (n & 0xff).toString(16).padStart(2, '0'); }

class GdbServer {
  /**
   * @param {Simulator} sim
   * @param {object} [opts] until, maxMs, maxCycles: the run's own end
   *   conditions; exitCode(record): the exit status of a finished run
   *   (reported to the debugger as W); log(message): notes for the user
   */
  constructor(sim, opts = {}) {
    this.sim = sim;
    this.opts = opts;
    this.target = new DebugTarget(sim, opts);
    this.log = opts.log || (() => {});
    this.conn = null;
    this.socket = null;
    this.server = null;
    this.running = false;
    this.pending = [];          // packets that arrived while running
    this.gThread = 0;           // core for register and memory packets
    this.cThread = -1;          // core for c/s packets (-1: all)
    this.lastStop = { kind: 'stop', core: 0, signal: SIGTRAP, why: 'start' };
    this.features = new Set();  // what the debugger said it supports
    this.done = null;           // resolve(record) when the session ends
    this.ended = false;
  }

  /** Listen on 127.0.0.1:port (0: any free port). Resolves to the port. */
  listen(port) {
    return new Promise((resolve, reject) => {
      this.server = net.createServer((s) => this.accept(s));
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.removeListener('error', reject);
        resolve(this.server.address().port);
      });
    });
  }

  /**
   * Serve one debugger. Resolves with the run's stop record when the
   * session ends: the firmware finished while the debugger watched
   * ({reason: 'bkpt'|'until'|'bound'|...}), the debugger detached (the run
   * then goes on without it, `afterDetach(sim)` returns its record), or it
   * killed the run or went away ({reason: 'killed', message}).
   */
  session(afterDetach) {
    this.afterDetach = afterDetach;
    return new Promise((resolve) => { this.done = resolve; });
  }

  accept(socket) {
    if (this.conn || this.ended) {
      this.log('a second debugger tried to connect; refused (one at a time)');
      socket.destroy();
      return;
    }
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    this.log(`debugger connected from ${socket.remoteAddress}:${socket.remotePort}`);
    this.conn = new PacketConn((bytes) => { if (!socket.destroyed) socket.write(bytes, 'latin1'); }, {
      onPacket: (p) => this.onPacket(p),
      onInterrupt: () => { if (this.running) this.target.interrupt(); },
      onError: (m) => { this.log(`protocol error: ${m}`); socket.destroy(); },
    });
    socket.on('data', (d) => this.conn.feed(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!this.ended) this.finish({ reason: 'killed', message: 'the debugger\'s connection closed' });
    });
  }

  finish(record) {
    if (this.ended) return;
    this.ended = true;
    this.running = false;
    if (this.conn) this.conn.flush();
    if (this.socket && !this.socket.destroyed) this.socket.end();
    if (this.server) this.server.close();
    this.done(record);
  }

  send(data, opts) { this.conn.send(data, opts); }

  // ---- packets ---------------------------------------------------------------------
  onPacket(p) {
    if (this.ended) return;
    if (this.running && p !== '') { this.pending.push(p); return; }
    let reply;
    try {
      reply = this.command(p);
    } catch (e) {
      if (!(e instanceof DebugError)) throw e;
      reply = 'E01';
    }
    if (reply !== undefined) this.send(reply.data !== undefined ? reply.data : reply, reply.opts);
  }

  /** Reply to one packet (a string, {data, opts}, or undefined for none). */
  command(p) {
    const t = this.target;
    switch (p[0]) {
      case '?': return this.stopReply(this.lastStop);
      case 'q': return this.query(p);
      case 'Q':
        if (p === 'QStartNoAckMode') { this.send('OK'); this.conn.noAck(); return undefined; }
        return '';
      case 'H': {
        const id = this.threadId(p.slice(2));
        if (id === null) return 'E01';
        if (p[1] === 'g') { if (id >= 0) this.gThread = id; return 'OK'; }
        if (p[1] === 'c') { this.cThread = id; return 'OK'; }
        return '';
      }
      case 'T': { const id = this.threadId(p.slice(1)); return id !== null && id >= 0 ? 'OK' : 'E01'; }
      case 'g': {
        let s = '';
        for (let i = 0; i < NUM_REGS; i++) s += u32hex(t.readRegister(this.gThread, i));
        return { data: s, opts: { compress: true } };
      }
      case 'G': {
        const b = fromHexOrError(p.slice(1));
        if (b.length !== NUM_REGS * 4) return 'E01';
        for (let i = 0; i < NUM_REGS; i++) t.writeRegister(this.gThread, i, b.readUInt32LE(4 * i));
        return 'OK';
      }
      case 'p': {
        const i = parseInt(p.slice(1), 16);
        if (!(i >= 0 && i < NUM_REGS)) return 'E01';
        return u32hex(t.readRegister(this.gThread, i));
      }
      case 'P': {
        const m = /^P([0-9a-fA-F]+)=([0-9a-fA-F]{8})$/.exec(p);
        if (!m || parseInt(m[1], 16) >= NUM_REGS) return 'E01';
        t.writeRegister(this.gThread, parseInt(m[1], 16), Buffer.from(m[2], 'hex').readUInt32LE(0));
        return 'OK';
      }
      case 'm': {
        const m = /^m([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
        if (!m) return 'E01';
        const len = Math.min(parseInt(m[2], 16), MAX_PACKET / 2), addr = addr32(m[1]);
        if (addr === null) return 'E01';
        if (len === 0) return '';
        const bytes = t.readMemory(this.gThread, addr, len);
        if (!bytes.length) return 'E01';
        return { data: bytes.toString('hex'), opts: { compress: true } };
      }
      case 'M': {
        const m = /^M([0-9a-fA-F]+),([0-9a-fA-F]+):([0-9a-fA-F]*)$/.exec(p);
        if (!m) return 'E01';
        const data = fromHexOrError(m[3]);
        if (data.length !== parseInt(m[2], 16) || addr32(m[1]) === null) return 'E01';
        return t.writeMemory(this.gThread, addr32(m[1]), data) ? 'OK' : 'E01';
      }
      case 'X': {
        const colon = p.indexOf(':');
        const m = /^X([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p.slice(0, colon));
        if (colon < 0 || !m) return 'E01';
        const data = Buffer.from(p.slice(colon + 1), 'latin1');
        if (data.length !== parseInt(m[2], 16) || addr32(m[1]) === null) return 'E01';
        return t.writeMemory(this.gThread, addr32(m[1]), data) ? 'OK' : 'E01';
      }
      case 'Z': case 'z': return this.breakpoint(p);
      case 'v': return this.vPacket(p);
      case 'c': case 'C': case 's': case 'S': {
        // the old resume packets: c continues every core; s steps the Hc core (others stay)
        const step = p[0] === 's' || p[0] === 'S';
        const m = p[0] === 'c' || p[0] === 's' ? /^.([0-9a-fA-F]+)?$/.exec(p) : /^.[0-9a-fA-F]{2}(?:;([0-9a-fA-F]+))?$/.exec(p);
        if (!m || (m[1] !== undefined && addr32(m[1]) === null)) return 'E01';
        const core = this.cThread >= 0 ? this.cThread : this.lastStop.core;
        if (m[1] !== undefined) t.writeRegister(core, 15, addr32(m[1]));
        const actions = step ? [null, null] : ['c', 'c'];
        if (step) actions[core] = 's';
        this.resume(actions);
        return undefined;
      }
      case 'D':
        this.send('OK');
        this.detach();
        return undefined;
      case 'k':
        this.finish({ reason: 'killed', message: 'killed from the debugger' });
        return undefined;
      default:
        return '';
    }
  }

  query(p) {
    if (p.startsWith('qSupported')) {
      for (const f of p.slice(11).split(';')) if (f.endsWith('+')) this.features.add(f.slice(0, -1));
      return `PacketSize=${MAX_PACKET.toString(16)};QStartNoAckMode+;qXfer:features:read+;qXfer:threads:read+;vContSupported+;swbreak+;hwbreak+`;
    }
    if (p.startsWith('qXfer:features:read:')) return this.xfer(p.slice(20), { 'target.xml': TARGET_XML });
    if (p.startsWith('qXfer:threads:read:')) return this.xfer(p.slice(19), { '': this.threadsXml() });
    if (p === 'qC') return `QC${(this.lastStop.core + 1).toString(16)}`;
    if (p === 'qfThreadInfo') return 'm1,2';
    if (p === 'qsThreadInfo') return 'l';
    if (p === 'qAttached' || p.startsWith('qAttached:')) return '0';
    if (p.startsWith('qThreadExtraInfo,')) {
      const id = this.threadId(p.slice(17));
      if (id === null || id < 0) return 'E01';
      return toHex(`core ${id}: ${this.target.coreText(id)}`);
    }
    if (p.startsWith('qRcmd,')) return this.monitor(fromHexOrError(p.slice(6)).toString('latin1').trim());
    return '';
  }

  /** qXfer read: ANNEX:OFFSET,LENGTH of one of `docs`. */
  xfer(rest, docs) {
    const m = /^([^:]*):([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(rest);
    if (!m) return 'E00';
    if (!(m[1] in docs)) return 'E00';
    const doc = docs[m[1]];
    const off = parseInt(m[2], 16), len = Math.min(parseInt(m[3], 16), MAX_PACKET - 8);
    const chunk = doc.slice(off, off + len);
    return (off + len >= doc.length ? 'l' : 'm') + escape(chunk);
  }

  threadsXml() {
    const t = this.target;
    return '<?xml version="1.0"?>\n<threads>\n' +
      [0, 1].map((n) => `  <thread id="${n + 1}" core="${n}" name="core${n}">${t.coreText(n)}</thread>\n`).join('') +
      '</threads>\n';
  }

  /** Thread id text -> core index, -1 (all), or null (no such thread). 0 (any) is the current one. */
  threadId(s) {
    if (s === '-1') return -1;
    if (!/^[0-9a-fA-F]+$/.test(s)) return null;
    const id = parseInt(s, 16);
    if (id === 0) return this.gThread;
    return id === 1 || id === 2 ? id - 1 : null;
  }

  breakpoint(p) {
    if (!/^[Zz][0-4],/.test(p)) return '';    // a kind we do not support
    const m = /^([Zz])([0-4]),([0-9a-fA-F]+),([0-9a-fA-F]+)/.exec(p);
    if (!m) return 'E01';
    const insert = m[1] === 'Z', type = Number(m[2]);
    const addr = addr32(m[3]), kind = parseInt(m[4], 16);
    if (addr === null) return 'E01';
    const t = this.target;
    try {
      if (type <= 1) {
        if (kind !== 2 && kind !== 4 && kind !== 3) return 'E01';  // Thumb (2), Thumb-2 (3, 4)
        if (insert) t.addBreakpoint(addr, type === 0 ? 'sw' : 'hw');
        else t.removeBreakpoint(addr, type === 0 ? 'sw' : 'hw');
      } else {
        const wt = ['', '', 'watch', 'rwatch', 'awatch'][type];
        if (insert) t.addWatch(wt, addr, kind);
        else t.removeWatch(wt, addr, kind);
      }
    } catch (e) {
      if (e instanceof DebugError) { this.log(`refused ${p}: ${e.message}`); return 'E01'; }
      throw e;
    }
    return 'OK';
  }

  vPacket(p) {
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p.startsWith('vCont;')) {
      const actions = [null, null];
      for (const part of p.slice(6).split(';')) {
        const m = /^([cCsS])([0-9a-fA-F]{2})?(?::(-?[0-9a-fA-F]+))?$/.exec(part);
        if (!m) return 'E01';
        const act = m[1].toLowerCase();
        const ids = m[3] === undefined || m[3] === '-1' ? [0, 1] : [this.threadId(m[3])];
        if (ids[0] === null) return 'E01';
        for (const n of ids) if (actions[n] === null) actions[n] = act;   // the leftmost action wins
      }
      if (!actions[0] && !actions[1]) return 'E01';
      this.resume(actions);
      return undefined;
    }
    if (p.startsWith('vKill')) {
      this.send('OK');
      this.finish({ reason: 'killed', message: 'killed from the debugger' });
      return undefined;
    }
    return '';   // vMustReplyEmpty and everything we do not know
  }

  monitor(cmd) {
    const out = (s) => this.send('O' + toHex(s));
    if (cmd === 'info') {
      const sim = this.sim;
      out(`simulated time ${(sim.nowNanos() / 1e6).toFixed(6)} ms, clk_sys ${sim.clkSys} Hz\n`);
      sim.cores.forEach((c, n) => out(`core ${n}: ${this.target.coreText(n)}, pc 0x${(c.registers[15] >>> 0).toString(16).padStart(8, '0')}, ${c.cycles} cycles, ${c.instructions} instructions\n`));
      return 'OK';
    }
    if (cmd === 'help' || cmd === '') { out(MONITOR_HELP); return 'OK'; }
    out(`tandem-sim: unknown monitor command '${cmd}' (monitor help lists them)\n`);
    return 'OK';
  }

  // ---- running ---------------------------------------------------------------------
  resume(actions) {
    this.target.resume(actions);
    this.running = true;
    this.loop();
  }

  async loop() {
    for (;;) {
      if (this.ended) return;
      const ev = this.target.runSlice();
      if (ev) { this.stopped(ev); return; }
      await new Promise((r) => setImmediate(r));
    }
  }

  stopped(ev) {
    this.running = false;
    if (ev.kind === 'exit') {
      this.send(`W${hex2(this.opts.exitCode ? this.opts.exitCode(ev.record) : 0)}`);
      this.finish(ev.record);
      return;
    }
    if (ev.message) this.console(`tandem-sim: ${ev.message}\n`);
    this.lastStop = ev;
    this.gThread = ev.core;
    this.send(this.stopReply(ev));
    const queued = this.pending;
    this.pending = [];
    for (const p of queued) this.onPacket(p);
  }

  stopReply(ev) {
    const n = ev.core;
    const t = this.target;
    let s = `T${hex2(ev.signal)}thread:${(n + 1).toString(16)};core:${n.toString(16)};`;
    if (ev.why === 'break') {
      const kind = ev.hw ? 'hwbreak' : 'swbreak';
      if (this.features.has(kind)) s += `${kind}:;`;
    } else if (ev.why === 'watch') {
      s += `${ev.type}:${(ev.addr >>> 0).toString(16)};`;
    }
    for (const r of [13, 14, 15]) s += `${hex2(r)}:${u32hex(t.readRegister(n, r))};`;
    return s;
  }

  /** Console output of the firmware: to the debugger while the program runs. */
  console(text) {
    if (!this.conn || this.ended || !this.running && !text.startsWith('tandem-sim:')) return;
    for (let i = 0; i < text.length; i += 1000) this.send('O' + toHex(text.slice(i, i + 1000)));
  }

  detach() {
    this.target.clear();
    this.ended = true;
    this.running = false;
    if (this.server) this.server.close();
    this.log('debugger detached; the run goes on without it');
    // the run goes on once the OK is out (it keeps the event loop busy)
    let going = false;
    const go = () => { if (!going) { going = true; this.done(this.afterDetach(this.sim)); } };
    if (this.socket && !this.socket.destroyed) { this.socket.end(go); setTimeout(go, 1000); } else go();
  }
}

function fromHexOrError(s) {
  try { return fromHex(s); } catch (e) { throw new DebugError('bad hex data'); }
}

/**
 * The command line's --gdb: wrap the console so the debugger sees it, then
 * serve. prepare() is called before the console listeners are set up;
 * serve() instead of Simulator.run().
 */
function prepare(io) {
  let server = null;
  const out = {
    write(s) {
      io.out.write(s);
      if (server) server.console(Buffer.isBuffer(s) ? s.toString('latin1') : String(s));
      return true;
    },
  };
  return {
    io: { ...io, out },
    /**
     * Listen on `port`, say where, serve one debugger. opts: until, maxMs,
     * maxCycles (user bounds), exitCode(record), detachedRun(sim) -> record.
     */
    async serve(sim, port, opts, say) {
      server = new GdbServer(sim, { ...opts, log: (m) => say(m) });
      let p;
      try { p = await server.listen(port); } catch (e) {
        say(`--gdb: cannot listen on 127.0.0.1:${port}: ${e.message}`);
        return { reason: 'gdb-listen', message: e.message };
      }
      say(`GDB server listening on 127.0.0.1:${p}; waiting for the debugger (target remote localhost:${p})`);
      return server.session(opts.detachedRun);
    },
  };
}

module.exports = { GdbServer, prepare, TARGET_XML };
