/*
 * kernel/easy.c: the beginner layer (MicroPython _thread style).
 */
#include "sched.h"
#include "spin.h"

#include "tandem/easy.h"
#include "tandem/hwtable.h"
#include "tandem/kernel.h"
#include "tandem/time.h"

static td_xmutex_t locks[TD_EASY_LOCKS];
static unsigned handed_out;

int td_start_new_thread(td_entry_t fn, void *arg)
{
    return td_kernel_launch_core1(fn, arg);
}

td_easy_lock_t *td_allocate_lock(void)
{
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    unsigned i = handed_out;
    handed_out = i + (i < TD_EASY_LOCKS);
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
    if (i >= TD_EASY_LOCKS || td_xmutex_init(&locks[i]) != TD_OK)
        return NULL;
    return &locks[i];
}

int td_acquire(td_easy_lock_t *lock)
{
    return td_xmutex_lock(lock, TD_FOREVER);
}

int td_release(td_easy_lock_t *lock)
{
    return td_xmutex_unlock(lock);
}

/* 'ticks' worked out in 64 bits: a duration longer than the longest wait
 * is refused, never cut to 32 bits (a shorter sleep) nor taken for
 * TD_FOREVER (a sleep without end). */
static int sleep_ticks(uint64_t ticks)
{
    return ticks > TD_TIMEOUT_MAX ? TD_ERR_PARAM : td_sleep((td_tick_t)ticks);
}

int td_sleep_s(uint32_t s)
{
    return sleep_ticks((uint64_t)s * TD_TICK_HZ);
}

int td_sleep_ms(uint32_t ms)
{
    return sleep_ticks(((uint64_t)ms * TD_TICK_HZ + 999u) / 1000u);
}
