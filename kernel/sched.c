/*
 * kernel/sched.c: ready lists, wait lists, blocking and waking, priority
 * changes and the context-switch hook, for the calling core's instance.
 */
#include "sched.h"

#include "spin.h"
#include "trace.h"

#include "tandem/hwtable.h"

int td__bind_slow(uint8_t *core)
{
    unsigned me = port_core_id();
    if (TD_LOAD_ACQUIRE(*core) == TD_CORE_ANY) {
        port_irq_state_t s = port_irq_save();
        td__spin_lock(TD_SPIN_KERNEL);
        if (TD_LOAD_ACQUIRE(*core) == TD_CORE_ANY)
            TD_STORE_RELEASE(*core, (uint8_t)me);
        td__spin_unlock(TD_SPIN_KERNEL);
        port_irq_restore(s);
    }
    return TD_LOAD_ACQUIRE(*core) == me ? TD_OK : TD_ERR_WRONG_CORE;
}

int td__valid(const void *obj, size_t magic_offset, unsigned magic)
{
    if (obj == NULL)
        return TD_ERR_PARAM;
    const uint16_t *m = (const uint16_t *)(const void *)((const uint8_t *)obj + magic_offset);
    return *m != magic ? TD_ERR_UNINIT : TD_OK;
}

int td__check(const void *obj, size_t magic_offset, unsigned magic)
{
    int r = td__valid(obj, magic_offset, magic);
    return r ? r : td__bind((uint8_t *)(uintptr_t)obj + magic_offset + 2u);
}

int td__check_thread(const void *obj, size_t magic_offset, unsigned magic)
{
    int r = td__valid(obj, magic_offset, magic);
    if (r)
        return r;
    uint8_t *core = (uint8_t *)(uintptr_t)obj + magic_offset + 2u;
    if (TD_LOAD_RELAXED(*core) == port_core_id())
        return TD_OK;
    if (!port_in_isr())
        return td__bind_slow(core);
    /* (only this core binds an object to this core, and not while its
     * handler runs: the byte is still not this core's) */
    return TD_LOAD_RELAXED(*core) == TD_CORE_ANY ? TD_OK : TD_ERR_WRONG_CORE;
}

int td__check_call(const void *obj, size_t magic_offset, unsigned magic, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = (magic_offset & TD__UNBOUND) ? td__valid(obj, magic_offset - TD__UNBOUND, magic)
                                         : td__check_thread(obj, magic_offset, magic);
    return r ? r : port_in_isr() ? TD_ERR_IN_ISR : TD_OK;
}

int td__can_wait(const td_core_t *c, port_irq_state_t s)
{
    if (s != 0 || c->current == NULL)
        return TD_ERR_STATE;
    if (c->current == c->idle)
        return TD_ERR_IDLE;
    return TD_OK;
}

void td__list_add_tail(td_thread_t **head, td_thread_t *t)
{
    TD_CLASS_MASKED();
    td__list_add_tail_hot(head, t);
}

void td__list_add_prio(td_thread_t **head, td_thread_t *t)
{
    TD_CLASS_MASKED();
    td_thread_t *h = *head, *x = h;
    if (h != NULL) {
        do {
            if (x->prio < t->prio) {
                t->next = x;
                t->prev = x->prev;
                x->prev->next = t;
                x->prev = t;
                if (x == h)
                    *head = t;
                return;
            }
            x = x->next;
        } while (x != h);
    }
    td__list_add_tail_hot(head, t);
}

void td__list_del(td_thread_t **head, td_thread_t *t)
{
    TD_CLASS_MASKED();
    td__list_unlink_hot(head, t);
    t->next = t->prev = NULL;
}

void td__ready(td_core_t *c, td_thread_t *t)
{
    TD_CLASS_MASKED();
    td__ready_hot(c, t);
}

void td__settle_slow(td_core_t *c)
{
    TD_CLASS_MASKED();
    td_thread_t *l = c->loose;
    unsigned p = l->prio;
    l->next = l->prev = l;               /* its level is empty (sched.h) */
    c->ready[p] = l;
    c->ready_map |= TD__PRIO_BIT(p);
    c->loose = NULL;
}

void td__unready(td_core_t *c, td_thread_t *t)
{
    TD_CLASS_MASKED();
    if (t == c->loose) {                 /* on no list: forget it (it was the top) */
        c->loose = NULL;
        c->top = NULL;
        return;
    }
    unsigned p = t->prio;
    td__list_del(&c->ready[p], t);
    if (c->ready[p] == NULL)
        c->ready_map &= ~TD__PRIO_BIT(p);
    if (c->top == t)
        c->top = NULL;
}

td_thread_t *td__top_find(td_core_t *c)
{
    /* (m & -m) isolates the lowest set bit, the most urgent level; a de
     * Bruijn multiplication numbers it. */
    static const uint8_t level[32] = {
        31, 30, 3, 29, 2, 17, 7, 28, 1, 9, 11, 16, 6, 14, 27, 23,
        0, 4, 18, 8, 10, 12, 15, 24, 5, 19, 13, 25, 20, 26, 21, 22,
    };
    td__settle(c);                       /* onto its level, to be found */
    uint32_t m = c->ready_map;
    td_thread_t *t = m ? c->ready[level[((m & -m) * 0x077cb531u) >> 27]] : c->idle;
    c->top = t;
    return t;
}

void td__resched(td_core_t *c)
{
    TD_CLASS_MASKED();
    td_thread_t *cur = c->current, *top;
    if (cur == NULL || (top = td__top(c)) == cur)
        return;
    /* Hook for a thread that waits in place (kernel/msg.c: the current
     * thread, BLOCKED, sleeping as the idle thread would): the idle thread
     * as the top one, with nothing to do but sleep (no idle hook, no
     * cross-core waiters to poll), does not switch it out (the tick, a
     * doorbell). No other thread is current and BLOCKED where this runs. */
    if (top == c->idle && TD_LOAD_RELAXED(cur->state) == TD_THREAD_BLOCKED &&
        c->idle_hook == NULL && c->xwaiters == NULL)
        return;
    port_switch_request();
}

void td__wake_resched_slow(td_core_t *c, td_thread_t *t, int result, port_irq_state_t s)
{
    TD_CLASS_MASKED();
    uint8_t f = t->flags;
    if (f & (TF_TIMED | TF_OPS)) {
        t->flags = f & TF_IDLE;
        td__wake_slow(c, t, f, result);
    }
    t->result = (int8_t)result;
    t->slice = 0;
    td__ready(c, t);
    td__resched_restore(c, s);
}

void td__resched_restore(td_core_t *c, port_irq_state_t s)
{
    TD_CLASS_MASKED();
    td__resched_restore_hot(c, s);
}

void td__timeout_add(td_core_t *c, td_thread_t *t, td_tick_t deadline)
{
    TD_CLASS_MASKED();
    td_thread_t **pp = &c->timeouts;
    while (*pp != NULL && (int32_t)((*pp)->wake - deadline) <= 0)
        pp = &(*pp)->tnext;
    t->wake = deadline;
    t->tnext = *pp;
    *pp = t;
    t->flags |= TF_TIMED;
}

static void timeout_del(td_core_t *c, td_thread_t *t)
{
    td_thread_t **pp = &c->timeouts;
    while (*pp != t)
        pp = &(*pp)->tnext;
    *pp = t->tnext;
    t->tnext = NULL;
}

void td__wait_prep(td_core_t *c, td_thread_t **wq, bool timed, td_tick_t deadline)
{
    TD_CLASS_THREAD();
    td__wait_prep_hot(c, wq, timed, deadline);
}

int td__wait_commit(td_core_t *c, port_irq_state_t s)
{
    TD_CLASS_THREAD();
    return td__wait_commit_hot(c, s);
}

int td__wait(td_core_t *c, td_thread_t **wq, td_tick_t timeout, port_irq_state_t s)
{
    /* (cold: the two out-of-line halves, not a third copy of the first) */
    td__wait_prep(c, wq, timeout != TD_FOREVER, c->tick + timeout);
    return td__wait_commit(c, s);
}

int td__block(td_core_t *c, td_thread_t **wq, td_tick_t timeout, port_irq_state_t s,
              void *data)
{
    int r = TD_ERR_WOULD_BLOCK;
    if (timeout != TD_NO_WAIT && (r = td__can_wait(c, s)) == TD_OK) {
        c->current->wdata.p = data;
        return td__wait(c, wq, timeout, s);
    }
    port_irq_restore(s);
    return r;
}

int td__deinit(void *obj, size_t magic_offset, unsigned magic, void *const *owner)
{
    int r = owner != NULL ? td__check_call(obj, magic_offset, magic, TD_NO_WAIT)
                          : td__check(obj, magic_offset, magic);
    if (r)
        return r;
    if (owner == NULL)
        owner = obj;                     /* (the wait list, tested twice) */
    port_irq_state_t s = port_irq_save();
    if (*(td_thread_t *const *)obj != NULL || *owner != NULL)
        r = TD_ERR_BUSY;
    else
        *(uint16_t *)(void *)((uint8_t *)obj + magic_offset) = 0;
    port_irq_restore(s);
    return r;
}

/* The rare parts of a wake: off the timeout list, the wait's operation. */
TD_COLD void td__wake_slow(td_core_t *c, td_thread_t *t, uint8_t f, int result)
{
    if (f & TF_TIMED)
        timeout_del(c, t);
    if (f & TF_OPS) {
        struct td_wait *w = t->wdata.p;
        td_wait_end_fn end = result == TD_OK            ? w->ops->woken
                             : result == TD_ERR_TIMEOUT ? w->ops->timed_out
                                                        : w->ops->cancelled;
        if (end != NULL)
            end(c, t, w);
    }
}

void td__wake(td_core_t *c, td_thread_t *t, int result)
{
    TD_CLASS_MASKED();
    td__wake_hot(c, t, result);
}


void td__set_prio(td_core_t *c, td_thread_t *t, unsigned prio)
{
    TD_CLASS_MASKED();
    while (t != NULL && t->prio != prio) {
        if (t->state == TD_THREAD_READY) {
            td__unready(c, t);
            TD_STORE_RELAXED(t->prio, (uint8_t)prio);
            td__ready(c, t);
        } else if (t->state == TD_THREAD_BLOCKED && t->wq != NULL) {
            td__list_del(t->wq, t);
            TD_STORE_RELAXED(t->prio, (uint8_t)prio);
            td__list_add_prio(t->wq, t);
            if (t->flags & TF_OPS) {
                struct td_wait *w = t->wdata.p;
                if (w->ops->requeued != NULL) {
                    t = w->ops->requeued(t, w, &prio);      /* pass it on */
                    continue;
                }
            }
        } else {
            TD_STORE_RELAXED(t->prio, (uint8_t)prio);
        }
        break;
    }
}

static td_stack_fault_fn stack_fault;

TD_FAULT_CODE void td__sched_set_stack_fault(td_stack_fault_fn fn)
{
    TD_STORE_RELEASE(stack_fault, fn);
}

void *port_switch_hook(void *ctx)
{
    td_core_t *c = td__core_of(port_core_id());
    td_thread_t *cur = c->current;
    cur->ctx = ctx;
#ifdef PORT_CTX_IS_SP
    /* The context is the stack pointer with its kind in its low bits (what
     * a requested switch saves: an exception frame, never the kind with bit
     * 31 set); both it and the stack's bottom are word-aligned, so the
     * tagged value compares with the bottom as the stack pointer does:
     * untagged only for the fault path. */
    if (!td__stack_ok(cur, (uintptr_t)ctx))     /* the second line behind the MPU */
        TD_LOAD_ACQUIRE(stack_fault)(c, cur, PORT_CTX_SP(cur->ctx));  /* (read again:
                                                    no copy of ctx kept on the way) */
#else
    uintptr_t sp = port_thread_sp();
    if (!td__stack_ok(cur, sp))                 /* the second line behind the MPU */
        TD_LOAD_ACQUIRE(stack_fault)(c, cur, sp);
#endif
    td_thread_t *n = td__top(c);
    if (n != cur) {
        TD_TRACE(TD_TR_SWITCH, cur, n);
        c->switches++;
        TD_STORE_RELAXED(c->current, n);     /* (read by the other core: core.h) */
        port_guard_thread(td__stack_guard(n));
    }
    return n->ctx;
}

td_thread_t *td__switch_bad(td_core_t *c, td_thread_t *from, uintptr_t sp)
{
    TD_LOAD_ACQUIRE(stack_fault)(c, from, sp);  /* returns if the policy goes on (from ended) */
    return td__top(c);
}
