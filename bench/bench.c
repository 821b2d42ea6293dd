#include "bench.h"

#include "port.h"
#include "tandem/console.h"

static bool any_failed;

static void sort(uint32_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint32_t x = v[i];
        unsigned j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

uint32_t bench_median(uint32_t *samples, unsigned n)
{
    if (n == 0)
        return 0;
    sort(samples, n);
    return samples[n / 2];
}

void bench_report(const char *key, const char *unit, uint32_t *samples, unsigned n)
{
    if (n == 0) {
        bench_fail(key, "no samples");
        return;
    }
    uint32_t med = bench_median(samples, n);
    td_printf("BENCH %s %lu %s n=%u min=%lu max=%lu\n", key, (unsigned long)med, unit, n,
              (unsigned long)samples[0], (unsigned long)samples[n - 1]);
}

void bench_value(const char *key, const char *unit, uint32_t value)
{
    td_printf("BENCH %s %lu %s\n", key, (unsigned long)value, unit);
}

void bench_fixed(const char *key, const char *unit, uint32_t value, const char *kind)
{
    td_printf("BENCH %s %lu %s kind=%s\n", key, (unsigned long)value, unit, kind);
}

void bench_fail(const char *key, const char *why)
{
    any_failed = true;
    td_printf("BENCH-FAIL %s: %s\n", key, why);
}

void bench_done(void)
{
    td_printf("bench: %s\n", any_failed ? "FAILED" : "done");
    td_console_flush(TD_MS(1000));          /* a buffered console's last lines */
    port_exit(any_failed ? 1 : 0);
}
