/*
 * rp2040.h: what the RP2040 chip layer's files share, nothing public. The
 * chip sits on the ARMv6-M layer (port/arch/armv6m/armv6m.h).
 */
#ifndef TANDEM_PORT_RP2040_H
#define TANDEM_PORT_RP2040_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "armv6m.h"

/* Number of entries in a vector table: 16 system + 32 interrupts. */
#define VECTOR_COUNT 48u

/* Each core's vector table, in its own RAM (256-byte aligned for VTOR). */
extern uintptr_t rp2040_vectors_core0[VECTOR_COUNT];
extern uintptr_t rp2040_vectors_core1[VECTOR_COUNT];
/* The template both are copied from, in flash after boot2. */
extern const uintptr_t rp2040_vectors_flash[VECTOR_COUNT];

/* Start-up waits on hardware are bounded (rp2040_boot_wait). A chip part
 * that never becomes ready stops the boot at that stage: core 0 parks in
 * rp2040_boot_failed with the stage in rp2040_boot_failure, before the
 * console exists (docs/boot.md). */
enum {
    RP2040_BOOT_FAIL_RESETS = 1,    /* a block never came out of reset */
    RP2040_BOOT_FAIL_XOSC = 2,      /* the crystal oscillator never became stable */
    RP2040_BOOT_FAIL_PLL = 3,       /* PLL_SYS never locked */
    RP2040_BOOT_FAIL_CLOCK = 4,     /* a clock generator never switched source */
};
#define RP2040_BOOT_WAIT_POLLS 200000u
extern volatile uint32_t rp2040_boot_failure;
bool rp2040_boot_wait(const volatile uint32_t *reg, uint32_t mask, uint32_t want);
void rp2040_boot_failed(unsigned stage) __attribute__((noreturn));

/* Returns 0, or the RP2040_BOOT_FAIL_* stage that failed. */
int rp2040_clocks_init(void);

/* Start-up, first thing: note whether the watchdog's counter caused this
 * boot, and disarm it (it stays armed across its own reset). */
void rp2040_watchdog_boot(void);
/* PLL_USB and clk_usb at 48 MHz (USB). Returns 0 or an RP2040_BOOT_FAIL_*
 * stage. */
int rp2040_clocks_usb_init(void);
/* The console devices of the build's route (console_dev.c): the UART
 * and/or the USB stack. Start-up code on core 0. */
void rp2040_console_dev_init(void);
void rp2040_console_uart_init(void);
/* The console UART (uart.c), as port/port.h's console functions describe
 * them; rp2040_uart_read: one received byte, or -1. */
/* Polled; returns how many of the n bytes the UART took: fewer when it
 * cannot send (disabled, its transmitter or clk_peri off) or its full TX
 * FIFO did not move for its bound (uart.c). */
size_t rp2040_uart_write(const char *s, size_t n);
size_t rp2040_uart_write_some(const char *s, size_t n);
bool rp2040_uart_idle(void);
void rp2040_uart_irq_route(bool on);
void rp2040_uart_tx_irq(bool on);
int rp2040_uart_read(void);

/* Tests: put the ADC back as it was at power-on (held in reset, clk_adc
 * stopped) and forget its set-up, so that the next td_adc_init is a first
 * call again (adc.c; tests/drivers/test_adc.c). Nothing may use the ADC
 * meanwhile. Thread only. */
void rp2040_adc_forget(void);

/* Core 1's first C code after the boot ROM hands over (launch.c). */
void rp2040_core1_trampoline(void);

#endif
