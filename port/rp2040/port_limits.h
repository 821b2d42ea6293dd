/*
 * port_limits.h (RP2040): this port's constants for port/port.h.
 * The thread stacks hold the saved context (16 words) and the exception
 * frame; nothing else is reserved.
 */
#ifndef TANDEM_PORT_LIMITS_H
#define TANDEM_PORT_LIMITS_H

#define PORT_STACK_ALIGN    8u
#define PORT_STACK_MIN      192u
#define PORT_STACK_RESERVE  0u

#endif
