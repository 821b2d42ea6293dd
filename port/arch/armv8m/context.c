/*
 * context.c: thread contexts on ARMv8-M Mainline (port/port.h, "threads and
 * context switching") and the idle thread's sleep; the switches themselves
 * are switch.S, the switch request is inline (arch_inline.h).
 *
 * A thread runs in thread mode on its own stack (PSP), its stack limit in
 * PSPLIM; handlers run on the core's main stack (MSP, MSPLIM). The context
 * layout is switch.S's. A new context is an exception frame without FP
 * state: PSPLIM, r4-r11, EXC_RETURN, then r0-r3, r12, lr, pc, xPSR.
 *
 * PSPLIM is the bottom of the guard the kernel keeps below every thread
 * stack (PORT_STACK_GUARD bytes under 'stack'): the MPU makes the guard
 * read-only (mpu.c), so a push into it faults on the exact instruction and
 * the HardFault frame still fits above the limit; PSPLIM itself stops any
 * stack-pointer move past the guard (a large local array, alloca) before it
 * can write anything (UsageFault STKOF).
 */
#include "port.h"

#define XPSR_THUMB     0x01000000u
#define EXC_RETURN_PSP 0xfffffffdu   /* thread mode, PSP, Secure, basic frame */

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
    uint32_t *f = top - 18;
    f[0] = (uint32_t)(uintptr_t)stack - PORT_STACK_GUARD;     /* PSPLIM */
    for (unsigned i = 1; i < 9; i++)                          /* r4-r11 */
        f[i] = 0;
    f[9] = EXC_RETURN_PSP;
    f[10] = (uint32_t)(uintptr_t)arg;                         /* r0 */
    f[11] = f[12] = f[13] = f[14] = 0;                        /* r1-r3, r12 */
    f[15] = (uint32_t)(uintptr_t)thread_return;               /* lr */
    f[16] = (uint32_t)(uintptr_t)entry & ~1u;                 /* pc */
    f[17] = XPSR_THUMB;
    return (uint8_t *)f + 1;                                  /* an exception frame */
}

void port_idle(void)
{
    __asm volatile("dsb\n\twfi" ::: "memory");
}

/* PendSV saves at most 26 words below the stack pointer (PSPLIM, r4-r11,
 * EXC_RETURN, s16-s31): the context lands at or above the stack's bottom;
 * the frame above it is an extended one (the FP part zero), so it is valid
 * whichever frame type the interrupted thread's EXC_RETURN names. */
_Static_assert(2u * 104u <= PORT_STACK_MIN, "the abandoned thread's context and frame fit any stack");

void port_thread_abandon(void *stack)
{
    uint32_t *f = (uint32_t *)stack + 26;
    for (unsigned i = 0; i < 26; i++)                         /* r0-r3, r12; s0-s15, FPSCR */
        f[i] = 0;
    f[5] = (uint32_t)(uintptr_t)thread_return;                /* lr */
    f[6] = (uint32_t)(uintptr_t)thread_return & ~1u;          /* pc */
    f[7] = XPSR_THUMB;
    /* The limit goes with it: a context saved here is never resumed. */
    __asm volatile("msr psplim, %0\n\tmsr psp, %1" :: "r"(0u), "r"(f) : "memory");
}
