/*
 * tandem/sem.h: counting semaphores for threads of one core.
 *
 * A semaphore belongs to the core that first uses it (td_sem_init binds it
 * to the calling core; a static TD_SEM_DEFINE one binds on first use).
 * Waiters are served most urgent first, first come first served among
 * equals; td_sem_give_isr hands the count straight to the first waiter.
 */
#ifndef TANDEM_SEM_H
#define TANDEM_SEM_H

#include "tandem/types.h"

typedef struct td_sem {
    struct td_thread *waiters;
    uint16_t count;
    uint16_t max;
    uint16_t magic;
    uint8_t core;
    uint8_t zero_;           /* 0 (kernel/sem.c: with magic and core, one word to check) */
} td_sem_t;

#define TD_SEM_MAGIC 0x5e80u   /* 0xbd << 7 (tandem/types.h) */
#define TD_SEM_INIT(initial, max_) { NULL, (initial), (max_), TD_SEM_MAGIC, TD_CORE_ANY, 0 }
#define TD_SEM_DEFINE(name, initial, max_) td_sem_t name = TD_SEM_INIT(initial, max_)

/* Initialise s with 'initial' counts, at most 'max' (1..65535; 1 makes a
 * binary semaphore). Binds s to the calling core. Returns 0, TD_ERR_PARAM
 * (null s, max 0, initial > max), TD_ERR_BUSY (threads wait on s).
 * Thread or interrupt. */
int td_sem_init(td_sem_t *s, unsigned initial, unsigned max);

/* Forget s; it must be initialised again before use. Its count goes with
 * it (no one is owed it: td_sem_count first to know it). s is on no list
 * of the kernel. Init again is refused while threads wait, as deinit is.
 * Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_WRONG_CORE, TD_ERR_BUSY
 * (waiters; nothing changed). Thread or interrupt, s's core. */
int td_sem_deinit(td_sem_t *s);

/* Take one count, waiting at most timeout ticks (TD_NO_WAIT, n, TD_FOREVER).
 * Returns 0, TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_WRONG_CORE, TD_ERR_IN_ISR, TD_ERR_IDLE, TD_ERR_STATE (interrupts
 * masked). Thread only, s's core. */
int td_sem_take(td_sem_t *s, td_tick_t timeout);

/* Give one count: wakes the first waiter, which may preempt the caller (at
 * the end of the interrupt, if called from one). Returns 0, TD_ERR_FULL
 * (count already max), TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_WRONG_CORE.
 * Thread or interrupt, s's core. */
int td_sem_give_isr(td_sem_t *s);

/* Current count (0 while threads wait), or a negative TD_ERR_* code
 * (TD_ERR_PARAM, TD_ERR_UNINIT). Anywhere. */
int td_sem_count(const td_sem_t *s);

#endif /* TANDEM_SEM_H */
