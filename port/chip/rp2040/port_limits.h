/*
 * port_limits.h (RP2040): this port's constants for port/port.h: the
 * architecture's (arch_limits.h: stacks, guards, interrupt priority
 * levels) and the chip's own, below. Plain #defines only: assembly files
 * include them too.
 */
#ifndef TANDEM_PORT_LIMITS_H
#define TANDEM_PORT_LIMITS_H

#include "arch_limits.h"

/* Words each inter-core FIFO holds (SIO, datasheet 2.3.1.3). */
#define PORT_FIFO_DEPTH     8u
/* Each core's FIFO has an interrupt of its own (SIO_IRQ_PROC0/1): the
 * vectors enter the layer above at port_fifo_isr_core0/1 (port/port.h). */
#define PORT_FIFO_ISR_PER_CORE 1

/* The SIO CPUID register: this core's number (0 or 1) in one load. Read by
 * port_core_id and by the architecture's fault entry. */
#define PORT_CORE_ID_REG    0xd0000000u

/* ---- interrupt numbers (datasheet 2.3.2), for tandem/irq.h ---- */
#define PORT_IRQ_TIMER0      0
#define PORT_IRQ_TIMER1      1
#define PORT_IRQ_TIMER2      2
#define PORT_IRQ_TIMER3      3
#define PORT_IRQ_PWM_WRAP    4
#define PORT_IRQ_USBCTRL     5
#define PORT_IRQ_XIP         6
#define PORT_IRQ_PIO0_0      7
#define PORT_IRQ_PIO0_1      8
#define PORT_IRQ_PIO1_0      9
#define PORT_IRQ_PIO1_1     10
#define PORT_IRQ_DMA_0      11
#define PORT_IRQ_DMA_1      12
#define PORT_IRQ_IO_BANK0   13
#define PORT_IRQ_IO_QSPI    14
#define PORT_IRQ_SIO_PROC0  15   /* core 0's inter-core FIFO (core 0's NVIC only) */
#define PORT_IRQ_SIO_PROC1  16   /* core 1's inter-core FIFO (core 1's NVIC only) */
#define PORT_IRQ_CLOCKS     17
#define PORT_IRQ_SPI0       18
#define PORT_IRQ_SPI1       19
#define PORT_IRQ_UART0      20
#define PORT_IRQ_UART1      21
#define PORT_IRQ_ADC_FIFO   22
#define PORT_IRQ_I2C0       23
#define PORT_IRQ_I2C1       24
#define PORT_IRQ_RTC        25

/* The lines the kernel owns (a mask of interrupt numbers): each core's FIFO
 * interrupt, and TIMER alarms 2 and 3, which bound a hold of a core's FIFO
 * interrupt (port_inline.h, PORT_FIFO_HOLD_ALARM). tandem/irq.h refuses
 * them with TD_ERR_BUSY. */
#define PORT_IRQ_KERNEL ((1u << PORT_IRQ_SIO_PROC0) | (1u << PORT_IRQ_SIO_PROC1) | \
                         (1u << PORT_IRQ_TIMER2) | (1u << PORT_IRQ_TIMER3))

/* NVIC priority of the chip's own devices, on the architecture's levels
 * (arch_limits.h). */
#define PORT_IRQ_PRIO_USB    2u  /* the USB controller, on core 0 (docs/usb.md) */

/* The console device (port/port.h): queued when USB carries the console
 * (the build's route, tandem/config.h); the USB interrupt is taken on
 * core 0. */
#include "tandem/config.h"
#define PORT_CONSOLE_QUEUED     (TD_CONSOLE_ROUTE != TD_CONSOLE_ROUTE_UART)
#define PORT_CONSOLE_DRAIN_CORE 0u

/* The watchdog's longest period (port/port.h): its 24-bit counter, which
 * counts down twice per 1 us tick (RP2040-E1). */
#define PORT_WATCHDOG_MAX_MS 8388u

/* ---- the memory map, as the architecture's fault decoding and call chain
 * need it (where code may run from, what RAM a stack may be in) ---- */
#define PORT_MEM_ROM_END    0x00004000u   /* boot ROM: [0, this) */
#define PORT_MEM_FLASH      0x10000000u   /* XIP flash window */
#define PORT_MEM_FLASH_END  0x11000000u
#define PORT_MEM_CODE       0x10000100u   /* the image's code, after boot2 */
#define PORT_MEM_SRAM       0x20000000u   /* SRAM0-5, one range */
#define PORT_MEM_SRAM_END   0x20042000u
/* Core 1's own RAM with the default split (memmap.ld). */
#define PORT_MEM_CORE1_RAM      0x20030000u
#define PORT_MEM_CORE1_RAM_END  0x20040000u

/* The board's QSPI flash (a Pico's W25Q16JV): erase and program units. */
#define PORT_FLASH_SECTOR 4096u /* bytes */
#define PORT_FLASH_PAGE   256u  /* bytes */
#define PORT_FLASH_BASE   PORT_MEM_FLASH   /* where offset 0 is read: XIP */

#endif
