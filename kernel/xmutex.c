/*
 * kernel/xmutex.c: the cross-core sleeping mutex.
 *
 * State under the object's spinlock: owner (thread and core), depth, the
 * number of waiters on each core, and 'reserved': when an unlock finds
 * waiters on the other core it reserves the mutex for that core (which
 * grants it to its most urgent waiter), so the two cores alternate under
 * contention and neither starves.
 */
#include "held.h"
#include "trace.h"
#include "xsync.h"

#include "tandem/fmt.h"
#include "tandem/xmutex.h"

#define XMUTEX_OF(x) ((td_xmutex_t *)(void *)((char *)(x) - offsetof(td_xmutex_t, xw)))
#define XMUTEX_HELD(h) ((td_xmutex_t *)(void *)((char *)(h) - offsetof(td_xmutex_t, held)))

/* Every call: a thread's. Inline in lock and unlock (as fast as they
 * were before the shared check), td__check_call's order. */
static int check(td_xmutex_t *m)
{
    if (m == NULL)
        return TD_ERR_PARAM;
    if (m->magic != TD_XMUTEX_MAGIC)
        return TD_ERR_UNINIT;
    return port_in_isr() ? TD_ERR_IN_ISR : TD_OK;
}

/* The kind of td_xmutex entries on the held lists (kernel/held.h),
 * registered by the first lock. */
static uint8_t kind;
TD_FAULT_DATA static const struct td_held_ops held_ops;

static bool free_for(const td_xmutex_t *m, unsigned me)
{
    return m->owner == NULL && (m->reserved == TD_CORE_ANY || m->reserved == me);
}

static void own(td_xmutex_t *m, td_thread_t *t, unsigned me)
{
    TD_TRACE(TD_TR_LOCK_TAKE, m, t);
    m->owner = t;
    m->owner_core = (uint8_t)me;
    m->depth = 1;
    m->reserved = TD_CORE_ANY;
    td__held_add(&td__cores[me], &m->held, TD_LOAD_RELAXED(kind));
}

static bool grant(struct td_xwaits *x, td_thread_t *t, unsigned me)
{
    td_xmutex_t *m = XMUTEX_OF(x);
    if (!free_for(m, me))
        return false;
    own(m, t, me);
    x->nwait[me]--;
    return true;
}

/* The mutex is free: hand it on. Returns true if this core's waiters may
 * take it now. */
static bool pass_on(td_xmutex_t *m, unsigned me)
{
    unsigned other = me ^ 1u;
    m->reserved = TD_CORE_ANY;
    if (m->xw.nwait[other] != 0) {
        m->reserved = (uint8_t)other;
        td__xsync_notify_remote(other);
        return false;
    }
    return m->xw.nwait[me] != 0;
}

/* A waiter of core 'me' gave up: if the mutex was handed to this core for
 * it, hand it on. */
static void leave(struct td_xwaits *x, unsigned me)
{
    td_xmutex_t *m = XMUTEX_OF(x);
    x->nwait[me]--;
    if (m->owner == NULL && m->reserved == me && x->nwait[me] == 0)
        pass_on(m, me);
}

/* A waiter of core 'core' is gone with its core: a mutex handed to that
 * core for it is free again for anyone. */
TD_FAULT_CODE static void gone(struct td_xwaits *x, unsigned core)
{
    td_xmutex_t *m = XMUTEX_OF(x);
    if (x->nwait[core])
        x->nwait[core]--;
    if (m->reserved == core && x->nwait[core] == 0)
        m->reserved = TD_CORE_ANY;
}

static const struct td_xsync_ops xmutex_ops = { TD_XSYNC_WAIT_OPS, grant, leave, gone };

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
    if (m->magic == TD_XMUTEX_MAGIC && (m->owner != NULL || td__xsync_waited(&m->xw))) {
        r = TD_ERR_BUSY;
    } else {
        m->owner = NULL;
        m->depth = 0;
        m->xw.spin = (uint8_t)n;
        m->owner_core = m->reserved = TD_CORE_ANY;
        m->xw.nwait[0] = m->xw.nwait[1] = 0;
        m->magic = TD_XMUTEX_MAGIC;
    }
    td__xsync_spin_unlock(n);
    port_irq_restore(s);
    return r;
}

int td_xmutex_deinit(td_xmutex_t *m)
{
    int r = TD_CHECK_XCALL(m, td_xmutex_t, TD_XMUTEX_MAGIC, TD_NO_WAIT);
    if (r)
        return r;
    port_irq_state_t s = td__xsync_lock(&m->xw);
    if (m->owner != NULL || m->reserved != TD_CORE_ANY || td__xsync_waited(&m->xw))
        r = TD_ERR_BUSY;                          /* locked, handed over, or waited for */
    else
        m->magic = 0;
    td__xsync_unlock(&m->xw, s);
    return r;
}

int td_xmutex_lock(td_xmutex_t *m, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = check(m);
    if (r)
        return r;
    if (TD_LOAD_RELAXED(kind) == 0)
        TD_STORE_RELAXED(kind, (uint8_t)td__held_kind(&held_ops));
    td_core_t *c = td__core();
    unsigned me = port_core_id();
    port_irq_state_t s = port_irq_save();
    td__spin_lock(m->xw.spin);
    td_thread_t *cur = c->current;
    if (cur == NULL) {
        r = TD_ERR_STATE;
    } else if (m->owner == cur) {
        if (m->depth == 0xffffu)
            r = TD_ERR_OVERFLOW;
        else
            m->depth++;
    } else if (free_for(m, me)) {
        own(m, cur, me);
    } else {
        return td__xsync_block(c, &m->xw, &xmutex_ops, me, timeout, s);
    }
    td__xsync_spin_unlock(m->xw.spin);
    port_irq_restore(s);
    return r;
}

long td_xmutex_waiting(const td_xmutex_t *m, unsigned core)
{
    int r = TD_VALID(m, td_xmutex_t, TD_XMUTEX_MAGIC);
    return r ? r : td__xsync_waiting(&m->xw, core);
}

td_thread_t *td_xmutex_owner(const td_xmutex_t *m)
{
    if (TD_VALID(m, td_xmutex_t, TD_XMUTEX_MAGIC))
        return NULL;
    port_irq_state_t s = td__xsync_lock(&m->xw);
    td_thread_t *t = m->owner;
    td__xsync_unlock(&m->xw, s);
    return t;
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
    td__spin_lock(m->xw.spin);
    if (c->current == NULL || m->owner != c->current || m->owner_core != me) {
        r = TD_ERR_NOT_OWNER;
    } else if (--m->depth == 0) {
        TD_TRACE(TD_TR_LOCK_GIVE, m, m->owner);
        m->owner = NULL;
        m->owner_core = TD_CORE_ANY;
        td__held_del(c, &m->held);
        local = pass_on(m, me);
    }
    td__xsync_spin_unlock(m->xw.spin);
    if (local)
        td__xsync_poll(c);
    port_irq_restore(s);
    return r;
}

/* ---- on the held lists (kernel/held.h) -------------------------------------------- */

/* Free m held by a thread of core 'owner' that is being ended (this core)
 * or gone with its core: the other core's waiters (or this core's) get
 * it. Returns true if waiters of this core may take it now. */
static bool abandon(td_xmutex_t *m, unsigned owner)
{
    unsigned me = port_core_id();
    bool local = false;
    td__spin_lock(m->xw.spin);
    if (m->owner != NULL && m->owner_core == owner) {
        TD_TRACE(TD_TR_LOCK_GIVE, m, m->owner);
        m->owner = NULL;
        m->owner_core = TD_CORE_ANY;
        m->depth = 0;
        if (owner == me) {
            td__held_del(&td__cores[me], &m->held);
            local = pass_on(m, me);
        } else {                           /* the owner's core is gone: ours waits */
            m->reserved = TD_CORE_ANY;
            local = m->xw.nwait[me] != 0;
        }
    }
    td__xsync_spin_unlock(m->xw.spin);
    return local;
}

static td_thread_t *held_owner(const struct td_held *h)
{
    return XMUTEX_HELD(h)->owner;
}

TD_FAULT_CODE static bool held_waiting(const struct td_held *h, unsigned me, char *what, char *waiting,
                         size_t n)
{
    (void)me;
    const td_xmutex_t *m = XMUTEX_HELD(h);
    if (m->xw.nwait[0] == 0 && m->xw.nwait[1] == 0)
        return false;
    td_snprintf(what, n, "td_xmutex %p", (const void *)m);
    td_snprintf(waiting, n, "waiting: %u on core 0, %u on core 1", m->xw.nwait[0],
                m->xw.nwait[1]);
    return true;
}

static void held_abandon(td_core_t *c, struct td_held *h)
{
    if (abandon(XMUTEX_HELD(h), port_core_id()))
        td__xsync_poll(c);
}

TD_FAULT_CODE static void held_gone(struct td_held *h, unsigned core)
{
    if (abandon(XMUTEX_HELD(h), core))
        td__xsync_poll(td__core());      /* our waiters may go on now */
}

TD_FAULT_DATA static const struct td_held_ops held_ops = { held_owner, held_waiting, held_abandon,
                                                             held_gone };
