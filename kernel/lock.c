/*
 * kernel/lock.c: cross-core spinlocks with interrupts masked, recording the
 * holding core of every hardware spinlock taken through them.
 */
#include "fault_sys.h"
#include "sched.h"

#include "tandem/hwtable.h"
#include "tandem/lock.h"

/* Per hardware spinlock: holder core + 1 (0: free), and the interrupt mask
 * found by the take, restored by the give; the holder thread and a count of
 * takes, for the hold check (tandem/fault.h). Written only by the holder. */
static uint8_t holder[PORT_SPINLOCK_COUNT];
static port_irq_state_t saved[PORT_SPINLOCK_COUNT];
static const td_thread_t *holder_thread[PORT_SPINLOCK_COUNT];
static uint32_t takes[PORT_SPINLOCK_COUNT];

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
        unsigned h = TD_LOAD(holder[n]);      /* a holder halted by a fault: free it */
        if (h != 0 && td_fault_core_state(h - 1u) == TD_CORE_HALTED) {
            TD_STORE(holder[n], 0);
            port_spin_release(n);
        }
    }
    TD_STORE(holder[n], (uint8_t)me);
    saved[n] = s;
    __atomic_store_n(&holder_thread[n], td_cores[me - 1u].current, __ATOMIC_RELAXED);
    __atomic_store_n(&takes[n], takes[n] + 1u, __ATOMIC_RELAXED);
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

unsigned td__lock_release_core(unsigned core)
{
    unsigned n_released = 0;
    for (unsigned n = TD_SPIN_USER_FIRST; n <= TD_SPIN_USER_LAST; n++) {
        if (TD_LOAD(holder[n]) == core + 1u) {
            TD_STORE(holder[n], 0);
            port_spin_release(n);
            n_released++;
        }
    }
    return n_released;
}

unsigned td__lock_peek(unsigned n, const td_thread_t **thread, uint32_t *count)
{
    unsigned h = n < PORT_SPINLOCK_COUNT ? TD_LOAD(holder[n]) : 0u;
    if (thread != NULL)
        *thread = h ? __atomic_load_n(&holder_thread[n], __ATOMIC_RELAXED) : NULL;
    if (count != NULL)
        *count = n < PORT_SPINLOCK_COUNT ? __atomic_load_n(&takes[n], __ATOMIC_RELAXED) : 0u;
    return h ? h - 1u : TD_CORE_ANY;
}
