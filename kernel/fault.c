/*
 * kernel/fault.c: the one fault path (record, tell the other core, report
 * once, act by policy), the supervision each core keeps over the other,
 * assertions, td_panic and the hold check (tandem/fault.h, docs/faults.md).
 *
 * The fault path runs on the faulting core with its interrupts masked: in
 * the HardFault handler (td__fault_cpu), in the context switch
 * (td__fault_switch), in the tick (the supervision's own stack check) or in
 * the failing thread (TD_ASSERT, td_panic). It uses per-core static storage
 * only, never a lock it could wait for: the console is written through
 * td_console_write_panic, which does not wait for a lock this core holds and
 * waits a bounded time for the other core.
 *
 * A core that halts leaves the clean-up to the other core's supervision,
 * which runs from its tick once it sees the HALTED state: the halted core
 * sits in port_halt with interrupts masked and touches nothing any more, so
 * every kernel spinlock still held is stale and released, and its threads'
 * mutexes, td_locks, console lock and places in cross-core wait counts are
 * given back. Under the restart policy core 0 then relaunches core 1.
 */
#include "fault_sys.h"
#include "msg_sys.h"
#include "sched.h"
#include "xsync.h"

#include "tandem/console.h"
#include "tandem/fault.h"
#include "tandem/fmt.h"
#include "tandem/hwtable.h"
#include "tandem/kernel.h"
#include "tandem/mutex.h"
#include "tandem/panic.h"
#include "tandem/time.h"
#include "tandem/timer.h"
#include "tandem/xmutex.h"
#include "tandem/xsem.h"

#define REPORT_MAX 768u

#ifdef PORT_NO_HEARTBEAT
#define HEARTBEAT_MS 0u                  /* the port's cores can stall (host) */
#else
#define HEARTBEAT_MS TD_FAULT_HEARTBEAT_MS
#endif

enum where { W_THREAD, W_ISR, W_SWITCH, W_CPU };

/* One core's fault state. Written by that core, except where noted. */
struct fcore {
    td_fault_record_t rec;       /* the last fault (readers copy it) */
    td_fault_record_t work;      /* the fault being handled */
    uint32_t count;
    uint32_t beat;               /* the core's tick, published by its supervision */
    volatile uint8_t state;      /* enum td_core_state */
    volatile uint8_t policy;     /* set by anyone */
    uint8_t in_fault;
    volatile uint8_t cleaned;    /* set by the other core after its clean-up */
    char buf[REPORT_MAX];        /* the report being written */
};

/* What a core watches: the other core's heartbeat and state, and the
 * td_locks the other core holds. Only the watching core touches it. */
#define USER_LOCKS (TD_SPIN_USER_LAST - TD_SPIN_USER_FIRST + 1u)
struct watch {
    td_tick_t peer_tick;         /* the other core's tick when last seen */
    td_tick_t changed;           /* our tick when it last moved */
    td_tick_t faulting_since;    /* our tick when its fault path was first seen */
    uint8_t faulting_seen;
    uint8_t stalled;             /* reported as not responding */
    uint8_t lock_state[USER_LOCKS];   /* 0 free, 1 held, 2 held and reported */
    uint32_t lock_takes[USER_LOCKS];
    td_tick_t lock_since[USER_LOCKS];
};

static struct fcore fc[PORT_NUM_CORES];
static struct watch watch[PORT_NUM_CORES];
static td_timer_t supervisor[PORT_NUM_CORES];
static volatile uint32_t hold_limit_ms = TD_FAULT_HOLD_MS;
static volatile uint32_t restarts, hold_reports;
static td_fault_record_t previous;
static uint8_t have_previous, previous_checked;

static const char *const reason_names[TD_FAULT_REASONS] = {
    [TD_FAULT_NONE] = "no fault",
    [TD_FAULT_HARDFAULT] = "HardFault",
    [TD_FAULT_NULL] = "null pointer",
    [TD_FAULT_BAD_ADDRESS] = "bad address",
    [TD_FAULT_MISALIGNED] = "misaligned access",
    [TD_FAULT_BAD_INSTRUCTION] = "invalid instruction",
    [TD_FAULT_BAD_JUMP] = "bad jump",
    [TD_FAULT_STACK] = "stack overflow",
    [TD_FAULT_MAIN_STACK] = "main stack overflow",
    [TD_FAULT_ASSERT] = "assertion failed",
    [TD_FAULT_PANIC] = "kernel panic",
    [TD_FAULT_LOCKUP] = "not responding",
    [TD_FAULT_EXIT] = "exit",
};

const char *td_fault_reason_name(unsigned reason)
{
    return reason < TD_FAULT_REASONS ? reason_names[reason] : "?";
}

/* ---- writing a report (no C library, no formatter state) --------------------------- */

struct out {
    char *b;
    unsigned n;
};

static void put_s(struct out *o, const char *s)
{
    while (s != NULL && *s != '\0' && o->n < REPORT_MAX - 1u)
        o->b[o->n++] = *s++;
}

static void put_c(struct out *o, char c)
{
    if (o->n < REPORT_MAX - 1u)
        o->b[o->n++] = c;
}

static void put_x(struct out *o, uint32_t v)
{
    put_s(o, "0x");
    for (int i = 28; i >= 0; i -= 4)
        put_c(o, "0123456789abcdef"[(v >> i) & 0xfu]);
}

static void put_d(struct out *o, uint32_t v)
{
    char d[10];
    unsigned n = 0;
    do {
        d[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    while (n > 0)
        put_c(o, d[--n]);
}

static void put_reg(struct out *o, const char *name, uint32_t v)
{
    put_s(o, name);
    put_c(o, ' ');
    put_x(o, v);
    put_s(o, "  ");
}

static void end_line(struct out *o)
{
    while (o->n > 0 && o->b[o->n - 1] == ' ')
        o->n--;
    put_c(o, '\n');
}

static const char *action_text(const td_fault_record_t *r)
{
    switch (r->action) {
    case TD_FAULT_KILL_THREAD:
        return "the thread is ended, the core goes on";
    case TD_FAULT_RESTART:
        return "core 1 halts; core 0 resets it and calls its entry again";
    case TD_FAULT_REBOOT:
        return "reboot through the watchdog; reported again after start-up";
    default:
        return r->flags & TD_FAULT_F_ESCALATED ? "halt the core (no thread to end)" : "halt the core";
    }
}

static void write_head(struct out *o, const td_fault_record_t *r, const char *what)
{
    put_s(o, "*** ");
    put_s(o, what);
    put_s(o, " core ");
    put_d(o, r->core);
    put_s(o, ", ");
    if (r->flags & TD_FAULT_F_IN_ISR) {
        put_s(o, "interrupt handler");
        if (r->exc) {
            put_s(o, " (exception ");
            put_d(o, r->exc);
            put_c(o, ')');
        }
        if (r->thread[0]) {
            put_s(o, " over thread \"");
            put_s(o, r->thread);
            put_c(o, '"');
        }
    } else if (r->thread[0]) {
        put_s(o, "thread \"");
        put_s(o, r->thread);
        put_c(o, '"');
    } else {
        put_s(o, "no thread");
    }
    put_s(o, ": ");
    put_s(o, td_fault_reason_name(r->reason));
    end_line(o);
}

static void write_detail(struct out *o, const td_fault_record_t *r)
{
    put_s(o, "    ");
    switch (r->reason) {
    case TD_FAULT_NULL:
    case TD_FAULT_BAD_ADDRESS:
    case TD_FAULT_MISALIGNED:
        put_d(o, (uint32_t)r->code);
        put_s(o, "-byte access at ");
        put_x(o, r->addr);
        break;
    case TD_FAULT_BAD_INSTRUCTION:
        put_s(o, "undefined instruction ");
        put_x(o, (uint32_t)r->code);
        put_s(o, " at pc");
        break;
    case TD_FAULT_BAD_JUMP:
        put_s(o, "execution at ");
        put_x(o, r->addr);
        put_s(o, r->code ? " in ARM state (Thumb bit clear)" : ": no code there");
        break;
    case TD_FAULT_STACK:
        put_s(o, "the thread's stack ends at ");
        put_x(o, r->addr);
        put_s(o, r->flags & TD_FAULT_F_CANARY ? "; found by the stack check (sp "
                                              : "; its guard was hit (sp ");
        put_x(o, r->sp);
        put_c(o, ')');
        break;
    case TD_FAULT_MAIN_STACK:
        put_s(o, "the main stack ends at ");
        put_x(o, r->addr);
        put_s(o, "; an interrupt handler ran into its guard");
        break;
    case TD_FAULT_ASSERT:
        put_s(o, r->text);
        put_s(o, " (");
        put_s(o, r->file);
        put_c(o, ':');
        put_d(o, r->line);
        put_c(o, ')');
        break;
    case TD_FAULT_PANIC:
        put_s(o, r->text);
        break;
    case TD_FAULT_LOCKUP:
        put_s(o, "no tick for ");
        put_d(o, (uint32_t)r->code);
        put_s(o, " ms: locked up, or interrupts masked too long (seen by core ");
        put_d(o, r->core ^ 1u);
        put_c(o, ')');
        break;
    default:
        put_s(o, port_fault_cause(r->core));
        break;
    }
    end_line(o);
}

/* The report of r into buf; returns its length. */
static unsigned write_report(char *buf, const td_fault_record_t *r)
{
    struct out o = { buf, 0 };
    if (r->reason == TD_FAULT_EXIT) {
        put_s(&o, "*** core ");
        put_d(&o, r->core);
        put_s(&o, ": exit ");
        put_d(&o, (uint32_t)r->code);
        put_s(&o, " (port_exit on a board without a debugger: the core stops)");
        end_line(&o);
        return o.n;
    }
    write_head(&o, r, "FAULT");
    write_detail(&o, r);
    if (r->flags & TD_FAULT_F_FRAME_LOST) {
        put_s(&o, "    pc, lr, xpsr lost: the stack was full  ");
        put_reg(&o, "sp", r->sp);
        end_line(&o);
    } else if (r->pc != 0 || r->sp != 0) {
        put_s(&o, "    ");
        if (r->pc)
            put_reg(&o, "pc", r->pc);
        if (r->lr)
            put_reg(&o, "lr", r->lr);
        put_reg(&o, "sp", r->sp);
        if (r->xpsr)
            put_reg(&o, "xpsr", r->xpsr);
        end_line(&o);
    }
    if (r->reason == TD_FAULT_LOCKUP) {
        for (unsigned n = TD_SPIN_USER_FIRST; n <= TD_SPIN_USER_LAST; n++) {
            const td_thread_t *t;
            if (td__lock_peek(n, &t, NULL) != r->core)
                continue;
            put_s(&o, "    it holds td_lock ");
            put_d(&o, n);
            put_s(&o, ", taken by thread \"");
            put_s(&o, t && t->name ? t->name : "?");
            put_c(&o, '"');
            end_line(&o);
        }
    }
    if (r->flags & TD_FAULT_F_CONSOLE) {
        put_s(&o, "    it held the console lock: this report went out without it; released");
        end_line(&o);
    }
    if (r->reason != TD_FAULT_ASSERT && r->reason != TD_FAULT_PANIC &&
        r->reason != TD_FAULT_LOCKUP && !(r->flags & TD_FAULT_F_CANARY)) {
        put_s(&o, "    ");
        put_reg(&o, "r0", r->r[0]);
        put_reg(&o, "r1", r->r[1]);
        put_reg(&o, "r2", r->r[2]);
        put_reg(&o, "r3", r->r[3]);
        put_reg(&o, "r12", r->r[4]);
        end_line(&o);
    }
    if (r->nchain) {
        put_s(&o, "    call chain:");
        for (unsigned i = 0; i < r->nchain; i++) {
            put_c(&o, ' ');
            put_x(&o, r->chain[i]);
        }
        end_line(&o);
    }
    put_s(&o, "    action: ");
    put_s(&o, action_text(r));
    end_line(&o);
    put_s(&o, "*** END FAULT core ");
    put_d(&o, r->core);
    end_line(&o);
    return o.n;
}

/* ---- records -------------------------------------------------------------------------- */

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

/* The watchdog scratch form: header, pc, lr, sp, xpsr, 8 bytes of name. */
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
    w[1] = r->pc;
    w[2] = r->lr;
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
    r->pc = w[1];
    r->lr = w[2];
    r->sp = w[3];
    r->xpsr = w[4];
    for (unsigned i = 0; i < 8; i++)
        r->thread[i] = (char)(w[5 + i / 4u] >> (8u * (i % 4u)));
    r->thread[8] = '\0';
    return true;
}

/* ---- acting on a fault ------------------------------------------------------------------ */

/* Give back the td_mutexes and td_xmutexes thread t holds. Interrupts masked. */
static void release_held_by(td_core_t *c, td_thread_t *t)
{
    unsigned me = port_core_id();
    bool poll = false;
    td__mutex_abandon(c, t);
    for (struct td_held *h = c->held, *next; h != NULL; h = next) {
        next = h->next;
        if (h->kind == TD_HELD_XMUTEX) {
            td_xmutex_t *m = (td_xmutex_t *)(void *)((char *)h - offsetof(td_xmutex_t, held));
            if (m->owner == t)
                poll |= td__xmutex_abandon(m, me);
        }
    }
    if (poll)
        td__xsync_poll(c);
}

/* This core stops for good (its supervisor cleans up after it). */
static void halt_here(unsigned me) __attribute__((noreturn));
static void halt_here(unsigned me)
{
    unsigned other = me ^ 1u;
    td__console_release_core(me);        /* the output it was making ends here */
    TD_STORE(td_cores[me].running, 0);
    TD_STORE(fc[me].state, TD_CORE_HALTED);
    if (!td_kernel_running(other) && TD_LOAD(fc[other].state) != TD_CORE_FAULTING)
        port_exit(3);                    /* nobody left to run: end the run */
    port_halt();
}

/* Record, tell, report, act. Returns only if the policy ended 'victim' and
 * this core goes on (for W_THREAD the caller ends it). Interrupts masked. */
static void fault_path(td_fault_record_t *r, unsigned where, td_thread_t *victim)
{
    unsigned me = port_core_id();
    struct fcore *s = &fc[me];
    td_core_t *c = &td_cores[me];
    r->fault_cycles = port_cycles();
    r->core = (uint8_t)me;
    r->time_us = port_time_us();
    if (r->thread[0] == '\0')
        name_of(r, victim ? victim : (TD_LOAD(c->running) ? c->current : NULL));

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
    if (td__console_owner() == me)
        r->flags |= TD_FAULT_F_CONSOLE;
    TD_STORE(s->state, TD_CORE_FAULTING);
    s->rec = *r;                                      /* 1. record */
    if (act == TD_FAULT_REBOOT)
        persist_save(r);
    if (r->reason != TD_FAULT_EXIT && act != TD_FAULT_KILL_THREAD)
        td__msg_fault_notify(r->reason);              /* 2. tell the other core: down */
    unsigned n = write_report(s->buf, r);             /* 3. report, once */
    s->rec.report_bytes = r->report_bytes = (uint16_t)n;
    s->rec.report_cycles = r->report_cycles = port_cycles();
    td_console_write_panic(s->buf, n);

    if (r->reason == TD_FAULT_EXIT) {                 /* the program ended: stop here */
        TD_STORE(c->running, 0);
        TD_STORE(s->state, TD_CORE_HALTED);
        port_halt();
    }
    switch (act) {                                    /* 4. act */
    case TD_FAULT_KILL_THREAD:
        release_held_by(c, victim);
        if (where != W_THREAD)
            td__thread_kill(c, victim);
        s->in_fault = 0;
        TD_STORE(s->state, TD_CORE_RUNNING);
        return;
    case TD_FAULT_REBOOT:
        port_reboot();
    default:
        halt_here(me);
    }
}

/* A fault inside the fault path: say so in one line and stop. */
static void nested(unsigned me, unsigned reason) __attribute__((noreturn));
static void nested(unsigned me, unsigned reason)
{
    char line[] = "*** FAULT core 0: a fault in the fault path (reason 00); halted\n";
    line[15] = (char)('0' + me);
    line[52] = (char)('0' + reason / 10u % 10u);
    line[53] = (char)('0' + reason % 10u);
    port_console_write(line, sizeof line - 1u);
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
    td_core_t *c = &td_cores[me];
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
    td_thread_t *cur = TD_LOAD(c->running) ? c->current : NULL;
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
    c->current = n;
    port_guard_thread(td__stack_guard(n));
    return n->ctx;
}

void td__fault_switch(td_core_t *c, td_thread_t *t, uintptr_t sp)
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
    td_core_t *c = &td_cores[me];
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
    td_thread_t *cur = TD_LOAD(c->running) ? c->current : NULL;
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

void td_panic(const char *reason)
{
    soft_fault(TD_FAULT_PANIC, NULL, 0, reason, (uintptr_t)__builtin_return_address(0),
               (uintptr_t)__builtin_frame_address(0));
}

/* ---- supervision: the other core, held locks, this core's stack ------------------------- */

/* Core 'peer' is stopped for good (halted in port_halt, or held in reset):
 * give back what it held. Interrupts masked, on the other core. */
static void peer_cleanup(unsigned peer)
{
    unsigned me = port_core_id();
    td_core_t *pc = &td_cores[peer];
    /* Kernel spinlocks are only ever held with interrupts masked, and ours
     * are masked now: any still held belongs to the stopped core. */
    port_spin_release(TD_SPIN_KERNEL);
    for (unsigned n = TD_SPIN_XSYNC_FIRST; n <= TD_SPIN_XSYNC_LAST; n++)
        port_spin_release(n);
    /* its threads' places in cross-core wait counts */
    td_thread_t *h = pc->xwaiters, *t = h;
    while (t != NULL) {
        if (t->flags & TF_XSEM) {
            td_xsem_t *x = t->wdata.p;
            td__spin_lock(x->spin);
            if (x->nwait[peer])
                x->nwait[peer]--;
            td__spin_unlock(x->spin);
        } else if (t->flags & TF_XSYNC) {
            td_xmutex_t *m = t->wdata.p;
            td__spin_lock(m->spin);
            if (m->nwait[peer])
                m->nwait[peer]--;
            if (m->reserved == peer && m->nwait[peer] == 0)
                m->reserved = TD_CORE_ANY;
            td__spin_unlock(m->spin);
        }
        t = t->next == h ? NULL : t->next;
    }
    pc->xwaiters = NULL;
    /* what its threads owned */
    for (struct td_held *x = pc->held, *next; x != NULL; x = next) {
        next = x->next;
        x->next = NULL;
        if (x->kind == TD_HELD_XMUTEX)
            td__xmutex_abandon((td_xmutex_t *)(void *)((char *)x - offsetof(td_xmutex_t, held)),
                               peer);
        else
            td__mutex_forget((td_mutex_t *)(void *)((char *)x - offsetof(td_mutex_t, held)));
    }
    pc->held = NULL;
    td__lock_release_core(peer);
    td__console_release_core(peer);
    TD_STORE(fc[peer].cleaned, 1);
    td__xsync_poll(&td_cores[me]);       /* our waiters may go on now */
}

/* Core 'core' is about to get a fresh kernel: its old threads are gone.
 * Objects bound to it lose their waiters (all of them its threads), so the
 * new instance may initialise and use them again. */
static void retire_threads(unsigned core)
{
    for (td_thread_t *t = td_cores[core].threads; t != NULL; t = t->knext) {
        if (t->wq != NULL) {
            if (*t->wq == t)             /* the head: the list is all core 1's */
                *t->wq = NULL;
            t->wq = NULL;
        }
        t->state = TD_THREAD_EXITED;
    }
    td_cores[core].threads = NULL;
}

static void say(const char *text, unsigned n)
{
    char line[96];
    int k = td_snprintf(line, sizeof line, "*** core %u: %s %u\n", port_core_id(), text, n);
    if (k > 0)
        td_console_write_panic(line, (size_t)k < sizeof line ? (size_t)k : sizeof line - 1u);
}

/* Core 0: reset core 1, clean up after it and launch its entry again. */
static void restart_core1(void)
{
    port_irq_state_t s = port_irq_save();
    TD_STORE(fc[1].state, TD_CORE_HALTED);
    port_core1_reset();
    if (!TD_LOAD(fc[1].cleaned))
        peer_cleanup(1);
    retire_threads(1);
    td__heap_rewind(1);
    td__msg_core1_reset();
    uint32_t nr = ++restarts;
    TD_STORE(fc[1].state, TD_CORE_DOWN);
    watch[0].faulting_seen = 0;
    watch[0].stalled = 0;
    int r = td__kernel_relaunch_core1();
    if (r == TD_OK) {
        td__msg_core1_launched();
        say("core 1 restarted, restart", nr);
    } else {
        say("core 1 did not restart, error", (unsigned)-r);
    }
    port_irq_restore(s);
}

/* Core 'peer' stopped answering (or never finished its fault path). */
static void peer_stalled(unsigned peer, uint32_t ms)
{
    unsigned me = port_core_id();
    struct fcore *p = &fc[peer];
    td_fault_record_t *r = &fc[me].work;
    port_irq_state_t s = port_irq_save();
    clear(r);
    r->reason = TD_FAULT_LOCKUP;
    r->core = (uint8_t)peer;
    r->code = (int32_t)ms;
    r->time_us = port_time_us();
    name_of(r, TD_LOAD(td_cores[peer].current));
    unsigned act = p->policy;
    if (act == TD_FAULT_KILL_THREAD || (act == TD_FAULT_RESTART && peer != 1))
        act = TD_FAULT_HALT;
    if (peer == 0)
        act = TD_FAULT_HALT;             /* core 1 cannot stop core 0: report only */
    r->action = (uint8_t)act;
    r->seq = ++p->count;
    p->rec = *r;
    unsigned n = write_report(fc[me].buf, r);
    td_console_write_panic(fc[me].buf, n);
    if (peer == 1) {                     /* stop it for sure, then clean up */
        if (act == TD_FAULT_REBOOT) {
            persist_save(r);
            port_reboot();
        }
        if (act == TD_FAULT_RESTART) {
            restart_core1();
        } else {
            port_core1_reset();
            TD_STORE(td_cores[1].running, 0);
            TD_STORE(p->state, TD_CORE_HALTED);
            peer_cleanup(1);
            td__msg_core1_reset();       /* senders to core 1 get TD_ERR_PEER_DOWN */
        }
    }
    port_irq_restore(s);
}

static void watch_peer(unsigned me, td_tick_t now)
{
    unsigned peer = me ^ 1u;
    struct fcore *p = &fc[peer];
    struct watch *w = &watch[me];
    unsigned st = TD_LOAD(p->state);
    if (st == TD_CORE_HALTED) {
        if (!TD_LOAD(p->cleaned)) {
            port_irq_state_t s = port_irq_save();
            peer_cleanup(peer);
            port_irq_restore(s);
        }
        if (peer == 1 && p->policy == TD_FAULT_RESTART && TD_LOAD(p->cleaned) &&
            !td_kernel_running(1))
            restart_core1();
        return;
    }
    if (st == TD_CORE_FAULTING) {
        if (!w->faulting_seen) {
            w->faulting_seen = 1;
            w->faulting_since = now;
        } else if (now - w->faulting_since > TD_MS(TD_FAULT_REPORT_MS)) {
            w->faulting_seen = 0;
            peer_stalled(peer, TD_FAULT_REPORT_MS);
        }
        return;
    }
    w->faulting_seen = 0;
    if (st != TD_CORE_RUNNING || !td_kernel_running(peer) || HEARTBEAT_MS == 0)
        return;
    td_tick_t pt = TD_LOAD(p->beat);
    if (pt != w->peer_tick) {
        w->peer_tick = pt;
        w->changed = now;
        w->stalled = 0;
    } else if (!w->stalled && now - w->changed > TD_MS(HEARTBEAT_MS)) {
        w->stalled = 1;
        peer_stalled(peer, (now - w->changed) * 1000u / TD_TICK_HZ);
    }
}

static void hold_line(const char *what, unsigned core, const td_thread_t *t, uint32_t ms,
                      const char *waiting)
{
    hold_reports++;
    td_printf("*** HOLD %s held %lu ms by core %u, thread \"%s\"; %s\n", what,
              (unsigned long)ms, core, t && t->name ? t->name : "?", waiting);
}

/* This core's mutexes held past the limit while others wait; the td_locks
 * the other core holds past the limit (a core holding one long has its
 * interrupts masked and cannot report it itself). */
static void check_holds(unsigned me, td_core_t *c, td_tick_t now)
{
    uint32_t limit = hold_limit_ms;
    if (limit == 0)
        return;
    td_tick_t lt = TD_MS(limit);
    for (struct td_held *h = c->held; h != NULL; h = h->next) {
        if (h->warned || now - h->since <= lt)
            continue;
        if (h->kind == TD_HELD_MUTEX) {
            td_mutex_t *m = (td_mutex_t *)(void *)((char *)h - offsetof(td_mutex_t, held));
            if (m->waiters == NULL)
                continue;
            unsigned nw = 0;
            td_thread_t *x = m->waiters;
            do {
                nw++;
                x = x->next;
            } while (x != m->waiters);
            h->warned = 1;
            char what[40], waiting[40];
            td_snprintf(what, sizeof what, "td_mutex %p", (void *)m);
            td_snprintf(waiting, sizeof waiting, "%u waiting on core %u", nw, me);
            hold_line(what, me, m->owner, (now - h->since) * 1000u / TD_TICK_HZ, waiting);
        } else {
            td_xmutex_t *m = (td_xmutex_t *)(void *)((char *)h - offsetof(td_xmutex_t, held));
            if (m->nwait[0] == 0 && m->nwait[1] == 0)
                continue;
            h->warned = 1;
            char what[40], waiting[48];
            td_snprintf(what, sizeof what, "td_xmutex %p", (void *)m);
            td_snprintf(waiting, sizeof waiting, "waiting: %u on core 0, %u on core 1",
                        m->nwait[0], m->nwait[1]);
            hold_line(what, me, m->owner, (now - h->since) * 1000u / TD_TICK_HZ, waiting);
        }
    }
    struct watch *w = &watch[me];
    for (unsigned i = 0; i < USER_LOCKS; i++) {
        const td_thread_t *t;
        uint32_t takes;
        unsigned holder = td__lock_peek(TD_SPIN_USER_FIRST + i, &t, &takes);
        if (holder != (me ^ 1u)) {
            w->lock_state[i] = 0;
            continue;
        }
        if (w->lock_state[i] == 0 || w->lock_takes[i] != takes) {
            w->lock_state[i] = 1;
            w->lock_takes[i] = takes;
            w->lock_since[i] = now;
        } else if (w->lock_state[i] == 1 && now - w->lock_since[i] > lt) {
            w->lock_state[i] = 2;
            char what[24];
            td_snprintf(what, sizeof what, "td_lock %u", TD_SPIN_USER_FIRST + i);
            hold_line(what, holder, t, (now - w->lock_since[i]) * 1000u / TD_TICK_HZ,
                      "its core's interrupts are masked meanwhile");
        }
    }
}

/* The current thread ran past its stack (or wrote below it) without the
 * MPU noticing (no MPU, or it jumped over the guard): seen from the tick. */
static void tick_stack_fault(td_core_t *c, td_thread_t *t, uintptr_t sp)
{
    port_irq_state_t st = port_irq_save();
    td_fault_record_t *r = begin_stack_record(port_core_id(), t, sp);
    fault_path(r, W_ISR, t == c->idle ? NULL : t);
    /* t was ended; the switch away from it checks its stack again: its
     * canary back (else the same overflow is reported a second time; only
     * if it was overwritten, so that write could not be refused by an
     * armed guard either), and where the switch may save it (bit 0 of a
     * context: its kind, port.h) */
    if (t->stack[-1] != TD_STACK_CANARY)
        t->stack[-1] = TD_STACK_CANARY;
    port_thread_sp_set(((uintptr_t)t->ctx & ~(uintptr_t)1u) + 32u);
    port_irq_restore(st);
}

static void supervise(td_timer_t *timer, void *arg)
{
    (void)timer;
    (void)arg;
    unsigned me = port_core_id();
    td_core_t *c = &td_cores[me];
    td_thread_t *cur = c->current;
    if (cur != NULL && !td__stack_ok(cur, port_thread_sp()))
        tick_stack_fault(c, cur, port_thread_sp());
    td_tick_t now = c->tick;
    TD_STORE(fc[me].beat, now);          /* the other core's heartbeat check reads it */
    watch_peer(me, now);
    if (now % 16u == 0)
        check_holds(me, c, now);
}

/* ---- start-up ----------------------------------------------------------------------------- */

static void report_previous(void)
{
    if (!persist_load(&previous))
        return;
    have_previous = 1;
    port_persist_write(NULL, 0);         /* reported once */
    struct out o = { fc[0].buf, 0 };
    write_head(&o, &previous, "PREVIOUS RUN: FAULT");
    put_s(&o, "    ");
    if (previous.flags & TD_FAULT_F_FRAME_LOST) {
        put_s(&o, "pc, lr, xpsr lost: the stack was full  ");
    } else {
        put_reg(&o, "pc", previous.pc);
        put_reg(&o, "lr", previous.lr);
    }
    put_reg(&o, "sp", previous.sp);
    if (previous.xpsr)
        put_reg(&o, "xpsr", previous.xpsr);
    end_line(&o);
    put_s(&o, "    the watchdog rebooted the chip after it");
    end_line(&o);
    put_s(&o, "*** END PREVIOUS RUN");
    end_line(&o);
    td_console_write(fc[0].buf, o.n);
}

void td__fault_core_start(td_core_t *c)
{
    unsigned me = port_core_id();
    struct fcore *s = &fc[me];
    port_guard_init();
    port_guard_thread(td__stack_guard(c->current));
    s->in_fault = 0;
    TD_STORE(s->cleaned, 0);
    TD_STORE(s->state, TD_CORE_RUNNING);
    struct watch *w = &watch[me];
    w->peer_tick = TD_LOAD(fc[me ^ 1u].beat);
    w->changed = 0;
    w->faulting_seen = w->stalled = 0;
    for (unsigned i = 0; i < USER_LOCKS; i++)
        w->lock_state[i] = 0;
    supervisor[me] = (td_timer_t)TD_TIMER_INIT(supervise, NULL);
    td_timer_start(&supervisor[me], 1, 1);
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
    TD_STORE(fc[core].policy, (uint8_t)policy);
    return TD_OK;
}

int td_fault_policy(unsigned core)
{
    return core < PORT_NUM_CORES ? (int)TD_LOAD(fc[core].policy) : TD_ERR_PARAM;
}

uint32_t td_fault_restarts(void)
{
    return restarts;
}

int td_fault_core_state(unsigned core)
{
    return core < PORT_NUM_CORES ? (int)TD_LOAD(fc[core].state) : TD_ERR_PARAM;
}

int td_fault_set_hold_limit(uint32_t ms)
{
    hold_limit_ms = ms;
    return TD_OK;
}

uint32_t td_fault_hold_reports(void)
{
    return hold_reports;
}
