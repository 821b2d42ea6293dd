/*
 * kernel/held.c: the per-core lists of owned objects and their kinds
 * (kernel/held.h).
 */
#include "held.h"

#include "down.h"
#include "spin.h"
#include "tandem/hwtable.h"
#include "tandem/panic.h"

#define KINDS 4u

/* The registered kinds, kind k at kinds[k - 1]; shared by both cores. */
static const struct td_held_ops *kinds[KINDS];

static void held_down(unsigned core, unsigned stage);

TD_FAULT_CODE unsigned td__held_kind(const struct td_held_ops *ops)
{
    td__down_register(held_down);
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    unsigned k = 0;
    while (k < KINDS && kinds[k] != NULL && kinds[k] != ops)
        k++;
    if (k < KINDS && kinds[k] == NULL)
        TD_STORE_RELEASE(kinds[k], ops);
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
    if (k == KINDS)
        td_panic("held: too many kinds");
    return k + 1u;
}

static const struct td_held_ops *ops_of(const struct td_held *h)
{
    return TD_LOAD_ACQUIRE(kinds[h->kind - 1u]);
}

void td__held_add(td_core_t *c, struct td_held *h, unsigned kind)
{
    TD_CLASS_MASKED();
    h->kind = (uint8_t)kind;
    h->warned = 0;
    h->since = c->tick;
    h->next = c->held;
    c->held = h;
}

void td__held_del(td_core_t *c, struct td_held *h)
{
    TD_CLASS_MASKED();
    struct td_held **pp = &c->held;
    while (*pp != NULL && *pp != h)
        pp = &(*pp)->next;
    if (*pp == h)
        *pp = h->next;
    h->next = NULL;
}

/* The registered end handlers (td__held_on_end); shared by both cores. */
static td_held_end_fn ends[TD_HELD_END_MAX];

void td__held_on_end(td_held_end_fn fn)
{
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    unsigned i = 0;
    for (td_held_end_fn e; i < TD_HELD_END_MAX && (e = ends[i]) != fn; i++) {
        if (e == NULL) {
            TD_STORE_RELEASE(ends[i], fn);
            break;
        }
    }
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
    if (i == TD_HELD_END_MAX)
        td_panic("held: too many end handlers");
}

void td__held_abandon(td_core_t *c, td_thread_t *t)
{
    TD_CLASS_MASKED();
    for (struct td_held *h = c->held; h != NULL;) {
        const struct td_held_ops *ops = ops_of(h);
        if (ops->owner(h) == t) {
            ops->abandon(c, h);          /* (to its waiters, if any: not t's) */
            h = c->held;                 /* the list changed: start over */
        } else {
            h = h->next;
        }
    }
    for (unsigned i = 0; i < TD_HELD_END_MAX; i++) {
        td_held_end_fn fn = TD_LOAD_ACQUIRE(ends[i]);
        if (fn == NULL)
            break;
        fn(c, t);
    }
    td__spin_release_thread(t);          /* last: a trace build's handler records
                                            each give first (kernel/trace.c) */
}

/* Core 'core' went down for good (TD_DOWN_STOPPED): every object its
 * threads owned is given back. */
TD_FAULT_CODE static void held_down(unsigned core, unsigned stage)
{
    if (stage != TD_DOWN_STOPPED)
        return;
    td_core_t *dc = &td__cores[core];
    for (struct td_held *h = dc->held, *next; h != NULL; h = next) {
        next = h->next;
        h->next = NULL;
        ops_of(h)->gone(h, core);
    }
    dc->held = NULL;
}

TD_FAULT_CODE void td__held_check(td_core_t *c, td_tick_t now, td_tick_t limit,
                    void (*report)(const struct td_held *h, const char *what,
                                   const char *waiting, const td_thread_t *owner))
{
    unsigned me = port_core_id();
    for (struct td_held *h = c->held; h != NULL; h = h->next) {
        if (h->warned || now - h->since <= limit)
            continue;
        const struct td_held_ops *ops = ops_of(h);
        char what[48], waiting[48];
        if (!ops->waiting(h, me, what, waiting, sizeof waiting))
            continue;
        h->warned = 1;
        report(h, what, waiting, ops->owner(h));
    }
}
