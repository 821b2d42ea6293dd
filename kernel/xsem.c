/*
 * kernel/xsem.c: the cross-core counting semaphore, on the cross-core
 * waiting machinery (kernel/xsync.h).
 */
#include "xsync.h"

#include "tandem/xsem.h"

#define XSEM_OF(x) ((td_xsem_t *)(void *)((char *)(x) - offsetof(td_xsem_t, xw)))

/* Inline in take and give (as fast as they were before the shared checks). */
static int check(td_xsem_t *x)
{
    if (x == NULL)
        return TD_ERR_PARAM;
    return x->magic == TD_XSEM_MAGIC ? TD_OK : TD_ERR_UNINIT;
}

/* A waiter of core 'me' may have a count if there is one. */
static bool grant(struct td_xwaits *xw, td_thread_t *t, unsigned me)
{
    (void)t;
    td_xsem_t *x = XSEM_OF(xw);
    if (x->count == 0)
        return false;
    x->count--;
    xw->nwait[me]--;
    return true;
}

static void leave(struct td_xwaits *xw, unsigned me)
{
    xw->nwait[me]--;
}

TD_FAULT_CODE static void gone(struct td_xwaits *xw, unsigned core)
{
    if (xw->nwait[core])
        xw->nwait[core]--;
}

static const struct td_xsync_ops xsem_ops = { TD_XSYNC_WAIT_OPS, grant, leave, gone };

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
    if (x->magic == TD_XSEM_MAGIC && td__xsync_waited(&x->xw)) {
        r = TD_ERR_BUSY;
    } else {
        x->count = initial;
        x->max = max;
        x->xw.spin = (uint8_t)n;
        x->xw.nwait[0] = x->xw.nwait[1] = 0;
        x->magic = TD_XSEM_MAGIC;
    }
    td__xsync_spin_unlock(n);
    port_irq_restore(s);
    return r;
}

int td_xsem_deinit(td_xsem_t *x)
{
    int r = TD_CHECK_XCALL(x, td_xsem_t, TD_XSEM_MAGIC, TD_NO_WAIT);
    if (r)
        return r;
    port_irq_state_t s = td__xsync_lock(&x->xw);
    if (td__xsync_waited(&x->xw))
        r = TD_ERR_BUSY;
    else
        x->magic = 0;
    td__xsync_unlock(&x->xw, s);
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
    td__spin_lock(x->xw.spin);
    if (x->count == 0)
        return td__xsync_block(c, &x->xw, &xsem_ops, me, timeout, s);
    x->count--;
    td__xsync_spin_unlock(x->xw.spin);
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
    td__spin_lock(x->xw.spin);
    if (x->count >= x->max) {
        r = TD_ERR_FULL;
    } else {
        x->count++;
        local = x->xw.nwait[me] != 0;
        remote = x->xw.nwait[me ^ 1u] != 0;
    }
    td__xsync_spin_unlock(x->xw.spin);
    if (remote)
        td__xsync_notify_remote(me ^ 1u);
    if (local)
        td__xsync_poll(td__core());
    port_irq_restore(s);
    return r;
}

long td_xsem_waiting(const td_xsem_t *x, unsigned core)
{
    int r = TD_VALID(x, td_xsem_t, TD_XSEM_MAGIC);
    return r ? r : td__xsync_waiting(&x->xw, core);
}

long td_xsem_count(const td_xsem_t *x)
{
    int r = TD_VALID(x, td_xsem_t, TD_XSEM_MAGIC);
    if (r)
        return r;
    port_irq_state_t s = td__xsync_lock(&x->xw);
    long n = (long)x->count;
    td__xsync_unlock(&x->xw, s);
    return n;
}
