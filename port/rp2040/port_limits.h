/*
 * port_limits.h (RP2040): this port's constants for port/port.h.
 * The thread stacks hold the saved context (16 words) and the exception
 * frame; below them, a guard the MPU makes inaccessible while the thread
 * runs: one 32-byte subregion, so stacks are aligned to 32 bytes.
 */
#ifndef TANDEM_PORT_LIMITS_H
#define TANDEM_PORT_LIMITS_H

#define PORT_STACK_ALIGN    32u
#define PORT_STACK_MIN      192u
#define PORT_STACK_RESERVE  0u
#define PORT_STACK_GUARD    32u   /* per thread stack: one MPU subregion */
#define PORT_MAIN_GUARD     128u  /* bottom of each main stack (SRAM4/SRAM5) */
#define PORT_CTX_IS_SP      1     /* a saved context is the thread's stack pointer (bit 0: its kind) */

/* The console device (port/port.h): queued when USB carries the console;
 * the USB interrupt is taken on core 0. */
#include "tandem/config.h"
#define PORT_CONSOLE_QUEUED     (TD_CONSOLE_ROUTE != TD_CONSOLE_ROUTE_UART)
#define PORT_CONSOLE_DRAIN_CORE 0u

#endif
