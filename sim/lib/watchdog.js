'use strict';
// The RP2040 watchdog (datasheet 4.7), in place of rp2040js's, whose counter
// runs at a fixed 2 MHz whatever the tick generator says, reads CTRL.TIME
// from a free-running timer and counts TICK's CYCLES and COUNT as TODO.
//
// Modelled here:
// - the tick generator: one tick every TICK.CYCLES cycles of clk_ref (the
//   clock tree's CLK_REF source and divider), while TICK.ENABLE is set;
//   TICK.RUNNING and TICK.COUNT read back from it;
// - the counter: LOAD sets it (24 bits); while CTRL.ENABLE is set it counts
//   down twice per tick (RP2040-E1) and CTRL.TIME shows it; at 0 it resets
//   the chip with REASON.TIMER; CTRL.TRIGGER resets it at once with
//   REASON.FORCE;
// - what survives the reset: the block itself is reset only by the RUN pin
//   or power, so the scratch registers, REASON, LOAD's count and
//   CTRL.ENABLE survive the reboot (the simulator restarts both cores from
//   the boot ROM; simulator.js).
//
// Not modelled, said by a warning when it would matter:
// - PSM WDSEL: the chip resets only the domains it selects (nothing at all
//   with WDSEL 0); the simulator always restarts both cores. A reset while
//   WDSEL does not select PROC0 and PROC1 warns once.
// - the counter after it has reset the chip: the datasheet does not say
//   what it does while ENABLE stays set; here it stays at 0 and fires no
//   more until LOAD is written again (warned once).
// - PAUSE_DBG0/1, PAUSE_JTAG: the emulator's debugger stops the whole
//   chip, time included, so there is nothing to pause.
// - a tick generator with CYCLES 0: no ticks here (warned once while the
//   counter is enabled).
// - a change of clk_ref counts from the next watchdog register access (the
//   clock tree does not tell the watchdog).

const { BasePeripheral } = require('rp2040js');

const CTRL = 0x00, LOAD = 0x04, REASON = 0x08, SCRATCH0 = 0x0c, SCRATCH7 = 0x28, TICK = 0x2c;
const TRIGGER = 1 << 31, ENABLE = 1 << 30, PAUSE_BITS = 0x07000000, TIME_MASK = 0xffffff;
const REASON_TIMER = 1, REASON_FORCE = 2;
const TICK_CYCLES_MASK = 0x1ff, TICK_ENABLE = 1 << 9, TICK_RUNNING = 1 << 10, TICK_COUNT_SHIFT = 11;
const PSM_PROCS = (1 << 15) | (1 << 16);

class Watchdog extends BasePeripheral {
  constructor(sim, mcu) {
    super(mcu, 'WATCHDOG_BASE');
    this.sim = sim;
    this.scratch = new Uint32Array(8);
    this.reason = 0;
    this.enable = false;
    this.pause = PAUSE_BITS;         // reset value: all three set
    this.tickCycles = 0;
    this.tickEnable = true;
    this.counter = 0;                // at time 'base' (ns), in counts
    this.base = 0;                   // start of the current tick period (ns)
    this.period = 0;                 // ns per tick, 0: no ticks
    this.fired = false;              // counted to 0 and reset the chip
    this.alarm = mcu.clock.createAlarm(() => this.expire());
    this.onWatchdogTrigger = null;   // set by the simulator: (reason) => reboot
  }

  now() { return this.rp2040.clock.nanos; }

  /** ns per tick from the tick generator and clk_ref now, 0 for none. */
  tickPeriod() {
    if (!this.tickEnable || !this.tickCycles) return 0;
    const ref = this.rp2040.clocks.refFreq;
    return ref > 0 ? (this.tickCycles * 1e9) / ref : 0;
  }

  /** Ticks elapsed since base, whole ones; advances base to the last one. */
  catchUp() {
    const t = this.now();
    if (this.period > 0) {
      const n = Math.floor((t - this.base) / this.period);
      if (n > 0) {
        if (this.enable && !this.fired) this.counter = Math.max(0, this.counter - 2 * n);
        this.base += n * this.period;
      }
    } else {
      this.base = t;
    }
  }

  /** Recompute the tick rate and when the counter reaches 0. */
  reschedule() {
    this.catchUp();
    const p = this.tickPeriod();
    if (p !== this.period) {
      this.period = p;
      this.base = this.now();
    }
    this.alarm.cancel();
    if (!this.enable || this.fired) return;
    if (!this.period) {
      if (!this.tickEnable || this.tickCycles) return;
      this.sim.warn('watchdog: counter enabled with TICK.CYCLES 0; the tick generator is not modelled for it: the counter stands still');
      return;
    }
    const ticks = Math.ceil(this.counter / 2);
    const at = this.base + ticks * this.period;
    this.alarm.schedule(Math.max(0, at - this.now()));
  }

  expire() {
    this.catchUp();
    if (!this.enable || this.fired) return;
    if (this.counter > 0) { this.reschedule(); return; }
    this.fired = true;
    this.fire(REASON_TIMER);
  }

  fire(reason) {
    this.reason = reason;
    const wdsel = this.sim.psm ? this.sim.psm.wdsel >>> 0 : 0;
    if ((wdsel & PSM_PROCS) !== PSM_PROCS)
      this.sim.warn(`watchdog: reset with PSM WDSEL 0x${wdsel.toString(16)}, which does not select both processors (on the chip they would not restart); tandem-sim restarts both cores`);
    if (this.onWatchdogTrigger) this.onWatchdogTrigger(reason);
  }

  /** After the reboot the simulator did: warn if the counter still runs. */
  afterReboot() {
    if (this.enable && this.fired)
      this.sim.warn('watchdog: still enabled after its counter reset the chip; what the counter does then is not documented: tandem-sim holds it at 0 until LOAD is written');
  }

  readUint32(offset) {
    switch (offset) {
      case CTRL:
        this.catchUp();
        return ((this.enable ? ENABLE : 0) | this.pause | (this.counter & TIME_MASK)) >>> 0;
      case LOAD:
        return 0;
      case REASON:
        return this.reason;
      case TICK: {
        this.catchUp();
        let r = this.tickCycles | (this.tickEnable ? TICK_ENABLE : 0);
        if (this.period > 0) {
          const left = Math.max(1, Math.ceil((this.base + this.period - this.now()) / (this.period / this.tickCycles)));
          r |= TICK_RUNNING | ((left & 0x1ff) << TICK_COUNT_SHIFT);
        }
        return r >>> 0;
      }
      default:
        if (offset >= SCRATCH0 && offset <= SCRATCH7) return this.scratch[(offset - SCRATCH0) >> 2];
        return super.readUint32(offset);
    }
  }

  writeUint32(offset, value) {
    switch (offset) {
      case CTRL:
        this.catchUp();
        this.enable = !!(value & ENABLE);
        this.pause = value & PAUSE_BITS;
        this.reschedule();
        if (value & TRIGGER) this.fire(REASON_FORCE);
        break;
      case LOAD:
        this.catchUp();
        this.counter = value & TIME_MASK;
        this.fired = false;
        this.reschedule();
        break;
      case TICK:
        this.catchUp();
        this.tickCycles = value & TICK_CYCLES_MASK;
        this.tickEnable = !!(value & TICK_ENABLE);
        this.reschedule();
        break;
      default:
        if (offset >= SCRATCH0 && offset <= SCRATCH7) this.scratch[(offset - SCRATCH0) >> 2] = value >>> 0;
        else super.writeUint32(offset, value);
    }
  }
}

module.exports = { Watchdog };
