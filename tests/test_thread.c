/*
 * tests/test_thread.c: threads: creation and its errors, states, start,
 * exit, join, suspend/resume, priorities, stack high-water mark.
 */
#include "harness.h"

TD_THREAD_DEFINE(ta, 1024);
TD_THREAD_DEFINE(tb, 1024);
TD_THREAD_DEFINE(tc, 1024);

static char order[16];
static unsigned norder;
static void log_char(char ch)
{
    if (norder < sizeof order - 1u)
        order[norder++] = ch;
    order[norder] = '\0';
}
static void reset_log(void)
{
    norder = 0;
    order[0] = '\0';
}
static bool log_is(const char *want)
{
    unsigned i = 0;
    for (; want[i] != '\0'; i++)
        if (order[i] != want[i])
            return false;
    return order[i] == '\0';
}

static void put_arg(void *arg)
{
    log_char(*(const char *)arg);
}

static void sleeper(void *arg)
{
    td_sleep((td_tick_t)(uintptr_t)arg);
}

TEST(thread_init_errors)
{
    static uint64_t small[8] __attribute__((aligned(16)));
    static td_thread_t t;
    CHECK_EQ(td_thread_init(NULL, ta_stack, sizeof ta_stack, "x", 1, put_arg, "a"), TD_ERR_PARAM);
    CHECK_EQ(td_thread_init(&t, NULL, sizeof ta_stack, "x", 1, put_arg, "a"), TD_ERR_PARAM);
    CHECK_EQ(td_thread_init(&t, ta_stack, sizeof ta_stack, "x", 1, NULL, "a"), TD_ERR_PARAM);
    CHECK_EQ(td_thread_init(&t, ta_stack, sizeof ta_stack, "x", TD_PRIO_MAX + 1, put_arg, "a"),
             TD_ERR_PARAM);
    CHECK_EQ(td_thread_init(&t, small, sizeof small, "x", 1, put_arg, "a"), TD_ERR_STACK);
    CHECK_EQ(td_thread_init(&t, (char *)ta_stack + 4, sizeof ta_stack - 8, "x", 1, put_arg, "a"),
             TD_ERR_STACK);
    CHECK_EQ(td_thread_start(NULL), TD_ERR_PARAM);
    td_thread_t zero = { 0 };
    CHECK_EQ(td_thread_start(&zero), TD_ERR_UNINIT);
    /* every call on a control block never initialised says so */
    CHECK_EQ(td_thread_join(&zero, TD_NO_WAIT), TD_ERR_UNINIT);
    CHECK_EQ(td_thread_suspend(&zero), TD_ERR_UNINIT);
    CHECK_EQ(td_thread_resume_isr(&zero), TD_ERR_UNINIT);
    CHECK_EQ(td_thread_set_priority(&zero, 1), TD_ERR_UNINIT);
    CHECK_EQ(td_thread_priority(&zero), TD_ERR_UNINIT);
    CHECK_EQ(td_thread_stack_free(&zero), TD_ERR_UNINIT);
    CHECK_EQ(td_thread_state(&zero), TD_ERR_UNINIT);
    CHECK_EQ(td_thread_state(NULL), TD_ERR_PARAM);
    CHECK(td_thread_name(&zero) == NULL);
    /* a live thread cannot be initialised again */
    REQUIRE_EQ(td_thread_create(&ta, ta_stack, sizeof ta_stack, "sleeper", 10, sleeper,
                                (void *)(uintptr_t)TD_MS(20)), TD_OK);
    CHECK_EQ(td_thread_init(&ta, ta_stack, sizeof ta_stack, "x", 1, put_arg, "a"), TD_ERR_BUSY);
    CHECK_EQ(th_join_turns(&ta, TD_MS(200)), TD_OK);   /* by turns: see th_join_turns */
}

TEST(thread_states_and_start)
{
    reset_log();
    REQUIRE_EQ(td_thread_init(&ta, ta_stack, sizeof ta_stack, "a", 10, put_arg, "a"), TD_OK);
    CHECK_EQ(td_thread_state(&ta), TD_THREAD_DORMANT);
    CHECK(td_thread_name(&ta)[0] == 'a');
    CHECK_EQ(td_thread_state(td_thread_self()), TD_THREAD_RUNNING);
    CHECK_EQ(td_thread_start(&ta), TD_OK);
    CHECK_EQ(td_thread_state(&ta), TD_THREAD_READY);     /* less urgent than main */
    CHECK_EQ(td_thread_start(&ta), TD_ERR_STATE);
    CHECK(log_is(""));
    CHECK_EQ(td_thread_join(&ta, TD_MS(100)), TD_OK);
    CHECK_EQ(td_thread_state(&ta), TD_THREAD_EXITED);
    CHECK(log_is("a"));
    /* SLEEPING, then BLOCKED (joined by nobody; waiting on a semaphore) */
    REQUIRE_EQ(td_thread_create(&tb, tb_stack, sizeof tb_stack, "b", 20, sleeper,
                                (void *)(uintptr_t)TD_MS(10)), TD_OK);
    CHECK_EQ(td_thread_state(&tb), TD_THREAD_SLEEPING);
    CHECK_EQ(td_thread_join(&tb, TD_MS(100)), TD_OK);
    /* a thread created again on the same block and stack after it exited */
    REQUIRE_EQ(td_thread_create(&ta, ta_stack, sizeof ta_stack, "a2", 20, put_arg, "A"), TD_OK);
    CHECK(log_is("aA"));                                 /* ran at once: more urgent */
    CHECK_EQ(td_thread_join(&ta, TD_NO_WAIT), TD_OK);
}

TEST(thread_priority_order)
{
    reset_log();
    REQUIRE_EQ(td_thread_create(&ta, ta_stack, sizeof ta_stack, "a", 5, put_arg, "a"), TD_OK);
    REQUIRE_EQ(td_thread_create(&tb, tb_stack, sizeof tb_stack, "b", 15, put_arg, "b"), TD_OK);
    REQUIRE_EQ(td_thread_create(&tc, tc_stack, sizeof tc_stack, "c", 10, put_arg, "c"), TD_OK);
    log_char('m');                      /* none ran yet: main (16) is more urgent */
    CHECK_EQ(td_thread_join(&ta, TD_MS(100)), TD_OK);
    CHECK(log_is("mbca"));
    CHECK_EQ(td_thread_join(&tb, TD_NO_WAIT), TD_OK);
    CHECK_EQ(td_thread_join(&tc, TD_NO_WAIT), TD_OK);
    /* a more urgent thread runs before td_thread_create returns */
    REQUIRE_EQ(td_thread_create(&ta, ta_stack, sizeof ta_stack, "a", 30, put_arg, "x"), TD_OK);
    log_char('m');
    CHECK(log_is("mbcaxm"));
    CHECK_EQ(td_thread_join(&ta, TD_NO_WAIT), TD_OK);
}

static void yielder(void *arg)
{
    for (int i = 0; i < 3; i++) {
        log_char(*(const char *)arg);
        td_thread_yield();
    }
}

TEST(thread_round_robin_yield)
{
    reset_log();
    REQUIRE_EQ(td_thread_create(&ta, ta_stack, sizeof ta_stack, "a", 8, yielder, "a"), TD_OK);
    REQUIRE_EQ(td_thread_create(&tb, tb_stack, sizeof tb_stack, "b", 8, yielder, "b"), TD_OK);
    REQUIRE_EQ(td_thread_create(&tc, tc_stack, sizeof tc_stack, "c", 8, yielder, "c"), TD_OK);
    CHECK_EQ(td_thread_join(&ta, TD_MS(100)), TD_OK);
    CHECK_EQ(td_thread_join(&tb, TD_MS(100)), TD_OK);
    CHECK_EQ(td_thread_join(&tc, TD_MS(100)), TD_OK);
    CHECK(log_is("abcabcabc"));
    CHECK_EQ(td_thread_yield(), TD_OK);  /* alone at its level: no effect */
}

/* Two busy threads at one priority with 2-tick slices: each runs until it
 * has seen the other run SLICE_TURNS times. Counted in turns, not in time:
 * on a loaded host the ticks that end the slices come late and in bursts
 * (a burst of four ticks ends two slices in one interrupt and gives the
 * core back to the same thread), so no time window holds a known number of
 * turns there. On the target each turn is exactly 'slice' ticks. */
#define SLICE_TURNS 10u
#define SLICE_TICKS 2u
/* Only to end the test of a kernel that does not slice: ticks pass on a
 * loaded host while the core's pthread is off its CPU, so this is no
 * measure of the turns (the target needs about 40 ticks). */
#define SLICE_LIMIT (TD_MS(1000) + 20u * TH_TICK_SLACK)
static volatile uint32_t spin_count[2];
static volatile uint32_t switches_seen[2];
static td_tick_t slicer_ticks[2];
static void slicer(void *arg)
{
    unsigned me = (unsigned)(uintptr_t)arg, other = me ^ 1u;
    td_tick_t start = td_time_ticks();
    uint32_t last = spin_count[other];
    while (switches_seen[me] < SLICE_TURNS && td_time_ticks() - start < SLICE_LIMIT) {
        (void)td_time_us();                /* on the host: where interrupts come in */
        spin_count[me]++;
        if (spin_count[other] != last) {   /* the other ran meanwhile */
            last = spin_count[other];
            switches_seen[me]++;
        }
    }
    /* One more mark as it leaves: preempted between its count and its
     * look at the other, it may have ended its last turn without one, and
     * the other would wait for a turn that never comes. */
    spin_count[me]++;
    slicer_ticks[me] = td_time_ticks() - start;
}

TEST(thread_time_slice)
{
    spin_count[0] = spin_count[1] = 0;
    switches_seen[0] = switches_seen[1] = 0;
    CHECK_EQ(td_kernel_set_slice(256), TD_ERR_PARAM);
    REQUIRE_EQ(td_kernel_set_slice(SLICE_TICKS), TD_OK);
    REQUIRE_EQ(td_thread_create(&ta, ta_stack, sizeof ta_stack, "s0", 8, slicer, (void *)0), TD_OK);
    REQUIRE_EQ(td_thread_create(&tb, tb_stack, sizeof tb_stack, "s1", 8, slicer, (void *)1), TD_OK);
    CHECK_EQ(td_thread_join(&ta, SLICE_LIMIT + TD_MS(500)), TD_OK);
    CHECK_EQ(td_thread_join(&tb, SLICE_LIMIT + TD_MS(500)), TD_OK);
    td_kernel_set_slice(0);
    /* they took turns: each saw the other run SLICE_TURNS times */
    CHECK_EQ(switches_seen[0], SLICE_TURNS);
    CHECK_EQ(switches_seen[1], SLICE_TURNS);
    th_info("slicer_ticks_0", (long long)slicer_ticks[0]);
    th_info("slicer_ticks_1", (long long)slicer_ticks[1]);
    if (TH_TICK_SLACK == 0u) {
        /* Exact on the target: a turn is SLICE_TICKS ticks, so SLICE_TURNS
         * of the other's and as many of its own take 2 * SLICE_TICKS *
         * SLICE_TURNS ticks, give or take its first turn (it may start
         * within a tick) and its last (it ends as soon as it sees the
         * other's last turn). */
        for (unsigned i = 0; i < 2u; i++) {
            CHECK(slicer_ticks[i] + 2u * SLICE_TICKS >= 2u * SLICE_TICKS * SLICE_TURNS);
            CHECK(slicer_ticks[i] <= 2u * SLICE_TICKS * SLICE_TURNS + SLICE_TICKS);
        }
    }
}

static volatile int suspended_runs, stop_loop;
static void counter_loop(void *arg)
{
    (void)arg;
    while (!stop_loop) {
        suspended_runs++;
        td_sleep(1);
    }
}

static void self_suspender(void *arg)
{
    (void)arg;
    log_char('1');
    td_thread_suspend(td_thread_self());
    log_char('2');
}

TEST(thread_suspend_resume)
{
    suspended_runs = 0;
    stop_loop = 0;
    REQUIRE_EQ(td_thread_create(&ta, ta_stack, sizeof ta_stack, "loop", 20, counter_loop, NULL),
               TD_OK);
    td_sleep(TD_MS(5));
    CHECK(suspended_runs > 0);
    CHECK_EQ(td_thread_suspend(&ta), TD_ERR_STATE);       /* it is sleeping */
    CHECK_EQ(td_thread_resume_isr(&ta), TD_ERR_STATE);    /* not suspended */
    CHECK_EQ(td_thread_suspend(NULL), TD_ERR_PARAM);
    /* lower it below main so that it is READY (not sleeping) when suspended */
    CHECK_EQ(td_thread_set_priority(&ta, 1), TD_OK);
    th_busy_ticks(3);                                     /* its sleep ends: READY */
    CHECK_EQ(td_thread_state(&ta), TD_THREAD_READY);
    CHECK_EQ(td_thread_suspend(&ta), TD_OK);
    CHECK_EQ(td_thread_state(&ta), TD_THREAD_SUSPENDED);
    int before = suspended_runs;
    td_sleep(TD_MS(10));
    CHECK_EQ(suspended_runs, before);                     /* did not run */
    CHECK_EQ(td_thread_resume_isr(&ta), TD_OK);
    td_sleep(TD_MS(10));
    CHECK(suspended_runs > before);
    th_busy_ticks(3);
    CHECK_EQ(td_thread_suspend(&ta), TD_OK);              /* parked: join waits */
    CHECK_EQ(td_thread_join(&ta, TD_MS(5)), TD_ERR_TIMEOUT);
    stop_loop = 1;
    CHECK_EQ(td_thread_resume_isr(&ta), TD_OK);
    CHECK_EQ(td_thread_join(&ta, TD_MS(100)), TD_OK);
    /* a thread that suspends itself */
    reset_log();
    REQUIRE_EQ(td_thread_create(&tb, tb_stack, sizeof tb_stack, "self", 20, self_suspender, NULL),
               TD_OK);
    CHECK(log_is("1"));
    CHECK_EQ(td_thread_state(&tb), TD_THREAD_SUSPENDED);
    CHECK_EQ(td_thread_resume_isr(&tb), TD_OK);
    CHECK(log_is("12"));
    CHECK_EQ(td_thread_join(&tb, TD_NO_WAIT), TD_OK);
}

static void exiter(void *arg)
{
    (void)arg;
    log_char('x');
    td_thread_exit();
    log_char('!');                                          /* never */
}

TEST(thread_exit_and_join)
{
    reset_log();
    REQUIRE_EQ(td_thread_create(&ta, ta_stack, sizeof ta_stack, "exiter", 5, exiter, NULL), TD_OK);
    CHECK_EQ(td_thread_join(&ta, TD_MS(100)), TD_OK);
    CHECK(log_is("x"));
    CHECK_EQ(td_thread_join(&ta, TD_NO_WAIT), TD_OK);       /* exited: at once */
    CHECK_EQ(td_thread_join(td_thread_self(), TD_MS(1)), TD_ERR_DEADLOCK);
    CHECK_EQ(td_thread_join(NULL, TD_MS(1)), TD_ERR_PARAM);
    REQUIRE_EQ(td_thread_create(&tb, tb_stack, sizeof tb_stack, "sl", 20, sleeper,
                                (void *)(uintptr_t)TD_MS(30)), TD_OK);
    CHECK_EQ(td_thread_join(&tb, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_thread_join(&tb, TD_MS(5)), TD_ERR_TIMEOUT);
    CHECK_EQ(td_thread_join(&tb, TD_FOREVER), TD_OK);
}

static void deep(void *arg)
{
    volatile uint8_t buf[6000];
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)i;
    *(volatile uint8_t *)arg = buf[5999];
}
static void shallow(void *arg)
{
    *(volatile uint8_t *)arg = 1;
}

TEST(thread_stack_high_water)
{
    static volatile uint8_t sink;
    TD_THREAD_DEFINE(sa, 8192);
    TD_THREAD_DEFINE(sb, 8192);
    REQUIRE_EQ(td_thread_create(&sa, sa_stack, sizeof sa_stack, "shallow", 20, shallow,
                                (void *)&sink), TD_OK);
    REQUIRE_EQ(td_thread_create(&sb, sb_stack, sizeof sb_stack, "deep", 20, deep, (void *)&sink),
               TD_OK);
    long fa = td_thread_stack_free(&sa), fb = td_thread_stack_free(&sb);
    th_info("stack_free_shallow", fa);
    th_info("stack_free_deep", fb);
    CHECK(fa > 0 && fa < (long)sizeof sa_stack);
    CHECK(fb > 0 && fa - fb >= 3000);                       /* the 6000-byte frame shows */
    CHECK_EQ(td_thread_stack_free(NULL), TD_ERR_PARAM);
}

static int core1_result[4];
static int c1_created, c1_release;            /* between the cores: atomic */

/* Lives until core 0 has tried its calls on it (not a guess of how long). */
static void core1_waiter(void *arg)
{
    (void)arg;
    TH_WAIT_CORE(0, 5000, __atomic_load_n(&c1_release, __ATOMIC_ACQUIRE));
}

static void core1_make_thread(void *arg)
{
    (void)arg;
    core1_result[0] = td_thread_create(&tc, tc_stack, sizeof tc_stack, "c1", 10, core1_waiter,
                                       NULL);
    __atomic_store_n(&c1_created, 1, __ATOMIC_RELEASE);
    core1_result[1] = td_thread_join(&tc, TD_SEC(6));
}

TEST(thread_wrong_core)
{
    core1_result[0] = core1_result[1] = 99;
    __atomic_store_n(&c1_created, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&c1_release, 0, __ATOMIC_RELAXED);
    REQUIRE_EQ(th_core1_run(core1_make_thread, NULL), TD_OK);
    /* it exists, on core 1 */
    TH_WAIT_CORE(1, 5000, __atomic_load_n(&c1_created, __ATOMIC_ACQUIRE));
    CHECK_EQ(td_thread_suspend(&tc), TD_ERR_WRONG_CORE);
    CHECK_EQ(td_thread_resume_isr(&tc), TD_ERR_WRONG_CORE);
    CHECK_EQ(td_thread_join(&tc, TD_MS(1)), TD_ERR_WRONG_CORE);
    CHECK_EQ(td_thread_set_priority(&tc, 3), TD_ERR_WRONG_CORE);
    CHECK_EQ(td_thread_stack_free(&tc), TD_ERR_WRONG_CORE);
    __atomic_store_n(&c1_release, 1, __ATOMIC_RELEASE);
    CHECK_EQ(th_core1_wait(TD_SEC(7)), TD_OK);
    CHECK_EQ(core1_result[0], TD_OK);
    CHECK_EQ(core1_result[1], TD_OK);
}

TEST(thread_set_priority)
{
    reset_log();
    REQUIRE_EQ(td_thread_create(&ta, ta_stack, sizeof ta_stack, "a", 10, put_arg, "a"), TD_OK);
    CHECK_EQ(td_thread_priority(&ta), 10);
    CHECK_EQ(td_thread_set_priority(&ta, TD_PRIO_MAX + 1), TD_ERR_PARAM);
    CHECK(log_is(""));
    CHECK_EQ(td_thread_set_priority(&ta, 25), TD_OK);       /* now above main: runs */
    CHECK(log_is("a"));
    CHECK_EQ(td_thread_set_priority(&ta, 3), TD_ERR_STATE); /* exited */
    td_thread_t *me = td_thread_self();
    CHECK_EQ(td_thread_priority(me), TD_PRIO_MAIN);
    REQUIRE_EQ(td_thread_create(&tb, tb_stack, sizeof tb_stack, "b", 12, put_arg, "b"), TD_OK);
    CHECK_EQ(td_thread_set_priority(me, 11), TD_OK);        /* below b: b runs */
    CHECK(log_is("ab"));
    CHECK_EQ(td_thread_set_priority(me, TD_PRIO_MAIN), TD_OK);
    CHECK_EQ(td_thread_priority(NULL), TD_ERR_PARAM);
}
