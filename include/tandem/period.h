/*
 * tandem/period.h: time-triggered (periodic) threads, as in Oberon RTK.
 *
 * A period is a grid of release ticks: phase, phase + period, phase +
 * 2*period, ... on the calling core's tick count. A thread loops on
 * td_period_wait, which sleeps until the next release on the grid. Releases
 * never drift: each is computed from the grid, not from when the thread
 * woke or how long it ran.
 */
#ifndef TANDEM_PERIOD_H
#define TANDEM_PERIOD_H

#include "tandem/types.h"

typedef struct td_period {
    td_tick_t next;      /* next release tick */
    td_tick_t period;
    uint32_t overruns;   /* late calls of td_period_wait (each passes over one
                          * release or more: td_period_next says where the
                          * grid goes on); set to 0 by td_period_init */
    uint16_t magic;
    uint8_t core;
} td_period_t;

/* Set up p: releases at every tick t with t % period == phase. The first
 * release is the first such tick after now. 1 <= period <= TD_TIMEOUT_MAX,
 * phase < period. Returns 0, TD_ERR_PARAM (p NULL, period or phase out of
 * range). Thread or interrupt, on the core that will wait. */
int td_period_init(td_period_t *p, td_tick_t period, td_tick_t phase);
/* Life cycle: a period is on no list of the kernel (its thread sleeps as
 * td_sleep_until does), so it needs no deinit; initialising it again moves
 * the grid: a thread asleep in td_period_wait wakes at the release it went
 * to sleep for, and its next release is the new grid's first one after
 * that (no overrun counted); p->overruns starts again from 0 (read it
 * first to keep the count). Init again from a thread or interrupt of p's
 * core only: the wait and the init change p with interrupts masked, so
 * neither sees the other half done. */

/* Sleep until p's next release, then advance p to the one after. If the
 * release has already passed (the thread overran its period), returns
 * TD_ERR_OVERFLOW at once and skips to the next release still ahead,
 * counting the late call in p->overruns; the grid does not move. So every
 * release from the first to td_period_next's is accounted for: a wake-up
 * (0), or passed over by a late call that returned TD_ERR_OVERFLOW.
 * Returns 0, TD_ERR_OVERFLOW, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_WRONG_CORE, TD_ERR_IN_ISR, TD_ERR_IDLE, TD_ERR_STATE.
 * Thread only, the core p was set up on. */
int td_period_wait(td_period_t *p);

/* The tick of p's next release. */
static inline td_tick_t td_period_next(const td_period_t *p) { return p->next; }

#endif /* TANDEM_PERIOD_H */
