/*
 * startup.h: the parts of a chip's reset path and vector table that do not
 * depend on the chip (startup.c), for a chip on an Arm M-profile CPU whose
 * linker script places its RAM data as the RP2040's and the AN521's do:
 * .data and .core1_data copied from their load addresses, .bss and
 * .core1_bss cleared.
 */
#ifndef TANDEM_COMMON_STARTUP_H
#define TANDEM_COMMON_STARTUP_H

#include <stdint.h>

/* Core 0, first thing after reset: both cores' RAM data from its load
 * addresses, both cores' zeroed data to 0 (the linker script's
 * __data_start__/__data_end__/__data_load__, __core1_data_*,
 * __bss_start__/__bss_end__, __core1_bss_*). Core 1 still waits. */
void common_memory_init(void);

/* The entries a chip's vector table names for the CPU's exceptions. Each
 * is the CPU layer's (isr_hardfault, isr_pendsv, isr_svcall where it has
 * one), port/common/systick.c's (isr_systick) or, where nobody gives one
 * (weak), isr_unhandled: it says on the console which exception (IPSR)
 * on which core nobody handles, then port_exit(3). */
void isr_unhandled(void);
void isr_nmi(void);
void isr_hardfault(void);
void isr_svcall(void);
void isr_pendsv(void);
void isr_systick(void);

/* What the reset path runs last: the kernel's td_kernel_main, which turns
 * main() into core 0's first thread; without a kernel linked, startup.c's
 * (weak): main() on the main stack. */
int td_kernel_main(void);

#endif
