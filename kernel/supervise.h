/*
 * kernel/supervise.h: each core's supervision of the other (private to
 * kernel/; owned by kernel/supervise.c; the settings and counts it reports
 * are in tandem/fault.h, the model in docs/faults.md).
 *
 * From its tick, each core checks its own running thread's stack, publishes
 * its heartbeat, watches the other core (a halted one is cleaned up after;
 * one that stopped answering is reported and, if it is core 1, stopped or
 * restarted), and reports objects held too long while others wait.
 */
#ifndef TANDEM_KERNEL_SUPERVISE_H
#define TANDEM_KERNEL_SUPERVISE_H

#include "core.h"

/* This core's kernel instance is fresh and about to run its first thread:
 * start supervising. 'relaunch' launches core 1 again with its first
 * entry (0 or the port's launch error); core 0 calls it to restart core 1
 * under TD_FAULT_RESTART. Interrupts masked, this core. */
void td__supervise_start(td_core_t *c, int (*relaunch)(void));

#endif /* TANDEM_KERNEL_SUPERVISE_H */
