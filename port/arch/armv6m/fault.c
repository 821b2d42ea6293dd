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
#include "port.h"
#include "tandem/fault.h"

#define SRAM_LO   PORT_MEM_SRAM
#define SRAM_HI   PORT_MEM_SRAM_END
#define FLASH_LO  PORT_MEM_FLASH
#define FLASH_HI  PORT_MEM_FLASH_END
#define ROM_HI    PORT_MEM_ROM_END
#define CODE_LO   PORT_MEM_CODE
#define NULL_HI   0x00000100u           /* the MPU's null region (mpu.c) */
#define XPSR_T    (1u << 24)

static bool in_sram(uint32_t a, uint32_t n)
{
    return a >= SRAM_LO && a <= SRAM_HI - n;
}

static bool readable_code(uint32_t a)
{
    return (a < ROM_HI) || (a >= FLASH_LO && a < FLASH_HI) || in_sram(a, 2);
}

static bool overlaps(uint32_t a, uint32_t n, uint32_t lo, uint32_t len)
{
    return lo != 0 && a < lo + len && lo < a + n;
}

bool port_code_return(uint32_t v)
{
    uint32_t a = v - 1u;                 /* the instruction after the call */
    if (!(v & 1u) || a < CODE_LO + 4u || a >= (uint32_t)(uintptr_t)__data_load__)
        return false;
    uint16_t h1 = *(const uint16_t *)(uintptr_t)(a - 4u);
    uint16_t h2 = *(const uint16_t *)(uintptr_t)(a - 2u);
    return ((h1 & 0xf800u) == 0xf000u && (h2 & 0xd000u) == 0xd000u) ||   /* BL */
           (h2 & 0xff87u) == 0x4780u;                                     /* BLX rm */
}

unsigned port_call_chain(uintptr_t sp, uint32_t *out, unsigned max)
{
    unsigned n = 0;
    if ((sp & 3u) || !in_sram(sp, 4))
        return 0;
    uintptr_t end = sp + 1024u;          /* how far up the stack to look */
    if (end > SRAM_HI)
        end = SRAM_HI;
    for (uintptr_t p = sp; p < end && n < max; p += 4u) {
        uint32_t v = *(const uint32_t *)p;
        if (port_code_return(v) && (n == 0 || out[n - 1] != v))
            out[n++] = v;
    }
    return n;
}

/* ---- decoding the faulting instruction ------------------------------------------- */

static uint32_t reg(const port_fault_frame_t *f, unsigned r)
{
    return r == 13 ? f->sp : f->r[r];
}

/* The address and size of the load/store at op, if it is one. */
static bool access_of(const port_fault_frame_t *f, uint16_t op, uint32_t *addr, unsigned *size)
{
    unsigned rn = (op >> 3) & 7u, rm = (op >> 6) & 7u, imm5 = (op >> 6) & 31u;
    if ((op & 0xf000u) == 0x5000u) {                 /* register offset */
        static const uint8_t sz[8] = { 4, 2, 1, 1, 4, 2, 1, 2 };
        *size = sz[(op >> 9) & 7u];
        *addr = reg(f, rn) + reg(f, rm);
    } else if ((op & 0xf000u) == 0x6000u) {          /* LDR/STR word, imm5 */
        *size = 4;
        *addr = reg(f, rn) + imm5 * 4u;
    } else if ((op & 0xf000u) == 0x7000u) {          /* LDRB/STRB, imm5 */
        *size = 1;
        *addr = reg(f, rn) + imm5;
    } else if ((op & 0xf000u) == 0x8000u) {          /* LDRH/STRH, imm5 */
        *size = 2;
        *addr = reg(f, rn) + imm5 * 2u;
    } else if ((op & 0xf000u) == 0x9000u) {          /* LDR/STR SP-relative */
        *size = 4;
        *addr = f->sp + (op & 0xffu) * 4u;
    } else if ((op & 0xf800u) == 0x4800u) {          /* LDR literal */
        *size = 4;
        *addr = ((f->pc + 4u) & ~3u) + (op & 0xffu) * 4u;
    } else if ((op & 0xfe00u) == 0xb400u) {          /* PUSH: lowest word written */
        unsigned k = (unsigned)__builtin_popcount(op & 0x1ffu);
        *size = 4;
        *addr = f->sp - 4u * k;
    } else if ((op & 0xfe00u) == 0xbc00u) {          /* POP */
        *size = 4;
        *addr = f->sp;
    } else if ((op & 0xf000u) == 0xc000u) {          /* STM/LDM rn! */
        *size = 4;
        *addr = reg(f, (op >> 8) & 7u);
    } else {
        return false;
    }
    return true;
}

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
    if (!access_of(f, op, &a, &size))
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
    for (unsigned i = 0; i < 4; i++) {
        f.r[i] = cap[12 + i];
        f.r[4 + i] = cap[4 + i];
        f.r[8 + i] = cap[8 + i];
    }
    f.r[12] = cap[0];
    f.psp = cap[1];
    f.primask = cap[2] & 1u;
    f.exc_return = cap[3];
    f.fsr = 0;                           /* ARMv6-M: no fault status register */
    f.msp = msp;
    f.thread_mode = (f.exc_return & 0xfu) == 0xdu;
    uint32_t frame = (f.exc_return & 4u) ? f.psp : f.msp;
    uintptr_t lo, hi;
    port_main_stack(core, &lo, &hi);
    f.frame_ok = in_sram(frame, 32) && !(frame & 3u) &&
                 !overlaps(frame, 32, (uint32_t)armv6m_guard_armed(), PORT_STACK_GUARD) &&
                 !overlaps(frame, 32, (uint32_t)lo, PORT_MAIN_GUARD);
    if (f.frame_ok) {
        const uint32_t *fr = (const uint32_t *)(uintptr_t)frame;
        f.lr = fr[5];
        f.pc = fr[6];
        f.xpsr = fr[7];
        f.sp = frame + 32u + ((f.xpsr >> 9) & 1u) * 4u;
    } else {
        f.lr = f.pc = f.xpsr = 0;
        f.sp = frame + 32u;
    }
    port_fault_decode(&f);
    /* a handler's main stack ran into its guard */
    if (!f.thread_mode && (!f.frame_ok || f.sp < lo + PORT_MAIN_GUARD ||
                           (f.addr >= lo && f.addr < lo + PORT_MAIN_GUARD)))
        f.reason = TD_FAULT_MAIN_STACK;
    return td__fault_cpu(&f);
}
