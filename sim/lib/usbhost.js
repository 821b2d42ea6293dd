'use strict';
// The USB host of tandem-sim: a PC at the other end of the cable.
//
// rp2040js models the RP2040's USB controller registers and DPRAM. In
// device mode it completes every transfer by itself as soon as the firmware
// hands a buffer over; here instead the host drives the bus, as a host
// controller with Linux's USB core and cdc-acm driver above it would:
//
//   attach (the firmware's D+ pull-up), debounce, bus reset, enumeration
//   (device descriptor, SET_ADDRESS, device, BOS (bcdUSB 0x0201 and up),
//   configuration and string
//   descriptors, each one checked, usbdesc.js), SET_CONFIGURATION; then, as
//   usbhid binds a HID interface, SET_IDLE(0), its report descriptor
//   (checked) and its interrupt IN endpoint polled every bInterval frames,
//   each report handed on, the keyboard LEDs sent by SET_REPORT when they
//   change; then a serial port for each CDC-ACM function: a terminal opens
//   the first (SET_LINE_CODING, DTR and RTS up), bulk IN data becomes
//   console lines tagged "usb" (the second port's "usb1", ...), input goes
//   out as bulk OUT packets. Unplug, replug, bus reset, suspend and resume,
//   closing and opening a port and changing its baud rate, the keyboard
//   LEDs, bulk transfers of one's own happen on request.
//
// Transfers take the time their packets take on a full-speed bus (12
// Mbit/s, one transaction at a time). The host checks what the device
// writes: packet sizes, the address it answers on, stage order, and data
// toggles both ways (a mismatch ACKed and dropped, as USB 2.0 8.6.4 has a
// receiver do, and warned). rp2040js does not model a STALL handshake, so a STALL is judged
// from the device's own writes: EP_STALL_ARM and the buffer control's STALL
// bit for endpoint 0 (both are needed on the chip), STALL alone for the
// others. Whatever breaks the protocol, or a malformed descriptor, stops the
// run (reason 'usb', exit status 114) with what was wrong.

const { parseDevice, parseConfig, parseBos, parseString, parseHidReport } = require('./usbdesc');

const R_ADDR_ENDP = 0x00, R_MAIN_CTRL = 0x40, R_SIE_CTRL = 0x4c, R_SIE_STATUS = 0x50;
const MAIN_EN = 1, MAIN_HOST = 2;
const SIE_PULLUP = 1 << 16;
const ST_SUSPENDED = 1 << 4, ST_RESUME = 1 << 11, ST_CONNECTED = 1 << 16, ST_SETUP_REC = 1 << 17, ST_BUS_RESET = 1 << 19;
const ST_DATA_SEQ_ERROR = 1 << 31;
const INT_DEV_SUSPEND = 1 << 14;
const B_FULL = 1 << 15, B_DATA1 = 1 << 13, B_STALL = 1 << 11, B_AVAIL = 1 << 10, B_LEN = 0x3ff;

const MS = 1e6; // ns
const DEFAULTS = {
  attachMs: 100,      // USB 2.0 7.1.7.3: TATTDB, the debounce after a connect
  resetMs: 10,        // 7.1.7.5: TDRST, reset signalling (at least 10 ms from a root port)
  recoveryMs: 10,     // 7.1.7.5: TRSTRCY, reset recovery
  addressMs: 2,       // 9.2.6.3: TDSETADDR
  suspendIdleMs: 3,   // 7.1.7.6: a device sees suspend after 3 ms of idle bus
  ctrlTimeoutMs: 5000,// Linux's USB_CTRL_GET_TIMEOUT
  baud: 115200,
  autoOpen: true,     // a terminal opens the first serial port once the driver binds
  check: false,       // run the standard-request checks after opening
};

const REQ = { GET_STATUS: 0, CLEAR_FEATURE: 1, SET_FEATURE: 3, SET_ADDRESS: 5, GET_DESCRIPTOR: 6, GET_CONFIGURATION: 8, SET_CONFIGURATION: 9, GET_INTERFACE: 10, SET_INTERFACE: 11 };
const CDC = { SET_LINE_CODING: 0x20, GET_LINE_CODING: 0x21, SET_CONTROL_LINE_STATE: 0x22, SEND_BREAK: 0x23 };
const NAMES = { 0: 'GET_STATUS', 1: 'CLEAR_FEATURE', 3: 'SET_FEATURE', 5: 'SET_ADDRESS', 6: 'GET_DESCRIPTOR', 8: 'GET_CONFIGURATION', 9: 'SET_CONFIGURATION', 10: 'GET_INTERFACE', 11: 'SET_INTERFACE' };
const CDC_NAMES = { 0x20: 'SET_LINE_CODING', 0x21: 'GET_LINE_CODING', 0x22: 'SET_CONTROL_LINE_STATE', 0x23: 'SEND_BREAK' };
const HID = { SET_REPORT: 0x09, SET_IDLE: 0x0a };
const HID_NAMES = { 0x09: 'SET_REPORT', 0x0a: 'SET_IDLE' };
const LED_USAGES = { num: 1, caps: 2, scroll: 3, compose: 4, kana: 5 };   // HID Usage Tables, LED page 0x08
const FRAME = 1e6;  // a full-speed frame, in ns: interrupt endpoints are polled at frame starts
const hex = (v, n = 2) => '0x' + (v >>> 0).toString(16).padStart(n, '0');
const hexBytes = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** Bus time of one transaction with n data bytes at full speed (token,
 * data packet, handshake, inter-packet gaps), in ns. */
function txNanos(n) { return (137 + 8 * n) * 1e9 / 12e6; }

function describe(s) {
  const type = (s.type >> 5) & 3;
  const name = type === 0 ? NAMES[s.req] : type === 1 ? (s.hid ? HID_NAMES : CDC_NAMES)[s.req] : null;
  return `${name || `request ${hex(s.req)}`}(type ${hex(s.type)}, value ${hex(s.value, 4)}, index ${hex(s.index, 4)}, length ${s.length})`;
}

class UsbError extends Error {}

class UsbHost {
  constructor(sim, opts = {}) {
    this.sim = sim;
    this.opts = { ...DEFAULTS, ...opts };
    this.ctrl = sim.mcu.usbCtrl;
    this.dpram = sim.mcu.usbDPRAM;
    this.view = sim.mcu.usbDPRAMView;
    this.writer = new Int8Array(4096).fill(-1);  // core (thread mode) that stored each DPRAM byte
    this.plugged = opts.plugged !== false;        // the cable
    this.pulledUp = false;                        // the device drives D+ high
    this.state = 'detached';  // detached, attached, resetting, enumerating, configured, error
    this.suspended = false;
    this.suspendLatch = false;
    this.address = 0;         // the address the host talks to
    this.nextAddress = 1;
    this.toggle = new Map();  // endpoint address -> next data toggle
    this.halted = new Set();  // endpoints the host halted (SET_FEATURE ENDPOINT_HALT)
    this.ops = [];            // control operations waiting for endpoint 0
    this.cur = null;          // the control transfer in progress
    this.ports = [];          // the serial ports: one per CDC-ACM function, in interface order (portAt)
    this.hid = [];            // the HID interfaces bound: {interface, endpoint, descriptor, report (bytes), parsed}
    this.hidReports = [];     // every HID input report taken: {interface, id, bytes, time}
    this.leds = new Set();    // the keyboard LEDs lit (names of LED_USAGES), as the PC's console has them
    this.ledReports = [];     // every LED output report sent: {interface, id, bytes, status, time}
    this.pipes = [];          // bulk / interrupt pipes being served
    this.busFree = 0;
    this.timers = [];
    this.alarm = sim.clock.createAlarm(() => this.runTimers());
    this.gen = 0;             // bumped by every detach/reset: stale callbacks see it
    this.input = [];          // {at (ns), bytes}
    this.lines = [];          // every console line, for the API
    this.log = [];            // what the host did, for --usb-log and errors
    this.checks = [];         // results of the standard-request checks
    this.events = [];         // scheduled actions {at, action}
    this.info = { device: null, config: null, strings: {}, serial: null };
    this.st = {
      attaches: 0, resets: 0, enumerations: 0, control: 0, stalls: 0, in_bytes: 0, in_packets: 0,
      zlps: 0, out_bytes: 0, attach_ns: null, configured_ns: null, open_ns: null, respond_ns: 0, responds: 0,
      respond_min: Infinity, respond_max: 0, seq_errors_out: 0, seq_errors_in: 0,
    };
    this.portAt(0);
    this.hook();
  }

  /** Serial port n (0: the first CDC-ACM function), made on first use: input
   * and actions may be queued for it before the device is bound. */
  portAt(n) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`usb: serial port ${n}: expected a port number 0, 1, ...`);
    while (this.ports.length <= n) {
      this.ports.push({
        index: this.ports.length, bound: false, open: false, baud: this.opts.baud, lines: 0,
        func: null,           // its CDC-ACM function: comm (interface), notify, in, out (endpoints)
        reopen: false,        // a terminal holds it open: opened again whenever bound
        inQueue: [],          // bytes ready to go out
        urb: [],              // received bytes not yet handed to the terminal
        line: { text: '', cores: 0, open: false },
      });
    }
    return this.ports[n];
  }
  /** The first serial port, and its function (the API of a one-port host). */
  get port() { return this.ports[0]; }
  get func() { return this.ports[0].func; }

  // ---- attachment to rp2040js's controller ---------------------------------------
  hook() {
    const ctrl = this.ctrl;
    const origWrite = ctrl.writeUint32.bind(ctrl);
    ctrl.writeUint32 = (off, v) => {
      // DEV_SUSPEND is a latch of "the suspend state changed", cleared by
      // writing SIE_STATUS.SUSPENDED (datasheet); rp2040js ties it to the level.
      if (off === R_SIE_STATUS && !ctrl.hostMode && (ctrl.rawWriteValue & ST_SUSPENDED)) this.suspendLatch = false;
      origWrite(off, v);
      if (!ctrl.hostMode) this.regWritten(off);
    };
    const origUpd = ctrl.sieStatusUpdated.bind(ctrl);
    ctrl.sieStatusUpdated = () => {
      origUpd();
      if (ctrl.hostMode) return;
      if (this.suspendLatch) ctrl.intRaw |= INT_DEV_SUSPEND; else ctrl.intRaw &= ~INT_DEV_SUSPEND;
      ctrl.checkInterrupts();
    };
    this.origDpram = ctrl.DPRAMUpdated.bind(ctrl);
    ctrl.onResetReceived = () => {};
    ctrl.onUSBEnabled = () => {};
    this.sim.on('reboot', () => this.deviceGone('the chip rebooted'));
  }

  /** A store to DPRAM (simulator.js busWrite). */
  dpramWrite(o, v, size, core) {
    const tag = core && core.IPSR === 0 ? core.index : -1;
    for (let i = 0; i < size; i++) this.writer[o + i] = tag;
    if (this.ctrl.hostMode) { if (size === 4) this.origDpram(o, v); return; }
    if (o >= 0x80 && o < 0x100 && this.state !== 'detached') { this.sim.syncClock(); this.poke(); }
  }

  regWritten(off) {
    if (off !== R_SIE_CTRL && off !== R_MAIN_CTRL) return;
    const on = (this.ctrl.mainCtrl & (MAIN_EN | MAIN_HOST)) === MAIN_EN && (this.ctrl.sieCtrl & SIE_PULLUP) !== 0;
    if (on && !this.pulledUp) {
      this.pulledUp = true;
      if (this.plugged) this.attach();
    } else if (!on && this.pulledUp) {
      this.pulledUp = false;
      this.deviceGone('the device let go of D+ (pull-up off)');
    }
  }

  // ---- time ---------------------------------------------------------------------
  now() { return this.sim.nowNanos(); }
  at(ns, fn) {
    const gen = this.gen;
    this.timers.push({ ns, fn, gen });
    this.timers.sort((a, b) => a.ns - b.ns);
    this.arm();
  }
  after(dns, fn) { this.at(this.now() + dns, fn); }
  arm() {
    if (!this.timers.length) { this.alarm.cancel(); return; }
    this.alarm.schedule(Math.max(0, this.timers[0].ns - this.sim.clock.nanos));
  }
  runTimers() {
    const t = this.sim.clock.nanos;
    while (this.timers.length && this.timers[0].ns <= t) {
      const e = this.timers.shift();
      if (e.gen !== this.gen) continue;
      try { e.fn(); } catch (err) { if (err instanceof UsbError) this.fail(err.message); else throw err; }
      if (this.state === 'error') { this.timers = []; break; }
    }
    this.arm();
  }
  /** One transaction on the bus: starts when the bus is free, fn at its end. */
  transact(n, fn) {
    const start = Math.max(this.now(), this.busFree);
    this.busFree = start + txNanos(n);
    this.at(this.busFree, fn);
  }

  note(s) {
    this.log.push(`[${(this.now() / 1e9).toFixed(6)} s] ${s}`);
    if (this.log.length > 400) this.log.shift();
    this.sim.emit('usb-log', { time: this.now() / 1e9, text: s });
  }
  fail(msg) {
    if (this.state === 'error') return;
    this.state = 'error';
    this.gen++;
    this.timers = [];
    this.arm();
    this.note(`error: ${msg}`);
    this.sim.stop('usb', { message: `usb: ${msg}` });
  }

  // ---- DPRAM and the controller ------------------------------------------------------
  rd32(o) { return this.view.getUint32(o, true); }
  wr32(o, v) { this.view.setUint32(o, v >>> 0, true); }
  bufCtrl(ep) { return 0x80 + 8 * (ep & 0x0f) + (ep & 0x80 ? 0 : 4); }
  epCtrl(ep) { return 0x08 + 8 * ((ep & 0x0f) - 1) + (ep & 0x80 ? 0 : 4); }
  bufAddr(ep) { return (ep & 0x0f) === 0 ? 0x100 : this.rd32(this.epCtrl(ep)) & 0xffc0; }
  bufDone(ep) {
    this.ctrl.buffStatus |= 1 << (2 * (ep & 0x0f) + (ep & 0x80 ? 0 : 1));
    this.ctrl.buffStatusUpdated();
  }
  sieSet(bits) { this.ctrl.sieStatus |= bits; this.ctrl.sieStatusUpdated(); }
  sieClear(bits) { this.ctrl.sieStatus &= ~bits; this.ctrl.sieStatusUpdated(); }
  deviceAddress() { return this.ctrl.addrEndp & 0x7f; }
  setSuspended(on) {
    if (this.suspended === on) return;
    this.suspended = on;
    this.suspendLatch = true;
    if (on) this.ctrl.sieStatus |= ST_SUSPENDED; else this.ctrl.sieStatus &= ~ST_SUSPENDED;
    this.ctrl.sieStatusUpdated();
  }

  // ---- data toggle mismatches ---------------------------------------------------------
  // USB 2.0 8.6.4: a receiver that gets a data packet of the other PID than
  // the one it expects takes it for a repeat of a packet it has already
  // acknowledged: it ACKs it and drops its data. The sender, having the ACK,
  // moves on. Either side may be wrong only through the firmware: the
  // host's toggles follow 8.5.3 and 8.6 (control data stages from DATA1,
  // status stages DATA1; bulk and interrupt from DATA0 after
  // SET_CONFIGURATION or CLEAR_FEATURE(HALT)), so each mismatch is warned.

  /** An OUT packet into a buffer the device armed for the other PID: the
   * device's controller raises SIE_STATUS.DATA_SEQ_ERROR (datasheet:
   * "an OUT packet is received from the host but doesn't match the data
   * pid in the buffer control register") and, as a receiver does, ACKs
   * the packet and drops it: the buffer stays armed and untouched, no
   * BUFF_STATUS. */
  outSeqError(ep, armed, sent, where) {
    this.st.seq_errors_out++;
    this.note(`${where}: the host sends DATA${sent}, the buffer is armed for DATA${armed}: SIE_STATUS.DATA_SEQ_ERROR, the packet ACKed and dropped`);
    const rule = ep === 0 ? ' (a control transfer\'s data stage starts at DATA1, its status stage is DATA1: USB 2.0 8.5.3)' : '';
    this.sim.warn(`usb: endpoint ${hex(ep)} OUT: the firmware armed a buffer for the other data toggle than the host's packet${rule}; ` +
      'the controller raises SIE_STATUS.DATA_SEQ_ERROR, ACKs the packet and drops it (USB 2.0 8.6.4): the data is lost to the firmware (--usb-log has each)');
    this.sieSet(ST_DATA_SEQ_ERROR);
  }

  /** An IN packet of the other PID than the host expects: the host ACKs it
   * and ignores its data; the device, having the ACK, sees its buffer
   * sent. The host's toggle stays: it waits for the packet again. */
  inSeqError(ep, sent, want, where) {
    this.st.seq_errors_in++;
    this.note(`${where}: the device sends DATA${sent}, the host expects DATA${want}: the packet ACKed and ignored`);
    const rule = ep === 0x80 ? ' (a control transfer\'s data stage starts at DATA1, its status stage is DATA1: USB 2.0 8.5.3)' : '';
    this.sim.warn(`usb: endpoint ${hex(ep)} IN: the firmware sent a packet with the other data toggle than the host expects${rule}; ` +
      'the host ACKs it and ignores its data (USB 2.0 8.6.4): the data is lost to the host (--usb-log has each)');
  }

  // ---- connection ----------------------------------------------------------------------
  attach() {
    if (this.state !== 'detached') return;
    this.gen++;
    this.state = 'attached';
    this.st.attaches++;
    this.st.attach_ns = this.now();
    this.note('device attached (D+ pull-up)');
    this.sieSet(ST_CONNECTED);
    this.after(this.opts.suspendIdleMs * MS, () => this.setSuspended(true));   // idle bus before the reset
    this.after(this.opts.attachMs * MS, () => this.busReset(() => this.enumerate()));
  }

  /** Reset signalling, then recovery, then `then`. */
  busReset(then) {
    this.gen++;
    this.cur = null;
    this.ops = [];
    this.pipes = [];
    this.state = 'resetting';
    this.address = 0;
    this.toggle.clear();
    this.halted.clear();
    for (const p of this.ports) { p.bound = false; p.open = false; }
    this.st.resets++;
    this.note('bus reset');
    this.setSuspended(false);
    this.sieSet(ST_BUS_RESET);
    this.after((this.opts.resetMs + this.opts.recoveryMs) * MS, then);
  }

  /** The device went away (unplugged, rebooted, let go of D+). */
  deviceGone(why) {
    if (why === 'the chip rebooted') this.pulledUp = false;   // it will attach again when it is ready
    if (this.state === 'detached' || this.state === 'error') return;
    this.gen++;
    this.timers = [];
    this.arm();
    this.cur = null;
    this.ops = [];
    this.pipes = [];
    this.halted.clear();
    this.state = 'detached';
    for (const p of this.ports) { p.bound = false; p.open = false; }
    this.note(`device gone: ${why}`);
  }

  unplug() {
    if (!this.plugged) return;
    this.plugged = false;
    this.note('cable unplugged');
    const was = this.state;
    this.deviceGone('unplugged');
    this.ctrl.sieStatus &= ~ST_CONNECTED;
    this.ctrl.sieStatusUpdated();
    // A board powered from elsewhere sees an idle bus: suspend after 3 ms.
    if (was !== 'detached') this.at(this.now() + this.opts.suspendIdleMs * MS, () => this.setSuspended(true));
  }
  plug() {
    if (this.plugged) return;
    this.plugged = true;
    this.note('cable plugged in');
    if (this.pulledUp) this.attach();
  }

  // ---- control transfers ------------------------------------------------------------------
  /**
   * Queue a control transfer; cb({status: 'ok'|'stall'|'timeout', data}).
   * s: {type, req, value, index, length, data (OUT)}.
   */
  control(s, cb) {
    this.ops.push(() => this.startControl(s, cb));
    if (!this.cur) this.nextOp();
  }
  /** Queue any step that needs endpoint 0 to itself; it calls done(). */
  step(fn) {
    this.ops.push(() => { this.cur = { step: true }; fn(() => { this.cur = null; this.nextOp(); }); });
    if (!this.cur) this.nextOp();
  }
  nextOp() {
    if (this.cur || !this.ops.length || this.state === 'error' || this.state === 'detached') return;
    const op = this.ops.shift();
    op();
  }

  startControl(s, cb) {
    const gen = this.gen;
    const t = {
      s, cb, stage: 'setup', pid: 1, got: [], sent: 0, busy: false, gen,
      in: (s.type & 0x80) !== 0, addr: this.address, ready: this.now(),
    };
    this.cur = t;
    this.st.control++;
    const limit = this.now() + this.opts.ctrlTimeoutMs * MS;
    this.at(limit, () => { if (this.cur === t) this.finish(t, 'timeout'); });
    this.transact(8, () => this.setupPacket(t));
  }

  setupPacket(t) {
    if (this.cur !== t) return;
    if (this.deviceAddress() !== t.addr) { t.stage = 'silent'; return; }   // not for it: no answer
    const s = t.s;
    const raw = [s.type, s.req, s.value & 0xff, s.value >> 8, s.index & 0xff, s.index >> 8, s.length & 0xff, s.length >> 8];
    this.dpram.set(raw, 0);
    this.ctrl.epStallArm &= ~3;                  // the controller clears them at SETUP
    this.sieSet(ST_SETUP_REC);
    t.stage = !s.length ? 'status-in' : t.in ? 'data-in' : 'data-out';   // wLength 0: no data stage
    t.ready = this.now();
    this.poke();
  }

  /** Second buffers (double buffering) are not modelled: say so once. */
  doubleBuffered(ep, ectl, bc) {
    if ((ectl & (1 << 30)) && ((bc >>> 16) & B_AVAIL)) {
      this.sim.warn(`usb: endpoint ${hex(ep)} hands the controller its second buffer (double buffering), which the USB host model does not serve; only buffer 0 moves`);
    }
  }

  /** Serve whatever pipe the device's buffers allow now. */
  poke() {
    if (this.state === 'detached' || this.state === 'error' || this.suspended) return;
    try {
      const t = this.cur;
      if (t && !t.step && !t.busy && t.stage !== 'setup' && t.stage !== 'silent') this.ep0(t);
      for (const p of this.pipes) if (!p.busy) p.serve();
    } catch (err) {
      if (err instanceof UsbError) this.fail(err.message); else throw err;
    }
  }

  ep0(t) {
    if (this.deviceAddress() !== t.addr) return;     // it would not answer this address
    if (this.ctrl.sieCtrl & (1 << 30)) this.sim.warn('usb: endpoint 0 is double buffered (SIE_CTRL.EP0_DOUBLE_BUF), which the USB host model does not serve; only buffer 0 moves');
    const wantIn = t.stage === 'data-in' || t.stage === 'status-in';
    const bo = this.bufCtrl(wantIn ? 0x80 : 0x00);
    const bc = this.rd32(bo);
    const arm = this.ctrl.epStallArm & (wantIn ? 1 : 2);
    if (bc & B_STALL && arm) { this.finish(t, 'stall'); return; }
    if (!(bc & B_AVAIL)) return;                  // NAK for now
    if (bc & B_STALL) throw new UsbError(`endpoint 0 ${wantIn ? 'IN' : 'OUT'} buffer has STALL without EP_STALL_ARM during ${describe(t.s)} (the chip would not stall)`);
    const took = this.now() - t.ready;
    this.st.respond_ns += took;
    this.st.responds++;
    this.st.respond_min = Math.min(this.st.respond_min, took);
    this.st.respond_max = Math.max(this.st.respond_max, took);
    t.busy = true;
    const mps = (this.info.device && this.info.device.maxPacket0) || 64;
    const n = wantIn ? bc & B_LEN : t.stage === 'data-out' ? Math.min(mps, t.s.length - t.sent) : 0;
    this.transact(n, () => {
      t.busy = false;
      if (this.cur !== t) return;
      const now = this.rd32(bo);
      if (!(now & B_AVAIL)) { this.poke(); return; }  // taken back: the token got NAK
      const pid = now & B_DATA1 ? 1 : 0;
      const match = pid === t.pid;
      const where = `endpoint 0 ${wantIn ? 'IN' : 'OUT'}, the ${t.stage} stage of ${describe(t.s)}`;
      if (!match && wantIn) this.inSeqError(0x80, pid, t.pid, where);
      else if (!match) this.outSeqError(0x00, pid, t.pid, where);
      if (wantIn) this.ep0In(t, bo, now, mps, match); else this.ep0Out(t, bo, now, mps, match);
      t.ready = this.now();
      this.poke();
    });
  }

  /** A packet taken from EP0 IN; match: its PID was the one expected (else
   * the device has its ACK, the host nothing: the stage waits). */
  ep0In(t, bo, bc, mps, match) {
    const len = bc & B_LEN;
    this.wr32(bo, bc & ~(B_AVAIL | B_FULL));
    this.bufDone(0x80);
    if (!match) return;
    if (t.stage === 'status-in') {
      if (len !== 0) throw new UsbError(`status stage of ${describe(t.s)}: the device sent ${len} bytes, expected a zero-length packet`);
      this.finish(t, 'ok');
      return;
    }
    if (len > mps) throw new UsbError(`endpoint 0 IN packet of ${len} bytes, bMaxPacketSize0 is ${mps}`);
    for (let i = 0; i < len; i++) t.got.push(this.dpram[0x100 + i]);
    t.pid ^= 1;
    if (t.got.length > t.s.length) throw new UsbError(`${describe(t.s)}: the device sent ${t.got.length} bytes, more than wLength`);
    if (len < mps || t.got.length === t.s.length) { t.stage = 'status-out'; t.pid = 1; }
  }

  /** A packet sent to EP0 OUT; match: the buffer was armed for its PID
   * (else the controller dropped it, and the host, ACKed, goes on). */
  ep0Out(t, bo, bc, mps, match) {
    if (t.stage === 'status-out') {
      if (match) {
        this.wr32(bo, (bc & ~(B_AVAIL | B_LEN)) | B_FULL);
        this.bufDone(0x00);
      }
      this.finish(t, 'ok');
      return;
    }
    const n = Math.min(mps, t.s.length - t.sent);
    if (match) {
      if ((bc & B_LEN) < n) throw new UsbError(`endpoint 0 OUT buffer of ${bc & B_LEN} bytes for a ${n}-byte packet of ${describe(t.s)}`);
      const data = t.s.data || new Uint8Array(t.s.length);
      for (let i = 0; i < n; i++) this.dpram[0x100 + i] = data[t.sent + i];
      this.wr32(bo, (bc & ~(B_AVAIL | B_LEN)) | B_FULL | n);
      this.bufDone(0x00);
    }
    t.sent += n;
    t.pid ^= 1;
    if (t.sent >= t.s.length) { t.stage = 'status-in'; t.pid = 1; }
  }

  finish(t, status) {
    if (this.cur !== t) return;
    this.cur = null;
    if (status === 'stall') this.st.stalls++;
    const data = Uint8Array.from(t.got);
    this.note(`${describe(t.s)} -> ${status}${status === 'ok' && t.in ? ` (${data.length} bytes)` : ''}`);
    if (status === 'timeout') {
      const a = this.deviceAddress();
      const why = a !== t.addr ? ` (the device answers on address ${a}, the request went to ${t.addr})` : ` (stuck in the ${t.stage} stage)`;
      this.fail(`${describe(t.s)} timed out after ${this.opts.ctrlTimeoutMs} ms: the device neither answered nor stalled${why}`);
      return;
    }
    try { t.cb({ status, data }); } catch (err) { if (err instanceof UsbError) { this.fail(err.message); return; } throw err; }
    this.nextOp();
  }

  // ---- enumeration -------------------------------------------------------------------------
  get(type, index, length, langid = 0) {
    return { type: 0x80, req: REQ.GET_DESCRIPTOR, value: (type << 8) | index, index: langid, length };
  }
  must(what, r) {
    if (r.status !== 'ok') throw new UsbError(`${what}: the device answered ${r.status.toUpperCase()}`);
    return r.data;
  }
  bad(errors) { if (errors.length) throw new UsbError(`malformed descriptor: ${errors.join('; ')}`); }

  enumerate() {
    this.state = 'enumerating';
    this.st.enumerations++;
    const info = this.info = { device: null, bos: null, config: null, strings: {}, serial: null };
    this.hid = [];
    // The first request, at address 0, as Linux asks it: 64 bytes, to learn bMaxPacketSize0.
    this.control(this.get(1, 0, 64), (r) => {
      const d = this.must('GET_DESCRIPTOR(DEVICE) at address 0', r);
      if (d.length < 8) throw new UsbError(`first device descriptor read: ${d.length} bytes (at least 8 expected)`);
      info.device = { maxPacket0: d[7] };
      const addr = this.nextAddress;
      this.nextAddress = this.nextAddress % 127 + 1;
      this.control({ type: 0, req: REQ.SET_ADDRESS, value: addr, index: 0, length: 0 }, (r2) => {
        this.must(`SET_ADDRESS(${addr})`, r2);
        this.step((done) => this.after(this.opts.addressMs * MS, () => { this.address = addr; done(); }));
        this.control(this.get(1, 0, 18), (r3) => {
          const dev = parseDevice(this.must('GET_DESCRIPTOR(DEVICE)', r3));
          this.bad(dev.errors);
          info.device = dev;
          if (dev.bcdUSB >= 0x0201) this.readBos(info);
          else this.readConfig(info);
        });
      });
    });
  }

  /** A device of bcdUSB 0x0201 or later is asked for its BOS descriptor
   * (5 bytes, then wTotalLength), as Linux does before the configuration.
   * A STALL is tolerated (Linux goes on without it, and so does the host);
   * a malformed answer is not. */
  readBos(info) {
    this.control(this.get(15, 0, 5), (r) => {
      if (r.status === 'stall') { this.note('GET_DESCRIPTOR(BOS): STALL; going on without it, as Linux does'); this.readConfig(info); return; }
      const head = this.must('GET_DESCRIPTOR(BOS, 5)', r);
      if (head.length !== 5) throw new UsbError(`malformed descriptor: BOS header read returned ${head.length} bytes, expected 5`);
      const total = head[2] | (head[3] << 8);
      if (total < 5) throw new UsbError(`malformed descriptor: BOS wTotalLength ${total} (< 5)`);
      this.control(this.get(15, 0, total), (r2) => {
        const b = parseBos(this.must(`GET_DESCRIPTOR(BOS, ${total})`, r2), { expectLength: total });
        this.bad(b.errors);
        info.bos = b;
        this.readConfig(info);
      });
    });
  }

  readConfig(info) {
    this.control(this.get(2, 0, 9), (r) => {
      const head = this.must('GET_DESCRIPTOR(CONFIGURATION, 9)', r);
      if (head.length !== 9) throw new UsbError(`malformed descriptor: configuration header read returned ${head.length} bytes, expected 9`);
      const total = head[2] | (head[3] << 8);
      if (total < 9) throw new UsbError(`malformed descriptor: configuration wTotalLength ${total} (< 9)`);
      this.control(this.get(2, 0, total), (r2) => {
        const all = this.must(`GET_DESCRIPTOR(CONFIGURATION, ${total})`, r2);
        const c = parseConfig(all, { expectLength: total });
        if (all.length === total && Buffer.compare(Buffer.from(all.subarray(0, 9)), Buffer.from(head)) !== 0) c.errors.push('configuration: the first 9 bytes differ between the two reads');
        this.bad(c.errors);
        info.config = c;
        this.readStrings(info);
      });
    });
  }

  readStrings(info) {
    const d = info.device;
    const indices = [d.iManufacturer, d.iProduct, d.iSerial, info.config.iConfiguration,
      ...info.config.interfaces.map((i) => i.iInterface)].filter((i, k, a) => i && a.indexOf(i) === k);
    if (!indices.length) { this.configure(info); return; }
    this.control(this.get(3, 0, 255), (r) => {
      const s0 = parseString(this.must('GET_DESCRIPTOR(STRING 0)', r), 0);
      this.bad(s0.errors);
      const lang = s0.langids[0];
      const next = (k) => {
        if (k === indices.length) { this.configure(info); return; }
        const i = indices[k];
        this.control(this.get(3, i, 255, lang), (r2) => {
          const s = parseString(this.must(`GET_DESCRIPTOR(STRING ${i})`, r2), i);
          this.bad(s.errors);
          info.strings[i] = s.text;
          next(k + 1);
        });
      };
      next(0);
    });
  }

  configure(info) {
    const d = info.device;
    info.manufacturer = info.strings[d.iManufacturer];
    info.product = info.strings[d.iProduct];
    info.serial = info.strings[d.iSerial] || null;
    if (d.iSerial && !info.serial) throw new UsbError('malformed descriptor: the serial number string is empty');
    if (info.serial && !/^[\x21-\x7e]+$/.test(info.serial.replace(/,/g, '\x00'))) throw new UsbError(`malformed descriptor: serial number "${info.serial}" must be printable ASCII without commas`);
    const value = info.config.value;
    this.control({ type: 0, req: REQ.SET_CONFIGURATION, value, index: 0, length: 0 }, (r) => {
      this.must(`SET_CONFIGURATION(${value})`, r);
      this.state = 'configured';
      this.st.configured_ns = this.now();
      for (const ep of info.config.endpoints) this.toggle.set(ep.address, 0);
      this.note(`configured: ${hex(d.vid, 4)}:${hex(d.pid, 4)} "${info.manufacturer || ''}" "${info.product || ''}" serial ${info.serial}`);
      this.sim.emit('usb-configured', { info });
      this.bindHid(info);
      this.bindCdc(info);
    });
  }

  /** cdc-acm's probe, once for each CDC-ACM function of the configuration
   * (a communication interface 2/2 and the data interface its union names;
   * a composite device groups each pair with an interface association):
   * serial port k for the k-th in interface order, as Linux numbers its
   * ttyACM devices in probe order. */
  bindCdc(info) {
    const c = info.config;
    const comms = c.interfaces.filter((i) => i.class === 2 && i.subclass === 2 && i.alt === 0);
    if (!comms.length) { this.note('no CDC-ACM function: no serial port'); return; }
    comms.forEach((comm, k) => {
      const union = comm.functional.find((f) => f.subtype === 6);
      const dataItf = union.bytes[4];
      const eps = c.endpoints.filter((ep) => ep.interface === dataItf && ep.type === 2);
      const port = this.portAt(k);
      port.func = {
        comm: comm.number,
        notify: c.endpoints.find((ep) => ep.interface === comm.number),
        in: eps.find((ep) => ep.address & 0x80),
        out: eps.find((ep) => !(ep.address & 0x80)),
      };
      port.bound = true;
      this.note(`serial port ${k}: interface ${comm.number}, bulk IN ${hex(port.func.in.address)}, OUT ${hex(port.func.out.address)}`);
    });
    // a terminal on the first port (autoOpen); any other port is opened on request, as by another terminal
    for (const port of this.ports) if (port.bound && (port.reopen || (this.opts.autoOpen && port.index === 0))) this.open(port.index);
    const none = this.ports.filter((p) => p.index >= comms.length && (p.reopen || p.inQueue.length || this.events.some((e) => e.port === p.index)));
    for (const p of none) this.sim.warn(`usb: serial port ${p.index} was given input or actions, but the device has ${comms.length} CDC-ACM function(s) (ports 0..${comms.length - 1}): they go nowhere`);
    if (this.opts.check) this.runChecks();
  }

  /** usbhid's probe of each HID interface (alternate setting 0), in
   * interface order: SET_IDLE(0) to the interface (duration 0: report only
   * on change; report 0: all reports), whose answer is not looked at (a
   * STALL is allowed: the request is optional for all but keyboards, HID
   * 1.11 7.2.4 and Appendix G); then GET_DESCRIPTOR(report) of the length
   * the HID descriptor gives, checked (usbdesc.js); then its interrupt IN
   * endpoint polled, the reports handed on (hidIn). */
  bindHid(info) {
    for (const itf of info.config.interfaces.filter((i) => i.class === 3 && i.alt === 0)) {
      const n = itf.number;
      const ep = info.config.endpoints.find((e) => e.interface === n && e.alt === 0 && e.type === 3 && e.address & 0x80);
      const h = { interface: n, endpoint: ep.address, descriptor: itf.hid, report: null, parsed: null, idle: null, buf: [], ledBytes: new Map() };
      h.outEndpoint = info.config.endpoints.find((e) => e.interface === n && e.alt === 0 && e.type === 3 && !(e.address & 0x80)) || null;
      this.hid.push(h);
      this.control({ type: 0x21, req: HID.SET_IDLE, value: 0, index: n, length: 0, hid: true }, (r) => {
        h.idle = r.status;
        if (r.status === 'stall') this.note(`HID interface ${n}: SET_IDLE stalled; going on, as Linux does`);
      });
      const len = itf.hid.reportLength;
      this.control({ type: 0x81, req: REQ.GET_DESCRIPTOR, value: 0x2200, index: n, length: len }, (r) => {
        const got = this.must(`GET_DESCRIPTOR(HID report, interface ${n})`, r);
        const parsed = parseHidReport(got, { expectLength: len });
        this.bad(parsed.errors.map((e) => `HID interface ${n}: ${e}`));
        if (!parsed.reports.input.size) throw new UsbError(`malformed descriptor: HID interface ${n}: the report descriptor declares no input report for its interrupt IN endpoint`);
        h.report = got;
        h.parsed = parsed;
        h.urbLength = Math.max(...parsed.reports.input.values());
        const tops = parsed.collections.map((c) => `${hex(c.page, 4)}:${c.usage === null ? '-' : hex(c.usage, 4)}`).join(' ');
        this.note(`HID interface ${n}: report descriptor ${got.length} bytes, ${parsed.items} items, top-level collections ${tops}; polling ${hex(ep.address)} every ${ep.interval} ms`);
        this.sim.emit('usb-hid', { interface: n, report: got, parsed });
        this.pipes.push(this.interruptPipe(ep, (data, tags, full) => this.hidIn(h, data, full)));
        this.poke();
        this.sendLeds(h);   // a keyboard bound while LEDs are lit learns them, as Linux's console tells a new keyboard
      });
    }
  }

  /** An interrupt IN packet of HID interface h. As usbhid's URB is as long
   * as the largest input report, a transfer (one report) ends with a short
   * packet or when that many bytes came. */
  hidIn(h, data, full) {
    h.buf.push(...data);
    if (full && h.buf.length < h.urbLength) return;
    const bytes = Uint8Array.from(h.buf);
    h.buf = [];
    const p = h.parsed;
    const id = p.usesIds ? bytes[0] : 0;
    const want = p.reports.input.get(id);
    const shown = hexBytes(bytes);
    if (want === undefined) throw new UsbError(`HID interface ${h.interface}: input report ${shown}: report ID ${id} is not an input report of its report descriptor`);
    if (bytes.length !== want) throw new UsbError(`HID interface ${h.interface}: input report ${shown}: ${bytes.length} bytes, its report descriptor gives ${want} for ${p.usesIds ? `report ID ${id}` : 'the report'}`);
    const rep = { interface: h.interface, id, bytes, time: this.now() / 1e9 };
    this.hidReports.push(rep);
    this.note(`HID interface ${h.interface} report: ${shown}`);
    this.sim.emit('usb-hid-report', rep);
  }

  /** The PC's keyboard LEDs change (Caps Lock pressed, on any of its
   * keyboards): `leds` are the ones now lit, names of num, caps, scroll,
   * compose, kana. As Linux's hid-input does, every bound HID interface
   * whose report descriptor has LED output fields is sent the new state
   * (sendLeds). */
  setLeds(leds) {
    const want = new Set(leds);
    for (const x of want) if (!(x in LED_USAGES)) throw new Error(`usb: unknown keyboard LED '${x}' (num, caps, scroll, compose, kana)`);
    this.leds = want;
    for (const h of this.hid) if (h.parsed) this.sendLeds(h);
  }

  /** The LED output reports of HID interface h that differ from what it
   * was last sent (all LEDs off at first, as Linux assumes of a new
   * keyboard), each as SET_REPORT(Output, report ID) on endpoint 0 to the
   * interface, as usbhid sends output reports to a device without an
   * interrupt OUT endpoint: the report's ID and length as the report
   * descriptor gives them (the ID byte first where IDs are used), each LED
   * field's bit set as lit, constant and other bits 0. A STALL is taken,
   * as Linux takes it (logged). An interface with an interrupt OUT
   * endpoint would have its output reports there, which the host does not
   * model: warned, nothing sent. */
  sendLeds(h) {
    const p = h.parsed;
    for (const [id, fields] of p.leds) {
      const len = p.reports.output.get(id);
      const off = p.usesIds ? 1 : 0;
      const bytes = new Uint8Array(len);
      if (off) bytes[0] = id;
      for (const f of fields) if ([...this.leds].some((x) => LED_USAGES[x] === f.usage)) bytes[off + (f.bit >> 3)] |= 1 << (f.bit & 7);
      const off0 = Uint8Array.from(bytes, (b, i) => (i < off ? b : 0));   // every LED off
      if (Buffer.compare(Buffer.from(bytes), Buffer.from(h.ledBytes.get(id) || off0)) === 0) continue;
      if (h.outEndpoint) {
        this.sim.warn(`usb: HID interface ${h.interface} has an interrupt OUT endpoint (${hex(h.outEndpoint.address)}), where a PC sends its output reports (the keyboard LEDs); the host does not model interrupt OUT transfers: no LED report sent`);
        return;
      }
      h.ledBytes.set(id, bytes);
      this.control({ type: 0x21, req: HID.SET_REPORT, value: 0x0200 | id, index: h.interface, length: len, data: bytes, hid: true }, (r) => {
        const rep = { interface: h.interface, id, bytes, status: r.status, time: this.now() / 1e9 };
        this.ledReports.push(rep);
        this.note(`HID interface ${h.interface} LED report ${hexBytes(bytes)}: ${r.status}${r.status === 'stall' ? ' (going on, as Linux does)' : ''}`);
        this.sim.emit('usb-hid-output', rep);
      });
    }
  }

  // ---- the serial port ------------------------------------------------------------------
  lineCoding(baud, bits = 8) {
    return Uint8Array.from([baud & 0xff, (baud >> 8) & 0xff, (baud >> 16) & 0xff, (baud >>> 24) & 0xff, 0, 0, bits]);
  }
  /** A class request to port n's communication interface. */
  cdcReq(req, value, data, length = data ? data.length : 0, n = 0) {
    return { type: data || length === 0 ? 0x21 : 0xa1, req, value, index: this.ports[n].func.comm, length, data };
  }
  /** What a port's notes say: "port" for the first (as a one-port host's), "port N" for others. */
  portName(port) { return port.index ? `port ${port.index}` : 'port'; }

  /** A terminal opens serial port n: line coding, then DTR and RTS (as Linux's cdc-acm). */
  open(n = 0) {
    const port = this.portAt(n);
    port.reopen = true;
    if (!port.bound) return;
    const baud = port.baud;
    this.control(this.cdcReq(CDC.SET_LINE_CODING, 0, this.lineCoding(baud), undefined, n), (r) => this.must(`SET_LINE_CODING(${baud})`, r));
    this.control(this.cdcReq(CDC.SET_CONTROL_LINE_STATE, 3, undefined, 0, n), (r) => {
      this.must('SET_CONTROL_LINE_STATE(DTR|RTS)', r);
      port.lines = 3;
      port.open = true;
      if (this.st.open_ns === null) this.st.open_ns = this.now();
      this.note(`${this.portName(port)} open at ${baud} baud`);
      this.startPipes(port);
    });
    this.control({ type: 0xa1, req: CDC.GET_LINE_CODING, value: 0, index: port.func.comm, length: 7 }, (r) => {
      const got = this.must('GET_LINE_CODING', r);
      const want = this.lineCoding(baud);
      if (got.length !== 7 || Buffer.compare(Buffer.from(got), Buffer.from(want)) !== 0) {
        throw new UsbError(`GET_LINE_CODING returned ${Buffer.from(got).toString('hex')}, SET_LINE_CODING gave ${Buffer.from(want).toString('hex')}`);
      }
    });
  }

  /** The terminal closes serial port n: DTR and RTS down (hupcl). */
  close(n = 0) {
    const port = this.portAt(n);
    port.reopen = false;
    if (!port.bound) return;
    this.pipes = this.pipes.filter((p) => p.port !== port);
    port.open = false;
    this.control(this.cdcReq(CDC.SET_CONTROL_LINE_STATE, 0, undefined, 0, n), (r) => {
      this.must('SET_CONTROL_LINE_STATE(0)', r);
      port.lines = 0;
      this.note(`${this.portName(port)} closed`);
    });
  }

  /** CLEAR_FEATURE(ENDPOINT_HALT) on the bulk IN endpoint, not halted
   * (valid at any time, 9.4.5: the data toggle starts again at DATA0), sent
   * after the reader has paused for ms, so that a packet may wait in the
   * endpoint. */
  clearHaltIn(ms = 8, n = 0) { this.pauseIn(false, ms, n); }

  /** SET_FEATURE(ENDPOINT_HALT) on the bulk IN endpoint (the reader stops
   * taking packets), then, ms later, CLEAR_FEATURE(ENDPOINT_HALT): the
   * device hands packets again from DATA0. */
  haltIn(ms = 20, n = 0) { this.pauseIn(true, ms, n); }

  /** The reader leaves the bulk IN endpoint alone for ms (halting it
   * first if halt), then clears its halt. */
  pauseIn(halt, ms, n) {
    const port = this.portAt(n);
    if (!port.bound) return;
    const ep = port.func.in.address;
    this.halted.add(ep);
    if (halt) this.control({ type: 0x02, req: REQ.SET_FEATURE, value: 0, index: ep, length: 0 }, (r) => this.must('SET_FEATURE(ENDPOINT_HALT)', r));
    this.step((done) => this.after(ms * MS, done));
    this.control({ type: 0x02, req: REQ.CLEAR_FEATURE, value: 0, index: ep, length: 0 }, (r) => {
      this.must('CLEAR_FEATURE(ENDPOINT_HALT)', r);
      this.toggle.set(ep, 0);
      this.halted.delete(ep);
      this.poke();
    });
  }

  setBaud(baud, n = 0) {
    const port = this.portAt(n);
    port.baud = baud;
    if (!port.bound) return;
    this.control(this.cdcReq(CDC.SET_LINE_CODING, 0, this.lineCoding(baud), undefined, n), (r) => this.must(`SET_LINE_CODING(${baud})`, r));
  }

  startPipes(port) {
    const f = port.func;
    const cdc = [
      this.bulkPipe(f.in, (data, tags, full) => this.received(port, data, tags, full)),
      this.outPipe(f.out, port.inQueue),
    ];
    if (f.notify) cdc.push(this.interruptPipe(f.notify, (data) => this.notification(port, data)));
    for (const p of cdc) p.port = port;
    this.pipes = this.pipes.filter((p) => p.port !== port).concat(cdc);
    this.poke();
  }

  /** The buffer control of IN endpoint ep when the host may take a packet
   * from it (enabled, not halted by the host, AVAILABLE), else null. */
  inReady(ep) {
    const bc = this.rd32(this.bufCtrl(ep.address));
    const ectl = this.rd32(this.epCtrl(ep.address));
    if (!(ectl & 0x80000000) || this.halted.has(ep.address)) return null;   // disabled or halted on request
    this.doubleBuffered(ep.address, ectl, bc);
    if (bc & B_STALL) throw new UsbError(`endpoint ${hex(ep.address)} answered STALL (halted without being asked to)`);
    return bc & B_AVAIL ? bc : null;
  }

  /** One IN transaction on pipe p: the packet the device put in ep's
   * buffer, taken after its bus time; deliver(data, tags, full). */
  inTransaction(p, ep, len, deliver) {
    const bo = this.bufCtrl(ep.address);
    p.busy = true;
    this.transact(len, () => {
      p.busy = false;
      if (!this.pipes.includes(p)) return;
      const now = this.rd32(bo);
      if (!(now & B_AVAIL)) { this.poke(); return; }
      if (len > (ep.maxPacket & 0x7ff)) throw new UsbError(`endpoint ${hex(ep.address)}: packet of ${len} bytes, wMaxPacketSize is ${ep.maxPacket & 0x7ff}`);
      const pid = now & B_DATA1 ? 1 : 0;
      const want = this.toggle.get(ep.address) || 0;
      const at = this.bufAddr(ep.address);
      const data = Uint8Array.from(this.dpram.subarray(at, at + len));
      const tags = Int8Array.from(this.writer.subarray(at, at + len));
      this.wr32(bo, now & ~(B_AVAIL | B_FULL));
      this.bufDone(ep.address);
      if (pid !== want) this.inSeqError(ep.address, pid, want, `endpoint ${hex(ep.address)}`);
      else {
        this.toggle.set(ep.address, want ^ 1);
        deliver(data, tags, len === (ep.maxPacket & 0x7ff));
      }
      this.poke();
    });
  }

  /** A bulk IN pipe: takes every packet the device hands over, as soon as
   * the bus is free. */
  bulkPipe(ep, deliver) {
    const p = {
      ep: ep.address,
      busy: false,
      serve: () => {
        const bc = this.inReady(ep);
        if (bc !== null) this.inTransaction(p, ep, bc & B_LEN, deliver);
      },
    };
    return p;
  }

  /** An interrupt IN pipe: polled at the start of every bInterval-th frame
   * (full speed: bInterval frames of 1 ms, USB 2.0 5.7.4 and 9.6.6), from
   * the first frame after the pipe starts. A poll that finds no buffer
   * AVAILABLE gets a NAK and changes nothing, so only the polls that find
   * one are scheduled: when the device hands a buffer over, at the first
   * poll from then on. */
  interruptPipe(ep, deliver) {
    const period = ep.interval * FRAME;
    const p = {
      ep: ep.address,
      busy: false,
      due: false,
      next: (Math.floor(this.now() / FRAME) + 1) * FRAME,
      serve: () => {
        if (p.due || this.inReady(ep) === null) return;
        const now = this.now();
        if (p.next < now) p.next += Math.ceil((now - p.next) / period) * period;
        p.due = true;
        this.at(p.next, () => {
          p.due = false;
          p.next += period;
          if (!this.pipes.includes(p) || this.suspended) return;   // no frames while suspended
          const bc = this.inReady(ep);
          if (bc === null) { this.poke(); return; }                 // taken back: NAK
          this.inTransaction(p, ep, bc & B_LEN, deliver);
        });
      },
    };
    return p;
  }

  /** An OUT pipe: sends the bytes of `queue` (an array, taken from its
   * front) while the device has a buffer for them; sent(n) after each
   * packet the host had ACKed. */
  outPipe(ep, queue, sent = () => {}) {
    const host = this;
    const mps = ep.maxPacket & 0x7ff;
    const p = {
      ep: ep.address,
      busy: false,
      serve() {
        if (!queue.length) return;
        const bo = host.bufCtrl(ep.address);
        const bc = host.rd32(bo);
        const ectl = host.rd32(host.epCtrl(ep.address));
        host.doubleBuffered(ep.address, ectl, bc);
        if (!(ectl & 0x80000000) || host.halted.has(ep.address) || !(bc & B_AVAIL) || bc & B_STALL) return;
        p.busy = true;
        const n = Math.min(mps, queue.length, bc & B_LEN);
        host.transact(n, () => {
          p.busy = false;
          if (!host.pipes.includes(p)) return;
          const now = host.rd32(bo);
          if (!(now & B_AVAIL)) { host.poke(); return; }
          const pid = now & B_DATA1 ? 1 : 0;
          const want = host.toggle.get(ep.address) || 0;
          host.toggle.set(ep.address, want ^ 1);
          const chunk = queue.splice(0, n);
          if (pid !== want) host.outSeqError(ep.address, pid, want, `endpoint ${hex(ep.address)}`);
          else {
            host.dpram.set(chunk, host.bufAddr(ep.address));
            host.wr32(bo, (now & ~(B_AVAIL | B_LEN)) | B_FULL | n);
            host.bufDone(ep.address);
            host.st.out_bytes += n;
          }
          sent(n);
          host.poke();
        });
      },
    };
    return p;
  }

  // ---- bulk transfers of one's own (as libusb's) ---------------------------------------------
  /** Bulk endpoint `address` of the configuration, not in use, for `what`. */
  bulkEndpoint(address, what) {
    if (this.state !== 'configured') throw new Error(`usbHost.${what}: the device is not configured (host state ${this.state})`);
    const ep = this.info.config.endpoints.find((e) => e.address === address && e.alt === 0);
    const dir = what === 'bulkIn' ? 0x80 : 0;
    if (!ep || ep.type !== 2 || (address & 0x80) !== dir) throw new Error(`usbHost.${what}: ${hex(address)} is not a bulk ${dir ? 'IN' : 'OUT'} endpoint of the configuration`);
    if (this.pipes.some((p) => p.ep === address)) throw new Error(`usbHost.${what}: endpoint ${hex(address)} is in use (a transfer not ended, or the serial port)`);
    return ep;
  }

  /** A transfer's end: once, by its pipe or by its time-out. */
  ender(cb, result) {
    const x = { done: false, pipe: null, alarm: null };
    x.end = (status) => {
      if (x.done) return;
      x.done = true;
      x.alarm.cancel();
      this.pipes = this.pipes.filter((q) => q !== x.pipe);
      cb({ status, ...result() });
    };
    return x;
  }

  /** A bulk OUT transfer, as libusb's: `bytes` to bulk OUT endpoint
   * `address` in packets of its wMaxPacketSize as the device hands buffers
   * (a NAK meanwhile); cb({status: 'ok' | 'timeout', sent}) when the last
   * packet is ACKed or after timeoutMs of simulated time (1 s: pyusb's
   * default). */
  bulkOut(address, bytes, cb, timeoutMs = 1000) {
    const ep = this.bulkEndpoint(address, 'bulkOut');
    if (!bytes.length) throw new Error('usbHost.bulkOut: no bytes to send');
    const queue = Array.from(bytes);
    let sent = 0;
    const x = this.ender(cb, () => ({ sent }));
    x.pipe = this.outPipe(ep, queue, (n) => { sent += n; if (!queue.length) x.end('ok'); });
    this.transfer(x, `bulk OUT ${hex(address)}: ${queue.length} bytes`, timeoutMs);
  }

  /** A bulk IN transfer, as libusb's: up to `length` bytes from bulk IN
   * endpoint `address`, ended by a short packet or `length` bytes;
   * cb({status: 'ok' | 'overflow' (more than length came) | 'timeout',
   * data}). */
  bulkIn(address, length, cb, timeoutMs = 1000) {
    const ep = this.bulkEndpoint(address, 'bulkIn');
    const got = [];
    const x = this.ender(cb, () => ({ data: Uint8Array.from(got) }));
    x.pipe = this.bulkPipe(ep, (data, tags, full) => {
      got.push(...data);
      if (got.length > length) x.end('overflow');
      else if (!full || got.length === length) x.end('ok');
    });
    this.transfer(x, `bulk IN ${hex(address)}: up to ${length} bytes`, timeoutMs);
  }

  transfer(x, what, timeoutMs) {
    this.note(what);
    x.alarm = this.sim.clock.createAlarm(() => x.end('timeout'));
    x.alarm.schedule(timeoutMs * MS);
    this.pipes.push(x.pipe);
    this.poke();
  }

  notification(port, data) { this.note(`${port.index ? `port ${port.index} ` : ''}notification: ${Buffer.from(data).toString('hex')}`); }

  /** Bulk IN data of a port, as cdc-acm reads it: URBs of two packets,
   * handed on when full or ended by a short packet (a full last packet
   * needs a ZLP). */
  received(port, data, tags, full) {
    this.st.in_packets++;
    if (!data.length) this.st.zlps++;
    this.st.in_bytes += data.length;
    for (let i = 0; i < data.length; i++) port.urb.push([data[i], tags[i]]);
    const urbSize = 2 * (port.func.in.maxPacket & 0x7ff);
    if (full && port.urb.length < urbSize) return;
    const bytes = port.urb;
    port.urb = [];
    if (!bytes.length) return;
    this.sim.emit('usb-data', { port: port.index, bytes: Buffer.from(bytes.map((b) => b[0])), time: this.now() / 1e9 });
    for (const [b, tag] of bytes) this.termByte(port, b, tag);
  }

  termByte(port, b, tag) {
    const l = port.line;
    if (b === 10) {
      const line = { source: 'usb', port: port.index, core: coresTag(l.cores), time: this.now() / 1e9, text: l.text };
      port.line = { text: '', cores: 0, open: false };
      this.lines.push(line);
      this.sim.emitLine(line);
      return;
    }
    if (b === 13) return;
    l.text += String.fromCharCode(b);
    l.open = true;
    if (tag >= 0) l.cores |= 1 << tag;
  }

  /** End of the run: each port's last line without its newline. */
  flushLines() {
    const out = [];
    for (const port of this.ports) {
      if (port.urb.length) {   // what a full packet left waiting for the next one
        for (const [b, tag] of port.urb) this.termByte(port, b, tag);
        port.urb = [];
      }
      const l = port.line;
      if (l.open) {
        const line = { source: 'usb', port: port.index, core: coresTag(l.cores), time: this.now() / 1e9, text: l.text, partial: true };
        this.lines.push(line);
        out.push(line);
        port.line = { text: '', cores: 0, open: false };
      }
    }
    return out;
  }

  // ---- input and scheduled actions ---------------------------------------------------
  /** Queue bytes to send to serial port n from simulated time ms (once
   * the port is open). */
  sendInput(bytes, ms = 0, n = 0) {
    const port = this.portAt(n);
    const at = ms * MS;
    if (at <= this.now()) { port.inQueue.push(...bytes); this.poke(); return; }
    this.events.push({ at, action: 'input', bytes, port: n });
    this.schedule();
  }
  /** Schedule a bus or port action at simulated time ms: unplug, plug,
   * reset, suspend, resume (the bus); leds=LIST (the keyboard LEDs lit:
   * num, caps, scroll, compose, kana, comma-separated, or none); close,
   * open, baud=N, clear_halt_in, halt_in (serial port n). */
  event(ms, action, n = 0) {
    this.portAt(n);
    this.events.push({ at: ms * MS, action, port: n });
    this.schedule();
  }
  schedule() {
    this.events.sort((a, b) => a.at - b.at);
    // events live outside `gen`: a detach must not cancel them
    if (!this.eventAlarm) this.eventAlarm = this.sim.clock.createAlarm(() => this.runEvents());
    if (this.events.length) this.eventAlarm.schedule(Math.max(0, this.events[0].at - this.sim.clock.nanos));
  }
  runEvents() {
    while (this.events.length && this.events[0].at <= this.sim.clock.nanos) {
      const e = this.events.shift();
      this.doAction(e);
    }
    if (this.events.length) this.schedule();
  }
  doAction(e) {
    if (this.state === 'error') return;
    const a = e.action;
    const n = e.port;
    const on = n ? ` (port ${n})` : '';
    this.note(`action: ${a === 'input' ? `input ${e.bytes.length} bytes` : a}${on}`);
    const m = /^baud=(\d+)$/.exec(a);
    try {
      if (a === 'input') { this.ports[n].inQueue.push(...e.bytes); this.poke(); } else if (a === 'unplug') this.unplug();
      else if (a === 'plug') this.plug();
      else if (a === 'close') this.close(n);
      else if (a === 'clear_halt_in') this.clearHaltIn(undefined, n);
      else if (a === 'halt_in') this.haltIn(undefined, n);
      else if (a === 'open') this.open(n);
      else if (m) this.setBaud(Number(m[1]), n);
      else if (a.startsWith('leds=')) this.setLeds(a === 'leds=none' ? [] : a.slice(5).split(','));
      else if (a === 'reset') {
        // a port open stays held open by its terminal (reopen): bound again, it is opened again
        if (this.state !== 'detached') this.busReset(() => this.enumerate());
      } else if (a === 'suspend') { this.setSuspended(true); } else if (a === 'resume') {
        this.sieSet(ST_RESUME);
        this.setSuspended(false);
        this.poke();
      } else throw new Error(`unknown USB action ${a}`);
    } catch (err) { if (err instanceof UsbError) this.fail(err.message); else throw err; }
  }

  // ---- the standard-request checks (--usb-check) ------------------------------------------
  runChecks() {
    const dev = this.info.device, cfg = this.info.config;
    const f = this.func;
    const expectStall = (name, s) => this.control(s, (r) => this.checked(name, r.status === 'stall', `answered ${r.status} with ${r.data.length} bytes, expected STALL`));
    const expectData = (name, s, want) => this.control(s, (r) => {
      const ok = r.status === 'ok' && Buffer.compare(Buffer.from(r.data), Buffer.from(want)) === 0;
      this.checked(name, ok, `answered ${r.status} ${Buffer.from(r.data).toString('hex')}, expected ${Buffer.from(want).toString('hex')}`);
    });
    const expectOk = (name, s) => this.control(s, (r) => this.checked(name, r.status === 'ok', `answered ${r.status}`));
    const epIn = f ? f.in.address : 0x81;
    expectData('get_status_device', { type: 0x80, req: REQ.GET_STATUS, value: 0, index: 0, length: 2 }, [cfg.attributes & 0x40 ? 1 : 0, 0]);
    expectData('get_status_interface', { type: 0x81, req: REQ.GET_STATUS, value: 0, index: 0, length: 2 }, [0, 0]);
    expectData('get_status_endpoint0', { type: 0x82, req: REQ.GET_STATUS, value: 0, index: 0x80, length: 2 }, [0, 0]);
    expectData('get_configuration', { type: 0x80, req: REQ.GET_CONFIGURATION, value: 0, index: 0, length: 1 }, [cfg.value]);
    expectData('get_interface', { type: 0x81, req: REQ.GET_INTERFACE, value: 0, index: 0, length: 1 }, [0]);
    expectData('device_descriptor_short', this.get(1, 0, 8), this.infoBytes8 || [18, 1, dev.bcdUSB & 0xff, dev.bcdUSB >> 8, dev.class, dev.subclass, dev.protocol, dev.maxPacket0]);
    expectData('descriptor_wlength0_no_data', this.get(1, 0, 0), []);
    expectStall('device_qualifier_stalls', this.get(6, 0, 10));
    expectStall('other_speed_stalls', this.get(7, 0, 9));
    expectStall('string_unknown_stalls', this.get(3, 0xee, 255, 0x0409));
    expectStall('configuration_index1_stalls', this.get(2, 1, 9));
    expectStall('get_status_no_endpoint_stalls', { type: 0x82, req: REQ.GET_STATUS, value: 0, index: 0x85, length: 2 });
    expectStall('get_status_no_interface_stalls', { type: 0x81, req: REQ.GET_STATUS, value: 0, index: 7, length: 2 });
    expectStall('set_configuration_2_stalls', { type: 0, req: REQ.SET_CONFIGURATION, value: 2, index: 0, length: 0 });
    expectStall('set_interface_alt1_stalls', { type: 1, req: REQ.SET_INTERFACE, value: 1, index: 0, length: 0 });
    expectStall('remote_wakeup_stalls', { type: 0, req: REQ.SET_FEATURE, value: 1, index: 0, length: 0 });
    expectStall('vendor_request_stalls', { type: 0xc0, req: 0x42, value: 0, index: 0, length: 4 });
    expectStall('unknown_standard_stalls', { type: 0x80, req: 0x0d, value: 0, index: 0, length: 2 });
    expectStall('wrong_direction_stalls', { type: 0x00, req: REQ.GET_DESCRIPTOR, value: 0x0100, index: 0, length: 0 });
    expectStall('class_to_data_interface_stalls', { type: 0xa1, req: CDC.GET_LINE_CODING, value: 0, index: 1, length: 7 });
    if (f) {
      this.step((done) => { this.halted.add(epIn); done(); });   // the reader leaves it alone
      this.control({ type: 0x02, req: REQ.SET_FEATURE, value: 0, index: epIn, length: 0 }, (r) => {
        this.checked('halt_endpoint', r.status === 'ok', `answered ${r.status}`);
      });
      expectData('halted_status', { type: 0x82, req: REQ.GET_STATUS, value: 0, index: epIn, length: 2 }, [1, 0]);
      this.control({ type: 0x02, req: REQ.CLEAR_FEATURE, value: 0, index: epIn, length: 0 }, (r) => {
        this.checked('clear_halt', r.status === 'ok', `answered ${r.status}`);
        this.toggle.set(epIn, 0);          // 9.4.5: the toggle starts again at DATA0
        this.halted.delete(epIn);
        this.poke();
      });
      expectData('cleared_status', { type: 0x82, req: REQ.GET_STATUS, value: 0, index: epIn, length: 2 }, [0, 0]);
      expectStall('bad_line_coding_stalls', this.cdcReq(CDC.SET_LINE_CODING, 0, this.lineCoding(9600, 9)));
      expectData('line_coding_kept', { type: 0xa1, req: CDC.GET_LINE_CODING, value: 0, index: f.comm, length: 7 }, this.lineCoding(this.port.baud));
      expectOk('send_break', this.cdcReq(CDC.SEND_BREAK, 100));
    }
    this.step((done) => { this.sim.emit('usb-checked', { checks: this.checks }); done(); });
  }
  checked(name, ok, why) {
    this.checks.push({ name, ok, why: ok ? '' : why });
    this.note(`check ${name}: ${ok ? 'ok' : `FAILED: ${why}`}`);
    if (!ok) throw new UsbError(`check ${name} failed: ${why}`);
  }

  stats() {
    const st = this.st;
    const ms = (ns) => (ns === null ? null : +(ns / 1e6).toFixed(3));
    return {
      state: this.state, address: this.address, serial: this.info.serial,
      vid: this.info.device && this.info.device.vid, pid: this.info.device && this.info.device.pid,
      attaches: st.attaches, resets: st.resets, enumerations: st.enumerations,
      control_transfers: st.control, stalls: st.stalls,
      in_bytes: st.in_bytes, in_packets: st.in_packets, zlps: st.zlps, out_bytes: st.out_bytes,
      seq_errors_out: st.seq_errors_out, seq_errors_in: st.seq_errors_in,
      attach_ms: ms(st.attach_ns), configured_ms: ms(st.configured_ns), open_ms: ms(st.open_ns),
      device_response_us: st.responds ? +(st.respond_ns / st.responds / 1e3).toFixed(2) : null,
      checks: this.checks.length ? { passed: this.checks.filter((c) => c.ok).length, failed: this.checks.filter((c) => !c.ok).length } : undefined,
    };
  }
}

function coresTag(cores) { return cores === 3 ? -2 : cores === 2 ? 1 : cores === 1 ? 0 : -1; }

module.exports = { UsbHost, UsbError, txNanos };
