/*
 * console_in.c: console input (tandem/console.h): bytes and lines from the
 * port's console device (port_console_read: USB serial and/or the UART).
 * The device has no wait queue of its own, so a waiting thread looks once
 * per tick: input is seen within a tick of its arrival.
 */
#include "tandem/console.h"

#include "port.h"
#include "tandem/error.h"
#include "tandem/kconfig.h"
#include "tandem/time.h"

#include <stdbool.h>

/* A CR ended the last line: a LF right after it belongs to it. */
static bool after_cr;

/* One byte of input, or -1 when none waits. A LF right after the CR that
 * ended a line of td_console_gets is that line's end, not input of its own:
 * neither td_console_gets nor td_console_getc gets it. */
static int take(void)
{
    int c = port_console_read();
    if (c == '\n' && after_cr) {
        after_cr = false;
        c = port_console_read();
    }
    if (c >= 0)
        after_cr = false;
    return c;
}

/* When a wait of timeout ticks begun at tick start (and microsecond us)
 * ends. */
struct deadline {
    td_tick_t start, timeout;
    uint64_t us;
};

static struct deadline deadline_of(td_tick_t timeout)
{
    return (struct deadline){ .start = td_time_ticks(), .timeout = timeout, .us = td_time_us() };
}

/* The next byte, or TD_ERR_TIMEOUT once the wait's ticks have passed. The
 * ticks, not the microsecond clock, as every other wait of the kernel: on
 * a host that runs the core late the two drift apart, and a wait of n ticks
 * must not end before n ticks. A caller whose ticks do not move (its
 * interrupts masked, its kernel not running yet) goes by the microsecond
 * clock instead. */
static int next_byte(struct deadline d)
{
    for (;;) {
        int c = take();
        if (c >= 0)
            return c;
        if (d.timeout != TD_FOREVER && (td_tick_t)(td_time_ticks() - d.start) >= d.timeout)
            return TD_ERR_TIMEOUT;
        int r = td_sleep(1);                /* fails at once in the idle thread: look again */
        if (r != TD_OK && r != TD_ERR_IDLE && d.timeout != TD_FOREVER &&
            td_time_us() - d.us >= (uint64_t)d.timeout * 1000000u / TD_TICK_HZ)
            return TD_ERR_TIMEOUT;
    }
}

int td_console_getc(td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    if (timeout == TD_NO_WAIT) {
        int c = take();
        return c >= 0 ? c : TD_ERR_WOULD_BLOCK;
    }
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    return next_byte(deadline_of(timeout));
}

int td_console_gets(char *buf, size_t size, td_tick_t timeout)
{
    if (buf == NULL || size < 2 || TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    struct deadline deadline = deadline_of(timeout);
    size_t n = 0;
    buf[0] = '\0';
    for (;;) {
        int c = timeout == TD_NO_WAIT ? take() : next_byte(deadline);
        if (c < 0)
            return timeout == TD_NO_WAIT ? TD_ERR_WOULD_BLOCK : TD_ERR_TIMEOUT;
        after_cr = c == '\r';                  /* CR LF: one line end (take) */
        if (c == '\r' || c == '\n')
            return (int)n;
        if (c == 0x08 || c == 0x7f) {
            if (n > 0)
                buf[--n] = '\0';
            continue;
        }
        buf[n++] = (char)c;
        buf[n] = '\0';
        if (n == size - 1)
            return (int)n;                      /* the rest comes with the next call */
    }
}
