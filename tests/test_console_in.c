/*
 * tests/test_console_in.c: console input (td_console_getc, td_console_gets):
 * the errors and timeouts on every port; bytes and lines (CR, LF, CR LF,
 * backspace, a line longer than the buffer, a timeout in the middle of a
 * line, TD_NO_WAIT on a whole and on part of a line, the LF of a line's CR LF not a key for td_console_getc) where the
 * test can hand the console input itself (the host port,
 * th_input_feed). Input over USB and over the UART on the chip is the 'usb'
 * suite's (tests/usb).
 */
#include "harness.h"

#include <string.h>

#include "port.h"
#include "tandem/console.h"
#include "tandem/time.h"
#include "tandem/timer.h"

/* Why a test says SKIP on a port (TH_SKIP). */
#define FEED_SKIP "cannot feed this port's console input (th_input_feed); tests/usb types " \
                  "on the RP2040's UART and USB, nothing yet on the an521's UART"

static volatile int isr_getc_r = 1, isr_gets_r = 1, isr_nowait_r = 1;

static void getc_from_isr(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    char buf[8];
    isr_getc_r = td_console_getc(1);
    isr_gets_r = td_console_gets(buf, sizeof buf, TD_NO_WAIT);
    isr_nowait_r = td_console_getc(TD_NO_WAIT);
}

TEST(console_input_errors)
{
    static TD_TIMER_DEFINE(tm, getc_from_isr, NULL);
    char buf[8];
    CHECK_EQ(td_console_getc(TD_TIMEOUT_MAX + 1u), TD_ERR_PARAM);
    CHECK_EQ(td_console_gets(NULL, 8, 0), TD_ERR_PARAM);
    CHECK_EQ(td_console_gets(buf, 1, 0), TD_ERR_PARAM);
    CHECK_EQ(td_console_gets(buf, sizeof buf, TD_TIMEOUT_MAX + 1u), TD_ERR_PARAM);
    /* nothing has come in */
    CHECK_EQ(td_console_getc(TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    buf[0] = 'z';
    CHECK_EQ(td_console_gets(buf, sizeof buf, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(buf[0], '\0');
    /* a wait of n ticks ends at the n-th tick after the call: exactly on
     * the target, never earlier on the host (where a stalled core's owed
     * ticks come in a burst: no upper bound) */
    td_tick_t t0 = th_tick_start();
    CHECK_EQ(td_console_getc(5), TD_ERR_TIMEOUT);
    td_tick_t took = (td_tick_t)(td_time_ticks() - t0);
    CHECK(took >= 5u);
#ifndef TH_HOST
    CHECK_EQ(took, 5u);
#endif
    t0 = th_tick_start();
    CHECK_EQ(td_console_gets(buf, sizeof buf, 3), TD_ERR_TIMEOUT);
    took = (td_tick_t)(td_time_ticks() - t0);
    CHECK(took >= 3u);
#ifndef TH_HOST
    CHECK_EQ(took, 3u);
#endif
    CHECK_EQ(buf[0], '\0');
    REQUIRE_EQ(td_timer_start(&tm, 1, 0), TD_OK);
    for (int i = 0; i < 50 && isr_nowait_r == 1; i++)
        td_sleep(1);
    CHECK_EQ(isr_getc_r, TD_ERR_IN_ISR);
    CHECK_EQ(isr_gets_r, TD_ERR_IN_ISR);
    CHECK_EQ(isr_nowait_r, TD_ERR_WOULD_BLOCK);    /* allowed: it does not wait */
}

TEST(console_input_bytes_and_lines)
{
    static const char in[] = "ab\x01" "one\r\ntwo\nthree\rfouR\x08r\x7f\x7f\x7f\x7fx\r"
                             "0123456789abcdef\npart";
    int fed = th_input_feed(in, sizeof in - 1u);
    if (fed == TD_ERR_UNSUPPORTED)
        TH_SKIP(FEED_SKIP);
    REQUIRE_EQ(fed, TD_OK);
    CHECK_EQ(td_console_getc(TD_NO_WAIT), 'a');
    CHECK_EQ(td_console_getc(1), 'b');
    CHECK_EQ(td_console_getc(TD_FOREVER), 0x01);
    char buf[8];
    CHECK_EQ(td_console_gets(buf, sizeof buf, 10), 3);
    CHECK(strcmp(buf, "one") == 0);
    CHECK_EQ(td_console_gets(buf, sizeof buf, 10), 3);      /* CR LF was one line end */
    CHECK(strcmp(buf, "two") == 0);
    CHECK_EQ(td_console_gets(buf, sizeof buf, 10), 5);
    CHECK(strcmp(buf, "three") == 0);
    CHECK_EQ(td_console_gets(buf, sizeof buf, 10), 1);      /* four backspaces, then x */
    CHECK(strcmp(buf, "x") == 0);
    CHECK_EQ(td_console_gets(buf, sizeof buf, 10), 7);      /* longer than the buffer: pieces */
    CHECK(strcmp(buf, "0123456") == 0);
    CHECK_EQ(td_console_gets(buf, sizeof buf, 10), 7);
    CHECK(strcmp(buf, "789abcd") == 0);
    CHECK_EQ(td_console_gets(buf, sizeof buf, 10), 2);
    CHECK(strcmp(buf, "ef") == 0);
    CHECK_EQ(td_console_gets(buf, sizeof buf, 3), TD_ERR_TIMEOUT);   /* no line end */
    CHECK(strcmp(buf, "part") == 0);
    CHECK_EQ(td_console_getc(TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    /* TD_NO_WAIT: a whole line there is taken, part of one is handed over */
    REQUIRE_EQ(th_input_feed("ok\nha", 5), TD_OK);
    CHECK_EQ(td_console_gets(buf, sizeof buf, TD_NO_WAIT), 2);
    CHECK(strcmp(buf, "ok") == 0);
    CHECK_EQ(td_console_gets(buf, sizeof buf, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK(strcmp(buf, "ha") == 0);
    CHECK_EQ(td_console_getc(TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    /* a line that arrives while the reader waits */
    REQUIRE_EQ(th_input_feed("late\n", 5), TD_OK);
    CHECK_EQ(td_console_gets(buf, sizeof buf, TD_FOREVER), 4);
    CHECK(strcmp(buf, "late") == 0);
}

/* A caller whose ticks do not move (its interrupts masked, as before its
 * kernel runs): its wait still ends, by the microsecond clock. */
TEST(console_input_times_out_with_interrupts_masked)
{
    char buf[8];
    uint64_t t0 = td_time_us();
    port_irq_state_t s = port_irq_save();
    int c = td_console_getc(5);
    int g = td_console_gets(buf, sizeof buf, 3);
    port_irq_restore(s);
    uint64_t us = td_time_us() - t0;
    CHECK_EQ(c, TD_ERR_TIMEOUT);
    CHECK_EQ(g, TD_ERR_TIMEOUT);
    CHECK(us >= 8u * 1000000u / TD_TICK_HZ);
    CHECK(us < 10000000u);
}

/* The LF of a CR LF whose CR ended a line of td_console_gets belongs to that
 * line: a td_console_getc after it does not get it as a key of its own. A
 * getc's own CR leaves the next byte alone. */
TEST(console_input_line_end_not_a_key)
{
    static const char in[] = "z" "one\r\n" "x" "\r\n" "two\r";
    int fed = th_input_feed(in, sizeof in - 1u);
    if (fed == TD_ERR_UNSUPPORTED)
        TH_SKIP(FEED_SKIP);
    REQUIRE_EQ(fed, TD_OK);
    char buf[8];
    CHECK_EQ(td_console_getc(TD_NO_WAIT), 'z');
    CHECK_EQ(td_console_gets(buf, sizeof buf, 10), 3);
    CHECK(strcmp(buf, "one") == 0);
    CHECK_EQ(td_console_getc(TD_NO_WAIT), 'x');     /* not the LF of "one\r\n" */
    CHECK_EQ(td_console_getc(TD_NO_WAIT), '\r');    /* raw bytes: a CR ... */
    CHECK_EQ(td_console_getc(TD_NO_WAIT), '\n');    /* ... and the LF after it */
    CHECK_EQ(td_console_gets(buf, sizeof buf, 10), 3);
    CHECK(strcmp(buf, "two") == 0);
    CHECK_EQ(td_console_getc(TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    REQUIRE_EQ(th_input_feed("\ny", 2), TD_OK);     /* the LF comes later */
    CHECK_EQ(td_console_getc(1), 'y');
    REQUIRE_EQ(th_input_feed("\n", 1), TD_OK);      /* a LF of its own: an empty line */
    CHECK_EQ(td_console_gets(buf, sizeof buf, 10), 0);
}
