/*
 * tests/test_timing.c: the length of every timed wait. docs/kernel.md: a
 * wait of n ticks ends at the n-th tick interrupt after the call. Each wait
 * here starts just after a tick (th_tick_start) and must end after exactly
 * n ticks on the target, where time is exact, and the wall clock must agree
 * within a tick. On the host it may end up to TH_TICK_SLACK ticks late by
 * the core's own time (th_ran_us), never early by its tick count: a loaded
 * Linux leaves a "core" unscheduled for as long as it likes, and then the
 * ticks it owes come in a burst, which ends the wait many ticks late by the
 * tick count but not by the time the core ran. One primitive per line, so
 * a failure names the call.
 */
#include "harness.h"

#include "tandem/chan.h"
#include "tandem/msg.h"

#define N 7u                                  /* ticks: the timeout under test */

/* The wait that began at tick t0 (microsecond u0, this core's own time r0)
 * with timeout n has just ended: check its length. */
static void measured(td_tick_t t0, uint64_t u0, uint64_t r0, td_tick_t n, const char *what,
                     int line)
{
    td_tick_t ticks = td_time_ticks() - t0;
    uint64_t us = td_time_us() - u0;
#if TH_TICK_SLACK == 0
    (void)r0;
    th_check_eq((long long)ticks, (long long)n, what, __FILE__, line);
    const uint64_t tick_us = 1000000u / TD_TICK_HZ;
    th_check(us > (n - 1u) * tick_us && us < (n + 1u) * tick_us, "wall time within a tick of it",
             __FILE__, line);
#else
    (void)us;
    if (ticks < n)
        th_check_eq((long long)ticks, (long long)n, what, __FILE__, line);   /* early */
    th_check(th_ran_within(r0, n), "within the slack by the core's own time", __FILE__, line);
#endif
}

/* The call 'call' must return 'want' after n ticks. */
#define TIMED(call, n, want)                                                   \
    do {                                                                       \
        td_tick_t t0_ = th_tick_start();                                       \
        uint64_t u0_ = td_time_us(), r0_ = th_ran_us();                        \
        int r_ = (call);                                                       \
        th_check_eq(r_, (want), #call, __FILE__, __LINE__);                    \
        measured(t0_, u0_, r0_, (n), #call, __LINE__);                         \
    } while (0)

/* ---- same-core primitives ------------------------------------------------------------- */

TD_THREAD_DEFINE(tm_holder, 1024);
static td_mutex_t tm_mutex;
static td_sem_t tm_release;

/* Holds tm_mutex until tm_release is given, then ends. */
static void holder(void *arg)
{
    (void)arg;
    if (td_mutex_lock(&tm_mutex, TD_FOREVER) != TD_OK)
        return;
    td_sem_take(&tm_release, TD_SEC(5));
    td_mutex_unlock(&tm_mutex);
}

TEST(timing_same_core_waits_exact)
{
    TIMED(td_sleep(1), 1, TD_OK);
    TIMED(td_sleep(N), N, TD_OK);
    TIMED(td_sleep(20), 20, TD_OK);
    td_tick_t t0 = th_tick_start();
    uint64_t u0 = td_time_us(), r0 = th_ran_us();
    CHECK_EQ(td_sleep_until(t0 + N), TD_OK);
    measured(t0, u0, r0, N, "td_sleep_until(t0 + N)", __LINE__);

    td_sem_t s;
    REQUIRE_EQ(td_sem_init(&s, 0, 1), TD_OK);
    TIMED(td_sem_take(&s, N), N, TD_ERR_TIMEOUT);

    td_event_t e;
    uint32_t got = 0;
    REQUIRE_EQ(td_event_init(&e), TD_OK);
    TIMED(td_event_wait(&e, 0x5u, TD_EVENT_ANY, N, &got), N, TD_ERR_TIMEOUT);
    TIMED(td_event_wait(&e, 0x5u, TD_EVENT_ALL, N, &got), N, TD_ERR_TIMEOUT);

    uint32_t qbuf[2], item = 1;
    td_queue_t q;
    REQUIRE_EQ(td_queue_init(&q, qbuf, sizeof qbuf[0], 2), TD_OK);
    TIMED(td_queue_recv(&q, &item, N), N, TD_ERR_TIMEOUT);            /* empty */
    CHECK_EQ(td_queue_send(&q, &item, TD_NO_WAIT), TD_OK);
    CHECK_EQ(td_queue_send(&q, &item, TD_NO_WAIT), TD_OK);
    TIMED(td_queue_send(&q, &item, N), N, TD_ERR_TIMEOUT);            /* full */

    uint32_t pbuf[4];
    void *b1 = NULL, *b2 = NULL, *b3 = NULL;
    td_pool_t p;
    REQUIRE_EQ(td_pool_init(&p, pbuf, 8, 2), TD_OK);
    CHECK_EQ(td_pool_alloc(&p, &b1, TD_NO_WAIT), TD_OK);
    CHECK_EQ(td_pool_alloc(&p, &b2, TD_NO_WAIT), TD_OK);
    TIMED(td_pool_alloc(&p, &b3, N), N, TD_ERR_TIMEOUT);             /* exhausted */

    /* a mutex another thread holds, and a join of that thread */
    REQUIRE_EQ(td_mutex_init(&tm_mutex), TD_OK);
    REQUIRE_EQ(td_sem_init(&tm_release, 0, 1), TD_OK);
    REQUIRE_EQ(td_thread_create(&tm_holder, tm_holder_stack, sizeof tm_holder_stack, "holder", 20,
                                holder, NULL), TD_OK);           /* more urgent: holds it now */
    TIMED(td_mutex_lock(&tm_mutex, N), N, TD_ERR_TIMEOUT);
    TIMED(td_thread_join(&tm_holder, N), N, TD_ERR_TIMEOUT);
    CHECK_EQ(td_sem_give_isr(&tm_release), TD_OK);
    CHECK_EQ(td_thread_join(&tm_holder, TD_MS(100) + TH_TICK_SLACK), TD_OK);
    CHECK_EQ(td_mutex_lock(&tm_mutex, TD_NO_WAIT), TD_OK);          /* given back */
    CHECK_EQ(td_mutex_unlock(&tm_mutex), TD_OK);
}

/* td_period_wait ends at its release tick: exactly on the target. */
TEST(timing_period_release_exact)
{
    td_period_t per;
    REQUIRE_EQ(td_period_init(&per, 5, 3), TD_OK);
    for (unsigned k = 0; k < 4; k++) {
        td_tick_t release = td_period_next(&per);
        int r = td_period_wait(&per);
#if TH_TICK_SLACK > 0
        if (r == TD_ERR_OVERFLOW)       /* a loaded host ran this thread past the release */
            continue;
#endif
        CHECK_EQ(r, TD_OK);
        td_tick_t late = td_time_ticks() - release;
        CHECK(late <= TH_TICK_SLACK);                 /* unsigned: early wraps */
        CHECK_EQ(release % 5u, 3u);
    }
}

/* ---- cross-core primitives, messages and channels ---------------------------------------- */

static td_xmutex_t tm_xm;
static int tm_xm_held, tm_xm_go;              /* between the cores: atomic */

static void core1_hold_xmutex(void *arg)
{
    (void)arg;
    if (td_xmutex_lock(&tm_xm, TD_SEC(1)) != TD_OK)
        return;
    __atomic_store_n(&tm_xm_held, 1, __ATOMIC_RELEASE);
    TH_WAIT_CORE(0, 5000, __atomic_load_n(&tm_xm_go, __ATOMIC_ACQUIRE));
    td_xmutex_unlock(&tm_xm);
}

/* Core 1 subscribes endpoint 12 with room for two words and reads nothing
 * until told: core 0's sends then wait for room. */
static td_msg_ep_t tm_rx;
static uint32_t tm_rx_in[2], tm_rx_out[2];
static int tm_rx_go;                          /* between the cores: atomic */

static void core1_slow_endpoint(void *arg)
{
    (void)arg;
    if (td_msg_init(&tm_rx, 12, tm_rx_in, 2, tm_rx_out, 2, TD_MSG_BLOCK) != TD_OK ||
        td_msg_subscribe(&tm_rx) != TD_OK)
        return;
    TH_WAIT_CORE(0, 5000, __atomic_load_n(&tm_rx_go, __ATOMIC_ACQUIRE));
    td_msg_t w;
    while (td_msg_receive(&tm_rx, &w, TD_MS(50)) == TD_OK) {
    }
    td_msg_unsubscribe(&tm_rx);
}

TEST(timing_cross_core_waits_exact)
{
    static td_xsem_t xs;
    REQUIRE_EQ(td_xsem_init(&xs, 0, 1), TD_OK);
    TIMED(td_xsem_take(&xs, N), N, TD_ERR_TIMEOUT);

    REQUIRE_EQ(td_xmutex_init(&tm_xm), TD_OK);
    __atomic_store_n(&tm_xm_held, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&tm_xm_go, 0, __ATOMIC_RELAXED);
    REQUIRE_EQ(th_core1_run(core1_hold_xmutex, NULL), TD_OK);
    TH_WAIT_CORE(1, 5000, __atomic_load_n(&tm_xm_held, __ATOMIC_ACQUIRE));
    REQUIRE(__atomic_load_n(&tm_xm_held, __ATOMIC_ACQUIRE));
    TIMED(td_xmutex_lock(&tm_xm, N), N, TD_ERR_TIMEOUT);             /* core 1 holds it */
    __atomic_store_n(&tm_xm_go, 1, __ATOMIC_RELEASE);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(td_xmutex_lock(&tm_xm, TD_MS(100) + TH_TICK_SLACK), TD_OK);
    CHECK_EQ(td_xmutex_unlock(&tm_xm), TD_OK);

    /* messages: nothing arrives at endpoint 14; nobody subscribes 15; core
     * 1's endpoint 12 takes two words and reads none until told */
    static td_msg_ep_t ep;
    static uint32_t in[4], out[4];
    td_msg_t w = 0;
    REQUIRE_EQ(td_msg_init(&ep, 14, in, 4, out, 4, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep), TD_OK);
    TIMED(td_msg_receive(&ep, &w, N), N, TD_ERR_TIMEOUT);
    TIMED(td_msg_await_remote(15, N), N, TD_ERR_TIMEOUT);
    __atomic_store_n(&tm_rx_go, 0, __ATOMIC_RELAXED);
    REQUIRE_EQ(th_core1_run(core1_slow_endpoint, NULL), TD_OK);
    REQUIRE_EQ(td_msg_await_remote(12, TD_SEC(2)), TD_OK);
    unsigned sent = 0;
    int r;
    while ((r = td_msg_send(&ep, TD_MSG(12, sent), TD_NO_WAIT)) == TD_OK && sent < 20)
        sent++;
    CHECK_EQ(r, TD_ERR_FULL);                  /* its two, and our four queued */
    TIMED(td_msg_send(&ep, TD_MSG(12, 99), N), N, TD_ERR_TIMEOUT);
    TIMED(td_msg_flush(&ep, N), N, TD_ERR_TIMEOUT);
    /* the flush waits for core 1 to take the words: a timeout before 1 s of
     * core 1's own time (its pthread left off its CPU on the host) is waited
     * out again; a lost wake-up still waits a whole second of it, and fails */
    uint64_t ran1 = th_core_ran_us(1);
    __atomic_store_n(&tm_rx_go, 1, __ATOMIC_RELEASE);
    r = td_msg_flush(&ep, TD_SEC(1));
    for (int k = 0; k < 3 && r == TD_ERR_TIMEOUT && th_core_ran_us(1) - ran1 < 1000000u; k++)
        r = td_msg_flush(&ep, TD_SEC(1));
    CHECK_EQ(r, TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(td_msg_unsubscribe(&ep), TD_OK);

    /* channels: an empty one read, a full one written (the other sides
     * unattached, so nothing moves) */
    static uint32_t rmem[2], wmem[2];
    static td_chan_t rc, wc;
    uint8_t buf[8] = { 0 };
    size_t done = 0, len = 1;
    const void *cp = NULL;
    void *wp = NULL;
    REQUIRE_EQ(td_chan_init(&rc, 6, rmem, sizeof rmem), TD_OK);
    REQUIRE_EQ(td_chan_init(&wc, 7, wmem, sizeof wmem), TD_OK);
    REQUIRE_EQ(td_chan_attach(&rc, TD_CHAN_READ), TD_OK);
    REQUIRE_EQ(td_chan_attach(&wc, TD_CHAN_WRITE), TD_OK);
    TIMED(td_chan_read(&rc, buf, 1, &done, N), N, TD_ERR_TIMEOUT);
    TIMED(td_chan_peek(&rc, &cp, &len, N), N, TD_ERR_TIMEOUT);
    CHECK_EQ(td_chan_write(&wc, buf, sizeof buf, &done, TD_NO_WAIT), TD_OK);
    TIMED(td_chan_write(&wc, buf, 1, &done, N), N, TD_ERR_TIMEOUT);
    len = 1;
    TIMED(td_chan_reserve(&wc, &wp, &len, N), N, TD_ERR_TIMEOUT);
    CHECK_EQ(td_chan_detach(&rc, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_detach(&wc, TD_CHAN_WRITE), TD_OK);
}

/* Core 1's tick: its waits are as exact as core 0's. */
static int c1_bad;
static void core1_timed(void *arg)
{
    (void)arg;
    static td_xsem_t xs1;
    td_sem_t s;
    c1_bad = -1;
    if (td_sem_init(&s, 0, 1) != TD_OK || td_xsem_init(&xs1, 0, 1) != TD_OK)
        return;
    c1_bad = 0;
    for (int k = 0; k < 3; k++) {                   /* as measured() above */
        td_tick_t t0 = th_tick_start();
        uint64_t r0 = th_ran_us();
        int r = k == 0 ? td_sleep(N) : k == 1 ? td_sem_take(&s, N) : td_xsem_take(&xs1, N);
        td_tick_t d = td_time_ticks() - t0;
        bool late = TH_TICK_SLACK == 0 ? d > N : !th_ran_within(r0, N);
        if (r != (k == 0 ? TD_OK : TD_ERR_TIMEOUT) || d < N || late)
            c1_bad |= 1 << k;
    }
}

TEST(timing_core1_waits_exact)
{
    REQUIRE_EQ(th_core1_run(core1_timed, NULL), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(c1_bad, 0);           /* bit 0 sleep, 1 semaphore, 2 cross-core semaphore */
}
