/*
 * rp2040.h: what the RP2040 port's files share, nothing public.
 */
#ifndef TANDEM_PORT_RP2040_H
#define TANDEM_PORT_RP2040_H

#include <stdint.h>

/* Number of entries in a vector table: 16 system + 32 interrupts. */
#define VECTOR_COUNT 48u

/* Each core's vector table, in its own RAM (256-byte aligned for VTOR). */
extern uintptr_t td_vectors_core0[VECTOR_COUNT];
extern uintptr_t td_vectors_core1[VECTOR_COUNT];
/* The template both are copied from, in flash after boot2. */
extern const uintptr_t td_vectors_flash[VECTOR_COUNT];

/* Linker symbols (memmap.ld). */
extern uint32_t __stack0_top__[], __stack1_top__[], __stack1_bottom__[];

void td_clocks_init(void);
void td_console_uart_init(void);

/* Core 1's first C code after the boot ROM hands over (launch.c). */
void td_core1_trampoline(void);

static inline uint32_t read_ipsr(void)
{
    uint32_t v;
    __asm volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}

#endif
