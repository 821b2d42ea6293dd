/*
 * tandem/mutex.h: mutexes for threads of one core, with owner tracking,
 * recursion and priority inheritance.
 *
 * The owner may lock again (up to 65535 deep) and must unlock as often.
 * While a more urgent thread waits, the owner runs at the waiter's
 * priority (passed along chains of mutexes); it drops back as soon as no
 * waiter needs it. Unlock hands the mutex straight to the most urgent
 * waiter. Binding to a core as for semaphores. Not for interrupts.
 */
#ifndef TANDEM_MUTEX_H
#define TANDEM_MUTEX_H

#include "tandem/types.h"

typedef struct td_mutex {
    struct td_thread *waiters;
    struct td_thread *owner;
    uint16_t depth;
    uint16_t magic;
    uint8_t core;
    struct td_held held;           /* while owned (tandem/fault.h) */
} td_mutex_t;

#define TD_MUTEX_MAGIC 0x5380u   /* 0xa7 << 7 (tandem/types.h) */
#define TD_MUTEX_INIT { NULL, NULL, 0, TD_MUTEX_MAGIC, TD_CORE_ANY, { NULL, 0, 0, 0 } }
#define TD_MUTEX_DEFINE(name) td_mutex_t name = TD_MUTEX_INIT

/* Initialise m unlocked, bound to the calling core. Returns 0,
 * TD_ERR_PARAM, TD_ERR_BUSY (m is locked or has waiters). Thread only. */
int td_mutex_init(td_mutex_t *m);

/* Forget m. Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_WRONG_CORE,
 * TD_ERR_BUSY (locked or waiters; nothing changed). Thread only. An owner
 * thread that ends hands m to its most urgent waiter, or unlocks it
 * (tandem/thread.h, td_thread_exit). */
int td_mutex_deinit(td_mutex_t *m);

/* Lock m, waiting at most timeout ticks. Returns 0, TD_ERR_WOULD_BLOCK,
 * TD_ERR_TIMEOUT, TD_ERR_OVERFLOW (recursion too deep), TD_ERR_PARAM,
 * TD_ERR_UNINIT, TD_ERR_WRONG_CORE, TD_ERR_IN_ISR, TD_ERR_IDLE,
 * TD_ERR_STATE. Thread only, m's core. */
int td_mutex_lock(td_mutex_t *m, td_tick_t timeout);

/* Unlock m once. Returns 0, TD_ERR_NOT_OWNER, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_WRONG_CORE, TD_ERR_IN_ISR. Thread only, m's core. */
int td_mutex_unlock(td_mutex_t *m);

/* m's owner (NULL if unlocked or invalid). Anywhere. */
struct td_thread *td_mutex_owner(const td_mutex_t *m);

#endif /* TANDEM_MUTEX_H */
