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

#endif
