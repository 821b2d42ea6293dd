/*
 * bench/usb: the USB console's figures, built with the USB console route
 * (TD_CONSOLE=usb) and run with tandem-sim's USB host, which opens the port
 * as a terminal would. Measured by the firmware, so the same image prints
 * the same lines on a real Pico (its host's timing differs):
 *
 *   usb_line_cycles         clk_sys cycles td_printf of a 40-character line
 *                           costs the printing thread, the port open and
 *                           room in the ring (it formats, copies into the
 *                           ring and hands a packet to the controller when
 *                           the endpoint is free)
 *   usb_throughput_bytes_per_s  both cores printing 64-byte lines as fast as
 *                           they can, 16 KiB each: bytes the host took per
 *                           second of simulated time, from the first line
 *                           to the flush that finds everything taken
 *   usb_boot_to_open_ms     kernel start until the host opened the port
 *
 * Enumeration time, the device's response time and the stack's flash and
 * RAM come from the host's side and the map (bench/usb/host.js).
 */
#include "bench.h"
#include "port.h"
#include "tandem/console.h"
#include "tandem/tandem.h"

#define SAMPLES 64
#define PER_CORE (16u * 1024u)
#define LINE 64u

static uint32_t samples[SAMPLES];
static volatile uint32_t core1_bytes, core1_done;

/* 64 bytes with its newline: "cN NNNNN " and filler */
static unsigned print_line(unsigned core, unsigned n)
{
    return (unsigned)td_printf("c%u %05u ......................................................\n", core, n);
}

static void core1_printer(void *arg)
{
    (void)arg;
    unsigned sent = 0;
    for (unsigned n = 0; sent < PER_CORE; n++)
        sent += print_line(1, n);
    core1_bytes = sent;
    core1_done = 1;
}

int main(void)
{
    uint64_t t0 = td_time_us();
    while (!port_console_open())
        td_sleep(1);
    bench_value("usb_boot_to_open_ms", "ms", (uint32_t)((td_time_us() - t0) / 1000u));

    /* the cost of a line: each sample with the ring drained first */
    uint32_t overhead;
    {
        uint32_t a = port_cycles(), b = port_cycles();
        overhead = b - a;
    }
    for (unsigned i = 0; i < SAMPLES; i++) {
        td_console_flush(TD_MS(100));
        uint32_t a = port_cycles();
        int n = td_printf("line %02u of the cost test: 40 characters\n", i);
        uint32_t b = port_cycles();
        if (n != 40)
            bench_fail("usb_line_cycles", "the line is not 40 characters");
        samples[i] = b - a - overhead;
    }
    bench_report("usb_line_cycles", "cycles", samples, SAMPLES);

    /* throughput, both cores */
    td_console_flush(TD_MS(100));
    td_console_stats_t before, after;
    td_console_stats(&before);
    uint64_t start = td_time_us();
    if (td_start_new_thread(core1_printer, NULL) != TD_OK)
        bench_fail("usb_throughput_bytes_per_s", "core 1 did not start");
    unsigned sent = 0;
    for (unsigned n = 0; sent < PER_CORE; n++)
        sent += print_line(0, n);
    while (!core1_done)
        td_sleep(1);
    /* the end: looked for without sleeping, so it is not rounded to a tick */
    uint64_t give_up = td_time_us() + 5000000u;
    while (td_console_flush(TD_NO_WAIT) != TD_OK && td_time_us() < give_up)
        ;
    uint64_t us = td_time_us() - start;
    if (td_console_flush(TD_NO_WAIT) != TD_OK)
        bench_fail("usb_throughput_bytes_per_s", "the console did not drain");
    td_console_stats(&after);
    uint32_t total = sent + core1_bytes;
    if (after.lost != before.lost)
        bench_fail("usb_throughput_bytes_per_s", "bytes were lost");
    if (after.bytes - before.bytes != total)
        bench_fail("usb_throughput_bytes_per_s", "the ring did not see every byte");
    bench_value("usb_throughput_bytes_per_s", "B/s", (uint32_t)((uint64_t)total * 1000000u / us));
    td_printf("usb: %lu bytes in %lu us, writers slept %lu times for room\n", (unsigned long)total,
              (unsigned long)us, (unsigned long)(after.waits - before.waits));
    td_console_flush(TD_MS(1000));
    bench_done();
}
