/*
 * kernel/fault_report.c: the fault report from a fault record (pure code:
 * kernel/fault_report.h).
 */
#include "fault_report.h"

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
    [TD_FAULT_WATCHDOG] = "missed its watchdog check-in",
};

const char *td_fault_reason_name(unsigned reason)
{
    return reason < TD_FAULT_REASONS ? reason_names[reason] : "?";
}

/* ---- writing a report (no C library, no formatter state) --------------------------- */

struct out {
    char *b;
    size_t n, max;               /* written, at most (the buffer's size - 1) */
    bool cut;                    /* something did not fit */
};

/* At most 'limit' characters of s, up to its end. (The loop keeps the
 * buffer and the count in registers: a char store could alias o.) */
static void put_n(struct out *o, const char *s, size_t limit)
{
    if (s == NULL)
        return;
    char *b = o->b;
    size_t n = o->n, max = o->max;
    for (size_t i = 0; i < limit && s[i] != '\0'; i++) {
        if (n >= max) {
            o->cut = true;
            break;
        }
        b[n++] = s[i];
    }
    o->n = n;
}

static void put_s(struct out *o, const char *s)
{
    put_n(o, s, (size_t)-1);
}

static void put_c(struct out *o, char c)
{
    if (o->n < o->max)
        o->b[o->n++] = c;
    else
        o->cut = true;
}

/* The record's thread name (not trusted to be terminated). */
static void put_thread(struct out *o, const td_fault_record_t *r)
{
    put_n(o, r->thread, sizeof r->thread);
}

static void put_x(struct out *o, uint32_t v)
{
    char x[10] = { '0', 'x' };
    for (unsigned i = 0; i < 8; i++)
        x[2 + i] = "0123456789abcdef"[(v >> (28u - 4u * i)) & 0xfu];
    put_n(o, x, sizeof x);
}

static void put_d(struct out *o, uint32_t v)
{
    char d[10];
    unsigned n = sizeof d;
    do {
        d[--n] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    put_n(o, d + n, sizeof d - n);
}

static void put_reg(struct out *o, const char *name, uint32_t v)
{
    put_s(o, name);
    put_c(o, ' ');
    put_x(o, v);
    put_s(o, "  ");
}

/* The line ends: without its trailing spaces. A report that no longer
 * fits ends where it was cut (nothing more is written, so a cut report is
 * always the start of the whole one). */
static void end_line(struct out *o)
{
    while (o->n > 0 && o->b[o->n - 1] == ' ')
        o->n--;
    if (o->n >= o->max || o->cut) {
        o->cut = true;
        o->max = o->n;
        return;
    }
    o->b[o->n++] = '\n';
}

static const char *action_text(const td_fault_record_t *r)
{
    switch (r->action) {
    case TD_FAULT_KILL_THREAD:
        return "the thread is ended, the core goes on";
    case TD_FAULT_RESTART:
        return r->addr != 0 && (r->reason == TD_FAULT_LOCKUP || r->reason == TD_FAULT_WATCHDOG)
                   ? "the watchdog restarts core 1: core 0 resets it and calls its entry again"
                   : "core 1 halts; core 0 resets it and calls its entry again";
    case TD_FAULT_REBOOT:
        return r->flags & TD_FAULT_F_ESCALATED
                   ? "reboot through the watchdog (core 0 cannot be restarted alone); "
                     "reported again after start-up"
                   : "reboot through the watchdog; reported again after start-up";
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
            put_thread(o, r);
            put_c(o, '"');
        }
    } else if (r->thread[0]) {
        put_s(o, "thread \"");
        put_thread(o, r);
        put_c(o, '"');
    } else {
        put_s(o, "no thread");
    }
    put_s(o, ": ");
    put_s(o, td_fault_reason_name(r->reason));
    end_line(o);
}

static void write_detail(struct out *o, const td_fault_record_t *r, const char *cause)
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
        if (r->addr != 0) {              /* found by the watchdog */
            put_s(o, "its kernel did not check in for ");
            put_d(o, (uint32_t)r->code);
            put_s(o, " ms (watchdog limit ");
            put_d(o, r->addr);
            put_s(o, " ms): locked up, or interrupts masked too long");
            break;
        }
        put_s(o, "no tick for ");
        put_d(o, (uint32_t)r->code);
        put_s(o, " ms: locked up, or interrupts masked too long (seen by core ");
        put_d(o, r->core ^ 1u);
        put_c(o, ')');
        break;
    case TD_FAULT_WATCHDOG:
        put_s(o, "no check-in for ");
        put_d(o, (uint32_t)r->code);
        put_s(o, " ms (watchdog limit ");
        put_d(o, r->addr);
        put_s(o, " ms)");
        break;
    default:
        put_s(o, cause != NULL ? cause : "cause not decoded");
        break;
    }
    end_line(o);
}

#if TD_TRACE_MODE == 2
/* The trace's kinds as the report names them (kernel/trace.h's TD_TR_*,
 * the names of tools/gdb/tandem.py's 'tandem trace'). */
static const char *const trace_kinds[] = {
    "?", "switch", "thread", "exit", "irq-enter", "irq-exit", "wait", "wait-x", "wake",
    "lock-take", "lock-give", "msg-send", "msg-deliver", "ep-depth", "queue", "fault", "mark",
};
_Static_assert(sizeof trace_kinds / sizeof trace_kinds[0] == 17, "TD_TR_KINDS (kernel/trace.c checks it)");

/* "    trace, last N events of core C (seq cycles kind a b):" and a line each. */
static void write_trace(struct out *o, const td_fault_record_t *r, const td_trace_event_t *ev,
                        unsigned nev)
{
    put_s(o, "    trace, last ");
    put_d(o, nev);
    put_s(o, " events of core ");
    put_d(o, r->core);
    put_s(o, " (seq cycles kind a b):");
    end_line(o);
    for (unsigned i = 0; i < nev; i++) {
        const td_trace_event_t *e = &ev[i];
        put_s(o, "      ");
        put_d(o, e->seq);
        put_c(o, ' ');
        put_d(o, e->cycles);
        put_c(o, ' ');
        if (e->kind < sizeof trace_kinds / sizeof trace_kinds[0]) {
            put_s(o, trace_kinds[e->kind]);
        } else {
            put_s(o, "kind-");
            put_d(o, e->kind);
        }
        put_c(o, ' ');
        put_x(o, e->a);
        put_c(o, ' ');
        put_x(o, e->b);
        end_line(o);
    }
}
#endif

/* The report (td__fault_format), with trace events in a ring build. */
static inline __attribute__((always_inline)) size_t
format(char *buf, size_t size, const td_fault_record_t *r, const struct td_fault_lock *locks,
       unsigned n, const char *cause, const td_trace_event_t *ev, unsigned nev)
{
    struct out o = { buf, 0, size ? size - 1u : 0u, false };
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
    write_detail(&o, r, cause);
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
    for (unsigned i = 0; r->reason == TD_FAULT_LOCKUP && i < n; i++) {
        put_s(&o, "    it holds td_lock ");
        put_d(&o, locks[i].number);
        put_s(&o, ", taken by thread \"");
        put_s(&o, locks[i].thread ? locks[i].thread : "?");
        put_c(&o, '"');
        end_line(&o);
    }
    if (r->flags & TD_FAULT_F_CONSOLE) {
        put_s(&o, "    it held the console lock: this report went out without it; released");
        end_line(&o);
    }
    if (r->reason != TD_FAULT_ASSERT && r->reason != TD_FAULT_PANIC &&
        r->reason != TD_FAULT_LOCKUP && r->reason != TD_FAULT_WATCHDOG &&
        !(r->flags & TD_FAULT_F_CANARY)) {
        put_s(&o, "    ");
        put_reg(&o, "r0", r->r[0]);
        put_reg(&o, "r1", r->r[1]);
        put_reg(&o, "r2", r->r[2]);
        put_reg(&o, "r3", r->r[3]);
        put_reg(&o, "r12", r->r[4]);
        end_line(&o);
    }
    unsigned nchain = r->nchain < TD_FAULT_CHAIN ? r->nchain : TD_FAULT_CHAIN;
    if (nchain) {
        put_s(&o, "    call chain:");
        for (unsigned i = 0; i < nchain; i++) {
            put_c(&o, ' ');
            put_x(&o, r->chain[i]);
        }
        end_line(&o);
    }
#if TD_TRACE_MODE == 2
    if (nev != 0 && ev != NULL)
        write_trace(&o, r, ev, nev);
#else
    (void)ev;
    (void)nev;
#endif
    put_s(&o, "    action: ");
    put_s(&o, action_text(r));
    end_line(&o);
    put_s(&o, "*** END FAULT core ");
    put_d(&o, r->core);
    end_line(&o);
    return o.n;
}

size_t td__fault_format(char *buf, size_t size, const td_fault_record_t *r,
                        const struct td_fault_lock *locks, unsigned n, const char *cause)
{
    return format(buf, size, r, locks, n, cause, NULL, 0);
}

#if TD_TRACE_MODE == 2
size_t td__fault_format_traced(char *buf, size_t size, const td_fault_record_t *r,
                               const struct td_fault_lock *locks, unsigned n, const char *cause,
                               const td_trace_event_t *ev, unsigned nev)
{
    return format(buf, size, r, locks, n, cause, ev, nev);
}
#endif

size_t td__fault_format_previous(char *buf, size_t size, const td_fault_record_t *r)
{
    struct out o = { buf, 0, size ? size - 1u : 0u, false };
    if (r->flags & TD_FAULT_F_HW_WATCHDOG) {
        put_s(&o, "*** PREVIOUS RUN: the chip's watchdog ran out: no core could report");
        end_line(&o);
        put_s(&o, "*** END PREVIOUS RUN");
        end_line(&o);
        return o.n;
    }
    write_head(&o, r, "PREVIOUS RUN: FAULT");
    if (r->reason == TD_FAULT_LOCKUP || r->reason == TD_FAULT_WATCHDOG) {
        write_detail(&o, r, NULL);
        put_s(&o, "    the watchdog rebooted the chip after it");
        end_line(&o);
        put_s(&o, "*** END PREVIOUS RUN");
        end_line(&o);
        return o.n;
    }
    put_s(&o, "    ");
    if (r->flags & TD_FAULT_F_FRAME_LOST) {
        put_s(&o, "pc, lr, xpsr lost: the stack was full  ");
    } else {
        put_reg(&o, "pc", r->pc);
        put_reg(&o, "lr", r->lr);
    }
    put_reg(&o, "sp", r->sp);
    if (r->xpsr)
        put_reg(&o, "xpsr", r->xpsr);
    end_line(&o);
    put_s(&o, "    the watchdog rebooted the chip after it");
    end_line(&o);
    put_s(&o, "*** END PREVIOUS RUN");
    end_line(&o);
    return o.n;
}
