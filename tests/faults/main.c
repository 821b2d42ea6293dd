/*
 * tests/faults/main.c: one fault scenario per image (tests/faults/faults.mk
 * builds each with -DSCENARIO_x, -DFAULT_CORE=n, -DFAULT_POLICY=p), run in
 * the emulator by tests/faults/run.js, which checks the console.
 *
 * Both cores count in a thread ("cN count K" every 20 ms) and core 0 pings
 * core 1 through two cross-core semaphores ("ping ok K" / "ping timeout"),
 * and exchanges messages with core 1's echo thread ("msg ok K" / "msg
 * <error> K"), so the runner can see that the other core keeps running and
 * that core 1 answers again, semaphores and messages, after a restart. Core 1's entry prints "c1 start K" each
 * time it runs. The fault is made once, by the faulting core, 100 ms in:
 *
 *   null        a load through a pointer near 0 (the MPU's null region)
 *   udf         an undefined instruction
 *   misaligned  a word load from an odd address
 *   tstack      a thread recursing past its 512-byte stack
 *   mstack      a timer callback (interrupt) recursing past the main stack
 *   assert      a failed TD_ASSERT
 *   console     a fault inside td_console_write (the console lock held)
 *   holdx       (core 1) a thread keeps a td_xmutex core 0 waits for
 *   spin        (core 1) a thread keeps a td_lock and spins, interrupts masked
 *               (no fault notice: core 0's heartbeat finds it); a thread of
 *               core 0 waits meanwhile in td_msg_await_remote for an endpoint
 *               core 1 never subscribes, and waits again when that ends
 *   heldfault   (core 1) a thread holds a td_xmutex core 0 waits for, takes a
 *               td_lock and faults: both must be free for core 0 afterwards
 *   spinover    (core 1) a thread takes a td_lock and faults while a thread of
 *               core 0 spins in td_lock_take for it (interrupts masked: its
 *               tick cannot clean up after core 1), so core 0 takes the lock
 *               over from the halted core
 *   drain       the faulting core selected the buffered console (its UART
 *               interrupt drains the ring), queues 30 lines and faults at
 *               once; both cores' ordinary lines stay quiet for 400 ms, so only
 *               the takeover of the interrupt by the other core can
 *               deliver the queued lines meanwhile
 *   classify    no fault: the decoder names a BKPT "exit" (port_exit on a board)
 *   nested      a failed TD_ASSERT in a thread whose name points into the
 *               null region: the fault path faults reading it (a fault in
 *               the fault path: one line, the core halts)
 *   alone       (core 0, core 1 never launched) a null pointer under the halt
 *               policy: no core is left, so the fault path ends the run with
 *               port_exit(3) from the HardFault handler (exit status 3)
 */
#include "port.h"
#include "tandem/console.h"
#include "tandem/fault.h"
#include "tandem/msg.h"
#include "tandem/tandem.h"

#ifndef FAULT_CORE
#define FAULT_CORE 0
#endif
#ifndef FAULT_POLICY
#define FAULT_POLICY TD_FAULT_HALT
#endif
#if defined(SCENARIO_alone)
#define ALONE 1       /* core 1 is never launched */
#else
#define ALONE 0
#endif

static td_xsem_t ping, pong;
TD_XMUTEX_DEFINE(shared_mutex);
TD_LOCK_DEFINE(spin_lock, TD_SPIN_USER_FIRST + 3);
static volatile uint32_t c1_starts;          /* survives a core 1 restart */
static volatile uint32_t faults_made;
static volatile uint32_t quiet_until_ms;     /* (drain) the ordinary lines wait */
static volatile uint8_t victim_holds, taker_spins;   /* (spinover) */

/* Whether the ordinary work's lines wait (scenario drain). */
static bool quiet(void)
{
    return (uint32_t)(td_time_us() / 1000u) < quiet_until_ms;
}

/* The drain scenario's faulting core takes the buffered console. */
static void drain_select(void)
{
#if defined(SCENARIO_drain)
    if (faults_made == 0) {
        int r = td_console_set_mode(TD_CONSOLE_BUFFERED);
        td_printf("buffered on core %u: %s\n", port_core_id(), td_strerror(r));
    }
#endif
}

/* ---- the faults ------------------------------------------------------------------ */

__attribute__((noinline)) void fault_null(void)
{
    static volatile uint32_t *volatile p = (uint32_t *)8;
    (void)*p;
}

__attribute__((noinline)) void fault_udf(void)
{
    __asm volatile("udf #7");
}

__attribute__((noinline)) void fault_misaligned(void)
{
    static uint32_t words[2];
    static volatile uintptr_t at = 1;
    (void)*(volatile uint32_t *)((uintptr_t)words + at);
}

__attribute__((noinline)) int recurse(int n)
{
    volatile uint8_t pad[48];
    pad[0] = (uint8_t)n;
    if (n == 0)
        return pad[0];
    return recurse(n - 1) + pad[0];
}

__attribute__((noinline)) void fault_assert(int v)
{
    TD_ASSERT(v == 42);
}

__attribute__((noinline)) void fault_console(void)
{
    td_console_write((const char *)16, 8);   /* the null region, lock held */
}

void isr_recurse(td_timer_t *t, void *arg);
void isr_recurse(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    recurse(400);
}

/* ---- the faulting thread ------------------------------------------------------------- */

TD_THREAD_DEFINE(victim, 512);

static void victim_main(void *arg)
{
    (void)arg;
    td_sleep(TD_MS(100));
    faults_made++;
    td_printf("making the fault\n");
#if defined(SCENARIO_null) || defined(SCENARIO_alone)
    fault_null();
#elif defined(SCENARIO_udf)
    fault_udf();
#elif defined(SCENARIO_misaligned)
    fault_misaligned();
#elif defined(SCENARIO_tstack)
    recurse(100);
#elif defined(SCENARIO_mstack)
    static TD_TIMER_DEFINE(t, isr_recurse, NULL);
    td_timer_start(&t, 1, 0);
    td_sleep(TD_MS(50));
#elif defined(SCENARIO_assert) || defined(SCENARIO_nested)
    fault_assert(41);
#elif defined(SCENARIO_console)
    fault_console();
#elif defined(SCENARIO_holdx)
    td_xmutex_lock(&shared_mutex, TD_FOREVER);
    td_printf("holding the mutex\n");
    for (;;)
        td_sleep(TD_SEC(10));
#elif defined(SCENARIO_spin)
    td_lock_take(&spin_lock);
    for (;;) {
    }
#elif defined(SCENARIO_heldfault)
    td_xmutex_lock(&shared_mutex, TD_FOREVER);
    td_printf("holding the mutex\n");
    td_sleep(TD_MS(100));
    td_lock_take(&spin_lock);
    fault_null();
#elif defined(SCENARIO_spinover)
    td_lock_take(&spin_lock);
    victim_holds = 1;
    while (!taker_spins) {
    }
    for (volatile unsigned i = 0; i < 2000u; i++) {   /* core 0 reaches its spin meanwhile */
    }
    fault_null();
#elif defined(SCENARIO_drain)
    quiet_until_ms = (uint32_t)(td_time_us() / 1000u) + 400u;
    for (unsigned k = 1; k <= 30; k++)
        td_printf("drain line %02u of 30\n", k);
    fault_null();
#endif
    td_printf("victim survived\n");
}

static void start_victim(void)
{
    if (faults_made == 0)
    {
#if defined(SCENARIO_nested)
        const char *name = (const char *)16;     /* the null region: the fault path faults */
#else
        const char *name = "victim";
#endif
        td_thread_create(&victim, victim_stack, sizeof victim_stack, name, 20, victim_main, NULL);
    }
}

/* ---- both cores' ordinary work ---------------------------------------------------------- */

TD_THREAD_DEFINE(counter0, 512);
TD_THREAD_DEFINE(counter1, 512);
TD_THREAD_DEFINE(ponger, 512);
TD_THREAD_DEFINE(pinger, 512);

static void count_main(void *arg)
{
    unsigned core = (unsigned)(uintptr_t)arg;
    for (uint32_t k = 1;; k++) {
        if (!quiet())
            td_printf("c%u count %lu\n", core, (unsigned long)k);
        td_sleep(TD_MS(20));
    }
}

static void ponger_main(void *arg)
{
    (void)arg;
    for (;;)
        if (td_xsem_take(&ping, TD_FOREVER) == TD_OK)
            td_xsem_give_isr(&pong);
}

static void pinger_main(void *arg)
{
    (void)arg;
    for (uint32_t k = 1;; k++) {
        td_sleep(TD_MS(25));
        td_xsem_give_isr(&ping);
        int r = td_xsem_take(&pong, TD_MS(20));
        if (r == TD_OK) {
            if (!quiet())
                td_printf("ping ok %lu\n", (unsigned long)k);
        } else {
            if (!quiet())
                td_printf("ping timeout %lu\n", (unsigned long)k);
            while (td_xsem_take(&ping, TD_NO_WAIT) == TD_OK) {   /* not answered: take back */
            }
        }
    }
}

#define EP_ECHO 2
TD_MSG_ENDPOINT_DEFINE(echo_ep, EP_ECHO, 4, 4, TD_MSG_BLOCK);
TD_MSG_ENDPOINT_DEFINE(asker_ep, EP_ECHO, 4, 4, TD_MSG_BLOCK);
TD_THREAD_DEFINE(echo, 768);
TD_THREAD_DEFINE(asker, 768);

static void echo_main(void *arg)
{
    (void)arg;
    int r = td_msg_subscribe(&echo_ep);
    if (r != TD_OK)
        td_printf("echo subscribe: %s\n", td_strerror(r));
    for (;;) {
        td_msg_t w;
        if (td_msg_receive(&echo_ep, &w, TD_FOREVER) == TD_OK)
            td_msg_send(&echo_ep, TD_MSG(EP_ECHO, TD_MSG_DATA(w) + 1u), TD_MS(50));
    }
}

static void asker_main(void *arg)
{
    (void)arg;
    td_msg_subscribe(&asker_ep);
    td_msg_await_remote(EP_ECHO, TD_MS(200));
    for (uint32_t k = 1;; k++) {
        td_sleep(TD_MS(30));
        int r = td_msg_send(&asker_ep, TD_MSG(EP_ECHO, k), TD_MS(10));
        td_msg_t w = 0;
        if (r == TD_OK)
            r = td_msg_receive(&asker_ep, &w, TD_MS(20));
        if (r == TD_OK && TD_MSG_DATA(w) == k + 1u) {
            if (!quiet())
                td_printf("msg ok %lu\n", (unsigned long)k);
        } else {
            if (!quiet())
                td_printf("msg %s %lu\n", r ? td_strerror(r) : "wrong answer",
                          (unsigned long)k);
            if (r == TD_ERR_PEER_DOWN || r == TD_ERR_ENDPOINT)
                td_msg_await_remote(EP_ECHO, TD_MS(50));
            while (td_msg_receive(&asker_ep, &w, TD_NO_WAIT) == TD_OK) {   /* late answers */
            }
        }
    }
}

static void core1_entry(void *arg)
{
    (void)arg;
    td_printf("c1 start %lu\n", (unsigned long)++c1_starts);
    if (FAULT_CORE == 1)
        drain_select();
    td_thread_create(&counter1, counter1_stack, sizeof counter1_stack, "count1", 10, count_main,
                     (void *)1);
    td_thread_create(&ponger, ponger_stack, sizeof ponger_stack, "ponger", 12, ponger_main, NULL);
    td_thread_create(&echo, echo_stack, sizeof echo_stack, "echo", 12, echo_main, NULL);
    if (FAULT_CORE == 1)
        start_victim();
}

#if defined(SCENARIO_spin)
#define EP_NEVER 7                 /* no core subscribes it */
TD_THREAD_DEFINE(awaiter, 512);
static void awaiter_main(void *arg)
{
    (void)arg;
    uint64_t t0 = td_time_us();
    int r = td_msg_await_remote(EP_NEVER, TD_SEC(3));
    td_printf("await: %s after %lu ms\n", td_strerror(r), (unsigned long)((td_time_us() - t0) / 1000u));
    t0 = td_time_us();
    r = td_msg_await_remote(EP_NEVER, TD_MS(100));
    td_printf("await again: %s after %lu ms\n", td_strerror(r),
              (unsigned long)((td_time_us() - t0) / 1000u));
}
#endif

static void holdx_waiter(void)
{
#if defined(SCENARIO_holdx) || defined(SCENARIO_heldfault)
    td_sleep(TD_MS(150));
    td_printf("waiting for the mutex\n");
    int r = td_xmutex_lock(&shared_mutex, TD_MS(800));
    td_printf("mutex wait: %s\n", td_strerror(r));
#endif
#if defined(SCENARIO_heldfault)
    if (r == TD_OK)
        td_xmutex_unlock(&shared_mutex);
    r = td_lock_take(&spin_lock);
    if (r == TD_OK)
        td_lock_give(&spin_lock);
    td_printf("td_lock take: %s\n", td_strerror(r));
#endif
#if defined(SCENARIO_spinover)
    while (!victim_holds)
        td_sleep(TD_MS(1));
    taker_spins = 1;
    int t = td_lock_take(&spin_lock);          /* spins until core 1 halts, then takes over */
    if (t == TD_OK)
        td_lock_give(&spin_lock);
    td_printf("td_lock taken over: %s\n", td_strerror(t));
    t = td_lock_take(&spin_lock);              /* and it is an ordinary lock again */
    if (t == TD_OK)
        td_lock_give(&spin_lock);
    td_printf("td_lock take again: %s\n", td_strerror(t));
#endif
}

static int classify(void)
{
#if defined(SCENARIO_classify)
    extern const uint16_t bkpt_at[];
    __asm volatile(".pushsection .text.bkpt_at, \"ax\"\n.global bkpt_at\n.align 1\n"
                   "bkpt_at: bkpt #5\n.popsection");
    port_fault_frame_t f = { 0 };
    f.frame_ok = 1;
    f.pc = (uint32_t)(uintptr_t)bkpt_at;
    f.xpsr = 1u << 24;
    f.sp = 0x20001000u;
    port_fault_decode(&f);
    td_printf("classify bkpt: %s %lu\n", td_fault_reason_name(f.reason), (unsigned long)f.code);
    f.xpsr = 0;                              /* the same pc in ARM state: a bad jump */
    port_fault_decode(&f);
    td_printf("classify arm state: %s\n", td_fault_reason_name(f.reason));
    f.xpsr = 1u << 24;                       /* a store through r3 = 0x20000001 */
    static const uint16_t str_word[1] = { 0x6018 };   /* str r0, [r3] */
    f.pc = (uint32_t)(uintptr_t)str_word;
    f.r[3] = 0x20000001u;
    port_fault_decode(&f);
    td_printf("classify str: %s at 0x%08lx size %u\n", td_fault_reason_name(f.reason),
              (unsigned long)f.addr, f.size);
    return 0;
#else
    return 1;
#endif
}

int main(void)
{
    if (classify() == 0)
        return 0;
    td_fault_set_policy(FAULT_CORE, FAULT_POLICY);
#if defined(SCENARIO_spin)
    td_fault_set_hold_limit(100);             /* reported before the heartbeat gives up */
#else
    td_fault_set_hold_limit(300);
#endif
    td_fault_record_t prev;
    if (td_fault_previous(&prev) == TD_OK) {
        td_printf("previous fault: core %u %s\n", prev.core, td_fault_reason_name(prev.reason));
        faults_made = 1;                      /* rebooted after it: do not fault again */
    }
    td_xsem_init(&ping, 0, 1);
    td_xsem_init(&pong, 0, 1);
    td_printf("scenario %s core %u policy %u\n", SCENARIO_NAME, FAULT_CORE, FAULT_POLICY);
    if (FAULT_CORE == 0)
        drain_select();
    if (!ALONE && td_kernel_launch_core1(core1_entry, NULL) != TD_OK)
        td_printf("core 1 did not start\n");
    td_thread_create(&counter0, counter0_stack, sizeof counter0_stack, "count0", 10, count_main,
                     (void *)0);
    td_thread_create(&pinger, pinger_stack, sizeof pinger_stack, "pinger", 12, pinger_main, NULL);
    td_thread_create(&asker, asker_stack, sizeof asker_stack, "asker", 12, asker_main, NULL);
#if defined(SCENARIO_spin)
    td_thread_create(&awaiter, awaiter_stack, sizeof awaiter_stack, "awaiter", 12, awaiter_main, NULL);
#endif
    if (FAULT_CORE == 0)
        start_victim();
    holdx_waiter();
    for (;;)
        td_sleep(TD_SEC(1));
}
