/*
 * tests/usb/main.c: the USB console test image (the 'usb' suite,
 * tests/usb/run.js). One image, the scenario read at start-up from GPIO 10..13
 * (pulled down: scenario 0 unless the emulator drives them, --gpio-in):
 *
 *   0 echo:     a banner at boot, then each input line back as "echo: LINE (N)";
 *               "usb stats" prints the device's counters, then the console's
 *               mode and what a switch to polled mode answers (refused)
 *   1 overflow: 60 numbered 40-byte lines at boot, before the host can open
 *               the port (2400 bytes against a 1024-byte ring), then
 *               "after open" once it is open, then the console's statistics
 *   2 both:     both cores print numbered long (150 bytes) and short lines
 *               at once, 200 each, then the statistics
 *   3 fault1:   core 1 reads through a null pointer after the port opens
 *               (GPIO 14 high: at 300 ms); core 0 goes on printing
 *               "core 0: tick N"
 *   4 stream:   core 0 prints a numbered 101-byte line every 5 ms, for ever
 *               (unplug, replug, bus reset, suspend); input 's': the counters
 *   5 fault0:   core 0 faults (null pointer) once the port is open, policy
 *               from GPIO 14: 0 halt, 1 reboot; after a reboot it prints the
 *               previous run's record and goes on ticking
 *   6 uid:      prints the serial number the descriptors carry, and where
 *               the flash id routine runs from
 *   7 locked:   core 1 faults holding the USB lock (restart policy); core 0
 *               goes on printing; core 1, restarted, takes the lock again
 *   8 midline:  core 0 prints a 149-byte line once the port is open and
 *               faults (null pointer, halt) at once, while the device has
 *               sent its first packet only: the fault path finishes the line;
 *               GPIO 14 high: nine 100-byte lines first, so that the rest of
 *               the line wraps round the end of the console's ring
 *   9 fullline: as midline, a 128-byte line: the fault path's part of it is
 *               one full packet, which a zero-length packet closes
 *  10 closed:   30 numbered 40-byte lines at boot (more than the ring holds),
 *               then core 1 faults at once, before the host opens the port:
 *               the report finds the ring full; "after open" once it opens
 *  11 zlpflush: once the port is open, core 1 prints a line of exactly one
 *               full packet (64 bytes) and flushes the console; whether the
 *               flush returned, and what it returned, are in memory
 *  12 never:    for a host that never opens the port: 60 numbered 40-byte
 *               lines at once, a flush of 200 ms, then main returns (the
 *               kernel's exit flush); what each took is in memory *  13 flood:    once the port is open, reads nothing for 300 ms while the
 *               host sends more than the input ring holds, then reads
 *               until 500 ms pass without a byte: count and checksum
 */
#include "tandem/console.h"
#include "tandem/fault.h"
#include "tandem/gpio.h"
#include "tandem/hwtable.h"
#include "tandem/tandem.h"

#include "port.h"
#include "usb/usb_desc.h"
#include "usb/usb_dev.h"

#include <string.h>

static unsigned scenario;

static void stats_line(const char *who)
{
    td_console_stats_t st;
    td_console_stats(&st);
    td_printf("%s: stats writes %lu bytes %lu waits %lu lost %lu\n", who,
              (unsigned long)st.writes, (unsigned long)st.bytes, (unsigned long)st.waits,
              (unsigned long)st.lost);
}

/* The device's own counters (usb_dev.c). */
static void usb_stats_line(void)
{
    usb_dev_stats_t st;
    usb_dev_stats(&st);
    td_printf("usb: resets %lu setups %lu stalls %lu suspends %lu resumes %lu\n",
              (unsigned long)st.bus_resets, (unsigned long)st.setups, (unsigned long)st.stalls,
              (unsigned long)st.suspends, (unsigned long)st.resumes);
}

/* Wait until the host has the port open (as a user's program would not:
 * here it shows what happens once it is). */
static void wait_open(void)
{
    while (!port_console_open())
        td_sleep(1);
}

/* ---- 0 echo ------------------------------------------------------------------------- */
static void echo(void)
{
    td_printf("usb test: echo ready\n");
    char line[80];
    for (;;) {
        int n = td_console_gets(line, sizeof line, TD_FOREVER);
        if (n >= 0 && strcmp(line, "usb stats") == 0) {
            usb_stats_line();
            int r = td_console_set_mode(TD_CONSOLE_POLLED);
            td_printf("usb: console mode %d, polled %s\n", td_console_mode(), td_strerror(r));
        } else if (n >= 0)
            td_printf("echo: %s (%d)\n", line, n);
    }
}

/* ---- 1 overflow ----------------------------------------------------------------------- */
static void overflow(void)
{
    for (unsigned i = 0; i < 60; i++)       /* 40 bytes each, newline included */
        td_printf("boot line %02u ..........................\n", i);
    wait_open();
    td_printf("after open\n");
    stats_line("overflow");
}

/* ---- 2 both cores ---------------------------------------------------------------- */
#define LINES 200
static const char filler[] =
    "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV";
static volatile uint32_t core1_done;

static void print_lines(unsigned core)
{
    for (unsigned i = 0; i < LINES; i++) {
        if (i % 2)
            td_printf("c%u %03u short\n", core, i);
        else                                /* 150 bytes with its newline */
            td_printf("c%u %03u long %.*s\n", core, i, 135, filler);
    }
}

static void both_core1(void *arg)
{
    (void)arg;
    print_lines(1);
    core1_done = 1;
}

static void both(void)
{
    wait_open();
    td_start_new_thread(both_core1, NULL);
    print_lines(0);
    while (!core1_done)
        td_sleep(1);
    stats_line("both");
}

/* ---- 3 core 1 fault -------------------------------------------------------------------- */
static void fault1_core1(void *arg)
{
    (void)arg;
    static const volatile uint32_t *nowhere;
    while (td_gpio_get(14) == 1 && td_time_us() < 300000u)
        td_sleep(1);
    td_printf("core 1: about to read through a null pointer\n");
    td_printf("core 1: read %lu\n", (unsigned long)*nowhere);
}

static void fault1(void)
{
    wait_open();
    td_fault_set_policy(1, TD_FAULT_HALT);
    td_start_new_thread(fault1_core1, NULL);
    for (unsigned n = 1;; n++) {
        td_sleep(TD_MS(20));
        td_printf("core 0: tick %u, core 1 %s\n", n,
                  td_fault_core_state(1) == TD_CORE_HALTED ? "halted" : "running");
    }
}

/* ---- 10 core 1 faults while the port is closed and the ring full ---------------------- */
static void closed_fault(void)
{
    td_fault_set_policy(1, TD_FAULT_HALT);
    for (unsigned i = 0; i < 30; i++)       /* 40 bytes each, newline included */
        td_printf("boot line %02u ..........................\n", i);
    td_start_new_thread(fault1_core1, NULL);        /* GPIO 14 low: faults at once */
    while (td_fault_core_state(1) != TD_CORE_HALTED)
        td_sleep(1);
    wait_open();
    td_printf("after open\n");
}

/* ---- 4 stream ------------------------------------------------------------------------ */
/* Lines printed so far and the console's statistics after the last one,
 * for the test to read from memory while the host reads nothing. */
volatile uint32_t stream_printed;
td_console_stats_t stream_stats;

static void stream(void)
{
    for (unsigned n = 0;; n++) {
        td_printf("stream %05u %.*s\n", n, 87, filler);   /* 101 bytes */
        td_console_stats(&stream_stats);
        stream_printed = n + 1;
        td_sleep(TD_MS(5));
        if (td_console_getc(TD_NO_WAIT) == 's')
            usb_stats_line();
    }
}

/* ---- 5 core 0 fault --------------------------------------------------------------------- */
static void fault0(void)
{
    td_fault_record_t prev;
    if (td_fault_previous(&prev) == TD_OK) {
        for (unsigned n = 1;; n++) {
            td_printf("after reboot: tick %u\n", n);
            td_sleep(TD_MS(20));
        }
    }
    td_fault_set_policy(0, td_gpio_get(14) == 1 ? TD_FAULT_REBOOT : TD_FAULT_HALT);
    wait_open();
    td_printf("core 0: about to read through a null pointer\n");
    td_sleep(TD_MS(5));
    static const volatile uint32_t *nowhere;
    td_printf("core 0: read %lu\n", (unsigned long)*nowhere);
}

/* ---- 8, 9 a fault in the middle of a line ---------------------------------------------- */
/* The line: "midline ", k bytes of filler, a newline. */
static void midline(int k)
{
    td_fault_set_policy(0, TD_FAULT_HALT);
    wait_open();
    if (td_gpio_get(14) == 1) {
        for (unsigned i = 0; i < 9; i++)
            td_printf("pad %u %.*s\n", i, 93, filler);    /* 100 bytes */
        (void)td_console_flush(TD_SEC(1));
    }
    td_sleep(TD_MS(5));
    td_printf("midline %.*s\n", k, filler);
    static const volatile uint32_t *nowhere;
    td_printf("core 0: read %lu\n", (unsigned long)*nowhere);
}

/* ---- 11 a flush after a full packet ------------------------------------------------------
 * The flush returns only once the host has taken the zero-length packet that
 * closes the transfer: the test reads zlpflush_done as the host takes it. */
volatile uint32_t zlpflush_done;
volatile int32_t zlpflush_rc = 1;

static void zlpflush_core1(void *arg)
{
    (void)arg;
    td_printf("%.*s\n", 63, filler);       /* 64 bytes: one full packet */
    zlpflush_rc = td_console_flush(TD_SEC(1));
    zlpflush_done = 1;
}

static void zlpflush(void)
{
    wait_open();
    td_start_new_thread(zlpflush_core1, NULL);
    for (;;)
        td_sleep(TD_MS(100));
}

/* ---- 12 nobody opens the port ---------------------------------------------------------
 * Nothing may wait for a host that never comes but what the caller bounds:
 * the lines go into the ring or are dropped and counted, the flush returns
 * TD_ERR_TIMEOUT at its timeout, and main's return ends the run after the
 * kernel's exit flush (TD_CONSOLE_EXIT_FLUSH_MS). */
volatile int32_t never_flush_rc = 1;
volatile uint32_t never_print_us, never_flush_us, never_return_us;
td_console_stats_t never_stats;

static void never(void)
{
    uint64_t t0 = td_time_us();
    for (unsigned i = 0; i < 60; i++)       /* 40 bytes each, newline included */
        td_printf("boot line %02u ..........................\n", i);
    uint64_t t1 = td_time_us();
    never_flush_rc = td_console_flush(TD_MS(200));
    uint64_t t2 = td_time_us();
    td_console_stats(&never_stats);
    never_print_us = (uint32_t)(t1 - t0);
    never_flush_us = (uint32_t)(t2 - t1);
    never_return_us = (uint32_t)td_time_us();
}

/* ---- 13 input while nobody reads --------------------------------------------------------
 * The input ring (256 bytes) fills; the bulk OUT endpoint is then not handed
 * back, so the host waits (NAK) and nothing is lost. */
static void flood(void)
{
    wait_open();
    td_printf("flood: not reading\n");
    td_sleep(TD_MS(300));
    uint32_t n = 0, sum = 0;
    int c;
    while ((c = td_console_getc(TD_MS(500))) >= 0) {
        n++;
        sum = sum * 31u + (uint32_t)c;
    }
    td_printf("flood: got %lu bytes, sum %08lx, last %s\n", (unsigned long)n,
              (unsigned long)sum, td_strerror(c));
    for (;;)
        td_sleep(TD_MS(100));
}

/* ---- 6 serial number ------------------------------------------------------------------ */

static void uid(void)
{
    td_printf("serial %s\n", usb_desc_serial());
    wait_open();
    td_printf("serial %s\n", usb_desc_serial());
}

/* ---- 7 core 1 faults holding the USB lock ---------------------------------------------
 * Its fault path writes the report through the lock it holds; core 0 takes
 * it over once core 1 halted (or finds it released when core 1 was noted
 * down), and the restarted core 1 finds it free: the kernel forgot the
 * first run's hold. */
static volatile uint32_t locked_runs;

static void locked_core1(void *arg)
{
    (void)arg;
    unsigned run = ++locked_runs;
    if (run == 1) {
        td_printf("core 1: run 1, faulting with the USB lock held\n");
        static const volatile uint32_t *nowhere;
        port_irq_state_t s = usb_dev_lock();
        uint32_t v = *nowhere;
        usb_dev_unlock(s);
        td_printf("core 1: read %lu\n", (unsigned long)v);
        return;
    }
    port_irq_state_t s = port_irq_save();
    bool claimed = port_spin_take_recorded(TD_SPIN_USB);
    if (claimed)
        port_spin_give_recorded(TD_SPIN_USB);
    port_irq_restore(s);
    td_printf("core 1: run %u, USB lock %s\n", run, claimed ? "claimed" : "still recorded as ours");
    for (;;)
        td_sleep(TD_MS(100));
}

static void locked(void)
{
    wait_open();
    td_fault_set_policy(1, TD_FAULT_RESTART);
    if (td_kernel_launch_core1(locked_core1, NULL) != TD_OK)
        td_printf("core 1 did not start\n");
    for (unsigned n = 1;; n++) {
        td_sleep(TD_MS(20));
        td_printf("core 0: tick %u, restarts %lu\n", n, (unsigned long)td_fault_restarts());
    }
}

int main(void)
{
    for (unsigned p = 10; p <= 14; p++)
        td_gpio_init_input(p, false);
    for (unsigned p = 0; p < 4; p++)
        scenario |= (td_gpio_get(10 + p) == 1 ? 1u : 0u) << p;
    switch (scenario) {
    case 0: echo(); break;
    case 1: overflow(); break;
    case 2: both(); break;
    case 3: fault1(); break;
    case 4: stream(); break;
    case 5: fault0(); break;
    case 6: uid(); break;
    case 7: locked(); break;
    case 8: midline(140); break;    /* 149 bytes */
    case 9: midline(119); break;    /* 128 bytes */
    case 10: closed_fault(); break;
    case 11: zlpflush(); break;
    case 12: never(); break;
    case 13: flood(); break;
    default: td_printf("unknown scenario %u\n", scenario); break;
    }
    return 0;
}
