/*
 * kernel/timer.c: one-shot and periodic software timers, fired from the
 * owning core's tick.
 */
#include "sched.h"
#include "timer_sys.h"

static int check(td_timer_t *t)
{
    return TD_CHECK(t, td_timer_t, TD_TIMER_MAGIC);
}

__attribute__((noinline)) static void unlink(td_core_t *c, td_timer_t *t)
{
    td_timer_t **pp = &c->timers;
    while (*pp != NULL && *pp != t)
        pp = &(*pp)->next;
    if (*pp == t)
        *pp = t->next;
    t->next = NULL;
    t->active = 0;
}

__attribute__((noinline)) static void link(td_core_t *c, td_timer_t *t)
{
    td_timer_t **pp = &c->timers;
    while (*pp != NULL && (int32_t)((*pp)->expire - t->expire) <= 0)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    t->active = 1;
}

int td_timer_init(td_timer_t *t, td_timer_fn fn, void *arg)
{
    if (t == NULL || fn == NULL)
        return TD_ERR_PARAM;
    if (t->magic == TD_TIMER_MAGIC && t->active)
        return TD_ERR_BUSY;
    t->next = NULL;
    t->fn = fn;
    t->arg = arg;
    t->expire = t->period = 0;
    t->core = TD_CORE_ANY;
    t->active = 0;
    t->magic = TD_TIMER_MAGIC;
    return TD_OK;
}


int td_timer_start(td_timer_t *t, td_tick_t delay, td_tick_t period)
{
    /* (before the check, which binds a timer to the calling core on its
     * first start: a refused start binds nothing) */
    if (delay == 0 || delay > TD_TIMEOUT_MAX || period > TD_TIMEOUT_MAX)
        return TD_ERR_PARAM;
    int r = check(t);
    if (r)
        return r;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    if (t->active)
        unlink(c, t);
    t->expire = c->tick + delay;
    t->period = period;
    link(c, t);
    port_irq_restore(s);
    return TD_OK;
}

int td_timer_stop(td_timer_t *t)
{
    int r = check(t);
    if (r)
        return r;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    if (t->active)
        unlink(c, t);
    port_irq_restore(s);
    return TD_OK;
}

void td__timer_tick(td_core_t *c)
{
    for (;;) {
        port_irq_state_t s = port_irq_save();
        td_timer_t *t = c->timers;
        if (t == NULL || (int32_t)(c->tick - t->expire) < 0) {
            port_irq_restore(s);
            return;
        }
        c->timers = t->next;
        t->next = NULL;
        t->active = 0;
        if (t->period != 0) {
            t->expire += t->period;     /* on the grid: no drift */
            link(c, t);
        }
        td_timer_fn fn = t->fn;
        void *arg = t->arg;
        port_irq_restore(s);
        fn(t, arg);
    }
}

int td_timer_deinit(td_timer_t *t)
{
    int r = td_timer_stop(t);         /* off this core's timer list */
    if (r)
        return r;
    t->magic = 0;
    return TD_OK;
}
