/*
 * tests/test_life_random.c: objects taken through their life cycles many
 * times, in random order and with random timing, on both cores at once
 * (docs/kernel.md, "Life cycles"). Each round checks that everything a call
 * accepted was delivered or counted: message words (sent + dropped against
 * the calls that returned 0), channel bytes (read + what deinit discarded
 * against what was written), queue items, semaphore and cross-core
 * semaphore counts, event flags (each flag set taken off by a waiter,
 * cleared, or counted by td_event_deinit), pool blocks, a mutex,
 * cross-core mutex or td_lock whose owner ends, timers given up while they
 * run, periods set up again while their thread sleeps or is late (every
 * release a wake-up or passed over by a counted late call), the console's
 * buffered mode taken and left on either core while both print (every
 * line arrives once, whole, in order), objects refused while they are
 * waited on. The seed is
 * printed (INFO life_seed; TH_LIFE_SEED sets it); the choices also depend
 * on timing (how many reads a wait took), so a seed repeats a run only as
 * far as the timing does. Rounds and time per kind: INFO life_rounds_*,
 * life_ms_*.
 */
#include "harness.h"

#include <string.h>

#include "port.h"
#include "tandem/chan.h"
#include "tandem/console.h"
#include "tandem/event.h"
#include "tandem/fmt.h"
#include "tandem/lock.h"
#include "tandem/msg.h"
#include "tandem/period.h"
#include "tandem/pool.h"
#include "tandem/sem.h"
#include "tandem/xsem.h"
#include "tandem/mutex.h"
#include "tandem/queue.h"
#include "tandem/timer.h"
#include "tandem/xmutex.h"

#define LD(x)    __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

#ifndef TH_LIFE_SEED
#define TH_LIFE_SEED 0x5eed1u
#endif
#ifndef TH_LIFE_ROUNDS
#ifdef TH_HOST
#define TH_LIFE_ROUNDS 300u
#else
#define TH_LIFE_ROUNDS 60u
#endif
#endif

/* One generator per core (xorshift32). */
static uint32_t rng[2];

static uint32_t rnd(unsigned n)
{
    uint32_t *s = &rng[port_core_id()];
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return n ? x % n : x;
}

static void maybe_sleep(void)
{
    unsigned r = rnd(4);
    if (r == 0)
        td_sleep(1);
    else if (r == 1)
        td_thread_yield();
}

/* ---- messages: core 0 sends through an endpoint it gives up and takes
 * again; core 1 receives, and may give its endpoint up early ------------------- */

#define RX_NUM 10u
#define TX_NUM 11u

static td_msg_ep_t rx, tx;
static uint32_t rx_in[4], rx_out[1], tx_in[1], tx_out[4];
static struct {
    int ready, tx_done, done;
    unsigned in_depth, stop_after;
    uint32_t read, received, dropped, stray, bad_order;
    int r_init, r_sub, r_unsub;
} mr;

static void core1_msg_rx(void *arg)
{
    (void)arg;
    td_msg_core_stats_t c0, c1;
    td_msg_core_stats(&c0, false);
    mr.r_init = td_msg_init(&rx, RX_NUM, rx_in, mr.in_depth, rx_out, 1, TD_MSG_BLOCK);
    mr.r_sub = td_msg_subscribe(&rx);
    ST(mr.ready, 1);
    uint32_t last = 0;
    td_msg_t w;
    for (;;) {
        int r = td_msg_receive(&rx, &w, TD_MS(30));
        if (r == TD_OK) {
            if (TD_MSG_DATA(w) <= last)
                mr.bad_order++;
            last = TD_MSG_DATA(w);
            if (++mr.read == mr.stop_after)
                break;                              /* gives up early */
            if (rnd(3) == 0)
                maybe_sleep();
        } else if (LD(mr.tx_done)) {
            break;
        }
    }
    mr.r_unsub = td_msg_unsubscribe(&rx);         /* unread words: counted */
    TH_WAIT_CORE(0, 3000, LD(mr.tx_done));
    td_sleep(2);                                  /* words in flight land (stray) */
    td_msg_stats_t st;
    td_msg_stats(&rx, &st);
    mr.received = st.received;
    mr.dropped = st.dropped;
    td_msg_core_stats(&c1, false);
    mr.stray = c1.stray - c0.stray;
}

static void msg_round(void)
{
    memset(&mr, 0, sizeof mr);
    mr.in_depth = 1u + rnd(4);
    mr.stop_after = rnd(3) == 0 ? 1u + rnd(20) : 0;
    REQUIRE_EQ(th_core1_run(core1_msg_rx, NULL), TD_OK);
    TH_WAIT_CORE(1, 3000, LD(mr.ready));
    REQUIRE_EQ(mr.r_init, TD_OK);
    REQUIRE_EQ(mr.r_sub, TD_OK);
    unsigned policy = rnd(4) == 0 ? TD_MSG_DROP : TD_MSG_BLOCK;
    REQUIRE_EQ(td_msg_init(&tx, TX_NUM, tx_in, 1, tx_out, 1u + rnd(4), policy), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&tx), TD_OK);
    uint32_t accepted = 0, overflowed = 0, sent = 0, dropped = 0, seq = 0;
    unsigned n = 1u + rnd(24);
    for (unsigned i = 0; i < n; i++) {
        unsigned op = rnd(16);
        td_msg_stats_t st;
        if (op == 0) {                            /* give up and take again */
            CHECK_EQ(td_msg_unsubscribe(&tx), TD_OK);
            CHECK_EQ(td_msg_subscribe(&tx), TD_OK);
        } else if (op == 1) {                     /* give up, init again */
            CHECK_EQ(td_msg_unsubscribe(&tx), TD_OK);
            CHECK_EQ(td_msg_stats(&tx, &st), TD_OK);
            sent += st.sent;
            dropped += st.dropped;
            CHECK_EQ(td_msg_init(&tx, TX_NUM, tx_in, 1, tx_out, 1u + rnd(4), policy), TD_OK);
            CHECK_EQ(td_msg_subscribe(&tx), TD_OK);
        } else if (op == 2) {
            int r = td_msg_flush(&tx, TD_MS(20));
            CHECK(r == TD_OK || r == TD_ERR_TIMEOUT);
        } else {
            static const td_tick_t waits[] = { TD_NO_WAIT, 1, 3 };
            int r = td_msg_send(&tx, TD_MSG(RX_NUM, ++seq), waits[rnd(3)]);
            if (r == TD_OK)
                accepted++;
            else if (r == TD_ERR_OVERFLOW)
                overflowed++;                     /* refused, and counted as dropped */
            else
                CHECK(r == TD_ERR_FULL || r == TD_ERR_TIMEOUT || r == TD_ERR_ENDPOINT);
            if (rnd(4) == 0)
                maybe_sleep();
        }
    }
    if (rnd(2) == 0)
        (void)td_msg_flush(&tx, TD_MS(20));
    CHECK_EQ(td_msg_unsubscribe(&tx), TD_OK);
    td_msg_stats_t st;
    CHECK_EQ(td_msg_stats(&tx, &st), TD_OK);
    sent += st.sent;
    dropped += st.dropped;
    ST(mr.tx_done, 1);
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(mr.r_unsub, TD_OK);
    CHECK_EQ(sent + dropped, accepted + overflowed);   /* sender: nothing vanished */
    CHECK_EQ(mr.received + mr.stray, sent);            /* what went out arrived */
    CHECK_EQ(mr.read + mr.dropped, mr.received);       /* read, or counted */
    CHECK_EQ(mr.bad_order, 0);
}

/* ---- a channel: core 1 writes, core 0 reads; both sides detach and attach
 * again at random; deinit counts what is left ------------------------------------- */

#define CH_NUM 7u

static td_chan_t ch;
static uint32_t ring[16];
static struct {
    uint32_t want, written;
    int done, r_attach, reader_gone;
} cw;

static uint8_t pattern(uint32_t i)
{
    return (uint8_t)(i * 7u + (i >> 8));
}

static void core1_chan_writer(void *arg)
{
    (void)arg;
    uint8_t buf[40];
    cw.r_attach = td_chan_attach(&ch, TD_CHAN_WRITE);
    unsigned stalls = 0;
    /* it gives up once the reader has left for good and no room came for
     * 5 tries; before that only after 2 s without progress (a loaded host) */
    while (cw.r_attach == TD_OK && cw.written < cw.want &&
           stalls < (LD(cw.reader_gone) ? 5u : 200u)) {
        uint32_t n = 1u + rnd(sizeof buf);
        if (n > cw.want - cw.written)
            n = cw.want - cw.written;
        for (uint32_t i = 0; i < n; i++)
            buf[i] = pattern(cw.written + i);
        size_t done = 0;
        int r = td_chan_write(&ch, buf, n, &done, TD_MS(10));
        cw.written += (uint32_t)done;
        stalls = r == TD_OK || done != 0 ? 0 : stalls + 1;   /* no progress at all */
        if (rnd(8) == 0) {                        /* detach, attach again */
            td_chan_detach(&ch, TD_CHAN_WRITE);
            maybe_sleep();
            cw.r_attach = td_chan_attach(&ch, TD_CHAN_WRITE);
        }
    }
    if (cw.r_attach == TD_OK)
        td_chan_detach(&ch, TD_CHAN_WRITE);
    ST(cw.done, 1);
}

static void chan_round(void)
{
    memset(&cw, 0, sizeof cw);
    cw.want = rnd(400);
    REQUIRE_EQ(td_chan_init(&ch, CH_NUM, ring, sizeof ring), TD_OK);
    REQUIRE_EQ(td_chan_attach(&ch, TD_CHAN_READ), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_chan_writer, NULL), TD_OK);
    uint32_t got = 0, bad = 0, stop = rnd(3) == 0 ? rnd(400) : 0xffffffffu;
    bool attached = true;
    uint8_t buf[48];
    for (int idle = 0; idle < 3000;) {
        if (got >= stop && attached) {            /* the reader gives up for good */
            CHECK_EQ(td_chan_detach(&ch, TD_CHAN_READ), TD_OK);
            attached = false;
            ST(cw.reader_gone, 1);
        }
        if (!attached) {
            if (LD(cw.done))
                break;
            td_sleep(1);
            idle++;
            continue;
        }
        size_t done = 0, level = (size_t)td_chan_level(&ch);
        if (level == 0 || level > sizeof buf)
            level = sizeof buf;                   /* (asking for more waits for it) */
        int r = td_chan_read(&ch, buf, 1u + rnd((unsigned)level), &done, TD_MS(5));
        for (size_t i = 0; i < done; i++)
            bad += buf[i] != pattern(got + (uint32_t)i);
        got += (uint32_t)done;
        if (r != TD_OK && LD(cw.done) && td_chan_level(&ch) == 0)
            break;
        idle = r == TD_OK ? 0 : idle + 1;
        if (rnd(8) == 0) {                        /* detach, attach again */
            CHECK_EQ(td_chan_detach(&ch, TD_CHAN_READ), TD_OK);
            maybe_sleep();
            CHECK_EQ(td_chan_attach(&ch, TD_CHAN_READ), TD_OK);
        }
    }
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(cw.r_attach, TD_OK);
    if (attached)
        CHECK_EQ(td_chan_detach(&ch, TD_CHAN_READ), TD_OK);
    long left = td_chan_deinit(&ch);
    CHECK(left >= 0);
    CHECK_EQ(got + (uint32_t)left, cw.written);    /* read, or counted by deinit */
    CHECK_EQ(bad, 0);
    if (stop == 0xffffffffu)
        CHECK_EQ(cw.written, cw.want);
}

/* ---- a queue fed by a thread that ends, holding a mutex ------------------------- */

TD_THREAD_DEFINE(producer, 1024);
TD_THREAD_DEFINE(taker, 1024);
static td_queue_t q;
static uint32_t q_buf[4];
static td_mutex_t m;
static struct {
    uint32_t sent, n;
    int lock_r, take_r;
} pq;

static void produce(void *arg)
{
    (void)arg;
    pq.lock_r = td_mutex_lock(&m, TD_NO_WAIT);
    for (uint32_t i = 0; i < pq.n; i++) {
        static const td_tick_t waits[] = { TD_NO_WAIT, 1, 2 };
        if (td_queue_send(&q, &i, waits[rnd(3)]) == TD_OK)
            pq.sent++;
        if (rnd(4) == 0)
            maybe_sleep();
    }
    if (rnd(2) == 0)
        td_mutex_unlock(&m);
    /* ends: a mutex still held goes to its waiter */
}

static void take_m(void *arg)
{
    (void)arg;
    pq.take_r = td_mutex_lock(&m, TD_SEC(2));
    if (pq.take_r == TD_OK)
        td_mutex_unlock(&m);
}

static void local_round(void)
{
    memset(&pq, 0, sizeof pq);
    pq.n = rnd(12);
    pq.take_r = 99;
    unsigned me = (unsigned)td_thread_priority(td_thread_self());
    REQUIRE_EQ(td_queue_init(&q, q_buf, sizeof q_buf[0], 1u + rnd(4)), TD_OK);
    REQUIRE_EQ(td_mutex_init(&m), TD_OK);
    REQUIRE_EQ(td_thread_create(&producer, producer_stack, sizeof producer_stack, "producer",
                                me - 1u + rnd(3), produce, NULL), TD_OK);
    REQUIRE_EQ(td_thread_create(&taker, taker_stack, sizeof taker_stack, "taker",
                                me - 1u - rnd(2), take_m, NULL), TD_OK);
    uint32_t got = 0, next = 0, bad = 0, v;
    unsigned reads = rnd(16);
    for (unsigned i = 0; i < reads; i++) {
        if (td_queue_recv(&q, &v, rnd(3)) == TD_OK) {
            bad += v < next;
            next = v + 1u;
            got++;
        }
    }
    int r = td_queue_deinit(&q);                  /* maybe while the producer waits */
    if (r == TD_ERR_BUSY) {
        CHECK_EQ(td_thread_state(&producer), TD_THREAD_BLOCKED);
        while (td_queue_recv(&q, &v, TD_MS(50)) == TD_OK)
            got++;
        r = td_queue_deinit(&q);
    }
    CHECK_EQ(td_thread_join(&producer, TD_SEC(2)), TD_OK);
    CHECK(r >= 0);
    CHECK_EQ(got + (uint32_t)(r >= 0 ? r : 0), pq.sent);   /* taken, or counted */
    CHECK_EQ(bad, 0);
    CHECK_EQ(pq.lock_r, TD_OK);
    CHECK_EQ(td_thread_join(&taker, TD_SEC(3)), TD_OK);
    CHECK_EQ(pq.take_r, TD_OK);                   /* unlocked, or handed over at the end */
    CHECK(td_mutex_owner(&m) == NULL);
    CHECK_EQ(td_mutex_deinit(&m), TD_OK);
}

/* ---- a cross-core mutex whose owner on core 1 may end holding it, and a
 * timer given up while it runs ---------------------------------------------------- */

static td_xmutex_t xm;
TD_THREAD_DEFINE(x1, 1024);
static struct {
    int lock_r, create_r, join_r, locked;
    unsigned hold;
} xr;

static void x1_hold(void *arg)
{
    (void)arg;
    xr.lock_r = td_xmutex_lock(&xm, TD_SEC(2));
    ST(xr.locked, 1);
    td_sleep(xr.hold);
    if (rnd(2) == 0)
        td_xmutex_unlock(&xm);
}

static void core1_x(void *arg)
{
    (void)arg;
    xr.create_r = td_thread_create(&x1, x1_stack, sizeof x1_stack, "x1", TD_PRIO_MAIN + 1,
                                   x1_hold, NULL);
    xr.join_r = td_thread_join(&x1, TD_SEC(3));
}

static int fires;
static void fire(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    fires++;
}

static void cross_round(void)
{
    memset(&xr, 0, sizeof xr);
    xr.hold = rnd(3);
    REQUIRE_EQ(td_xmutex_init(&xm), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_x, NULL), TD_OK);
    TH_WAIT_CORE(1, 3000, LD(xr.locked));
    /* meanwhile a timer on this core, given up while it runs */
    td_timer_t t;
    t.magic = 0;
    fires = 0;
    REQUIRE_EQ(td_timer_init(&t, fire, NULL), TD_OK);
    REQUIRE_EQ(td_timer_start(&t, 1u + rnd(2), rnd(2)), TD_OK);
    CHECK_EQ(td_xmutex_lock(&xm, TD_SEC(3)), TD_OK);       /* unlocked, or handed at its end */
    td_sleep(rnd(3));
    CHECK_EQ(td_timer_deinit(&t), TD_OK);
    int seen = fires;
    td_sleep(3);
    CHECK_EQ(fires, seen);                                  /* given up: fires no more */
    CHECK_EQ(th_core1_wait(TD_SEC(3)), TD_OK);
    CHECK_EQ(xr.create_r, TD_OK);
    CHECK_EQ(xr.join_r, TD_OK);
    CHECK_EQ(xr.lock_r, TD_OK);
    CHECK_EQ(td_xmutex_deinit(&xm), TD_ERR_BUSY);
    CHECK_EQ(td_xmutex_unlock(&xm), TD_OK);
    CHECK_EQ(td_xmutex_deinit(&xm), TD_OK);
}

/* ---- counting objects: a semaphore, event flags and a pool waited on by a
 * thread that may end holding a td_lock, and a cross-core semaphore fed by
 * core 1 ---------------------------------------------------------------------------- */

static td_sem_t sem;
static td_event_t ev;
static td_pool_t pool;
static TD_POOL_STORAGE(pool_store, 8, 3);
static td_xsem_t xs;
static TD_LOCK_DEFINE(lk, TD_SPIN_USER_FIRST + 7);
#define EV_BITS 3u                                /* flags 0x1, 0x2, 0x4 */
static td_timer_t ev_timer;
static struct {
    uint32_t takes, allocs, frees, xgives;
    uint32_t ev_taken[EV_BITS];                   /* taken off by a waiter (CLEAR) */
    uint32_t ev_seen, ev_waits;
    uint32_t ev_rose[EV_BITS];                    /* sets that found the flag clear */
    uint32_t ev_cleared[EV_BITS];                 /* td_event_clear found it set */
    uint32_t ev_isr_sets, ev_isr_left;
    void *out[3];                                 /* blocks it left allocated */
    unsigned n, xn;
    int lock_r;
} cr;

/* Set or clear flags, noting which of them change: with interrupts masked,
 * so that no waiter of this core runs between the look and the change. */
static void ev_change(uint32_t mask, bool set)
{
    port_irq_state_t s = port_irq_save();
    uint32_t before = td_event_flags(&ev);
    int r = set ? td_event_set_isr(&ev, mask) : td_event_clear(&ev, mask);
    for (unsigned b = 0; b < EV_BITS && r == TD_OK; b++) {
        uint32_t f = 1u << b;
        if ((mask & f) && set && !(before & f))
            cr.ev_rose[b]++;
        else if ((mask & f) && !set && (before & f))
            cr.ev_cleared[b]++;
    }
    port_irq_restore(s);
    CHECK_EQ(r, TD_OK);
}

/* A timer sets 0x4 from the tick interrupt a few times, then stops. */
static void ev_fire(td_timer_t *t, void *arg)
{
    (void)arg;
    if (cr.ev_isr_left == 0) {
        td_timer_stop(t);
        return;
    }
    cr.ev_isr_left--;
    cr.ev_isr_sets++;
    ev_change(0x4u, true);
}

static void counter_thread(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < cr.n; i++) {
        if (td_sem_take(&sem, rnd(3)) == TD_OK)
            cr.takes++;
        static const uint32_t masks[] = { 1u, 2u, 4u, 3u, 5u, 6u, 7u };
        uint32_t got = 0, mask = masks[rnd(7)];
        unsigned opts = (rnd(2) ? TD_EVENT_ALL : TD_EVENT_ANY) |
                        (rnd(4) ? TD_EVENT_CLEAR : 0u);
        cr.ev_waits++;
        int er = td_event_wait(&ev, mask, opts, rnd(3), &got);
        if (er == TD_OK) {
            CHECK(got != 0 && (got & ~mask) == 0);
            CHECK(!(opts & TD_EVENT_ALL) || got == mask);
            cr.ev_seen++;
            for (unsigned b = 0; b < EV_BITS && (opts & TD_EVENT_CLEAR); b++)
                cr.ev_taken[b] += (got >> b) & 1u;      /* taken off as it was released */
        } else {
            CHECK(er == TD_ERR_TIMEOUT || er == TD_ERR_WOULD_BLOCK);
        }
        void *b;
        if (td_pool_alloc(&pool, &b, rnd(3)) == TD_OK) {
            cr.allocs++;
            if (rnd(2) == 0 && td_pool_free_isr(&pool, b) == TD_OK)
                cr.frees++;
            else
                cr.out[cr.allocs - cr.frees - 1u] = b;   /* still out at its end */
        }
    }
    if (rnd(2) == 0)
        cr.lock_r = td_lock_take(&lk);            /* ends holding it: released */
}

static void core1_xgive(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < cr.xn; i++) {
        if (td_xsem_give_isr(&xs) == TD_OK)
            cr.xgives++;
        if (rnd(3) == 0)
            td_sleep(1);
    }
}

static uint32_t ev_sets, ev_taken, ev_discarded;   /* over the whole run */

static void counting_round(void)
{
    memset(&cr, 0, sizeof cr);
    cr.n = rnd(8);
    cr.xn = rnd(10);
    unsigned me = (unsigned)td_thread_priority(td_thread_self());
    REQUIRE_EQ(td_sem_init(&sem, 0, 1u + rnd(3)), TD_OK);
    REQUIRE_EQ(td_event_init(&ev), TD_OK);
    cr.ev_isr_left = rnd(6);
    ev_timer.magic = 0;
    REQUIRE_EQ(td_timer_init(&ev_timer, ev_fire, NULL), TD_OK);
    REQUIRE_EQ(td_timer_start(&ev_timer, 1u + rnd(3), 1u + rnd(3)), TD_OK);
    REQUIRE_EQ(td_pool_init(&pool, pool_store, 8, 3), TD_OK);
    REQUIRE_EQ(td_xsem_init(&xs, 0, 1u + rnd(4)), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_xgive, NULL), TD_OK);
    REQUIRE_EQ(td_thread_create(&producer, producer_stack, sizeof producer_stack, "counter",
                                me - 1u + rnd(3), counter_thread, NULL), TD_OK);
    uint32_t gives = 0, xtakes = 0;
    void *mine[3];
    unsigned held = 0;
    for (unsigned i = 0; i < 12; i++) {
        unsigned op = rnd(8);
        if (op == 0 && td_sem_give_isr(&sem) == TD_OK)
            gives++;
        else if (op == 1)
            ev_change(1u + rnd(7), true);
        else if (op == 6)
            ev_change(1u + rnd(7), false);
        else if (op == 7) {                          /* give up while waited on */
            /* interrupts masked: no tick or timer can end a wait meanwhile
             * (on a loaded host a burst of owed ticks often would) */
            port_irq_state_t s = port_irq_save();
            bool waited = ev.waiters != NULL;
            uint32_t before = td_event_flags(&ev);
            int rd = waited ? td_event_deinit(&ev) : TD_ERR_BUSY;
            int ri = waited ? td_event_init(&ev) : TD_ERR_BUSY;
            uint32_t after = td_event_flags(&ev);
            port_irq_restore(s);
            CHECK_EQ(rd, TD_ERR_BUSY);
            CHECK_EQ(ri, TD_ERR_BUSY);
            CHECK_EQ(after, before);                /* refused: nothing changed */
        }
        else if (op == 2 && held < 3 && td_pool_alloc_isr(&pool, &mine[held]) == TD_OK)
            held++;
        else if (op == 3 && held > 0)
            CHECK_EQ(td_pool_free_isr(&pool, mine[--held]), TD_OK);
        else if (op == 4 && td_xsem_take(&xs, rnd(3)) == TD_OK)
            xtakes++;
        else if (op == 5) {                          /* give up while waited on */
            port_irq_state_t s = port_irq_save();  /* (as above) */
            int rd = sem.waiters != NULL ? td_sem_deinit(&sem) : TD_ERR_BUSY;
            port_irq_restore(s);
            CHECK_EQ(rd, TD_ERR_BUSY);
        }
        if (rnd(3) == 0)
            maybe_sleep();
    }
    CHECK_EQ(td_thread_join(&producer, TD_SEC(3)), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(3)), TD_OK);
    CHECK_EQ(td_lock_holder(&lk), TD_CORE_ANY);   /* released at its end */
    CHECK_EQ(cr.lock_r, TD_OK);
    int count = td_sem_count(&sem);
    CHECK(count >= 0 && gives == cr.takes + (uint32_t)count);
    CHECK_EQ(td_sem_deinit(&sem), TD_OK);
    /* every flag set was seen and taken off by a waiter, taken off by
     * td_event_clear, or is still set and counted by td_event_deinit */
    CHECK_EQ(td_timer_deinit(&ev_timer), TD_OK);
    uint32_t left = td_event_flags(&ev);
    int discarded = td_event_deinit(&ev);
    uint32_t still = 0;
    for (unsigned b = 0; b < EV_BITS; b++) {
        uint32_t set_now = (left >> b) & 1u;
        still += set_now;
        CHECK_EQ(cr.ev_rose[b], cr.ev_taken[b] + cr.ev_cleared[b] + set_now);
    }
    CHECK_EQ(discarded, (int)still);
    CHECK_EQ(td_event_set_isr(&ev, 1u), TD_ERR_UNINIT);   /* given up */
    CHECK(cr.ev_seen <= cr.ev_waits);
    ev_sets += cr.ev_rose[0] + cr.ev_rose[1] + cr.ev_rose[2];
    ev_taken += cr.ev_taken[0] + cr.ev_taken[1] + cr.ev_taken[2];
    ev_discarded += (uint32_t)(discarded > 0 ? discarded : 0);
    CHECK_EQ(td_pool_available(&pool), 3 - (int)(cr.allocs - cr.frees) - (int)held);
    int rd = td_pool_deinit(&pool);               /* refused while blocks are out */
    CHECK_EQ(rd, held + cr.allocs - cr.frees ? TD_ERR_BUSY : TD_OK);
    while (held > 0)
        CHECK_EQ(td_pool_free_isr(&pool, mine[--held]), TD_OK);
    for (uint32_t i = cr.allocs - cr.frees; i > 0; i--)
        CHECK_EQ(td_pool_free_isr(&pool, cr.out[i - 1u]), TD_OK);
    if (rd != TD_OK)
        CHECK_EQ(td_pool_deinit(&pool), TD_OK);
    CHECK_EQ(td_xsem_count(&xs) + (long)xtakes, (long)cr.xgives);   /* taken, or still there */
    CHECK_EQ(td_xsem_deinit(&xs), TD_OK);
}

/* ---- a period set up again while its thread sleeps, or is late, on either
 * core: every release is a wake-up or passed over by a late call, every
 * late call counted in overruns ------------------------------------------------------- */

TD_THREAD_DEFINE(periodic, 1024);
static td_period_t per;
static struct {
    unsigned n, busy;
    uint32_t gen;                                 /* bumped with every init (masked) */
    td_tick_t phase;
    uint32_t ok, late, bad, early, off_grid, bad_step, overruns;
    int r_init, r_create, r_join;
} pr;

static void periodic_main(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < pr.n; i++) {
        port_irq_state_t s = port_irq_save();
        uint32_t gen = pr.gen;
        td_tick_t want = per.next, period = per.period;
        port_irq_restore(s);
        int r = td_period_wait(&per);
        s = port_irq_save();
        td_tick_t now = td_time_ticks(), next = per.next;
        bool same = pr.gen == gen;
        if (next % per.period != pr.phase)
            pr.off_grid++;                        /* on the grid now set up */
        port_irq_restore(s);
        if (r == TD_OK) {
            pr.ok++;
            if ((int32_t)(now - want) < 0)
                pr.early++;                       /* woke before its release */
            if (same && next != want + period)
                pr.bad_step++;                    /* one release on */
        } else if (r == TD_ERR_OVERFLOW) {
            pr.late++;
            if (same && (next == want || (next - want) % period != 0))
                pr.bad_step++;                    /* passed over whole releases */
        } else {
            pr.bad++;
        }
        if (rnd(3) == 0)
            th_busy_ticks(rnd(4));                /* late for the next release */
    }
}

/* Set the period up again (with interrupts masked, beside the count the
 * thread compares with). */
static int period_init(td_tick_t period, td_tick_t phase)
{
    port_irq_state_t s = port_irq_save();
    if (per.magic != 0)
        pr.overruns += per.overruns;              /* init starts it from 0 */
    int r = td_period_init(&per, period, phase);
    pr.phase = phase;
    pr.gen++;
    port_irq_restore(s);
    return r;
}

static void period_job(void *arg)
{
    (void)arg;
    unsigned me = (unsigned)td_thread_priority(td_thread_self());
    td_tick_t period = 1u + rnd(4);
    per.magic = 0;
    pr.r_init = period_init(period, rnd(period));
    if (pr.r_init != TD_OK)
        return;
    pr.r_create = td_thread_create(&periodic, periodic_stack, sizeof periodic_stack, "periodic",
                                   me - 1u + rnd(3), periodic_main, NULL);
    if (pr.r_create != TD_OK)
        return;
    for (unsigned i = rnd(6); i > 0; i--) {
        td_sleep(rnd(5));
        period = 1u + rnd(4);
        if (period_init(period, rnd(period)) != TD_OK)
            pr.bad++;
    }
    pr.r_join = td_thread_join(&periodic, TD_SEC(3));
    port_irq_state_t s = port_irq_save();
    pr.overruns += per.overruns;
    port_irq_restore(s);
}

static void period_round(void)
{
    memset(&pr, 0, sizeof pr);
    pr.n = 1u + rnd(12);
    pr.r_join = 99;
    if (rnd(2) == 0) {
        period_job(NULL);
    } else {
        REQUIRE_EQ(th_core1_run(period_job, NULL), TD_OK);
        CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    }
    REQUIRE_EQ(pr.r_init, TD_OK);
    REQUIRE_EQ(pr.r_create, TD_OK);
    CHECK_EQ(pr.r_join, TD_OK);
    CHECK_EQ(pr.ok + pr.late, pr.n);
    CHECK_EQ(pr.late, pr.overruns);               /* every late call counted */
    CHECK_EQ(pr.bad, 0);
    CHECK_EQ(pr.early, 0);
    CHECK_EQ(pr.off_grid, 0);
    CHECK_EQ(pr.bad_step, 0);
}

/* ---- the console: buffered mode selected by either core, left and taken
 * again while both cores print; every line printed arrives once, whole, in
 * its core's order ------------------------------------------------------------------- */

#define CON_LINES 24u
static struct {
    unsigned drain;                               /* the core that selects buffered */
    unsigned lines[2];                            /* printed per core */
    int r_wrong, r_other, done1, tried;
    uint32_t bad_len;
} co;

static void con_print(unsigned core, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        int len = td_printf("lr%u %03u %.*s\n", core, co.lines[core], (int)rnd(6), ".....");
        if (len < 9)
            co.bad_len++;
        else
            co.lines[core]++;
        if (rnd(3) == 0)
            maybe_sleep();
        if (core == co.drain && rnd(6) == 0) {    /* leave buffered mode, take it again */
            if (td_console_set_mode(TD_CONSOLE_POLLED) != TD_OK ||
                td_console_set_mode(TD_CONSOLE_BUFFERED) != TD_OK)
                co.bad_len++;
        } else if (core != co.drain && rnd(6) == 0) {
            /* not this core's: refused, or nothing to do while the drain
             * core is between leaving and taking buffered mode again */
            int r = td_console_set_mode(TD_CONSOLE_POLLED);
            if (r != TD_ERR_WRONG_CORE && r != TD_OK)
                co.r_other = r == TD_OK ? 1000 : r;
        }
    }
}

static void core1_console(void *arg)
{
    unsigned n = (unsigned)(uintptr_t)arg;
    if (co.drain == 1 && td_console_set_mode(TD_CONSOLE_BUFFERED) != TD_OK)
        co.bad_len++;
    ST(co.done1, 1);
    /* core 0 tries to take buffered mode */
    TH_WAIT_CORE(0, 3000, LD(co.tried));
    con_print(1, n);
    if (co.drain == 1 && td_console_set_mode(TD_CONSOLE_POLLED) != TD_OK)
        co.bad_len++;                             /* drains the ring first */
}

/* Check the captured text: every line is one of ours, whole; per core the
 * numbers run 0, 1, 2, ... Returns the lines seen per core. */
static void con_check(const char *text, unsigned seen[2], uint32_t *bad)
{
    seen[0] = seen[1] = 0;
    for (const char *p = text; *p != '\0';) {
        const char *end = p;
        while (*end != '\0' && *end != '\n')
            end++;
        if (*end == '\0') {
            (*bad)++;                             /* a line without its end */
            break;
        }
        unsigned core = (unsigned)(p[2] - '0'), num = 0;
        bool ok = end - p >= 8 && p[0] == 'l' && p[1] == 'r' && core < 2 && p[3] == ' ' &&
                  p[7] == ' ';
        for (int k = 4; ok && k < 7; k++) {
            ok = p[k] >= '0' && p[k] <= '9';
            num = num * 10u + (unsigned)(p[k] - '0');
        }
        for (const char *q = p + 8; ok && q < end; q++)
            ok = *q == '.';
        if (ok && num == seen[core])
            seen[core]++;
        else
            (*bad)++;
        p = end + 1;
    }
}

static char con_text[4096];

static void console_round(void)
{
    memset(&co, 0, sizeof co);
    co.drain = rnd(2);
    unsigned n0 = rnd(CON_LINES), n1 = rnd(CON_LINES);
    REQUIRE_EQ(td_console_mode(), TD_CONSOLE_POLLED);
    REQUIRE_EQ(th_capture_begin(), TD_OK);
    if (co.drain == 0)
        CHECK_EQ(td_console_set_mode(TD_CONSOLE_BUFFERED), TD_OK);
    int r1 = th_core1_run(core1_console, (void *)(uintptr_t)n1);
    if (r1 == TD_OK)
        TH_WAIT_CORE(1, 3000, LD(co.done1));
    if (co.drain == 1)
        co.r_wrong = td_console_set_mode(TD_CONSOLE_BUFFERED);   /* core 1 has it */
    ST(co.tried, 1);
    con_print(0, n0);
    if (r1 == TD_OK)
        CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    if (co.drain == 0)
        CHECK_EQ(td_console_set_mode(TD_CONSOLE_POLLED), TD_OK);   /* drains the ring */
    int len = th_capture_end(con_text, sizeof con_text);
    REQUIRE_EQ(r1, TD_OK);
    CHECK_EQ(td_console_mode(), TD_CONSOLE_POLLED);
    CHECK(len >= 0);
    if (co.drain == 1)
        CHECK_EQ(co.r_wrong, TD_ERR_WRONG_CORE);
    CHECK_EQ(co.r_other, 0);
    CHECK_EQ(co.bad_len, 0);
    unsigned seen[2];
    uint32_t bad = 0;
    con_check(con_text, seen, &bad);
    CHECK_EQ(bad, 0);
    CHECK_EQ(seen[0], co.lines[0]);               /* every line printed, once, whole */
    CHECK_EQ(seen[1], co.lines[1]);
    CHECK_EQ(co.lines[0], n0);
    CHECK_EQ(co.lines[1], n1);
}

static void core1_seed(void *arg)
{
    rng[1] = (uint32_t)(uintptr_t)arg;
}

TEST(life_random_cycles)
{
    uint32_t seed = TH_LIFE_SEED;
    th_info("life_seed", seed);
    rng[0] = seed;
    REQUIRE_EQ(th_core1_run(core1_seed, (void *)(uintptr_t)(seed * 2654435761u | 1u)), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    static const char *const names[7] = { "msg", "chan", "local", "cross", "counting",
                                          "period", "console" };
    unsigned rounds[7] = { 0 };
    uint64_t us[7] = { 0 };
    for (unsigned i = 0; i < TH_LIFE_ROUNDS; i++) {
        unsigned kind = rnd(7);
        rounds[kind]++;
        uint64_t t0 = td_time_us();
        if (kind == 0)
            msg_round();
        else if (kind == 1)
            chan_round();
        else if (kind == 2)
            local_round();
        else if (kind == 3)
            cross_round();
        else if (kind == 4)
            counting_round();
        else if (kind == 5)
            period_round();
        else
            console_round();
        us[kind] += td_time_us() - t0;
    }
    char key[32];
    for (unsigned k = 0; k < 7; k++) {
        td_snprintf(key, sizeof key, "life_rounds_%s", names[k]);
        th_info(key, rounds[k]);
        td_snprintf(key, sizeof key, "life_ms_%s", names[k]);
        th_info(key, (long long)(us[k] / 1000u));
    }
    th_info("life_event_flags_set", ev_sets);
    th_info("life_event_flags_taken", ev_taken);
    th_info("life_event_flags_discarded", ev_discarded);
}
