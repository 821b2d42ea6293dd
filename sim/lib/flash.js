'use strict';
// The board's serial NOR flash as the RP2040 sees it: a Pico's Winbond
// W25Q16JV (2 MiB) behind the XIP block and the SSI.
//
//  - contents: erase sets bytes to 0xff, program can only clear bits;
//  - timing: a page program or an erase keeps the chip busy for the
//    datasheet's typical time (table below), plus the SSI transfer of the
//    command and data at the SSI's clock;
//  - XIP availability: execute-in-place reads work only while the SSI is set
//    up for them (enabled, EEPROM-read transfers, a read command or
//    continuous-read mode that matches the chip's state) and the chip is not
//    busy. Any instruction fetch or data read from 0x10000000-0x13ffffff by
//    either core (or DMA) outside that state stops the run (exit status 112)
//    with the core, pc and address: on the chip it returns garbage;
//  - the XIP cache: a read through a cached alias of a sector changed since
//    the last XIP_CTRL flush is reported once as a warning (the chip may
//    return stale data);
//  - the boot ROM's flash_range_erase / flash_range_program (ROM traps 0x10,
//    0x11, and 0x12 while the ROM waits for the chip);
//  - power cuts (--power-cut-at, --power-cut-random) and the flash file
//    (--flash-file) that keeps the contents between runs.
//
// An operation cut by a power cut leaves a partial result, chosen by a
// seeded generator (see README "The flash"):
//   page program: either the first k bytes programmed, byte k with a random
//     subset of its bits, the rest untouched ("prefix"), or every bit that
//     was to be cleared cleared with probability = the fraction of the
//     programming time elapsed ("scatter");
//   erase: the sector's bits pulled to 0 at random ("preprogram": erase
//     algorithms first program every cell), pushed to 1 at random
//     ("erasing"), or random bytes ("garbage"); in the first two the
//     probability per bit is the fraction of the erase time elapsed.
// Both are at least as hostile as a real NOR chip, whose interrupted
// operations leave cells in between; marginal cells that read differently
// from one read to the next are not modelled.

const { STATE_HALT, hex } = require('./core');

const CAPACITY = 2 * 1024 * 1024;   // W25Q16JV: 16 Mbit
const SECTOR = 4096;
const PAGE = 256;
const XIP_LO = 0x10000000;
const XIP_HI = 0x14000000;

// Typical times in ns, Winbond W25Q16JV datasheet, "AC Electrical
// Characteristics" (maximum in the comment).
const T_PP = 0.4e6;     // tPP  page program            0.4 ms (3 ms)
const T_SE = 45e6;      // tSE  4 KiB sector erase       45 ms (400 ms)
const T_BE1 = 120e6;    // tBE1 32 KiB block erase      120 ms (1.6 s)
const T_BE2 = 150e6;    // tBE2 64 KiB block erase      150 ms (2 s)
const T_CE = 5e9;       // tCE  chip erase                5 s (25 s)
const T_W = 10e6;       // tW   write status register    10 ms (15 ms)

const ERASE_CMDS = new Map([[0x20, [SECTOR, T_SE]], [0x52, [32768, T_BE1]], [0xd8, [65536, T_BE2]],
  [0x60, [CAPACITY, T_CE]], [0xc7, [CAPACITY, T_CE]]]);
const READ_CMDS = new Set([0x03, 0x0b, 0x3b, 0x6b, 0xbb, 0xeb]);

/** A small seeded generator (mulberry32): the same seed gives the same cut. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class FlashChip {
  constructor(sim) {
    this.sim = sim;
    this.mem = sim.mcu.flash;       // rp2040js's flash array; the chip is its first 2 MiB
    this.ops = [];                  // {kind, addr, size, data, start, end} in ns, oldest first
    this.busyUntil = 0;
    this.continuous = false;        // continuous-read (XIP) mode of the chip
    this.dirty = new Set();         // sectors changed since the last XIP cache flush
    this.erases = new Uint32Array(CAPACITY / SECTOR);
    this.pagePrograms = 0;
    this.busyNanos = 0;
    this.violations = 0;
    this.file = null;               // --flash-file
    this.imageSectors = null;       // sectors erased for the image on this load
    this.rng = prng(1);
    this.lastCut = null;
  }

  // ---- operations in time ---------------------------------------------------
  /** Queue an operation that starts at `at` ns (or when the chip is free) and takes `dur` ns. */
  schedule(kind, addr, size, data, at, dur) {
    const start = Math.max(at, this.busyUntil);
    const op = { kind, addr, size, data, start, end: start + dur };
    this.ops.push(op);
    this.busyUntil = op.end;
    this.busyNanos += dur;
    this.refresh();
    return op.end;
  }
  /** Apply every operation finished by `now` (ns). */
  settle(now) {
    while (this.ops.length && this.ops[0].end <= now) this.apply(this.ops.shift());
  }
  /** Operations not yet finished at `now` (queued ones included). */
  pending(now) { this.settle(now); return this.ops.length > 0; }
  /** The chip is executing an operation at `now` (its status register's BUSY bit). */
  busyNow(now) { this.settle(now); return this.ops.length > 0 && this.ops[0].start <= now; }

  apply(op) {
    const m = this.mem;
    if (op.kind === 'erase') {
      m.fill(0xff, op.addr, op.addr + op.size);
      for (let s = op.addr; s < op.addr + op.size; s += SECTOR) { this.erases[s / SECTOR]++; this.dirty.add(s / SECTOR); }
    } else if (op.kind === 'program') {
      const page = op.addr & ~(PAGE - 1);
      for (let i = 0; i < op.data.length; i++) m[page | ((op.addr + i) & (PAGE - 1))] &= op.data[i];
      this.pagePrograms++;
      this.dirty.add(page / SECTOR | 0);
    }
    this.refresh();
  }

  eraseOp(cmd, addr, at) {
    const [size, dur] = ERASE_CMDS.get(cmd);
    return this.schedule('erase', (addr & (CAPACITY - 1)) & ~(size - 1), size, null, at, dur);
  }
  programOp(addr, data, at) {
    return this.schedule('program', addr & (CAPACITY - 1), data.length, Uint8Array.from(data), at, T_PP);
  }
  statusWriteOp(at) { return this.schedule('status', 0, 0, null, at, T_W); }

  // ---- XIP ------------------------------------------------------------------
  /** Why the SSI and the chip's mode rule XIP reads out, or null. */
  ssiBlocker() {
    const r = this.sim.ssi.regs;
    if (!(r[2] & 1)) return 'the SSI is disabled (SSIENR = 0)';
    if (((r[0] >>> 8) & 3) !== 3) return 'the SSI is set up for serial commands, not XIP reads (flash_exit_xip)';
    const spi = r[0xf4 >>> 2], instL = (spi >>> 8) & 3, cmd = spi >>> 24;
    if (instL === 0 && !this.continuous) return 'the SSI sends no command but the flash is not in continuous-read mode';
    if (instL !== 0 && this.continuous) return 'the flash is in continuous-read mode but the SSI sends a command';
    if (instL !== 0 && !READ_CMDS.has(cmd)) return `the SSI's XIP command 0x${cmd.toString(16)} is not a read command`;
    return null;
  }
  /** Why XIP reads do not work at `now` (ns), or null if they do. */
  xipBlocker(now) {
    const why = this.ssiBlocker();
    if (why) return why;
    return this.pending(now) ? 'the flash is busy (erase or program in progress)' : null;
  }
  /** Recompute the simulator's fast-path flags (called whenever the state may have changed). */
  refresh() {
    const sim = this.sim;
    const down = this.ops.length > 0 || this.ssiBlocker() !== null;
    if (down && !sim.xipDown) {
      for (const c of sim.cores) if (c.fetchBase >= XIP_LO && c.fetchBase < XIP_HI) c.invalidateFetch();
    }
    sim.xipDown = down;
    sim.flashSlow = down || this.dirty.size > 0;
  }
  /** Instruction fetch from the XIP range at `pc` while the fast path is off: false if it stopped the run. */
  fetchCheck(c, pc) {
    const why = this.xipBlocker(this.sim.nowNanos());
    this.refresh();
    if (!why) return true;
    this.violation(c, pc, 'fetched an instruction', pc, why);
    return false;
  }
  /** A data read of the XIP range while the fast path is off (core null: DMA). */
  read(c, a, size) {
    const why = this.xipBlocker(this.sim.nowNanos());
    this.refresh();
    if (why) {
      this.violation(c, a, 'read data', c ? c.registers[15] : 0, why);
      return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
    }
    const o = a & 0xffffff;
    if ((a >>> 24) < 0x12 && this.dirty.has(o / SECTOR | 0)) {
      this.sim.warn(`flash sector 0x${(o & ~(SECTOR - 1)).toString(16)} read through the XIP cache after an erase/program without a cache flush (flash_flush_cache): the chip may return stale data`);
      this.dirty.delete(o / SECTOR | 0);
      this.refresh();
    }
    const f = this.mem;
    return size === 4 ? (f[o] | f[o + 1] << 8 | f[o + 2] << 16 | f[o + 3] << 24) >>> 0 : size === 2 ? f[o] | f[o + 1] << 8 : f[o];
  }
  violation(c, addr, what, pc, why) {
    this.violations++;
    const who = c ? `core ${c.index}` : 'DMA';
    this.sim.stop('xip', {
      core: c ? c.index : -1, pc: pc >>> 0, address: addr >>> 0,
      message: `${who} ${what} at 0x${hex(addr)} (pc 0x${hex(pc)}) while XIP was unavailable: ${why}; on the chip this reads garbage`,
    });
    if (c) this.sim.enterState(c, STATE_HALT);
  }
  flushCache() { this.dirty.clear(); this.refresh(); }
  /** What the boot ROM leaves (flash_enter_cmd_xip): plain 03h XIP reads. For --direct. */
  enterCmdXip() {
    const r = this.sim.ssi.regs;
    r[2] = 0;
    r[0] = (31 << 16) | (3 << 8);
    r[0xf4 >>> 2] = (0x03 << 24) | (2 << 8) | (6 << 2);
    r[2] = 1;
    this.continuous = false;
    this.refresh();
  }

  // ---- the boot ROM's flash functions (rom/rom.S traps) ------------------------
  /** ROM trap n (0x10..0x1f) on core c. Returns false if the run was stopped. */
  romCall(c, n, pc) {
    switch (n) {
      case 0x10: return this.romErase(c);
      case 0x11: return this.romProgram(c, pc);
      case 0x12: return this.romWait(c);
    }
    this.sim.lockup(c, `unknown ROM trap ${n}`, pc);
    return false;
  }
  /** Nanoseconds the SSI needs to shift `bytes` bytes at its programmed clock. */
  transferNanos(bytes) {
    let baud = this.sim.ssi.regs[0x14 >>> 2] & 0xfffe;
    if (!baud) { this.sim.warn('flash command through the SSI with BAUDR = 0 (no SSI clock): timed as BAUDR = 6'); baud = 6; }
    return bytes * 8 * baud * 1e9 / this.sim.clkSys;
  }
  romCheckMode(what) {
    if (!this.ssiBlocker()) {
      this.sim.warn(`${what} called while the SSI was still set up for XIP reads (no flash_exit_xip first): on the chip its commands would not reach the flash as sent; modelled as if they did`);
    }
  }
  /** flash_range_erase(addr r0, count r1, block_size r2, block_cmd r3), as the ROM loops. */
  romErase(c) {
    const r = c.registers;
    this.romCheckMode('flash_range_erase');
    let addr = r[0] >>> 0;
    const goal = (addr + (r[1] >>> 0)) >>> 0, bs = r[2] >>> 0, cmd = r[3] & 0xff;
    let t = this.sim.nowNanos();
    while (addr < goal) {
      t += this.transferNanos(1 + 4);               // write enable, command + address
      if (bs && !(addr & (bs - 1)) && goal - addr >= bs) {
        if (!ERASE_CMDS.has(cmd)) {
          this.sim.warn(`flash_range_erase with block command 0x${cmd.toString(16)}, which a W25Q16JV does not know: nothing erased`);
        } else {
          t = this.eraseOp(cmd, addr, t);
        }
        addr = (addr + bs) >>> 0;
        if (addr === 0) break;
      } else {
        t = this.eraseOp(0x20, addr, t);
        addr = (addr + SECTOR) >>> 0;
        if (addr < SECTOR) break;
      }
    }
    return true;
  }
  /** flash_range_program(addr r0, data r1, count r2): 256 bytes from data per page, as the ROM does. */
  romProgram(c, pc) {
    const r = c.registers;
    this.romCheckMode('flash_range_program');
    let addr = r[0] >>> 0, src = r[1] >>> 0;
    const goal = (addr + (r[2] >>> 0)) >>> 0;
    let t = this.sim.nowNanos();
    const buf = new Uint8Array(PAGE);
    while (addr < goal) {
      for (let i = 0; i < PAGE; i++) {
        const a = (src + i) >>> 0;
        if (a >= XIP_LO && a < XIP_HI) {
          this.violation(c, a, 'flash_range_program read its data', pc, 'the data is in flash, which the ROM cannot read while programming it');
          return false;
        }
        buf[i] = this.sim.read8(a);
      }
      t += this.transferNanos(1 + 4 + PAGE);        // write enable, command + address, data
      t = this.programOp(addr, buf, t);
      addr = (addr + PAGE) >>> 0;
      src = (src + PAGE) >>> 0;
      if (addr < PAGE) break;
    }
    return true;
  }
  /** The ROM polls the status register: let time pass up to the end of the work (or the scheduler's horizon). r0 = 1 while busy. */
  romWait(c) {
    const sim = this.sim;
    if (!this.pending(sim.nowNanos())) { c.registers[0] = 0; return true; }
    let target = Math.ceil(sim.nanosToCycles(this.busyUntil));
    if (target > sim.horizon) target = sim.horizon;
    if (target > sim.powerCutCycle) target = sim.powerCutCycle;
    if (target > c.cycles) c.cycles = target;
    c.registers[0] = 1;
    return true;
  }

  // ---- power cut ---------------------------------------------------------------
  /** The power goes at `now` ns: finished operations stay, the one running is left half done, queued ones never start. */
  cut(now) {
    this.settle(now);
    const op = this.ops[0];
    let info = null;
    if (op && op.start <= now && op.kind !== 'status') {
      const frac = (now - op.start) / (op.end - op.start);
      info = { kind: op.kind, addr: op.addr, size: op.size, fraction: frac, model: this.partial(op, frac) };
    }
    this.ops = [];
    this.busyUntil = now;
    this.lastCut = info;
    this.refresh();
    return info;
  }
  partial(op, frac) {
    const m = this.mem, rnd = this.rng;
    const bits = (p) => { let v = 0; for (let b = 0; b < 8; b++) if (rnd() < p) v |= 1 << b; return v; };
    if (op.kind === 'program') {
      const page = op.addr & ~(PAGE - 1);
      const at = (i) => page | ((op.addr + i) & (PAGE - 1));
      if (rnd() < 0.5) {
        const k = Math.floor(frac * op.data.length);
        for (let i = 0; i < k; i++) m[at(i)] &= op.data[i];
        if (k < op.data.length) m[at(k)] &= op.data[k] | bits(0.5);
        return 'prefix';
      }
      for (let i = 0; i < op.data.length; i++) m[at(i)] &= ~(~op.data[i] & bits(frac));
      return 'scatter';
    }
    for (let s = op.addr; s < op.addr + op.size; s += SECTOR) { this.erases[s / SECTOR]++; this.dirty.add(s / SECTOR); }
    const x = rnd();
    if (x < 1 / 3) { for (let i = op.addr; i < op.addr + op.size; i++) m[i] &= ~bits(frac); return 'preprogram'; }
    if (x < 2 / 3) { for (let i = op.addr; i < op.addr + op.size; i++) m[i] |= bits(frac); return 'erasing'; }
    for (let i = op.addr; i < op.addr + op.size; i++) m[i] = (rnd() * 256) | 0;
    return 'garbage';
  }

  // ---- the flash file -------------------------------------------------------------
  /** Start from the contents of `path` (if it exists) and keep them there at the end of the run. */
  attachFile(path, UserError) {
    const fs = require('fs');
    this.file = path;
    this.imageSectors = new Set();
    let buf;
    try { buf = fs.readFileSync(path); } catch (e) {
      if (e.code === 'ENOENT') return;             // a fresh chip: all 0xff
      throw new UserError(`--flash-file ${path}: ${e.message}`);
    }
    if (buf.length !== CAPACITY) throw new UserError(`--flash-file ${path}: ${buf.length} bytes, expected ${CAPACITY} (a 2 MiB W25Q16JV)`);
    this.mem.set(buf, 0);
  }
  /** Place firmware bytes at flash offset `o`: with a flash file, as a UF2 copy does (each sector it touches erased first). */
  place(o, data) {
    if (this.imageSectors) {
      for (let s = Math.floor(o / SECTOR); s * SECTOR < o + data.length; s++) {
        if (!this.imageSectors.has(s)) { this.imageSectors.add(s); this.mem.fill(0xff, s * SECTOR, (s + 1) * SECTOR); }
      }
    }
    this.mem.set(data, o);
  }
  /** Write the contents (the first 2 MiB) back to the flash file, if there is one. */
  save() {
    if (!this.file) return;
    const fs = require('fs');
    this.settle(this.sim.nowNanos());
    const tmp = `${this.file}.tmp${process.pid}`;
    fs.writeFileSync(tmp, this.mem.subarray(0, CAPACITY));
    fs.renameSync(tmp, this.file);
  }

  stats() {
    let max = 0, sectors = 0, total = 0;
    for (const e of this.erases) { if (e) { sectors++; total += e; if (e > max) max = e; } }
    return {
      sector_erases: total, sectors_erased: sectors, max_erases_per_sector: max,
      page_programs: this.pagePrograms, busy_ms: this.busyNanos / 1e6, xip_violations: this.violations,
      ...(this.lastCut ? { power_cut: this.lastCut } : {}),
    };
  }
}

/** Wire the flash into a simulator: the SSI's commands and XIP_CTRL's flush go through the chip. */
function install(sim) {
  const chip = new FlashChip(sim);
  const ssiWrite = sim.ssi.writeUint32.bind(sim.ssi);
  sim.ssi.writeUint32 = (offset, value) => { ssiWrite(offset, value); chip.refresh(); };
  sim.ssi.chip = chip;
  const xc = sim.xipCtrl, xcWrite = xc.writeUint32.bind(xc);
  xc.writeUint32 = (offset, value) => { xcWrite(offset, value); if (offset === 0x04 && (value & 1)) chip.flushCache(); };
  sim.horizon = Infinity;
  sim.powerCutCycle = Infinity;
  chip.refresh();
  return chip;
}

module.exports = { FlashChip, install, prng, CAPACITY, SECTOR, PAGE, ERASE_CMDS, READ_CMDS, T_PP, T_SE, T_BE1, T_BE2, T_CE, T_W };
