/*
 * tandem/xsem.h: a counting semaphore shared by both cores.
 *
 * Any thread or interrupt of either core may give; threads of either core
 * may take, sleeping while the count is zero, woken by their own core's
 * kernel when a count is there for them. A give serves the giver's core's
 * waiters at once and tells the other core when it has waiters (see
 * docs/kernel.md, "Waking across cores").
 */
#ifndef TANDEM_XSEM_H
#define TANDEM_XSEM_H

#include "tandem/hwtable.h"
#include "tandem/types.h"

typedef struct td_xsem {
    uint32_t count;
    uint32_t max;
    uint16_t magic;
    struct td_xwaits xw; /* its spinlock, waiters per core (tandem/types.h) */
} td_xsem_t;

#define TD_XSEM_MAGIC 0x5a80u   /* 0xb5 << 7 (tandem/types.h) */
#define TD_XSEM_INIT(initial, max_) \
    { (initial), (max_), TD_XSEM_MAGIC, { TD_SPIN_XSYNC_FIRST, { 0, 0 } } }
#define TD_XSEM_DEFINE(name, initial, max_) td_xsem_t name = TD_XSEM_INIT(initial, max_)

/* Initialise s with 'initial' counts, at most 'max' (>= 1). Returns 0,
 * TD_ERR_PARAM, TD_ERR_BUSY (waiters). Thread only, either core. */
int td_xsem_init(td_xsem_t *s, uint32_t initial, uint32_t max);

/* Forget s; it must be initialised again before use. Its count goes with
 * it (no one is owed it: td_xsem_count first to know it). Init again is
 * refused while threads of either core wait, as deinit is. Returns 0,
 * TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_BUSY (threads of either core wait;
 * nothing changed), TD_ERR_IN_ISR. Thread only, either core. */
int td_xsem_deinit(td_xsem_t *s);

/* Take one count, sleeping at most timeout ticks. Returns 0,
 * TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_IN_ISR, TD_ERR_IDLE, TD_ERR_STATE. Thread only, either core. */
int td_xsem_take(td_xsem_t *s, td_tick_t timeout);

/* Give one count. Returns 0, TD_ERR_FULL (count at max), TD_ERR_PARAM,
 * TD_ERR_UNINIT. Thread or interrupt, either core. */
int td_xsem_give_isr(td_xsem_t *s);

/* The current count, or a negative TD_ERR_* code. Anywhere. */
long td_xsem_count(const td_xsem_t *s);

/* How many threads of core 'core' wait for s, read under s's spinlock: a
 * diagnostic (tests, a monitor), true when read, changed by the next take,
 * give or timeout. Returns the number, or TD_ERR_PARAM (s NULL, core not 0
 * or 1), TD_ERR_UNINIT. Anywhere. */
long td_xsem_waiting(const td_xsem_t *s, unsigned core);

#endif /* TANDEM_XSEM_H */
