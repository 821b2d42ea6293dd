/*
 * context.c: thread contexts on ARMv6-M (port/port.h, "threads and context
 * switching") and the idle thread's sleep; the switches themselves are
 * switch.S, the switch request is inline (arch_inline.h).
 *
 * A thread runs in thread mode on its own stack (PSP); handlers run on the
 * core's main stack (MSP). A thread's context is its saved stack pointer,
 * at 16 words: r8-r11, r4-r7, then an exception frame (r0-r3, r12, lr, pc,
 * xPSR), stacked by the hardware when PendSV switches, or shaped like one
 * by port_switch (which keeps only pc and xPSR in it); or 9 words, r8-r11,
 * r4-r7 and the return address, saved by port_switch_preempt. The pointer's
 * low bits and bit 31 tell the three apart (switch.S, PORT_CTX_SP). A new
 * context is an exception frame.
 */
#include "port.h"

#define XPSR_THUMB 0x01000000u

/* Where a thread's entry function returns to. */
static void thread_return(void)
{
    port_thread_exit_hook();
}

void *port_context_init(void *stack, size_t size, port_entry_t entry, void *arg)
{
    if (stack == NULL || entry == NULL || size < PORT_STACK_MIN ||
        ((uintptr_t)stack & (PORT_STACK_ALIGN - 1u)))
        return NULL;
    uint32_t *top = (uint32_t *)(((uintptr_t)stack + size) & ~(uintptr_t)7u);
    uint32_t *f = top - 16;
    for (unsigned i = 0; i < 8; i++)       /* r4-r7, r8-r11: a recognisable value */
        f[i] = 0;
    f[8] = (uint32_t)(uintptr_t)arg;       /* r0 */
    f[9] = f[10] = f[11] = f[12] = 0;      /* r1-r3, r12 */
    f[13] = (uint32_t)(uintptr_t)thread_return;          /* lr */
    f[14] = (uint32_t)(uintptr_t)entry & ~1u;            /* pc */
    f[15] = XPSR_THUMB;
    return (uint8_t *)f + 2;               /* an exception frame */
}

void port_idle(void)
{
    __asm volatile("dsb\n\twfi" ::: "memory");
}

/* port_thread_sp, read at every switch, is inline: arch_inline.h. */

/* PendSV saves r4-r11 (32 bytes) below the stack pointer: the context
 * lands at the stack's bottom, the frame above it (8 words). */
_Static_assert(64u <= PORT_STACK_MIN, "the abandoned thread's context and frame fit any stack");

void port_thread_abandon(void *stack)
{
    uint32_t *f = (uint32_t *)stack + 8;
    for (unsigned i = 0; i < 5; i++)                          /* r0-r3, r12 */
        f[i] = 0;
    f[5] = (uint32_t)(uintptr_t)thread_return;                /* lr */
    f[6] = (uint32_t)(uintptr_t)thread_return & ~1u;          /* pc */
    f[7] = XPSR_THUMB;
    __asm volatile("msr psp, %0" :: "r"(f) : "memory");
}
