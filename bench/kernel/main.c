/*
 * bench/kernel: the kernel's own figures, in clk_sys cycles on one core.
 *
 *   core1_launch_cycles    port_core1_launch() called until core 1 runs its
 *                          entry (core 0 sees the entry's flag; includes the
 *                          PSM reset and the ROM handshake)
 *   lock_uncontended_cycles td_lock_take + td_lock_give, nobody contending
 *   ctx_switch_cycles      a thread gives a semaphore until the higher-
 *                          priority thread blocked on it runs
 *   irq_to_thread_cycles   an interrupt is made pending until the thread its
 *                          handler woke runs
 *   thread_tcb_bytes       sizeof(td_thread_t) (a size, not measured)
 *
 * Every sample subtracts the cost of reading the cycle counter twice.
 */
#include "bench.h"
#include "hw/m0plus.h"
#include "port.h"
#include "tandem/irq.h"
#include "tandem/tandem.h"

#define SAMPLES 64
#define BENCH_IRQ 31u            /* no peripheral drives IRQ 31: software only */

static uint32_t samples[SAMPLES];
static volatile uint32_t t_start, t_end;
static uint32_t overhead;

static uint32_t measure_overhead(void)
{
    uint32_t s[SAMPLES];
    for (unsigned i = 0; i < SAMPLES; i++) {
        uint32_t a = port_cycles();
        uint32_t b = port_cycles();
        s[i] = b - a;
    }
    return bench_median(s, SAMPLES);
}

/* ---- core 1 launch ---- */
static volatile uint32_t core1_ran;
static void core1_entry(void *arg)
{
    (void)arg;
    core1_ran = 1;
    for (;;)
        __asm volatile("wfe");
}

static void bench_launch(void)
{
    for (unsigned i = 0; i < 8; i++) {
        core1_ran = 0;
        uint32_t t0 = port_cycles();
        int rc = port_core1_launch(core1_entry, NULL, NULL, 0);
        while (rc == 0 && !core1_ran)
            ;
        uint32_t t1 = port_cycles();
        if (rc != 0) {
            bench_fail("core1_launch_cycles", td_strerror(rc));
            return;
        }
        samples[i] = t1 - t0 - overhead;
    }
    bench_report("core1_launch_cycles", "cycles", samples, 8);
}

/* ---- uncontended lock ---- */
static TD_LOCK_DEFINE(bench_lock, TD_SPIN_USER_FIRST);

static void bench_lock_cost(void)
{
    for (unsigned i = 0; i < SAMPLES; i++) {
        uint32_t t0 = port_cycles();
        int a = td_lock_take(&bench_lock);
        int b = td_lock_give(&bench_lock);
        uint32_t t1 = port_cycles();
        if (a || b) {
            bench_fail("lock_uncontended_cycles", "take/give failed");
            return;
        }
        samples[i] = t1 - t0 - overhead;
    }
    bench_report("lock_uncontended_cycles", "cycles", samples, SAMPLES);
}

/* ---- context switch through a semaphore, and interrupt to thread ---- */
static td_sem_t wake_sem;
static volatile unsigned woken;
TD_THREAD_DEFINE(waiter, 512);

static void waiter_main(void *arg)
{
    (void)arg;
    for (;;) {
        if (td_sem_take(&wake_sem, TD_FOREVER) != 0)
            return;
        t_end = port_cycles();
        woken++;
    }
}

static void bench_isr(void)
{
    td_sem_give_isr(&wake_sem);
}

static void bench_switch(void)
{
    td_sem_init(&wake_sem, 0, 1);
    td_thread_create(&waiter, waiter_stack, sizeof waiter_stack, "waiter",
                     td_thread_priority(td_thread_self()) + 1, waiter_main, NULL);

    for (unsigned i = 0; i < SAMPLES; i++) {
        unsigned before = woken;
        t_start = port_cycles();
        td_sem_give_isr(&wake_sem);        /* the waiter preempts us here */
        if (woken != before + 1) {
            bench_fail("ctx_switch_cycles", "the woken thread did not run at once");
            return;
        }
        samples[i] = t_end - t_start - overhead;
    }
    bench_report("ctx_switch_cycles", "cycles", samples, SAMPLES);

    td_irq_set_handler(BENCH_IRQ, bench_isr);
    td_irq_enable(BENCH_IRQ, true);
    for (unsigned i = 0; i < SAMPLES; i++) {
        unsigned before = woken;
        t_start = port_cycles();
        NVIC->ispr = 1u << BENCH_IRQ;      /* interrupt, handler, waiter */
        __asm volatile("isb");
        if (woken != before + 1) {
            bench_fail("irq_to_thread_cycles", "the woken thread did not run at once");
            return;
        }
        samples[i] = t_end - t_start - overhead;
    }
    td_irq_enable(BENCH_IRQ, false);
    bench_report("irq_to_thread_cycles", "cycles", samples, SAMPLES);
}

int main(void)
{
    overhead = measure_overhead();
    bench_value("cycle_read_overhead_cycles", "cycles", overhead);
    bench_fixed("thread_tcb_bytes", "bytes", sizeof(td_thread_t), "sizeof");
    bench_lock_cost();
    bench_switch();
    bench_launch();
    bench_done();
}
