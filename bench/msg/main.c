/*
 * bench/msg: inter-core messages against the bare FIFO, in clk_sys cycles.
 *
 *   fifo_roundtrip_raw_cycles      polled FIFO ping-pong written inline on
 *                                  both cores (SIO FIFO registers read and
 *                                  written directly, no call in the path),
 *                                  interrupts masked: the hardware limit of
 *                                  a round trip
 *   fifo_stream_bare_cycles_per_word  core 0 pushes words as fast as the FIFO
 *                                  takes them, core 1 pops and checks each
 *                                  (inline, interrupts masked): elapsed
 *                                  cycles per word, the one-way limit
 *   copy_bare_mb_per_s             16 KiB SRAM to SRAM with an inline
 *                                  four-register ldm/stm loop: the CPU's
 *                                  copy limit beside bulk_mb_per_s
 *   msg_latency_oneway_cycles      td_msg_send called on core 0 until the
 *                                  thread blocked in td_msg_receive on core 1
 *                                  runs with the word
 *   msg_roundtrip_cycles           send, the other core's thread answers,
 *                                  the sender's thread runs with the answer
 *   msg_throughput_cycles_per_msg  both directions at once, a sender and a
 *                                  receiver thread per core, one word per
 *                                  call (td_msg_send, td_msg_receive):
 *                                  elapsed cycles divided by the words
 *                                  delivered both ways
 *   msg_throughput_batch_cycles_per_msg  the same with the batch calls:
 *                                  td_msg_send_n of TPUT_BATCH words,
 *                                  td_msg_receive_n of up to
 *                                  TD_MSG_BATCH_MAX; every word checked
 *   bulk_mb_per_s                  a td_chan from core 0 to core 1, 4 KiB
 *                                  ring: td_chan_write (word copy) on core 0,
 *                                  td_chan_peek / consume on core 1, which
 *                                  checksums every piece it is given against
 *                                  the pattern; MB = 10^6 bytes at 125 MHz
 *
 * One-way latency needs the two cores' cycle counters on one time base:
 * each core's port_cycles() counts from its own SysTick start. Before the
 * multiplexer starts, the cores exchange polled FIFO words NTP-style (core 0
 * stamps t0 and sends, core 1 stamps t1 on arrival and answers, core 0
 * stamps t2 on the answer); the exchange with the shortest round trip gives
 * the offset t1 - (t0 + t2) / 2. Both counters run on clk_sys, so the offset
 * does not drift. Its error is the asymmetry of that exchange, at most
 * half its round trip (printed as msg_clock_sync_rtt_cycles).
 *
 * Every message carries a sequence number that its receiver checks; a
 * wrong, lost, duplicated or reordered word fails the run.
 */
#include "bench.h"

#include "port.h"
#include "tandem/chan.h"
#include "tandem/config.h"
#include "tandem/console.h"
#include "tandem/msg.h"
#include "tandem/tandem.h"

#define RAW_N      256u
#define STREAM_N   1024u
#define SYNC_N     64u
#define LAT_N      256u
#define TPUT_N     8000u          /* words each way per round */
#define TPUT_ROUNDS 5u             /* per API: one word per call, then batches */
#define TPUT_BATCH 16u             /* words per td_msg_send_n */
#define BULK_BYTES (256u * 1024u) /* per round */
#define BULK_ROUNDS 5u

static uint32_t samples[LAT_N];
static uint32_t rt_samples[LAT_N];
static uint32_t overhead;

/* Phases, set by core 0, followed by core 1. */
static volatile uint32_t phase;
static volatile uint32_t core1_ack;
static volatile uint32_t stamp0, stamp_t1;
static uint32_t offset;          /* core 1's cycles - core 0's cycles */
static volatile uint32_t fails1;

static uint32_t measure_overhead(void)
{
    uint32_t s[32];
    for (unsigned i = 0; i < 32; i++) {
        uint32_t a = port_cycles();
        uint32_t b = port_cycles();
        s[i] = b - a;
    }
    return bench_median(s, 32);
}

static void wait_phase(uint32_t p)
{
    while (phase != p)
        td_sleep(1);
}

static void spin_cycles(uint32_t n)
{
    uint32_t t = port_cycles();
    while (port_cycles() - t < n)
        ;
}

/* ---- raw FIFO and clock sync (before the multiplexer) ------------------------------- */

/* The FIFO registers read and written inline: the shape a bare program
 * would write, nothing of the port's calls in the path. */
#define FIFO_ST (*(volatile uint32_t *)0xd0000050u)
#define FIFO_WR (*(volatile uint32_t *)0xd0000054u)
#define FIFO_RD (*(volatile uint32_t *)0xd0000058u)

static inline __attribute__((always_inline)) uint32_t raw_pop(void)
{
    while (!(FIFO_ST & PORT_FIFO_VLD))
        ;
    return FIFO_RD;
}

static inline __attribute__((always_inline)) void raw_push(uint32_t w)
{
    while (!(FIFO_ST & PORT_FIFO_RDY))
        ;
    FIFO_WR = w;
}

/* Core 0's words that end a part (a sample's word is its index, < RAW_N):
 * RAW_END ends the echoes (echoed itself) and then the streams, RAW_STREAM
 * starts a stream. */
#define RAW_STREAM 0xfffffffeu
#define RAW_END    0xffffffffu

/* Core 1: echo each word plus one until RAW_END (checked after the echo:
 * the round trip is core 1's pop and push alone, as in a counted loop);
 * then after each RAW_STREAM take STREAM_N words checking each against
 * its index and answer with how many were right, until RAW_END. Core 0
 * decides how many of each: it takes a sample again when a SysTick wrap
 * of its own fell in it. */
static void core1_raw(void)
{
    port_irq_state_t s = port_irq_save();
    for (;;) {
        uint32_t w = raw_pop();
        raw_push(w + 1u);
        if (w == RAW_END)
            break;
    }
    while (raw_pop() == RAW_STREAM) {
        uint32_t right = 0;
        for (uint32_t i = 0; i < STREAM_N; i++)
            right += raw_pop() == i;
        raw_push(right);
    }
    port_irq_restore(s);
}

/* Clock sync through two shared words (the FIFO may belong to the
 * multiplexer already). Core 1's half: wait for core 0's word, stamp, answer. */
static volatile uint32_t sync_ping, sync_pong;
static void core1_sync(void)
{
    for (uint32_t i = 1; i <= SYNC_N; i++) {
        while (sync_ping != i)
            ;
        stamp_t1 = port_cycles();         /* stamped on arrival */
        sync_pong = i;                    /* the answer: the same path back */
    }
}

/* Interrupts are masked for each sample alone and let in between, so that
 * a wrap of this core's SysTick is taken as a tick before the next sample;
 * a sample that starts with a wrap pending, or during which SysTick
 * wrapped, is taken again (bench_masked_begin). */
static void bench_raw(void)
{
    bool ok = true;
    for (unsigned i = 0; i < RAW_N && ok; i++) {
        for (unsigned tries = 0;; tries++) {
            port_irq_state_t s;
            int go = bench_masked_begin("fifo_roundtrip_raw_cycles", tries, &s);
            if (go < 0) {
                ok = false;
                break;
            }
            if (go == 0)
                continue;
            uint32_t t0 = port_cycles();
            raw_push(i);
            uint32_t v = raw_pop();
            uint32_t t1 = port_cycles();
            bool clean = bench_masked_end(s);
            samples[i] = t1 - t0 - overhead;
            if (v != i + 1u) {
                bench_fail("fifo_roundtrip_raw_cycles", "wrong echo");
                ok = false;
                break;
            }
            if (clean)
                break;
        }
    }
    raw_push(RAW_END);                        /* core 1's echoes end */
    if (raw_pop() != RAW_END + 1u) {
        bench_fail("fifo_roundtrip_raw_cycles", "wrong echo");
        ok = false;
    }
    if (ok)
        bench_report("fifo_roundtrip_raw_cycles", "cycles", samples, RAW_N);
    /* The stream: words pushed as fast as core 1 takes them; its answer
     * (the count of right words) ends the timing. */
    uint32_t t0 = 0, t1 = 0;
    for (unsigned tries = 0; ok; tries++) {
        port_irq_state_t s;
        int go = bench_masked_begin("fifo_stream_bare_cycles_per_word", tries, &s);
        if (go < 0) {
            ok = false;
            break;
        }
        if (go == 0)
            continue;
        raw_push(RAW_STREAM);
        t0 = port_cycles();
        for (uint32_t i = 0; i < STREAM_N; i++)
            raw_push(i);
        uint32_t right = raw_pop();
        t1 = port_cycles();
        bool clean = bench_masked_end(s);
        if (right != STREAM_N) {
            bench_fail("fifo_stream_bare_cycles_per_word", "core 1 saw a wrong word");
            ok = false;
        }
        if (clean)
            break;
    }
    raw_push(RAW_END);
    if (ok)
        bench_value("fifo_stream_bare_cycles_per_word", "cycles",
                    (t1 - t0 - overhead + STREAM_N / 2u) / STREAM_N);
}

/* ---- the CPU's copy limit -------------------------------------------------------------- */

#define COPY_WORDS 4096u
static uint32_t copy_src[COPY_WORDS], copy_dst[COPY_WORDS];

/* n bytes (a multiple of 16, > 0), four words per ldm/stm pair. */
static void copy_bare(uint32_t *dst, const uint32_t *src, uint32_t n)
{
    __asm volatile("1:\n\t"
                   "ldmia %1!, {r3, r4, r5, r6}\n\t"
                   "stmia %0!, {r3, r4, r5, r6}\n\t"
                   "sub %2, #16\n\t"
                   "bne 1b"
                   : "+l"(dst), "+l"(src), "+l"(n)
                   :
                   : "r3", "r4", "r5", "r6", "cc", "memory");
}

static void bench_copy_bare(void)
{
    uint32_t x = 0x9e3779b9u;
    for (unsigned i = 0; i < COPY_WORDS; i++) {
        x = x * 1664525u + 1013904223u;
        copy_src[i] = x;
        copy_dst[i] = ~x;
    }
    uint32_t mbs[BULK_ROUNDS];
    for (unsigned r = 0; r < BULK_ROUNDS; r++) {
        /* masked for each round alone (bench_raw) */
        uint32_t t0 = 0, t1 = 0;
        for (unsigned tries = 0;; tries++) {
            port_irq_state_t s;
            int go = bench_masked_begin("copy_bare_mb_per_s", tries, &s);
            if (go < 0)
                return;
            if (go == 0)
                continue;
            t0 = port_cycles();
            copy_bare(copy_dst, copy_src, sizeof copy_src);
            t1 = port_cycles();
            if (bench_masked_end(s))
                break;
        }
        for (unsigned i = 0; i < COPY_WORDS; i++)
            if (copy_dst[i] != copy_src[i]) {
                bench_fail("copy_bare_mb_per_s", "copy wrong");
                return;
            }
        mbs[r] = (uint32_t)(((uint64_t)sizeof copy_src * (TD_CLK_SYS_HZ / 1000000u)) /
                            (t1 - t0 - overhead));
        for (unsigned i = 0; i < COPY_WORDS; i++)
            copy_dst[i] = 0;
    }
    bench_report("copy_bare_mb_per_s", "MB/s", mbs, BULK_ROUNDS);
}

/* Core 0's half: both legs are "rest of port_cycles, store, poll, start of
 * port_cycles", so they take the same time; interrupts stay enabled (a
 * masked SysTick wrap would skew port_cycles), and a sample an interrupt
 * lands in has a long round trip and is not the one chosen. */
static uint32_t sync_rtt;
static void sync_clocks(void)
{
    uint32_t best = 0xffffffffu;
    for (uint32_t i = 1; i <= SYNC_N; i++) {
        uint32_t t0 = port_cycles();
        sync_ping = i;
        while (sync_pong != i)
            ;
        uint32_t t2 = port_cycles();
        uint32_t t1 = stamp_t1;
        if (t2 - t0 < best) {
            best = t2 - t0;
            offset = t1 - t0 - (t2 - t0) / 2u;
        }
    }
    sync_rtt = best;
}

/* ---- latency and round trip ------------------------------------------------------------ */

TD_MSG_ENDPOINT_DEFINE(ep0, 0, 16, 4, TD_MSG_BLOCK);
TD_MSG_ENDPOINT_DEFINE(ep1, 1, 16, 4, TD_MSG_BLOCK);

static void core1_latency(void)
{
    if (td_msg_subscribe(&ep1) != TD_OK) {
        fails1++;
        return;
    }
    core1_ack = 1;
    for (uint32_t i = 0; i < LAT_N; i++) {
        td_msg_t w;
        int r = td_msg_receive(&ep1, &w, TD_SEC(2));
        uint32_t t1 = port_cycles();
        if (r != TD_OK || w != TD_MSG(1, i)) {
            fails1++;
            return;
        }
        samples[i] = t1 - offset - stamp0 - overhead;
        if (td_msg_send(&ep1, TD_MSG(0, i), TD_SEC(2)) != TD_OK)
            fails1++;
    }
}

static void bench_latency(void)
{
    if (td_msg_subscribe(&ep0) != TD_OK || td_msg_await_remote(1, TD_SEC(1)) != TD_OK) {
        bench_fail("msg_latency_oneway_cycles", "no endpoint");
        return;
    }
    for (uint32_t i = 0; i < LAT_N; i++) {
        spin_cycles(3000);                    /* core 1 is back in td_msg_receive */
        td_msg_t w;
        uint32_t t0 = port_cycles();
        stamp0 = t0;
        int a = td_msg_send(&ep0, TD_MSG(1, i), TD_SEC(1));
        int b = td_msg_receive(&ep0, &w, TD_SEC(1));
        uint32_t t2 = port_cycles();
        if (a || b || w != TD_MSG(0, i)) {
            bench_fail("msg_roundtrip_cycles", "wrong answer");
            return;
        }
        rt_samples[i] = t2 - t0 - overhead;
    }
    while (core1_ack != 2 && fails1 == 0)
        ;
    if (fails1) {
        bench_fail("msg_latency_oneway_cycles", "core 1 saw a wrong word");
        return;
    }
    bench_report("msg_latency_oneway_cycles", "cycles", samples, LAT_N);
    bench_report("msg_roundtrip_cycles", "cycles", rt_samples, LAT_N);
}

/* ---- throughput, both ways at once -------------------------------------------------------- */

TD_MSG_ENDPOINT_DEFINE(tx0, 2, 4, 16, TD_MSG_BLOCK);
TD_MSG_ENDPOINT_DEFINE(rx0, 3, 64, 4, TD_MSG_BLOCK);
TD_MSG_ENDPOINT_DEFINE(tx1, 2, 4, 16, TD_MSG_BLOCK);
TD_MSG_ENDPOINT_DEFINE(rx1, 3, 64, 4, TD_MSG_BLOCK);
TD_THREAD_DEFINE(rxt0, 512);
TD_THREAD_DEFINE(txt0, 512);
TD_THREAD_DEFINE(rxt1, 512);
TD_THREAD_DEFINE(txt1, 512);

static td_xsem_t go_sem = TD_XSEM_INIT(0, 2);
static volatile uint32_t start0;
static volatile uint32_t end_core[2], bad[2], done_rx[2];

static void sender(void *arg)
{
    td_msg_ep_t *ep = arg;
    unsigned core = port_core_id();
    if (td_msg_subscribe(ep) != TD_OK || td_msg_await_remote(3, TD_SEC(1)) != TD_OK) {
        bad[core]++;
        return;
    }
    for (uint32_t r = 0; r < 2u * TPUT_ROUNDS; r++) {
        if (td_xsem_take(&go_sem, TD_SEC(2)) != TD_OK) {     /* the start of a round */
            bad[core]++;
            return;
        }
        if (r < TPUT_ROUNDS) {
            for (uint32_t i = 0; i < TPUT_N; i++)
                if (td_msg_send(ep, TD_MSG(3, i), TD_SEC(2)) != TD_OK) {
                    bad[core]++;
                    return;
                }
            continue;
        }
        td_msg_t b[TPUT_BATCH];
        for (uint32_t i = 0; i < TPUT_N; i += TPUT_BATCH) {
            for (uint32_t j = 0; j < TPUT_BATCH; j++)
                b[j] = TD_MSG(3, i + j);
            unsigned done;
            if (td_msg_send_n(ep, b, TPUT_BATCH, &done, TD_SEC(2)) != TD_OK ||
                done != TPUT_BATCH) {
                bad[core]++;
                return;
            }
        }
    }
}
_Static_assert(TPUT_N % TPUT_BATCH == 0, "whole batches");

static void receiver(void *arg)
{
    td_msg_ep_t *ep = arg;
    unsigned core = port_core_id();
    if (td_msg_subscribe(ep) != TD_OK) {
        bad[core]++;
        return;
    }
    for (uint32_t r = 0; r < 2u * TPUT_ROUNDS; r++) {
        if (r < TPUT_ROUNDS) {
            for (uint32_t i = 0; i < TPUT_N; i++) {
                td_msg_t w;
                if (td_msg_receive(ep, &w, TD_SEC(2)) != TD_OK || w != TD_MSG(3, i)) {
                    bad[core]++;
                    return;
                }
            }
        } else {
            td_msg_t b[TD_MSG_BATCH_MAX];
            for (uint32_t i = 0; i < TPUT_N;) {
                unsigned got;
                if (td_msg_receive_n(ep, b, TD_MSG_BATCH_MAX, &got, TD_SEC(2)) != TD_OK ||
                    got == 0 || got > TPUT_N - i) {
                    bad[core]++;
                    return;
                }
                for (unsigned j = 0; j < got; j++, i++)
                    if (b[j] != TD_MSG(3, i)) {
                        bad[core]++;
                        return;
                    }
            }
        }
        end_core[core] = port_cycles() - (core ? offset : 0u);
        done_rx[core]++;
    }
}

/* Both cores: a sender and a receiver thread of equal priority (each runs
 * until it must wait, so words move in batches). */
static int start_pair(td_thread_t *tx, void *tx_stack, size_t tx_size, td_msg_ep_t *txe,
                      td_thread_t *rx, void *rx_stack, size_t rx_size, td_msg_ep_t *rxe)
{
    return td_thread_create(rx, rx_stack, rx_size, "rx", 10, receiver, rxe) ||
           td_thread_create(tx, tx_stack, tx_size, "tx", 10, sender, txe);
}

static void bench_throughput(void)
{
    uint32_t per[2u * TPUT_ROUNDS];
    if (start_pair(&txt0, txt0_stack, sizeof txt0_stack, &tx0,
                   &rxt0, rxt0_stack, sizeof rxt0_stack, &rx0)) {
        bench_fail("msg_throughput_cycles_per_msg", "setup");
        return;
    }
    td_sleep(5);                                   /* both pairs subscribed */
    for (uint32_t r = 1; r <= 2u * TPUT_ROUNDS; r++) {
        start0 = port_cycles();
        td_xsem_give_isr(&go_sem);
        td_xsem_give_isr(&go_sem);
        while ((done_rx[0] != r || done_rx[1] != r) && !bad[0] && !bad[1])
            td_sleep(1);
        if (bad[0] || bad[1]) {
            bench_fail("msg_throughput_cycles_per_msg", "a word was lost or out of order");
            return;
        }
        uint32_t e0 = end_core[0] - start0, e1 = end_core[1] - start0;
        per[r - 1] = (e0 > e1 ? e0 : e1) / (2u * TPUT_N);
    }
    bench_report("msg_throughput_cycles_per_msg", "cycles", per, TPUT_ROUNDS);
    bench_report("msg_throughput_batch_cycles_per_msg", "cycles", per + TPUT_ROUNDS, TPUT_ROUNDS);
}

/* ---- bulk channel ---------------------------------------------------------------------- */

/* Core 0 writes a 4 KiB pattern over and over with td_chan_write (word-wise
 * copy into the ring); core 1 reads in place (td_chan_peek), adds up every
 * word it was given and compares the sum with the pattern's (prefix sums:
 * ring and pattern wrap together) before td_chan_consume. */
#define BULK_CHUNK 1024u
TD_CHAN_DEFINE(bulk, 0, 4096);
static uint32_t pattern[1024], prefix[1025];
static volatile uint32_t bulk_end1;

/* The sum of n words: four words a load multiple where it can (so the
 * reader keeps up with the copy it checks; C's single loads and the loop
 * around them take about 1 cycle a byte, the copy less). */
static uint32_t sum_words(const uint32_t *w, size_t n)
{
    uint32_t a = 0, bytes = (uint32_t)(n / 4u) * 16u;
    if (bytes != 0)
        __asm volatile("1:\n\t"
                       "ldmia %1!, {r4, r5, r6, r7}\n\t"
                       "add %0, r4\n\t"
                       "add %0, r5\n\t"
                       "add %0, r6\n\t"
                       "add %0, r7\n\t"
                       "sub %2, #16\n\t"
                       "bne 1b"
                       : "+l"(a), "+l"(w), "+l"(bytes)
                       :
                       : "r4", "r5", "r6", "r7", "cc", "memory");
    for (n %= 4u; n != 0; n--)
        a += *w++;
    return a;
}

static void core1_bulk(void)
{
    if (td_chan_attach(&bulk, TD_CHAN_READ) != TD_OK) {
        fails1++;
        return;
    }
    for (uint32_t r = 0; r < BULK_ROUNDS; r++) {
        uint32_t got = 0, bad = 0;
        while (got < BULK_BYTES) {
            const void *p;
            size_t n = BULK_BYTES - got;
            if (td_chan_peek(&bulk, &p, &n, TD_SEC(1)) != TD_OK) {
                fails1++;
                return;
            }
            uint32_t at = (got % sizeof pattern) / 4u;   /* ring and pattern wrap together */
            bad |= sum_words(p, n / 4u) ^ (prefix[at + n / 4u] - prefix[at]);
            td_chan_consume(&bulk, n);
            got += (uint32_t)n;
        }
        bulk_end1 = port_cycles() - offset;
        if (bad)
            fails1++;
        core1_ack = 10 + r;
    }
}

static void bench_bulk(void)
{
    uint32_t mbs[BULK_ROUNDS];
    uint32_t x = 0x12345678u;
    for (unsigned i = 0; i < 1024; i++) {
        x = x * 1664525u + 1013904223u;
        pattern[i] = x;
        prefix[i + 1] = prefix[i] + x;
    }
    if (td_chan_attach(&bulk, TD_CHAN_WRITE) != TD_OK) {
        bench_fail("bulk_mb_per_s", "attach");
        return;
    }
    td_sleep(2);                                      /* the reader is attached */
    for (uint32_t r = 0; r < BULK_ROUNDS; r++) {
        uint32_t t0 = port_cycles();
        for (uint32_t put = 0; put < BULK_BYTES; put += BULK_CHUNK)
            if (td_chan_write(&bulk, (const uint8_t *)pattern + put % sizeof pattern,
                              BULK_CHUNK, NULL, TD_SEC(1)) != TD_OK) {
                bench_fail("bulk_mb_per_s", "write timed out");
                return;
            }
        while (core1_ack != 10 + r && fails1 == 0)
            ;
        if (fails1) {
            bench_fail("bulk_mb_per_s", "the reader saw a wrong word");
            return;
        }
        uint32_t cyc = bulk_end1 - t0;
        /* MB/s (10^6 bytes) at 125 MHz = bytes * 125 / cycles */
        mbs[r] = (uint32_t)(((uint64_t)BULK_BYTES * (TD_CLK_SYS_HZ / 1000000u)) / cyc);
    }
    bench_report("bulk_mb_per_s", "MB/s", mbs, BULK_ROUNDS);
}

/* ---- core 1 ------------------------------------------------------------------------------ */

static void core1_main(void *arg)
{
    (void)arg;
    core1_raw();
    wait_phase(2);
    core1_sync();
    core1_latency();
    core1_ack = 2;
    wait_phase(3);
    core1_sync();
    if (start_pair(&txt1, txt1_stack, sizeof txt1_stack, &tx1,
                   &rxt1, rxt1_stack, sizeof rxt1_stack, &rx1))
        bad[1]++;
    wait_phase(4);
    core1_sync();
    core1_bulk();
    for (;;)
        td_sleep(TD_SEC(1));
}

int main(void)
{
    overhead = measure_overhead();
    if (td_kernel_launch_core1(core1_main, NULL) != TD_OK) {
        bench_fail("fifo_roundtrip_raw_cycles", "core 1 did not launch");
        bench_done();
    }
    bench_raw();
    bench_copy_bare();
    /* Each phase starts with a clock sync: printing (polled UART, under
     * the console lock with interrupts masked) can make a core miss ticks. */
    phase = 2;
    sync_clocks();
    bench_latency();
    bench_value("msg_clock_sync_rtt_cycles", "cycles", sync_rtt);
    phase = 3;
    sync_clocks();
    bench_throughput();
    phase = 4;
    sync_clocks();
    bench_bulk();
    bench_done();
}
