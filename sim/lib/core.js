'use strict';
// One Cortex-M0+ core of the RP2040, as a subclass of rp2040js's CortexM0Core.
//
// rp2040js executes the instructions; this subclass replaces what a second
// core needs and what the stock core leaves out:
//   - its own bus: SRAM/flash/ROM fast paths, its own SIO and PPB, HardFault on
//     unmapped, unaligned, read-only and MPU-denied accesses;
//   - NVIC pending/active state with level-sensitive lines per core,
//     exception priorities, PRIMASK, and the wake-up rules of WFI/WFE;
//   - exception entry/return cycle costs and the Thumb-bit (EPSR.T) check.
// The class is created from the package's own CortexM0Core class, reached
// through an RP2040 instance (the package does not export it).

const FAULT = { fault: true }; // thrown (never allocated per fault) to abandon an instruction

const EXC_NMI = 2;
const EXC_HARDFAULT = 3;
const EXC_SVCALL = 11;
const EXC_PENDSV = 14;
const EXC_SYSTICK = 15;

// Cycle costs (Cortex-M0+, zero wait-state memory). See README "Timing".
const ENTRY_CYCLES = 15;  // interrupt latency, ARM DDI 0484C section 3.6.1
const RETURN_CYCLES = 9;  // unstacking 8 words + refill, added to the returning BX/POP

const STATE_RUN = 0;
const STATE_WFE = 1;
const STATE_WFI = 2;
const STATE_RESET = 3;
const STATE_HALT = 4;

const SRAM_BASE = 0x20000000;
const SRAM_SIZE = 0x42000;

const coreClasses = new Map();

function makeCoreClass(Base) {
  if (coreClasses.has(Base)) return coreClasses.get(Base);

  class Core extends Base {
    constructor(view, sim, index) {
      super(view);
      this.sim = sim;
      this.index = index;
      // fn(core, n, enter, cycles, replaces): told of every exception taken
      // (enter, at the cycle it began) and returned from (lib/ktrace.js)
      this.excObserver = null;
      const mcu = sim.mcu;
      this.sram32 = new Uint32Array(mcu.sram.buffer);
      this.sram16 = new Uint16Array(mcu.sram.buffer);
      this.sram8 = mcu.sram;
      this.flash32 = new Uint32Array(mcu.flash.buffer);
      this.flash16 = mcu.flash16;
      this.flash8 = mcu.flash;
      this.rom32 = mcu.bootrom;
      this.rom16 = new Uint16Array(mcu.bootrom.buffer);
      this.ppb = null;  // set by the simulator
      this.sio = null;
      this.resetCoreState();
      // statistics survive core resets
      this.instructions = 0;
      this.sleepCycles = 0;
      this.resetCycles = 0;
      this.interruptsTaken = 0;
      this.exceptionCounts = new Uint32Array(48);
      this.faults = 0;
      this.lastFault = null;
      this.pcHist = new Uint32Array(64);
      this.histPos = 0;
    }

    /** Architectural reset of the processor (registers, NVIC, modes). */
    resetCoreState() {
      this.registers.fill(0);
      this.bankedSP = 0;
      this.N = this.Z = this.C = this.V = false;
      this.PM = false;
      this.SPSEL = 0;
      this.nPRIV = false;
      this.currentMode = 0;
      this.IPSR = 0;
      this.pendingInterrupts = 0;
      this.enabledInterrupts = 0;
      this.interruptPriorities = [0xffffffff, 0, 0, 0];
      this.pendingNMI = false;
      this.pendingPendSV = false;
      this.pendingSVCall = false;
      this.pendingSystick = false;
      this.interruptsUpdated = false;
      this.VTOR = 0;
      this.SHPR2 = 0;
      this.SHPR3 = 0;
      this.eventRegistered = false;
      this.waiting = false;
      this.irqLines = 0;      // level of each interrupt input of this core's NVIC
      this.activeIrqs = 0;    // IRQs currently active (entered, not yet returned)
      this.nmiMask = 0;       // SYSCFG PROCn_NMI_MASK
      this.SCR = 0;
      this.state = STATE_RUN;
      this.tFault = false;
      this.stacking = false;
      this.unstacking = false;
      this.stackFault = false;
      this.vectorFault = false;
      this.mpuActive = false;
      this.faultReason = '';
      this.faultAddr = 0;
      this.fetchLo = 0;
      this.fetchHi = 0;
      this.fetchArr = null;
      this.fetchBase = 0;
    }

    /** Take the reset exception: MSP and PC from the vector table at VTOR. */
    resetEntry() {
      this.SP = this.readUint32(this.VTOR);
      const pc = this.readUint32(this.VTOR + 4);
      this.registers[15] = pc & ~1;
      if (!(pc & 1)) this.tFault = true;
      this.registers[14] = 0xffffffff;
      this.invalidateFetch();
    }

    get privileged() { return this.currentMode === 1 || !this.nPRIV; }

    invalidateFetch() { this.fetchLo = 0; this.fetchHi = 0; }

    /** Current execution priority: -2 NMI, -1 HardFault, 0..3, 4 = thread with nothing active. */
    execPriority() {
      let p = this.IPSR ? this.exceptionPriority(this.IPSR) : 4;
      if (this.PM && p > 0) p = 0;
      return p;
    }
    activePriority() { return this.IPSR ? this.exceptionPriority(this.IPSR) : 4; }

    irqPriority(irq) {
      const bit = 1 << irq;
      const pr = this.interruptPriorities;
      return pr[0] & bit ? 0 : pr[1] & bit ? 1 : pr[2] & bit ? 2 : 3;
    }

    /** Highest-urgency pending exception with priority below `limit`, or 0. */
    bestPending(limit) {
      if (this.pendingNMI) return EXC_NMI;
      const pend = this.pendingInterrupts & this.enabledInterrupts;
      const top = limit > 4 ? 4 : limit;
      for (let p = 0; p < top; p++) {
        if (this.pendingSVCall && this.svCallPriority === p) return EXC_SVCALL;
        if (this.pendingPendSV && this.pendSVPriority === p) return EXC_PENDSV;
        if (this.pendingSystick && this.systickPriority === p) return EXC_SYSTICK;
        const lvl = pend & this.interruptPriorities[p];
        if (lvl) return 16 + (31 - Math.clz32(lvl & -lvl));
      }
      return 0;
    }

    // Called by rp2040js at the start of executeInstruction; the simulator
    // calls it itself before fetching, so this returns true if an exception
    // was taken.
    checkForInterrupts() {
      this.interruptsUpdated = false;
      if (this.pendingNMI) {
        if (this.IPSR === EXC_NMI) return false;
        this.pendingNMI = false;
        this.exceptionEntry(EXC_NMI);
        this.interruptsUpdated = true;
        return true;
      }
      const cur = this.execPriority();
      if (cur <= 0) return false;
      const n = this.bestPending(cur);
      if (!n) return false;
      if (n === EXC_SVCALL) this.pendingSVCall = false;
      else if (n === EXC_PENDSV) this.pendingPendSV = false;
      else if (n === EXC_SYSTICK) this.pendingSystick = false;
      this.exceptionEntry(n);
      this.interruptsUpdated = true; // a later, more urgent one may be waiting
      return true;
    }

    /** Would a pending exception end a WFI (priority above the active level, PRIMASK ignored)? */
    wfiWake() {
      if (this.pendingNMI) return true;
      return this.bestPending(this.activePriority()) !== 0;
    }
    /** Would a pending exception be taken now (ends a WFE)? */
    takeableNow() {
      if (this.pendingNMI) return true;
      return this.bestPending(this.execPriority()) !== 0;
    }

    /** An exception became pending (0 -> 1); wakes a sleeping core by the ARMv6-M rules. */
    onPend() {
      this.interruptsUpdated = true;
      const st = this.state;
      if (this.SCR & 0x10) { // SEVONPEND
        if (st === STATE_WFE) { this.sim.wake(this); return; }
        this.eventRegistered = true;
      }
      if (st === STATE_WFE) { if (this.takeableNow()) this.sim.wake(this); }
      else if (st === STATE_WFI) { if (this.wfiWake()) this.sim.wake(this); }
    }

    /** Level of interrupt input `irq` of this core's NVIC (driven by peripherals). */
    setInterrupt(irq, value) {
      const bit = 1 << irq;
      if (value) {
        if (this.irqLines & bit) return;
        this.irqLines |= bit;
        if (this.nmiMask & bit) { this.pendingNMI = true; this.onPend(); }
        if (!(this.pendingInterrupts & bit)) {
          this.pendingInterrupts |= bit;
          this.onPend();
        }
      } else {
        this.irqLines &= ~bit;
      }
    }
    setPendingBits(bits) {
      const fresh = bits & ~this.pendingInterrupts;
      this.pendingInterrupts |= bits;
      if (fresh) this.onPend();
    }
    clearPendingBits(bits) {
      this.pendingInterrupts &= ~bits;
      // a level-sensitive source still asserted (and not active) pends again
      const again = bits & this.irqLines & ~this.activeIrqs;
      if (again) this.pendingInterrupts |= again;
    }
    pendSysTick() {
      if (!this.pendingSystick) { this.pendingSystick = true; this.onPend(); }
    }

    exceptionEntry(n) {
      const c0 = this.cycles;
      this.stacking = true;
      this.stackFault = false;
      this.vectorFault = false;
      super.exceptionEntry(n);
      this.stacking = false;
      this.cycles += ENTRY_CYCLES;
      this.interruptsTaken++;
      if (n < 48) this.exceptionCounts[n]++;
      if (n >= 16) {
        const bit = 1 << (n - 16);
        this.pendingInterrupts &= ~bit;
        this.activeIrqs |= bit;
      }
      const vec = this.registers[15];
      this.registers[15] = vec & ~1;
      this.updateMpuActive();
      this.invalidateFetch();
      if (this.vectorFault) {
        this.sim.lockup(this, `vector fetch for exception ${n} failed (VTOR=0x${hex(this.VTOR)})`);
        return;
      }
      if (!(vec & 1)) this.tFault = true;
      if (this.excObserver) this.excObserver(this, n, true, c0);
      if (this.stackFault && n !== EXC_HARDFAULT && n !== EXC_NMI) {
        // The stacking for exception n failed (say a thread overflowing into
        // a no-access stack guard): a derived exception, not a lockup. The
        // derived HardFault is more urgent than n and is taken in n's place
        // ("late arrival", the architecture's derived-exception rule): the
        // handler runs with the frame and EXC_RETURN of the interrupted
        // context, and n stays pending, to be taken after the HardFault.
        this.recordFault('stacking fault (frame written into a denied or unmapped area)', this.faultAddr);
        this.lateArriveHardFault(n);
      }
    }

    /** Exception n's entry is replaced by HardFault's (same frame, same EXC_RETURN). */
    lateArriveHardFault(n) {
      if (n >= 16) {
        const bit = 1 << (n - 16);
        this.activeIrqs &= ~bit;
        this.pendingInterrupts |= bit;
      } else if (n === EXC_PENDSV) this.pendingPendSV = true;
      else if (n === EXC_SYSTICK) this.pendingSystick = true;
      else if (n === EXC_SVCALL) this.pendingSVCall = true;
      this.interruptsUpdated = true;
      if (n < 48) this.exceptionCounts[n]--;
      this.exceptionCounts[EXC_HARDFAULT]++;
      this.IPSR = EXC_HARDFAULT;
      this.stacking = true;              // a vector fetch, not checked by the MPU
      this.vectorFault = false;
      const vec = this.readUint32(this.VTOR + 4 * EXC_HARDFAULT);
      this.stacking = false;
      this.updateMpuActive();
      this.invalidateFetch();
      if (this.vectorFault) {
        this.sim.lockup(this, `vector fetch for exception ${EXC_HARDFAULT} failed (VTOR=0x${hex(this.VTOR)})`);
        return;
      }
      this.registers[15] = vec & ~1;
      if (!(vec & 1)) this.tFault = true;
      if (this.excObserver) this.excObserver(this, EXC_HARDFAULT, true, this.cycles, n);
    }

    exceptionReturn(excReturn) {
      const full = (excReturn | 0xf0000000) >>> 0;
      if (full !== 0xfffffff1 && full !== 0xfffffff9 && full !== 0xfffffffd) {
        this.faultReason = `invalid EXC_RETURN 0x${hex(full)}`;
        throw FAULT;
      }
      const n = this.IPSR;
      this.unstacking = true;
      this.stackFault = false;
      super.exceptionReturn(excReturn);
      this.unstacking = false;
      this.registers[15] &= ~1;
      this.cycles += RETURN_CYCLES;
      if (this.excObserver) this.excObserver(this, n, false, this.cycles);
      if (n >= 16) {
        const bit = 1 << (n - 16);
        this.activeIrqs &= ~bit;
        if (this.irqLines & bit) this.pendingInterrupts |= bit;
      }
      this.updateMpuActive();
      this.invalidateFetch();
      if (this.stackFault) {
        this.recordFault('unstacking fault on exception return', this.faultAddr);
        this.exceptionEntry(EXC_HARDFAULT);
        return;
      }
      if (this.currentMode === 0 && (this.SCR & 2) && !this.wfiWake()) {
        this.sim.sleep(this, STATE_WFI); // SLEEPONEXIT
      }
    }

    BXWritePC(address) {
      if (this.currentMode === 1 && address >>> 28 === 0xf) {
        this.exceptionReturn(address & 0x0fffffff);
        return;
      }
      if (!(address & 1)) { this.tFault = true; this.invalidateFetch(); }
      this.registers[15] = address & ~1;
    }

    writeSpecialRegister(sysm, value) {
      if (sysm > 7 && !this.privileged) return; // unprivileged MSR only reaches APSR
      super.writeSpecialRegister(sysm, value);
      if (sysm === 20 || sysm === 16) { this.invalidateFetch(); this.interruptsUpdated = true; }
    }

    updateMpuActive() {
      const ctrl = this.ppb ? this.ppb.mpuCtrl : 0;
      this.mpuActive = !!(ctrl & 1) && (!!(ctrl & 2) || !(this.IPSR === 2 || this.IPSR === 3));
    }

    recordFault(reason, addr) {
      this.faults++;
      this.lastFault = { reason, addr, pc: this.registers[15] >>> 0, cycles: this.cycles };
    }

    // ---- faster equivalents of the stock core's helpers -------------------
    // (same results as rp2040js's versions, fewer floating-point steps)
    addUpdateFlags(a, b) {
      const r = a + b;
      const u = r >>> 0;
      this.N = u > 0x7fffffff;
      this.Z = u === 0;
      this.C = r !== u;
      this.V = (r | 0) !== (a | 0) + (b | 0);
      return u;
    }
    substractUpdateFlags(m, s) {
      const r = m - s;
      const u = r >>> 0;
      this.N = u > 0x7fffffff;
      this.Z = u === 0;
      this.C = m >= s;
      this.V = (((m ^ s) & (m ^ u)) & 0x80000000) !== 0;
      return u;
    }
    // Extra cycles of a load/store: 0 for SIO (single-cycle IOPORT), 3/4 for
    // APB peripherals (bus bridge), 1 for everything else.
    cyclesIO(addr, write) {
      const top = addr >>> 28;
      if (top === 0xd) return 0;
      if (top === 4) return write ? 4 : 3;
      return 1;
    }

    // ---- bus -------------------------------------------------------------
    // A failing access either throws FAULT (abandoning the instruction) or,
    // while the core is stacking/unstacking an exception frame, is dropped and
    // flagged (see exceptionEntry).
    busFault(addr, reason, isWrite) {
      this.faultAddr = addr >>> 0;
      if (this.stacking || this.unstacking) {
        if (this.stacking && !isWrite) this.vectorFault = true;
        else this.stackFault = true;
        return 0;
      }
      this.faultReason = reason;
      throw FAULT;
    }

    readUint32(address) {
      const a = address >>> 0;
      if (a & 3) return this.busFault(a, `unaligned word read at 0x${hex(a)}`);
      if (this.mpuActive && !this.stacking) this.ppb.mpuCheck(a, 0);
      const o = a - SRAM_BASE;
      if (o >= 0 && o < SRAM_SIZE) return this.sram32[o >>> 2];
      if (a >= 0x10000000 && a < 0x14000000) return this.sim.flashSlow ? this.sim.flash.read(this, a, 4) : this.flash32[(a & 0xffffff) >>> 2];
      return this.sim.busRead(this, a, 4);
    }
    readUint16(address) {
      const a = address >>> 0;
      if (a & 1) return this.busFault(a, `unaligned halfword read at 0x${hex(a)}`);
      if (this.mpuActive) this.ppb.mpuCheck(a, 0);
      const o = a - SRAM_BASE;
      if (o >= 0 && o < SRAM_SIZE) return this.sram16[o >>> 1];
      if (a >= 0x10000000 && a < 0x14000000) return this.sim.flashSlow ? this.sim.flash.read(this, a, 2) : this.flash16[(a & 0xffffff) >>> 1];
      return this.sim.busRead(this, a, 2);
    }
    readUint8(address) {
      const a = address >>> 0;
      if (this.mpuActive) this.ppb.mpuCheck(a, 0);
      const o = a - SRAM_BASE;
      if (o >= 0 && o < SRAM_SIZE) return this.sram8[o];
      if (a >= 0x10000000 && a < 0x14000000) return this.sim.flashSlow ? this.sim.flash.read(this, a, 1) : this.flash8[a & 0xffffff];
      return this.sim.busRead(this, a, 1);
    }
    writeUint32(address, value) {
      const a = address >>> 0;
      if (a & 3) { this.busFault(a, `unaligned word write at 0x${hex(a)}`, true); return; }
      if (this.mpuActive && this.ppb.mpuCheck(a, 1)) return;
      const o = a - SRAM_BASE;
      if (o >= 0 && o < SRAM_SIZE) { this.sram32[o >>> 2] = value; return; }
      this.sim.busWrite(this, a, value >>> 0, 4);
    }
    writeUint16(address, value) {
      const a = address >>> 0;
      if (a & 1) { this.busFault(a, `unaligned halfword write at 0x${hex(a)}`, true); return; }
      if (this.mpuActive && this.ppb.mpuCheck(a, 1)) return;
      const o = a - SRAM_BASE;
      if (o >= 0 && o < SRAM_SIZE) { this.sram16[o >>> 1] = value; return; }
      this.sim.busWrite(this, a, value & 0xffff, 2);
    }
    writeUint8(address, value) {
      const a = address >>> 0;
      if (this.mpuActive && this.ppb.mpuCheck(a, 1)) return;
      const o = a - SRAM_BASE;
      if (o >= 0 && o < SRAM_SIZE) { this.sram8[o] = value; return; }
      this.sim.busWrite(this, a, value & 0xff, 1);
    }
  }

  coreClasses.set(Base, Core);
  return Core;
}

function hex(v) { return (v >>> 0).toString(16).padStart(8, '0'); }

module.exports = {
  makeCoreClass, FAULT, hex,
  STATE_RUN, STATE_WFE, STATE_WFI, STATE_RESET, STATE_HALT,
  EXC_HARDFAULT, EXC_NMI, EXC_SVCALL, EXC_PENDSV, EXC_SYSTICK,
  ENTRY_CYCLES, RETURN_CYCLES,
};
