/*
 * port_limits.h (host): this port's constants for port/port.h.
 * Threads run on their own stacks as ucontext fibers; the C library
 * (printing, syscalls) and the sanitizers' instrumentation need far more
 * stack than the same code on the chip, so every stack gets a reserve.
 * There is no MPU: the guard at the bottom of each stack is a canary only.
 */
#ifndef TANDEM_PORT_LIMITS_H
#define TANDEM_PORT_LIMITS_H

#define PORT_FIFO_DEPTH     8u    /* as the RP2040's SIO FIFOs */
#define PORT_STACK_ALIGN    16u
#define PORT_STACK_MIN      (32u * 1024u)
#define PORT_STACK_RESERVE  (64u * 1024u)
#define PORT_STACK_GUARD    32u   /* canary words below every thread stack */
#define PORT_MAIN_GUARD     0u    /* no separate main stack */
/* The cores are OS threads the host may stall for any time: no heartbeat
 * check between them (tandem/fault.h, TD_FAULT_HEARTBEAT_MS). */
#define PORT_NO_HEARTBEAT   1
/* The console device is stdout: it takes every byte at once. */
#define PORT_CONSOLE_QUEUED     0
#define PORT_CONSOLE_DRAIN_CORE 0u

/* Its flash (port/host/flash.c, a RAM array) has the RP2040 board's units. */
#define PORT_FLASH_SECTOR   4096u /* erase unit, bytes */
#define PORT_FLASH_PAGE     256u  /* program unit, bytes */

#endif
