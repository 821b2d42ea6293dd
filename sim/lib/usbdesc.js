'use strict';
// USB descriptors as a host reads them, checked against USB 2.0 chapter 9
// (9.6), the interface association ECN, the binary device object store
// (BOS) of the USB 2.0 LPM ECN, CDC 1.2 / PSTN 1.2 and HID 1.11 (the HID
// descriptor, the report descriptor's items). Each parser
// returns { errors: [...], ...fields }; an error names the descriptor, the
// byte offset and what is wrong. Used by the USB host model (usbhost.js).

const DT = { DEVICE: 1, CONFIGURATION: 2, STRING: 3, INTERFACE: 4, ENDPOINT: 5, DEVICE_QUALIFIER: 6, IAD: 11, BOS: 15, DEVICE_CAPABILITY: 16, HID: 0x21, HID_REPORT: 0x22, CS_INTERFACE: 0x24 };
// bcdUSB values of the USB 1.x and 2.x releases; 0x0201 and 0x0210 (USB 2.1)
// mark a 2.0 device with a BOS descriptor (LPM ECN: "0x0201 or larger").
const BCD_USB = [0x0100, 0x0110, 0x0200, 0x0201, 0x0210];
const u16 = (b, o) => b[o] | (b[o + 1] << 8);
const hex = (v, n = 2) => '0x' + v.toString(16).padStart(n, '0');

/** The device descriptor (18 bytes). `got` is what the device sent. */
function parseDevice(got) {
  const e = [];
  const d = { errors: e };
  if (got.length < 18) { e.push(`device descriptor: ${got.length} bytes, expected 18`); return d; }
  if (got[0] !== 18) e.push(`device descriptor: bLength ${got[0]}, expected 18`);
  if (got[1] !== DT.DEVICE) e.push(`device descriptor: bDescriptorType ${got[1]}, expected 1`);
  d.bcdUSB = u16(got, 2);
  if (!BCD_USB.includes(d.bcdUSB)) e.push(`device descriptor: bcdUSB ${hex(d.bcdUSB, 4)} is not a USB 1.x/2.0 release`);
  d.class = got[4]; d.subclass = got[5]; d.protocol = got[6];
  d.maxPacket0 = got[7];
  if (![8, 16, 32, 64].includes(d.maxPacket0)) e.push(`device descriptor: bMaxPacketSize0 ${d.maxPacket0}, must be 8, 16, 32 or 64`);
  d.vid = u16(got, 8); d.pid = u16(got, 10); d.bcdDevice = u16(got, 12);
  d.iManufacturer = got[14]; d.iProduct = got[15]; d.iSerial = got[16];
  d.numConfigurations = got[17];
  if (d.numConfigurations < 1) e.push('device descriptor: bNumConfigurations is 0');
  return d;
}

/**
 * A whole configuration (wTotalLength bytes). Walks every descriptor in it:
 * lengths and types, the interface count, each interface's endpoint count,
 * endpoint addresses (unique, nonzero), transfer types and sizes for a
 * full-speed device, interface associations, CDC functional descriptors,
 * HID descriptors.
 */
function parseConfig(got, { expectLength } = {}) {
  const e = [];
  const c = { errors: e, interfaces: [], endpoints: [], iads: [], cdc: [] };
  if (got.length < 9) { e.push(`configuration descriptor: ${got.length} bytes, expected at least 9`); return c; }
  if (got[0] !== 9) e.push(`configuration descriptor: bLength ${got[0]}, expected 9`);
  if (got[1] !== DT.CONFIGURATION) e.push(`configuration descriptor: bDescriptorType ${got[1]}, expected 2`);
  c.totalLength = u16(got, 2);
  if (expectLength !== undefined && got.length !== c.totalLength) e.push(`configuration: wTotalLength ${c.totalLength} but ${got.length} bytes came for a request of ${expectLength}`);
  c.numInterfaces = got[4]; c.value = got[5]; c.iConfiguration = got[6]; c.attributes = got[7]; c.maxPower = got[8];
  if (c.value === 0) e.push('configuration descriptor: bConfigurationValue 0 (reserved for "not configured")');
  if (!(c.attributes & 0x80)) e.push(`configuration descriptor: bmAttributes ${hex(c.attributes)} without bit 7 (must be set)`);
  if (c.attributes & 0x1f) e.push(`configuration descriptor: bmAttributes ${hex(c.attributes)} has reserved bits 4..0 set`);
  let at = 9, cur = null;
  const seenEp = new Set();
  while (at < got.length) {
    const len = got[at], type = got[at + 1];
    if (len < 2) { e.push(`configuration: descriptor at offset ${at} has bLength ${len} (< 2)`); break; }
    if (at + len > got.length) { e.push(`configuration: descriptor at offset ${at} (type ${type}, bLength ${len}) runs past wTotalLength ${got.length}`); break; }
    const b = got.subarray(at, at + len);
    switch (type) {
      case DT.INTERFACE: {
        if (len !== 9) { e.push(`interface descriptor at offset ${at}: bLength ${len}, expected 9`); break; }
        if (cur && cur.endpointsSeen !== cur.numEndpoints) e.push(`interface ${cur.number}: bNumEndpoints ${cur.numEndpoints} but ${cur.endpointsSeen} endpoint descriptors follow`);
        cur = { number: b[2], alt: b[3], numEndpoints: b[4], class: b[5], subclass: b[6], protocol: b[7], iInterface: b[8], endpointsSeen: 0, offset: at, functional: [], hid: null };
        if (cur.alt === 0 && c.interfaces.some((i) => i.number === cur.number && i.alt === 0)) e.push(`interface ${cur.number} appears twice`);
        c.interfaces.push(cur);
        break;
      }
      case DT.ENDPOINT: {
        if (len !== 7) { e.push(`endpoint descriptor at offset ${at}: bLength ${len}, expected 7`); break; }
        if (!cur) { e.push(`endpoint descriptor at offset ${at} before any interface`); break; }
        const ep = { address: b[2], attributes: b[3], maxPacket: u16(b, 4), interval: b[6], interface: cur.number, alt: cur.alt };
        ep.type = ep.attributes & 3;
        if ((ep.address & 0x0f) === 0) e.push(`endpoint descriptor at offset ${at}: address ${hex(ep.address)} is endpoint 0`);
        if (ep.address & 0x70) e.push(`endpoint descriptor at offset ${at}: address ${hex(ep.address)} has reserved bits 6..4 set`);
        if (seenEp.has(ep.address)) e.push(`endpoint ${hex(ep.address)} described twice`);
        seenEp.add(ep.address);
        const mps = ep.maxPacket & 0x7ff;
        if (ep.type === 0) e.push(`endpoint ${hex(ep.address)}: transfer type control is only for endpoint 0`);
        if (ep.type === 2 && ![8, 16, 32, 64].includes(mps)) e.push(`endpoint ${hex(ep.address)}: bulk wMaxPacketSize ${mps}, must be 8, 16, 32 or 64 at full speed`);
        if (ep.type === 3 && (mps < 1 || mps > 64)) e.push(`endpoint ${hex(ep.address)}: interrupt wMaxPacketSize ${mps}, must be 1..64 at full speed`);
        if (ep.type === 1 && mps > 1023) e.push(`endpoint ${hex(ep.address)}: isochronous wMaxPacketSize ${mps} > 1023`);
        if (ep.maxPacket & 0xf800) e.push(`endpoint ${hex(ep.address)}: wMaxPacketSize ${hex(ep.maxPacket, 4)} has bits 15..11 set (high speed only)`);
        if (ep.type === 3 && ep.interval < 1) e.push(`endpoint ${hex(ep.address)}: interrupt bInterval 0 (1..255 ms at full speed)`);
        cur.endpointsSeen++;
        c.endpoints.push(ep);
        break;
      }
      case DT.IAD: {
        if (len !== 8) { e.push(`interface association at offset ${at}: bLength ${len}, expected 8`); break; }
        c.iads.push({ first: b[2], count: b[3], class: b[4], subclass: b[5], protocol: b[6], offset: at });
        if (b[3] < 1) e.push(`interface association at offset ${at}: bInterfaceCount 0`);
        break;
      }
      case DT.CS_INTERFACE: {
        if (!cur) { e.push(`class-specific descriptor at offset ${at} before any interface`); break; }
        if (len < 3) { e.push(`class-specific descriptor at offset ${at}: bLength ${len} (< 3)`); break; }
        const f = { subtype: b[2], bytes: Buffer.from(b), interface: cur.number, offset: at };
        cur.functional.push(f);
        c.cdc.push(f);
        break;
      }
      case DT.HID: {
        if (!cur) { e.push(`HID descriptor at offset ${at} before any interface`); break; }
        if (cur.class !== 3) break;   // type 0x21 belongs to other classes too: only a HID interface's is the HID descriptor
        parseHidDescriptor(b, at, cur, e);
        break;
      }
      case DT.DEVICE: case DT.CONFIGURATION: case DT.STRING: case DT.DEVICE_QUALIFIER:
        e.push(`configuration: a ${['', 'device', 'configuration', 'string', '', '', 'device qualifier'][type]} descriptor inside it at offset ${at}`);
        break;
      default:
        break;   // other class or vendor descriptors: skipped, as a host does
    }
    at += len;
  }
  if (cur && cur.endpointsSeen !== cur.numEndpoints) e.push(`interface ${cur.number}: bNumEndpoints ${cur.numEndpoints} but ${cur.endpointsSeen} endpoint descriptors follow`);
  const numbers = [...new Set(c.interfaces.map((i) => i.number))].sort((x, y) => x - y);
  if (numbers.length !== c.numInterfaces) e.push(`configuration: bNumInterfaces ${c.numInterfaces} but ${numbers.length} interfaces described`);
  numbers.forEach((n, i) => { if (n !== i) e.push(`configuration: interface numbers are not 0..${numbers.length - 1} (${numbers.join(', ')})`); });
  for (const a of c.iads) {
    for (let n = a.first; n < a.first + a.count; n++) if (!numbers.includes(n)) e.push(`interface association (offset ${a.offset}) names interface ${n}, which is not described`);
    const head = c.interfaces.find((i) => i.number === a.first);
    if (head && (head.class !== a.class || head.subclass !== a.subclass)) e.push(`interface association (offset ${a.offset}): function class ${a.class}/${a.subclass} differs from its first interface's ${head.class}/${head.subclass}`);
  }
  checkCdc(c, e);
  checkHid(c, e);
  return c;
}

/** A HID interface's HID descriptor (HID 1.11 6.2.1): bcdHID, bCountryCode,
 * bNumDescriptors class descriptors of 3 bytes each (type, wDescriptorLength),
 * the first of them the report descriptor. It comes between the interface
 * descriptor and its endpoints (7.1). */
function parseHidDescriptor(b, at, itf, e) {
  const n = itf.number;
  if (itf.hid) { e.push(`HID interface ${n}: a second HID descriptor at offset ${at}`); return; }
  if (itf.endpointsSeen) e.push(`HID interface ${n}: the HID descriptor at offset ${at} comes after an endpoint descriptor (HID 1.11 7.1: between the interface and its endpoints)`);
  if (b.length < 9) { e.push(`HID interface ${n}: HID descriptor bLength ${b.length} (< 9: one class descriptor at least)`); return; }
  const h = { bcdHID: u16(b, 2), country: b[4], numDescriptors: b[5], descriptors: [], offset: at };
  if (h.numDescriptors < 1) e.push(`HID interface ${n}: HID descriptor bNumDescriptors 0 (the report descriptor is required)`);
  if (b.length !== 6 + 3 * h.numDescriptors) e.push(`HID interface ${n}: HID descriptor bLength ${b.length} for bNumDescriptors ${h.numDescriptors} (expected ${6 + 3 * h.numDescriptors})`);
  if (h.country > 35) e.push(`HID interface ${n}: HID descriptor bCountryCode ${h.country} (0..35 defined)`);
  for (let o = 6; o + 3 <= b.length; o += 3) h.descriptors.push({ type: b[o], length: u16(b, o + 1) });
  if (h.descriptors.length && h.descriptors[0].type !== DT.HID_REPORT) e.push(`HID interface ${n}: the HID descriptor's first class descriptor is type ${hex(h.descriptors[0].type)}, not the report descriptor (0x22)`);
  const rep = h.descriptors.find((d) => d.type === DT.HID_REPORT);
  h.reportLength = rep ? rep.length : 0;
  if (rep && rep.length < 1) e.push(`HID interface ${n}: report descriptor wDescriptorLength 0`);
  itf.hid = h;
}

/** Every HID interface has its HID descriptor and an interrupt IN endpoint
 * (HID 1.11 4.4, 7.1); subclass 0 or 1 (boot), a boot interface protocol 1
 * (keyboard) or 2 (mouse) (4.2, 4.3). */
function checkHid(c, e) {
  for (const itf of c.interfaces.filter((i) => i.class === 3)) {
    const n = itf.number;
    if (!itf.hid) e.push(`HID interface ${n}${itf.alt ? ` (alternate setting ${itf.alt})` : ''}: no HID descriptor`);
    if (itf.subclass > 1) e.push(`HID interface ${n}: bInterfaceSubClass ${itf.subclass} (0 none, 1 boot; others reserved)`);
    if (itf.subclass === 1 && itf.protocol !== 1 && itf.protocol !== 2) e.push(`HID interface ${n}: boot interface with bInterfaceProtocol ${itf.protocol} (1 keyboard, 2 mouse)`);
    const eps = c.endpoints.filter((ep) => ep.interface === n && ep.alt === itf.alt);
    if (!eps.some((ep) => ep.type === 3 && ep.address & 0x80)) e.push(`HID interface ${n}: no interrupt IN endpoint (HID 1.11 4.4: required)`);
    for (const ep of eps.filter((x) => x.type !== 3)) e.push(`HID interface ${n}: endpoint ${hex(ep.address)} is not an interrupt endpoint`);
  }
}

// ---- HID report descriptors (HID 1.11 6.2.2) -----------------------------------------
const MAIN = { 8: 'Input', 9: 'Output', 0xa: 'Collection', 0xb: 'Feature', 0xc: 'End Collection' };
const GLOBAL = { 0: 'Usage Page', 1: 'Logical Minimum', 2: 'Logical Maximum', 3: 'Physical Minimum', 4: 'Physical Maximum', 5: 'Unit Exponent', 6: 'Unit', 7: 'Report Size', 8: 'Report ID', 9: 'Report Count', 0xa: 'Push', 0xb: 'Pop' };
const LOCAL = { 0: 'Usage', 1: 'Usage Minimum', 2: 'Usage Maximum', 3: 'Designator Index', 4: 'Designator Minimum', 5: 'Designator Maximum', 7: 'String Index', 8: 'String Minimum', 9: 'String Maximum', 0xa: 'Delimiter' };

/**
 * A report descriptor (wDescriptorLength bytes): walks its items to the end
 * (short items of 0, 1, 2 or 4 data bytes, long items), each tag one HID
 * 1.11 defines for its type, collections balanced, Push and Pop paired,
 * Report IDs 1..255 and either on every data item or on none, Report Size
 * and Report Count set for each Input, Output and Feature item. Returns the
 * top-level collections (usage page and usage), each report's length in
 * bytes by type and ID (the ID byte included where IDs are used), and the
 * LEDs of the output reports (`leds`: report ID -> [{bit, usage}], each a
 * one-bit Data Variable field of the LED page 0x08: Num Lock 1, Caps Lock
 * 2, Scroll Lock 3, Compose 4, Kana 5; the bit counted from the report's
 * first data bit, after the ID byte).
 */
function parseHidReport(got, { expectLength } = {}) {
  const e = [];
  const r = { errors: e, items: 0, collections: [], usesIds: false, reports: { input: new Map(), output: new Map(), feature: new Map() }, leds: new Map() };
  if (expectLength !== undefined && got.length !== expectLength) e.push(`report descriptor: ${got.length} bytes came for wDescriptorLength ${expectLength}`);
  const bits = { input: new Map(), output: new Map(), feature: new Map() };
  let g = { page: 0, size: null, count: null, id: 0 };
  const stack = [];
  let local = { usages: [], min: null, max: null };
  let depth = 0, dataItems = 0, at = 0;
  while (at < got.length) {
    const p = got[at];
    if (p === 0xfe) {   // long item: bDataSize, bLongItemTag, data (6.2.2.3); none is defined
      if (at + 3 > got.length || at + 3 + got[at + 1] > got.length) { e.push(`report descriptor: the long item at offset ${at} runs past the end (${got.length} bytes)`); break; }
      r.items++;
      at += 3 + got[at + 1];
      continue;
    }
    const size = [0, 1, 2, 4][p & 3], type = (p >> 2) & 3, tag = p >> 4;
    if (at + 1 + size > got.length) { e.push(`report descriptor: the item at offset ${at} (prefix ${hex(p)}, ${size} data bytes) runs past the end (${got.length} bytes)`); break; }
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + got[at + 1 + i];
    const where = `report descriptor offset ${at}`;
    r.items++;
    if (type === 3) e.push(`${where}: item type 3 (reserved), prefix ${hex(p)}`);
    else if (type === 0) {
      const name = MAIN[tag];
      if (!name) e.push(`${where}: main item tag ${hex(tag)} is reserved`);
      else if (tag === 0xa) {
        if (depth === 0) r.collections.push({ type: v, page: local.usages.length ? local.usages[0] >>> 16 : g.page, usage: local.usages.length ? local.usages[0] & 0xffff : null, offset: at });
        depth++;
      } else if (tag === 0xc) {
        if (depth === 0) e.push(`${where}: End Collection without an open collection`);
        else depth--;
      } else {
        const kind = tag === 8 ? 'input' : tag === 9 ? 'output' : 'feature';
        if (g.size === null || g.count === null) e.push(`${where}: ${name} item without ${g.size === null ? 'Report Size' : 'Report Count'} set`);
        else {
          const at0 = bits[kind].get(g.id) || 0;
          // an Output item of Data, Variable, one-bit fields on the LED page (0x08): a bit per LED
          if (kind === 'output' && (v & 3) === 2 && g.size === 1) {
            for (let i = 0; i < g.count; i++) {
              const u = i < local.usages.length ? local.usages[i] : local.min !== null ? Math.min(local.min + i, local.max === null ? Infinity : local.max) : local.usages[local.usages.length - 1];
              if (u === undefined || u >>> 16 !== 0x08) continue;
              if (!r.leds.has(g.id)) r.leds.set(g.id, []);
              r.leds.get(g.id).push({ bit: at0 + i, usage: u & 0xffff });
            }
          }
          bits[kind].set(g.id, at0 + g.size * g.count);
        }
        if (g.id === 0 && r.usesIds) e.push(`${where}: ${name} item without a Report ID, in a descriptor that uses Report IDs`);
        dataItems++;
      }
      local = { usages: [], min: null, max: null };   // local items end at each main item
    } else if (type === 1) {
      const name = GLOBAL[tag];
      if (!name) e.push(`${where}: global item tag ${hex(tag)} is reserved`);
      else if (tag === 0) g.page = v;
      else if (tag === 7) g.size = v;
      else if (tag === 9) g.count = v;
      else if (tag === 8) {
        if (v < 1 || v > 255) e.push(`${where}: Report ID ${v} (1..255)`);
        if (!r.usesIds && dataItems) e.push(`${where}: Report ID after ${dataItems} data item(s) sent without one`);
        r.usesIds = true;
        g.id = v;
      } else if (tag === 0xa) stack.push({ ...g });
      else if (tag === 0xb) {
        if (!stack.length) e.push(`${where}: Pop without a Push`);
        else g = stack.pop();
      }
    } else {
      const name = LOCAL[tag];
      if (!name) e.push(`${where}: local item tag ${hex(tag)} is reserved`);
      else if (tag === 0) local.usages.push(size === 4 ? v : g.page * 0x10000 + v);
      else if (tag === 1) local.min = size === 4 ? v : g.page * 0x10000 + v;
      else if (tag === 2) local.max = size === 4 ? v : g.page * 0x10000 + v;
    }
    at += 1 + size;
  }
  if (depth) e.push(`report descriptor: ${depth} collection(s) not closed at the end`);
  if (stack.length) e.push(`report descriptor: ${stack.length} Push without a Pop`);
  if (!r.collections.length && !e.length) e.push('report descriptor: no collection');
  for (const kind of ['input', 'output', 'feature']) {
    for (const [id, n] of bits[kind]) r.reports[kind].set(id, Math.ceil(n / 8) + (r.usesIds ? 1 : 0));
  }
  return r;
}

/** CDC-ACM: the communication interface's functional descriptors (header
 * first, union naming existing interfaces, call management's data interface). */
function checkCdc(c, e) {
  for (const itf of c.interfaces.filter((i) => i.class === 2 && i.subclass === 2)) {
    const f = itf.functional;
    const n = itf.number;
    if (!f.length || f[0].subtype !== 0) { e.push(`CDC interface ${n}: the header functional descriptor must come first`); continue; }
    const hdr = f[0].bytes;
    if (hdr.length !== 5) e.push(`CDC interface ${n}: header functional descriptor bLength ${hdr.length}, expected 5`);
    const union = f.find((x) => x.subtype === 6);
    if (!union) { e.push(`CDC interface ${n}: no union functional descriptor`); continue; }
    const u = union.bytes;
    if (u.length < 5) { e.push(`CDC interface ${n}: union functional descriptor bLength ${u.length} (< 5)`); continue; }
    if (u[3] !== n) e.push(`CDC interface ${n}: union bControlInterface ${u[3]} is not this interface`);
    const subs = [...u.subarray(4)];
    for (const s of subs) {
      const d = c.interfaces.find((i) => i.number === s);
      if (!d) e.push(`CDC interface ${n}: union names interface ${s}, which is not described`);
      else if (d.class !== 0x0a) e.push(`CDC interface ${n}: union's subordinate interface ${s} is class ${d.class}, not CDC data (10)`);
    }
    const cm = f.find((x) => x.subtype === 1);
    if (cm && (cm.bytes.length !== 5 || !subs.includes(cm.bytes[4]))) e.push(`CDC interface ${n}: call management names data interface ${cm.bytes[4]}, not one of the union's`);
    const acm = f.find((x) => x.subtype === 2);
    if (acm && acm.bytes.length !== 4) e.push(`CDC interface ${n}: ACM functional descriptor bLength ${acm.bytes.length}, expected 4`);
    const notify = c.endpoints.filter((ep) => ep.interface === n);
    if (notify.length !== 1 || notify[0].type !== 3 || !(notify[0].address & 0x80)) e.push(`CDC interface ${n}: expected one interrupt IN endpoint (notifications)`);
    for (const s of subs) {
      const eps = c.endpoints.filter((ep) => ep.interface === s);
      const bin = eps.filter((ep) => ep.type === 2 && ep.address & 0x80).length;
      const bout = eps.filter((ep) => ep.type === 2 && !(ep.address & 0x80)).length;
      if (bin !== 1 || bout !== 1) e.push(`CDC data interface ${s}: expected one bulk IN and one bulk OUT endpoint (${bin} IN, ${bout} OUT)`);
    }
    if (c.interfaces.length > 1 && !c.iads.some((a) => a.first === n)) e.push(`CDC interface ${n}: not the first interface of an interface association (a composite device needs one)`);
  }
}

/**
 * The BOS descriptor set (wTotalLength bytes): the 5-byte BOS header, then
 * bNumDeviceCaps device capability descriptors (bLength, type 16,
 * bDevCapabilityType, ...), filling wTotalLength exactly.
 */
function parseBos(got, { expectLength } = {}) {
  const e = [];
  const b = { errors: e, caps: [] };
  if (got.length < 5) { e.push(`BOS descriptor: ${got.length} bytes, expected at least 5`); return b; }
  if (got[0] !== 5) e.push(`BOS descriptor: bLength ${got[0]}, expected 5`);
  if (got[1] !== DT.BOS) e.push(`BOS descriptor: bDescriptorType ${got[1]}, expected 15`);
  b.totalLength = u16(got, 2);
  b.numCaps = got[4];
  if (expectLength !== undefined && got.length !== b.totalLength) e.push(`BOS: wTotalLength ${b.totalLength} but ${got.length} bytes came for a request of ${expectLength}`);
  let at = 5;
  while (at < got.length) {
    const len = got[at], type = got[at + 1];
    if (len < 3) { e.push(`BOS: descriptor at offset ${at} has bLength ${len} (< 3)`); break; }
    if (at + len > got.length) { e.push(`BOS: descriptor at offset ${at} (bLength ${len}) runs past wTotalLength ${got.length}`); break; }
    if (type !== DT.DEVICE_CAPABILITY) e.push(`BOS: descriptor at offset ${at} has bDescriptorType ${type}, expected 16 (device capability)`);
    b.caps.push({ type: got[at + 2], length: len, offset: at });
    at += len;
  }
  if (b.caps.length !== b.numCaps) e.push(`BOS: bNumDeviceCaps ${b.numCaps} but ${b.caps.length} capability descriptors follow`);
  return b;
}

/** A string descriptor (UTF-16LE). Index 0: the language ids. */
function parseString(got, index) {
  const e = [];
  const s = { errors: e };
  if (got.length < 2) { e.push(`string ${index}: ${got.length} bytes`); return s; }
  if (got[1] !== DT.STRING) e.push(`string ${index}: bDescriptorType ${got[1]}, expected 3`);
  if (got[0] !== got.length) e.push(`string ${index}: bLength ${got[0]} but ${got.length} bytes came`);
  if (got[0] & 1) e.push(`string ${index}: bLength ${got[0]} is odd (UTF-16 code units are 2 bytes)`);
  const body = got.subarray(2, got[0] & ~1);
  if (index === 0) {
    s.langids = [];
    for (let i = 0; i + 1 < body.length; i += 2) s.langids.push(u16(body, i));
    if (!s.langids.length) e.push('string 0: no language id');
  } else {
    let t = '';
    for (let i = 0; i + 1 < body.length; i += 2) t += String.fromCharCode(u16(body, i));
    s.text = t;
  }
  return s;
}

module.exports = { DT, parseDevice, parseConfig, parseBos, parseString, parseHidReport };
