/*
 * tests/test_heap.c: the per-core heaps (tandem/heap.h). Each test puts its
 * heap back where it found it (kernel/heap_sys.h's test hooks), so the
 * tests leave no trace for the others.
 */
#include "harness.h"

#include "../kernel/heap_sys.h"
#include "port.h"
#include "tandem/heap.h"

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return false;
    return true;
}

TEST(heap_alloc_basics)
{
    unsigned me = port_core_id();
    uintptr_t top = td__heap_top(me);
    td_heap_stats_t a, b;
    REQUIRE_EQ(td_heap_stats(me, &a), TD_OK);
    CHECK(a.size > 0);
    CHECK_EQ(a.used + a.free, a.size);
    void *p = NULL, *q = NULL;
    REQUIRE_EQ(td_heap_alloc(100, 0, &p), TD_OK);
    REQUIRE_EQ(td_heap_alloc(100, 0, &q), TD_OK);
    CHECK(((uintptr_t)p & (TD_HEAP_ALIGN_DEFAULT - 1u)) == 0);
    CHECK((uintptr_t)p >= a.start && (uintptr_t)p + 100 <= a.start + a.size);
    CHECK((uintptr_t)q >= (uintptr_t)p + 100);            /* no overlap */
    CHECK(all_zero(p, 100) && all_zero(q, 100));
    REQUIRE_EQ(td_heap_stats(me, &b), TD_OK);
    CHECK(b.used >= a.used + 200);
    CHECK_EQ(b.allocs, a.allocs + 2);
    CHECK_EQ(b.start, a.start);
    CHECK(!b.locked);
    td__heap_set(me, top, false);
    th_info("heap_free_bytes", (long long)b.free);
}

static volatile int heap_ran;
static void heap_thread(void *arg)
{
    (void)arg;
    heap_ran = 1;
}

TEST(heap_alignment)
{
    unsigned me = port_core_id();
    uintptr_t top = td__heap_top(me);
    static const size_t aligns[] = { 4, 8, 16, TD_STACK_ALIGN, 256, 4096 };
    for (unsigned i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
        void *p = NULL;
        REQUIRE_EQ(td_heap_alloc(1, aligns[i], &p), TD_OK);
        CHECK(((uintptr_t)p & (aligns[i] - 1u)) == 0);
    }
    void *p = (void *)1;
    CHECK_EQ(td_heap_alloc(16, 3, &p), TD_ERR_PARAM);
    CHECK_EQ(td_heap_alloc(16, 12, &p), TD_ERR_PARAM);
    CHECK_EQ(td_heap_alloc(16, 8192, &p), TD_ERR_PARAM);
    CHECK_EQ(td_heap_alloc(0, 8, &p), TD_ERR_PARAM);
    CHECK_EQ(td_heap_alloc(16, 8, NULL), TD_ERR_PARAM);
    CHECK(p == (void *)1);                                 /* untouched on error */
    CHECK_EQ(td_heap_alloc_on(PORT_NUM_CORES, 16, 8, &p), TD_ERR_PARAM);
    CHECK_EQ(td_heap_stats(PORT_NUM_CORES, NULL), TD_ERR_PARAM);
    /* a thread on a stack and a control block from the heap */
    void *stack = NULL, *tcb = NULL;
    size_t size = TD_STACK_WORDS(512) * 8u;
    REQUIRE_EQ(td_heap_alloc(size, TD_STACK_ALIGN, &stack), TD_OK);
    REQUIRE_EQ(td_heap_alloc(sizeof(td_thread_t), 0, &tcb), TD_OK);
    heap_ran = 0;
    REQUIRE_EQ(td_thread_create(tcb, stack, size, "heap-stack", 20, heap_thread, NULL), TD_OK);
    CHECK_EQ(td_thread_join(tcb, TD_MS(100)), TD_OK);
    CHECK_EQ(heap_ran, 1);
    td__heap_set(me, top, false);
}

TEST(heap_exhaustion)
{
    unsigned me = port_core_id();
    uintptr_t top = td__heap_top(me);
    td_heap_stats_t a, b;
    REQUIRE_EQ(td_heap_stats(me, &a), TD_OK);
    void *p = NULL;
    /* align the rest to 4 first so the remaining room is exact */
    REQUIRE_EQ(td_heap_alloc(4, 4, &p), TD_OK);
    REQUIRE_EQ(td_heap_stats(me, &a), TD_OK);
    CHECK_EQ(td_heap_alloc(a.free + 4, 4, &p), TD_ERR_NO_MEMORY);
    REQUIRE_EQ(td_heap_stats(me, &b), TD_OK);
    CHECK_EQ(b.used, a.used);                               /* nothing taken */
    CHECK_EQ(b.failed, a.failed + 1);
    REQUIRE_EQ(td_heap_alloc(a.free, 4, &p), TD_OK);        /* exactly the rest */
    REQUIRE_EQ(td_heap_stats(me, &b), TD_OK);
    CHECK_EQ(b.free, 0);
    CHECK_EQ(td_heap_alloc(4, 4, &p), TD_ERR_NO_MEMORY);
    CHECK_EQ(td_heap_alloc((size_t)-1, 4, &p), TD_ERR_NO_MEMORY);
    td__heap_set(me, top, false);
}

TEST(heap_lock)
{
    unsigned me = port_core_id();
    uintptr_t top = td__heap_top(me);
    void *p = NULL;
    CHECK(!td_heap_locked(me));
    REQUIRE_EQ(td_heap_lock(), TD_OK);
    CHECK(td_heap_locked(me));
    CHECK(!td_heap_locked(me ^ 1u));                        /* only this core's */
    CHECK_EQ(td_heap_alloc(16, 8, &p), TD_ERR_LOCKED);
    CHECK(p == NULL);
    td_heap_stats_t st;
    REQUIRE_EQ(td_heap_stats(me, &st), TD_OK);
    CHECK(st.locked);
    CHECK(!td_heap_locked(PORT_NUM_CORES));
    td__heap_set(me, top, false);
    CHECK_EQ(td_heap_alloc(16, 8, &p), TD_OK);
    td__heap_set(me, top, false);
}

static int c1_r[4];
static uintptr_t c1_p;
static void core1_heap(void *arg)
{
    (void)arg;
    uintptr_t top = td__heap_top(1);
    void *p = NULL;
    c1_r[0] = td_heap_alloc(64, 8, &p);                    /* its own heap */
    c1_p = (uintptr_t)p;
    c1_r[1] = td_heap_alloc_on(0, 64, 8, &p);              /* core 0's: core 0 runs */
    c1_r[2] = td_heap_lock();
    c1_r[3] = td_heap_alloc(8, 8, &p);
    td__heap_set(1, top, false);
}

TEST(heap_wrong_core)
{
    void *p = NULL;
    td_heap_stats_t s1;
    REQUIRE_EQ(td_heap_stats(1, &s1), TD_OK);
    CHECK_EQ(td_heap_alloc_on(1, 64, 8, &p), TD_ERR_WRONG_CORE);   /* core 1 runs */
    REQUIRE_EQ(th_core1_run(core1_heap, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_MS(500)), TD_OK);
    CHECK_EQ(c1_r[0], TD_OK);
    CHECK(c1_p >= s1.start && c1_p < s1.start + s1.size);  /* from core 1's region */
    CHECK_EQ(c1_r[1], TD_ERR_WRONG_CORE);
    CHECK_EQ(c1_r[2], TD_OK);
    CHECK_EQ(c1_r[3], TD_ERR_LOCKED);
    CHECK(!td_heap_locked(0));
    td_heap_stats_t s0;
    REQUIRE_EQ(td_heap_stats(0, &s0), TD_OK);
    CHECK(s0.start + s0.size <= s1.start || s1.start + s1.size <= s0.start);   /* apart */
}

static volatile int isr_r[2];
static void from_isr(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    void *p = NULL;
    isr_r[0] = td_heap_alloc(8, 8, &p);
    isr_r[1] = td_heap_lock();
}

TEST(heap_from_interrupt)
{
    static TD_TIMER_DEFINE(t, from_isr, NULL);
    isr_r[0] = isr_r[1] = 99;
    REQUIRE_EQ(td_timer_start(&t, 1, 0), TD_OK);
    td_sleep(TD_MS(5));
    CHECK_EQ(isr_r[0], TD_ERR_IN_ISR);
    CHECK_EQ(isr_r[1], TD_ERR_IN_ISR);
    CHECK(!td_heap_locked(port_core_id()));
}
