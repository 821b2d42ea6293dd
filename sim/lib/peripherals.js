'use strict';
// Peripherals the dual-core model adds to or changes in rp2040js. Each one is
// either a subclass of the package's own peripheral class (reached through the
// instance the RP2040 constructor built) or a small BasePeripheral of our own.
// They are installed per simulator instance; nothing global is patched.

const { BasePeripheral } = require('rp2040js');

// ---- PSM: FRCE_OFF.PROC0/PROC1 hold a core in reset ------------------------
function makePSM(sim, Base) {
  return class PSM extends Base {
    writeUint32(offset, value) {
      const before = this.frceOff;
      super.writeUint32(offset, value);
      if (offset === 0x04) {
        for (let n = 0; n < 2; n++) {
          const bit = 1 << (15 + n);
          if (!(before & bit) && (this.frceOff & bit)) sim.holdCoreInReset(n);
          if ((before & bit) && !(this.frceOff & bit)) sim.releaseCoreReset(n);
        }
      }
    }
  };
}

// ---- IO_BANK0: per-core interrupt enables -------------------------------
// rp2040js keeps one set of enables per pin (used here as PROC0's); PROC1's
// INTE/INTF live in this subclass. IO_IRQ_BANK0 (13) of each core is driven
// from that core's own INTS.
function makeIOBank0(sim, Base) {
  return class IOBank0 extends Base {
    constructor(rp2040, name) {
      super(rp2040, name);
      this.inte1 = new Uint8Array(30);
      this.intf1 = new Uint8Array(30);
    }
    readUint32(offset) {
      sim.pinsCatchUp(); // STATUS, INTR: the TX pins as they are now
      if (offset >= 0x130 && offset < 0x160) {
        const reg = offset & ~0xf;
        const start = (offset & 0xf) * 2;
        let v = 0;
        for (let i = 7; i >= 0; i--) {
          const p = start + i;
          if (p >= 30) continue;
          const pin = this.rp2040.gpio[p];
          let nib;
          if (reg === 0x130) nib = this.inte1[p];
          else if (reg === 0x140) nib = this.intf1[p];
          else nib = (pin.irqStatus & this.inte1[p]) | this.intf1[p];
          v |= (nib & 0xf) << (4 * i);
        }
        return v >>> 0;
      }
      if (offset >= 0x160 && offset < 0x190) return 0; // dormant wake: not modelled
      return super.readUint32(offset);
    }
    writeUint32(offset, value) {
      if (offset >= 0x130 && offset < 0x150) {
        const reg = offset & ~0xf;
        const start = (offset & 0xf) * 2;
        for (let i = 0; i < 8; i++) {
          const p = start + i;
          if (p >= 30) continue;
          const nib = (value >>> (4 * i)) & 0xf;
          if (reg === 0x130) this.inte1[p] = nib; else this.intf1[p] = nib;
        }
        sim.updateGpioIrq();
        sim.pinsObservedChanged();
        return;
      }
      if (offset >= 0x150 && offset < 0x190) return; // INTS read-only; dormant ignored
      // a UART's TX pin may come or go (GPIOn_CTRL), or be watched (the interrupt enables)
      sim.pinsCatchUp();
      super.writeUint32(offset, value);
      sim.pinsObservedChanged();
    }
  };
}

// ---- SYSCFG: NMI masks per core ----------------------------------------------
class SysCfg extends BasePeripheral {
  constructor(rp2040, name, sim) { super(rp2040, name); this.sim = sim; this.regs = new Uint32Array(8); }
  readUint32(offset) {
    if (offset === 0x00) return this.sim.cores[0].nmiMask >>> 0;
    if (offset === 0x04) return this.sim.cores[1].nmiMask >>> 0;
    if (offset < 0x20) return this.regs[offset >>> 2];
    return 0;
  }
  writeUint32(offset, value) {
    if (offset === 0x00) this.sim.cores[0].nmiMask = value >>> 0;
    else if (offset === 0x04) this.sim.cores[1].nmiMask = value >>> 0;
    else if (offset < 0x20) this.regs[offset >>> 2] = value;
  }
}

// ---- VREG_AND_CHIP_RESET: reset values instead of 0xffffffff --------------
class VregChipReset extends BasePeripheral {
  constructor(rp2040, name) {
    super(rp2040, name);
    this.vreg = 0x000000b1; // EN, VSEL = 1.10 V
    this.bod = 0x00000091;  // EN, VSEL = 0.86 V
    this.chipReset = 0x00000100; // HAD_POR after power-on
  }
  readUint32(offset) {
    switch (offset) {
      case 0x0: return this.vreg | (1 << 12); // ROK: regulation is fine
      case 0x4: return this.bod;
      case 0x8: return this.chipReset;
    }
    return 0;
  }
  writeUint32(offset, value) {
    switch (offset) {
      case 0x0: this.vreg = value & 0xf3; break;
      case 0x4: this.bod = value & 0xf1; break;
      case 0x8: if (value & (1 << 24)) this.chipReset &= ~(1 << 24); break; // PSM_RESTART_FLAG W1C
    }
  }
}

// ---- IO_QSPI: six pins, plain register file ---------------------------------
class IOQspi extends BasePeripheral {
  constructor(rp2040, name) { super(rp2040, name); this.regs = new Uint32Array(0x60 / 4); }
  readUint32(offset) {
    if (offset < 0x30) return offset & 4 ? this.regs[offset >>> 2] : 0; // CTRL as written, STATUS 0
    if (offset < 0x60) return this.regs[offset >>> 2];
    return 0;
  }
  writeUint32(offset, value) {
    if (offset < 0x60 && (offset >= 0x30 || offset & 4)) this.regs[offset >>> 2] = value;
  }
}

// ---- ROSC: enabled and stable, RANDOMBIT from an LFSR -----------------------
class Rosc extends BasePeripheral {
  constructor(rp2040, name) {
    super(rp2040, name);
    this.regs = new Uint32Array(0x24 / 4);
    this.regs[0] = 0x00fabaa0; // CTRL: ENABLE, FREQ_RANGE LOW
    this.regs[4] = 0x8; // DIV
    this.lfsr = 0xace1;
  }
  readUint32(offset) {
    if (offset === 0x18) return 0x80001000; // STATUS: STABLE | ENABLED
    if (offset === 0x1c) { // RANDOMBIT
      const bit = ((this.lfsr >> 0) ^ (this.lfsr >> 2) ^ (this.lfsr >> 3) ^ (this.lfsr >> 5)) & 1;
      this.lfsr = (this.lfsr >> 1) | (bit << 15);
      return bit;
    }
    if (offset < 0x24) return this.regs[offset >>> 2];
    return 0;
  }
  writeUint32(offset, value) { if (offset < 0x24 && offset !== 0x18) this.regs[offset >>> 2] = value; }
}

// ---- XIP_CTRL (0x14000000) ----------------------------------------------------
// Not modelled, and said so at the first access: the cache's hit and access
// counters (CTR_HIT, CTR_ACC read 0) and streaming (STREAM_ADDR, STREAM_CTR,
// STREAM_FIFO: nothing is fetched, the FIFO stays empty, DREQ_XIP_STREAM never
// asserts).
class XipCtrl extends BasePeripheral {
  constructor(rp2040, name, sim) { super(rp2040, name); this.sim = sim; this.ctrl = 0x3; }
  unmodelled(offset) {
    if (!this.sim) return;
    if (offset === 0x0c || offset === 0x10) this.sim.warn('XIP_CTRL: the cache\'s hit and access counters (CTR_HIT, CTR_ACC) are not modelled: they read 0');
    else if (offset >= 0x14 && offset <= 0x1c) this.sim.warn('XIP_CTRL: streaming (STREAM_ADDR, STREAM_CTR, STREAM_FIFO) is not modelled: nothing is fetched, the FIFO stays empty and DREQ_XIP_STREAM never asserts');
  }
  readUint32(offset) {
    switch (offset) {
      case 0x00: return this.ctrl;
      case 0x04: return 0;
      case 0x08: return 0x3; // STAT: FLUSH_READY | FIFO_EMPTY
      default: this.unmodelled(offset); return 0;
    }
  }
  writeUint32(offset, value) {
    if (offset === 0x00) this.ctrl = value & 0xb;
    else this.unmodelled(offset);
  }
}

// ---- SSI with a serial flash behind it ----------------------------------------
// Enough for a second-stage bootloader or a flash driver that talks to the
// flash through the SSI data register (read/write status registers, write
// enable, JEDEC id, 03h/0Bh reads, page program, sector/block/chip erase,
// the EBh continuous-read mode and its 0xff exit). The chip itself (contents,
// busy time, XIP availability) is lib/flash.js, attached as `chip`. Transfers
// complete at once: SR always shows the TX FIFO empty. A command is the run
// of frames written while the RX FIFO still holds unread responses from the
// same run; a write with the RX FIFO empty starts a new command (the chip
// sees chip select go high in between: a page program starts then).
class SSIFlash extends BasePeripheral {
  constructor(rp2040, name, sim) {
    super(rp2040, name);
    this.sim = sim;
    this.chip = null;  // set by flash.install
    this.regs = new Uint32Array(0x100 / 4);
    this.rx = [];
    this.cmd = [];
    this.pp = null;    // page program being shifted in: {addr, data}
    this.sr1 = 0;      // WEL (1); BUSY (0) comes from the chip
    this.sr2 = 0x02;   // QE set, as on a Pico's W25Q16JV after its first boot
    this.regs[0] = 0x00070000; // CTRLR0 reset: DFS_32 = 7 (8-bit frames)
  }
  readUint32(offset) {
    switch (offset) {
      case 0x20: return 0;               // TXFLR
      case 0x24: return this.rx.length;  // RXFLR
      case 0x28: return 0x6 | (this.rx.length ? 0x8 : 0) | (this.rx.length >= 16 ? 0x10 : 0); // SR: TFNF TFE RFNE RFF
      case 0x2c: case 0x30: case 0x34: return 0;
      case 0x38: case 0x3c: case 0x40: case 0x44: case 0x48: return 0;
      case 0x58: return 0x51535049; // IDR
      case 0x5c: return 0x3430312a; // SSI_VERSION_ID
      case 0x60: return this.rx.length ? this.rx.shift() >>> 0 : 0;
    }
    if (offset < 0x100) return this.regs[offset >>> 2];
    return 0;
  }
  writeUint32(offset, value) {
    if (offset === 0x60) { this.frame(value >>> 0); return; }
    if (offset === 0x4c && (value & 3)) this.sim.warn('SSI: DMA requests (DMACR TDMAE/RDMAE) are not modelled: a DMA channel paced by DREQ_XIP_SSITX or DREQ_XIP_SSIRX never moves');
    if (offset === 0x08 && !(value & 1)) { this.endCommand(); this.rx = []; this.cmd = []; } // SSIENR=0 clears FIFOs
    if (offset < 0x100) this.regs[offset >>> 2] = value;
  }
  get tmod() { return (this.regs[0] >>> 8) & 3; }
  /** Chip select went high: a page program shifted in starts now. */
  endCommand() {
    const pp = this.pp;
    this.pp = null;
    if (!pp || !pp.n || !this.chip) return;
    this.chip.programOp(pp.addr, pp.data, this.sim.nowNanos());
    this.sr1 &= ~2;
  }
  frame(v) {
    if (this.rx.length === 0) { this.endCommand(); this.cmd = []; }
    this.cmd.push(v & 0xff);
    const tmod = this.tmod;
    if (this.chip && this.cmd[0] === 0xff) this.chip.continuous = false; // continuous-read mode reset
    if (tmod === 1) return; // transmit only
    if (tmod === 3) { // EEPROM read: NDF+1 data frames after the command frames
      // EBh with mode bits M5-4 = 10 in the frame after the command: the
      // chip stays in continuous-read mode (the next XIP reads send no command)
      if (this.chip && this.cmd.length === 2 && this.cmd[0] === 0xeb && (this.sr2 & 2)) this.chip.continuous = (v & 0x30) === 0x20;
      const n = (this.regs[1] & 0xffff) + 1;
      for (let i = 0; i < n && this.rx.length < 16; i++) this.rx.push(0);
      return;
    }
    if (this.rx.length < 16) this.rx.push(this.respond());
  }
  /** Response byte clocked in while the last frame of the command was sent. */
  respond() {
    const c = this.cmd;
    const op = c[0];
    const i = c.length - 1; // index of the frame being sent
    const flash = this.sim.mcu.flash;
    const size = 2 * 1024 * 1024;
    const addrAt = (k) => ((c[k] << 16) | (c[k + 1] << 8) | c[k + 2]) & (size - 1);
    const now = this.sim.nowNanos();
    const chip = this.chip;
    const busy = chip ? chip.busyNow(now) : false;
    if (op === 0x05) return i > 0 ? (this.sr1 & ~1) | (busy ? 1 : 0) : 0xff;
    if (op === 0x35) return i > 0 ? this.sr2 : 0xff;
    if (busy) { // a busy W25Q16JV ignores every other command
      if (i === 0) this.sim.warn(`flash command 0x${op.toString(16)} sent through the SSI while the flash was busy: the chip ignores it (read the status register until BUSY clears)`);
      return 0xff;
    }
    switch (op) {
      case 0x06: this.sr1 |= 2; return 0xff;
      case 0x04: this.sr1 &= ~2; return 0xff;
      case 0x01:
        if (this.sr1 & 2) { if (i === 1) this.sr1 = (this.sr1 & 3) | (c[1] & 0xfc); if (i === 2) { this.sr2 = c[2]; this.sr1 &= ~2; if (chip) chip.statusWriteOp(now); } }
        return 0xff;
      case 0x31: if (i === 1 && (this.sr1 & 2)) { this.sr2 = c[1]; this.sr1 &= ~2; if (chip) chip.statusWriteOp(now); } return 0xff;
      case 0x9f: return [0xff, 0xef, 0x40, 0x15][i] ?? 0xff; // W25Q16JV
      case 0x4b: return i >= 5 ? (0x10 + i) & 0xff : 0xff;  // unique id bytes after 4 dummies
      case 0xab: return i >= 4 ? 0x14 : 0xff;
      case 0x03: return i >= 4 ? flash[(addrAt(1) + i - 4) & (size - 1)] : 0xff;
      case 0x0b: return i >= 5 ? flash[(addrAt(1) + i - 5) & (size - 1)] : 0xff;
      case 0x02:
        // the chip latches bytes at page offsets (addr + n) mod 256: more
        // than 256 bytes overwrite the first ones
        if (i === 4 && (this.sr1 & 2)) this.pp = { addr: addrAt(1) & ~0xff, data: new Uint8Array(256).fill(0xff), n: 0, first: addrAt(1) & 0xff };
        if (i >= 4 && this.pp) this.pp.data[(this.pp.first + this.pp.n++) & 0xff] = c[i];
        return 0xff;
      case 0x20: case 0x52: case 0xd8:
        if (i === 3 && (this.sr1 & 2)) {
          if (chip) chip.eraseOp(op, addrAt(1), now);
          this.sr1 &= ~2;
        }
        return 0xff;
      case 0x60: case 0xc7:
        if (i === 0 && (this.sr1 & 2)) { if (chip) chip.eraseOp(op, 0, now); this.sr1 &= ~2; }
        return 0xff;
      default: return 0xff;
    }
  }
}

// ---- TIMER: alarms fire when the microsecond counter reaches ALARMn ---------
// rp2040js schedules an alarm (ALARMn - now) whole microseconds after the
// write, which fires up to 1 us early when `now` is between two ticks. The
// chip compares the 32-bit counter with ALARMn at each tick, so the alarm
// fires at the tick where TIMELR becomes ALARMn; writing the value the
// counter holds right now matches only after the counter wraps (2^32 us).
function makeTimer(sim, Base) {
  return class Timer extends Base {
    writeUint32(offset, value) {
      if (offset >= 0x10 && offset <= 0x1c) {
        const alarm = this.alarms[(offset - 0x10) >>> 2];
        const nowNs = this.clock.nanos;
        const nowUs = Math.floor(nowNs / 1000);
        let d = ((value >>> 0) - (nowUs >>> 0)) >>> 0;
        if (d === 0) d = 2 ** 32;
        alarm.armed = true;
        alarm.targetMicros = value >>> 0;
        alarm.clockAlarm.schedule((nowUs + d) * 1000 - nowNs);
        return;
      }
      super.writeUint32(offset, value);
    }
  };
}

// ---- UART: transmit timing and the core that wrote each byte ---------------
// rp2040js's UART sends every byte at once. Here the TX FIFO (32 entries, or
// 1 with FIFOs disabled: the holding register) drains at the programmed baud
// rate into the shift register, which is not part of the FIFO: the byte being
// shifted out leaves the FIFO as it starts. So UARTFR.TXFF (FIFO full), TXFE
// (FIFO empty, "does not indicate if there is data in the transmit shift
// register") and BUSY (until the last stop bit) and the TX interrupt (FIFO
// level at or below the trigger level) behave as on the chip. A byte written
// while the FIFO is full is dropped, as on the chip. Until the baud rate
// divisor is programmed the UART sends at once. The TX DMA request follows
// the FIFO: asserted while the UART is enabled, UARTDMACR.TXDMAE is set and
// the FIFO has room (rp2040js asserts it whenever the UART is enabled, so a
// DMA channel paced by it overfilled the FIFO).
//
// The TX pin (UARTTXD): each character is also a waveform, its start bit,
// data bits (least significant first), parity bit (PEN; EPS even or odd,
// SPS stuck) and stop bits (STP2) each one bit time (16 x the divisor's
// IBRD + FBRD/64 periods of clk_peri) long, the line high (mark) between
// characters. LCR_H.BRK holds the line low from the end of the character
// being shifted out (at once when none is) until it is cleared. The level
// reaches every GPIO whose FUNCSEL is this UART's TX (UART0: GPIO 0, 12, 16,
// 28; UART1: GPIO 4, 8, 20, 24), through the pin's output override like any
// other function. Each change comes at its own time (an alarm) while
// something could notice it then (lineObserved); otherwise the changes are
// applied late, when a pin is looked at (GPIO_IN, IO_BANK0's registers) or
// its pad written (PADS_BANK0: IE decides which edges latch in INTR),
// at the next character or the end of a run, so the pins' levels, toggle
// counts, edge flags and a recorded run's changes (at their own times) are
// the same and a console-heavy run pays nothing per bit. A character written before
// the divisor is set is sent at once as before: no waveform (warned when a
// TX pin is routed). While the UART or its transmitter is disabled
// (UARTCR.UARTEN or TXE clear), or clk_peri (the PL011's UARTCLK) is
// stopped (CLK_PERI_CTRL.ENABLE cleared or KILL set by a write; until the
// program writes it, clk_peri runs, as rp2040js has it), nothing leaves:
// characters written then stay in the TX FIFO (TXFF once it holds 32, BUSY
// while it holds any; one more is dropped, as on the chip; the TX DMA
// request drops once it is full) and go out, in order, when it sends again.
// Disabled mid-transmission, the PL011 completes the character being sent
// and keeps the rest (the datasheet's UARTCR.UARTEN and TXE): so here, the
// characters queued behind it going back into the FIFO, their waveform and
// loopback with them. Without UARTCLK nothing shifts: the character being
// sent stops in the bit it is in (the pin holds that level) and goes on
// where it was when the clock runs again. The console has had those
// characters already, as it gets every byte at its write (warned, once:
// what a terminal on the pin would see comes later, or not at all if the
// UART never sends again). The receiver without clk_peri is not modelled:
// a character arriving then is received as if the clock ran (warned).
// Loopback (UARTCR.LBE):
// each character sent is also received, complete when its stop bit would be
// sampled (half a bit into it), if the UART and its receiver are enabled
// then, overrunning a full FIFO as from the pin; the RX pins are not
// listened to meanwhile; the TX pins still carry the waveform (the PL011's
// manual does not say they go quiet). Not modelled, each warned at its first
// use: the characters a BRK hides, a break or a character sent without a
// divisor looped back, IrDA SIR (SIREN), hardware flow control (RTSEN,
// CTSEN), UARTDR's OE bit (reads 0; UARTRSR.OE is modelled). Nor the modem
// outputs (RTS, DTR).
//
// The RX pin (UARTRXD): with a GPIO whose FUNCSEL is this UART's RX (UART0:
// GPIO 1, 13, 17, 29; UART1: GPIO 5, 9, 21, 25) driven at bit level (from
// outside, or looped back from a pin a PIO or the other UART drives), the
// receiver samples it as the PL011 does: a fall of the line starts a
// character, checked low half a bit later (else ignored), then each bit in
// its middle; the character goes into the RX FIFO with its framing (stop
// bit low), parity and break (all bits low) error flags in bits 8..10 of
// UARTDR, their interrupts (FERIS, PERIS, BERIS) raised as it arrives;
// UARTRSR holds the flags of the character last read from UARTDR and OE
// (UARTECR clears it). The FIFO holds 32 characters, one with LCR_H.FEN
// clear; one arriving with it full is lost, UARTRSR.OE and OERIS set.
// Bytes given as console input (sendUartInput) still arrive without a
// waveform (and overrun the same way). Either way RXRIS asserts as the FIFO
// reaches IFLS's RX level (one character with the FIFOs off) and clears as
// reads take it below; RTRIS asserts 32 bit periods after the last
// character while the FIFO holds any, and clears as it empties (rp2040js
// raised RXRIS at every character and never RTRIS).
const UART_TX_PINS = [[0, 12, 16, 28], [4, 8, 20, 24]];
const UART_RX_PINS = [[1, 13, 17, 29], [5, 9, 21, 25]];
/** The UART a GPIO's UART function (FUNCSEL 2) belongs to: GPIO 0-3 UART0, 4-11 UART1, 12-19 UART0, ... */
const uartOfPin = (p) => ((p >>> 2) ^ (p >>> 3)) & 1;
/** The parity bit LCR_H asks for with `data`: stuck at NOT EPS with SPS, else even (EPS) or odd. */
function uartParity(data, lcr) {
  if (lcr & 0x80) return lcr & 4 ? 0 : 1;
  let ones = 0;
  for (let v = data; v; v &= v - 1) ones++;
  return (ones & 1) ^ (lcr & 4 ? 0 : 1);
}

const SHOWN = 0x100;   // a byte in `held` the console had already (sent back into the FIFO when the transmitter stopped)
function makeUart(sim, Base) {
  return class TimedUart extends Base {
    constructor(rp2040, name, irq, dreq, index) {
      super(rp2040, name, irq, dreq);
      this.index = index;
      this.txDone = []; // completion time (ns) of each byte still in the shifter (the first) or the FIFO
      this.txBytes = []; // those bytes
      this.txris = false;
      this.txAlarm = rp2040.clock.createAlarm(() => { this.txris = true; this.checkInterrupts(); });
      this.dropped = 0;
      this.held = [];          // bytes in the TX FIFO while the transmitter does not send (disabled, or no clk_peri)
      this.periStopped = false; // clk_peri stopped (CLK_PERI_CTRL.ENABLE clear or KILL set by a write)
      this.pausedAt = -1;      // while clk_peri is stopped mid-character: the time (ns) it stopped, else -1
      this.ifls = 0x12;
      this.dmacr = 0;
      this.dreqAlarm = rp2040.clock.createAlarm(() => this.updateTxDreq());
      // the TX line: the raw waveform's changes still to come ([ns, level] pairs, in time order)
      this.line = 1;           // UARTTXD (what a TX pin shows) at time lineT
      this.lineT = 0;
      this.raw = 1;            // the characters' waveform without the break
      this.edges = [];
      this.brkFrom = Infinity; // the break holds the line low in [brkFrom, brkTo)
      this.brkTo = Infinity;
      this.lineAlarm = rp2040.clock.createAlarm(() => this.lineStep());
      this.txPins = UART_TX_PINS[index];
      // the receiver
      this.rxPin = -1;         // the GPIO whose character is being received
      this.rxBit = 0;          // the bit sampled next: 0 start, 1..n data, then parity, stop
      this.rxWord = 0;
      this.rxAt = 0;           // the start bit's fall (ns)
      this.rxBitNs = 0;
      this.rxAlarm = rp2040.clock.createAlarm(() => this.rxSample());
      this.rxLost = 0;
      this.rsr = 0;            // UARTRSR: FE, PE, BE of the character last read from UARTDR; OE
      this.divLatched = 0;     // IBRD + FBRD/64 as latched by the last LCR_H write
      this.rtAlarm = rp2040.clock.createAlarm(() => this.rxTimeout());
      // loopback (UARTCR.LBE): characters on their way from the transmitter to the receiver
      this.loopQ = [];         // [ns, byte] pairs by arrival time
      this.loopAlarm = rp2040.clock.createAlarm(() => this.loopArrive());
    }
    /** UARTCR.LBE: the transmitter's output fed to the receiver inside the PL011. */
    get loopback() { return (this.ctrlRegister & 0x80) !== 0; }
    /** A character sent with LBE set: received when its stop bit is sampled (start: its start bit, ns). */
    loopSend(byte, start) {
      const n = this.wordLength, pen = (this.lineCtrlRegister & 2) ? 1 : 0;
      const t = start + (n + pen + 1.5) * this.bitNanos;
      this.loopQ.push(t, byte & ((1 << n) - 1));
      if (!this.loopAlarm.scheduled) this.loopAlarm.schedule(t - sim.clock.nanos);
    }
    loopArrive() {
      const q = this.loopQ, now = sim.clock.nanos;
      while (q.length && q[0] <= now) {
        const byte = q[1];
        q.splice(0, 2);
        if (!this.enabled || !this.rxEnabled || !this.loopback) continue;   // as the receiver would have it then
        if (this.rxFull) { sim.uartRxLost = (sim.uartRxLost || 0) + 1; this.rxOverrun(); continue; }
        this.feedByte(byte);
      }
      if (q.length) this.loopAlarm.schedule(q[0] - now);
    }
    /** UARTCR written: what it enables that is not modelled, said once each. */
    crUnmodelled(cr) {
      if (cr & 2) sim.warn(`uart${this.index}: IrDA SIR (UARTCR.SIREN) is not modelled: the TX pin carries the plain (NRZ) waveform and the RX pin is sampled as such`);
      if (cr & 0xc000) sim.warn(`uart${this.index}: hardware flow control (UARTCR.RTSEN/CTSEN) is not modelled: the transmitter does not wait for CTS and RTS is not driven`);
    }
    /** RX FIFO level at which RXRIS asserts: IFLS.RXIFLSEL's 1/8 .. 7/8 of 32, one character with the FIFOs off. */
    get rxTrigger() {
      if (!this.fifosEnabled) return 1;
      return [4, 8, 16, 24, 28][(this.ifls >>> 3) & 7] ?? 16;
    }
    /** A character into the RX FIFO: RXRIS at the trigger level; the receive timeout (32 bit periods) started again. */
    feedByte(value) {
      if (this.periStopped) this.rxNoClockWarn();
      this.rxFIFO.push(value);
      if (this.rxFIFO.itemCount >= this.rxTrigger) this.interruptStatus |= 0x10;
      this.rtAlarm.schedule(32 * (this.bitNanos || 8680)); // (no divisor latched yet: as at 115200 baud)
      this.checkInterrupts();
    }
    rxNoClockWarn() {
      sim.warn(`uart${this.index}: a character received with clk_peri stopped: received as if the clock ran (the PL011's receiver without UARTCLK is not modelled)`);
    }
    /** 32 bit periods without a new character: RTRIS while the FIFO holds any. */
    rxTimeout() {
      if (this.rxFIFO.empty) return;
      this.interruptStatus |= 0x40;
      this.checkInterrupts();
    }
    /** The baud rate divisor in use: IBRD and FBRD take effect with an LCR_H write (the PL011 updates the three together). */
    get baudDivider() { return this.divLatched; }
    /** The RX FIFO holds all it can: 32 characters, or one with the FIFOs off (LCR_H.FEN 0). */
    get rxFull() { return this.rxFIFO.itemCount >= this.depth; }
    /** A character arrived with the RX FIFO full: lost, UARTRSR.OE and its interrupt (OERIS) set. */
    rxOverrun() {
      sim.warn(`uart${this.index}: UARTDR's overrun bit (OE, bit 11) is not modelled: it reads 0; the overrun shows in UARTRSR.OE and the OERIS interrupt`);
      this.rsr |= 8;
      this.interruptStatus |= 0x400;
      this.checkInterrupts();
    }
    /** Follow the RX pins (once the simulator's pin watchers exist). */
    watchRx() {
      for (const p of UART_RX_PINS[this.index]) sim.watchPin(p, () => this.rxEdge(p), 2);
    }
    /** Whether a GPIO carries this UART's TX now. */
    get txRouted() {
      const g = this.rp2040.gpio, t = this.txPins;
      return g[t[0]].functionSelect === 2 || g[t[1]].functionSelect === 2 || g[t[2]].functionSelect === 2 || g[t[3]].functionSelect === 2;
    }
    get bitNanos() { return (16 * this.baudDivider * 1e9) / this.rp2040.clkPeri; }
    /** One character's waveform from `start` (ns): its changes appended to this.edges. */
    frameEdges(byte, start, bitNs) {
      const lcr = this.lineCtrlRegister, n = this.wordLength;
      let bits = byte & ((1 << n) - 1), len = n;
      if (lcr & 2) bits |= uartParity(bits, lcr) << len++; // PEN
      bits = (bits << 1) | (((1 << (lcr & 8 ? 2 : 1)) - 1) << (len + 1)); // start bit 0, stop bits 1
      len += lcr & 8 ? 3 : 2;
      let prev = 1;
      for (let k = 0; k < len; k++) {
        const b = (bits >>> k) & 1;
        if (b !== prev) { this.edges.push(start + k * bitNs, b); prev = b; }
      }
    }
    get inBreak() { return this.brkFrom !== Infinity && this.brkTo === Infinity; }
    /**
     * The line up to `now` (ns): each change due in order (the raw
     * waveform's and the break's), each new level shown on the TX pins. On
     * the line's alarm that is each change at its own time; otherwise (no
     * one could see the pins meanwhile, see lineObserved) late, at the next
     * look at a pin or the next character, for the pins' state, toggle
     * counts and edge flags.
     */
    lineCatchUp(now = sim.nowNanos()) {
      const e = this.edges, upTo = this.pausedAt >= 0 ? this.pausedAt : Infinity;
      for (;;) {
        let t = e.length && e[0] <= upTo ? e[0] : Infinity;
        if (this.brkFrom > this.lineT && this.brkFrom < t) t = this.brkFrom;
        if (this.brkTo > this.lineT && this.brkTo < t) t = this.brkTo;
        if (t > now) break;
        let i = 0;
        while (i < e.length && e[i] <= t) { this.raw = e[i + 1]; i += 2; }
        if (i) e.splice(0, i);
        this.lineT = t;
        sim.pinEventNs = t; // recorded at its own time, even when applied late
        this.setLine(this.raw && !(t >= this.brkFrom && t < this.brkTo) ? 1 : 0);
        sim.pinEventNs = -1;
      }
      if (now > this.lineT) this.lineT = now;
    }
    setLine(level) {
      if (level === this.line) return;
      this.line = level;
      const g = this.rp2040.gpio;
      for (const p of this.txPins) if (g[p].functionSelect === 2) g[p].checkForUpdates();
    }
    /**
     * Whether something could notice the TX pins' changes as they happen: a
     * GPIO carries the line and a 'gpio' listener or a pin watcher (a wire)
     * is there, the pin's interrupt is enabled or forced, or a PIO state
     * machine runs (it reads any pin). A recorded run (VCD) gets the changes
     * applied late with their own times.
     */
    lineObserved() {
      const g = this.rp2040.gpio;
      let routed = false;
      for (const p of this.txPins) {
        if (g[p].functionSelect !== 2) continue;
        routed = true;
        if (sim.pinSeen(p)) return true;
      }
      return routed && sim.pinsAllSeen;
    }
    /** After any change: the line up to now; its next change on the alarm while observed. */
    lineSchedule() {
      this.lineCatchUp();
      if (!this.lineObserved()) { this.lineAlarm.cancel(); return; }
      const upTo = this.pausedAt >= 0 ? this.pausedAt : Infinity;
      let t = this.edges.length && this.edges[0] <= upTo ? this.edges[0] : Infinity;
      if (this.brkFrom > this.lineT && this.brkFrom < t) t = this.brkFrom;
      if (this.brkTo > this.lineT && this.brkTo < t) t = this.brkTo;
      const a = this.lineAlarm;
      if (a.scheduled && a.nanos === t) return; // as it was: the scheduler's horizon stays
      a.cancel();
      if (t !== Infinity) a.schedule(t - sim.clock.nanos);
    }
    lineStep() { this.lineSchedule(); }
    /** LCR_H written: BRK set or cleared now. */
    setBreak(on) {
      const now = sim.nowNanos();
      if (on && this.loopback) sim.warn(`uart${this.index}: a break (LCR_H.BRK) with UARTCR.LBE set is not looped back to the receiver (not modelled): it receives no break character`);
      this.lineCatchUp(now);
      if (on && !this.inBreak) {
        // from the end of the character in the shift register, if any
        this.brkFrom = this.level() ? this.txDone[0] : now;
        this.brkTo = Infinity;
      } else if (!on && this.inBreak) {
        if (this.brkFrom > now) this.brkFrom = Infinity; // cleared before it began
        else this.brkTo = now;
      }
      this.setLine(this.raw && !(now >= this.brkFrom && now < this.brkTo) ? 1 : 0);
      this.lineSchedule();
    }

    // ---- the receiver ---------------------------------------------------------
    /** A change of an RX pin's level (a GPIO whose FUNCSEL is this UART's RX). */
    rxEdge(p) {
      const pin = this.rp2040.gpio[p];
      if (pin.functionSelect !== 2 || this.rxPin >= 0 || pin.inputValue) return;
      if (!this.enabled || !this.rxEnabled || this.loopback) return;   // in loopback the receiver hears the transmitter only
      if (this.periStopped) this.rxNoClockWarn();
      if (!this.baudDivider) {
        sim.warn(`uart${this.index}: a character on its RX pin (GPIO ${p}) before the baud rate divisor was set (IBRD and FBRD take effect with the LCR_H write after them): not received`);
        return;
      }
      this.rxPin = p;
      this.rxBit = 0;
      this.rxWord = 0;
      this.rxAt = sim.nowNanos();
      this.rxBitNs = this.bitNanos;
      this.rxAlarm.schedule(this.rxAt + this.rxBitNs / 2 - sim.clock.nanos);
    }
    rxSample() {
      if (sim.pioOn) sim.pioSync(); // a PIO's output, looped back, as it is at this time
      const b = this.rp2040.gpio[this.rxPin].inputValue ? 1 : 0;
      const lcr = this.lineCtrlRegister, n = this.wordLength, pen = (lcr & 2) ? 1 : 0;
      const k = this.rxBit;
      if (k === 0 && b) { this.rxPin = -1; return; } // not a start bit: a glitch
      if (k > 0) this.rxWord |= b << (k - 1);
      if (k < n + pen + 1) {
        this.rxBit = k + 1;
        this.rxAlarm.schedule(this.rxAt + (k + 1.5) * this.rxBitNs - sim.clock.nanos);
        return;
      }
      // k: the (first) stop bit
      this.rxPin = -1;
      const data = this.rxWord & ((1 << n) - 1);
      let flags = b ? 0 : 0x100;                                 // FE
      if (pen && ((this.rxWord >>> n) & 1) !== uartParity(data, lcr)) flags |= 0x200; // PE
      if (!b && this.rxWord === 0) flags |= 0x400;               // BE: the whole character low
      if (this.rxFull) {
        if (this.rxLost++ === 0) sim.warn(`uart${this.index}: a character received on its RX pin while the RX FIFO was full was lost (overrun), as on the chip`);
        sim.uartRxLost = (sim.uartRxLost || 0) + 1;
        this.rxOverrun();
        return;
      }
      this.interruptStatus |= flags >>> 1; // FERIS, PERIS, BERIS (RIS bits 7..9) as it arrives
      this.feedByte(data | flags);
    }
    /** The TX DREQ: on while enabled with TXDMAE and the FIFO not full;
     * when full, looked at again as the oldest byte leaves. */
    updateTxDreq() {
      const dma = this.rp2040.dma;
      this.dreqAlarm.cancel();
      if (!this.enabled || !(this.dmacr & 2)) { dma.clearDREQ(this.dreq.tx); return; }
      if (this.fifoLevel() + this.held.length < this.depth) { dma.setDREQ(this.dreq.tx); return; }
      dma.clearDREQ(this.dreq.tx);
      if (this.sending && this.txDone.length) this.dreqAlarm.schedule(this.txDone[0] - sim.clock.nanos);
    }
    get depth() { return this.fifosEnabled ? 32 : 1; }
    get txTrigger() {
      if (!this.fifosEnabled) return 0;
      return [4, 8, 16, 24, 28][this.ifls & 7] ?? 16;
    }
    get charNanos() {
      const div = this.baudDivider;
      if (!div || !this.enabled) return 0;
      const lcr = this.lineCtrlRegister;
      const bits = 1 + this.wordLength + (lcr & 2 ? 1 : 0) + (lcr & 8 ? 2 : 1);
      return (bits * 1e9) / (this.rp2040.clkPeri / (div * 16));
    }
    level() {
      const now = this.pausedAt >= 0 ? Math.min(this.pausedAt, sim.clock.nanos) : sim.clock.nanos;
      const d = this.txDone;
      while (d.length && d[0] <= now) { d.shift(); this.txBytes.shift(); }
      return d.length;
    }
    /** Bytes in the TX FIFO: those sent or queued, less the one in the shift register. */
    fifoLevel() { return Math.max(0, this.level() - 1); }
    checkInterrupts() {
      const st = this.txris ? this.interruptStatus | 0x20 : this.interruptStatus & ~0x20;
      this.interruptStatus = st;
      this.rp2040.setInterrupt(this.irq, !!(st & this.interruptMask));
    }
    readUint32(offset) {
      if (offset === 0x18) { // UARTFR
        const n = this.level() + this.held.length, fifo = Math.max(0, this.level() - 1) + this.held.length;
        return (this.rxFull ? 0x40 : 0) | (this.rxFIFO.empty ? 0x10 : 0) |
          (fifo === 0 ? 0x80 : 0) | (fifo >= this.depth ? 0x20 : 0) | (n > 0 ? 0x08 : 0);
      }
      if (offset === 0x00) { // UARTDR: the character's errors stay in UARTRSR
        const had = !this.rxFIFO.empty, v = this.rxFIFO.pull();
        if (had) this.rsr = (this.rsr & 8) | ((v >>> 8) & 7);
        if (this.rxFIFO.itemCount < this.rxTrigger) this.interruptStatus &= ~0x10;   // RXRIS below the level
        if (this.rxFIFO.empty) { this.interruptStatus &= ~0x40; this.rtAlarm.cancel(); } // RTRIS: empty
        this.checkInterrupts();
        return v;
      }
      if (offset === 0x04) return this.rsr; // UARTRSR
      if (offset === 0x34) return this.ifls;
      if (offset === 0x48) return this.dmacr;
      return super.readUint32(offset);
    }
    writeUint32(offset, value) {
      switch (offset) {
        case 0x00: this.transmit(value & 0xff); return;
        case 0x04: this.rsr = 0; return; // UARTECR: any write clears UARTRSR
        case 0x34: this.ifls = value & 0x3f; return;
        case 0x48: this.dmacr = value & 7; this.updateTxDreq(); return; // UARTDMACR
        case 0x30: { // UARTCR
          const was = this.sending;
          super.writeUint32(offset, value);
          this.crUnmodelled(value);
          if (was && !this.sending) this.holdQueued('disabled (UARTCR.UARTEN or TXE cleared)');
          if (!was && this.sending) this.sendHeld();
          this.updateTxDreq();
          return;
        }
        case 0x2c: { // UARTLCR_H
          const brk = !!(value & 1);
          super.writeUint32(offset, value);
          this.divLatched = this.intDivisor + this.fracDivisor / 64;
          if (brk !== this.inBreak) this.setBreak(brk);
          return;
        }
        case 0x44: // UARTICR
          if (this.rawWriteValue & 0x20) this.txris = false;
          this.interruptStatus &= ~this.rawWriteValue;
          this.checkInterrupts();
          return;
      }
      super.writeUint32(offset, value);
    }
    /** UARTCR.UARTEN and TXE both set, and clk_peri running: the transmitter sends. */
    get sending() { return this.enabled && this.txEnabled && !this.periStopped; }
    /**
     * The transmitter stopped sending (UARTEN or TXE cleared, or clk_peri
     * stopped): the character being shifted out stays where it is in
     * txDone (it completes, or pauses with the clock), the characters
     * queued behind it, not begun, go back into the FIFO (held) with their
     * waveform and loopback; the console has had them (it gets each byte
     * as written), which is said once.
     */
    holdQueued(why) {
      const d = this.txDone;
      this.level();
      if (d.length < 2) return;
      const cut = d[0], back = this.txBytes.slice(1).map((b) => b | SHOWN);
      this.lineCatchUp();
      d.length = 1;
      this.txBytes.length = 1;
      let i = 0;
      while (i < this.edges.length && this.edges[i] < cut) i += 2;
      this.edges.length = i;
      const q = this.loopQ;
      let k = 0;
      while (k < q.length && q[k] < cut) k += 2;
      q.length = k;
      this.held = back.concat(this.held);
      if (this.held.length > this.txTrigger) this.txAlarm.cancel();   // it would have fired as they drained
      this.lineSchedule();
      sim.warn(`uart${this.index}: ${why} with characters queued behind the one being sent: they stay in the TX FIFO (the pins, UARTFR, the TX interrupt and DMA request show it) until it sends again, but the console showed them as they were written (it shows every byte at its write)`);
    }
    /** Sending again: what the FIFO kept goes out now, after the character being shifted out. */
    sendHeld() {
      if (!this.held.length) return;
      const h = this.held;
      this.held = [];
      for (const b of h) this.transmit(b & 0xff, (b & SHOWN) !== 0);
    }
    /** clk_peri stopped or started again (a CLK_PERI_CTRL write: ENABLE, KILL). */
    periClock(running) {
      if (running === !this.periStopped) return;
      const was = this.sending;
      if (!running) {
        this.periStopped = true;
        if (was) this.holdQueued('clk_peri stopped (CLK_PERI_CTRL.ENABLE cleared or KILL set)');
        // the character being shifted out stops where it is: nothing shifts without UARTCLK
        if (this.level()) { this.lineCatchUp(); this.pausedAt = sim.clock.nanos; this.loopAlarm.cancel(); this.txAlarm.cancel(); }
      } else {
        this.periStopped = false;
        if (this.pausedAt >= 0) {
          const at = this.pausedAt, delta = sim.clock.nanos - at;
          this.pausedAt = -1;
          const d = this.txDone;
          for (let i = 0; i < d.length; i++) if (d[i] > at) d[i] += delta;
          for (let i = 0; i < this.edges.length; i += 2) if (this.edges[i] > at) this.edges[i] += delta;
          const q = this.loopQ;
          for (let i = 0; i < q.length; i += 2) if (q[i] > at) q[i] += delta;
          if (q.length) this.loopAlarm.schedule(q[0] - sim.clock.nanos);
          if (!this.txris && this.fifoLevel() + this.held.length <= this.txTrigger && d.length) this.txAlarm.schedule(d[0] - sim.clock.nanos);
          this.lineSchedule();
        }
        if (this.sending) this.sendHeld();
      }
      this.updateTxDreq();
    }
    /** A byte into the TX FIFO; `shown`: the console had it already (it was sent back into the FIFO). */
    transmit(byte, shown = false) {
      if (!this.sending) {
        // not sending (disabled, or no clk_peri): the FIFO keeps the byte until it sends again
        if (Math.max(0, this.level() - 1) + this.held.length >= this.depth) {
          this.dropped++; sim.uartDropped(this.index); return;
        }
        this.held.push(byte);
        // as on the chip: filled above the trigger level, TXRIS clears
        if (Math.max(0, this.level() - 1) + this.held.length > this.txTrigger && this.txris) {
          this.txris = false;
          this.checkInterrupts();
        }
        this.updateTxDreq();   // (enabled without clk_peri: down once the FIFO is full)
        return;
      }
      const t = this.charNanos;
      if (t > 0) {
        const n = this.level();
        if (n - 1 >= this.depth) { this.dropped++; sim.uartDropped(this.index); return; }
        const now = sim.clock.nanos;
        const start = n ? this.txDone[n - 1] : now;
        this.txDone.push(start + t);
        this.txBytes.push(byte);
        this.lineCatchUp();
        this.frameEdges(byte, start, this.bitNanos);
        if (this.loopback) this.loopSend(byte, start);
        if (this.inBreak) {
          sim.warn(`uart${this.index}: a character written while LCR_H.BRK holds the TX line low: it drains from the FIFO at the baud rate, its bits hidden by the break (what the PL011 does with it is not modelled)`);
        }
        this.lineSchedule();
        const fifo = n;   // after the write, less the byte in the shift register
        const trig = this.txTrigger;
        if (fifo > trig) {
          this.txris = false;
          // the TX interrupt asserts when the FIFO drains back to the trigger
          // level: as the (fifo - trig)th byte from now finishes shifting out
          this.txAlarm.schedule(this.txDone[fifo - trig - 1] - now);
        } else if (!this.fifosEnabled && !this.txris) {
          // FIFOs off: the interrupt is asserted while the holding register
          // is empty, as it is again once the byte went on into the shifter
          this.txris = true;
        }
        this.checkInterrupts();
      } else {
        if (!this.txris) {
          this.txris = true; // untimed: the FIFO is always empty
          this.checkInterrupts();
        }
        if (this.loopback) sim.warn(`uart${this.index}: a character written before the baud rate divisor was set with UARTCR.LBE set is not looped back to the receiver (not modelled)`);
        if (this.txRouted) sim.warn(`uart${this.index}: a character written before the baud rate divisor was set goes out at once, without a waveform on the TX pin (IBRD and FBRD take effect with the LCR_H write after them)`);
      }
      if (!shown) sim.uartByte(this.index, byte);
      this.updateTxDreq();
    }
  };
}

// ---- PADS_BANK0 (0x4001c000) --------------------------------------------------
// rp2040js's pads. A write brings the UARTs' TX pins up to now first: a pin's
// input enable (IE) decides whether its changes latch in IO_BANK0's INTR, so
// changes applied late after the write would miss edges the chip latched.
function makePads(sim, Base) {
  return class Pads extends Base {
    writeUint32(offset, value) {
      sim.pinsCatchUp();
      super.writeUint32(offset, value);
    }
  };
}

// ---- RTC (0x4005c000) ------------------------------------------------------------
// rp2040js's calendar (SETUP_0/1, CTRL LOAD and ENABLE, RTC_0/1 counting whole
// seconds of simulated time). Its alarm is not: a write of IRQ_SETUP_0 with
// MATCH_ENA is warned about (RTC_IRQ never fires).
function makeRtc(sim, Base) {
  return class Rtc extends Base {
    writeUint32(offset, value) {
      if (offset === 0x10 && (value & (1 << 28))) sim.warn('RTC: the alarm (IRQ_SETUP_0 MATCH_ENA) is not modelled: RTC_IRQ never fires');
      super.writeUint32(offset, value);
    }
  };
}

module.exports = { uartOfPin, makePads, makeRtc, makeTimer, makePSM, makeIOBank0, SysCfg, VregChipReset, IOQspi, Rosc, XipCtrl, SSIFlash, makeUart };
