/*
 * switch.S: the context switch (PendSV) and the start of the first thread,
 * for the Cortex-M0+ (ARMv6-M, Thumb-1). See kport.c for the context layout.
 */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

/* PendSV: save r4-r11 below the hardware frame on the thread's stack, ask
 * the kernel for the next context (interrupts masked), restore it. PSP is
 * the new thread's before interrupts are unmasked again, so an interrupt
 * always finds PSP belonging to the kernel's current thread (its tick
 * checks that thread's stack pointer against the thread's stack). */
    .section .text.isr_pendsv, "ax", %progbits
    .global isr_pendsv
    .type isr_pendsv, %function
    .thumb_func
isr_pendsv:
    mrs     r0, psp
    subs    r0, #32
    mov     r1, r0
    stmia   r1!, {r4-r7}            /* r4-r7 at ctx + 0 */
    mov     r4, r8
    mov     r5, r9
    mov     r6, r10
    mov     r7, r11
    stmia   r1!, {r4-r7}            /* r8-r11 at ctx + 16 */
    mov     r4, lr                  /* EXC_RETURN */
    cpsid   i
    bl      port_switch_hook        /* r0 = next context */
    mov     lr, r4
    adds    r0, #16
    ldmia   r0!, {r4-r7}
    mov     r8, r4
    mov     r9, r5
    mov     r10, r6
    mov     r11, r7
    msr     psp, r0                 /* ctx + 32: the hardware frame */
    subs    r0, #32
    ldmia   r0!, {r4-r7}
    cpsie   i
    bx      lr
    .size isr_pendsv, . - isr_pendsv

/* port_start_first(ctx): switch thread mode to PSP at the new context's
 * hardware frame, unstack it by hand and jump to the entry, interrupts on. */
    .section .text.port_start_first, "ax", %progbits
    .global port_start_first
    .type port_start_first, %function
    .thumb_func
port_start_first:
    adds    r0, #32                 /* skip r4-r11 (a new thread has none) */
    msr     psp, r0
    movs    r0, #2
    msr     control, r0             /* thread mode uses PSP */
    isb
    pop     {r0-r3}                 /* r0 = arg */
    pop     {r4, r5}                /* r12, lr */
    mov     lr, r5
    pop     {r4, r5}                /* pc, xPSR */
    movs    r5, #1
    orrs    r4, r5                  /* Thumb */
    cpsie   i
    bx      r4
    .size port_start_first, . - port_start_first
