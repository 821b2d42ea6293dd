/*
 * systick.h: the tick and the cycle counter on SysTick, as every Arm
 * M-profile CPU layer has them (systick.c): each core's SysTick counting
 * a clock the CPU layer names, one interrupt a tick (isr_systick, which
 * the chip's vector table names), and the cycles since the tick started
 * counted from the ticks taken and SysTick's current value. The CPU layer
 * gives port_tick_start (the clock, the exception priorities) and
 * port_cycles (a better counter where the core has one).
 */
#ifndef TANDEM_COMMON_SYSTICK_H
#define TANDEM_COMMON_SYSTICK_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/systick.h"
#include "port.h"

/* Per core: ticks taken, and the SysTick reload (cycles per tick - 1; 0
 * while the tick has not started). */
extern volatile uint32_t common_tick_count[PORT_NUM_CORES];
extern uint32_t common_tick_reload[PORT_NUM_CORES];

/* A tick of hz can be counted on a clock of clock_hz (the reload fits). */
static inline bool common_systick_fits(uint32_t hz, uint32_t clock_hz)
{
    return !(hz == 0 || hz > 100000u || clock_hz / hz - 1u > SYSTICK_RVR_MAX);
}

/* Start this core's SysTick (core c) with 'reload', interrupting. Inline,
 * as the cycle count below: each CPU layer's code stays what it was. */
static inline void common_systick_run(unsigned c, uint32_t reload)
{
    common_tick_reload[c] = reload;
    SYSTICK->csr = 0;
    SYSTICK->rvr = reload;
    SYSTICK->cvr = 0;
    SYSTICK->csr = SYSTICK_CSR_ENABLE_BITS | SYSTICK_CSR_TICKINT_BITS |
                   SYSTICK_CSR_CLKSOURCE_BITS;
}

/* Core c's cycles since its tick started: ticks times the period plus
 * SysTick's count in this one; a wrap not yet taken as a tick (interrupts
 * masked, a fault handler) counted. Before the tick: SysTick's own count. */
static inline __attribute__((always_inline)) uint32_t common_systick_cycles(unsigned c)
{
    uint32_t rl = common_tick_reload[c], n, n0, v;
    if (rl == 0)
        return SYSTICK_RVR_MAX - (SYSTICK->cvr & SYSTICK_RVR_MAX);
    do {
        n = n0 = common_tick_count[c];
        v = SYSTICK->cvr;
        if (SYSTICK_ICSR & SCB_ICSR_PENDSTSET_BITS) {
            v = SYSTICK->cvr;
            n++;
        }
    } while (n0 != common_tick_count[c]);
    return n * (rl + 1u) + (rl - v);
}

#endif
