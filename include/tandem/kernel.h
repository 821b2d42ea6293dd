/*
 * tandem/kernel.h: the kernel instances, one per core.
 *
 * Each core runs its own kernel: its own ready lists, tick, timeout list,
 * timers and idle thread, all kept in one per-core structure reached through
 * the calling core's id. Core 0's kernel is started by the start-up code
 * (td_kernel_main runs main() as core 0's first thread); core 1's by
 * td_kernel_launch_core1. Neither kernel waits for the other.
 */
#ifndef TANDEM_KERNEL_H
#define TANDEM_KERNEL_H

#include "tandem/types.h"

/* Called once by the port's start-up code on core 0 after the hardware is
 * initialised: starts core 0's kernel with main() as its first thread
 * ("main", priority TD_PRIO_MAIN, TD_MAIN_STACK_SIZE bytes of stack) and an
 * idle thread. When main returns, its value ends the run (port_exit).
 * Never returns. */
int td_kernel_main(void) __attribute__((noreturn));

/* Start the calling core's kernel with entry(arg) as its first thread (named
 * "main" on core 0, "core1" on core 1). Does not return on success. Returns
 * TD_ERR_BUSY if this core's kernel already runs, TD_ERR_PARAM if entry is
 * NULL. Start-up code only (td_kernel_main and the core 1 launch use it). */
int td_kernel_start(td_entry_t entry, void *arg);

/* Launch core 1 with its own kernel, running entry(arg) as core 1's first
 * thread. Returns 0 once core 1 has accepted the launch (its kernel starts
 * on its own), TD_ERR_PARAM (entry NULL), TD_ERR_WRONG_CORE (called on core
 * 1), TD_ERR_BUSY (core 1 already launched), or the port's launch error
 * (TD_ERR_NO_RESPONSE). Thread only, core 0. */
int td_kernel_launch_core1(td_entry_t entry, void *arg);

/* The calling core's number: 0 or 1 (on the host port, the "core" the
 * calling pthread stands for). Anywhere: threads, interrupt handlers,
 * timer callbacks, and before the core's kernel starts. */
unsigned td_core_id(void);

/* True once the kernel of core 'core' (0 or 1) runs. Anywhere. */
bool td_kernel_running(unsigned core);

/* Time slicing on the calling core: a thread that runs for 'ticks' ticks
 * while another thread of its priority is READY gives way to it (round
 * robin). 0 (the default) turns slicing off; at most 255. Returns 0 or
 * TD_ERR_PARAM. Anywhere, this core. */
int td_kernel_set_slice(unsigned ticks);

/* Call hook() from the calling core's idle thread each time it wakes
 * (NULL: none). The hook runs in the idle thread: it must not block (a
 * blocking call made from it returns TD_ERR_IDLE), and it runs on the idle
 * thread's stack, TD_IDLE_STACK_SIZE bytes (256 by default, tandem/kconfig.h;
 * make CONFIG_CFLAGS=-DTD_IDLE_STACK_SIZE=n for more): a hook that goes
 * deeper (a driver's transfer, td_spi_transfer among them, does) overflows
 * it, which the stack guard reports as a fault. Returns 0. */
int td_kernel_set_idle_hook(void (*hook)(void));

/* Number of this core's context switches so far (for tests and tuning). */
uint32_t td_kernel_switches(void);

#endif /* TANDEM_KERNEL_H */
