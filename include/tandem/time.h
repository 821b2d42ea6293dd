/*
 * tandem/time.h: time, delays and deadlines.
 *
 * Each core counts its own ticks (TD_TICK_HZ, 1 kHz by default) from its
 * own timer interrupt (SysTick on the chip); sleeps and timeouts are in
 * ticks of the calling core. td_time_us reads the 64-bit microsecond clock
 * shared by both cores.
 */
#ifndef TANDEM_TIME_H
#define TANDEM_TIME_H

#include "tandem/types.h"

/* This core's tick count since its kernel started. Anywhere. */
td_tick_t td_time_ticks(void);

/* Microseconds since boot from the clock both cores share. Anywhere. */
uint64_t td_time_us(void);

/* Block the calling thread for 'ticks' tick interrupts (0: just yield).
 * Returns 0, TD_ERR_PARAM (ticks above TD_TIMEOUT_MAX and not TD_FOREVER),
 * TD_ERR_IN_ISR, TD_ERR_IDLE, TD_ERR_STATE (interrupts masked). Thread
 * only. */
int td_sleep(td_tick_t ticks);

/* Block the calling thread until this core's tick count reaches 'deadline'
 * (returns at once if it has). Returns 0, TD_ERR_IN_ISR, TD_ERR_IDLE,
 * TD_ERR_STATE. Thread only. */
int td_sleep_until(td_tick_t deadline);

#endif /* TANDEM_TIME_H */
