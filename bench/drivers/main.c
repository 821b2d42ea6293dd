/*
 * bench/drivers: the drivers' figures, in clk_sys cycles (port_cycles).
 *
 *   spi_mb_per_s            one 4096-byte full-duplex transfer at the top
 *                           clock (clk_peri / 2 = 62.5 MHz), call to return,
 *                           through DMA, the thread asleep meanwhile; the
 *                           echo device's answers checked byte for byte
 *   spi_write_mb_per_s      the same, write only (nothing received kept)
 *   spi_line_rate_mb_per_s  the clock rate set / 8: what the wire carries
 *                           (the driver's configured rate: kind=constant)
 *   dma_copy_mb_per_s       td_dma_copy of 16 KiB, word-aligned, call to return
 *   memcpy_mb_per_s         the C library's memcpy of the same 16 KiB
 *   motor_jitter_idle_cycles  the largest deviation of the 1 kHz loop's
 *                           period (125000 cycles) from 125000, over 1000
 *                           periods on core 1, core 0 asleep
 *   motor_jitter_busy_cycles  the same while core 0 prints without pause
 *                           (polled console: its interrupts masked most of
 *                           the time)
 *   motor_late_periods_*    periods more than 2 us (250 cycles) off
 *
 * The loop is the motor example's: tacho on the ADC, PID, PWM duty.
 * tandem-sim runs the image with an echo device on SPI0 (chip select GP5)
 * and the motor on GP14 (tacho on ADC input 0): bench.mk's BENCH_SIM_drivers.
 */
#include "bench.h"
#include "port.h"
#include "tandem/adc.h"
#include "tandem/dma.h"
#include "tandem/pwm.h"
#include "tandem/spi.h"
#include "tandem/tandem.h"
#include "tandem/console.h"

#include <string.h>

#define CLK_HZ 125000000u

/* MB/s (10^6 bytes) with two decimals, from bytes and cycles. */
static void mb_per_s(const char *key, uint32_t bytes, uint32_t cycles)
{
    uint32_t c = (uint32_t)(((uint64_t)bytes * CLK_HZ * 100u / 1000000u + cycles / 2u) / cycles);
    td_printf("BENCH %s %lu.%02lu MB/s\n", key, (unsigned long)(c / 100u), (unsigned long)(c % 100u));
}

static uint32_t seed = 1;
static uint8_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return (uint8_t)seed;
}

/* ---- SPI ---- */
static uint8_t tx[4096], rx[4096];

static void bench_spi(void)
{
    td_spi_dev_t d;
    if (td_spi_init(0, 2, 3, 4) != TD_OK ||
        td_spi_dev_init(&d, 0, 5, 0, CLK_HZ / 2u, 8, TD_CORE_ANY) != TD_OK) {
        bench_fail("spi_mb_per_s", "set-up");
        return;
    }
    for (unsigned i = 0; i < sizeof tx; i++)
        tx[i] = rnd();
    uint32_t t0 = port_cycles();
    int rc = td_spi_transfer(&d, tx, rx, sizeof tx, TD_MS(10));
    uint32_t t1 = port_cycles();
    if (rc != TD_OK || rx[0] != 0 || memcmp(rx + 1, tx, sizeof tx - 1) != 0) {
        bench_fail("spi_mb_per_s", "the echo did not come back byte for byte");
        return;
    }
    mb_per_s("spi_mb_per_s", sizeof tx, t1 - t0);
    t0 = port_cycles();
    rc = td_spi_transfer(&d, tx, NULL, sizeof tx, TD_MS(10));
    t1 = port_cycles();
    if (rc != TD_OK)
        bench_fail("spi_write_mb_per_s", td_spi_strerror(rc));
    else
        mb_per_s("spi_write_mb_per_s", sizeof tx, t1 - t0);
    uint32_t line = d.rate / 80000u;                  /* MB/s x 100 */
    td_printf("BENCH spi_line_rate_mb_per_s %lu.%02lu MB/s kind=constant\n", (unsigned long)(line / 100u),
              (unsigned long)(line % 100u));
}

/* ---- DMA copy against memcpy ---- */
static uint32_t src_w[4096], dst_w[4096];

static void bench_dma(void)
{
    unsigned ch;
    if (td_dma_claim(&ch) != TD_OK) {
        bench_fail("dma_copy_mb_per_s", "no channel");
        return;
    }
    for (unsigned i = 0; i < 4096; i++)
        src_w[i] = i * 2654435761u;
    uint32_t t0 = port_cycles();
    int rc = td_dma_copy(ch, dst_w, src_w, sizeof src_w, TD_MS(10));
    uint32_t t1 = port_cycles();
    if (rc != TD_OK || memcmp(dst_w, src_w, sizeof src_w) != 0)
        bench_fail("dma_copy_mb_per_s", "copy wrong");
    else
        mb_per_s("dma_copy_mb_per_s", sizeof src_w, t1 - t0);
    memset(dst_w, 0, sizeof dst_w);
    t0 = port_cycles();
    memcpy(dst_w, src_w, sizeof src_w);
    t1 = port_cycles();
    if (memcmp(dst_w, src_w, sizeof src_w) != 0)
        bench_fail("memcpy_mb_per_s", "copy wrong");
    else
        mb_per_s("memcpy_mb_per_s", sizeof src_w, t1 - t0);
    td_dma_unclaim(ch);
}

/* ---- the motor loop's jitter ---- */
#define PERIODS 1000u
static volatile uint32_t phase;           /* 0 idle, 1 busy, 2 stop (core 0 writes) */
static volatile uint32_t done[2], jitter[2], late[2];

static void loop(void *arg)
{
    (void)arg;
    td_period_t p;
    td_period_init(&p, 1, 0);
    int32_t integ = 0, prev = 0, sp = 2000;
    uint32_t last = 0;
    unsigned ph = 0, n = 0;
    while (phase < 2) {
        td_period_wait(&p);
        uint32_t now = port_cycles();
        uint16_t raw = 0;
        td_adc_read(0, &raw);
        int32_t rpm = (int32_t)td_adc_to_mv(raw) * 2, err = sp - rpm;
        int32_t duty = 8 * err + integ / 256 - 2 * (rpm - prev);
        if (!((duty >= 10000 && err > 0) || (duty <= 0 && err < 0)))
            integ += 23 * err;
        duty = duty < 0 ? 0 : duty > 10000 ? 10000 : duty;
        td_pwm_set_duty(14, (uint32_t)duty);
        prev = rpm;
        if (phase != ph) {                     /* a new phase: start counting afresh */
            ph = phase;
            n = 0;
            last = 0;
            continue;
        }
        if (last != 0 && ph < 2 && n < PERIODS) {
            uint32_t period = now - last;
            uint32_t dev = period > CLK_HZ / 1000u ? period - CLK_HZ / 1000u : CLK_HZ / 1000u - period;
            if (dev > jitter[ph])
                jitter[ph] = dev;
            if (dev > 250u)
                late[ph]++;
            if (++n == PERIODS)
                done[ph] = 1;
        }
        last = now;
    }
}

TD_THREAD_DEFINE(loop_thread, 1024);
static void core1_main(void *arg)
{
    (void)arg;
    td_thread_create(&loop_thread, loop_thread_stack, sizeof loop_thread_stack, "pid",
                     TD_PRIO_MAX, loop, NULL);
}

static void bench_motor(void)
{
    if (td_adc_init() != TD_OK || td_pwm_init(14, 20000, 0) != 20000 ||
        td_kernel_launch_core1(core1_main, NULL) != TD_OK) {
        bench_fail("motor_jitter_idle_cycles", "set-up");
        return;
    }
    td_sleep(TD_MS(300));                      /* the motor up to speed */
    phase = 0;
    td_tick_t end = td_time_ticks() + TD_SEC(3);
    while (!done[0] && (int32_t)(td_time_ticks() - end) < 0)
        td_sleep(TD_MS(10));
    phase = 1;
    end = td_time_ticks() + TD_SEC(3);
    uint32_t lines = 0;
    while (!done[1] && (int32_t)(td_time_ticks() - end) < 0) {
        td_printf("core 0 floods the console: line %lu, the loop's worst deviation so far %lu cycles\n",
                  (unsigned long)lines, (unsigned long)jitter[1]);
        lines++;
    }
    phase = 2;
    if (!done[0] || !done[1]) {
        bench_fail("motor_jitter_idle_cycles", "the loop did not run 1000 periods per phase");
        return;
    }
    bench_value("motor_jitter_idle_cycles", "cycles", jitter[0]);
    bench_value("motor_jitter_busy_cycles", "cycles", jitter[1]);
    bench_value("motor_late_periods_idle", "periods", late[0]);
    bench_value("motor_late_periods_busy", "periods", late[1]);
    bench_value("motor_busy_console_lines", "lines", lines);
    if (lines < 100)
        bench_fail("motor_jitter_busy_cycles", "core 0 did not flood the console");
}

int main(void)
{
    bench_spi();
    bench_dma();
    bench_motor();
    bench_done();
}
