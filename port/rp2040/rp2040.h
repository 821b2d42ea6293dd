/*
 * rp2040.h: what the RP2040 port's files share, nothing public.
 */
#ifndef TANDEM_PORT_RP2040_H
#define TANDEM_PORT_RP2040_H

#include <stdbool.h>
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

/* Start-up waits on hardware are bounded (td_boot_wait). A chip part that
 * never becomes ready stops the boot at that stage: core 0 parks in
 * td_boot_failed with the stage in td_boot_failure, before the console
 * exists (docs/boot.md). */
enum {
    TD_BOOT_FAIL_RESETS = 1,        /* a block never came out of reset */
    TD_BOOT_FAIL_XOSC = 2,          /* the crystal oscillator never became stable */
    TD_BOOT_FAIL_PLL = 3,           /* PLL_SYS never locked */
    TD_BOOT_FAIL_CLOCK = 4,         /* a clock generator never switched source */
};
#define TD_BOOT_WAIT_POLLS 200000u
extern volatile uint32_t td_boot_failure;
bool td_boot_wait(const volatile uint32_t *reg, uint32_t mask, uint32_t want);
void td_boot_failed(unsigned stage) __attribute__((noreturn));

/* Returns 0, or the TD_BOOT_FAIL_* stage that failed. */
int td_clocks_init(void);
void td_console_uart_init(void);

/* flash.c: find the boot ROM's flash functions and copy boot2 to RAM (at
 * reset, before the MPU guards the ROM's table pointers); the halted
 * core's loop in RAM (port_halt). */
void rp2040_flash_boot(void);
void rp2040_flash_halted(void) __attribute__((noreturn));

/* Core 1's first C code after the boot ROM hands over (launch.c). */
void td_core1_trampoline(void);

static inline uint32_t read_ipsr(void)
{
    uint32_t v;
    __asm volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}

#endif
