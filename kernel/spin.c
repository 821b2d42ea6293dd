/*
 * kernel/spin.c: the spinlock records and the take-over of a spinlock whose
 * holder halted (kernel/spin.h).
 */
#include "spin.h"

#include "tandem/hwtable.h"

struct td__spin td__spins[PORT_SPINLOCK_COUNT];

bool td__spin_try_over(unsigned n)
{
    TD_CLASS_MASKED();
    if (port_spin_try(n))
        return true;
    unsigned me = port_core_id(), h = td__spin_holder(n);
    if (h == TD_CORE_ANY)
        h = me ^ 1u;                     /* not recorded: only the other core can hold it */
    if (h == me || !td__core_halted(h))
        return false;
    td__spin_forget(n, h);
    port_spin_release(n);                /* left behind for good: ours now */
    return port_spin_try(n);
}

void td__spin_wait(unsigned n)
{
    while (!td__spin_try_over(n))
        ;
}

/* The port's own recorded spinlocks (port/port.h). */
bool port_spin_take_recorded(unsigned n)
{
    TD_CLASS_MASKED();
    unsigned me = port_core_id();
    if (td__spin_holder(n) == me)
        return false;                    /* ours already: only this core writes 'me' */
    td__spin_take(n, me);
    return true;
}

void port_spin_give_recorded(unsigned n)
{
    td__spin_give(n);
}

TD_FAULT_CODE unsigned td__spin_release_core(unsigned core)
{
    unsigned user = 0;
    for (unsigned n = 0; n < PORT_SPINLOCK_COUNT; n++) {
        bool mine = td__spin_held_by(n, core);
        if (n >= TD_SPIN_USER_FIRST && !mine)
            continue;
        if (mine)
            td__spin_forget(n, core);
        port_spin_release(n);
        user += n >= TD_SPIN_USER_FIRST;
    }
    return user;
}

void td__spin_release_thread(const td_thread_t *t)
{
    TD_CLASS_MASKED();
    unsigned me = port_core_id();
    if (td__cores[me].current != t)      /* only the running thread holds one (kernel/spin.h) */
        return;
    for (unsigned n = TD_SPIN_USER_FIRST; n <= TD_SPIN_USER_LAST; n++) {
        if (!td__spin_held_by(n, me))
            continue;
        td__spin_forget(n, me);
        port_spin_release(n);
    }
}

TD_FAULT_CODE unsigned td__spin_peek(unsigned n, const td_thread_t **thread)
{
    unsigned h = n < PORT_SPINLOCK_COUNT ? td__spin_holder(n) : TD_CORE_ANY;
    if (thread != NULL)                  /* the holder's running thread: kernel/spin.h */
        *thread = h != TD_CORE_ANY ? TD_LOAD_RELAXED(td__cores[h].current) : NULL;
    return h;
}
