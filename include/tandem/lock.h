/*
 * tandem/lock.h: cross-core locks for short critical sections.
 *
 * A td_lock is a hardware spinlock taken with this core's interrupts masked:
 * nothing else runs on this core and the other core spins until release.
 * Keep the section short and never block in it (blocking calls fail with
 * TD_ERR_STATE while interrupts are masked). The kernel records which core
 * holds each spinlock: taking a lock this core already holds returns
 * TD_ERR_DEADLOCK instead of spinning forever. Nested locks are released in
 * reverse order. Numbers come from include/tandem/hwtable.h's user range
 * (TD_SPIN_USER_FIRST..TD_SPIN_USER_LAST), one per lock. Every call is legal
 * in threads and interrupts, on either core.
 *
 * td_lock_take, td_lock_try, td_lock_give and the pair that leaves the
 * interrupt state to the caller (td_lock_take_save, td_lock_give_restore)
 * are inline: the uncontended case (a valid lock, free on a take, this
 * core's on a give) is a few instructions around the spinlock; contention,
 * bad input and a trace build go to the kernel's out-of-line half
 * (kernel/lock.c). The inline
 * half uses the port contract's hot primitives (port/port.h, the one
 * public header allowed to include it: docs/conventions.md, "Layers") and
 * the kernel's record of each spinlock, td__spins (kernel/spin.h says who
 * reads it); a program uses neither.
 */
#ifndef TANDEM_LOCK_H
#define TANDEM_LOCK_H

#include "port.h"
#include "tandem/hwtable.h"
#include "tandem/types.h"

typedef struct td_lock {
    uint32_t key;   /* TD_LOCK_KEY + the hardware spinlock number; 0: not initialised */
} td_lock_t;

/* An initialised lock's key is TD_LOCK_KEY + its spinlock number, and
 * nothing else is a lock: checked with one shift and one compare with an
 * immediate (no constant to load), the number found with one subtraction. */
#define TD_LOCK_KEY 0x40u
/* An initialiser for a lock on spinlock n; a number outside the user range
 * does not compile (array of negative size). */
#define TD_LOCK_INIT(n) \
    { TD_LOCK_KEY + (uint32_t)((n) + 0u * sizeof(char[((n) >= TD_SPIN_USER_FIRST && \
                                                       (n) <= TD_SPIN_USER_LAST) ? 1 : -1])) }
/* A lock on spinlock n: static TD_LOCK_DEFINE(stats_lock, TD_SPIN_USER_FIRST); */
#define TD_LOCK_DEFINE(name, n) td_lock_t name = TD_LOCK_INIT(n)

/* Initialise l on spinlock n (TD_SPIN_USER_FIRST..TD_SPIN_USER_LAST).
 * Returns 0, TD_ERR_PARAM, TD_ERR_BUSY (l is a lock whose spinlock is
 * held: its give must still find it; nothing changed). */
int td_lock_init(td_lock_t *l, unsigned n);

/* Forget l. Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_BUSY (its
 * spinlock is held). A thread that ends while it holds a td_lock has it
 * released (tandem/thread.h, td_thread_exit). */
int td_lock_deinit(td_lock_t *l);

/* Mask this core's interrupts and take l, spinning while the other core
 * holds it. Returns 0, TD_ERR_DEADLOCK (this core holds it already; nothing
 * changed), TD_ERR_PARAM, TD_ERR_UNINIT. */
static inline __attribute__((always_inline)) int td_lock_take(td_lock_t *l);

/* One attempt: as td_lock_take, but returns TD_ERR_WOULD_BLOCK (interrupts
 * as before) if the other core holds l. */
static inline __attribute__((always_inline)) int td_lock_try(td_lock_t *l);

/* Release l and restore the interrupt mask td_lock_take found. Returns 0,
 * TD_ERR_NOT_OWNER (this core does not hold it), TD_ERR_PARAM,
 * TD_ERR_UNINIT. */
static inline __attribute__((always_inline)) int td_lock_give(td_lock_t *l);

/* The same pair with the interrupt state in the caller's hands, as the
 * pico-sdk's spin_lock_blocking returns it: td_lock_take_save masks this
 * core's interrupts, takes l (spinning while the other core holds it) and
 * returns the interrupt state it found (0 or more) for td_lock_give_restore,
 * or an error (less than 0: TD_ERR_DEADLOCK, TD_ERR_PARAM, TD_ERR_UNINIT, as
 * td_lock_take). td_lock_give_restore(l, s) releases l and restores s;
 * returns 0, TD_ERR_NOT_OWNER, TD_ERR_PARAM (also: s less than 0, an error
 * of the take; nothing changed), TD_ERR_UNINIT. The same checks, records
 * and errors as td_lock_take and td_lock_give, and the same cost: either
 * take also keeps the state it found in the kernel's record (in the byte
 * that records this core as the holder), so td_lock_give after
 * td_lock_take_save restores that state too. */
static inline __attribute__((always_inline)) int td_lock_take_save(td_lock_t *l);
static inline __attribute__((always_inline)) int td_lock_give_restore(td_lock_t *l, int s);

/* The core holding l (0 or 1), or TD_CORE_ANY if it is free or l is not a
 * valid lock. Diagnostics. */
unsigned td_lock_holder(const td_lock_t *l);

/* ---- the inline half (not API) -------------------------------------------------------
 * td__spins[n]: the kernel's record of hardware spinlock n (kernel/spin.h):
 * held[c] is not 0 while core c holds it (only core c writes it; the other
 * core reads it). td_lock keeps there the interrupt state its take found,
 * plus one (the state fits a byte and is never 255 on any port:
 * port/port.h), so that a give tells with one load both whether this core
 * holds the lock and what to restore. */
struct td__spin {
    uint8_t held[2];
    uint8_t unused_[2];
};
extern struct td__spin td__spins[PORT_SPINLOCK_COUNT];

/* Everything but the uncontended case: contention (spin or refuse, take
 * over from a halted holder), this core's own lock (TD_ERR_DEADLOCK), bad
 * input, the trace points. 'keep': td_lock_take and td_lock_give (the
 * take returns 0, the give restores the state kept in the record), else
 * the pair that returns the state and restores the caller's (s). */
int td__lock_take_slow(td_lock_t *l, bool wait, bool keep);
int td__lock_give_slow(td_lock_t *l, int s, bool keep);

/* A trace build records every take and give: no inline fast path, and the
 * out-of-line half through kernel/trace.c's pair, which places the trace
 * points (TD_TR_LOCK_TAKE after a take, TD_TR_LOCK_GIVE before a give that
 * will release) where their words, the lock and the holder thread, are a
 * call's arguments: the emulator's trace (TRACE=sim) finds both there. */
#if defined(TD_TRACE_MODE) && TD_TRACE_MODE != 0
#define TD__LOCK_INLINE 0
int td__lock_take_traced(td_lock_t *l, bool wait, bool keep);
int td__lock_give_traced(td_lock_t *l, int s, bool keep);
#define TD__LOCK_TAKE_OUT td__lock_take_traced
#define TD__LOCK_GIVE_OUT td__lock_give_traced
#else
#define TD__LOCK_INLINE 1
#define TD__LOCK_TAKE_OUT td__lock_take_slow
#define TD__LOCK_GIVE_OUT td__lock_give_slow
#endif

/* A valid lock: its key is TD_LOCK_KEY + n with n in the user range, 16
 * spinlocks from a multiple of 16 on: checked with one shift and one compare
 * with an immediate. (On the RP2040 the key times 4 is the spinlock
 * register's offset in SIO, where the core id register is at 0: the
 * compiler finds both from one base.) */
_Static_assert(TD_SPIN_USER_LAST - TD_SPIN_USER_FIRST == 15 &&
               (TD_LOCK_KEY + TD_SPIN_USER_FIRST) % 16 == 0 &&
               (TD_LOCK_KEY + TD_SPIN_USER_FIRST) / 16 <= 0xffu,
               "a key is checked with one shift and one compare");

/* True if l is a valid lock; its key in *k. */
static inline __attribute__((always_inline)) bool td__lock_key(const td_lock_t *l, uint32_t *k)
{
    if (l == NULL)
        return false;
    *k = l->key;
    return *k >> 4 == (TD_LOCK_KEY + TD_SPIN_USER_FIRST) >> 4;
}

/* True if l is a valid lock; its spinlock's number in *n. */
static inline __attribute__((always_inline)) bool td__lock_valid(const td_lock_t *l, uint32_t *n)
{
    uint32_t k = 0;                       /* (l NULL: *n is not used) */
    bool ok = td__lock_key(l, &k);
    *n = k - TD_LOCK_KEY;
    return ok;
}

/* The number of a valid lock's spinlock, or PORT_SPINLOCK_COUNT or more. */
static inline __attribute__((always_inline)) uint32_t td__lock_number(const td_lock_t *l)
{
    uint32_t n;
    return td__lock_valid(l, &n) ? n : PORT_SPINLOCK_COUNT;
}

/* Core c's byte in the record of a valid key's spinlock, found from the key
 * itself: the table's base (less its first key's offset) indexed by the key
 * times 4 (the spinlock register's offset, already in a register) plus c.
 * Base and index are kept opaque so that the compiler adds them in each
 * access (register offset) rather than reassociating the sum or keeping it
 * in a register of its own. */
struct td__lock_at {
    uintptr_t base, i;
};

static inline __attribute__((always_inline)) struct td__lock_at td__lock_held(uint32_t k,
                                                                              unsigned c)
{
    struct td__lock_at at = {(uintptr_t)td__spins - TD_LOCK_KEY * sizeof(struct td__spin),
                             k * sizeof(struct td__spin) + c};
    __asm("" : "+r"(at.base), "+r"(at.i));
    return at;
}

static inline __attribute__((always_inline)) unsigned td__lock_held_load(struct td__lock_at at)
{
    return __atomic_load_n((uint8_t *)at.base + at.i, __ATOMIC_RELAXED);
}

static inline __attribute__((always_inline)) void td__lock_held_store(struct td__lock_at at,
                                                                      unsigned v)
{
    __asm("" : "+r"(at.base));
    __atomic_store_n((uint8_t *)at.base + at.i, (uint8_t)v, __ATOMIC_RELAXED);
}

/* The fast paths are written as the fall-through: a compiler optimising
 * for size lays blocks out in source order. Either take keeps the state it
 * found in the record; 'keep': it is also what the give restores (else the
 * caller's s) and the take returns 0 (else the state). */
static inline __attribute__((always_inline)) int td__lock_take(td_lock_t *l, bool wait,
                                                               bool keep)
{
    uint32_t k;
    if (__builtin_expect(TD__LOCK_INLINE && td__lock_key(l, &k), 1)) {
        port_irq_state_t s = port_irq_save();
        if (__builtin_expect(port_spin_try(k - TD_LOCK_KEY), 1)) {
            td__lock_held_store(td__lock_held(k, port_core_id()), s + 1u);
            return keep ? 0 : (int)s;
        }
        port_irq_restore(s);             /* held: by the other core, or this one's mistake */
    }
    return TD__LOCK_TAKE_OUT(l, wait, keep);
}

static inline __attribute__((always_inline)) int td__lock_give(td_lock_t *l, int s, bool keep)
{
    uint32_t k;
    if (__builtin_expect(TD__LOCK_INLINE && td__lock_key(l, &k), 1)) {
        struct td__lock_at h = td__lock_held(k, port_core_id());
        unsigned v = td__lock_held_load(h);        /* 0: not this core's */
        /* keep: the kept state, less than 0 if this core does not hold l.
         * Else one compare: s below v proves both that this core holds l
         * (v is not 0) and that s is a state (an error of the take, less
         * than 0, is not below anything unsigned); anything else (also a
         * state above the one the take found) goes to the slow path. */
        int r = keep ? (int)v - 1 : s;
        if (__builtin_expect(keep ? r >= 0 : (unsigned)s < v, 1)) {
            td__lock_held_store(h, 0);
            port_spin_release(k - TD_LOCK_KEY);
            port_irq_restore((port_irq_state_t)r);
            return 0;
        }
    }
    return TD__LOCK_GIVE_OUT(l, s, keep);
}

static inline __attribute__((always_inline)) int td_lock_take(td_lock_t *l)
{
    return td__lock_take(l, true, true);
}

static inline __attribute__((always_inline)) int td_lock_try(td_lock_t *l)
{
    return td__lock_take(l, false, true);
}

static inline __attribute__((always_inline)) int td_lock_give(td_lock_t *l)
{
    return td__lock_give(l, 0, true);
}

static inline __attribute__((always_inline)) int td_lock_take_save(td_lock_t *l)
{
    return td__lock_take(l, true, false);
}

static inline __attribute__((always_inline)) int td_lock_give_restore(td_lock_t *l, int s)
{
    return td__lock_give(l, s, false);
}

#endif /* TANDEM_LOCK_H */
