/*
 * fault.c: what an ARMv6-M core can tell about a HardFault (fault_entry.S is
 * the entry), and the code/stack knowledge the report's call chain needs.
 *
 * ARMv6-M has no fault status or fault address registers: every fault is a
 * HardFault and the core says nothing about why. What is known comes from
 * the exception frame (the faulting instruction's pc, its lr and xPSR) and
 * from decoding that instruction (Thumb-1) with the live registers: a BKPT
 * (port_exit without a debugger), UDF or an encoding outside ARMv6-M, a
 * load/store whose address is near 0 (the MPU's null region), misaligned,
 * in a guard or simply not there, a pc outside the code or with the Thumb
 * bit clear. Whether a thread or the main stack overflowed is the kernel's
 * call (it knows the stacks); this file marks what it sees. Where code and
 * RAM are comes from the chip (port_limits.h, PORT_MEM_*).
 */
#include "armv6m.h"
#include "common/thumb.h"
#include "port.h"
#include "tandem/fault.h"

#define SRAM_HI   PORT_MEM_SRAM_END
#define FLASH_LO  PORT_MEM_FLASH
#define FLASH_HI  PORT_MEM_FLASH_END
#define ROM_HI    PORT_MEM_ROM_END
#define NULL_HI   0x00000100u           /* the MPU's null region (mpu.c) */
#define XPSR_T    (1u << 24)

static bool readable_code(uint32_t a)
{
    return (a < ROM_HI) || (a >= FLASH_LO && a < FLASH_HI) || common_in_sram(a, 2);
}

/* port_code_return, port_call_chain: port/common/thumb.c. */

/* ---- decoding the faulting instruction ------------------------------------------- */

static bool is_armv6m_32bit(uint16_t h1, uint16_t h2)
{
    if ((h1 & 0xf800u) == 0xf000u && (h2 & 0xd000u) == 0xd000u)
        return true;                                   /* BL */
    if ((h1 & 0xffe0u) == 0xf380u && (h2 & 0xff00u) == 0x8800u)
        return true;                                   /* MSR */
    if ((h1 & 0xffffu) == 0xf3efu && (h2 & 0xf000u) == 0x8000u)
        return true;                                   /* MRS */
    if (h1 == 0xf3bfu && (h2 & 0xff00u) == 0x8f00u)
        return true;                                   /* DSB/DMB/ISB */
    return false;
}

/* Fill f->reason, f->addr, f->size, f->code from the frame (f->frame_ok). */
void port_fault_decode(port_fault_frame_t *f)
{
    f->reason = TD_FAULT_HARDFAULT;
    f->addr = 0;
    f->size = 0;
    f->code = 0;
    if (!f->frame_ok)
        return;                                        /* the kernel says: stack */
    uint32_t pc = f->pc;
    if (!(f->xpsr & XPSR_T)) {                         /* BX/BLX/POP to an even address */
        f->reason = TD_FAULT_BAD_JUMP;
        f->addr = pc;
        f->code = 1;
        return;
    }
    if (pc < NULL_HI || !readable_code(pc) || (pc >= SRAM_HI && pc < FLASH_LO)) {
        f->reason = TD_FAULT_BAD_JUMP;                 /* fetch from nowhere */
        f->addr = pc;
        return;
    }
    uint16_t op = *(const uint16_t *)(uintptr_t)pc;
    if ((op & 0xff00u) == 0xbe00u) {                   /* BKPT: port_exit, no debugger */
        f->reason = TD_FAULT_EXIT;
        f->code = op & 0xffu;
        return;
    }
    if ((op & 0xff00u) == 0xde00u) {                   /* UDF */
        f->reason = TD_FAULT_BAD_INSTRUCTION;
        f->code = op;
        return;
    }
    if ((op & 0xe000u) == 0xe000u && (op & 0x1800u) != 0) {   /* 32-bit encoding */
        uint16_t h2 = readable_code(pc + 2u) ? *(const uint16_t *)(uintptr_t)(pc + 2u) : 0;
        if (!is_armv6m_32bit(op, h2)) {
            f->reason = TD_FAULT_BAD_INSTRUCTION;
            f->code = ((uint32_t)op << 16) | h2;
        }
        return;
    }
    if ((op & 0xff00u) == 0xdf00u) {                   /* SVC that could not be taken */
        f->code = op;
        return;
    }
    uint32_t a;
    unsigned size;
    if (!common_access16(f, op, &a, &size))
        return;
    f->addr = a;
    f->size = (uint8_t)size;
    if (a & (size - 1u))
        f->reason = TD_FAULT_MISALIGNED;
    else if (a < NULL_HI)
        f->reason = TD_FAULT_NULL;
    else
        f->reason = TD_FAULT_BAD_ADDRESS;              /* the kernel may see a guard */
}

const char *port_fault_cause(unsigned core)
{
    (void)core;
    return "cause not decoded (ARMv6-M has no fault status)";
}

void *armv6m_fault_entry(const uint32_t *cap, uint32_t msp)
{
    port_fault_frame_t f;
    unsigned core = port_core_id();
    common_fault_capture(&f, cap, msp);
    f.primask = cap[2] & 1u;
    f.fsr = 0;                           /* ARMv6-M: no fault status register */
    f.thread_mode = (f.exc_return & 0xfu) == 0xdu;
    uint32_t frame = (f.exc_return & 4u) ? f.psp : f.msp;
    uintptr_t lo, hi;
    port_main_stack(core, &lo, &hi);
    f.frame_ok = common_in_sram(frame, 32) && !(frame & 3u) &&
                 !common_overlaps(frame, 32, (uint32_t)armv6m_guard_armed(), PORT_STACK_GUARD) &&
                 !common_overlaps(frame, 32, (uint32_t)lo, PORT_MAIN_GUARD);
    common_fault_frame(&f, frame, 32u);
    port_fault_decode(&f);
    common_fault_main_stack(&f, lo);     /* a handler's main stack ran into its guard */
    return td__fault_cpu(&f);
}
