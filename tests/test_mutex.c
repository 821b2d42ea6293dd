/*
 * tests/test_mutex.c: mutexes: ownership, recursion, timeouts, hand-over
 * order, priority inheritance (simple, chained, withdrawn on timeout).
 */
#include "harness.h"

#include "tandem/chan.h"
#include "tandem/msg.h"

TD_THREAD_DEFINE(lo, 1024);
TD_THREAD_DEFINE(mid, 1024);
TD_THREAD_DEFINE(hi, 1024);

static char trace[32];
static unsigned ntrace;
static void mark(char c)
{
    if (ntrace < sizeof trace - 1u)
        trace[ntrace++] = c;
    trace[ntrace] = '\0';
}
static bool trace_is(const char *want)
{
    unsigned i = 0;
    for (; want[i] != '\0'; i++)
        if (trace[i] != want[i])
            return false;
    return trace[i] == '\0';
}

static td_mutex_t m1, m2;
static volatile int observed_prio;
static int r_lo, r_mid, r_hi;

/* Set by a test once it has looked at the holder; holding until then (or
 * for at most 'arg' ticks) keeps the test independent of how fast ticks
 * come (a loaded host delivers late ticks in bursts). */
static volatile int release_lo;

/* Sleep a tick at a time until cond holds (at most a second), the threads
 * below this one running meanwhile. One fixed tick is not enough on a loaded
 * host: the tick that ends the sleep may be owed already when the thread it
 * waits for is switched to, so this one preempts it before it ran at all. */
#define SETTLE(cond)                                                            \
    for (unsigned settle_ = 0; !(cond) && settle_ < TD_SEC(1); settle_++)       \
        td_sleep(1)
#define BLOCKED(t) (td_thread_state(t) == TD_THREAD_BLOCKED)

static void hold_m1(void *arg)
{
    td_tick_t end = td_time_ticks() + (td_tick_t)(uintptr_t)arg;
    r_lo = td_mutex_lock(&m1, TD_FOREVER);
    mark('L');
    while (!release_lo && (int32_t)(td_time_ticks() - end) < 0)
        th_busy_us(50);                          /* hold, busy, while others arrive */
    observed_prio = td_thread_priority(td_thread_self());
    mark('l');
    td_mutex_unlock(&m1);
}

static void busy_mid(void *arg)
{
    (void)arg;
    mark('M');
    th_busy_ticks(5);
    mark('m');
}

static void want_m1(void *arg)
{
    td_tick_t timeout = (td_tick_t)(uintptr_t)arg;
    mark('H');
    r_hi = td_mutex_lock(&m1, timeout);
    mark('h');
    if (r_hi == TD_OK)
        td_mutex_unlock(&m1);
}

TEST(mutex_owner_recursion)
{
    td_mutex_t m;
    m.magic = 0;
    REQUIRE_EQ(td_mutex_init(&m), TD_OK);
    CHECK(td_mutex_owner(&m) == NULL);
    CHECK_EQ(td_mutex_unlock(&m), TD_ERR_NOT_OWNER);
    CHECK_EQ(td_mutex_lock(&m, TD_NO_WAIT), TD_OK);
    CHECK(td_mutex_owner(&m) == td_thread_self());
    /* 65535 levels deep at most: one more is refused, the count kept */
    unsigned deeper = 1, refused = 0;
    while (deeper < 0xffffu && td_mutex_lock(&m, TD_NO_WAIT) == TD_OK)
        deeper++;
    CHECK_EQ(deeper, 0xffffu);
    refused += td_mutex_lock(&m, TD_NO_WAIT) == TD_ERR_OVERFLOW;
    refused += td_mutex_lock(&m, TD_FOREVER) == TD_ERR_OVERFLOW;
    CHECK_EQ(refused, 2);                /* (and changed nothing: the unlocks below) */
    while (deeper > 1 && td_mutex_unlock(&m) == TD_OK)
        deeper--;
    CHECK_EQ(deeper, 1);
    CHECK(td_mutex_owner(&m) == td_thread_self());        /* one level left */
    CHECK_EQ(td_mutex_lock(&m, TD_FOREVER), TD_OK);       /* recursion */
    CHECK_EQ(td_mutex_init(&m), TD_ERR_BUSY);
    CHECK_EQ(td_mutex_deinit(&m), TD_ERR_BUSY);
    CHECK_EQ(td_mutex_unlock(&m), TD_OK);
    CHECK(td_mutex_owner(&m) == td_thread_self());        /* still held once */
    CHECK_EQ(td_mutex_unlock(&m), TD_OK);
    CHECK(td_mutex_owner(&m) == NULL);
    CHECK_EQ(td_mutex_unlock(&m), TD_ERR_NOT_OWNER);
    CHECK_EQ(td_mutex_deinit(&m), TD_OK);
    CHECK_EQ(td_mutex_lock(&m, TD_NO_WAIT), TD_ERR_UNINIT);
}

static void lock_and_keep(void *arg)
{
    td_mutex_t *m = arg;
    r_lo = td_mutex_lock(m, TD_FOREVER);
    td_sleep(TD_MS(20));
    r_mid = td_mutex_unlock(m);
}

TEST(mutex_timeout_and_not_owner)
{
    static TD_MUTEX_DEFINE(m);
    REQUIRE_EQ(td_thread_create(&lo, lo_stack, sizeof lo_stack, "keeper", 20, lock_and_keep, &m),
               TD_OK);
    CHECK(td_mutex_owner(&m) == &lo);
    CHECK_EQ(td_mutex_lock(&m, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_mutex_unlock(&m), TD_ERR_NOT_OWNER);
    CHECK_EQ(td_mutex_lock(&m, 3), TD_ERR_TIMEOUT);
    CHECK_EQ(td_mutex_lock(&m, TD_MS(100)), TD_OK);        /* handed over at its unlock */
    CHECK(td_mutex_owner(&m) == td_thread_self());
    CHECK_EQ(td_mutex_unlock(&m), TD_OK);
    CHECK_EQ(td_thread_join(&lo, TD_MS(100)), TD_OK);
    CHECK_EQ(r_lo, TD_OK);
    CHECK_EQ(r_mid, TD_OK);
}

TEST(mutex_priority_inheritance)
{
    td_thread_t *me = td_thread_self();
    ntrace = 0;
    observed_prio = -1;
    release_lo = 0;
    REQUIRE_EQ(td_mutex_init(&m1), TD_OK);
    td_thread_set_priority(me, 31);                        /* main watches from above */
    /* lo takes m1 and holds it 10 ms; then hi wants it while mid is ready:
     * without inheritance mid would run before lo could finish */
    REQUIRE_EQ(td_thread_create(&lo, lo_stack, sizeof lo_stack, "lo", 3, hold_m1,
                                (void *)(uintptr_t)TD_SEC(2)), TD_OK);
    SETTLE(ntrace >= 1);                                   /* lo runs and locks */
    CHECK(trace_is("L"));
    REQUIRE_EQ(td_thread_create(&mid, mid_stack, sizeof mid_stack, "mid", 10, busy_mid, NULL),
               TD_OK);
    REQUIRE_EQ(td_thread_create(&hi, hi_stack, sizeof hi_stack, "hi", 20, want_m1,
                                (void *)(uintptr_t)TD_FOREVER), TD_OK);
    SETTLE(BLOCKED(&hi));                                  /* hi blocks on m1 */
    CHECK_EQ(td_thread_priority(&lo), 20);                 /* lent by hi */
    release_lo = 1;
    CHECK_EQ(td_thread_join(&hi, TD_MS(500)), TD_OK);
    CHECK_EQ(td_thread_join(&mid, TD_MS(500)), TD_OK);
    CHECK_EQ(td_thread_join(&lo, TD_MS(500)), TD_OK);
    td_thread_set_priority(me, TD_PRIO_MAIN);
    /* lo finished its section at hi's priority before mid ran at all */
    CHECK(trace_is("LHlhMm"));
    CHECK_EQ(observed_prio, 20);
    CHECK_EQ(td_thread_priority(&lo), 3);
    CHECK_EQ(r_hi, TD_OK);
}

static void chain_mid(void *arg)
{
    (void)arg;
    r_mid = td_mutex_lock(&m2, TD_FOREVER);
    mark('M');
    int r = td_mutex_lock(&m1, TD_FOREVER);               /* held by lo */
    mark('m');
    if (r == TD_OK)
        td_mutex_unlock(&m1);
    td_mutex_unlock(&m2);
}

static void chain_hi(void *arg)
{
    (void)arg;
    mark('H');
    r_hi = td_mutex_lock(&m2, TD_FOREVER);                /* held by mid */
    mark('h');
    if (r_hi == TD_OK)
        td_mutex_unlock(&m2);
}

TEST(mutex_inheritance_chain)
{
    td_thread_t *me = td_thread_self();
    ntrace = 0;
    release_lo = 0;
    REQUIRE_EQ(td_mutex_init(&m1), TD_OK);
    REQUIRE_EQ(td_mutex_init(&m2), TD_OK);
    td_thread_set_priority(me, 31);
    REQUIRE_EQ(td_thread_create(&lo, lo_stack, sizeof lo_stack, "lo", 2, hold_m1,
                                (void *)(uintptr_t)TD_SEC(2)), TD_OK);
    SETTLE(ntrace >= 1);                                   /* lo holds m1 */
    REQUIRE_EQ(td_thread_create(&mid, mid_stack, sizeof mid_stack, "mid", 8, chain_mid, NULL),
               TD_OK);
    SETTLE(BLOCKED(&mid));                                 /* mid holds m2, waits m1 */
    CHECK_EQ(td_thread_priority(&lo), 8);
    REQUIRE_EQ(td_thread_create(&hi, hi_stack, sizeof hi_stack, "hi", 25, chain_hi, NULL), TD_OK);
    SETTLE(BLOCKED(&hi));                                  /* hi waits m2 */
    CHECK_EQ(td_thread_priority(&mid), 25);
    CHECK_EQ(td_thread_priority(&lo), 25);                 /* passed along the chain */
    release_lo = 1;
    CHECK_EQ(td_thread_join(&hi, TD_MS(500)), TD_OK);
    CHECK_EQ(td_thread_join(&mid, TD_MS(500)), TD_OK);
    CHECK_EQ(td_thread_join(&lo, TD_MS(500)), TD_OK);
    td_thread_set_priority(me, TD_PRIO_MAIN);
    CHECK(trace_is("LMHlmh"));
    CHECK_EQ(observed_prio, 25);
    CHECK_EQ(td_thread_priority(&lo), 2);
    CHECK_EQ(td_thread_priority(&mid), 8);
}

TEST(mutex_inheritance_withdrawn_on_timeout)
{
    td_thread_t *me = td_thread_self();
    ntrace = 0;
    release_lo = 0;
    REQUIRE_EQ(td_mutex_init(&m1), TD_OK);
    td_thread_set_priority(me, 31);
    REQUIRE_EQ(td_thread_create(&lo, lo_stack, sizeof lo_stack, "lo", 3, hold_m1,
                                (void *)(uintptr_t)TD_SEC(2)), TD_OK);
    SETTLE(ntrace >= 1);                                   /* lo holds m1 */
    /* hi gives up after 5 ticks (on a host 1005: a loaded Linux may leave
     * this core unscheduled and then deliver its ticks in a burst before
     * this thread looks; lo holds for up to 2 s) */
    REQUIRE_EQ(td_thread_create(&hi, hi_stack, sizeof hi_stack, "hi", 20, want_m1,
                                (void *)(uintptr_t)(5 + 20 * TH_TICK_SLACK)), TD_OK);
    SETTLE(BLOCKED(&hi));
    CHECK_EQ(td_thread_priority(&lo), 20);
    /* hi gives up and ends. Waited for by turns: hi's deadline and a
     * join's, from the same clock, can pass in one burst of owed ticks (a
     * host that left this core off its CPU takes them all at its next
     * interrupt point), and the join, woken at main's priority, would end
     * before hi had run */
    CHECK_EQ(th_join_turns(&hi, TD_MS(500) + 20u * TH_TICK_SLACK), TD_OK);   /* gave up */
    CHECK_EQ(r_hi, TD_ERR_TIMEOUT);
    CHECK_EQ(td_thread_priority(&lo), 3);                  /* lent priority withdrawn */
    release_lo = 1;
    CHECK_EQ(td_thread_join(&lo, TD_MS(500)), TD_OK);
    td_thread_set_priority(me, TD_PRIO_MAIN);
    CHECK_EQ(observed_prio, 3);
}

struct mwaiter {
    td_mutex_t *m;
    int order;
};
static int seq;
static void mutex_waiter(void *arg)
{
    struct mwaiter *w = arg;
    if (td_mutex_lock(w->m, TD_MS(500)) == TD_OK) {
        w->order = ++seq;
        td_mutex_unlock(w->m);
    }
}

TEST(mutex_handover_order)
{
    static TD_MUTEX_DEFINE(m);
    struct mwaiter a = { &m, 0 }, b = { &m, 0 }, c = { &m, 0 };
    seq = 0;
    REQUIRE_EQ(td_mutex_lock(&m, TD_NO_WAIT), TD_OK);
    REQUIRE_EQ(td_thread_create(&lo, lo_stack, sizeof lo_stack, "a", 5, mutex_waiter, &a), TD_OK);
    REQUIRE_EQ(td_thread_create(&mid, mid_stack, sizeof mid_stack, "b", 12, mutex_waiter, &b),
               TD_OK);
    REQUIRE_EQ(td_thread_create(&hi, hi_stack, sizeof hi_stack, "c", 9, mutex_waiter, &c), TD_OK);
    SETTLE(BLOCKED(&lo) && BLOCKED(&mid) && BLOCKED(&hi));
    CHECK_EQ(td_thread_priority(td_thread_self()), TD_PRIO_MAIN);  /* waiters below main */
    CHECK_EQ(td_mutex_unlock(&m), TD_OK);
    CHECK_EQ(td_thread_join(&lo, TD_MS(200)), TD_OK);
    CHECK_EQ(td_thread_join(&mid, TD_MS(200)), TD_OK);
    CHECK_EQ(td_thread_join(&hi, TD_MS(200)), TD_OK);
    CHECK_EQ(b.order, 1);
    CHECK_EQ(c.order, 2);
    CHECK_EQ(a.order, 3);
}

#define ISR_CALLS 20                         /* isr_results[ISR_CALLS]: the handler ran */
static int isr_results[ISR_CALLS + 1];
static td_thread_t isr_dormant;              /* initialised by a thread, started by none */
static TD_STACK_DEFINE(isr_dormant_stack, 512);
/* valid objects of the other modules, set up by the test's thread */
static TD_QUEUE_DEFINE(isr_queue, uint32_t, 2);
static TD_POOL_STORAGE(isr_pool_store, 8, 2);
static td_pool_t isr_pool;
static TD_EVENT_DEFINE(isr_event);
static td_period_t isr_period;
static TD_XSEM_DEFINE(isr_xsem, 1, 1);
static void isr_entry(void *arg)
{
    (void)arg;
}
static void misuse_from_isr(td_timer_t *t, void *arg)
{
    (void)t;
    td_mutex_t *m = arg;
    static td_sem_t s = TD_SEM_INIT(0, 1);
    isr_results[0] = td_mutex_lock(m, TD_NO_WAIT);
    isr_results[1] = td_mutex_unlock(m);
    isr_results[2] = td_sem_take(&s, TD_NO_WAIT);
    isr_results[3] = td_sleep(1);
    isr_results[4] = td_thread_yield();
    isr_results[5] = td_thread_join(td_thread_self(), 1);
    isr_results[6] = td_thread_suspend(td_thread_self());
    static td_thread_t th;
    static TD_STACK_DEFINE(st, 512);
    isr_results[7] = td_thread_init(&th, st, sizeof st, "isr", 1, isr_entry, NULL);
    static td_msg_ep_t ep;
    static uint32_t in[2], out[2];
    isr_results[8] = td_msg_init(&ep, 9, in, 2, out, 2, TD_MSG_BLOCK);
    static td_chan_t ch;
    static uint32_t ring[4];
    isr_results[9] = td_chan_init(&ch, 1, ring, sizeof ring);
    isr_results[10] = td_thread_start(&isr_dormant);
    uint32_t item = 1;
    void *block = NULL;
    isr_results[11] = td_queue_send(&isr_queue, &item, TD_NO_WAIT);
    isr_results[12] = td_queue_recv(&isr_queue, &item, TD_NO_WAIT);
    isr_results[13] = td_pool_alloc(&isr_pool, &block, TD_NO_WAIT);
    isr_results[14] = td_event_wait(&isr_event, 1u, TD_EVENT_ANY, TD_NO_WAIT, NULL);
    isr_results[15] = td_period_wait(&isr_period);
    isr_results[16] = td_xsem_take(&isr_xsem, TD_NO_WAIT);
    isr_results[17] = td_sleep_until(td_time_ticks() + 2u);
    isr_results[18] = td_mutex_deinit(m);
    static td_mutex_t fresh;
    isr_results[19] = td_mutex_init(&fresh);
    isr_results[ISR_CALLS] = 1;
}

TEST(calls_from_interrupt_refused)
{
    static TD_MUTEX_DEFINE(m);
    static TD_TIMER_DEFINE(tm, misuse_from_isr, &m);
    isr_results[ISR_CALLS] = 0;
    REQUIRE_EQ(td_thread_init(&isr_dormant, isr_dormant_stack, sizeof isr_dormant_stack, "dormant",
                              1, isr_entry, NULL), TD_OK);
    REQUIRE_EQ(td_pool_init(&isr_pool, isr_pool_store, 8, 2), TD_OK);
    REQUIRE_EQ(td_event_set_isr(&isr_event, 1u), TD_OK);      /* a wait would be satisfied */
    REQUIRE_EQ(td_period_init(&isr_period, 10, 0), TD_OK);
    REQUIRE_EQ(td_timer_start(&tm, 1, 0), TD_OK);
    td_sleep(3);
    REQUIRE_EQ(isr_results[ISR_CALLS], 1);
    for (int i = 0; i < ISR_CALLS; i++)
        if (!CHECK_EQ(isr_results[i], TD_ERR_IN_ISR))
            th_info("isr_call_not_refused", (uint32_t)i);
    /* nothing changed */
    CHECK_EQ(td_thread_state(&isr_dormant), TD_THREAD_DORMANT);
    CHECK_EQ(td_queue_count(&isr_queue), 0);
    CHECK_EQ(td_pool_available(&isr_pool), 2);
    CHECK_EQ(td_event_flags(&isr_event), 1u);
    CHECK_EQ(isr_period.overruns, 0);
    CHECK_EQ(td_xsem_count(&isr_xsem), 1);
    CHECK_EQ(td_mutex_lock(&m, TD_NO_WAIT), TD_OK);            /* still a mutex */
    CHECK_EQ(td_mutex_unlock(&m), TD_OK);
    CHECK_EQ(td_event_clear(&isr_event, 1u), TD_OK);
    CHECK_EQ(td_pool_deinit(&isr_pool), TD_OK);
}

/* td_mutex_owner from the other core while the mutex's core locks and
 * unlocks it: always NULL or the locking thread, never a torn word (and,
 * under ThreadSanitizer, no data race: every store of the owner is an
 * atomic one, as the read is). */
#define WATCH_ROUNDS 20000u
#define WATCH_READS_MAX 5000000u
static TD_MUTEX_DEFINE(watched);
static volatile uint32_t watched_work;
static int watch_stop, watch_started;
static unsigned watch_bad, watch_held, watch_reads;
static void core1_watch_owner(void *arg)
{
    const td_thread_t *locker = arg;
    unsigned bad = 0, held = 0, n = 0;
    do {
        const td_thread_t *o = td_mutex_owner(&watched);
        bad += o != NULL && o != locker;
        held += o != NULL;
        if (n++ == 0)
            __atomic_store_n(&watch_started, 1, __ATOMIC_RELEASE);
    } while (!__atomic_load_n(&watch_stop, __ATOMIC_ACQUIRE) && n < WATCH_READS_MAX);
    watch_bad = bad;
    watch_held = held;
    watch_reads = n;
}

TEST(mutex_owner_read_from_other_core)
{
    watch_stop = watch_started = 0;
    REQUIRE_EQ(td_mutex_lock(&watched, TD_NO_WAIT), TD_OK);      /* binds it to this core */
    REQUIRE_EQ(td_mutex_unlock(&watched), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_watch_owner, td_thread_self()), TD_OK);
    for (int i = 0; i < 2000 && !__atomic_load_n(&watch_started, __ATOMIC_ACQUIRE); i++)
        td_sleep(1);                                            /* core 1 reads from now on */
    CHECK(__atomic_load_n(&watch_started, __ATOMIC_ACQUIRE));
    unsigned bad = 0;
    for (uint32_t i = 0; i < WATCH_ROUNDS; i++) {
        bad += td_mutex_lock(&watched, TD_NO_WAIT) != TD_OK;
        for (unsigned k = 0; k < 8; k++)
            watched_work = watched_work + k;                    /* held a while */
        bad += td_mutex_unlock(&watched) != TD_OK;
    }
    __atomic_store_n(&watch_stop, 1, __ATOMIC_RELEASE);
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(bad, 0);
    CHECK_EQ(watch_bad, 0);
    th_info("mutex_owner_reads", (long long)watch_reads);
    th_info("mutex_owner_reads_held", (long long)watch_held);
}

/* A call refused in an interrupt handler changes nothing: on objects no
 * core has used yet, it binds none of them to the handler's core, so a
 * thread of the other core can still be their first user. */
static TD_SEM_DEFINE(first_sem, 1, 1);
static TD_MUTEX_DEFINE(first_mutex);
static TD_EVENT_DEFINE(first_event);
static int first_isr_r[5], first_core1_r[5];
static void first_use_from_isr(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    first_isr_r[0] = td_sem_take(&first_sem, TD_NO_WAIT);
    first_isr_r[1] = td_mutex_lock(&first_mutex, TD_NO_WAIT);
    first_isr_r[2] = td_mutex_unlock(&first_mutex);
    first_isr_r[3] = td_event_wait(&first_event, 1u, TD_EVENT_ANY, TD_NO_WAIT, NULL);
    __atomic_store_n(&first_isr_r[4], 1, __ATOMIC_RELEASE);
}
static void core1_first_use(void *arg)
{
    (void)arg;
    first_core1_r[0] = td_sem_take(&first_sem, TD_NO_WAIT);
    first_core1_r[1] = td_mutex_lock(&first_mutex, TD_NO_WAIT);
    first_core1_r[2] = td_mutex_unlock(&first_mutex);
    first_core1_r[3] = td_event_set_isr(&first_event, 1u);
    first_core1_r[4] = td_sem_give_isr(&first_sem);
}

TEST(refused_in_interrupt_binds_nothing)
{
    static TD_TIMER_DEFINE(tm, first_use_from_isr, NULL);
    REQUIRE_EQ(td_timer_start(&tm, 1, 0), TD_OK);
    td_sleep(3);
    REQUIRE_EQ(__atomic_load_n(&first_isr_r[4], __ATOMIC_ACQUIRE), 1);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(first_isr_r[i], TD_ERR_IN_ISR);
    for (int i = 0; i < 5; i++)
        first_core1_r[i] = 99;
    REQUIRE_EQ(th_core1_run(core1_first_use, NULL), TD_OK);
    CHECK_EQ(th_core1_wait(TD_MS(500)), TD_OK);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(first_core1_r[i], TD_OK);           /* core 1 was their first user */
    CHECK_EQ(td_sem_take(&first_sem, TD_NO_WAIT), TD_ERR_WRONG_CORE);
    CHECK_EQ(td_mutex_lock(&first_mutex, TD_NO_WAIT), TD_ERR_WRONG_CORE);
    CHECK_EQ(td_event_clear(&first_event, 1u), TD_ERR_WRONG_CORE);
}

static int idle_results[4];
static volatile int idle_done;
static void idle_misuse(void)
{
    static TD_SEM_DEFINE(s, 0, 1);
    if (idle_done)
        return;
    idle_results[0] = td_sem_take(&s, 5);
    idle_results[1] = td_sleep(1);
    idle_results[2] = td_sem_take(&s, TD_NO_WAIT);   /* not blocking: allowed */
    idle_done = 1;
}

TEST(blocking_in_idle_refused)
{
    idle_done = 0;
    REQUIRE_EQ(td_kernel_set_idle_hook(idle_misuse), TD_OK);
    for (int i = 0; i < 50 && !idle_done; i++)
        td_sleep(1);
    td_kernel_set_idle_hook(NULL);
    REQUIRE(idle_done);
    CHECK_EQ(idle_results[0], TD_ERR_IDLE);
    CHECK_EQ(idle_results[1], TD_ERR_IDLE);
    CHECK_EQ(idle_results[2], TD_ERR_WOULD_BLOCK);
}

TEST(blocking_with_interrupts_masked_refused)
{
    static TD_SEM_DEFINE(s, 0, 1);
    static TD_LOCK_DEFINE(l, TD_SPIN_USER_FIRST);
    static TD_MUTEX_DEFINE(m);
    REQUIRE_EQ(td_thread_init(&isr_dormant, isr_dormant_stack, sizeof isr_dormant_stack, "dormant",
                              1, isr_entry, NULL), TD_OK);   /* not exited: a join waits */
    REQUIRE_EQ(td_lock_take(&l), TD_OK);
    int a = td_sem_take(&s, 5), b = td_sleep(1), c = td_mutex_lock(&m, TD_NO_WAIT);
    int d = td_thread_join(&isr_dormant, 5);
    int e = td_sleep_until(td_time_ticks() + 5u);
    td_lock_give(&l);
    CHECK_EQ(a, TD_ERR_STATE);
    CHECK_EQ(b, TD_ERR_STATE);
    CHECK_EQ(c, TD_OK);                      /* did not need to block */
    CHECK_EQ(d, TD_ERR_STATE);
    CHECK_EQ(e, TD_ERR_STATE);
    CHECK_EQ(td_mutex_unlock(&m), TD_OK);
}

static int mutex_core1_r[2];
static void core1_use_mutex(void *arg)
{
    mutex_core1_r[0] = td_mutex_lock(arg, TD_NO_WAIT);
    mutex_core1_r[1] = td_mutex_unlock(arg);
}

TEST(mutex_errors)
{
    td_mutex_t zero = { 0 };
    static TD_MUTEX_DEFINE(m);
    CHECK_EQ(td_mutex_init(NULL), TD_ERR_PARAM);
    CHECK_EQ(td_mutex_lock(NULL, 1), TD_ERR_PARAM);
    CHECK_EQ(td_mutex_unlock(NULL), TD_ERR_PARAM);
    CHECK_EQ(td_mutex_lock(&zero, 1), TD_ERR_UNINIT);
    CHECK_EQ(td_mutex_unlock(&zero), TD_ERR_UNINIT);
    CHECK_EQ(td_mutex_deinit(&zero), TD_ERR_UNINIT);
    CHECK(td_mutex_owner(&zero) == NULL);
    REQUIRE_EQ(td_mutex_lock(&m, TD_NO_WAIT), TD_OK);      /* binds to core 0 */
    REQUIRE_EQ(td_mutex_unlock(&m), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_use_mutex, &m), TD_OK);
    CHECK_EQ(th_core1_wait(TD_MS(500)), TD_OK);
    CHECK_EQ(mutex_core1_r[0], TD_ERR_WRONG_CORE);
    CHECK_EQ(mutex_core1_r[1], TD_ERR_WRONG_CORE);
}
