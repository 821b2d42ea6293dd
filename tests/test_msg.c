/*
 * tests/test_msg.c: inter-core messages (tandem/msg.h): ping-pong, a
 * sequence each way at once, both overrun policies, bad input, the batch
 * calls (both ways, partial, drops, bad input), a peer that does not
 * drain, faults and a simulated core 1 restart, the FIFO's sticky flags,
 * the cross-core wake-up doorbell, the receive path word by word, a
 * receiver that waits in place.
 */
#include "harness.h"

#include "../kernel/down.h"
#include "../kernel/link.h"
#include "../kernel/msg_sys.h"
#include "../kernel/sched.h"
#include "port.h"
#include "tandem/msg.h"

/* Messages each way in msg_sequence_both_ways: 100 000 on the chip and in
 * the plain and sanitizer host builds; 300 000 in the ThreadSanitizer
 * stress suite; 10 000 000 in the long ThreadSanitizer suite (host-tsan-long,
 * this test alone, about a minute and a half on an idle machine: on the host
 * every FIFO word wakes the other pthread, and ThreadSanitizer makes that
 * slow). Override with -DTH_MSG_SEQ=n. */
#ifndef TH_MSG_SEQ
#ifdef TH_STRESS_ONLY
#define TH_MSG_SEQ 300000u
#else
#define TH_MSG_SEQ 100000u
#endif
#endif

TD_THREAD_DEFINE(m0, 1024);
TD_THREAD_DEFINE(m1, 1024);

static td_msg_ep_t ep_a, ep_b, ep_c, ep_d;
static uint32_t in_a[16], out_a[4], in_b[16], out_b[4], in_c[16], out_c[4], in_d[16], out_d[4];

static volatile int job_r[8];
static volatile uint32_t job_bad;

/* Run fn on core 1 and wait until it has subscribed endpoint 'number'. */
static bool core1_serving(td_entry_t fn, unsigned number)
{
    if (th_core1_run(fn, NULL) != TD_OK)
        return false;
    return td_msg_await_remote(number, TD_SEC(2)) == TD_OK;
}

/* ---- ping-pong -------------------------------------------------------------------- */

#define PP_ROUNDS 2000u

static void core1_echo(void *arg)
{
    (void)arg;
    job_r[0] = td_msg_init(&ep_b, 1, in_b, 16, out_b, 4, TD_MSG_BLOCK);
    job_r[1] = td_msg_subscribe(&ep_b);
    for (uint32_t i = 0; i < PP_ROUNDS; i++) {
        td_msg_t w;
        if (td_msg_receive(&ep_b, &w, TD_SEC(2)) != TD_OK) {
            job_bad++;
            break;
        }
        if (td_msg_send(&ep_b, TD_MSG(0, TD_MSG_DATA(w) + 1u), TD_SEC(2)) != TD_OK)
            job_bad++;
    }
    job_r[2] = td_msg_flush(&ep_b, TD_SEC(1));
    job_r[3] = td_msg_unsubscribe(&ep_b);
}

TEST(msg_ping_pong)
{
    job_bad = 0;
    REQUIRE_EQ(td_msg_init(&ep_a, 0, in_a, 16, out_a, 4, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE(core1_serving(core1_echo, 1));
    uint32_t bad = 0;
    uint64_t t0 = td_time_us();
    for (uint32_t i = 0; i < PP_ROUNDS && bad == 0; i++) {
        td_msg_t w = 0;
        uint32_t v = (i * 2654435761u) & 0x7fffffu;
        if (td_msg_send(&ep_a, TD_MSG(1, v), TD_SEC(2)) != TD_OK ||
            td_msg_receive(&ep_a, &w, TD_SEC(2)) != TD_OK || w != TD_MSG(0, v + 1u))
            bad++;
    }
    th_info("msg_roundtrip_ns", (long long)((td_time_us() - t0) * 1000u / PP_ROUNDS));
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(bad, 0);
    CHECK_EQ(job_bad, 0);
    CHECK_EQ(job_r[0], TD_OK);
    CHECK_EQ(job_r[1], TD_OK);
    CHECK_EQ(job_r[2], TD_OK);
    CHECK_EQ(job_r[3], TD_OK);
    td_msg_stats_t st;
    REQUIRE_EQ(td_msg_stats(&ep_a, &st), TD_OK);
    CHECK_EQ(st.sent, PP_ROUNDS);
    CHECK_EQ(st.received, PP_ROUNDS);
    CHECK_EQ(st.dropped, 0);
    CHECK_EQ(st.lost_in, 0);
    CHECK_EQ(td_msg_ping(TD_SEC(1)), TD_OK);
    /* TD_NO_WAIT: the question goes, the call does not wait for the answer */
    int quick = td_msg_ping(TD_NO_WAIT);
    CHECK(quick == TD_ERR_WOULD_BLOCK || quick == TD_OK);
    CHECK_EQ(td_msg_ping(TD_SEC(1)), TD_OK);              /* answered all the same */
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
}

/* ---- a sequence each way at the same time ------------------------------------------------ */

struct seq {
    td_msg_ep_t *ep;
    uint32_t count, got, bad, send_err;
    int last_err;
    bool batch;                  /* td_msg_send_n / td_msg_receive_n */
};

/* The batch calls with sizes that cycle through 1..TD_MSG_BATCH_MAX (every
 * size, runs that wrap the buffers at every offset). */
static void seq_sender_batch(struct seq *q)
{
    td_msg_t b[TD_MSG_BATCH_MAX];
    unsigned size = 1;
    for (uint32_t i = 0; i < q->count;) {
        unsigned n = q->count - i < size ? q->count - i : size, done = 99;
        for (unsigned j = 0; j < n; j++)
            b[j] = TD_MSG(3, (i + j) & TD_MSG_DATA_MAX);
        int r = td_msg_send_n(q->ep, b, n, &done, TD_SEC(5));
        if (r != TD_OK || done != n) {
            q->send_err++;
            q->last_err = r ? r : TD_ERR_STATE;
            break;
        }
        i += n;
        size = size == TD_MSG_BATCH_MAX ? 1 : size + 1;
    }
    td_msg_flush(q->ep, TD_SEC(5));
}

static void seq_receiver_batch(struct seq *q)
{
    td_msg_t b[TD_MSG_BATCH_MAX];
    unsigned size = TD_MSG_BATCH_MAX;
    for (uint32_t i = 0; i < q->count;) {
        unsigned got = 99;
        int r = td_msg_receive_n(q->ep, b, size, &got, TD_SEC(5));
        if (r != TD_OK || got == 0 || got > size) {
            q->last_err = r ? r : TD_ERR_STATE;
            q->bad++;
            break;
        }
        for (unsigned j = 0; j < got; j++, i++)
            if (b[j] != TD_MSG(3, i & TD_MSG_DATA_MAX))   /* lost, duplicated or reordered */
                q->bad++;
        q->got += got;
        size = size == 1 ? TD_MSG_BATCH_MAX : size - 1;
        if ((i & 4095u) < got)
            th_progress();
    }
}

static void seq_sender(void *arg)
{
    struct seq *q = arg;
    if (q->batch) {
        seq_sender_batch(q);
        return;
    }
    for (uint32_t i = 0; i < q->count; i++) {
        int r = td_msg_send(q->ep, TD_MSG(3, i & TD_MSG_DATA_MAX), TD_SEC(5));
        if (r != TD_OK) {
            q->send_err++;
            q->last_err = r;
            break;
        }
    }
    td_msg_flush(q->ep, TD_SEC(5));
}

static void seq_receiver(void *arg)
{
    struct seq *q = arg;
    if (q->batch) {
        seq_receiver_batch(q);
        return;
    }
    for (uint32_t i = 0; i < q->count; i++) {
        td_msg_t w;
        int r = td_msg_receive(q->ep, &w, TD_SEC(5));
        if (r != TD_OK) {
            q->last_err = r;
            q->bad++;
            break;
        }
        if (w != TD_MSG(3, i & TD_MSG_DATA_MAX))   /* lost, duplicated or reordered */
            q->bad++;
        q->got++;
        if ((i & 4095u) == 0)
            th_progress();          /* a fixed count: how long depends on the machine */
    }
}

static struct seq s0_tx, s0_rx, s1_tx, s1_rx;
static uint32_t seq_in[2][64], seq_out[2][8], seq_in2[2][8], seq_out2[2][8];
static td_msg_ep_t seq_tx_ep[2], seq_rx_ep[2];

/* The receiving thread of each core has subscribed (set by it, read by the
 * sender of its core). */
static volatile bool seq_rx_ready[2];

static void seq_setup(unsigned core, struct seq *tx, struct seq *rx, uint32_t count, bool batch)
{
    td_msg_init(&seq_tx_ep[core], 2, seq_in2[core], 8, seq_out[core], 8, TD_MSG_BLOCK);
    td_msg_init(&seq_rx_ep[core], 3, seq_in[core], 64, seq_out2[core], 8, TD_MSG_BLOCK);
    *tx = (struct seq){ .ep = &seq_tx_ep[core], .count = count, .batch = batch };
    *rx = (struct seq){ .ep = &seq_rx_ep[core], .count = count, .batch = batch };
    seq_rx_ready[core] = false;
}

/* The sender (the test's thread, more urgent than the receivers) starts
 * once its own core's receiver has subscribed: else, while the other core
 * keeps up, it would send all its words before its receiver ran, and the
 * other core's sender, waiting for that receiver's endpoint, would give up
 * after its 2 s on a slow host. A failed step keeps its error in last_err
 * (-1: this core's receiver never subscribed). */
static void seq_owner_tx(void *arg)
{
    struct seq *q = arg;
    unsigned me = port_core_id();
    int r = td_msg_subscribe(q->ep);
    for (unsigned ms = 0; r == TD_OK && !seq_rx_ready[me]; ms++) {
        if (ms == 2000u)
            r = -1;
        else
            td_sleep(TD_MS(1));
    }
    if (r == TD_OK)
        r = td_msg_await_remote(3, TD_SEC(2));
    if (r != TD_OK) {
        q->send_err++;
        q->last_err = r;
        return;
    }
    seq_sender(q);
    td_msg_unsubscribe(q->ep);
}

static void seq_owner_rx(void *arg)
{
    struct seq *q = arg;
    if (td_msg_subscribe(q->ep) != TD_OK) {
        q->bad++;
        return;
    }
    seq_rx_ready[port_core_id()] = true;
    seq_receiver(q);
    td_msg_unsubscribe(q->ep);
}

static void core1_seq(void *arg)
{
    (void)arg;
    td_thread_create(&m1, m1_stack, sizeof m1_stack, "rx1", 14, seq_owner_rx, &s1_rx);
    seq_owner_tx(&s1_tx);
    td_thread_join(&m1, TD_SEC(60));
}

/* Both ways at once, count words each; returns the microseconds. */
static uint64_t seq_run(uint32_t count, bool batch)
{
    seq_setup(0, &s0_tx, &s0_rx, count, batch);
    seq_setup(1, &s1_tx, &s1_rx, count, batch);
    uint64_t t0 = td_time_us();
    if (th_core1_run(core1_seq, NULL) != TD_OK ||
        td_thread_create(&m0, m0_stack, sizeof m0_stack, "rx0", 14, seq_owner_rx, &s0_rx) != TD_OK) {
        s0_tx.send_err++;
        return 0;
    }
    seq_owner_tx(&s0_tx);
    if (td_thread_join(&m0, TD_SEC(60)) != TD_OK)
        s0_rx.bad++;
    if (th_core1_wait(TD_SEC(60)) != TD_OK)
        s1_rx.bad++;
    return td_time_us() - t0;
}

TEST(msg_sequence_both_ways)
{
    td_msg_core_stats_t cs0;
    td_msg_core_stats(&cs0, true);
    uint64_t us = seq_run(TH_MSG_SEQ, false);
    th_info("msg_seq_each_way", TH_MSG_SEQ);
    th_info("msg_seq_ns_per_msg", (long long)(us * 1000u / (2u * TH_MSG_SEQ)));
    CHECK_EQ(s0_tx.send_err, 0);
    CHECK_EQ(s1_tx.send_err, 0);
    CHECK_EQ(s0_tx.last_err, 0);
    CHECK_EQ(s1_tx.last_err, 0);
    CHECK_EQ(s0_rx.bad, 0);
    CHECK_EQ(s1_rx.bad, 0);
    CHECK_EQ(s0_rx.got, TH_MSG_SEQ);
    CHECK_EQ(s1_rx.got, TH_MSG_SEQ);
    td_msg_stats_t st;
    td_msg_stats(&seq_rx_ep[0], &st);
    CHECK_EQ(st.received, TH_MSG_SEQ);
    CHECK_EQ(st.dropped, 0);
    CHECK(st.in_high <= 64);
    td_msg_stats(&seq_tx_ep[1], &st);
    CHECK_EQ(st.sent, TH_MSG_SEQ);
    CHECK_EQ(st.dropped, 0);
    td_msg_core_stats(&cs0, false);
    CHECK_EQ(cs0.stray, 0);
    CHECK_EQ(cs0.wof, 0);
    CHECK_EQ(cs0.words, TH_MSG_SEQ);
}

/* ---- overrun policies ------------------------------------------------------------------- */

static int hold_go;                 /* a flag between the cores */
#define GO_SET(v) __atomic_store_n(&hold_go, (v), __ATOMIC_RELEASE)
#define GO_GET()  __atomic_load_n(&hold_go, __ATOMIC_ACQUIRE)

static uint32_t job_seen[32];
static volatile uint32_t job_nseen;
static uint32_t small_in[4], small_out[2];

/* Take the 'want' words core 0 sends to ep into job_seen, then any more
 * that come within 100 ms (none should: a word too many fails the test).
 * Each of the 'want' is waited for up to 2 s: it comes when core 0 runs,
 * which a loaded host may not do for a while, so a fixed window after the
 * last word (100 ms, 50 ms before) ended the take early now and then
 * (core 0 left off its CPU for 300 ms at the go: 8 of 10 words taken). */
static void take_words(td_msg_ep_t *ep, uint32_t want)
{
    td_msg_t w;
    job_nseen = 0;
    while (job_nseen < 32 &&
           td_msg_receive(ep, &w, job_nseen < want ? TD_SEC(2) : TD_MS(100)) == TD_OK)
        job_seen[job_nseen++] = w;
}

/* The argument of core1_slow_reader: the endpoint and the words to take. */
#define SLOW_READER(number, want) ((void *)(uintptr_t)((number) | (want) << 8))

/* Core 1: subscribe ep_b as 'number' (in-buffer 4), wait for the go, then
 * take the words into job_seen (take_words). */
static void core1_slow_reader(void *arg)
{
    unsigned number = (unsigned)(uintptr_t)arg & 0xffu;
    uint32_t want = (uint32_t)((uintptr_t)arg >> 8);
    job_nseen = 0;
    job_r[0] = td_msg_init(&ep_b, number, small_in, 4, small_out, 2, TD_MSG_BLOCK);
    job_r[1] = td_msg_subscribe(&ep_b);
    uint64_t end = td_time_us() + 2000000u;
    while (!GO_GET() && td_time_us() < end)
        td_sleep(1);
    take_words(&ep_b, want);
    job_r[2] = td_msg_overrun(&ep_b, true);
    job_r[3] = td_msg_overrun(&ep_b, false);
    td_msg_stats_t st;
    td_msg_stats(&ep_b, &st);
    job_r[4] = (int)st.lost_in;
    job_r[5] = td_msg_unsubscribe(&ep_b);
}

TEST(msg_policy_block)
{
    GO_SET(0);
    REQUIRE_EQ(td_msg_init(&ep_a, 4, in_a, 16, out_a, 2, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_slow_reader, SLOW_READER(5, 20)), TD_OK);
    REQUIRE_EQ(td_msg_await_remote(5, TD_SEC(2)), TD_OK);
    /* room for 4 at the receiver, 2 in our out-buffer: the 7th is refused */
    unsigned n = 0;
    int r;
    while ((r = td_msg_send(&ep_a, TD_MSG(5, n), TD_NO_WAIT)) == TD_OK && n < 20)
        n++;
    CHECK_EQ(r, TD_ERR_FULL);
    CHECK_EQ(n, 6);
    CHECK_EQ(td_msg_send(&ep_a, TD_MSG(5, 99), 3), TD_ERR_TIMEOUT);
    CHECK_EQ(td_msg_flush(&ep_a, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_msg_flush(&ep_a, 3), TD_ERR_TIMEOUT);
    GO_SET(1);                                   /* the reader drains: room again */
    for (unsigned i = 6; i < 20; i++)
        CHECK_EQ(td_msg_send(&ep_a, TD_MSG(5, i), TD_SEC(1)), TD_OK);
    CHECK_EQ(td_msg_flush(&ep_a, TD_SEC(1)), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(job_nseen, 20);
    for (unsigned i = 0; i < job_nseen; i++)
        CHECK_EQ(job_seen[i], TD_MSG(5, i));
    CHECK_EQ(job_r[2], 0);                         /* nothing lost */
    CHECK_EQ(job_r[4], 0);
    td_msg_stats_t st;
    td_msg_stats(&ep_a, &st);
    CHECK_EQ(st.sent, 20);
    CHECK_EQ(st.dropped, 0);
    CHECK_EQ(st.out_high, 2);
    CHECK_EQ(td_msg_overrun(&ep_a, true), 0);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
}

TEST(msg_policy_drop)
{
    GO_SET(0);
    REQUIRE_EQ(td_msg_init(&ep_a, 6, in_a, 16, out_a, 2, TD_MSG_DROP), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_slow_reader, SLOW_READER(7, 4)), TD_OK);
    REQUIRE_EQ(td_msg_await_remote(7, TD_SEC(2)), TD_OK);
    unsigned ok = 0, dropped = 0;
    for (unsigned i = 0; i < 10; i++) {
        int r = td_msg_send(&ep_a, TD_MSG(7, i), TD_NO_WAIT);
        if (r == TD_OK)
            ok++;
        else if (r == TD_ERR_OVERFLOW)
            dropped++;
    }
    CHECK_EQ(ok, 4);                               /* the receiver's in-buffer */
    CHECK_EQ(dropped, 6);                          /* counted, and said so */
    CHECK_EQ(td_msg_overrun(&ep_a, false), TD_MSG_OVR_DROPPED);
    CHECK_EQ(td_msg_overrun(&ep_a, true), TD_MSG_OVR_DROPPED);
    CHECK_EQ(td_msg_overrun(&ep_a, false), 0);
    td_msg_stats_t st;
    td_msg_stats(&ep_a, &st);
    CHECK_EQ(st.sent, 4);
    CHECK_EQ(st.dropped, 6);
    GO_SET(1);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(job_nseen, 4);
    for (unsigned i = 0; i < job_nseen; i++)
        CHECK_EQ(job_seen[i], TD_MSG(7, i));
    CHECK_EQ(job_r[2], TD_MSG_OVR_LOST_IN);        /* the receiver knows it lost words */
    CHECK_EQ(job_r[3], 0);                         /* and the flag was cleared */
    CHECK_EQ(job_r[4], 6);
    CHECK_EQ(job_r[5], TD_OK);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
}

/* ---- bad input ------------------------------------------------------------------------ */

static volatile int other_r[4];
static void other_thread(void *arg)
{
    td_msg_ep_t *ep = arg;
    td_msg_t w;
    other_r[0] = td_msg_subscribe(ep);
    other_r[1] = td_msg_send(ep, TD_MSG(1, 0), TD_NO_WAIT);
    other_r[2] = td_msg_receive(ep, &w, TD_NO_WAIT);
    other_r[3] = td_msg_unsubscribe(ep);
}

static void core1_wrong_core(void *arg)
{
    (void)arg;
    td_msg_t w;
    job_r[0] = td_msg_subscribe(&ep_a);            /* core 0 owns it */
    job_r[1] = td_msg_send(&ep_a, TD_MSG(1, 0), TD_NO_WAIT);
    job_r[2] = td_msg_receive(&ep_a, &w, TD_NO_WAIT);
}

static volatile int isr_r[2];
static void from_isr(td_timer_t *t, void *arg)
{
    (void)t;
    td_msg_t w;
    isr_r[0] = td_msg_send(arg, TD_MSG(1, 0), TD_NO_WAIT);
    isr_r[1] = td_msg_receive(arg, &w, TD_NO_WAIT);
}

/* From the idle thread (its hook): the waits refused with TD_ERR_IDLE, the
 * looks that do not wait answered (endpoint 14: never subscribed). */
static volatile int idle_r[3], idle_done;
static void msg_idle_misuse(void)
{
    if (idle_done)
        return;
    idle_r[0] = td_msg_await_remote(14, 5);
    idle_r[1] = td_msg_await_remote(14, TD_NO_WAIT);
    idle_r[2] = td_msg_start();
    idle_done = 1;
}

TEST(msg_waits_refused_in_idle)
{
    REQUIRE_EQ(td_msg_start(), TD_OK);
    idle_done = 0;
    REQUIRE_EQ(td_kernel_set_idle_hook(msg_idle_misuse), TD_OK);
    for (int i = 0; i < 50 && !idle_done; i++)
        td_sleep(1);
    td_kernel_set_idle_hook(NULL);
    REQUIRE(idle_done);
    CHECK_EQ(idle_r[0], TD_ERR_IDLE);
    CHECK_EQ(idle_r[1], TD_ERR_WOULD_BLOCK);
    CHECK_EQ(idle_r[2], TD_OK);
}

TEST(msg_bad_input)
{
    td_msg_ep_t zero = { 0 }, dup;
    uint32_t buf[4];
    td_msg_t w;
    CHECK_EQ(td_msg_init(NULL, 0, buf, 4, buf, 4, TD_MSG_BLOCK), TD_ERR_PARAM);
    CHECK_EQ(td_msg_init(&dup, TD_MSG_ENDPOINTS, buf, 4, buf, 4, TD_MSG_BLOCK), TD_ERR_PARAM);
    CHECK_EQ(td_msg_init(&dup, 0, NULL, 4, buf, 4, TD_MSG_BLOCK), TD_ERR_PARAM);
    CHECK_EQ(td_msg_init(&dup, 0, buf, 0, buf, 4, TD_MSG_BLOCK), TD_ERR_PARAM);
    CHECK_EQ(td_msg_init(&dup, 0, buf, 4, buf, 0, TD_MSG_BLOCK), TD_ERR_PARAM);
    CHECK_EQ(td_msg_init(&dup, 0, buf, 4, buf, 4, 7), TD_ERR_PARAM);
    CHECK_EQ(td_msg_subscribe(NULL), TD_ERR_PARAM);
    CHECK_EQ(td_msg_subscribe(&zero), TD_ERR_UNINIT);
    CHECK_EQ(td_msg_send(NULL, 0, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_msg_send(&zero, 0, TD_NO_WAIT), TD_ERR_UNINIT);
    CHECK_EQ(td_msg_receive(&zero, &w, TD_NO_WAIT), TD_ERR_UNINIT);
    CHECK_EQ(td_msg_flush(&zero, TD_NO_WAIT), TD_ERR_UNINIT);
    CHECK_EQ(td_msg_pending(NULL), TD_ERR_PARAM);
    CHECK_EQ(td_msg_pending(&zero), TD_ERR_UNINIT);
    CHECK_EQ(td_msg_stats(&zero, &(td_msg_stats_t){ 0 }), TD_ERR_UNINIT);
    CHECK_EQ(td_msg_overrun(NULL, false), TD_ERR_PARAM);
    CHECK_EQ(td_msg_core_stats(NULL, false), TD_ERR_PARAM);
    CHECK_EQ(td_msg_await_remote(TD_MSG_ENDPOINTS, 1), TD_ERR_PARAM);

    REQUIRE_EQ(td_msg_init(&ep_a, 8, in_a, 16, out_a, 4, TD_MSG_BLOCK), TD_OK);
    CHECK_EQ(td_msg_send(&ep_a, TD_MSG(1, 0), TD_NO_WAIT), TD_ERR_NOT_OWNER);  /* no owner yet */
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    CHECK_EQ(td_msg_subscribe(&ep_a), TD_ERR_BUSY);                      /* once */
    CHECK_EQ(td_msg_init(&ep_a, 8, in_a, 16, out_a, 4, TD_MSG_BLOCK), TD_ERR_BUSY);
    REQUIRE_EQ(td_msg_init(&dup, 8, buf, 4, buf, 4, TD_MSG_BLOCK), TD_OK);
    CHECK_EQ(td_msg_subscribe(&dup), TD_ERR_BUSY);                       /* number taken */
    /* a second thread: not the owner */
    REQUIRE_EQ(td_thread_create(&m0, m0_stack, sizeof m0_stack, "other", 20, other_thread, &ep_a),
               TD_OK);
    CHECK_EQ(td_thread_join(&m0, TD_MS(100)), TD_OK);
    CHECK_EQ(other_r[0], TD_ERR_BUSY);
    CHECK_EQ(other_r[1], TD_ERR_NOT_OWNER);
    CHECK_EQ(other_r[2], TD_ERR_NOT_OWNER);
    CHECK_EQ(other_r[3], TD_ERR_NOT_OWNER);
    /* the other core */
    REQUIRE_EQ(th_core1_run(core1_wrong_core, NULL), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(job_r[0], TD_ERR_WRONG_CORE);
    CHECK_EQ(job_r[1], TD_ERR_WRONG_CORE);
    CHECK_EQ(job_r[2], TD_ERR_WRONG_CORE);
    /* from an interrupt */
    td_timer_t tm = { 0 };
    REQUIRE_EQ(td_timer_init(&tm, from_isr, &ep_a), TD_OK);
    REQUIRE_EQ(td_timer_start(&tm, 1, 0), TD_OK);
    td_sleep(3);
    CHECK_EQ(isr_r[0], TD_ERR_IN_ISR);
    CHECK_EQ(isr_r[1], TD_ERR_IN_ISR);
    /* destinations: unsubscribed, out of range, reserved */
    CHECK_EQ(td_msg_send(&ep_a, TD_MSG(9, 1), TD_NO_WAIT), TD_ERR_ENDPOINT);
    CHECK_EQ(td_msg_send(&ep_a, TD_MSG(TD_MSG_ENDPOINTS, 1), TD_NO_WAIT), TD_ERR_ENDPOINT);
    CHECK_EQ(td_msg_send(&ep_a, TD_MSG(TD_EP_SYS_XSYNC, 1), TD_NO_WAIT), TD_ERR_ENDPOINT);
    CHECK_EQ(td_msg_await_remote(9, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_msg_await_remote(9, 3), TD_ERR_TIMEOUT);
    /* receive with nothing there */
    CHECK_EQ(td_msg_receive(&ep_a, NULL, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_msg_receive(&ep_a, &w, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_msg_receive(&ep_a, &w, 3), TD_ERR_TIMEOUT);
    CHECK_EQ(td_msg_flush(&ep_a, TD_NO_WAIT), TD_OK);                   /* nothing queued */
    /* blocking with interrupts masked */
    port_irq_state_t s = port_irq_save();
    int r = td_msg_receive(&ep_a, &w, 3);
    port_irq_restore(s);
    CHECK_EQ(r, TD_ERR_STATE);
    CHECK_EQ(td_msg_fifo_raw(), TD_ERR_BUSY);                           /* too late: it runs */
    /* a peer whose kernel is not running: a named error, at once */
    __atomic_store_n(&td__cores[1].running, 0, __ATOMIC_RELEASE);
    int down_send = td_msg_send(&ep_a, TD_MSG(9, 1), TD_SEC(1));
    int down_ping = td_msg_ping(TD_SEC(1));
    __atomic_store_n(&td__cores[1].running, 1, __ATOMIC_RELEASE);
    CHECK_EQ(down_send, TD_ERR_PEER_DOWN);
    CHECK_EQ(down_ping, TD_ERR_PEER_DOWN);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_ERR_NOT_OWNER);
    CHECK_EQ(td_msg_subscribe(&dup), TD_OK);                            /* the number is free */
    CHECK_EQ(td_msg_unsubscribe(&dup), TD_OK);
}

/* ---- batches ------------------------------------------------------------------------------ */

TEST(msg_batch_both_ways)
{
    td_msg_core_stats_t cs0;
    td_msg_core_stats(&cs0, true);
    uint32_t n = TH_MSG_SEQ / 4u;
    uint64_t us = seq_run(n, true);
    th_info("msg_batch_ns_per_msg", (long long)(us * 1000u / (2u * n)));
    CHECK_EQ(s0_tx.send_err, 0);
    CHECK_EQ(s1_tx.send_err, 0);
    CHECK_EQ(s0_tx.last_err, 0);
    CHECK_EQ(s1_tx.last_err, 0);
    CHECK_EQ(s0_rx.bad, 0);
    CHECK_EQ(s1_rx.bad, 0);
    CHECK_EQ(s0_rx.last_err, 0);
    CHECK_EQ(s1_rx.last_err, 0);
    CHECK_EQ(s0_rx.got, n);
    CHECK_EQ(s1_rx.got, n);
    td_msg_stats_t st;
    td_msg_stats(&seq_rx_ep[0], &st);
    CHECK_EQ(st.received, n);
    CHECK_EQ(st.dropped, 0);
    CHECK(st.in_high <= 64);
    td_msg_stats(&seq_tx_ep[0], &st);
    CHECK_EQ(st.sent, n);
    CHECK_EQ(st.dropped, 0);
    td_msg_stats(&seq_tx_ep[1], &st);
    CHECK_EQ(st.sent, n);
    CHECK_EQ(st.dropped, 0);
    td_msg_core_stats(&cs0, false);
    CHECK_EQ(cs0.stray, 0);
    CHECK_EQ(cs0.wof, 0);
    CHECK_EQ(cs0.words, n);
}

/* Back-pressure: a batch is taken as far as the receiver's room and the
 * out-buffer go, and the call says how far; a bad destination stops it
 * there; nothing is lost or reordered. */
TEST(msg_batch_partial)
{
    GO_SET(0);
    REQUIRE_EQ(td_msg_init(&ep_a, 4, in_a, 16, out_a, 2, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_slow_reader, SLOW_READER(5, 20)), TD_OK);
    REQUIRE_EQ(td_msg_await_remote(5, TD_SEC(2)), TD_OK);
    td_msg_t b[20];
    for (unsigned i = 0; i < 20; i++)
        b[i] = TD_MSG(5, i);
    /* room for 4 at the receiver, 2 in our out-buffer */
    unsigned done = 99;
    CHECK_EQ(td_msg_send_n(&ep_a, b, 10, &done, TD_NO_WAIT), TD_ERR_FULL);
    CHECK_EQ(done, 6);
    done = 99;
    CHECK_EQ(td_msg_send_n(&ep_a, b + 6, 4, &done, 3), TD_ERR_TIMEOUT);
    CHECK_EQ(done, 0);
    GO_SET(1);                                   /* the reader drains: room again */
    done = 99;
    CHECK_EQ(td_msg_send_n(&ep_a, b + 6, 4, &done, TD_SEC(1)), TD_OK);
    CHECK_EQ(done, 4);
    /* a destination out of range, then one not subscribed: the batch stops there */
    td_msg_t c[5] = { b[10], b[11], b[12], TD_MSG(TD_MSG_ENDPOINTS, 1), b[13] };
    done = 99;
    CHECK_EQ(td_msg_send_n(&ep_a, c, 5, &done, TD_SEC(1)), TD_ERR_ENDPOINT);
    CHECK_EQ(done, 3);
    c[0] = b[13];
    c[1] = TD_MSG(9, 1);
    done = 99;
    CHECK_EQ(td_msg_send_n(&ep_a, c, 2, &done, TD_SEC(1)), TD_ERR_ENDPOINT);
    CHECK_EQ(done, 1);
    CHECK_EQ(td_msg_send_n(&ep_a, b + 14, 6, &done, TD_SEC(1)), TD_OK);
    CHECK_EQ(done, 6);
    CHECK_EQ(td_msg_flush(&ep_a, TD_SEC(1)), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(job_nseen, 20);
    for (unsigned i = 0; i < job_nseen; i++)
        CHECK_EQ(job_seen[i], TD_MSG(5, i));
    CHECK_EQ(job_r[2], 0);                         /* nothing lost */
    CHECK_EQ(job_r[4], 0);
    td_msg_stats_t st;
    td_msg_stats(&ep_a, &st);
    CHECK_EQ(st.sent, 20);
    CHECK_EQ(st.dropped, 0);
    CHECK_EQ(st.out_high, 2);
    CHECK_EQ(td_msg_overrun(&ep_a, true), 0);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
}

/* Counted drops: the batch stops at the word it dropped, and says so. */
TEST(msg_batch_drop)
{
    GO_SET(0);
    REQUIRE_EQ(td_msg_init(&ep_a, 6, in_a, 16, out_a, 2, TD_MSG_DROP), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_slow_reader, SLOW_READER(7, 4)), TD_OK);
    REQUIRE_EQ(td_msg_await_remote(7, TD_SEC(2)), TD_OK);
    td_msg_t b[10];
    for (unsigned i = 0; i < 10; i++)
        b[i] = TD_MSG(7, i);
    unsigned done = 99;
    CHECK_EQ(td_msg_send_n(&ep_a, b, 10, &done, TD_NO_WAIT), TD_ERR_OVERFLOW);
    CHECK_EQ(done, 4);                             /* the receiver's in-buffer */
    done = 99;
    CHECK_EQ(td_msg_send_n(&ep_a, b + 5, 5, &done, TD_SEC(1)), TD_ERR_OVERFLOW);
    CHECK_EQ(done, 0);                             /* b[5] dropped at once: no wait */
    td_msg_stats_t st;
    td_msg_stats(&ep_a, &st);
    CHECK_EQ(st.sent, 4);
    CHECK_EQ(st.dropped, 2);
    CHECK_EQ(td_msg_overrun(&ep_a, true), TD_MSG_OVR_DROPPED);
    GO_SET(1);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(job_nseen, 4);
    for (unsigned i = 0; i < job_nseen; i++)
        CHECK_EQ(job_seen[i], TD_MSG(7, i));
    CHECK_EQ(job_r[2], TD_MSG_OVR_LOST_IN);        /* the receiver knows it lost words */
    CHECK_EQ(job_r[4], 2);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
}

static volatile int batch_r[4];
static volatile unsigned batch_n[4];
static td_msg_t batch_w[TD_MSG_BATCH_MAX + 1];

/* Not the owner (another thread, or core 1), or from an interrupt: each
 * call's error, *done / *got 0. */
static void batch_calls(td_msg_ep_t *ep)
{
    unsigned d = 99, g = 99;
    batch_r[0] = td_msg_send_n(ep, batch_w, 1, &d, TD_NO_WAIT);
    batch_r[1] = td_msg_receive_n(ep, batch_w, 1, &g, TD_NO_WAIT);
    batch_n[0] = d;
    batch_n[1] = g;
}

static void batch_other(void *arg)
{
    batch_calls(arg);
}

static void batch_isr(td_timer_t *t, void *arg)
{
    (void)t;
    batch_calls(arg);
}

TEST(msg_batch_bad_input)
{
    td_msg_ep_t zero = { 0 };
    td_msg_t *b = batch_w;
    unsigned n = 99;
    for (unsigned i = 0; i <= TD_MSG_BATCH_MAX; i++)
        b[i] = TD_MSG(1, i);
    CHECK_EQ(td_msg_send_n(&ep_a, b, 1, NULL, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_msg_receive_n(&ep_a, b, 1, NULL, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_msg_send_n(NULL, b, 1, &n, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(n, 0);
    n = 99;
    CHECK_EQ(td_msg_receive_n(NULL, b, 1, &n, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(n, 0);
    CHECK_EQ(td_msg_send_n(&zero, b, 1, &n, TD_NO_WAIT), TD_ERR_UNINIT);
    CHECK_EQ(td_msg_receive_n(&zero, b, 1, &n, TD_NO_WAIT), TD_ERR_UNINIT);

    REQUIRE_EQ(td_msg_init(&ep_a, 8, in_a, 16, out_a, 4, TD_MSG_BLOCK), TD_OK);
    CHECK_EQ(td_msg_send_n(&ep_a, b, 1, &n, TD_NO_WAIT), TD_ERR_NOT_OWNER);  /* no owner yet */
    CHECK_EQ(td_msg_receive_n(&ep_a, b, 1, &n, TD_NO_WAIT), TD_ERR_NOT_OWNER);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE_EQ(td_msg_await_remote(1, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    /* the call's own arguments */
    CHECK_EQ(td_msg_send_n(&ep_a, NULL, 1, &n, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_msg_send_n(&ep_a, b, 0, &n, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_msg_send_n(&ep_a, b, TD_MSG_BATCH_MAX + 1u, &n, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_msg_send_n(&ep_a, b, 1, &n, TD_TIMEOUT_MAX + 1u), TD_ERR_PARAM);
    CHECK_EQ(td_msg_receive_n(&ep_a, NULL, 1, &n, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_msg_receive_n(&ep_a, b, 0, &n, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_msg_receive_n(&ep_a, b, TD_MSG_BATCH_MAX + 1u, &n, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_msg_receive_n(&ep_a, b, 1, &n, TD_TIMEOUT_MAX + 1u), TD_ERR_PARAM);
    /* the destination is not subscribed: the first word's error, nothing sent */
    n = 99;
    CHECK_EQ(td_msg_send_n(&ep_a, b, TD_MSG_BATCH_MAX, &n, TD_NO_WAIT), TD_ERR_ENDPOINT);
    CHECK_EQ(n, 0);
    /* another thread: not the owner */
    REQUIRE_EQ(td_thread_create(&m0, m0_stack, sizeof m0_stack, "other", 20, batch_other, &ep_a),
               TD_OK);
    CHECK_EQ(td_thread_join(&m0, TD_MS(100)), TD_OK);
    CHECK_EQ(batch_r[0], TD_ERR_NOT_OWNER);
    CHECK_EQ(batch_r[1], TD_ERR_NOT_OWNER);
    CHECK_EQ(batch_n[0], 0);
    CHECK_EQ(batch_n[1], 0);
    /* the other core */
    REQUIRE_EQ(th_core1_run(batch_other, &ep_a), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(batch_r[0], TD_ERR_WRONG_CORE);
    CHECK_EQ(batch_r[1], TD_ERR_WRONG_CORE);
    /* from an interrupt */
    batch_r[0] = batch_r[1] = 1;
    td_timer_t tm = { 0 };
    REQUIRE_EQ(td_timer_init(&tm, batch_isr, &ep_a), TD_OK);
    REQUIRE_EQ(td_timer_start(&tm, 1, 0), TD_OK);
    td_sleep(3);
    CHECK_EQ(batch_r[0], TD_ERR_IN_ISR);
    CHECK_EQ(batch_r[1], TD_ERR_IN_ISR);
    /* nothing to receive */
    n = 99;
    CHECK_EQ(td_msg_receive_n(&ep_a, b, 4, &n, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(n, 0);
    CHECK_EQ(td_msg_receive_n(&ep_a, b, 4, &n, 3), TD_ERR_TIMEOUT);
    CHECK_EQ(n, 0);
    /* blocking with interrupts masked */
    port_irq_state_t s = port_irq_save();
    int r = td_msg_receive_n(&ep_a, b, 4, &n, 3);
    port_irq_restore(s);
    CHECK_EQ(r, TD_ERR_STATE);
    /* a peer whose kernel is not running: a named error, at once */
    __atomic_store_n(&td__cores[1].running, 0, __ATOMIC_RELEASE);
    n = 99;
    int down = td_msg_send_n(&ep_a, b, 4, &n, TD_SEC(1));
    __atomic_store_n(&td__cores[1].running, 1, __ATOMIC_RELEASE);
    CHECK_EQ(down, TD_ERR_PEER_DOWN);
    CHECK_EQ(n, 0);
    /* none of it sent or lost anything */
    td_msg_stats_t st;
    td_msg_stats(&ep_a, &st);
    CHECK_EQ(st.sent, 0);
    CHECK_EQ(st.dropped, 0);
    CHECK_EQ(td_msg_overrun(&ep_a, false), 0);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
}

/* ---- a receiver that does not drain, faults, a restart ---------------------------------- */

static void core1_masked_reader(void *arg)
{
    (void)arg;
    job_r[0] = td_msg_init(&ep_b, 10, in_b, 16, out_b, 4, TD_MSG_BLOCK);
    job_r[1] = td_msg_subscribe(&ep_b);
    while (!GO_GET())
        td_sleep(1);
    port_irq_state_t s = port_irq_save();      /* interrupts off: the FIFO is not drained */
    GO_SET(2);
    /* until core 0 has seen its sends time out (go 3), 2 s at most: a
     * fixed window would close early where a host may not run core 0's
     * thread for a while (QEMU without -icount) */
    uint64_t t0 = td_time_us();
    while (GO_GET() != 3 && td_time_us() - t0 < 2000000u)
        ;
    port_irq_restore(s);
    take_words(&ep_b, PORT_FIFO_DEPTH + 2u);     /* what core 0 sent before its timeout */
    job_r[2] = td_msg_unsubscribe(&ep_b);
}

TEST(msg_peer_not_draining)
{
    GO_SET(0);
    REQUIRE_EQ(td_msg_init(&ep_a, 9, in_a, 16, out_a, 2, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE(core1_serving(core1_masked_reader, 10));
    GO_SET(1);
    while (GO_GET() != 2)
        td_sleep(1);
    /* 8 fill the FIFO, 2 wait in the out-buffer, then: a timeout, not a hang */
    unsigned n = 0;
    int r;
    while ((r = td_msg_send(&ep_a, TD_MSG(10, n), 2)) == TD_OK && n < 20)
        n++;
    CHECK_EQ(r, TD_ERR_TIMEOUT);
    CHECK_EQ(n, PORT_FIFO_DEPTH + 2);
    CHECK_EQ(td_msg_flush(&ep_a, 2), TD_ERR_TIMEOUT);
    /* a ping it cannot answer: a timeout at its tick, not a hang (the
     * doorbell, left out of the full FIFO, is answered once it drains) */
    td_tick_t t0 = th_tick_start();
    uint64_t r0 = th_ran_us();
    CHECK_EQ(td_msg_ping(3), TD_ERR_TIMEOUT);
    td_tick_t waited = td_time_ticks() - t0;
    CHECK(th_ran_within(r0, 3));
    CHECK(waited >= 3 && (TH_TICK_SLACK > 0 || waited == 3));
    GO_SET(3);                                            /* core 1 may drain now */
    CHECK_EQ(td_msg_flush(&ep_a, TD_SEC(1)), TD_OK);     /* it drains again: all go */
    CHECK_EQ(td_msg_ping(TD_SEC(1)), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(job_nseen, n);
    for (unsigned i = 0; i < job_nseen; i++)
        CHECK_EQ(job_seen[i], TD_MSG(10, i));
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
}

static volatile uint32_t fault_seen_core, fault_seen_reason, fault_calls;
void td_msg_on_peer_fault(unsigned core, uint32_t reason)
{
    fault_seen_core = core;
    fault_seen_reason = reason;
    fault_calls++;
}

/* Subscribe 11, then at GO (and 'arg' ticks later) fault. */
static void core1_faulty(void *arg)
{
    job_r[0] = td_msg_init(&ep_b, 11, small_in, 4, small_out, 2, TD_MSG_BLOCK);
    job_r[1] = td_msg_subscribe(&ep_b);
    while (!GO_GET())
        td_sleep(1);
    if (arg != NULL)
        td_sleep((td_tick_t)(uintptr_t)arg);
    td__link_fault_notify(0xbad);                 /* as the fault path will */
    td__msg_stop();                              /* and core 1 stops */
}

static void core1_reborn(void *arg)
{
    (void)arg;                                   /* a fresh core 1: new endpoint objects */
    job_r[0] = td_msg_init(&ep_c, 11, in_c, 16, out_c, 4, TD_MSG_BLOCK);
    job_r[1] = td_msg_subscribe(&ep_c);
    td_msg_t w;
    job_r[2] = td_msg_receive(&ep_c, &w, TD_SEC(1));
    job_r[3] = td_msg_send(&ep_c, TD_MSG(12, TD_MSG_DATA(w) + 1u), TD_SEC(1));
    job_r[4] = td_msg_flush(&ep_c, TD_SEC(1));
    job_r[5] = td_msg_unsubscribe(&ep_c);
}

/* After the RESET stage: core 1 runs core1_reborn, which core 0 awaits,
 * pings and sends 'data' to, and gets data + 1 back on ep_a (12); then
 * ep_a is withdrawn. */
static void reborn_answers(uint32_t data)
{
    td__link_core1_launched();
    REQUIRE_EQ(th_core1_run(core1_reborn, NULL), TD_OK);
    CHECK_EQ(td_msg_await_remote(11, TD_SEC(2)), TD_OK);
    CHECK_EQ(td_msg_ping(TD_SEC(1)), TD_OK);
    CHECK_EQ(td_msg_send(&ep_a, TD_MSG(11, data), TD_SEC(1)), TD_OK);   /* messaging resumes */
    td_msg_t w = 0;
    CHECK_EQ(td_msg_receive(&ep_a, &w, TD_SEC(1)), TD_OK);
    CHECK_EQ(w, TD_MSG(12, data + 1u));
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    for (int i = 0; i < 6; i++)
        CHECK_EQ(job_r[i], TD_OK);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
}

TEST(msg_peer_fault_and_restart)
{
    GO_SET(0);
    fault_calls = 0;
    REQUIRE_EQ(td_msg_init(&ep_a, 12, in_a, 16, out_a, 2, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE(core1_serving(core1_faulty, 11));
    for (unsigned i = 0; i < 6; i++)              /* 4 at the receiver, 2 queued here */
        CHECK_EQ(td_msg_send(&ep_a, TD_MSG(11, i), TD_NO_WAIT), TD_OK);
    GO_SET(1);
    /* blocked for room: the fault notice ends the wait with a named error */
    CHECK_EQ(td_msg_send(&ep_a, TD_MSG(11, 6), TD_SEC(2)), TD_ERR_PEER_DOWN);
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(fault_calls, 1);
    CHECK_EQ(fault_seen_core, 1);
    CHECK_EQ(fault_seen_reason, 0xbad);
    CHECK_EQ(td_msg_peer_fault(), 0xbad);
    CHECK_EQ(td_msg_send(&ep_a, TD_MSG(11, 7), TD_NO_WAIT), TD_ERR_PEER_DOWN);
    CHECK_EQ(td_msg_ping(TD_MS(50)), TD_ERR_PEER_DOWN);
    CHECK_EQ(td_msg_overrun(&ep_a, true), TD_MSG_OVR_PEER);  /* the 2 queued: discarded */
    td_msg_stats_t st;
    td_msg_stats(&ep_a, &st);
    CHECK_EQ(st.dropped, 2);
    /* supervision: forget core 1's side, "relaunch", it subscribes again */
    td__down_run(1, TD_DOWN_RESET);        /* as the core 1 stop sequence does */
    CHECK_EQ(td_msg_peer_fault(), 0);
    reborn_answers(41);
}

/* A thread waiting in td_msg_await_remote when the other core goes down
 * is woken with TD_ERR_PEER_DOWN, not left to its timeout; a core known
 * down is refused at the call; after the restart the wait works again. */
TEST(msg_await_peer_down)
{
    GO_SET(0);
    REQUIRE_EQ(td_msg_init(&ep_a, 12, in_a, 16, out_a, 2, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_faulty, (void *)(uintptr_t)TD_MS(20)), TD_OK);
    REQUIRE_EQ(td_msg_await_remote(11, TD_SEC(2)), TD_OK);
    GO_SET(1);                                    /* core 1 faults 20 ms from now */
    td_tick_t t0 = td_time_ticks();
    CHECK_EQ(td_msg_await_remote(13, TD_SEC(2)), TD_ERR_PEER_DOWN);   /* 13: never subscribed */
    CHECK(td_time_ticks() - t0 < TD_SEC(1));
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    t0 = td_time_ticks();
    CHECK_EQ(td_msg_await_remote(13, TD_MS(200)), TD_ERR_PEER_DOWN);  /* known down: at once */
    CHECK(td_time_ticks() - t0 < TD_MS(100));
    CHECK_EQ(td_msg_await_remote(13, TD_NO_WAIT), TD_ERR_PEER_DOWN);
    td__down_run(1, TD_DOWN_RESET);               /* as the core 1 stop sequence does */
    CHECK_EQ(td_msg_await_remote(11, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);  /* forgotten, not down */
    reborn_answers(7);
}

/* Core 1 starts its messages, then at GO stops them without a fault
 * notice: as a core that locked up says nothing before supervision holds
 * it in reset. */
static void core1_quiet_stop(void *arg)
{
    (void)arg;
    job_r[0] = td_msg_start();
    __atomic_store_n(&job_r[1], 1, __ATOMIC_RELEASE);
    while (!GO_GET())
        td_sleep(1);
    td__msg_stop();
}

static int reset_await_r;
static td_tick_t reset_await_ticks;
static void await_across_reset(void *arg)
{
    (void)arg;
    td_tick_t t0 = td_time_ticks();
    reset_await_r = td_msg_await_remote(13, TD_SEC(2));   /* 13: never subscribed */
    reset_await_ticks = td_time_ticks() - t0;
}

/* A thread waiting in td_msg_await_remote when core 1 goes through its
 * reset with no fault notice before it (the stop of a core that locked
 * up: the RESET stage alone) is woken with TD_ERR_PEER_DOWN, as by the
 * notice, not left to its timeout (td_msg_ping refuses such a core at the
 * call already: its multiplexer stopped). */
TEST(msg_await_peer_reset_without_notice)
{
    GO_SET(0);
    REQUIRE_EQ(td_msg_init(&ep_a, 12, in_a, 16, out_a, 2, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    job_r[1] = 0;
    REQUIRE_EQ(th_core1_run(core1_quiet_stop, NULL), TD_OK);
    for (int i = 0; i < 2000 && !__atomic_load_n(&job_r[1], __ATOMIC_ACQUIRE); i++)
        td_sleep(1);
    REQUIRE_EQ(td_msg_ping(TD_SEC(2)), TD_OK);          /* core 1's messages run */
    reset_await_r = 99;
    REQUIRE_EQ(td_thread_create(&m1, m1_stack, sizeof m1_stack, "awaiter", 20,
                                await_across_reset, NULL), TD_OK);   /* more urgent: waits now */
    GO_SET(1);
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);          /* its messages stopped */
    CHECK_EQ(td_msg_ping(TD_MS(5)), TD_ERR_PEER_DOWN);
    td_sleep(TD_MS(5));
    CHECK_EQ(reset_await_r, 99);                        /* still waits */
    CHECK_EQ(td_msg_peer_fault(), 0);                   /* no notice */
    td__down_run(1, TD_DOWN_RESET);                     /* as core 1's stop sequence does */
    CHECK_EQ(td_thread_join(&m1, TD_SEC(3)), TD_OK);
    CHECK_EQ(reset_await_r, TD_ERR_PEER_DOWN);
    CHECK(reset_await_ticks < TD_SEC(1));
    CHECK_EQ(job_r[0], TD_OK);
    reborn_answers(9);
}

/* ---- the FIFO's sticky flags ------------------------------------------------------------ */

static td_msg_core_stats_t core1_cs;
static void core1_deaf(void *arg)
{
    (void)arg;
    td_msg_start();
    td_msg_core_stats(&core1_cs, true);
    port_irq_state_t s = port_irq_save();
    GO_SET(1);
    /* deaf until core 0 has overfilled the FIFO (go 2), at most 2 s of core
     * 0's own time: a fixed 30 ms of this core's clock ended before core 0
     * pushed where a host left core 0's pthread off its CPU that long */
    uint64_t r0 = th_core_ran_us(0);
    while (GO_GET() != 2 && th_core_ran_us(0) - r0 < 2000000u) {
    }
    port_irq_restore(s);
    td_sleep(2);
    td_msg_core_stats(&core1_cs, false);
}

TEST(msg_fifo_flags_counted)
{
    td_msg_core_stats_t cs;
    REQUIRE_EQ(td_msg_start(), TD_OK);
    td_msg_core_stats(&cs, true);
    /* read-on-empty: the interrupt counts and clears it */
    port_irq_state_t s = port_irq_save();
    uint32_t v = port_fifo_pop();
    bool roe = (port_fifo_status() & PORT_FIFO_ROE) != 0;
    port_irq_restore(s);
    td_sleep(1);
    CHECK_EQ(v, 0);
    CHECK(roe);
    td_msg_core_stats(&cs, false);
    CHECK_EQ(cs.roe, 1);
    CHECK(!(port_fifo_status() & PORT_FIFO_ROE));
    /* write-on-full: 9 raw words for an endpoint nobody has, core 1 deaf */
    GO_SET(0);
    REQUIRE_EQ(th_core1_run(core1_deaf, NULL), TD_OK);
    while (!GO_GET())
        td_sleep(1);
    s = port_irq_save();
    for (unsigned i = 0; i <= PORT_FIFO_DEPTH; i++)
        port_fifo_push(TD_MSG(TD_MSG_ENDPOINTS - 1, i));
    bool wof = (port_fifo_status() & PORT_FIFO_WOF) != 0;
    GO_SET(2);
    port_irq_restore(s);
    td_sleep(1);
    CHECK(wof);
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    td_msg_core_stats(&cs, false);
    CHECK_EQ(cs.wof, 1);
    CHECK(!(port_fifo_status() & PORT_FIFO_WOF));
    CHECK_EQ(core1_cs.stray, PORT_FIFO_DEPTH);   /* counted, not lost silently */
    CHECK_EQ(core1_cs.words, 0);
}

/* ---- the cross-core wake-up through the system endpoint -------------------------------- */

#define XW_ROUNDS 300u
static td_xsem_t xw_ping, xw_pong;
static void core1_xw(void *arg)
{
    (void)arg;
    td_msg_start();
    for (uint32_t i = 0; i < XW_ROUNDS; i++) {
        if (td_xsem_take(&xw_ping, TD_SEC(2)) != TD_OK) {
            job_bad++;
            return;
        }
        td_xsem_give_isr(&xw_pong);
    }
}

static void core1_msg_start(void *arg)
{
    (void)arg;
    td_msg_start();
}

TEST(msg_xsync_doorbell)
{
    job_bad = 0;
    REQUIRE_EQ(td_msg_start(), TD_OK);
    /* core 1's multiplexer started before the ping (alone too, not only
     * after the tests before this one started it) */
    REQUIRE_EQ(th_core1_run(core1_msg_start, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    REQUIRE_EQ(td_xsem_init(&xw_ping, 0, 1), TD_OK);
    REQUIRE_EQ(td_xsem_init(&xw_pong, 0, 1), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_xw, NULL), TD_OK);
    CHECK_EQ(td_msg_ping(TD_SEC(1)), TD_OK);            /* both multiplexers run */
    REQUIRE(td__link_linked());
    td_msg_core_stats_t cs;
    td_msg_core_stats(&cs, true);
    uint32_t bad = 0;
    uint64_t t0 = td_time_us();
    for (uint32_t i = 0; i < XW_ROUNDS && bad == 0; i++) {
        td_xsem_give_isr(&xw_ping);
        if (td_xsem_take(&xw_pong, TD_SEC(2)) != TD_OK)
            bad++;
    }
    th_info("xsem_doorbell_roundtrip_us", (long long)((td_time_us() - t0) / XW_ROUNDS));
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(bad, 0);
    CHECK_EQ(job_bad, 0);
    td_msg_core_stats(&cs, false);
    /* woken by doorbells (on a loaded host a waiter often finds the count
     * already given and needs none, so at least one there) */
    CHECK(cs.system >= (TH_TICK_SLACK ? 1u : XW_ROUNDS / 4));
}

/* ---- the receive path, word by word ------------------------------------------------------ */

TEST(msg_rx_word_paths)
{
    td_msg_core_stats_t cs;
    REQUIRE_EQ(td_msg_init(&ep_d, 13, in_d, 2, out_d, 4, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_d), TD_OK);
    td_msg_core_stats(&cs, true);
    td__msg_rx_word(TD_MSG(13, 1));
    td__msg_rx_word(TD_MSG(13, 2));
    td__msg_rx_word(TD_MSG(13, 3));                     /* in-buffer full: overrun */
    td__msg_rx_word(TD_MSG(14, 4));                     /* nobody: stray */
    td__msg_rx_word(TD_MSG(200, 5));                    /* unknown number: stray */
    td__msg_rx_word(TD_MSG(TD_EP_SYS_PONG, 6));         /* a doorbell: system */
    td_msg_core_stats(&cs, false);
    CHECK_EQ(cs.words, 3);
    CHECK_EQ(cs.stray, 2);
    CHECK_EQ(cs.system, 1);
    CHECK_EQ(td_msg_pending(&ep_d), 2);
    CHECK_EQ(td_msg_overrun(&ep_d, true), TD_MSG_OVR_LOST_IN);
    td_msg_t w;
    CHECK_EQ(td_msg_receive(&ep_d, &w, TD_NO_WAIT), TD_OK);
    CHECK_EQ(w, TD_MSG(13, 1));
    CHECK_EQ(td_msg_receive(&ep_d, &w, TD_NO_WAIT), TD_OK);
    CHECK_EQ(w, TD_MSG(13, 2));
    td_msg_stats_t st;
    td_msg_stats(&ep_d, &st);
    CHECK_EQ(st.received, 3);
    CHECK_EQ(st.dropped, 1);
    CHECK_EQ(st.in_high, 2);
    CHECK_EQ(td_msg_unsubscribe(&ep_d), TD_OK);
}

/* ---- a receiver that waits in place --------------------------------------------------- */

/* Core 1's side of the tests below: endpoint 3 opened (job_r[0], [1]),
 * then the go from core 0, then two ticks, by which core 0's owner waits. */
static void late_sender_open(void)
{
    job_r[0] = td_msg_init(&ep_b, 3, in_b, 16, out_b, 4, TD_MSG_BLOCK);
    job_r[1] = td_msg_subscribe(&ep_b);
    td_tick_t waited = 0;
    while (!GO_GET() && waited < TD_SEC(2)) {
        td_sleep(1);
        waited++;
    }
    td_sleep(2);
}

static void core1_late_sender(void *arg)
{
    (void)arg;
    late_sender_open();
    job_r[2] = td_msg_send(&ep_b, TD_MSG(2, 77), TD_SEC(1));
    job_r[3] = td_msg_flush(&ep_b, TD_SEC(1));
    job_r[4] = td_msg_unsubscribe(&ep_b);
}

/* A receive that waits on a core with nothing else to run waits in place
 * (kernel/msg.c): a one-tick wait times out there, with no switch to the
 * idle thread and back; a longer one ends with its word. */
TEST(msg_receive_waits_in_place)
{
    td_core_t *c = td__core();
    job_bad = 0;
    GO_SET(0);
    REQUIRE_EQ(td_msg_init(&ep_c, 2, in_c, 16, out_c, 4, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_c), TD_OK);
    REQUIRE(core1_serving(core1_late_sender, 3));
    td_msg_t w = 0;
    td_sleep(1);                                        /* a tick's start: the wait is whole */
    uint32_t switches = c->switches;
    CHECK_EQ(td_msg_receive(&ep_c, &w, 1), TD_ERR_TIMEOUT);
    CHECK_EQ(c->switches, switches);
    GO_SET(1);
    CHECK_EQ(td_msg_receive(&ep_c, &w, TD_SEC(1)), TD_OK);
    CHECK_EQ(w, TD_MSG(2, 77));
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(job_r[i], TD_OK);
    td_msg_stats_t st;
    REQUIRE_EQ(td_msg_stats(&ep_c, &st), TD_OK);
    CHECK_EQ(st.received, 1);
    CHECK_EQ(td_msg_unsubscribe(&ep_c), TD_OK);
}

static void core1_word_ping_word(void *arg)
{
    (void)arg;
    late_sender_open();
    job_r[2] = td_msg_send(&ep_b, TD_MSG(4, 55), TD_SEC(1));   /* for its other endpoint */
    job_r[3] = td_msg_ping(TD_SEC(1));                  /* a doorbell, to be answered */
    td_sleep(2);
    job_r[4] = td_msg_send(&ep_b, TD_MSG(2, 77), TD_SEC(1));
    job_r[5] = td_msg_flush(&ep_b, TD_SEC(1));
    job_r[6] = td_msg_unsubscribe(&ep_b);
}

/* Core 0's side of the tests below: endpoints 2 (ep_c) and 4 (ep_d) made,
 * ep_c subscribed (and ep_d if 'both'), core 1's go flag down and its
 * results unset. */
static bool open_c_and_d(bool both)
{
    GO_SET(0);
    for (int i = 0; i < 8; i++)
        job_r[i] = -1;
    return CHECK_EQ(td_msg_init(&ep_c, 2, in_c, 16, out_c, 4, TD_MSG_BLOCK), TD_OK) &&
           CHECK_EQ(td_msg_init(&ep_d, 4, in_d, 16, out_d, 4, TD_MSG_BLOCK), TD_OK) &&
           CHECK_EQ(td_msg_subscribe(&ep_c), TD_OK) &&
           (!both || CHECK_EQ(td_msg_subscribe(&ep_d), TD_OK));
}

/* A receiver waiting in place over several ticks: the ticks do not switch
 * it out to the idle thread, a timed wait ends at its tick; while it waits
 * for its word, a word for its other endpoint and a ping (a doorbell) come
 * first (on the RP2040 the waiter takes the first word itself, masked, and
 * leaves the doorbell to the FIFO interrupt): the word lands in the other
 * endpoint, the ping is answered, then its own word ends the wait, all
 * without a switch on this core. */
TEST(msg_receive_in_place_other_words_first)
{
    td_core_t *c = td__core();
    REQUIRE(open_c_and_d(true));
    REQUIRE(core1_serving(core1_word_ping_word, 3));
    td_msg_t w = 0;
    td_sleep(1);                                        /* a tick's start */
    uint32_t switches = c->switches;
    td_tick_t t0 = c->tick;
    uint64_t r0 = th_ran_us();
    CHECK_EQ(td_msg_receive(&ep_c, &w, 3), TD_ERR_TIMEOUT);
    td_tick_t waited = c->tick - t0;
    /* exactly 3 ticks on the target; on the host never fewer, and within
     * the slack by the core's own time (owed ticks come in a burst) */
    CHECK(waited >= 3 && (TH_TICK_SLACK > 0 || waited == 3));
    CHECK(th_ran_within(r0, 3));
    CHECK_EQ(c->switches, switches);
    td_msg_core_stats_t before, after;
    REQUIRE_EQ(td_msg_core_stats(&before, false), TD_OK);
    GO_SET(1);
    switches = c->switches;
    CHECK_EQ(td_msg_receive(&ep_c, &w, TD_SEC(1)), TD_OK);
    CHECK_EQ(c->switches, switches);
    CHECK_EQ(w, TD_MSG(2, 77));
    REQUIRE_EQ(td_msg_core_stats(&after, false), TD_OK);
    CHECK_EQ(after.words - before.words, 2);
    CHECK_EQ(after.stray, before.stray);
    CHECK_EQ(td_msg_pending(&ep_d), 1);
    CHECK_EQ(td_msg_receive(&ep_d, &w, TD_NO_WAIT), TD_OK);
    CHECK_EQ(w, TD_MSG(4, 55));
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    for (int i = 0; i < 7; i++)
        CHECK_EQ(job_r[i], TD_OK);
    CHECK_EQ(td_msg_unsubscribe(&ep_c), TD_OK);
    CHECK_EQ(td_msg_unsubscribe(&ep_d), TD_OK);
}

/* ---- a stream taken from the FIFO ------------------------------------------------------ */

#define STREAM_N 3000u
#define STREAM_OTHER 200u                /* every 200th word also one for endpoint 4 */
#define STREAM_PING 500u                 /* every 500th a ping */

static void core1_streamer(void *arg)
{
    (void)arg;
    late_sender_open();
    for (uint32_t i = 0; i < STREAM_N; i++) {
        if (td_msg_send(&ep_b, TD_MSG(2, i), TD_SEC(2)) != TD_OK)
            job_bad++;
        if (i % STREAM_OTHER == STREAM_OTHER / 2u &&
            td_msg_send(&ep_b, TD_MSG(4, i), TD_SEC(2)) != TD_OK)
            job_bad++;
        if (i % STREAM_PING == STREAM_PING / 2u && td_msg_ping(TD_SEC(1)) != TD_OK)
            job_bad++;
    }
    job_r[2] = td_msg_flush(&ep_b, TD_SEC(1));
    job_r[3] = td_msg_unsubscribe(&ep_b);
}

/* Work between two receives: a receiver slower than its sender. */
static void some_work(void)
{
    for (volatile unsigned k = 0; k < 40u; k++)
        ;
}

/* Words 0..n-1 for endpoint 2 at ep_c, in order (after each, some_work
 * if 'slow'): how many arrived before a receive failed; *wrong counts the
 * ones that were not the expected word. */
static uint32_t receive_stream(uint32_t n, bool slow, uint32_t *wrong)
{
    uint32_t got = 0;
    *wrong = 0;
    for (uint32_t i = 0; i < n; i++) {
        td_msg_t w;
        if (td_msg_receive(&ep_c, &w, TD_SEC(2)) != TD_OK)
            break;
        got++;
        *wrong += w != TD_MSG(2, i);
        if (slow)
            some_work();
    }
    return got;
}

/* The end of a stream test: n words arrived, none wrong, core 1's job and
 * core 0's thread t ended, nothing failed in them, job_r[0..k-1] TD_OK. */
static void stream_ended(uint32_t n, uint32_t got, uint32_t wrong, td_thread_t *t, int k)
{
    CHECK_EQ(got, n);
    CHECK_EQ(wrong, 0);
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(td_thread_join(t, TD_SEC(1)), TD_OK);
    CHECK_EQ(job_bad, 0);
    for (int i = 0; i < k; i++)
        CHECK_EQ(job_r[i], TD_OK);
}

/* A receiver behind its stream (a slow consumer): every word arrives, in
 * order, and so do the words for its other endpoint and the pings mixed
 * into the stream; the counts are exact. Where the port can hold the FIFO
 * interrupt off (PORT_FIFO_IRQ_HOLD: the RP2040), the receiving thread
 * takes the stream's words from the FIFO itself: far fewer FIFO
 * interrupts than words (one per word without it). */
TEST(msg_stream_taken_from_fifo)
{
    job_bad = 0;
    REQUIRE(open_c_and_d(true));
    REQUIRE(core1_serving(core1_streamer, 3));
    td_msg_core_stats_t before, after;
    REQUIRE_EQ(td_msg_core_stats(&before, false), TD_OK);
    GO_SET(1);
    uint32_t wrong, got = receive_stream(STREAM_N, true, &wrong);
    CHECK_EQ(got, STREAM_N);
    CHECK_EQ(wrong, 0);
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(job_bad, 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(job_r[i], TD_OK);
    REQUIRE_EQ(td_msg_core_stats(&after, false), TD_OK);
    CHECK_EQ(after.words - before.words, STREAM_N + STREAM_N / STREAM_OTHER);
    CHECK_EQ(after.stray, before.stray);
    th_info("msg_stream_fifo_interrupts", (long long)(after.interrupts - before.interrupts));
#ifdef PORT_FIFO_IRQ_HOLD
    CHECK(after.interrupts - before.interrupts < STREAM_N / 4u);
#endif
    td_msg_stats_t st;
    REQUIRE_EQ(td_msg_stats(&ep_c, &st), TD_OK);
    CHECK_EQ(st.received, STREAM_N);
    CHECK_EQ(td_msg_pending(&ep_d), (int)(STREAM_N / STREAM_OTHER));
    for (uint32_t i = 0; i < STREAM_N / STREAM_OTHER; i++) {
        td_msg_t w = 0;
        CHECK_EQ(td_msg_receive(&ep_d, &w, TD_NO_WAIT), TD_OK);
        CHECK_EQ(w, TD_MSG(4, i * STREAM_OTHER + STREAM_OTHER / 2u));
    }
    CHECK_EQ(td_msg_unsubscribe(&ep_c), TD_OK);
    CHECK_EQ(td_msg_unsubscribe(&ep_d), TD_OK);
}

#define HELD_N 12u                       /* within the receiver's credit (16) */
static volatile uint32_t spin_started, ping_us, other_sent_us, other_got_us;
static volatile int other_got;

/* A more urgent thread of core 0 waiting for a word at endpoint 4. */
static void other_waiter(void *arg)
{
    (void)arg;
    td_msg_t w = 0;
    if (td_msg_subscribe(&ep_d) != TD_OK) {
        other_got = -101;
        return;
    }
    other_got = td_msg_receive(&ep_d, &w, TD_SEC(2));
    other_got_us = (uint32_t)td_time_us();
    if (w != TD_MSG(4, 99))
        other_got = -100;
    if (td_msg_unsubscribe(&ep_d) != TD_OK)
        other_got = -102;
}

/* Core 1: ep_b opened late (at the go), then words 0..n-1 for endpoint 2,
 * back to back; each one not taken counted in job_bad. */
static void late_stream(uint32_t n)
{
    late_sender_open();
    for (uint32_t i = 0; i < n; i++)
        if (td_msg_send(&ep_b, TD_MSG(2, i), TD_SEC(2)) != TD_OK)
            job_bad++;
}

static void core1_stream_then_ping(void *arg)
{
    (void)arg;
    late_stream(HELD_N);
    uint64_t end = td_time_us() + 2000000u;
    while (!spin_started && td_time_us() < end)
        ;
    other_sent_us = (uint32_t)td_time_us();
    job_r[5] = td_msg_send(&ep_b, TD_MSG(4, 99), TD_SEC(1));
    td_sleep(2);
    uint64_t t0 = td_time_us();
    job_r[2] = td_msg_ping(TD_SEC(1));
    ping_us = (uint32_t)(td_time_us() - t0);
    job_r[3] = td_msg_flush(&ep_b, TD_SEC(1));
    job_r[4] = td_msg_unsubscribe(&ep_b);
}

/* A receiver behind its stream that stops taking words (busy for 3 ms, no
 * kernel call, interrupts enabled): a word for a more urgent thread of its
 * core, waiting at another endpoint, and a ping from the other core both
 * get through within a small bound all the same (where the FIFO interrupt
 * can be held off for a stream: at most 2 * TD_MSG_HOLD_US after the
 * receiver's last take, a doorbell at the next look), not when the
 * receiver comes back. */
TEST(msg_stream_hold_bounded)
{
    job_bad = 0;
    spin_started = 0;
    ping_us = other_sent_us = other_got_us = 0;
    other_got = -1;
    REQUIRE(open_c_and_d(false));
    REQUIRE_EQ(td_thread_create(&m0, m0_stack, sizeof m0_stack, "other", 20, other_waiter, NULL),
               TD_OK);
    td_sleep(1);                                        /* it waits */
    REQUIRE(core1_serving(core1_stream_then_ping, 3));
    GO_SET(1);
    uint32_t wrong = 0, got = 0;
    td_msg_t w;
    for (uint32_t i = 0; i < 4; i++) {
        if (td_msg_receive(&ep_c, &w, TD_SEC(2)) != TD_OK)
            break;
        got++;
        wrong += w != TD_MSG(2, i);
        some_work();
    }
    spin_started = 1;
    uint64_t t0 = td_time_us();
    while (td_time_us() - t0 < 3000u)
        ;
    for (uint32_t i = 4; i < HELD_N; i++) {
        if (td_msg_receive(&ep_c, &w, TD_SEC(2)) != TD_OK)
            break;
        got++;
        wrong += w != TD_MSG(2, i);
    }
    stream_ended(HELD_N, got, wrong, &m0, 6);
    CHECK_EQ(other_got, TD_OK);
    uint32_t other_us = other_got_us - other_sent_us;
    th_info("msg_stream_held_other_word_us", (long long)other_us);
    th_info("msg_stream_held_ping_us", (long long)ping_us);
#ifdef PORT_FIFO_IRQ_HOLD
    CHECK(other_us < 200u);
    CHECK(ping_us < 200u);
#endif
    CHECK_EQ(td_msg_unsubscribe(&ep_c), TD_OK);
}

#define WOKEN_N 2000u
#define WOKEN_BATCH 16u                  /* a divisor of WOKEN_N */
static volatile uint32_t busy_stop;

/* Core 1: WOKEN_N words for endpoint 2, back to back, in batches (each
 * word's push costs fewer cycles than the receiving core's interrupt
 * spends on a word it takes by itself: its loop alone never finds the
 * FIFO empty); each word not taken counted in job_bad. */
static void core1_burst(void *arg)
{
    (void)arg;
    late_sender_open();
    static td_msg_t b[WOKEN_BATCH];
    for (uint32_t i = 0; i < WOKEN_N; i += WOKEN_BATCH) {
        unsigned done = 0;
        for (uint32_t k = 0; k < WOKEN_BATCH; k++)
            b[k] = TD_MSG(2, i + k);
        if (td_msg_send_n(&ep_b, b, WOKEN_BATCH, &done, TD_SEC(2)) != TD_OK)
            job_bad += WOKEN_BATCH - done;
    }
    job_r[2] = td_msg_flush(&ep_b, TD_SEC(1));
    job_r[3] = td_msg_unsubscribe(&ep_b);
}

/* A less urgent thread of core 0 that is always ready (no wait in place),
 * for at most 5 s. */
static void busy_low(void *arg)
{
    (void)arg;
    uint64_t end = td_time_us() + 5000000u;
    while (!busy_stop && td_time_us() < end)
        ;
}

/* A receiver switched out while it waits (its core has another thread
 * ready), woken by the first word of a stream that its sender sends as
 * fast as it can: every word arrives in order. Where the port can hold
 * the FIFO interrupt off (PORT_FIFO_IRQ_HOLD), the interrupt that woke it
 * holds itself off and ends its run once the woken receiver is two words
 * behind, so the receiver runs and takes the stream from the FIFO: when
 * its first receive returns (the word the interrupt handed it), its
 * in-buffer holds what that one delivery took, the FIFO's words (eight at
 * most) and the few pushed while it took them (a push costs the sender
 * more than a pop costs the interrupt): at most 12 (9 measured). Were the
 * run to go on after the hold starts, the interrupt would take each word
 * as the sender pushes it (the sender's batches outrun its loop) until the
 * sender's credit, the whole in-buffer, is used up (15 measured, the
 * sixteenth handed to the receiver). The stream then costs far fewer FIFO
 * interrupts than words. The in-buffer's high mark over the whole stream
 * is not bounded below 16: a tick of core 0 that stalls the receiver, or a
 * receiver slower than its sender for a while, lets the FIFO fill, the
 * sender rings for room, the hold's next look ends the hold for that
 * doorbell (as it must), and the interrupt takes what the credit allows.
 * TH_PARALLEL: the less urgent thread spins, so an emulation that runs one
 * core at a time until it waits would never run core 1's sender. */
TEST(msg_stream_woken_receiver_runs)
{
    job_bad = 0;
    busy_stop = 0;
    REQUIRE(open_c_and_d(false));
    REQUIRE_EQ(td_thread_create(&m1, m1_stack, sizeof m1_stack, "busy", 1, busy_low, NULL), TD_OK);
    REQUIRE(core1_serving(core1_burst, 3));
    td_msg_core_stats_t before, after;
    REQUIRE_EQ(td_msg_core_stats(&before, false), TD_OK);
    GO_SET(1);
    td_msg_t w0 = 0;
    td_msg_stats_t st;
    uint32_t wrong = 0, got = 0, woken_high = 0;
    if (CHECK_EQ(td_msg_receive(&ep_c, &w0, TD_SEC(2)), TD_OK)) {
        REQUIRE_EQ(td_msg_stats(&ep_c, &st), TD_OK);
        woken_high = st.in_high;
        CHECK_EQ(w0, TD_MSG(2, 0));
        for (got = 1; got < WOKEN_N; got++) {
            td_msg_t w;
            if (td_msg_receive(&ep_c, &w, TD_SEC(2)) != TD_OK)
                break;
            wrong += w != TD_MSG(2, got);
        }
    }
    busy_stop = 1;
    stream_ended(WOKEN_N, got, wrong, &m1, 4);
    REQUIRE_EQ(td_msg_core_stats(&after, false), TD_OK);
    REQUIRE_EQ(td_msg_stats(&ep_c, &st), TD_OK);
    CHECK_EQ(st.received, WOKEN_N);
    th_info("msg_stream_woken_first_high", (long long)woken_high);
    th_info("msg_stream_woken_in_high", (long long)st.in_high);
    th_info("msg_stream_woken_fifo_interrupts", (long long)(after.interrupts - before.interrupts));
#ifdef PORT_FIFO_IRQ_HOLD
    CHECK(woken_high <= 12u);
    CHECK(after.interrupts - before.interrupts < WOKEN_N / 4u);
#endif
    CHECK_EQ(td_msg_unsubscribe(&ep_c), TD_OK);
}

static volatile uint32_t four_sent;

/* Core 1: two words for endpoint 2; at the go (2), two more, one for
 * endpoint 4 and one more for endpoint 2, back to back, then the flag. */
static void core1_two_then_four(void *arg)
{
    (void)arg;
    late_sender_open();
    for (uint32_t i = 0; i < 2; i++)
        if (td_msg_send(&ep_b, TD_MSG(2, i), TD_SEC(2)) != TD_OK)
            job_bad++;
    uint64_t end = td_time_us() + 2000000u;
    while (GO_GET() != 2 && td_time_us() < end)
        ;
    static const td_msg_t more[4] = { TD_MSG(2, 2), TD_MSG(2, 3), TD_MSG(4, 9), TD_MSG(2, 4) };
    for (unsigned i = 0; i < 4; i++)
        if (td_msg_send(&ep_b, more[i], TD_SEC(2)) != TD_OK)
            job_bad++;
    four_sent = 1;
    job_r[2] = td_msg_flush(&ep_b, TD_SEC(1));
    job_r[3] = td_msg_unsubscribe(&ep_b);
}

/* A receiver behind its stream (where the port holds the FIFO interrupt
 * off, it takes the words from the FIFO itself) whose FIFO holds a word
 * for its other endpoint with one of its own right behind it: a receive
 * that says TD_ERR_WOULD_BLOCK leaves nothing in the in-buffer, and the
 * words come in order. Core 0's interrupts are masked while core 1 sends
 * the four words behind the first two and while the receives run (no
 * interrupt, no timer look, changes the FIFO meanwhile). */
TEST(msg_stream_other_word_then_own)
{
    job_bad = 0;
    four_sent = 0;
    REQUIRE(open_c_and_d(true));
    REQUIRE(core1_serving(core1_two_then_four, 3));
    GO_SET(1);
    uint64_t end = td_time_us() + 2000000u;
    while (td_msg_pending(&ep_c) < 2 && td_time_us() < end)
        ;
    port_irq_state_t s = port_irq_save();
    GO_SET(2);
    while (!four_sent && td_time_us() < end)
        ;
    td_msg_t got[6] = { 0 };
    unsigned n = 0;
    int r = TD_OK, left_behind = 0;
    while (n < 6 && r == TD_OK) {
        r = td_msg_receive(&ep_c, &got[n], TD_NO_WAIT);
        if (r == TD_OK)
            n++;
        else
            left_behind = td_msg_pending(&ep_c);
    }
    port_irq_restore(s);
    CHECK_EQ(four_sent, 1);
    CHECK_EQ(left_behind, 0);                /* "would block" with a word there */
    while (n < 5 && td_msg_receive(&ep_c, &got[n], TD_SEC(1)) == TD_OK)
        n++;
    CHECK_EQ(n, 5);
    for (unsigned i = 0; i < n; i++)
        CHECK_EQ(got[i], TD_MSG(2, i));
    td_msg_t w = 0;
    CHECK_EQ(td_msg_receive(&ep_d, &w, TD_SEC(1)), TD_OK);
    CHECK_EQ(w, TD_MSG(4, 9));
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(job_bad, 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(job_r[i], TD_OK);
    CHECK_EQ(td_msg_unsubscribe(&ep_c), TD_OK);
    CHECK_EQ(td_msg_unsubscribe(&ep_d), TD_OK);
}
