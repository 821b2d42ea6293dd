'use strict';
// The GDB remote server (--gdb): the packet layer, and the protocol against
// test firmware, driven by a raw protocol client (test/gdb-client.js). The
// end-to-end test with gdb-multiarch itself is tests/gdb/.
const test = require('node:test');
const assert = require('node:assert');
const { spawn } = require('child_process');
const { Simulator, parseElf } = require('../lib');
const { GdbServer } = require('../lib/gdb');
const P = require('../lib/gdb-packet');
const { RspClient, regValue, parseStop, u32le } = require('./gdb-client');
const { fw, CLI } = require('./helpers');
const fs = require('fs');

// ---- the packet layer ------------------------------------------------------------

test('gdb packets: checksum is the byte sum modulo 256 in two hex digits', () => {
  assert.strictEqual(P.frame('OK'), '$OK#9a');
  assert.strictEqual(P.frame(''), '$#00');
  assert.strictEqual(P.frame('qSupported'), '$qSupported#37');
});

test('gdb packets: escapes and run-length encoding decode back to the data', () => {
  const bin = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  assert.strictEqual(P.decode(P.escape(bin)), bin);
  assert.ok(!/[$#*]/.test(P.escape('a$b#c*d}e').replace(/}./g, '')), 'escaped data holds no $ # * outside escapes');
  assert.strictEqual(P.decode('0* '), '0000');            // ' ' = 32: 3 more
  assert.strictEqual(P.decode('ab*"c'), 'abbbbbbc');       // '"' = 34: 5 more
  for (const n of [1, 3, 4, 5, 7, 8, 9, 50, 98, 99, 200]) {
    const s = 'x' + '0'.repeat(n) + 'y' + 'f'.repeat(n);
    const enc = P.rle(s);
    assert.strictEqual(P.decode(enc), s, `run of ${n}`);
    assert.ok(!/\*[#$]/.test(enc), `no '#' or '$' as a run length (run of ${n}: ${enc})`);
    for (const ch of enc) assert.ok(ch.charCodeAt(0) <= 126, 'run lengths are printable');
  }
  assert.ok(P.rle('0'.repeat(64)).length < 10, 'a long run is short');
  assert.throws(() => P.decode('*a'), /run-length/);
  assert.throws(() => P.decode('ab}'), /escape/);
});

test('gdb packets: a bad checksum is answered - and the resent packet +', () => {
  const sent = [], got = [];
  const c = new P.PacketConn((b) => sent.push(b), { onPacket: (p) => got.push(p), onInterrupt() {}, onError() {} });
  c.feed('$g#00');
  assert.deepStrictEqual(sent, ['-']);
  assert.deepStrictEqual(got, []);
  c.feed('$g#67');
  assert.deepStrictEqual(sent, ['-', '+']);
  assert.deepStrictEqual(got, ['g']);
  // split across reads, RLE and an escape inside, an interrupt byte between packets
  let ints = 0;
  const c2 = new P.PacketConn(() => {}, { onPacket: (p) => got.push(p), onInterrupt: () => ints++, onError() {} });
  const f = P.frame('X20000000,3:' + P.escape('#}*'));
  c2.feed(f.slice(0, 5)); c2.feed(f.slice(5) + '\x03');
  assert.strictEqual(got[1], 'X20000000,3:#}*');
  assert.strictEqual(ints, 1);
});

test('gdb packets: a packet the peer rejects is sent again, a bounded number of times', () => {
  const sent = [];
  let err = null;
  const c = new P.PacketConn((b) => sent.push(b), { onPacket() {}, onInterrupt() {}, onError: (m) => { err = m; } });
  c.send('OK');
  c.send('E01');                                 // queued behind the unacknowledged one
  assert.deepStrictEqual(sent, ['$OK#9a']);
  c.feed('-');
  assert.deepStrictEqual(sent, ['$OK#9a', '$OK#9a']);
  c.feed('+');
  assert.deepStrictEqual(sent.slice(2), ['$E01#a6']);
  c.feed('+');
  c.send('OK');
  for (let i = 0; i < P.MAX_RETRIES; i++) c.feed('-');
  assert.strictEqual(err, null);
  c.feed('-');
  assert.match(err, /rejected a packet/);
});

// ---- the protocol against test firmware ----------------------------------------------

async function serve(name, { maxMs = 1000, qSupported = true } = {}) {
  const sim = new Simulator();
  sim.loadFile(fw(name));
  const server = new GdbServer(sim, { exitCode: (r) => (r.reason === 'bkpt' ? r.code : r.reason === 'lockup' ? 124 : r.reason === 'fault-bkpt' ? 111 : 123) });
  sim.on('line', (l) => server.console(l.text + '\n'));
  const port = await server.listen(0);
  const ended = server.session((s) => s.run({ maxMs }));
  const c = await RspClient.connect(port);
  if (qSupported) {
    const feat = await c.request('qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=arm');
    assert.match(feat, /qXfer:features:read\+/);
  }
  return { sim, server, c, ended, port };
}
const sym = (sim, name) => sim.symbol(name);
const hex = (n) => (n >>> 0).toString(16);

test('gdb: unknown packets are answered empty; malformed ones with an error', async () => {
  const { c } = await serve('t_race');
  for (const p of ['qFooBar', 'vFooBar', 'vMustReplyEmpty', 'Q?', '!', 'bc', 'qTStatus']) {
    assert.strictEqual(await c.request(p), '', p);
  }
  for (const p of ['mzz,4', 'p99', 'Pzz=1', 'M20000000,2:00', 'Hg7', 'T3', 'Z9,0,0']) {
    const r = await c.request(p);
    assert.ok(r === '' || /^E[0-9a-f]{2}$/.test(r), `${p}: ${r}`);
  }
  assert.strictEqual(await c.request('Z9,0,0'), '');   // an unknown kind of breakpoint: unsupported
  c.send('k');
  await c.closedWithin();
});

test('gdb: a bad checksum is answered - and not acted on; a resent reply after -', async () => {
  const { c } = await serve('t_race');
  const before = c.acks.length;
  c.raw('$qC#00');
  c.raw(P.frame('qC'));
  assert.strictEqual(await c.next(), 'QC1');
  assert.strictEqual(c.acks.slice(before), '-+');
  assert.strictEqual(c.packets.length, 0, 'the bad packet got no reply');
  c.ackMode = false;                               // answer by hand
  assert.strictEqual(await c.request('qfThreadInfo'), 'm1,2');
  c.raw('-');                                      // "it arrived damaged": the server sends it again
  assert.strictEqual(await c.next(), 'm1,2');
  c.raw('+');
  c.ackMode = true;
  c.send('k');
  await c.closedWithin();
});

test('gdb: breakpoints where no code can be are refused', async () => {
  const { c, sim } = await serve('t_race');
  for (const a of [0x30000000, 0x40000000, 0xd0000000, 0x20042000, 0x10000001, 0xe000e010]) {
    assert.strictEqual(await c.request(`Z0,${hex(a)},2`), 'E01', `Z0 at 0x${hex(a)}`);
    assert.strictEqual(await c.request(`Z1,${hex(a)},2`), 'E01', `Z1 at 0x${hex(a)}`);
  }
  assert.strictEqual(await c.request(`Z2,${hex(0x30000000)},4`), 'E01');
  assert.strictEqual(await c.request(`Z3,${hex(0x40014000)},4`), 'E01', 'peripherals cannot be watched');
  const a = sym(sim, 'inc_racy');
  assert.strictEqual(await c.request(`Z0,${hex(a)},2`), 'OK');
  assert.strictEqual(await c.request(`Z1,${hex(a)},2`), 'OK');
  assert.strictEqual(await c.request(`z0,${hex(a)},2`), 'OK');
  assert.strictEqual(await c.request(`z1,${hex(a)},2`), 'OK');
  assert.strictEqual(sim.hooks.sorted.length, 0, 'nothing left hooked');
  c.send('k');
  await c.closedWithin();
});

async function xferAll(c, what) {
  let out = '', off = 0;
  for (;;) {
    const r = await c.request(`qXfer:${what}:${hex(off)},200`);
    assert.match(r, /^[ml]/);
    out += P.decode(r.slice(1));
    off += r.length - 1;
    if (r[0] === 'l') return out;
  }
}

test('gdb: target description with MSP, PSP, PRIMASK, CONTROL and xPSR; threads', async () => {
  const { c } = await serve('t_race');
  const xml = await xferAll(c, 'features:read:target.xml');
  for (const r of ['r0', 'r12', 'sp', 'lr', 'pc', 'xpsr', 'msp', 'psp', 'primask', 'control']) {
    assert.match(xml, new RegExp(`<reg name="${r}" bitsize="32" regnum="\\d+"`), r);
  }
  assert.match(xml, /org\.gnu\.gdb\.arm\.m-profile/);
  assert.strictEqual(await c.request('qXfer:features:read:other.xml:0,100'), 'E00');
  assert.strictEqual(await c.request('qfThreadInfo'), 'm1,2');
  assert.strictEqual(await c.request('qsThreadInfo'), 'l');
  const threads = await xferAll(c, 'threads:read:');
  assert.match(threads, /<thread id="1" core="0" name="core0">thread mode<\/thread>/);
  assert.match(threads, /<thread id="2" core="1" name="core1">/);
  assert.strictEqual(await c.request('T1'), 'OK');
  assert.strictEqual(await c.request('T2'), 'OK');
  assert.strictEqual(await c.request('T3'), 'E01');
  assert.strictEqual(Buffer.from(await c.request('qThreadExtraInfo,2'), 'hex').toString(), 'core 1: thread mode');
  assert.match(await c.request('?'), /^T05thread:1;/);
  c.send('k');
  await c.closedWithin();
});

test('gdb: registers and memory of the selected core (SIO and PPB per core)', async () => {
  const { c, sim } = await serve('t_race');
  assert.strictEqual(await c.request('Hg1'), 'OK');
  const g = P.decode(await c.request('g'));
  assert.strictEqual(g.length, 21 * 8);
  assert.strictEqual(regValue(g.slice(15 * 8, 16 * 8)), sim.cores[0].registers[15] >>> 0);
  assert.strictEqual(regValue(g.slice(16 * 8, 17 * 8)), sim.cores[0].xPSR >>> 0);
  assert.strictEqual(regValue(g.slice(17 * 8, 18 * 8)), sim.cores[0].SPmain >>> 0);
  assert.strictEqual(await c.request(`P0=${u32le(0x12345678)}`), 'OK');
  assert.strictEqual(regValue(await c.request('p0')), 0x12345678);
  assert.strictEqual(sim.cores[0].registers[0], 0x12345678);
  assert.strictEqual(sim.cores[1].registers[0], 0, 'core 1 untouched');
  // primask (19 = 0x13) and control (20 = 0x14)
  assert.strictEqual(await c.request(`P13=${u32le(1)}`), 'OK');
  assert.strictEqual(sim.cores[0].PM, true);
  assert.strictEqual(regValue(await c.request('p13')), 1);
  assert.strictEqual(await c.request(`P13=${u32le(0)}`), 'OK');
  assert.strictEqual(regValue(await c.request('p14')), 0);
  assert.strictEqual(await c.request('p15'), 'E01', 'no register 21');
  // SIO CPUID reads the selected core's number
  assert.strictEqual(await c.request('md0000000,4'), u32le(0));
  assert.strictEqual(await c.request('Hg2'), 'OK');
  assert.strictEqual(await c.request('md0000000,4'), u32le(1));
  assert.strictEqual(await c.request('me000ed00,4'), u32le(0x410cc601), 'CPUID of the M0+ through the PPB');
  // SRAM write and read back, binary write with bytes that need escapes
  assert.strictEqual(await c.request('M20001000,4:efbeadde'), 'OK');
  assert.strictEqual(sim.read32(0x20001000), 0xdeadbeef);
  c.raw(P.frame('X20001004,4:' + P.escape('#$}*')));
  assert.strictEqual(await c.next(), 'OK');
  assert.strictEqual(await c.request('m20001004,4'), Buffer.from('#$}*').toString('hex'));
  // flash reads what the ELF holds; an unmapped address answers an error
  const elf = parseElf(fs.readFileSync(fw('t_race')));
  const seg = elf.segments.find((s) => s.paddr === 0x10000000);
  assert.strictEqual(await c.request('m10000000,40'), seg.data.subarray(0, 0x40).toString('hex'));
  assert.strictEqual(await c.request('m30000000,4'), 'E01');
  assert.strictEqual(await c.request('m20041ffe,4'), '0000', 'a read running off the end of SRAM is cut short');
  assert.strictEqual(await c.request('M00000010,1:00'), 'E01', 'the ROM cannot be written');
  // an address of more than 32 bits is an error, not another address (it wrapped to the low 32)
  assert.strictEqual(await c.request('M20001000,4:00000000'), 'OK');
  for (const p of ['m120001000,4', 'm0120001000,4', 'M120001000,4:01020304', 'X120001000,1:a', 'Z0,1000000c0,2', 'Z2,120001000,4', 'c1000000c0']) {
    assert.strictEqual(await c.request(p), 'E01', p);
  }
  assert.strictEqual(sim.read32(0x20001000), 0, 'SRAM untouched');
  assert.strictEqual(await c.request('m0000000020001000,4'), '00000000', 'leading zeros are still 32 bits');
  c.send('k');
  await c.closedWithin();
});

test('gdb: a breakpoint in a core 1 function stops with thread 2; stepping core 1 leaves core 0 where it is', async () => {
  const { c, sim } = await serve('t_race');
  const [c0, c1] = sim.cores;
  const a = sym(sim, 'core1_main');
  assert.strictEqual(await c.request(`Z0,${hex(a)},2`), 'OK');
  const st = parseStop(await c.request('vCont;c'));
  assert.strictEqual(st.signal, 5);
  assert.strictEqual(st.thread, 2);
  assert.strictEqual(st.core, 1);
  assert.strictEqual(st.swbreak, true);
  assert.strictEqual(st.regs[15], a);
  assert.strictEqual(c1.registers[15], a);
  assert.strictEqual(await c.request('qC'), 'QC2');
  assert.strictEqual(await c.request(`z0,${hex(a)},2`), 'OK');
  // one instruction on core 1 only
  const pc0 = c0.registers[15], cyc0 = c0.cycles, ins0 = c0.instructions, ins1 = c1.instructions;
  for (let i = 1; i <= 5; i++) {
    const s = parseStop(await c.request('vCont;s:2'));
    assert.strictEqual(s.thread, 2);
    assert.strictEqual(c1.instructions, ins1 + i, 'exactly one instruction per step');
    assert.strictEqual(s.regs[15], c1.registers[15] >>> 0);
  }
  assert.strictEqual(c0.registers[15], pc0, "core 0's pc stays");
  assert.strictEqual(c0.cycles, cyc0, "core 0's cycles stay");
  assert.strictEqual(c0.instructions, ins0);
  // step core 1 while core 0 runs along: core 0 catches up with core 1's
  // cycle count (it was stopped while core 1 stepped alone), no further
  const s = parseStop(await c.request('vCont;s:2;c'));
  assert.strictEqual(s.thread, 2);
  assert.ok(c0.instructions > ins0, 'core 0 ran');
  assert.ok(c0.cycles <= c1.cycles + 4, `core 0 at cycle ${c0.cycles}, core 1 at ${c1.cycles}`);
  // continue to the end: the firmware ends with bkpt #0, reported as exit 0
  assert.strictEqual(await c.request('vCont;c', 20000), 'W00');
  await c.closedWithin();
});

test('gdb: stepping a core that sleeps with the other core stopped says nothing can wake it', async () => {
  const { c, sim } = await serve('t_race');
  // from reset, core 1 runs the boot ROM's wait for a launch and sleeps in WFE
  let i = 0;
  while (!/nothing is scheduled to wake it/.test(c.console) && i++ < 500) {
    const st = parseStop(await c.request('vCont;s:2'));
    assert.strictEqual(st.thread, 2);
  }
  assert.match(c.console, /core 1 is sleeping in WFE and, with core 0 stopped, nothing is scheduled to wake it/);
  assert.strictEqual(sim.cores[0].instructions, 0, 'core 0 never ran');
  assert.match(Buffer.from(await c.request('qThreadExtraInfo,2'), 'hex').toString(), /sleeping in WFE/);
  // both cores continuing: core 0 launches core 1, the program ends
  assert.strictEqual(await c.request('vCont;c', 20000), 'W00');
  await c.closedWithin();
});

test('gdb: time stands still while stopped; Ctrl-C stops a running program', async () => {
  const { c, sim } = await serve('t_ticker');
  c.send('vCont;c');
  const t0 = Date.now();
  while (!/tick 3\n/.test(c.console)) {
    assert.ok(Date.now() - t0 < 20000, 'console output arrives while running');
    await new Promise((r) => setTimeout(r, 5));
  }
  c.raw('\x03');
  const st = parseStop(await c.next());
  assert.strictEqual(st.signal, 2, 'SIGINT');
  const T = sim.T, cyc = sim.cores.map((x) => x.cycles), timer = await c.request('m40054028,4');
  await new Promise((r) => setTimeout(r, 200));
  assert.strictEqual(sim.T, T);
  assert.deepStrictEqual(sim.cores.map((x) => x.cycles), cyc);
  assert.strictEqual(await c.request('m40054028,4'), timer, 'TIMERAWL unchanged');
  assert.ok(c.packets.length === 0);
  c.send('k');
  await c.closedWithin();
});

test('gdb: watchpoints stop before the access and name the core that made it', async () => {
  const { c, sim } = await serve('t_race');
  const addr = sym(sim, 'counter');
  assert.ok(addr >= 0x20000000);
  assert.strictEqual(await c.request(`Z2,${hex(addr)},4`), 'OK');
  const seen = new Set();
  for (let i = 0; i < 60 && seen.size < 2; i++) {
    const st = parseStop(await c.request('vCont;c'));
    assert.strictEqual(st.signal, 5);
    assert.strictEqual(parseInt(st.watch, 16), addr, JSON.stringify(st));
    const core = sim.cores[st.core];
    assert.strictEqual(st.thread, st.core + 1);
    // the core is at the store, not yet done: STR Rt, [Rn, #imm] or STMIA Rn!, {Rt}
    const op = sim.read16(core.registers[15]);
    const isStr = (op & 0xf800) === 0x6000, isStm = (op & 0xf800) === 0xc000;
    assert.ok(isStr || isStm, `a store at the stop, got 0x${op.toString(16)}`);
    const before = sim.read32(addr);
    const value = core.registers[isStr ? op & 7 : 31 - Math.clz32(op & 0xff & -(op & 0xff))] >>> 0;
    // the debugger steps the writing core past the store (watchpoint still set)
    const s = parseStop(await c.request(`vCont;s:${st.thread}`));
    assert.strictEqual(s.watch, undefined, 'the reported access is made, not reported again');
    assert.strictEqual(sim.read32(addr), value, `the store wrote ${value} (was ${before})`);
    seen.add(st.thread);
  }
  assert.deepStrictEqual([...seen].sort(), [1, 2], 'both cores were seen writing');
  assert.strictEqual(await c.request(`z2,${hex(addr)},4`), 'OK');
  // read and access watchpoints
  assert.strictEqual(await c.request(`Z3,${hex(addr)},4`), 'OK');
  let st = parseStop(await c.request('vCont;c'));
  assert.strictEqual(parseInt(st.rwatch, 16), addr);
  assert.strictEqual(await c.request(`z3,${hex(addr)},4`), 'OK');
  assert.strictEqual(await c.request(`Z4,${hex(addr)},1`), 'OK');
  st = parseStop(await c.request('vCont;c'));
  assert.strictEqual(parseInt(st.awatch, 16), addr);
  assert.strictEqual(await c.request(`z4,${hex(addr)},1`), 'OK');
  assert.strictEqual(await c.request('vCont;c', 30000), 'W00');
  await c.closedWithin();
});

test('gdb: a lockup stops with SIGSEGV at the locked core; continuing ends the run', async () => {
  const { c, sim } = await serve('t_lockup');
  // scenario 2: core 1 faults inside its HardFault handler, core 0 runs on
  assert.strictEqual(await c.request(`M${hex(sym(sim, 'scenario'))},4:${u32le(2)}`), 'OK');
  const st = parseStop(await c.request('vCont;c'));
  assert.strictEqual(st.signal, 11);
  assert.strictEqual(st.thread, 2);
  assert.strictEqual(st.regs[15], sym(sim, 'lockup_at'));
  assert.match(c.console, /core 1 locked up: .* the run ends at the next continue/);
  assert.match(Buffer.from(await c.request('qThreadExtraInfo,2'), 'hex').toString(), /halted/);
  assert.strictEqual(await c.request('vCont;c'), 'W7c', 'exit status 124 (lockup)');
  await c.closedWithin();
});

test('gdb: a bkpt in the HardFault handler stops with SIGTRAP there; continuing ends the run (111)', async () => {
  const { c, sim } = await serve('t_defects');
  // scenario 1: a store to an unmapped address, a HardFault handler that executes bkpt #0
  assert.strictEqual(await c.request(`M${hex(sym(sim, 'scenario'))},4:${u32le(1)}`), 'OK');
  const st = parseStop(await c.request('vCont;c'));
  assert.strictEqual(st.signal, 5);
  assert.strictEqual(st.thread, 1);
  assert.strictEqual(sim.cores[0].IPSR, 3, 'in the HardFault handler');
  assert.strictEqual(st.regs[15], sym(sim, 'hardfault_bkpt') & ~1);
  assert.match(c.console, /stopped on a fault: core 0: bkpt #0 in the HardFault handler.* the run ends at the next continue/);
  assert.strictEqual(await c.request('vCont;c'), 'W6f', 'exit status 111 (stopped on a fault)');
  await c.closedWithin();
});

test('gdb: detach lets the run go on; kill and a lost connection end it; one debugger at a time', async () => {
  let s = await serve('t_race');
  const other = await RspClient.connect(s.port);
  await other.closedWithin(5000);                  // refused: one debugger at a time
  assert.strictEqual(await s.c.request('D'), 'OK');
  let r = await s.ended;
  assert.strictEqual(r.reason, 'bkpt');
  assert.strictEqual(r.code, 0);
  s = await serve('t_race');
  s.c.send('k');
  r = await s.ended;
  assert.strictEqual(r.reason, 'killed');
  s = await serve('t_race');
  s.c.close();
  r = await s.ended;
  assert.strictEqual(r.reason, 'killed');
  assert.match(r.message, /connection closed/);
});

test('gdb: no-ack mode', async () => {
  const { c } = await serve('t_race', { qSupported: false });
  assert.strictEqual(await c.request('QStartNoAckMode'), 'OK');
  c.ackMode = false;
  const acks = c.acks.length;
  assert.strictEqual(await c.request('qC'), 'QC1');
  assert.strictEqual(await c.request('qfThreadInfo'), 'm1,2');
  assert.strictEqual(c.acks.length, acks, 'no acknowledgements any more');
  c.send('k');
  await c.closedWithin();
});

// ---- the command line ----------------------------------------------------------------

function startCli(args) {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '', out = '';
  p.stderr.on('data', (d) => { err += d; });
  p.stdout.on('data', (d) => { out += d; });
  const exited = new Promise((r) => p.on('exit', (code) => r(code)));
  const port = new Promise((resolve, reject) => {
    const t = setTimeout(() => { p.kill(); reject(new Error(`no port announced: ${err}`)); }, 20000);
    p.stderr.on('data', () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
  });
  return { p, port, exited, out: () => out, err: () => err };
}

test('gdb command line: --gdb 0 announces a port, exit status follows the firmware or the kill', async () => {
  let s = startCli([fw('t_race'), '--gdb', '0']);
  let c = await RspClient.connect(await s.port);
  assert.strictEqual(await c.request('vCont;c', 30000), 'W00');
  assert.strictEqual(await s.exited, 0);
  assert.match(s.out(), /racy=\d+ locked=40000/);
  s = startCli([fw('t_race'), '--gdb', '0']);
  c = await RspClient.connect(await s.port);
  c.send('vKill;1');
  assert.strictEqual(await c.next(), 'OK');
  assert.strictEqual(await s.exited, 110);
  assert.match(s.err(), /killed from the debugger/);
});

test('gdb command line: --gdb needs a port', () => {
  const { cli } = require('./helpers');
  assert.strictEqual(cli([fw('t_race'), '--gdb']).code, 120);
  const r = cli([fw('t_race'), '--gdb', '70000']);
  assert.strictEqual(r.code, 120);
  assert.match(r.stderr, /--gdb: a TCP port/);
});
