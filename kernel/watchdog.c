/*
 * kernel/watchdog.c: the watchdog that watches both cores (tandem/watchdog.h,
 * docs/drivers.md).
 *
 * Supervision (kernel/supervise.c) calls check() from each core's tick while
 * the watchdog runs (registered, so supervision does not name this
 * module). There each core checks in for its kernel (its own word, stamped
 * with the shared microsecond clock) and drops the entries of its threads
 * that ended. Core 0 then checks every watched thread of both cores and
 * core 1's kernel, core 1 checks core 0's kernel, and core 0 feeds the
 * chip's watchdog when nothing is overdue.
 *
 * The watched threads sit in one table per core: a core writes only its
 * own half (td_watchdog_watch and friends are called on the thread's core,
 * with this core's interrupts masked against its own tick), the other core
 * only reads it. An entry is published by its thread pointer (release) and
 * read through it (acquire); a check-in is one word.
 *
 * A kernel's check-in is judged as supervision judges its heartbeat: by
 * when the watcher last saw the word move (or saw the core not running),
 * so a core that has just started is not overdue before its first tick.
 */
#include "core.h"
#include "down.h"
#include "fault_sys.h"
#include "supervise.h"

#include "tandem/watchdog.h"

#define HALF TD_WATCHDOG_THREADS

struct entry {
    td_thread_t *t;              /* NULL: free; written by the owner core */
    uint32_t limit_us;
    uint32_t last_us;            /* last check-in (or when watched) */
};

static struct entry table[PORT_NUM_CORES][HALF];

static struct {
    uint32_t kernel_us;
    uint32_t start_us;           /* checks count from here at the earliest */
    uint8_t policy;
    uint8_t hw;                  /* the chip's watchdog is armed */
} cfg;
static uint8_t on;               /* started; read by both cores' ticks */
static uint8_t acting;           /* a miss is being acted on (a reboot follows) */
static uint32_t kin[PORT_NUM_CORES];         /* each kernel's last check-in */
static uint32_t seen_kin[PORT_NUM_CORES];    /* [me]: the peer's word when last seen */
static uint32_t seen_at[PORT_NUM_CORES];     /* [me]: when it last moved, by the clock */
static uint32_t misses;

static uint32_t now_us(void)
{
    return (uint32_t)port_time_us();
}

/* Microseconds since 'then', counted from the start at the earliest. */
static uint32_t age(uint32_t now, uint32_t then)
{
    uint32_t start = TD_LOAD_RELAXED(cfg.start_us);
    if ((int32_t)(then - start) < 0)
        then = start;
    return now - then;
}

static bool alive(const td_thread_t *t)
{
    int st = td_thread_state(t);
    return st > 0 && st != TD_THREAD_DORMANT && st != TD_THREAD_EXITED;
}

/* ---- a miss ---------------------------------------------------------------------------- */

/* Core 'core' missed: its kernel (t NULL: the thread it runs is named) or
 * its watched thread t, 'late' us since the last check-in, limit 'limit'
 * us. Report it as the core's fault, then restart core 1 or reboot.
 * Interrupts masked; core 0 for a thread or core 1's kernel, core 1 for
 * core 0's kernel. */
static void miss(unsigned core, const td_thread_t *t, uint32_t late, uint32_t limit)
{
    TD_STORE_RELAXED(misses, misses + 1u);
    const char *name = NULL;
    if (t != NULL)
        name = t->name ? t->name : "?";
    else {
        const td_thread_t *cur = TD_LOAD_RELAXED(td__cores[core].current);
        name = cur && cur->name ? cur->name : "";
    }
    unsigned act = TD_FAULT_REBOOT;
    bool escalated = false;
    if (cfg.policy == TD_WATCHDOG_RESTART_CORE1) {
        if (core == 1)
            act = TD_FAULT_RESTART;
        else
            escalated = true;            /* core 0 cannot be restarted alone */
    }
    if (act == TD_FAULT_REBOOT)
        TD_STORE_RELAXED(acting, (uint8_t)1);
    td__fault_watchdog(core, t == NULL ? TD_FAULT_LOCKUP : TD_FAULT_WATCHDOG, name,
                       late / 1000u, limit / 1000u, act, escalated);   /* REBOOT: no return */
    td__supervise_restart_core1();       /* (its threads' entries go with it: gone()) */
    seen_at[0] = now_us();
}

/* ---- each tick -------------------------------------------------------------------------- */

/* This core's entries whose thread ended are dropped. */
static void tidy(unsigned me)
{
    for (unsigned i = 0; i < HALF; i++) {
        td_thread_t *t = table[me][i].t;
        if (t != NULL && !alive(t))
            TD_STORE_RELEASE(table[me][i].t, (td_thread_t *)NULL);
    }
}

/* The first watched thread of core 'core' that is overdue, or NULL. */
static const td_thread_t *overdue(unsigned core, uint32_t *late, uint32_t *limit)
{
    if (td__core_state(core) != TD_CORE_RUNNING)
        return NULL;                     /* the fault policy's, not ours */
    for (unsigned i = 0; i < HALF; i++) {
        struct entry *e = &table[core][i];
        td_thread_t *t = TD_LOAD_ACQUIRE(e->t);
        if (t == NULL)
            continue;
        uint32_t last = TD_LOAD_RELAXED(e->last_us);
        uint32_t lim = TD_LOAD_RELAXED(e->limit_us);
        uint32_t a = age(now_us(), last);          /* (the clock read after the word) */
        if (a > lim && alive(t) && TD_LOAD_ACQUIRE(e->t) == t) {
            *late = a;
            *limit = lim;
            return t;
        }
    }
    return NULL;
}

/* Whether the peer's kernel is overdue (as seen from core 'me'). */
static bool peer_overdue(unsigned me, uint32_t *late)
{
    unsigned peer = me ^ 1u;
    uint32_t now = now_us();
    uint32_t k = TD_LOAD_ACQUIRE(kin[peer]);
    if (td__core_state(peer) != TD_CORE_RUNNING || !td__core_running(peer) ||
        k != seen_kin[me]) {
        seen_kin[me] = k;
        seen_at[me] = now;
        return false;
    }
    *late = age(now, seen_at[me]);
    return *late > cfg.kernel_us;
}

/* From supervision, on each core's tick while registered (interrupts
 * masked); supervision leaves the heartbeat check to it meanwhile. */
static void check(unsigned me, td_tick_t tick)
{
    (void)tick;
    if (!TD_LOAD_ACQUIRE(on))
        return;
    TD_STORE_RELEASE(kin[me], now_us());           /* this kernel checks in */
    tidy(me);
    if (TD_LOAD_RELAXED(acting))
        return;
    uint32_t late = 0, limit = 0;
    if (peer_overdue(me, &late)) {
        miss(me ^ 1u, NULL, late, cfg.kernel_us);
        return;
    }
    if (me != 0)
        return;
    for (unsigned core = 0; core < PORT_NUM_CORES; core++) {
        const td_thread_t *t = overdue(core, &late, &limit);
        if (t != NULL) {
            miss(core, t, late, limit);
            return;
        }
    }
    if (cfg.hw)
        port_watchdog_feed();
}

/* Core 1 went down: its threads are gone with it (restarted: a fresh
 * kernel names its own). Core 0, interrupts masked. */
TD_FAULT_CODE static void gone(unsigned core, unsigned stage)
{
    if (core != 1 || stage != TD_DOWN_FRESH)
        return;
    for (unsigned i = 0; i < HALF; i++)
        TD_STORE_RELEASE(table[1][i].t, (td_thread_t *)NULL);
}

/* ---- the public calls ------------------------------------------------------------------------- */

int td_watchdog_start(const td_watchdog_config_t *c)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (c == NULL || c->kernel_ms == 0 || c->kernel_ms > TD_WATCHDOG_MAX_MS ||
        c->policy >= TD_WATCHDOG_POLICIES)
        return TD_ERR_PARAM;
    if (c->hw_ms != 0 && PORT_WATCHDOG_MAX_MS == 0)
        return TD_ERR_UNSUPPORTED;
    if (c->hw_ms != 0 && (c->hw_ms <= c->kernel_ms || c->hw_ms > PORT_WATCHDOG_MAX_MS))
        return TD_ERR_PARAM;
    if (port_core_id() != 0)
        return TD_ERR_WRONG_CORE;
    port_irq_state_t s = port_irq_save();
    if (TD_LOAD_ACQUIRE(on)) {
        port_irq_restore(s);
        return TD_ERR_BUSY;
    }
    TD_DOWN_REGISTER_ONCE(gone);
    cfg.kernel_us = c->kernel_ms * 1000u;
    cfg.policy = (uint8_t)c->policy;
    cfg.hw = c->hw_ms != 0;
    TD_STORE_RELAXED(acting, (uint8_t)0);
    uint32_t now = now_us();
    TD_STORE_RELAXED(cfg.start_us, now);
    for (unsigned i = 0; i < PORT_NUM_CORES; i++) {
        seen_at[i] = now;
        seen_kin[i] = TD_LOAD_ACQUIRE(kin[i ^ 1u]);
    }
    int r = cfg.hw ? port_watchdog_start(c->hw_ms) : TD_OK;
    if (r == TD_OK) {
        TD_STORE_RELEASE(on, (uint8_t)1);
        td__supervise_set_watchdog(check);
    }
    port_irq_restore(s);
    return r;
}

int td_watchdog_stop(void)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (port_core_id() != 0)
        return TD_ERR_WRONG_CORE;
    port_irq_state_t s = port_irq_save();
    int r = TD_ERR_STATE;
    if (TD_LOAD_ACQUIRE(on)) {
        TD_STORE_RELEASE(on, (uint8_t)0);
        td__supervise_set_watchdog(NULL);
        if (cfg.hw)
            port_watchdog_stop();
        r = TD_OK;
    }
    port_irq_restore(s);
    return r;
}

int td_watchdog_running(void)
{
    return TD_LOAD_ACQUIRE(on) ? 1 : 0;
}

static struct entry *find(unsigned me, const td_thread_t *t)
{
    for (unsigned i = 0; i < HALF; i++)
        if (table[me][i].t == t)
            return &table[me][i];
    return NULL;
}

int td_watchdog_watch(td_thread_t *t, uint32_t ms)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (t == NULL || td_thread_state(t) < 0 || ms == 0 || ms > TD_WATCHDOG_MAX_MS)
        return TD_ERR_PARAM;
    unsigned me = port_core_id();
    if (t->core != me)
        return TD_ERR_WRONG_CORE;
    if (!alive(t))
        return TD_ERR_STATE;
    port_irq_state_t s = port_irq_save();
    tidy(me);
    struct entry *e = find(me, t);
    bool fresh = e == NULL;
    if (fresh)
        e = find(me, NULL);
    int r = TD_ERR_FULL;
    if (e != NULL) {
        TD_STORE_RELAXED(e->limit_us, ms * 1000u);
        TD_STORE_RELAXED(e->last_us, now_us());
        if (fresh)
            TD_STORE_RELEASE(e->t, t);
        r = TD_OK;
    }
    port_irq_restore(s);
    return r;
}

int td_watchdog_unwatch(td_thread_t *t)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (t == NULL)
        return TD_ERR_PARAM;
    unsigned me = port_core_id();
    if (td_thread_state(t) > 0 && t->core != me)
        return TD_ERR_WRONG_CORE;
    port_irq_state_t s = port_irq_save();
    tidy(me);                            /* (an ended thread is watched no more) */
    struct entry *e = find(me, t);
    if (e != NULL)
        TD_STORE_RELEASE(e->t, (td_thread_t *)NULL);
    port_irq_restore(s);
    return e != NULL ? TD_OK : TD_ERR_EMPTY;
}

int td_watchdog_checkin(void)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    unsigned me = port_core_id();
    td_thread_t *self = td_thread_self();
    port_irq_state_t s = port_irq_save();
    struct entry *e = self ? find(me, self) : NULL;
    if (e != NULL)
        TD_STORE_RELAXED(e->last_us, now_us());
    port_irq_restore(s);
    return e != NULL ? TD_OK : TD_ERR_STATE;
}

uint32_t td_watchdog_misses(void)
{
    return TD_LOAD_RELAXED(misses);
}
