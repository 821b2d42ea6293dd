/*
 * fault_entry.S: the HardFault entry of both cores. MemManage, BusFault and
 * UsageFault are left disabled, so every fault escalates to HardFault
 * (HFSR.FORCED) with its cause kept in CFSR, MMFAR and BFAR: fault.c reads
 * them. One entry, at priority -1 like the ARMv6-M one, so the kernel's
 * fault path runs the same way on both.
 *
 * At entry the hardware has stacked r0-r3, r12, lr, pc, xPSR (and the FP
 * part, if the interrupted context had FP state) on the stack the fault
 * interrupted, or tried to: stacking into a guard or past a stack limit
 * loses the frame. r0-r12 are unchanged by the entry, so they are captured
 * here, live, first.
 *
 * The capture goes onto the main stack, MSPLIM first set to 0 (QEMU does
 * not implement CCR.STKOFHFNMIGN, which would turn the checks off at this
 * priority) and the MPU off at this priority (HFNMIENA = 0): the pushes
 * may go below the limit into the main stack's guard, which has room for
 * them (MSPLIM is half-way up the guard). The limit is set again before a
 * thread is resumed. If the
 * main stack is nearly used up, the capture moves to the top of the main
 * stack and the C code runs from there: nothing on the main stack is
 * returned to after such a fault.
 *
 * armv8m_fault_entry (fault.c) returns only when the faulting thread was
 * ended and another thread is to run: it is resumed as PendSV resumes.
 */
    .syntax unified
    .cpu cortex-m33
    .thumb

#include "port_limits.h"

#define FAULT_LOW      (PORT_MAIN_GUARD + 512)     /* the guard + room for the C code */

    .section .text.isr_hardfault, "ax", %progbits
    .global isr_hardfault
    .type isr_hardfault, %function
    .thumb_func
isr_hardfault:
    /* MSPLIM off first: after a main stack overflow MSP may sit right at
     * the limit, and a push there would fault again, at HardFault
     * priority: a lockup. A store below SP is no push (no limit check). */
    str     r0, [sp, #-4]
    mov     r0, #0
    msr     msplim, r0
    ldr     r0, [sp, #-4]
    push    {r0-r3}                 /* capture[12..15] = r0-r3 */
    push    {r4-r11}                /* capture[4..11]  = r4-r11 */
    mov     r0, r12
    mrs     r1, psp
    mrs     r2, basepri
    mov     r3, lr
    push    {r0-r3}                 /* capture[0..3] = r12, psp, basepri, EXC_RETURN */
    mov     r0, sp                  /* r0 = capture */
    add     r4, sp, #64             /* r4 = MSP at entry */

    /* Enough main stack left for the C code? */
    ldr     r1, =PORT_CORE_ID_REG
    ldr     r1, [r1]
    ldr     r2, =__stack0_bottom__
    ldr     r3, =__stack0_top__
    cbz     r1, 1f
    ldr     r2, =__stack1_bottom__
    ldr     r3, =__stack1_top__
1:  add     r2, r2, #FAULT_LOW
    cmp     r0, r2
    bhs     2f
    /* No: continue at the top of the main stack with a copy of the capture. */
    sub     r3, r3, #64
    mov     r2, #0
3:  ldr     r1, [r0, r2]
    str     r1, [r3, r2]
    adds    r2, r2, #4
    cmp     r2, #64
    blo     3b
    mov     sp, r3
    mov     r0, r3
2:  mov     r1, r4
    bl      armv8m_fault_entry      /* (capture, MSP at entry): the context to run */

    /* Resume another thread as PendSV does (switch.S). */
    add     sp, sp, #64
    ldr     r1, =PORT_CORE_ID_REG
    ldr     r1, [r1]
    ldr     r2, =__stack0_bottom__
    cbz     r1, 4f
    ldr     r2, =__stack1_bottom__
4:  add     r2, r2, #(PORT_MAIN_GUARD / 2)
    msr     msplim, r2
    mov     r1, #ARMV8M_BASEPRI_MASK
    msr     basepri, r1
    b       armv8m_ctx_resume
    .size isr_hardfault, . - isr_hardfault
    .ltorg
