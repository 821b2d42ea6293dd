/*
 * kernel/time.c: the tick, sleeps and deadlines.
 */
#include "sched.h"
#include "timer_sys.h"
#include "trace.h"
#include "xsync.h"

#include "tandem/time.h"

_Static_assert(!TD__BAD_TIMEOUT(TD_NO_WAIT) && !TD__BAD_TIMEOUT(TD_TIMEOUT_MAX) &&
                   TD__BAD_TIMEOUT(TD_TIMEOUT_MAX + 1u) && TD__BAD_TIMEOUT(TD_FOREVER - 1u) &&
                   !TD__BAD_TIMEOUT(TD_FOREVER),
               "TD__BAD_TIMEOUT: the finite timeouts beyond TD_TIMEOUT_MAX, nothing else");

void port_tick_isr(void)
{
    td_core_t *c = td__core();
    TD_TRACE(TD_TR_IRQ_ENTER, TD_TR_IRQ_TICK, 0);
    port_irq_state_t s = port_irq_save();
    td_tick_t now = ++c->tick;
    td_thread_t *t;
    while ((t = c->timeouts) != NULL && (int32_t)(now - t->wake) >= 0)
        td__wake(c, t, TD_ERR_TIMEOUT);
    t = c->current;
    /* (a loose thread, sched.h, is alone at its level, its links stale) */
    if (c->slice != 0 && t != NULL && t != c->idle && t != c->loose &&
        t->state == TD_THREAD_READY && t->next != t && ++t->slice >= c->slice) {
        t->slice = 0;
        if (c->ready[t->prio] == t) {
            c->ready[t->prio] = t->next;   /* round robin */
            td__rotated(c);
        }
    }
    port_irq_restore(s);
    td__timer_tick(c);
    if (c->xwaiters != NULL)
        td__xsync_poll(c);                 /* cross-core waiters when no link runs */
    s = port_irq_save();
    td__resched(c);
    port_irq_restore(s);
    TD_TRACE(TD_TR_IRQ_EXIT, TD_TR_IRQ_TICK, 0);
}

td_tick_t td_time_ticks(void)
{
    return td__core()->tick;
}

uint64_t td_time_us(void)
{
    return port_time_us();
}

/* Sleep until 'when' (a tick, or a number of ticks from now if relative;
 * TD_FOREVER relative: until nothing). */
static int sleep_for(td_tick_t when, bool relative)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    int r = td__can_wait(c, s);
    if (r == TD_OK) {
        /* relative: 1 to TD_TIMEOUT_MAX ticks, or TD_FOREVER (td_sleep); a
         * deadline: so many ticks from now, if it is not now or past */
        td_tick_t ticks = relative ? when : when - c->tick;
        if (relative || (int32_t)ticks > 0) {
            (void)td__wait(c, NULL, ticks, s);
            return TD_OK;
        }
    }
    port_irq_restore(s);
    return r;
}

int td_sleep(td_tick_t ticks)
{
    if (TD__BAD_TIMEOUT(ticks))
        return TD_ERR_PARAM;
    return ticks == 0 ? td_thread_yield() : sleep_for(ticks, true);
}

int td_sleep_until(td_tick_t deadline)
{
    return sleep_for(deadline, false);
}
