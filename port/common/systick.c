/*
 * systick.c: the SysTick tick of every Arm M-profile CPU layer
 * (systick.h): its state, its start, stop and interrupt.
 */
#include "systick.h"

volatile uint32_t common_tick_count[PORT_NUM_CORES];
uint32_t common_tick_reload[PORT_NUM_CORES];

void common_systick_run(unsigned c, uint32_t reload)
{
    common_tick_reload[c] = reload;
    SYSTICK->csr = 0;
    SYSTICK->rvr = reload;
    SYSTICK->cvr = 0;
    SYSTICK->csr = SYSTICK_CSR_ENABLE_BITS | SYSTICK_CSR_TICKINT_BITS |
                   SYSTICK_CSR_CLKSOURCE_BITS;
}

void port_tick_stop(void)
{
    SYSTICK->csr = 0;
    SYSTICK_ICSR = SCB_ICSR_PENDSTCLR_BITS;
}

void isr_systick(void)
{
    common_tick_count[port_core_id()]++;
    port_tick_isr();
}
