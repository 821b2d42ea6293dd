/*
 * kernel/thread_sys.h: the threads' side for the rest of the kernel
 * (private to kernel/; owned by kernel/thread.c; the API is
 * tandem/thread.h).
 */
#ifndef TANDEM_KERNEL_THREAD_SYS_H
#define TANDEM_KERNEL_THREAD_SYS_H

#include "core.h"

#define TD_THREAD_MAGIC 0xd5u
#define TD_STACK_PAINT  0xa5a5a5a5u

/* Put started thread t on core c's list of threads. Interrupts masked. */
void td__thread_link(td_core_t *c, td_thread_t *t);

/* The kill policy: thread t of core c (this core) ends for good after a
 * fault. Unless 'self' (t is the calling thread, which ends itself with
 * td_thread_exit next), it leaves its wait, then what it owns is given
 * back (kernel/held.h) and it leaves the ready lists, EXITED, its joiners
 * woken. Interrupts masked. */
void td__thread_kill(td_core_t *c, td_thread_t *t, bool self);

#endif /* TANDEM_KERNEL_THREAD_SYS_H */
