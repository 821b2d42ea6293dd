/*
 * tests/faults/watchdog.c: one watchdog scenario per image
 * (tests/faults/faults.mk builds each with -DWD_x and
 * -DWD_POLICY=TD_WATCHDOG_...), run in the emulator by tests/faults/run.js.
 *
 * The watchdog runs with kernel_ms 100 and the chip's counter at 300 ms.
 * Both cores count in a thread ("cN count K" every 20 ms); core 1's entry
 * prints "c1 start K" each time it runs; a named thread "beat" on the hung
 * core checks in every 10 ms (limit 50 ms). 400 ms in (past the chip's
 * period: its feed works), after "hang now", one of:
 *
 *   thread0   core 0's "beat" spins at top priority: no more check-ins
 *   thread1   core 1's "beat" sleeps for ever: no more check-ins
 *   kernel1   core 1's "beat" masks interrupts and spins: its kernel stops
 *   kernel0   core 0's "beat" masks interrupts and spins (core 1 sees it)
 *   both      both cores mask interrupts and spin: no software can act, the
 *             chip's watchdog resets the chip
 *
 * After a reboot the program prints what td_fault_previous returns and
 * ends (exit 0) 200 ms later, without hanging again.
 */
#include "port.h"
#include "tandem/console.h"
#include "tandem/fault.h"
#include "tandem/tandem.h"
#include "tandem/watchdog.h"

#if defined(WD_thread1) || defined(WD_kernel1)
#define HUNG_CORE 1
#else
#define HUNG_CORE 0
#endif

static volatile uint32_t c1_starts;        /* survives a core 1 restart */
static volatile uint8_t rebooted, hang_both;

TD_THREAD_DEFINE(counter0, 768);
TD_THREAD_DEFINE(counter1, 768);
TD_THREAD_DEFINE(beat, 768);
static void count_main(void *arg)
{
    unsigned core = (unsigned)(uintptr_t)arg;
    for (uint32_t k = 1;; k++) {
        td_sleep(TD_MS(20));
        td_printf("c%u count %lu\n", core, (unsigned long)k);
    }
}

__attribute__((unused)) static void spin_masked(void)
{
    port_irq_save();
    for (;;)
        __asm volatile("" ::: "memory");
}

static void beat_main(void *arg)
{
    (void)arg;
#if defined(WD_thread0) || defined(WD_thread1)
    int r = td_watchdog_watch(td_thread_self(), 50);
    if (r != TD_OK)
        td_printf("watch: %s\n", td_strerror(r));
#endif
    while (td_time_us() < 400000u) {
        td_sleep(TD_MS(10));
        td_watchdog_checkin();           /* (not watched: a kernel scenario) */
    }
    td_printf("hang now\n");
#if defined(WD_thread0)
    td_thread_set_priority(td_thread_self(), TD_PRIO_MAX);
    for (;;)
        __asm volatile("" ::: "memory");
#elif defined(WD_thread1)
    td_sleep(TD_FOREVER);
#elif defined(WD_both)
    hang_both = 1;
    spin_masked();
#else
    spin_masked();
#endif
}

#if defined(WD_both)
/* core 1's part: a thread that masks its interrupts with core 0's. */
TD_THREAD_DEFINE(spin1, 512);
static void spin1_main(void *arg)
{
    (void)arg;
    while (!hang_both)
        td_sleep(1);
    spin_masked();
}
#endif

static void core1_entry(void *arg)
{
    (void)arg;
    td_printf("c1 start %lu\n", (unsigned long)++c1_starts);
    td_thread_create(&counter1, counter1_stack, sizeof counter1_stack, "count1", 10, count_main,
                     (void *)1);
    if (rebooted || c1_starts > 1)
        return;
    if (HUNG_CORE == 1)
        td_thread_create(&beat, beat_stack, sizeof beat_stack, "beat", 12, beat_main, NULL);
#if defined(WD_both)
    td_thread_create(&spin1, spin1_stack, sizeof spin1_stack, "spin1", 30, spin1_main, NULL);
#endif
}

int main(void)
{
    td_fault_record_t prev;
    if (td_fault_previous(&prev) == TD_OK) {
        rebooted = 1;
        td_printf("previous: core %u reason %s thread \"%s\" ms %ld limit %lu action %u flags 0x%02x\n",
                  prev.core, td_fault_reason_name(prev.reason), prev.thread, (long)prev.code,
                  (unsigned long)prev.addr, prev.action, prev.flags);
    }
    td_watchdog_config_t cfg = { 100, 300, WD_POLICY };
    int r = td_watchdog_start(&cfg);
    td_printf("watchdog start: %s, policy %u\n", td_strerror(r), WD_POLICY);
    if (td_kernel_launch_core1(core1_entry, NULL) != TD_OK)
        td_printf("core 1 did not start\n");
    td_thread_create(&counter0, counter0_stack, sizeof counter0_stack, "count0", 10, count_main,
                     (void *)0);
    if (rebooted) {
        td_sleep(TD_MS(200));
        td_printf("misses %lu\n", (unsigned long)td_watchdog_misses());
        td_watchdog_stop();
        return 0;
    }
    if (HUNG_CORE == 0)
        td_thread_create(&beat, beat_stack, sizeof beat_stack, "beat", 12, beat_main, NULL);
    for (;;)
        td_sleep(TD_SEC(1));
}
