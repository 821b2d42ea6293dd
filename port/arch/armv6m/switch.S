/*
 * switch.S: the context switches and the start of the first thread, for the
 * Cortex-M0+ (ARMv6-M, Thumb-1). See context.c for the context layout.
 *
 * A context is the thread's saved stack pointer, tagged with its kind. Two
 * kinds are 16 words shaped like what PendSV saves:
 *   r8 r9 r10 r11 r4 r5 r6 r7 | r0 r1 r2 r3 r12 lr pc xPSR
 *   sp | 2  an exception frame (PendSV saved it, or it is new): every word;
 *   sp      a call frame (port_switch saved it): r4-r11, pc and xPSR; r0-r3,
 *           r12 and lr are the caller's scratch registers across a call and
 *           hold nothing.
 * The third is 9 words, a short call frame (port_switch_preempt saved it:
 * the thread stays ready, and its next resume is most often a direct
 * switch):
 *   r8 r9 r10 r11 r4 r5 r6 r7 lr
 *   ~sp     (bits 0, 1 and 31 set: a stack pointer is word-aligned and below
 *           0x80000000).
 * PendSV resumes the first two by exception return as they are, a short
 * frame by exception return after writing pc and xPSR over the two words
 * it has just read (r7 and lr: an exception frame at sp + 4). port_switch
 * and port_switch_preempt resume a call frame with a plain jump, a short
 * one with a pop, an exception frame by unstacking it in thread mode.
 */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

/* r8-r11 through r4-r7: from the 4 words at r0 (r0 += 16), from the stack,
 * onto the stack. */
    .macro  ldm_high
    ldmia   r0!, {r4-r7}
    mov     r8, r4
    mov     r9, r5
    mov     r10, r6
    mov     r11, r7
    .endm
    .macro  pop_high
    pop     {r4-r7}
    mov     r8, r4
    mov     r9, r5
    mov     r10, r6
    mov     r11, r7
    .endm
    .macro  push_high
    mov     r4, r8
    mov     r5, r9
    mov     r6, r10
    mov     r7, r11
    push    {r4-r7}
    .endm

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
    subs    r0, #14                 /* ctx | 2: an exception frame */
    mov     r4, lr                  /* EXC_RETURN */
    cpsid   i
    bl      port_switch_hook        /* r0 = next context */
    /* fall through */

/* From a handler (interrupts masked, r4 = EXC_RETURN for thread mode on
 * PSP, 0xfffffffd: PendSV, the least urgent exception, preempts only thread
 * mode, which runs on PSP once the kernel started; the fault path sets it),
 * resume context r0 of any kind by exception return; interrupts are enabled
 * at the return. */
1:  mov     lr, r4
    ands    r0, r4                  /* bit 1 off: a frame of 16 words as it is; */
    bmi     2f                      /* a short frame keeps bit 31 */
    ldm_high
    ldmia   r0!, {r4-r7}
    msr     psp, r0                 /* ctx + 32: the exception frame */
    cpsie   i
    bx      lr
2:  mvns    r0, r0                  /* a short frame: sp | 2 */
    subs    r0, #2
    ldm_high
    ldmia   r0!, {r4-r7}            /* r0 = sp + 32: the saved lr */
    ldr     r1, [r0]
    subs    r1, #1                  /* pc: the return address, bit 0 clear */
    movs    r2, #1
    lsls    r2, r2, #24             /* xPSR: Thumb */
    str     r2, [r0]                /* over lr */
    subs    r0, #4
    str     r1, [r0]                /* over r7 */
    subs    r0, #24                 /* sp + 4: r0-r3, r12, lr hold nothing */
    msr     psp, r0                 /* (bit 9 of xPSR clear: no padding word) */
    cpsie   i
    bx      lr

/* armv6m_ctx_resume: the same, with lr = EXC_RETURN (0xfffffffd): the fault
 * path's way back to a thread (fault_entry.S). */
    .global armv6m_ctx_resume
    .thumb_func
armv6m_ctx_resume:
    mov     r4, lr
    b       1b
    .size isr_pendsv, . - isr_pendsv

/* Resume context r1 of any kind from thread mode (interrupts masked): a
 * call frame with a jump, a short frame with a pop, inline; an exception
 * frame at armv6m_resume_exc_inv. */
    .macro  resume_r1
    lsrs    r2, r1, #2
    bcs     1f                      /* bit 1: an exception frame or a short one */
    mov     sp, r1                  /* a call frame */
    pop_high
    pop     {r4-r7}
    ldr     r0, [sp, #24]           /* the resume address, bit 0 clear as a frame holds it: */
    add     sp, #32
    mov     pc, r0                  /* a MOV to the pc ignores bit 0 (ARMv6-M BranchWritePC) */
1:  mvns    r1, r1                  /* a short frame: its sp, bit 31 clear; */
    bmi     armv6m_resume_exc_inv   /* an exception frame: ~(ctx | 2), bit 31 set */
    mov     sp, r1
    pop_high
    pop     {r4-r7, pc}
    .endm

/* port_switch(void **from, void *to): thread mode, on the thread's stack
 * (PSP), interrupts masked by the caller. Saves a call frame. */
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
    push_high
    mov     r2, sp
    str     r2, [r0]                /* *from: a call frame (untagged) */
    resume_r1
    .size port_switch, . - port_switch

/* port_switch_preempt(void **from, void *to): the same, for a running
 * thread that stays ready; saves a short frame. (One section with
 * port_switch: both branch to armv6m_resume_exc_inv.) */
    .global port_switch_preempt
    .type port_switch_preempt, %function
    .thumb_func
port_switch_preempt:
    push    {r4-r7, lr}
    push_high
    mov     r2, sp
    mvns    r2, r2
    str     r2, [r0]                /* *from: a short frame (~sp) */
    resume_r1
    .size port_switch_preempt, . - port_switch_preempt

/* An exception frame (r1 = ~(ctx | 2)) resumed in thread mode. */
    .type armv6m_resume_exc_inv, %function
    .thumb_func
armv6m_resume_exc_inv:
    mvns    r1, r1
    subs    r1, #2                  /* an exception frame: all of it */
    mov     sp, r1
    pop_high
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
    .size armv6m_resume_exc_inv, . - armv6m_resume_exc_inv

/* port_start_first(ctx): switch thread mode to PSP at the new context's
 * exception frame, unstack it by hand and jump to the entry, interrupts on. */
    .section .text.port_start_first, "ax", %progbits
    .global port_start_first
    .type port_start_first, %function
    .thumb_func
port_start_first:
    adds    r0, #30                 /* clear the tag (2), skip r4-r11 (none yet) */
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
