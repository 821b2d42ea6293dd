/*
 * fault_entry.S: the HardFault entry of both cores (replaces the chip's weak
 * isr_hardfault). See fault.c for what is decoded and docs/faults.md for
 * the whole fault path.
 *
 * At entry the hardware has stacked r0-r3, r12, lr, pc, xPSR on the stack
 * the fault interrupted (PSP for a thread, MSP for a handler) - or tried to:
 * if that stack ran into its guard the writes were dropped (ARMv6-M: the
 * derived fault of the stacking is taken as this HardFault, no lockup) and
 * the frame holds stale words. r0-r12 themselves are unchanged by the entry,
 * so they are captured here, live, before anything touches them.
 *
 * The capture goes onto the main stack (the MPU is off at HardFault
 * priority: MPU_CTRL.HFNMIENA = 0, so even the main stack's guard is
 * writable here; the guard is the lowest PORT_MAIN_GUARD bytes of the main
 * stack, so these pushes stay inside it). If the main stack is
 * nearly used up (a main stack overflow), the capture moves to the top of
 * the main stack and the C code runs from there: nothing on the main stack
 * is returned to after such a fault.
 *
 * armv6m_fault_entry (fault.c) returns only when the faulting thread was
 * ended and another thread is to run: its context is restored as PendSV
 * does and the exception returns to it.
 */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

#include "port_limits.h"

#define FAULT_LOW      (PORT_MAIN_GUARD + 384)     /* the guard + room for the C code */

    .section .text.isr_hardfault, "ax", %progbits
    .global isr_hardfault
    .type isr_hardfault, %function
    .thumb_func
isr_hardfault:
    push    {r0-r3}                 /* capture[12..15] = r0-r3 */
    mov     r0, r8
    mov     r1, r9
    mov     r2, r10
    mov     r3, r11
    push    {r0-r3}                 /* capture[8..11]  = r8-r11 */
    push    {r4-r7}                 /* capture[4..7]   = r4-r7 */
    mov     r0, r12
    mrs     r1, psp
    mrs     r2, primask
    mov     r3, lr
    push    {r0-r3}                 /* capture[0..3] = r12, psp, primask, EXC_RETURN */
    mov     r0, sp                  /* r0 = capture */
    add     r4, sp, #64             /* r4 = MSP at entry (r4-r7 are saved) */

    /* Enough main stack left for the C code? */
    ldr     r1, =PORT_CORE_ID_REG
    ldr     r1, [r1]
    ldr     r2, =__stack0_bottom__
    ldr     r3, =__stack0_top__
    cmp     r1, #0
    beq     1f
    ldr     r2, =__stack1_bottom__
    ldr     r3, =__stack1_top__
1:  ldr     r1, =FAULT_LOW
    adds    r2, r2, r1
    cmp     r0, r2
    bhs     2f
    /* No: continue at the top of the main stack with a copy of the capture. */
    subs    r3, #64
    movs    r2, #0
3:  ldr     r1, [r0, r2]
    str     r1, [r3, r2]
    adds    r2, #4
    cmp     r2, #64
    blo     3b
    mov     sp, r3
    mov     r0, r3
2:  mov     r1, r4
    bl      armv6m_fault_entry        /* (capture, MSP at entry): the context to run */

    /* Resume another thread: the main stack back as it was at entry, then
     * the context as PendSV resumes it (switch.S). */
    add     sp, #64
    ldr     r1, =0xfffffffd         /* thread mode, process stack */
    mov     lr, r1
    ldr     r1, =armv6m_ctx_resume
    bx      r1
    .size isr_hardfault, . - isr_hardfault
    .ltorg
