/*
 * kernel/fault_sys.h: the fault module's side for the rest of the kernel
 * and for tests (private; owned by kernel/fault.c; the API is
 * tandem/fault.h, the model docs/faults.md). td__fault_cpu, the CPU's
 * entry, is declared by the port contract (port/port.h).
 */
#ifndef TANDEM_KERNEL_FAULT_SYS_H
#define TANDEM_KERNEL_FAULT_SYS_H

#include "core.h"
#include "fault_report.h"

/* This core's kernel instance is fresh and about to run its first thread:
 * memory protection and the first thread's guard; the fault path becomes
 * the scheduler's answer to a bad stack and td_panic's (registered); on
 * core 0 the first time, the report of the previous run's fault. */
void td__fault_core_start(td_core_t *c);

/* The tick's stack check found the running thread t of core c (this core)
 * past its stack (sp) or below it: the fault path, from the tick
 * interrupt. Returns if the policy ended t and the core goes on. */
void td__fault_tick_stack(td_core_t *c, td_thread_t *t, uintptr_t sp);

/* Core 'peer' (the other one) stopped answering for 'ms' ms, holding the
 * td_locks 'locks' (n): record and report it as that core's fault
 * (TD_FAULT_LOCKUP) and decide by its policy: returns TD_FAULT_HALT or
 * TD_FAULT_RESTART (for core 1: what the caller does to it next; for core
 * 0, always TD_FAULT_HALT: a report only), or reboots the chip
 * (TD_FAULT_REBOOT, core 1). Interrupts masked. */
unsigned td__fault_lockup(unsigned peer, uint32_t ms, const struct td_fault_lock *locks,
                          unsigned n);

#endif /* TANDEM_KERNEL_FAULT_SYS_H */
