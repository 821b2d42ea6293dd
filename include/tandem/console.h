/*
 * tandem/console.h: text output shared by both cores.
 *
 * Every call writes its text whole: another core's (or interrupt's) output
 * never lands inside it. End each line within one call (td_printf("...\n")).
 * The console device is the port's (UART0 on GP16 by default on the RP2040,
 * stdout on the host). Output is polled: a call returns when its text is in
 * the device, and holds a short cross-core lock meanwhile.
 */
#ifndef TANDEM_CONSOLE_H
#define TANDEM_CONSOLE_H

#include <stddef.h>

/* printf-style output (see tandem/fmt.h for conversions), at most
 * TD_CONSOLE_LINE_MAX characters per call written whole; longer output is
 * cut and ends with "...". Returns the number of characters written. */
int td_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write s followed by a newline, whole. Returns characters written. */
int td_puts(const char *s);
/* Write n bytes whole. Returns n. */
int td_console_write(const char *s, size_t n);

/* For the fault path only: write without waiting for a lock held by this
 * same core (which cannot release it while it reports), and with a bounded
 * wait for the other core. Never deadlocks. */
void td_console_write_panic(const char *s, size_t n);

#endif
