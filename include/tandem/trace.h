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

#if TD_TRACE_MODE == 1
/* A trace point of the emulator build (kernel/trace.h's TD_TRACE): no
 * instruction and no data. A C label, td_trace_k<kind>_<n>, that the
 * compiler drops from the code but keeps in the debug information with the
 * address it would have had, and two unused variables td_trace_a_<n> and
 * td_trace_b_<n>, whose values the debug information locates at that
 * address. tandem-sim reads both (sim/lib/dwarf.js). The compiler keeps
 * debug information from changing the code: the build's code is that of
 * the untraced build, byte for byte (docs/trace.md). n must be unique in
 * the function (__COUNTER__). Expands to declarations and a label: a
 * statement of its own inside a block, followed by ';'. */
#define TD__TR_CAT_(p, k, n) p##k##_##n
#define TD__TR_CAT(p, k, n) TD__TR_CAT_(p, k, n)
#define TD__TRACE_POINT(kind, a, b, n)                                                          \
    __attribute__((unused)) const uint32_t TD__TR_CAT(td_trace_a, , n) = (uint32_t)(uintptr_t)(a); \
    __attribute__((unused)) const uint32_t TD__TR_CAT(td_trace_b, , n) = (uint32_t)(uintptr_t)(b); \
    TD__TR_CAT(td_trace_k, kind, n) : __attribute__((unused))
#endif

#if TD_TRACE_MODE == 0
/* A program's own event: a and b appear in the trace as a mark on the
 * calling thread. Anywhere. Nothing when tracing is off. */
static inline void td_trace_mark(uint32_t a, uint32_t b)
{
    (void)a;
    (void)b;
}
#elif TD_TRACE_MODE == 1
/* (the emulator build: a trace point of kind 16, TD_TR_MARK, where the
 * call is, and no code) */
static inline __attribute__((always_inline)) void td_trace_mark(uint32_t a, uint32_t b)
{
    TD__TRACE_POINT(16, a, b, __COUNTER__);
}
#else
void td_trace_mark(uint32_t a, uint32_t b);
#endif

/* A device interrupt handler's run in the ring: td_trace_irq_enter(irq)
 * first in the handler, td_trace_irq_exit(irq) last, irq the chip's
 * interrupt number (port_limits.h's PORT_IRQ_*). They write the events the
 * kernel's own handlers write (kind TD_TR_IRQ_ENTER/EXIT, a 3: a device's,
 * b the number), so a board's ring shows the handler's entry and exit
 * among the kernel's events. The drivers' handlers (USB, the UART console,
 * DMA) call them; so may a program's. A ring build only (TRACE=ring):
 * nothing at all when tracing is off, nor in the emulator build, where
 * tandem-sim sees every exception itself (docs/trace.md). In an interrupt
 * handler. */
#if TD_TRACE_MODE == 2
void td_trace_irq_enter(unsigned irq);
void td_trace_irq_exit(unsigned irq);
#else
static inline void td_trace_irq_enter(unsigned irq)
{
    (void)irq;
}
static inline void td_trace_irq_exit(unsigned irq)
{
    (void)irq;
}
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
