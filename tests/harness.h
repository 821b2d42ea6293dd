/*
 * tests/harness.h: the test harness shared by the host and target builds.
 *
 * A test is a function declared with TEST(name) in any test source file and
 * listed once in tests/list.h. The runner (tests/runner.c) runs each in
 * core 0's main thread and prints "PASS name", "FAIL name: reason" or
 * "SKIP name: reason" (TH_SKIP below), then "N passed, M failed" (a skipped
 * test counts as neither; ", K skipped" follows when K > 0), and ends the
 * run with port_exit(0 if all passed, else 1): on the chip a bkpt the
 * emulator turns into its exit status. Every line is printed whole, however
 * long (a long one goes to the console in pieces).
 *
 * CHECK(cond) records the first failed condition of the running test (from
 * any thread or core) and goes on; REQUIRE(cond) also returns from the
 * calling function. Every wait in a test is bounded; a test that does not
 * finish within TH_TEST_TIMEOUT_MS fails as "timed out" and ends the run
 * (counted in the cores' own time, port_core_ran_us: on the host not while
 * the host left them off its CPU).
 * A test with a fixed, large amount of work (the message stress tests)
 * calls th_progress() as it goes: then it fails when TH_TEST_TIMEOUT_MS
 * pass without a result or progress, not after a fixed time, which a
 * loaded host stretches at will.
 */
#ifndef TANDEM_TESTS_HARNESS_H
#define TANDEM_TESTS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "tandem/tandem.h"

#ifndef TH_TEST_TIMEOUT_MS
#define TH_TEST_TIMEOUT_MS 20000u
#endif

/* Bounds on wake-up latencies measured in real time are multiplied by this:
 * 1 on the target (simulated time is exact); larger on the host port, whose
 * two "cores" are pthreads that a loaded Linux may leave unscheduled. */
#ifndef TH_LATENCY_SLACK
#define TH_LATENCY_SLACK 1u
#endif
/* Ticks a thread may wake late beyond what the kernel promises: 0 on the
 * target; on the host, Linux may run a "core" late under load. */
#ifndef TH_TICK_SLACK
#define TH_TICK_SLACK 0u
#endif

#define TEST(name) void test_##name(void)

/* what and file are kept until the test's result is printed: strings that
 * last the run (literals, as the macros below give). */
bool th_check(bool ok, const char *what, const char *file, int line);
bool th_check_eq(long long got, long long want, const char *what, const char *file, int line);

#define CHECK(cond) th_check((cond) != 0, #cond, __FILE__, __LINE__)
#define CHECK_EQ(got, want) \
    th_check_eq((long long)(got), (long long)(want), #got " == " #want, __FILE__, __LINE__)
#define REQUIRE(cond) do { if (!CHECK(cond)) return; } while (0)
#define REQUIRE_EQ(got, want) do { if (!CHECK_EQ(got, want)) return; } while (0)

/* End the running test as skipped on this port: it prints "SKIP name:
 * reason" instead of PASS and counts as neither passed nor failed. For a
 * test that cannot do its work on this port (a facility the port lacks),
 * said where the test finds it out, in the test's own function (it
 * returns from it). A check that failed before still fails the test. */
void th_skip(const char *reason);
#define TH_SKIP(reason) do { th_skip(reason); return; } while (0)

/* The running test made progress (any thread, either core): the runner's
 * time limit starts again (see above). */
void th_progress(void);

/* Print "INFO key value" (figures for benchmarks and people). */
void th_info(const char *key, long long value);

/* Run fn(arg) in core 1's helper thread (launched by the runner) and return
 * at once; th_core1_wait waits until it returned, at most timeout ticks of
 * core 1's own time (port_core_ran_us: on the host, time core 1's pthread
 * was not run does not count).
 * Returns 0 or TD_ERR_BUSY / TD_ERR_TIMEOUT. A job that faults under the
 * restart policy counts as returned once core 1 runs the helper again. */
int th_core1_run(td_entry_t fn, void *arg);
int th_core1_wait(td_tick_t timeout);

/* Call fn() once, first thing, in core 1's helper thread when core 1 next
 * (re)starts: before its first tick, so a test can hold that tick back
 * (e.g. with the interrupts masked). Set NULL to take it back. */
void th_core1_on_start(void (*fn)(void));

/* Capture what the console device gets (the port's console output, from
 * either core, including fault reports) between th_capture_begin and
 * th_capture_end, so a test can check the text. On the host (TH_HOST) the
 * console is stdout, redirected to a file meanwhile. On the target the test
 * image is linked with the port's device calls wrapped (ld --wrap,
 * tests/tests.mk): each byte is copied to a RAM buffer of TH_CAPTURE_MAX
 * bytes as it is handed to the UART, in the order the device gets them,
 * and still goes out. th_capture_end copies at most size - 1 bytes and a
 * NUL into buf, puts the text in the log (the host's had not gone out) and
 * returns the number of bytes captured, or -1 if nothing was being captured
 * or the target's buffer overflowed (then buf holds what fitted).
 * th_capture_begin returns 0, TD_ERR_BUSY (already capturing) or
 * TD_ERR_UNSUPPORTED. */
int th_capture_begin(void);
int th_capture_end(char *buf, unsigned size);

/* Hand n bytes to the console's input (td_console_getc/gets), where the
 * port allows it: the host port. Returns 0, or TD_ERR_UNSUPPORTED on the
 * target (its input is the UART's wire). */
int th_input_feed(const char *s, size_t n);

/* Hold the console device (it takes no byte, as a UART whose wire is busy:
 * the buffered mode's ring keeps what is written) or let it go on, where
 * the port allows it: the host port (the target's UART is slow enough by
 * itself). Returns 0, or TD_ERR_UNSUPPORTED on the target. */
int th_console_hold(bool held);

/* Stop the console device as a program stops a UART (true: the RP2040's
 * UARTCR.UARTEN cleared; the host: host_console_stop) or start it again.
 * Returns 0, or TD_ERR_UNSUPPORTED where not modelled (the an521). */
int th_console_stop(bool stopped);

/* Stop the console device's clock (true: the RP2040's clk_peri,
 * CLK_PERI_CTRL.ENABLE cleared) or start it again. Returns 0, or
 * TD_ERR_UNSUPPORTED where there is none to stop (the host, the an521). */
int th_console_clock_stop(bool stopped);

/* Whether text contains part (both NUL-terminated). */
bool th_contains(const char *text, const char *part);

/* Busy-wait for us microseconds without blocking (an interrupt point on
 * the host port, so interrupts and preemption still happen). */
void th_busy_us(uint32_t us);

/* Busy-wait until this core's tick count has advanced by 'ticks' (for tests
 * that reason in ticks: on a loaded host the tick can lag the wall clock).
 * Gives up after 100 times the nominal time, so it never hangs. */
void th_busy_ticks(td_tick_t ticks);

/* This core's own running time in microseconds (port_core_ran_us): on the
 * target the time itself; on the host only the time this core's pthread
 * ran. A host that left the pthread off its CPU owes the core the ticks of
 * that time and delivers them in a burst at its next interrupt point: a
 * wait then ends that many ticks late by the tick count, but not by the
 * core's own time, which is what tells a wait that overstays its timeout. */
uint64_t th_ran_us(void);
/* Core 'core''s own running time in microseconds (port_core_ran_us), for
 * a wait on what that core does. */
uint64_t th_core_ran_us(unsigned core);
/* Sleep one tick at a time while cond is false, for at most ms
 * milliseconds of core 'core''s own running time: a wait of one core for
 * what the other does, which a host may leave off its CPU for longer than
 * any fixed bound of the waiting core's clock (on the target the time). */
#define TH_WAIT_CORE(core, ms, cond)                                                    \
    do {                                                                                \
        uint64_t th_r0_ = th_core_ran_us(core);                                         \
        while (!(cond) && th_core_ran_us(core) - th_r0_ < (uint64_t)(ms) * 1000u)      \
            td_sleep(1);                                                                \
    } while (0)

/* Whether at most n + TH_TICK_SLACK ticks of this core's own time have
 * passed since th_ran_us() returned ran0: checked on the host, always true
 * on the target (there the tick count itself is exact and checked). */
bool th_ran_within(uint64_t ran0, td_tick_t n);

/* Wait until thread t (of this core) has ended, sleeping a tick at a time,
 * at most 'turns' times, then join it without waiting: returns
 * td_thread_join's result (TD_ERR_WOULD_BLOCK if t has not ended). For a
 * thread that must run to end: bounded by the caller's turns, each of
 * which lets t run, not by a deadline, which the burst of ticks a loaded
 * host owes a core it did not run can pass before t has run at all. On
 * the target each turn is one tick. */
int th_join_turns(td_thread_t *t, unsigned turns);

/* Sleep one tick and return the tick count: the calling thread then starts
 * just after a tick interrupt, a whole tick before the next one (on the
 * target), so a wait begun now can be measured in exact ticks. */
td_tick_t th_tick_start(void);

#endif /* TANDEM_TESTS_HARNESS_H */
