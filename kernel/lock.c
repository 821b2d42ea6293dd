/*
 * kernel/lock.c: cross-core spinlocks with interrupts masked (tandem/lock.h),
 * recording the holding core of every hardware spinlock taken through them
 * in its record (kernel/spin.h).
 *
 * The fast path of a take is: check the object's magic, mask, one claiming
 * read of the hardware spinlock, record the holder core, the interrupt state
 * and a take count. Only a claim that fails looks at the holder (this core:
 * TD_ERR_DEADLOCK; the other core: spin, taking the lock over if that core
 * halted), so an uncontended take never pays for the recursion check.
 */
#include "spin.h"
#include "trace.h"

#include "tandem/hwtable.h"
#include "tandem/lock.h"

_Static_assert(sizeof(struct td_spin) == 8, "a take finds its record with one shift");
_Static_assert((PORT_SPINLOCK_COUNT & (PORT_SPINLOCK_COUNT - 1u)) == 0,
               "the spinlock number is masked into range");

TD_HOT bool valid(const td_lock_t *l)
{
    return l != NULL && l->magic == TD_LOCK_MAGIC && l->spin < PORT_SPINLOCK_COUNT;
}

/* Which error an invalid l is. */
static TD_COLD int invalid(const td_lock_t *l)
{
    return l == NULL || l->magic == TD_LOCK_MAGIC ? TD_ERR_PARAM : TD_ERR_UNINIT;
}

int td_lock_init(td_lock_t *l, unsigned n)
{
    if (l == NULL || n < TD_SPIN_USER_FIRST || n > TD_SPIN_USER_LAST)
        return TD_ERR_PARAM;
    if (valid(l) && td__spin_holder(l->spin) != TD_CORE_ANY)
        return TD_ERR_BUSY;                      /* held: its give must find it */
    l->spin = (uint8_t)n;
    l->magic = TD_LOCK_MAGIC;
    return TD_OK;
}

/* This core holds spinlock n now, interrupts masked (state s): record it. */
TD_HOT void record(const td_lock_t *l, unsigned n, port_irq_state_t s)
{
    struct td_spin *h = &td__spins[n];
    (void)l;                             /* (the trace point's) */
    TD_TRACE(TD_TR_LOCK_TAKE, l, td__cores[port_core_id()].current);
    h->saved = s;
    TD_STORE_RELAXED(h->holder, (uint8_t)(port_core_id() + 1u));
    TD_STORE_RELAXED(h->takes, (uint16_t)(h->takes + 1u));
}

/* The claim of l failed, or l is not a valid lock (interrupts as the caller
 * had them). This core's own lock is refused instead of spinning forever;
 * the other core's is waited for if 'wait' (and taken over if that core
 * halted). */
static TD_COLD int take_slow(const td_lock_t *l, bool wait)
{
    if (!valid(l))
        return invalid(l);
    unsigned n = l->spin;
    port_irq_state_t s = port_irq_save();
    if (!port_spin_try(n)) {
        if (td__spin_holder(n) == port_core_id()) {
            port_irq_restore(s);
            return TD_ERR_DEADLOCK;
        }
        if (wait) {
            td__spin_wait(n);
        } else if (!port_spin_try(n)) {
            port_irq_restore(s);
            return TD_ERR_WOULD_BLOCK;
        }
    }
    record(l, n, s);
    return TD_OK;
}

/* The fast path: the object checked once (its magic; its number is in range
 * by td_lock_init and TD_LOCK_INIT, and masked into range for a corrupted
 * one), mask, one claiming read, the record. Everything else is take_slow's,
 * after the claim is dropped again. */
TD_HOT int take(const td_lock_t *l, bool wait)
{
    if (l == NULL || l->magic != TD_LOCK_MAGIC)
        return take_slow(l, wait);
    unsigned n = l->spin & (PORT_SPINLOCK_COUNT - 1u);
    port_irq_state_t s = port_irq_save();
    if (!port_spin_try(n)) {
        port_irq_restore(s);
        return take_slow(l, wait);
    }
    record(l, n, s);
    return TD_OK;
}

int td_lock_take(td_lock_t *l)
{
    return take(l, true);
}

int td_lock_try(td_lock_t *l)
{
    return take(l, false);
}

static TD_COLD int give_slow(const td_lock_t *l)
{
    return valid(l) ? TD_ERR_NOT_OWNER : invalid(l);
}

int td_lock_give(td_lock_t *l)
{
    if (l == NULL || l->magic != TD_LOCK_MAGIC)
        return give_slow(l);
    unsigned n = l->spin & (PORT_SPINLOCK_COUNT - 1u);
    struct td_spin *h = &td__spins[n];
    if (TD_LOAD_RELAXED(h->holder) != port_core_id() + 1u)
        return give_slow(l);
    port_irq_state_t s = h->saved;
    TD_TRACE(TD_TR_LOCK_GIVE, l, td__cores[port_core_id()].current);
    TD_STORE_RELAXED(h->holder, (uint8_t)0);
    port_spin_release(n);
    port_irq_restore(s);
    return TD_OK;
}

int td_lock_deinit(td_lock_t *l)
{
    if (!valid(l))
        return invalid(l);
    if (td__spin_holder(l->spin) != TD_CORE_ANY)
        return TD_ERR_BUSY;
    l->magic = 0;
    return TD_OK;
}

unsigned td_lock_holder(const td_lock_t *l)
{
    return valid(l) ? td__spin_holder(l->spin) : TD_CORE_ANY;
}
