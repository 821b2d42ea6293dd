/*
 * kernel/supervise.c: what each core's tick does for the whole system
 * (kernel/supervise.h): its own stack check and heartbeat, watching the
 * other core, the one way core 1 is stopped, its restart, and the hold
 * check.
 *
 * A core that halts leaves the clean-up to the other core's supervision,
 * which runs from its tick once it sees the HALTED state: the halted core
 * sits in port_halt with interrupts masked and touches nothing any more,
 * so the "core went down" table (kernel/down.h) gives back what it held:
 * its spinlocks, then each module its own state. Under the restart policy
 * core 0 then resets core 1, forgets it (the same table) and launches it
 * again.
 */
#include "supervise.h"

#include "down.h"
#include "fault_sys.h"
#include "held.h"
#include "sched.h"
#include "spin.h"

#include "tandem/console.h"
#include "tandem/fault.h"
#include "tandem/fmt.h"
#include "tandem/hwtable.h"
#include "tandem/timer.h"

#ifdef PORT_NO_HEARTBEAT
#define HEARTBEAT_MS 0u                  /* the port's cores can stall (host) */
#else
#define HEARTBEAT_MS TD_FAULT_HEARTBEAT_MS
#endif

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
    uint32_t lock_beat[USER_LOCKS];   /* the holder's tick when first seen holding it */
    td_tick_t lock_since[USER_LOCKS];
};

static struct watch watch[PORT_NUM_CORES];
static td_timer_t supervisor[PORT_NUM_CORES];
static uint32_t beat[PORT_NUM_CORES];          /* each core's tick, for the other */
static uint8_t cleaned[PORT_NUM_CORES];        /* set by the other core after its clean-up */
static int (*relaunch_core1)(void);
static void (*watchdog)(unsigned me, td_tick_t tick);   /* while the watchdog runs */
static volatile uint32_t hold_limit_ms = TD_FAULT_HOLD_MS;
static volatile uint32_t restarts, hold_reports;

static void say(const char *text, unsigned n)
{
    char line[96];
    int k = td_snprintf(line, sizeof line, "*** core %u: %s %u\n", port_core_id(), text, n);
    if (k > 0)
        td_console_write_panic(line, (size_t)k < sizeof line ? (size_t)k : sizeof line - 1u);
}

/* ---- a core that went down ------------------------------------------------------------ */

/* Core 'peer' is stopped for good (halted in port_halt, or held in reset):
 * give back what it held. Interrupts masked, on the other core. */
static void clean_up(unsigned peer)
{
    td__down_run(peer, TD_DOWN_STOPPED);
    TD_STORE_RELEASE(cleaned[peer], (uint8_t)1);
}

/* Core 0: stop core 1 for good, the one way it is done: held in reset,
 * marked halted, what it held given back (unless that was done when it
 * halted), its side of what the cores share forgotten. Interrupts masked. */
static void stop_core1(void)
{
    TD_STORE_RELEASE(td__cores[1].running, (uint8_t)0);
    td__core_set_state(1, TD_CORE_HALTED);
    port_core1_reset();
    if (!TD_LOAD_ACQUIRE(cleaned[1]))
        clean_up(1);
    td__down_run(1, TD_DOWN_RESET);      /* senders to core 1 get TD_ERR_PEER_DOWN */
}

/* Core 0: stop core 1, forget its threads and memory, launch its entry
 * again. */
static void restart_core1(void)
{
    port_irq_state_t s = port_irq_save();
    stop_core1();
    td__down_run(1, TD_DOWN_FRESH);
    uint32_t nr = ++restarts;
    td__core_set_state(1, TD_CORE_DOWN);
    watch[0].faulting_seen = 0;
    watch[0].stalled = 0;
    int r = relaunch_core1();
    if (r == TD_OK)
        say("core 1 restarted, restart", nr);
    else
        say("core 1 did not restart, error", (unsigned)-r);
    port_irq_restore(s);
}

/* Core 'peer' stopped answering (or never finished its fault path) for
 * 'ms' ms: its fault is recorded and reported; core 1 is then stopped or
 * restarted by its policy. */
static void peer_stalled(unsigned peer, uint32_t ms)
{
    port_irq_state_t s = port_irq_save();
    struct td_fault_lock locks[USER_LOCKS];
    unsigned n = 0;
    for (unsigned k = TD_SPIN_USER_FIRST; k <= TD_SPIN_USER_LAST; k++) {
        const td_thread_t *t;
        if (td__spin_peek(k, &t) != peer)
            continue;
        locks[n].number = k;
        locks[n].thread = t && t->name ? t->name : "?";
        n++;
    }
    unsigned act = td__fault_lockup(peer, ms, locks, n);
    if (peer == 1) {                     /* stop it for sure (and restart it) */
        if (act == TD_FAULT_RESTART)
            restart_core1();
        else
            stop_core1();
    }
    port_irq_restore(s);
}

static void watch_peer(unsigned me, td_tick_t now)
{
    unsigned peer = me ^ 1u;
    struct watch *w = &watch[me];
    unsigned st = td__core_state(peer);
    if (st != TD_CORE_RUNNING || !td__core_running(peer))
        w->changed = now;   /* the heartbeat's window opens when the peer runs (again) */
    if (st == TD_CORE_HALTED) {
        if (!TD_LOAD_ACQUIRE(cleaned[peer])) {
            port_irq_state_t s = port_irq_save();
            clean_up(peer);
            port_irq_restore(s);
        }
        if (peer == 1 && td_fault_policy(1) == TD_FAULT_RESTART &&
            TD_LOAD_ACQUIRE(cleaned[1]) && !td__core_running(1))
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
    if (st != TD_CORE_RUNNING || !td__core_running(peer) || HEARTBEAT_MS == 0)
        return;
    td_tick_t pt = TD_LOAD_ACQUIRE(beat[peer]);
    if (pt != w->peer_tick || TD_LOAD_RELAXED(watchdog) != NULL) {
        /* (while the watchdog runs it judges the peer: counted afresh after) */
        w->peer_tick = pt;
        w->changed = now;
        w->stalled = 0;
    } else if (!w->stalled && now - w->changed > TD_MS(HEARTBEAT_MS)) {
        w->stalled = 1;
        peer_stalled(peer, (now - w->changed) * 1000u / TD_TICK_HZ);
        w->changed = now;   /* a core 1 restarted just now runs before its first tick */
    }
}

/* ---- the hold check ------------------------------------------------------------------- */

static void hold_line(const char *what, unsigned core, const td_thread_t *t, uint32_t ms,
                      const char *waiting)
{
    hold_reports++;
    td_printf("*** HOLD %s held %lu ms by core %u, thread \"%s\"; %s\n", what,
              (unsigned long)ms, core, t && t->name ? t->name : "?", waiting);
}

/* One of this core's objects held past the limit while others wait. */
static void held_line(const struct td_held *h, const char *what, const char *waiting,
                      const td_thread_t *owner)
{
    unsigned me = port_core_id();
    td_tick_t now = td__cores[me].tick;
    hold_line(what, me, owner, (now - h->since) * 1000u / TD_TICK_HZ, waiting);
}

/* This core's objects (td_mutex, td_xmutex) held past the limit while
 * others wait; the td_locks the other core holds past the limit (a core
 * holding one long has its interrupts masked and cannot report it
 * itself). */
__attribute__((noinline)) static void check_holds(unsigned me, td_core_t *c, td_tick_t now)
{
    uint32_t limit = hold_limit_ms;
    if (limit == 0)
        return;
    td_tick_t lt = TD_MS(limit);
    if (c->held != NULL)                 /* (the tick's time: no call for nothing) */
        td__held_check(c, now, lt, held_line);
    struct watch *w = &watch[me];
    for (unsigned i = 0; i < USER_LOCKS; i++) {
        const td_thread_t *t;
        unsigned holder = me;
        if (td__spin_holder(TD_SPIN_USER_FIRST + i) == (me ^ 1u))   /* else no call */
            holder = td__spin_peek(TD_SPIN_USER_FIRST + i, &t);
        if (holder != (me ^ 1u)) {
            w->lock_state[i] = 0;
            continue;
        }
        /* One hold from the next: the holder's tick stands still while it
         * holds a td_lock (its interrupts are masked), so a tick that moved
         * means the lock was given in between (kernel/spin.h). */
        uint32_t pb = TD_LOAD_ACQUIRE(beat[me ^ 1u]);
        if (w->lock_state[i] == 0 || w->lock_beat[i] != pb) {
            w->lock_state[i] = 1;
            w->lock_beat[i] = pb;
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

/* ---- the tick's work -------------------------------------------------------------------- */

static void supervise(td_timer_t *timer, void *arg)
{
    (void)timer;
    (void)arg;
    unsigned me = port_core_id();
    td_core_t *c = &td__cores[me];
    td_thread_t *cur = c->current;
    if (cur != NULL && !td__stack_ok(cur, port_thread_sp()))
        td__fault_tick_stack(c, cur, port_thread_sp());   /* (no MPU, or jumped over it) */
    td_tick_t now = c->tick;
    TD_STORE_RELEASE(beat[me], now);     /* the other core's heartbeat check reads it */
    watch_peer(me, now);
    void (*wd)(unsigned, td_tick_t) = TD_LOAD_RELAXED(watchdog);   /* (code: no order) */
    if (wd != NULL)
        wd(me, now);                     /* the watchdog's check, while it runs */
    if (now % 16u == 0)
        check_holds(me, c, now);
}

void td__supervise_start(td_core_t *c, int (*relaunch)(void))
{
    (void)c;
    unsigned me = port_core_id();
    if (me == 0)
        relaunch_core1 = relaunch;
    TD_STORE_RELEASE(cleaned[me], (uint8_t)0);
    struct watch *w = &watch[me];
    w->peer_tick = TD_LOAD_ACQUIRE(beat[me ^ 1u]);
    w->changed = 0;
    w->faulting_seen = w->stalled = 0;
    for (unsigned i = 0; i < USER_LOCKS; i++)
        w->lock_state[i] = 0;
    supervisor[me] = (td_timer_t)TD_TIMER_INIT(supervise, NULL);
    td_timer_start(&supervisor[me], 1, 1);
}

void td__supervise_set_watchdog(void (*fn)(unsigned me, td_tick_t tick))
{
    TD_STORE_RELAXED(watchdog, fn);
}

void td__supervise_restart_core1(void)
{
    restart_core1();
}

/* ---- the public calls (tandem/fault.h) ------------------------------------------------ */

uint32_t td_fault_restarts(void)
{
    return restarts;
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
