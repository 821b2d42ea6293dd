/*
 * kernel/lock.c: cross-core spinlocks with interrupts masked (tandem/lock.h),
 * recording the holding core of every hardware spinlock taken through them
 * in its record (kernel/spin.h).
 *
 * The uncontended take and give are inline in tandem/lock.h: the key
 * checked (one shift and one compare), mask, one claiming read of the
 * hardware spinlock, this core's byte of the record set to the interrupt
 * state found + 1; on a give the key checked, this core's byte loaded (0:
 * not this core's), cleared, the spinlock released and the mask restored
 * (td_lock_give: the byte - 1; td_lock_give_restore: the caller's). This
 * file is the rest: a claim that failed (this core's own lock:
 * TD_ERR_DEADLOCK; the other core's: spin, taking the lock over if that
 * core halted, or refuse), bad input, and in a trace build every take and
 * give (their trace points are kernel/trace.c's, around these functions).
 */
#include "spin.h"

#include "tandem/hwtable.h"
#include "tandem/lock.h"

_Static_assert(sizeof(struct td__spin) == 4, "a record is found with the spinlock's shift");
_Static_assert(TD_LOCK_KEY + TD_SPIN_USER_FIRST > 0u, "zero is no key");

static bool valid(const td_lock_t *l)
{
    uint32_t n;
    return td__lock_valid(l, &n);
}

/* Which error an invalid l is: NULL is a bad parameter, anything else
 * never was a lock. */
static TD_COLD int invalid(const td_lock_t *l)
{
    return l == NULL ? TD_ERR_PARAM : TD_ERR_UNINIT;
}

int td_lock_init(td_lock_t *l, unsigned n)
{
    if (l == NULL || n < TD_SPIN_USER_FIRST || n > TD_SPIN_USER_LAST)
        return TD_ERR_PARAM;
    if (td_lock_holder(l) != TD_CORE_ANY)
        return TD_ERR_BUSY;                      /* held: its give must find it */
    l->key = TD_LOCK_KEY + n;
    return TD_OK;
}

/* This core holds spinlock n now, interrupts masked (state s): record it;
 * the state kept in the record or returned. */
static int record(unsigned n, port_irq_state_t s, bool keep)
{
    TD_STORE_RELAXED(td__spins[n].held[port_core_id()], (uint8_t)(s + 1u));
    return keep ? TD_OK : (int)s;
}

int td__lock_take_slow(td_lock_t *l, bool wait, bool keep)
{
    if (!valid(l))
        return invalid(l);
    unsigned n = td__lock_number(l);
    port_irq_state_t s = port_irq_save();
    if (!port_spin_try(n)) {
        if (td__spin_held_by(n, port_core_id())) {
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
    return record(n, s, keep);
}

int td__lock_give_slow(td_lock_t *l, int state, bool keep)
{
    if (!valid(l))
        return invalid(l);
    if (!keep && state < 0)
        return TD_ERR_PARAM;             /* (an error of the take, not a state) */
    unsigned n = td__lock_number(l);
    unsigned me = port_core_id();
    if (!td__spin_held_by(n, me))
        return TD_ERR_NOT_OWNER;
    port_irq_state_t s = keep ? TD_LOAD_RELAXED(td__spins[n].held[me]) - 1u
                              : (port_irq_state_t)state;
    td__spin_forget(n, me);
    port_spin_release(n);
    port_irq_restore(s);
    return TD_OK;
}

int td_lock_deinit(td_lock_t *l)
{
    if (!valid(l))
        return invalid(l);
    if (td_lock_holder(l) != TD_CORE_ANY)
        return TD_ERR_BUSY;
    l->key = 0;
    return TD_OK;
}

unsigned td_lock_holder(const td_lock_t *l)
{
    return valid(l) ? td__spin_holder(td__lock_number(l)) : TD_CORE_ANY;
}
