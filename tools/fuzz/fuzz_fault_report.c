/* libFuzzer target: the fault report formatter (kernel/fault_report.c),
 * linked alone: it is pure code, so it must build without the rest of the
 * kernel or a port. The input is a buffer size (2 bytes), a fault record
 * (its bytes as they come: any reason, flags, counts, an unterminated
 * thread name) and, after it, two NUL-separated strings for the record's
 * file and text pointers, the lock holders' names and the undecoded cause;
 * the trace events listed (a ring build's, up to 8, any kind: built with
 * TD_TRACE_MODE=2) are the input's bytes again, as many as the record's seq
 * says (none: the plain td__fault_format). Every report must
 * stay inside its size - 1 bytes (those after untouched), hold no NUL, be
 * the same every time, be a prefix of the uncut report, and, when not cut,
 * have its first and last line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/fault_report.h"

#define BIG 4096u
#define GUARD 32u

static char strs[2][256];
static td_trace_event_t events[8];
static unsigned nevents;

/* The n-th NUL-terminated string in data[0, size) (at most 255 bytes), or
 * NULL. */
static const char *string_at(const uint8_t *data, size_t size, unsigned n, char *out)
{
    size_t at = 0;
    for (unsigned i = 0; i < n; i++) {
        while (at < size && data[at] != 0)
            at++;
        if (at >= size)
            return NULL;
        at++;
    }
    if (at >= size)
        return NULL;
    size_t len = 0;
    while (at + len < size && data[at + len] != 0 && len < 255)
        len++;
    memcpy(out, data + at, len);
    out[len] = '\0';
    return out;
}

static bool starts(const char *b, size_t n, const char *s)
{
    size_t k = strlen(s);
    return n >= k && memcmp(b, s, k) == 0;
}

static bool ends(const char *b, size_t n, const char *s)
{
    size_t k = strlen(s);
    return n >= k && memcmp(b + n - k, s, k) == 0;
}

/* Write with 'size', check the buffer, return the length. */
static size_t run(bool previous, size_t size, const td_fault_record_t *r,
                  const struct td_fault_lock *locks, unsigned n, char *buf)
{
    memset(buf, 0xaa, size + GUARD);
    size_t len = previous ? td__fault_format_previous(buf, size, r)
                          : nevents ? td__fault_format_traced(buf, size, r, locks, n, r->text, events, nevents)
                                   : td__fault_format(buf, size, r, locks, n, r->text);
    if (len >= size && !(size == 0 && len == 0))
        abort();                                     /* at most size - 1 */
    for (size_t i = size ? size - 1u : 0u; i < size + GUARD; i++)
        if ((uint8_t)buf[i] != 0xaa)
            abort();                                 /* wrote past size - 1 bytes */
    if (memchr(buf, 0, len) != NULL)
        abort();
    return len;
}

static void check(bool previous, size_t size, const td_fault_record_t *r,
                  const struct td_fault_lock *locks, unsigned n)
{
    static char small[BIG + GUARD], again[BIG + GUARD], full[BIG + GUARD];
    size_t len = run(previous, size, r, locks, n, small);
    if (run(previous, size, r, locks, n, again) != len || memcmp(small, again, len) != 0)
        abort();                                     /* not the same twice */
    size_t whole = run(previous, BIG, r, locks, n, full);
    if (whole >= BIG - 1u)
        abort();                                     /* a report is far shorter */
    if (len > whole || memcmp(small, full, len) != 0)
        abort();                                     /* cut: a prefix of the whole */
    if (len < whole)
        return;
    char last[48];
    if (previous && (r->flags & TD_FAULT_F_HW_WATCHDOG)) {
        if (!starts(full, whole, "*** PREVIOUS RUN: the chip's watchdog ran out") ||
            !ends(full, whole, "*** END PREVIOUS RUN\n"))
            abort();                                 /* no record: no core, no thread */
    } else if (previous) {
        if (!starts(full, whole, "*** PREVIOUS RUN: FAULT core ") ||
            !ends(full, whole, "*** END PREVIOUS RUN\n"))
            abort();
    } else if (r->reason == TD_FAULT_EXIT) {
        snprintf(last, sizeof last, "*** core %u: exit ", r->core);
        if (!starts(full, whole, last) || !ends(full, whole, ")\n") ||
            memchr(full, '\n', whole) != full + whole - 1)
            abort();                                 /* one line */
    } else {
        snprintf(last, sizeof last, "*** END FAULT core %u\n", r->core);
        if (!starts(full, whole, "*** FAULT core ") || !ends(full, whole, last))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t bufsize = ((size_t)data[0] | (size_t)data[1] << 8) % 1000u;
    data += 2;
    size -= 2;
    td_fault_record_t r;
    memset(&r, 0, sizeof r);
    size_t nrec = size < sizeof r ? size : sizeof r;
    memcpy(&r, data, nrec);
    const uint8_t *rest = data + nrec;
    size_t nrest = size - nrec;
    r.file = string_at(rest, nrest, 0, strs[0]);
    r.text = string_at(rest, nrest, 1, strs[1]);
    memset(events, 0, sizeof events);
    memcpy(events, data, size < sizeof events ? size : sizeof events);
    nevents = r.seq % 9u;
    struct td_fault_lock locks[4];
    unsigned n = r.line % 5u;
    for (unsigned i = 0; i < n; i++) {
        locks[i].number = 16u + i;
        locks[i].thread = i % 2u ? r.text : r.file;  /* NULL included */
    }
    check(false, bufsize, &r, locks, n);
    check(true, bufsize, &r, NULL, 0);
    return 0;
}
