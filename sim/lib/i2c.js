'use strict';
// I2C target interface. rp2040js's I2C controller model calls out for every
// bus event (start, address, byte written, byte read, stop) and waits for a
// completion call; I2CBus answers those with the virtual devices attached at
// 7-bit addresses, after the time the transfer takes on the wire at the SCL
// rate the firmware programmed (9 SCL periods per byte).
//
// A device is an object with any of:
//   start(mode, repeated)  mode 'read' | 'write'; called after its address was acked
//   write(byte) -> bool    a byte from the controller; return false to NACK
//   read() -> byte         the next byte for the controller
//   stop()                 end of the transfer
//   holdUs                 microseconds it stretches the clock (holds SCL
//                          low) after acknowledging its address, before
//                          the transfer goes on; Infinity: for good
// RegisterDevice implements the common "register pointer" protocol;
// HoldingDevice is a target that stretches the clock (a busy or hung one).
// StuckDataTarget is not on the bus above but on the pins: a target left
// driving a 0 bit of a read, holding SDA low until it sees clock pulses.

const IC_ENABLE = 0x6c;
const MASTER_MODE = 1 << 0, IC_SLAVE_DISABLE = 1 << 6;  // IC_CON
const R_TX_EMPTY = 1 << 4;                              // IC_RAW_INTR_STAT

class I2CBus {
  constructor(sim, index) {
    this.sim = sim;
    this.index = index;
    this.devices = new Map();
    this.current = null;
    this.timed = true;
    const hw = sim.mcu.i2c[index];
    this.hw = hw;
    this.alarm = sim.clock.createAlarm(() => { const f = this.pending; this.pending = null; if (f) f(); });
    this.pending = null;
    this.repeated = false;
    this.transactions = 0;
    hw.onStart = (repeated) => { this.repeated = !!repeated; this.after(1, () => hw.completeStart(repeated)); };
    hw.onConnect = (address, mode) => {
      const dev = this.devices.get(address & 0x7f);
      this.current = dev || null;
      if (dev) {
        this.transactions++;
        if (dev.start) dev.start(mode === 1 ? 'read' : 'write', this.repeated);
      }
      this.after(9, () => hw.completeConnect(!!dev), dev ? dev.holdUs : 0);
    };
    hw.onWriteByte = (byte) => {
      const dev = this.current;
      const ack = dev && dev.write ? dev.write(byte & 0xff) !== false : false;
      this.after(9, () => hw.completeWrite(ack));
    };
    hw.onReadByte = () => {
      const dev = this.current;
      const v = dev && dev.read ? dev.read() & 0xff : 0xff;
      this.after(9, () => hw.completeRead(v));
    };
    // An abort flushes the TX FIFO (datasheet, IC_TX_ABRT_SOURCE): it is then
    // at or below IC_TX_TL with nothing in the shift register, so TX_EMPTY
    // is set; rp2040js leaves it clear, and the pico-sdk's
    // i2c_write_blocking, which waits for TX_EMPTY before it looks at the
    // abort, waited for good on a write to an address nobody acknowledged.
    const abort = hw.abort.bind(hw);
    hw.abort = (reason) => { abort(reason); hw.setInterrupts(R_TX_EMPTY); };
    // Target (slave) mode is not modelled: said so when the controller is
    // enabled with IC_CON.MASTER_MODE clear and IC_SLAVE_DISABLE clear.
    const write = hw.writeUint32.bind(hw);
    hw.writeUint32 = (offset, value) => {
      write(offset, value);
      if (offset === IC_ENABLE && (value & 1) && !(hw.control & (MASTER_MODE | IC_SLAVE_DISABLE))) {
        sim.warn(`I2C${index}: target (slave) mode is not modelled: the controller does not answer on the bus and raises none of its target interrupts`);
      }
    };
    hw.onStop = () => {
      const dev = this.current;
      this.current = null;
      if (dev && dev.stop) dev.stop();
      this.after(1, () => hw.completeStop());
    };
  }
  /** Attach `device` at 7-bit `address`. Returns the device. */
  attach(address, device) {
    if (!(address >= 0 && address < 0x80)) throw new RangeError(`I2C address ${address} is not a 7-bit address`);
    this.devices.set(address, device);
    return device;
  }
  detach(address) { this.devices.delete(address); }

  /** Nanoseconds of one SCL period as programmed (clk_sys counts). */
  get sclNanos() {
    const hw = this.hw;
    const cycles = (hw.sclHighPeriod || 1) + (hw.sclLowPeriod || 1);
    return (cycles * 1e9) / this.sim.clkSys;
  }
  /** Complete a bus event after `bits` SCL periods, and `holdUs` more
   *  while a target stretches the clock (Infinity: never: the controller
   *  waits for good, as a real one does on a held SCL). */
  after(bits, fn, holdUs = 0) {
    const hold = holdUs > 0 ? holdUs : 0;
    if (hold === Infinity) { this.pending = null; this.alarm.cancel(); return; }
    if (!this.timed && !hold) { fn(); return; }
    this.pending = fn;
    this.alarm.schedule((this.timed ? bits * this.sclNanos : 0) + hold * 1000);
  }
}

/**
 * A target with byte registers addressed by a pointer: a write transfer sets
 * the pointer with its first byte and stores the following bytes from there;
 * a read transfer returns bytes from the pointer. The pointer increments.
 * `onRead(reg)` may return a value to override the stored one (for live data);
 * `onWrite(reg, value)` sees every stored byte.
 */
class RegisterDevice {
  constructor(opts = {}) {
    this.regs = new Uint8Array(256);
    if (opts.regs) for (const [k, v] of Object.entries(opts.regs)) this.regs[Number(k)] = v;
    this.onRead = opts.onRead || null;
    this.onWrite = opts.onWrite || null;
    this.pointer = 0;
    this.expectPointer = false;
  }
  start(mode) { if (mode === 'write') this.expectPointer = true; }
  write(byte) {
    if (this.expectPointer) { this.pointer = byte; this.expectPointer = false; return true; }
    const reg = this.pointer;
    this.pointer = (this.pointer + 1) & 0xff;
    this.regs[reg] = byte;
    if (this.onWrite) this.onWrite(reg, byte);
    return true;
  }
  read() {
    const reg = this.pointer;
    this.pointer = (this.pointer + 1) & 0xff;
    if (this.onRead) {
      const v = this.onRead(reg);
      if (v !== undefined && v !== null) return v & 0xff;
    }
    return this.regs[reg];
  }
  stop() { this.expectPointer = false; }
}

/**
 * A target that acknowledges its address, then holds SCL low for `holdUs`
 * microseconds (Infinity, the default: for good) on every transfer, as a
 * device does while busy or when it has hung: the controller can neither
 * go on nor send a STOP meanwhile. Written bytes are taken, reads give
 * 0xff. `transfers` counts the transfers addressed to it.
 */
class HoldingDevice {
  constructor(opts = {}) {
    this.address = opts.address ?? 0x50;
    this.holdUs = opts.holdUs ?? Infinity;
    this.transfers = 0;
  }
  start() { this.transfers++; }
  write() { return true; }
  read() { return 0xff; }
}

/**
 * A target stuck in the middle of a read, at the pin level: the controller
 * was reset while the target was sending a 0 bit, so the target still pulls
 * SDA low and waits for clocks. It holds the SDA pin's input low (as a
 * level from outside the chip, which wins over the pad's pull-up) from the
 * start of the run, counts each fall of the SCL pin's level as one clock
 * pulse, and lets SDA go at the fall that ends pulse number `pulses` (the
 * rest of its byte and the controller's missing acknowledge clocked out);
 * `pulses` Infinity (the default): never, a target that must be reset. It
 * then stays quiet. `seen` counts the pulses it took.
 *
 * It acts on the pins only: the register-level bus above does not see the
 * held SDA, so a transfer the controller starts meanwhile goes on in the
 * model where a real controller would find the bus held.
 */
class StuckDataTarget {
  constructor(sim, opts = {}) {
    this.sim = sim;
    this.sda = opts.sda;
    this.scl = opts.scl;
    this.pulses = opts.pulses ?? Infinity;
    this.seen = 0;
    this.holding = true;
    let last = sim.padLevel[this.scl];
    sim.watchPin(this.scl, (level) => {
      if (this.holding && last === 1 && level === 0 && ++this.seen >= this.pulses) {
        this.holding = false;
        sim.setGpioInput(this.sda, -1);
      }
      last = level;
    });
    sim.setGpioInput(this.sda, 0);
  }
}

module.exports = { I2CBus, RegisterDevice, HoldingDevice, StuckDataTarget };
