/*
 * kernel/sem.c: same-core counting semaphores.
 */
#include "sched.h"

#include "tandem/sem.h"

static int check(td_sem_t *s)
{
    if (s == NULL)
        return TD_ERR_PARAM;
    if (s->magic != TD_SEM_MAGIC)
        return TD_ERR_UNINIT;
    return td__bind(&s->core);
}

int td_sem_init(td_sem_t *s, unsigned initial, unsigned max)
{
    if (s == NULL || max == 0 || max > 0xffffu || initial > max)
        return TD_ERR_PARAM;
    if (s->magic == TD_SEM_MAGIC && s->waiters != NULL)
        return TD_ERR_BUSY;
    s->waiters = NULL;
    s->count = (uint16_t)initial;
    s->max = (uint16_t)max;
    s->core = (uint8_t)port_core_id();
    s->magic = TD_SEM_MAGIC;
    return TD_OK;
}

int td_sem_deinit(td_sem_t *s)
{
    int r = check(s);
    if (r)
        return r;
    port_irq_state_t st = port_irq_save();
    if (s->waiters != NULL)
        r = TD_ERR_BUSY;
    else
        s->magic = 0;
    port_irq_restore(st);
    return r;
}

int td_sem_take(td_sem_t *s, td_tick_t timeout)
{
    int r = check(s);
    if (r)
        return r;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    td_core_t *c = td__core();
    port_irq_state_t st = port_irq_save();
    if (s->count > 0) {
        s->count--;
    } else if (timeout == TD_NO_WAIT) {
        r = TD_ERR_WOULD_BLOCK;
    } else if ((r = td__can_wait(c, st)) == TD_OK) {
        return td__wait(c, &s->waiters, timeout, st);
    }
    port_irq_restore(st);
    return r;
}

int td_sem_give_isr(td_sem_t *s)
{
    int r = check(s);
    if (r)
        return r;
    td_core_t *c = td__core();
    port_irq_state_t st = port_irq_save();
    if (s->waiters != NULL) {
        td__wake(c, s->waiters, TD_OK);
        td__resched(c);
    } else if (s->count >= s->max) {
        r = TD_ERR_FULL;
    } else {
        s->count++;
    }
    port_irq_restore(st);
    return r;
}

int td_sem_count(const td_sem_t *s)
{
    if (s == NULL)
        return TD_ERR_PARAM;
    return s->magic == TD_SEM_MAGIC ? s->count : TD_ERR_UNINIT;
}
