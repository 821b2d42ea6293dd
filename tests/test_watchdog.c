/*
 * tests/test_watchdog.c: the watchdog that watches both cores
 * (tandem/watchdog.h): its errors (bad arguments, a second start, the
 * wrong core, an interrupt handler, a full table), threads that check in
 * in time left alone, and a watched thread of core 1 that stops checking
 * in: reported as core 1's fault naming the thread, core 1 restarted,
 * core 0 going on. A hung kernel, a hung core 0 thread, the reboot policy
 * and the chip's watchdog are the emulator's (the faults suite), since a
 * reboot ends this runner.
 */
#include "harness.h"

#include "port.h"
#include "tandem/fault.h"
#include "tandem/watchdog.h"

#define LD(x)    __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* The host's cores are OS threads that may stall: its kernels get the
 * longest limit, so only the threads' check-ins are judged there. */
#ifdef TH_HOST
#define KERNEL_MS TD_WATCHDOG_MAX_MS
#define QUIET_MS  2000u      /* limits far above what a loaded host stalls a thread */
#define HANG_MS   2000u      /* as QUIET_MS: a thread of core 1 left off its CPU for
                              * 300 ms between its check-ins had missed one (300) */
#define HANG_TEXT "2000"
#else
#define KERNEL_MS 500u
#define QUIET_MS  40u
#define HANG_MS   30u
#define HANG_TEXT "30"
#endif
/* A port without a chip watchdog (the host, the AN521) runs the software
 * check-ins alone. */
#if PORT_WATCHDOG_MAX_MS == 0
#define HW_MS     0u
#else
#define HW_MS     1000u
#endif

static char report[4096];

/* ---- errors ----------------------------------------------------------------------------- */

static int isr_r[6];
static volatile int isr_done;
static void from_isr(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    td_watchdog_config_t c = { 100, 0, TD_WATCHDOG_REBOOT };
    isr_r[0] = td_watchdog_start(&c);
    isr_r[1] = td_watchdog_stop();
    isr_r[2] = td_watchdog_watch(td_thread_self(), 100);
    isr_r[3] = td_watchdog_unwatch(td_thread_self());
    isr_r[4] = td_watchdog_checkin();
    isr_r[5] = td_watchdog_running();
    isr_done = 1;
}

static int c1_r[4];
static td_thread_t *c1_self;
static void core1_misuse(void *arg)
{
    (void)arg;
    td_watchdog_config_t c = { 100, 0, TD_WATCHDOG_REBOOT };
    c1_self = td_thread_self();
    c1_r[0] = td_watchdog_start(&c);
    c1_r[1] = td_watchdog_stop();
    c1_r[2] = td_watchdog_checkin();             /* not watched */
    c1_r[3] = td_watchdog_unwatch(c1_self);      /* not watched */
}

static TD_SEM_DEFINE(park, 0, 16);
static void parked(void *arg)
{
    (void)arg;
    td_sem_take(&park, TD_FOREVER);
}
TD_THREAD_DEFINE(p0, 1024);
TD_THREAD_DEFINE(p1, 1024);
TD_THREAD_DEFINE(p2, 1024);
TD_THREAD_DEFINE(p3, 1024);
TD_THREAD_DEFINE(p4, 1024);
TD_THREAD_DEFINE(p5, 1024);
TD_THREAD_DEFINE(p6, 1024);
TD_THREAD_DEFINE(p7, 1024);
TD_THREAD_DEFINE(dormant, 1024);

TEST(watchdog_errors)
{
    td_watchdog_config_t c = { KERNEL_MS, HW_MS, TD_WATCHDOG_REBOOT };
    CHECK_EQ(td_watchdog_running(), 0);
    CHECK_EQ(td_watchdog_stop(), TD_ERR_STATE);
    CHECK_EQ(td_watchdog_start(NULL), TD_ERR_PARAM);
    c.kernel_ms = 0;
    CHECK_EQ(td_watchdog_start(&c), TD_ERR_PARAM);
    c.kernel_ms = TD_WATCHDOG_MAX_MS + 1u;
    CHECK_EQ(td_watchdog_start(&c), TD_ERR_PARAM);
    c.kernel_ms = KERNEL_MS;
    c.policy = TD_WATCHDOG_POLICIES;
    CHECK_EQ(td_watchdog_start(&c), TD_ERR_PARAM);
    c.policy = TD_WATCHDOG_RESTART_CORE1;
#if PORT_WATCHDOG_MAX_MS == 0
    c.hw_ms = 1000;                              /* no chip watchdog in this port */
    CHECK_EQ(td_watchdog_start(&c), TD_ERR_UNSUPPORTED);
#else
    c.hw_ms = KERNEL_MS;                         /* not above the kernels' limit */
    CHECK_EQ(td_watchdog_start(&c), TD_ERR_PARAM);
    c.hw_ms = PORT_WATCHDOG_MAX_MS + 1u;         /* beyond the counter */
    CHECK_EQ(td_watchdog_start(&c), TD_ERR_PARAM);
#endif
    CHECK_EQ(td_watchdog_running(), 0);          /* none of them started it */
    c.hw_ms = HW_MS;

    /* the wrong core, and calls from core 1 */
    for (int i = 0; i < 4; i++)
        c1_r[i] = 99;
    REQUIRE_EQ(th_core1_run(core1_misuse, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(c1_r[0], TD_ERR_WRONG_CORE);
    CHECK_EQ(c1_r[1], TD_ERR_WRONG_CORE);
    CHECK_EQ(c1_r[2], TD_ERR_STATE);
    CHECK_EQ(c1_r[3], TD_ERR_EMPTY);
    CHECK_EQ(td_watchdog_watch(c1_self, 100), TD_ERR_WRONG_CORE);
    CHECK_EQ(td_watchdog_unwatch(c1_self), TD_ERR_WRONG_CORE);

    /* arguments of watch, unwatch, checkin */
    td_thread_t *me = td_thread_self();
    CHECK_EQ(td_watchdog_watch(NULL, 100), TD_ERR_PARAM);
    CHECK_EQ(td_watchdog_watch(me, 0), TD_ERR_PARAM);
    CHECK_EQ(td_watchdog_watch(me, TD_WATCHDOG_MAX_MS + 1u), TD_ERR_PARAM);
    REQUIRE_EQ(td_thread_init(&dormant, dormant_stack, sizeof dormant_stack, "dormant", 5,
                              parked, NULL), TD_OK);
    CHECK_EQ(td_watchdog_watch(&dormant, 100), TD_ERR_STATE);
    CHECK_EQ(td_watchdog_unwatch(NULL), TD_ERR_PARAM);
    CHECK_EQ(td_watchdog_unwatch(me), TD_ERR_EMPTY);
    CHECK_EQ(td_watchdog_checkin(), TD_ERR_STATE);

    /* a second start; stop; start again */
    REQUIRE_EQ(td_watchdog_start(&c), TD_OK);
    CHECK_EQ(td_watchdog_running(), 1);
    CHECK_EQ(td_watchdog_start(&c), TD_ERR_BUSY);
    CHECK_EQ(td_watchdog_stop(), TD_OK);
    CHECK_EQ(td_watchdog_stop(), TD_ERR_STATE);
    CHECK_EQ(td_watchdog_running(), 0);

    /* from an interrupt handler */
    static TD_TIMER_DEFINE(tm, from_isr, NULL);
    isr_done = 0;
    REQUIRE_EQ(td_timer_start(&tm, 1, 0), TD_OK);
    for (int i = 0; i < 50 && !isr_done; i++)
        td_sleep(1);
    REQUIRE(isr_done);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(isr_r[i], TD_ERR_IN_ISR);
    CHECK_EQ(isr_r[5], 0);

    /* a full table: this thread and seven parked ones, then one more */
    td_thread_t *ps[8] = { &p0, &p1, &p2, &p3, &p4, &p5, &p6, &p7 };
    uint64_t *stacks[8] = { p0_stack, p1_stack, p2_stack, p3_stack,
                            p4_stack, p5_stack, p6_stack, p7_stack };
    for (int i = 0; i < 8; i++)
        REQUIRE_EQ(td_thread_create(ps[i], stacks[i], sizeof p0_stack, "parked", 5, parked, NULL),
                   TD_OK);
    CHECK_EQ(td_watchdog_watch(me, 1000), TD_OK);
    CHECK_EQ(td_watchdog_watch(me, 2000), TD_OK);    /* again: a new limit, same entry */
    for (unsigned i = 0; i + 1u < TD_WATCHDOG_THREADS; i++)
        CHECK_EQ(td_watchdog_watch(ps[i], 1000), TD_OK);
    CHECK_EQ(td_watchdog_watch(ps[7], 1000), TD_ERR_FULL);
    CHECK_EQ(td_watchdog_checkin(), TD_OK);
    CHECK_EQ(td_watchdog_unwatch(me), TD_OK);
    CHECK_EQ(td_watchdog_unwatch(me), TD_ERR_EMPTY);
    CHECK_EQ(td_watchdog_checkin(), TD_ERR_STATE);
    CHECK_EQ(td_watchdog_watch(ps[7], 1000), TD_OK);  /* the freed place */
    /* threads that end are dropped by themselves */
    for (int i = 0; i < 8; i++)
        td_sem_give_isr(&park);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(td_thread_join(ps[i], TD_SEC(1)), TD_OK);
    td_sleep(2);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(td_watchdog_unwatch(ps[i]), TD_ERR_EMPTY);
}

/* ---- check-ins in time --------------------------------------------------------------------- */

static volatile int quiet_r;
static void quiet_main(void *arg)
{
    (void)arg;
    int r = td_watchdog_watch(td_thread_self(), QUIET_MS);
    for (int i = 0; i < 30 && r == TD_OK; i++) {
        td_sleep(TD_MS(10));
        r = td_watchdog_checkin();
    }
    td_watchdog_unwatch(td_thread_self());
    quiet_r = r;
}
TD_THREAD_DEFINE(quiet, 1024);

TEST(watchdog_checkins_in_time_left_alone)
{
    uint32_t misses = td_watchdog_misses(), faults0 = td_fault_count(0), faults1 = td_fault_count(1);
    uint32_t restarts = td_fault_restarts();
    td_watchdog_config_t c = { KERNEL_MS, HW_MS, TD_WATCHDOG_RESTART_CORE1 };
    REQUIRE_EQ(td_watchdog_start(&c), TD_OK);
    quiet_r = 99;
    REQUIRE_EQ(td_thread_create(&quiet, quiet_stack, sizeof quiet_stack, "quiet", 20, quiet_main,
                                NULL), TD_OK);
    CHECK_EQ(th_join_turns(&quiet, TD_SEC(2)), TD_OK);    /* by turns: see th_join_turns */
    CHECK_EQ(td_watchdog_stop(), TD_OK);
    CHECK_EQ(quiet_r, TD_OK);
    CHECK_EQ(td_watchdog_misses(), misses);
    CHECK_EQ(td_fault_count(0), faults0);
    CHECK_EQ(td_fault_count(1), faults1);
    CHECK_EQ(td_fault_restarts(), restarts);
}

/* ---- a thread of core 1 that stops checking in ----------------------------------------------- */

static volatile int hang_watch_r = 99, hang_checkins;
static uint32_t hang_last_us;            /* the shared clock just before the last check-in */
static void hang_main(void *arg)
{
    (void)arg;
    hang_watch_r = td_watchdog_watch(td_thread_self(), HANG_MS);
    for (int i = 0; i < 5; i++) {
        td_sleep(TD_MS(10));
        ST(hang_last_us, (uint32_t)td_time_us());
        if (td_watchdog_checkin() == TD_OK)
            ST(hang_checkins, hang_checkins + 1);
    }
    td_sleep(TD_FOREVER);                /* no more check-ins */
}
TD_THREAD_DEFINE(hang, 1024);
static void core1_start_hang(void *arg)
{
    (void)arg;
    td_thread_create(&hang, hang_stack, sizeof hang_stack, "c1hang", 20, hang_main, NULL);
}

static volatile int job_r[2];
static void core1_job(void *arg)
{
    (void)arg;
    job_r[0] = (int)port_core_id();
    job_r[1] = td_sleep(1);
}

TEST(watchdog_core1_thread_missed_restarts_core1)
{
    uint32_t misses = td_watchdog_misses(), restarts = td_fault_restarts();
    uint32_t count1 = td_fault_count(1), count0 = td_fault_count(0);
    td_watchdog_config_t c = { KERNEL_MS, HW_MS, TD_WATCHDOG_RESTART_CORE1 };
    REQUIRE_EQ(td_watchdog_start(&c), TD_OK);
    bool cap = th_capture_begin() == TD_OK;
    ST(hang_checkins, 0);
    ST(hang_last_us, 0u);
    uint64_t t0 = td_time_us();          /* before the hang can start: dt is at least its time */
    uint64_t ran0[2] = { th_core_ran_us(0), th_core_ran_us(1) };
    if (!CHECK_EQ(th_core1_run(core1_start_hang, NULL), TD_OK) ||
        !CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK)) {
        td_watchdog_stop();
        th_capture_end(report, sizeof report);
        return;
    }
    for (int i = 0; i < 5000 && td_fault_restarts() == restarts; i++)
        td_sleep(1);
    uint64_t seen = td_time_us(), dt = seen - t0;
    (void)dt;                            /* its lower bound: checked on the target */
    /* the lesser of the two cores' own running times meanwhile: the time
     * itself on the chip; on the host not the time a core's pthread was
     * left off its CPU (core 1's before its hang starts, core 0's before
     * its supervision sees it), which only stretches the wall clock */
    uint64_t ran_c0 = th_core_ran_us(0) - ran0[0], ran_c1 = th_core_ran_us(1) - ran0[1];
    uint64_t ran_dt = ran_c0 < ran_c1 ? ran_c0 : ran_c1;
    for (int i = 0; i < 2000 && td_fault_core_state(1) != TD_CORE_RUNNING; i++)
        td_sleep(1);
    int back = th_core1_wait(TD_SEC(2));
    CHECK_EQ(td_watchdog_stop(), TD_OK);
    int len = th_capture_end(report, sizeof report);
    CHECK_EQ(hang_watch_r, TD_OK);
    CHECK_EQ(LD(hang_checkins), 5);
    REQUIRE_EQ(td_fault_restarts(), restarts + 1u);
    /* not before the limit after the last check-in (the watchdog's clock is
     * the shared microsecond clock), on both ports */
    CHECK((uint32_t)seen - LD(hang_last_us) >= HANG_MS * 1000u);
#if TH_TICK_SLACK == 0
    /* and on the target, where ticks are exact, 5 check-ins 10 ms apart
     * before it (a loaded host delivers the ticks a stalled core owes in a
     * burst, so its sleeps can end early by the wall clock) */
    CHECK(dt >= 50000u + HANG_MS * 1000u);
#endif
    CHECK(ran_dt < 1000000u + HANG_MS * 1000u);
    CHECK_EQ(back, TD_OK);
    CHECK_EQ(td_watchdog_misses(), misses + 1u);
    CHECK_EQ(td_fault_count(0), count0);
    CHECK_EQ(td_fault_count(1), count1 + 1u);
    td_fault_record_t r;
    REQUIRE_EQ(td_fault_last(1, &r), TD_OK);
    CHECK_EQ(r.core, 1);
    CHECK_EQ(r.reason, TD_FAULT_WATCHDOG);
    CHECK_EQ(r.action, TD_FAULT_RESTART);
    CHECK(th_contains(r.thread, "c1hang"));
    CHECK_EQ(r.addr, HANG_MS);
    CHECK(r.code >= (int32_t)HANG_MS);
    CHECK_EQ(td_fault_core_state(1), TD_CORE_RUNNING);
    /* the restarted core 1 takes jobs; its watched thread went with it */
    job_r[0] = job_r[1] = 99;
    if (CHECK_EQ(th_core1_run(core1_job, NULL), TD_OK))
        CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(job_r[0], 1);
    CHECK_EQ(job_r[1], TD_OK);
    REQUIRE(cap);
    CHECK(len > 0);
    CHECK(th_contains(report, "*** FAULT core 1, thread \"c1hang\": missed its watchdog check-in"));
    CHECK(th_contains(report, "ms (watchdog limit " HANG_TEXT " ms)"));
    CHECK(th_contains(report, "action: the watchdog restarts core 1"));
    CHECK(th_contains(report, "*** END FAULT core 1"));
}
