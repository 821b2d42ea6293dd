/*
 * arch_limits.h (ARMv8-M Mainline): the architecture's constants for
 * port/port.h, included by the chip's port_limits.h. Plain #defines only:
 * assembly files include them too.
 *
 * A thread stack holds the saved context (9 words, 16 more for a thread
 * that uses the FPU) and the exception frame (8 words, 26 with FP state).
 * Below the stack, the kernel's guard: PSPLIM points at its bottom and the
 * MPU makes it read-only while the thread runs (one 32-byte PMSAv8
 * region: stacks are aligned to 32 bytes).
 */
#ifndef TANDEM_ARCH_LIMITS_H
#define TANDEM_ARCH_LIMITS_H

#define PORT_STACK_ALIGN    32u
#define PORT_STACK_MIN      256u
#define PORT_STACK_RESERVE  0u
#define PORT_STACK_GUARD    32u   /* per thread stack: one MPU region, PSPLIM at its bottom */
#define PORT_MAIN_GUARD     128u  /* bottom of each main stack: one MPU region, MSPLIM inside it */
#define PORT_CTX_IS_SP      1     /* a saved context is the thread's stack pointer (bit 0: its kind) */
#define PORT_CTX_SP(ctx)    ((uintptr_t)(ctx) & ~(uintptr_t)1u)   /* ... without its kind */

/* Interrupt priority levels as tandem/irq.h and the kernel see them: 4, 0
 * the most urgent. The NVIC byte of level p is (p + 1) << 5: the top three
 * bits, which every ARMv8-M core with at least 3 priority bits implements
 * (the RP2350 has 4). Hardware level 0 stays the port's own: the faults,
 * and a chip's core-control interrupt that port_irq_save leaves unmasked
 * (ARMV8M_PRIO_CONTROL, armv8m.h). These are interrupt priorities,
 * unrelated to thread priorities (TD_PRIO_*). */
#define PORT_IRQ_PRIO_LEVELS  4u
#define PORT_IRQ_PRIO_FIFO    0u  /* inter-core doorbell: messages and supervision */
#define PORT_IRQ_PRIO_TICK    1u  /* SysTick */
#define PORT_IRQ_PRIO_DEVICE  1u  /* device interrupts by default */
#define PORT_IRQ_PRIO_SWITCH  3u  /* PendSV, the context switch: always the least urgent */

/* The NVIC priority byte of a level, and BASEPRI's value while interrupts
 * are masked (port_irq_save): every level above masked, hardware level 0
 * not. */
#define ARMV8M_PRIO_BYTE(p)   (((p) + 1u) << 5)
#define ARMV8M_BASEPRI_MASK   0x20u

#endif
