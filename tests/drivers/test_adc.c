/*
 * tests/drivers/test_adc.c: the ADC driver (tandem/adc.h) on both cores,
 * with tandem-sim driving the inputs (drv.h).
 */
#include "drv.h"

#include "rp2040.h"
#include "tandem/adc.h"

/* CLK_ADC_CTRL (CLOCKS at 0x40008000, + 0x60) through its atomic set and
 * clear aliases, and its ENABLE bit: the clock generator's gate (datasheet
 * 2.15.7); the test stops clk_adc with it. */
#define CLK_ADC_CTRL_SET (*(volatile uint32_t *)0x4000a060u)
#define CLK_ADC_CTRL_CLR (*(volatile uint32_t *)0x4000b060u)
#define CLK_ADC_ENABLE   (1u << 11)

/* Expected raw value for mv millivolts, and a tolerance of 2 counts. */
static bool near_mv(uint16_t raw, uint32_t mv)
{
    int32_t want = (int32_t)((mv * 4096u + 1650u) / 3300u);
    int32_t d = (int32_t)raw - want;
    return d >= -2 && d <= 2;
}

TEST(adc_errors)
{
    uint16_t raw;
    CHECK_EQ(td_adc_pin_init(25), TD_ERR_PARAM);
    CHECK_EQ(td_adc_pin_init(30), TD_ERR_PARAM);
    CHECK_EQ(td_adc_read(0, &raw), TD_ERR_UNINIT);       /* the first test: not set up yet */
    REQUIRE_EQ(td_adc_init(), TD_OK);
    CHECK_EQ(td_adc_init(), TD_OK);                      /* again: nothing happens */
    CHECK_EQ(td_adc_read(5, &raw), TD_ERR_PARAM);
    CHECK_EQ(td_adc_read(0, NULL), TD_ERR_PARAM);
    static td_adc_sampler_t s;
    static TD_STACK_DEFINE(st, 512);
    CHECK_EQ(td_adc_sampler_start(&s, st, sizeof st, "adc", 10, 0, 1, (td_adc_fn)1, NULL), TD_ERR_PARAM);
    CHECK_EQ(td_adc_sampler_start(&s, st, sizeof st, "adc", 10, 1u << 5, 1, (td_adc_fn)1, NULL), TD_ERR_PARAM);
    CHECK_EQ(td_adc_sampler_start(&s, st, sizeof st, "adc", 10, 1, 0, (td_adc_fn)1, NULL), TD_ERR_PARAM);
    CHECK_EQ(td_adc_sampler_start(&s, st, sizeof st, "adc", 10, 1, 1, NULL, NULL), TD_ERR_PARAM);
    CHECK_EQ(td_adc_sampler_start(&s, st, sizeof st, "adc", 10, 1, TD_FOREVER, (td_adc_fn)1, NULL),
             TD_ERR_PARAM);
    CHECK_EQ(td_thread_state(&s.thread), TD_ERR_UNINIT);  /* refused: s untouched */
    CHECK_EQ(td_adc_sampler_stop(NULL, 1), TD_ERR_PARAM);
}

/* A conversion that cannot end (clk_adc stopped) gives TD_ERR_TIMEOUT after
 * the read's 100 us (and the ADC's restart, at most 100 us more), and the
 * ADC reads again once clk_adc runs. */
TEST(adc_read_times_out_then_reads_again)
{
    REQUIRE_EQ(td_adc_init(), TD_OK);
    uint16_t raw = 0;
    CLK_ADC_CTRL_CLR = CLK_ADC_ENABLE;
    uint64_t t0 = td_time_us();
    int r = td_adc_read(0, &raw);
    uint32_t took = (uint32_t)(td_time_us() - t0);
    CLK_ADC_CTRL_SET = CLK_ADC_ENABLE;
    th_info("adc_timeout_us", took);
    CHECK_EQ(r, TD_ERR_TIMEOUT);
    CHECK(took >= 100u && took <= 100u + 100u + 30u);
    CHECK_EQ(td_adc_read(0, &raw), TD_OK);
    CHECK(near_mv(raw, ADC_IN0_MV));
    CHECK_EQ(td_adc_read(2, &raw), TD_OK);
    CHECK(near_mv(raw, ADC_IN2_MV));
}

/* The first td_adc_init made by both cores at the same moment, and each
 * core's first read right after it. Each round puts the ADC back as at
 * power-on (rp2040_adc_forget), releases both cores together and has one of
 * them start later by 0 to 158 turns of a loop (about 0 to 1000 cycles),
 * the other core in the next round: the rounds cover every overlap of the
 * two set-ups and of one core's set-up with the other's first read. Every
 * call must return 0 and every read the temperature input's value. */
#define RACE_ROUNDS 160u
static volatile uint32_t race_go, race_done;
static int race_init1[RACE_ROUNDS], race_read1[RACE_ROUNDS];
static uint16_t race_raw1[RACE_ROUNDS];

static uint32_t race_delay(uint32_t k, unsigned core)
{
    return (k & 1u) == core ? (k / 2u) * 2u : 0u;
}

static void race_spin(uint32_t n)
{
    for (volatile uint32_t i = 0; i < n; i = i + 1u) {
    }
}

static void race_core1(void *arg)
{
    (void)arg;
    for (uint32_t k = 0; k < RACE_ROUNDS; k++) {
        uint64_t end = td_time_us() + 1000000u;
        while (race_go != k + 1u && td_time_us() < end) {
        }
        if (race_go != k + 1u)
            return;                          /* core 0 stopped: its check names it */
        race_spin(race_delay(k, 1));
        race_init1[k] = td_adc_init();
        race_read1[k] = td_adc_read(TD_ADC_TEMP, &race_raw1[k]);
        race_done = k + 1u;
    }
}

static bool temp_ok(uint16_t raw)
{
    int32_t t = td_adc_temp_mdeg(raw);
    return t > ADC_TEMP_MDEG - 600 && t < ADC_TEMP_MDEG + 600;
}

TEST(adc_first_init_from_both_cores_at_once)
{
    race_go = race_done = 0;
    REQUIRE_EQ(th_core1_run(race_core1, NULL), TD_OK);
    unsigned bad = 0, first_bad = RACE_ROUNDS;
    for (uint32_t k = 0; k < RACE_ROUNDS; k++) {
        rp2040_adc_forget();
        uint16_t raw0 = 0;
        race_go = k + 1u;
        race_spin(race_delay(k, 0));
        int init0 = td_adc_init();
        int read0 = td_adc_read(TD_ADC_TEMP, &raw0);
        uint64_t end = td_time_us() + 1000000u;
        while (race_done != k + 1u && td_time_us() < end) {
        }
        REQUIRE_EQ(race_done, k + 1u);
        if (init0 != TD_OK || read0 != TD_OK || !temp_ok(raw0) || race_init1[k] != TD_OK ||
            race_read1[k] != TD_OK || !temp_ok(race_raw1[k])) {
            if (bad++ == 0) {
                first_bad = k;
                th_info("adc_init_race_core0_raw", raw0);
                th_info("adc_init_race_core1_raw", race_raw1[k]);
                CHECK_EQ(init0, TD_OK);
                CHECK_EQ(read0, TD_OK);
                CHECK(temp_ok(raw0));
                CHECK_EQ(race_init1[k], TD_OK);
                CHECK_EQ(race_read1[k], TD_OK);
                CHECK(temp_ok(race_raw1[k]));
            }
        }
    }
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    th_info("adc_init_race_rounds_bad", bad);
    th_info("adc_init_race_first_bad_round", first_bad);
    CHECK_EQ(bad, 0u);
    uint16_t raw = 0;                        /* left set up, as the next tests find it */
    CHECK_EQ(td_adc_read(0, &raw), TD_OK);
    CHECK(near_mv(raw, ADC_IN0_MV));
}

struct reads {
    int rc;
    uint16_t in0, in2, temp;
    uint32_t us;
};

static void read_all(void *arg)
{
    struct reads *r = arg;
    uint64_t t0 = td_time_us();
    for (unsigned i = 0; i < 100 && r->rc == TD_OK; i++) {
        r->rc = td_adc_read(0, &r->in0);
        if (r->rc == TD_OK)
            r->rc = td_adc_read(2, &r->in2);
        if (r->rc == TD_OK)
            r->rc = td_adc_read(TD_ADC_TEMP, &r->temp);
        if (r->rc == TD_OK && (!near_mv(r->in0, ADC_IN0_MV) || !near_mv(r->in2, ADC_IN2_MV)))
            r->rc = -1000 - (int)i;
    }
    r->us = (uint32_t)(td_time_us() - t0);
}

TEST(adc_inputs_and_temperature_both_cores_at_once)
{
    REQUIRE_EQ(td_adc_init(), TD_OK);
    for (unsigned g = 26; g <= 29; g++)
        CHECK_EQ(td_adc_pin_init(g), TD_OK);
    static struct reads r0, r1;
    r0 = (struct reads){ 0 };
    r1 = (struct reads){ 0 };
    REQUIRE_EQ(th_core1_run(read_all, &r1), TD_OK);
    read_all(&r0);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(r0.rc, TD_OK);
    CHECK_EQ(r1.rc, TD_OK);
    CHECK(near_mv(r0.in0, ADC_IN0_MV));
    CHECK(near_mv(r1.in2, ADC_IN2_MV));
    CHECK(td_adc_to_mv(r0.in0) >= ADC_IN0_MV - 2 && td_adc_to_mv(r0.in0) <= ADC_IN0_MV + 2);
    int32_t t = td_adc_temp_mdeg(r0.temp);
    th_info("adc_temperature_mdeg", t);
    CHECK(t > ADC_TEMP_MDEG - 600 && t < ADC_TEMP_MDEG + 600);   /* one count is 0.47 deg C */
    CHECK_EQ(td_adc_temp_mdeg(876), 27138);     /* 876 counts: 0.70576 V, just below the datasheet's 0.706 V at 27 deg C */
    /* 300 conversions of 96 clk_adc cycles at 41.67 MHz: 2.3 us each at least */
    th_info("adc_300_reads_us", r0.us);
    CHECK(r0.us >= 300u * 2304u / 1000u);
}

/* The sampler on core 1 follows GPIO27's 50 Hz sine (1.65 V +- 1.0 V). */
struct collect {
    uint16_t lo, hi;
    uint32_t sets;
    uint32_t crossings;   /* upward crossings of mid-scale */
    bool above;
};

static void on_set(const uint16_t *raw, unsigned n, void *arg)
{
    struct collect *c = arg;
    if (n != 2)
        return;
    uint16_t v = raw[0];                       /* input 1 (the lower of the mask) */
    if (v < c->lo)
        c->lo = v;
    if (v > c->hi)
        c->hi = v;
    bool above = v > 2048;
    if (above && !c->above && c->sets > 0)
        c->crossings++;
    c->above = above;
    c->sets++;
}

static void sampler_core1(void *arg)
{
    int *rc = arg;
    static td_adc_sampler_t s;
    static TD_STACK_DEFINE(stack, 768);
    static struct collect c;
    c = (struct collect){ .lo = 0xffff };
    rc[0] = td_adc_sampler_start(&s, stack, sizeof stack, "sampler", 20, (1u << 1) | (1u << TD_ADC_TEMP),
                                 1, on_set, &c);
    if (rc[0] != TD_OK)
        return;
    td_sleep(TD_MS(200));
    rc[1] = td_adc_sampler_stop(&s, TD_MS(10));
    rc[2] = (int)c.sets;
    rc[3] = c.lo;
    rc[4] = c.hi;
    rc[5] = (int)c.crossings;
    rc[6] = (int)s.overruns;
}

TEST(adc_sampler_thread_on_core1)
{
    REQUIRE_EQ(td_adc_init(), TD_OK);
    static int rc[7];
    REQUIRE_EQ(th_core1_run(sampler_core1, rc), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(rc[0], TD_OK);
    CHECK_EQ(rc[1], TD_OK);
    CHECK_EQ(rc[2], 200);                      /* one set per 1 ms tick for 200 ms: none lost */
    /* the sine's bottom and top, sampled every 1 ms of its 20 ms: within 1 - cos(9 deg) of them */
    CHECK(td_adc_to_mv((uint16_t)rc[3]) >= 645 && td_adc_to_mv((uint16_t)rc[3]) <= 665);
    CHECK(td_adc_to_mv((uint16_t)rc[4]) >= 2635 && td_adc_to_mv((uint16_t)rc[4]) <= 2655);
    CHECK(rc[5] >= 9 && rc[5] <= 10);          /* 50 Hz for 200 ms */
    CHECK_EQ(rc[6], 0);
}

/* A sampler started again while it runs: refused, and the running one
 * goes on as it was (its inputs, its function, its count). */
static volatile uint32_t calls_a, calls_b, wrong_n;
static void count_a(const uint16_t *raw, unsigned n, void *arg)
{
    (void)raw;
    (void)arg;
    if (n != 1)
        wrong_n++;
    calls_a++;
}
static void count_b(const uint16_t *raw, unsigned n, void *arg)
{
    (void)raw;
    (void)n;
    (void)arg;
    calls_b++;
}

TEST(adc_sampler_started_twice_refused)
{
    REQUIRE_EQ(td_adc_init(), TD_OK);
    static td_adc_sampler_t s;
    static TD_STACK_DEFINE(stack, 768);
    calls_a = calls_b = wrong_n = 0;
    REQUIRE_EQ(td_adc_sampler_start(&s, stack, sizeof stack, "adc_a", 20, 1u << 0, 1, count_a, NULL),
               TD_OK);
    td_sleep(5);
    uint32_t sets = s.sets;
    CHECK(sets >= 4);
    CHECK_EQ(td_adc_sampler_start(&s, stack, sizeof stack, "adc_b", 20, 3u, 2, count_b, NULL),
             TD_ERR_BUSY);
    td_sleep(5);
    CHECK_EQ(td_adc_sampler_stop(&s, TD_MS(10)), TD_OK);
    CHECK_EQ(calls_b, 0);
    CHECK_EQ(wrong_n, 0);
    CHECK_EQ(s.n, 1);
    CHECK(s.sets >= sets + 4);                     /* its count went on, not from 0 */
    CHECK_EQ(s.sets, calls_a);
    /* stopped, it may be started again, differently */
    REQUIRE_EQ(td_adc_sampler_start(&s, stack, sizeof stack, "adc_b", 20, 3u, 2, count_b, NULL),
               TD_OK);
    td_sleep(5);
    CHECK_EQ(td_adc_sampler_stop(&s, TD_MS(10)), TD_OK);
    CHECK(calls_b >= 2);
}

/* A sampler's calls where they are refused: from an interrupt handler and,
 * for td_adc_sampler_stop, from the core the sampler does not run on, or
 * on a record never started. Each refusal is named and changes nothing: the
 * sampler goes on sampling, and stops when asked where it may be (from its
 * own function too, which cannot wait for it). */
static td_adc_sampler_t isr_s;
static volatile int isr_r[3];
static void adc_from_isr(void)
{
    static TD_STACK_DEFINE(st, 512);
    isr_r[0] = td_adc_init();
    isr_r[1] = td_adc_sampler_stop(&isr_s, TD_NO_WAIT);
    static td_adc_sampler_t fresh;
    isr_r[2] = td_adc_sampler_start(&fresh, st, sizeof st, "adc_isr", 20, 1u, 1, count_a, NULL);
}

static volatile int core1_stop_r;
static void stop_from_core1(void *arg)
{
    (void)arg;
    core1_stop_r = td_adc_sampler_stop(&isr_s, TD_MS(10));
}

static volatile int self_r;
static void stop_self(const uint16_t *raw, unsigned n, void *arg)
{
    (void)raw;
    (void)n;
    self_r = td_adc_sampler_stop(arg, TD_MS(10));
}

TEST(adc_sampler_stop_refused_elsewhere)
{
    REQUIRE_EQ(td_adc_init(), TD_OK);
    static TD_STACK_DEFINE(stack, 768);
    static td_adc_sampler_t never;
    CHECK_EQ(td_adc_sampler_stop(&never, TD_NO_WAIT), TD_ERR_UNINIT);
    CHECK_EQ(never.stop, 0);
    calls_a = calls_b = wrong_n = 0;
    REQUIRE_EQ(td_adc_sampler_start(&isr_s, stack, sizeof stack, "adc_a", 20, 1u << 0, 1, count_a,
                                    NULL),
               TD_OK);
    td_sleep(3);
    for (unsigned i = 0; i < 3; i++)
        isr_r[i] = 99;
    REQUIRE_EQ(drv_in_isr(adc_from_isr), TD_OK);
    CHECK_EQ(isr_r[0], TD_ERR_IN_ISR);
    CHECK_EQ(isr_r[1], TD_ERR_IN_ISR);
    CHECK_EQ(isr_r[2], TD_ERR_IN_ISR);
    CHECK_EQ(isr_s.stop, 0);
    core1_stop_r = 99;
    REQUIRE_EQ(th_core1_run(stop_from_core1, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(core1_stop_r, TD_ERR_WRONG_CORE);
    CHECK_EQ(isr_s.stop, 0);
    uint32_t sets = isr_s.sets;
    td_sleep(5);
    CHECK(isr_s.sets >= sets + 4);                  /* still sampling */
    CHECK(td_thread_state(&isr_s.thread) != TD_THREAD_EXITED);
    CHECK_EQ(td_adc_sampler_stop(&isr_s, TD_MS(10)), TD_OK);
    CHECK_EQ(td_thread_state(&isr_s.thread), TD_THREAD_EXITED);
    CHECK_EQ(td_adc_sampler_stop(&isr_s, TD_NO_WAIT), TD_OK);   /* ended already */
    CHECK_EQ(td_adc_sampler_stop(&isr_s, TD_TIMEOUT_MAX + 1u), TD_ERR_PARAM);
    CHECK_EQ(calls_b, 0);
    /* from its own function: asked, not waited for; it ends after that set */
    self_r = 99;
    REQUIRE_EQ(td_adc_sampler_start(&isr_s, stack, sizeof stack, "adc_self", 20, 1u << 0, 1,
                                    stop_self, &isr_s),
               TD_OK);
    td_sleep(5);
    CHECK_EQ(self_r, TD_ERR_WOULD_BLOCK);
    CHECK_EQ(isr_s.sets, 1);
    CHECK_EQ(td_thread_state(&isr_s.thread), TD_THREAD_EXITED);
}
