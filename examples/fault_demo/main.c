/*
 * fault_demo: core 1 faults on purpose, twice; core 0 reports nothing but
 * keeps blinking and printing, and brings core 1 back each time.
 *
 * Core 1 runs a worker thread that processes "work items" (a counter kept
 * in memory that survives a restart) and blinks the green LED (GP1). Its
 * policy is TD_FAULT_RESTART: when it faults, the fault is reported on the
 * console by core 1 itself, core 0 is told, resets core 1 (power-on state
 * machine), releases what core 1 held and calls core 1's entry again.
 *
 *   start 1: after 8 items the worker reads through a null pointer;
 *   start 2: after 8 more it recurses until its 512-byte stack overflows
 *            into the MPU guard below it;
 *   start 3: it goes on working, from the item it had reached.
 *
 * Core 0 meanwhile toggles the red LED (GP0) every 250 ms, never missing a
 * beat, prints a status line every second, and after each restart prints
 * core 1's fault record (td_fault_last).
 */
#include "tandem/console.h"
#include "tandem/fault.h"
#include "tandem/gpio.h"
#include "tandem/tandem.h"

#define LED_RED   0
#define LED_GREEN 1

static volatile uint32_t core1_starts;    /* RAM survives a core 1 restart */
static volatile uint32_t work_done;

/* ---- core 1 ------------------------------------------------------------------- */

__attribute__((noinline)) static uint32_t read_config(const volatile uint32_t *config)
{
    return *config;                         /* the bug: config is NULL */
}

__attribute__((noinline)) static uint32_t checksum(const uint8_t *p, unsigned depth)
{
    volatile uint8_t block[64];             /* 64 bytes per level: 512 are soon gone */
    for (unsigned i = 0; i < sizeof block; i++)
        block[i] = (uint8_t)(p[i] + depth);
    if (depth == 0)
        return block[0];
    return checksum((const uint8_t *)block, depth - 1) + block[1];  /* the bug: too deep */
}

TD_THREAD_DEFINE(worker, 512);

static void worker_main(void *arg)
{
    (void)arg;
    static const volatile uint32_t *config;  /* never set */
    static const uint8_t seed[64] = { 1 };
    for (unsigned n = 1;; n++) {
        work_done++;
        td_printf("core 1: work item %lu\n", (unsigned long)work_done);
        td_gpio_toggle(LED_GREEN);
        td_sleep(TD_MS(100));
        if (n == 8 && core1_starts == 1)
            td_printf("core 1: config %lu\n", (unsigned long)read_config(config));
        if (n == 8 && core1_starts == 2)
            td_printf("core 1: checksum %lu\n", (unsigned long)checksum(seed, 40));
    }
}

static void core1_main(void *arg)
{
    (void)arg;
    td_printf("core 1: start #%lu\n", (unsigned long)++core1_starts);
    td_thread_create(&worker, worker_stack, sizeof worker_stack, "worker", 10, worker_main, NULL);
}

/* ---- core 0 ------------------------------------------------------------------- */

TD_THREAD_DEFINE(blinker, 512);

static void blinker_main(void *arg)
{
    (void)arg;
    td_tick_t next = td_time_ticks();
    for (;;) {                              /* a fixed grid: no drift, no missed beat */
        td_gpio_toggle(LED_RED);
        next += TD_MS(250);
        td_sleep_until(next);
    }
}

int main(void)
{
    td_gpio_init_output(LED_RED);
    td_gpio_init_output(LED_GREEN);
    td_fault_set_policy(1, TD_FAULT_RESTART);
    td_printf("fault_demo: core 1 will fault twice and come back; red LED on core 0\n");
    td_thread_create(&blinker, blinker_stack, sizeof blinker_stack, "blinker", 20, blinker_main,
                     NULL);
    int rc = td_kernel_launch_core1(core1_main, NULL);
    if (rc != TD_OK) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    uint32_t seen = 0;
    for (uint32_t s = 1;; s++) {
        td_sleep(TD_SEC(1));
        td_printf("core 0: %lu s, core 1 restarts %lu, work items %lu\n", (unsigned long)s,
                  (unsigned long)td_fault_restarts(), (unsigned long)work_done);
        td_fault_record_t r;
        if (td_fault_count(1) != seen && td_fault_last(1, &r) == TD_OK) {
            seen = r.seq;
            if (r.flags & TD_FAULT_F_FRAME_LOST)     /* the stack was full: no pc */
                td_printf("core 0: core 1 fault #%lu was a %s in thread \"%s\", sp 0x%08lx\n",
                          (unsigned long)r.seq, td_fault_reason_name(r.reason), r.thread,
                          (unsigned long)r.sp);
            else
                td_printf("core 0: core 1 fault #%lu was a %s in thread \"%s\" at pc 0x%08lx\n",
                          (unsigned long)r.seq, td_fault_reason_name(r.reason), r.thread,
                          (unsigned long)r.pc);
        }
    }
}
