/*
 * kernel/fault_sys.h: what the fault module (fault.c), the heaps (heap.c)
 * and the rest of the kernel tell each other. Private to kernel/ and to
 * tests. The model: docs/faults.md.
 */
#ifndef TANDEM_KERNEL_FAULT_SYS_H
#define TANDEM_KERNEL_FAULT_SYS_H

#include "sched.h"

#include "tandem/fault.h"

struct td_mutex;
struct td_xmutex;

/* ---- from the kernel to the fault module -------------------------------------------- */

/* This core's kernel instance is fresh and about to run its first thread:
 * memory protection, the first thread's guard, supervision of the other
 * core; on core 0 the first time, the report of the previous run's fault. */
void td__fault_core_start(td_core_t *c);

/* The switch hook found thread t (leaving the processor, saved stack
 * pointer sp) past its stack limit or with its canary overwritten: the
 * fault path in the switch context. Returns when the policy let the core
 * go on (t was ended); interrupts masked. */
void td__fault_switch(td_core_t *c, td_thread_t *t, uintptr_t sp);

#endif /* TANDEM_KERNEL_FAULT_SYS_H */
