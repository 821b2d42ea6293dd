/*
 * tandem/trace.h: the kernel's trace as a program sees it: its own events
 * among the kernel's, and, in a board build, the per-core RAM ring the
 * kernel writes its events into (docs/debugging.md, "A trace of the
 * kernel").
 *
 * The kernel's trace points are compiled in only when the build asks
 * (TD_TRACE_MODE, the Makefile's TRACE=):
 *   0  off, the default: no trace point costs anything; the ring does not
 *      exist (td_trace_count gives 0, td_trace_read nothing).
 *   1  emulator (TRACE=sim): tandem-sim records every event, with no cost
 *      to the program; there is no ring either.
 *   2  ring (TRACE=ring): each event is written, with the core's cycle
 *      count, into that core's ring of TD_TRACE_RING_EVENTS events, the
 *      oldest overwritten. Read it with td_trace_read, or from a debugger:
 *      the array td__trace_rings, one ring per core (docs/trace.md).
 * The program and the kernel must be built with the same mode.
 */
#ifndef TANDEM_TRACE_H
#define TANDEM_TRACE_H

#include <stdint.h>

#ifndef TD_TRACE_MODE
#define TD_TRACE_MODE 0
#endif

/* Events per core in the ring (a power of two). */
#ifndef TD_TRACE_RING_EVENTS
#define TD_TRACE_RING_EVENTS 256u
#endif

/* One event of the ring: 16 bytes. */
typedef struct td_trace_event {
    uint32_t cycles;     /* the core's cycle count (port_cycles) when written */
    uint16_t kind;       /* what happened: kernel/trace.h's TD_TR_* (16: a mark) */
    uint16_t seq;        /* the low 16 bits of the event's number on its core */
    uint32_t a, b;       /* the kind's two words */
} td_trace_event_t;

#if TD_TRACE_MODE == 0
/* A program's own event: a and b appear in the trace as a mark on the
 * calling thread. Anywhere. Nothing when tracing is off. */
static inline void td_trace_mark(uint32_t a, uint32_t b)
{
    (void)a;
    (void)b;
}
#else
void td_trace_mark(uint32_t a, uint32_t b);
#endif

/* How many events core 'core' has written since it started (including
 * those overwritten since); 0 unless the build writes the ring. Anywhere. */
uint32_t td_trace_count(unsigned core);

/* Copy core 'core''s latest events, at most max of them, oldest first, to
 * out; returns how many. A copy made while that core writes may hold one
 * event torn (its seq tells). 0 unless the build writes the ring, or for a
 * core number out of range. Anywhere. */
unsigned td_trace_read(unsigned core, td_trace_event_t *out, unsigned max);

#endif /* TANDEM_TRACE_H */
