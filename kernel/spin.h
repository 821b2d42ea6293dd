/*
 * kernel/spin.h: the hardware spinlocks as the kernel takes them, and the
 * one rule for a holder that halted. Private to kernel/ and to tests; owned
 * by kernel/spin.c.
 *
 * A spinlock taken through the kernel is held only with the taker's
 * interrupts masked and never across anything that waits. So a spinlock
 * that stays held while its holder's core has halted (after a fault, or
 * held in reset: kernel/core.h) is left behind for good, and every kernel
 * path that spins on one takes it over from such a holder: the kernel's own
 * spinlocks (td__spin_lock), the console's and td_lock's (td__spin_take),
 * a port device's (port_spin_take_recorded, port/port.h: the RP2040's USB
 * stack), the fault report's bounded wait for the console
 * (td__spin_try_over).
 *
 * The console, td_lock and a port device's lock record their holder core
 * in td__spins (td_lock also what the hold check reads); the kernel's own
 * spinlocks
 * (TD_SPIN_KERNEL, TD_SPIN_MSG, the cross-core range) are not recorded:
 * taken with interrupts masked, their only other possible holder is the
 * other core.
 *
 * All calls: interrupts masked by the caller, either core.
 */
#ifndef TANDEM_KERNEL_SPIN_H
#define TANDEM_KERNEL_SPIN_H

#include "core.h"

/* One record per hardware spinlock, struct td__spin (tandem/lock.h, whose
 * inline td_lock calls write it): held[c] not 0 while core c holds it,
 * written by core c only and read by either (atomically, a byte each; the
 * spinlock itself keeps both from being set at once); td_lock's interrupt
 * state from its take is held[c] - 1, read only by the holder. td_lock
 * records no thread and no take count: a td_lock is
 * held with its core's interrupts masked, where no switch can happen and no
 * blocking call succeeds, so the thread that took it is its core's running
 * thread for as long as it is held (td__spin_peek reads it there), and the
 * holder core's tick stands still meanwhile (the hold check tells one hold
 * from the next by that tick: kernel/supervise.c). */
#include "tandem/lock.h"

/* Whether core c is recorded as spinlock n's holder. Anywhere. */
static inline bool td__spin_held_by(unsigned n, unsigned c)
{
    return TD_LOAD_RELAXED(td__spins[n].held[c]) != 0;
}

/* Forget core c as spinlock n's holder: c itself, or anyone for a core c
 * that has halted. */
static inline void td__spin_forget(unsigned n, unsigned c)
{
    TD_STORE_RELAXED(td__spins[n].held[c], (uint8_t)0);
}

/* The recorded holder core of spinlock n, or TD_CORE_ANY. Anywhere. */
static inline unsigned td__spin_holder(unsigned n)
{
    if (td__spin_held_by(n, 0))
        return 0;
    return td__spin_held_by(n, 1) ? 1u : TD_CORE_ANY;
}

/* One attempt to claim spinlock n; if it is held by a core that halted (its
 * recorded holder, or the other core when none is recorded), free it and
 * claim it. Returns true if claimed. */
bool td__spin_try_over(unsigned n);

/* Claim spinlock n, spinning while a running core holds it (taking it over
 * from a halted one). */
void td__spin_wait(unsigned n);

/* The kernel's own spinlocks (not recorded). */
static inline void td__spin_lock(unsigned n) { td__spin_wait(n); }
static inline void td__spin_unlock(unsigned n) { port_spin_release(n); }

/* A recorded spinlock: claim it (as td__spin_lock) and record this core as
 * its holder; release it and forget the holder. */
static inline void td__spin_take(unsigned n, unsigned me)
{
    td__spin_wait(n);
    TD_STORE_RELAXED(td__spins[n].held[me], (uint8_t)1);
}
static inline void td__spin_give(unsigned n)
{
    td__spin_forget(n, port_core_id());
    port_spin_release(n);
}

/* Core 'core' stopped for good: release every spinlock it held. The kernel's
 * own (below TD_SPIN_USER_FIRST) are released whatever their record says:
 * called with this core's interrupts masked from its tick, where this core
 * holds none, so any still held is the stopped core's. Those of the user
 * range are released if recorded as core's. Returns how many user-range
 * spinlocks were released. */
unsigned td__spin_release_core(unsigned core);

/* Thread t of this core ends (kernel/held.h) while a td_lock it took is
 * still held: released, as td_lock_give would (the user range's spinlocks
 * recorded as this core's, if t is the core's running thread: no other can
 * hold one), but the interrupt state is the next thread's own. Interrupts
 * masked. */
void td__spin_release_thread(const td_thread_t *t);

/* The hold check's view of spinlock n: its recorded holder core (or
 * TD_CORE_ANY), and through the pointer the thread that took it (may be
 * NULL). Anywhere. */
unsigned td__spin_peek(unsigned n, const td_thread_t **thread);

#endif /* TANDEM_KERNEL_SPIN_H */
