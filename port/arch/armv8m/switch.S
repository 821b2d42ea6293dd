/*
 * switch.S: the context switches and the start of the first thread, for
 * ARMv8-M Mainline (Cortex-M33), with or without an FPU. See context.c for
 * the context layout.
 *
 * A context is the thread's saved stack pointer. From there up:
 *   PSPLIM, r4-r11, EXC_RETURN          10 words, always
 *   s16-s31                             16 words, if EXC_RETURN.FType is 0
 *   the exception frame                 r0-r3 r12 lr pc xPSR, and if FType
 *                                       is 0: s0-s15 FPSCR (reserved)
 * Each thread carries its own stack limit (PSPLIM: the bottom of its
 * guard), restored with the rest. Bit 0 of the pointer tells the kinds
 * apart:
 *   1  an exception frame (PendSV saved it, or it is new): every word;
 *   0  a call frame (port_switch saved it): PSPLIM, r4-r11, s16-s31 and
 *      FPSCR if the thread had FP state, pc and xPSR; the other words are
 *      the caller's scratch registers across a call and hold nothing.
 * PendSV resumes either kind by exception return (EXC_RETURN is in the
 * context, a call frame's says "thread, PSP" and the frame type).
 * port_switch resumes a call frame with a plain jump, and an exception
 * frame through SVC (by exception return too: only the hardware restores
 * an interrupted IT block, the GE flags and the FP frame exactly).
 *
 * A thread with FP state is Secure FP-active too (CONTROL.SFPA), which an
 * exception frame carries in its xPSR's bit 20: port_switch's call frame
 * says so, or an exception return would resume the thread with SFPA clear
 * and its next FP instruction would start a new FP context, FPSCR reset to
 * FPDSCR (the rounding mode and flags lost; switch_keeps_fp_registers).
 * A thread resumed without FP state by the jump gets FPCA and SFPA clear,
 * as an exception return to it would leave them.
 *
 * FP state is lazy (FPCCR.LSPEN): an exception that interrupts a thread
 * with FP state reserves the FP part of the frame and fills it only when
 * the handler itself uses the FPU. PendSV's VSTMDB of s16-s31 is such a
 * use: it fills the reserved s0-s15/FPSCR first, so the frame is complete
 * before another thread runs. Where a frame is abandoned instead (SVC,
 * the fault path, armv8m_park) the pending lazy save is cancelled
 * (FPCCR.LSPACT = 0) so it can never land in a stack that is reused.
 */
    .syntax unified
    .cpu cortex-m33
    .fpu fpv5-sp-d16
    .thumb

#include "port_limits.h"

#define FPCCR 0xe000ef34

/* PendSV: save the running thread below its hardware frame (PSP), ask the
 * kernel for the next context with interrupts masked, restore it. */
    .section .text.isr_pendsv, "ax", %progbits
    .global isr_pendsv
    .type isr_pendsv, %function
    .thumb_func
isr_pendsv:
    mrs     r0, psp
    tst     lr, #0x10               /* EXC_RETURN.FType: 0 = FP frame */
    bne     1f
    vstmdb  r0!, {s16-s31}          /* also completes a pending lazy save */
1:  mrs     r2, psplim
    stmdb   r0!, {r2, r4-r11, lr}
    orr     r0, r0, #1              /* ctx | 1: an exception frame */
    mov     r1, #ARMV8M_BASEPRI_MASK
    msr     basepri, r1
    bl      port_switch_hook        /* r0 = next context */
    /* fall through */

/* armv8m_ctx_resume: from a handler (interrupts masked), resume context r0
 * of either kind by exception return, interrupts enabled at the return.
 * Also the way back to a thread for SVC and the fault path. */
    .global armv8m_ctx_resume
    .thumb_func
armv8m_ctx_resume:
    bic     r0, r0, #1
    ldmia   r0!, {r2, r4-r11, lr}   /* PSPLIM, r4-r11, EXC_RETURN */
    tst     lr, #0x10
    bne     2f
    vldmia  r0!, {s16-s31}
2:  msr     psplim, r2
    msr     psp, r0                 /* the exception frame */
    mov     r1, #0
    msr     basepri, r1
    bx      lr
    .size isr_pendsv, . - isr_pendsv

/* SVC #0 from port_switch, r0 = an exception-frame context to resume. The
 * SVC's own frame (on the abandoned stack) is dropped: a lazy FP save still
 * pending for it is cancelled first. SVCall has the port's own priority
 * (hardware level 0), so it is taken with interrupts masked. */
    .section .text.isr_svcall, "ax", %progbits
    .global isr_svcall
    .type isr_svcall, %function
    .thumb_func
isr_svcall:
    tst     lr, #0x10
    bne     1f
    ldr     r1, =FPCCR
    ldr     r2, [r1]
    bic     r2, r2, #1              /* LSPACT */
    str     r2, [r1]
1:  b       armv8m_ctx_resume
    .size isr_svcall, . - isr_svcall
    .ltorg

/* port_switch(void **from, void *to): thread mode, on the thread's stack
 * (PSP), interrupts masked by the caller. */
    .section .text.port_switch, "ax", %progbits
    .global port_switch
    .type port_switch, %function
    .global port_switch_preempt         /* (port.h: the same switch here) */
    .thumb_set port_switch_preempt, port_switch
    .thumb_func
port_switch:
    mrs     r3, control
    tst     r3, #4                  /* CONTROL.FPCA: this thread has FP state */
    beq     1f
    sub     sp, sp, #8              /* frame + 96: FPSCR, frame + 100: reserved */
    vmrs    r12, fpscr
    str     r12, [sp]
    vpush   {s0-s15}                /* caller-saved: room only, any value */
1:  bic     r2, lr, #1              /* frame pc: the return address */
    and     r12, r3, #8             /* CONTROL.SFPA (bit 3) as the frame */
    lsl     r12, r12, #17           /* xPSR's SFPA (bit 20): an exception */
    orr     r12, r12, #0x01000000   /* return restores it; Thumb */
    push    {r2, r12}
    sub     sp, sp, #24             /* r0-r3, r12, lr: nothing to keep */
    tst     r3, #4
    beq     2f
    vpush   {s16-s31}
    mvn     lr, #0x12               /* EXC_RETURN 0xffffffed: thread, PSP, FP frame */
    b       3f
2:  mvn     lr, #0x02               /* EXC_RETURN 0xfffffffd: thread, PSP */
3:  mrs     r2, psplim
    push    {r2, r4-r11, lr}
    mov     r2, sp
    str     r2, [r0]                /* *from: a call frame (bit 0 clear) */

    tst     r1, #1
    bne     6f
    ldmia   r1!, {r2, r4-r11, lr}   /* a call frame: PSPLIM, r4-r11, EXC_RETURN */
    tst     lr, #0x10
    bne     4f
    vldmia  r1!, {s16-s31}
    ldr     r0, [r1, #96]
    vmsr    fpscr, r0
    ldr     r0, [r1, #24]           /* pc */
    add     r1, r1, #104
    b       5f
4:  mrs     r0, control             /* no FP state: FPCA and SFPA off */
    bic     r0, r0, #12
    msr     control, r0
    ldr     r0, [r1, #24]
    add     r1, r1, #32
5:  msr     psplim, r2
    mov     sp, r1
    orr     r0, r0, #1
    bx      r0
6:  mov     r0, r1                  /* an exception frame: by exception return */
    svc     #0
    .size port_switch, . - port_switch

/* port_start_first(ctx): thread mode on PSP at the new context's exception
 * frame, unstacked by hand, interrupts on. */
    .section .text.port_start_first, "ax", %progbits
    .global port_start_first
    .type port_start_first, %function
    .thumb_func
port_start_first:
    bic     r0, r0, #1
    ldr     r1, [r0]                /* PSPLIM */
    msr     psplim, r1
    add     r0, r0, #40             /* past PSPLIM, r4-r11, EXC_RETURN */
    msr     psp, r0
    mov     r1, #2
    msr     control, r1             /* thread mode uses PSP; no FP state */
    isb
    pop     {r0-r3}                 /* r0 = arg */
    pop     {r4, r5}                /* r12, lr */
    mov     lr, r5
    pop     {r4, r5}                /* pc, xPSR */
    orr     r4, r4, #1
    mov     r5, #0
    msr     basepri, r5
    cpsie   i
    bx      r4
    .size port_start_first, . - port_start_first
