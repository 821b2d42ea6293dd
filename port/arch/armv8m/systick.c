/*
 * systick.c: the port contract's tick and cycle counter on ARMv8-M: each
 * core's SysTick on the processor clock (CSR.CLKSOURCE = 1; PORT_CPU_HZ,
 * from the chip), at the priority armv8m_core_init gave it, above PendSV.
 *
 * The cycle counter is the DWT's CYCCNT where the core counts with it
 * (armv8m_cycles_init checks that it moves); otherwise, as on ARMv6-M, the
 * ticks taken times the reload plus SysTick's current value. QEMU's
 * Cortex-M33 has no DWT: there the SysTick form is used. The tick's state,
 * stop and interrupt, and the SysTick form, are every M-profile CPU's
 * (port/common/systick.c).
 */
#include "armv8m.h"
#include "common/systick.h"
#include "hw/m33.h"
#include "port.h"
#include "tandem/error.h"

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
    if (!common_systick_fits(hz, PORT_CPU_HZ))
        return TD_ERR_PARAM;
    common_systick_run(port_core_id(), PORT_CPU_HZ / hz - 1u);
    return TD_OK;
}

uint32_t port_cycles(void)
{
    unsigned c = port_core_id();
    if (use_dwt[c])
        return *DWT_CYCCNT;
    return common_systick_cycles(c);
}
