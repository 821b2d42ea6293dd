/*
 * tandem/watchdog.h: a watchdog that watches both cores.
 *
 * Once started (core 0), each core's kernel checks in from its tick, and
 * the threads the program names (td_watchdog_watch) check in themselves
 * (td_watchdog_checkin), each within its own limit. Core 0's tick checks
 * every named thread of both cores and core 1's kernel; core 1's tick
 * checks core 0's kernel. When one of them misses its limit, the report
 * names the core and the thread (for a kernel: the thread it was running)
 * and the policy acts:
 *
 *   TD_WATCHDOG_RESTART_CORE1  core 1 (its kernel or one of its threads)
 *       missed: core 0 stops core 1, gives back what it held and launches
 *       it again, as the fault policy TD_FAULT_RESTART does; core 0 goes on.
 *       Core 0 missed: core 0 cannot be restarted alone, so the chip
 *       reboots as under TD_WATCHDOG_REBOOT (the report says so).
 *   TD_WATCHDOG_REBOOT  the report is kept across a reboot of the chip
 *       (the port's words kept across a reboot: the RP2040's watchdog
 *       scratch registers) and the chip reboots; the next boot prints it
 *       ("*** PREVIOUS RUN: ...") and td_fault_previous returns it.
 *
 * A miss is recorded as the missing core's fault with reason
 * TD_FAULT_WATCHDOG (td_fault_last, td_fault_count; the report's form is
 * docs/faults.md's), so it is read like any other fault.
 *
 * The last line is the chip's own watchdog (hw_ms, where the port has one):
 * core 0's tick feeds it while nothing is overdue. If no software check can
 * act any more (both kernels stopped, or core 0's with core 1's unable to
 * reboot), its counter runs out and resets the chip; the next boot reports
 * a previous run ended by the hardware watchdog (no thread known).
 *
 * A core that is in its fault path or halted by a fault is the fault
 * policy's (tandem/fault.h), not the watchdog's: the watchdog judges a
 * running kernel. While the watchdog runs, it replaces the kernel's own
 * heartbeat check (TD_FAULT_HEARTBEAT_MS): a stopped kernel is reported
 * once, by the watchdog, under the watchdog's policy. docs/drivers.md has
 * the whole story and what the emulator models.
 */
#ifndef TANDEM_WATCHDOG_H
#define TANDEM_WATCHDOG_H

#include "tandem/thread.h"
#include "tandem/types.h"

/* Threads that can be watched at once. */
#ifndef TD_WATCHDOG_THREADS
#define TD_WATCHDOG_THREADS 8u
#endif
/* The longest limit, ms, for a kernel or a thread. */
#define TD_WATCHDOG_MAX_MS 60000u

enum td_watchdog_policy {
    TD_WATCHDOG_RESTART_CORE1 = 0,
    TD_WATCHDOG_REBOOT,
    TD_WATCHDOG_POLICIES
};

typedef struct td_watchdog_config {
    uint32_t kernel_ms;   /* each core's kernel must check in within this:
                             1..TD_WATCHDOG_MAX_MS */
    uint32_t hw_ms;       /* the chip's watchdog period, 0 for none; else more
                             than kernel_ms and at most the port's limit
                             (the RP2040: 8388 ms) */
    unsigned policy;      /* enum td_watchdog_policy */
} td_watchdog_config_t;

/* Start watching both kernels (and the named threads) under cfg. Returns 0,
 * TD_ERR_PARAM (cfg NULL, kernel_ms or hw_ms out of range, hw_ms not above
 * kernel_ms, policy unknown), TD_ERR_BUSY (already started),
 * TD_ERR_WRONG_CORE (called on core 1), TD_ERR_UNSUPPORTED (hw_ms given on a
 * port without a hardware watchdog: the host), TD_ERR_IN_ISR. Thread only,
 * core 0 only. */
int td_watchdog_start(const td_watchdog_config_t *cfg);

/* Stop watching and stop the chip's watchdog. Returns 0, TD_ERR_STATE (not
 * started), TD_ERR_WRONG_CORE, TD_ERR_IN_ISR. Thread only, core 0 only. */
int td_watchdog_stop(void);

/* Whether the watchdog runs (1) or not (0). Anywhere. */
int td_watchdog_running(void);

/* Thread t must check in (td_watchdog_checkin) at least every ms
 * milliseconds from now on; again for a watched t: its new limit, counted
 * from now. Named before td_watchdog_start, it is checked from the start.
 * Returns 0, TD_ERR_PARAM (t NULL or not a thread, ms 0 or above
 * TD_WATCHDOG_MAX_MS), TD_ERR_WRONG_CORE (t is the other core's thread),
 * TD_ERR_STATE (t has exited or never started), TD_ERR_FULL
 * (TD_WATCHDOG_THREADS watched already), TD_ERR_IN_ISR. Thread only, t's
 * core. */
int td_watchdog_watch(td_thread_t *t, uint32_t ms);

/* Thread t is watched no more. Returns 0, TD_ERR_PARAM (t NULL),
 * TD_ERR_EMPTY (t is not watched), TD_ERR_WRONG_CORE, TD_ERR_IN_ISR. Thread
 * only, t's core. A watched thread that exits, or whose core 1 is
 * restarted, is dropped by itself. */
int td_watchdog_unwatch(td_thread_t *t);

/* The calling thread checks in. Returns 0, TD_ERR_STATE (the caller is not
 * watched), TD_ERR_IN_ISR. Thread only. */
int td_watchdog_checkin(void);

/* Times the watchdog found a miss since boot. Anywhere. */
uint32_t td_watchdog_misses(void);

#endif /* TANDEM_WATCHDOG_H */
