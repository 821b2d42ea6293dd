/*
 * tests/drivers/test_dma.c: the DMA driver (tandem/dma.h) on both cores.
 */
#include "drv.h"

#include "tandem/dma.h"
#include "tandem/fault.h"
#include "tandem/panic.h"

#define MAX_LEN 4096u

/* Per core: a source and a destination with room for misalignment and
 * guard bytes on both sides of the destination. */
static uint32_t src_w[2][MAX_LEN / 4 + 2];
static uint32_t dst_w[2][MAX_LEN / 4 + 4];

TEST(dma_claim_and_errors)
{
    unsigned got[TD_DMA_CHANNELS], n = 0, ch;
    while (n < TD_DMA_CHANNELS && td_dma_claim(&ch) == TD_OK)
        got[n++] = ch;
    CHECK_EQ(n, TD_DMA_USER_LAST - TD_DMA_USER_FIRST + 1);
    CHECK_EQ(td_dma_claim(&ch), TD_ERR_BUSY);
    for (unsigned i = 0; i < n; i++) {
        CHECK(got[i] >= TD_DMA_USER_FIRST && got[i] <= TD_DMA_USER_LAST);
        CHECK_EQ(td_dma_unclaim(got[i]), TD_OK);
    }
    CHECK_EQ(td_dma_claim(NULL), TD_ERR_PARAM);
    CHECK_EQ(td_dma_unclaim(TD_DMA_SPI0_TX), TD_ERR_PARAM);     /* not a user channel */
    CHECK_EQ(td_dma_unclaim(12), TD_ERR_PARAM);
    CHECK_EQ(td_dma_unclaim(TD_DMA_USER_FIRST), TD_ERR_STATE);  /* not claimed */

    uint32_t a = 0, b = 0;
    td_dma_xfer_t x = { .src = &a, .dst = &b, .count = 1, .size = 4, .dreq = TD_DMA_DREQ_NONE };
    CHECK_EQ(td_dma_start(TD_DMA_USER_FIRST, &x), TD_ERR_STATE); /* not claimed */
    REQUIRE_EQ(td_dma_claim(&ch), TD_OK);
    CHECK_EQ(td_dma_start(ch, NULL), TD_ERR_PARAM);
    CHECK_EQ(td_dma_start(12, &x), TD_ERR_PARAM);
    x.count = 0;
    CHECK_EQ(td_dma_start(ch, &x), TD_ERR_PARAM);
    x.count = 1;
    x.size = 3;
    CHECK_EQ(td_dma_start(ch, &x), TD_ERR_PARAM);
    x.size = 4;
    x.src = (const uint8_t *)&a + 2;                     /* misaligned for words */
    CHECK_EQ(td_dma_start(ch, &x), TD_ERR_PARAM);
    x.src = &a;
    x.dreq = 0x40;
    CHECK_EQ(td_dma_start(ch, &x), TD_ERR_PARAM);
    x.dreq = TD_DMA_DREQ_NONE;
    CHECK_EQ(td_dma_wait(ch, 10), TD_ERR_STATE);         /* nothing started */
    CHECK_EQ(td_dma_wait(ch, TD_TIMEOUT_MAX + 1u), TD_ERR_PARAM);
    CHECK_EQ(td_dma_copy(ch, NULL, &a, 4, 10), TD_ERR_PARAM);
    CHECK_EQ(td_dma_copy(ch, &b, &a, 0, 10), TD_OK);      /* nothing to do */
    a = 0x12345678;
    CHECK_EQ(td_dma_copy(ch, &b, &a, 4, 10), TD_OK);
    CHECK_EQ(b, 0x12345678u);
    CHECK_EQ(td_dma_wait(ch, 10), TD_ERR_STATE);         /* already taken */
    CHECK_EQ(td_dma_unclaim(ch), TD_OK);
    CHECK_EQ(td_strerror(TD_OK)[0], 'T');
    CHECK(th_contains(td_dma_strerror(TD_ERR_DMA_READ), "DMA_READ"));
}

/* Address 0: the boot ROM on the RP2040, which the DMA reads like any
 * other memory. td_dma_copy takes a NULL src or dst for the bug it nearly
 * always is (TD_ERR_PARAM, nothing moved); td_dma_start, which takes
 * addresses, starts a read from 0. The ROM's first 256 bytes are the
 * MPU's null region for the CPU (so they are checked for what they are:
 * a stack pointer into RAM and a Thumb reset address in the ROM); the DMA
 * is not held by the MPU, and the next 256 equal what the CPU reads. */
TEST(dma_copy_refuses_null_start_reads_address_0)
{
    unsigned ch;
    REQUIRE_EQ(td_dma_claim(&ch), TD_OK);
    uint32_t *buf = dst_w[0];
    memset(buf, 0xa5, 512);
    CHECK_EQ(td_dma_copy(ch, buf, NULL, 512, TD_MS(10)), TD_ERR_PARAM);
    CHECK_EQ(td_dma_wait(ch, TD_NO_WAIT), TD_ERR_STATE);      /* nothing started */
    for (unsigned i = 0; i < 512 / 4; i++)
        CHECK_EQ(buf[i], 0xa5a5a5a5u);
    td_dma_xfer_t x = { .src = (const volatile void *)(uintptr_t)0, .dst = buf, .count = 512 / 4,
                        .size = 4, .src_incr = true, .dst_incr = true,
                        .dreq = TD_DMA_DREQ_NONE };
    REQUIRE_EQ(td_dma_start(ch, &x), TD_OK);
    CHECK_EQ(td_dma_wait(ch, TD_MS(10)), TD_OK);
    CHECK(buf[0] >= 0x20000000u && buf[0] <= 0x20042000u);   /* the ROM's initial stack */
    CHECK((buf[1] & 1u) == 1u && buf[1] < 0x4000u);           /* its reset entry, Thumb */
    uintptr_t at = 0x100u;
    __asm("" : "+r"(at));                 /* (a small constant address: GCC takes it for NULL's) */
    const volatile uint32_t *rom = (const volatile uint32_t *)at;
    for (unsigned i = 0; i < 256 / 4; i++)
        CHECK_EQ(buf[64 + i], rom[i]);
    CHECK_EQ(td_dma_unclaim(ch), TD_OK);
}

/* Every length from first to MAX_LEN in steps of 'step', random data at
 * random offsets (so words, halfwords and bytes are all used), checked
 * byte for byte with the guard bytes around the destination untouched. */
struct sweep {
    unsigned first, step;
    uint32_t seed;
    unsigned copies;
    int error;            /* first failure: -1 - length, or 0 */
};

static void sweep(void *arg)
{
    struct sweep *w = arg;
    unsigned core = port_core_id(), ch;
    uint8_t *src = (uint8_t *)src_w[core], *dst = (uint8_t *)dst_w[core];
    if (td_dma_claim(&ch) != TD_OK) {
        w->error = -100000;
        return;
    }
    for (unsigned n = w->first; n <= MAX_LEN && w->error == 0; n += w->step) {
        unsigned so = drv_rand(&w->seed) & 3u, dofs = 4u + (drv_rand(&w->seed) & 3u);
        drv_fill(src + so, n, &w->seed);
        memset(dst, 0xa5, dofs);
        memset(dst + dofs + n, 0x5a, 8);
        int r = td_dma_copy(ch, dst + dofs, src + so, n, TD_MS(20));
        bool ok = r == TD_OK && drv_diff(dst + dofs, src + so, n) == n;
        for (unsigned i = 0; i < dofs && ok; i++)
            ok = dst[i] == 0xa5;
        for (unsigned i = 0; i < 8 && ok; i++)
            ok = dst[dofs + n + i] == 0x5a;
        if (!ok)
            w->error = -1 - (int)n;
        w->copies++;
    }
    td_dma_unclaim(ch);
}

/* From an interrupt handler: a start, a wait and a copy are refused
 * (TD_ERR_IN_ISR) with nothing started; claim, unclaim, busy and abort
 * work ("anywhere", docs/drivers.md). */
static unsigned isr_ch;
static volatile int isr_res[7];
static uint32_t isr_a = 0x5a5a5a5au, isr_b;

static void dma_from_isr(void)
{
    td_dma_xfer_t x = { .src = &isr_a, .dst = &isr_b, .count = 1, .size = 4, .dreq = TD_DMA_DREQ_NONE };
    unsigned other = 99;
    isr_res[0] = td_dma_start(isr_ch, &x);
    isr_res[1] = td_dma_wait(isr_ch, TD_NO_WAIT);
    isr_res[2] = td_dma_copy(isr_ch, &isr_b, &isr_a, 4, TD_NO_WAIT);
    isr_res[3] = td_dma_busy(isr_ch);
    isr_res[4] = td_dma_abort(isr_ch);
    isr_res[5] = td_dma_claim(&other);
    isr_res[6] = other <= TD_DMA_USER_LAST ? td_dma_unclaim(other) : -1000;
}

TEST(dma_calls_from_an_interrupt_refused)
{
    REQUIRE_EQ(td_dma_claim(&isr_ch), TD_OK);
    isr_b = 0;
    for (unsigned i = 0; i < 7; i++)
        isr_res[i] = 99;
    REQUIRE_EQ(drv_in_isr(dma_from_isr), TD_OK);
    CHECK_EQ(isr_res[0], TD_ERR_IN_ISR);
    CHECK_EQ(isr_res[1], TD_ERR_IN_ISR);
    CHECK_EQ(isr_res[2], TD_ERR_IN_ISR);
    CHECK_EQ(isr_res[3], 0);                  /* not busy: nothing started */
    CHECK_EQ(isr_res[4], TD_OK);
    CHECK_EQ(isr_res[5], TD_OK);
    CHECK_EQ(isr_res[6], TD_OK);
    CHECK_EQ(isr_b, 0u);                      /* nothing moved */
    /* the channel works from a thread */
    CHECK_EQ(td_dma_copy(isr_ch, &isr_b, &isr_a, 4, TD_MS(5)), TD_OK);
    CHECK_EQ(isr_b, 0x5a5a5a5au);
    CHECK_EQ(td_dma_unclaim(isr_ch), TD_OK);
}

TEST(dma_copy_every_length_both_cores)
{
    /* Core 0 copies the even lengths 0..4096, core 1 the odd ones, at the same time. */
    static struct sweep w0, w1;
    w0 = (struct sweep){ .first = 0, .step = 2, .seed = 0x1234567u };
    w1 = (struct sweep){ .first = 1, .step = 2, .seed = 0x89abcdeu };
    REQUIRE_EQ(th_core1_run(sweep, &w1), TD_OK);
    sweep(&w0);
    REQUIRE_EQ(th_core1_wait(TD_SEC(15)), TD_OK);
    CHECK_EQ(w0.error, 0);
    CHECK_EQ(w1.error, 0);
    CHECK_EQ(w0.copies + w1.copies, MAX_LEN + 1);
}

TEST(dma_bus_errors_reported)
{
    unsigned ch;
    REQUIRE_EQ(td_dma_claim(&ch), TD_OK);
    static uint32_t buf[4];
    /* The SIO is the cores' own: the DMA cannot read it. */
    CHECK_EQ(td_dma_copy(ch, buf, (const void *)0xd0000000u, 16, TD_MS(5)), TD_ERR_DMA_READ);
    CHECK_EQ(td_dma_error_addr(ch), 0xd0000000u);
    CHECK_EQ(td_dma_remaining(ch), 4);
    /* Unmapped space cannot be written. */
    CHECK_EQ(td_dma_copy(ch, (void *)0x30000000u, buf, 16, TD_MS(5)), TD_ERR_DMA_WRITE);
    CHECK_EQ(td_dma_error_addr(ch), 0x30000000u);
    /* The boot ROM ignores writes, the DMA's as the cores': no error, no change. */
    static const volatile uint32_t *volatile rom = (const volatile uint32_t *)0x00000100u;
    uint32_t rom_word = *rom;
    CHECK_EQ(td_dma_copy(ch, (void *)0x00000100u, buf, 16, TD_MS(5)), TD_OK);
    CHECK_EQ(*rom, rom_word);
    /* Unmapped space. */
    CHECK_EQ(td_dma_copy(ch, buf, (const void *)0x30000000u, 4, TD_MS(5)), TD_ERR_DMA_READ);
    /* The channel works again afterwards. */
    static uint32_t a[4] = { 1, 2, 3, 4 };
    CHECK_EQ(td_dma_copy(ch, buf, a, 16, TD_MS(5)), TD_OK);
    CHECK_EQ(buf[3], 4u);
    CHECK_EQ(td_dma_error_addr(ch), 0);
    td_dma_unclaim(ch);
}

static void bus_error_core1(void *arg)
{
    int *r = arg;
    unsigned ch;
    static uint32_t buf[2];
    if (td_dma_claim(&ch) != TD_OK)
        return;
    r[0] = td_dma_copy(ch, buf, (const void *)0xe000e010u, 8, TD_MS(5));   /* a core's SysTick */
    r[1] = (int)td_dma_error_addr(ch);
    td_dma_unclaim(ch);
}

TEST(dma_bus_error_on_core1)
{
    static int r[2];
    REQUIRE_EQ(th_core1_run(bus_error_core1, r), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(r[0], TD_ERR_DMA_READ);
    CHECK_EQ((uint32_t)r[1], 0xe000e010u);
}

/* A transfer paced by a request that never comes times out, is aborted,
 * and the channel is usable again. */
TEST(dma_timeout_aborts)
{
    unsigned ch;
    REQUIRE_EQ(td_dma_claim(&ch), TD_OK);
    static uint32_t sink[8];
    static volatile uint32_t reg;
    td_dma_xfer_t x = { .src = &reg, .dst = sink, .count = 8, .size = 4, .src_incr = false,
                        .dst_incr = true, .dreq = TD_DMA_DREQ_ADC };   /* the ADC FIFO: off */
    REQUIRE_EQ(td_dma_start(ch, &x), TD_OK);
    CHECK(td_dma_busy(ch));
    CHECK_EQ(td_dma_start(ch, &x), TD_ERR_BUSY);
    CHECK_EQ(td_dma_unclaim(ch), TD_ERR_BUSY);
    CHECK_EQ(td_dma_wait(ch, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    td_tick_t t0 = td_time_ticks();
    CHECK_EQ(td_dma_wait(ch, 5), TD_ERR_TIMEOUT);
    td_tick_t took = td_time_ticks() - t0;
    CHECK(took >= 5 && took <= 5 + TH_TICK_SLACK);   /* the 5th tick after the call: exact */
    CHECK(!td_dma_busy(ch));
    CHECK_EQ(td_dma_remaining(ch), 0);         /* an abort clears the count */
    static uint32_t a = 7, b;
    CHECK_EQ(td_dma_copy(ch, &b, &a, 4, TD_MS(5)), TD_OK);
    CHECK_EQ(b, 7u);
    td_dma_unclaim(ch);
}

static volatile int other_result = 1;
static unsigned shared_ch;

static void wait_from_core1(void *arg)
{
    (void)arg;
    other_result = td_dma_wait(shared_ch, 1);
}

TEST(dma_wait_belongs_to_the_starting_core)
{
    REQUIRE_EQ(td_dma_claim(&shared_ch), TD_OK);
    static uint32_t sink[4];
    static volatile uint32_t reg;
    td_dma_xfer_t x = { .src = &reg, .dst = sink, .count = 4, .size = 4, .dst_incr = true,
                        .dreq = TD_DMA_DREQ_ADC };
    REQUIRE_EQ(td_dma_start(shared_ch, &x), TD_OK);
    REQUIRE_EQ(th_core1_run(wait_from_core1, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(other_result, TD_ERR_WRONG_CORE);
    CHECK_EQ(td_dma_abort(shared_ch), TD_OK);             /* on its own core: free at once */
    CHECK_EQ(td_dma_wait(shared_ch, 1), TD_ERR_STATE);
    CHECK_EQ(td_dma_unclaim(shared_ch), TD_OK);
}

/* ---- a channel whose core 1 was restarted mid-transfer --------------------------------- */

int drv_core1_fault_restart(td_entry_t job)
{
    int old = td_fault_policy(1);
    uint32_t restarts = td_fault_restarts();
    int r = td_fault_set_policy(1, TD_FAULT_RESTART);
    if (r != TD_OK)
        return r;
    bool cap = th_capture_begin() == TD_OK;
    r = th_core1_run(job, NULL);
    for (int i = 0; r == TD_OK && i < 3000 && td_fault_restarts() == restarts; i++)
        td_sleep(1);
    if (r == TD_OK)
        r = td_fault_restarts() == restarts + 1 ? th_core1_wait(TD_SEC(2)) : TD_ERR_TIMEOUT;
    static char report[2048];
    if (cap)
        th_capture_end(report, sizeof report);
    td_fault_set_policy(1, (unsigned)old);
    return r;
}

static unsigned gone_ch;
static volatile int gone_started, gone_wait = 99;
TD_THREAD_DEFINE(gone_waiter, 1024);

static void gone_waiter_main(void *arg)
{
    (void)arg;
    gone_wait = td_dma_wait(gone_ch, TD_SEC(5));
}

static void start_then_fault(void *arg)
{
    (void)arg;
    static uint32_t sink[4];
    static volatile uint32_t reg;
    td_dma_xfer_t x = { .src = &reg, .dst = sink, .count = 4, .size = 4, .dst_incr = true,
                        .dreq = TD_DMA_DREQ_ADC };          /* never paced: runs on */
    if (td_dma_start(gone_ch, &x) != TD_OK ||
        td_thread_create(&gone_waiter, gone_waiter_stack, sizeof gone_waiter_stack, "waiter", 20,
                         gone_waiter_main, NULL) != TD_OK)
        return;
    __atomic_store_n(&gone_started, 1, __ATOMIC_RELEASE);
    td_sleep(3);                                  /* the waiter sleeps in td_dma_wait */
    td_panic("core 1 goes down with a DMA transfer running");
}

TEST(dma_channel_of_a_restarted_core1)
{
    REQUIRE_EQ(td_dma_claim(&gone_ch), TD_OK);
    gone_started = 0;
    gone_wait = 99;
    REQUIRE_EQ(drv_core1_fault_restart(start_then_fault), TD_OK);
    CHECK(gone_started);
    CHECK_EQ(gone_wait, 99);                      /* the wait never returned */
    CHECK(td_dma_busy(gone_ch));                  /* the hardware still waits for its pacing */
    static uint32_t a[4] = { 1, 2, 3, 4 }, b[4];
    CHECK_EQ(td_dma_copy(gone_ch, b, a, sizeof a, TD_MS(5)), TD_ERR_BUSY);   /* honestly busy */
    CHECK_EQ(td_dma_unclaim(gone_ch), TD_ERR_BUSY);
    CHECK_EQ(td_dma_abort(gone_ch), TD_OK);       /* from core 0: the hardware stops */
    /* its core is gone, so nobody will take the end: the channel is free */
    CHECK_EQ(td_dma_copy(gone_ch, b, a, sizeof a, TD_MS(5)), TD_OK);
    CHECK_EQ(b[3], 4u);
    CHECK_EQ(td_dma_unclaim(gone_ch), TD_OK);
}

/* ---- an abort from the other core ends the wait ------------------------------------------ */

static unsigned xab_ch;
static volatile int xab_wait = 99, xab_abort = 99;
TD_THREAD_DEFINE(xab_waiter, 1024);

static void xab_waiter_main(void *arg)
{
    (void)arg;
    xab_wait = td_dma_wait(xab_ch, TD_FOREVER);
}

static void abort_from_core1(void *arg)
{
    (void)arg;
    xab_abort = td_dma_abort(xab_ch);
}

/* Claim xab_ch, start on it a transfer whose pacing never comes (the ADC
 * FIFO: off), and xab_waiter, of priority prio, to wait for it with no
 * timeout. */
static int xab_start_and_wait(unsigned prio)
{
    static uint32_t sink[8];
    static volatile uint32_t reg;
    td_dma_xfer_t x = { .src = &reg, .dst = sink, .count = 8, .size = 4, .dst_incr = true,
                        .dreq = TD_DMA_DREQ_ADC };
    xab_wait = xab_abort = 99;
    int r = td_dma_claim(&xab_ch);
    if (r == TD_OK)
        r = td_dma_start(xab_ch, &x);
    if (r == TD_OK)
        r = td_thread_create(&xab_waiter, xab_waiter_stack, sizeof xab_waiter_stack, "dmawait", prio,
                             xab_waiter_main, NULL);
    return r;
}

/* Core 0 starts a transfer whose pacing never comes and a thread waits for
 * it with no timeout; core 1 aborts it. The abort clears the end flag, so
 * only the abort itself can end the wait: within a tick, TD_ERR_STATE. */
TEST(dma_abort_from_core1_wakes_the_waiter)
{
    REQUIRE_EQ(xab_start_and_wait(20), TD_OK);
    td_sleep(3);                                  /* the waiter sleeps in td_dma_wait */
    CHECK_EQ(xab_wait, 99);
    REQUIRE_EQ(th_core1_run(abort_from_core1, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(xab_abort, TD_OK);
    td_sleep(1);
    CHECK_EQ(xab_wait, TD_ERR_STATE);
    CHECK(!td_dma_busy(xab_ch));
    if (xab_wait == 99) {                         /* still asleep: free it from its own core */
        td_dma_abort(xab_ch);
        td_sleep(1);
    }
    static uint32_t a[4] = { 5, 6, 7, 8 }, b[4];
    CHECK_EQ(td_dma_copy(xab_ch, b, a, sizeof a, TD_MS(5)), TD_OK);   /* free again */
    CHECK_EQ(b[3], 8u);
    CHECK_EQ(td_dma_unclaim(xab_ch), TD_OK);
}

/* Core 1 aborts each of a run of short transfers after a delay that grows
 * from round to round, so the abort comes before, across and after the
 * transfer's own end. Every wait returns 0 or TD_ERR_STATE; the timeout,
 * ten thousand times the transfer's length, stands for "never woke". */
#define RACE_ROUNDS 120u
#define RACE_WORDS 256u
static volatile uint32_t race_go, race_done;
static volatile int race_abort_err;

/* Core 1: wait until *flag reaches i (false: core 0 gave up), then d
 * loops, then abort xab_ch. */
static bool await_then_abort(volatile uint32_t *flag, uint32_t i, uint32_t d, int *err)
{
    for (uint32_t n = 0; __atomic_load_n(flag, __ATOMIC_ACQUIRE) != i; n++)
        if (n > 1000000u)
            return false;
    for (volatile uint32_t k = 0; k < d; k++)
        ;
    int r = td_dma_abort(xab_ch);
    if (r != TD_OK)
        *err = r;
    return true;
}

/* The race tests' transfer: RACE_WORDS words, memory to memory. */
static td_dma_xfer_t race_xfer(void)
{
    static uint32_t src[RACE_WORDS], dst[RACE_WORDS];
    return (td_dma_xfer_t){ .src = src, .dst = dst, .count = RACE_WORDS, .size = 4, .src_incr = true,
                            .dst_incr = true, .dreq = TD_DMA_DREQ_NONE };
}

static void race_aborter(void *arg)
{
    (void)arg;
    int err = 0;
    for (uint32_t i = 1; i <= RACE_ROUNDS; i++) {
        if (!await_then_abort(&race_go, i, i, &err))
            return;
        race_abort_err = err;
        __atomic_store_n(&race_done, i, __ATOMIC_RELEASE);
    }
}

TEST(dma_abort_from_core1_races_the_end)
{
    REQUIRE_EQ(td_dma_claim(&xab_ch), TD_OK);
    td_dma_xfer_t x = race_xfer();
    race_go = race_done = 0;
    race_abort_err = 0;
    unsigned ended = 0, aborted = 0, other = 0;
    REQUIRE_EQ(th_core1_run(race_aborter, NULL), TD_OK);
    for (uint32_t i = 1; i <= RACE_ROUNDS; i++) {
        if (td_dma_start(xab_ch, &x) != TD_OK) {
            other++;
            break;
        }
        __atomic_store_n(&race_go, i, __ATOMIC_RELEASE);
        int r = td_dma_wait(xab_ch, TD_MS(50));
        if (r == TD_OK)
            ended++;
        else if (r == TD_ERR_STATE)
            aborted++;
        else if (other++ == 0)
            th_info("dma_race_first_other_code", r);
        for (int n = 0; __atomic_load_n(&race_done, __ATOMIC_ACQUIRE) != i && n < 100; n++)
            td_sleep(1);
    }
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(other, 0u);
    CHECK_EQ(race_abort_err, TD_OK);
    CHECK(ended > 0 && aborted > 0);              /* the abort came on both sides of the end */
    th_info("dma_race_ended", ended);
    th_info("dma_race_aborted", aborted);
    CHECK_EQ(td_dma_unclaim(xab_ch), TD_OK);
}

/* Core 1 aborts the channel while core 0 starts it, the abort landing at a
 * point of the start that moves from round to round (before it, in it,
 * after it). The channel's last transfer was core 1's, so its end flag was
 * routed to core 1's line: the start moves it to core 0's while the abort
 * turns the channel's interrupt enables off and back on. Every wait returns
 * 0 or TD_ERR_STATE, and after TD_ERR_STATE the channel has stopped;
 * TD_ERR_TIMEOUT (fifty milliseconds, thousands of times the transfer's
 * length) is an end that went to the wrong line or a wait nothing ended. */
#define START_ROUNDS 240u
static volatile uint32_t st_ready, st_go, st_done, st_fin;
static volatile int st_err;

static void start_aborter(void *arg)
{
    (void)arg;
    static uint32_t a[8], b[8];
    for (uint32_t i = 1; i <= START_ROUNDS; i++) {
        for (uint32_t n = 0; __atomic_load_n(&st_fin, __ATOMIC_ACQUIRE) != i - 1u; n++)
            if (n > 1000000u)
                return;                           /* core 0's round not over */
        int r = td_dma_copy(xab_ch, b, a, sizeof a, TD_MS(50));   /* routed to core 1 */
        if (r != TD_OK && st_err == 0)
            st_err = r;
        __atomic_store_n(&st_ready, i, __ATOMIC_RELEASE);
        int err = 0;
        if (!await_then_abort(&st_go, i, i / 2u, &err))
            return;
        __atomic_store_n(&st_done, i, __ATOMIC_RELEASE);
    }
}

TEST(dma_abort_from_core1_races_a_start)
{
    REQUIRE_EQ(td_dma_claim(&xab_ch), TD_OK);
    td_dma_xfer_t x = race_xfer();
    st_ready = st_go = st_done = st_fin = 0;
    st_err = 0;
    unsigned ended = 0, aborted = 0, lost = 0, ran_on = 0, other = 0;
    REQUIRE_EQ(th_core1_run(start_aborter, NULL), TD_OK);
    for (uint32_t i = 1; i <= START_ROUNDS; i++) {
        for (int n = 0; __atomic_load_n(&st_ready, __ATOMIC_ACQUIRE) != i && n < 100; n++)
            td_sleep(1);
        __atomic_store_n(&st_go, i, __ATOMIC_RELEASE);
        int r = td_dma_start(xab_ch, &x);
        if (r == TD_OK)
            r = td_dma_wait(xab_ch, TD_MS(50));
        if (r == TD_OK)
            ended++;
        else if (r == TD_ERR_STATE && td_dma_busy(xab_ch) && ran_on++ == 0)
            th_info("dma_start_race_first_ran_on_round", i);   /* "aborted", and it runs */
        else if (r == TD_ERR_STATE)
            aborted++;
        else if (r == TD_ERR_TIMEOUT && lost++ == 0)
            th_info("dma_start_race_first_lost_round", i);
        else if (r != TD_ERR_TIMEOUT && other++ == 0)
            th_info("dma_start_race_first_other_code", r);
        for (int n = 0; __atomic_load_n(&st_done, __ATOMIC_ACQUIRE) != i && n < 100; n++)
            td_sleep(1);
        for (int n = 0; td_dma_busy(xab_ch) && n < 100; n++)
            td_sleep(1);                          /* not aborted: its end is near */
        __atomic_store_n(&st_fin, i, __ATOMIC_RELEASE);
    }
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    th_info("dma_start_race_ended", ended);
    th_info("dma_start_race_aborted", aborted);
    th_info("dma_start_race_lost", lost);
    th_info("dma_start_race_ran_on", ran_on);
    CHECK_EQ(lost, 0u);
    CHECK_EQ(ran_on, 0u);
    CHECK_EQ(other, 0u);
    CHECK_EQ(st_err, TD_OK);
    CHECK(ended > 0 && aborted > 0);
    CHECK_EQ(td_dma_unclaim(xab_ch), TD_OK);
}

/* ---- the channel started again before an aborted transfer's waiter ran ------------------ */

/* A thread less urgent than this one (xab_waiter) waits, with no timeout,
 * for a transfer whose pacing never comes; this thread aborts it (the
 * channel is free at once on its own core) and copies with the channel
 * before the waiter has run again. The waiter is told its transfer was
 * aborted (TD_ERR_STATE), not 0; the copy's wait ends with the copy (0),
 * not when its time runs out (the waiter, taking the abort's wake for its
 * own end, marked the new transfer's channel idle, and its end was
 * ignored). */
TEST(dma_restart_before_the_aborted_waiter_runs)
{
    int me = td_thread_priority(td_thread_self());
    REQUIRE(me > (int)TD_PRIO_MIN);
    REQUIRE_EQ(xab_start_and_wait((unsigned)me - 1u), TD_OK);
    td_sleep(3);                                  /* the waiter sleeps in td_dma_wait */
    CHECK_EQ(xab_wait, 99);
    CHECK_EQ(td_dma_abort(xab_ch), TD_OK);       /* the waiter is woken, not yet run */
    CHECK_EQ(xab_wait, 99);
    static uint32_t a[1024], b[1024];             /* its end comes after the wait sleeps */
    for (unsigned i = 0; i < 1024; i++)
        a[i] = 0xd0a0u + i;
    int r = td_dma_copy(xab_ch, b, a, sizeof a, TD_MS(20));
    for (int n = 0; xab_wait == 99 && n < 10; n++)
        td_sleep(1);
    CHECK_EQ(r, TD_OK);
    CHECK_EQ(b[1023], 0xd0a0u + 1023u);
    CHECK_EQ(xab_wait, TD_ERR_STATE);
    CHECK(!td_dma_busy(xab_ch));
    CHECK_EQ(td_dma_wait(xab_ch, 1), TD_ERR_STATE);   /* the copy's end already taken */
    static uint32_t c[4] = { 1, 2, 3, 4 }, d[4];
    CHECK_EQ(td_dma_copy(xab_ch, d, c, sizeof c, TD_MS(5)), TD_OK);   /* free again */
    CHECK_EQ(d[3], 4u);
    CHECK_EQ(td_dma_unclaim(xab_ch), TD_OK);
}
