/*
 * thumb.h: what every Arm M-profile CPU layer knows the same way about
 * Thumb code, the exception frame and the capture its HardFault entry
 * makes (thumb.c): the call chain of a fault report (port_code_return,
 * port_call_chain of port/port.h), the 16-bit load/store forms a fault
 * decoder reads an address from, and filling a port_fault_frame_t.
 * ARMv6-M's Thumb-1 is a subset of ARMv8-M's Thumb-2: both CPU layers
 * (port/arch/armv6m, armv8m) use it. The fault entry's helpers are inline:
 * each has one caller in a CPU layer, whose fault path stays as small as
 * when it had its own copy. Where RAM and code are comes from
 * the chip (port_limits.h, PORT_MEM_SRAM, PORT_MEM_SRAM_END, PORT_MEM_CODE)
 * and its linker script (__data_load__: the end of the code).
 */
#ifndef TANDEM_COMMON_THUMB_H
#define TANDEM_COMMON_THUMB_H

#include <stdbool.h>
#include <stdint.h>

#include "port.h"
#include "tandem/fault.h"

/* [a, a + n) lies in the chip's SRAM. */
static inline bool common_in_sram(uint32_t a, uint32_t n)
{
    return a >= PORT_MEM_SRAM && a <= PORT_MEM_SRAM_END - n;
}

/* [a, a + n) and [lo, lo + len) overlap (lo 0: nothing there). */
static inline bool common_overlaps(uint32_t a, uint32_t n, uint32_t lo, uint32_t len)
{
    return lo != 0 && a < lo + len && lo < a + n;
}

/* The address and size of the 16-bit Thumb load/store op at f->pc (the
 * register offset and immediate forms, SP- and PC-relative, PUSH and POP,
 * LDM/STM), from f's registers. False if op is not one. */
static inline bool common_access16(const port_fault_frame_t *f, uint16_t op, uint32_t *addr,
                                   unsigned *size)
{
    /* every register a 16-bit load/store names is r0-r7 */
    unsigned rn = (op >> 3) & 7u, rm = (op >> 6) & 7u, imm5 = (op >> 6) & 31u;
    if ((op & 0xf000u) == 0x5000u) {                 /* register offset */
        static const uint8_t sz[8] = { 4, 2, 1, 1, 4, 2, 1, 2 };
        *size = sz[(op >> 9) & 7u];
        *addr = f->r[rn] + f->r[rm];
    } else if ((op & 0xf000u) == 0x6000u) {          /* LDR/STR word, imm5 */
        *size = 4;
        *addr = f->r[rn] + imm5 * 4u;
    } else if ((op & 0xf000u) == 0x7000u) {          /* LDRB/STRB, imm5 */
        *size = 1;
        *addr = f->r[rn] + imm5;
    } else if ((op & 0xf000u) == 0x8000u) {          /* LDRH/STRH, imm5 */
        *size = 2;
        *addr = f->r[rn] + imm5 * 2u;
    } else if ((op & 0xf000u) == 0x9000u) {          /* LDR/STR SP-relative */
        *size = 4;
        *addr = f->sp + (op & 0xffu) * 4u;
    } else if ((op & 0xf800u) == 0x4800u) {          /* LDR literal */
        *size = 4;
        *addr = ((f->pc + 4u) & ~3u) + (op & 0xffu) * 4u;
    } else if ((op & 0xfe00u) == 0xb400u) {          /* PUSH: lowest word written */
        *size = 4;
        *addr = f->sp - 4u * (unsigned)__builtin_popcount(op & 0x1ffu);
    } else if ((op & 0xfe00u) == 0xbc00u) {          /* POP */
        *size = 4;
        *addr = f->sp;
    } else if ((op & 0xf000u) == 0xc000u) {          /* STM/LDM rn! */
        *size = 4;
        *addr = f->r[(op >> 8) & 7u];
    } else {
        return false;
    }
    return true;
}

/* Fill f's r0-r12, psp, exc_return and msp from the capture the fault
 * entry made ('cap': r12, psp, the mask register, EXC_RETURN, r4-r7,
 * r8-r11, r0-r3) and the main stack pointer at entry. */
static inline void common_fault_capture(port_fault_frame_t *f, const uint32_t *cap, uint32_t msp)
{
    for (unsigned i = 0; i < 4; i++) {
        f->r[i] = cap[12 + i];
        f->r[4 + i] = cap[4 + i];
        f->r[8 + i] = cap[8 + i];
    }
    f->r[12] = cap[0];
    f->psp = cap[1];
    f->exc_return = cap[3];
    f->msp = msp;
}

/* Read lr, pc and xPSR from the exception frame at 'frame' ('size' bytes)
 * if f->frame_ok, and set f->sp to the faulting context's SP before it
 * (the frame's alignment padding counted); otherwise 0 and the frame's end. */
static inline void common_fault_frame(port_fault_frame_t *f, uint32_t frame, uint32_t size)
{
    if (f->frame_ok) {
        const uint32_t *fr = (const uint32_t *)(uintptr_t)frame;
        f->lr = fr[5];
        f->pc = fr[6];
        f->xpsr = fr[7];
        f->sp = frame + size + ((f->xpsr >> 9) & 1u) * 4u;
    } else {
        f->lr = f->pc = f->xpsr = 0;
        f->sp = frame + size;
    }
}

/* A fault in handler mode whose frame was lost, or whose stack or access
 * is in the main stack's guard (main_lo: the main stack's bottom), is the
 * main stack's overflow: f->reason set to TD_FAULT_MAIN_STACK. */
static inline void common_fault_main_stack(port_fault_frame_t *f, uintptr_t main_lo)
{
    if (!f->thread_mode && (!f->frame_ok || f->sp < main_lo + PORT_MAIN_GUARD ||
                            (f->addr >= main_lo && f->addr < main_lo + PORT_MAIN_GUARD)))
        f->reason = TD_FAULT_MAIN_STACK;
}

#endif
