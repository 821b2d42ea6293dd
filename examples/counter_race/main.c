/*
 * counter_race: the question readers of MicroPython's _thread tutorial
 * asked (why a lock at all?), made visible.
 *
 * "count += 1" is three steps: load, add, store. When both cores do it to
 * one counter at the same time, one core can store over the other's update
 * and the count falls short. A lock makes the three steps one. Both cores
 * add 1 to one shared counter a million times, first without a lock, then
 * with a td_lock (a hardware spinlock), and the program prints what was
 * lost and what the lock cost.
 *
 * Between two updates each core does a little private work of varying
 * length (a pseudo-random number step), as real code does. It matters in
 * the emulator: its cores run in exact lockstep with no bus contention, so
 * two identical bare loops can settle in a phase where their updates never
 * collide. On the chip, bus contention supplies that jitter too.
 */
#include "port.h"           /* port_cycles: this core's clk_sys cycle counter */
#include "tandem/console.h"
#include "tandem/kernel.h"
#include "tandem/lock.h"
#include "tandem/time.h"

#define INCREMENTS 1000000u
#define ALONE      100000u      /* increments for the uncontended lock cost */

static volatile uint32_t counter;
static TD_LOCK_DEFINE(counter_lock, TD_SPIN_USER_FIRST);

/* One round: both cores count at once. Core 0 fills it in, core 1 reads it. */
static struct {
    volatile uint32_t go;          /* round number core 1 should run */
    volatile uint32_t done;        /* last round core 1 finished */
    volatile bool locked;
    volatile uint32_t cycles[2];   /* each core's cycles for its increments */
} round;

/* Private work between two updates: a step of a xorshift generator, then
 * 0 to 3 more short steps as its low bits say (0 to 9 cycles). */
static inline uint32_t work(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    for (uint32_t k = x & 3u; k != 0; k--)
        __asm volatile("");
    return x;
}

static uint32_t count_unlocked(uint32_t n, uint32_t seed)
{
    uint32_t t0 = port_cycles();
    for (uint32_t i = 0; i < n; i++) {
        counter = counter + 1u;        /* load, add, store */
        seed = work(seed);
    }
    return port_cycles() - t0;
}

static uint32_t count_locked(uint32_t n, uint32_t seed)
{
    uint32_t t0 = port_cycles();
    for (uint32_t i = 0; i < n; i++) {
        td_lock_take(&counter_lock);
        counter = counter + 1u;
        td_lock_give(&counter_lock);
        seed = work(seed);
    }
    return port_cycles() - t0;
}

static uint32_t count(bool locked, uint32_t n, uint32_t seed)
{
    return locked ? count_locked(n, seed) : count_unlocked(n, seed);
}

/* Core 1: wait for a round to start, count, report. */
static void core1_main(void *arg)
{
    (void)arg;
    uint32_t seen = 0;
    for (;;) {
        while (round.go == seen)
            ;                          /* a tight wait: the start must be prompt */
        seen = round.go;
        round.cycles[1] = count(round.locked, INCREMENTS, 0x9e3779b9u);
        round.done = seen;
    }
}

/* Both cores count INCREMENTS each; returns the final count. */
static uint32_t race(bool locked)
{
    counter = 0;
    round.locked = locked;
    uint32_t r = round.go + 1u;
    round.go = r;                      /* core 1 starts now ... */
    round.cycles[0] = count(locked, INCREMENTS, 0x2545f491u);   /* ... and so do we */
    while (round.done != r)
        td_sleep(1);
    return counter;
}

int main(void)
{
    td_printf("counter_race: both cores add 1 to one shared counter, %u times each\n",
              (unsigned)INCREMENTS);
    int rc = td_kernel_launch_core1(core1_main, NULL);
    if (rc != 0) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    const uint32_t want = 2u * INCREMENTS;

    uint32_t got = race(false);
    uint32_t free0 = round.cycles[0], free1 = round.cycles[1];
    td_printf("without a lock: counter = %lu, expected %lu: %lu updates lost\n",
              (unsigned long)got, (unsigned long)want, (unsigned long)(want - got));

    got = race(true);
    uint32_t lock0 = round.cycles[0], lock1 = round.cycles[1];
    if (got == want)
        td_printf("with td_lock:   counter = %lu, expected %lu: exact\n",
                  (unsigned long)got, (unsigned long)want);
    else
        td_printf("with td_lock:   counter = %lu, expected %lu: %lu updates lost\n",
                  (unsigned long)got, (unsigned long)want, (unsigned long)(want - got));

    /* The lock's own price, without the other core contending for it. */
    uint32_t alone_free = count(false, ALONE, 1u);
    uint32_t alone_lock = count(true, ALONE, 1u);

    /* Cycles per increment, in tenths, of the slower core of each race. */
    uint32_t f = (free0 > free1 ? free0 : free1) / (INCREMENTS / 10u);
    uint32_t l = (lock0 > lock1 ? lock0 : lock1) / (INCREMENTS / 10u);
    uint32_t af = alone_free / (ALONE / 10u), al = alone_lock / (ALONE / 10u);
    td_printf("cycles per increment: %lu.%lu without the lock, %lu.%lu with it, both cores counting\n",
              (unsigned long)(f / 10u), (unsigned long)(f % 10u),
              (unsigned long)(l / 10u), (unsigned long)(l % 10u));
    td_printf("cost of the lock: %lu.%lu cycles per increment alone on core 0, "
              "%lu.%lu with both cores contending\n",
              (unsigned long)((al - af) / 10u), (unsigned long)((al - af) % 10u),
              (unsigned long)((l - f) / 10u), (unsigned long)((l - f) % 10u));
    return got == want ? 0 : 1;
}
