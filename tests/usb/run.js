#!/usr/bin/env node
/*
 * tests/usb/run.js: the 'usb' suite. Runs the USB console test image
 * (tests/usb/main.c) in tandem-sim with its USB host (sim/lib/usbhost.js)
 * and checks, scenario by scenario: enumeration from reset to configured,
 * every descriptor, the standard and class requests (unsupported ones
 * STALL, none hangs), line coding and DTR, output written before the port
 * opened, the ring's overflow counted and reported, both cores printing at
 * once, input echo over USB and over the UART, unplug and replug mid-line,
 * bus reset, suspend and resume, the 1200-baud reset into the boot ROM, a
 * core 1 fault reported over USB with core 0's console going on, a core 0
 * fault under the halt and reboot policies, the port closed and opened
 * during a core 1 report (the line cut there ended, the next one whole),
 * a host that never opens the port and no host at all (nothing waits beyond its bound),
 * input sent faster than the program reads it (held off, none lost),
 * a core 0 fault in the middle
 * of a line (the line finished in full packets; its zero-length packet not armed in an
 * endpoint the host halted), the serial number from the flash's unique id, and malformed
 * descriptors stopping the run (exit 114).
 *
 *   node tests/usb/run.js BUILD_DIR [CHECK-PREFIX...]
 *   node tests/usb/run.js --list [CHECK-PREFIX...]
 *
 * Prints "TEST name", then "PASS name" or "FAIL name: reason" per check,
 * and "N passed, M failed" at the end; exit status 1 if any failed. --list
 * prints only the checks' names: the same code runs without the emulator
 * (every run gives an empty stand-in, every check is skipped), so the list
 * is what a run reports.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const listing = process.argv[2] === '--list';
const build = listing ? 'build' : process.argv[2] || 'build';
const only = process.argv.slice(3);
const root = path.join(__dirname, '..', '..');
const { Simulator } = require(path.join(root, 'sim', 'lib'));
const IMAGE = path.join(build, 'usb-tests', 'usb.elf');
const IMAGE_BOTH = path.join(build, 'usb-tests', 'usb-both.elf');

let passed = 0, failed = 0;
function check(name, fn) {
  if (only.length && !only.some((p) => name.startsWith(p))) return;
  if (listing) { console.log(name); return; }
  console.log(`TEST ${name}`);
  let why;
  try { why = fn(); } catch (e) { why = e.stack || e.message; }
  if (why) { failed++; console.log(`FAIL ${name}: ${String(why).split('\n')[0]}`); } else { passed++; console.log(`PASS ${name}`); }
}

/* --list: what a run returns, empty: any property, call or iteration of it
 * gives nothing (the checks that would read it are skipped). */
function nothing() {
  const p = new Proxy(function () {}, {
    get: (t, k) => (k === Symbol.toPrimitive ? () => 0 : k === Symbol.iterator ? function* () {} : p),
    apply: () => p,
  });
  return p;
}
const wanted = (prefix) => !only.length || only.some((p) => prefix.startsWith(p) || p.startsWith(prefix));

/* Run scenario n; usb: host options; setup(sim) before the run. */
function run(n, { ms = 1000, usb = {}, setup, image = IMAGE, gpio = {} } = {}) {
  if (listing) return nothing();
  const sim = new Simulator({ usb });
  const lines = [];
  sim.on('line', (l) => lines.push({ t: l.time, src: l.source === 'usb' ? 'usb' : `uart${l.uart}`, core: l.core, text: l.text, partial: !!l.partial }));
  sim.loadFile(image);
  for (let b = 0; b < 4; b++) if (n & (1 << b)) sim.setGpioInput(10 + b, 1);
  for (const [pin, level] of Object.entries(gpio)) sim.setGpioInput(Number(pin), level);
  if (setup) setup(sim);
  const r = sim.run({ maxMs: ms });
  sim.flushLines();
  const usbLines = lines.filter((l) => l.src === 'usb');
  return { sim, r, lines, usb: usbLines, host: sim.usbHost, text: usbLines.map((l) => l.text) };
}
const ended = (res) => `run ended: ${JSON.stringify({ reason: res.r.reason, message: res.r.message })}`;
const sym = (sim, name, n) => [...sim.readBytes(sim.symbol(name), n)];

/* ---- enumeration, descriptors, requests ---------------------------------------------- */
if (wanted('enum') || wanted('descriptor') || wanted('requests') || wanted('preopen') || wanted('line_coding') ||
    wanted('console_polled')) {
  const res = run(0, { ms: 700, usb: { check: true }, setup: (sim) => sim.usbHost.sendInput([...Buffer.from('usb stats\r')], 600) });
  const h = res.host, info = h.info;
  check('enumeration_configured', () => {
    if (res.r.reason !== 'bound') return ended(res);
    const st = h.stats();
    if (st.state !== 'configured' || !h.port.open) return `host state ${st.state}, port ${h.port.open ? 'open' : 'closed'}`;
    if (st.enumerations !== 1 || st.resets !== 1) return `${st.enumerations} enumerations, ${st.resets} bus resets`;
    // debounce 100 ms + reset 10 ms + recovery 10 ms + the requests
    if (!(st.configured_ms - st.attach_ms >= 120 && st.configured_ms - st.attach_ms < 130)) return `attach to configured: ${st.configured_ms - st.attach_ms} ms`;
    const seq = h.log.filter((l) => / -> /.test(l)).map((l) => l.replace(/^\[[^\]]*\] /, '').replace(/\(.*/, ''));
    const want = ['GET_DESCRIPTOR', 'SET_ADDRESS', 'GET_DESCRIPTOR', 'GET_DESCRIPTOR', 'GET_DESCRIPTOR', 'GET_DESCRIPTOR',
      'GET_DESCRIPTOR', 'GET_DESCRIPTOR', 'GET_DESCRIPTOR', 'SET_CONFIGURATION', 'SET_LINE_CODING', 'SET_CONTROL_LINE_STATE', 'GET_LINE_CODING'];
    if (seq.slice(0, want.length).join(' ') !== want.join(' ')) return `requests: ${seq.slice(0, want.length).join(' ')}`;
    const addr = res.sim.read32(0x50110000) & 0x7f;
    if (addr !== 1 || h.address !== 1) return `device address ${addr}, host ${h.address}`;
  });
  check('descriptors_device', () => {
    const d = info.device;
    if (!d) return 'no device descriptor';
    const got = [d.bcdUSB, d.class, d.subclass, d.protocol, d.maxPacket0, d.vid, d.pid, d.numConfigurations];
    const want = [0x200, 0xef, 2, 1, 64, 0x2e8a, 0x000a, 1];
    if (got.join() !== want.join()) return `device descriptor fields ${got.map((x) => x.toString(16))}`;
    if (info.manufacturer !== 'tandem' || info.product !== 'tandem console') return `strings "${info.manufacturer}" "${info.product}"`;
    if (!/^[0-9A-F]{16}$/.test(info.serial || '')) return `serial ${info.serial}`;
  });
  check('descriptors_configuration', () => {
    const c = info.config;
    if (!c || c.errors.length) return c ? c.errors.join('; ') : 'none';
    const eps = c.endpoints.map((e) => `${e.address.toString(16)}/${e.type}/${e.maxPacket}/${e.interval}`).join(' ');
    if (eps !== '81/3/16/16 2/2/64/0 82/2/64/0') return `endpoints ${eps}`;
    if (c.totalLength !== 75 || c.numInterfaces !== 2 || c.value !== 1 || c.attributes !== 0x80) return `configuration ${c.totalLength} ${c.numInterfaces} ${c.value} ${c.attributes}`;
    if (c.iads.length !== 1 || c.iads[0].first !== 0 || c.iads[0].count !== 2) return 'interface association';
    const f = c.interfaces[0].functional.map((x) => Buffer.from(x.bytes).toString('hex')).join(' ');
    if (f !== '0524002001 0524010001 04240206 0524060001') return `CDC functional descriptors ${f}`;
  });
  check('requests_standard_and_class', () => {
    const st = h.stats();
    if (!st.checks) return 'the checks did not run';
    if (st.checks.failed || st.checks.passed < 25) return `${st.checks.passed} passed, ${st.checks.failed} failed`;
    const stalled = h.checks.filter((c) => /stalls$/.test(c.name)).length;
    if (stalled < 13) return `${stalled} unsupported requests checked`;
    if (st.stalls < stalled) return `${st.stalls} STALLs seen`;
  });
  check('requests_answered_promptly', () => {
    const st = h.stats();
    return st.device_response_us > 0 && st.device_response_us < 50 ? null : `device response ${st.device_response_us} us`;
  });
  check('requests_stalls_counted_by_device', () => {
    const m = res.text.map((x) => /^usb: resets (\d+) setups (\d+) stalls (\d+) suspends (\d+) resumes (\d+)$/.exec(x)).find(Boolean);
    if (!m) return 'no counters line';
    const st = h.stats();
    if (+m[1] !== 1 || +m[2] !== st.control_transfers || +m[3] !== st.stalls) return `device: ${m[0]}; host: ${st.control_transfers} requests, ${st.stalls} stalls`;
  });
  check('console_polled_refused', () => {
    // a queued device is never waited for: polled mode is refused, the mode kept
    const m = res.text.map((x) => /^usb: console mode (\d+), polled (\S+)$/.exec(x)).find(Boolean);
    if (!m) return 'no console mode line';
    if (+m[1] !== 1 || m[2] !== 'TD_ERR_UNSUPPORTED') return m[0];
  });
  check('preopen_output_delivered', () => {
    const first = res.usb[0];
    if (!first || first.text !== 'usb test: echo ready') return `first line ${first && first.text}`;
    const open = h.st.open_ns / 1e9;
    if (!(first.t >= open)) return `delivered at ${first.t}, port opened at ${open}`;
  });
  check('line_coding_and_dtr', () => {
    const cdc = sym(res.sim, 'cdc', 15);
    const baud = cdc[0] | cdc[1] << 8 | cdc[2] << 16 | cdc[3] << 24;
    if (baud !== 115200 || cdc[6] !== 8) return `device line coding ${cdc.slice(0, 7)}`;
    if (cdc[14] !== 3) return `device line state ${cdc[14]}, expected DTR|RTS`;
  });
}

if (wanted('line_coding_change')) {
  const res = run(0, { ms: 500, setup: (sim) => { sim.usbHost.event(300, 'baud=9600'); sim.usbHost.event(320, 'close'); } });
  check('line_coding_change_and_close', () => {
    if (res.r.reason !== 'bound') return ended(res);
    const cdc = sym(res.sim, 'cdc', 15);
    const baud = cdc[0] | cdc[1] << 8 | cdc[2] << 16 | cdc[3] << 24;
    if (baud !== 9600) return `baud ${baud}`;
    if (cdc[14] !== 0) return `line state ${cdc[14]} after close`;
  });
}

/* ---- input -------------------------------------------------------------------------- */
if (wanted('input')) {
  const long = 'x'.repeat(100);
  const res = run(0, {
    ms: 700,
    setup: (sim) => {
      sim.usbHost.sendInput([...Buffer.from('hello\r')], 300);
      sim.usbHost.sendInput([...Buffer.from('world\r\nab\x7fc\n')], 400);
      sim.usbHost.sendInput([...Buffer.from(long + '\r')], 500);
    },
  });
  check('input_echo_usb', () => {
    const e = res.text.filter((t) => t.startsWith('echo: '));
    const want = ['echo: hello (5)', 'echo: world (5)', 'echo: ac (2)', `echo: ${'x'.repeat(79)} (79)`, `echo: ${'x'.repeat(21)} (21)`];
    if (e.join('|') !== want.join('|')) return `echoed ${JSON.stringify(e)}`;
    const sent = res.host.st.out_bytes;
    if (sent !== 6 + 12 + 101) return `${sent} bytes sent`;
  });
}

/* A line of exactly one full packet (64 bytes) is closed by a zero-length
 * packet: the host (as cdc-acm, reading two packets at a time) hands it on
 * at once, not when the next output comes. */
if (wanted('input_full_packet')) {
  const res = run(0, { ms: 700, setup: (sim) => sim.usbHost.sendInput([...Buffer.from('y'.repeat(52) + '\r')], 300) });
  check('input_full_packet_line_closed', () => {
    const l = res.usb.find((x) => x.text === `echo: ${'y'.repeat(52)} (52)`);
    if (!l) return `echoed ${JSON.stringify(res.text.filter((t) => t.startsWith('echo')))}`;
    if (!(l.t < 0.32)) return `the 64-byte line came at ${l.t.toFixed(3)} s: held for the next packet (no zero-length packet)`;
    if (!(res.host.st.zlps > 0)) return 'no zero-length packet';
  });
}

if (wanted('input_cli')) {
  let r = nothing();
  if (!listing) {
    const file = path.join(os.tmpdir(), `tandem-usb-in-${process.pid}.txt`);
    fs.writeFileSync(file, 'from a file\n');
    r = spawnSync(path.join(root, 'sim', 'tandem-sim'), [IMAGE, '--max-ms', '500',
      '--usb-input', 'from the\\x20command line\\r@250', '--usb-input-file', `${file}@300`,
      '--usb-event', '400:close', '--usb-log'], { encoding: 'utf8' });
    fs.unlinkSync(file);
  }
  check('input_cli_text_and_file', () => {
    if (r.status !== 123) return `exit ${r.status}: ${r.stderr.trim()}`;
    const out = r.stdout;
    if (!/^\[\s*0\.2\d+ s\] usb   [-c][-01*]\| echo: from the command line \(21\)$/m.test(out)) return `no echo of the command-line text in\n${out}`;
    if (!/\| echo: from a file \(11\)$/m.test(out)) return 'no echo of the file';
    if (!/usbhost  \| SET_CONTROL_LINE_STATE\(type 0x21, value 0x0000, index 0x0000, length 0\) -> ok/.test(out)) return 'the close event did not reach the device';
  });
}

if (wanted('input_uart') || wanted('route_both')) {
  const res = run(0, { ms: 500, image: IMAGE_BOTH, setup: (sim) => sim.sendUartInput(0, [...Buffer.from('over the uart\r')], 250) });
  check('route_both_output_on_both', () => {
    const u = res.lines.filter((l) => l.src === 'uart0').map((l) => l.text);
    if (!u.includes('usb test: echo ready')) return `uart: ${JSON.stringify(u)}`;
    if (!res.text.includes('echo: over the uart (13)')) return `usb: ${JSON.stringify(res.text)}`;
  });
  check('input_echo_uart', () => {
    const u = res.lines.filter((l) => l.src === 'uart0').map((l) => l.text);
    return u.includes('echo: over the uart (13)') ? null : `uart: ${JSON.stringify(u)}`;
  });
}

/* ---- the ring before the port opens ------------------------------------------------- */
if (wanted('overflow')) {
  const res = run(1, { ms: 600 });
  check('overflow_counted_and_reported', () => {
    const t = res.text;
    const boot = t.filter((x) => /^boot line \d\d \.+$/.test(x));
    for (let i = 0; i < boot.length; i++) if (boot[i] !== `boot line ${String(i).padStart(2, '0')} ..........................`) return `line ${i}: ${boot[i]}`;
    const li = t.findIndex((x) => /^\*\*\* console: \d+ bytes lost \(ring full\)$/.test(x));
    if (li < 0) return `no loss line in ${JSON.stringify(t.slice(0, 3))}...`;
    if (li !== boot.length) return `loss line at ${li}, after ${boot.length} boot lines`;
    const lost = Number(/(\d+) bytes lost/.exec(t[li])[1]);
    if (boot.length * 40 + lost !== 60 * 40) return `${boot.length} lines delivered + ${lost} lost != 60 lines`;
    if (t[li + 1] !== 'after open') return `after the loss line: ${t[li + 1]}`;
    const st = /^overflow: stats writes (\d+) bytes (\d+) waits (\d+) lost (\d+)$/.exec(t[li + 2] || '');
    if (!st || Number(st[4]) !== lost) return `stats ${t[li + 2]}`;
    if (res.lines.some((l) => l.src !== 'usb')) return 'a line on the UART';
  });
}

/* ---- both cores at once ------------------------------------------------------------------ */
if (wanted('both_cores')) {
  const res = run(2, { ms: 3000 });
  check('both_cores_lines_whole_none_lost', () => {
    const t = res.text;
    const filler = ('0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ' +
      '0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV').slice(0, 135);
    const seen = [[], []];
    for (const x of t) {
      let m = /^c([01]) (\d{3}) short$/.exec(x) || /^c([01]) (\d{3}) long (.*)$/.exec(x);
      if (!m) { if (/^both: stats/.test(x)) continue; return `unexpected line "${x}"`; }
      if (m[3] !== undefined && m[3] !== filler) return `cut line "${x.slice(0, 40)}..." (${x.length} chars)`;
      seen[+m[1]].push(+m[2]);
    }
    for (const c of [0, 1]) {
      if (seen[c].length !== 200 || seen[c].some((v, i) => v !== i)) return `core ${c}: ${seen[c].length} lines, out of order or missing`;
    }
    const st = /^both: stats writes (\d+) bytes (\d+) waits (\d+) lost (\d+)$/.exec(t[t.length - 1] || '');
    if (!st) return `no stats line: ${t[t.length - 1]}`;
    if (Number(st[4]) !== 0) return `${st[4]} bytes lost`;
    if (!(Number(st[3]) > 0)) return 'no writer ever waited: the test did not fill the ring';
  });
}

/* ---- core 1 fault: reported over USB, core 0's console goes on ---------------------------- */
if (wanted('fault_core1')) {
  const res = run(3, { ms: 600 });
  check('fault_core1_reported_over_usb', () => {
    const t = res.text;
    const a = t.indexOf('*** FAULT core 1, thread "core1": null pointer');
    const b = t.indexOf('*** END FAULT core 1');
    if (a < 0 || b < a) return `report missing: ${JSON.stringify(t.slice(0, 6))}`;
    if (t.slice(a + 1, b).some((x) => !/^ {4}/.test(x))) return 'report cut by another line';
    if (!t.slice(a, b).some((x) => /^ {4}pc 0x1[0-9a-f]{7} /.test(x))) return 'no pc line';
  });
  check('fault_core1_console_goes_on', () => {
    const t = res.text;
    const b = t.indexOf('*** END FAULT core 1');
    const ticks = t.slice(b).filter((x) => /^core 0: tick \d+, core 1 halted$/.test(x));
    if (ticks.length < 10) return `${ticks.length} ticks after the report`;
  });
}

/* ---- core 1 faults while the host has the bulk IN endpoint halted: the fault path's
 * direct write gives up after 100 ms; what it could not write goes to the UART pins, not
 * counted as lost, and a line over USB says so. A halt shorter than that delays the
 * report only. */
/* Halt the bulk IN endpoint at simulated time at (ms) for ms (Infinity: never cleared). */
function haltInAt(sim, at, ms) {
  const alarm = sim.clock.createAlarm(() => sim.usbHost.haltIn(ms));
  alarm.schedule(at * 1e6);
}
/* The lines of core 1's fault report in lines (text), or null. */
function report1(lines) {
  const a = lines.indexOf('*** FAULT core 1, thread "core1": null pointer');
  const b = lines.indexOf('*** END FAULT core 1');
  return a < 0 || b < a ? null : lines.slice(a, b + 1);
}
if (wanted('fault_core1_halted')) {
  const res = run(3, { ms: 900, gpio: { 14: 1 }, setup: (sim) => haltInAt(sim, 290, 300) });
  check('fault_core1_halted_in_report_to_uart_said', () => {
    if (!res.host.log.some((l) => /SET_FEATURE\(type 0x02, value 0x0000, index 0x0082.* -> ok/.test(l))) return 'the endpoint was not halted';
    const t = res.text;
    const uart = report1(res.lines.filter((l) => l.src === 'uart0').map((l) => l.text));
    if (!uart) return `no report on the UART pins: ${JSON.stringify(res.lines.filter((l) => l.src === 'uart0').map((l) => l.text).slice(0, 4))}`;
    if (report1(t)) return 'the report came over USB although the endpoint was halted for longer than the fault path waits';
    const li = t.findIndex((x) => /^\*\*\* console: \d+ bytes of a fault report sent to the UART instead \(host not reading\)$/.test(x));
    if (li < 0) return `no loss line over USB: ${JSON.stringify(t.filter((x) => !/^core 0: tick/.test(x)))}`;
    const bytes = uart.reduce((k, x) => k + x.length + 1, 0);
    const sent = Number(/(\d+) bytes of a fault report/.exec(t[li])[1]);
    if (sent !== bytes) return `${sent} bytes reported sent to the UART, the report has ${bytes}`;
    // the report reached the UART pins: not counted as lost
    if (t.some((x) => /bytes lost/.test(x))) return t.find((x) => /bytes lost/.test(x));
    const ticks = t.map((x) => /^core 0: tick (\d+), core 1 (running|halted)$/.exec(x)).filter(Boolean).map((m) => +m[1]);
    for (let i = 1; i < ticks.length; i++) if (ticks[i] !== ticks[i - 1] + 1) return `ticks ${ticks[i - 1]} then ${ticks[i]}`;
    const after = t.slice(li).filter((x) => /^core 0: tick \d+, core 1 halted$/.test(x)).length;
    if (after < 10) return `${after} ticks after the loss line`;
  });
  const brief = run(3, { ms: 700, gpio: { 14: 1 }, setup: (sim) => haltInAt(sim, 295, 20) });
  check('fault_core1_halted_in_briefly_delivered', () => {
    if (!brief.host.log.some((l) => /CLEAR_FEATURE\(type 0x02, value 0x0000, index 0x0082.* -> ok/.test(l))) return 'the halt was not cleared';
    const r = report1(brief.text);
    if (!r) return `report missing over USB: ${JSON.stringify(brief.text.slice(0, 8))}`;
    if (r.slice(1, -1).some((x) => !/^ {4}/.test(x))) return 'report cut by another line';
    if (brief.text.some((x) => /bytes lost/.test(x))) return brief.text.find((x) => /bytes lost/.test(x));
    if (report1(brief.lines.filter((l) => l.src === 'uart0').map((l) => l.text))) return 'the report went to the UART pins too';
  });
}

if (wanted('fault_core1_closed')) {
  // The endpoint halted at 0.29 s for 100 ms, core 1 faulting at 0.3 s, the terminal
  // closing the port at 0.35 s (its request goes after the halt's clear, at 0.39 s): the
  // fault path's direct write gets a packet of the report into the endpoint after the
  // clear, then finds the port closed; the rest of the report goes to the UART pins. When
  // the port opens again the loss line says what happened and where the report went, and
  // counts exactly the bytes that went to the UART pins only.
  const res = run(3, { ms: 800, gpio: { 14: 1 }, setup: (sim) => { haltInAt(sim, 290, 100); sim.usbHost.event(350, 'close'); sim.usbHost.event(500, 'open'); } });
  check('fault_core1_closed_report_to_uart_said', () => {
    if (res.r.reason !== 'bound') return ended(res);
    const log = res.host.log;
    const closed = log.findIndex((l) => /port closed/.test(l)), cleared = log.findIndex((l) => /CLEAR_FEATURE\(type 0x02, value 0x0000, index 0x0082.* -> ok/.test(l));
    if (cleared < 0 || closed < cleared) return 'the port did not close after the halt\'s clear';
    const t = res.text;
    const li = t.findIndex((x) => /^\*\*\* console: /.test(x));
    if (li < 0) return `no loss line over USB: ${JSON.stringify(t.filter((x) => !/^core 0: tick/.test(x)))}`;
    // the ticks printed while the port was closed are dropped (counted lost, "ring full");
    // the report's rest was not lost: it went to the UART
    const m = /^\*\*\* console: (?:(\d+) bytes lost \(ring full\), )?(\d+) bytes of a fault report sent to the UART instead \(port not open\)$/.exec(t[li]);
    if (!m) return t[li];
    const ticks = t.map((x) => /^core 0: tick (\d+), core 1 (running|halted)$/.exec(x)).filter(Boolean).map((x) => +x[1]);
    let gap = 0, missing = 0;      // (a tick says "running" while core 1 is still faulting: a byte more)
    for (let i = 1; i < ticks.length; i++) {
      for (let n = ticks[i - 1] + 1; n < ticks[i]; n++, missing++) gap += `core 0: tick ${n}, core 1 halted`.length + 1;
    }
    const lost = Number(m[1] || 0);
    if (!(lost >= gap && lost <= gap + missing)) return `${lost} bytes reported lost, ${gap} (+ up to ${missing}) in the ${missing} ticks missing`;
    // the report: its start over USB, the rest on the UART pins, nothing missing between
    const report = ['*** FAULT core 1, thread "core1": null pointer', '    4-byte access at 0x00000000'];
    const uart = res.lines.filter((l) => l.src === 'uart0').map((l) => l.text);
    const u0 = uart.findIndex((x) => report[1].endsWith(x) && x.length < report[1].length);
    const end = uart.indexOf('*** END FAULT core 1');
    if (u0 < 0 || end < u0) return `the report's rest is not on the UART pins: ${JSON.stringify(uart.slice(0, 4))}`;
    const a = t.indexOf(report[0]);
    if (a < 0 || !t[a + 1].startsWith(report[1].slice(0, report[1].length - uart[u0].length))) return `the report's start over USB: ${JSON.stringify(t.slice(a, a + 2))}`;
    const onUart = uart.slice(u0, end + 1).reduce((k, x) => k + x.length + 1, 0);
    if (Number(m[2]) !== onUart) return `${m[2]} bytes reported sent to the UART, ${onUart} of the report went there only`;
  });
}

if (wanted('fault_core1_closed_midline')) {
  // The terminal closes the port as soon as the report's first line has come over USB,
  // and opens it again 20 ms later: the fault path's direct write has put the report's
  // start in the endpoint, cut in the middle of a line, and sends the rest to the UART
  // pins. The part the host takes after the reopen ends that line over USB: what comes
  // next (the loss line saying where the rest went) starts a line of its own, and no
  // report line is there twice.
  let closeAt = null;
  const res = run(3, { ms: 700, gpio: { 14: 1 }, setup: (sim) => {
    sim.on('line', (l) => {
      if (closeAt !== null || l.source !== 'usb' || !/^\*\*\* FAULT core 1, /.test(l.text)) return;
      closeAt = l.time;
      sim.usbHost.event(l.time * 1000, 'close');
      sim.usbHost.event(l.time * 1000 + 20, 'open');
    });
  } });
  check('fault_core1_closed_midline_next_line_whole', () => {
    if (res.r.reason !== 'bound') return ended(res);
    if (!res.host.log.some((l) => /port closed/.test(l))) return 'the port did not close';
    const uart = res.lines.filter((l) => l.src === 'uart0').map((l) => l.text);
    const end = uart.indexOf('*** END FAULT core 1');
    if (end < 0) return `the report's rest is not on the UART pins: ${JSON.stringify(uart.slice(0, 4))}`;
    const t = res.text;
    const a = t.indexOf('*** FAULT core 1, thread "core1": null pointer');
    if (a < 0) return 'the report\'s start is not over USB';
    // the line the close cut: its start over USB, right before the loss line, its end the
    // UART's first line; the report's lines before it whole
    const u0 = uart.findIndex((x) => !/^(core 0: tick|\*\*\* console)/.test(x));
    const lossAt = t.findIndex((x) => /\*\*\* console: /.test(x));
    if (lossAt < 0) return `no loss line over USB: ${JSON.stringify(t.slice(a, a + 8))}`;
    if (!/^\*\*\* console: (\d+ bytes lost \(ring full\), )?\d+ bytes of a fault report sent to the UART instead \(port not open\)$/.test(t[lossAt]))
      return `the loss line does not stand on a line of its own: ${JSON.stringify(t[lossAt])}`;
    const cut = lossAt - 1;
    if (u0 < 0 || cut <= a || !/^ {4}\S/.test(t[cut] + uart[u0]) || /^ {4}/.test(uart[u0]))
      return `not cut in a line: ${JSON.stringify(t.slice(a, lossAt + 1))}, the UART's rest from ${JSON.stringify(uart[u0])}`;
    if (!t.slice(a + 1, cut).every((y) => /^ {4}\S/.test(y))) return `the report over USB: ${JSON.stringify(t.slice(a, lossAt))}`;
    const rep = t.filter((x) => /^ {4}\S/.test(x));
    const twice = rep.find((x, i) => rep.indexOf(x) !== i);
    if (twice) return `a report line twice over USB: ${JSON.stringify(twice)}`;
  });
}

if (wanted('fault_closed_ring_full')) {
  // Scenario 10: the ring overflowed before the host opened the port, and core 1's report
  // finds no room in it: the report goes to the UART pins only. Once the port opens, one
  // line counts the boot lines dropped as lost and the report's bytes as sent to the UART.
  const res = run(10, { ms: 600 });
  check('fault_closed_ring_full_report_to_uart_said', () => {
    if (res.r.reason !== 'bkpt') return ended(res);
    const uart = report1(res.lines.filter((l) => l.src === 'uart0').map((l) => l.text));
    if (!uart) return `no report on the UART pins: ${JSON.stringify(res.lines.filter((l) => l.src === 'uart0').map((l) => l.text).slice(0, 4))}`;
    const t = res.text;
    if (report1(t)) return 'the report came over USB: the ring had room for it';
    const boot = t.filter((x) => /^boot line \d\d \.+$/.test(x)).length;
    const li = t.findIndex((x) => /^\*\*\* console: /.test(x));
    if (li !== boot) return `the loss line at ${li}, after ${boot} boot lines: ${JSON.stringify(t[li])}`;
    const m = /^\*\*\* console: (\d+) bytes lost \(ring full\), (\d+) bytes of a fault report sent to the UART instead \(port not open\)$/.exec(t[li]);
    if (!m) return t[li];
    const reportBytes = uart.reduce((k, x) => k + x.length + 1, 0);
    if (Number(m[2]) !== reportBytes) return `${m[2]} bytes said sent to the UART, the report has ${reportBytes}`;
    // dropped: the boot lines that did not fit, and core 1's line before its fault
    const dropped = (30 - boot) * 40 + 'core 1: about to read through a null pointer\n'.length;
    if (Number(m[1]) !== dropped) return `${m[1]} bytes lost, ${dropped} dropped`;
    if (t[li + 1] !== 'after open') return `after the loss line: ${JSON.stringify(t[li + 1])}`;
  });
}

if (wanted('fault_both_closed')) {
  // Scenario 10 on both routes, the terminal never opening the port (main ends at once: on both
  // the console counts as open, the UART's): core 1's report, written while USB is closed,
  // goes to the UART pins, where every byte goes while USB is closed; nothing is missing on
  // USB that closed output would have given it, so no console line follows the report
  // ("sent to the UART instead (host not reading)" was said, of a host that had not opened
  // the port).
  const res = run(10, { ms: 700, image: IMAGE_BOTH, usb: { autoOpen: false } });
  check('fault_both_closed_report_on_uart_nothing_said', () => {
    if (res.r.reason !== 'bkpt') return ended(res);
    const uart = res.lines.filter((l) => l.src === 'uart0').map((l) => l.text);
    const rep = report1(uart);
    if (!rep) return `no report on the UART pins: ${JSON.stringify(uart.slice(0, 4))}`;
    const said = res.lines.find((l) => /^\*\*\* console: /.test(l.text));
    if (said) return `${said.src}: ${said.text}`;
    if (uart.filter((x) => /^boot line \d\d \.+$/.test(x)).length !== 30) return 'boot lines missing on the UART pins';
    if (!uart.includes('after open')) return `"after open" missing on the UART pins: ${JSON.stringify(uart.slice(-3))}`;
    if (res.text.length) return `lines over USB, never opened: ${JSON.stringify(res.text.slice(0, 3))}`;
  });
}

/* ---- input while the program does not read: the host waits, nothing lost ------------------ */
if (wanted('input_flood')) {
  // Scenario 13: 3000 bytes sent at 150 ms while the program reads nothing until about
  // 300 ms after the port opened (its 256-byte input ring fills, the endpoint stays NAKing),
  // then reads them all: every byte, in order.
  const bytes = [];
  for (let i = 0; i < 3000; i++) bytes.push(0x21 + ((i * 7) % 90));
  const res = run(13, { ms: 2500, setup: (sim) => sim.usbHost.sendInput(bytes, 150) });
  check('input_flood_nothing_lost', () => {
    const l = res.text.find((x) => /^flood: got /.test(x));
    if (!l) return `no result line: ${JSON.stringify(res.text.slice(-3))}`;
    let sum = 0;
    for (const b of bytes) sum = (Math.imul(sum, 31) + b) >>> 0;
    const want = `flood: got 3000 bytes, sum ${sum.toString(16).padStart(8, '0')}, last TD_ERR_TIMEOUT`;
    if (l !== want) return `${l} (expected ${want})`;
  });
}

/* ---- a host that never opens the port, and no host at all: every wait bounded ---------- */
if (wanted('never_')) {
  // Scenario 12: 60 lines (2400 bytes against a 1024-byte ring) printed at once, a flush of
  // 200 ms that returns TD_ERR_TIMEOUT (-3) on time, and main's return ending the run after
  // the kernel's exit flush (TD_CONSOLE_EXIT_FLUSH_MS, 3 s): with the host enumerating the
  // device but no terminal opening the port, and with no cable (the bus idle: suspend).
  for (const [name, usb] of [['never_opened', { autoOpen: false }], ['never_plugged', { plugged: false }]]) {
    const res = run(12, { ms: 5000, usb });
    check(`${name}_flush_and_exit_bounded`, () => {
      if (res.r.reason !== 'bkpt') return ended(res);
      const rd = (s) => res.sim.read32(res.sim.symbol(s));
      if ((rd('never_flush_rc') | 0) !== -3) return `the flush returned ${rd('never_flush_rc') | 0}`;
      const fl = rd('never_flush_us');
      if (!(fl >= 200000 && fl < 201100)) return `the flush took ${fl} us (200 ms asked)`;
      if (!(rd('never_print_us') < 20000)) return `60 lines took ${rd('never_print_us')} us: a writer waited for the host`;
      const lost = res.sim.read32(res.sim.symbol('never_stats') + 20);   // td_console_stats_t.lost
      if (!(lost >= 2400 - 1024 && lost <= 2400)) return `${lost} bytes counted lost`;
      const end = res.sim.nowNanos() / 1e3, ret = rd('never_return_us');
      if (!(end >= ret + 3000000 && end < ret + 3002000)) return `main returned at ${ret} us, the run ended at ${end.toFixed(0)} us`;
      if (res.text.length) return `lines over USB: ${JSON.stringify(res.text.slice(0, 3))}`;
      const st = res.host.stats();
      if (name === 'never_opened' ? st.state !== 'configured' || res.host.port.open : st.attaches) {
        return `host ${st.state}, port ${res.host.port.open ? 'open' : 'closed'}, ${st.attaches} attaches`;
      }
    });
  }
}

/* ---- core 1 faults holding the USB lock: its report through the lock, core 0 goes on,
 * the restarted core 1 finds the lock free ------------------------------------------------- */
if (wanted('fault_locked')) {
  const res = run(7, { ms: 900 });
  check('fault_locked_reported_over_usb', () => {
    const t = res.text;
    const a = t.indexOf('*** FAULT core 1, thread "core1": null pointer');
    const b = t.indexOf('*** END FAULT core 1');
    if (a < 0 || b < a) return `report missing: ${JSON.stringify(t.slice(0, 8))}`;
    if (t.slice(a + 1, b).some((x) => !/^ {4}/.test(x))) return 'report cut by another line';
    if (!t.slice(a, b).some((x) => /^ {4}action: core 1 halts; core 0 resets it/.test(x))) return 'no restart in the report';
    if (t.filter((x) => /^\*\*\* FAULT /.test(x)).length !== 1) return 'more than one fault';
  });
  check('fault_locked_console_goes_on', () => {
    const t = res.text;
    const b = t.indexOf('*** END FAULT core 1');
    const ticks = t.slice(b).filter((x) => /^core 0: tick \d+, restarts 1$/.test(x));
    if (ticks.length < 10) return `${ticks.length} ticks after the report`;
  });
  check('fault_locked_lock_free_after_restart', () => {
    const t = res.text;
    if (!t.includes('core 1: run 2, USB lock claimed')) return `core 1's second run: ${JSON.stringify(t.filter((x) => /^core 1:/.test(x)))}`;
    if (t.some((x) => /^core 1: read/.test(x))) return 'the read through a null pointer returned';
  });
}

/* ---- unplug, replug, bus reset, suspend ------------------------------------------------- */
const LINE = 101; /* "stream NNNNN " + 87 + "\n" */
/* The stream's lines: every one whole and in order; lines missing against
 * the bytes the loss lines report, in all (missing, lost) and from time
 * `from` on (missingAfter, lostAfter: the stream starts before the port
 * opens, so the first second-tenth always overflows the ring). */
function streamAccount(res, from = Infinity) {
  const nums = [];
  let lost = 0, lostAfter = 0, firstAfter = -1;
  for (const l of res.usb) {
    const x = l.text;
    const m = /^stream (\d{5}) (.*)$/.exec(x);
    if (m) {
      if (m[2].length !== 87) return { why: `cut line ${x.slice(0, 20)}... (${x.length} chars)` };
      if (l.t > from && firstAfter < 0) firstAfter = nums.length;
      nums.push(+m[1]);
      continue;
    }
    const k = /^\*\*\* console: (\d+) bytes lost \(ring full\)$/.exec(x);
    if (k) { lost += +k[1]; if (l.t > from) lostAfter += +k[1]; continue; }
    if (/^usb: /.test(x)) continue;
    return { why: `unexpected line ${JSON.stringify(x)}` };
  }
  for (let i = 1; i < nums.length; i++) if (nums[i] <= nums[i - 1]) return { why: `out of order: ${nums[i - 1]} then ${nums[i]}` };
  const missing = nums.length ? nums[nums.length - 1] + 1 - nums.length : 0;
  const tail = firstAfter > 0 ? nums.slice(firstAfter - 1) : [];
  const missingAfter = tail.length ? tail[tail.length - 1] + 1 - tail[0] - tail.length : 0;
  return { nums, lost, missing, lostAfter, missingAfter };
}

if (wanted('unplug')) {
  const res = run(4, {
    ms: 1200,
    setup: (sim) => { sim.usbHost.event(300.02, 'unplug'); sim.usbHost.event(500, 'plug'); sim.usbHost.sendInput([0x73], 1100); },
  });
  check('unplug_replug_mid_line', () => {
    if (res.r.reason !== 'bound') return ended(res);
    const a = streamAccount(res);
    if (a.why) return a.why;
    if (a.missing * LINE !== a.lost) return `${a.missing} lines missing (${a.missing * LINE} bytes), ${a.lost} reported lost`;
    if (!(a.lost > 0)) return 'nothing was lost: the outage was too short to test the account';
    const st = res.host.stats();
    if (st.enumerations !== 2 || st.attaches !== 2) return `${st.enumerations} enumerations, ${st.attaches} attaches`;
    const before = res.usb.filter((l) => l.t < 0.3).length, after = res.usb.filter((l) => l.t > 0.65).length;
    if (before < 20 || after < 50) return `${before} lines before the unplug, ${after} after the replug`;
  });
  check('unplug_seen_as_suspend', () => {
    const m = res.text.map((x) => /^usb: resets (\d+) setups (\d+) stalls (\d+) suspends (\d+) resumes (\d+)$/.exec(x)).find(Boolean);
    if (!m) return 'no counters line';
    // suspended before each bus reset (idle bus at attach) and when unplugged
    if (+m[1] !== 2 || +m[4] < 2) return m[0];
  });
}

/* The stream of a run with an event at 0.3 s: every line whole and in
 * order, every missing one reported, none missing or lost around the event;
 * the account (a) or why not (why). */
function streamAround(res, what) {
  if (res.r.reason !== 'bound') return { why: ended(res) };
  const a = streamAccount(res, 0.25);
  if (a.why) return a;
  if (a.missing * LINE !== a.lost) return { why: `${a.missing} lines missing, ${a.lost} bytes reported lost` };
  if (a.missingAfter || a.lostAfter) return { why: `around the ${what}: ${a.missingAfter} lines missing, ${a.lostAfter} bytes lost` };
  return { a };
}

if (wanted('bus_reset')) {
  const res = run(4, { ms: 800, setup: (sim) => sim.usbHost.event(300.03, 'reset') });
  check('bus_reset_mid_stream', () => {
    const { a, why } = streamAround(res, 'reset');
    if (why) return why;
    const st = res.host.stats();
    if (st.enumerations !== 2 || st.resets !== 2) return `${st.enumerations} enumerations, ${st.resets} resets`;
    if (a.nums.length < 130) return `${a.nums.length} lines`;
  });
}

if (wanted('clear_halt')) {
  // the host clears a halt the endpoint does not have while a packet waits in it
  const res = run(4, { ms: 800, setup: (sim) => sim.usbHost.event(300.03, 'clear_halt_in') });
  check('clear_halt_in_mid_stream', () => {
    const { why } = streamAround(res, 'clear');
    if (why) return why;
    const after = res.usb.filter((l) => l.t > 0.35).length;
    if (after < 80) return `${after} lines after the clear`;     // one every 5 ms: 90
  });
}

if (wanted('halt_in_both')) {
  // both routes: the host halts the bulk IN endpoint for 20 ms mid-stream;
  // what the UART sends meanwhile reaches USB after the clear
  const res = run(4, { ms: 800, image: IMAGE_BOTH, setup: (sim) => sim.usbHost.event(300.03, 'halt_in') });
  check('halt_in_both_routes_nothing_lost', () => {
    if (res.r.reason !== 'bound') return ended(res);
    if (!res.host.log.some((l) => /SET_FEATURE\(type 0x02, value 0x0000, index 0x0082.* -> ok/.test(l))) return 'the endpoint was not halted';
    if (!res.host.log.some((l) => /CLEAR_FEATURE\(type 0x02, value 0x0000, index 0x0082.* -> ok/.test(l))) return 'the halt was not cleared';
    const nums = (src) => {
      const out = [];
      for (const l of res.lines.filter((x) => x.src === src && x.t > 0.25 && !x.partial)) {
        const m = /^stream (\d{5}) (.*)$/.exec(l.text);
        if (!m || m[2].length !== 87) return `${src}: line ${JSON.stringify(l.text.slice(0, 40))} (${l.text.length} chars)`;
        out.push(+m[1]);
      }
      for (let i = 1; i < out.length; i++) if (out[i] !== out[i - 1] + 1) return `${src}: ${out[i - 1]} then ${out[i]}`;
      return out;
    };
    const u = nums('usb'), r = nums('uart0');
    if (typeof u === 'string') return u;
    if (typeof r === 'string') return r;
    if (u.length < 40 || r.length < 40) return `${u.length} lines over USB, ${r.length} over the UART`;
    // the same lines on both, but for the one each may be in the middle of at the end
    if (Math.abs(u[u.length - 1] - r[r.length - 1]) > 1) return `last lines: usb ${u[u.length - 1]}, uart ${r[r.length - 1]}`;
    const lost = res.text.filter((x) => /bytes lost/.test(x));
    if (lost.length) return lost[0];
  });
}

if (wanted('halt_in_forever') || wanted('halt_in_long')) {
  // the host halts the bulk IN endpoint at 0.3 s and never clears it: the
  // printer waits TD_CONSOLE_STALL_MS (500 ms) for room, then its lines are
  // dropped and counted, and it goes on
  const res = run(4, { ms: 1500, setup: (sim) => haltInAt(sim, 300, 1e7) });
  check('halt_in_forever_printer_goes_on', () => {
    if (res.r.reason !== 'bound') return ended(res);
    if (!res.host.log.some((l) => /SET_FEATURE\(type 0x02, value 0x0000, index 0x0082.* -> ok/.test(l))) return 'the endpoint was not halted';
    if (res.host.log.some((l) => /CLEAR_FEATURE\(type 0x02, value 0x0000, index 0x0082.* -> ok/.test(l))) return 'the halt was cleared';
    const printed = res.sim.read32(res.sim.symbol('stream_printed'));
    const st = new Uint32Array(Uint8Array.from(sym(res.sim, 'stream_stats', 24)).buffer);
    const [writes, bytes, waits, , , lost] = st;
    const lastUsb = Math.max(...res.text.map((x) => /^stream (\d{5}) /.exec(x)).filter(Boolean).map((m) => +m[1]));
    // one line every 5 ms: some 240 by 1.5 s, less the 0.5 s it waited
    if (!(printed > 150)) return `${printed} lines printed (the last delivered: ${lastUsb}): the printer stopped`;
    // every line went into the ring or was counted lost; the ring also took
    // the loss line of the overflow before the port opened (under 60 bytes)
    const extra = bytes + lost - printed * LINE;
    if (!(extra >= 0 && extra < 60 && writes === Math.floor(bytes / LINE) + (extra ? 1 : 0))) return `${writes} writes, ${bytes} bytes into the ring + ${lost} lost, ${printed} lines`;
    if (!(lost >= (printed - lastUsb - 12) * LINE)) return `${lost} bytes lost, ${printed - lastUsb - 1} lines not delivered`;
    if (waits > 520) return `${waits} ticks waited for room: more than the bound, or waited again after giving up`;
  });
  const long = run(4, { ms: 1900, setup: (sim) => haltInAt(sim, 300, 1000) });
  check('halt_in_long_loss_counted_and_reported', () => {
    if (long.r.reason !== 'bound') return ended(long);
    const a = streamAccount(long);
    if (a.why) return a.why;
    if (a.missing * LINE !== a.lost) return `${a.missing} lines missing (${a.missing * LINE} bytes), ${a.lost} reported lost`;
    const after = long.usb.filter((l) => l.t > 1.35).length;
    if (!(a.lost > 40 * LINE) || after < 80) return `${a.lost} bytes lost, ${after} lines after the clear`;
  });
}

/* ---- both cores print while the host halts the bulk IN endpoint, a packet in it ---------- */
/* The lines of scenario 2 as they came: each whole, each core's in order; the bytes
 * of those that did not come (the stats line, if it did not: its length is only
 * bounded) against the loss lines' sum. */
function bothAccount(res) {
  const filler = ('0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ' +
    '0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV').slice(0, 135);
  const seen = [new Set(), new Set()], last = [-1, -1];
  let lost = 0, stats = false;
  for (const x of res.text) {
    const m = /^c([01]) (\d{3}) short$/.exec(x) || /^c([01]) (\d{3}) long (.*)$/.exec(x);
    const k = /^\*\*\* console: (\d+) bytes lost \(ring full\)$/.exec(x);
    if (k) { lost += +k[1]; continue; }
    if (/^both: stats writes \d+ bytes \d+ waits \d+ lost \d+$/.test(x)) { stats = true; continue; }
    if (!m) return { why: `not a line of the test: ${JSON.stringify(x.slice(0, 60))} (${x.length} chars)` };
    if (m[3] !== undefined && m[3] !== filler) return { why: `cut line ${JSON.stringify(x.slice(0, 40))}... (${x.length} chars)` };
    const c = +m[1], i = +m[2];
    if (i <= last[c]) return { why: `core ${c}: line ${i} after ${last[c]}` };
    last[c] = i;
    seen[c].add(i);
  }
  let missing = 0;
  for (const c of [0, 1]) for (let i = 0; i < 200; i++) if (!seen[c].has(i)) missing += i % 2 ? 13 : 148;
  return { lost, missing, stats, delivered: seen[0].size + seen[1].size };
}
if (wanted('halt_in_two_printers')) {
  // Both cores print their 400 lines (scenario 2, from 0.12 s to 0.16 s)
  // when the host halts the bulk IN endpoint for 1 s (longer than
  // TD_CONSOLE_STALL_MS): at each of a few instants, so that the endpoint
  // holds a full packet (one that a zero-length packet must close) at some
  // of them. Both printers wait, then drop and count, and end; after the
  // clear the packet the halt cut off comes first, every line that comes is
  // whole, and the loss lines account for every byte of the others.
  const halts = [130, 133, 135, 137, 140, 144];
  const runs = halts.map((at) => run(2, { ms: 3000, setup: (sim) => haltInAt(sim, at, 1000) }));
  check('halt_in_two_printers_whole_lines_loss_counted', () => {
    for (let j = 0; j < halts.length; j++) {
      const res = runs[j], at = `halt at ${halts[j]} ms`;
      if (res.r.reason !== 'bkpt') return `${at}: ${ended(res)}`;
      if (!res.host.log.some((l) => /CLEAR_FEATURE\(type 0x02, value 0x0000, index 0x0082.* -> ok/.test(l))) return `${at}: the halt was not cleared`;
      const a = bothAccount(res);
      if (a.why) return `${at}: ${a.why}`;
      if (!(a.lost > 0)) return `${at}: nothing lost: the printers did not wait as long as the halt`;
      const statsMissing = a.lost - a.missing;
      if (a.stats ? statsMissing !== 0 : !(statsMissing >= 40 && statsMissing <= 80)) {
        return `${at}: ${a.lost} bytes reported lost, ${a.missing} in lines missing (the stats line ${a.stats ? 'came' : 'did not come'})`;
      }
      if (!res.usb.some((l) => l.t > 1.1 && /^c[01] /.test(l.text))) return `${at}: no line after the clear`;
    }
  });
  // the halt never cleared: both printers give up after TD_CONSOLE_STALL_MS,
  // the program ends after its exit flush (TD_CONSOLE_EXIT_FLUSH_MS, 3 s)
  const never = run(2, { ms: 6000, setup: (sim) => haltInAt(sim, 135, 1e7) });
  check('halt_in_two_printers_go_on', () => {
    if (never.r.reason !== 'bkpt') return ended(never);
    const end = never.sim.nowNanos() / 1e9;
    if (!(end < 0.135 + 0.5 + 3 + 0.3)) return `the program ended at ${end.toFixed(3)} s`;
  });
}

if (wanted('suspend')) {
  const res = run(4, { ms: 800, setup: (sim) => { sim.usbHost.event(300, 'suspend'); sim.usbHost.event(340, 'resume'); } });
  check('suspend_resume_nothing_lost', () => {
    const { why } = streamAround(res, 'suspend');
    if (why) return why;
    const gap = res.usb.filter((l) => l.t > 0.301 && l.t < 0.339).length;
    if (gap) return `${gap} lines arrived while suspended`;
  });
}

/* ---- the 1200-baud reset ----------------------------------------------------------------- */
if (wanted('bootsel')) {
  const res = run(0, { ms: 600, setup: (sim) => { sim.usbHost.event(300, 'baud=1200'); sim.usbHost.event(310, 'close'); } });
  check('bootsel_1200_baud_close_reaches_rom', () => {
    if (res.r.reason !== 'noboot' || !/reset_usb_boot/.test(res.r.message)) return ended(res);
    const t = res.sim.nowNanos() / 1e6;
    if (!(t >= 310 && t < 312)) return `at ${t} ms`;
  });
  const open1200 = run(0, { ms: 500, setup: (sim) => sim.usbHost.event(300, 'baud=1200') });
  check('bootsel_needs_the_close', () => (open1200.r.reason === 'bound' ? null : ended(open1200)));
  const other = run(0, { ms: 500, setup: (sim) => { sim.usbHost.event(300, 'baud=9600'); sim.usbHost.event(310, 'close'); } });
  check('bootsel_only_at_1200', () => (other.r.reason === 'bound' ? null : ended(other)));
}

/* ---- core 0 fault ----------------------------------------------------------------------- */
if (wanted('fault_core0')) {
  const halt = run(5, { ms: 800 });
  check('fault_core0_halt_report_over_usb', () => {
    const t = halt.text;
    const a = t.indexOf('*** FAULT core 0, thread "main": null pointer');
    const b = t.indexOf('*** END FAULT core 0');
    if (a < 0 || b < a) return `report missing: ${JSON.stringify(t)}`;
    if (b !== t.length - 1) return `lines after the report: ${JSON.stringify(t.slice(b + 1))}`;
    // no other core runs a kernel: the fault path ends the run (port_exit(3) in the
    // handler, its bkpt marked: the run's own status, not a firmware stopped on a fault)
    if (halt.r.reason !== 'bkpt' || halt.r.code !== 3) return ended(halt);
  });
  const reboot = run(5, { ms: 1200, gpio: { 14: 1 } });
  check('fault_core0_reboot_report_then_previous_run', () => {
    const t = reboot.text;
    const a = t.indexOf('*** FAULT core 0, thread "main": null pointer');
    const b = t.indexOf('*** END FAULT core 0');
    if (a < 0 || b < a) return `report missing: ${JSON.stringify(t.slice(0, 8))}`;
    const prev = t.findIndex((x) => /^\*\*\* PREVIOUS RUN: FAULT core 0/.test(x));
    if (prev < b) return `no previous-run line after the reboot: ${JSON.stringify(t.slice(b))}`;
    if (!t.slice(prev).some((x) => /^after reboot: tick \d+$/.test(x))) return 'no ticks after the reboot';
    if (reboot.sim.reboots !== 1 || reboot.host.stats().enumerations !== 2) return `${reboot.sim.reboots} reboots, ${reboot.host.stats().enumerations} enumerations`;
  });
}

/* ---- core 0 faults in the middle of a line: the fault path finishes the line in full
 * packets (the bulk IN endpoint's 64 bytes), not a byte a packet, then the report ------------ */
/* Scenario 8 or 9's line (written with `chars` characters and its newline), arrived
 * whole and followed by core 0's report: the line's index in t, or why not (a string). */
function midlineThenReport(t, chars) {
  const line = t.findIndex((x) => /^midline 0123/.test(x));
  if (line < 0) return `the line is missing: ${JSON.stringify(t.slice(0, 4))}`;
  if (t[line].length !== chars) return `the line arrived with ${t[line].length} characters, ${chars} written`;
  if (t[line + 1] !== '*** FAULT core 0, thread "main": null pointer') return `after the line: ${JSON.stringify(t[line + 1])}`;
  if (t.indexOf('*** END FAULT core 0') < line) return 'the report is not ended';
  return line;
}
if (wanted('fault_midline')) {
  /* Run scenario 8 (wrap: GPIO 14 high, the line's rest wraps round the end of the 1024-byte
   * ring at 900 + 64); check the line and the packets it went in: 'want' their sizes. */
  const midline = (name, wrap, want) => {
    const packets = [];
    const res = run(8, {
      ms: 800,
      gpio: wrap ? { 14: 1 } : {},
      setup: (sim) => {
        const h = sim.usbHost, received = h.received.bind(h);
        h.received = (port, data, tags, full) => { packets.push(data.length); return received(port, data, tags, full); };
      },
    });
    check(name, () => {
      const t = res.text;
      const line = midlineThenReport(t, 148);
      if (typeof line === 'string') return line;
      if (wrap && t.slice(0, line).filter((x) => /^pad \d /.test(x)).length !== 9) return `the 9 lines before it: ${JSON.stringify(t.slice(0, line))}`;
      // the line's packets: the first by the console's own pump, the rest by the fault path
      const data = packets.filter((n) => n > 0);
      let k = 0, at = 0;
      for (const x of t.slice(0, line)) at += x.length + 1;   // the bytes before the line
      while (k < data.length && at > 0) at -= data[k++];
      if (at !== 0) return `the line does not start a packet (packets ${data.join(' ')})`;
      const mine = [];
      for (let left = 149; left > 0 && k < data.length; k++) { mine.push(data[k]); left -= data[k]; }
      if (mine.length < 2) return `the line went in ${mine.length} packet: the fault did not come while it was open`;
      if (mine.some((n) => n === 1)) return `one-byte packets: the line went as ${mine.join(' ')}`;
      if (mine.join(' ') !== want) return `the line went as packets of ${mine.join(' ')} (${want} expected)`;
      if (packets.filter((n) => n === 1).length) return `${packets.filter((n) => n === 1).length} one-byte packets in the run`;
    });
  };
  midline('fault_midline_line_in_full_packets', false, '64 64 21');
  // wrapped: one write up to the ring's end (60 bytes), one from its start (25)
  midline('fault_midline_wrapped_in_two_writes', true, '64 60 25');
}

/* ---- a full packet taken as the host halts the endpoint ------------------------------------
 * The host halts the bulk IN endpoint for ms as it takes the packet that pick(len, bytes)
 * chooses (bytes: all the endpoint has delivered, that packet included), and the device learns
 * of the packet's end and of the SET_FEATURE in one pass (as when it looks only after both).
 * Returns what it saw: every packet the host received ({ n, t, ...onPacket() }), the halted
 * packet's index among them, the endpoint's buffer control at the clear and the clear's time. */
const B_STALL = 1 << 11, B_AVAIL = 1 << 10, B_LEN = 0x3ff;
function haltAsTaken(sim, pick, ms, onPacket = () => ({})) {
  const seen = { halted: false, packets: [], haltedAt: -1, atClear: null, clearedAt: Infinity };
  const h = sim.usbHost;
  const bufDone = h.bufDone.bind(h), setupPacket = h.setupPacket.bind(h);
  const startControl = h.startControl.bind(h), received = h.received.bind(h);
  let bytes = '', held = null;
  h.bufDone = (ep) => {
    if (ep === 0x82 && !seen.halted) {
      const len = h.rd32(h.bufCtrl(ep)) & B_LEN, at = h.bufAddr(ep);
      bytes += Buffer.from(h.dpram.subarray(at, at + len)).toString('latin1');
      if (pick(len, bytes)) {
        seen.halted = true;
        seen.haltedAt = seen.packets.length;   // this packet's index (delivered after this call)
        held = ep;                             // its end reaches the device with the SETUP
        h.haltIn(ms);
        return;
      }
    }
    bufDone(ep);
  };
  h.setupPacket = (t) => {
    if (held !== null) { const ep = held; held = null; bufDone(ep); }
    setupPacket(t);
  };
  h.startControl = (st, cb) => {
    if (seen.halted && seen.atClear === null && st.req === 1 && st.index === 0x82) {
      seen.atClear = h.rd32(h.bufCtrl(0x82));
      seen.clearedAt = h.now() / 1e9;
    }
    startControl(st, cb);
  };
  h.received = (port, data, tags, full) => {
    seen.packets.push({ n: data.length, t: h.now() / 1e9, ...onPacket() });
    return received(port, data, tags, full);
  };
  return seen;
}

/* The host's side after haltAsTaken: the halt cleared with nothing armed in the halted
 * endpoint, then the packet taken as it halted, then the zero-length packet after the clear. */
function zlpAfterClear(seen) {
  if (!seen.halted) return 'the full packet never came: the scenario did not run as meant';
  if (seen.atClear === null) return 'the halt was not cleared';
  const c = seen.atClear;
  if (!(c & B_STALL) || c & B_AVAIL) {
    return `at the clear the halted endpoint's buffer control was 0x${c.toString(16)}: ${c & B_AVAIL ? `a ${c & B_LEN}-byte packet armed` : 'no STALL'}`;
  }
  const next = seen.packets.slice(seen.haltedAt, seen.haltedAt + 2);
  if (next.map((p) => p.n).join(' ') !== '64 0') return `packets from the halt on: ${next.map((p) => p.n).join(' ')} (64 0 expected)`;
  if (!(next[1].t >= seen.clearedAt)) return `the zero-length packet came at ${next[1].t.toFixed(4)} s, before the clear`;
  return null;
}

/* ---- the fault path closes a full packet with a zero-length one, never into an endpoint
 * the host has halted ------------------------------------------------------------------------ */
if (wanted('fault_zlp')) {
  // Scenario 9: a 128-byte line, its first packet sent by the console, the second (full) by
  // the fault path, which must close the transfer with a zero-length packet. The host halts
  // the bulk IN endpoint as it takes that second packet, for 20 ms: nothing may go into the
  // halted endpoint; after the clear the zero-length packet comes, then the report; no byte
  // comes twice.
  let seen = { packets: [] };
  const res = run(9, {
    ms: 800,
    setup: (sim) => {
      seen = haltAsTaken(sim, (len, bytes) => {
        const i = bytes.indexOf('midline ');
        return i >= 0 && len === 64 && bytes.length - i === 128;
      }, 20);
    },
  });
  check('fault_zlp_not_into_halted_endpoint', () => {
    const why = zlpAfterClear(seen);
    if (why) return why;
    const line = midlineThenReport(res.text, 127);
    if (typeof line === 'string') return line;
    if (!(seen.packets.length >= seen.haltedAt + 3)) return 'no report after the zero-length packet';
    if (res.r.reason !== 'bkpt' || res.r.code !== 3) return ended(res);
  });
}

/* ---- a flush waits for the zero-length packet ---------------------------------------------- */
if (wanted('flush_zlp')) {
  // Scenario 11: core 1 prints a line of exactly one full packet and flushes. The host halts
  // the endpoint as it takes that packet, for 20 ms: the transfer is not closed until the
  // zero-length packet comes after the clear, and the flush returns only after that (it
  // once returned at once, the packet taken and the zero-length one not yet armed).
  let seen = { packets: [] };
  const res = run(11, {
    ms: 600,
    setup: (sim) => {
      const done = sim.symbol('zlpflush_done');
      seen = haltAsTaken(sim, (len) => len === 64, 20, () => ({ flushed: sim.read32(done) }));
    },
  });
  check('flush_zlp_waits_for_the_zero_length_packet', () => {
    const why = zlpAfterClear(seen);
    if (why) return why;
    const line = res.usb.find((l) => !l.partial);
    if (!line || line.text !== res.text[0] || line.text.length !== 63) return `lines ${JSON.stringify(res.text)}`;
    const zlp = seen.packets[seen.haltedAt + 1];
    if (zlp.flushed) return `the flush had returned when the host took the zero-length packet (at ${zlp.t.toFixed(4)} s)`;
    const rc = res.sim.read32(res.sim.symbol('zlpflush_rc')) | 0;
    if (res.sim.read32(res.sim.symbol('zlpflush_done')) !== 1 || rc !== 0) return `flush returned ${rc}, done ${res.sim.read32(res.sim.symbol('zlpflush_done'))}`;
  });
}

/* ---- the serial number ------------------------------------------------------------------ */
if (wanted('serial')) {
  const res = run(6, { ms: 400 });
  check('serial_from_flash_unique_id', () => {
    if (res.host.info.serial !== '15161718191A1B1C') return `host read serial ${res.host.info.serial}`;
    if (!res.text.includes('serial 15161718191A1B1C')) return `printed ${JSON.stringify(res.text)}`;
    const at = res.sim.symbol('ruid_from_ram');
    if (!(at >= 0x20000000 && at < 0x20042000)) return `the RUID routine is at 0x${(at >>> 0).toString(16)}, not in SRAM`;
  });
  const other = run(6, {
    ms: 400,
    setup: (sim) => {
      const orig = sim.ssi.respond.bind(sim.ssi);
      sim.ssi.respond = () => (sim.ssi.cmd[0] === 0x4b && sim.ssi.cmd.length > 5 ? [0xe6, 0x60, 0x58, 0x38, 0x83, 0x4d, 0x2a, 0x31][sim.ssi.cmd.length - 6] : orig());
    },
  });
  check('serial_differs_per_board', () => (other.host.info.serial === 'E6605838834D2A31' ? null : `serial ${other.host.info.serial}`));
}

/* ---- malformed descriptors stop the run ----------------------------------------------- */
function patched(mutate) {
  const elf = fs.readFileSync(IMAGE);
  const sig = Buffer.from([0x09, 0x02, 0x4b, 0x00, 0x02, 0x01, 0x00, 0x80, 0x32]);
  const at = elf.indexOf(sig);
  if (at < 0) throw new Error('configuration descriptor not found in the image');
  const dev = elf.indexOf(Buffer.from([0x12, 0x01, 0x00, 0x02, 0xef, 0x02, 0x01, 0x40]));
  const out = Buffer.from(elf);
  mutate(out, at, dev);
  const file = path.join(os.tmpdir(), `tandem-usb-bad-${process.pid}-${Math.random().toString(16).slice(2)}.elf`);
  fs.writeFileSync(file, out);
  return file;
}
if (wanted('malformed')) {
  const cases = [
    ['malformed_total_length', (b, c) => { b[c + 2] = 0x4a; }, /wTotalLength 74 but|runs past wTotalLength/],
    ['malformed_endpoint_count', (b, c) => { b[c + 9 + 8 + 4] = 2; }, /interface 0: bNumEndpoints 2 but 1 endpoint/],
    ['malformed_max_packet0', (b, c, d) => { b[d + 7] = 65; }, /bMaxPacketSize0 65/],
    ['malformed_union', (b, c) => { b[c + 9 + 8 + 9 + 5 + 5 + 4 + 4] = 3; }, /union names interface 3/],
  ];
  for (const [name, mutate, want] of cases) {
    check(name, () => {
      const file = patched(mutate);
      const sim = spawnSync(path.join(root, 'sim', 'tandem-sim'), [file, '--max-ms', '400'], { encoding: 'utf8' });
      fs.unlinkSync(file);
      if (sim.status !== 114) return `exit ${sim.status}: ${sim.stderr.trim()}`;
      if (!want.test(sim.stderr) || !/malformed descriptor/.test(sim.stderr)) return sim.stderr.trim();
    });
  }
}

if (!listing) console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
