/*
 * kernel/lock.c: cross-core spinlocks with interrupts masked, recording the
 * holding core of every hardware spinlock taken through them.
 */
#include "sched.h"

#include "tandem/hwtable.h"
#include "tandem/lock.h"

/* Per hardware spinlock: holder core + 1 (0: free), and the interrupt mask
 * found by the take, restored by the give. Written only by the holder. */
static uint8_t holder[PORT_SPINLOCK_COUNT];
static port_irq_state_t saved[PORT_SPINLOCK_COUNT];

static int check(const td_lock_t *l)
{
    if (l == NULL)
        return TD_ERR_PARAM;
    if (l->magic != TD_LOCK_MAGIC)
        return TD_ERR_UNINIT;
    return l->spin < PORT_SPINLOCK_COUNT ? TD_OK : TD_ERR_PARAM;
}

int td_lock_init(td_lock_t *l, unsigned n)
{
    if (l == NULL || n < TD_SPIN_USER_FIRST || n > TD_SPIN_USER_LAST)
        return TD_ERR_PARAM;
    l->spin = (uint8_t)n;
    l->magic = TD_LOCK_MAGIC;
    return TD_OK;
}

static int take(const td_lock_t *l, bool wait)
{
    int r = check(l);
    if (r)
        return r;
    unsigned n = l->spin, me = port_core_id() + 1u;
    port_irq_state_t s = port_irq_save();
    if (TD_LOAD(holder[n]) == me) {
        port_irq_restore(s);
        return TD_ERR_DEADLOCK;
    }
    while (!port_spin_try(n)) {
        if (!wait) {
            port_irq_restore(s);
            return TD_ERR_WOULD_BLOCK;
        }
    }
    TD_STORE(holder[n], (uint8_t)me);
    saved[n] = s;
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
    int r = check(l);
    if (r)
        return r;
    unsigned n = l->spin;
    if (TD_LOAD(holder[n]) != port_core_id() + 1u)
        return TD_ERR_NOT_OWNER;
    port_irq_state_t s = saved[n];
    TD_STORE(holder[n], 0);
    port_spin_release(n);
    port_irq_restore(s);
    return TD_OK;
}

unsigned td_lock_holder(const td_lock_t *l)
{
    if (check(l))
        return TD_CORE_ANY;
    unsigned h = TD_LOAD(holder[l->spin]);
    return h ? h - 1u : TD_CORE_ANY;
}
