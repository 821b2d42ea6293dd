/*
 * tests/test_life.c: objects that come and go (docs/kernel.md, "Life
 * cycles"): each object type given up and taken again while it is waited
 * on, holds queued data or is registered with its core, and what happens
 * to its waiters, its data and its registrations then.
 */
#include "harness.h"

#include <string.h>

#include "port.h"
#include "tandem/chan.h"
#include "tandem/event.h"
#include "tandem/lock.h"
#include "tandem/msg.h"
#include "tandem/mutex.h"
#include "tandem/period.h"
#include "tandem/pool.h"
#include "tandem/queue.h"
#include "tandem/sem.h"
#include "tandem/timer.h"
#include "tandem/xmutex.h"
#include "tandem/xsem.h"

#define LD(x)    __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* ---- messages: a receiver on core 1 that holds back until told ------------------ */

static td_msg_ep_t rx_ep;
static uint32_t rx_in[2], rx_out[1];
static uint32_t rx_seen[16];
static int rx_n, rx_go, rx_want, rx_r[3];

/* Core 1: subscribe endpoint 'arg' (an in-buffer of 2 words), wait for the
 * go, then take words until core 0 has said how many it sent (rx_want, -1
 * until it knows) and they came, and any more that come within 200 ms
 * after (none should). What is missing is waited for up to 3 s: it comes
 * when core 0 runs, which a loaded host may not do for a while (a fixed
 * 200 ms after the last word ended the take early, 2 of 4 words taken,
 * with core 0 left off its CPU for 300 ms at the go). */
static void core1_receiver(void *arg)
{
    unsigned number = (unsigned)(uintptr_t)arg;
    rx_n = 0;
    rx_r[0] = td_msg_init(&rx_ep, number, rx_in, 2, rx_out, 1, TD_MSG_BLOCK);
    rx_r[1] = td_msg_subscribe(&rx_ep);
    TH_WAIT_CORE(0, 3000, LD(rx_go));
    td_msg_t w;
    for (unsigned waits = 0; rx_n < 16 && waits < 15;) {
        int want = LD(rx_want);                  /* before the wait that may end the take */
        if (td_msg_receive(&rx_ep, &w, TD_MS(200)) == TD_OK)
            rx_seen[rx_n++] = w;
        else if (want >= 0 && rx_n >= want)
            break;
        else
            waits++;
    }
    rx_r[2] = td_msg_unsubscribe(&rx_ep);
}

static bool receiver_on_core1(unsigned number)
{
    ST(rx_go, 0);
    ST(rx_want, -1);
    rx_r[0] = rx_r[1] = rx_r[2] = 99;
    return th_core1_run(core1_receiver, (void *)(uintptr_t)number) == TD_OK &&
           td_msg_await_remote(number, TD_SEC(2)) == TD_OK;
}

static td_msg_ep_t ep_a, ep_b;
static uint32_t a_in[2], a_out[4], b_in[2], b_out[4];

/* Re-initialising an endpoint that unsubscribe left with queued words must
 * not cut this core's list of endpoints with queued words: B, behind A on
 * it, still sends its queued words. */
TEST(msg_init_after_unsubscribe_keeps_send_list)
{
    REQUIRE_EQ(td_msg_init(&ep_b, 15, b_in, 2, b_out, 4, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_b), TD_OK);
    REQUIRE(receiver_on_core1(15));
    for (unsigned i = 0; i < 4; i++)             /* 2 to the receiver, 2 queued in B */
        CHECK_EQ(td_msg_send(&ep_b, TD_MSG(15, 0x100u + i), TD_NO_WAIT), TD_OK);
    REQUIRE_EQ(td_msg_init(&ep_a, 14, a_in, 2, a_out, 4, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    for (unsigned i = 0; i < 2; i++)             /* queued in A, ahead of B */
        CHECK_EQ(td_msg_send(&ep_a, TD_MSG(15, 0x200u + i), TD_NO_WAIT), TD_OK);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
    td_msg_stats_t sa, st;
    CHECK_EQ(td_msg_stats(&ep_a, &sa), TD_OK);
    CHECK_EQ(td_msg_init(&ep_a, 14, a_in, 2, a_out, 4, TD_MSG_BLOCK), TD_OK);
    ST(rx_go, 1);
    CHECK_EQ(td_msg_flush(&ep_b, TD_SEC(2)), TD_OK);
    ST(rx_want, 4);
    CHECK_EQ(sa.sent + sa.dropped, 2);            /* A's two: sent or counted */
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(rx_r[1], TD_OK);
    CHECK_EQ(rx_n, 4);                            /* B's four, in order */
    for (int i = 0; i < rx_n && i < 4; i++)
        CHECK_EQ(rx_seen[i], TD_MSG(15, 0x100u + (unsigned)i));
    CHECK_EQ(td_msg_stats(&ep_b, &st), TD_OK);
    CHECK_EQ(st.sent, 4);
    CHECK_EQ(st.dropped, 0);
    CHECK_EQ(td_msg_unsubscribe(&ep_b), TD_OK);
}

/* Words send accepted and unsubscribe left queued are sent or counted,
 * also when the endpoint is subscribed again at once. */
TEST(msg_resubscribe_counts_queued_words)
{
    REQUIRE_EQ(td_msg_init(&ep_a, 14, a_in, 2, a_out, 4, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE(receiver_on_core1(15));
    unsigned accepted = 0;
    for (unsigned i = 0; i < 4; i++)             /* 2 to the receiver, 2 queued */
        accepted += td_msg_send(&ep_a, TD_MSG(15, 0x300u + i), TD_NO_WAIT) == TD_OK;
    CHECK_EQ(accepted, 4);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
    CHECK_EQ(td_msg_subscribe(&ep_a), TD_OK);
    ST(rx_go, 1);
    CHECK_EQ(td_msg_flush(&ep_a, TD_SEC(2)), TD_OK);
    td_msg_stats_t st;
    CHECK_EQ(td_msg_stats(&ep_a, &st), TD_OK);
    ST(rx_want, (int)st.sent);
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(st.sent + st.dropped, accepted);     /* nothing accepted vanished */
    CHECK_EQ(st.sent, (unsigned)rx_n);            /* what was sent arrived */
    for (int i = 0; i < rx_n && i < 4; i++)
        CHECK_EQ(rx_seen[i], TD_MSG(15, 0x300u + (unsigned)i));
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);
}

/* ---- channels ----------------------------------------------------------------------- */

/* A channel number is free again once both sides of the channel that had
 * it are detached. */
TEST(chan_number_free_after_both_sides_detach)
{
    static td_chan_t x, y;
    static uint32_t xm[4], ym[4];
    REQUIRE_EQ(td_chan_init(&x, 6, xm, sizeof xm), TD_OK);
    REQUIRE_EQ(td_chan_attach(&x, TD_CHAN_WRITE), TD_OK);
    REQUIRE_EQ(td_chan_attach(&x, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_detach(&x, TD_CHAN_WRITE), TD_OK);
    REQUIRE_EQ(td_chan_init(&y, 6, ym, sizeof ym), TD_OK);
    CHECK_EQ(td_chan_attach(&y, TD_CHAN_WRITE), TD_ERR_BUSY);  /* x's reader is there */
    CHECK_EQ(td_chan_detach(&x, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_attach(&y, TD_CHAN_WRITE), TD_OK);        /* the number is free */
    CHECK_EQ(td_chan_attach(&x, TD_CHAN_READ), TD_ERR_BUSY);   /* and y's now */
    CHECK_EQ(td_chan_detach(&y, TD_CHAN_WRITE), TD_OK);
}

/* A channel is refused init and deinit while a side is attached (its
 * waiters are its owners), and init while its ring holds unread bytes;
 * deinit counts those; init again then reuses the number. */
TEST(chan_refused_while_attached_or_holding_bytes)
{
    static td_chan_t c;
    static uint32_t cm[4];
    static const uint8_t five[5] = { 1, 2, 3, 4, 5 };
    size_t done = 0;
    REQUIRE_EQ(td_chan_init(&c, 6, cm, sizeof cm), TD_OK);
    REQUIRE_EQ(td_chan_attach(&c, TD_CHAN_WRITE), TD_OK);
    CHECK_EQ(td_chan_init(&c, 6, cm, sizeof cm), TD_ERR_BUSY);      /* a side attached */
    CHECK_EQ(td_chan_deinit(&c), TD_ERR_BUSY);
    CHECK_EQ(td_chan_write(&c, five, sizeof five, &done, TD_NO_WAIT), TD_OK);
    CHECK_EQ(done, sizeof five);
    CHECK_EQ(td_chan_detach(&c, TD_CHAN_WRITE), TD_OK);
    CHECK_EQ(td_chan_level(&c), 5);                                 /* the bytes stay */
    CHECK_EQ(td_chan_init(&c, 6, cm, sizeof cm), TD_ERR_BUSY);      /* would drop them */
    CHECK_EQ(td_chan_level(&c), 5);                                 /* nothing changed */
    CHECK_EQ(td_chan_attach(&c, TD_CHAN_READ), TD_OK);
    uint8_t two[2];
    CHECK_EQ(td_chan_read(&c, two, 2, &done, TD_NO_WAIT), TD_OK);   /* read again later */
    CHECK_EQ(two[0], 1);
    CHECK_EQ(td_chan_detach(&c, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_deinit(&c), 3);                                /* the rest, counted */
    CHECK_EQ(td_chan_attach(&c, TD_CHAN_READ), TD_ERR_UNINIT);
    CHECK_EQ(td_chan_deinit(&c), TD_ERR_UNINIT);
    REQUIRE_EQ(td_chan_init(&c, 6, cm, sizeof cm), TD_OK);          /* and again */
    CHECK_EQ(td_chan_level(&c), 0);
    CHECK_EQ(td_chan_attach(&c, TD_CHAN_READ), TD_OK);              /* its number free */
    CHECK_EQ(td_chan_detach(&c, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_init(&c, 6, cm, sizeof cm), TD_OK);            /* empty: init again */
    CHECK_EQ(td_chan_deinit(&c), 0);
}

/* Once both sides of a channel are detached the kernel never looks at the
 * object again: its memory may serve something else. Here it is made to
 * look like a channel with a waiting reader (a dormant decoy thread), and
 * a doorbell of another channel follows: a kernel that still knew the old
 * object would wake the decoy. */
static union {
    td_chan_t ch;
    uint8_t bytes[sizeof(td_chan_t)];
} reused;
static uint32_t reused_ring[16], y_ring[16];
static td_chan_t chan_y;
static int decoy_ran, yw_r[3];
TD_THREAD_DEFINE(decoy, 1024);

static void decoy_main(void *arg)
{
    (void)arg;
    ST(decoy_ran, 1);
}

static void core1_y_writer(void *arg)
{
    (void)arg;
    size_t done = 0;
    yw_r[0] = td_chan_attach(&chan_y, TD_CHAN_WRITE);
    /* until the reader waits */
    TH_WAIT_CORE(0, 3000, LD(chan_y.want[TD_CHAN_READ]) != 0);
    yw_r[1] = td_chan_write(&chan_y, "doorbell", 8, &done, TD_SEC(1));
    yw_r[2] = td_chan_detach(&chan_y, TD_CHAN_WRITE);
}

TEST(chan_detached_object_not_read)
{
    ST(decoy_ran, 0);
    REQUIRE_EQ(td_chan_init(&reused.ch, 5, reused_ring, sizeof reused_ring), TD_OK);
    REQUIRE_EQ(td_chan_attach(&reused.ch, TD_CHAN_WRITE), TD_OK);
    REQUIRE_EQ(td_chan_attach(&reused.ch, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_detach(&reused.ch, TD_CHAN_WRITE), TD_OK);
    CHECK_EQ(td_chan_detach(&reused.ch, TD_CHAN_READ), TD_OK);
    /* the memory gets a new life */
    REQUIRE_EQ(td_thread_init(&decoy, decoy_stack, sizeof decoy_stack, "decoy", 1, decoy_main,
                              NULL), TD_OK);
    memset(reused.bytes, 0, sizeof reused.bytes);
    reused.ch.buf = (uint8_t *)reused_ring;
    reused.ch.size = sizeof reused_ring;
    reused.ch.core[TD_CHAN_WRITE] = (uint8_t)port_core_id();
    reused.ch.core[TD_CHAN_READ] = TD_CORE_ANY;
    reused.ch.waiters[TD_CHAN_WRITE] = &decoy;
    /* ordinary traffic on another channel, with a doorbell to this core */
    yw_r[0] = yw_r[1] = yw_r[2] = 99;
    REQUIRE_EQ(td_chan_init(&chan_y, 4, y_ring, sizeof y_ring), TD_OK);
    REQUIRE_EQ(td_chan_attach(&chan_y, TD_CHAN_READ), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_y_writer, NULL), TD_OK);
    char b[8];
    size_t done = 0;
    CHECK_EQ(td_chan_read(&chan_y, b, sizeof b, &done, TD_SEC(2)), TD_OK);
    CHECK(done == 8 && memcmp(b, "doorbell", 8) == 0);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(yw_r[0], TD_OK);
    CHECK_EQ(yw_r[1], TD_OK);
    CHECK_EQ(yw_r[2], TD_OK);
    CHECK_EQ(td_chan_detach(&chan_y, TD_CHAN_READ), TD_OK);
    td_sleep(2);                                  /* a woken decoy would run now */
    CHECK_EQ(LD(decoy_ran), 0);
    CHECK_EQ(td_thread_state(&decoy), TD_THREAD_DORMANT);
    memset(reused.bytes, 0, sizeof reused.bytes);
}

/* The same with the object's memory made unreadable once the channel is
 * gone: under AddressSanitizer the region is poisoned, so any later read
 * of it by the kernel is reported (as a channel on a returned function's
 * stack would be); elsewhere it is filled with junk. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TH_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TH_ASAN 1
#endif
#ifdef TH_ASAN
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define GONE(p, n)    __asan_poison_memory_region((p), (n))
#define BACK(p, n)    __asan_unpoison_memory_region((p), (n))
#else
#define GONE(p, n)    memset((void *)(p), 0xa5, (n))
#define BACK(p, n)    memset((void *)(p), 0, (n))
#endif

static union {
    td_chan_t ch;
    uint64_t align[(sizeof(td_chan_t) + 7u) / 8u];
} dead;
static uint32_t dead_ring[4];

TEST(chan_dead_object_not_read)
{
    REQUIRE_EQ(td_chan_init(&dead.ch, 5, dead_ring, sizeof dead_ring), TD_OK);
    REQUIRE_EQ(td_chan_attach(&dead.ch, TD_CHAN_WRITE), TD_OK);
    REQUIRE_EQ(td_chan_attach(&dead.ch, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_write(&dead.ch, "ab", 2, NULL, TD_NO_WAIT), TD_OK);
    CHECK_EQ(td_chan_detach(&dead.ch, TD_CHAN_WRITE), TD_OK);
    CHECK_EQ(td_chan_detach(&dead.ch, TD_CHAN_READ), TD_OK);
    GONE(&dead, sizeof dead);
    yw_r[0] = yw_r[1] = yw_r[2] = 99;
    REQUIRE_EQ(td_chan_init(&chan_y, 4, y_ring, sizeof y_ring), TD_OK);
    REQUIRE_EQ(td_chan_attach(&chan_y, TD_CHAN_READ), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_y_writer, NULL), TD_OK);
    char b[8];
    size_t done = 0;
    CHECK_EQ(td_chan_read(&chan_y, b, sizeof b, &done, TD_SEC(2)), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(yw_r[1], TD_OK);
    CHECK_EQ(td_chan_detach(&chan_y, TD_CHAN_READ), TD_OK);
    BACK(&dead, sizeof dead);
    static td_chan_t again;                          /* number 5 is free */
    static uint32_t again_ring[4];
    REQUIRE_EQ(td_chan_init(&again, 5, again_ring, sizeof again_ring), TD_OK);
    CHECK_EQ(td_chan_attach(&again, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_detach(&again, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_deinit(&again), 0);
}

/* ---- a thread that ends gives back what it owned -------------------------------- */

TD_THREAD_DEFINE(owner_t, 1024);
TD_THREAD_DEFINE(waiter_t, 1024);
static td_chan_t ch_side;
static uint32_t side_ring[4];
static td_msg_ep_t ep_own;
static uint32_t own_in[2], own_out[2];
static td_mutex_t mx;
static td_lock_t lk;
static int own_r[6], wait_r;

static void own_and_end(void *arg)
{
    (void)arg;
    own_r[0] = td_chan_attach(&ch_side, TD_CHAN_WRITE);
    own_r[1] = td_chan_write(&ch_side, "xyz", 3, NULL, TD_NO_WAIT);
    own_r[2] = td_msg_subscribe(&ep_own);
    own_r[3] = td_mutex_lock(&mx, TD_NO_WAIT);
    own_r[4] = td_mutex_lock(&mx, TD_NO_WAIT);      /* twice deep */
    own_r[5] = td_lock_take(&lk);
    /* returns with all of it */
}

/* Lock mx, sleep while a less urgent thread comes to wait for it, end. */
static void hold_mx_and_end(void *arg)
{
    (void)arg;
    own_r[0] = td_mutex_lock(&mx, TD_NO_WAIT);
    td_sleep(3);
}

static void wait_mx(void *arg)
{
    (void)arg;
    wait_r = td_mutex_lock(&mx, TD_SEC(2));
    if (wait_r == TD_OK)
        td_mutex_unlock(&mx);
}

TEST(life_thread_end_gives_back)
{
    REQUIRE_EQ(td_chan_init(&ch_side, 3, side_ring, sizeof side_ring), TD_OK);
    REQUIRE_EQ(td_msg_init(&ep_own, 9, own_in, 2, own_out, 2, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_mutex_init(&mx), TD_OK);
    REQUIRE_EQ(td_lock_init(&lk, TD_SPIN_USER_FIRST + 3), TD_OK);
    CHECK_EQ(td_chan_attach(&ch_side, TD_CHAN_READ), TD_OK);
    unsigned me = (unsigned)td_thread_priority(td_thread_self());
    wait_r = 99;
    /* the waiter (less urgent) blocks on the mutex once the owner has it */
    REQUIRE_EQ(td_thread_create(&owner_t, owner_t_stack, sizeof owner_t_stack, "owner", me + 1,
                                own_and_end, NULL), TD_OK);
    /* the owner ran to its end already (more urgent than us): a waiter now */
    CHECK_EQ(td_thread_state(&owner_t), TD_THREAD_EXITED);
    for (int i = 0; i < 6; i++)
        CHECK_EQ(own_r[i], TD_OK);
    CHECK(td_mutex_owner(&mx) == NULL);                 /* unlocked, all depth */
    CHECK_EQ(td_lock_holder(&lk), TD_CORE_ANY);          /* released */
    CHECK_EQ(td_msg_subscribe(&ep_own), TD_OK);          /* no owner left: ours now */
    CHECK_EQ(td_msg_unsubscribe(&ep_own), TD_OK);
    CHECK_EQ(td_chan_level(&ch_side), 3);                /* the bytes stay */
    char b[3];
    size_t done = 0;
    CHECK_EQ(td_chan_read(&ch_side, b, 3, &done, TD_NO_WAIT), TD_OK);
    CHECK(done == 3 && memcmp(b, "xyz", 3) == 0);
    CHECK_EQ(td_chan_attach(&ch_side, TD_CHAN_WRITE), TD_OK);   /* the side is free */
    CHECK_EQ(td_chan_detach(&ch_side, TD_CHAN_WRITE), TD_OK);
    CHECK_EQ(td_chan_detach(&ch_side, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_deinit(&ch_side), 0);
    /* the owner ends while a thread waits for its mutex: the waiter gets it */
    REQUIRE_EQ(td_thread_create(&owner_t, owner_t_stack, sizeof owner_t_stack, "owner", me - 1,
                                hold_mx_and_end, NULL), TD_OK);
    REQUIRE_EQ(td_thread_create(&waiter_t, waiter_t_stack, sizeof waiter_t_stack, "wait",
                                me - 2, wait_mx, NULL), TD_OK);
    CHECK_EQ(td_thread_join(&owner_t, TD_SEC(1)), TD_OK);
    CHECK_EQ(td_thread_join(&waiter_t, TD_SEC(2)), TD_OK);
    CHECK_EQ(wait_r, TD_OK);
    CHECK_EQ(own_r[0], TD_OK);
    CHECK(td_mutex_owner(&mx) == NULL);
    CHECK_EQ(td_mutex_deinit(&mx), TD_OK);
    CHECK_EQ(td_lock_deinit(&lk), TD_OK);
}

/* ---- objects of one core: refused while in use, counted when given up ---------- */

static td_sem_t sm;
static td_event_t ev;
static td_queue_t qq;
static uint32_t qq_buf[4];
static td_pool_t pl;
static TD_POOL_STORAGE(pl_store, 8, 2);
static int blk_r;

static void wait_sem(void *arg)
{
    (void)arg;
    blk_r = td_sem_take(&sm, TD_SEC(2));
}

static void wait_event(void *arg)
{
    (void)arg;
    blk_r = td_event_wait(&ev, 1u, TD_EVENT_ANY, TD_SEC(2), NULL);
}

static void wait_queue(void *arg)
{
    (void)arg;
    uint32_t v;
    blk_r = td_queue_recv(&qq, &v, TD_SEC(2));
}

static void wait_pool(void *arg)
{
    (void)arg;
    void *b;
    blk_r = td_pool_alloc(&pl, &b, TD_SEC(2));
    if (blk_r == TD_OK)
        blk_r = td_pool_free_isr(&pl, b);
}

/* Start fn in waiter_t, more urgent than the caller: it runs at once, until
 * it waits. */
static bool start_waiter(td_entry_t fn)
{
    blk_r = 99;
    unsigned me = (unsigned)td_thread_priority(td_thread_self());
    return td_thread_create(&waiter_t, waiter_t_stack, sizeof waiter_t_stack, "wait", me + 1,
                            fn, NULL) == TD_OK &&
           td_thread_state(&waiter_t) == TD_THREAD_BLOCKED;
}

TEST(life_local_objects_refused_while_in_use)
{
    /* semaphore: waited on */
    REQUIRE_EQ(td_sem_init(&sm, 0, 1), TD_OK);
    REQUIRE(start_waiter(wait_sem));
    CHECK_EQ(td_sem_init(&sm, 1, 1), TD_ERR_BUSY);
    CHECK_EQ(td_sem_deinit(&sm), TD_ERR_BUSY);
    CHECK_EQ(td_sem_give_isr(&sm), TD_OK);              /* the waiter still gets it */
    CHECK_EQ(td_thread_join(&waiter_t, TD_SEC(1)), TD_OK);
    CHECK_EQ(blk_r, TD_OK);
    CHECK_EQ(td_sem_deinit(&sm), TD_OK);
    CHECK_EQ(td_sem_give_isr(&sm), TD_ERR_UNINIT);
    CHECK_EQ(td_sem_init(&sm, 0, 1), TD_OK);            /* and again */
    CHECK_EQ(td_sem_deinit(&sm), TD_OK);
    /* event flags: waited on */
    REQUIRE_EQ(td_event_init(&ev), TD_OK);
    REQUIRE(start_waiter(wait_event));
    CHECK_EQ(td_event_init(&ev), TD_ERR_BUSY);
    CHECK_EQ(td_event_deinit(&ev), TD_ERR_BUSY);
    CHECK_EQ(td_event_set_isr(&ev, 1u), TD_OK);
    CHECK_EQ(td_thread_join(&waiter_t, TD_SEC(1)), TD_OK);
    CHECK_EQ(blk_r, TD_OK);
    CHECK_EQ(td_event_deinit(&ev), 1);                  /* seen, not taken off: counted */
    CHECK_EQ(td_event_set_isr(&ev, 1u), TD_ERR_UNINIT);
    /* queue: waited on, then holding items */
    REQUIRE_EQ(td_queue_init(&qq, qq_buf, sizeof qq_buf[0], 4), TD_OK);
    REQUIRE(start_waiter(wait_queue));
    CHECK_EQ(td_queue_init(&qq, qq_buf, sizeof qq_buf[0], 4), TD_ERR_BUSY);
    CHECK_EQ(td_queue_deinit(&qq), TD_ERR_BUSY);
    uint32_t v = 7;
    CHECK_EQ(td_queue_send_isr(&qq, &v), TD_OK);
    CHECK_EQ(td_thread_join(&waiter_t, TD_SEC(1)), TD_OK);
    CHECK_EQ(blk_r, TD_OK);
    CHECK_EQ(td_queue_send_isr(&qq, &v), TD_OK);
    CHECK_EQ(td_queue_send_isr(&qq, &v), TD_OK);
    CHECK_EQ(td_queue_init(&qq, qq_buf, sizeof qq_buf[0], 4), TD_ERR_BUSY);  /* items */
    CHECK_EQ(td_queue_count(&qq), 2);                   /* nothing changed */
    CHECK_EQ(td_queue_deinit(&qq), 2);                  /* discarded, counted */
    CHECK_EQ(td_queue_send_isr(&qq, &v), TD_ERR_UNINIT);
    CHECK_EQ(td_queue_init(&qq, qq_buf, sizeof qq_buf[0], 4), TD_OK);
    CHECK_EQ(td_queue_deinit(&qq), 0);
    /* pool: blocks in use, then waited on */
    REQUIRE_EQ(td_pool_init(&pl, pl_store, 8, 2), TD_OK);
    void *b0, *b1;
    CHECK_EQ(td_pool_alloc_isr(&pl, &b0), TD_OK);
    CHECK_EQ(td_pool_init(&pl, pl_store, 8, 2), TD_ERR_BUSY);   /* a block is out */
    CHECK_EQ(td_pool_alloc_isr(&pl, &b1), TD_OK);
    REQUIRE(start_waiter(wait_pool));
    CHECK_EQ(td_pool_deinit(&pl), TD_ERR_BUSY);
    CHECK_EQ(td_pool_free_isr(&pl, b0), TD_OK);         /* to the waiter, who frees it */
    CHECK_EQ(td_thread_join(&waiter_t, TD_SEC(1)), TD_OK);
    CHECK_EQ(blk_r, TD_OK);
    CHECK_EQ(td_pool_deinit(&pl), TD_ERR_BUSY);         /* b1 still out */
    CHECK_EQ(td_pool_free_isr(&pl, b1), TD_OK);
    CHECK_EQ(td_pool_deinit(&pl), TD_OK);
    CHECK_EQ(td_pool_init(&pl, pl_store, 8, 2), TD_OK);
    CHECK_EQ(td_pool_deinit(&pl), TD_OK);
    /* mutex: locked */
    REQUIRE_EQ(td_mutex_init(&mx), TD_OK);
    CHECK_EQ(td_mutex_lock(&mx, TD_NO_WAIT), TD_OK);
    CHECK_EQ(td_mutex_init(&mx), TD_ERR_BUSY);
    CHECK_EQ(td_mutex_deinit(&mx), TD_ERR_BUSY);
    CHECK_EQ(td_mutex_unlock(&mx), TD_OK);
    CHECK_EQ(td_mutex_deinit(&mx), TD_OK);
    CHECK_EQ(td_mutex_lock(&mx, TD_NO_WAIT), TD_ERR_UNINIT);
    /* td_lock: held */
    REQUIRE_EQ(td_lock_init(&lk, TD_SPIN_USER_FIRST + 3), TD_OK);
    CHECK_EQ(td_lock_take(&lk), TD_OK);
    int ri = td_lock_init(&lk, TD_SPIN_USER_FIRST + 4), rd = td_lock_deinit(&lk);
    CHECK_EQ(td_lock_give(&lk), TD_OK);                 /* still finds its spinlock */
    CHECK_EQ(ri, TD_ERR_BUSY);
    CHECK_EQ(rd, TD_ERR_BUSY);
    CHECK_EQ(td_lock_deinit(&lk), TD_OK);
    CHECK_EQ(td_lock_take(&lk), TD_ERR_UNINIT);
    /* thread: not initialised again before it has ended */
    REQUIRE_EQ(td_sem_init(&sm, 0, 1), TD_OK);
    REQUIRE(start_waiter(wait_sem));
    CHECK_EQ(td_thread_init(&waiter_t, waiter_t_stack, sizeof waiter_t_stack, "again", 1,
                            wait_sem, NULL), TD_ERR_BUSY);
    CHECK_EQ(td_thread_state(&waiter_t), TD_THREAD_BLOCKED);   /* nothing changed */
    CHECK_EQ(td_sem_give_isr(&sm), TD_OK);
    CHECK_EQ(td_thread_join(&waiter_t, TD_SEC(1)), TD_OK);
    CHECK_EQ(td_sem_deinit(&sm), TD_OK);
}

/* ---- timers and periods ----------------------------------------------------------- */

static int fired;

static void count_fire(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    fired++;
}

static td_period_t per;
static int per_r;
static td_tick_t per_woke, per_next;

static void period_waiter(void *arg)
{
    (void)arg;
    per_r = td_period_wait(&per);
    per_woke = td_time_ticks();
    per_next = td_period_next(&per);
}

static __attribute__((noinline)) int timer_on_stack(void)
{
    td_timer_t t;
    t.magic = 0;
    int r = td_timer_init(&t, count_fire, NULL);
    if (r == TD_OK)
        r = td_timer_start(&t, 1, 1);
    if (r == TD_OK)
        r = td_sleep(3);
    int busy = td_timer_init(&t, count_fire, NULL);     /* running: refused */
    int d = td_timer_deinit(&t);
    return r != TD_OK ? r : busy != TD_ERR_BUSY ? 100 : d;
}

TEST(life_timer_and_period)
{
    fired = 0;
    REQUIRE_EQ(timer_on_stack(), TD_OK);
    int seen = fired;
    CHECK(seen >= 1);
    volatile uint8_t scribble[128];                      /* the old frame, reused */
    for (unsigned i = 0; i < sizeof scribble; i++)
        scribble[i] = 0x5a;
    td_sleep(4);                                         /* a deinit timer fires no more */
    CHECK_EQ(fired, seen);
    static td_timer_t t2;
    REQUIRE_EQ(td_timer_init(&t2, count_fire, NULL), TD_OK);
    CHECK_EQ(td_timer_deinit(&t2), TD_OK);               /* stopped: just forgotten */
    CHECK_EQ(td_timer_start(&t2, 1, 0), TD_ERR_UNINIT);
    CHECK_EQ(td_timer_deinit(&t2), TD_ERR_UNINIT);
    /* a period set up again while its thread sleeps: the new grid from then */
    REQUIRE_EQ(td_period_init(&per, 10, 0), TD_OK);
    unsigned me = (unsigned)td_thread_priority(td_thread_self());
    REQUIRE_EQ(td_thread_create(&waiter_t, waiter_t_stack, sizeof waiter_t_stack, "period",
                                me + 1, period_waiter, NULL), TD_OK);
    CHECK_EQ(td_thread_state(&waiter_t), TD_THREAD_SLEEPING);
    REQUIRE_EQ(td_period_init(&per, 10, 5), TD_OK);
    CHECK_EQ(td_thread_join(&waiter_t, TD_SEC(1)), TD_OK);
    CHECK_EQ(per_r, TD_OK);
    CHECK_EQ(per_next % 10u, 5u);                        /* the new grid's */
    CHECK(per_next - per_woke >= 1 && per_next - per_woke <= 10);
    CHECK_EQ(per.overruns, 0);
}

/* ---- across cores ----------------------------------------------------------------- */

static td_xmutex_t xm;
static td_xsem_t xs;
static int x1_r[4];
static volatile int x1_stage;
TD_THREAD_DEFINE(x1_owner, 1024);

static void x1_lock_and_end(void *arg)
{
    (void)arg;
    x1_r[0] = td_xmutex_lock(&xm, TD_NO_WAIT);
    ST(x1_stage, 1);
    /* until core 0 waits */
    TH_WAIT_CORE(0, 2000, LD(x1_stage) == 2);
    td_sleep(2);
}

/* Core 1: a thread that locks xm and ends holding it. */
static void core1_xm_owner(void *arg)
{
    (void)arg;
    x1_r[1] = td_thread_create(&x1_owner, x1_owner_stack, sizeof x1_owner_stack, "xowner",
                               TD_PRIO_MAIN + 1, x1_lock_and_end, NULL);
    x1_r[2] = td_thread_join(&x1_owner, TD_SEC(3));
}

static void core1_xsem_waiter(void *arg)
{
    (void)arg;
    x1_r[3] = td_xsem_take(&xs, TD_SEC(3));
}

TEST(life_cross_core_objects)
{
    /* a cross-core mutex whose owner on core 1 ends: core 0's waiter gets it */
    REQUIRE_EQ(td_xmutex_init(&xm), TD_OK);
    ST(x1_stage, 0);
    x1_r[0] = x1_r[1] = x1_r[2] = x1_r[3] = 99;
    REQUIRE_EQ(th_core1_run(core1_xm_owner, NULL), TD_OK);
    TH_WAIT_CORE(1, 2000, LD(x1_stage) == 1);
    CHECK_EQ(td_xmutex_init(&xm), TD_ERR_BUSY);           /* locked on core 1 */
    CHECK_EQ(td_xmutex_deinit(&xm), TD_ERR_BUSY);
    ST(x1_stage, 2);
    CHECK_EQ(td_xmutex_lock(&xm, TD_SEC(3)), TD_OK);       /* handed over at its end */
    CHECK_EQ(th_core1_wait(TD_SEC(3)), TD_OK);
    CHECK_EQ(x1_r[0], TD_OK);
    CHECK_EQ(x1_r[1], TD_OK);
    CHECK_EQ(x1_r[2], TD_OK);
    CHECK_EQ(td_xmutex_deinit(&xm), TD_ERR_BUSY);         /* ours now */
    CHECK_EQ(td_xmutex_unlock(&xm), TD_OK);
    CHECK_EQ(td_xmutex_deinit(&xm), TD_OK);
    CHECK_EQ(td_xmutex_lock(&xm, TD_NO_WAIT), TD_ERR_UNINIT);
    CHECK_EQ(td_xmutex_init(&xm), TD_OK);
    CHECK_EQ(td_xmutex_deinit(&xm), TD_OK);
    /* a cross-core semaphore waited for on core 1 */
    REQUIRE_EQ(td_xsem_init(&xs, 0, 1), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_xsem_waiter, NULL), TD_OK);
    TH_WAIT_CORE(1, 2000, td_xsem_waiting(&xs, 1) == 1);   /* it waits now */
    CHECK_EQ(td_xsem_waiting(&xs, 1), 1);
    CHECK_EQ(td_xsem_init(&xs, 0, 1), TD_ERR_BUSY);
    CHECK_EQ(td_xsem_deinit(&xs), TD_ERR_BUSY);
    CHECK_EQ(td_xsem_give_isr(&xs), TD_OK);                 /* the waiter still gets it */
    CHECK_EQ(th_core1_wait(TD_SEC(3)), TD_OK);
    CHECK_EQ(x1_r[3], TD_OK);
    CHECK_EQ(td_xsem_deinit(&xs), TD_OK);
    CHECK_EQ(td_xsem_give_isr(&xs), TD_ERR_UNINIT);
}

/* Words in an endpoint's in-buffer when it is given up are counted; a
 * thread that ends with its endpoint subscribed withdraws its number. */
static td_msg_ep_t c1_ep;
static uint32_t c1_in[2], c1_out[4];
static int c1_r[8];

static void c1_send_two(void *arg)
{
    (void)arg;
    c1_r[0] = td_msg_init(&c1_ep, 12, c1_in, 2, c1_out, 4, TD_MSG_BLOCK);
    c1_r[1] = td_msg_subscribe(&c1_ep);
    c1_r[2] = td_msg_send(&c1_ep, TD_MSG(13, 1), TD_SEC(1));
    c1_r[3] = td_msg_send(&c1_ep, TD_MSG(13, 2), TD_SEC(1));
    c1_r[4] = td_msg_flush(&c1_ep, TD_SEC(1));
    /* returns subscribed: its end gives the endpoint up */
}

/* Core 1: a thread subscribes endpoint 12, sends two words and ends; then
 * this (another) thread may subscribe the endpoint. */
static void core1_owner_ends(void *arg)
{
    (void)arg;
    c1_r[5] = td_thread_create(&x1_owner, x1_owner_stack, sizeof x1_owner_stack, "epowner",
                               TD_PRIO_MAIN + 1, c1_send_two, NULL);
    c1_r[6] = td_thread_join(&x1_owner, TD_SEC(3));
    c1_r[7] = td_msg_subscribe(&c1_ep);
    if (c1_r[7] == TD_OK)
        c1_r[7] = td_msg_unsubscribe(&c1_ep);
}

TEST(life_msg_given_up_with_words)
{
    for (int i = 0; i < 8; i++)
        c1_r[i] = 99;
    REQUIRE_EQ(td_msg_init(&ep_a, 13, a_in, 2, a_out, 4, TD_MSG_BLOCK), TD_OK);
    REQUIRE_EQ(td_msg_subscribe(&ep_a), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_owner_ends, NULL), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(3)), TD_OK);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(c1_r[i], TD_OK);
    CHECK_EQ(td_msg_await_remote(12, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);   /* withdrawn */
    for (int i = 0; i < 200 && td_msg_pending(&ep_a) < 2; i++)
        td_sleep(1);
    CHECK_EQ(td_msg_pending(&ep_a), 2);
    CHECK_EQ(td_msg_overrun(&ep_a, true), 0);
    CHECK_EQ(td_msg_unsubscribe(&ep_a), TD_OK);             /* with two words unread */
    td_msg_stats_t st;
    CHECK_EQ(td_msg_stats(&ep_a, &st), TD_OK);
    CHECK_EQ(st.received, 2);
    CHECK_EQ(st.dropped, 2);                                /* counted */
    CHECK_EQ(td_msg_overrun(&ep_a, true), (int)TD_MSG_OVR_DISCARDED);
    CHECK_EQ(td_msg_pending(&ep_a), 0);
}
