/*
 * kernel/trace.c: the trace's per-core RAM ring, which a board build
 * (TD_TRACE_MODE 2) writes every trace point into (kernel/trace.h), and
 * the program's side of the trace (tandem/trace.h).
 *
 * Each core writes only its own ring, with its interrupts masked, so no
 * lock is needed; the other core (or a debugger) may read it at any time.
 */
#include "trace.h"

#include "atomic.h"
#include "core.h"
#include "down.h"
#include "held.h"
#include "port.h"
#include "spin.h"
#include "tandem/lock.h"
#include "tandem/trace.h"

#if TD_TRACE_MODE != 0

/* td_lock's trace points (tandem/lock.h: a trace build's take and give come
 * here). The lock's own code never reads the holder thread, so a point in
 * it has no register holding that word for the emulator's trace to read
 * (TD_TRACE_MODE 1: the words are found through the debug information
 * only). Each point is the whole body of a function of its own, which no
 * optimisation may inline, clone or drop (noipa): at the point its two
 * words are its arguments, in r0 and r1. */
static __attribute__((noipa)) void lock_taken(const td_lock_t *l, const td_thread_t *t)
{
    TD_TRACE(TD_TR_LOCK_TAKE, l, t);
}

static __attribute__((noipa)) void lock_given(const td_lock_t *l, const td_thread_t *t)
{
    TD_TRACE(TD_TR_LOCK_GIVE, l, t);
}

/* The td_lock last taken through each user-range spinlock and the core
 * that took it, for the give that a thread's end, a core's stop or a
 * take-over makes (below): the spinlock's record names the core, not the
 * lock. One word each, the lock's address (a td_lock_t is word-aligned)
 * plus the core's number, so that a take stores one word; 0 again once its
 * give is recorded, so that an entry left set is a hold not yet ended.
 * Written and read with the spinlock held (its take and give), by the core
 * that holds it, interrupts masked; and by the other core once the holder
 * has stopped (core_stopped) or halted (a take-over). */
#define USER_N (TD_SPIN_USER_LAST - TD_SPIN_USER_FIRST + 1u)
_Static_assert(_Alignof(td_lock_t) >= PORT_NUM_CORES, "an entry's core in its low bits");
static uintptr_t taken[USER_N];
static uint8_t end_registered;

static const td_lock_t *lock_of(uintptr_t e)
{
    return (const td_lock_t *)(e & ~(uintptr_t)(_Alignof(td_lock_t) - 1u));
}
static unsigned core_of(uintptr_t e)
{
    return (unsigned)(e & (_Alignof(td_lock_t) - 1u));
}

/* Thread t of this core ends (kernel/held.h's end handler): each td_lock
 * it still holds gets its give point, before td__held_abandon releases it
 * (kernel/spin.h: the user range's spinlocks this core holds, if t is the
 * running thread). */
static void locks_ended(td_core_t *c, td_thread_t *t)
{
    unsigned me = port_core_id();
    if (c->current != t)
        return;
    for (unsigned i = 0; i < USER_N; i++) {
        uintptr_t e = taken[i];
        if (e != 0 && core_of(e) == me && td__spin_held_by(TD_SPIN_USER_FIRST + i, me)) {
            lock_given(lock_of(e), t);
            taken[i] = 0;
        }
    }
}

/* The hold of entry i ends for its core, which stopped or halted: its
 * give point, on behalf of the thread that core was running. */
static TD_COLD void lock_lost(unsigned i)
{
    uintptr_t e = taken[i];
    lock_given(lock_of(e), TD_LOAD_RELAXED(td__cores[core_of(e)].current));
    taken[i] = 0;
}

/* Core 'core' stopped for good (kernel/down.h, run by the other core with
 * interrupts masked, right after it released the stopped core's
 * spinlocks): each td_lock the stopped core still held gets its give
 * point, before anything else can take the lock (this core is masked, the
 * other stopped). */
static void core_stopped(unsigned core, unsigned stage)
{
    if (stage != TD_DOWN_STOPPED)
        return;
    for (unsigned i = 0; i < USER_N; i++)
        if (taken[i] != 0 && core_of(taken[i]) == core)
            lock_lost(i);
}

/* The take, then its point (interrupts still masked while l is held). A
 * take that finds its entry still set took the lock over from the other
 * core, halted while holding it (kernel/spin.c's td__spin_try_over: every
 * other give clears the entry before the spinlock is released): that
 * core's hold ends first (lock_lost), so the trace never shows two holds
 * of one lock at once, and the down handler finds no give left to record
 * for it later. The halted core writes nothing any more. */
int td__lock_take_traced(td_lock_t *l, bool wait, bool keep)
{
    int r = td__lock_take_slow(l, wait, keep);
    if (r >= 0) {
        unsigned me = port_core_id(), i = td__lock_number(l) - TD_SPIN_USER_FIRST;
        if (taken[i] != 0)
            lock_lost(i);
        taken[i] = (uintptr_t)l + me;
        lock_taken(l, td__cores[me].current);
        if (!TD_LOAD_ACQUIRE(end_registered) && !port_in_isr()) {
            td__held_on_end(locks_ended);        /* (a thread's hold: from thread context) */
            td__down_register(core_stopped);
            TD_STORE_RELEASE(end_registered, (uint8_t)1);
        }
    }
    return r;
}

/* The point, then the give: recorded while l is still held, and only for a
 * give that releases it (this core holds l, and s is a state). */
int td__lock_give_traced(td_lock_t *l, int s, bool keep)
{
    unsigned me = port_core_id();
    if (td_lock_holder(l) == me && (keep || s >= 0)) {
        lock_given(l, td__cores[me].current);
        taken[td__lock_number(l) - TD_SPIN_USER_FIRST] = 0;
    }
    return td__lock_give_slow(l, s, keep);
}

#endif /* TD_TRACE_MODE != 0 */

#if TD_TRACE_MODE == 2

_Static_assert((TD_TRACE_RING_EVENTS & (TD_TRACE_RING_EVENTS - 1u)) == 0 &&
                   TD_TRACE_RING_EVENTS >= 2u,
               "TD_TRACE_RING_EVENTS must be a power of two");

/* A core's ring: 'head' counts the events written (free-running); event n
 * is ev[n % TD_TRACE_RING_EVENTS]. Read by the other core (td_trace_read)
 * and by debuggers, by this name (docs/trace.md). */
struct td_trace_ring {
    uint32_t head;
    td_trace_event_t ev[TD_TRACE_RING_EVENTS];
};
struct td_trace_ring td__trace_rings[PORT_NUM_CORES];

void td__trace_put(uint32_t kind, uint32_t a, uint32_t b)
{
    struct td_trace_ring *r = &td__trace_rings[port_core_id()];
    uint32_t n = r->head;
    td_trace_event_t *e = &r->ev[n & (TD_TRACE_RING_EVENTS - 1u)];
    e->cycles = port_cycles();
    e->kind = (uint16_t)kind;
    e->seq = (uint16_t)n;
    e->a = a;
    e->b = b;
    TD_STORE_RELEASE(r->head, n + 1u);
}

uint32_t td_trace_count(unsigned core)
{
    return core < PORT_NUM_CORES ? TD_LOAD_ACQUIRE(td__trace_rings[core].head) : 0u;
}

unsigned td_trace_read(unsigned core, td_trace_event_t *out, unsigned max)
{
    if (core >= PORT_NUM_CORES || out == NULL)
        return 0;
    const struct td_trace_ring *r = &td__trace_rings[core];
    uint32_t head = TD_LOAD_ACQUIRE(r->head);
    uint32_t n = head < TD_TRACE_RING_EVENTS ? head : TD_TRACE_RING_EVENTS;
    if (n > max)
        n = max;
    for (uint32_t i = 0; i < n; i++)
        out[i] = r->ev[(head - n + i) & (TD_TRACE_RING_EVENTS - 1u)];
    return n;
}

#else /* no ring */

uint32_t td_trace_count(unsigned core)
{
    (void)core;
    return 0;
}

unsigned td_trace_read(unsigned core, td_trace_event_t *out, unsigned max)
{
    (void)core;
    (void)out;
    (void)max;
    return 0;
}

#endif

_Static_assert(TD_TR_MARK == 16, "td_trace_mark's kind in tandem/trace.h");
_Static_assert(TD_TR_KINDS == 17, "the kinds' names in kernel/fault_report.c");

#if TD_TRACE_MODE == 2
void td_trace_mark(uint32_t a, uint32_t b)
{
    TD_TRACE(TD_TR_MARK, a, b);
}

void td_trace_irq_enter(unsigned irq)
{
    TD_TRACE(TD_TR_IRQ_ENTER, TD_TR_IRQ_DEVICE, irq);
}

void td_trace_irq_exit(unsigned irq)
{
    TD_TRACE(TD_TR_IRQ_EXIT, TD_TR_IRQ_DEVICE, irq);
}
#endif
