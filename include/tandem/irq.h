/*
 * tandem/irq.h: interrupt handlers, per core.
 *
 * Each core has its own vector table in its own RAM and its own NVIC, so a
 * handler, enable and priority set here apply to the calling core only.
 * The kernel's own vectors (SysTick, PendSV, SVCall, HardFault) are
 * installed by tandem, and so are the interrupt lines it owns on the chip:
 * on the RP2040 each core's SIO FIFO interrupt (15, 16) and TIMER alarms 2
 * and 3 (interrupts 2, 3: they bound the message layer's hold of the FIFO
 * interrupt, docs/messages.md); on the AN521 TIMER1 and the MHUs (4, 6,
 * 7). The calls below refuse those lines with TD_ERR_BUSY and change
 * nothing.
 */
#ifndef TANDEM_IRQ_H
#define TANDEM_IRQ_H

#include <stdbool.h>

#define TD_IRQ_COUNT 32u

typedef void (*td_isr_t)(void);

/* Install fn as this core's handler for interrupt 'irq' (0..31).
 * Returns 0, TD_ERR_PARAM (irq out of range, fn NULL) or TD_ERR_BUSY (a
 * line the kernel owns). */
int td_irq_set_handler(unsigned irq, td_isr_t fn);
/* Enable or disable interrupt 'irq' in this core's NVIC: 0, TD_ERR_PARAM or
 * TD_ERR_BUSY as above. */
int td_irq_enable(unsigned irq, bool on);
/* Set interrupt 'irq''s priority on this core: 0 (highest) .. 3 (lowest):
 * 0, TD_ERR_PARAM (also a level out of range) or TD_ERR_BUSY as above. */
int td_irq_set_priority(unsigned irq, unsigned prio);

#endif
