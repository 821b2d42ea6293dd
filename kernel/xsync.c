/*
 * kernel/xsync.c: how threads wait for cross-core objects and are woken
 * (kernel/xsync.h).
 */
#include "xsync.h"

#include "down.h"
#include "link.h"
#include "trace.h"
#include "tandem/hwtable.h"

#define OPS(w) ((const struct td_xsync_ops *)(const void *)(w)->ops)

/* The doorbell (kernel/link.h): the other core freed an object for our
 * waiters. */
static void xsync_rang(unsigned me, td_core_t *c, uint32_t count)
{
    (void)me;
    (void)count;
    td__xsync_poll(c);
}

void td__xsync_notify_remote(unsigned core)
{
    static uint8_t bell, registered;
    (void)core;          /* the other core: the only one a doorbell reaches */
    if (!TD_LOAD_ACQUIRE(registered)) {
        TD_STORE_RELAXED(bell, (uint8_t)td__link_doorbell(xsync_rang, false));
        TD_STORE_RELEASE(registered, (uint8_t)1);
    }
    if (td__link_ring(TD_LOAD_RELAXED(bell)) != TD_OK)
        port_sev();      /* no link (raw FIFO, or not started): an event */
}

unsigned td__xsync_spin(const void *a)
{
    return TD_SPIN_XSYNC_FIRST +
           (unsigned)(((uintptr_t)a >> 3) % (TD_SPIN_XSYNC_LAST - TD_SPIN_XSYNC_FIRST + 1u));
}

port_irq_state_t td__xsync_lock(const struct td_xwaits *x)
{
    port_irq_state_t s = port_irq_save();
    td__spin_lock(x->spin);
    return s;
}

void td__xsync_spin_unlock(unsigned n)
{
    port_spin_release(n);                /* (td__spin_unlock's body: one call, not two) */
}

void td__xsync_unlock(const struct td_xwaits *x, port_irq_state_t s)
{
    td__xsync_spin_unlock(x->spin);
    port_irq_restore(s);
}

long td__xsync_waiting(const struct td_xwaits *x, unsigned core)
{
    if (core > 1u)
        return TD_ERR_PARAM;
    port_irq_state_t s = td__xsync_lock(x);
    long n = (long)x->nwait[core];
    td__xsync_unlock(x, s);
    return n;
}

static void xsync_down(unsigned core, unsigned stage);

int td__xsync_block(td_core_t *c, struct td_xwaits *x, const struct td_xsync_ops *ops,
                    unsigned me, td_tick_t timeout, port_irq_state_t s)
{
    int r = TD_ERR_WOULD_BLOCK;
    if (timeout == TD_NO_WAIT || (r = td__can_wait(c, s)) != TD_OK) {
        td__xsync_unlock(x, s);
        return r;
    }
    TD_CLASS_THREAD();
    TD_DOWN_REGISTER_ONCE(xsync_down);
    struct td_wait w = { &ops->wait, x };
    TD_TRACE(TD_TR_WAIT_X, x, 0);
    x->nwait[me]++;
    td__xsync_spin_unlock(x->spin);
    td__wait_ops(c->current, &w);        /* (the wait keeps it) */
    return td__wait(c, &c->xwaiters, timeout, s);   /* a poll grants it, or the timeout */
}

/* May waiter t (of this core, 'me') have its object now? */
static bool grant(td_thread_t *t, unsigned me)
{
    struct td_wait *w = t->wdata.p;
    struct td_xwaits *x = w->obj;
    td__spin_lock(x->spin);
    bool ok = OPS(w)->grant(x, t, me);
    td__xsync_spin_unlock(x->spin);
    return ok;
}

void td__xsync_poll(td_core_t *c)
{
    unsigned me = port_core_id();
    port_irq_state_t s = port_irq_save();
    td_thread_t *t = c->xwaiters;
    while (t != NULL) {
        td_thread_t *next = t->next == c->xwaiters ? NULL : t->next;
        if (grant(t, me)) {
            t->flags &= (uint8_t)~TF_OPS;    /* granted: nothing to undo */
            td__wake(c, t, TD_OK);
            next = c->xwaiters;              /* list changed: start over */
        }
        t = next;
    }
    td__resched(c);
    port_irq_restore(s);
}

void td__xsync_left(td_core_t *c, td_thread_t *t, struct td_wait *w)
{
    TD_CLASS_MASKED();
    (void)c;
    (void)t;
    struct td_xwaits *x = w->obj;
    td__spin_lock(x->spin);
    OPS(w)->leave(x, port_core_id());
    td__xsync_spin_unlock(x->spin);
}

/* Core 'core' stopped for good (TD_DOWN_STOPPED): its waiters' places in
 * the objects they waited for are given back, then this core's waiters
 * may go on. */
TD_FAULT_CODE static void xsync_down(unsigned core, unsigned stage)
{
    if (stage != TD_DOWN_STOPPED)
        return;
    td_core_t *dc = &td__cores[core];
    td_thread_t *h = dc->xwaiters, *t = h;
    while (t != NULL) {
        struct td_wait *w = t->wdata.p;
        struct td_xwaits *x = w->obj;
        td__spin_lock(x->spin);
        OPS(w)->gone(x, core);
        td__xsync_spin_unlock(x->spin);
        t = t->next == h ? NULL : t->next;
    }
    dc->xwaiters = NULL;
    td__xsync_poll(td__core());
}

void td__xsync_idle(td_core_t *c)
{
    if (c->xwaiters != NULL) {
        td__xsync_poll(c);
        port_wfe();
    } else {
        port_idle();
    }
}
