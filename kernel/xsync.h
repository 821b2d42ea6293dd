/*
 * kernel/xsync.h: what every cross-core object (td_xmutex, td_xsem) shares:
 * its waiting state (struct td_xwaits: the guarding spinlock and the
 * waiters per core), the way its waiters sleep and are woken, and the
 * operations a type gives for that. Private to kernel/; owned by
 * kernel/xsync.c.
 *
 * A thread waiting for a cross-core object sleeps on its own core's list of
 * cross-core waiters (td_core_t.xwaiters), counted in the object's
 * nwait[its core], its wait carrying the object's type's operations
 * (kernel/sched.h, struct td_wait). Whoever changes an object so that a
 * waiter on the other core may proceed calls td__xsync_notify_remote; that
 * core then runs td__xsync_poll, which asks each of its waiters' objects
 * (grant, under the object's spinlock) and wakes those granted. A waiter
 * that gives up (timeout, ended) leaves through its type's 'leave'; a core
 * that goes down has its waiters' places given back through 'gone', by
 * xsync's own "core went down" handler (kernel/down.h).
 *
 * The notification is a doorbell on the inter-core link (kernel/link.h)
 * whose receiving side, the other core's FIFO interrupt, calls
 * td__xsync_poll. While the link is not up on both cores (not started yet,
 * or raw FIFO mode) it is an event (SEV) instead: the idle thread of a core
 * with cross-core waiters polls, then sleeps with WFE, and a busy core
 * polls at each of its ticks.
 *
 * A new cross-core primitive: a struct with a struct td_xwaits member, a
 * const struct td_xsync_ops, td__xsync_spin at init, and td__xsync_block to
 * block; nothing else in the kernel changes (docs/conventions.md).
 */
#ifndef TANDEM_KERNEL_XSYNC_H
#define TANDEM_KERNEL_XSYNC_H

#include "sched.h"
#include "spin.h"

/* A cross-core object type's operations, called with its spinlock held
 * (x->spin) and interrupts masked. */
struct td_xsync_ops {
    struct td_wait_ops wait;     /* TD_XSYNC_WAIT_OPS: what the scheduler calls */
    /* May waiter t of core 'me' have the object now? If so, take it (the
     * waiter's count in nwait[me] included) and return true. On t's core. */
    bool (*grant)(struct td_xwaits *x, td_thread_t *t, unsigned me);
    /* A waiter of core 'me' gave up (timeout, or its thread is being
     * ended): take its count back. On its core. */
    void (*leave)(struct td_xwaits *x, unsigned me);
    /* A waiter of core 'core' is gone with its core (halted, reset): take
     * its count back. On the other core. */
    void (*gone)(struct td_xwaits *x, unsigned core);
};

/* The wait operations every cross-core type uses: a timeout or an ended
 * thread leaves through the type's 'leave'. */
void td__xsync_left(td_core_t *c, td_thread_t *t, struct td_wait *w);
#define TD_XSYNC_WAIT_OPS { NULL, td__xsync_left, td__xsync_left, NULL }

/* The guarding spinlock for an object at address a (TD_SPIN_XSYNC range). */
unsigned td__xsync_spin(const void *a);

/* Mask this core's interrupts and take x's spinlock: returns the interrupt
 * state for td__xsync_unlock, which releases the spinlock and restores it.
 * Thread or interrupt context. */
port_irq_state_t td__xsync_lock(const struct td_xwaits *x);
void td__xsync_unlock(const struct td_xwaits *x, port_irq_state_t s);
/* td__spin_unlock(n), one copy for the cross-core objects. */
void td__xsync_spin_unlock(unsigned n);

/* How many threads of core 'core' wait for x, read under x's spinlock
 * (the public td_xmutex_waiting, td_xsem_waiting), or TD_ERR_PARAM for a
 * core other than 0 or 1. Anywhere. */
long td__xsync_waiting(const struct td_xwaits *x, unsigned core);

/* Whether threads of either core wait for x. */
static inline bool td__xsync_waited(const struct td_xwaits *x)
{
    return (x->nwait[0] | x->nwait[1]) != 0;
}

/* The end of a call of core c's current thread that found x (of type
 * 'ops') unavailable, called with interrupts masked (state s) and x's
 * spinlock held: TD_ERR_WOULD_BLOCK for a timeout of TD_NO_WAIT,
 * td__can_wait's error, or else the thread blocks as a waiter of core 'me'
 * for at most 'timeout' ticks (counted, the spinlock released) and this
 * returns how the wait ended (0: granted, TD_ERR_TIMEOUT, ...). Releases the
 * spinlock and restores s on every path. */
int td__xsync_block(td_core_t *c, struct td_xwaits *x, const struct td_xsync_ops *ops,
                    unsigned me, td_tick_t timeout, port_irq_state_t s);

/* Tell core 'core' that its cross-core waiters may proceed. Any context. */
void td__xsync_notify_remote(unsigned core);

/* Grant what can be granted to core c's (this core's) cross-core waiters
 * and wake them. Thread or interrupt context; interrupts in any state. */
void td__xsync_poll(td_core_t *c);

/* The idle thread's wait: poll, then WFE (with waiters) or WFI. */
void td__xsync_idle(td_core_t *c);

#endif /* TANDEM_KERNEL_XSYNC_H */
