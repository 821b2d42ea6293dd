/*
 * tests/test_restart.c: core 1's faults as core 0 sees them (tandem/fault.h,
 * docs/faults.md). Under the restart policy core 1 halts and core 0's
 * supervision gives back what core 1 held (td_lock, td_xmutex, td_mutex,
 * its waiters' places in cross-core wait counts), retires its threads and
 * launches it again: the runner's helper comes back and takes jobs. Under
 * the kill policy a td_panic halts core 1 until the policy says restart.
 * Fault frames as the port's HardFault entry hands them over (td__fault_cpu)
 * are recorded and reported by what they say. Each test puts core 1's
 * policy back; the reports are captured and checked.
 */
#include "harness.h"

#include <string.h>

#include "../kernel/fault_sys.h"
#include "../kernel/spin.h"
#include "port.h"
#include "tandem/console.h"
#include "tandem/fault.h"
#include "tandem/fmt.h"
#include "tandem/msg.h"
#include "tandem/panic.h"

static char report[8192];

/* Flags between the cores. */
#define LD(x)    __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* Wait (bounded) until core 1 was restarted n times in all and the runner's
 * helper runs again. */
static int wait_restarted(uint32_t n)
{
    for (int i = 0; i < 3000 && td_fault_restarts() < n; i++)
        td_sleep(1);
    if (td_fault_restarts() != n)
        return TD_ERR_TIMEOUT;
    return th_core1_wait(TD_SEC(2));
}

static int core1_alive_r[2];
static void core1_alive(void *arg)
{
    (void)arg;
    core1_alive_r[0] = (int)port_core_id();
    core1_alive_r[1] = td_sleep(1);
}

/* A job runs on a kernel of core 1 again. */
static bool core1_takes_jobs(void)
{
    core1_alive_r[0] = core1_alive_r[1] = 99;
    return th_core1_run(core1_alive, NULL) == TD_OK && th_core1_wait(TD_SEC(1)) == TD_OK &&
           core1_alive_r[0] == 1 && core1_alive_r[1] == TD_OK;
}

/* ---- an assertion with locks held and waiters on both cores ------------------------- */

static td_xmutex_t rx1;                   /* core 1 holds it, core 0 waits */
static td_xmutex_t rx2;                   /* core 0 holds it, core 1 waits */
static td_xsem_t rs;                      /* core 1 waits */
static TD_MUTEX_DEFINE(rm);               /* a thread of core 1 holds it */
static TD_SEM_DEFINE(rsem, 0, 1);         /* and then waits on this */
static TD_LOCK_DEFINE(rl, TD_SPIN_USER_FIRST + 6);
TD_THREAD_DEFINE(c1a, 1024);
TD_THREAD_DEFINE(c1b, 1024);
TD_THREAD_DEFINE(c1c, 1024);
TD_THREAD_DEFINE(r0w, 1024);
static int ra_ready, ra_go, ra_locked, ra_fire;
static int ra_r[3], r0w_r;

static void c1a_main(void *arg)
{
    (void)arg;
    ra_r[0] = td_xmutex_lock(&rx2, TD_FOREVER);
}

static void c1b_main(void *arg)
{
    (void)arg;
    ra_r[1] = td_xsem_take(&rs, TD_FOREVER);
}

static void c1c_main(void *arg)
{
    (void)arg;
    if (td_mutex_lock(&rm, TD_NO_WAIT) == TD_OK)
        ra_r[2] = td_sem_take(&rsem, TD_FOREVER);
}

static void core1_assert_job(void *arg)
{
    (void)arg;
    if (td_xmutex_lock(&rx1, TD_NO_WAIT) != TD_OK ||
        td_thread_create(&c1a, c1a_stack, sizeof c1a_stack, "c1a", 20, c1a_main, NULL) ||
        td_thread_create(&c1b, c1b_stack, sizeof c1b_stack, "c1b", 20, c1b_main, NULL) ||
        td_thread_create(&c1c, c1c_stack, sizeof c1c_stack, "c1c", 20, c1c_main, NULL))
        return;
    ST(ra_ready, 1);
    TH_WAIT_CORE(0, 2000, LD(ra_go));
    if (td_lock_take(&rl) != TD_OK)           /* interrupts masked from here on */
        return;
    ST(ra_locked, 1);
    uint64_t end = td_time_us() + 1000000u;
    while (!LD(ra_fire) && td_time_us() < end) {
    }
    TD_ASSERT(LD(ra_fire) == 12345);
}

static void r0w_main(void *arg)
{
    (void)arg;
    r0w_r = td_xmutex_lock(&rx1, TD_SEC(3));
    if (r0w_r == TD_OK)
        td_xmutex_unlock(&rx1);
}

static void core1_reuse(void *arg)
{
    int *r = arg;
    r[0] = td_mutex_lock(&rm, TD_NO_WAIT);
    r[1] = td_mutex_unlock(&rm);
    r[2] = td_sem_give_isr(&rsem);
    r[3] = td_sem_take(&rsem, TD_NO_WAIT);
}

TEST(fault_core1_restart_gives_back_what_it_held)
{
    int old = td_fault_policy(1);
    uint32_t restarts = td_fault_restarts(), count = td_fault_count(1);
    REQUIRE_EQ(td_xmutex_init(&rx1), TD_OK);
    REQUIRE_EQ(td_xmutex_init(&rx2), TD_OK);
    REQUIRE_EQ(td_xsem_init(&rs, 0, 1), TD_OK);
    REQUIRE_EQ(td_xmutex_lock(&rx2, TD_NO_WAIT), TD_OK);
    ST(ra_ready, 0);
    ST(ra_go, 0);
    ST(ra_locked, 0);
    ST(ra_fire, 0);
    ra_r[0] = ra_r[1] = ra_r[2] = r0w_r = 99;
    REQUIRE_EQ(td_fault_set_policy(1, TD_FAULT_RESTART), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_assert_job, NULL), TD_OK);
    TH_WAIT_CORE(1, 1000, LD(ra_ready));
    REQUIRE(LD(ra_ready));
    REQUIRE_EQ(td_thread_create(&r0w, r0w_stack, sizeof r0w_stack, "r0w", 20, r0w_main, NULL),
               TD_OK);
    TH_WAIT_CORE(1, 1000, td_xmutex_waiting(&rx1, 0) != 0 && td_xmutex_waiting(&rx2, 1) != 0 && td_xsem_waiting(&rs, 1) != 0 &&
                              td_thread_state(&c1c) == TD_THREAD_BLOCKED);
    CHECK_EQ(td_xmutex_waiting(&rx1, 0), 1);
    CHECK_EQ(td_xmutex_waiting(&rx2, 1), 1);
    CHECK_EQ(td_xsem_waiting(&rs, 1), 1);
    /* rm is core 1's (no lock core 0 can take guards it): its owner through
     * its query, read while c1c waits on rsem and cannot change it */
    CHECK(td_mutex_owner(&rm) == &c1c);
    bool cap = th_capture_begin() == TD_OK;
    ST(ra_go, 1);
    TH_WAIT_CORE(1, 1000, LD(ra_locked));
    CHECK(LD(ra_locked));
    /* core 1 has interrupts masked now: rx2 is handed to its waiter's core,
     * which cannot take it before it faults; free, it is not free for core 0
     * (read under rx2's spinlock; a lock without waiting changes nothing) */
    CHECK_EQ(td_xmutex_unlock(&rx2), TD_OK);
    CHECK_EQ(td_xmutex_lock(&rx2, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    ST(ra_fire, 1);
    int rc = wait_restarted(restarts + 1);
    CHECK_EQ(td_thread_join(&r0w, TD_SEC(1)), TD_OK);
    int len = th_capture_end(report, sizeof report);
    td_fault_set_policy(1, (unsigned)old);
    REQUIRE_EQ(rc, TD_OK);
    td_fault_record_t r;
    CHECK_EQ(td_fault_count(1), count + 1);
    CHECK_EQ(td_fault_last(1, &r), TD_OK);
    CHECK_EQ(r.core, 1);
    CHECK_EQ(r.reason, TD_FAULT_ASSERT);
    CHECK_EQ(r.action, TD_FAULT_RESTART);
    CHECK(r.flags & TD_FAULT_F_MASKED);
    CHECK(th_contains(r.thread, "core1"));
    CHECK_EQ(td_fault_core_state(1), TD_CORE_RUNNING);
    CHECK(td_kernel_running(1));
    /* what core 1 held or waited for */
    CHECK_EQ(r0w_r, TD_OK);                           /* rx1: to core 0's waiter */
    CHECK_EQ(td_lock_holder(&rl), TD_CORE_ANY);       /* the td_lock: released */
    if (CHECK_EQ(td_lock_try(&rl), TD_OK))
        CHECK_EQ(td_lock_give(&rl), TD_OK);
    CHECK_EQ(td_xmutex_waiting(&rx2, 1), 0);          /* gone waiters: not counted */
    CHECK_EQ(td_xsem_waiting(&rs, 1), 0);
    /* not kept for a gone waiter: deinit refuses a mutex owned, handed to a
     * core or waited for (all read under rx2's spinlock) */
    CHECK_EQ(td_xmutex_deinit(&rx2), TD_OK);
    CHECK_EQ(td_xmutex_init(&rx2), TD_OK);
    CHECK_EQ(td_xmutex_lock(&rx2, TD_NO_WAIT), TD_OK);
    CHECK_EQ(td_xmutex_unlock(&rx2), TD_OK);
    CHECK_EQ(td_xsem_give_isr(&rs), TD_OK);
    CHECK_EQ(td_xsem_count(&rs), 1);
    CHECK(td_mutex_owner(&rm) == NULL);               /* forgotten with its thread */
    /* rsem's gone waiter: the reuse below gives rsem a count on core 1 and
     * takes it back without waiting, which a waiter left on it would have had */
    CHECK_EQ(td_thread_state(&c1a), TD_THREAD_EXITED);
    CHECK_EQ(td_thread_state(&c1b), TD_THREAD_EXITED);
    CHECK_EQ(td_thread_state(&c1c), TD_THREAD_EXITED);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(ra_r[i], 99);                        /* none of the waits returned */
    /* the new instance of core 1 uses the same objects */
    CHECK(core1_takes_jobs());
    int reuse[4] = { 99, 99, 99, 99 };
    if (th_core1_run(core1_reuse, reuse) == TD_OK)
        CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(reuse[i], TD_OK);
    REQUIRE(cap);
    CHECK(len > 0);
    CHECK(th_contains(report, "*** FAULT core 1, thread \"core1\": assertion failed\n"));
    CHECK(th_contains(report, "    LD(ra_fire) == 12345 (tests/test_restart.c:"));
    CHECK(th_contains(report,
                      "    action: core 1 halts; core 0 resets it and calls its entry again\n"));
    CHECK(th_contains(report, "*** END FAULT core 1\n"));
    char line[64];
    td_snprintf(line, sizeof line, "*** core 0: core 1 restarted, restart %u\n",
                (unsigned)(restarts + 1));
    CHECK(th_contains(report, line));
}

/* ---- fault frames as the HardFault entry hands them over ---------------------------- */

static port_fault_frame_t frame;
static uint32_t frame_stack_end;

static void core1_cpu_fault(void *arg)
{
    (void)arg;
    ST(frame_stack_end, (uint32_t)(uintptr_t)td_thread_self()->stack);
    port_irq_save();                          /* as at fault priority */
    td__fault_cpu(&frame);
}

struct frame_case {
    uint8_t thread_mode, frame_ok, reason, size;
    uint32_t primask, xpsr, addr, code;
    uint8_t want_reason, want_flags, want_exc;
    const char *head;                         /* the report's first line */
    const char *detail;                       /* its second ("" : computed) */
};

#define F_ISR  TD_FAULT_F_IN_ISR
#define F_LOST TD_FAULT_F_FRAME_LOST
static const struct frame_case frame_cases[] = {
    { 0, 1, TD_FAULT_NULL, 4, 0, 0x6100000fu, 0x4u, 0, TD_FAULT_NULL, F_ISR, 15,
      "*** FAULT core 1, interrupt handler (exception 15) over thread \"core1\": null pointer\n",
      "    4-byte access at 0x00000004\n" },
    { 0, 0, TD_FAULT_MAIN_STACK, 0, 0, 0, 0, 0, TD_FAULT_MAIN_STACK, F_ISR | F_LOST, 0,
      "*** FAULT core 1, interrupt handler over thread \"core1\": main stack overflow\n", "" },
    { 1, 0, TD_FAULT_HARDFAULT, 0, 0, 0, 0, 0, TD_FAULT_STACK, F_LOST, 0,
      "*** FAULT core 1, thread \"core1\": stack overflow\n", "" },
    { 0, 1, TD_FAULT_BAD_JUMP, 0, 1, 0x21000003u, 0x10000400u, 1, TD_FAULT_BAD_JUMP,
      F_ISR | TD_FAULT_F_MASKED, 3,
      "*** FAULT core 1, interrupt handler (exception 3) over thread \"core1\": bad jump\n",
      "    execution at 0x10000400 in ARM state (Thumb bit clear)\n" },
    { 0, 1, TD_FAULT_BAD_INSTRUCTION, 0, 0, 0x21000003u, 0, 0xde00u, TD_FAULT_BAD_INSTRUCTION,
      F_ISR, 3,
      "*** FAULT core 1, interrupt handler (exception 3) over thread \"core1\": invalid "
      "instruction\n",
      "    undefined instruction 0x0000de00 at pc\n" },
    { 0, 1, TD_FAULT_MISALIGNED, 2, 0, 0x21000003u, 0x20000001u, 0, TD_FAULT_MISALIGNED, F_ISR,
      3, "*** FAULT core 1, interrupt handler (exception 3) over thread \"core1\": misaligned "
         "access\n",
      "    2-byte access at 0x20000001\n" },
    { 0, 1, TD_FAULT_HARDFAULT, 0, 0, 0x21000003u, 0, 0, TD_FAULT_HARDFAULT, F_ISR, 3,
      "*** FAULT core 1, interrupt handler (exception 3) over thread \"core1\": HardFault\n",
      "" },                                   /* the port's words: port_fault_cause */
};

#define FRAME_PC 0x10000100u
#define FRAME_LR 0x10000200u                  /* even: not taken for a return address */
#define FRAME_SP 0x00000ff0u                  /* outside RAM: no call chain from it */

/* Fault core 1 with frame case k; check its record and report. */
static void frame_case(unsigned k)
{
    const struct frame_case *fc = &frame_cases[k];
    uint32_t restarts = td_fault_restarts(), count = td_fault_count(1);
    frame = (port_fault_frame_t){ 0 };
    for (unsigned i = 0; i < 13; i++)
        frame.r[i] = 0x100u + i;
    frame.sp = FRAME_SP;
    frame.lr = FRAME_LR;
    frame.pc = fc->reason == TD_FAULT_BAD_JUMP ? fc->addr : FRAME_PC;
    frame.xpsr = fc->xpsr;
    frame.primask = fc->primask;
    frame.thread_mode = fc->thread_mode;
    frame.frame_ok = fc->frame_ok;
    frame.reason = fc->reason;
    frame.size = fc->size;
    frame.addr = fc->addr;
    frame.code = fc->code;
    bool cap = th_capture_begin() == TD_OK;
    int rc = th_core1_run(core1_cpu_fault, NULL);
    if (rc == TD_OK)
        rc = wait_restarted(restarts + 1);
    int len = th_capture_end(report, sizeof report);
    REQUIRE_EQ(rc, TD_OK);
    td_fault_record_t r;
    CHECK_EQ(td_fault_count(1), count + 1);
    CHECK_EQ(td_fault_last(1, &r), TD_OK);
    CHECK_EQ(r.reason, fc->want_reason);
    CHECK_EQ(r.flags, fc->want_flags);
    CHECK_EQ(r.exc, fc->want_exc);
    CHECK_EQ(r.action, TD_FAULT_RESTART);
    CHECK_EQ(r.sp, FRAME_SP);
    CHECK_EQ(r.r[0], 0x100u);
    CHECK_EQ(r.r[3], 0x103u);
    CHECK_EQ(r.r[4], 0x10cu);                 /* r12 */
    char detail[128];
    uintptr_t lo = 0, hi = 0;
    if (fc->frame_ok) {
        CHECK_EQ(r.pc, frame.pc);
        CHECK_EQ(r.lr, FRAME_LR);
        CHECK_EQ(r.xpsr, fc->xpsr);
        /* the pc starts the call chain, unless it is where a bad jump went */
        if (fc->want_reason == TD_FAULT_BAD_JUMP)
            CHECK_EQ(r.nchain, 0);
        else
            CHECK(r.nchain == 1 && r.chain[0] == FRAME_PC);
    }
    switch (fc->want_reason) {
    case TD_FAULT_NULL:
    case TD_FAULT_MISALIGNED:
        CHECK_EQ(r.addr, fc->addr);
        CHECK_EQ(r.code, fc->size);
        break;
    case TD_FAULT_BAD_JUMP:
    case TD_FAULT_BAD_INSTRUCTION:
        CHECK_EQ(r.code, fc->code);
        break;
    case TD_FAULT_MAIN_STACK:
        port_main_stack(1, &lo, &hi);
        CHECK_EQ(r.addr, (uint32_t)(lo + PORT_MAIN_GUARD));
        break;
    case TD_FAULT_STACK:
        CHECK_EQ(r.addr, LD(frame_stack_end));   /* the running thread's stack end */
        break;
    default:
        break;
    }
    REQUIRE(cap);
    CHECK(len > 0);
    CHECK(th_contains(report, fc->head));
    if (fc->want_reason == TD_FAULT_MAIN_STACK)
        td_snprintf(detail, sizeof detail,
                    "    the main stack ends at 0x%08x; an interrupt handler ran into its guard\n",
                    (unsigned)r.addr);
    else if (fc->want_reason == TD_FAULT_STACK)
        td_snprintf(detail, sizeof detail,
                    "    the thread's stack ends at 0x%08x; its guard was hit (sp 0x%08x)\n",
                    (unsigned)LD(frame_stack_end), FRAME_SP);
    else if (fc->want_reason == TD_FAULT_HARDFAULT)
        td_snprintf(detail, sizeof detail, "    %s\n", port_fault_cause(1));
    else
        td_snprintf(detail, sizeof detail, "%s", fc->detail);
    CHECK(th_contains(report, detail));
    if (fc->frame_ok) {
        td_snprintf(detail, sizeof detail, "    pc 0x%08x  lr 0x%08x  sp 0x%08x  xpsr 0x%08x\n",
                    (unsigned)frame.pc, FRAME_LR, FRAME_SP, (unsigned)fc->xpsr);
        CHECK(th_contains(report, detail));
    } else {
        CHECK(th_contains(report, "    pc, lr, xpsr lost: the stack was full  sp 0x00000ff0\n"));
    }
    CHECK(th_contains(report, "    r0 0x00000100  r1 0x00000101  r2 0x00000102  r3 0x00000103  "
                              "r12 0x0000010c\n"));
    CHECK(th_contains(report, "    call chain: 0x10000100\n") ==
          (fc->frame_ok && fc->want_reason != TD_FAULT_BAD_JUMP));
}

TEST(fault_core1_cpu_frames_recorded_and_reported)
{
    int old = td_fault_policy(1);
    REQUIRE_EQ(td_fault_set_policy(1, TD_FAULT_RESTART), TD_OK);
    for (unsigned k = 0; k < sizeof frame_cases / sizeof frame_cases[0]; k++)
        frame_case(k);
    td_fault_set_policy(1, (unsigned)old);
    CHECK(core1_takes_jobs());
}

/* ---- a panic under the kill policy: core 1 halts until the policy changes ------------ */

static TD_LOCK_DEFINE(pl, TD_SPIN_USER_FIRST + 7);
static int pl_taken, pl_go;

/* Core 1 panics holding pl once core 0 has masked its interrupts (so that
 * core 0's supervision cannot give pl back before it looks), not after a
 * fixed time: a loaded host may leave core 0 off its CPU for longer. */
static void core1_panic_job(void *arg)
{
    (void)arg;
    if (td_lock_take(&pl) != TD_OK)
        return;
    ST(pl_taken, 1);
    uint64_t end = td_time_us() + 2000000u;
    while (!LD(pl_go) && td_time_us() < end) {
    }
    td_panic("test: an impossible state");
}

TEST(fault_core1_panic_halts_until_restart_policy)
{
    int old = td_fault_policy(1);
    uint32_t restarts = td_fault_restarts(), count = td_fault_count(1);
    REQUIRE_EQ(td_fault_set_policy(1, TD_FAULT_KILL_THREAD), TD_OK);
    ST(pl_taken, 0);
    ST(pl_go, 0);
    bool cap = th_capture_begin() == TD_OK;
    int rc = th_core1_run(core1_panic_job, NULL);
    if (rc == TD_OK)
        TH_WAIT_CORE(1, 1000, LD(pl_taken));
    CHECK(LD(pl_taken));
    /* with this core's interrupts masked (no supervision here to clean up)
     * core 1 halts holding pl: a take spinning for it takes it over */
    port_irq_state_t s = port_irq_save();
    ST(pl_go, 1);                            /* now core 1 panics */
    uint64_t end = td_time_us() + 2000000u;
    while (td_fault_core_state(1) != TD_CORE_HALTED && td_time_us() < end) {
    }
    bool halted = td_fault_core_state(1) == TD_CORE_HALTED;
    unsigned holder = td_lock_holder(&pl);
    int taken = halted ? td_lock_take(&pl) : TD_ERR_STATE;
    int given = taken == TD_OK ? td_lock_give(&pl) : TD_ERR_STATE;
    port_irq_restore(s);
    CHECK(halted);
    CHECK_EQ(holder, 1);
    CHECK_EQ(taken, TD_OK);
    CHECK_EQ(given, TD_OK);
    td_sleep(TD_MS(30));
    CHECK_EQ(td_fault_core_state(1), TD_CORE_HALTED);  /* not restarted: not its policy */
    CHECK_EQ(td_fault_restarts(), restarts);
    CHECK(!td_kernel_running(1));
    td_fault_record_t r;
    CHECK_EQ(td_fault_count(1), count + 1);
    CHECK_EQ(td_fault_last(1, &r), TD_OK);
    CHECK_EQ(r.reason, TD_FAULT_PANIC);
    CHECK_EQ(r.action, TD_FAULT_HALT);              /* no thread to end: a panic */
    CHECK(r.flags & TD_FAULT_F_ESCALATED);
    CHECK(r.flags & TD_FAULT_F_MASKED);
    CHECK(r.text != NULL && th_contains(r.text, "impossible state"));
    /* the restart policy now: core 0 brings core 1 back */
    CHECK_EQ(td_fault_set_policy(1, TD_FAULT_RESTART), TD_OK);
    CHECK_EQ(wait_restarted(restarts + 1), TD_OK);
    int len = th_capture_end(report, sizeof report);
    td_fault_set_policy(1, (unsigned)old);
    CHECK(core1_takes_jobs());
    REQUIRE(cap);
    CHECK(len > 0);
    CHECK(th_contains(report, "*** FAULT core 1, thread \"core1\": kernel panic\n"));
    CHECK(th_contains(report, "    test: an impossible state\n"));
    CHECK(th_contains(report, "    action: halt the core (no thread to end)\n"));
}

/* ---- a restart after a halt longer than the heartbeat's limit ------------------------ */

/* Core 1's tick stands still from before its halt until its first tick
 * after the restart: the heartbeat's window must open when core 0 sees it
 * running again, not when its tick last moved before the halt. The
 * restarted core 1 holds its first tick back (interrupts masked, well
 * under the limit), so core 0's tick sees it running with the old tick. */
static int lh_masked;

static void core1_halt_masked(void *arg)
{
    (void)arg;
    port_irq_save();                     /* its tick stands still from here */
    ST(lh_masked, 1);
    uint64_t end = td_time_us() + 5000u;   /* (core 0 sees the last tick) */
    while (td_time_us() < end) {
    }
    td_panic("test: halted for long");
}

static void core1_hold_first_tick(void)
{
    port_irq_state_t s = port_irq_save();
    uint64_t end = td_time_us() + 20000u;
    while (td_time_us() < end) {
    }
    port_irq_restore(s);
}

TEST(fault_core1_restart_after_long_halt_not_stalled)
{
    int old = td_fault_policy(1);
    uint32_t restarts = td_fault_restarts(), count = td_fault_count(1);
    REQUIRE_EQ(td_fault_set_policy(1, TD_FAULT_KILL_THREAD), TD_OK);
    ST(lh_masked, 0);
    bool cap = th_capture_begin() == TD_OK;
    CHECK_EQ(th_core1_run(core1_halt_masked, NULL), TD_OK);
    for (int i = 0; i < 2000 && td_fault_core_state(1) != TD_CORE_HALTED; i++)
        td_sleep(1);
    CHECK(LD(lh_masked));
    CHECK_EQ(td_fault_core_state(1), TD_CORE_HALTED);
    td_sleep(TD_MS(TD_FAULT_HEARTBEAT_MS + 100u));   /* halted past the limit */
    th_core1_on_start(core1_hold_first_tick);
    CHECK_EQ(td_fault_set_policy(1, TD_FAULT_RESTART), TD_OK);
    int rc = wait_restarted(restarts + 1);
    td_sleep(TD_MS(50));                 /* (a report would come within the 20 ms) */
    th_core1_on_start(NULL);
    int len = th_capture_end(report, sizeof report);
    td_fault_set_policy(1, (unsigned)old);
    REQUIRE_EQ(rc, TD_OK);
    CHECK_EQ(td_fault_restarts(), restarts + 1);   /* once: not reported again */
    CHECK_EQ(td_fault_count(1), count + 1);
    CHECK(core1_takes_jobs());
    REQUIRE(cap);
    CHECK(len > 0);
    CHECK(th_contains(report, "    test: halted for long\n"));
    CHECK(!th_contains(report, "not responding"));
}

/* ---- a restart begins with empty FIFOs ------------------------------------------------ */

/* Words left in core 1's FIFO for the halted instance (a message cut short
 * by the fault, a doorbell) must not reach the next one, which would read
 * them as the start of its traffic: on the chip the launch handshake
 * drains both FIFOs (core 1's boot ROM and the launch), and every port's
 * launch must leave them so. */
#define STALE_WORD 0x5a1e0000u
static uint32_t stale_seen, stale_popped;

static void core1_halt_now(void *arg)
{
    (void)arg;
    td_panic("test: halted with words on the way");
}

static void core1_pop_fifo(void *arg)
{
    (void)arg;
    port_irq_state_t s = port_irq_save();
    for (unsigned i = 0; i < 2u * PORT_FIFO_DEPTH && (port_fifo_status() & PORT_FIFO_VLD); i++) {
        uint32_t w = port_fifo_pop();
        ST(stale_popped, stale_popped + 1u);
        if ((w & 0xffff0000u) == STALE_WORD)
            ST(stale_seen, stale_seen + 1u);
    }
    port_fifo_clear_errors();
    port_irq_restore(s);
}

TEST(fault_core1_restart_starts_with_empty_fifos)
{
    int old = td_fault_policy(1);
    uint32_t restarts = td_fault_restarts();
    REQUIRE_EQ(td_fault_set_policy(1, TD_FAULT_KILL_THREAD), TD_OK);
    bool cap = th_capture_begin() == TD_OK;
    REQUIRE_EQ(th_core1_run(core1_halt_now, NULL), TD_OK);
    for (int i = 0; i < 2000 && td_fault_core_state(1) != TD_CORE_HALTED; i++)
        td_sleep(1);
    CHECK_EQ(td_fault_core_state(1), TD_CORE_HALTED);
    /* three words on their way to the halted core, which reads none */
    port_irq_state_t s = port_irq_save();
    unsigned pushed = 0;
    for (uint32_t k = 1; k <= 3u && (port_fifo_status() & PORT_FIFO_RDY); k++, pushed++)
        port_fifo_push(STALE_WORD | k);
    port_irq_restore(s);
    CHECK_EQ(pushed, 3);
    ST(stale_seen, 0u);
    ST(stale_popped, 0u);
    CHECK_EQ(td_fault_set_policy(1, TD_FAULT_RESTART), TD_OK);
    CHECK_EQ(wait_restarted(restarts + 1), TD_OK);
    if (cap)
        (void)th_capture_end(report, sizeof report);
    td_fault_set_policy(1, (unsigned)old);
    /* the new instance's first job looks before anything of it reads the FIFO */
    REQUIRE_EQ(th_core1_run(core1_pop_fifo, NULL), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(LD(stale_seen), 0);
    th_info("fifo_words_after_restart", LD(stale_popped));
    CHECK(core1_takes_jobs());
}

/* ---- an assertion in an interrupt handler of core 1 ---------------------------------- */

static void core1_isr_assert(td_timer_t *t, void *arg)
{
    TD_ASSERT(arg == NULL && t != NULL);
}

static void core1_isr_job(void *arg)
{
    (void)arg;
    static td_timer_t tm;
    tm = (td_timer_t)TD_TIMER_INIT(core1_isr_assert, &tm);
    if (td_timer_start(&tm, 1, 0) == TD_OK)
        th_busy_ticks(50);                   /* this thread runs when the tick comes */
}

TEST(fault_core1_assert_in_interrupt)
{
    int old = td_fault_policy(1);
    uint32_t restarts = td_fault_restarts();
    REQUIRE_EQ(td_fault_set_policy(1, TD_FAULT_RESTART), TD_OK);
    bool cap = th_capture_begin() == TD_OK;
    int rc = th_core1_run(core1_isr_job, NULL);
    if (rc == TD_OK)
        rc = wait_restarted(restarts + 1);
    int len = th_capture_end(report, sizeof report);
    td_fault_set_policy(1, (unsigned)old);
    REQUIRE_EQ(rc, TD_OK);
    td_fault_record_t r;
    CHECK_EQ(td_fault_last(1, &r), TD_OK);
    CHECK_EQ(r.reason, TD_FAULT_ASSERT);
    CHECK_EQ(r.action, TD_FAULT_RESTART);
    CHECK(r.flags & TD_FAULT_F_IN_ISR);
    CHECK(core1_takes_jobs());
    REQUIRE(cap);
    CHECK(len > 0);
    CHECK(th_contains(report,
                      "*** FAULT core 1, interrupt handler over thread \"core1\": assertion failed\n"));
    CHECK(th_contains(report, "    arg == NULL && t != NULL (tests/test_restart.c:"));
}

/* ---- core 1 started again and again while core 0 looks at it ---------------------------
 * Each restart runs core 1's td_kernel_start anew, which makes its per-core
 * state fresh while core 0 reads what it may of it: whether core 1's kernel
 * runs and its state (the supervision, the link coming up again after the
 * relaunch, a thread of core 0 asking all along), and pings it. What core 1
 * publishes, it publishes once it is whole; ThreadSanitizer (host-tsan)
 * reports any access of core 0 that races with the start. */
#ifndef TH_CORE1_STARTS
#define TH_CORE1_STARTS 20u
#endif
TD_THREAD_DEFINE(looker, 2048);
static int look_stop;
static uint32_t looks, looks_running, looks_bad;

static void looker_main(void *arg)
{
    (void)arg;
    while (!LD(look_stop)) {
        bool run = td_kernel_running(1);
        int st = td_fault_core_state(1);
        int p = td_msg_ping(TD_NO_WAIT);
        if (st < TD_CORE_DOWN || st > TD_CORE_HALTED ||
            (p != TD_OK && p != TD_ERR_WOULD_BLOCK && p != TD_ERR_PEER_DOWN))
            looks_bad++;
        looks_running += run;
        looks++;
        td_thread_yield();
    }
}

static void core1_restart_job(void *arg)
{
    (void)arg;
    td_panic("test: start again");
}

TEST(fault_core1_started_while_core0_looks)
{
    int old = td_fault_policy(1);
    uint32_t restarts = td_fault_restarts(), count = td_fault_count(1);
    REQUIRE_EQ(td_fault_set_policy(1, TD_FAULT_RESTART), TD_OK);
    ST(look_stop, 0);
    looks = looks_running = looks_bad = 0;
    REQUIRE_EQ(td_thread_create(&looker, looker_stack, sizeof looker_stack, "looker",
                                TD_PRIO_MAIN - 1u, looker_main, NULL), TD_OK);
    bool cap = th_capture_begin() == TD_OK;   /* the reports: kept out of the log */
    uint64_t t0 = td_time_us();
    unsigned done = 0;
    int run_r = TD_OK, restart_r = TD_OK;
    for (; done < TH_CORE1_STARTS; done++) {
        if ((run_r = th_core1_run(core1_restart_job, NULL)) != TD_OK)
            break;
        if ((restart_r = wait_restarted(restarts + done + 1u)) != TD_OK)
            break;
    }
    th_info("restart_loop_us", (long long)(td_time_us() - t0));
    if (restart_r != TD_OK) {            /* which wait ended it */
        th_info("restarts_seen", (long long)(td_fault_restarts() - restarts));
        th_info("core1_state", td_fault_core_state(1));
        th_info("core1_running", td_kernel_running(1));
    }
    ST(look_stop, 1);
    CHECK_EQ(td_thread_join(&looker, TD_SEC(2)), TD_OK);
    th_info("joined_us", (long long)(td_time_us() - t0));
    if (cap)
        th_capture_end(report, sizeof report);
    td_fault_set_policy(1, (unsigned)old);
    CHECK_EQ(run_r, TD_OK);
    CHECK_EQ(restart_r, TD_OK);
    CHECK_EQ(done, TH_CORE1_STARTS);
    CHECK_EQ(td_fault_restarts(), restarts + TH_CORE1_STARTS);
    CHECK_EQ(td_fault_count(1), count + TH_CORE1_STARTS);
    CHECK_EQ(looks_bad, 0);
    CHECK(looks > 0);
    th_info("before_jobs_us", (long long)(td_time_us() - t0));
    CHECK(core1_takes_jobs());
    th_info("core1_starts_looks", looks);
    th_info("core1_starts_looks_running", looks_running);
}

/* ---- the buffered console when the core that drains it goes down --------------------
 * Core 1 selects buffered mode (its interrupt drains the ring), queues
 * lines the device has not taken yet (on the target the UART is slow; the
 * host's device is held) and panics. Core 0's supervision takes the
 * device's interrupt over: the lines come out whole and in order while
 * core 0 prints nothing, core 0 is the draining core from then on (a
 * restarted core 1 does not get the ring back) and nothing is lost. */

#define DRAIN_LINES 12u
static int dr_mode_r;

/* Where part first occurs in text, or NULL (the target's string.h has no
 * strstr). */
static const char *find(const char *text, const char *part)
{
    size_t n = strlen(part);
    for (; *text != '\0'; text++)
        if (strncmp(text, part, n) == 0)
            return text;
    return NULL;
}

static void core1_drain_job(void *arg)
{
    (void)arg;
    dr_mode_r = td_console_set_mode(TD_CONSOLE_BUFFERED);
    th_console_hold(true);
    for (unsigned i = 0; i < DRAIN_LINES; i++)
        td_printf("queued by core 1: line %02u of %u\n", i, DRAIN_LINES);
    td_panic("the draining core goes down");
}

static int dr_again_r;
static void core1_buffered_again(void *arg)
{
    (void)arg;
    dr_again_r = td_console_set_mode(TD_CONSOLE_BUFFERED);
}

static void drain_core_goes_down(unsigned policy)
{
    int old = td_fault_policy(1);
    uint32_t restarts = td_fault_restarts();
    td_console_stats_t a, b;
    CHECK_EQ(td_console_stats(&a), TD_OK);
    REQUIRE_EQ(td_console_mode(), TD_CONSOLE_POLLED);
    REQUIRE_EQ(td_fault_set_policy(1, policy), TD_OK);
    dr_mode_r = 99;
    bool cap = th_capture_begin() == TD_OK;
    int rc = th_core1_run(core1_drain_job, NULL);
    /* core 1 halts; core 0's supervision gives back what it held (the
     * console takes the interrupt over) and, under restart, restarts it */
    for (int i = 0; rc == TD_OK && i < 3000; i++) {
        if (policy == TD_FAULT_RESTART ? td_fault_restarts() != restarts
                                       : td_fault_core_state(1) == TD_CORE_HALTED)
            break;
        td_sleep(1);
    }
    td_sleep(5);                                /* (halt: cleaned up at core 0's tick) */
    th_console_hold(false);
    td_sleep(TD_MS(150));                       /* core 0 prints nothing meanwhile */
    int len = cap ? th_capture_end(report, sizeof report) : -1;
    CHECK_EQ(rc, TD_OK);
    CHECK_EQ(dr_mode_r, TD_OK);
    CHECK(len > 0);
    const char *at = report;
    for (unsigned i = 0; i < DRAIN_LINES && at != NULL; i++) {
        char line[48];
        td_snprintf(line, sizeof line, "queued by core 1: line %02u of %u\n", i, DRAIN_LINES);
        const char *p = find(at, line);
        CHECK(p != NULL);                       /* delivered by core 0, in order */
        if (p != NULL && p > report)
            CHECK(p[-1] == '\n');               /* whole */
        at = p != NULL ? p + strlen(line) : NULL;
    }
    CHECK(th_contains(report, "the draining core goes down"));
    CHECK_EQ(td_console_mode(), TD_CONSOLE_BUFFERED);
    CHECK_EQ(td_console_set_mode(TD_CONSOLE_BUFFERED), TD_OK);   /* core 0 drains now */
    if (policy != TD_FAULT_RESTART) {
        CHECK_EQ(td_fault_core_state(1), TD_CORE_HALTED);
        CHECK_EQ(td_fault_set_policy(1, TD_FAULT_RESTART), TD_OK);
    }
    CHECK_EQ(wait_restarted(restarts + 1), TD_OK);
    dr_again_r = 99;
    if (th_core1_run(core1_buffered_again, NULL) == TD_OK)
        CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(dr_again_r, TD_ERR_WRONG_CORE);    /* the ring stays with core 0 */
    CHECK_EQ(td_console_set_mode(TD_CONSOLE_POLLED), TD_OK);
    CHECK_EQ(td_console_mode(), TD_CONSOLE_POLLED);
    CHECK_EQ(td_console_stats(&b), TD_OK);
    CHECK_EQ(b.lost, a.lost);
    CHECK(b.writes - a.writes >= DRAIN_LINES);
    td_fault_set_policy(1, (unsigned)old);
    CHECK(core1_takes_jobs());
}

TEST(console_drain_core_goes_down_restart)
{
    drain_core_goes_down(TD_FAULT_RESTART);
}

TEST(console_drain_core_goes_down_halt)
{
    drain_core_goes_down(TD_FAULT_HALT);
}

/* ---- core 1's running thread read by core 0 while core 1 switches ----------------------
 * Core 0 reads core 1's running thread ('current', kernel/core.h) to name it:
 * the hold check (through td__spin_peek, for a td_lock core 1 is recorded to
 * hold), a lockup or watchdog report. Core 1 stores it at every switch, by
 * both ways a switch is made (a yield's pending switch, a wait's switch at
 * once). Under ThreadSanitizer (host-tsan) a plain store there is reported
 * as a race with these reads: in about one run of this test in six, since
 * the cores' ticks order one core's earlier accesses before the other's
 * later ones every millisecond, and only a store and a read between two
 * such points count. */
TD_THREAD_DEFINE(sw_yield, 1024);
TD_THREAD_DEFINE(sw_wait, 1024);
static TD_LOCK_DEFINE(sw_lock, TD_SPIN_USER_FIRST + 8);
static td_sem_t sw_sem;
static int sw_stop, sw_made;
static uint32_t sw_turns[2];
static int sw_job_r;

static void sw_yielder(void *arg)
{
    (void)arg;
    while (!LD(sw_stop)) {
        if (td_lock_take(&sw_lock) == TD_OK)
            td_lock_give(&sw_lock);          /* recorded as core 1's meanwhile */
        td_sem_give_isr(&sw_sem);
        ST(sw_turns[0], sw_turns[0] + 1u);
        /* the waiter's priority changes under core 0's reads too */
        td_thread_set_priority(&sw_wait, TD_PRIO_MAIN + (sw_turns[0] & 1u));
        td_thread_yield();                   /* a pending switch */
    }
    td_sem_give_isr(&sw_sem);
}

static void sw_waiter(void *arg)
{
    (void)arg;
    while (!LD(sw_stop)) {
        int r = td_sem_take(&sw_sem, TD_MS(20));   /* a switch at once when it blocks */
        if (r != TD_OK && r != TD_ERR_TIMEOUT) {
            sw_job_r = r;
            ST(sw_stop, 1);
        }
        ST(sw_turns[1], sw_turns[1] + 1u);
    }
}

static void core1_switcher_job(void *arg)
{
    (void)arg;
    int r = td_sem_init(&sw_sem, 0, 1);
    if (r == TD_OK)
        r = td_thread_create(&sw_yield, sw_yield_stack, sizeof sw_yield_stack, "sw_yield",
                             TD_PRIO_MAIN, sw_yielder, NULL);
    if (r == TD_OK)
        r = td_thread_create(&sw_wait, sw_wait_stack, sizeof sw_wait_stack, "sw_wait",
                             TD_PRIO_MAIN, sw_waiter, NULL);
    if (r != TD_OK)
        ST(sw_stop, 1);
    else
        ST(sw_made, 1);                      /* core 0 may look at them now */
    if (td_thread_state(&sw_yield) >= 0 && td_thread_join(&sw_yield, TD_SEC(30)) != TD_OK)
        r = TD_ERR_TIMEOUT;
    if (td_thread_state(&sw_wait) >= 0 && td_thread_join(&sw_wait, TD_SEC(30)) != TD_OK)
        r = TD_ERR_TIMEOUT;
    if (sw_job_r == 99)
        sw_job_r = r;
}

#ifndef TH_SWITCH_LOOKS
#define TH_SWITCH_LOOKS 100000u
#endif

TEST(core1_running_thread_read_while_it_switches)
{
    ST(sw_stop, 0);
    ST(sw_made, 0);
    sw_turns[0] = sw_turns[1] = 0;
    sw_job_r = 99;
    REQUIRE_EQ(th_core1_run(core1_switcher_job, NULL), TD_OK);
    uint32_t looks = 0, seen_yield = 0, seen_wait = 0, peeked = 0, bad = 0, blocked = 0;
    uint64_t end = td_time_us() + 10000000u;
    /* (relaxed loads: an acquire here would order core 1's earlier stores
     * before this core's reads, and ThreadSanitizer would see no race) */
    while ((looks < TH_SWITCH_LOOKS || __atomic_load_n(&sw_turns[0], __ATOMIC_RELAXED) < 1000u ||
            __atomic_load_n(&sw_turns[1], __ATOMIC_RELAXED) < 1000u) &&
           td_time_us() < end) {
        const td_thread_t *t = __atomic_load_n(&td__cores[1].current, __ATOMIC_RELAXED);
        seen_yield += t == &sw_yield;
        seen_wait += t == &sw_wait;
        const td_thread_t *h = NULL;
        if (td__spin_peek(sw_lock.key - TD_LOCK_KEY, &h) == 1u) {
            peeked++;
            bad += h != NULL && h->core != 1u;
        }
        /* the state and priority of core 1's threads, written by core 1 as
         * they switch, block and change priority: read here at any time
         * once they are made (the acquire orders only their making) */
        if (LD(sw_made)) {
            int st = td_thread_state(&sw_wait), pr = td_thread_priority(&sw_wait);
            blocked += st == TD_THREAD_BLOCKED;
            bad += st < TD_THREAD_DORMANT || st > TD_THREAD_EXITED;
            bad += st != TD_THREAD_EXITED &&
                   (pr < (int)TD_PRIO_MAIN || pr > (int)TD_PRIO_MAIN + 1);
            st = td_thread_state(&sw_yield);
            bad += st < TD_THREAD_DORMANT || st > TD_THREAD_EXITED;
        }
        looks++;
        if (looks % 256u == 0)
            td_thread_yield();
    }
    ST(sw_stop, 1);
    CHECK_EQ(th_core1_wait(TD_SEC(30)), TD_OK);
    CHECK_EQ(sw_job_r, TD_OK);
    CHECK_EQ(bad, 0);
    CHECK(LD(sw_turns[0]) >= 1000u);
    CHECK(LD(sw_turns[1]) >= 1000u);
    CHECK(seen_yield + seen_wait > 0);
    th_info("switch_looks", looks);
    th_info("switch_looks_yield", seen_yield);
    th_info("switch_looks_wait", seen_wait);
    th_info("switch_looks_peeked", peeked);
    th_info("switch_looks_waiter_blocked", blocked);
}
