/*
 * port_limits.h (AN521): this port's constants for port/port.h: the
 * architecture's (arch_limits.h) and the chip's own, below. Plain
 * #defines only: assembly files include them too.
 *
 * The chip is QEMU's mps2-an521: an Arm SSE-200 with two Cortex-M33
 * cores, run Secure-only. It stands in for the RP2350 (two Cortex-M33) in
 * CI: see docs/ports.md for what it proves and what it does not.
 */
#ifndef TANDEM_PORT_LIMITS_H
#define TANDEM_PORT_LIMITS_H

#include "arch_limits.h"

/* Words each inter-core channel holds: the ring in shared RAM that stands
 * in for a mailbox FIFO (fifo.c). 4, the RP2350's SIO FIFO depth, so the
 * kernel meets here the depth it will meet there. */
#define PORT_FIFO_DEPTH     4u

/* CPU_IDENTITY: this core's number in one load (each core sees its own). */
#define PORT_CORE_ID_REG    0x5001f000u

/* The clock SysTick counts with CLKSOURCE = 1: the SSE-200's MAINCLK. */
#define PORT_CPU_HZ         20000000u

/* ---- interrupt numbers, for tandem/irq.h (0..31: the SSE-200's own) ---- */
#define PORT_IRQ_TIMER0      3   /* port_time_us's counter (not used as an interrupt) */
#define PORT_IRQ_TIMER1      4   /* port_time_us's half-period kick */
#define PORT_IRQ_MHU0        6   /* inter-core messages: each core's own line */
#define PORT_IRQ_MHU1        7   /* core control: core 1's reset request (bit 0), events (bit 1) */
/* The lines the kernel owns (a mask of interrupt numbers): tandem/irq.h
 * refuses them with TD_ERR_BUSY. */
#define PORT_IRQ_KERNEL ((1u << PORT_IRQ_TIMER1) | (1u << PORT_IRQ_MHU0) | (1u << PORT_IRQ_MHU1))
/* AN521 expansion interrupts are 32 + n: beyond tandem/irq.h's 0..31, so
 * the chip programs them itself (uart.c). */
#define PORT_IRQ_UART0_TX    33

/* port_sev and port_wfe are the chip's (event.c), not the architecture's
 * SEV and WFE: QEMU's model of WFE never sleeps (it only yields the host
 * thread), so a core waiting for the other would spin at full speed. */
#define PORT_CHIP_EVENTS    1

/* The console device (port/port.h) is UART0: it takes bytes whenever its
 * buffer has room, nobody needs to listen; no queued device. */
#define PORT_CONSOLE_QUEUED     0
#define PORT_CONSOLE_DRAIN_CORE 0u

/* The flash (flash.c: 2 MiB of SSRAM1 with NOR semantics): the RP2040
 * board's erase and program units; its steps take no time (no flash
 * chip's erase and program times to see). */
#define PORT_FLASH_SECTOR 4096u /* bytes */
#define PORT_FLASH_PAGE   256u  /* bytes */
#define PORT_FLASH_IN_RAM 1
#define PORT_FLASH_BASE   0x10000000u   /* where offset 0 is read: SSRAM1 */

/* No chip watchdog in this port (the board's CMSDK watchdog is not driven):
 * tandem/watchdog.h's software check-ins run; hw_ms is refused with
 * TD_ERR_UNSUPPORTED (docs/ports.md). */
#define PORT_WATCHDOG_MAX_MS 0u

/* ---- the memory map, as the architecture's fault decoding needs it ---- */
#define PORT_MEM_CODE       0x10000000u   /* SSRAM1, Secure alias: the image */
#define PORT_MEM_CODE_END   0x10400000u
#define PORT_MEM_SRAM       0x38000000u   /* SSRAM2 and 3, Secure alias: data, stacks */
#define PORT_MEM_SRAM_END   0x38400000u
/* Core 1's own RAM with the default split (memmap.ld). */
#define PORT_MEM_CORE1_RAM      0x38030000u
#define PORT_MEM_CORE1_RAM_END  0x38040000u

#endif
