/*
 * tandem/lock.h: cross-core locks for short critical sections.
 *
 * A td_lock is a hardware spinlock taken with this core's interrupts masked:
 * nothing else runs on this core and the other core spins until release.
 * Keep the section short and never block in it (blocking calls fail with
 * TD_ERR_STATE while interrupts are masked). The kernel records which core
 * holds each spinlock: taking a lock this core already holds returns
 * TD_ERR_DEADLOCK instead of spinning forever. Nested locks are released in
 * reverse order. Numbers come from include/tandem/hwtable.h's user range
 * (TD_SPIN_USER_FIRST..TD_SPIN_USER_LAST), one per lock. Every call is legal
 * in threads and interrupts, on either core.
 */
#ifndef TANDEM_LOCK_H
#define TANDEM_LOCK_H

#include "tandem/hwtable.h"
#include "tandem/types.h"

typedef struct td_lock {
    uint16_t magic;
    uint8_t spin;   /* hardware spinlock number */
} td_lock_t;

#define TD_LOCK_MAGIC 0x10c4u
/* An initialiser for a lock on spinlock n; a number outside the user range
 * does not compile (array of negative size). */
#define TD_LOCK_INIT(n) \
    { TD_LOCK_MAGIC, (uint8_t)((n) + 0u * sizeof(char[((n) >= TD_SPIN_USER_FIRST && \
                                                      (n) <= TD_SPIN_USER_LAST) ? 1 : -1])) }
/* A lock on spinlock n: static TD_LOCK_DEFINE(stats_lock, TD_SPIN_USER_FIRST); */
#define TD_LOCK_DEFINE(name, n) td_lock_t name = TD_LOCK_INIT(n)

/* Initialise l on spinlock n (TD_SPIN_USER_FIRST..TD_SPIN_USER_LAST).
 * Returns 0, TD_ERR_PARAM, TD_ERR_BUSY (l is a lock whose spinlock is
 * held: its give must still find it; nothing changed). */
int td_lock_init(td_lock_t *l, unsigned n);

/* Forget l. Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_BUSY (its
 * spinlock is held). A thread that ends while it holds a td_lock has it
 * released (tandem/thread.h, td_thread_exit). */
int td_lock_deinit(td_lock_t *l);

/* Mask this core's interrupts and take l, spinning while the other core
 * holds it. Returns 0, TD_ERR_DEADLOCK (this core holds it already; nothing
 * changed), TD_ERR_PARAM, TD_ERR_UNINIT. */
int td_lock_take(td_lock_t *l);

/* One attempt: as td_lock_take, but returns TD_ERR_WOULD_BLOCK (interrupts
 * as before) if the other core holds l. */
int td_lock_try(td_lock_t *l);

/* Release l and restore the interrupt mask td_lock_take found. Returns 0,
 * TD_ERR_NOT_OWNER (this core does not hold it), TD_ERR_PARAM,
 * TD_ERR_UNINIT. */
int td_lock_give(td_lock_t *l);

/* The core holding l (0 or 1), or TD_CORE_ANY if it is free or l is not a
 * valid lock. Diagnostics. */
unsigned td_lock_holder(const td_lock_t *l);

#endif /* TANDEM_LOCK_H */
