/*
 * tandem/timer.h: one-shot and periodic software timers.
 *
 * A timer belongs to the core that first starts it and fires from that
 * core's tick interrupt: its callback runs in interrupt context, with
 * interrupts enabled, and may call only what an interrupt may (the _isr
 * calls, td_timer_*, td_lock_*). Periodic timers keep their grid: each
 * expiry is the previous one plus the period, so they do not drift.
 */
#ifndef TANDEM_TIMER_H
#define TANDEM_TIMER_H

#include "tandem/types.h"

struct td_timer;
typedef void (*td_timer_fn)(struct td_timer *timer, void *arg);

typedef struct td_timer {
    struct td_timer *next;
    td_timer_fn fn;
    void *arg;
    td_tick_t expire;
    td_tick_t period;
    uint16_t magic;
    uint8_t core;
    uint8_t active;
} td_timer_t;

/* A stopped timer calling fn(timer, arg); usable from any core (bound to
 * the first core that starts it). */
#define TD_TIMER_INIT(fn_, arg_) \
    { NULL, (fn_), (arg_), 0, 0, TD_TIMER_MAGIC, TD_CORE_ANY, 0 }
#define TD_TIMER_DEFINE(name, fn_, arg_) td_timer_t name = TD_TIMER_INIT(fn_, arg_)
#define TD_TIMER_MAGIC 0x7180u   /* 0xe3 << 7 (tandem/types.h) */

/* Initialise a stopped timer. Returns 0, TD_ERR_PARAM (null t or fn),
 * TD_ERR_BUSY (t is an initialised timer that is running). Anywhere. */
int td_timer_init(td_timer_t *t, td_timer_fn fn, void *arg);

/* Stop t if it runs (it leaves its core's timer list: it fires no more)
 * and forget it; it must be initialised again before use, and its memory
 * may then be reused. Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_WRONG_CORE. Thread or interrupt (also its own callback), t's
 * core. */
int td_timer_deinit(td_timer_t *t);

/* (Re)start t: first expiry 'delay' ticks from now (1 .. TD_TIMEOUT_MAX),
 * then every 'period' ticks (0: one-shot; at most TD_TIMEOUT_MAX). Returns
 * 0, TD_ERR_PARAM (t NULL, delay or period out of range: t unchanged, and
 * not bound to a core), TD_ERR_UNINIT, TD_ERR_WRONG_CORE. Thread or
 * interrupt, t's core. */
int td_timer_start(td_timer_t *t, td_tick_t delay, td_tick_t period);

/* Stop t (no effect if stopped). Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_WRONG_CORE. Thread or interrupt, t's core. */
int td_timer_stop(td_timer_t *t);

/* True while t is started and has not fired its last time. */
static inline bool td_timer_active(const td_timer_t *t) { return t->active != 0; }

#endif /* TANDEM_TIMER_H */
