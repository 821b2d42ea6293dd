'use strict';
// Command line of tandem-sim. See README.md for every option and exit code.

const fs = require('fs');
const path = require('path');

const EXIT = {
  bkptMax: 109,   // bkpt #N exits N for N <= 109, and 109 above that
  killed: 110,    // --gdb: the debugger killed the run or went away
  faultBkpt: 111, // bkpt in the HardFault/NMI handler (not port_exit's): the firmware stopped on a fault
  xip: 112,       // a core (or DMA) read the XIP range while the flash was out of XIP mode (erase/program window)
  powerCut: 113,  // --power-cut-at / --power-cut-random: the power went as planned
  usb: 114,       // the USB host rejected the device: malformed descriptor or answer, failed check
  unmodelled: 115, // the firmware called a ROM floating-point function the model cannot perform (a trig argument out of range)
  usage: 120,     // bad command line
  badFile: 121,   // missing / unreadable / not ELF or UF2 / wrong chip or family
  noBoot: 122,    // boot2 CRC mismatch, USB boot requested
  bound: 123,     // time or cycle bound reached (or nothing left to run) without bkpt / --until match
  lockup: 124,    // a core locked up (fault in HardFault/NMI, HardFault with the ROM's vectors)
  internal: 125,  // a bug in the simulator
};
const DEFAULT_MAX_MS = 5000;
const devices = require('./cli_devices');   // --spi, --display, --adc, --motor, --gpio-wave

const USAGE = `usage: tandem-sim FIRMWARE.elf|FIRMWARE.uf2 [options]

Runs RP2040 firmware on both emulated cores. Console lines from UART0/UART1
and from the USB serial ports are printed as "[time s] uartN cK| text" and
"[time s] usb   cK| text" (the second port's "usb1 ", ...). A USB host is
attached (unless --no-usb): it enumerates the device when the firmware
connects, checks every descriptor and opens a serial port for each CDC-ACM
function.

  --until REGEX       exit 0 as soon as a console line matches REGEX
  --max-ms N          bound on simulated time in milliseconds (default ${DEFAULT_MAX_MS})
  --max-cycles N      bound on simulated clk_sys cycles
  --quiet             print no console output and no final status line
  --raw               print console bytes exactly as written (no tags)
  --vcd FILE          write GPIO levels and per-core running/sleeping as VCD
  --svg FILE          write a picture of the run (core lanes, GPIO lanes; with a
                      kernel built with TRACE=sim or ring: a lane per thread,
                      lock holds, arrows for messages between the cores)
  --trace-out FILE    write the kernel's trace (a kernel built with TRACE=sim or
                      ring) as Chrome trace-event JSON, for Perfetto
  --json FILE         write run statistics as JSON
  --stats             print per-core statistics on stderr at the end
  --gpio-in P=L[@MS]  drive GPIO P to level L (0/1) from time MS (default 0); repeatable
  --i2c B:DEV[@ADDR]  attach a virtual device to I2C bus B (0/1): mpu6050 (0x68), bmp280 (0x76),
                      hold[,ms=N] (0x50: acknowledges, then holds SCL low N ms, or for good)
  --i2c-stuck SDA:SCL[,pulses=N]  a target stuck mid-read on GPIO pins SDA, SCL: holds SDA
                      low from the start until it has seen N SCL pulses (without N: for good)
  --gpio-log P[=NAME][,...]  print each change of these output pins as a tagged line
${devices.USAGE}
  --trace FILE        write every executed instruction (core, cycle, pc, opcode)
  --trace-core N      only trace core N (0 or 1)
  --history N         PCs shown after a lockup (default 16)
  --direct            skip the boot ROM on core 0: start at the ELF entry point
  --core1-dead        model a broken core 1: held in reset, it never answers a launch
  --xosc-dead         model a dead crystal: XOSC never reports stable
  --core1-garble N    corrupt core 1's first N FIFO words sent from the boot ROM
                      (bit 31 flipped): an out-of-step launch handshake
  --flash-file F      start from the flash contents in F (2 MiB; a missing F is a blank
                      chip), program the firmware over it as a UF2 copy would, and
                      write the contents back to F at the end of the run
  --power-cut-at N    cut the power at clk_sys cycle N: the run ends as if unplugged,
                      a flash operation in progress left half done
  --power-cut-random S  cut the power at a cycle drawn with seed S, uniformly up to
                      the bound (--max-cycles, or --max-ms at 125 MHz)
  --gdb PORT          wait for GDB on 127.0.0.1:PORT (0: any free port) before the
                      first instruction; both cores are GDB threads (no default
                      time bound while a debugger is attached)
  --no-usb            leave the USB cable unplugged
  --usb-input TEXT[@MS]  send TEXT (escapes \\n \\r \\t \\\\ \\xHH) to the USB serial port
                      from time MS (once the port is open); repeatable
  --usb-input-file FILE[@MS]  the same with a file's bytes
  --usb-event MS:ACTION  at time MS: unplug, plug, close, open, baud=N, reset,
                      suspend, resume (the port or the bus), leds=LIST (the
                      keyboard LEDs now lit: num,caps,scroll,compose,kana or
                      none, sent to each HID keyboard); repeatable
  --usb-port N        the serial port (0: the device's first CDC-ACM function, 1
                      its second, ...) of the --usb-input, --usb-input-file and
                      --usb-event close/open/baud options after it (default 0);
                      port N's lines are tagged "usbN"
  --usb-check         after opening the port, check the standard and class
                      requests (unsupported ones must STALL)
  --usb-log           print what the USB host does as "usbhost" lines
  --uart-input TEXT[@MS]  send TEXT to UART0's RX from time MS; repeatable
  --verbose           print rp2040js warnings (unimplemented registers)
  -h, --help          this text

Exit status: bkpt #N -> N (N <= 109; larger codes give 109); 0 on --until match;
110 killed from the debugger (--gdb); 111 bkpt in the HardFault/NMI handler
(stopped on a fault; tandem's port_exit marks its bkpt and exits N); 112 flash
read or fetched through XIP while the flash was out of XIP mode (an erase or
program window); 113 power cut (--power-cut-at, --power-cut-random); 114 the USB
host rejected the device (malformed descriptor or answer, failed --usb-check);
115 the firmware called a ROM floating-point function the model cannot
perform as the chip would (sin, cos, tan outside their documented range);
120 usage error; 121 bad firmware file; 122 firmware does not boot (or entered
USB boot); 123 bound reached without bkpt/match; 124 lockup; 125 internal error.`;

class UsageError extends Error {}

function parseArgs(argv) {
  const o = { gpioIn: [], i2c: [], i2cStuck: [], gpioLog: new Map(), history: 16, usbInput: [], usbEvents: [], uartInput: [], usbPort: 0 };
  const need = (i, name) => {
    if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
    return argv[i + 1];
  };
  const num = (v, name, { min = 0, int = false } = {}) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || (int && !Number.isInteger(n))) throw new UsageError(`${name}: '${v}' is not a valid number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '-h': case '--help': o.help = true; break;
      case '--until': {
        const v = need(i, a); i++;
        try { o.until = new RegExp(v); } catch (e) { throw new UsageError(`--until: bad regular expression: ${e.message}`); }
        break;
      }
      case '--max-ms': o.maxMs = num(need(i, a), a, { min: 0 }); i++; break;
      case '--max-cycles': o.maxCycles = num(need(i, a), a, { min: 1, int: true }); i++; break;
      case '--quiet': o.quiet = true; break;
      case '--raw': o.raw = true; break;
      case '--vcd': o.vcd = need(i, a); i++; break;
      case '--svg': o.svg = need(i, a); i++; break;
      case '--trace-out': o.traceOut = need(i, a); i++; break;
      case '--json': o.json = need(i, a); i++; break;
      case '--stats': o.stats = true; break;
      case '--trace': o.trace = need(i, a); i++; break;
      case '--trace-core': o.traceCore = num(need(i, a), a, { int: true }); i++; if (o.traceCore > 1) throw new UsageError('--trace-core: 0 or 1'); break;
      case '--history': o.history = num(need(i, a), a, { int: true, min: 1 }); i++; break;
      case '--direct': o.direct = true; break;
      case '--core1-dead': o.core1Dead = true; break;
      case '--xosc-dead': o.xoscDead = true; break;
      case '--core1-garble': o.core1Garble = num(need(i, a), a, { min: 0, int: true }); i++; break;
      case '--verbose': o.verbose = true; break;
      case '--flash-file': o.flashFile = need(i, a); i++; break;
      case '--power-cut-at': o.cutAt = num(need(i, a), a, { min: 1, int: true }); i++; break;
      case '--power-cut-random': o.cutSeed = num(need(i, a), a, { min: 0, int: true }); i++; break;
      case '--gdb': o.gdb = num(need(i, a), a, { int: true }); i++; if (o.gdb > 65535) throw new UsageError('--gdb: a TCP port, 0..65535'); break;
      case '--no-usb': o.noUsb = true; break;
      case '--usb-check': o.usbCheck = true; break;
      case '--usb-log': o.usbLog = true; break;
      case '--usb-input': case '--uart-input': {
        const v = need(i, a); i++;
        const { text, ms } = atTime(v, a);
        (a === '--usb-input' ? o.usbInput : o.uartInput).push({ bytes: unescape(text, a), ms, port: o.usbPort });
        break;
      }
      case '--usb-input-file': {
        const v = need(i, a); i++;
        const { text: file, ms } = atTime(v, a);
        let bytes;
        try { bytes = fs.readFileSync(file); } catch (e) { throw new UsageError(`--usb-input-file: cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`); }
        o.usbInput.push({ bytes: [...bytes], ms, port: o.usbPort });
        break;
      }
      case '--usb-event': {
        const v = need(i, a); i++;
        const m = /^(\d+(?:\.\d+)?):(unplug|plug|close|open|reset|suspend|resume|baud=\d+|leds=(?:none|(?:num|caps|scroll|compose|kana)(?:,(?:num|caps|scroll|compose|kana))*))$/.exec(v);
        if (!m || (m[2].startsWith('baud=') && !(Number(m[2].slice(5)) > 0))) throw new UsageError(`--usb-event: expected MS:ACTION with ACTION unplug, plug, close, open, baud=N (N > 0), reset, suspend, resume or leds=LIST (num, caps, scroll, compose, kana, comma-separated, or none), got '${v}'`);
        o.usbEvents.push({ ms: Number(m[1]), action: m[2], port: o.usbPort });
        break;
      }
      case '--usb-port': o.usbPort = num(need(i, a), a, { int: true }); i++; if (o.usbPort > 15) throw new UsageError('--usb-port: a serial port number, 0..15'); break;
      case '--gpio-in': {
        const v = need(i, a); i++;
        const m = /^(\d+)=([01])(?:@(\d+(?:\.\d+)?))?$/.exec(v);
        if (!m || Number(m[1]) > 29) throw new UsageError(`--gpio-in: expected PIN=LEVEL[@MS] with PIN 0..29 and LEVEL 0/1, got '${v}'`);
        o.gpioIn.push({ pin: Number(m[1]), level: Number(m[2]), ms: m[3] ? Number(m[3]) : 0 });
        break;
      }
      case '--gpio-log': {
        const v = need(i, a); i++;
        for (const item of v.split(',')) {
          const m = /^(\d+)(?:=([\w.-]+))?$/.exec(item);
          if (!m || Number(m[1]) > 29) throw new UsageError(`--gpio-log: expected PIN[=NAME][,PIN[=NAME]...] with PIN 0..29, got '${v}'`);
          o.gpioLog.set(Number(m[1]), m[2] || '');
        }
        break;
      }
      case '--i2c': {
        const v = need(i, a); i++;
        const m = /^([01]):(mpu6050|bmp280|hold)(?:@(0x[0-9a-fA-F]+|\d+))?(?:,ms=(\d+))?$/.exec(v);
        if (!m || (m[4] !== undefined && m[2] !== 'hold')) {
          throw new UsageError(`--i2c: expected BUS:DEVICE[@ADDRESS] (bus 0/1, device mpu6050, bmp280 or hold[,ms=N]), got '${v}'`);
        }
        const addr = m[3] !== undefined ? Number(m[3]) : undefined;
        if (addr !== undefined && !(addr > 0 && addr < 0x80)) throw new UsageError(`--i2c: ${m[3]} is not a 7-bit address`);
        o.i2c.push({ bus: Number(m[1]), device: m[2], address: addr, holdMs: m[4] !== undefined ? Number(m[4]) : undefined });
        break;
      }
      case '--i2c-stuck': {
        const v = need(i, a); i++;
        const m = /^(\d+):(\d+)(?:,pulses=(\d+))?$/.exec(v);
        if (!m || Number(m[1]) > 29 || Number(m[2]) > 29 || m[1] === m[2] || m[3] === '0') {
          throw new UsageError(`--i2c-stuck: expected SDA:SCL[,pulses=N] (two GPIO pins 0..29, N at least 1), got '${v}'`);
        }
        o.i2cStuck.push({ sda: Number(m[1]), scl: Number(m[2]), pulses: m[3] !== undefined ? Number(m[3]) : Infinity });
        break;
      }
      case '--spi': case '--display': case '--adc': case '--motor': case '--gpio-wave':
        try { devices.parse(o, a, need(i, a)); } catch (e) { throw e instanceof devices.DeviceUsageError ? new UsageError(e.message) : e; }
        i++;
        break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (o.firmware) throw new UsageError(`more than one firmware file given ('${o.firmware}', '${a}')`);
        o.firmware = a;
    }
  }
  if (!o.help && !o.firmware) throw new UsageError('no firmware file given');
  if (o.cutAt !== undefined && o.cutSeed !== undefined) throw new UsageError('--power-cut-at and --power-cut-random exclude each other');
  return o;
}

/** TEXT@MS: a value and an optional time (ms) after its last '@'. */
function atTime(v, name) {
  const m = /^([\s\S]*)@(\d+(?:\.\d+)?)$/.exec(v);
  if (m) return { text: m[1], ms: Number(m[2]) };
  if (!v.length) throw new UsageError(`${name}: empty value`);
  return { text: v, ms: 0 };
}
/** The escapes \n \r \t \\ \xHH in a command-line text, as bytes. */
function unescape(text, name) {
  const out = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') { out.push(...Buffer.from(c, 'utf8')); continue; }
    const n = text[++i];
    if (n === 'n') out.push(10); else if (n === 'r') out.push(13); else if (n === 't') out.push(9); else if (n === '\\') out.push(92);
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) { out.push(parseInt(text.slice(i + 1, i + 3), 16)); i += 2; } else throw new UsageError(`${name}: unknown escape \\${n === undefined ? '' : n} in '${text}'`);
  }
  return out;
}

function coreTag(core) { return core === 0 ? 'c0' : core === 1 ? 'c1' : core === -2 ? 'c*' : '--'; }

function main(argv, io = { out: process.stdout, err: process.stderr }) {
  const say = (s) => io.err.write(`tandem-sim: ${s}\n`);
  let o;
  try { o = parseArgs(argv); } catch (e) {
    if (e instanceof UsageError) { say(e.message); io.err.write("run 'tandem-sim --help' for usage\n"); return EXIT.usage; }
    throw e;
  }
  if (o.help) { io.out.write(USAGE + '\n'); return 0; }
  // --gdb: the console also goes to the debugger (lib/gdb.js)
  const gdb = o.gdb !== undefined ? require('./gdb').prepare(io) : null;
  if (gdb) io = gdb.io;

  const { Simulator } = require('./simulator');
  const { UserError } = require('./loader');
  const record = !!(o.vcd || o.svg);
  const sim = new Simulator({ verbose: o.verbose, record, usb: o.noUsb ? false : { check: !!o.usbCheck } });
  try {
    if (o.flashFile) sim.flash.attachFile(o.flashFile, UserError);
    const img = sim.loadFile(o.firmware);
    if (o.core1Dead) sim.killCore1();
    if (o.xoscDead) sim.killXosc();
    if (o.core1Garble) sim.core1Garble = o.core1Garble;
    if (o.direct) {
      if (!Array.isArray(img) && img.entry) sim.directBoot(img.entry);
      else throw new UserError(`${o.firmware}: --direct needs an ELF file with an entry point`);
    }
  } catch (e) {
    if (e instanceof UserError) { say(e.message); return EXIT.badFile; }
    throw e;
  }
  // the kernel's trace points (lib/ktrace.js): for --trace-out, and for the
  // picture when the image has them
  if (o.traceOut || o.svg) {
    try {
      sim.ktrace = require('./ktrace').attach(sim, o.firmware);
      const un = sim.ktrace.points.filter((p) => p.a === null || p.b === null);
      if (un.length) {
        say(`warning: ${un.length} trace point(s) with a word the debug information does not locate at the point's address (recorded as 0): ` +
          un.slice(0, 4).map((p) => `kind ${p.kind} in ${p.where} at 0x${p.addr.toString(16)}`).join(', ') + (un.length > 4 ? ', ...' : ''));
      }
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      if (o.traceOut) { say(`--trace-out: ${e.message}`); return EXIT.badFile; }
    }
  }

  // console output
  if (!o.quiet) {
    if (o.raw) {
      sim.on('uart-byte', ({ byte }) => io.out.write(Buffer.from([byte])));
      sim.on('usb-data', ({ bytes }) => io.out.write(bytes));
    } else {
      sim.on('line', (l) => io.out.write(`[${l.time.toFixed(6).padStart(11)} s] ${l.source === 'usb' ? `usb${l.port || ' '} ` : `uart${l.uart}`} ${coreTag(l.core)}| ${l.text}\n`));
    }
    if (o.usbLog) sim.on('usb-log', (l) => io.out.write(`[${l.time.toFixed(6).padStart(11)} s] usbhost  | ${l.text}\n`));
  }
  if (sim.usbHost) {
    for (const u of o.usbInput) sim.usbHost.sendInput(u.bytes, u.ms, u.port);
    for (const e of o.usbEvents) sim.usbHost.event(e.ms, e.action, e.port);
  }
  for (const u of o.uartInput) sim.sendUartInput(0, u.bytes, u.ms);
  if (o.gpioLog.size && !o.quiet) {
    // A driven level change of a logged pin, in the console lines' format:
    //   [   1.000291 s] gpio1 c1| ON  (green)
    // Only these pins are observed: a UART's or SPI block's line elsewhere
    // stays lazy (no alarm per bit), as without the log.
    sim.logPins([...o.gpioLog.keys()], (g) => {
      if (g.level < 0) return;
      const name = o.gpioLog.get(g.pin);
      io.out.write(`[${g.time.toFixed(6).padStart(11)} s] gpio${g.pin} ${coreTag(g.core)}| ${g.level ? 'ON ' : 'OFF'}${name ? ` (${name})` : ''}\n`);
    });
  }
  const { createDevice } = require('./devices');
  const { StuckDataTarget } = require('./i2c');
  for (const d of o.i2c) {
    const dev = createDevice(sim, d.device, d.address, d.holdMs);
    sim.i2c[d.bus].attach(dev.address, dev);
  }
  for (const d of o.i2cStuck) new StuckDataTarget(sim, d);
  try { devices.attach(sim, o); } catch (e) {
    if (e instanceof devices.DeviceUsageError) { say(e.message); return EXIT.usage; }
    throw e;
  }
  for (const g of o.gpioIn) {
    if (g.ms === 0) sim.setGpioInput(g.pin, g.level); else sim.scheduleInput(g.pin, g.level, g.ms);
  }
  let traceFd = null;
  if (o.trace) {
    try { traceFd = fs.openSync(o.trace, 'w'); } catch (e) { say(`--trace: cannot write ${o.trace}: ${e.message}`); return EXIT.usage; }
    let buf = [];
    const only = o.traceCore;
    sim.tracer = (c, pc, op) => {
      if (only !== undefined && c.index !== only) return;
      buf.push(`${c.index} ${c.cycles} ${pc.toString(16).padStart(8, '0')} ${op.toString(16).padStart(4, '0')}`);
      if (buf.length >= 4096) { fs.writeSync(traceFd, buf.join('\n') + '\n'); buf = []; }
    };
    sim.flushTrace = () => { if (buf.length) fs.writeSync(traceFd, buf.join('\n') + '\n'); buf = []; fs.closeSync(traceFd); };
  }

  const maxMs = o.maxMs !== undefined ? o.maxMs : (o.maxCycles !== undefined || gdb ? undefined : DEFAULT_MAX_MS);
  if (o.cutAt !== undefined || o.cutSeed !== undefined) {
    const { prng } = require('./flash');
    const bound = o.maxCycles !== undefined ? o.maxCycles : Math.floor((maxMs !== undefined ? maxMs : DEFAULT_MAX_MS) * 125000);
    const rnd = prng(o.cutSeed !== undefined ? o.cutSeed : o.cutAt);
    sim.powerCutCycle = o.cutAt !== undefined ? o.cutAt : 1 + Math.floor(rnd() * Math.max(1, bound - 1));
    sim.flash.rng = rnd;
  }
  if (gdb) {
    // served asynchronously: main() returns a promise of the exit status
    let endMs = maxMs;
    return gdb.serve(sim, o.gdb, {
      until: o.until, maxMs, maxCycles: o.maxCycles,
      exitCode: (r) => outcome(sim, o, lastLine(sim, o, r), maxMs).code,
      // after a detach the run goes on to its end, with the default bound if none was given
      detachedRun: (s) => {
        if (endMs === undefined && o.maxCycles === undefined) endMs = DEFAULT_MAX_MS;
        return s.run({ until: o.until, maxMs: endMs, maxCycles: o.maxCycles });
      },
    }, say).then((r) => (r.reason === 'gdb-listen' ? EXIT.usage : finish(sim, o, r, endMs, io, say)));
  }
  return finish(sim, o, sim.run({ until: o.until, maxMs, maxCycles: o.maxCycles }), maxMs, io, say);
}

/**
 * The record of a finished run, with the console's last line: a line the
 * firmware left without a newline is still output, and still a match for
 * --until (unless the debugger killed the run). Once per run.
 */
function lastLine(sim, o, r) {
  if (sim.lastLineMatch === undefined) sim.lastLineMatch = sim.flushLines(o.until);
  const last = sim.lastLineMatch;
  if (last && r.reason !== 'until' && r.reason !== 'killed') return { reason: 'until', line: last, lastLine: true };
  return r;
}

/** The exit status and final message of a run that stopped with record r. */
function outcome(sim, o, r, maxMs) {
  const when = `t=${(sim.nowNanos() / 1e6).toFixed(3)} ms`;
  let code, msg;
  switch (r.reason) {
    case 'bkpt':
      if (o.until && r.code === 0) { code = EXIT.bound; msg = `firmware ended (bkpt #0 on core ${r.core}) before a console line matched /${o.until.source}/, ${when}`; break; }
      code = r.code <= EXIT.bkptMax ? r.code : EXIT.bkptMax;
      msg = `bkpt #${r.code} on core ${r.core} at pc 0x${r.pc.toString(16).padStart(8, '0')}, ${when}`;
      break;
    case 'until': code = 0; msg = `console matched /${o.until.source}/${r.lastLine ? ' (the last line, without a newline)' : ''}, ${when}`; break;
    case 'fault-bkpt': code = EXIT.faultBkpt; msg = `stopped on a fault: ${r.message}, ${when}`; break;
    case 'usb': code = EXIT.usb; msg = `${r.message}, ${when}`; break;
    case 'unmodelled': code = EXIT.unmodelled; msg = `${r.message}, ${when}`; break;
    case 'bound': {
      const what = o.until ? `without a console line matching /${o.until.source}/` : 'without bkpt';
      const lim = o.maxCycles !== undefined && (maxMs === undefined || sim.T >= o.maxCycles) ? `${o.maxCycles} cycles` : `${maxMs} ms`;
      code = EXIT.bound; msg = `time limit reached (${lim} simulated) ${what}`;
      break;
    }
    case 'stalled': code = EXIT.bound; msg = `stopped: ${r.message}, ${when}; the time limit would pass ${o.until ? 'without a match' : 'without bkpt'}`; break;
    case 'lockup': code = EXIT.lockup; msg = `${r.message}, ${when}`; break;
    case 'noboot': code = EXIT.noBoot; msg = r.message; break;
    case 'killed': code = EXIT.killed; msg = `${r.message}, ${when}`; break;
    case 'xip': code = EXIT.xip; msg = `${r.message}, ${when}`; break;
    case 'powercut': code = EXIT.powerCut; msg = `${r.message}, ${when}`; break;
    default: code = EXIT.internal; msg = `unexpected stop: ${JSON.stringify(r)}`;
  }
  return { code, msg };
}

/** Report the end of a run (messages, statistics, output files); returns the exit status. */
function finish(sim, o, r, maxMs, io, say) {
  if (sim.flushTrace) sim.flushTrace();
  r = lastLine(sim, o, r);
  const tns = sim.nowNanos();
  let { code, msg } = outcome(sim, o, r, maxMs);
  if (!o.quiet || code > EXIT.bkptMax) {
    say(msg);
    if (r.reason === 'lockup' && r.history) {
      const h = sim.pcHistory(r.core, o.history);
      io.err.write(`tandem-sim: core ${r.core} last PCs (oldest first): ${h.map((v) => '0x' + v.toString(16).padStart(8, '0')).join(' ')}\n`);
    }
  }
  if (o.flashFile) {
    try { sim.flash.save(); } catch (e) { say(`--flash-file: cannot write ${o.flashFile}: ${e.message}`); code = code === 0 ? EXIT.usage : code; }
  }
  const stats = sim.stats();
  let devStats;
  try { devStats = devices.finish(sim, o); } catch (e) { say(`cannot write the display picture: ${e.message}`); code = code === 0 ? EXIT.usage : code; }
  if (devStats) stats.devices = devStats;
  if (o.stats) {
    stats.cores.forEach((c, n) => io.err.write(`tandem-sim: core ${n}: ${c.cycles} cycles, ${c.instructions} instructions, ${c.sleep_cycles} sleeping, ${c.interrupts} exceptions taken, FIFO ${c.fifo_pushed} pushed / ${c.fifo_popped} popped\n`));
  }
  const out = (file, fn) => {
    try { fn(file); } catch (e) { say(`cannot write ${file}: ${e.message}`); code = code === 0 ? EXIT.usage : code; }
  };
  if (o.json) {
    out(o.json, (f) => fs.writeFileSync(f, JSON.stringify({
      firmware: path.basename(o.firmware),
      exit: { reason: r.reason, code, message: msg, ...(r.core !== undefined ? { core: r.core } : {}), ...(r.pc !== undefined ? { pc: r.pc } : {}), ...(r.code !== undefined ? { bkpt: r.code } : {}), ...(r.address !== undefined ? { address: r.address } : {}), ...(r.cycle !== undefined ? { cycle: r.cycle } : {}) },
      ...stats,
    }, null, 2) + '\n'));
  }
  const { writeVcd, writeSvg } = require('./trace');
  if (o.vcd) out(o.vcd, (f) => writeVcd(sim, f, tns));
  const kmodel = sim.ktrace ? sim.ktrace.model(tns) : null;
  if (o.svg) out(o.svg, (f) => writeSvg(sim, f, tns, `${path.basename(o.firmware)}: ${msg}`, o.gpioLog, kmodel));
  if (o.traceOut) out(o.traceOut, (f) => require('./ktrace_out').writeChromeJson(kmodel, f, `${path.basename(o.firmware)}: ${msg}`));
  return code;
}

module.exports = { main, parseArgs, EXIT, DEFAULT_MAX_MS, USAGE };
