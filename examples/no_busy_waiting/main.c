/*
 * no_busy_waiting: Oberon RTK's timing example, on two cores.
 *
 * Core 1 runs a periodic thread (every 5 ms, td_period_*) that measures its
 * own period with the microsecond clock, and a low-priority thread that
 * prints a short status line now and then. Core 0 prints as fast as it can.
 * The run has two phases of one second each:
 *
 *   busy-waiting console (TD_CONSOLE_POLLED): a print waits for room in the
 *     UART with interrupts masked, holding the console lock. Core 1's status
 *     line has to wait for core 0's line to go out, then for its own, with
 *     core 1's interrupts masked all along: the periodic thread, though the
 *     more urgent, is held up for milliseconds.
 *   kernel-aware console (TD_CONSOLE_BUFFERED): a print copies its line
 *     into the console's ring and returns; the UART interrupt sends it; a
 *     thread that finds the ring full sleeps. The periodic thread runs on
 *     time.
 *
 * It prints, for each phase, the period's extremes, the largest jitter
 * (deviation of one period from 5 ms), the overruns td_period_wait
 * reported, and the ticks core 1's kernel lost: SysTick fires once for any
 * number of periods that pass while interrupts are masked, so masking for
 * milliseconds also moves the periodic thread's whole grid.
 */
#include <stdbool.h>

#include "tandem/console.h"
#include "tandem/kernel.h"
#include "tandem/period.h"
#include "tandem/thread.h"
#include "tandem/time.h"

#define PERIOD_MS   5u
#define PHASE_MS    1000u
#define STATUS_MS   50u          /* core 1's status line */

enum { PH_SETUP, PH_POLLED, PH_BUFFERED, PH_DONE };

struct timing {                  /* one phase's figures, filled in by core 1 */
    uint32_t periods;
    uint32_t min_us, max_us;
    uint32_t jitter_us;          /* largest |period - PERIOD_MS| */
    uint32_t overruns;
    uint32_t lost_ticks;         /* ticks core 1's kernel never saw */
    uint64_t start_us;           /* when the phase began, clock and ticks */
    td_tick_t start_tick;
};

static volatile uint32_t phase;          /* set by core 0 */
static volatile uint32_t phase_seen;     /* the phase core 1's timer measures */
static struct timing result[PH_DONE];
static volatile struct timing live;      /* the phase being measured */

/* ---- core 1 ---------------------------------------------------------------------- */

TD_THREAD_DEFINE(timer, 1024);

static void timer_main(void *arg)
{
    (void)arg;
    td_period_t p;
    td_period_init(&p, TD_MS(PERIOD_MS), 0);
    uint64_t prev = 0;
    for (;;) {
        int rc = td_period_wait(&p);
        uint64_t now = td_time_us();
        uint32_t ph = phase;
        if (ph != phase_seen) {              /* a new phase: file the last one */
            /* SysTick that fires while interrupts are masked is taken once,
             * however many periods passed: ticks are lost. */
            uint64_t want = (now - live.start_us) * TD_TICK_HZ / 1000000u;
            uint32_t got = td_time_ticks() - live.start_tick;
            live.lost_ticks = want > got ? (uint32_t)(want - got) : 0;
            result[phase_seen] = live;
            live = (struct timing){ 0, UINT32_MAX, 0, 0, 0, 0, now, td_time_ticks() };
            phase_seen = ph;
            prev = 0;
        }
        if (rc == TD_ERR_OVERFLOW)
            live.overruns++;
        if (prev != 0) {
            uint32_t d = (uint32_t)(now - prev);
            uint32_t dev = d > PERIOD_MS * 1000u ? d - PERIOD_MS * 1000u : PERIOD_MS * 1000u - d;
            live.periods++;
            if (d < live.min_us)
                live.min_us = d;
            if (d > live.max_us)
                live.max_us = d;
            if (dev > live.jitter_us)
                live.jitter_us = dev;
        }
        prev = now;
    }
}

/* Core 1's first thread: start the timer, then print a status line every
 * STATUS_MS at a lower priority than the timer. */
static void core1_main(void *arg)
{
    (void)arg;
    td_thread_create(&timer, timer_stack, sizeof timer_stack, "timer", 24, timer_main, NULL);
    for (uint32_t n = 1;; n++) {
        td_sleep(TD_MS(STATUS_MS));
        if (phase == PH_POLLED || phase == PH_BUFFERED)
            td_printf("core 1: status %lu, %lu periods measured, longest %lu us\n",
                      (unsigned long)n, (unsigned long)live.periods, (unsigned long)live.max_us);
    }
}

/* ---- core 0 ---------------------------------------------------------------------- */

/* Print as fast as the console lets us for PHASE_MS; returns the lines. */
static uint32_t chatter(void)
{
    uint32_t n = 0;
    uint64_t end = td_time_us() + PHASE_MS * 1000u;
    while (td_time_us() < end)
        td_printf("core 0: line %lu, the quick brown fox jumps over the lazy dog\n",
                  (unsigned long)++n);
    return n;
}

static void report(const char *name, uint32_t ph, uint32_t lines)
{
    const struct timing *t = &result[ph];
    td_printf("%s: core 1's %u ms period measured %lu times: %lu..%lu us, "
              "max jitter %lu us, %lu overruns, %lu ticks lost; core 0 printed %lu lines\n",
              name, PERIOD_MS, (unsigned long)t->periods, (unsigned long)t->min_us,
              (unsigned long)t->max_us, (unsigned long)t->jitter_us,
              (unsigned long)t->overruns, (unsigned long)t->lost_ticks, (unsigned long)lines);
}

static void next_phase(uint32_t ph)
{
    phase = ph;
    while (phase_seen != ph)                 /* the timer files the last phase */
        td_sleep(1);
}

int main(void)
{
    td_puts("no_busy_waiting: a 5 ms periodic thread on core 1 while core 0 prints");
    /* The USB console is buffered from boot and cannot be polled: both
     * phases then measure the kernel-aware console. */
    bool usb = td_console_set_mode(TD_CONSOLE_POLLED) == TD_ERR_UNSUPPORTED;
    if (usb)
        td_puts("no_busy_waiting: this console (USB) never busy-waits, so both phases are kernel-aware;"
                " build with make TD_CONSOLE=uart to see busy waiting");
    int rc = td_kernel_launch_core1(core1_main, NULL);
    if (rc != 0) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    td_sleep(TD_MS(20));

    next_phase(PH_POLLED);
    uint32_t polled_lines = chatter();
    next_phase(PH_BUFFERED);
    td_console_set_mode(TD_CONSOLE_BUFFERED);
    uint32_t buffered_lines = chatter();
    td_console_stats_t st;
    td_console_stats(&st);
    next_phase(PH_DONE);
    td_console_set_mode(TD_CONSOLE_POLLED);  /* sends what is left first */

    report(usb ? "kernel-aware (USB) console" : "busy-waiting console", PH_POLLED, polled_lines);
    report("kernel-aware console", PH_BUFFERED, buffered_lines);
    td_printf("kernel-aware console: %lu lines through the ring, %lu waits for room "
              "(the writer slept), at most %lu of %u bytes used\n",
              (unsigned long)st.writes, (unsigned long)st.waits,
              (unsigned long)st.max_used, TD_CONSOLE_RING_SIZE);
    td_printf("max jitter: %lu us %s, %lu us kernel-aware\n",
              (unsigned long)result[PH_POLLED].jitter_us, usb ? "kernel-aware (USB)" : "busy-waiting",
              (unsigned long)result[PH_BUFFERED].jitter_us);
    return 0;
}
