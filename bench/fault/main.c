/*
 * bench/fault: what a fault costs in time, on core 1 under TD_FAULT_RESTART.
 *
 *   fault_to_report_cycles  from the faulting instruction (a load through a
 *                           null pointer, in a thread of core 1) to the
 *                           first byte of the report going to the UART: the
 *                           HardFault entry, decoding, the record, telling
 *                           core 0, writing the report text (core 1's cycle
 *                           counter, read by the thread just before the load
 *                           and by the fault path as the report starts out)
 *   core1_restart_cycles    from that instruction to core 1 running its entry
 *                           again: the whole report at the console's baud
 *                           rate, core 0's supervision noticing (next tick),
 *                           PSM reset, clean-up, relaunch, the new kernel
 *                           (the shared microsecond timer, x clk_sys MHz)
 *   core1_relaunch_cycles   the part of it after core 1 halted (the report
 *                           done): supervision latency, reset, relaunch
 *   fault_report_bytes      the report's length
 *   guard_per_thread_bytes  RAM per thread for its guard (and list link)
 *   guard_main_stacks_bytes main stack RAM both cores give to their guards
 *                           (these two are the port's constants, printed
 *                           with kind=constant: not measured)
 *
 * Each round checks its own work: the record must name the null pointer in
 * thread "faulter" at the address the thread used, and the entry must have
 * run again. The flash and RAM of the fault module's code and data come
 * from this image's map (bench/fault/footprint.js, in 'make bench').
 */
#include "bench.h"
#include "port.h"
#include "tandem/config.h"
#include "tandem/fault.h"
#include "tandem/tandem.h"

#define ROUNDS 7

static volatile uint32_t starts;              /* survive core 1's restarts */
static volatile uint32_t fault_at_cycles;
static volatile uint64_t fault_at_us, entry_at_us[ROUNDS + 2];
static volatile uint32_t *volatile null_ptr;  /* 0 */

TD_THREAD_DEFINE(faulter, 512);

static void faulter_main(void *arg)
{
    (void)arg;
    td_sleep(TD_MS(5));
    fault_at_us = port_time_us();
    fault_at_cycles = port_cycles();
    (void)*null_ptr;                          /* the fault */
}

static void core1_entry(void *arg)
{
    (void)arg;
    uint32_t n = ++starts;
    if (n < ROUNDS + 2)
        entry_at_us[n] = port_time_us();
    if (n <= ROUNDS)
        td_thread_create(&faulter, faulter_stack, sizeof faulter_stack, "faulter", 20,
                         faulter_main, NULL);
}

int main(void)
{
    static uint32_t to_report[ROUNDS], restart[ROUNDS], relaunch[ROUNDS];
    const uint32_t mhz = TD_CLK_SYS_HZ / 1000000u;
    td_fault_set_policy(1, TD_FAULT_RESTART);
    if (td_kernel_launch_core1(core1_entry, NULL) != TD_OK) {
        bench_fail("core1_restart_cycles", "core 1 did not start");
        bench_done();
    }
    uint32_t bytes = 0;
    for (unsigned i = 0; i < ROUNDS; i++) {
        /* wait for core 1 to halt after its fault, then for its next start */
        uint64_t end = td_time_us() + 1000000u;
        while (td_fault_core_state(1) != TD_CORE_HALTED && td_time_us() < end) {
        }
        uint64_t halted_us = td_time_us();
        while (starts < i + 2 && td_time_us() < end)
            td_sleep(1);
        td_fault_record_t r;
        if (starts < i + 2 || td_fault_last(1, &r) != TD_OK || r.seq != i + 1) {
            bench_fail("core1_restart_cycles", "core 1 did not fault and come back");
            bench_done();
        }
        if (r.reason != TD_FAULT_NULL || r.addr != 0 || r.thread[0] != 'f' ||
            r.action != TD_FAULT_RESTART) {
            bench_fail("fault_to_report_cycles", "the record does not describe the fault");
            bench_done();
        }
        to_report[i] = r.report_cycles - fault_at_cycles;
        restart[i] = (uint32_t)(entry_at_us[i + 2] - fault_at_us) * mhz;
        relaunch[i] = (uint32_t)(entry_at_us[i + 2] - halted_us) * mhz;
        bytes = r.report_bytes;
    }
    bench_report("fault_to_report_cycles", "cycles", to_report, ROUNDS);
    bench_report("core1_restart_cycles", "cycles", restart, ROUNDS);
    bench_report("core1_relaunch_cycles", "cycles", relaunch, ROUNDS);
    bench_value("fault_report_bytes", "bytes", bytes);
    /* what the guards take: per thread the guard and the thread list link in
     * its control block; per core the main stack's guard */
    bench_fixed("guard_per_thread_bytes", "bytes", PORT_STACK_GUARD + (uint32_t)sizeof(void *),
                "constant");
    bench_fixed("guard_main_stacks_bytes", "bytes", PORT_NUM_CORES * PORT_MAIN_GUARD, "constant");
    if (td_fault_restarts() != ROUNDS)
        bench_fail("core1_restart_cycles", "restart count");
    bench_done();
}
