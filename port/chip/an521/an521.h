/*
 * an521.h: what the AN521 chip layer's files share, nothing public. The
 * chip sits on the ARMv8-M layer (port/arch/armv8m/armv8m.h).
 */
#ifndef TANDEM_PORT_AN521_H
#define TANDEM_PORT_AN521_H

#include <stdbool.h>
#include <stdint.h>

#include "armv8m.h"

/* Entries of a vector table: 16 system + 32 SSE-200 + 92 AN521 interrupts. */
#define VECTOR_COUNT 140u

/* Each core's vector table in RAM (VTOR), copied from the flash template. */
extern uintptr_t an521_vectors_core0[VECTOR_COUNT];
extern uintptr_t an521_vectors_core1[VECTOR_COUNT];

/* Core 1's entry after its reset (launch.c): wait for a launch. */
void an521_core1_boot(void);
/* This core's part of the inter-core channel (fifo.c): the doorbell's
 * priority and handler; each core calls it as it starts. */
void an521_fifo_core_init(void);
/* Core 0, core 1 parked before a launch: both rings emptied, their error
 * flags cleared (fifo.c). */
void an521_fifo_launch(void);
/* The shared clock (timer.c), started once by core 0. */
void an521_timer_init(void);
/* This core's half-period clock kick (timer.c). */
void an521_timer_core_init(void);
void an521_console_init(void);
/* Events (event.c): core 0's MHU1 interrupt; the event half of either
 * core's MHU1 interrupt (core 1's also carries the reset request). */
void an521_event_core0_init(void);
void an521_event_isr(void);

#endif
