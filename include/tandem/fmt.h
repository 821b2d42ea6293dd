/*
 * tandem/fmt.h: a small, re-entrant printf-style formatter (no malloc, no
 * floating point, no locale). Callable from any context on either core.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%; flags '-' '0' '+' ' ';
 * field width and precision (also '*'); length modifiers hh h l ll z t j.
 */
#ifndef TANDEM_FMT_H
#define TANDEM_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Format into buf (size n, always NUL-terminated when n > 0). Returns the
 * length the full output would have, like C's vsnprintf (buf may be NULL
 * when n is 0: only the length), or TD_ERR_PARAM (fmt NULL: buf gets "";
 * buf NULL with n > 0: nothing written). */
int td_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int td_snprintf(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
