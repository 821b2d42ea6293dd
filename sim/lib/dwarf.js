'use strict';
// The kernel's trace points of a TRACE=sim build, read from the ELF's DWARF
// debug information (docs/trace.md, "Zero instructions in the emulator").
//
// In such a build a trace point compiles to no instruction and no data at
// all: it is a C label named td_trace_k<KIND>_<N>, which the compiler drops
// from the code, and two unused variables, td_trace_a and td_trace_b, set
// to the event's two words. The code is the code of the untraced build (the
// compiler keeps debug information from changing the code it generates),
// and the debug information still says where the label would have been (its
// DW_AT_low_pc) and where each variable's value is at that address (a
// register, a constant, an expression of registers, a stack slot: its
// location list). This module reads both: a minimal reader of DWARF 4 and 5
// (.debug_info, .debug_abbrev, .debug_str, .debug_line_str,
// .debug_loclists/.debug_loc, .debug_addr, .debug_frame) for exactly what
// the trace needs, and an evaluator of the location expressions against a
// core's registers and memory when the core reaches the address.
//
// An operand whose value the debug information does not give at that
// address (optimized out, or an expression this reader does not evaluate)
// is reported, never guessed: the point's operand is null and
// points.unreadable counts it.

const TAG_SUBPROGRAM = 0x2e, TAG_INLINED = 0x1d, TAG_LABEL = 0x0a, TAG_VARIABLE = 0x34;
const AT = { name: 0x03, location: 0x02, low_pc: 0x11, high_pc: 0x12, abstract_origin: 0x31,
  specification: 0x47, const_value: 0x1c, decl_file: 0x3a, decl_line: 0x3b, decl_column: 0x39, frame_base: 0x40,
  addr_base: 0x73, loclists_base: 0x8c, str_offsets_base: 0x72 };

class Reader {
  constructor(buf, off = 0) { this.b = buf; this.o = off; }
  u8() { return this.b[this.o++]; }
  u16() { const v = this.b.readUInt16LE(this.o); this.o += 2; return v; }
  u32() { const v = this.b.readUInt32LE(this.o); this.o += 4; return v; }
  uleb() { let r = 0, s = 0, x; do { x = this.b[this.o++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; }
  sleb() {
    let r = 0, s = 0, x;
    do { x = this.b[this.o++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
    if (x & 0x40) r -= 2 ** s;
    return r;
  }
  cstr() { let e = this.o; while (this.b[e]) e++; const s = this.b.toString('latin1', this.o, e); this.o = e + 1; return s; }
}

function cstrAt(buf, o) { if (!buf || o >= buf.length) return null; let e = o; while (buf[e]) e++; return buf.toString('latin1', o, e); }

/** The abbreviation table at off: Map code -> {tag, children, attrs: [[at, form, implicit]]}. */
function abbrevs(sec, off) {
  const r = new Reader(sec, off), m = new Map();
  for (;;) {
    const code = r.uleb();
    if (!code) return m;
    const tag = r.uleb(), children = r.u8() !== 0, attrs = [];
    for (;;) {
      const at = r.uleb(), form = r.uleb();
      if (!at && !form) break;
      attrs.push([at, form, form === 0x21 ? r.sleb() : undefined]);
    }
    m.set(code, { tag, children, attrs });
  }
}

/**
 * Read one attribute value of form `form`; returns a number, a string, a
 * {block: Buffer} (an expression), {ref: absolute offset into .debug_info},
 * or {strx/addrx/loclistx/sec: n}.
 */
function readForm(r, form, cu, s, implicit) {
  switch (form) {
    case 0x01: return r.u32();                                 // addr (32-bit targets)
    case 0x0a: { const n = r.u8(); const b = r.b.subarray(r.o, r.o + n); r.o += n; return { block: b }; }
    case 0x03: { const n = r.u16(); const b = r.b.subarray(r.o, r.o + n); r.o += n; return { block: b }; }
    case 0x04: { const n = r.u32(); const b = r.b.subarray(r.o, r.o + n); r.o += n; return { block: b }; }
    case 0x09: case 0x18: { const n = r.uleb(); const b = r.b.subarray(r.o, r.o + n); r.o += n; return { block: b }; }
    case 0x0b: return r.u8();
    case 0x05: return r.u16();
    case 0x06: return r.u32();
    case 0x07: { const lo = r.u32(), hi = r.u32(); return hi * 2 ** 32 + lo; }
    case 0x1e: r.o += 16; return 0;                            // data16
    case 0x0d: return r.sleb();
    case 0x0f: return r.uleb();
    case 0x0c: return r.u8();                                  // flag
    case 0x19: return 1;                                       // flag_present
    case 0x21: return implicit;                                // implicit_const
    case 0x11: return { ref: cu.off + r.u8() };
    case 0x12: return { ref: cu.off + r.u16() };
    case 0x13: return { ref: cu.off + r.u32() };
    case 0x14: { const v = r.u32(); r.u32(); return { ref: cu.off + v }; }
    case 0x15: return { ref: cu.off + r.uleb() };
    case 0x10: return { ref: r.u32() };                        // ref_addr (32-bit DWARF)
    case 0x20: r.o += 8; return 0;                             // ref_sig8
    case 0x17: return { sec: r.u32() };                        // sec_offset
    case 0x08: return r.cstr();
    case 0x0e: return cstrAt(s.str, r.u32());
    case 0x1f: return cstrAt(s.line_str, r.u32());
    case 0x1a: return { strx: r.uleb() };
    case 0x25: return { strx: r.u8() };
    case 0x26: return { strx: r.u16() };
    case 0x27: { const v = r.u16() + r.u8() * 65536; return { strx: v }; }
    case 0x28: return { strx: r.u32() };
    case 0x1b: return { addrx: r.uleb() };
    case 0x29: return { addrx: r.u8() };
    case 0x2a: return { addrx: r.u16() };
    case 0x2b: { const v = r.u16() + r.u8() * 65536; return { addrx: v }; }
    case 0x2c: return { addrx: r.u32() };
    case 0x22: return { loclistx: r.uleb() };
    case 0x23: return { rnglistx: r.uleb() };
    case 0x16: return readForm(r, r.uleb(), cu, s, implicit); // indirect
    default: throw new Error(`DWARF form 0x${form.toString(16)} not understood`);
  }
}

/** The ELF's sections by name: {name: Buffer}. */
function elfSections(buf) {
  const shoff = buf.readUInt32LE(32), shentsize = buf.readUInt16LE(46);
  const shnum = buf.readUInt16LE(48), shstrndx = buf.readUInt16LE(50);
  const out = {};
  if (!shoff || shstrndx >= shnum || shoff + shnum * shentsize > buf.length) return out;
  const hdr = (i) => { const o = shoff + i * shentsize; return { name: buf.readUInt32LE(o), offset: buf.readUInt32LE(o + 16), size: buf.readUInt32LE(o + 20), type: buf.readUInt32LE(o + 4) }; };
  const strs = hdr(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const h = hdr(i);
    if (h.type === 8) continue;                                // NOBITS
    const name = cstrAt(buf, strs.offset + h.name);
    if (name && h.offset + h.size <= buf.length) out[name] = buf.subarray(h.offset, h.offset + h.size);
  }
  return out;
}

/** Every DIE of .debug_info: Map offset -> {tag, attrs, parent, children, cu}. */
function readDies(s) {
  const info = s.info, dies = new Map(), cus = [];
  let off = 0;
  while (off + 11 <= info.length) {
    const r = new Reader(info, off);
    const len = r.u32();
    if (len === 0xffffffff) throw new Error('64-bit DWARF not supported');
    const end = off + 4 + len;
    const version = r.u16();
    let abbrOff, addrSize;
    if (version >= 5) { const ut = r.u8(); addrSize = r.u8(); abbrOff = r.u32(); if (ut !== 1 && ut !== 3) { off = end; continue; } }
    else { abbrOff = r.u32(); addrSize = r.u8(); }
    if (addrSize !== 4) throw new Error(`DWARF address size ${addrSize} (a 32-bit target is expected)`);
    const cu = { off, version, abbr: abbrevs(s.abbrev, abbrOff), base: 0, addrBase: 8, loclistsBase: 12, strOffBase: 8 };
    cus.push(cu);
    const stack = [];
    while (r.o < end) {
      const at = r.o;
      const code = r.uleb();
      if (!code) { stack.pop(); continue; }
      const ab = cu.abbr.get(code);
      if (!ab) throw new Error(`DWARF abbreviation ${code} missing at 0x${at.toString(16)}`);
      const attrs = new Map();
      for (const [a, form, imp] of ab.attrs) attrs.set(a, readForm(r, form, cu, s, imp));
      const die = { off: at, tag: ab.tag, attrs, parent: stack.length ? stack[stack.length - 1] : null, children: [], cu };
      if (die.parent) die.parent.children.push(die);
      else {                                                   // the unit's own DIE
        cu.die = die;
        if (attrs.has(AT.addr_base)) cu.addrBase = attrs.get(AT.addr_base).sec;
        if (attrs.has(AT.loclists_base)) cu.loclistsBase = attrs.get(AT.loclists_base).sec;
        if (attrs.has(AT.str_offsets_base)) cu.strOffBase = attrs.get(AT.str_offsets_base).sec;
        const lo = attrs.get(AT.low_pc);
        cu.base = typeof lo === 'number' ? lo : 0;
      }
      dies.set(at, die);
      if (ab.children) stack.push(die);
    }
    off = end;
  }
  return { dies, cus };
}

/**
 * Read the trace points of an ELF file (a Buffer) from its debug
 * information: [{addr, kind, a, b}], a/b each {expr: Buffer, frameBase} or
 * null when the value is not known at that address; null when the image has
 * no such labels (a build without TRACE=sim, or without -g).
 */
function tracePoints(buf) {
  const sec = elfSections(buf);
  if (!sec['.debug_info'] || !sec['.debug_abbrev']) return null;
  const s = { info: sec['.debug_info'], abbrev: sec['.debug_abbrev'], str: sec['.debug_str'],
    line_str: sec['.debug_line_str'], loclists: sec['.debug_loclists'], loc: sec['.debug_loc'],
    addr: sec['.debug_addr'], str_offsets: sec['.debug_str_offsets'] };
  // quick refusal: no label name in the strings, no trace points
  const hay = [s.str, s.info].filter(Boolean);
  if (!hay.some((b) => b.indexOf('td_trace_k') >= 0)) return null;
  const { dies } = readDies(s);

  const addrx = (cu, i) => (s.addr ? s.addr.readUInt32LE(cu.addrBase + 4 * i) : 0);
  const str = (cu, v) => (v && typeof v === 'object' && 'strx' in v
    ? cstrAt(s.str, s.str_offsets.readUInt32LE(cu.strOffBase + 4 * v.strx)) : v);
  const attr = (die, a) => {
    let d = die;
    for (let i = 0; d && i < 8; i++) {
      if (d.attrs.has(a)) return d.attrs.get(a);
      const o = d.attrs.get(AT.abstract_origin) || d.attrs.get(AT.specification);
      d = o ? dies.get(o.ref) : null;
    }
    return undefined;
  };
  const nameOf = (die) => str(die.cu, attr(die, AT.name));
  const lowPc = (die) => {
    const v = die.attrs.get(AT.low_pc);
    if (v === undefined) return null;
    return typeof v === 'object' ? addrx(die.cu, v.addrx) : v;
  };
  // the location of a variable at pc: an expression (Buffer) or null
  const locationAt = (die, pc) => {
    const v = die.attrs.get(AT.location);
    if (v === undefined) return null;
    if (v.block) return v.block;
    const cu = die.cu;
    if (cu.version >= 5) {
      if (!s.loclists) return null;
      let off = v.sec;
      if (v.loclistx !== undefined) off = cu.loclistsBase + s.loclists.readUInt32LE(cu.loclistsBase + 4 * v.loclistx);
      const r = new Reader(s.loclists, off);
      let base = cu.base, found = null;
      for (;;) {
        const k = r.u8();
        let lo, hi;
        if (k === 0) break;
        else if (k === 1) { base = addrx(cu, r.uleb()); continue; }
        else if (k === 6) { base = r.u32(); continue; }
        else if (k === 9) { r.uleb(); r.uleb(); continue; }     // view pair (GNU)
        else if (k === 2) { lo = addrx(cu, r.uleb()); hi = addrx(cu, r.uleb()); }
        else if (k === 3) { lo = addrx(cu, r.uleb()); hi = lo + r.uleb(); }
        else if (k === 4) { lo = base + r.uleb(); hi = base + r.uleb(); }
        else if (k === 5) { lo = 0; hi = 2 ** 32; }
        else if (k === 7) { lo = r.u32(); hi = r.u32(); }
        else if (k === 8) { lo = r.u32(); hi = lo + r.uleb(); }
        else throw new Error(`DWARF location list entry ${k} not understood`);
        const n = r.uleb();
        const e = s.loclists.subarray(r.o, r.o + n);
        r.o += n;
        if (pc >= lo && pc < hi) found = e;                    // the last one (the latest view)
      }
      return found;
    }
    if (!s.loc) return null;
    const r = new Reader(s.loc, v.sec);
    let base = cu.base, found = null;
    for (;;) {
      const lo = r.u32(), hi = r.u32();
      if (lo === 0 && hi === 0) break;
      if (lo === 0xffffffff) { base = hi; continue; }
      const n = r.u16();
      const e = s.loc.subarray(r.o, r.o + n);
      r.o += n;
      if (pc >= base + lo && pc < base + hi) found = e;
    }
    return found;
  };
  // the concrete function instance (subprogram or inlined copy) a DIE is in
  const instanceOf = (die) => { let d = die.parent; while (d && d.tag !== TAG_SUBPROGRAM && d.tag !== TAG_INLINED) d = d.parent; return d; };
  // the variables td_trace_a_N and td_trace_b_N of label td_trace_kK_N, in the same instance
  const findVars = (inst, n) => {
    const out = {};
    const want = { [`td_trace_a_${n}`]: 'a', [`td_trace_b_${n}`]: 'b' };
    const walk = (d) => {
      for (const c of d.children) {
        if (c.tag === TAG_INLINED || c.tag === TAG_SUBPROGRAM) continue;
        if (c.tag === TAG_VARIABLE) {
          const w = want[nameOf(c)];
          if (w) out[w] = c;
        }
        if (c.children.length) walk(c);
      }
    };
    walk(inst);
    return out;
  };
  const frameBaseOf = (inst) => {
    let d = inst;
    while (d && d.tag !== TAG_SUBPROGRAM) d = d.parent;
    const fb = d ? attr(d, AT.frame_base) : undefined;
    return fb && fb.block ? fb.block : null;
  };

  const points = [];
  let unreadable = 0;
  for (const die of dies.values()) {
    if (die.tag !== TAG_LABEL) continue;
    const pc = lowPc(die);
    if (!pc) continue;                                         // abstract, or code the linker dropped
    const m = /^td_trace_k(\d+)_(\d+)$/.exec(nameOf(die) || '');
    if (!m) continue;
    const inst = instanceOf(die);
    const vars = inst ? findVars(inst, m[2]) : {};
    const fb = inst ? frameBaseOf(inst) : null;
    const op = (v) => {
      if (!v) return null;
      const k = v.attrs.get(AT.const_value);
      if (typeof k === 'number') return { value: k >>> 0 };
      if (k && k.block) { let x = 0; for (let i = 0; i < k.block.length && i < 4; i++) x |= k.block[i] << (8 * i); return { value: x >>> 0 }; }
      const e = locationAt(v, pc);
      return e && e.length ? { expr: e, frameBase: fb } : null;
    };
    const p = { addr: pc & ~1, kind: Number(m[1]), a: op(vars.a), b: op(vars.b), where: `${nameOf(inst) || '?'}` };
    if (!p.a) unreadable++;
    if (!p.b) unreadable++;
    points.push(p);
  }
  const rules = cfaRules(sec['.debug_frame'], points.map((p) => p.addr));
  for (const p of points) p.cfa = rules.get(p.addr) || null;
  points.sort((x, y) => x.addr - y.addr);
  points.unreadable = unreadable;
  return points;
}

/**
 * The canonical frame address rule at each trace point's pc, from
 * .debug_frame (CIE/FDE, DWARF 2-4 call frame instructions): {reg, off}
 * (CFA = r[reg] + off), or null where the table does not say.
 */
function cfaRules(frame, pcs) {
  const out = new Map();
  if (!frame) return out;
  const cies = new Map(), fdes = [];
  let off = 0;
  while (off + 8 <= frame.length) {
    const r = new Reader(frame, off);
    const len = r.u32();
    if (len === 0) { off += 4; continue; }
    const end = off + 4 + len;
    const id = r.u32();
    if (id === 0xffffffff) {
      const version = r.u8();
      const aug = r.cstr();
      if (aug !== '') { off = end; continue; }
      if (version >= 4) { r.u8(); r.u8(); }
      const caf = r.uleb(), daf = r.sleb();
      if (version === 1) r.u8(); else r.uleb();
      cies.set(off, { caf, daf, init: frame.subarray(r.o, end) });
    } else {
      const lo = r.u32(), n = r.u32();
      fdes.push({ cie: id, lo, hi: lo + n, instr: frame.subarray(r.o, end) });
    }
    off = end;
  }
  for (const pc of pcs) {
    const f = fdes.find((x) => pc >= x.lo && pc < x.hi);
    const cie = f && cies.get(f.cie);
    if (!cie) { out.set(pc, null); continue; }
    let rule = { reg: 13, off: 0 }, loc = f.lo, ok = true;
    const saved = [];
    const run = (code, limit) => {
      const r = new Reader(code);
      while (r.o < code.length) {
        const op = r.u8(), hi2 = op & 0xc0, low = op & 0x3f;
        if (hi2 === 0x40) { loc += low * cie.caf; if (limit && loc > pc) return false; continue; }
        if (hi2 === 0x80) { r.uleb(); continue; }
        if (hi2 === 0xc0) continue;
        switch (op) {
          case 0x00: break;
          case 0x01: loc = r.u32(); break;
          case 0x02: loc += r.u8() * cie.caf; break;
          case 0x03: loc += r.u16() * cie.caf; break;
          case 0x04: loc += r.u32() * cie.caf; break;
          case 0x05: r.uleb(); r.uleb(); break;
          case 0x06: case 0x07: case 0x08: r.uleb(); break;
          case 0x09: r.uleb(); r.uleb(); break;
          case 0x0a: saved.push({ ...rule }); break;
          case 0x0b: rule = saved.pop() || rule; break;
          case 0x0c: rule = { reg: r.uleb(), off: r.uleb() }; break;
          case 0x0d: rule = { reg: r.uleb(), off: rule.off }; break;
          case 0x0e: rule = { reg: rule.reg, off: r.uleb() }; break;
          case 0x11: r.uleb(); r.sleb(); break;
          case 0x12: rule = { reg: r.uleb(), off: r.sleb() * cie.daf }; break;
          case 0x13: rule = { reg: rule.reg, off: r.sleb() * cie.daf }; break;
          case 0x2e: r.uleb(); break;                    // GNU_args_size
          default: ok = false; return false;             // an expression rule: not followed
        }
        if (limit && loc > pc) return false;
      }
      return true;
    };
    run(cie.init, false);
    if (ok) run(f.instr, true);
    out.set(pc, ok && rule.reg <= 15 ? rule : null);
  }
  return out;
}

/**
 * Evaluate a DWARF location expression for a 32-bit value: regs (the
 * core's r0..r15), read(addr) a word of memory, cfa() the canonical frame
 * address (or null). Returns the value, or null if the expression uses
 * what this evaluator does not know.
 */
function evaluate(expr, regs, read, frameBase, cfa) {
  const st = [];
  const r = new Reader(expr);
  let inReg = null, isValue = false;
  while (r.o < expr.length) {
    const op = r.u8();
    if (op >= 0x30 && op <= 0x4f) { st.push(op - 0x30); continue; }
    if (op >= 0x50 && op <= 0x6f) { const n = op - 0x50; if (n > 15) return null; inReg = regs[n] >>> 0; continue; }
    if (op >= 0x70 && op <= 0x8f) { const n = op - 0x70; const off = r.sleb(); if (n > 15) return null; st.push((regs[n] + off) >>> 0); continue; }
    const pop = () => { if (!st.length) throw new Error('stack'); return st.pop(); };
    try {
      switch (op) {
        case 0x03: st.push(r.u32()); break;                                 // addr
        case 0x06: { const v = read(pop() >>> 0, 4); if (v === null) return null; st.push(v); break; }
        case 0x94: { const n = r.u8(); const v = read(pop() >>> 0, n); if (v === null) return null; st.push(v); break; }
        case 0x08: st.push(r.u8()); break;
        case 0x09: st.push((r.u8() << 24) >> 24); break;
        case 0x0a: st.push(r.u16()); break;
        case 0x0b: st.push((r.u16() << 16) >> 16); break;
        case 0x0c: st.push(r.u32()); break;
        case 0x0d: st.push(r.u32() | 0); break;
        case 0x10: st.push(r.uleb()); break;
        case 0x11: st.push(r.sleb()); break;
        case 0x12: { const v = pop(); st.push(v, v); break; }
        case 0x13: pop(); break;
        case 0x14: { if (st.length < 2) return null; st.push(st[st.length - 2]); break; }
        case 0x16: { const x = pop(), y = pop(); st.push(x, y); break; }
        case 0x1a: { const x = pop(), y = pop(); st.push((y & x) >>> 0); break; }
        case 0x1c: { const x = pop(), y = pop(); st.push((y - x) >>> 0); break; }
        case 0x1e: { const x = pop(), y = pop(); st.push(Math.imul(y, x) >>> 0); break; }
        case 0x1f: st.push((-pop()) >>> 0); break;
        case 0x20: st.push((~pop()) >>> 0); break;
        case 0x21: { const x = pop(), y = pop(); st.push((y | x) >>> 0); break; }
        case 0x22: { const x = pop(), y = pop(); st.push((y + x) >>> 0); break; }
        case 0x23: st.push((pop() + r.uleb()) >>> 0); break;
        case 0x24: { const x = pop(), y = pop(); st.push(x >= 32 ? 0 : (y << x) >>> 0); break; }
        case 0x25: { const x = pop(), y = pop(); st.push(x >= 32 ? 0 : (y >>> x)); break; }
        case 0x26: { const x = pop(), y = pop(); st.push((y >> Math.min(x, 31)) >>> 0); break; }
        case 0x27: { const x = pop(), y = pop(); st.push((y ^ x) >>> 0); break; }
        case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e: {  // eq ge gt le lt ne (signed)
          const x = pop() | 0, y = pop() | 0;
          st.push([y === x, y >= x, y > x, y <= x, y < x, y !== x][op - 0x29] ? 1 : 0);
          break;
        }
        case 0x15: { const k = r.u8(); if (k >= st.length) return null; st.push(st[st.length - 1 - k]); break; }
        case 0x17: { const x = pop(), y = pop(), z = pop(); st.push(x, z, y); break; }
        case 0x19: st.push(Math.abs(pop() | 0) >>> 0); break;
        case 0x1b: { const x = pop() | 0, y = pop() | 0; if (!x) return null; st.push(Math.trunc(y / x) >>> 0); break; }
        case 0x1d: { const x = pop() >>> 0, y = pop() >>> 0; if (!x) return null; st.push(y % x); break; }
        case 0x2f: { const d = r.b.readInt16LE(r.o); r.o += 2 + d; break; }                  // skip
        case 0x28: { const d = r.b.readInt16LE(r.o); r.o += 2; if (pop()) r.o += d; break; } // bra
        case 0x90: { const n = r.uleb(); if (n > 15) return null; inReg = regs[n] >>> 0; break; }
        case 0x92: { const n = r.uleb(), off = r.sleb(); if (n > 15) return null; st.push((regs[n] + off) >>> 0); break; }
        case 0x91: {                                                        // fbreg
          const off = r.sleb();
          if (!frameBase) return null;
          const base = evaluateAddress(frameBase, regs, read, cfa);
          if (base === null) return null;
          st.push((base + off) >>> 0);
          break;
        }
        case 0x9c: { const c = cfa ? cfa() : null; if (c === null) return null; st.push(c >>> 0); break; } // call_frame_cfa
        case 0x9e: { const n = r.uleb(); let v = 0; for (let i = 0; i < n && i < 4; i++) v |= expr[r.o + i] << (8 * i); r.o += n; return v >>> 0; }
        case 0x9f: isValue = true; break;                                   // stack_value
        case 0x93: { const n = r.uleb(); if (n < 4 || r.o < expr.length) return null; break; } // one whole piece only
        default: return null;                                               // entry_value, convert, ...
      }
    } catch (e) { return null; }
  }
  if (inReg !== null) return inReg;
  if (!st.length) return null;
  const top = st[st.length - 1] >>> 0;
  if (isValue) return top;
  return read(top, 4);                                                      // the variable lives in memory
}

/** An expression giving an address (a frame base): registers as values. */
function evaluateAddress(expr, regs, read, cfa) {
  if (expr.length === 1 && expr[0] === 0x9c) return cfa ? cfa() : null;
  if (expr.length === 1 && expr[0] >= 0x50 && expr[0] <= 0x5f) return regs[expr[0] - 0x50] >>> 0;
  return evaluate(Buffer.concat([expr, Buffer.from([0x9f])]), regs, read, null, cfa);
}

module.exports = { tracePoints, evaluate, elfSections };
