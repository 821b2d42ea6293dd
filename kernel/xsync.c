/*
 * kernel/xsync.c: waking threads that wait for cross-core objects.
 * The mechanism and its interim form are described in xsync.h.
 */
#include "xsync.h"

#include "msg_sys.h"
#include "tandem/hwtable.h"

void td_xsync_notify_remote(unsigned core)
{
    (void)core;          /* the other core: the only one a doorbell reaches */
    if (td__msg_post(TD_EP_SYS_XSYNC, 0) != TD_OK)
        port_sev();      /* no multiplexer (raw FIFO, or not started): an event */
}

unsigned td__xsync_spin(const void *a)
{
    return TD_SPIN_XSYNC_FIRST +
           (unsigned)(((uintptr_t)a >> 3) % (TD_SPIN_XSYNC_LAST - TD_SPIN_XSYNC_FIRST + 1u));
}

static bool grant(td_thread_t *t, unsigned me)
{
    void *o = t->wdata.p;
    bool xsem = (t->flags & TF_XSEM) != 0;
    unsigned n = xsem ? ((td_xsem_t *)o)->spin : ((td_xmutex_t *)o)->spin;
    td__spin_lock(n);
    bool ok = xsem ? td__xsem_grant(o, me) : td__xmutex_grant(o, t, me);
    td__spin_unlock(n);
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
            t->flags &= (uint8_t)~(TF_XSYNC | TF_XSEM);
            td__wake(c, t, TD_OK);
            next = c->xwaiters;          /* list changed: start over */
        }
        t = next;
    }
    td__resched(c);
    port_irq_restore(s);
}

void td_xsync_poll_isr(void)
{
    td__xsync_poll(td__core());
}

void td__xsync_cancel(const td_thread_t *t, unsigned flags)
{
    unsigned me = port_core_id();
    void *o = t->wdata.p;
    if (flags & TF_XSEM) {
        td_xsem_t *x = o;
        td__spin_lock(x->spin);
        td__xsem_leave(x, me);
        td__spin_unlock(x->spin);
    } else {
        td_xmutex_t *m = o;
        td__spin_lock(m->spin);
        td__xmutex_leave(m, me);
        td__spin_unlock(m->spin);
    }
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
