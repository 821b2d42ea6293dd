/*
 * tests/runner.c: the harness and the test runner (see harness.h).
 */
#include "harness.h"

#include <string.h>
#ifdef TH_HOST
#include <stdlib.h>
#endif

#include "port.h"
#include "tandem/hwtable.h"

#define TH_STRESS 1u
/* The test needs the other core to run while this one spins with
 * interrupts masked (a flash writer waiting for the park answer): not run
 * in a build for an emulation that runs one core at a time and hands over
 * only when a core waits (TH_SERIAL_CORES: QEMU's -icount mode); a build
 * with TH_STRESS_ONLY and TH_WITH_PARALLEL runs it beside the stress
 * tests. */
#define TH_PARALLEL 2u

/* The test list: tests/list.h, or another suite's (-DTH_LIST='"drivers/list.h"'). */
#ifndef TH_LIST
#define TH_LIST "list.h"
#endif

#define X(name, flags) void test_##name(void);
#include TH_LIST
#undef X

static const struct th_test {
    const char *name;
    void (*fn)(void);
    unsigned flags;
} tests[] = {
#define X(name, flags) { #name, test_##name, flags },
#include TH_LIST
#undef X
};

/* ---- output without a C library ------------------------------------------------ */

/* A line is gathered in buf and goes out with its newline (one console
 * write); a longer one goes out in pieces of the buffer's size as it fills:
 * whole, never cut. */
struct line {
    char buf[200];
    unsigned n;
};

static void put_c(struct line *l, char c)
{
    if (l->n == sizeof l->buf) {
        port_console_write(l->buf, l->n);
        l->n = 0;
    }
    l->buf[l->n++] = c;
}

static void put(struct line *l, const char *s)
{
    while (*s != '\0')
        put_c(l, *s++);
}

static void put_int(struct line *l, long long v)
{
    char d[24];
    unsigned n = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        d[n++] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u != 0);
    if (v < 0)
        d[n++] = '-';
    while (n > 0)
        put_c(l, d[--n]);
}

static void emit(struct line *l)
{
    put_c(l, '\n');
    port_console_write(l->buf, l->n);
    l->n = 0;
}

static void say(const char *a, const char *b)
{
    struct line l = { .n = 0 };
    put(&l, a);
    put(&l, b);
    emit(&l);
}

/* ---- failures, from any thread of either core --------------------------------- */

static TD_LOCK_DEFINE(th_lock, TD_SPIN_USER_LAST);
/* The first failure of the running test, written out whole when it ends
 * (what and file last the run: harness.h). */
static struct failure {
    const char *what, *file;
    int line;
    bool eq;
    long long got, want;
} failure;
static unsigned failures;

static void fail(const char *what, const char *file, int line, bool eq, long long got,
                 long long want)
{
    while (td_lock_take(&th_lock) == TD_ERR_DEADLOCK) {
    }
    if (failures++ == 0)
        failure = (struct failure){ what, file, line, eq, got, want };
    td_lock_give(&th_lock);
}

static void put_failure(struct line *l)
{
    put(l, failure.what);
    if (failure.eq) {
        put(l, ": got ");
        put_int(l, failure.got);
        put(l, ", expected ");
        put_int(l, failure.want);
    }
    put(l, " (");
    put(l, failure.file);
    put(l, ":");
    put_int(l, failure.line);
    put(l, ")");
}

bool th_check(bool ok, const char *what, const char *file, int line)
{
    if (!ok)
        fail(what, file, line, false, 0, 0);
    return ok;
}

bool th_check_eq(long long got, long long want, const char *what, const char *file, int line)
{
    if (got != want)
        fail(what, file, line, true, got, want);
    return got == want;
}

void th_info(const char *key, long long value)
{
    struct line l = { .n = 0 };
    put(&l, "INFO ");
    put(&l, key);
    put(&l, " ");
    put_int(&l, value);
    emit(&l);
}

void th_busy_us(uint32_t us)
{
    uint64_t end = td_time_us() + us;
    while (td_time_us() < end) {
    }
}

void th_busy_ticks(td_tick_t ticks)
{
    /* Bounded in real time too: interrupts may be masked (no tick), and a
     * test must never hang. */
    td_tick_t t_end = td_time_ticks() + ticks;
    uint64_t limit = td_time_us() + (uint64_t)ticks * (1000000u / TD_TICK_HZ) * 100u;
    while ((int32_t)(td_time_ticks() - t_end) < 0 && td_time_us() < limit) {
    }
}

td_tick_t th_tick_start(void)
{
    td_sleep(1);
    return td_time_ticks();
}

/* ---- capturing the console (host only) ---------------------------------------------- */

#ifdef TH_HOST
#include <stdio.h>
#include <unistd.h>
#include "host.h"

static FILE *cap_file;
static int cap_saved = -1;

int th_input_feed(const char *s, size_t n)
{
    return host_console_feed(s, n) == n ? TD_OK : TD_ERR_FULL;
}

int th_console_hold(bool held)
{
    host_console_hold(held);
    return TD_OK;
}

int th_console_stop(bool stopped)
{
    host_console_stop(stopped);
    return TD_OK;
}

int th_console_clock_stop(bool stopped)
{
    (void)stopped;
    return TD_ERR_UNSUPPORTED;
}

int th_capture_begin(void)
{
    if (cap_file != NULL)
        return TD_ERR_BUSY;
    cap_file = tmpfile();
    if (cap_file == NULL)
        return TD_ERR_UNSUPPORTED;
    cap_saved = dup(STDOUT_FILENO);
    if (cap_saved < 0 || dup2(fileno(cap_file), STDOUT_FILENO) < 0) {
        if (cap_saved >= 0)
            close(cap_saved);
        fclose(cap_file);
        cap_file = NULL;
        return TD_ERR_UNSUPPORTED;
    }
    return TD_OK;
}

/* Back to the real stdout; the captured file stays open. */
static bool capture_stop(void)
{
    if (cap_file == NULL)
        return false;
    dup2(cap_saved, STDOUT_FILENO);
    close(cap_saved);
    cap_saved = -1;
    return true;
}

int th_capture_end(char *buf, unsigned size)
{
    if (!capture_stop()) {
        if (size > 0)
            buf[0] = '\0';
        return -1;
    }
    rewind(cap_file);
    size_t n = size > 0 ? fread(buf, 1, size - 1u, cap_file) : 0;
    if (size > 0)
        buf[n] = '\0';
    rewind(cap_file);
    char chunk[512];                     /* into the log after all, whole */
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, cap_file)) > 0)
        port_console_write(chunk, k);
    fclose(cap_file);
    cap_file = NULL;
    return (int)n;
}
#else
/* The target: the test image is linked with -Wl,--wrap for the two device
 * calls the console makes (tests/tests.mk), so every call from the kernel,
 * the port and this runner comes here first. While capturing, a byte is
 * copied (under a spinlock, either core) as the UART takes it, one byte
 * at a time, so bytes of two cores writing at once are recorded
 * interleaved as the UART gets them; a byte the UART did not take (it
 * stopped sending) is not. */
#ifndef TH_CAPTURE_MAX
#define TH_CAPTURE_MAX 8192u
#endif
size_t __real_port_console_write(const char *s, size_t n);
size_t __real_port_console_write_some(const char *s, size_t n);

static char cap_buf[TH_CAPTURE_MAX];
static unsigned cap_n;                   /* under cap_lock */
static bool cap_over;
static int cap_on;                       /* read by both cores: atomic */
/* below the drivers' spinlock (the drivers' image links this runner too)
 * and th_lock's; the tests use the first few of the range */
static TD_LOCK_DEFINE(cap_lock, TD_SPIN_DRIVERS - 1u);

static void cap_add(const char *s, size_t n)
{
    int r = td_lock_take(&cap_lock);     /* (not ours only in a fault on this core) */
    for (size_t i = 0; i < n; i++) {
        if (cap_n < sizeof cap_buf)
            cap_buf[cap_n++] = s[i];
        else
            cap_over = true;
    }
    if (r == TD_OK)
        td_lock_give(&cap_lock);
}

size_t __wrap_port_console_write(const char *s, size_t n);
size_t __wrap_port_console_write(const char *s, size_t n)
{
    if (!__atomic_load_n(&cap_on, __ATOMIC_ACQUIRE))
        return __real_port_console_write(s, n);
    for (size_t i = 0; i < n; i++) {
        if (__real_port_console_write(s + i, 1) != 1)
            return i;                   /* the device stopped: not sent */
        cap_add(s + i, 1);
    }
    return n;
}

size_t __wrap_port_console_write_some(const char *s, size_t n);
size_t __wrap_port_console_write_some(const char *s, size_t n)
{
    size_t took = __real_port_console_write_some(s, n);
    if (__atomic_load_n(&cap_on, __ATOMIC_ACQUIRE))
        cap_add(s, took);
    return took;
}

int th_capture_begin(void)
{
    if (__atomic_load_n(&cap_on, __ATOMIC_ACQUIRE))
        return TD_ERR_BUSY;
    cap_n = 0;
    cap_over = false;
    __atomic_store_n(&cap_on, 1, __ATOMIC_RELEASE);
    return TD_OK;
}

int th_input_feed(const char *s, size_t n)
{
    (void)s;
    (void)n;
    return TD_ERR_UNSUPPORTED;
}

int th_console_hold(bool held)
{
    (void)held;
    return TD_ERR_UNSUPPORTED;
}

int th_console_stop(bool stopped)
{
#if defined(__ARM_ARCH_6M__)
    /* The RP2040's console UART (UART0 0x40034000, UART1 0x40038000):
     * UARTCR.UARTEN (bit 0) through the set and clear aliases (+0x2000,
     * +0x3000). */
    uintptr_t cr = (TD_CONSOLE_UART == 0 ? 0x40034000u : 0x40038000u) + 0x30u;
    *(volatile uint32_t *)(cr + (stopped ? 0x3000u : 0x2000u)) = 1u;
    return TD_OK;
#else
    (void)stopped;
    return TD_ERR_UNSUPPORTED;
#endif
}

int th_console_clock_stop(bool stopped)
{
#if defined(__ARM_ARCH_6M__)
    /* CLOCKS CLK_PERI_CTRL (0x40008048) ENABLE (bit 11), through the clear
     * and set aliases */
    *(volatile uint32_t *)(0x40008048u + (stopped ? 0x3000u : 0x2000u)) = 1u << 11;
    return TD_OK;
#else
    (void)stopped;
    return TD_ERR_UNSUPPORTED;
#endif
}

static bool capture_stop(void)
{
    if (!__atomic_load_n(&cap_on, __ATOMIC_ACQUIRE))
        return false;
    __atomic_store_n(&cap_on, 0, __ATOMIC_RELEASE);
    if (td_lock_take(&cap_lock) == TD_OK)                    /* a copy under way ends */
        td_lock_give(&cap_lock);
    return true;
}

int th_capture_end(char *buf, unsigned size)
{
    if (!capture_stop()) {
        if (size > 0)
            buf[0] = '\0';
        return -1;
    }
    unsigned n = cap_n < size ? cap_n : (size > 0 ? size - 1u : 0u);
    memcpy(buf, cap_buf, n);
    if (size > 0)
        buf[n] = '\0';
    return cap_over ? -1 : (int)cap_n;   /* (the text already went out) */
}
#endif

bool th_contains(const char *text, const char *part)
{
    size_t n = strlen(part);
    for (; *text != '\0'; text++)
        if (strncmp(text, part, n) == 0)
            return true;
    return n == 0;
}

/* ---- core 1's helper thread ------------------------------------------------------- */

static td_entry_t job_fn;
static void *job_arg;
static uint32_t job_state;           /* 0 idle, 1 posted, 2 running */
static void (*on_start)(void);

void th_core1_on_start(void (*fn)(void))
{
    __atomic_store_n(&on_start, fn, __ATOMIC_RELEASE);
}

static void core1_helper(void *arg)
{
    (void)arg;
    void (*first)(void) = __atomic_load_n(&on_start, __ATOMIC_ACQUIRE);
    if (first != NULL) {                 /* (once: core 0 sets it while core 1 is down) */
        __atomic_store_n(&on_start, NULL, __ATOMIC_RELAXED);
        first();
    }
    /* Called again when core 0 restarted core 1 after a fault (the restart
     * policy): a job that was running then ended with the old instance.
     * (Core 0 posts no job while one runs: this core is the only writer.) */
    if (__atomic_load_n(&job_state, __ATOMIC_ACQUIRE) == 2)
        __atomic_store_n(&job_state, 0, __ATOMIC_RELEASE);
    for (;;) {
        if (__atomic_load_n(&job_state, __ATOMIC_ACQUIRE) == 1) {
            __atomic_store_n(&job_state, 2, __ATOMIC_RELAXED);
            job_fn(job_arg);
            __atomic_store_n(&job_state, 0, __ATOMIC_RELEASE);
        } else {
            td_sleep(1);
        }
    }
}

static void core1_up(void *arg)
{
    (void)arg;
}

int th_core1_run(td_entry_t fn, void *arg)
{
    if (__atomic_load_n(&job_state, __ATOMIC_ACQUIRE) != 0)
        return TD_ERR_BUSY;
    job_fn = fn;
    job_arg = arg;
    __atomic_store_n(&job_state, 1, __ATOMIC_RELEASE);
    return TD_OK;
}

int th_join_turns(td_thread_t *t, unsigned turns)
{
    for (unsigned i = 0; i < turns && td_thread_state(t) != TD_THREAD_EXITED; i++)
        td_sleep(1);
    return td_thread_join(t, TD_NO_WAIT);
}

uint64_t th_ran_us(void)
{
    return port_core_ran_us(port_core_id());
}

uint64_t th_core_ran_us(unsigned core)
{
    return port_core_ran_us(core);
}

bool th_ran_within(uint64_t ran0, td_tick_t n)
{
    if (TH_TICK_SLACK == 0)
        return true;
    return th_ran_us() - ran0 <= ((uint64_t)n + TH_TICK_SLACK) * 1000000u / TD_TICK_HZ;
}

int th_core1_wait(td_tick_t timeout)
{
    /* Bounded by core 1's own time: on the chip that is core 0's too; on
     * the host core 1's pthread may be left off its CPU for longer than the
     * bound while core 0's clock runs on, and a job it has not had the
     * chance to run is not a job that does not return. */
    uint64_t limit = (uint64_t)timeout * 1000000u / TD_TICK_HZ;
    uint64_t r0 = port_core_ran_us(1);
    while (__atomic_load_n(&job_state, __ATOMIC_ACQUIRE) != 0) {
        if (port_core_ran_us(1) - r0 >= limit)
            return TD_ERR_TIMEOUT;
        td_sleep(1);
    }
    return TD_OK;
}

/* ---- skips ------------------------------------------------------------------------ */

static const char *skip_reason;      /* the running test's, from core 0's main thread */

void th_skip(const char *reason)
{
    if (skip_reason == NULL)
        skip_reason = reason != NULL && reason[0] != '\0' ? reason : "(no reason given)";
}

/* ---- the run ------------------------------------------------------------------------ */

static const char *running;
static uint64_t deadline_us;
static unsigned passed, failed, skipped;

static void summary(void)
{
    struct line l = { .n = 0 };
    put_int(&l, passed);
    put(&l, " passed, ");
    put_int(&l, failed);
    put(&l, " failed");
    if (skipped > 0) {                   /* as tests/run-suite.sh reads it */
        put(&l, ", ");
        put_int(&l, skipped);
        put(&l, " skipped");
    }
    emit(&l);
}

/* th_progress: a counter that only has to change (a lost increment of two
 * callers at once does not matter: one of them changed it). */
static uint32_t progress, progress_seen;

void th_progress(void)
{
    __atomic_store_n(&progress, __atomic_load_n(&progress, __ATOMIC_RELAXED) + 1u,
                     __ATOMIC_RELAXED);
}

/* A test's time limit counts the cores' own time (port_core_ran_us: on the
 * chip the time; on the host the time a core's pthread was seen running,
 * idle waits included), the less of the two, as the waits for core 1 do:
 * a loaded host that leaves a core's pthread off its CPU for seconds
 * stretches the wall clock, not the test, while a test that hangs with both
 * cores running or waiting still meets its limit. */
static uint64_t test_clock_us(void)
{
    uint64_t c0 = port_core_ran_us(0), c1 = port_core_ran_us(1);
    return c0 < c1 ? c0 : c1;
}

static void watchdog(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    uint32_t p = __atomic_load_n(&progress, __ATOMIC_RELAXED);
    if (running != NULL && p != progress_seen) {   /* it goes on: not hung */
        progress_seen = p;
        deadline_us = test_clock_us() + TH_TEST_TIMEOUT_MS * 1000ull;
        return;
    }
    if (running != NULL && test_clock_us() > deadline_us) {
        capture_stop();
        struct line l = { .n = 0 };
        put(&l, "FAIL ");
        put(&l, running);
        put(&l, ": timed out (no result or progress within ");
        put_int(&l, TH_TEST_TIMEOUT_MS);
        put(&l, " ms)");
        emit(&l);
        failed++;
        summary();
        port_exit(1);
    }
}

static TD_TIMER_DEFINE(watchdog_timer, watchdog, NULL);

int main(void)
{
#if defined(TH_STRESS_ONLY) && defined(TH_WITH_PARALLEL)
    const unsigned want = TH_STRESS | TH_PARALLEL;    /* any of them */
#elif defined(TH_STRESS_ONLY)
    const unsigned want = TH_STRESS;
#else
    const unsigned want = 0;
#endif
#ifdef TH_SERIAL_CORES
    const unsigned never = TH_PARALLEL;
#else
    const unsigned never = 0;
#endif
    th_info("tcb_bytes", (long long)sizeof(td_thread_t));
    th_info("tick_hz", TD_TICK_HZ);
    if (td_kernel_launch_core1(core1_helper, NULL) != TD_OK) {
        say("FAIL runner: ", "core 1 did not launch");
        return 1;
    }
    /* Core 1 up, its helper taking jobs, before the first test: a test run
     * alone (TH_ONLY) finds core 1 as it does after the tests before it. */
    if (th_core1_run(core1_up, NULL) != TD_OK || th_core1_wait(TD_SEC(5)) != TD_OK) {
        say("FAIL runner: ", "core 1 did not take its first job");
        return 1;
    }
    td_timer_start(&watchdog_timer, TD_MS(100), TD_MS(100));
    const char *only = NULL;
    unsigned long repeat = 1;
#ifdef TH_ONLY
    only = TH_ONLY;                            /* a build for one test */
#ifdef TH_REPEAT
    repeat = TH_REPEAT;                        /* ... run that many times */
#endif
#endif
#ifdef TH_HOST
    /* By hand on the host (the flake hunt, docs/testing.md): TH_ONLY=name
     * runs that test alone, TH_REPEAT=n runs it n times in one process. */
    if (getenv("TH_ONLY") != NULL)
        only = getenv("TH_ONLY");
    if (only != NULL && getenv("TH_REPEAT") != NULL)
        repeat = strtoul(getenv("TH_REPEAT"), NULL, 10);
#endif
    for (unsigned long k = 0; k < repeat * (sizeof tests / sizeof tests[0]); k++) {
        const struct th_test *t = &tests[k % (sizeof tests / sizeof tests[0])];
        if ((want != 0 && (t->flags & want) == 0) || (t->flags & never) != 0)
            continue;
        if (only != NULL && strcmp(t->name, only) != 0)
            continue;
        say("TEST ", t->name);
        failures = 0;
        skip_reason = NULL;
        deadline_us = test_clock_us() + TH_TEST_TIMEOUT_MS * 1000ull;
        running = t->name;
        t->fn();
        char none[1];
        th_capture_end(none, sizeof none);   /* one the test left open: into the log */
        if (th_core1_wait(TD_SEC(5)) != TD_OK)
            fail("core 1 job still running at the end", __FILE__, __LINE__, false, 0, 0);
        running = NULL;
        if (failures == 0 && skip_reason != NULL) {    /* a failure before the skip fails */
            skipped++;
            struct line l = { .n = 0 };
            put(&l, "SKIP ");
            put(&l, t->name);
            put(&l, ": ");
            put(&l, skip_reason);
            emit(&l);
        } else if (failures == 0) {
            passed++;
            say("PASS ", t->name);
        } else {
            failed++;
            struct line l = { .n = 0 };
            put(&l, "FAIL ");
            put(&l, t->name);
            put(&l, ": ");
            put_failure(&l);
            emit(&l);
        }
    }
    summary();
    return failed == 0 ? 0 : 1;
}
