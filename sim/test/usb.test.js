'use strict';
// The USB host model's descriptor checks (lib/usbdesc.js) and command line.
// End-to-end runs with a real device are the 'usb' suite (tests/usb).
const fs = require('fs');
const os = require('os');
const path = require('path');
const test = require('node:test');
const assert = require('node:assert');
const { parseDevice, parseConfig, parseBos, parseString, parseHidReport } = require('../lib/usbdesc');
const { txNanos } = require('../lib/usbhost');
const { cli, fw } = require('./helpers');

const DEVICE = [18, 1, 0, 2, 0xef, 2, 1, 64, 0x8a, 0x2e, 0x0a, 0, 0, 1, 1, 2, 3, 1];
// one CDC-ACM function: IAD, communication interface (4 functional
// descriptors, interrupt IN), data interface (bulk OUT, bulk IN)
const CONFIG = [
  9, 2, 75, 0, 2, 1, 0, 0x80, 50,
  8, 11, 0, 2, 2, 2, 0, 0,
  9, 4, 0, 0, 1, 2, 2, 0, 0,
  5, 0x24, 0, 0x20, 1, 5, 0x24, 1, 0, 1, 4, 0x24, 2, 6, 5, 0x24, 6, 0, 1,
  7, 5, 0x81, 3, 16, 0, 16,
  9, 4, 1, 0, 2, 10, 0, 0, 0,
  7, 5, 0x02, 2, 64, 0, 0,
  7, 5, 0x82, 2, 64, 0, 0,
];
const cfg = (edit) => { const b = Uint8Array.from(CONFIG); if (edit) edit(b); return parseConfig(b, { expectLength: b.length }); };
const one = (r, re) => assert.ok(r.errors.some((e) => re.test(e)), `expected an error like ${re}, got ${JSON.stringify(r.errors)}`);

test('usbdesc: a good device descriptor and configuration pass', () => {
  const d = parseDevice(Uint8Array.from(DEVICE));
  assert.deepStrictEqual(d.errors, []);
  assert.strictEqual(d.vid, 0x2e8a);
  const c = cfg();
  assert.deepStrictEqual(c.errors, []);
  assert.strictEqual(c.endpoints.length, 3);
  assert.strictEqual(c.iads.length, 1);
});

test('usbdesc: device descriptor errors', () => {
  one(parseDevice(Uint8Array.from(DEVICE.slice(0, 12))), /12 bytes, expected 18/);
  const bad = (i, v) => { const b = Uint8Array.from(DEVICE); b[i] = v; return parseDevice(b); };
  one(bad(0, 17), /bLength 17/);
  one(bad(1, 2), /bDescriptorType 2/);
  one(bad(7, 48), /bMaxPacketSize0 48/);
  one(bad(17, 0), /bNumConfigurations is 0/);
  one(bad(3, 3), /bcdUSB 0x0300/);
});

test('usbdesc: configuration errors, each named', () => {
  one(cfg((b) => { b[2] = 76; }), /wTotalLength 76 but 75 bytes/);
  one(cfg((b) => { b[4] = 3; }), /bNumInterfaces 3 but 2/);
  one(cfg((b) => { b[7] = 0x00; }), /without bit 7/);
  one(cfg((b) => { b[5] = 0; }), /bConfigurationValue 0/);
  one(cfg((b) => { b[17] = 1; }), /offset 17 has bLength 1/);
  one(cfg((b) => { b[17] = 200; }), /runs past wTotalLength/);
  one(cfg((b) => { b[21] = 2; }), /interface 0: bNumEndpoints 2 but 1/);
  one(cfg((b) => { b[47] = 0x80; }), /is endpoint 0/);
  one(cfg((b) => { b[70] = 0x02; }), /0x02 described twice/);
  one(cfg((b) => { b[72] = 65; }), /bulk wMaxPacketSize 65/);
  one(cfg((b) => { b[51] = 0; }), /interrupt bInterval 0/);
  one(cfg((b) => { b[12] = 3; }), /association \(offset 9\) names interface 2, which is not described/);
  one(cfg((b) => { b[28] = 1; }), /header functional descriptor must come first/);
  one(cfg((b) => { b[44] = 3; }), /union names interface 3/);
  one(cfg((b) => { b[43] = 1; }), /union bControlInterface 1/);
  one(cfg((b) => { b[35] = 2; }), /call management names data interface 2/);
  one(cfg((b) => { b[10] = 5; }), /CDC interface 0: not the first interface of an interface association/);
});

test('usbdesc: bcdUSB 0x0201 and 0x0210 (2.0 with a BOS) pass', () => {
  for (const v of [0x0100, 0x0110, 0x0200, 0x0201, 0x0210]) {
    const b = Uint8Array.from(DEVICE); b[2] = v & 0xff; b[3] = v >> 8;
    assert.deepStrictEqual(parseDevice(b).errors, [], `bcdUSB 0x${v.toString(16)}`);
  }
  const b = Uint8Array.from(DEVICE); b[2] = 0x20; b[3] = 0x02;
  one(parseDevice(b), /bcdUSB 0x0220/);
});

// a BOS with one platform capability (28 bytes: type 5, a UUID, 8 bytes of data)
const BOS = [5, 15, 33, 0, 1, 28, 16, 5, 0, ...Array.from({ length: 16 }, (_, i) => i), 0, 0, 3, 6, 0xb2, 0, 1, 0];
test('usbdesc: BOS descriptor set', () => {
  const good = parseBos(Uint8Array.from(BOS), { expectLength: BOS.length });
  assert.deepStrictEqual(good.errors, []);
  assert.deepStrictEqual(good.caps.map((c) => [c.type, c.length]), [[5, 28]]);
  const bad = (i, v, n = BOS.length) => { const b = Uint8Array.from(BOS.slice(0, n)); b[i] = v; return parseBos(b, { expectLength: n }); };
  one(parseBos(Uint8Array.from([5, 15, 5])), /3 bytes, expected at least 5/);
  one(bad(0, 6), /BOS descriptor: bLength 6/);
  one(bad(1, 2), /bDescriptorType 2, expected 15/);
  one(bad(2, 34), /wTotalLength 34 but 33 bytes/);
  one(bad(4, 2), /bNumDeviceCaps 2 but 1/);
  one(bad(5, 2), /offset 5 has bLength 2/);
  one(bad(5, 29), /offset 5 \(bLength 29\) runs past/);
  one(bad(6, 4), /offset 5 has bDescriptorType 4, expected 16/);
});

test('usbdesc: string descriptors', () => {
  assert.deepStrictEqual(parseString(Uint8Array.from([4, 3, 9, 4]), 0).langids, [0x0409]);
  assert.strictEqual(parseString(Uint8Array.from([8, 3, 0x61, 0, 0x62, 0, 0x63, 0]), 1).text, 'abc');
  one(parseString(Uint8Array.from([7, 3, 0x61, 0, 0x62, 0, 0x63]), 2), /bLength 7 is odd/);
  one(parseString(Uint8Array.from([4, 2, 0x61, 0]), 2), /bDescriptorType 2/);
  one(parseString(Uint8Array.from([6, 3, 0x61, 0]), 2), /bLength 6 but 4 bytes/);
  one(parseString(Uint8Array.from([2, 3]), 0), /no language id/);
});

// One HID interface (no boot protocol): interface, HID descriptor (bcdHID
// 1.11, a 63-byte report descriptor), interrupt IN 0x81 (8 bytes, 10 ms)
const HID_CONFIG = [
  9, 2, 34, 0, 1, 1, 0, 0x80, 50,
  9, 4, 0, 0, 1, 3, 0, 0, 0,
  9, 0x21, 0x11, 1, 0, 1, 0x22, 63, 0,
  7, 5, 0x81, 3, 8, 0, 10,
];
const hidCfg = (edit) => { const b = Uint8Array.from(HID_CONFIG); if (edit) edit(b); return parseConfig(b, { expectLength: b.length }); };

test('usbdesc: a HID interface\'s HID descriptor is parsed and checked', () => {
  const c = hidCfg();
  assert.deepStrictEqual(c.errors, []);
  assert.deepStrictEqual(c.interfaces[0].hid, { bcdHID: 0x0111, country: 0, numDescriptors: 1, descriptors: [{ type: 0x22, length: 63 }], offset: 18, reportLength: 63 });
  one(hidCfg((b) => { b[19] = 0x29; }), /HID interface 0: no HID descriptor/);
  one(hidCfg((b) => { b[24] = 0x23; }), /first class descriptor is type 0x23, not the report descriptor/);
  one(hidCfg((b) => { b[23] = 2; }), /HID descriptor bLength 9 for bNumDescriptors 2 \(expected 12\)/);
  one(hidCfg((b) => { b[23] = 0; }), /bNumDescriptors 0/);
  one(hidCfg((b) => { b[22] = 36; }), /bCountryCode 36/);
  one(hidCfg((b) => { b[15] = 2; }), /bInterfaceSubClass 2/);
  one(hidCfg((b) => { b[15] = 1; b[16] = 3; }), /boot interface with bInterfaceProtocol 3/);
  one(hidCfg((b) => { b[29] = 0x01; }), /HID interface 0: no interrupt IN endpoint/);
  one(hidCfg((b) => { b[30] = 2; b[31] = 64; }), /endpoint 0x81 is not an interrupt endpoint/);
  // the HID descriptor after the endpoint (HID 1.11 7.1: between the interface and its endpoints)
  const moved = Uint8Array.from([...HID_CONFIG.slice(0, 18), ...HID_CONFIG.slice(27), ...HID_CONFIG.slice(18, 27)]);
  one(parseConfig(moved, { expectLength: moved.length }), /HID descriptor at offset 25 comes after an endpoint descriptor/);
  // type 0x21 inside another class's interface is not a HID descriptor
  assert.deepStrictEqual(cfg().interfaces.map((i) => i.hid), [null, null]);
});

// A keyboard (report ID 1: modifiers, a reserved byte, six key codes in;
// five LEDs and three bits of padding out) and a mouse (report ID 2: three
// buttons, five bits of padding, X and Y relative), written from HID 1.11's
// item encoding (6.2.2) and the usage tables' page and usage numbers.
const KEYBOARD = [
  0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x85, 0x01,
  0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02,
  0x95, 0x01, 0x75, 0x08, 0x81, 0x01,
  0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x26, 0xff, 0x00, 0x19, 0x00, 0x2a, 0xff, 0x00, 0x81, 0x00,
  0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x95, 0x05, 0x75, 0x01, 0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01,
  0xc0,
];
const MOUSE = [
  0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x85, 0x02, 0x09, 0x01, 0xa1, 0x00,
  0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01, 0x95, 0x03, 0x75, 0x01, 0x81, 0x02,
  0x95, 0x01, 0x75, 0x05, 0x81, 0x01,
  0x05, 0x01, 0x09, 0x30, 0x09, 0x31, 0x15, 0x81, 0x25, 0x7f, 0x75, 0x08, 0x95, 0x02, 0x81, 0x06,
  0xc0, 0xc0,
];
const hidReport = (bytes, n = bytes.length) => parseHidReport(Uint8Array.from(bytes), { expectLength: n });

test('usbdesc: a HID report descriptor walks to its end: top-level collections and report lengths', () => {
  const r = hidReport([...KEYBOARD, ...MOUSE]);
  assert.deepStrictEqual(r.errors, []);
  assert.deepStrictEqual(r.collections.map((c) => [c.type, c.page, c.usage]), [[1, 1, 6], [1, 1, 2]], 'application collections: keyboard, mouse');
  assert.strictEqual(r.usesIds, true);
  assert.deepStrictEqual([...r.reports.input], [[1, 9], [2, 4]], 'input reports, each with its ID byte');
  assert.deepStrictEqual([...r.reports.output], [[1, 2]]);
  assert.strictEqual(r.reports.feature.size, 0);
  // without report IDs: no ID byte, report ID 0
  const plain = hidReport(MOUSE.filter((_, i) => i !== 6 && i !== 7));
  assert.deepStrictEqual(plain.errors, []);
  assert.deepStrictEqual([...plain.reports.input], [[0, 3]]);
  // a long item (0xfe, bDataSize, bLongItemTag, data) is stepped over
  assert.deepStrictEqual(hidReport([0xfe, 2, 0x10, 0xaa, 0xbb, ...MOUSE]).errors, []);
  // Push and Pop keep the global state
  const pushed = hidReport([...MOUSE.slice(0, 28), 0xa4, 0x75, 0x10, 0xb4, ...MOUSE.slice(28)]);
  assert.deepStrictEqual([...pushed.reports.input], [[2, 4]]);
});

test('usbdesc: HID report descriptor errors, each named', () => {
  const both = [...KEYBOARD, ...MOUSE];
  one(hidReport(both, both.length + 1), new RegExp(`report descriptor: ${both.length} bytes came for wDescriptorLength ${both.length + 1}`));
  one(hidReport(both.slice(0, -1)), /report descriptor: 1 collection\(s\) not closed/);
  one(hidReport([...both, 0xc0]), new RegExp(`offset ${both.length}: End Collection without an open collection`));
  one(hidReport(KEYBOARD.slice(0, 38)), /the item at offset 36 \(prefix 0x26, 2 data bytes\) runs past the end \(38 bytes\)/);
  one(hidReport([...MOUSE, 0xfe, 4, 0x10, 0xaa]), new RegExp(`the long item at offset ${MOUSE.length} runs past the end`));
  one(hidReport([...KEYBOARD.slice(0, 7), 0x00, ...KEYBOARD.slice(8)]), /offset 6: Report ID 0 \(1..255\)/);
  one(hidReport([0x0c, ...MOUSE]), /offset 0: item type 3 \(reserved\)/);
  one(hidReport([0xd0, ...MOUSE]), /offset 0: main item tag 0x0d is reserved/);
  one(hidReport([0xc4, 0x00, ...MOUSE]), /offset 0: global item tag 0x0c is reserved/);
  one(hidReport([0x68, ...MOUSE]), /offset 0: local item tag 0x06 is reserved/);
  one(hidReport([0xb4, ...MOUSE]), /offset 0: Pop without a Push/);
  one(hidReport([0xa4, ...MOUSE]), /1 Push without a Pop/);
  one(hidReport([0x75, 0x08, 0x95, 0x01, 0x81, 0x01, ...MOUSE]), /offset 12: Report ID after 1 data item\(s\) sent without one/);
  one(hidReport(MOUSE.filter((_, i) => i < 24 || i > 25)), /offset 24: Input item without Report Size set/);
  // Pop brings back the state pushed before the first Report ID: a data item then has none
  one(hidReport([0xa4, ...MOUSE, 0xb4, 0x75, 0x08, 0x95, 0x01, 0x81, 0x01]), new RegExp(`offset ${MOUSE.length + 6}: Input item without a Report ID, in a descriptor that uses Report IDs`));
  one(hidReport([0x05, 0x01]), /no collection/);
});

test('usbhost: full-speed transaction times', () => {
  assert.ok(Math.abs(txNanos(64) - 54083) < 1, `${txNanos(64)}`);
  assert.ok(txNanos(0) > 11000 && txNanos(0) < 12000);
});

test('cli: USB options are checked', () => {
  let r = cli([fw('t_hello'), '--usb-event', '10:explode']);
  assert.strictEqual(r.code, 120);
  assert.match(r.stderr, /--usb-event: expected MS:ACTION/);
  r = cli([fw('t_hello'), '--usb-event', '10:baud=0']);
  assert.strictEqual(r.code, 120);
  r = cli([fw('t_hello'), '--usb-input', 'a\\q']);
  assert.strictEqual(r.code, 120);
  assert.match(r.stderr, /unknown escape/);
  r = cli([fw('t_hello'), '--usb-input-file', '/nonexistent/file']);
  assert.strictEqual(r.code, 120);
  assert.match(r.stderr, /cannot read \/nonexistent\/file: no such file/);
  for (const bad of ['10:leds=shift', '10:leds=', '10:leds=caps,,num']) {
    r = cli([fw('t_hello'), '--usb-event', bad]);
    assert.strictEqual(r.code, 120, bad);
    assert.match(r.stderr, /--usb-event: expected MS:ACTION .*leds=LIST/);
  }
  for (const bad of ['16', '-1', 'x', '1.5']) {
    r = cli([fw('t_hello'), '--usb-port', bad]);
    assert.strictEqual(r.code, 120, bad);
    assert.match(r.stderr, /--usb-port: /);
  }
  r = cli([fw('t_hello'), '--no-usb', '--usb-check', '--max-ms', '50']);
  assert.strictEqual(r.code, 0, r.stderr);
});

test('cli: firmware without USB is left alone by the host', () => {
  const json = path.join(os.tmpdir(), `tandem-usb-${process.pid}.json`);
  const r = cli([fw('t_hello'), '--max-ms', '50', '--usb-log', '--json', json]);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /usbhost/);
  const stats = JSON.parse(fs.readFileSync(json, 'utf8'));
  fs.unlinkSync(json);
  assert.strictEqual(stats.usb, undefined);
});

// A device driven from JavaScript through the controller's registers while
// t_idle spins: it answers the first GET_DESCRIPTOR, then arms its EP0 OUT
// buffer for the status stage with the wrong data toggle (DATA0; the host
// sends DATA1, USB 2.0 8.5.3). The controller raises SIE_STATUS.DATA_SEQ_ERROR
// and, as a receiver does (8.6.4), ACKs the packet and drops it: the host's
// transfer is done, the device's buffer stays armed and untouched; warned.
test('usbhost: an OUT packet into a buffer armed for the other data toggle is ACKed and dropped (DATA_SEQ_ERROR, warned), the host goes on', () => {
  const { Simulator } = require('../lib');
  const USB = 0x50110000, DPRAM = 0x50100000;
  const SETUP_REC = 1 << 17, DATA_SEQ_ERROR = 1 << 31;
  const sim = new Simulator();
  sim.loadFile(fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  sim.write32(USB + 0x40, 1);                    // MAIN_CTRL: CONTROLLER_EN, device mode
  sim.write32(USB + 0x4c, 1 << 16);              // SIE_CTRL: PULLUP_EN: attach
  let t = sim.nowNanos() / 1e6;
  while (!(sim.read32(USB + 0x50) & SETUP_REC) && t < 500) sim.run({ maxMs: (t += 1) });
  assert.ok(sim.read32(USB + 0x50) & SETUP_REC, 'SETUP_REC: the host sent its first SETUP');
  assert.deepStrictEqual([sim.mcu.usbDPRAM[0], sim.mcu.usbDPRAM[1], sim.mcu.usbDPRAM[3]], [0x80, 6, 1], 'GET_DESCRIPTOR(DEVICE)');
  sim.write32(USB + 0x50, SETUP_REC);
  const desc = [18, 1, 0, 2, 0, 0, 0, 64, 0x8a, 0x2e, 0x0a, 0, 0, 1, 0, 0, 0, 1];
  desc.forEach((b, i) => { sim.mcu.usbDPRAM[0x100 + i] = b; });
  sim.write32(DPRAM + 0x84, 1 << 10);            // EP0 OUT: AVAILABLE, DATA0 (the status stage needs DATA1)
  sim.write32(DPRAM + 0x80, (1 << 15) | (1 << 13) | (1 << 10) | desc.length); // EP0 IN: FULL, DATA1, AVAILABLE
  const r = sim.run({ maxMs: t + 5 });
  assert.strictEqual(r.reason, 'bound', JSON.stringify(r));
  const h = sim.usbHost;
  assert.ok(h.log.some((l) => /GET_DESCRIPTOR\(type 0x80, value 0x0100, index 0x0000, length 64\) -> ok \(18 bytes\)$/.test(l)), 'the host has its ACK: the transfer is done');
  assert.ok(sim.read32(USB + 0x50) & SETUP_REC, 'the next request (SET_ADDRESS) came');
  assert.strictEqual(sim.mcu.usbDPRAM[1], 5);
  assert.ok(sim.read32(USB + 0x50) & DATA_SEQ_ERROR, 'SIE_STATUS.DATA_SEQ_ERROR');
  assert.strictEqual(sim.read32(USB + 0x8c) & 0x20, 0x20, 'INTR.ERROR_DATA_SEQ follows it');
  assert.strictEqual(sim.read32(DPRAM + 0x84), 1 << 10, 'the buffer is still armed, untouched (no FULL, no length)');
  assert.strictEqual(sim.read32(USB + 0x58) & 2, 0, 'no BUFF_STATUS for EP0 OUT');
  assert.strictEqual(h.stats().seq_errors_out, 1);
  assert.ok([...sim.warnings.keys()].some((w) => /^usb: endpoint 0x00 OUT: the firmware armed a buffer for the other data toggle than the host's packet .*8\.5\.3.*SIE_STATUS\.DATA_SEQ_ERROR, ACKs the packet and drops it \(USB 2\.0 8\.6\.4\)/.test(w)), [...sim.warnings.keys()].join('\n'));
  assert.strictEqual(h.state, 'enumerating');
});

// Attach a device driven from JavaScript through the controller's registers
// (t_idle spinning) and step it every 0.1 ms up to untilMs: each bus reset
// taken (address 0), the address step() put in dev.address set once
// SET_ADDRESS's status stage has gone, then step(SIE_STATUS). Returns the
// run's last result.
function driveDevice(sim, untilMs, dev, step) {
  const USB = 0x50110000, DPRAM = 0x50100000, BUS_RESET = 1 << 19, AVAIL = 1 << 10;
  sim.write32(USB + 0x40, 1);                    // MAIN_CTRL: CONTROLLER_EN, device mode
  sim.write32(USB + 0x4c, 1 << 16);              // SIE_CTRL: PULLUP_EN: attach
  let r;
  for (let t = sim.nowNanos() / 1e6; t < untilMs; t += 0.1) {
    r = sim.run({ maxMs: t });
    if (r.reason !== 'bound') break;
    const st = sim.read32(USB + 0x50);
    if (st & BUS_RESET) { sim.write32(USB + 0x50, BUS_RESET); sim.write32(USB, 0); }
    if (dev.address !== null && !(sim.read32(DPRAM + 0x80) & AVAIL)) { sim.write32(USB, dev.address); dev.address = null; }
    step(st);
  }
  return r;
}

// A HID device driven from JavaScript through the controller's registers
// while t_idle spins: it answers enumeration with HID_CONFIG (its report
// descriptor MOUSE, or `report`), SET_IDLE as `idle` says, and keeps its
// interrupt IN endpoint armed with the next of `reports` (toggles
// alternating from DATA0, or each report's from `pids`). Returns the run's
// result and the host.
function hidDevice({ report = MOUSE, idle = 'ok', reports = [], pids = null, untilMs = 200, setReport = 'ok', setup } = {}) {
  const { Simulator } = require('../lib');
  const USB = 0x50110000, DPRAM = 0x50100000;
  const SETUP_REC = 1 << 17;
  const FULL = 1 << 15, DATA1 = 1 << 13, STALL = 1 << 11, AVAIL = 1 << 10;
  const sim = new Simulator();
  sim.loadFile(fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  const config = Uint8Array.from(HID_CONFIG);
  config[25] = report.length & 0xff; config[26] = report.length >> 8;   // the HID descriptor's wDescriptorLength
  const desc = { 1: [18, 1, 0, 2, 0, 0, 0, 64, 0x8a, 0x2e, 0x0a, 0, 0, 1, 0, 0, 0, 1], 2: [...config], 0x22: [...report] };
  const dp = sim.mcu.usbDPRAM;
  const inStage = (data) => {   // a data stage (or the status stage's zero-length packet) on EP0 IN, DATA1
    data.forEach((b, i) => { dp[0x100 + i] = b; });
    sim.write32(DPRAM + 0x80, FULL | DATA1 | AVAIL | data.length);
  };
  const dev = { address: null };
  let configured = false, next = 0, toggle = 0, outData = null;
  const got = [];   // SET_REPORT requests taken: [wValue, wIndex, data]
  if (setup) setup(sim);
  const r = driveDevice(sim, untilMs, dev, (st) => {
    if (outData && (sim.read32(DPRAM + 0x84) & FULL)) {   // SET_REPORT's data stage came
      got.push([outData.value, outData.index, [...dp.subarray(0x100, 0x100 + (sim.read32(DPRAM + 0x84) & 0x3ff))]]);
      sim.write32(DPRAM + 0x84, 0);
      outData = null;
      inStage([]);
    }
    if (st & SETUP_REC) {
      sim.write32(USB + 0x50, SETUP_REC);
      const [type, req, vlo, vhi, , , llo, lhi] = dp.subarray(0, 8);
      const length = llo | (lhi << 8);
      if (req === 6) {                            // GET_DESCRIPTOR: one packet (all of them are shorter than 64 bytes)
        inStage((desc[vhi] || []).slice(0, length));
        sim.write32(DPRAM + 0x84, DATA1 | AVAIL);   // EP0 OUT for the status stage
      } else if (req === 5) { dev.address = vlo; inStage([]); } else if (req === 9 && type === 0) {
        sim.write32(DPRAM + 0x08, (1 << 31) | (3 << 26) | 0x180);   // EP1 IN: enabled, interrupt, buffer at 0x180
        configured = true;
        inStage([]);
      } else if (type === 0x21 && req === 0x09 && setReport === 'stall') {
        sim.write32(USB + 0x68, 3);                 // EP_STALL_ARM: EP0 IN and OUT
        sim.write32(DPRAM + 0x80, STALL);
        sim.write32(DPRAM + 0x84, STALL);
      } else if (type === 0x21 && req === 0x09) {
        outData = { value: vlo | (vhi << 8), index: dp[4] };
        sim.write32(DPRAM + 0x84, DATA1 | AVAIL | 64);   // EP0 OUT for the report
      } else if (type === 0x21 && req === 0x0a && idle === 'stall') {
        sim.write32(USB + 0x68, 1);                 // EP_STALL_ARM: EP0 IN
        sim.write32(DPRAM + 0x80, STALL);
      } else inStage([]);
    }
    if (configured && next < reports.length && !(sim.read32(DPRAM + 0x88) & AVAIL)) {
      reports[next].forEach((b, i) => { dp[0x180 + i] = b; });
      const pid = pids ? pids[next] : toggle;
      sim.write32(DPRAM + 0x88, FULL | (pid ? DATA1 : 0) | AVAIL | reports[next].length);
      toggle ^= 1;
      next++;
    }
  });
  return { r, host: sim.usbHost, sim, got };
}

test('usbhost: a HID interface is bound as usbhid binds it: SET_IDLE (a STALL allowed), the report descriptor of the HID descriptor\'s length, the interrupt IN endpoint polled every bInterval frames', () => {
  const reports = [[2, 1, 5, 0xfb], [2, 0, 0, 0], [2, 4, 0x7f, 0x81]];
  const { r, host } = hidDevice({ idle: 'stall', reports });
  assert.strictEqual(r.reason, 'bound', JSON.stringify(r));
  assert.strictEqual(host.state, 'configured');
  const reqs = host.log.filter((l) => /SET_IDLE|value 0x2200/.test(l)).map((l) => l.replace(/^\[[^\]]*\] /, ''));
  assert.deepStrictEqual(reqs, [
    'SET_IDLE(type 0x21, value 0x0000, index 0x0000, length 0) -> stall',
    'HID interface 0: SET_IDLE stalled; going on, as Linux does',
    `GET_DESCRIPTOR(type 0x81, value 0x2200, index 0x0000, length ${MOUSE.length}) -> ok (${MOUSE.length} bytes)`]);
  assert.strictEqual(host.hid.length, 1);
  const h = host.hid[0];
  assert.deepStrictEqual([h.interface, h.endpoint, h.idle], [0, 0x81, 'stall']);
  assert.deepStrictEqual([...h.report], MOUSE);
  assert.deepStrictEqual(h.parsed.collections.map((c) => [c.page, c.usage]), [[1, 2]]);
  // every report, in order, with its ID; the device re-arms at once, so each poll takes one: bInterval (10 ms) apart
  assert.deepStrictEqual(host.hidReports.map((x) => [x.interface, x.id, [...x.bytes]]), reports.map((b) => [0, 2, b]));
  const t = host.hidReports.map((x) => x.time);
  for (let i = 1; i < t.length; i++) assert.ok(Math.abs(t[i] - t[i - 1] - 0.010) < 1e-9, `report ${i} ${(t[i] - t[i - 1]) * 1e3} ms after the one before`);
  // each poll at a frame's start (1 ms frames), the report taken after its transaction's bus time
  for (const x of t) assert.ok(Math.abs((x * 1e3 - Math.round(x * 1e3)) / 1e3 - txNanos(4) / 1e9) < 1e-9, `report at ${x} s`);
  assert.ok(host.log.some((l) => /HID interface 0 report: 02 01 05 fb$/.test(l)), 'the report in the host\'s log (--usb-log)');
});

test('usbhost: a HID interface that answers SET_IDLE is polled the same', () => {
  const { r, host } = hidDevice({ reports: [[2, 0, 1, 1]], untilMs: 160 });
  assert.strictEqual(r.reason, 'bound', JSON.stringify(r));
  assert.strictEqual(host.hid[0].idle, 'ok');
  assert.strictEqual(host.hidReports.length, 1);
});

test('usbhost: a malformed HID report descriptor stops the run (exit 114\'s reason) with what is wrong', () => {
  const { r } = hidDevice({ report: MOUSE.slice(0, -1), untilMs: 160 });
  assert.strictEqual(r.reason, 'usb', JSON.stringify(r));
  assert.match(r.message, /^usb: malformed descriptor: HID interface 0: report descriptor: 1 collection\(s\) not closed at the end$/);
});

test('usbhost: a HID input report its report descriptor does not give stops the run: a wrong length, an unknown report ID', () => {
  let { r } = hidDevice({ reports: [[2, 0, 1]], untilMs: 160 });
  assert.strictEqual(r.reason, 'usb', JSON.stringify(r));
  assert.match(r.message, /^usb: HID interface 0: input report 02 00 01: 3 bytes, its report descriptor gives 4 for report ID 2$/);
  ({ r } = hidDevice({ reports: [[3, 0, 1, 1]], untilMs: 160 }));
  assert.strictEqual(r.reason, 'usb', JSON.stringify(r));
  assert.match(r.message, /^usb: HID interface 0: input report 03 00 01 01: report ID 3 is not an input report of its report descriptor$/);
});

test('usbhost: an IN packet of the other data toggle than the host expects is ACKed and ignored (warned): the device sees it sent, the host waits for the right one', () => {
  // the second report repeats DATA0 where DATA1 is due; the third comes as DATA1
  const reports = [[2, 1, 5, 0xfb], [2, 0, 0, 0], [2, 4, 0x7f, 0x81]];
  const { r, host, sim } = hidDevice({ reports, pids: [0, 0, 1], untilMs: 160 });
  assert.strictEqual(r.reason, 'bound', JSON.stringify(r));
  assert.deepStrictEqual(host.hidReports.map((x) => [...x.bytes]), [reports[0], reports[2]], 'the mismatched report dropped, the next one taken');
  assert.strictEqual(host.stats().seq_errors_in, 1);
  assert.ok(host.log.some((l) => /endpoint 0x81: the device sends DATA0, the host expects DATA1: the packet ACKed and ignored$/.test(l)));
  assert.ok([...sim.warnings.keys()].some((w) => /^usb: endpoint 0x81 IN: the firmware sent a packet with the other data toggle than the host expects; the host ACKs it and ignores its data \(USB 2\.0 8\.6\.4\)/.test(w)));
  assert.strictEqual(sim.read32(0x50100088) & (1 << 10), 0, 'the device\'s buffer was taken (ACKed): nothing left armed');
});

test('usbhost: bulkOut and bulkIn refuse, by name, a device not configured, an endpoint that is not a bulk one of that direction, no bytes', () => {
  const { host } = hidDevice({ untilMs: 160 });
  assert.throws(() => host.bulkOut(0x81, [1], () => {}), /^Error: usbHost\.bulkOut: 0x81 is not a bulk OUT endpoint of the configuration$/);
  assert.throws(() => host.bulkIn(0x81, 4, () => {}), /^Error: usbHost\.bulkIn: 0x81 is not a bulk IN endpoint of the configuration$/);
  assert.throws(() => host.bulkOut(0x02, [], () => {}), /^Error: usbHost\.bulkOut: 0x02 is not a bulk OUT endpoint/);
  const { Simulator } = require('../lib');
  const sim = new Simulator();
  sim.loadFile(fw('t_idle'));
  assert.throws(() => sim.usbHost.bulkIn(0x82, 4, () => {}), /^Error: usbHost\.bulkIn: the device is not configured \(host state detached\)$/);
});

// A device of two CDC-ACM functions (CONFIG's, then the same on interfaces
// 2 and 3 with endpoints 0x83, 0x04, 0x84) driven from JavaScript through
// the controller's registers while t_idle spins: it answers enumeration and
// the class requests (SET_LINE_CODING's data kept per interface for
// GET_LINE_CODING), and answers each bulk OUT packet of function k on its
// bulk IN endpoint with "k:" and the text in capitals. onConfigured(host,
// ms) is called once the host has configured it.
function twoCdcDevice({ onConfigured, untilMs = 300, opts } = {}) {
  const { Simulator } = require('../lib');
  const USB = 0x50110000, DPRAM = 0x50100000;
  const SETUP_REC = 1 << 17;
  const FULL = 1 << 15, DATA1 = 1 << 13, AVAIL = 1 << 10;
  const second = CONFIG.slice(9);
  second[2] = 2;                                 // IAD: first interface 2
  second[8 + 2] = 2;                             // communication interface 2
  second[17 + 5 + 4] = 3;                        // call management: data interface 3
  second[17 + 5 + 5 + 4 + 3] = 2; second[17 + 5 + 5 + 4 + 4] = 3;   // union: 2 -> 3
  second[17 + 19 + 2] = 0x83;                    // notification endpoint
  second[17 + 19 + 7 + 2] = 3;                   // data interface 3
  second[17 + 19 + 7 + 9 + 2] = 0x04; second[17 + 19 + 7 + 9 + 7 + 2] = 0x84;
  const config = [9, 2, 9 + 2 * second.length, 0, 4, 1, 0, 0x80, 50, ...CONFIG.slice(9), ...second];
  const desc = { 1: [18, 1, 0, 2, 0xef, 2, 1, 64, 0x8a, 0x2e, 0x0a, 0, 0, 1, 0, 0, 0, 1], 2: config };
  const sim = new Simulator(opts);
  sim.loadFile(fw('t_idle'));
  assert.strictEqual(sim.run({ maxMs: 50, until: /^idle$/ }).reason, 'until');
  const dp = sim.mcu.usbDPRAM;
  let ctrlIn = null;   // a control IN data stage in 64-byte packets: {data, off, pid}
  const packet = () => {
    const chunk = ctrlIn.data.slice(ctrlIn.off, ctrlIn.off + 64);
    chunk.forEach((b, i) => { dp[0x100 + i] = b; });
    sim.write32(DPRAM + 0x80, FULL | (ctrlIn.pid ? DATA1 : 0) | AVAIL | chunk.length);
    ctrlIn.off += 64;
    ctrlIn.pid ^= 1;
    if (chunk.length < 64) ctrlIn = null;
  };
  const inStage = (data) => { ctrlIn = { data, off: 0, pid: 1 }; packet(); };
  const bufOf = (ep) => 0x180 + 64 * (((ep & 0x0f) - 1) * 2 + (ep & 0x80 ? 0 : 1));   // a 64-byte buffer per endpoint
  const ctl = (ep) => 0x80 + 8 * (ep & 0x0f) + (ep & 0x80 ? 0 : 4);
  const fns = [{ out: 0x02, in: 0x82, pid: [0, 0] }, { out: 0x04, in: 0x84, pid: [0, 0] }];   // pid: next OUT, next IN
  const coding = {};
  const dev = { address: null };
  let pendingOut = null;
  sim.on('usb-configured', () => onConfigured && onConfigured(sim.usbHost, sim.nowNanos() / 1e6));
  const r = driveDevice(sim, untilMs, dev, (st) => {
    if (ctrlIn && !(sim.read32(DPRAM + 0x80) & AVAIL)) packet();
    if (pendingOut !== null && (sim.read32(DPRAM + 0x84) & FULL)) {   // a class request's data stage came
      coding[pendingOut] = [...dp.subarray(0x100, 0x107)];
      sim.write32(DPRAM + 0x84, 0);
      pendingOut = null;
      inStage([]);
    }
    if (st & SETUP_REC) {
      sim.write32(USB + 0x50, SETUP_REC);
      const [type, req, vlo, vhi, ilo, , llo, lhi] = dp.subarray(0, 8);
      const length = llo | (lhi << 8);
      if (req === 6) {
        inStage((desc[vhi] || []).slice(0, length));
        sim.write32(DPRAM + 0x84, DATA1 | AVAIL);
      } else if (req === 5) { dev.address = vlo; inStage([]); } else if (req === 9 && type === 0) {
        for (const ep of [0x81, 0x83, 0x02, 0x82, 0x04, 0x84]) {
          const kind = ep === 0x81 || ep === 0x83 ? 3 : 2;
          sim.write32(DPRAM + 0x08 + 8 * ((ep & 0x0f) - 1) + (ep & 0x80 ? 0 : 4), (1 << 31) | (kind << 26) | bufOf(ep));
        }
        for (const f of fns) sim.write32(DPRAM + ctl(f.out), AVAIL | 64);
        inStage([]);
      } else if (type === 0x21 && length) { pendingOut = ilo; sim.write32(DPRAM + 0x84, DATA1 | AVAIL | 64); } else if (type === 0xa1 && req === 0x21) {
        inStage(coding[ilo] || [0, 0, 0, 0, 0, 0, 0]);
        sim.write32(DPRAM + 0x84, DATA1 | AVAIL);
      } else inStage([]);
    }
    fns.forEach((f, k) => {
      const bc = sim.read32(DPRAM + ctl(f.out));
      if (!(bc & FULL) || (sim.read32(DPRAM + ctl(f.in)) & AVAIL)) return;
      const text = `${k}:` + Buffer.from(dp.subarray(bufOf(f.out), bufOf(f.out) + (bc & 0x3ff))).toString('latin1').toUpperCase();
      Buffer.from(text, 'latin1').forEach((b, i) => { dp[bufOf(f.in) + i] = b; });
      sim.write32(DPRAM + ctl(f.in), FULL | (f.pid[1] ? DATA1 : 0) | AVAIL | text.length);
      f.pid[1] ^= 1;
      f.pid[0] ^= 1;
      sim.write32(DPRAM + ctl(f.out), (f.pid[0] ? DATA1 : 0) | AVAIL | 64);
    });
  });
  return { r, host: sim.usbHost, sim };
}

test('usbhost: every CDC-ACM function of the configuration is bound as a serial port of its own; the first opened at once, another on request; input and lines per port', () => {
  const lines = [];
  let conf = null;
  const { r, host, sim } = twoCdcDevice({
    onConfigured: (h, ms) => {
      conf = ms;
      h.sim.on('line', (l) => lines.push([l.port, l.text, l.time * 1e3]));
      h.sendInput(Buffer.from('ab\n'), ms + 5);          // port 0, open by then
      h.sendInput(Buffer.from('cd\n'), ms + 5, 1);       // port 1: waits for it to open
      h.event(ms + 20, 'open', 1);
      h.event(ms + 30, 'open', 2);                       // no third function
    },
  });
  assert.strictEqual(r.reason, 'bound', JSON.stringify(r));
  assert.deepStrictEqual(host.ports.slice(0, 2).map((p) => [p.index, p.bound, p.open, p.func.comm, p.func.notify.address, p.func.out.address, p.func.in.address]),
    [[0, true, true, 0, 0x81, 0x02, 0x82], [1, true, true, 2, 0x83, 0x04, 0x84]]);
  assert.deepStrictEqual([host.ports.length, host.ports[2].bound, host.ports[2].open], [3, false, false], 'port 2, asked for, has no function');
  assert.ok(host.log.some((l) => /serial port 1: interface 2, bulk IN 0x84, OUT 0x04$/.test(l)));
  // each port's own terminal: line coding and DTR|RTS to its own communication interface, port 1 only once asked
  const opens = host.log.filter((l) => /SET_CONTROL_LINE_STATE\(type 0x21, value 0x0003/.test(l)).map((l) => [Number(/^\[([\d.]+) s\]/.exec(l)[1]) * 1e3, /index (0x\w+)/.exec(l)[1]]);
  assert.deepStrictEqual(opens.map((o) => o[1]), ['0x0000', '0x0002']);
  assert.ok(opens[0][0] < conf + 1 && opens[1][0] > conf + 20, JSON.stringify(opens));
  // each port's bytes to its own function, each function's answer a line of its own port
  assert.deepStrictEqual(lines.map((l) => [l[0], l[1]]), [[0, '0:AB'], [1, '1:CD']]);
  assert.ok(lines[1][2] > conf + 20, 'port 1\'s input went once it opened');
  assert.deepStrictEqual(host.lines.map((l) => [l.source, l.port]), [['usb', 0], ['usb', 1]]);
  assert.deepStrictEqual(host.ports[1].inQueue, []);
  assert.strictEqual(sim.usbHost.port, host.ports[0], 'the first port stays .port');
  assert.ok(sim.warnings.has('usb: serial port 2 was given input or actions, but the device has 2 CDC-ACM function(s) (ports 0..1): they go nowhere'), [...sim.warnings.keys()].join('\n'));
});

test('usbhost: a port closed and opened again on its own; the other port goes on', () => {
  const lines = [];
  const { r, host } = twoCdcDevice({
    untilMs: 260,
    onConfigured: (h, ms) => {
      h.sim.on('line', (l) => lines.push([l.port, l.text]));
      h.event(ms + 5, 'open', 1);
      h.event(ms + 20, 'close', 1);
      h.sendInput(Buffer.from('x\n'), ms + 30, 1);   // waits: port 1 closed
      h.sendInput(Buffer.from('y\n'), ms + 30);
      h.event(ms + 50, 'open', 1);
    },
  });
  assert.strictEqual(r.reason, 'bound', JSON.stringify(r));
  assert.deepStrictEqual(lines, [[0, '0:Y'], [1, '1:X']]);
  assert.ok(host.log.some((l) => /port 1 closed$/.test(l)));
  assert.strictEqual(host.ports[1].open, true);
});

test('usbdesc: the LED fields of a keyboard\'s output report (Usage Minimum/Maximum on the LED page), bit by bit', () => {
  const r = hidReport([...KEYBOARD, ...MOUSE]);
  assert.deepStrictEqual([...r.leds], [[1, [1, 2, 3, 4, 5].map((u) => ({ bit: u - 1, usage: u }))]], 'Num Lock bit 0 .. Kana bit 4; the 3 constant bits none');
  assert.deepStrictEqual([...hidReport(MOUSE).leds], [], 'no output report: no LED');
  // Usage items one by one, after a 2-bit constant pad: Caps Lock at bit 2, Scroll Lock at bit 3
  const one = [0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02,
    0x95, 0x02, 0x91, 0x01, 0x05, 0x08, 0x09, 0x02, 0x09, 0x03, 0x95, 0x02, 0x91, 0x02, 0x95, 0x04, 0x91, 0x01, 0xc0];
  const x = hidReport(one);
  assert.deepStrictEqual(x.errors, []);
  assert.deepStrictEqual([...x.leds], [[0, [{ bit: 2, usage: 2 }, { bit: 3, usage: 3 }]]]);
});

// a keyboard of one packet's descriptor for hidDevice: KEYBOARD without its key array
const KBD = [...KEYBOARD.slice(0, 30), ...KEYBOARD.slice(46)];
test('usbhost: the keyboard LEDs (leds=LIST) go to a HID keyboard as SET_REPORT(Output) with its report ID, each change once; a keyboard bound while one is lit is told', () => {
  // Caps Lock at 150 ms, again (no change: nothing sent), then Caps Lock and Num Lock, then none
  let { r, host, got } = hidDevice({
    report: KBD, untilMs: 260,
    setup: (sim) => { for (const [ms, a] of [[150, 'leds=caps'], [170, 'leds=caps'], [190, 'leds=caps,num'], [210, 'leds=none']]) sim.usbHost.event(ms, a); },
  });
  assert.strictEqual(r.reason, 'bound', JSON.stringify(r));
  assert.deepStrictEqual(got, [[0x0201, 0, [1, 2]], [0x0201, 0, [1, 3]], [0x0201, 0, [1, 0]]], 'wValue Output (2) << 8 | ID 1, the interface; the ID byte, then Num Lock bit 0, Caps Lock bit 1');
  assert.deepStrictEqual(host.ledReports.map((x) => [x.interface, x.id, [...x.bytes], x.status]), [[0, 1, [1, 2], 'ok'], [0, 1, [1, 3], 'ok'], [0, 1, [1, 0], 'ok']]);
  assert.ok(host.log.some((l) => /SET_REPORT\(type 0x21, value 0x0201, index 0x0000, length 2\) -> ok$/.test(l)));
  // lit before the keyboard binds: sent once its report descriptor is read; a STALL taken as Linux takes it
  ({ r, host, got } = hidDevice({ report: KBD, untilMs: 200, setReport: 'stall', setup: (sim) => sim.usbHost.setLeds(['scroll']) }));
  assert.strictEqual(r.reason, 'bound', JSON.stringify(r));
  assert.deepStrictEqual(host.ledReports.map((x) => [[...x.bytes], x.status]), [[[1, 4], 'stall']]);
  assert.strictEqual(host.state, 'configured');
  // a mouse has no LED: nothing sent
  ({ r, host, got } = hidDevice({ untilMs: 200, setup: (sim) => sim.usbHost.event(150, 'leds=caps') }));
  assert.strictEqual(r.reason, 'bound', JSON.stringify(r));
  assert.deepStrictEqual([got, host.ledReports], [[], []]);
  assert.throws(() => host.setLeds(['shift']), /^Error: usb: unknown keyboard LED 'shift' \(num, caps, scroll, compose, kana\)$/);
});

test('usbhost: bulkOut and bulkIn of one\'s own on a device\'s bulk endpoints: the answer read, more than asked is an overflow, nothing within the time-out a timeout; an endpoint in use refused', () => {
  const res = [];
  let busy = null;
  const { r } = twoCdcDevice({
    opts: { usb: { autoOpen: false } },
    untilMs: 260,
    onConfigured: (h) => {
      h.bulkOut(0x04, Buffer.from('hi'), (x) => res.push(['out', x.status, x.sent]));
      try { h.bulkOut(0x04, [1], () => {}); } catch (e) { busy = e.message; }
      h.bulkIn(0x84, 2, (x) => res.push(['in', x.status, Buffer.from(x.data).toString()]));   // "1:HI" is 4 bytes
      h.bulkIn(0x82, 8, (x) => res.push(['idle', x.status, x.data.length]), 50);
    },
  });
  assert.strictEqual(r.reason, 'bound', JSON.stringify(r));
  assert.deepStrictEqual(res, [['out', 'ok', 2], ['in', 'overflow', '1:HI'], ['idle', 'timeout', 0]]);
  assert.strictEqual(busy, 'usbHost.bulkOut: endpoint 0x04 is in use (a transfer not ended, or the serial port)');
});
