/*
 * fmt.c: td_vsnprintf, a small printf-style formatter (see tandem/fmt.h).
 * Re-entrant: all state lives in the caller's stack frame.
 */
#include "tandem/fmt.h"

#include "tandem/error.h"

#include <stdbool.h>
#include <limits.h>
#include <stdint.h>

struct out {
    char *buf;
    size_t cap;   /* bytes available for text, excluding the terminator */
    size_t len;   /* characters produced so far (may exceed cap) */
};

static void put(struct out *o, char c)
{
    if (o->len < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8 };

/* Emit an unsigned magnitude with sign, precision and width handling. */
static void put_number(struct out *o, uintmax_t v, unsigned base, bool upper,
                       bool neg, int flags, int width, int prec)
{
    char digits[24];
    int nd = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    while (v != 0) {
        digits[nd++] = set[v % base];
        v /= base;
    }
    if (prec < 0 && nd == 0)
        digits[nd++] = '0';         /* plain zero */
    int zeros = prec > nd ? prec - nd : 0;
    char sign = neg ? '-' : (flags & F_PLUS) ? '+' : (flags & F_SPACE) ? ' ' : 0;
    int total = nd + zeros + (sign ? 1 : 0);

    if (!(flags & F_LEFT) && (flags & F_ZERO) && prec < 0) {
        zeros += width - total;
        total = width;
    }
    if (!(flags & F_LEFT))
        pad(o, ' ', width - total);
    if (sign)
        put(o, sign);
    pad(o, '0', zeros);
    while (nd > 0)
        put(o, digits[--nd]);
    if (flags & F_LEFT)
        pad(o, ' ', width - total);
}

int td_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    if (buf == NULL && n != 0)
        return TD_ERR_PARAM;
    if (fmt == NULL) {
        if (n != 0)
            buf[0] = '\0';
        return TD_ERR_PARAM;
    }
    struct out o = { buf, n ? n - 1 : 0, 0 };
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        int flags = 0;
        for (;; fmt++) {
            if (*fmt == '-') flags |= F_LEFT;
            else if (*fmt == '0') flags |= F_ZERO;
            else if (*fmt == '+') flags |= F_PLUS;
            else if (*fmt == ' ') flags |= F_SPACE;
            else if (*fmt == '#') { /* accepted, no alternate forms */ }
            else break;
        }
        int width = 0;
        if (*fmt == '*') {
            width = va_arg(args, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = width == INT_MIN ? 0 : -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9' && width < 10000)
                width = width * 10 + (*fmt++ - '0');
            while (*fmt >= '0' && *fmt <= '9')
                fmt++;
        }
        int prec = -1;
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(args, int);
                if (prec < 0)
                    prec = -1;
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9' && prec < 10000)
                    prec = prec * 10 + (*fmt++ - '0');
                while (*fmt >= '0' && *fmt <= '9')
                    fmt++;
            }
        }
        if (width > 10000) width = 10000;
        if (prec > 10000) prec = 10000;
        /* Length: 0 int, 1 long, 2 long long, 3 size_t, 4 ptrdiff_t, 5 intmax_t */
        int len = 0;
        switch (*fmt) {
        case 'h': fmt++; if (*fmt == 'h') fmt++; break;  /* promoted to int */
        case 'l': fmt++; len = 1; if (*fmt == 'l') { fmt++; len = 2; } break;
        case 'z': fmt++; len = 3; break;
        case 't': fmt++; len = 4; break;
        case 'j': fmt++; len = 5; break;
        default: break;
        }
        char c = *fmt;
        if (c == 0)
            break;
        fmt++;
        switch (c) {
        case 'd':
        case 'i': {
            intmax_t v;
            switch (len) {
            case 1: v = va_arg(args, long); break;
            case 2: v = va_arg(args, long long); break;
            case 3: v = (intmax_t)va_arg(args, size_t); break;
            case 4: v = va_arg(args, ptrdiff_t); break;
            case 5: v = va_arg(args, intmax_t); break;
            default: v = va_arg(args, int); break;
            }
            uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            put_number(&o, mag, 10, false, v < 0, flags, width, prec);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uintmax_t v;
            switch (len) {
            case 1: v = va_arg(args, unsigned long); break;
            case 2: v = va_arg(args, unsigned long long); break;
            case 3: v = va_arg(args, size_t); break;
            case 4: v = (uintmax_t)va_arg(args, ptrdiff_t); break;
            case 5: v = va_arg(args, uintmax_t); break;
            default: v = va_arg(args, unsigned); break;
            }
            unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
            put_number(&o, v, base, c == 'X', false, flags & ~(F_PLUS | F_SPACE),
                       width, prec);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(args, void *);
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, v, 16, false, false, F_ZERO, (int)(2 * sizeof v), -1);
            break;
        }
        case 'c': {
            char ch = (char)va_arg(args, int);
            if (!(flags & F_LEFT)) pad(&o, ' ', width - 1);
            put(&o, ch);
            if (flags & F_LEFT) pad(&o, ' ', width - 1);
            break;
        }
        case 's': {
            const char *s = va_arg(args, const char *);
            if (s == NULL)
                s = "(null)";
            int sl = 0;
            while (s[sl] && (prec < 0 || sl < prec))
                sl++;
            if (!(flags & F_LEFT)) pad(&o, ' ', width - sl);
            for (int i = 0; i < sl; i++)
                put(&o, s[i]);
            if (flags & F_LEFT) pad(&o, ' ', width - sl);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:                  /* unknown conversion: print it as is */
            put(&o, '%');
            put(&o, c);
            break;
        }
    }
    va_end(args);
    if (n)
        buf[o.len < o.cap ? o.len : o.cap] = 0;
    return o.len > (size_t)INT_MAX ? INT_MAX : (int)o.len;
}

int td_snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = td_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}
