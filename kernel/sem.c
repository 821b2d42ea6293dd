/*
 * kernel/sem.c: same-core counting semaphores. Take and give carry the
 * scheduler's hot paths inline (sched.h): a give that wakes a more urgent
 * thread switches to it without leaving the call.
 */
/* Blocks placed by GCC's "software trace cache" algorithm rather than -Os's simple one: the give's
 * only waiter and its return from a handler each take one jump less (docs/performance-history.md,
 * "The switch paths: the guard's values in the guard"). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE_SIZE__)
#pragma GCC optimize("reorder-blocks-algorithm=stc")
#endif

#include "sched.h"

#include "tandem/sem.h"

/* (the word loaded from the core's instance: 2 cycles against the 4 of
 * building it from the magic and the core id) */
#define check(s, c) TD__CHECK(s, td_sem_t, TD_SEM_MAGIC, (c)->sem_word)
/* take's: a thread's call, whose slow path binds nothing when an interrupt
 * handler calls it (refused just after: TD_ERR_IN_ISR) */
#define check_take(s, c)                                                         \
    TD__CHECK_OR(s, (c)->sem_word, td__check_thread((s), offsetof(td_sem_t, magic), TD_SEM_MAGIC))
_Static_assert(TD__CHECK_WORD_OK(td_sem_t), "magic, core and zero_ make one word");

int td_sem_init(td_sem_t *s, unsigned initial, unsigned max)
{
    if (s == NULL || max == 0 || max > 0xffffu || initial > max)
        return TD_ERR_PARAM;
    if (s->magic == TD_SEM_MAGIC && s->waiters != NULL)
        return TD_ERR_BUSY;
    s->waiters = NULL;
    s->count = (uint16_t)initial;
    s->max = (uint16_t)max;
    s->core = (uint8_t)port_core_id();
    s->zero_ = 0;
    s->magic = TD_SEM_MAGIC;
    return TD_OK;
}

_Static_assert(offsetof(td_sem_t, waiters) == 0, "td__deinit finds the wait list first");
int td_sem_deinit(td_sem_t *s)
{
    return TD_DEINIT(s, td_sem_t, TD_SEM_MAGIC, NULL);
}

int td_sem_take(td_sem_t *s, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    td_core_t *c = td__core_of(port_core_id());  /* (before the check: its word) */
    int r = check_take(s, c);
    if (r)
        return r;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    port_irq_state_t st = port_irq_save();
    if (s->count > 0) {
        s->count--;
    } else if (timeout == TD_NO_WAIT) {
        r = TD_ERR_WOULD_BLOCK;
    } else if ((r = td__can_wait_hot(c, st)) == TD_OK) {
        td__wait_prep(c, &s->waiters, timeout != TD_FOREVER, c->tick + timeout);
        return td__wait_commit_enable_hot(c);    /* the way back, inline (st is
                                                    0: td__can_wait) */
    }
    port_irq_restore(st);
    return r;
}

int td_sem_give_isr(td_sem_t *s)
{
    td_core_t *c = td__core_of(port_core_id());
    int r = check(s, c);
    if (TD__UNLIKELY(r))
        return r;
    port_irq_state_t st = port_irq_save();
    td_thread_t *t = s->waiters;
    if (t != NULL) {
        td__wake_first_resched_hot(c, &s->waiters, t, TD_OK, st);
        return TD_OK;
    }
    if (s->count >= s->max)
        r = TD_ERR_FULL;
    else
        s->count++;
    port_irq_restore(st);
    return r;
}

int td_sem_count(const td_sem_t *s)
{
    if (s == NULL)
        return TD_ERR_PARAM;
    return s->magic == TD_SEM_MAGIC ? s->count : TD_ERR_UNINIT;
}
