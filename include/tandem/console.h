/*
 * tandem/console.h: text output shared by both cores.
 *
 * Every call writes its text whole: another core's (or interrupt's) output
 * never lands inside it. End each line within one call (td_printf("...\n")).
 * The console device is the port's (on the RP2040 USB serial by default,
 * or UART0 on GP16, or both: TD_CONSOLE_ROUTE in tandem/config.h; stdout on
 * the host). Two modes (docs/console.md):
 *
 *   TD_CONSOLE_POLLED (the default with a UART): a call puts its text into
 *     the device itself, waiting for room, while it holds the console lock with this
 *     core's interrupts masked. Simple and immediate, but at 115200 baud a
 *     line takes milliseconds once the UART's 32-byte FIFO is full, and
 *     for that long nothing else runs on this core and the other core waits
 *     for the lock if it prints too ("busy waiting").
 *
 *   TD_CONSOLE_BUFFERED (kernel-aware): a call copies its text into a ring
 *     of TD_CONSOLE_RING_SIZE bytes shared by both cores, holding the lock
 *     only for the copy (microseconds); the UART's transmit interrupt, taken
 *     on the core that selected the mode, moves the ring to the UART as it
 *     drains. When the ring has no room for the text, a thread sleeps a tick
 *     at a time until it has (nothing is dropped); a caller that cannot
 *     sleep (an interrupt, the idle thread, interrupts masked, before the
 *     kernel runs) waits as in polled mode. Text longer than the ring is
 *     written as in polled mode. Output still in the ring when the run ends
 *     is lost: call td_console_flush (or switch back to polled) first.
 *
 * The fault path (td_console_write_panic) works in both modes: it finishes
 * the line the UART is in the middle of, then writes its text directly.
 *
 * Life cycle: the console has no init or deinit; it lives as long as the
 * program, and its mode is its life cycle. When the core that drains the
 * buffered ring goes down (halted after a fault, or stopped and restarted
 * by the restart policy or the watchdog), the other core's supervision
 * takes the device's interrupt over: what waits in the ring is delivered
 * by that core, in order and whole, nothing is dropped, and that core
 * drains from then on (a restarted core 1 does not get the ring back:
 * td_console_set_mode there returns TD_ERR_WRONG_CORE; core 0 may switch
 * back to polled). A queued device (USB) is driven by core 0 alone: when
 * core 0 goes down, what its ring holds and everything written from then
 * on is dropped and counted (stats.lost), and no caller waits for it; the
 * loss line cannot reach a device nobody drives.
 *
 * On a board whose console is USB serial (the default route, TD_CONSOLE=usb;
 * docs/console.md, docs/usb.md) the console is buffered from boot and
 * polled mode is refused: the ring keeps what is written before the host
 * opens the port, and a caller that cannot sleep never waits for USB: text
 * that does not fit then is dropped, counted (stats.lost), and reported by
 * one line in the output where the gap is.
 *
 * Input (td_console_getc, td_console_gets) comes from USB and/or the UART,
 * whichever the route has.
 */
#ifndef TANDEM_CONSOLE_H
#define TANDEM_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/types.h"

/* Size of the buffered mode's ring, bytes: a power of two, at least twice
 * TD_CONSOLE_LINE_MAX. Linked in only if td_console_set_mode is used. */
#ifndef TD_CONSOLE_RING_SIZE
#define TD_CONSOLE_RING_SIZE 1024u
#endif

/* When main returns, a buffered console gets this long (ms) to deliver
 * what is still in its ring (with USB: for the host to open the port and
 * read it) before the run ends. */
#ifndef TD_CONSOLE_EXIT_FLUSH_MS
#define TD_CONSOLE_EXIT_FLUSH_MS 3000u
#endif

/* A USB console whose host has the port open but takes nothing (the bulk
 * IN endpoint halted, or nobody reading) for this long (ms) while a thread
 * waits for room in the ring is treated as one nobody listens to: that
 * text, and what does not fit from then on, is dropped and counted until
 * the host takes something again (docs/console.md). */
#ifndef TD_CONSOLE_STALL_MS
#define TD_CONSOLE_STALL_MS 500u
#endif

enum td_console_mode {
    TD_CONSOLE_POLLED = 0,
    TD_CONSOLE_BUFFERED = 1,
};

/* printf-style output (see tandem/fmt.h for conversions), at most
 * TD_CONSOLE_LINE_MAX characters per call written whole; longer output is
 * cut and ends with "...". Returns the number of characters written, or
 * TD_ERR_PARAM (fmt NULL: nothing written). */
int td_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write s followed by a newline, whole; like td_printf, at most
 * TD_CONSOLE_LINE_MAX characters, a longer line cut and ending with
 * "...\n". Returns characters written, or TD_ERR_PARAM (s NULL: nothing
 * written). */
int td_puts(const char *s);
/* Write n bytes whole. Returns n, or TD_ERR_PARAM (s NULL with n > 0:
 * nothing written). */
int td_console_write(const char *s, size_t n);

/* Select the console mode (enum td_console_mode). Switching to buffered
 * makes the calling core take the UART's interrupt; switching back to
 * polled first waits (sleeping) until the ring has drained, and must be
 * done on that same core (the draining core: the other one after the
 * first went down, above). Selecting the current mode does nothing; two
 * cores selecting buffered at once: one gets it, the other
 * TD_ERR_WRONG_CORE.
 * Returns 0, TD_ERR_PARAM (unknown mode), TD_ERR_IN_ISR, TD_ERR_WRONG_CORE,
 * TD_ERR_UNSUPPORTED (polled mode on a queued device: USB, above).
 * Thread only, either core. */
int td_console_set_mode(int mode);

/* The current mode (enum td_console_mode). Anywhere. */
int td_console_mode(void);

/* Wait until everything written so far has left the device (ring empty,
 * UART idle), at most timeout ticks (TD_FOREVER: no limit). A thread
 * sleeps meanwhile; other callers wait polled. Returns 0, TD_ERR_TIMEOUT,
 * TD_ERR_PARAM (timeout above TD_TIMEOUT_MAX and not TD_FOREVER).
 * Anywhere, either core. */
int td_console_flush(td_tick_t timeout);

/* What the buffered mode has seen since the program started. */
typedef struct td_console_stats {
    uint32_t writes;      /* calls that went through the ring */
    uint32_t bytes;       /* bytes that went through the ring */
    uint32_t waits;       /* times a thread slept because the ring was full */
    uint32_t spins;       /* times a caller that could not sleep waited polled */
    uint32_t max_used;    /* most bytes the ring ever held */
    uint32_t lost;        /* bytes dropped, counted (USB console only: the ring full while
                             nobody listens or the host takes nothing; not a
                             fault report the host did not take: that goes to
                             the UART pins, and the loss line says so) */
} td_console_stats_t;

/* Copy the statistics to *st. Returns 0, TD_ERR_PARAM (st NULL: nothing
 * copied), as the other *_stats calls do. Anywhere. */
int td_console_stats(td_console_stats_t *st);

/* ---- input ------------------------------------------------------------------------ */

/* One byte of console input (0..255) as it came, except the LF of a CR LF
 * whose CR ended a line of td_console_gets (that line's end), waiting at
 * most timeout ticks (TD_NO_WAIT: only what is there; TD_FOREVER: no
 * limit). A thread sleeps a tick at a time while it waits; a caller whose
 * ticks do not move (its interrupts masked, its kernel not running yet)
 * looks without pause and goes by the microsecond clock. Returns the
 * byte, TD_ERR_TIMEOUT, TD_ERR_WOULD_BLOCK (TD_NO_WAIT and nothing there),
 * TD_ERR_PARAM (a timeout above TD_TIMEOUT_MAX), TD_ERR_IN_ISR (an
 * interrupt handler with a timeout other than TD_NO_WAIT). Either core;
 * one reader at a time. */
int td_console_getc(td_tick_t timeout);

/* One line of input into buf (size bytes, NUL-terminated, without its
 * end): bytes up to CR, LF or CR LF; backspace (0x08, 0x7f) removes the
 * last byte. Waits at most timeout ticks for the whole line (TD_NO_WAIT:
 * only what is there). Returns the line's length; TD_ERR_TIMEOUT, or
 * TD_ERR_WOULD_BLOCK with TD_NO_WAIT, with what came so far in buf (it is
 * not read again); a line longer than size - 1 is returned in pieces of
 * size - 1 bytes (nothing is lost). TD_ERR_PARAM (buf NULL, size < 2, bad
 * timeout), TD_ERR_IN_ISR (an interrupt handler). Thread only, either
 * core; one reader at a time. No echo: the program decides what to show. */
int td_console_gets(char *buf, size_t size, td_tick_t timeout);

/* For the fault path only: write without waiting for a lock held by this
 * same core (which cannot release it while it reports), and with a bounded
 * wait for the other core. In buffered mode the line the device is in the
 * middle of is finished first (bounded by TD_CONSOLE_LINE_MAX bytes), so
 * the text lands between whole lines; what else waits in the ring follows
 * later. Never deadlocks. */
void td_console_write_panic(const char *s, size_t n);

#endif
