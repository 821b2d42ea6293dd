/*
 * systick.c: the SysTick tick of every Arm M-profile CPU layer
 * (systick.h): its state, its stop and its interrupt.
 */
#include "systick.h"

volatile uint32_t common_tick_count[PORT_NUM_CORES];
uint32_t common_tick_reload[PORT_NUM_CORES];

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
