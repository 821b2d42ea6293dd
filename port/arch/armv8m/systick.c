/*
 * systick.c: the port contract's tick and cycle counter on ARMv8-M: each
 * core's SysTick on the processor clock (CSR.CLKSOURCE = 1; PORT_CPU_HZ,
 * from the chip), at the priority armv8m_core_init gave it, above PendSV.
 *
 * The cycle counter is the DWT's CYCCNT where the core counts with it
 * (armv8m_cycles_init checks that it moves); otherwise, as on ARMv6-M, the
 * ticks taken times the reload plus SysTick's current value. QEMU's
 * Cortex-M33 has no DWT: there the SysTick form is used.
 */
#include "armv8m.h"
#include "hw/m33.h"
#include "port.h"
#include "tandem/error.h"

static volatile uint32_t tick_count[PORT_NUM_CORES];
static uint32_t tick_reload[PORT_NUM_CORES];
static uint8_t use_dwt[PORT_NUM_CORES];

void armv8m_cycles_init(void);
void armv8m_cycles_init(void)
{
    unsigned c = port_core_id();
    *DCB_DEMCR |= DCB_DEMCR_TRCENA_BITS;
    __asm volatile("dsb" ::: "memory");
    use_dwt[c] = 0;
    if (*DWT_CTRL & DWT_CTRL_NOCYCCNT_BITS)
        return;
    *DWT_CYCCNT = 0;
    *DWT_CTRL |= DWT_CTRL_CYCCNTENA_BITS;
    uint32_t a = *DWT_CYCCNT;
    for (volatile unsigned i = 0; i < 16u; i++) {
    }
    use_dwt[c] = *DWT_CYCCNT != a;
}

int port_tick_start(uint32_t hz)
{
    if (hz == 0 || hz > 100000u || PORT_CPU_HZ / hz - 1u > SYSTICK_RVR_MAX)
        return TD_ERR_PARAM;
    unsigned c = port_core_id();
    tick_reload[c] = PORT_CPU_HZ / hz - 1u;
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
    if (use_dwt[c])
        return *DWT_CYCCNT;
    uint32_t rl = tick_reload[c], n, n0, v;
    if (rl == 0)
        return SYSTICK_RVR_MAX - (SYSTICK->cvr & SYSTICK_RVR_MAX);
    do {
        n = n0 = tick_count[c];
        v = SYSTICK->cvr;
        /* wrapped while the tick cannot be taken: count that period too */
        if (SCB->icsr & SCB_ICSR_PENDSTSET_BITS) {
            v = SYSTICK->cvr;
            n++;
        }
    } while (n0 != tick_count[c]);
    return n * (rl + 1u) + (rl - v);
}
