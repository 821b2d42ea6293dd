/*
 * kernel/xmutex.c: the cross-core sleeping mutex.
 *
 * State under the object's spinlock: owner (thread and core), depth, the
 * number of waiters on each core, and 'reserved': when an unlock finds
 * waiters on the other core it reserves the mutex for that core (which
 * grants it to its most urgent waiter), so the two cores alternate under
 * contention and neither starves.
 */
#include "fault_sys.h"
#include "xsync.h"

static int check(td_xmutex_t *m)
{
    if (m == NULL)
        return TD_ERR_PARAM;
    if (m->magic != TD_XMUTEX_MAGIC)
        return TD_ERR_UNINIT;
    return port_in_isr() ? TD_ERR_IN_ISR : TD_OK;
}

static bool free_for(const td_xmutex_t *m, unsigned me)
{
    return m->owner == NULL && (m->reserved == TD_CORE_ANY || m->reserved == me);
}

static void own(td_xmutex_t *m, td_thread_t *t, unsigned me)
{
    m->owner = t;
    m->owner_core = (uint8_t)me;
    m->depth = 1;
    m->reserved = TD_CORE_ANY;
    td__held_add(&td_cores[me], &m->held, TD_HELD_XMUTEX);
}

bool td__xmutex_grant(td_xmutex_t *m, td_thread_t *t, unsigned me)
{
    if (!free_for(m, me))
        return false;
    own(m, t, me);
    m->nwait[me]--;
    return true;
}

/* The mutex is free: hand it on. Returns true if this core's waiters may
 * take it now. */
static bool pass_on(td_xmutex_t *m, unsigned me)
{
    unsigned other = me ^ 1u;
    m->reserved = TD_CORE_ANY;
    if (m->nwait[other] != 0) {
        m->reserved = (uint8_t)other;
        td_xsync_notify_remote(other);
        return false;
    }
    return m->nwait[me] != 0;
}

void td__xmutex_leave(td_xmutex_t *m, unsigned me)
{
    m->nwait[me]--;
    if (m->owner == NULL && m->reserved == me && m->nwait[me] == 0)
        pass_on(m, me);
}

int td_xmutex_init(td_xmutex_t *m)
{
    if (m == NULL)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    unsigned n = td__xsync_spin(m);
    int r = TD_OK;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(n);
    if (m->magic == TD_XMUTEX_MAGIC &&
        (m->owner != NULL || m->nwait[0] != 0 || m->nwait[1] != 0)) {
        r = TD_ERR_BUSY;
    } else {
        m->owner = NULL;
        m->depth = 0;
        m->spin = (uint8_t)n;
        m->owner_core = m->reserved = TD_CORE_ANY;
        m->nwait[0] = m->nwait[1] = 0;
        m->magic = TD_XMUTEX_MAGIC;
    }
    td__spin_unlock(n);
    port_irq_restore(s);
    return r;
}

int td_xmutex_lock(td_xmutex_t *m, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = check(m);
    if (r)
        return r;
    td_core_t *c = td__core();
    unsigned me = port_core_id();
    port_irq_state_t s = port_irq_save();
    td_thread_t *cur = c->current;
    if (cur == NULL) {
        port_irq_restore(s);
        return TD_ERR_STATE;
    }
    td__spin_lock(m->spin);
    if (m->owner == cur) {
        if (m->depth == 0xffffu)
            r = TD_ERR_OVERFLOW;
        else
            m->depth++;
    } else if (free_for(m, me)) {
        own(m, cur, me);
    } else if (timeout == TD_NO_WAIT) {
        r = TD_ERR_WOULD_BLOCK;
    } else if ((r = td__can_wait(c, s)) == TD_OK) {
        m->nwait[me]++;
        td__spin_unlock(m->spin);
        td__wait_prep(c, &c->xwaiters, timeout != TD_FOREVER, c->tick + timeout);
        cur->wdata.p = m;
        cur->flags |= TF_XSYNC;
        return td__wait_commit(c, s);    /* a poll grants it, or timeout */
    }
    td__spin_unlock(m->spin);
    port_irq_restore(s);
    return r;
}

int td_xmutex_unlock(td_xmutex_t *m)
{
    int r = check(m);
    if (r)
        return r;
    td_core_t *c = td__core();
    unsigned me = port_core_id();
    bool local = false;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(m->spin);
    if (c->current == NULL || m->owner != c->current || m->owner_core != me) {
        r = TD_ERR_NOT_OWNER;
    } else if (--m->depth == 0) {
        m->owner = NULL;
        m->owner_core = TD_CORE_ANY;
        td__held_del(c, &m->held);
        local = pass_on(m, me);
    }
    td__spin_unlock(m->spin);
    if (local)
        td__xsync_poll(c);
    port_irq_restore(s);
    return r;
}

bool td__xmutex_abandon(td_xmutex_t *m, unsigned owner)
{
    unsigned me = port_core_id();
    bool local = false;
    td__spin_lock(m->spin);
    if (m->owner != NULL && m->owner_core == owner) {
        m->owner = NULL;
        m->owner_core = TD_CORE_ANY;
        m->depth = 0;
        if (owner == me) {
            td__held_del(&td_cores[me], &m->held);
            local = pass_on(m, me);
        } else {                           /* the owner's core is gone: ours waits */
            m->reserved = TD_CORE_ANY;
            local = m->nwait[me] != 0;
        }
    }
    td__spin_unlock(m->spin);
    return local;
}
