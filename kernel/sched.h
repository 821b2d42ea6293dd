/*
 * kernel/sched.h: the scheduler's internal interface (private to kernel/;
 * owned by kernel/sched.c): ready lists, wait lists, blocking and waking,
 * priority changes, and the checks every call on a core-bound object makes.
 *
 * Every function here is called with this core's interrupts masked unless
 * it says otherwise, and works on the calling core's instance only.
 */
#ifndef TANDEM_KERNEL_SCHED_H
#define TANDEM_KERNEL_SCHED_H

#include "core.h"
#include "trace.h"

/* td_thread_t.flags */
#define TF_TIMED  0x01u  /* on the core's timeout list */
#define TF_OPS    0x02u  /* the wait carries operations: wdata.p is its struct td_wait */
#define TF_IDLE   0x10u  /* the core's idle thread */

/* ---- waits with operations ------------------------------------------------------
 * The scheduler knows no object type. A wait that needs more than leaving
 * its list when it ends (a mutex's waiter lends its priority; a waiter for
 * a cross-core object is counted in it) carries its own operations: the
 * blocking call keeps a struct td_wait (on its own stack: it is alive for
 * exactly as long as the wait) and td__wait_ops points the thread at it.
 * td__wake calls the matching operation once the thread is off its wait
 * and timeout lists, with this core's interrupts masked:
 *   woken      the object ended the wait (td__wake with TD_OK);
 *   timed_out  its timeout ran out (TD_ERR_TIMEOUT);
 *   cancelled  it was ended from outside (any other result: the thread is
 *              being ended, TD_ERR_STATE);
 *   requeued   t's priority changed while it waits (td__set_prio re-sorted
 *              it in its list): returns the thread whose priority follows
 *              from that, with its new priority in *prio, or NULL.
 * Any of them may be NULL. */
struct td_wait;
typedef void (*td_wait_end_fn)(td_core_t *c, td_thread_t *t, struct td_wait *w);
struct td_wait_ops {
    td_wait_end_fn woken, timed_out, cancelled;
    td_thread_t *(*requeued)(td_thread_t *t, struct td_wait *w, unsigned *prio);
};
struct td_wait {
    const struct td_wait_ops *ops;
    void *obj;                   /* what the wait is for */
};

/* Between td__wait_prep and td__wait_commit: t's wait has operations w. */
static inline void td__wait_ops(td_thread_t *t, struct td_wait *w)
{
    t->wdata.p = w;
    t->flags |= TF_OPS;
}

#define TD__LIKELY(x)   __builtin_expect(!!(x), 1)
#define TD__UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Bind an object's core byte to the calling core on first use. Returns 0 or
 * TD_ERR_WRONG_CORE. Any context, interrupts in any state. The fast test
 * needs no ordering: a byte equal to this core's id was written by this
 * core. */
int td__bind_slow(uint8_t *core);
TD_HOT int td__bind(uint8_t *core)
{
    return TD_LOAD_RELAXED(*core) == port_core_id() ? TD_OK : td__bind_slow(core);
}
/* The checks every call on a core-bound object makes: null, magic, core
 * (binding an unbound object to this core). Every such object has a 16-bit
 * 'magic' followed by its 8-bit 'core'. Returns 0, TD_ERR_PARAM,
 * TD_ERR_UNINIT or TD_ERR_WRONG_CORE. TD_CHECK calls the shared function;
 * TD__CHECK is the same test inline, for the measured fast paths, with
 * only the failures out of line ('me' is port_core_id(), read once by the
 * caller). */
int td__check(const void *obj, size_t magic_offset, unsigned magic);
#define TD_CHECK(obj, type, want) td__check((obj), offsetof(type, magic), (want))
/* The same checks for a call only a thread may make: from an interrupt
 * handler they bind nothing (the call is refused there, and a refused call
 * changes nothing: an object no core used yet stays free for either core's
 * first thread) but return what a bind would, so that the errors keep
 * their order; the caller then refuses the handler (TD_ERR_IN_ISR). */
int td__check_thread(const void *obj, size_t magic_offset, unsigned magic);
/* The first two of those checks alone, for objects bound to no core (the
 * cross-core ones) and for reading an object's state: null (TD_ERR_PARAM),
 * magic (TD_ERR_UNINIT), else 0. */
int td__valid(const void *obj, size_t magic_offset, unsigned magic);
#define TD_VALID(obj, type, want) td__valid((obj), offsetof(type, magic), (want))
/* The checks of a call only a thread may make, in this order: a timeout
 * that is neither TD_FOREVER nor at most TD_TIMEOUT_MAX (TD_ERR_PARAM; a
 * call without one passes TD_NO_WAIT), td__check's (td__valid's for an
 * object bound to no core: TD_CHECK_XCALL), then an interrupt handler
 * calling (TD_ERR_IN_ISR); the core check is td__check_thread's. One call
 * in place of the same tests at each entry point. */
#define TD__UNBOUND 1u               /* in magic_offset (even): no core to check */
int td__check_call(const void *obj, size_t magic_offset, unsigned magic, td_tick_t timeout);
#define TD_CHECK_CALL(obj, type, want, timeout)                                          \
    td__check_call((obj), offsetof(type, magic), (want), (timeout))
#define TD_CHECK_XCALL(obj, type, want, timeout)                                         \
    td__check_call((obj), offsetof(type, magic) | TD__UNBOUND, (want), (timeout))
/* TD__CHECK's one word: an object whose word-aligned 16-bit magic is
 * followed by its core byte and a byte its init keeps 0 (little-endian: the
 * magic is the word's low half, the core its third byte) holds
 * TD__CHECK_WORD(want, me) there exactly when all three checks pass: one
 * load and one compare instead of two of each. Anything else, a non-zero
 * fourth byte included, goes to td__check, which tells the errors apart as
 * before (and passes an object that is only slow). 'key' is that word for
 * the calling core, a constant the caller keeps (a semaphore's: its core's
 * sem_word, set by td_kernel_start; 0 before, which no object's word
 * equals, so every call then takes td__check). The load is relaxed: the
 * other core may bind an unbound object's core byte meanwhile, and then the
 * word is not this core's either way. */
#define TD__CHECK_WORD(want, me) ((uint32_t)(want) + ((uint32_t)(me) << 16))
typedef uint32_t __attribute__((may_alias)) td__key_word_t;
#define TD__CHECK_WORD_OK(type)                                                          \
    (offsetof(type, magic) % 4u == 0 && offsetof(type, core) == offsetof(type, magic) + 2u && \
     offsetof(type, zero_) == offsetof(type, magic) + 3u &&                             \
     __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define TD__CHECK(obj, type, want, key)                                              \
    TD__CHECK_OR(obj, key, td__check((obj), offsetof(type, magic), (want)))
/* The same word test with another slow path: 'slow', an expression that
 * makes the full checks (a call only a thread may make: td__check_thread). */
#define TD__CHECK_OR(obj, key, slow)                                                 \
    (((obj) != NULL &&                                                              \
      __atomic_load_n((const td__key_word_t *)(const void *)&(obj)->magic,         \
                      __ATOMIC_RELAXED) == (key))                                   \
         ? TD_OK                                                                    \
         : (slow))

/* Checks for a call that is about to block the current thread, with the
 * interrupt state s from port_irq_save: TD_ERR_STATE (kernel not running or
 * interrupts were masked by the caller), TD_ERR_IDLE, or 0. */
int td__can_wait(const td_core_t *c, port_irq_state_t s);
/* The same tests, inline: a caller that blocks without another call before
 * it keeps fewer values in the registers calls preserve. (td__can_wait keeps
 * its own body: as a call of this one, the message layer's blocking receive
 * took a cycle more.) */
TD_HOT int td__can_wait_hot(const td_core_t *c, port_irq_state_t s)
{
    td_thread_t *cur = c->current;
    if (s != 0 || cur == NULL)
        return TD_ERR_STATE;
    return cur == c->idle ? TD_ERR_IDLE : TD_OK;
}

/* Wait lists: circular, doubly linked through next/prev, head first. */
void td__list_add_tail(td_thread_t **head, td_thread_t *t);
void td__list_add_prio(td_thread_t **head, td_thread_t *t); /* urgent first, FIFO among equals */
void td__list_del(td_thread_t **head, td_thread_t *t);

/* The ready map has the most urgent level in its lowest bit, so that the
 * top level is the lowest set bit, isolated with m & -m (the M0+ has no
 * CLZ). */
#define TD__PRIO_BIT(p) (0x80000000u >> (p))

/* Make t READY: at the tail of its level, or, ahead of the known top
 * thread, as the loose thread (below). */
void td__ready(td_core_t *c, td_thread_t *t);
void td__unready(td_core_t *c, td_thread_t *t);  /* take off the ready lists */

/* The loose thread (c->loose). A READY thread is on its level's ready list,
 * but for one: a thread made READY that is more urgent than the top thread
 * (c->top, known) is handed the top place without being linked
 * (td__ready_hot, td__wake_first_resched_hot), so that a thread woken to
 * run at once and blocking again soon touches no ready list at all. While
 * c->loose is not NULL:
 *   - it is READY, and c->top is either it or NULL (to be looked up);
 *   - no other thread is on its level's list and the level's bit in the
 *     map is clear: every level above the top thread's was empty when it
 *     was handed the top place, and a thread linked at its level settles it
 *     first;
 *   - its own next/prev are stale (its old wait list's).
 * td__settle links it onto its level, the head (where it would be had it
 * been linked when made READY), and forgets it: a thread linked at its
 * level, a new loose thread, a yield and the lookup of the top thread
 * settle it first; td__unready of the loose thread only forgets it; the
 * tick's round robin leaves it alone (it is alone at its level). */
void td__settle_slow(td_core_t *c);
TD_HOT void td__settle(td_core_t *c)
{
    if (TD__UNLIKELY(c->loose != NULL))
        td__settle_slow(c);
}
/* Settle the loose thread if it is at level p (about to be linked to). */
TD_HOT void td__settle_level(td_core_t *c, unsigned p)
{
    td_thread_t *l = c->loose;
    if (TD__UNLIKELY(l != NULL) && l->prio == p)
        td__settle_slow(c);
}
/* The thread that should run: head of the highest non-empty ready list, or
 * the idle thread. Kept in c->top, looked up only after the top thread
 * left the ready lists or its level was rotated. */
td_thread_t *td__top_find(td_core_t *c);
TD_HOT td_thread_t *td__top(td_core_t *c)
{
    td_thread_t *t = c->top;
    return t != NULL ? t : td__top_find(c);
}
/* The head of t's level changed (round robin): forget the cached top. */
static inline void td__rotated(td_core_t *c) { c->top = NULL; }

/* Request a switch if the top thread is not the current one (performed when
 * the interrupt returns or the mask is lifted). */
void td__resched(td_core_t *c);
/* td__resched, then restore the interrupt state s. From a thread that had
 * interrupts enabled (s == 0) the switch is made at once, thread to thread
 * (port_switch), without an exception. */
void td__resched_restore(td_core_t *c, port_irq_state_t s);

/* Block the current thread on wait list wq (NULL: a plain sleep) until woken
 * or until tick 'deadline' (if timed). td__wait_prep queues it; the caller
 * may then adjust (priority inheritance) and must call td__wait_commit,
 * which switches to the next thread (thread to thread, port_switch), then
 * restores the interrupt mask s (0: only threads block) and returns how the
 * wait ended (0, TD_ERR_TIMEOUT or what the waker set). */
void td__wait_prep(td_core_t *c, td_thread_t **wq, bool timed, td_tick_t deadline);
int td__wait_commit(td_core_t *c, port_irq_state_t s);
/* td__wait_prep + td__wait_commit with a relative timeout (not 0). */
int td__wait(td_core_t *c, td_thread_t **wq, td_tick_t timeout, port_irq_state_t s);
/* The end of a blocking call that found its object unavailable, with this
 * core's interrupts masked (state s): TD_ERR_WOULD_BLOCK for a timeout of
 * TD_NO_WAIT, td__can_wait's error, or else the current thread's wait on wq
 * (td__wait) with wdata.p = data. Restores s on every path; returns what
 * the wait returned or the error. */
int td__block(td_core_t *c, td_thread_t **wq, td_tick_t timeout, port_irq_state_t s,
              void *data);

/* A same-core object's deinit, whose wait list is its first member: the
 * checks of td__check (and, with 'owner' given, a thread's call:
 * TD_ERR_IN_ISR after them), then, with this core's interrupts masked,
 * TD_ERR_BUSY if threads wait on it or *owner is set, or else its magic
 * cleared (no call on it passes a check after that). */
int td__deinit(void *obj, size_t magic_offset, unsigned magic, void *const *owner);
#define TD_DEINIT(obj, type, want, owner) td__deinit((obj), offsetof(type, magic), (want), (owner))

/* End t's wait with 'result': off its wait list and timeout list, READY. */
void td__wake(td_core_t *c, td_thread_t *t, int result);

/* ---- stack geometry (the fault module's; here for the switch paths) ---------------
 * A thread's stack: [guard, guard + PORT_STACK_GUARD) at the bottom, filled
 * with TD_STACK_CANARY but for its top word, the canary the checks read
 * (the first word an overflow hits), which holds its own address: the
 * checks compare it with the address they read it from, with no constant
 * to load. Then the usable part starting at t->stack. */
#define TD_STACK_CANARY 0x5a6b7c8du

static inline const uint32_t *td__stack_guard(const td_thread_t *t)
{
    return t->stack - PORT_STACK_GUARD / 4u;
}

/* The value the canary at w holds: its own address (its low 32 bits on a
 * 64-bit host). */
static inline uint32_t td__canary_of(const volatile uint32_t *w)
{
    return (uint32_t)(uintptr_t)w;
}

/* The thread's stack pointer sp is inside its usable stack and the word
 * right below it (the guard's top, the first an overflow hits) is intact. */
static inline bool td__stack_ok(const td_thread_t *t, uintptr_t sp)
{
    const uint32_t *w = t->stack - 1;
    return sp >= (uintptr_t)t->stack && *w == td__canary_of(w);
}

/* ---- the hot paths, inline -------------------------------------------------
 * The bodies of td__ready, td__wake, td__resched_restore and td__wait, for
 * the few callers whose speed is measured (semaphores) and for sched.c's
 * own out-of-line versions, which everything else calls. */

/* Out-of-line parts they use. */
void td__timeout_add(td_core_t *c, td_thread_t *t, td_tick_t deadline);
/* The rare parts of a wake (flags f: a timed wait, a wait with
 * operations). */
void td__wake_slow(td_core_t *c, td_thread_t *t, uint8_t f, int result);
/* A direct switch found the leaving thread 'from' past its stack or with
 * its canary overwritten (what port_switch_hook checks for a requested
 * switch): the stack fault handler for it, then the top thread. */
td_thread_t *td__switch_bad(td_core_t *c, td_thread_t *from, uintptr_t sp);

TD_HOT void td__list_add_tail_hot(td_thread_t **head, td_thread_t *t)
{
    td_thread_t *h = *head;
    if (h == NULL) {
        t->next = t->prev = t;
        *head = t;
    } else {
        td_thread_t *last = h->prev;
        t->next = h;
        t->prev = last;
        last->next = t;
        h->prev = t;
    }
}

/* Unlink t from the list at *head; t's own links are left as they were. */
TD_HOT void td__list_unlink_hot(td_thread_t **head, td_thread_t *t)
{
    td_thread_t *n = t->next;
    if (n == t) {
        *head = NULL;
    } else {
        td_thread_t *p = t->prev;
        p->next = n;
        n->prev = p;
        if (*head == t)
            *head = n;
    }
}

/* t onto its ready list (at the tail of its level), READY; the cached top
 * is left to the caller. */
TD_HOT void td__ready_link_hot(td_core_t *c, td_thread_t *t, unsigned p)
{
    td__settle_level(c, p);
    td_thread_t **head = &c->ready[p];
    td_thread_t *h = *head;
    TD_STORE_RELAXED(t->state, (uint8_t)TD_THREAD_READY);
    if (h == NULL) {                     /* the level's first: its bit in the map */
        t->next = t->prev = t;
        *head = t;
        c->ready_map |= TD__PRIO_BIT(p);
    } else {
        td_thread_t *last = h->prev;
        t->next = h;
        t->prev = last;
        last->next = t;
        h->prev = t;
    }
}

/* Whether a thread of priority p made READY goes before 'top', the thread
 * that should run (not NULL): more urgent, or top is the idle thread. */
TD_HOT bool td__before_top(const td_core_t *c, const td_thread_t *top, unsigned p)
{
    return p > top->prio || top == c->idle;
}

/* t, more urgent than the top thread (known), READY as the loose thread
 * and the top; the loose thread before it (the old top) onto its level. */
TD_HOT void td__hand_top_hot(td_core_t *c, td_thread_t *t)
{
    td__settle(c);
    TD_STORE_RELAXED(t->state, (uint8_t)TD_THREAD_READY);
    c->loose = t;
    c->top = t;
}

/* td__ready; returns the cached top thread after it (NULL: unknown). */
TD_HOT td_thread_t *td__ready_hot(td_core_t *c, td_thread_t *t)
{
    unsigned p = t->prio;
    td_thread_t *top = c->top;
    if (top != NULL && td__before_top(c, top, p)) {
        td__hand_top_hot(c, t);          /* more urgent than the top */
        return t;
    }
    td__ready_link_hot(c, t, p);
    return top;
}

/* Make 'to' the running thread at once, thread to thread (a thread, with
 * interrupts masked by a caller that had them enabled). 'from' blocks
 * (port_switch) or, with 'ready' (a constant), stays ready
 * (port_switch_preempt). */
TD_HOT void td__switch_from_hot(td_core_t *c, td_thread_t *from, td_thread_t *to, bool ready)
{
    uintptr_t sp = port_own_sp();       /* (a thread: its own) */
    if (!td__stack_ok(from, sp))        /* as port_switch_hook checks */
        to = td__switch_bad(c, from, sp);
    TD_TRACE(TD_TR_SWITCH, from, to);
    c->switches++;
    TD_STORE_RELAXED(c->current, to);    /* (read by the other core: core.h) */
    port_guard_thread(td__stack_guard(to));
    if (ready)
        port_switch_preempt(&from->ctx, to->ctx);
    else
        port_switch(&from->ctx, to->ctx);
}

TD_HOT void td__switch_now_hot(td_core_t *c, td_thread_t *to, bool ready)
{
    td__switch_from_hot(c, c->current, to, ready);
}

/* td__resched_restore, given the cached top (NULL: unknown). */
TD_HOT void td__resched_to_hot(td_core_t *c, td_thread_t *top, port_irq_state_t s)
{
    if (top == NULL)
        top = td__top_find(c);
    td_thread_t *cur = c->current;
    if (top != cur && cur != NULL) {     /* (NULL: the kernel is not running) */
        if (s == 0 && !port_in_isr())
            td__switch_now_hot(c, top, true);   /* (the current thread most often stays ready) */
        else
            port_switch_request();
    }
    port_irq_restore(s);
}

TD_HOT void td__resched_restore_hot(td_core_t *c, port_irq_state_t s)
{
    td__resched_to_hot(c, c->top, s);
}

TD_HOT void td__wait_prep_hot(td_core_t *c, td_thread_t **wq, bool timed, td_tick_t deadline)
{
    td_thread_t *t = c->current;
    TD_TRACE(TD_TR_WAIT, wq, timed);
    td__unready(c, t);
    TD_STORE_RELAXED(t->state, (uint8_t)(wq ? TD_THREAD_BLOCKED : TD_THREAD_SLEEPING));
    t->result = TD_ERR_TIMEOUT;
    t->wq = wq;
    if (wq != NULL)
        td__list_add_prio(wq, t);
    if (timed)
        td__timeout_add(c, t, deadline);
}

TD_HOT int td__wait_commit_hot(td_core_t *c, port_irq_state_t s)
{
    td_thread_t *t = c->current;
    td__switch_now_hot(c, td__top(c), false);  /* back when woken */
    port_irq_restore(s);
    return t->result;
}

/* td__wait_commit_hot for a caller whose state is known to be 0 (as
 * td__can_wait demands): the mask lifted by port_irq_enable. */
TD_HOT int td__wait_commit_enable_hot(td_core_t *c)
{
    td_thread_t *t = c->current;
    td__switch_from_hot(c, t, td__top(c), false);  /* back when woken */
    port_irq_enable();
    return t->result;
}

/* The common tail of the wakes: the rare parts, the result, READY. */
TD_HOT td_thread_t *td__wake_tail_hot(td_core_t *c, td_thread_t *t, int result)
{
    uint8_t f = t->flags;
    if (TD__UNLIKELY(f & (TF_TIMED | TF_OPS))) {
        t->flags = f & TF_IDLE;
        td__wake_slow(c, t, f, result);
    }
    t->result = (int8_t)result;
    t->slice = 0;
    return td__ready_hot(c, t);
}

/* td__wake; returns the cached top thread after it (NULL: unknown). */
TD_HOT td_thread_t *td__wake_hot(td_core_t *c, td_thread_t *t, int result)
{
    TD_TRACE(TD_TR_WAKE, t, result);
    td_thread_t **wq = t->wq;           /* (left as is: read only while BLOCKED) */
    if (wq != NULL)
        td__list_unlink_hot(wq, t);
    return td__wake_tail_hot(c, t, result);
}

/* Take t, the first thread of wait list *wq, off it: the usual wake of an
 * object that has waiters, its head known. */
TD_HOT void td__first_unlink_hot(td_thread_t **wq, td_thread_t *t)
{
    td_thread_t *n = t->next;
    if (n == t) {
        *wq = NULL;
    } else {
        td_thread_t *p = t->prev;
        p->next = n;
        n->prev = p;
        *wq = n;
    }
}

/* The rest of td__wake_first_resched_hot, out of line, for every case but
 * its one fast case (t is off its wait list): the rare parts of the wake,
 * t's result, td__ready of t, then td__resched_restore with the interrupt
 * state s. */
void td__wake_resched_slow(td_core_t *c, td_thread_t *t, int result, port_irq_state_t s);

/* td__wake of t, the first thread on wait list *wq, then
 * td__resched_restore with the interrupt state s: the give of an object
 * with waiters in one pass. In the usual case (a wait without a timeout or
 * operations, no loose thread, the running thread the top one, always so in
 * a thread with interrupts enabled, and the woken thread more urgent), the
 * decision is one comparison of priorities and the woken thread is handed
 * the top place (the loose thread, above) and the processor: at once,
 * thread to thread, or by the switch requested from a handler or under a
 * mask. Everything else, a loose thread to settle included, is
 * td__wake_resched_slow, a call that is the pass's last act: so the fast
 * case calls nothing out of line but the switch (and the stack fault path),
 * and the caller keeps fewer values in registers that calls preserve. */
TD_HOT void td__wake_first_resched_hot(td_core_t *c, td_thread_t **wq, td_thread_t *t,
                                       int result, port_irq_state_t s)
{
    TD_TRACE(TD_TR_WAKE, t, result);
    td__first_unlink_hot(wq, t);
    uint8_t f = t->flags;
    td_thread_t *cur = c->current;
    if (TD__LIKELY(!(f & (TF_TIMED | TF_OPS)) && c->loose == NULL && c->top == cur &&
                   cur != NULL && td__before_top(c, cur, t->prio))) {
        t->result = (int8_t)result;
        t->slice = 0;
        TD_STORE_RELAXED(t->state, (uint8_t)TD_THREAD_READY);
        c->loose = t;                    /* td__hand_top_hot, nothing to settle */
        c->top = t;
        if (!port_in_isr() && s == 0) {
            td__switch_from_hot(c, cur, t, true);
            port_irq_enable();           /* (s is 0) */
            return;
        }
        port_switch_request();
        port_irq_restore(s);
        return;
    }
    td__wake_resched_slow(c, t, result, s);
}

/* What the switches do with a thread found past its stack or with its
 * canary overwritten (t leaving the processor, its stack pointer sp): the
 * fault path, registered by the fault module before the first switch.
 * It returns if the policy ended t and the core goes on. */
typedef void (*td_stack_fault_fn)(td_core_t *c, td_thread_t *t, uintptr_t sp);
void td__sched_set_stack_fault(td_stack_fault_fn fn);

/* Set t's effective priority, re-sorting whatever list holds it and passing
 * the change on where its wait's operations say (requeued: a mutex's
 * owner, along chains of owners). */
void td__set_prio(td_core_t *c, td_thread_t *t, unsigned prio);

#endif /* TANDEM_KERNEL_SCHED_H */
