/*
 * tandem/irq.h: interrupt handlers, per core.
 *
 * Each core has its own vector table in its own RAM and its own NVIC, so a
 * handler, enable and priority set here apply to the calling core only.
 * The kernel's own vectors (SysTick, PendSV, SVCall, HardFault and the SIO
 * FIFO interrupts) are installed by tandem; do not replace them.
 */
#ifndef TANDEM_IRQ_H
#define TANDEM_IRQ_H

#include <stdbool.h>

#define TD_IRQ_COUNT 32u

typedef void (*td_isr_t)(void);

/* Install fn as this core's handler for interrupt 'irq' (0..31).
 * Returns 0 or TD_ERR_PARAM. */
int td_irq_set_handler(unsigned irq, td_isr_t fn);
/* Enable or disable interrupt 'irq' in this core's NVIC. */
int td_irq_enable(unsigned irq, bool on);
/* Set interrupt 'irq''s priority on this core: 0 (highest) .. 3 (lowest). */
int td_irq_set_priority(unsigned irq, unsigned prio);

#endif
