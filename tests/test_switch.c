/*
 * tests/test_switch.c: the two ways a core switches threads (port/port.h)
 * resume each other's contexts intact: a thread preempted through a
 * requested switch (PendSV on the chip: an exception frame) resumed by a
 * direct thread-to-thread switch, and a thread that blocked through a
 * direct switch (a call frame) resumed by a requested one; and a thread
 * that a more urgent one it woke preempted (port_switch_preempt: a short
 * frame on ARMv6-M) resumed both ways, and by the fault path when the
 * thread it woke faults at once; on ARMv8-M with an FPU, each thread's
 * floating-point registers kept by both switches.
 */
#include "harness.h"
#include "port.h"
#include "tandem/fault.h"

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
    CHECK_EQ(th_join_turns(&sw_spin, TD_MS(500)), TD_OK);     /* by turns: see th_join_turns */
    CHECK_EQ(th_join_turns(&sw_high, TD_MS(500)), TD_OK);
    th_info("switch_high_runs", sw_high_runs);
    CHECK_EQ(sw_bad, 0);
    CHECK(sw_rounds > 0);
    CHECK(sw_high_runs >= 10);
}

/* ---- a preempted thread, resumed both ways ---- */
TD_THREAD_DEFINE(sw_woken, 1024);
static td_sem_t pre_sem;
static volatile uint32_t pre_bad, pre_lowered, pre_woken_runs;
static volatile int pre_lower;
static unsigned pre_high, pre_low;

/* More urgent than the giver: runs at each give (preempting it), then
 * either blocks again at once (a direct switch resumes the giver) or, with
 * interrupts masked, lowers its own priority below the giver's (the switch
 * is requested and made when the mask is lifted: PendSV on the chip resumes
 * the giver) and waits there until the giver raises it again. */
static void woken(void *arg)
{
    (void)arg;
    while (td_sem_take(&pre_sem, TD_MS(500)) == TD_OK) {
        pre_woken_runs++;
        if (pre_lower) {
            port_irq_state_t s = port_irq_save();
            if (td_thread_set_priority(td_thread_self(), pre_low) != TD_OK)
                pre_bad++;
            port_irq_restore(s);          /* the giver runs here */
        }
    }
}

/* between(arg) with values live across it in the registers a call
 * preserves (r4-r7 through the compiler; r8-r11 named on ARM, which the
 * compiler leaves alone otherwise), compared after: how many differ. */
__attribute__((noinline)) static unsigned held_across(unsigned k, void (*between)(int), int arg)
{
    unsigned bad = 0;
    uint32_t a = churn_k(k), b = churn_k((k + 1u) & 15u), c = churn_k((k + 2u) & 15u),
             d = churn_k((k + 3u) & 15u);
#if defined(__arm__)
    register uint32_t h8 __asm("r8") = a ^ 0x08080808u;
    register uint32_t h9 __asm("r9") = b ^ 0x09090909u;
    register uint32_t h10 __asm("r10") = c ^ 0x10101010u;
    register uint32_t h11 __asm("r11") = d ^ 0x11111111u;
    __asm volatile("" : "+r"(h8), "+r"(h9), "+r"(h10), "+r"(h11));
#endif
    between(arg);
#if defined(__arm__)
    __asm volatile("" : "+r"(h8), "+r"(h9), "+r"(h10), "+r"(h11));
    if (h8 != (a ^ 0x08080808u) || h9 != (b ^ 0x09090909u) || h10 != (c ^ 0x10101010u) ||
        h11 != (d ^ 0x11111111u))
        bad++;
#endif
    if (a != sw_ref[k & 15u] || b != sw_ref[(k + 1u) & 15u] || c != sw_ref[(k + 2u) & 15u] ||
        d != sw_ref[(k + 3u) & 15u])
        bad++;
    return bad;
}

/* One give, the giver resumed after it (held_across compares). */
static void pre_give(int lower)
{
    uint32_t runs = pre_woken_runs;
    pre_lower = lower;
    if (td_sem_give_isr(&pre_sem) != TD_OK || pre_woken_runs != runs + 1u)
        pre_bad++;                        /* the woken thread ran at once */
    if (lower) {
        /* Resumed while the woken thread is ready below: by the requested
         * switch its priority change asked for. */
        if (td_thread_priority(&sw_woken) != (int)pre_low)
            pre_bad++;
        else
            pre_lowered++;
        if (td_thread_set_priority(&sw_woken, pre_high) != TD_OK)  /* preempted again */
            pre_bad++;
    }
}

static void pre_round(unsigned k, int lower)
{
    pre_bad += held_across(k, pre_give, lower);
}

TEST(switch_preempted_thread_resumed_both_ways)
{
    for (unsigned k = 0; k < 16; k++)
        sw_ref[k] = churn_k(k);
    pre_bad = pre_lowered = pre_woken_runs = 0;
    unsigned me = (unsigned)td_thread_priority(td_thread_self());
    pre_high = me + 1u;
    pre_low = me - 1u;
    REQUIRE_EQ(td_sem_init(&pre_sem, 0, 1), TD_OK);
    REQUIRE_EQ(td_thread_create(&sw_woken, sw_woken_stack, sizeof sw_woken_stack, "woken",
                                pre_high, woken, NULL), TD_OK);
    for (unsigned k = 0; k < 40; k++)
        pre_round(k & 15u, (int)(k & 1u));
    td_sleep(TD_MS(600));                 /* the woken thread's wait times out: it ends */
    CHECK_EQ(td_thread_join(&sw_woken, TD_MS(500)), TD_OK);
    CHECK_EQ(pre_bad, 0);
    CHECK_EQ(pre_woken_runs, 40);
    CHECK_EQ(pre_lowered, 20);
}

/* ---- a preempted thread, resumed by the fault path ---- */
TD_THREAD_DEFINE(sw_faulty, 1024);
static volatile uint32_t fp_ran;

/* More urgent than its creator: runs at once (its creator stays ready,
 * preempted: a short frame on ARMv6-M) and faults at once. On the chip a
 * hardware fault, whose path resumes the next thread from a handler
 * (ARMv6-M: armv6m_ctx_resume); on the host a failed assertion, whose
 * thread ends itself. */
static void faulty(void *arg)
{
    (void)arg;
    fp_ran++;
#if defined(__arm__)
    __asm volatile("udf #9");
#else
    TD_ASSERT(fp_ran == 0u);
#endif
    fp_ran += 100u;                       /* not reached */
}

/* The create: the faulting thread runs and is ended inside it. */
static int fp_created;
static void fp_create(int unused)
{
    (void)unused;
    fp_created = td_thread_create(&sw_faulty, sw_faulty_stack, sizeof sw_faulty_stack, "faulty",
                                  (unsigned)td_thread_priority(td_thread_self()) + 1u, faulty,
                                  NULL);
}

/* One create with values live across it (held_across). */
static int fp_round(unsigned k, uint32_t *bad)
{
    *bad += held_across(k, fp_create, 0);
    return fp_created;
}

TEST(switch_preempted_thread_resumed_by_fault_path)
{
    for (unsigned k = 0; k < 16; k++)
        sw_ref[k] = churn_k(k);
    unsigned me = port_core_id();
    int old = td_fault_policy(me);
    REQUIRE_EQ(td_fault_set_policy(me, TD_FAULT_KILL_THREAD), TD_OK);
    uint32_t faults = td_fault_count(me), bad = 0;
    fp_ran = 0;
    for (unsigned k = 0; k < 4; k++) {
        CHECK_EQ(fp_round(k * 5u, &bad), TD_OK);
        CHECK_EQ(td_thread_state(&sw_faulty), TD_THREAD_EXITED);
    }
    td_fault_set_policy(me, (unsigned)old);
    CHECK_EQ(bad, 0);
    CHECK_EQ(fp_ran, 4);                  /* each ran, none went past its fault */
    CHECK_EQ(td_fault_count(me), faults + 4u);
}

/* ---- a thread's floating-point registers, kept by both switches ---- */
#if defined(__ARM_ARCH_8M_MAIN__)
/* ARMv8-M (port/arch/armv8m/switch.S): a thread that has used the FPU
 * (CONTROL.FPCA, and SFPA: Secure FP-active) has s0-s31 and FPSCR of its
 * own. The requested switch (PendSV) saves s16-s31 below the frame whose
 * s0-s15 and FPSCR the hardware only reserved (lazy stacking,
 * FPCCR.LSPEN): PendSV's save completes that reservation before another
 * thread runs. The direct switch saves s16-s31 and FPSCR in its call frame
 * (s0-s15 are the caller's to keep across a call), which either switch
 * resumes; a thread without FP state is resumed with FPCA clear. The
 * kernel is built without floating point, so only these naked helpers
 * touch the FPU: fp_fill sets s0-s31 to seed, seed + K, ... and FPSCR's
 * writable bits from the seed; fp_check counts the registers (and FPSCR)
 * that differ from what fp_fill(seed) set, fp_check_kept those a call
 * keeps.
 *
 * Run on core 1 (QEMU's SSE-200 gives core 0 no FPU by default): a thread
 * that computes with every FP register live while another FP thread runs
 * at each tick (PendSV both ways: all of s0-s31 and FPSCR checked), that
 * thread woken by the tick after it blocked through a direct switch (its
 * call frame resumed by an exception return: before that frame carried
 * SFPA, FPSCR came back as FPDSCR's 0), and direct switches between two FP
 * threads and one without FP state. */
#define FP_SEED_STEP "movw r1, #0x79b9\n\tmovt r1, #0x9e37\n\t"
#define FP_FPSCR_MASK "movw r12, #0x009f\n\tmovt r12, #0xf0c0\n\t"

__attribute__((naked, noinline)) static void fp_fill(uint32_t seed)
{
    (void)seed;
    __asm volatile(
        ".fpu fpv5-sp-d16\n\t"
        FP_SEED_STEP
        ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
        "vmov s\\n, r0\n\t"
        "add r0, r0, r1\n\t"
        ".endr\n\t"
        FP_FPSCR_MASK
        "and r0, r0, r12\n\t"
        "vmsr fpscr, r0\n\t"
        "bx lr\n\t"
        ".fpu softvfp\n\t");
}

/* fp_check's body: r0 = seed, r1 = the step; from register FIRST on (the
 * registers before it skipped). */
#define FP_CHECK_BODY(first, regs)                                              \
        ".fpu fpv5-sp-d16\n\t"                                                \
        FP_SEED_STEP                                                            \
        "movs r2, #0\n\t"                                                     \
        ".rept " #first "\n\t"                                                \
        "add r0, r0, r1\n\t"                                                  \
        ".endr\n\t"                                                           \
        ".irp n," regs "\n\t"                                                 \
        "vmov r3, s\\n\n\t"                                                 \
        "cmp r3, r0\n\t"                                                      \
        "it ne\n\t"                                                           \
        "addne r2, r2, #1\n\t"                                                \
        "add r0, r0, r1\n\t"                                                  \
        ".endr\n\t"                                                           \
        FP_FPSCR_MASK                                                           \
        "and r0, r0, r12\n\t"                                                 \
        "vmrs r3, fpscr\n\t"                                                  \
        "and r3, r3, r12\n\t"                                                 \
        "cmp r3, r0\n\t"                                                      \
        "it ne\n\t"                                                           \
        "addne r2, r2, #1\n\t"                                                \
        "mov r0, r2\n\t"                                                      \
        "bx lr\n\t"                                                           \
        ".fpu softvfp\n\t"

/* All of them: what an interrupted thread must find again. */
__attribute__((naked, noinline)) static uint32_t fp_check(uint32_t seed)
{
    (void)seed;
    __asm volatile(FP_CHECK_BODY(0, "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,"
                                    "16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"));
}

/* s16-s31 and FPSCR: what a call keeps (the procedure call standard: s0-s15
 * are the caller's to save), so what a thread that blocked in a call finds. */
__attribute__((naked, noinline)) static uint32_t fp_check_kept(uint32_t seed)
{
    (void)seed;
    __asm volatile(FP_CHECK_BODY(16, "16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"));
}

TD_THREAD_DEFINE(sw_fpx, 1024);
TD_THREAD_DEFINE(sw_fpn, 1024);
TD_THREAD_DEFINE(sw_fpy, 1024);
static td_sem_t fpx_sem, fpn_sem;
static volatile uint32_t fp_bad, fpx_rounds, fpn_rounds, fpy_runs, fp_spin_checks;
static volatile int fpy_stop, fp_job_rc, fp_none;

/* An FP thread woken by each give: its registers must be as it left them
 * when it blocked (a direct switch saved them). */
static void fpx(void *arg)
{
    (void)arg;
    uint32_t seed = 0x10000000u;
    fp_fill(seed);
    while (td_sem_take(&fpx_sem, TD_MS(500)) == TD_OK) {
        fp_bad += fp_check_kept(seed);
        seed += 0x01000193u;
        fp_fill(seed);
        fpx_rounds++;
    }
}

/* A thread that never uses the FPU, between the FP threads. */
static void fpn(void *arg)
{
    (void)arg;
    while (td_sem_take(&fpn_sem, TD_MS(500)) == TD_OK)
        fpn_rounds++;
}

/* An FP thread woken by the tick: it preempts a thread that computes with
 * its FP registers live (PendSV, the lazily reserved frame), and blocks
 * again through a direct switch that resumes that exception frame. */
static void fpy(void *arg)
{
    (void)arg;
    uint32_t seed = 0x20000000u;
    fp_fill(seed);
    while (!fpy_stop) {
        td_sleep(1);
        fp_bad += fp_check_kept(seed);
        seed += 0x00010003u;
        fp_fill(seed);
        fpy_runs++;
    }
}

/* On core 1 (QEMU's SSE-200 gives core 1 an FPU, core 0 none by default). */
static void fp_job(void *arg)
{
    (void)arg;
    fp_none = (*(volatile uint32_t *)0xe000ed88u & (0xfu << 20)) != (0xfu << 20);  /* CPACR CP10/CP11 */
    if (fp_none)
        return;
    unsigned me = (unsigned)td_thread_priority(td_thread_self());
    int rc = td_sem_init(&fpx_sem, 0, 1);
    if (rc == TD_OK) rc = td_sem_init(&fpn_sem, 0, 1);
    if (rc == TD_OK)
        rc = td_thread_create(&sw_fpx, sw_fpx_stack, sizeof sw_fpx_stack, "fpx", me + 1u, fpx, NULL);
    if (rc == TD_OK)
        rc = td_thread_create(&sw_fpn, sw_fpn_stack, sizeof sw_fpn_stack, "fpn", me + 1u, fpn, NULL);
    if (rc != TD_OK) {
        fp_job_rc = rc;
        return;
    }
    /* Direct switches: to an FP thread and back, to one without FP state
     * and back, with this thread's own FP registers live throughout. */
    for (uint32_t k = 0; k < 50; k++) {
        uint32_t seed = 0x30000000u + k * 0x00100007u;
        fp_fill(seed);
        if (td_sem_give_isr(&fpx_sem) != TD_OK)
            fp_bad += 100u;
        if (td_sem_give_isr(&fpn_sem) != TD_OK)
            fp_bad += 100u;
        fp_bad += fp_check_kept(seed);
    }
    /* Requested switches from the tick: this thread computes (its FP
     * registers checked again and again) while fpy runs at every tick. */
    fpy_stop = 0;
    rc = td_thread_create(&sw_fpy, sw_fpy_stack, sizeof sw_fpy_stack, "fpy", me + 1u, fpy, NULL);
    if (rc == TD_OK) {
        uint32_t seed = 0x40000000u;
        fp_fill(seed);
        td_tick_t end = td_time_ticks() + 40u;
        while ((int32_t)(td_time_ticks() - end) < 0) {
            fp_bad += fp_check(seed);
            fp_spin_checks++;
        }
        fpy_stop = 1;
        if (td_thread_join(&sw_fpy, TD_MS(500)) != TD_OK)
            rc = TD_ERR_TIMEOUT;
    }
    td_sleep(TD_MS(600));                 /* fpx's and fpn's waits time out: they end */
    if (rc == TD_OK && td_thread_join(&sw_fpx, TD_MS(500)) != TD_OK) rc = TD_ERR_TIMEOUT;
    if (rc == TD_OK && td_thread_join(&sw_fpn, TD_MS(500)) != TD_OK) rc = TD_ERR_TIMEOUT;
    fp_job_rc = rc;
}
#endif

TEST(switch_keeps_fp_registers)
{
#if defined(__ARM_ARCH_8M_MAIN__)
    fp_bad = fpx_rounds = fpn_rounds = fpy_runs = fp_spin_checks = 0;
    fp_job_rc = 0;
    fp_none = 0;
    REQUIRE_EQ(th_core1_run(fp_job, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    if (fp_none)
        TH_SKIP("core 1 has no FPU on this chip");
    CHECK_EQ(fp_job_rc, TD_OK);
    CHECK_EQ(fp_bad, 0);
    CHECK_EQ(fpx_rounds, 50);
    CHECK_EQ(fpn_rounds, 50);
    CHECK(fpy_runs >= 30);
    CHECK(fp_spin_checks > fpy_runs);
    th_info("switch_fp_tick_preemptions", fpy_runs);
#else
    TH_SKIP("no FPU context to switch on this port (ARMv8-M only)");
#endif
}
