/*
 * kernel/mutex_sys.h: the mutexes' side for the rest of the kernel (private
 * to kernel/; owned by kernel/mutex.c; the API is tandem/mutex.h).
 */
#ifndef TANDEM_KERNEL_MUTEX_SYS_H
#define TANDEM_KERNEL_MUTEX_SYS_H

#include "core.h"

/* Thread t's priority with what its mutexes' waiters lend it (its base
 * priority, or higher). Interrupts masked, t's core. */
unsigned td__mutex_effective(const td_thread_t *t);

#endif /* TANDEM_KERNEL_MUTEX_SYS_H */
