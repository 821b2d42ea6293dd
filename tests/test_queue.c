/*
 * tests/test_queue.c: message queues and memory pools.
 */
#include "harness.h"

TD_THREAD_DEFINE(qa, 1024);
TD_THREAD_DEFINE(qb, 1024);

struct item {
    uint32_t seq;
    uint16_t tag;
};

TEST(queue_fifo_and_wrap)
{
    struct item store[3];
    td_queue_t q;
    q.magic = 0;
    REQUIRE_EQ(td_queue_init(&q, store, sizeof(struct item), 3), TD_OK);
    struct item in, out;
    uint32_t next_out = 0;
    for (uint32_t i = 0; i < 10; i++) {              /* wraps several times */
        in.seq = i;
        in.tag = (uint16_t)(i * 7u);
        CHECK_EQ(td_queue_send(&q, &in, TD_NO_WAIT), TD_OK);
        if (i % 2 == 1) {
            CHECK_EQ(td_queue_recv(&q, &out, TD_NO_WAIT), TD_OK);
            CHECK_EQ(out.seq, next_out);
            CHECK_EQ(out.tag, (uint16_t)(next_out * 7u));
            next_out++;
        }
        if (td_queue_count(&q) == 3) {
            CHECK_EQ(td_queue_send(&q, &in, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
            CHECK_EQ(td_queue_send_isr(&q, &in), TD_ERR_WOULD_BLOCK);
            CHECK_EQ(td_queue_send(&q, &in, 2), TD_ERR_TIMEOUT);
            while (td_queue_recv_isr(&q, &out) == TD_OK) {
                CHECK_EQ(out.seq, next_out);
                next_out++;
            }
        }
    }
    while (td_queue_recv(&q, &out, TD_NO_WAIT) == TD_OK) {
        CHECK_EQ(out.seq, next_out);
        next_out++;
    }
    CHECK_EQ(next_out, 10);
    CHECK_EQ(td_queue_recv(&q, &out, 2), TD_ERR_TIMEOUT);
    CHECK_EQ(td_queue_recv_isr(&q, &out), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_queue_deinit(&q), TD_OK);
}

static TD_QUEUE_DEFINE(pipe_q, uint32_t, 2);
static int prod_r, cons_r;
static uint32_t received[100];

static void producer(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < 100 && prod_r == TD_OK; i++)
        prod_r = td_queue_send(&pipe_q, &i, TD_MS(200));
}

static void consumer(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < 100 && cons_r == TD_OK; i++)
        cons_r = td_queue_recv(&pipe_q, &received[i], TD_MS(200));
}

TEST(queue_blocking_handover)
{
    prod_r = cons_r = TD_OK;
    /* a slow consumer (more urgent: receives straight from waiting senders)
     * and a fast producer that blocks on the full queue */
    REQUIRE_EQ(td_thread_create(&qa, qa_stack, sizeof qa_stack, "prod", 5, producer, NULL), TD_OK);
    REQUIRE_EQ(td_thread_create(&qb, qb_stack, sizeof qb_stack, "cons", 6, consumer, NULL), TD_OK);
    CHECK_EQ(td_thread_join(&qa, TD_SEC(2)), TD_OK);
    CHECK_EQ(td_thread_join(&qb, TD_SEC(2)), TD_OK);
    CHECK_EQ(prod_r, TD_OK);
    CHECK_EQ(cons_r, TD_OK);
    for (uint32_t i = 0; i < 100; i++)
        if (!CHECK_EQ(received[i], i))
            break;
    CHECK_EQ(td_queue_count(&pipe_q), 0);
    /* the other way round: the producer more urgent */
    prod_r = cons_r = TD_OK;
    REQUIRE_EQ(td_thread_create(&qb, qb_stack, sizeof qb_stack, "cons", 5, consumer, NULL), TD_OK);
    REQUIRE_EQ(td_thread_create(&qa, qa_stack, sizeof qa_stack, "prod", 6, producer, NULL), TD_OK);
    CHECK_EQ(td_thread_join(&qa, TD_SEC(2)), TD_OK);
    CHECK_EQ(td_thread_join(&qb, TD_SEC(2)), TD_OK);
    for (uint32_t i = 0; i < 100; i++)
        if (!CHECK_EQ(received[i], i))
            break;
}

static td_queue_t *isr_q;
static void send_from_timer(td_timer_t *t, void *arg)
{
    (void)t;
    uint32_t *n = arg;
    (*n)++;
    td_queue_send_isr(isr_q, n);
}

TEST(queue_from_interrupt)
{
    static TD_QUEUE_DEFINE(q, uint32_t, 4);
    static uint32_t n;
    static TD_TIMER_DEFINE(tm, send_from_timer, &n);
    n = 0;
    isr_q = &q;
    REQUIRE_EQ(td_timer_start(&tm, 1, 1), TD_OK);
    uint32_t v = 0;
    for (uint32_t i = 1; i <= 5; i++) {
        CHECK_EQ(td_queue_recv(&q, &v, TD_MS(100)), TD_OK);
        CHECK_EQ(v, i);
    }
    td_timer_stop(&tm);
}

static int qcore1_r;
static void core1_send(void *arg)
{
    uint32_t v = 1;
    qcore1_r = td_queue_send_isr(arg, &v);
}

TEST(queue_errors)
{
    td_queue_t zero = { 0 }, q;
    uint32_t buf[4], v = 0;
    CHECK_EQ(td_queue_init(NULL, buf, 4, 4), TD_ERR_PARAM);
    CHECK_EQ(td_queue_init(&q, NULL, 4, 4), TD_ERR_PARAM);
    CHECK_EQ(td_queue_init(&q, buf, 0, 4), TD_ERR_PARAM);
    CHECK_EQ(td_queue_init(&q, buf, 4, 0), TD_ERR_PARAM);
    CHECK_EQ(td_queue_init(&q, buf, 0x10000, 1), TD_ERR_PARAM);
    CHECK_EQ(td_queue_send(&zero, &v, 1), TD_ERR_UNINIT);
    CHECK_EQ(td_queue_recv(&zero, &v, 1), TD_ERR_UNINIT);
    CHECK_EQ(td_queue_count(&zero), TD_ERR_UNINIT);
    CHECK_EQ(td_queue_count(NULL), TD_ERR_PARAM);
    CHECK_EQ(td_queue_deinit(NULL), TD_ERR_PARAM);
    REQUIRE_EQ(td_queue_init(&q, buf, 4, 4), TD_OK);
    CHECK_EQ(td_queue_send(&q, NULL, 1), TD_ERR_PARAM);
    CHECK_EQ(td_queue_recv(&q, NULL, 1), TD_ERR_PARAM);
    /* the non-blocking pair checks as the blocking one, nothing moved */
    CHECK_EQ(td_queue_send_isr(NULL, &v), TD_ERR_PARAM);
    CHECK_EQ(td_queue_send_isr(&q, NULL), TD_ERR_PARAM);
    CHECK_EQ(td_queue_recv_isr(&q, NULL), TD_ERR_PARAM);
    CHECK_EQ(td_queue_send_isr(&zero, &v), TD_ERR_UNINIT);
    CHECK_EQ(td_queue_recv_isr(&zero, &v), TD_ERR_UNINIT);
    CHECK_EQ(td_queue_count(&q), 0);
    /* a receiver waits on pipe_q: its deinit and re-init are refused (at
     * once: the receiver's wait is 200 ms of this core's ticks, and a host
     * that leaves this core's pthread off its CPU delivers the ticks it
     * owes in a burst, which ended the wait while this thread waited for
     * core 1 below) */
    cons_r = TD_OK;
    REQUIRE_EQ(td_thread_create(&qa, qa_stack, sizeof qa_stack, "r", 20, consumer, NULL), TD_OK);
    CHECK_EQ(td_queue_init(&pipe_q, buf, 4, 4), TD_ERR_BUSY);
    CHECK_EQ(td_queue_deinit(&pipe_q), TD_ERR_BUSY);
    qcore1_r = 99;
    REQUIRE_EQ(th_core1_run(core1_send, &q), TD_OK);
    CHECK_EQ(th_core1_wait(TD_MS(500)), TD_OK);
    CHECK_EQ(qcore1_r, TD_ERR_WRONG_CORE);
    for (uint32_t i = 0; i < 100; i++)
        td_queue_send(&pipe_q, &i, TD_MS(100));
    CHECK_EQ(td_thread_join(&qa, TD_MS(500)), TD_OK);
}

/* ---- pools ------------------------------------------------------------------ */

static td_pool_t pool;
static void *got_block;
static int alloc_r;
static void pool_waiter(void *arg)
{
    alloc_r = td_pool_alloc(&pool, &got_block, (td_tick_t)(uintptr_t)arg);
}

TEST(pool_alloc_free)
{
    static TD_POOL_STORAGE(store, 20, 3);
    pool.magic = 0;
    REQUIRE_EQ(td_pool_init(&pool, store, 20, 3), TD_OK);
    CHECK_EQ(td_pool_available(&pool), 3);
    void *b[3], *x;
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(td_pool_alloc(&pool, &b[i], TD_NO_WAIT), TD_OK);
        for (int j = 0; j < i; j++)
            CHECK(b[i] != b[j]);
        CHECK(((uintptr_t)b[i] & (sizeof(void *) - 1u)) == 0);
    }
    CHECK_EQ(td_pool_available(&pool), 0);
    CHECK_EQ(td_pool_alloc(&pool, &x, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_pool_alloc_isr(&pool, &x), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_pool_alloc(&pool, &x, 3), TD_ERR_TIMEOUT);
    CHECK_EQ(td_pool_deinit(&pool), TD_ERR_BUSY);          /* blocks out */
    /* a waiter gets the next freed block directly */
    got_block = NULL;
    REQUIRE_EQ(td_thread_create(&qa, qa_stack, sizeof qa_stack, "w", 20, pool_waiter,
                                (void *)(uintptr_t)TD_MS(200)), TD_OK);
    CHECK_EQ(td_pool_init(&pool, store, 20, 3), TD_ERR_BUSY);
    CHECK_EQ(td_pool_free_isr(&pool, b[1]), TD_OK);
    CHECK_EQ(td_thread_join(&qa, TD_MS(100)), TD_OK);
    CHECK_EQ(alloc_r, TD_OK);
    CHECK(got_block == b[1]);
    CHECK_EQ(td_pool_available(&pool), 0);
    CHECK_EQ(td_pool_free_isr(&pool, (char *)b[0] + 1), TD_ERR_PARAM);  /* not a block */
    CHECK_EQ(td_pool_free_isr(&pool, &x), TD_ERR_PARAM);                /* not in the pool */
    CHECK_EQ(td_pool_free_isr(&pool, b[0]), TD_OK);
    CHECK_EQ(td_pool_free_isr(&pool, b[2]), TD_OK);
    CHECK_EQ(td_pool_free_isr(&pool, got_block), TD_OK);
    CHECK_EQ(td_pool_available(&pool), 3);
    CHECK_EQ(td_pool_free_isr(&pool, b[0]), TD_ERR_PARAM);              /* all free already */
    CHECK_EQ(td_pool_alloc_isr(&pool, &x), TD_OK);
    CHECK_EQ(td_pool_free_isr(&pool, x), TD_OK);
    CHECK_EQ(td_pool_deinit(&pool), TD_OK);
    CHECK_EQ(td_pool_alloc_isr(&pool, &x), TD_ERR_UNINIT);
}

TEST(pool_errors)
{
    static TD_POOL_STORAGE(store, 8, 2);
    td_pool_t zero = { 0 }, p;
    void *x;
    CHECK_EQ(td_pool_init(NULL, store, 8, 2), TD_ERR_PARAM);
    CHECK_EQ(td_pool_init(&p, NULL, 8, 2), TD_ERR_PARAM);
    CHECK_EQ(td_pool_init(&p, (char *)store + 1, 8, 1), TD_ERR_PARAM);  /* misaligned */
    CHECK_EQ(td_pool_init(&p, store, 0, 2), TD_ERR_PARAM);
    CHECK_EQ(td_pool_init(&p, store, 8, 0), TD_ERR_PARAM);
    CHECK_EQ(td_pool_alloc(&zero, &x, 1), TD_ERR_UNINIT);
    CHECK_EQ(td_pool_alloc(NULL, &x, 1), TD_ERR_PARAM);
    CHECK_EQ(td_pool_free_isr(&zero, store), TD_ERR_UNINIT);
    CHECK_EQ(td_pool_available(NULL), TD_ERR_PARAM);
    CHECK_EQ(td_pool_available(&zero), TD_ERR_UNINIT);
    REQUIRE_EQ(td_pool_init(&p, store, 8, 2), TD_OK);
    CHECK_EQ(td_pool_alloc(&p, NULL, 1), TD_ERR_PARAM);
    CHECK_EQ(td_pool_alloc_isr(&p, NULL), TD_ERR_PARAM);
    CHECK_EQ(td_pool_available(&p), 2);                  /* nothing taken */
    CHECK_EQ(td_pool_free_isr(&p, NULL), TD_ERR_PARAM);
}
