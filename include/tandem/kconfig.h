/*
 * tandem/kconfig.h: kernel build-time settings. Each may be overridden with
 * -D on the compiler command line; both cores use the same values.
 */
#ifndef TANDEM_KCONFIG_H
#define TANDEM_KCONFIG_H

/* Tick rate of each core's kernel (port_tick_start), in Hz. */
#ifndef TD_TICK_HZ
#define TD_TICK_HZ 1000u
#endif

/* Stack of the first thread of each core (core 0: main(); core 1: the
 * function given to td_kernel_launch_core1), in bytes. */
#ifndef TD_MAIN_STACK_SIZE
#define TD_MAIN_STACK_SIZE 1024u
#endif

/* Stack of each core's idle thread, in bytes. */
#ifndef TD_IDLE_STACK_SIZE
#define TD_IDLE_STACK_SIZE 256u
#endif

/* Priority of each core's first thread. */
#ifndef TD_PRIO_MAIN
#define TD_PRIO_MAIN 16u
#endif

/* Locks handed out by td_allocate_lock (beginner layer). */
#ifndef TD_EASY_LOCKS
#define TD_EASY_LOCKS 8u
#endif

#endif /* TANDEM_KCONFIG_H */
