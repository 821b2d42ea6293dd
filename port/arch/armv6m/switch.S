/*
 * switch.S: the context switches and the start of the first thread, for the
 * Cortex-M0+ (ARMv6-M, Thumb-1). See context.c for the context layout.
 *
 * A context is the thread's saved stack pointer, at 16 words shaped like
 * what PendSV saves:
 *   r8 r9 r10 r11 r4 r5 r6 r7 | r0 r1 r2 r3 r12 lr pc xPSR
 * and bit 0 of the pointer tells how much of it is live:
 *   1  an exception frame (PendSV saved it, or it is new): every word;
 *   0  a call frame (port_switch saved it): r4-r11, pc and xPSR; r0-r3,
 *      r12 and lr are the caller's scratch registers across a call and
 *      hold nothing.
 * PendSV resumes either kind by exception return. port_switch resumes a
 * call frame with a plain jump, an exception frame by unstacking it in
 * thread mode.
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
    subs    r0, #16
    stmia   r0!, {r4-r7}            /* r4-r7 at ctx + 16 */
    subs    r0, #32
    mov     r4, r8
    mov     r5, r9
    mov     r6, r10
    mov     r7, r11
    stmia   r0!, {r4-r7}            /* r8-r11 at ctx + 0 */
    subs    r0, #15                 /* ctx | 1: an exception frame */
    mov     r4, lr                  /* EXC_RETURN */
    cpsid   i
    bl      port_switch_hook        /* r0 = next context */
    mov     lr, r4
    /* fall through */

/* armv6m_ctx_resume: from a handler (interrupts masked, lr = EXC_RETURN for
 * thread mode on PSP), resume context r0 of either kind by exception
 * return; interrupts are enabled at the return. Also the fault path's way
 * back to a thread (fault_entry.S). */
    .global armv6m_ctx_resume
    .thumb_func
armv6m_ctx_resume:
    movs    r1, #1
    bics    r0, r1                  /* either kind: a complete frame */
    ldmia   r0!, {r4-r7}
    mov     r8, r4
    mov     r9, r5
    mov     r10, r6
    mov     r11, r7
    ldmia   r0!, {r4-r7}
    msr     psp, r0                 /* ctx + 32: the exception frame */
    cpsie   i
    bx      lr
    .size isr_pendsv, . - isr_pendsv

/* port_switch(void **from, void *to): thread mode, on the thread's stack
 * (PSP), interrupts masked by the caller. */
    .section .text.port_switch, "ax", %progbits
    .global port_switch
    .type port_switch, %function
    .thumb_func
port_switch:
    mov     r2, lr
    subs    r2, #1                  /* the resume address, as a frame holds it */
    movs    r3, #1
    lsls    r3, r3, #24             /* xPSR: Thumb */
    push    {r2, r3}                /* pc, xPSR */
    sub     sp, #24                 /* r0-r3, r12, lr: nothing to keep */
    push    {r4-r7}
    mov     r4, r8
    mov     r5, r9
    mov     r6, r10
    mov     r7, r11
    push    {r4-r7}
    mov     r2, sp
    str     r2, [r0]                /* *from: a call frame (bit 0 clear) */
    lsrs    r2, r1, #1
    bcs     2f
    mov     sp, r1                  /* a call frame */
    pop     {r4-r7}
    mov     r8, r4
    mov     r9, r5
    mov     r10, r6
    mov     r11, r7
    pop     {r4-r7}
    ldr     r0, [sp, #24]           /* the resume address, bit 0 clear as a frame holds it: */
    add     sp, #32
    mov     pc, r0                  /* a MOV to the pc ignores bit 0 (ARMv6-M BranchWritePC) */
2:  subs    r1, #1                  /* an exception frame: all of it */
    mov     sp, r1
    pop     {r4-r7}
    mov     r8, r4
    mov     r9, r5
    mov     r10, r6
    mov     r11, r7
    pop     {r4-r7}
    /* sp -> r0 r1 r2 r3 r12 lr pc xPSR, and one word of padding above if
     * xPSR bit 9 says the hardware aligned the stack; above that, S: the sp
     * the context had. The pc is put in the word just below S and popped
     * last, after interrupts are enabled (the interrupted thread ran with
     * them enabled); r0-r3 are moved just below that word first.
     * An interrupt taken in the one-instruction window between that cpsie
     * and the pop leaves a context whose pc is the pop and whose sp points
     * at the word it was about to pop: it is resumed as that pop would have
     * gone on, from that word, or else every such interruption would leave
     * one more word on the thread's stack. */
    ldr     r2, [sp, #16]
    mov     r12, r2
    ldr     r2, [sp, #20]
    mov     lr, r2
    ldr     r0, [sp, #28]           /* xPSR */
    ldr     r1, [sp, #24]           /* pc */
    mov     r2, sp
    adds    r2, #32                 /* S */
    lsls    r3, r0, #22             /* bit 9 -> N: a padding word */
    bpl     3f
    adds    r2, #4
3:  ldr     r3, =port_resume_pop
    cmp     r1, r3
    beq     4f                      /* the window: the pc is at S already */
    adds    r1, #1
    subs    r2, #4
    str     r1, [r2]
4:  mov     r3, r2                  /* r2: the word to pop into pc; r0-r3 go below it */
    subs    r3, #16
    ldr     r1, [sp, #12]           /* last first: the frame may overlap */
    str     r1, [r3, #12]
    ldr     r1, [sp, #8]
    str     r1, [r3, #8]
    ldr     r1, [sp, #4]
    str     r1, [r3, #4]
    ldr     r1, [sp, #0]
    str     r1, [r3, #0]
    msr     APSR_nzcvq, r0          /* flags; nothing below changes them */
    mov     sp, r3
    pop     {r0-r3}
    cpsie   i
    .global port_resume_pop
port_resume_pop:
    pop     {pc}
    .ltorg
    .size port_switch, . - port_switch

/* port_start_first(ctx): switch thread mode to PSP at the new context's
 * exception frame, unstack it by hand and jump to the entry, interrupts on. */
    .section .text.port_start_first, "ax", %progbits
    .global port_start_first
    .type port_start_first, %function
    .thumb_func
port_start_first:
    adds    r0, #31                 /* clear the tag, skip r4-r11 (none yet) */
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
