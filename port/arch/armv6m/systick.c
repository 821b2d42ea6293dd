/*
 * systick.c: the port contract's tick and cycle counter on ARMv6-M: each
 * core's SysTick, at the priority arch_limits.h gives it, above PendSV
 * (switch.S), which is always the least urgent. SysTick counts clk_sys
 * cycles (TD_CLK_SYS_HZ).
 */
#include "hw/m0plus.h"
#include "port.h"
#include "tandem/config.h"
#include "tandem/error.h"

_Static_assert(PORT_IRQ_PRIO_SWITCH == PORT_IRQ_PRIO_LEVELS - 1u,
               "PendSV must be the least urgent priority");

/* Per core: ticks taken and the SysTick reload (cycles per tick - 1). */
static volatile uint32_t tick_count[PORT_NUM_CORES];
static uint32_t tick_reload[PORT_NUM_CORES];

int port_tick_start(uint32_t hz)
{
    if (hz == 0 || hz > 100000u || TD_CLK_SYS_HZ / hz - 1u > SYSTICK_RVR_MAX)
        return TD_ERR_PARAM;
    unsigned c = port_core_id();
    /* PendSV least urgent, SysTick above it; 2 priority bits per byte. */
    SCB->shpr3 = ((uint32_t)PORT_IRQ_PRIO_TICK << 30) | ((uint32_t)PORT_IRQ_PRIO_SWITCH << 22);
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
    tick_count[port_core_id()]++;
    port_tick_isr();
}

uint32_t port_cycles(void)
{
    unsigned c = port_core_id();
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
