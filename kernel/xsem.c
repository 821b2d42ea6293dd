/*
 * kernel/xsem.c: the cross-core counting semaphore.
 */
#include "xsync.h"

static int check(td_xsem_t *x)
{
    if (x == NULL)
        return TD_ERR_PARAM;
    return x->magic == TD_XSEM_MAGIC ? TD_OK : TD_ERR_UNINIT;
}

bool td__xsem_grant(td_xsem_t *x, unsigned me)
{
    if (x->count == 0)
        return false;
    x->count--;
    x->nwait[me]--;
    return true;
}

void td__xsem_leave(td_xsem_t *x, unsigned me)
{
    x->nwait[me]--;
}

int td_xsem_init(td_xsem_t *x, uint32_t initial, uint32_t max)
{
    if (x == NULL || max == 0 || initial > max)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    unsigned n = td__xsync_spin(x);
    int r = TD_OK;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(n);
    if (x->magic == TD_XSEM_MAGIC && (x->nwait[0] != 0 || x->nwait[1] != 0)) {
        r = TD_ERR_BUSY;
    } else {
        x->count = initial;
        x->max = max;
        x->spin = (uint8_t)n;
        x->nwait[0] = x->nwait[1] = 0;
        x->magic = TD_XSEM_MAGIC;
    }
    td__spin_unlock(n);
    port_irq_restore(s);
    return r;
}

int td_xsem_take(td_xsem_t *x, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = check(x);
    if (r)
        return r;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    td_core_t *c = td__core();
    unsigned me = port_core_id();
    port_irq_state_t s = port_irq_save();
    td__spin_lock(x->spin);
    if (x->count > 0) {
        x->count--;
    } else if (timeout == TD_NO_WAIT) {
        r = TD_ERR_WOULD_BLOCK;
    } else if ((r = td__can_wait(c, s)) == TD_OK) {
        x->nwait[me]++;
        td__spin_unlock(x->spin);
        td_thread_t *cur = c->current;
        td__wait_prep(c, &c->xwaiters, timeout != TD_FOREVER, c->tick + timeout);
        cur->wdata.p = x;
        cur->flags |= TF_XSYNC | TF_XSEM;
        return td__wait_commit(c, s);
    }
    td__spin_unlock(x->spin);
    port_irq_restore(s);
    return r;
}

int td_xsem_give_isr(td_xsem_t *x)
{
    int r = check(x);
    if (r)
        return r;
    unsigned me = port_core_id();
    bool local = false, remote = false;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(x->spin);
    if (x->count >= x->max) {
        r = TD_ERR_FULL;
    } else {
        x->count++;
        local = x->nwait[me] != 0;
        remote = x->nwait[me ^ 1u] != 0;
    }
    td__spin_unlock(x->spin);
    if (remote)
        td_xsync_notify_remote(me ^ 1u);
    if (local)
        td__xsync_poll(td__core());
    port_irq_restore(s);
    return r;
}

long td_xsem_count(const td_xsem_t *x)
{
    if (x == NULL)
        return TD_ERR_PARAM;
    if (x->magic != TD_XSEM_MAGIC)
        return TD_ERR_UNINIT;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(x->spin);
    long n = (long)x->count;
    td__spin_unlock(x->spin);
    port_irq_restore(s);
    return n;
}
