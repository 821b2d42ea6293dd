/*
 * kport.c: the RP2040 side of the port contract's thread part: thread
 * contexts, the context switch request (PendSV, switch.S), the per-core
 * SysTick tick, the idle sleep and the cycle counter. The request itself is
 * inline (port_inline.h).
 *
 * A thread runs in thread mode on its own stack (PSP); handlers run on the
 * core's main stack (MSP). A thread's context is its saved stack pointer,
 * at 16 words: r8-r11, r4-r7, then an exception frame (r0-r3, r12, lr, pc,
 * xPSR), stacked by the hardware when PendSV switches, or shaped like one
 * by port_switch (which keeps only pc and xPSR in it). Bit 0 of the pointer
 * tells the two apart (switch.S). A new context is an exception frame.
 */
#include "hw/m0plus.h"
#include "hw/sio.h"
#include "port.h"
#include "rp2040.h"
#include "tandem/config.h"
#include "tandem/error.h"
#include "tandem/hwtable.h"

#define XPSR_THUMB 0x01000000u

/* Per core: ticks taken and the SysTick reload (cycles per tick - 1). */
static volatile uint32_t tick_count[PORT_NUM_CORES];
static uint32_t tick_reload[PORT_NUM_CORES];

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
    return (uint8_t *)f + 1;               /* an exception frame */
}

void port_idle(void)
{
    __asm volatile("dsb\n\twfi" ::: "memory");
}

int port_tick_start(uint32_t hz)
{
    if (hz == 0 || hz > 100000u || TD_CLK_SYS_HZ / hz - 1u > SYSTICK_RVR_MAX)
        return TD_ERR_PARAM;
    unsigned c = SIO->cpuid;
    /* PendSV lowest, SysTick above it (hwtable.h); 2 priority bits per byte. */
    SCB->shpr3 = ((uint32_t)TD_PRIO_TICK << 30) | ((uint32_t)TD_PRIO_PENDSV << 22);
    tick_reload[c] = TD_CLK_SYS_HZ / hz - 1u;
    SYSTICK->csr = 0;
    SYSTICK->rvr = tick_reload[c];
    SYSTICK->cvr = 0;
    SYSTICK->csr = SYSTICK_CSR_ENABLE_BITS | SYSTICK_CSR_TICKINT_BITS |
                   SYSTICK_CSR_CLKSOURCE_BITS;
    return TD_OK;
}

void port_tick_stop(void)
{
    SYSTICK->csr = 0;
    SCB->icsr = SCB_ICSR_PENDSTCLR_BITS;
}

void isr_systick(void)
{
    tick_count[SIO->cpuid]++;
    port_tick_isr();
}

uint32_t port_cycles(void)
{
    unsigned c = SIO->cpuid;
    uint32_t rl = tick_reload[c], n, v;
    if (rl == 0)
        return SYSTICK_RVR_MAX - (SYSTICK->cvr & SYSTICK_RVR_MAX);
    uint32_t n0;
    do {
        n = n0 = tick_count[c];
        v = SYSTICK->cvr;
        /* wrapped while the tick cannot be taken (interrupts masked, a fault
         * handler): count the period it has not counted yet */
        if (SCB->icsr & SCB_ICSR_PENDSTSET_BITS) {
            v = SYSTICK->cvr;
            n++;
        }
    } while (n0 != tick_count[c]);
    return n * (rl + 1u) + (rl - v);
}
