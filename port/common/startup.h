/*
 * startup.h: the parts of a chip's reset path that do not depend on the
 * chip (startup.c), for a chip whose linker script places its RAM data as
 * the RP2040's and the AN521's do: .data and .core1_data copied from their
 * load addresses, .bss and .core1_bss cleared.
 */
#ifndef TANDEM_COMMON_STARTUP_H
#define TANDEM_COMMON_STARTUP_H

#include <stdint.h>

/* Core 0, first thing after reset: both cores' RAM data from its load
 * addresses, both cores' zeroed data to 0 (the linker script's
 * __data_start__/__data_end__/__data_load__, __core1_data_*,
 * __bss_start__/__bss_end__, __core1_bss_*). Core 1 still waits. */
void common_memory_init(void);

/* An exception nobody installed a handler for (exception number n, from
 * IPSR): says which and on which core on the console, then port_exit(3).
 * The chip's isr_unhandled calls it. */
void common_unhandled(uint32_t n) __attribute__((noreturn));

/* What the reset path runs last: the kernel's td_kernel_main, which turns
 * main() into core 0's first thread; without a kernel linked, startup.c's
 * (weak): main() on the main stack. */
int td_kernel_main(void);

#endif
