/*
 * kernel/mutex.c: same-core mutexes with recursion and priority inheritance.
 *
 * Priority inheritance lives here: a waiter's wait carries the mutex's
 * operations (kernel/sched.h), so the scheduler passes a priority change of
 * a waiter on to the owner (requeued) and gives the owner its own priority
 * back when a waiter times out or is ended, without knowing what a mutex
 * is.
 */
#include "mutex_sys.h"

#include "held.h"
#include "sched.h"
#include "trace.h"
#include "tandem/fmt.h"
#include "tandem/mutex.h"

/* Every call: a thread's (TD_NO_WAIT: no timeout to check). */
#define check(m) TD_CHECK_CALL(m, td_mutex_t, TD_MUTEX_MAGIC, TD_NO_WAIT)

#define MUTEX_OF(h) ((td_mutex_t *)(void *)((char *)(h) - offsetof(td_mutex_t, held)))

/* The kind of td_mutex entries on the held lists (kernel/held.h), 0 until
 * the first lock registers it. */
static uint8_t kind;
TD_FAULT_DATA static const struct td_held_ops held_ops;

TD_FAULT_CODE static unsigned register_kind(void)
{
    unsigned k = td__held_kind(&held_ops);
    TD_STORE_RELAXED(kind, (uint8_t)k);
    return k;
}

/* The mutexes a thread owns are the td_mutex entries of its core's held
 * list whose owner it is (no list of its own: the control block stays at
 * 48 bytes). */
unsigned td__mutex_effective(const td_thread_t *t)
{
    TD_CLASS_MASKED();
    unsigned p = t->base, k = TD_LOAD_RELAXED(kind);
    for (const struct td_held *h = td__cores[t->core].held; h != NULL; h = h->next) {
        const td_mutex_t *m = MUTEX_OF(h);
        if (h->kind == k && m->owner == t && m->waiters != NULL &&
            m->waiters->prio > p)
            p = m->waiters->prio;
    }
    return p;
}

static void take(td_core_t *c, td_mutex_t *m, td_thread_t *t)
{
    TD_TRACE(TD_TR_LOCK_TAKE, m, t);
    TD_STORE_RELAXED(m->owner, t);
    m->depth = 1;
    unsigned k = TD_LOAD_RELAXED(kind);
    td__held_add(c, &m->held, k ? k : register_kind());
}

/* A waiter of m left without the mutex (timeout, or the thread is being
 * ended): it lends the owner nothing any more. */
static void waiter_left(td_core_t *c, td_thread_t *t, struct td_wait *w)
{
    td_thread_t *owner = ((td_mutex_t *)w->obj)->owner;
    t->wq = NULL;                        /* t is no longer a waiter of it */
    td__set_prio(c, owner, td__mutex_effective(owner));
}

/* A waiter's priority changed: so may the owner's (passed along chains). */
static td_thread_t *waiter_requeued(td_thread_t *t, struct td_wait *w, unsigned *prio)
{
    (void)t;
    td_thread_t *owner = ((td_mutex_t *)w->obj)->owner;
    *prio = td__mutex_effective(owner);
    return owner;
}

static const struct td_wait_ops waiter_ops = { NULL, waiter_left, waiter_left, waiter_requeued };

/* m (owned by 'me', depth down to 0) is free: to its most urgent waiter. */
static void release(td_core_t *c, td_mutex_t *m, td_thread_t *me)
{
    TD_TRACE(TD_TR_LOCK_GIVE, m, me);
    TD_STORE_RELAXED(m->owner, NULL);
    m->depth = 0;
    td__held_del(c, &m->held);
    td_thread_t *w = m->waiters;
    if (w != NULL) {
        td__wake(c, w, TD_OK);           /* (woken: nothing to recompute) */
        take(c, m, w);
        td__set_prio(c, w, td__mutex_effective(w));
    }
    td__set_prio(c, me, td__mutex_effective(me));
}

int td_mutex_init(td_mutex_t *m)
{
    if (m == NULL || port_in_isr())
        return m == NULL ? TD_ERR_PARAM : TD_ERR_IN_ISR;
    if (m->magic == TD_MUTEX_MAGIC && (m->waiters != NULL || m->owner != NULL))
        return TD_ERR_BUSY;
    m->waiters = NULL;
    TD_STORE_RELAXED(m->owner, NULL);
    m->depth = 0;
    m->core = (uint8_t)port_core_id();
    m->magic = TD_MUTEX_MAGIC;
    return TD_OK;
}

_Static_assert(offsetof(td_mutex_t, waiters) == 0, "td__deinit finds the wait list first");
int td_mutex_deinit(td_mutex_t *m)
{
    return TD_DEINIT(m, td_mutex_t, TD_MUTEX_MAGIC, (void *const *)&m->owner);
}

int td_mutex_lock(td_mutex_t *m, td_tick_t timeout)
{
    int r = TD_CHECK_CALL(m, td_mutex_t, TD_MUTEX_MAGIC, timeout);
    if (r)
        return r;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    td_thread_t *me = c->current;
    if (me == NULL) {
        r = TD_ERR_STATE;
    } else if (m->owner == NULL) {
        take(c, m, me);
    } else if (m->owner == me) {
        if (m->depth == 0xffffu)
            r = TD_ERR_OVERFLOW;
        else
            m->depth++;
    } else if (timeout == TD_NO_WAIT) {
        r = TD_ERR_WOULD_BLOCK;
    } else if ((r = td__can_wait(c, s)) == TD_OK) {
        struct td_wait w = { &waiter_ops, m };
        if (me->prio > m->owner->prio)
            td__set_prio(c, m->owner, me->prio);   /* lend it, along the chain */
        td__wait_ops(me, &w);                       /* (the wait keeps it) */
        return td__wait(c, &m->waiters, timeout, s);  /* unlock hands it over */
    }
    port_irq_restore(s);
    return r;
}

int td_mutex_unlock(td_mutex_t *m)
{
    int r = check(m);
    if (r)
        return r;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    td_thread_t *me = c->current;
    if (me == NULL || m->owner != me) {
        r = TD_ERR_NOT_OWNER;
    } else if (--m->depth == 0) {
        release(c, m, me);
    }
    td__resched_restore(c, s);
    return r;
}

/* Anywhere, the other core too: owner is read relaxed, and every store of
 * it is relaxed too (on its core, interrupts masked; the other core's when
 * this one went down), so it is never torn and the pair is no data race;
 * the answer is true when read and may change at once. Reads on m's own
 * core with its interrupts masked stay plain: nothing else writes it
 * meanwhile. */
td_thread_t *td_mutex_owner(const td_mutex_t *m)
{
    return (m != NULL && m->magic == TD_MUTEX_MAGIC) ? TD_LOAD_RELAXED(m->owner) : NULL;
}

/* ---- on the held lists (kernel/held.h) -------------------------------------------- */

static td_thread_t *held_owner(const struct td_held *h)
{
    return MUTEX_OF(h)->owner;
}

TD_FAULT_CODE static bool held_waiting(const struct td_held *h, unsigned me, char *what, char *waiting,
                         size_t n)
{
    const td_mutex_t *m = MUTEX_OF(h);
    if (m->waiters == NULL)
        return false;
    unsigned nw = 0;
    const td_thread_t *x = m->waiters;
    do {
        nw++;
        x = x->next;
    } while (x != m->waiters);
    td_snprintf(what, n, "td_mutex %p", (const void *)m);
    td_snprintf(waiting, n, "%u waiting on core %u", nw, me);
    return true;
}

/* The owner is ending: to the most urgent waiter, if any. */
static void held_abandon(td_core_t *c, struct td_held *h)
{
    td_mutex_t *m = MUTEX_OF(h);
    release(c, m, m->owner);
}

/* The owner's core is gone: so are the owner and the waiters (all of them
 * its threads). */
TD_FAULT_CODE static void held_gone(struct td_held *h, unsigned core)
{
    (void)core;
    td_mutex_t *m = MUTEX_OF(h);
    TD_STORE_RELAXED(m->owner, NULL);
    m->waiters = NULL;
    m->depth = 0;
}

TD_FAULT_DATA static const struct td_held_ops held_ops = { held_owner, held_waiting, held_abandon,
                                                             held_gone };
