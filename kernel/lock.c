/*
 * kernel/lock.c: cross-core spinlocks with interrupts masked, recording the
 * holding core of every hardware spinlock taken through them.
 *
 * The fast path of a take is: check the object, mask, one claiming read of
 * the hardware spinlock, record the holder. Only a claim that fails looks
 * at the holder (this core: TD_ERR_DEADLOCK; the other core: spin), so an
 * uncontended take never pays for the recursion check.
 */
#include "fault_sys.h"
#include "sched.h"

#include "tandem/hwtable.h"
#include "tandem/lock.h"

/* Per hardware spinlock, written only by the core holding it: the holder
 * (core + 1, 0 while free), the interrupt state its take found, and for the
 * hold check (tandem/fault.h) the holder thread and a count of takes. One
 * record per spinlock, so a take reaches all of it from one address. */
static struct held {
    uint8_t holder;
    port_irq_state_t saved;
    const td_thread_t *thread;
    uint32_t takes;
} held[PORT_SPINLOCK_COUNT];

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
 * waited for if 'wait' (and freed if that core halted after a fault). */
static TD_COLD int contended(unsigned n, port_irq_state_t s, bool wait)
{
    if (TD_LOAD_RELAXED(held[n].holder) == port_core_id() + 1u) {
        port_irq_restore(s);
        return TD_ERR_DEADLOCK;
    }
    while (!port_spin_try(n)) {
        if (!wait) {
            port_irq_restore(s);
            return TD_ERR_WOULD_BLOCK;
        }
        unsigned h = TD_LOAD_RELAXED(held[n].holder);           /* a holder halted by a fault: free it */
        if (h != 0 && td_fault_core_state(h - 1u) == TD_CORE_HALTED) {
            TD_STORE_RELAXED(held[n].holder, (uint8_t)0);
            port_spin_release(n);
        }
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
    struct held *h = &held[n];
    h->saved = s;
    TD_STORE_RELAXED(h->holder, (uint8_t)(me + 1u));
    TD_STORE_RELAXED(h->thread, td_cores[me].current);
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
    struct held *h = &held[n];
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
    if (!valid(l))
        return TD_CORE_ANY;
    unsigned h = TD_LOAD_RELAXED(held[l->spin].holder);
    return h ? h - 1u : TD_CORE_ANY;
}

unsigned td__lock_release_core(unsigned core)
{
    unsigned n_released = 0;
    for (unsigned n = TD_SPIN_USER_FIRST; n <= TD_SPIN_USER_LAST; n++) {
        if (TD_LOAD_RELAXED(held[n].holder) == core + 1u) {
            TD_STORE_RELAXED(held[n].holder, (uint8_t)0);
            port_spin_release(n);
            n_released++;
        }
    }
    return n_released;
}

unsigned td__lock_peek(unsigned n, const td_thread_t **thread, uint32_t *count)
{
    unsigned h = n < PORT_SPINLOCK_COUNT ? TD_LOAD_RELAXED(held[n].holder) : 0u;
    if (thread != NULL)
        *thread = h ? TD_LOAD_RELAXED(held[n].thread) : NULL;
    if (count != NULL)
        *count = n < PORT_SPINLOCK_COUNT ? TD_LOAD_RELAXED(held[n].takes) : 0u;
    return h ? h - 1u : TD_CORE_ANY;
}
