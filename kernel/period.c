/*
 * kernel/period.c: time-triggered threads on a drift-free release grid.
 */
#include "sched.h"

#include "tandem/period.h"
#include "tandem/time.h"

#define PERIOD_MAGIC 0x4e80u   /* 0x9d << 7 (tandem/types.h) */

int td_period_init(td_period_t *p, td_tick_t period, td_tick_t phase)
{
    if (p == NULL || period == 0 || period > TD_TIMEOUT_MAX || phase >= period)
        return TD_ERR_PARAM;
    port_irq_state_t s = port_irq_save();
    td_tick_t now = td__core()->tick;
    td_tick_t next = now - now % period + phase;
    if ((int32_t)(next - now) <= 0)
        next += period;
    p->next = next;
    p->period = period;
    p->overruns = 0;
    p->core = (uint8_t)port_core_id();
    p->magic = PERIOD_MAGIC;
    port_irq_restore(s);
    return TD_OK;
}

int td_period_wait(td_period_t *p)
{
    /* (p->core is never TD_CORE_ANY: the check binds nothing) */
    int r = TD_CHECK_CALL(p, td_period_t, PERIOD_MAGIC, TD_NO_WAIT);
    if (r)
        return r;
    /* p changes with interrupts masked: a thread or interrupt of this core
     * that sets p up again meanwhile sees it before or after, never half
     * moved (a grid of one period with the release of another). */
    td_core_t *c = td__core();
    port_irq_state_t s = port_irq_save();
    td_tick_t now = c->tick;
    if ((int32_t)(p->next - now) <= 0) {          /* late: keep the grid */
        p->next += ((now - p->next) / p->period + 1u) * p->period;
        p->overruns++;
        port_irq_restore(s);
        return TD_ERR_OVERFLOW;
    }
    td_tick_t at = p->next;
    port_irq_restore(s);
    r = td_sleep_until(at);
    s = port_irq_save();
    if (r == TD_OK && p->next == at)
        p->next += p->period;
    else if (r == TD_OK)                          /* set up again meanwhile: its grid */
        while ((int32_t)(p->next - c->tick) <= 0)
            p->next += p->period;
    port_irq_restore(s);
    return r;
}
