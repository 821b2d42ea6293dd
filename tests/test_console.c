/*
 * tests/test_console.c: the console (tandem/console.h) in both modes: whole
 * lines, lines cut to TD_CONSOLE_LINE_MAX, text longer than the ring, mode
 * changes and their errors, flush, the fault path's write, and lines from
 * both cores at once. What the console device got is captured
 * (th_capture_begin: stdout on the host, a copy of every byte handed to
 * the UART on the target) and checked byte for byte, with the results and
 * statistics.
 */
#include "harness.h"

#include <string.h>

#include "tandem/config.h"
#include "tandem/console.h"
#include "tandem/fmt.h"

static char out[16384];                  /* what the console device got */
static char want[16384];                 /* what it should have got */
static unsigned want_n;

static void want_reset(void)
{
    want_n = 0;
    want[0] = '\0';
}

static void want_add(const char *s, unsigned n)
{
    if (want_n + n >= sizeof want)
        n = (unsigned)sizeof want - 1u - want_n;
    memcpy(want + want_n, s, n);
    want_n += n;
    want[want_n] = '\0';
}

static void want_str(const char *s)
{
    want_add(s, (unsigned)strlen(s));
}

/* A line longer than the ring (buffered mode writes it polled). */
#define LONG_N (TD_CONSOLE_RING_SIZE + 200u)
static char long_text[LONG_N];

static void make_long_text(void)
{
    memset(long_text, 'L', sizeof long_text);
    memcpy(long_text, "INFO long ", 10);
    long_text[LONG_N - 1u] = '\n';
}

/* "INFO " and 'p's, longer than a line. */
static char long_arg[TD_CONSOLE_LINE_MAX + 40];

static void make_long_arg(void)
{
    memset(long_arg, 'p', sizeof long_arg - 1u);
    memcpy(long_arg, "INFO ", 5);
    long_arg[sizeof long_arg - 1u] = '\0';
}

TEST(console_polled_lines)
{
    make_long_arg();
    make_long_text();
    REQUIRE_EQ(td_console_mode(), TD_CONSOLE_POLLED);
    bool cap = th_capture_begin() == TD_OK;
    CHECK_EQ(td_console_write(NULL, 3), TD_ERR_PARAM);
    CHECK_EQ(td_console_write(NULL, 0), 0);
    CHECK_EQ(td_console_write("INFO write\n", 11), 11);
    CHECK_EQ(td_puts(NULL), TD_ERR_PARAM);                        /* nothing written */
    const char *volatile nofmt = NULL;
    CHECK_EQ(td_printf(nofmt, 1), TD_ERR_PARAM);                  /* nothing written */
    CHECK_EQ(td_puts(long_arg), TD_CONSOLE_LINE_MAX);             /* cut: "..." */
    long_arg[TD_CONSOLE_LINE_MAX - 1] = '\0';
    CHECK_EQ(td_puts(long_arg), TD_CONSOLE_LINE_MAX);             /* fits exactly */
    long_arg[TD_CONSOLE_LINE_MAX - 1] = 'p';
    CHECK_EQ(td_printf("%s|%d\n", long_arg, 5), TD_CONSOLE_LINE_MAX);   /* cut: "..." */
    CHECK_EQ(td_printf("%.*s\n", (int)TD_CONSOLE_LINE_MAX - 1, long_arg),
             TD_CONSOLE_LINE_MAX);                                /* fits exactly */
    CHECK_EQ(td_console_write(long_text, LONG_N), LONG_N);
    td_console_write_panic("INFO panic polled\n", 18);
    CHECK_EQ(td_console_flush(TD_MS(100)), TD_OK);
    CHECK_EQ(td_console_mode(), TD_CONSOLE_POLLED);
    int n = th_capture_end(out, sizeof out);
    REQUIRE(cap);
    want_reset();
    want_str("INFO write\n");
    want_add(long_arg, TD_CONSOLE_LINE_MAX - 4u);
    want_str("...\n");
    want_add(long_arg, TD_CONSOLE_LINE_MAX - 1u);
    want_str("\n");
    want_add(long_arg, TD_CONSOLE_LINE_MAX - 4u);
    want_str("...\n");
    want_add(long_arg, TD_CONSOLE_LINE_MAX - 1u);
    want_str("\n");
    want_add(long_text, LONG_N);
    want_str("INFO panic polled\n");
    CHECK_EQ(n, want_n);
    CHECK(memcmp(out, want, want_n) == 0);
}

static int isr_mode_r = 1;
static void set_mode_from_isr(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    isr_mode_r = td_console_set_mode(TD_CONSOLE_BUFFERED);
}

static int core1_mode_r[3];
static void core1_set_modes(void *arg)
{
    (void)arg;
    core1_mode_r[0] = td_console_set_mode(TD_CONSOLE_BUFFERED);   /* core 0 drains */
    core1_mode_r[1] = td_console_set_mode(TD_CONSOLE_POLLED);
    core1_mode_r[2] = td_console_mode();
}

TEST(console_buffered_mode)
{
    static TD_TIMER_DEFINE(tm, set_mode_from_isr, NULL);
    make_long_text();
    REQUIRE_EQ(td_console_mode(), TD_CONSOLE_POLLED);
    CHECK_EQ(td_console_set_mode(7), TD_ERR_PARAM);
    CHECK_EQ(td_console_set_mode(TD_CONSOLE_POLLED), TD_OK);      /* already */
    REQUIRE_EQ(td_timer_start(&tm, 1, 0), TD_OK);
    for (int i = 0; i < 50 && isr_mode_r == 1; i++)
        td_sleep(1);
    CHECK_EQ(isr_mode_r, TD_ERR_IN_ISR);
    CHECK_EQ(td_console_mode(), TD_CONSOLE_POLLED);
    CHECK_EQ(td_console_stats(NULL), TD_ERR_PARAM);               /* named, nothing copied */
    td_console_stats_t a, b;
    CHECK_EQ(td_console_stats(&a), TD_OK);

    bool cap = th_capture_begin() == TD_OK;
    CHECK_EQ(td_console_set_mode(TD_CONSOLE_BUFFERED), TD_OK);
    CHECK_EQ(td_console_mode(), TD_CONSOLE_BUFFERED);
    CHECK_EQ(td_console_set_mode(TD_CONSOLE_BUFFERED), TD_OK);    /* already, this core */
    core1_mode_r[0] = core1_mode_r[1] = core1_mode_r[2] = 99;
    if (th_core1_run(core1_set_modes, NULL) == TD_OK)
        CHECK_EQ(th_core1_wait(TD_MS(500)), TD_OK);
    CHECK_EQ(core1_mode_r[0], TD_ERR_WRONG_CORE);
    CHECK_EQ(core1_mode_r[1], TD_ERR_WRONG_CORE);
    CHECK_EQ(core1_mode_r[2], TD_CONSOLE_BUFFERED);
    CHECK_EQ(td_printf("INFO buffered %d\n", 1), 16);
    CHECK_EQ(td_puts("INFO buffered two"), 18);
    CHECK_EQ(td_console_write(NULL, 1), TD_ERR_PARAM);
    CHECK_EQ(td_console_write(long_text, LONG_N), LONG_N);        /* longer than the ring */
    CHECK_EQ(td_printf("INFO buffered %s\n", "three"), 20);
    td_console_write_panic("INFO panic buffered\n", 20);
    CHECK_EQ(td_console_stats(&b), TD_OK);
    CHECK_EQ(b.writes - a.writes, 3);                             /* the ring's: not the long one */
    CHECK_EQ(b.bytes - a.bytes, 16 + 18 + 20);
    CHECK(b.max_used >= 20);
    CHECK(b.max_used <= TD_CONSOLE_RING_SIZE);
    CHECK_EQ(td_console_flush(TD_SEC(2)), TD_OK);
    CHECK_EQ(td_console_set_mode(TD_CONSOLE_POLLED), TD_OK);      /* drains first */
    CHECK_EQ(td_console_mode(), TD_CONSOLE_POLLED);
    CHECK_EQ(td_console_flush(TD_MS(100)), TD_OK);
    CHECK_EQ(td_printf("INFO polled again\n"), 18);
    CHECK_EQ(td_console_stats(&a), TD_OK);
    CHECK_EQ(a.writes, b.writes);                                 /* polled: not the ring */
    int n = th_capture_end(out, sizeof out);
    REQUIRE(cap);
    want_reset();
    want_str("INFO buffered 1\n");
    want_str("INFO buffered two\n");
    want_add(long_text, LONG_N);
    want_str("INFO buffered three\n");
    want_str("INFO polled again\n");
    /* The fault path's line comes whole, between two lines. On the target
     * it overtakes what still waits in the ring ("three"); the host's
     * device takes everything at once, so there it comes in order. */
    static const char panic_line[] = "INFO panic buffered\n";
    const unsigned pl = sizeof panic_line - 1u;
    char *at = NULL;
    for (char *p = out; *p != '\0' && at == NULL; p++)
        if (strncmp(p, panic_line, pl) == 0)
            at = p;
    REQUIRE(at != NULL);
    CHECK(at == out || at[-1] == '\n');
#ifdef TH_HOST
    CHECK_EQ(at - out, (long long)(want_n - strlen("INFO polled again\n")));
#endif
    memmove(at, at + pl, strlen(at + pl) + 1u);
    CHECK_EQ(n - (int)pl, want_n);
    CHECK(memcmp(out, want, want_n) == 0);
}

/* ---- a device that stopped sending ---------------------------------------------------- */

/* The program stops the console device with stop(true) and prints, polled
 * and buffered, then selects the polled mode: every call returns within its
 * bound (the device's FIFO may keep what it took, nothing more), and what
 * the device did not take is counted lost and said so by the first line
 * once stop(false) has it send again. */
static void device_stopped(int (*stop)(bool))
{
    REQUIRE_EQ(td_console_mode(), TD_CONSOLE_POLLED);
    td_console_stats_t a, b;
    CHECK_EQ(td_console_stats(&a), TD_OK);
    CHECK_EQ(td_console_flush(TD_MS(500)), TD_OK);
    REQUIRE_EQ(th_capture_begin(), TD_OK);
    REQUIRE_EQ(stop(true), TD_OK);
    want_reset();
    static char line[64];                                 /* (off the test thread's stack) */
    uint64_t t0 = td_time_us();
    for (unsigned i = 0; i < 8; i++) {                     /* polled: 8 x 20 bytes */
        int k = td_snprintf(line, sizeof line, "INFO stopped p%04u\n", i);
        want_add(line, (unsigned)k);
        CHECK_EQ(td_console_write(line, (size_t)k), k);
    }
    uint64_t polled_us = td_time_us() - t0;
    CHECK_EQ(td_console_set_mode(TD_CONSOLE_BUFFERED), TD_OK);
    t0 = td_time_us();
    unsigned lines = 2u * TD_CONSOLE_RING_SIZE / 20u;    /* twice what the ring holds */
    for (unsigned i = 0; i < lines; i++) {
        int k = td_snprintf(line, sizeof line, "INFO stopped b%04u\n", i);
        want_add(line, (unsigned)k);
        CHECK_EQ(td_console_write(line, (size_t)k), k);
    }
    CHECK_EQ(td_console_set_mode(TD_CONSOLE_POLLED), TD_OK);  /* what the ring holds: lost */
    uint64_t buffered_us = td_time_us() - t0;
    CHECK_EQ(td_console_stats(&b), TD_OK);
    REQUIRE_EQ(stop(false), TD_OK);
    CHECK_EQ(td_puts("INFO sending again"), 19);
    CHECK_EQ(td_puts("INFO and again"), 15);
    CHECK_EQ(td_console_flush(TD_MS(500)), TD_OK);
    int n = th_capture_end(out, sizeof out);
    /* A stopped UART is noticed as soon as its FIFO is full; a thread
     * waiting for room in the ring waits TD_CONSOLE_STALL_MS for it once. */
    CHECK(polled_us < 100000u);
    CHECK(buffered_us < (TD_CONSOLE_STALL_MS + 200u) * 1000u);
    uint32_t lost = b.lost - a.lost;
    CHECK(lost > 0);
    CHECK(lost <= want_n);
    /* Out went what the device took before it stopped (its FIFO's worth at
     * most), then the loss line, then the lines after it. */
    unsigned took = want_n - lost;
    CHECK(took <= 32u);
    REQUIRE(n >= 0);
    want_n = took;
    want[want_n] = '\0';
    if (took != 0 && want[took - 1u] != '\n')
        want_str("\n");
    static char told[96];
    td_snprintf(told, sizeof told, "*** console: %lu bytes lost (device not sending)\n",
                (unsigned long)lost);
    want_str(told);
    want_str("INFO sending again\n");
    want_str("INFO and again\n");
    CHECK_EQ(n, want_n);
    CHECK(memcmp(out, want, want_n) == 0);
    CHECK_EQ(td_console_stats(&a), TD_OK);
    CHECK_EQ(a.lost, b.lost);                              /* told once, nothing more lost */
}

/* The device disabled: the target's UARTCR.UARTEN clear, the host's
 * host_console_stop. */
TEST(console_device_stopped)
{
    if (th_console_stop(false) == TD_ERR_UNSUPPORTED)
        TH_SKIP("stopping the console device is modelled on the host and the RP2040 only");
    device_stopped(th_console_stop);
}

/* The device's clock stopped: the RP2040's clk_peri (CLK_PERI_CTRL.ENABLE
 * clear), the UART's baud clock; its FIFO keeps what it took. */
TEST(console_device_clock_stopped)
{
    if (th_console_clock_stop(false) == TD_ERR_UNSUPPORTED)
        TH_SKIP("stopping the console device's clock is modelled on the RP2040 only");
    device_stopped(th_console_clock_stop);
}

/* ---- both cores at once ----------------------------------------------------------- */

#define XLINES 40u
static int x_ready, x_go;           /* between the cores: atomic */

/* Line i of core 'core': two lengths, so a line cut into by another would
 * not parse. */
static int print_line(unsigned core, unsigned i)
{
    if (i % 2u)
        return td_printf("INFO console c%u line %02u %s\n", core, i,
                         "................................................");
    return td_printf("INFO console c%u line %02u\n", core, i);
}

static unsigned x_bad1;
static void core1_printer(void *arg)
{
    (void)arg;
    __atomic_store_n(&x_ready, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&x_go, __ATOMIC_ACQUIRE)) {
    }
    for (unsigned i = 0; i < XLINES; i++) {
        if (print_line(1, i) <= 0)
            x_bad1++;
        th_busy_us(50);                      /* spread out, so the cores' lines mix */
    }
}

/* Parse the captured text: every line one of the expected ones, each core's
 * lines whole and in order. Returns the number of bad lines. */
static unsigned check_lines(const char *text, unsigned *seen0, unsigned *seen1)
{
    unsigned bad = 0, next[2] = { 0, 0 };
    char line[96];
    while (*text != '\0') {
        const char *nl = text;
        while (*nl != '\0' && *nl != '\n')
            nl++;
        unsigned len = (unsigned)(nl - text);
        unsigned core = len > 14 && text[14] == '1' ? 1u : 0u;
        if (len >= 22 && strncmp(text, "INFO console c", 14) == 0 && next[core] < XLINES) {
            unsigned i = next[core];
            int k = i % 2u ? td_snprintf(line, sizeof line, "INFO console c%u line %02u %s", core,
                                         i, "................................................")
                           : td_snprintf(line, sizeof line, "INFO console c%u line %02u", core, i);
            if ((unsigned)k == len && strncmp(text, line, len) == 0)
                next[core]++;
            else
                bad++;
        } else {
            bad++;
        }
        text = *nl == '\n' ? nl + 1 : nl;
    }
    *seen0 = next[0];
    *seen1 = next[1];
    return bad;
}

static void both_cores(int mode)
{
    td_console_stats_t a, b;
    REQUIRE_EQ(td_console_set_mode(mode), TD_OK);
    CHECK_EQ(td_console_stats(&a), TD_OK);
    __atomic_store_n(&x_ready, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&x_go, 0, __ATOMIC_RELAXED);
    x_bad1 = 0;
    REQUIRE_EQ(th_core1_run(core1_printer, NULL), TD_OK);
    TH_WAIT_CORE(1, 1000, __atomic_load_n(&x_ready, __ATOMIC_ACQUIRE));
    bool cap = th_capture_begin() == TD_OK;
    __atomic_store_n(&x_go, 1, __ATOMIC_RELEASE);   /* both cores print from here on */
    unsigned bad0 = 0;
    for (unsigned i = 0; i < XLINES; i++) {
        if (print_line(0, i) <= 0)
            bad0++;
        th_busy_us(50);
    }
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(td_console_flush(TD_SEC(2)), TD_OK);
    CHECK_EQ(td_console_stats(&b), TD_OK);
    CHECK_EQ(td_console_set_mode(TD_CONSOLE_POLLED), TD_OK);
    int n = th_capture_end(out, sizeof out);
    CHECK_EQ(bad0, 0);
    CHECK_EQ(x_bad1, 0);
    CHECK_EQ(b.writes - a.writes, mode == TD_CONSOLE_BUFFERED ? 2u * XLINES : 0u);
    REQUIRE(cap);
    CHECK(n > 0);
    unsigned seen0, seen1;
    CHECK_EQ(check_lines(out, &seen0, &seen1), 0);
    CHECK_EQ(seen0, XLINES);
    CHECK_EQ(seen1, XLINES);
}

TEST(console_both_cores_whole_lines)
{
    both_cores(TD_CONSOLE_POLLED);
    both_cores(TD_CONSOLE_BUFFERED);
    CHECK_EQ(td_console_mode(), TD_CONSOLE_POLLED);
}
