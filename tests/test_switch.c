/*
 * tests/test_switch.c: the two ways a core switches threads (port/port.h)
 * resume each other's contexts intact: a thread preempted through a
 * requested switch (PendSV on the chip: an exception frame) resumed by a
 * direct thread-to-thread switch, and a thread that blocked through a
 * direct switch (a call frame) resumed by a requested one.
 */
#include "harness.h"
#include "port.h"

TD_THREAD_DEFINE(sw_spin, 1024);
TD_THREAD_DEFINE(sw_high, 1024);

static td_sem_t sw_sem;
static uint32_t sw_ref[16];
static volatile uint32_t sw_rounds, sw_bad, sw_high_runs;
static volatile int sw_stop;

/* Calls of varying depth (so that an interrupt finds the stack pointer
 * 8-aligned or not, and the hardware pads the frame or not), then a loop
 * with many live values, compares and flags, in a leaf (lr live in its
 * register throughout). */
__attribute__((noinline)) static uint32_t churn(uint32_t a, uint32_t b, uint32_t c, unsigned depth)
{
    if (depth != 0)
        return churn(b ^ (a << 1), c + a, a - b, depth - 1) ^ depth;
    uint32_t d = a ^ 0x5bd1e995u, e = b + 0x27d4eb2fu, f = c ^ (a >> 3), g = 0, h = 1;
    for (unsigned i = 0; i < 40; i++) {
        g += d < e ? d : e;
        h ^= f > g ? f - g : g - f;
        d = d * 3u + h;
        e = (e >> 1) | (e << 31);
        f += d ^ e;
    }
    return d ^ e ^ f ^ g ^ h;
}

static uint32_t churn_k(unsigned k)
{
    return churn(k * 0x9e3779b9u, k + 7u, ~k, k & 3u);
}

/* The lowest thread: computes, compares with the values computed with
 * interrupts masked, and is preempted at arbitrary points. */
static void spinner(void *arg)
{
    (void)arg;
    while (!sw_stop) {
        for (unsigned k = 0; k < 16; k++)
            if (churn_k(k) != sw_ref[k])
                sw_bad++;
        sw_rounds++;
        (void)td_time_us();               /* an interrupt point on the host port */
    }
}

/* Woken from the tick (a requested switch preempts the spinner), blocks
 * again at once (a direct switch resumes the spinner). */
static void high(void *arg)
{
    (void)arg;
    while (td_sem_take(&sw_sem, TD_MS(100)) == TD_OK)
        sw_high_runs++;
}

static void give_tick(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    td_sem_give_isr(&sw_sem);
}

TEST(switch_paths_keep_registers)
{
    static TD_TIMER_DEFINE(tm, give_tick, NULL);
    port_irq_state_t s = port_irq_save();
    for (unsigned k = 0; k < 16; k++)
        sw_ref[k] = churn_k(k);
    port_irq_restore(s);
    sw_rounds = sw_bad = sw_high_runs = 0;
    sw_stop = 0;
    REQUIRE_EQ(td_sem_init(&sw_sem, 0, 1), TD_OK);
    REQUIRE_EQ(td_thread_create(&sw_high, sw_high_stack, sizeof sw_high_stack, "high", 25, high,
                                NULL), TD_OK);
    REQUIRE_EQ(td_thread_create(&sw_spin, sw_spin_stack, sizeof sw_spin_stack, "spin", 4, spinner,
                                NULL), TD_OK);
    REQUIRE_EQ(td_timer_start(&tm, 1, 1), TD_OK);
    /* The spinner runs, high preempts it each tick, until high ran 60
     * times (60 ticks on the target; counted in runs, not ticks: on a
     * loaded host ticks come in bursts, each burst one run of high). */
    for (unsigned i = 0; i < TD_MS(2000) && sw_high_runs < 60u; i++)
        td_sleep(1);
    td_timer_stop(&tm);
    sw_stop = 1;
    CHECK_EQ(td_thread_join(&sw_spin, TD_MS(500)), TD_OK);
    CHECK_EQ(td_thread_join(&sw_high, TD_MS(500)), TD_OK);
    th_info("switch_high_runs", sw_high_runs);
    CHECK_EQ(sw_bad, 0);
    CHECK(sw_rounds > 0);
    CHECK(sw_high_runs >= 10);
}
