/*
 * bench/kernel: the kernel's own figures, in clk_sys cycles on one core.
 *
 *   core1_launch_cycles    port_core1_launch() called until core 1 runs its
 *                          entry (core 0 sees the entry's flag; includes the
 *                          PSM reset and the ROM handshake)
 *   lock_uncontended_cycles td_lock_take + td_lock_give, nobody contending
 *   lock_save_cycles       td_lock_take_save + td_lock_give_restore (the
 *                          interrupt state kept by the caller), the same
 *   ctx_switch_cycles      a thread gives a semaphore until the higher-
 *                          priority thread blocked on it runs
 *   irq_to_thread_cycles   an interrupt is made pending until the thread its
 *                          handler woke runs
 *   thread_tcb_bytes       sizeof(td_thread_t) (a size, not measured)
 *
 * Beside each kernel figure, its bare counterpart, measured the same way in
 * the same run with no kernel code in it (the hardware's floor for the
 * job):
 *   spin_bare_cycles       PRIMASK saved and interrupts masked, a SIO
 *                          spinlock claimed (polled until it reads non-zero),
 *                          the acquire and release barriers, the spinlock
 *                          released, PRIMASK restored: the instructions of the
 *                          pico-sdk's inline spin_lock_blocking + spin_unlock,
 *                          written inline here
 *   switch_bare_cycles     a coroutine switch between two stacks: r4-r11 and
 *                          the return address saved, the stack pointer
 *                          swapped, the other side's restored (what any
 *                          thread switch on the M0+ must do), one way
 *   irq_bare_cycles        the thread makes an interrupt pending; its handler
 *                          sets a flag; the thread runs again (exception entry,
 *                          a minimal handler, exception return)
 *
 * Every sample subtracts the cost of reading the cycle counter twice.
 */
#include "bench.h"
#include "hw/m0plus.h"
#include "hw/sio.h"
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
    /* What the fast path must keep: the holder recorded (what a take-over
     * from a halted core and the fault module's release need), a second
     * take by the holder refused, the holder forgotten on give. */
    int took = td_lock_take(&bench_lock);
    unsigned held_by = td_lock_holder(&bench_lock);
    int again = td_lock_take(&bench_lock);
    int gave = td_lock_give(&bench_lock);
    if (took || gave || held_by != port_core_id() || again != TD_ERR_DEADLOCK ||
        td_lock_holder(&bench_lock) != TD_CORE_ANY ||
        td_lock_give(&bench_lock) != TD_ERR_NOT_OWNER) {
        bench_fail("lock_uncontended_cycles", "the holder was not recorded or not forgotten");
        return;
    }
    /* The same take and give of bench_lock as before, with the loop's
     * values placed as the bare loop places its own: the lock's address in
     * a register across the loop (hidden from the compiler, which would
     * load the constant again inside the window, and known not NULL, as
     * &bench_lock is) and the loop's index in memory, read and written
     * outside the window, so that the start time finds a place. */
    td_lock_t *l = &bench_lock;
    __asm("" : "+l"(l));
    if (l == NULL)
        __builtin_unreachable();
    for (volatile unsigned i = 0; i < SAMPLES; i++) {
        uint32_t t0 = port_cycles();
        int a = td_lock_take(l);
        int b = td_lock_give(l);
        uint32_t t1 = port_cycles();
        if (a || b) {
            bench_fail("lock_uncontended_cycles", "take/give failed");
            return;
        }
        samples[i] = t1 - t0 - overhead;
    }
    bench_report("lock_uncontended_cycles", "cycles", samples, SAMPLES);
}

static void bench_lock_save_cost(void)
{
    /* The same promises through the pair that returns the state. */
    int s = td_lock_take_save(&bench_lock);
    unsigned held_by = td_lock_holder(&bench_lock);
    int again = td_lock_take_save(&bench_lock);
    int gave = td_lock_give_restore(&bench_lock, s);
    if (s < 0 || gave || held_by != port_core_id() || again != TD_ERR_DEADLOCK ||
        td_lock_holder(&bench_lock) != TD_CORE_ANY ||
        td_lock_give_restore(&bench_lock, s) != TD_ERR_NOT_OWNER) {
        bench_fail("lock_save_cycles", "the holder was not recorded or not forgotten");
        return;
    }
    td_lock_t *l = &bench_lock;          /* placed as in bench_lock_cost */
    __asm("" : "+l"(l));
    if (l == NULL)
        __builtin_unreachable();
    for (volatile unsigned i = 0; i < SAMPLES; i++) {
        uint32_t t0 = port_cycles();
        int a = td_lock_take_save(l);
        int b = td_lock_give_restore(l, a);
        uint32_t t1 = port_cycles();
        if (a < 0 || b) {
            bench_fail("lock_save_cycles", "take/give failed");
            return;
        }
        samples[i] = t1 - t0 - overhead;
    }
    bench_report("lock_save_cycles", "cycles", samples, SAMPLES);
}

/* ---- the bare spinlock: the pico-sdk's inline sequence ---- */
#define BARE_SPIN TD_SPIN_USER_LAST     /* not td_lock'ed by this image */

/* One claim and release as the pico-sdk's inline functions do it; 'check'
 * (outside the measured runs) records whether the lock was held between. */
static inline __attribute__((always_inline)) uint32_t spin_bare(volatile uint32_t *lock, bool check)
{
    uint32_t save, held = 0;
    __asm volatile("mrs %0, primask\n\tcpsid i" : "=l"(save) :: "memory");
    while (*lock == 0)                  /* claim: a read returns non-zero once claimed */
        ;
    __asm volatile("dmb" ::: "memory");
    if (check)
        held = (SIO->spinlock_st >> BARE_SPIN) & 1u;
    __asm volatile("dmb" ::: "memory");
    *lock = 0;                          /* any write releases */
    __asm volatile("msr primask, %0" :: "l"(save) : "memory");
    return held;
}

static void bench_spin_bare(void)
{
    volatile uint32_t *lock = &SIO->spinlock[BARE_SPIN];
    if (!spin_bare(lock, true) || (SIO->spinlock_st >> BARE_SPIN) & 1u) {
        bench_fail("spin_bare_cycles", "the spinlock was not held, or not released");
        return;
    }
    for (unsigned i = 0; i < SAMPLES; i++) {
        uint32_t t0 = port_cycles();
        spin_bare(lock, false);
        uint32_t t1 = port_cycles();
        samples[i] = t1 - t0 - overhead;
        if ((SIO->spinlock_st >> BARE_SPIN) & 1u) {
            bench_fail("spin_bare_cycles", "the spinlock was not released");
            return;
        }
    }
    bench_report("spin_bare_cycles", "cycles", samples, SAMPLES);
}

/* ---- the bare coroutine switch ---- */
/* bench_bare_switch(from, to): push r4-r11 and lr on this stack, store sp in
 * *from, load sp from to, pop the other side's registers and return into it.
 * A stack to start is 9 words: r8-r11, r4-r7, then its entry (Thumb). */
void bench_bare_switch(uint32_t **from, uint32_t *to);
__asm(".section .text.bench_bare_switch, \"ax\", %progbits\n"
      ".global bench_bare_switch\n"
      ".type bench_bare_switch, %function\n"
      ".thumb_func\n"
      "bench_bare_switch:\n"
      "    push {r4-r7, lr}\n"
      "    mov r4, r8\n    mov r5, r9\n    mov r6, r10\n    mov r7, r11\n"
      "    push {r4-r7}\n"
      "    mov r2, sp\n    str r2, [r0]\n"
      "    mov sp, r1\n"
      "    pop {r4-r7}\n"
      "    mov r8, r4\n    mov r9, r5\n    mov r10, r6\n    mov r11, r7\n"
      "    pop {r4-r7, pc}\n"
      ".size bench_bare_switch, . - bench_bare_switch\n"
      ".text\n");

static uint32_t *bare_a, *bare_b;
static volatile uint32_t bare_hits;

static void bare_side_b(void)
{
    for (;;) {
        t_end = port_cycles();
        bare_hits++;
        bench_bare_switch(&bare_b, bare_a);
    }
}

static uint32_t stack_b[64] __attribute__((aligned(8)));

/* Not inlined into main as the other benches are: its loop would change
 * how they are compiled (a register spilled) and move their figures. */
__attribute__((noinline)) static void bench_switch_bare(void)
{
    /* Interrupts masked for each sample: the kernel's tick would find the
     * stack pointer outside the running thread's stack while B runs. They
     * are let in between samples, so that a wrap of SysTick is taken as a
     * tick before the next sample; a sample during which SysTick wrapped
     * is taken again, so that both counter reads take the same path and
     * the figure is the switch's alone. */
    uint32_t *sp = &stack_b[64 - 9];
    for (unsigned k = 0; k < 8; k++)
        sp[k] = 0;
    sp[8] = (uint32_t)(uintptr_t)bare_side_b | 1u;
    bare_b = sp;
    for (unsigned i = 0; i < SAMPLES; i++) {
        for (unsigned tries = 0;; tries++) {
            port_irq_state_t s;
            int go = bench_masked_begin("switch_bare_cycles", tries, &s);
            if (go < 0)
                return;
            if (go == 0)
                continue;
            uint32_t before = bare_hits;
            t_start = port_cycles();
            bench_bare_switch(&bare_a, bare_b);   /* B stamps t_end and switches back */
            bool clean = bench_masked_end(s);
            if (bare_hits != before + 1u) {
                bench_fail("switch_bare_cycles", "the other side did not run");
                return;
            }
            if (clean)
                break;
        }
        samples[i] = t_end - t_start - overhead;
    }
    bench_report("switch_bare_cycles", "cycles", samples, SAMPLES);
}

/* ---- the bare interrupt: pending, a handler that sets a flag, back ---- */
static volatile uint32_t bare_irq_seen;
static void bare_isr(void)
{
    bare_irq_seen = 1;
}

static void bench_irq_bare(void)
{
    td_irq_set_handler(BENCH_IRQ, bare_isr);
    td_irq_enable(BENCH_IRQ, true);
    for (unsigned i = 0; i < SAMPLES; i++) {
        bare_irq_seen = 0;
        uint32_t t0 = port_cycles();
        NVIC->ispr = 1u << BENCH_IRQ;
        __asm volatile("isb");
        uint32_t t1 = port_cycles();
        if (!bare_irq_seen) {
            bench_fail("irq_bare_cycles", "the handler did not run at once");
            return;
        }
        samples[i] = t1 - t0 - overhead;
    }
    td_irq_enable(BENCH_IRQ, false);
    bench_report("irq_bare_cycles", "cycles", samples, SAMPLES);
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
    bench_spin_bare();
    bench_lock_cost();
    bench_lock_save_cost();
    bench_switch_bare();
    bench_irq_bare();
    bench_switch();
    bench_launch();
    bench_done();
}
