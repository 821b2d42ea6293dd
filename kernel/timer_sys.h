/*
 * kernel/timer_sys.h: the timers' side for the rest of the kernel (private
 * to kernel/; owned by kernel/timer.c; the API is tandem/timer.h).
 */
#ifndef TANDEM_KERNEL_TIMER_SYS_H
#define TANDEM_KERNEL_TIMER_SYS_H

#include "core.h"

/* Fire core c's timers that are due at its current tick. The tick
 * interrupt, interrupts enabled; each timer function runs with them
 * enabled. */
void td__timer_tick(td_core_t *c);

#endif /* TANDEM_KERNEL_TIMER_SYS_H */
