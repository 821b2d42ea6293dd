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

/* ---- stack geometry: in sched.h (the switch paths use it inline) ------------------- */

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

/* ---- objects held by threads (deadlock help, release after a fault) ------------------
 * Every td_mutex and td_xmutex a thread owns is on its core's held list
 * (td_core_t.held) from the lock that took it to the unlock that freed it.
 * Called with interrupts masked, on the owner's core. */
#define TD_HELD_MUTEX  1u
#define TD_HELD_XMUTEX 2u
void td__held_add(td_core_t *c, struct td_held *h, unsigned kind);
void td__held_del(td_core_t *c, struct td_held *h);

/* ---- implemented by other kernel files for the fault module ------------------------ */

/* thread.c: put started thread t on core c's list of threads. */
void td__thread_link(td_core_t *c, td_thread_t *t);

/* thread.c: end thread t of core c for good, whatever its state (off the
 * ready and wait lists, EXITED, its joiners woken). Interrupts masked. */
void td__thread_kill(td_core_t *c, td_thread_t *t);

/* mutex.c: unlock every td_mutex t holds (handing each to its most urgent
 * waiter). Interrupts masked, t's core. */
void td__mutex_abandon(td_core_t *c, td_thread_t *t);
/* mutex.c: forget m's owner and waiters (they are gone with their core). */
void td__mutex_forget(struct td_mutex *m);

/* xmutex.c: free m held by a thread of core 'owner' that is gone or being
 * ended: the other core's waiters (or this core's) get it. Returns true if
 * waiters of the calling core may take it now (poll). Interrupts masked. */
bool td__xmutex_abandon(struct td_xmutex *m, unsigned owner);

/* kernel.c: launch core 1 again with the entry and argument of the first
 * launch (core 1 reset, its kernel marked not running). Returns 0 or the
 * port's launch error. Core 0, any context. */
int td__kernel_relaunch_core1(void);

/* ---- heaps (heap.c) --------------------------------------------------------------- */

/* Core 'core's kernel started: remember where its heap stands (first time). */
void td__heap_started(unsigned core);
/* Back to that mark, unlocked (core 1 restart). */
void td__heap_rewind(unsigned core);
/* For tests: the heap's next free address, and setting it back. */
uintptr_t td__heap_top(unsigned core);
void td__heap_set(unsigned core, uintptr_t top, bool locked);

#endif /* TANDEM_KERNEL_FAULT_SYS_H */
