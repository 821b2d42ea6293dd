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

/* The watchdog (kernel/watchdog.c) registers its check while it runs (NULL
 * when it stops): fn(me, tick) is called at the end of each core's tick's
 * supervision, and supervision's heartbeat check stands aside meanwhile
 * (the watchdog judges the other core). Anywhere. */
void td__supervise_set_watchdog(void (*fn)(unsigned me, td_tick_t tick));

/* Core 0: stop core 1 (held in reset, what it held given back, its side
 * forgotten) and launch its entry again, as under TD_FAULT_RESTART.
 * Interrupts masked, core 0. */
void td__supervise_restart_core1(void);

#endif /* TANDEM_KERNEL_SUPERVISE_H */
