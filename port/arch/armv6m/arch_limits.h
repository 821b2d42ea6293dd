/*
 * arch_limits.h (ARMv6-M): the architecture's constants for port/port.h,
 * included by the chip's port_limits.h (every chip on this architecture
 * shares them). Plain #defines only: assembly files include them too.
 *
 * A thread stack holds the saved context (16 words) and the exception
 * frame; below them, a guard the MPU makes inaccessible while the thread
 * runs: one 32-byte subregion, so stacks are aligned to 32 bytes.
 */
#ifndef TANDEM_ARCH_LIMITS_H
#define TANDEM_ARCH_LIMITS_H

#define PORT_STACK_ALIGN    32u
#define PORT_STACK_MIN      192u
#define PORT_STACK_RESERVE  0u
#define PORT_STACK_GUARD    32u   /* per thread stack: one MPU subregion */
#define PORT_MAIN_GUARD     128u  /* bottom of each main stack: 4 MPU subregions */
#define PORT_CTX_IS_SP      1     /* a saved context is the thread's stack pointer, tagged: */
/* sp | 2 (an exception frame), sp (a call frame), ~sp (a short call frame):
 * switch.S. PORT_CTX_SP: the stack pointer of a saved context. */
#define PORT_CTX_SP(ctx)                                                                 \
    ((uintptr_t)(ctx) >> 31 ? ~(uintptr_t)(ctx) : (uintptr_t)(ctx) & ~(uintptr_t)3u)

/* NVIC priority levels: ARMv6-M implements 2 bits, 0 the most urgent,
 * PORT_IRQ_PRIO_LEVELS - 1 the least; what tandem puts at each. These are
 * interrupt priorities, unrelated to thread priorities (TD_PRIO_*). */
#define PORT_IRQ_PRIO_LEVELS  4u
#define PORT_IRQ_PRIO_FIFO    1u  /* inter-core FIFO: messages and supervision */
#define PORT_IRQ_PRIO_TICK    2u  /* SysTick */
#define PORT_IRQ_PRIO_DEVICE  2u  /* device interrupts by default */
#define PORT_IRQ_PRIO_SWITCH  3u  /* PendSV, the context switch: always the least urgent */

#endif
