'use strict';
// The boot ROM's floating-point library (the 'SF' and 'SD' tables of the
// RP2040-B2 ROM, version 3), as the chip's ROM behaves (datasheet section
// 2.8.3.2, "Fast floating point library"). rom/rom.S keeps one entry per
// table slot, `bkpt #(0x40 + i)` / `bkpt #(0x60 + i)` then `bx lr`: the
// simulator computes the result here, writes it to r0-r3 (and the APSR
// flags for the compares), charges the call's cycles, and the ROM returns.
//
// What the chip's library does differently from IEEE 754 (the datasheet,
// and where it is silent the behaviour of the chip's ROM code), and this
// model with it: denormal inputs are read as zeros of the same sign, denormal
// results are flushed to zeros of the result's sign (a result that rounds,
// at full precision and unbounded exponent, to the smallest normal is
// kept); NaN inputs are read as infinities of the same sign and no NaN is
// ever returned (0 * Inf, Inf - Inf, 0 / 0 and Inf / Inf give infinities);
// sqrt of a negative number and ln of a number <= 0 give -Inf; the
// conversions to integers round towards -Inf and clamp; the conversions
// from integers round to nearest, ties to even.
//
// The basic operations are exact: single precision is computed in double
// and rounded once to single (correctly rounded for + - * / and sqrt),
// double precision in JS doubles, with the flushes above. The scientific
// functions are computed with the host's Math, not the chip's CORDIC
// routines, so their results can differ from the chip's in the last bits:
// each is warned about by name once per run. Their documented argument
// range (|x| < 128 single, |x| < 1024 double, for sin, cos, tan and
// sincos) is enforced: outside it the chip returns an undefined result,
// so the run stops naming the function.

const buf = new DataView(new ArrayBuffer(8));
const P2 = (e) => 2 ** e;
const F_MIN = P2(-126);
const D_MIN = P2(-1022);

function f32(bits) { buf.setUint32(0, bits >>> 0); return buf.getFloat32(0); }
function f32bits(v) { buf.setFloat32(0, v); return buf.getUint32(0); }
function f64(lo, hi) { buf.setUint32(0, hi >>> 0); buf.setUint32(4, lo >>> 0); return buf.getFloat64(0); }
function f64words(v) { buf.setFloat64(0, v); return [buf.getUint32(4), buf.getUint32(0)]; }

/** The ROM's reading of an argument: denormal -> signed zero, NaN -> signed infinity. */
function readF(bits) {
  const e = (bits >>> 23) & 0xff, neg = bits >>> 31;
  if (e === 0) return neg ? -0 : 0;
  if (e === 0xff) return neg ? -Infinity : Infinity;
  return f32(bits);
}
function readD(lo, hi) {
  const e = (hi >>> 20) & 0x7ff, neg = hi >>> 31;
  if (e === 0) return neg ? -0 : 0;
  if (e === 0x7ff) return neg ? -Infinity : Infinity;
  return f64(lo, hi);
}

/** A single-precision result from its exact (or correctly rounded double)
 * value: rounded to nearest even; below the smallest normal after rounding
 * at 24 bits with unbounded exponent, a zero of its sign. */
function packF(r) {
  if (r === 0 || !Number.isFinite(r)) return f32bits(Number.isNaN(r) ? Infinity : r);
  if (Math.abs(r) < F_MIN) {
    const sign = r < 0 ? 0x80000000 : 0;
    if (Math.fround(Math.abs(r) * P2(100)) >= P2(-26)) return (sign | 0x00800000) >>> 0;
    return sign;
  }
  return f32bits(Math.fround(r));
}

/** A double-precision result: r is the JS result; rescaled(), when given,
 * returns the result computed with its exponent raised by k (no underflow),
 * to decide whether it rounds to the smallest normal or is flushed. */
function packD(r, rescaled, k) {
  if (r === 0 || !Number.isFinite(r) || Math.abs(r) > D_MIN) return f64words(r);
  const kept = rescaled ? Math.abs(rescaled()) >= P2(-1022 + k) : Math.abs(r) >= D_MIN;
  return f64words(kept ? Math.sign(r) * D_MIN : (r < 0 ? -0 : 0));
}

// ---- the operations, on values already read as the ROM reads them ----------

const negative = (v) => v < 0 || Object.is(v, -0);

function add(a, b) {
  if (!Number.isFinite(a) && !Number.isFinite(b) && a !== b) return Infinity; // Inf - Inf: +Inf
  return a + b;
}
function mul(a, b) {
  if ((!Number.isFinite(a) && b === 0) || (!Number.isFinite(b) && a === 0)) {
    return negative(a) !== negative(b) ? -Infinity : Infinity;           // 0 * Inf: signed Inf
  }
  return a * b;
}
function div(a, b) {
  const neg = negative(a) !== negative(b);
  if (b === 0 || (!Number.isFinite(a) && !Number.isFinite(b))) return neg ? -Infinity : Infinity;
  return a / b;
}
function sqrt(a) {
  if (Object.is(a, -0)) return -0;
  return a < 0 ? -Infinity : Math.sqrt(a);
}
function ln(a) { return a <= 0 ? -Infinity : Math.log(a); }

/** -1, 0 or 1 for the sign-magnitude words (hi, lo) of x and y; +0 == -0. */
function cmpWords(xh, xl, yh, yl) {
  const xn = xh >>> 31, yn = yh >>> 31;
  const xm = [xh & 0x7fffffff, xl >>> 0], ym = [yh & 0x7fffffff, yl >>> 0];
  if (xn !== yn) return (xm[0] | xm[1] | ym[0] | ym[1]) === 0 ? 0 : (xn ? -1 : 1);
  const d = xm[0] !== ym[0] ? Math.sign(xm[0] - ym[0]) : Math.sign(xm[1] - ym[1]);
  return xn ? -d : d;
}
// the plain compare flushes NaN to infinity and denormals to zero (mantissa cleared)
function flushWord(hi, expBits) {
  const e = (hi >>> (31 - expBits)) & ((1 << expBits) - 1);
  return e === 0 || e === (1 << expBits) - 1;
}

// ---- integer and fixed-point conversions -------------------------------------

const I32 = [-(2n ** 31n), 2n ** 31n - 1n], U32 = [0n, 2n ** 32n - 1n];
const I64 = [-(2n ** 63n), 2n ** 63n - 1n], U64 = [0n, 2n ** 64n - 1n];

/** floor(v * 2^n) clamped to [lo, hi] (an unsigned target: 0 for anything
 * negative); v read as the ROM reads it. */
function toFix(v, n, [lo, hi]) {
  if (v === 0) return 0n;
  if (!Number.isFinite(v)) return v < 0 ? lo : hi;
  buf.setFloat64(0, v);
  const e = (buf.getUint32(0) >>> 20) & 0x7ff;
  let m = (BigInt(buf.getUint32(0) & 0xfffff) << 32n) | BigInt(buf.getUint32(4));
  m |= 1n << 52n;                                   // v read as normal: implied 1
  if (v < 0) m = -m;
  const s = e - 1075 + n;                           // v * 2^n = m * 2^s
  let r;
  if (s >= 0) r = s > 200 ? (m < 0n ? lo : hi) : m << BigInt(s);
  else r = m >> BigInt(Math.min(-s, 2000));         // BigInt >> rounds towards -Inf
  return r < lo ? lo : r > hi ? hi : r;
}

/** v / 2^n rounded to nearest even at p bits; overflow gives a signed
 * infinity, a result below the smallest normal a zero. */
function fromFix(v, n, p, emin, emax, signedZero) {
  if (v === 0n) return 0;
  const neg = v < 0n;
  let a = neg ? -v : v;
  let shift = a.toString(2).length - p;
  if (shift > 0) {
    const q0 = a >> BigInt(shift), rem = a - (q0 << BigInt(shift)), half = 1n << BigInt(shift - 1);
    a = q0 + ((rem > half || (rem === half && (q0 & 1n))) ? 1n : 0n);
    if (a >> BigInt(p)) { a >>= 1n; shift++; }
  }
  const e = Math.max(shift, 0) - n + (a.toString(2).length - 1); // exponent of the leading bit
  const sign = neg ? -1 : 1;
  if (e > emax) return sign * Infinity;
  if (e < emin) return signedZero ? sign * 0 : 0;
  return sign * Number(a) * P2(Math.max(shift, 0) - n);
}

// ---- the tables ----------------------------------------------------------------

// Entry i of both tables (offset 4 * i), the chip's ROM version 3.
const ENTRIES = ['add', 'sub', 'mul', 'div', 'cmp_fast', 'cmp_fast_flags', 'sqrt', '2int', '2fix',
  '2uint', '2ufix', 'int2', 'fix2', 'uint2', 'ufix2', 'cos', 'sin', 'tan', 'sincos', 'exp', 'ln', 'cmp',
  'atan2', 'int642', 'fix642', 'uint642', 'ufix642', '2int64', '2fix64', '2uint64', '2ufix64', 'convert'];

function entryName(dbl, i) {
  const t = dbl ? 'double' : 'float', f = dbl ? 'd' : 'f', e = ENTRIES[i];
  if (e === 'convert') return dbl ? 'double2float' : 'float2double';
  if (e === 'atan2') return f + e;
  if (e.startsWith('2')) return t + e;
  if (e.endsWith('2')) return e + t;
  return f + e;
}

// Cycles charged per call (sim/README.md, "The ROM's floating-point
// library"): the datasheet's average for double2ufix64 (52) and
// double2float (23); the others are this model's estimates by kind of
// operation, of the order of the chip's (not its figures).
const CYCLES_F = { add: 70, sub: 70, mul: 60, div: 75, cmp_fast: 20, cmp_fast_flags: 20, cmp: 30, sqrt: 65,
  conv: 25, conv64: 55, cos: 600, sin: 600, tan: 750, sincos: 700, exp: 500, ln: 500, atan2: 600, convert: 25 };
const CYCLES_D = { add: 105, sub: 105, mul: 180, div: 240, cmp_fast: 25, cmp_fast_flags: 25, cmp: 40, sqrt: 280,
  conv: 45, conv64: 52, cos: 3000, sin: 3000, tan: 3800, sincos: 3300, exp: 2800, ln: 3200, atan2: 3400, convert: 23 };
function cyclesOf(dbl, i) {
  const e = ENTRIES[i], t = dbl ? CYCLES_D : CYCLES_F;
  if (t[e] !== undefined) return t[e];
  return /64/.test(e) ? t.conv64 : t.conv;
}

const SCIENTIFIC = { cos: 'cos', sin: 'sin', tan: 'tan', sincos: 'sin and cos', exp: 'exp', ln: 'log', atan2: 'atan2' };
const TRIG_RANGE = { cos: 1, sin: 1, tan: 1, sincos: 1 };

/**
 * Perform entry i of the float (dbl false) or double table for core c.
 * @returns {null|string} null when done (registers and flags written), or
 *   why the call cannot be modelled (the run then stops naming it).
 */
function call(sim, c, dbl, i) {
  const R = c.registers, e = ENTRIES[i], name = entryName(dbl, i);
  const x = dbl ? readD(R[0], R[1]) : readF(R[0]);
  const y = dbl ? readD(R[2], R[3]) : readF(R[1]);
  const nArg = dbl ? R[2] | 0 : R[1] | 0;          // fraction bits of the fix forms
  const setF = (v) => { R[0] = packF(v); };
  const setD = (v, rescaled, k) => { [R[0], R[1]] = packD(v, rescaled, k); };
  const set = (v) => (dbl ? setD(v) : setF(v));
  const set64 = (v) => { const u = BigInt.asUintN(64, v); R[0] = Number(u & 0xffffffffn); R[1] = Number(u >> 32n); };
  if (SCIENTIFIC[e]) {
    if (TRIG_RANGE[e] && !(Math.abs(x) < (dbl ? 1024 : 128))) {
      return `${name}(${x}): outside the argument range the datasheet gives for the ROM's ${dbl ? 'double' : 'single'}-precision ${e} (|x| < ${dbl ? 1024 : 128}); the chip's result there is not defined`;
    }
    sim.warn(`ROM floating-point: ${name} is computed with the host's Math.${SCIENTIFIC[e].replace(' and ', ' and Math.')}, not the chip's CORDIC routine: its result can differ from the chip's in the last bits`);
  }
  switch (e) {
    case 'add': case 'sub': {
      const b = e === 'sub' ? -y : y, r = add(x, b);
      if (dbl) setD(r, () => r * P2(600), 600); else setF(r);
      break;
    }
    case 'mul': {
      const r = mul(x, y);
      if (dbl) setD(r, () => (x * P2(600)) * (y * P2(600)), 1200); else setF(r);
      break;
    }
    case 'div': {
      const r = div(x, y);
      if (dbl) setD(r, () => (x * P2(600)) / (y * P2(-600)), 1200); else setF(r);
      break;
    }
    case 'sqrt': set(sqrt(x)); break;
    case 'cmp': case 'cmp_fast': case 'cmp_fast_flags': {
      let w = dbl ? [R[1], R[0], R[3], R[2]] : [R[0], 0, R[1], 0];
      if (e === 'cmp') {
        const eb = dbl ? 11 : 8, mask = dbl ? 0xfff00000 : 0xff800000;
        if (flushWord(w[0], eb)) w = [w[0] & mask, 0, w[2], w[3]];
        if (flushWord(w[2], eb)) w = [w[0], w[1], w[2] & mask, 0];
      }
      const r = cmpWords(w[0], w[1], w[2], w[3]);
      R[0] = r >>> 0;
      c.N = r < 0; c.Z = r === 0; c.C = true; c.V = false;   // as `subs r0, r, #0`
      break;
    }
    case '2int': case '2fix': case '2uint': case '2ufix': {
      const n = e.endsWith('fix') ? nArg : 0;
      R[0] = Number(BigInt.asUintN(32, toFix(x, n, e.includes('u') ? U32 : I32)));
      break;
    }
    case '2int64': case '2fix64': case '2uint64': case '2ufix64': {
      const n = e.startsWith('2fix') || e.startsWith('2ufix') ? nArg : 0;
      set64(toFix(x, n, e.includes('u') ? U64 : I64));
      break;
    }
    case 'int2': case 'fix2': case 'uint2': case 'ufix2': {
      const v = e.startsWith('u') ? BigInt(R[0] >>> 0) : BigInt(R[0] | 0);
      const n = e.includes('fix') ? R[1] | 0 : 0;
      if (dbl) setD(fromFix(v, n, 53, -1022, 1023, true));
      else R[0] = f32bits(fromFix(v, n, 24, -126, 127, false));
      break;
    }
    case 'int642': case 'fix642': case 'uint642': case 'ufix642': {
      const w = (BigInt(R[1] >>> 0) << 32n) | BigInt(R[0] >>> 0);
      const v = e.startsWith('u') ? w : BigInt.asIntN(64, w);
      const n = e.includes('fix') ? R[2] | 0 : 0;
      if (dbl) setD(fromFix(v, n, 53, -1022, 1023, true));
      else R[0] = f32bits(fromFix(v, n, 24, -126, 127, false));
      break;
    }
    case 'convert':
      if (dbl) R[0] = double2float(R[0], R[1]);
      else setD(x);                                  // float2double: exact, flushed as read
      break;
    case 'sin': set(Math.sin(x)); break;
    case 'cos': set(Math.cos(x)); break;
    case 'tan': set(Math.tan(x)); break;
    case 'sincos':
      if (dbl) { const cw = packD(Math.cos(x)); setD(Math.sin(x)); [R[2], R[3]] = cw; } else { R[1] = packF(Math.cos(x)); setF(Math.sin(x)); }
      break;
    case 'exp': set(Math.exp(x)); break;
    case 'ln': set(ln(x)); break;
    case 'atan2': set(Math.atan2(x, y)); break;       // atan2(y in the first argument, x in the second)
    default: return `${name}: not modelled`;
  }
  c.cycles += cyclesOf(dbl, i);
  return null;
}

/** double2float as the chip's ROM does it: rounded to nearest even; below
 * the smallest normal a signed zero, except that a value whose top 23
 * fraction bits are all ones just below it gives the smallest normal;
 * overflow, infinity and NaN give a signed infinity. */
function double2float(lo, hi) {
  const sign = (hi & 0x80000000) >>> 0, e = ((hi >>> 20) & 0x7ff) - (0x3ff - 0x7f);
  if (e >= 0xff) return (sign | 0x7f800000) >>> 0;
  if (e <= 0) {
    const top23 = ((hi & 0xfffff) === 0xfffff) && (lo >>> 29) === 7;
    return e === 0 && top23 ? (sign | 0x00800000) >>> 0 : sign;
  }
  return f32bits(Math.fround(f64(lo, hi)));
}

module.exports = { call, entryName, cyclesOf, ENTRIES };
