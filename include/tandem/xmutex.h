/*
 * tandem/xmutex.h: a mutex shared by threads of both cores.
 *
 * Unlike td_lock it may be held for long (across sleeps and blocking calls)
 * and its waiters sleep instead of spinning. Its state is guarded by a
 * hardware spinlock of the kernel's cross-core range; a waiter sleeps in
 * its own core's kernel and is woken by that kernel when the mutex is
 * handed to it. When threads of both cores wait, an unlock hands the mutex
 * to the other core's waiters first, so neither core starves; within a core
 * the most urgent waiter comes first. The owner may lock again (recursion).
 * No priority inheritance across cores. How the other core is told:
 * docs/kernel.md ("Waking across cores").
 */
#ifndef TANDEM_XMUTEX_H
#define TANDEM_XMUTEX_H

#include "tandem/hwtable.h"
#include "tandem/types.h"

typedef struct td_xmutex {
    struct td_thread *owner;
    uint16_t depth;
    uint16_t magic;
    struct td_xwaits xw; /* its spinlock, waiters per core (tandem/types.h) */
    uint8_t owner_core;  /* TD_CORE_ANY when free */
    uint8_t reserved;    /* core the mutex is handed to, or TD_CORE_ANY */
    struct td_held held; /* while owned (tandem/fault.h) */
} td_xmutex_t;

#define TD_XMUTEX_MAGIC 0x6180u   /* 0xc3 << 7 (tandem/types.h) */
#define TD_XMUTEX_INIT { NULL, 0, TD_XMUTEX_MAGIC, { TD_SPIN_XSYNC_FIRST, { 0, 0 } }, \
                         TD_CORE_ANY, TD_CORE_ANY, { NULL, 0, 0, 0 } }
#define TD_XMUTEX_DEFINE(name) td_xmutex_t name = TD_XMUTEX_INIT

/* Initialise m unlocked. Returns 0, TD_ERR_PARAM, TD_ERR_BUSY (locked or
 * waiters). Thread only, either core. */
int td_xmutex_init(td_xmutex_t *m);

/* Forget m; it must be initialised again before use. Returns 0,
 * TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_BUSY (locked, being handed to a
 * waiter, or waited for; nothing changed), TD_ERR_IN_ISR. Thread only,
 * either core. An owner thread that ends hands m to the next waiter
 * (tandem/thread.h, td_thread_exit). */
int td_xmutex_deinit(td_xmutex_t *m);

/* Lock m, waiting (asleep) at most timeout ticks. Returns 0,
 * TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT, TD_ERR_OVERFLOW (recursion too deep),
 * TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_IN_ISR, TD_ERR_IDLE, TD_ERR_STATE.
 * Thread only, either core. */
int td_xmutex_lock(td_xmutex_t *m, td_tick_t timeout);

/* Unlock m once. Returns 0, TD_ERR_NOT_OWNER, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_IN_ISR. Thread only, the owner's core. */
int td_xmutex_unlock(td_xmutex_t *m);

/* How many threads of core 'core' wait for m, read under m's spinlock: a
 * diagnostic (tests, a monitor), true when read, changed by the next lock,
 * unlock or timeout. Returns the number, or TD_ERR_PARAM (m NULL, core not
 * 0 or 1), TD_ERR_UNINIT. Anywhere. */
long td_xmutex_waiting(const td_xmutex_t *m, unsigned core);

/* m's owner thread, read under m's spinlock: NULL if m is free (or being
 * handed to a waiter), NULL or not initialised. As td_mutex_owner, true
 * when read, changed by the next lock or unlock. Anywhere. */
struct td_thread *td_xmutex_owner(const td_xmutex_t *m);

#endif /* TANDEM_XMUTEX_H */
