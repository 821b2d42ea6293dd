'use strict';
// The RP2040's two PIO blocks (datasheet chapter 3), modelled here instead
// of rp2040js's RPPIO, which runs the state machines on the host's timers,
// outside simulated time, without clock dividers or delays.
//
// What is modelled:
// - Four state machines per block, each clocked from clk_sys through its
//   CLKDIV (INT.FRAC, 16.8 bits; INT 0 means 65536): tick k after the
//   divider's start falls on cycle start + floor(k x DIV). The divider
//   starts at the CTRL write that enables the machine or restarts its
//   divider (CLKDIV_RESTART), so machines enabled together run in step; a
//   CLKDIV write takes effect from the last tick.
// - Execution: an instruction per tick, its delay as idle ticks; side-set
//   (SIDESET_COUNT with the optional enable bit SIDE_EN, SIDE_PINDIR) on
//   the first tick of an instruction even if it stalls; wrap; all nine
//   instructions (JMP with its eight conditions, WAIT GPIO/PIN/IRQ with
//   polarity, IN, OUT incl. PC/ISR/EXEC, PUSH/PULL with IfFull/IfEmpty and
//   Block, MOV incl. STATUS, invert and bit-reverse, PC and EXEC, IRQ
//   set/wait/clear with the relative index, SET); SMx_INSTR writes (run at
//   once on a disabled machine, else at its next tick; a stalled one shows
//   in EXECCTRL.EXEC_STALLED); autopush and autopull with their thresholds
//   and shift directions; FIFO join (a change flushes both FIFOs).
// - Registers: CTRL (enable, SM_RESTART, CLKDIV_RESTART), FSTAT, FDEBUG
//   (sticky, write 1 to clear), FLEVEL, TXF/RXF, IRQ and IRQ_FORCE,
//   DBG_PADOUT/PADOE/CFGINFO, INSTR_MEM, the SMx registers, INTR, IRQ0/IRQ1
//   INTE/INTF/INTS to the NVIC (PIO0 IRQ 7/8, PIO1 IRQ 9/10) and the DREQs
//   of the DMA (TX: FIFO not full, RX: FIFO not empty).
// - Pins: OUT/SET/side-set/MOV PINS and PINDIRS drive the block's pin
//   latches, which reach a GPIO whose FUNCSEL selects this block, at the
//   cycle of the tick; inputs (IN PINS, MOV PINS, WAIT, JMP PIN) read the
//   GPIO input levels, driven from inside or outside.
// - The 2-flip-flop input synchronizers: a pin change in cycle a is seen
//   by the ticks from a + 3 on (WAIT, IN, MOV and JMP PIN alike), two
//   cycles later than a pin whose INPUT_SYNC_BYPASS bit is set (from a + 1).
//
// Timing in the simulator: the blocks run lazily. Each access to a PIO
// register, a GPIO or another peripheral first brings them up to the
// accessing core's cycle (sync), taking each tick at its own cycle (a pin
// change is recorded with that cycle's time; the peripherals' clock, and
// the alarms due, are brought to it first). While something notices a
// PIO's cycles without such an access (a PIO interrupt enabled, a GPIO
// interrupt on one of its pins, a DMA channel paced by its DREQs:
// Simulator.pioObserved), the scheduler also stops the cores at the next
// tick of a running machine (nextCycle), so interrupts and DMA requests
// come at their cycle. A machine stalled on a FIFO, WAIT or IRQ sleeps
// until something it waits for changes, and costs nothing until then;
// nothing runs while no machine is enabled.
//
// Not modelled (README "Approximations"): OUT_STICKY and INLINE_OUT_EN
// (stored; warned about); priority between machines writing the same pin
// in one cycle follows their order (the highest-numbered one wins, as on
// the chip) but is not otherwise checked;
// autopull refills the OSR only at an OUT (at its start when empty, or at
// its end when the threshold is reached and the TX FIFO has data); an
// SMx_INSTR write to a running machine runs at its next tick, after a delay
// in progress.

const { BasePeripheral } = require('rp2040js');

const IMEM = 32;
const FUNC_PIO0 = 6;

// EXECCTRL
const SIDE_EN = 1 << 30, SIDE_PINDIR = 1 << 29, INLINE_OUT_EN = 1 << 18, OUT_STICKY = 1 << 17, STATUS_SEL = 1 << 4;
// SHIFTCTRL
const FJOIN_RX = 1 << 31, FJOIN_TX = 1 << 30, OUT_RIGHT = 1 << 19, IN_RIGHT = 1 << 18, AUTOPULL = 1 << 17, AUTOPUSH = 1 << 16;

// results of one instruction
const DONE = 0, JUMPED = 1, STALL = 2;

function rev32(v) {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}
const mask = (n) => (n >= 32 ? 0xffffffff : ((1 << n) - 1) >>> 0);

class StateMachine {
  constructor(block, n) {
    this.block = block;
    this.n = n;
    this.reset();
  }
  reset() {
    this.clkdiv = 0x00010000;
    this.execctrl = 0x0001f000;
    this.shiftctrl = 0x000c0000;
    this.pinctrl = 0x14000000;
    this.pc = 0;
    this.x = 0;
    this.y = 0;
    this.tx = [];
    this.rx = [];
    this.divFx = 256;       // the divider in 1/256ths of a cycle
    this.start = 0;         // the divider's reference cycle
    this.k = 0;             // index of the last tick taken
    this.nextK = Infinity;  // index of the next tick; Infinity: not running, or asleep
    this.restart();
  }
  /** SM_RESTART: shift counters, delay, stalls and pending EXEC cleared. */
  restart() {
    this.isr = 0;
    this.isrCount = 0;
    this.osr = 0;
    this.osrCount = 32;     // empty
    this.stalled = -1;      // the instruction being retried after a stall
    this.exec = -1;         // an instruction to run at the next tick (EXEC, SMx_INSTR)
    this.waitOn = 0;        // what a stalled machine waits for: 1 FIFO, 2 GPIO, 4 IRQ
    this.stalledExec = false;
    this.sidePending = null;
  }
  get enabled() { return !!(this.block.ctrl & (1 << this.n)); }
  get wrapTop() { return (this.execctrl >>> 12) & 31; }
  get wrapBottom() { return (this.execctrl >>> 7) & 31; }
  get txCap() { return this.shiftctrl & FJOIN_TX ? 8 : this.shiftctrl & FJOIN_RX ? 0 : 4; }
  get rxCap() { return this.shiftctrl & FJOIN_RX ? 8 : this.shiftctrl & FJOIN_TX ? 0 : 4; }
  get pullThresh() { return ((this.shiftctrl >>> 25) & 31) || 32; }
  get pushThresh() { return ((this.shiftctrl >>> 20) & 31) || 32; }

  tickAt(k) { return this.start + Math.floor((k * this.divFx) / 256); }
  get nextCycle() { return this.nextK === Infinity ? Infinity : this.tickAt(this.nextK); }
  /** Start the divider at cycle `now` (enable, CLKDIV_RESTART). */
  startDivider(now) { this.start = now; this.k = 0; if (this.nextK !== Infinity) this.nextK = 1; }
  setDivider(v, now) {
    const last = this.tickAt(this.k);
    const ahead = this.nextK === Infinity ? Infinity : this.nextK - this.k;
    this.clkdiv = v & 0xffffff00;
    const int = v >>> 16;
    this.divFx = (int === 0 ? 65536 : int) * 256 + ((v >>> 8) & 0xff);
    if (int === 0 && (v & 0xff00)) this.block.sim.warn(`${this.block.name}: CLKDIV with INT 0 and FRAC nonzero: the datasheet allows FRAC only with INT 0 meaning 65536; taken as 65536 + FRAC/256`);
    this.start = last;
    this.k = 0;
    this.nextK = ahead;
    // a delay in progress at the old rate: not before the first tick after now
    if (ahead !== Infinity && this.tickAt(ahead) <= now) { this.nextK = Infinity; this.wake(now); }
  }
  /** Run again at the first tick after cycle `now` (something it may wait for changed). */
  wake(now) {
    if (this.nextK !== Infinity || !this.enabled) return;
    let k = Math.max(this.k + 1, Math.floor(((now - this.start) * 256) / this.divFx));
    while (this.tickAt(k) <= now) k++;
    this.nextK = k;
    this.waitOn = 0;
  }

  // ---- FIFOs ----
  pushRx(v) { this.rx.push(v >>> 0); this.block.fifoChanged(this); }
  pullTx() { const v = this.tx.shift(); this.block.fifoChanged(this); return v; }

  // ---- pins ----
  inPins() {
    const base = (this.pinctrl >>> 15) & 31, v = this.block.inputs();
    return base ? ((v >>> base) | (v << (32 - base))) >>> 0 : v;
  }
  writePins(base, count, v, dirs) {
    const b = this.block;
    let vals = dirs ? b.pinDirections : b.pinValues;
    for (let i = 0; i < count; i++) {
      const bit = 1 << ((base + i) & 31);
      vals = (v >>> i) & 1 ? vals | bit : vals & ~bit;
    }
    if (dirs) b.pinDirections = vals >>> 0; else b.pinValues = vals >>> 0;
  }
  outPins(v, dirs) { this.writePins(this.pinctrl & 31, (this.pinctrl >>> 20) & 63, v, dirs); }
  setPins(v, dirs) { this.writePins((this.pinctrl >>> 5) & 31, (this.pinctrl >>> 26) & 7, v, dirs); }

  // ---- one tick ----
  /** Execute one tick at the block's current cycle; returns the delay to add after it. */
  step() {
    let ins, first = true, fromExec = false;
    if (this.stalled >= 0) { ins = this.stalled; first = false; fromExec = this.stalledExec; }
    else if (this.exec >= 0) { ins = this.exec; this.exec = -1; fromExec = true; }
    else ins = this.block.imem[this.pc];
    // delay and side-set share bits 12:8
    const sideCount = Math.min(5, (this.pinctrl >>> 29) & 7);
    const field = (ins >>> 8) & 31;
    const delay = field & mask(5 - sideCount);
    if (first && sideCount) {
      const ex = this.execctrl;
      const optional = !!(ex & SIDE_EN);
      const data = field >>> (5 - sideCount);
      const bits = optional ? sideCount - 1 : sideCount;
      if (!optional || (data >>> bits) & 1) {
        this.sidePending = { v: data & mask(bits), n: bits, dirs: !!(ex & SIDE_PINDIR) };
      }
    }
    const r = this.execute(ins, first);
    if (this.sidePending) { // side-set wins over the instruction's own write to the same pins
      const s = this.sidePending;
      this.sidePending = null;
      this.writePins((this.pinctrl >>> 10) & 31, s.n, s.v, s.dirs);
    }
    if (r === STALL) {
      this.stalled = ins;
      this.stalledExec = fromExec;
      return -1;
    }
    this.stalled = -1;
    if (r === DONE && !fromExec) this.advance();
    if (this.exec >= 0) return 0; // OUT/MOV EXEC: its own delay is ignored
    return delay;
  }
  advance() { this.pc = this.pc === this.wrapTop ? this.wrapBottom : (this.pc + 1) & 31; }

  jmpCond(c) {
    switch (c) {
      case 0: return true;
      case 1: return this.x === 0;
      case 2: { const t = this.x !== 0; this.x = (this.x - 1) >>> 0; return t; }
      case 3: return this.y === 0;
      case 4: { const t = this.y !== 0; this.y = (this.y - 1) >>> 0; return t; }
      case 5: return this.x !== this.y;
      case 6: return this.block.inputLevel((this.execctrl >>> 24) & 31);
      default: return this.osrCount < this.pullThresh;
    }
  }
  irqIndex(i) { return i & 0x10 ? (i & 4) | ((i + this.n) & 3) : i & 7; }
  source(s) {
    switch (s) {
      case 0: return this.inPins();
      case 1: return this.x;
      case 2: return this.y;
      case 3: return 0;
      case 5: { // STATUS
        const n = this.execctrl & 15;
        const lvl = this.execctrl & STATUS_SEL ? this.rx.length : this.tx.length;
        return lvl < n ? 0xffffffff : 0;
      }
      case 6: return this.isr;
      case 7: return this.osr;
    }
    this.block.reserved(`source ${s}`);
    return 0;
  }
  execute(ins, first) {
    const b = this.block;
    const arg = ins & 0xff;
    switch (ins >>> 13) {
      case 0: // JMP
        if (this.jmpCond(arg >>> 5)) { this.pc = arg & 31; return JUMPED; }
        return DONE;
      case 1: { // WAIT
        const pol = arg >>> 7, idx = arg & 31;
        let level;
        switch ((arg >>> 5) & 3) {
          case 0: level = b.inputLevel(idx); this.waitOn = 2; break;
          case 1: level = b.inputLevel((((this.pinctrl >>> 15) & 31) + idx) & 31); this.waitOn = 2; break;
          case 2: {
            const f = this.irqIndex(idx);
            level = !!(b.irq & (1 << f));
            this.waitOn = 4;
            if (level && pol) b.setIrq(b.irq & ~(1 << f)); // WAIT 1 IRQ clears the flag
            break;
          }
          default: b.reserved('WAIT source 3'); return DONE;
        }
        return level === !!pol ? DONE : STALL;
      }
      case 2: { // IN
        const n = arg & 31 || 32;
        const count = Math.min(32, this.isrCount + n);
        const auto = this.shiftctrl & AUTOPUSH && count >= this.pushThresh;
        if (auto && this.rx.length >= this.rxCap) { b.fdebug |= 1 << this.n; this.waitOn = 1; return STALL; } // RXSTALL
        const src = (arg >>> 5) & 7;
        const v = (src === 4 || src === 5 ? (b.reserved(`IN source ${src}`), 0) : this.source(src)) & mask(n);
        if (n === 32) this.isr = v >>> 0;
        else if (this.shiftctrl & IN_RIGHT) this.isr = ((this.isr >>> n) | (v << (32 - n))) >>> 0;
        else this.isr = ((this.isr << n) | v) >>> 0;
        this.isrCount = count;
        if (auto) { this.pushRx(this.isr); this.isr = 0; this.isrCount = 0; }
        return DONE;
      }
      case 3: { // OUT
        const n = arg & 31 || 32;
        const auto = !!(this.shiftctrl & AUTOPULL);
        if (auto && this.osrCount >= this.pullThresh) {
          if (!this.tx.length) { b.fdebug |= 1 << (24 + this.n); this.waitOn = 1; return STALL; } // TXSTALL
          this.osr = this.pullTx();
          this.osrCount = 0;
        }
        let v;
        if (n === 32) { v = this.osr; this.osr = 0; }
        else if (this.shiftctrl & OUT_RIGHT) { v = this.osr & mask(n); this.osr = this.osr >>> n; }
        else { v = this.osr >>> (32 - n); this.osr = (this.osr << n) >>> 0; }
        v >>>= 0;
        this.osrCount = Math.min(32, this.osrCount + n);
        if (auto && this.osrCount >= this.pullThresh && this.tx.length) { this.osr = this.pullTx(); this.osrCount = 0; }
        switch ((arg >>> 5) & 7) {
          case 0: this.outPins(v, false); break;
          case 1: this.x = v; break;
          case 2: this.y = v; break;
          case 3: break;
          case 4: this.outPins(v, true); break;
          case 5: this.pc = v & 31; return JUMPED;
          case 6: this.isr = v; this.isrCount = n; break;
          case 7: this.exec = v & 0xffff; break;
        }
        return DONE;
      }
      case 4: { // PUSH / PULL
        const ifx = !!(arg & 0x40), block = !!(arg & 0x20);
        if (arg & 0x80) { // PULL
          if (ifx && this.osrCount < this.pullThresh) return DONE;
          // with autopull, a PULL of a full OSR (nothing shifted out since its refill) does nothing
          if (this.shiftctrl & AUTOPULL && this.osrCount === 0) return DONE;
          if (!this.tx.length) {
            if (block) { b.fdebug |= 1 << (24 + this.n); this.waitOn = 1; return STALL; }
            this.osr = this.x; // a nonblocking PULL of an empty FIFO copies X
          } else this.osr = this.pullTx();
          this.osrCount = 0;
          return DONE;
        }
        if (ifx && this.isrCount < this.pushThresh) return DONE;
        if (this.rx.length >= this.rxCap) {
          b.fdebug |= 1 << this.n; // RXSTALL; a nonblocking PUSH drops the data
          if (block) { this.waitOn = 1; return STALL; }
        } else this.pushRx(this.isr);
        this.isr = 0;
        this.isrCount = 0;
        return DONE;
      }
      case 5: { // MOV
        const op = (arg >>> 3) & 3;
        let v = this.source(arg & 7);
        if (op === 1) v = ~v >>> 0;
        else if (op === 2) v = rev32(v);
        else if (op === 3) b.reserved('MOV operation 3');
        switch (arg >>> 5) {
          case 0: this.outPins(v, false); break;
          case 1: this.x = v; break;
          case 2: this.y = v; break;
          case 3: b.reserved('MOV destination 3'); break;
          case 4: this.exec = v & 0xffff; break;
          case 5: this.pc = v & 31; return JUMPED;
          case 6: this.isr = v; this.isrCount = 0; break;
          case 7: this.osr = v; this.osrCount = 0; break;
        }
        return DONE;
      }
      case 6: { // IRQ
        const f = this.irqIndex(arg & 31);
        const bit = 1 << f;
        if (arg & 0x40) { b.setIrq(b.irq & ~bit); return DONE; }
        if (first) {
          b.setIrq(b.irq | bit);
          if (!(arg & 0x20)) return DONE;
        }
        if (b.irq & bit) { this.waitOn = 4; return STALL; } // IRQ WAIT: until the flag is cleared
        return DONE;
      }
      default: { // SET
        const v = arg & 31;
        switch (arg >>> 5) {
          case 0: this.setPins(v, false); break;
          case 1: this.x = v; break;
          case 2: this.y = v; break;
          case 4: this.setPins(v, true); break;
          default: b.reserved(`SET destination ${arg >>> 5}`);
        }
        return DONE;
      }
    }
  }
}

class PIOBlock extends BasePeripheral {
  /** @param {number} index 0 or 1 */
  constructor(sim, mcu, index) {
    super(mcu, `PIO${index}`);
    this.sim = sim;
    this.index = index;
    this.irq0 = 7 + 2 * index;
    this.dreqBase = 8 * index;
    this.imem = new Uint16Array(IMEM);
    this.machines = [];      // rp2040js's GPIO pins look here for its own waits: none
    this.sms = [0, 1, 2, 3].map((n) => new StateMachine(this, n));
    this.cycle = 0;          // ticks up to this cycle have been taken
    this.nextCycle = Infinity;
    this.syncing = false;
    this.reset();
  }
  reset() {
    this.ctrl = 0;
    this.fdebug = 0;
    this.irq = 0;
    this.syncBypass = 0;
    this.inChanges = [];     // recent GPIO input changes {c, mask, prev}: the synchronizers' two cycles
    this.lastIn = this.rawInputs();
    this.inte = [0, 0];
    this.intf = [0, 0];
    this.lines = [false, false];
    this.dreqs = 0;
    this.pinValues = 0;
    this.pinDirections = 0;
    this.shownValues = 0;
    this.shownDirs = 0;
    this.imem.fill(0);
    for (const sm of this.sms) sm.reset();
    this.cycle = this.sim.pioNow ? this.sim.pioNow() : 0;
    for (const sm of this.sms) sm.start = this.cycle; // the dividers count from the block's reset
    this.flushPins();
    this.updateIrq();
    for (let n = 0; n < 4; n++) this.fifoChanged(this.sms[n]);
    this.reschedule();
  }

  reserved(what) { this.sim.warn(`${this.name}: reserved encoding (${what}) executed: the chip's behaviour is undefined; the model does nothing`); }

  // ---- time ----
  /** Take every tick up to cycle `t` (inclusive). */
  sync(t) {
    if (this.syncing || t <= this.cycle) return;
    this.syncing = true;
    const sim = this.sim;
    try {
      while (this.nextCycle <= t) {
        const c = this.nextCycle;
        if (c > this.cycle) this.cycle = c;
        sim.pioAt = -1;
        sim.pioClockTo(c);          // alarms due first (they may write to this block)
        sim.pioAt = this.cycle;
        for (const sm of this.sms) {
          if (sm.nextK === Infinity || sm.tickAt(sm.nextK) > c) continue;
          sm.k = sm.nextK;
          const d = sm.step();
          sm.nextK = d < 0 ? Infinity : sm.k + 1 + d;
          if (d < 0 && sm.waitOn & 2) this.wakeOnPending(sm, c);
          this.flushPins();
        }
        this.recompute();
      }
      this.cycle = t;
    } finally {
      sim.pioAt = -1;
      this.syncing = false;
    }
  }
  recompute() {
    let n = Infinity;
    for (const sm of this.sms) { const c = sm.nextCycle; if (c < n) n = c; }
    this.nextCycle = n;
  }
  /** After a change from outside the tick loop: tell the scheduler when the next tick is. */
  reschedule() {
    this.recompute();
    if (this.sim.pioChanged) this.sim.pioChanged();
  }
  /**
   * A machine stalled on a pin at cycle c while an input change is still in
   * the synchronizers (one in this very cycle, from a machine that ticked
   * before it): it looks again at the tick that sees that change.
   */
  wakeOnPending(sm, c) {
    for (const ch of this.inChanges) {
      if (ch.c > c - 3 && ch.mask & ~this.syncBypass) { sm.wake(ch.c + 2); return; }
    }
  }
  /** Wake the machines stalled on any of the `what` conditions (1 FIFO, 2 GPIO, 4 IRQ) at the first tick after cycle `now`. */
  wakeAll(what, now = this.cycle) {
    let any = false;
    for (const sm of this.sms) {
      if (sm.nextK === Infinity && sm.enabled && sm.waitOn & what) { sm.wake(now); any = true; }
    }
    if (any && !this.syncing) this.reschedule();
  }

  // ---- pins ----
  rawInputs() {
    const g = this.rp2040.gpio;
    let v = 0;
    for (let i = 0; i < 30; i++) if (g[i].inputValue) v |= 1 << i;
    return v >>> 0;
  }
  /** The GPIO levels a tick sees: through the synchronizers, each pin's level two cycles before (unless bypassed). */
  inputs() {
    let v = this.rawInputs();
    const ch = this.inChanges, c = this.tickCycle();
    if (!ch.length || ch[ch.length - 1].c <= c - 3) return v;
    for (let i = ch.length - 1; i >= 0 && ch[i].c > c - 3; i--) {
      const m = ch[i].mask & ~this.syncBypass;
      v = (v & ~m) | (ch[i].prev & m);
    }
    return v >>> 0;
  }
  inputLevel(p) {
    if (p >= 30) return false;
    const ch = this.inChanges;
    if (!ch.length || ch[ch.length - 1].c <= this.tickCycle() - 3) return this.rp2040.gpio[p].inputValue;
    return !!((this.inputs() >>> p) & 1);
  }
  tickCycle() { return this.sim.pioAt >= 0 ? this.sim.pioAt : this.cycle; }
  flushPins() {
    const changed = ((this.pinValues ^ this.shownValues) | (this.pinDirections ^ this.shownDirs)) & 0x3fffffff;
    this.shownValues = this.pinValues;
    this.shownDirs = this.pinDirections;
    if (!changed) return;
    const g = this.rp2040.gpio, f = FUNC_PIO0 + this.index;
    for (let p = 0; p < 30; p++) if (changed & (1 << p) && g[p].functionSelect === f) g[p].checkForUpdates();
  }

  // ---- interrupts, DREQs ----
  setIrq(v) {
    const before = this.irq;
    this.irq = v & 0xff;
    if (before === this.irq) return;
    this.updateIrq();
    this.wakeAll(4);
  }
  get intr() {
    let v = (this.irq & 0xf) << 8;
    for (const sm of this.sms) {
      if (sm.rx.length) v |= 1 << sm.n;
      if (sm.tx.length < sm.txCap) v |= 1 << (4 + sm.n);
    }
    return v;
  }
  ints(i) { return ((this.intr & this.inte[i]) | this.intf[i]) & 0xfff; }
  updateIrq() {
    for (let i = 0; i < 2; i++) {
      const l = this.ints(i) !== 0;
      if (l === this.lines[i]) continue;
      this.lines[i] = l;
      this.rp2040.setInterrupt(this.irq0 + i, l);
    }
  }
  fifoChanged(sm) {
    const txBit = 1 << sm.n, rxBit = 1 << (4 + sm.n);
    let d = this.dreqs;
    d = sm.tx.length < sm.txCap ? d | txBit : d & ~txBit;
    d = sm.rx.length > 0 ? d | rxBit : d & ~rxBit;
    const changed = d ^ this.dreqs;
    this.dreqs = d;
    const dma = this.sim.dma;
    if (changed && dma) {
      for (const [bit, n] of [[txBit, sm.n], [rxBit, 4 + sm.n]]) {
        if (!(changed & bit)) continue;
        if (d & bit) dma.setDREQ(this.dreqBase + n); else dma.clearDREQ(this.dreqBase + n);
      }
    }
    this.updateIrq();
  }

  // ---- registers ----
  now() { return this.sim.pioNow(); }
  readUint32(offset) {
    this.sync(this.now());
    const sms = this.sms;
    if (offset >= 0xc8 && offset < 0x128) {
      const sm = sms[Math.floor((offset - 0xc8) / 0x18)];
      switch ((offset - 0xc8) % 0x18) {
        case 0x00: return sm.clkdiv;
        case 0x04: return (sm.execctrl | (sm.stalled >= 0 && sm.stalledExec ? 1 << 31 : 0)) >>> 0;
        case 0x08: return sm.shiftctrl >>> 0;
        case 0x0c: return sm.pc;
        case 0x10: return sm.stalled >= 0 ? sm.stalled : sm.exec >= 0 ? sm.exec : this.imem[sm.pc];
        default: return sm.pinctrl >>> 0;
      }
    }
    switch (offset) {
      case 0x000: return this.ctrl;
      case 0x004: {
        let v = 0;
        for (const sm of sms) {
          const n = sm.n;
          if (sm.tx.length === 0) v |= 1 << (24 + n);
          if (sm.tx.length >= sm.txCap) v |= 1 << (16 + n);
          if (sm.rx.length === 0) v |= 1 << (8 + n);
          if (sm.rx.length >= sm.rxCap) v |= 1 << n;
        }
        return v >>> 0;
      }
      case 0x008: return this.fdebug >>> 0;
      case 0x00c: return sms.reduce((v, sm) => v | (sm.tx.length << (8 * sm.n)) | (sm.rx.length << (8 * sm.n + 4)), 0) >>> 0;
      case 0x020: case 0x024: case 0x028: case 0x02c: {
        const sm = sms[(offset - 0x20) >>> 2];
        if (!sm.rx.length) { this.fdebug |= 1 << (8 + sm.n); return 0; } // RXUNDER
        const v = sm.rx.shift();
        this.fifoChanged(sm);
        this.wakeAll(1);
        return v;
      }
      case 0x030: return this.irq;
      case 0x034: return 0;
      case 0x038: return this.syncBypass;
      case 0x03c: return this.pinValues;
      case 0x040: return this.pinDirections;
      case 0x044: return 0x00200404; // IMEM_SIZE 32, SM_COUNT 4, FIFO_DEPTH 4
      case 0x128: return this.intr;
      case 0x12c: return this.inte[0];
      case 0x130: return this.intf[0];
      case 0x134: return this.ints(0);
      case 0x138: return this.inte[1];
      case 0x13c: return this.intf[1];
      case 0x140: return this.ints(1);
    }
    return 0; // TXF and INSTR_MEM are write-only
  }
  writeUint32Atomic(offset, value, atomicType) {
    // write-1-to-clear registers and the FIFOs take the written bits, not a read-modify-write
    if (offset === 0x008 || offset === 0x030 || (offset >= 0x010 && offset < 0x020)) {
      this.sync(this.now());
      if (atomicType === 3 || atomicType === 1 || atomicType === 2) {
        if (offset >= 0x010) { this.writeUint32(offset, value); return; }
        if (atomicType === 3) return; // clearing bits of a W1C register writes 0s
      }
      this.writeUint32(offset, value);
      return;
    }
    super.writeUint32Atomic(offset, value, atomicType);
  }
  writeUint32(offset, value) {
    const now = this.now();
    this.sync(now);
    value >>>= 0;
    const sms = this.sms;
    if (offset >= 0x048 && offset < 0x0c8) { this.imem[(offset - 0x48) >>> 2] = value & 0xffff; return; }
    if (offset >= 0xc8 && offset < 0x128) {
      const sm = sms[Math.floor((offset - 0xc8) / 0x18)];
      switch ((offset - 0xc8) % 0x18) {
        case 0x00: sm.setDivider(value, now); break;
        case 0x04:
          sm.execctrl = value & 0x7fffff9f;
          if (value & (INLINE_OUT_EN | OUT_STICKY)) this.sim.warn(`${this.name}: EXECCTRL OUT_STICKY and INLINE_OUT_EN are not modelled (stored; OUT and SET write the pins as without them)`);
          break;
        case 0x08: {
          const joinChanged = (sm.shiftctrl ^ value) & (FJOIN_RX | FJOIN_TX);
          sm.shiftctrl = value & 0xffff0000;
          if (joinChanged) { sm.tx = []; sm.rx = []; this.fifoChanged(sm); this.wakeAll(1); }
          break;
        }
        case 0x0c: break; // ADDR is read-only
        case 0x10: this.forceInstr(sm, value & 0xffff, now); break;
        default: sm.pinctrl = value; break;
      }
      this.reschedule();
      return;
    }
    switch (offset) {
      case 0x000: {
        const was = this.ctrl;
        if (!was) { this.lastIn = this.rawInputs(); this.inChanges = []; } // (no input changes recorded while stopped)
        this.ctrl = value & 0xf;
        for (const sm of sms) {
          const bit = 1 << sm.n;
          if (value & (bit << 4)) sm.restart();
          const on = !!(this.ctrl & bit);
          // the dividers run free: CLKDIV_RESTART sets a divider's phase, SM_ENABLE neither stops nor
          // restarts it (the datasheet's CTRL register): an enabled machine runs from the next tick
          if (value & (bit << 8)) sm.startDivider(now);
          if (on && !(was & bit)) { sm.nextK = Infinity; sm.wake(now); }
          if (!on) sm.nextK = Infinity;
          else if (value & (bit << 4)) { sm.nextK = Infinity; sm.wake(now); } // a restart ends a stall or a delay
        }
        this.reschedule();
        return;
      }
      case 0x008: this.fdebug &= ~value; return;
      case 0x010: case 0x014: case 0x018: case 0x01c: {
        const sm = sms[(offset - 0x10) >>> 2];
        if (sm.tx.length >= sm.txCap) { this.fdebug |= 1 << (16 + sm.n); return; } // TXOVER: the word is lost
        sm.tx.push(value);
        this.fifoChanged(sm);
        this.wakeAll(1);
        return;
      }
      case 0x030: this.setIrq(this.irq & ~value); return;
      case 0x034: this.setIrq(this.irq | (value & 0xff)); return;
      case 0x038: this.syncBypass = value; return;
      case 0x12c: this.inte[0] = value & 0xfff; this.updateIrq(); return;
      case 0x130: this.intf[0] = value & 0xfff; this.updateIrq(); return;
      case 0x138: this.inte[1] = value & 0xfff; this.updateIrq(); return;
      case 0x13c: this.intf[1] = value & 0xfff; this.updateIrq(); return;
    }
  }
  /** SMx_INSTR: run at once on a disabled machine, at the next tick of an enabled one. */
  forceInstr(sm, ins, now) {
    if (sm.enabled) { sm.exec = ins; sm.stalled = -1; if (sm.nextK === Infinity) sm.wake(now); return; }
    sm.exec = ins;
    sm.stalled = -1;
    const at = this.sim.pioAt;
    this.sim.pioAt = now;
    try {
      sm.step(); // a stall leaves it latched, shown by EXEC_STALLED, until the machine runs
      this.flushPins();
    } finally { this.sim.pioAt = at; }
  }
  /**
   * A GPIO input changed: recorded at its cycle (the ticks up to it still
   * see the level before), machines waiting on pins woken at the tick that
   * sees it: from the cycle after it if bypassed, else two cycles later.
   */
  inputChanged() {
    const now = this.now(), cur = this.rawInputs(), mask = (cur ^ this.lastIn) >>> 0;
    if (mask) {
      const ch = this.inChanges;
      while (ch.length && ch[0].c <= now - 3) ch.shift();
      ch.push({ c: now, mask, prev: this.lastIn });
      this.lastIn = cur;
    }
    this.sync(now);
    this.wakeAll(2, mask & ~this.syncBypass ? now + 2 : now);
  }
}

module.exports = { PIOBlock, StateMachine };
