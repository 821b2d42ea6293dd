/*
 * kernel/fault_report.h: the fault report, written from a fault record.
 * Private to kernel/ and to the fuzz target; owned by
 * kernel/fault_report.c.
 *
 * Pure code: it reads the record (and the lock list) it is given and
 * writes into the caller's buffer, nothing else: no lock, no C library, no
 * state, so the fault path may call it anywhere, and a fuzzer can drive it
 * alone (tools/fuzz/fuzz_fault_report.c). It reads at most sizeof the
 * record's thread name and TD_FAULT_CHAIN chain entries whatever the record
 * says, and never writes past the buffer. The report's form:
 * docs/faults.md.
 */
#ifndef TANDEM_KERNEL_FAULT_REPORT_H
#define TANDEM_KERNEL_FAULT_REPORT_H

#include <stddef.h>

#include "tandem/fault.h"
#include "tandem/trace.h"

/* A td_lock held by a core that stopped answering (a lockup report). */
struct td_fault_lock {
    unsigned number;             /* the hardware spinlock */
    const char *thread;          /* the name of the thread that took it */
};

/* The report of fault r, as the console shows it: lines ending in '\n',
 * from "*** FAULT core N, ..." to "*** END FAULT core N" (for
 * TD_FAULT_EXIT one line). 'locks' (n of them, may be NULL when n is 0):
 * the td_locks the core holds, listed in a lockup report. 'cause': what
 * the detail line says for a fault whose reason the record does not
 * explain (a HardFault the port could not decode: the port's words for
 * what its CPU can tell), NULL for a plain "cause not decoded". Written
 * into buf, at most size - 1 bytes (a longer report is cut), not
 * terminated; returns the length. Anywhere. */
size_t td__fault_format(char *buf, size_t size, const td_fault_record_t *r,
                        const struct td_fault_lock *locks, unsigned n, const char *cause);

#if TD_TRACE_MODE == 2
/* td__fault_format with the core's latest trace events (a TRACE=ring
 * build): 'ev', nev of them (may be NULL when nev is 0), oldest first,
 * listed one a line before the action line: number, cycles, kind, the two
 * words. (Not in other builds: their reports cost nothing for it.) */
size_t td__fault_format_traced(char *buf, size_t size, const td_fault_record_t *r,
                               const struct td_fault_lock *locks, unsigned n, const char *cause,
                               const td_trace_event_t *ev, unsigned nev);
#endif

/* The report of the fault that ended the previous run (read back after a
 * reboot: reason, core, thread, pc, lr, sp, xpsr), as td__fault_format. */
size_t td__fault_format_previous(char *buf, size_t size, const td_fault_record_t *r);

#endif /* TANDEM_KERNEL_FAULT_REPORT_H */
