/*
 * kernel/mutex.c: same-core mutexes with recursion and priority inheritance.
 */
#include "fault_sys.h"
#include "sched.h"

#include "tandem/mutex.h"

static int check(td_mutex_t *m)
{
    int r = TD_CHECK(m, td_mutex_t, TD_MUTEX_MAGIC);
    return r ? r : port_in_isr() ? TD_ERR_IN_ISR : TD_OK;
}

#define MUTEX_OF(h) ((td_mutex_t *)(void *)((char *)(h) - offsetof(td_mutex_t, held)))

/* The mutexes a thread owns are the td_mutex entries of its core's held
 * list whose owner it is (no list of its own: the control block stays at
 * 48 bytes). */
unsigned td__mutex_effective(const td_thread_t *t)
{
    unsigned p = t->base;
    for (const struct td_held *h = td_cores[t->core].held; h != NULL; h = h->next) {
        const td_mutex_t *m = MUTEX_OF(h);
        if (h->kind == TD_HELD_MUTEX && m->owner == t && m->waiters != NULL &&
            m->waiters->prio > p)
            p = m->waiters->prio;
    }
    return p;
}

static void take(td_core_t *c, td_mutex_t *m, td_thread_t *t)
{
    m->owner = t;
    m->depth = 1;
    td__held_add(c, &m->held, TD_HELD_MUTEX);
}

/* m (owned by 'me', depth down to 0) is free: to its most urgent waiter. */
static void release(td_core_t *c, td_mutex_t *m, td_thread_t *me)
{
    m->owner = NULL;
    m->depth = 0;
    td__held_del(c, &m->held);
    td_thread_t *w = m->waiters;
    if (w != NULL) {
        w->flags &= (uint8_t)~TF_MUTEX;   /* no owner to recompute */
        td__wake(c, w, TD_OK);
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
    m->owner = NULL;
    m->depth = 0;
    m->core = (uint8_t)port_core_id();
    m->magic = TD_MUTEX_MAGIC;
    return TD_OK;
}

int td_mutex_deinit(td_mutex_t *m)
{
    int r = check(m);
    if (r)
        return r;
    port_irq_state_t s = port_irq_save();
    if (m->waiters != NULL || m->owner != NULL)
        r = TD_ERR_BUSY;
    else
        m->magic = 0;
    port_irq_restore(s);
    return r;
}

int td_mutex_lock(td_mutex_t *m, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = check(m);
    if (r)
        return r;
    td_core_t *c = td__core();
    port_irq_state_t s = port_irq_save();
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
        td__wait_prep(c, &m->waiters, timeout != TD_FOREVER, c->tick + timeout);
        me->flags |= TF_MUTEX;
        if (me->prio > m->owner->prio)
            td__set_prio(c, m->owner, me->prio);   /* lend it, along the chain */
        return td__wait_commit(c, s);               /* unlock hands it over */
    }
    port_irq_restore(s);
    return r;
}

int td_mutex_unlock(td_mutex_t *m)
{
    int r = check(m);
    if (r)
        return r;
    td_core_t *c = td__core();
    port_irq_state_t s = port_irq_save();
    td_thread_t *me = c->current;
    if (me == NULL || m->owner != me) {
        r = TD_ERR_NOT_OWNER;
    } else if (--m->depth == 0) {
        release(c, m, me);
    }
    td__resched_restore(c, s);
    return r;
}

td_thread_t *td_mutex_owner(const td_mutex_t *m)
{
    return (m != NULL && m->magic == TD_MUTEX_MAGIC) ? m->owner : NULL;
}

void td__mutex_abandon(td_core_t *c, td_thread_t *t)
{
    for (struct td_held *h = c->held; h != NULL;) {
        if (h->kind == TD_HELD_MUTEX && MUTEX_OF(h)->owner == t) {
            release(c, MUTEX_OF(h), t);  /* (to its waiter, if any: not t's) */
            h = c->held;                 /* the list changed: start over */
        } else {
            h = h->next;
        }
    }
}

void td__mutex_forget(td_mutex_t *m)
{
    m->owner = NULL;
    m->waiters = NULL;
    m->depth = 0;
}
