/*
 * kernel/thread.c: thread creation, start, exit, join, suspend, resume,
 * priorities and inspection.
 */
#include "thread_sys.h"

#include "down.h"
#include "held.h"
#include "mutex_sys.h"
#include "sched.h"
#include "trace.h"

#include "tandem/panic.h"

#if UINTPTR_MAX == 0xffffffffu
_Static_assert(sizeof(td_thread_t) <= 48, "td_thread_t: at most 48 bytes on the chip");
#endif

/* A valid control block of this core, for thread-context calls. */
static int check(const td_thread_t *t)
{
    if (t == NULL)
        return TD_ERR_PARAM;
    if (t->magic != TD_THREAD_MAGIC)
        return TD_ERR_UNINIT;
    if (t->core != port_core_id())
        return TD_ERR_WRONG_CORE;
    return TD_OK;
}

/* The stack may still hold a dead thread's frames, which a sanitizer marks
 * as red zones: painting is a raw write (the port makes it usable again).
 * The guard at the bottom gets the canary paint and its top word the
 * canary (its own address: sched.h), the rest the paint. */
__attribute__((no_sanitize_address))
static void paint(uint32_t *w, size_t words)
{
    for (size_t i = 0; i < PORT_STACK_GUARD / 4u - 1u; i++)
        w[i] = TD_STACK_CANARY;
    w[PORT_STACK_GUARD / 4u - 1u] = td__canary_of(&w[PORT_STACK_GUARD / 4u - 1u]);
    for (size_t i = PORT_STACK_GUARD / 4u; i < words; i++)
        w[i] = TD_STACK_PAINT;
}

int td_thread_init(td_thread_t *t, void *stack, size_t size, const char *name,
                   unsigned prio, td_entry_t entry, void *arg)
{
    if (t == NULL || stack == NULL || entry == NULL || prio > TD_PRIO_MAX)
        return TD_ERR_PARAM;
    if (size < TD_STACK_MIN || ((uintptr_t)stack & (PORT_STACK_ALIGN - 1u)))
        return TD_ERR_STACK;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (t->magic == TD_THREAD_MAGIC && t->state != TD_THREAD_EXITED &&
        t->state != TD_THREAD_DORMANT)
        return TD_ERR_BUSY;
    uint32_t *w = stack;
    paint(w, size / 4u);
    port_guard_prepare(w);                  /* what the switches' guard needs */
    w += PORT_STACK_GUARD / 4u;             /* the usable part, above the guard */
    void *ctx = port_context_init(w, size - PORT_STACK_GUARD, entry, arg);
    if (ctx == NULL)
        return TD_ERR_STACK;
    t->ctx = ctx;
    t->next = t->prev = t->tnext = NULL;
    t->wq = NULL;
    t->knext = NULL;
    t->name = name;
    t->stack = w;
    t->base = (uint8_t)prio;
    TD_STORE_RELAXED(t->prio, (uint8_t)prio);
    TD_STORE_RELAXED(t->state, (uint8_t)TD_THREAD_DORMANT);
    t->core = (uint8_t)port_core_id();
    t->result = 0;
    t->flags = 0;
    t->slice = 0;
    TD_TRACE(TD_TR_THREAD, t, name);
    t->magic = TD_THREAD_MAGIC;
    return TD_OK;
}

int td_thread_start(td_thread_t *t)
{
    int r = check(t);
    if (r)
        return r;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    if (t->state != TD_THREAD_DORMANT) {
        r = TD_ERR_STATE;
    } else {
        td__thread_link(c, t);
        td__ready(c, t);
    }
    td__resched_restore(c, s);
    return r;
}

int td_thread_create(td_thread_t *t, void *stack, size_t size, const char *name,
                     unsigned prio, td_entry_t entry, void *arg)
{
    int r = td_thread_init(t, stack, size, name, prio, entry, arg);
    return r ? r : td_thread_start(t);
}

td_thread_t *td_thread_self(void)
{
    return td__core()->current;
}

int td_thread_yield(void)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    td_thread_t *t = c->current;
    td__settle(c);                       /* (a loose thread is alone at its level) */
    if (t != NULL && t->state == TD_THREAD_READY && c->ready[t->prio] == t) {
        c->ready[t->prio] = t->next;     /* to the back of its level */
        td__rotated(c);
        t->slice = 0;
    }
    td__resched_restore(c, s);
    return TD_OK;
}

/* Core 'core' is about to get a fresh kernel (TD_DOWN_FRESH): its old
 * threads are gone. Objects bound to it lose their waiters (all of them its
 * threads), so the new instance may initialise and use them again. */
TD_FAULT_CODE static void threads_down(unsigned core, unsigned stage)
{
    if (stage != TD_DOWN_FRESH)
        return;
    for (td_thread_t *t = td__cores[core].threads; t != NULL; t = t->knext) {
        if (t->wq != NULL) {
            if (*t->wq == t)             /* the head: the list is all that core's */
                *t->wq = NULL;
            t->wq = NULL;
        }
        TD_STORE_RELAXED(t->state, (uint8_t)TD_THREAD_EXITED);
    }
    td__cores[core].threads = NULL;
}

void td__thread_link(td_core_t *c, td_thread_t *t)
{
    TD_CLASS_MASKED();
    TD_DOWN_REGISTER_ONCE(threads_down);
    t->knext = c->threads;
    c->threads = t;
}

static void unlink_thread(td_core_t *c, const td_thread_t *t)
{
    td_thread_t **pp = &c->threads;
    while (*pp != NULL && *pp != t)
        pp = &(*pp)->knext;
    if (*pp == t)
        *pp = t->knext;
}

static void wake_joiners(td_core_t *c, const td_thread_t *t)
{
    for (td_thread_t *j = c->joiners; j != NULL;) {
        td_thread_t *n = j->next == c->joiners ? NULL : j->next;
        if (j->wdata.p == t) {
            td__wake(c, j, TD_OK);
            n = c->joiners;              /* list changed: start over */
        }
        j = n;
    }
}

TD_FAULT_CODE void td__thread_kill(td_core_t *c, td_thread_t *t, bool self)
{
    TD_CLASS_MASKED();
    if (!self && (t->state == TD_THREAD_BLOCKED || t->state == TD_THREAD_SLEEPING))
        td__wake(c, t, TD_ERR_STATE);    /* off its wait and timeout lists */
    td__held_abandon(c, t);              /* (waiting on nothing now) */
    if (self)
        return;
    TD_TRACE(TD_TR_EXIT, t, 0);
    if (t->state == TD_THREAD_READY)
        td__unready(c, t);
    TD_STORE_RELAXED(t->state, (uint8_t)TD_THREAD_EXITED);
    unlink_thread(c, t);
    wake_joiners(c, t);
    td__resched(c);
}

void td_thread_exit(void)
{
    td_core_t *c = td__core();
    td_thread_t *t = c->current;
    if (port_in_isr() || t == NULL || t == c->idle)
        td_panic("td_thread_exit outside a thread");
    port_irq_state_t s = port_irq_save();
    TD_TRACE(TD_TR_EXIT, t, 0);
    td__held_abandon(c, t);              /* what it owns, to the others */
    td__unready(c, t);
    TD_STORE_RELAXED(t->state, (uint8_t)TD_THREAD_EXITED);
    unlink_thread(c, t);
    wake_joiners(c, t);
    td__wait_commit(c, s);               /* to the next thread, for good */
    for (;;)                             /* a port that resumes the dead */
        td_panic("exited thread resumed");
}

void port_thread_exit_hook(void)
{
    td_thread_exit();
}

int td_thread_join(td_thread_t *t, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = check(t);
    if (r)
        return r;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    td_core_t *c = td__core();
    if (t == c->current)
        return TD_ERR_DEADLOCK;
    port_irq_state_t s = port_irq_save();
    if (t->state == TD_THREAD_EXITED) {
        r = TD_OK;
    } else {
        return td__block(c, &c->joiners, timeout, s, t);
    }
    port_irq_restore(s);
    return r;
}

int td_thread_suspend(td_thread_t *t)
{
    int r = check(t);
    if (r)
        return r;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (t->flags & TF_IDLE)              /* (this core's idle thread: check() said it is ours) */
        return TD_ERR_PARAM;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    if (t->state != TD_THREAD_READY) {
        r = TD_ERR_STATE;
    } else {
        td__unready(c, t);
        TD_STORE_RELAXED(t->state, (uint8_t)TD_THREAD_SUSPENDED);
    }
    td__resched_restore(c, s);
    return r;
}

int td_thread_resume_isr(td_thread_t *t)
{
    int r = check(t);
    if (r)
        return r;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    if (t->state != TD_THREAD_SUSPENDED) {
        r = TD_ERR_STATE;
    } else {
        td__ready(c, t);
    }
    td__resched_restore(c, s);
    return r;
}

int td_thread_set_priority(td_thread_t *t, unsigned prio)
{
    int r = check(t);
    if (r)
        return r;
    if (prio > TD_PRIO_MAX || (t->flags & TF_IDLE))
        return TD_ERR_PARAM;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    if (t->state == TD_THREAD_EXITED) {
        r = TD_ERR_STATE;
    } else {
        t->base = (uint8_t)prio;
        td__set_prio(c, t, td__mutex_effective(t));
    }
    td__resched_restore(c, s);
    return r;
}

int td_thread_priority(const td_thread_t *t)
{
    if (t == NULL)
        return TD_ERR_PARAM;
    if (t->magic != TD_THREAD_MAGIC)
        return TD_ERR_UNINIT;
    return TD_LOAD_RELAXED(t->prio);     /* (written by t's core: relaxed, as below) */
}

int td_thread_state(const td_thread_t *t)
{
    if (t == NULL)
        return TD_ERR_PARAM;
    if (t->magic != TD_THREAD_MAGIC)
        return TD_ERR_UNINIT;
    /* t's core writes its state and priority with relaxed stores (on the
     * Cortex-M0+ plain byte stores), so that another core may read them here
     * at any time; what it reads is the state at some moment of the call */
    unsigned st = TD_LOAD_RELAXED(t->state);
    if (t == TD_LOAD_RELAXED(td__cores[t->core].current) && st == TD_THREAD_READY)
        return TD_THREAD_RUNNING;
    return (int)st;
}

const char *td_thread_name(const td_thread_t *t)
{
    if (t == NULL || t->magic != TD_THREAD_MAGIC)
        return NULL;
    return t->name ? t->name : "";
}

/* Reads other threads' stacks, including what a sanitizer marks as their
 * frames' red zones: only the paint below the deepest write is looked at. */
__attribute__((no_sanitize_address))
long td_thread_stack_free(const td_thread_t *t)
{
    int r = check(t);
    if (r)
        return r;
    const uint32_t *w = t->stack;
    long n = 0;
    while (w[n] == TD_STACK_PAINT)
        n++;
    return n * 4;
}
