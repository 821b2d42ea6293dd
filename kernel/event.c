/*
 * kernel/event.c: same-core event flags.
 */
#include "sched.h"

#include "tandem/event.h"

__attribute__((noinline)) static int check(td_event_t *e)
{
    return TD_CHECK(e, td_event_t, TD_EVENT_MAGIC);
}

static bool satisfied(uint32_t flags, uint32_t mask, unsigned opts)
{
    return (opts & TD_EVENT_ALL) ? (flags & mask) == mask : (flags & mask) != 0;
}

int td_event_init(td_event_t *e)
{
    if (e == NULL)
        return TD_ERR_PARAM;
    if (e->magic == TD_EVENT_MAGIC && e->waiters != NULL)
        return TD_ERR_BUSY;
    e->waiters = NULL;
    e->flags = 0;
    e->core = (uint8_t)port_core_id();
    e->magic = TD_EVENT_MAGIC;
    return TD_OK;
}

_Static_assert(offsetof(td_event_t, waiters) == 0, "td__deinit finds the wait list first");
int td_event_deinit(td_event_t *e)
{
    int r = TD_DEINIT(e, td_event_t, TD_EVENT_MAGIC, NULL);
    if (r)
        return r;
    /* the flags still set, discarded: counted (no call changes them now) */
    for (uint32_t f = e->flags; f != 0; f &= f - 1u)
        r++;
    return r;
}

int td_event_wait(td_event_t *e, uint32_t mask, unsigned opts, td_tick_t timeout,
                  uint32_t *got)
{
    /* (before the check, which binds a group to the calling core on its
     * first use: a refused wait binds nothing) */
    if (mask == 0 || opts > (TD_EVENT_ALL | TD_EVENT_CLEAR))
        return TD_ERR_PARAM;
    int r = TD_CHECK_CALL(e, td_event_t, TD_EVENT_MAGIC, timeout);
    if (r)
        return r;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    uint32_t have = e->flags & mask;
    if (satisfied(e->flags, mask, opts)) {
        if (opts & TD_EVENT_CLEAR)
            e->flags &= ~mask;
        port_irq_restore(s);
    } else if (timeout == TD_NO_WAIT || (r = td__can_wait(c, s)) != TD_OK) {
        port_irq_restore(s);
        return r ? r : TD_ERR_WOULD_BLOCK;
    } else {
        td_thread_t *me = c->current;
        me->wdata.u = mask;           /* (the wait leaves both as they are) */
        me->slice = (uint8_t)opts;
        r = td__wait(c, &e->waiters, timeout, s);
        have = me->wdata.u;           /* the setter left the flags seen */
    }
    if (r == TD_OK && got != NULL)
        *got = have;
    return r;
}

int td_event_set_isr(td_event_t *e, uint32_t mask)
{
    int r = check(e);
    if (r)
        return r;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    e->flags |= mask;
    uint32_t consumed = 0;
    td_thread_t *t = e->waiters;
    while (t != NULL) {
        td_thread_t *next = t->next == e->waiters ? NULL : t->next;
        uint32_t want = t->wdata.u;
        if (satisfied(e->flags, want, t->slice)) {
            if (t->slice & TD_EVENT_CLEAR)
                consumed |= want;
            t->wdata.u = e->flags & want;
            td__wake(c, t, TD_OK);
            next = e->waiters;                  /* list changed */
            /* threads already released are off the list: no repeats */
        }
        t = next;
    }
    e->flags &= ~consumed;
    td__resched_restore(c, s);
    return TD_OK;
}

int td_event_clear(td_event_t *e, uint32_t mask)
{
    int r = check(e);
    if (r)
        return r;
    port_irq_state_t s = port_irq_save();
    e->flags &= ~mask;
    port_irq_restore(s);
    return TD_OK;
}

uint32_t td_event_flags(const td_event_t *e)
{
    return (e != NULL && e->magic == TD_EVENT_MAGIC) ? e->flags : 0;
}
