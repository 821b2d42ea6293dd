/*
 * bench/bench.h: helpers for benchmark images.
 *
 * A benchmark image measures in clk_sys cycles (port_cycles()), checks its
 * own work, prints one line per figure and ends with port_exit(0) if every
 * check passed (port_exit(1) otherwise). The line format, read by
 * bench/report.js:
 *
 *   BENCH <key> <value> <unit> [n=<samples> min=<min> max=<max>] [kind=<kind>]
 *
 * where value is the median for sampled figures. A figure the image did not
 * measure but knows from its build says so with its kind: "sizeof" (the
 * size of a type) or "constant" (from the configuration); measured figures
 * carry no kind. The same image prints the same lines on a real Pico's
 * console.
 */
#ifndef TANDEM_BENCH_H
#define TANDEM_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/m0plus.h"
#include "port.h"

/* Sort samples[0..n) in place and print key's median, min and max. */
void bench_report(const char *key, const char *unit, uint32_t *samples, unsigned n);
/* Print a single measured value. */
void bench_value(const char *key, const char *unit, uint32_t value);
/* Print a figure fixed by the build, not measured: kind is "sizeof" or
 * "constant". */
void bench_fixed(const char *key, const char *unit, uint32_t value, const char *kind);
/* Record a failed self-check: prints "BENCH-FAIL key: why"; the image then
 * ends with a failure status from bench_done. */
void bench_fail(const char *key, const char *why);
/* End the image: exit status 0 if no bench_fail was recorded. */
void bench_done(void) __attribute__((noreturn));

/* Median of samples[0..n) (sorts them). */
uint32_t bench_median(uint32_t *samples, unsigned n);

/* Whether this core's SysTick has wrapped without the wrap being taken as
 * a tick (interrupts masked). port_cycles then takes its longer path (the
 * count read again, the tick counted): a sample timed with interrupts
 * masked whose two counter reads both take it comes out 4 cycles longer on
 * the M0+, one during which SysTick wrapped longer still
 * (docs/performance.md, "How each figure is measured"). */
static inline bool bench_tick_pending(void)
{
    return (SYSTICK_ICSR & SCB_ICSR_PENDSTSET_BITS) != 0;
}

/* How often a masked sample is tried before the benchmark gives up (a
 * SysTick wrap in every try: the sample is longer than a tick). */
#define BENCH_MASKED_TRIES 4u

/* A sample timed with interrupts masked alone, started with no SysTick
 * wrap pending and taken again when one became pending during it; the
 * tick is taken between tries:
 *
 *     for (unsigned tries = 0;; tries++) {
 *         port_irq_state_t s;
 *         int go = bench_masked_begin("key", tries, &s);
 *         if (go < 0)
 *             return;                    // given up, bench_fail recorded
 *         if (go == 0)
 *             continue;                  // a wrap was pending: taken now
 *         ... the timed sample ...
 *         if (bench_masked_end(s))
 *             break;                     // no wrap during it
 *     }
 *
 * begin: -1 after BENCH_MASKED_TRIES tries (bench_fail(key, ...)); 0 with
 * a wrap pending (interrupts let in again); 1 with interrupts masked, the
 * previous state in *s. end: interrupts restored from s; whether no wrap
 * became pending before it. */
static inline int bench_masked_begin(const char *key, unsigned tries, port_irq_state_t *s)
{
    if (tries == BENCH_MASKED_TRIES) {
        bench_fail(key, "SysTick wrapped during every try");
        return -1;
    }
    *s = port_irq_save();
    if (bench_tick_pending()) {
        port_irq_restore(*s);
        return 0;
    }
    return 1;
}

static inline bool bench_masked_end(port_irq_state_t s)
{
    bool clean = !bench_tick_pending();
    port_irq_restore(s);
    return clean;
}

#endif
