/*
 * kernel/lock.c: cross-core spinlocks with interrupts masked (tandem/lock.h),
 * recording the holding core of every hardware spinlock taken through them
 * in its record (kernel/spin.h).
 *
 * The fast path of a take is: check the object, mask, one claiming read of
 * the hardware spinlock, record the holder. Only a claim that fails looks
 * at the holder (this core: TD_ERR_DEADLOCK; the other core: spin, taking
 * the lock over if that core halted), so an uncontended take never pays for
 * the recursion check.
 */
#include "spin.h"

#include "tandem/hwtable.h"
#include "tandem/lock.h"

TD_HOT bool valid(const td_lock_t *l)
{
    return l != NULL && l->magic == TD_LOCK_MAGIC && l->spin < PORT_SPINLOCK_COUNT;
}

/* Which error an invalid l is. */
TD_HOT int invalid(const td_lock_t *l)
{
    return l == NULL || l->magic == TD_LOCK_MAGIC ? TD_ERR_PARAM : TD_ERR_UNINIT;
}

int td_lock_init(td_lock_t *l, unsigned n)
{
    if (l == NULL || n < TD_SPIN_USER_FIRST || n > TD_SPIN_USER_LAST)
        return TD_ERR_PARAM;
    l->spin = (uint8_t)n;
    l->magic = TD_LOCK_MAGIC;
    return TD_OK;
}

/* The claim of spinlock n failed, interrupts masked (state s): this core's
 * own lock is refused instead of spinning forever; the other core's is
 * waited for if 'wait' (and taken over if that core halted). */
static TD_COLD int contended(unsigned n, port_irq_state_t s, bool wait)
{
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
    return TD_OK;
}

TD_HOT int take(const td_lock_t *l, bool wait)
{
    if (!valid(l))
        return invalid(l);
    unsigned n = l->spin;
    port_irq_state_t s = port_irq_save();
    if (!port_spin_try(n)) {
        int r = contended(n, s, wait);
        if (r != TD_OK)
            return r;
    }
    unsigned me = port_core_id();
    struct td_spin *h = &td__spins[n];
    h->saved = s;
    TD_STORE_RELAXED(h->holder, (uint8_t)(me + 1u));
    TD_STORE_RELAXED(h->thread, td__cores[me].current);
    TD_STORE_RELAXED(h->takes, h->takes + 1u);
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

int td_lock_give(td_lock_t *l)
{
    if (!valid(l))
        return invalid(l);
    unsigned n = l->spin;
    struct td_spin *h = &td__spins[n];
    if (TD_LOAD_RELAXED(h->holder) != port_core_id() + 1u)
        return TD_ERR_NOT_OWNER;
    port_irq_state_t s = h->saved;
    TD_STORE_RELAXED(h->holder, (uint8_t)0);
    port_spin_release(n);
    port_irq_restore(s);
    return TD_OK;
}

unsigned td_lock_holder(const td_lock_t *l)
{
    return valid(l) ? td__spin_holder(l->spin) : TD_CORE_ANY;
}
