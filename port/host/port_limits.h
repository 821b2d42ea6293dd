/*
 * port_limits.h (host): this port's constants for port/port.h.
 * Threads run on their own stacks as ucontext fibers; the C library
 * (printing, syscalls) and the sanitizers' instrumentation need far more
 * stack than the same code on the chip, so every stack gets a reserve.
 */
#ifndef TANDEM_PORT_LIMITS_H
#define TANDEM_PORT_LIMITS_H

#define PORT_STACK_ALIGN    16u
#define PORT_STACK_MIN      (32u * 1024u)
#define PORT_STACK_RESERVE  (64u * 1024u)

#endif
