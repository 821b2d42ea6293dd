/*
 * kernel/fault.c: the one fault path (record, tell the other core, report
 * once, act by policy), its entries (the CPU's HardFault, a stack overflow
 * found at a switch or from the tick, TD_ASSERT, td_panic, a lockup the
 * other core saw), the policies and the fault records (tandem/fault.h,
 * docs/faults.md). The report's text is kernel/fault_report.c's; watching
 * the other core and cleaning up after it is kernel/supervise.c's.
 *
 * The fault path runs on the faulting core with its interrupts masked: in
 * the HardFault handler (td__fault_cpu), in the context switch (the
 * scheduler's stack check, registered at start), in the tick (the
 * supervision's stack check) or in the failing thread (TD_ASSERT,
 * td_panic). It uses per-core static storage only, never a lock it could
 * wait for: the console is written through td_console_write_panic, which
 * does not wait for a lock this core holds and waits a bounded time for the
 * other core.
 *
 * A core that halts marks itself HALTED (kernel/core.h) and touches nothing
 * any more: every spinlock it holds may be taken over from then on, and the
 * other core's supervision gives back the rest (kernel/down.h).
 */
#include "fault_sys.h"

#include "fault_report.h"
#include "link.h"
#include "panic_sys.h"
#include "sched.h"
#include "spin.h"
#include "thread_sys.h"
#include "trace.h"

#include "tandem/console.h"
#include "tandem/hwtable.h"

/* A ring build (TRACE=ring) lists the faulting core's latest trace events
 * in its report, a line each (kernel/fault_report.c). */
#if TD_TRACE_MODE == 2
#define TRACE_EVENTS 8u
#define REPORT_MAX (768u + TRACE_EVENTS * 64u)
#else
#define REPORT_MAX 768u
#endif

enum where { W_THREAD, W_ISR, W_SWITCH, W_CPU };

/* One core's fault state. Written by that core, except where noted. */
struct fcore {
    td_fault_record_t rec;       /* the last fault (readers copy it; a lockup:
                                    written by the other core) */
    td_fault_record_t work;      /* the fault being handled */
    uint32_t count;
    volatile uint8_t policy;     /* set by anyone */
    uint8_t in_fault;
    char buf[REPORT_MAX];        /* the report being written */
#if TD_TRACE_MODE == 2
    td_trace_event_t trace[TRACE_EVENTS];   /* the events in it */
#endif
};

static struct fcore fc[PORT_NUM_CORES];
static td_fault_record_t previous;
static uint8_t have_previous, previous_checked;

/* ---- records -------------------------------------------------------------------------- */

/* The report of r into s->buf (td__fault_format's arguments); in a ring
 * build with the latest trace events of 'core', copied into s->trace. */
static size_t format(struct fcore *s, unsigned core, const td_fault_record_t *r,
                     const struct td_fault_lock *locks, unsigned n, const char *cause)
{
#if TD_TRACE_MODE == 2
    unsigned nev = td_trace_read(core, s->trace, TRACE_EVENTS);
    return td__fault_format_traced(s->buf, REPORT_MAX, r, locks, n, cause, s->trace, nev);
#else
    (void)core;
    return td__fault_format(s->buf, REPORT_MAX, r, locks, n, cause);
#endif
}

static void clear(td_fault_record_t *r)
{
    uint32_t *w = (uint32_t *)(void *)r;
    for (size_t i = 0; i < sizeof *r / 4u; i++)
        w[i] = 0;
}

static void name_of(td_fault_record_t *r, const td_thread_t *t)
{
    const char *n = t ? t->name : NULL;
    unsigned i = 0;
    if (t != NULL && n == NULL)
        n = "?";
    while (n != NULL && n[i] != '\0' && i < sizeof r->thread - 1u) {
        r->thread[i] = n[i];
        i++;
    }
    r->thread[i] = '\0';
}

static void add_chain(td_fault_record_t *r, uint32_t v)
{
    for (unsigned i = 0; i < r->nchain; i++)
        if (r->chain[i] == v)
            return;
    if (r->nchain < TD_FAULT_CHAIN)
        r->chain[r->nchain++] = v;
}

static void chain_from(td_fault_record_t *r, uintptr_t sp)
{
    uint32_t found[TD_FAULT_CHAIN];
    unsigned n = port_call_chain(sp, found, TD_FAULT_CHAIN);
    for (unsigned i = 0; i < n; i++)
        add_chain(r, found[i]);
}

/* The watchdog scratch form: header, pc, lr, sp, xpsr, 8 bytes of name;
 * for a missed check-in (TD_FAULT_LOCKUP, TD_FAULT_WATCHDOG) the ms
 * without one and the limit instead of pc and lr. */
#define PERSIST_MAGIC 0x7du

static uint32_t persist_check(const uint32_t *w)
{
    uint32_t x = w[0] >> 8;
    for (unsigned i = 1; i < PORT_PERSIST_WORDS; i++)
        x ^= w[i];
    x ^= x >> 16;
    x ^= x >> 8;
    return (x ^ 0xa5u) & 0xffu;
}

static void persist_save(const td_fault_record_t *r)
{
    uint32_t w[PORT_PERSIST_WORDS] = { 0 };
    w[0] = (PERSIST_MAGIC << 24) | ((uint32_t)(r->core & 1u) << 23) |
           ((uint32_t)(r->reason & 0x3fu) << 16) | ((uint32_t)r->flags << 8);
    bool missed = r->reason == TD_FAULT_LOCKUP || r->reason == TD_FAULT_WATCHDOG;
    w[1] = missed ? (uint32_t)r->code : r->pc;
    w[2] = missed ? r->addr : r->lr;
    w[3] = r->sp;
    w[4] = r->xpsr;
    for (unsigned i = 0; i < 8 && r->thread[i] != '\0'; i++)
        w[5 + i / 4u] |= (uint32_t)(uint8_t)r->thread[i] << (8u * (i % 4u));
    w[0] |= persist_check(w);
    port_persist_write(w, PORT_PERSIST_WORDS);
}

static bool persist_load(td_fault_record_t *r)
{
    uint32_t w[PORT_PERSIST_WORDS];
    if (port_persist_read(w, PORT_PERSIST_WORDS) != TD_OK || (w[0] >> 24) != PERSIST_MAGIC ||
        (w[0] & 0xffu) != persist_check(w))
        return false;
    clear(r);
    r->seq = 1;
    r->core = (uint8_t)((w[0] >> 23) & 1u);
    r->reason = (uint8_t)((w[0] >> 16) & 0x3fu);
    r->flags = (uint8_t)(((w[0] >> 8) & 0xffu) | TD_FAULT_F_PREVIOUS);
    r->action = TD_FAULT_REBOOT;
    if (r->reason == TD_FAULT_LOCKUP || r->reason == TD_FAULT_WATCHDOG) {
        r->code = (int32_t)w[1];
        r->addr = w[2];
    } else {
        r->pc = w[1];
        r->lr = w[2];
    }
    r->sp = w[3];
    r->xpsr = w[4];
    for (unsigned i = 0; i < 8; i++)
        r->thread[i] = (char)(w[5 + i / 4u] >> (8u * (i % 4u)));
    r->thread[8] = '\0';
    return true;
}

/* ---- acting on a fault ------------------------------------------------------------------ */

/* This core stops for good (its supervisor cleans up after it). */
static void halt_here(unsigned me) __attribute__((noreturn));
static void halt_here(unsigned me)
{
    unsigned other = me ^ 1u;
    TD_STORE_RELEASE(td__cores[me].running, 0);
    td__core_set_state(me, TD_CORE_HALTED);   /* what it holds may be taken over now */
    if (!td__core_running(other) && td__core_state(other) != TD_CORE_FAULTING)
        port_exit(3);                    /* nobody left to run: end the run */
    port_halt();
}

/* Record, tell, report, act. Returns only if the policy ended 'victim' and
 * this core goes on (for W_THREAD the caller ends it). Interrupts masked. */
static void fault_path(td_fault_record_t *r, unsigned where, td_thread_t *victim)
{
    unsigned me = port_core_id();
    struct fcore *s = &fc[me];
    td_core_t *c = &td__cores[me];
    r->fault_cycles = port_cycles();
    r->core = (uint8_t)me;
    r->time_us = port_time_us();
    TD_TRACE(TD_TR_FAULT, r->reason, victim);
    if (r->thread[0] == '\0')
        name_of(r, victim ? victim : (TD_LOAD_ACQUIRE(c->running) ? c->current : NULL));

    unsigned act = s->policy;
    if (r->reason == TD_FAULT_EXIT) {
        act = TD_FAULT_HALT;
    } else if (act == TD_FAULT_KILL_THREAD &&
               (victim == NULL || victim == c->idle || r->reason == TD_FAULT_PANIC)) {
        act = TD_FAULT_HALT;
        r->flags |= TD_FAULT_F_ESCALATED;
    } else if (act == TD_FAULT_RESTART && me != 1) {
        act = TD_FAULT_HALT;
    }
    r->action = (uint8_t)act;
    r->seq = ++s->count;
    if (td__spin_holder(TD_SPIN_CONSOLE) == me)
        r->flags |= TD_FAULT_F_CONSOLE;
    td__core_set_state(me, TD_CORE_FAULTING);
    s->rec = *r;                                      /* 1. record */
    if (act == TD_FAULT_REBOOT)
        persist_save(r);
    if (r->reason != TD_FAULT_EXIT && act != TD_FAULT_KILL_THREAD)
        td__link_fault_notify(r->reason);             /* 2. tell the other core: down */
    /* 3. report, once */
    unsigned n = (unsigned)format(s, me, r, NULL, 0, port_fault_cause(r->core));
    s->rec.report_bytes = r->report_bytes = (uint16_t)n;
    s->rec.report_cycles = r->report_cycles = port_cycles();
    td_console_write_panic(s->buf, n);

    if (r->reason == TD_FAULT_EXIT) {                 /* the program ended: stop here */
        TD_STORE_RELEASE(c->running, 0);
        td__core_set_state(me, TD_CORE_HALTED);
        port_halt();
    }
    switch (act) {                                    /* 4. act */
    case TD_FAULT_KILL_THREAD:
        td__thread_kill(c, victim, where == W_THREAD);
        s->in_fault = 0;
        td__core_set_state(me, TD_CORE_RUNNING);
        return;
    case TD_FAULT_REBOOT:
        port_reboot();
    default:
        halt_here(me);
    }
}

/* A fault inside the fault path: say so in one line and stop. The line
 * goes through the console's fault-path write, as a report does: the other
 * core may be printing, and two cores writing the device at once mix and
 * drop bytes. */
static void nested(unsigned me, unsigned reason) __attribute__((noreturn));
static void nested(unsigned me, unsigned reason)
{
    char line[] = "*** FAULT core 0: a fault in the fault path (reason 00); halted\n";
    line[15] = (char)('0' + me);
    line[52] = (char)('0' + reason / 10u % 10u);
    line[53] = (char)('0' + reason % 10u);
    td_console_write_panic(line, sizeof line - 1u);
    halt_here(me);
}

/* Enter the fault path on this core (a fault inside it halts the core at
 * once) and start a fresh record for `reason`. */
static td_fault_record_t *begin_record(unsigned me, unsigned reason)
{
    struct fcore *s = &fc[me];
    if (s->in_fault)
        nested(me, reason);
    s->in_fault = 1;
    td_fault_record_t *r = &s->work;
    clear(r);
    r->reason = (uint8_t)reason;
    return r;
}

/* A stack overflow found by the canary (at a switch or from the tick). */
static td_fault_record_t *begin_stack_record(unsigned me, const td_thread_t *t, uintptr_t sp)
{
    td_fault_record_t *r = begin_record(me, TD_FAULT_STACK);
    r->flags = TD_FAULT_F_CANARY;
    r->sp = (uint32_t)sp;
    r->addr = (uint32_t)(uintptr_t)t->stack;
    return r;
}

void *td__fault_cpu(port_fault_frame_t *f)
{
    unsigned me = port_core_id();
    td_core_t *c = &td__cores[me];
    td_fault_record_t *r = begin_record(me, f->reason);
    r->pc = f->pc;
    r->lr = f->lr;
    r->sp = f->sp;
    r->xpsr = f->xpsr;
    r->r[0] = f->r[0];
    r->r[1] = f->r[1];
    r->r[2] = f->r[2];
    r->r[3] = f->r[3];
    r->r[4] = f->r[12];
    r->addr = f->addr;
    r->code = (int32_t)(f->reason == TD_FAULT_EXIT || f->reason == TD_FAULT_BAD_INSTRUCTION ||
                                f->reason == TD_FAULT_BAD_JUMP
                            ? f->code
                            : f->size);
    if (!f->frame_ok)
        r->flags |= TD_FAULT_F_FRAME_LOST;
    if (f->primask)
        r->flags |= TD_FAULT_F_MASKED;
    td_thread_t *cur = TD_LOAD_ACQUIRE(c->running) ? c->current : NULL;
    td_thread_t *victim = NULL;
    if (!f->thread_mode) {
        r->flags |= TD_FAULT_F_IN_ISR;
        r->exc = f->frame_ok ? (uint8_t)(f->xpsr & 0x3fu) : 0;
        if (r->reason == TD_FAULT_MAIN_STACK) {
            uintptr_t lo, hi;
            port_main_stack(me, &lo, &hi);
            r->addr = (uint32_t)(lo + PORT_MAIN_GUARD);
        }
    } else if (cur != NULL) {
        uintptr_t limit = (uintptr_t)cur->stack;
        uintptr_t guard = (uintptr_t)td__stack_guard(cur);
        if (!f->frame_ok || f->sp < limit || (f->addr >= guard && f->addr < limit)) {
            r->reason = TD_FAULT_STACK;
            r->addr = (uint32_t)limit;
        }
        if (!f->primask)
            victim = cur;
    }
    if (f->frame_ok && r->reason != TD_FAULT_BAD_JUMP)
        add_chain(r, f->pc);
    if (f->frame_ok && port_code_return(f->lr))
        add_chain(r, f->lr);
    if (f->frame_ok || r->reason == TD_FAULT_STACK)
        chain_from(r, r->reason == TD_FAULT_STACK && !f->frame_ok ? (uintptr_t)cur->stack : f->sp);
    fault_path(r, W_CPU, victim);
    /* the victim was ended: run the next thread */
    td_thread_t *n = td__top(c);
    c->switches++;
    TD_STORE_RELAXED(c->current, n);
    port_guard_thread(td__stack_guard(n));
    return n->ctx;
}

/* The scheduler's stack check found thread t (leaving the processor, its
 * stack pointer sp) past its stack or with its canary overwritten. */
static void switch_stack_fault(td_core_t *c, td_thread_t *t, uintptr_t sp)
{
    (void)c;
    fault_path(begin_stack_record(port_core_id(), t, sp), W_SWITCH, t);
}

/* A software-detected fault (assertion, panic) in the calling context. */
static void soft_fault(unsigned reason, const char *file, int line, const char *text,
                       uintptr_t ret, uintptr_t sp) __attribute__((noreturn));
static void soft_fault(unsigned reason, const char *file, int line, const char *text,
                       uintptr_t ret, uintptr_t sp)
{
    port_irq_state_t st = port_irq_save();
    unsigned me = port_core_id();
    td_core_t *c = &td__cores[me];
    bool isr = port_in_isr();
    td_fault_record_t *r = begin_record(me, reason);
    r->file = file;
    r->line = (uint16_t)line;
    r->text = text;
    r->pc = ret ? (uint32_t)(ret & ~(uintptr_t)1u) - 2u : 0u;   /* the call itself */
    r->sp = (uint32_t)sp;
    if (isr)
        r->flags |= TD_FAULT_F_IN_ISR;
    if (st != 0)
        r->flags |= TD_FAULT_F_MASKED;
    td_thread_t *cur = TD_LOAD_ACQUIRE(c->running) ? c->current : NULL;
    td_thread_t *victim = (!isr && st == 0) ? cur : NULL;
    if (r->pc)
        add_chain(r, r->pc);
    chain_from(r, sp);
    fault_path(r, isr ? W_ISR : W_THREAD, victim);
    port_irq_restore(st);
    td_thread_exit();                    /* the thread ends itself */
}

void td_assert_fail(const char *file, int line, const char *expr)
{
    soft_fault(TD_FAULT_ASSERT, file, line, expr, (uintptr_t)__builtin_return_address(0),
               (uintptr_t)__builtin_frame_address(0));
}


void td__fault_tick_stack(td_core_t *c, td_thread_t *t, uintptr_t sp)
{
    port_irq_state_t st = port_irq_save();
    td_fault_record_t *r = begin_stack_record(port_core_id(), t, sp);
    fault_path(r, W_ISR, t == c->idle ? NULL : t);
    /* t was ended; the switch away from it checks its stack again, so it
     * must find t's canary back (else the same overflow is reported a
     * second time) and save t's context, never resumed, within t's stack
     * (port_thread_abandon: at its bottom, over a valid frame; not where
     * its last context was, which may have been resumed since). The canary
     * may have been overwritten by another thread, core or DMA while t did
     * not run; t's guard is armed (read-only) while t is current, so it is
     * disarmed first, with the barrier that makes the handler's own write
     * see it (the switch arms the next thread's). */
    if (t->stack[-1] != td__canary_of(t->stack - 1)) {
        port_guard_off();
        t->stack[-1] = td__canary_of(t->stack - 1);
    }
    port_thread_abandon(t->stack);
    port_irq_restore(st);
}

unsigned td__fault_lockup(unsigned peer, uint32_t ms, const struct td_fault_lock *locks,
                          unsigned n)
{
    unsigned me = port_core_id();
    struct fcore *p = &fc[peer];
    td_fault_record_t *r = &fc[me].work;
    clear(r);
    r->reason = TD_FAULT_LOCKUP;
    r->core = (uint8_t)peer;
    r->code = (int32_t)ms;
    r->time_us = port_time_us();
    name_of(r, TD_LOAD_RELAXED(td__cores[peer].current));
    unsigned act = p->policy;
    if (act == TD_FAULT_KILL_THREAD || (act == TD_FAULT_RESTART && peer != 1))
        act = TD_FAULT_HALT;
    if (peer == 0)
        act = TD_FAULT_HALT;             /* core 1 cannot stop core 0: report only */
    r->action = (uint8_t)act;
    r->seq = ++p->count;
    p->rec = *r;
    size_t len = format(&fc[me], peer, r, locks, n, port_fault_cause(r->core));
    td_console_write_panic(fc[me].buf, len);
    if (peer == 1 && act == TD_FAULT_REBOOT) {
        persist_save(r);
        port_reboot();
    }
    return act;
}

void td__fault_watchdog(unsigned core, unsigned reason, const char *thread, uint32_t ms,
                        uint32_t limit_ms, unsigned act, bool escalated)
{
    unsigned me = port_core_id();
    struct fcore *p = &fc[core];
    td_fault_record_t *r = &fc[me].work;
    clear(r);
    r->reason = (uint8_t)reason;
    r->core = (uint8_t)core;
    r->code = (int32_t)ms;
    r->addr = limit_ms;
    r->time_us = port_time_us();
    for (unsigned i = 0; thread != NULL && thread[i] != '\0' && i < sizeof r->thread - 1u; i++)
        r->thread[i] = thread[i];
    r->action = (uint8_t)act;
    if (escalated)
        r->flags |= TD_FAULT_F_ESCALATED;
    r->seq = ++p->count;
    p->rec = *r;
    size_t len = format(&fc[me], core, r, NULL, 0, NULL);
    td_console_write_panic(fc[me].buf, len);
    if (act == TD_FAULT_REBOOT) {
        persist_save(r);
        port_reboot();
    }
}

/* ---- start-up ----------------------------------------------------------------------------- */

static void report_previous(void)
{
    if (!persist_load(&previous)) {
        if (!port_watchdog_timed_out())
            return;
        clear(&previous);                /* the chip's watchdog ran out: no record */
        previous.seq = 1;
        previous.reason = TD_FAULT_WATCHDOG;
        previous.action = TD_FAULT_REBOOT;
        previous.flags = TD_FAULT_F_PREVIOUS | TD_FAULT_F_HW_WATCHDOG;
    }
    have_previous = 1;
    port_persist_write(NULL, 0);         /* reported once */
    size_t n = td__fault_format_previous(fc[0].buf, REPORT_MAX, &previous);
    td_console_write(fc[0].buf, n);
}

void td__fault_core_start(td_core_t *c)
{
    unsigned me = port_core_id();
    port_guard_init();
    port_guard_thread(td__stack_guard(c->current));
    fc[me].in_fault = 0;
    td__sched_set_stack_fault(switch_stack_fault);
    td__panic_set_path(soft_fault);     /* td_panic, call-class checks */
    td__core_set_state(me, TD_CORE_RUNNING);
    if (me == 0 && !previous_checked) {
        previous_checked = 1;
        report_previous();
    }
}

/* ---- the public calls ------------------------------------------------------------------------ */

int td_fault_last(unsigned core, td_fault_record_t *out)
{
    if (core >= PORT_NUM_CORES || out == NULL)
        return TD_ERR_PARAM;
    port_irq_state_t s = port_irq_save();
    *out = fc[core].rec;
    port_irq_restore(s);
    return out->seq ? TD_OK : TD_ERR_EMPTY;
}

uint32_t td_fault_count(unsigned core)
{
    return core < PORT_NUM_CORES ? fc[core].count : 0u;
}

int td_fault_previous(td_fault_record_t *out)
{
    if (out == NULL)
        return TD_ERR_PARAM;
    if (!have_previous)
        return TD_ERR_EMPTY;
    *out = previous;
    return TD_OK;
}

int td_fault_set_policy(unsigned core, unsigned policy)
{
    if (core >= PORT_NUM_CORES || policy >= TD_FAULT_POLICIES ||
        (policy == TD_FAULT_RESTART && core != 1))
        return TD_ERR_PARAM;
    TD_STORE_RELEASE(fc[core].policy, (uint8_t)policy);
    return TD_OK;
}

int td_fault_policy(unsigned core)
{
    return core < PORT_NUM_CORES ? (int)TD_LOAD_ACQUIRE(fc[core].policy) : TD_ERR_PARAM;
}

int td_fault_core_state(unsigned core)
{
    return core < PORT_NUM_CORES ? (int)td__core_state(core) : TD_ERR_PARAM;
}
