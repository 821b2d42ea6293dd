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
    if (port_in_isr())
        return NULL;                     /* (td_xmutex_init's refusal: none handed out) */
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

/* The longest sleeps in seconds and milliseconds whose ticks are at most
 * TD_TIMEOUT_MAX (constants): a longer one is refused, never cut to 32 bits
 * (a shorter sleep) nor taken for TD_FOREVER (a sleep without end). Within
 * them TD_SEC and TD_MS are exact. */
#define SLEEP_S_MAX  (TD_TIMEOUT_MAX / TD_TICK_HZ)
#define SLEEP_MS_MAX ((uint64_t)TD_TIMEOUT_MAX * 1000u / TD_TICK_HZ)

int td_sleep_s(uint32_t s)
{
    return s > SLEEP_S_MAX ? TD_ERR_PARAM : td_sleep(TD_SEC(s));
}

int td_sleep_ms(uint32_t ms)
{
    return (uint64_t)ms > SLEEP_MS_MAX ? TD_ERR_PARAM : td_sleep(TD_MS(ms));
}
