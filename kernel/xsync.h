/*
 * kernel/xsync.h: how the two kernels wake each other's threads waiting for
 * cross-core objects (td_xmutex, td_xsem). Private to kernel/.
 *
 * A thread waiting for a cross-core object sleeps on its own core's list of
 * cross-core waiters. Whoever changes such an object so that a waiter on
 * the other core may proceed calls td_xsync_notify_remote(other core); that
 * core then runs td_xsync_poll_isr, which grants the objects to its waiters
 * and wakes them.
 *
 * The notification is a doorbell to the system endpoint TD_EP_SYS_XSYNC
 * (kernel/msg.c) whose receive side, the other core's FIFO interrupt,
 * calls td_xsync_poll_isr. While the message multiplexers do not run on
 * both cores (not started yet, or raw FIFO mode) it is an event (SEV)
 * instead: the idle thread of a core with cross-core waiters polls, then
 * sleeps with WFE, and a busy core polls at each of its ticks.
 */
#ifndef TANDEM_KERNEL_XSYNC_H
#define TANDEM_KERNEL_XSYNC_H

#include "sched.h"
#include "spin.h"
#include "tandem/xmutex.h"
#include "tandem/xsem.h"

/* Tell core 'core' that its cross-core waiters may proceed. Any context. */
void td_xsync_notify_remote(unsigned core);

/* Grant what can be granted to this core's cross-core waiters and wake
 * them. Thread or interrupt context, this core. */
void td_xsync_poll_isr(void);

/* The idle thread's wait: poll, then WFE (with waiters) or WFI. */
void td__xsync_idle(td_core_t *c);

/* Object-specific halves, called under the object's spinlock with
 * interrupts masked: may waiter t of core 'me' have the object now
 * (granted: true, bookkeeping done)? And: a waiter of core 'me' left. */
bool td__xmutex_grant(td_xmutex_t *m, td_thread_t *t, unsigned me);
void td__xmutex_leave(td_xmutex_t *m, unsigned me);
bool td__xsem_grant(td_xsem_t *s, unsigned me);
void td__xsem_leave(td_xsem_t *s, unsigned me);

/* The guarding spinlock for an object at address a (TD_SPIN_XSYNC range). */
unsigned td__xsync_spin(const void *a);

#endif /* TANDEM_KERNEL_XSYNC_H */
