/*
 * console.c: whole-line text output shared by both cores (tandem/console.h,
 * docs/console.md).
 *
 * A call formats its text on the caller's stack, then, holding the console
 * spinlock with this core's interrupts masked (so neither the other core
 * nor an interrupt on this core can cut into it):
 *   polled:   writes it to the port's console device, waiting for room;
 *   buffered: copies it into the shared ring and hands the device whatever
 *             it takes at once; the device's transmit interrupt (on the core
 *             that selected the mode) hands it the rest as it drains.
 * The ring is only ever changed under the lock, by whichever core holds it.
 * The lock records its holder core, which lets the fault path write even
 * when the faulting core itself held it.
 *
 * A queued device (USB serial, PORT_CONSOLE_QUEUED) is buffered from boot
 * and never waited for by a caller that cannot sleep: see the block
 * "queued devices" below.
 *
 * When the core that drains the ring goes down (kernel/down.h), the other
 * core takes the device's interrupt over and drains what is queued; a
 * queued device, which only its own core can drive, counts what the ring
 * holds and what is written from then on as lost ("the draining core went
 * down" below).
 */
#include "tandem/console.h"

#include "down.h"
#include "spin.h"
#include "tandem/config.h"
#include "tandem/fmt.h"
#include "tandem/hwtable.h"
#include "tandem/time.h"

#include <stdarg.h>
#include <string.h>

_Static_assert((TD_CONSOLE_RING_SIZE & (TD_CONSOLE_RING_SIZE - 1u)) == 0,
               "TD_CONSOLE_RING_SIZE must be a power of two");
_Static_assert(TD_CONSOLE_RING_SIZE >= 2u * TD_CONSOLE_LINE_MAX,
               "TD_CONSOLE_RING_SIZE must hold two whole lines");

/* The buffered mode's state; ring == NULL in polled mode. Under the lock.
 * A queued device's console starts buffered (RING_AT_BOOT). */
#if PORT_CONSOLE_QUEUED
static char boot_ring[TD_CONSOLE_RING_SIZE];
#define RING_AT_BOOT boot_ring
#else
#define RING_AT_BOOT NULL
#endif
static char *volatile ring = RING_AT_BOOT;
static uint32_t head, tail;          /* free-running; used = head - tail */
static bool line_open;               /* the device got part of a line, not its end */
static uint8_t drain_core = PORT_CONSOLE_DRAIN_CORE; /* the core taking the device's interrupt */
#if PORT_CONSOLE_QUEUED
static bool drain_gone;              /* the device's draining core went down */
#endif
static td_console_stats_t stats;

#define MASK (TD_CONSOLE_RING_SIZE - 1u)

/* The console lock records its holder core (kernel/spin.h): the fault
 * path writes even when the faulting core itself held it, and a core that
 * halted holding it is taken over. */
static port_irq_state_t console_lock(void)
{
    port_irq_state_t s = port_irq_save();
    td__spin_take(TD_SPIN_CONSOLE, port_core_id());
    return s;
}

static void console_unlock(port_irq_state_t s)
{
    td__spin_give(TD_SPIN_CONSOLE);
    port_irq_restore(s);
}

/* Hand the device as much of the ring as it takes now; ask for its
 * interrupt while anything is left. Lock held. */
static void pump_locked(void)
{
    while (tail != head) {
        uint32_t at = tail & MASK, n = head - tail;
        if (n > TD_CONSOLE_RING_SIZE - at)
            n = TD_CONSOLE_RING_SIZE - at;          /* up to the end of the ring */
        size_t took = port_console_write_some(ring + at, n);
        if (took == 0)
            break;
        line_open = ring[(tail + took - 1u) & MASK] != '\n';
        tail += (uint32_t)took;
        if (took < n)
            break;
    }
    port_console_tx_irq(tail != head);
}

/* Wait, polled, until the ring has room for n bytes (n <= ring size):
 * the ring's oldest bytes written with port_console_write, whose wait is
 * bounded. False when the device stopped taking them (a UART that cannot
 * send): the ring keeps what it did not take. Lock held. */
static bool make_room_polled_locked(uint32_t n)
{
    bool ok = true, wrote = false;
    while (ok && TD_CONSOLE_RING_SIZE - (head - tail) < n) {
        uint32_t at = tail & MASK, k = head - tail;
        if (k > TD_CONSOLE_RING_SIZE - at)
            k = TD_CONSOLE_RING_SIZE - at;          /* up to the end of the ring */
        size_t took = port_console_write(ring + at, k);
        if (took != 0) {
            line_open = ring[(tail + took - 1u) & MASK] != '\n';
            tail += (uint32_t)took;
        }
        ok = took == k;
        wrote = true;
    }
    if (wrote)
        port_console_tx_irq(tail != head);
    return ok;
}

/* Copy n bytes into the ring (the caller made room). Lock held. */
static void put_locked(const char *s, uint32_t n)
{
    uint32_t at = head & MASK, first = TD_CONSOLE_RING_SIZE - at;
    if (first > n)
        first = n;
    memcpy(ring + at, s, first);
    memcpy(ring, s + first, n - first);
    head += n;                                      /* published after the copy */
    stats.writes++;
    stats.bytes += n;
    if (head - tail > stats.max_used)
        stats.max_used = head - tail;
}

/* Whether the caller may sleep for room: a thread with interrupts enabled,
 * its core's kernel running. (The idle thread is found out by td_sleep.) */
static bool may_sleep(port_irq_state_t st)
{
    return st == 0 && !port_in_isr() && td__core_running(port_core_id());
}

/* A device that takes nothing (a queued device's host with the port open
 * but not reading; a UART that stopped sending) is, after a writer has
 * waited TD_CONSOLE_STALL_MS for it, waited for by nobody until the ring
 * moves again: stalled, with the ring's tail then. */
static bool stalled;
static uint32_t stalled_tail;

/* A writer's wait for room: since when the ring's tail stood at seen. */
struct room_wait {
    bool waiting;
    uint32_t seen;
    uint64_t since;
};

/* Whether the writer w should stop waiting for room: the device took
 * nothing from the ring for TD_CONSOLE_STALL_MS while it waited, or since
 * another writer gave up. Lock held. */
static bool stalled_locked(const struct room_wait *w)
{
    if (stalled && tail == stalled_tail)
        return true;
    if (!w->waiting || tail != w->seen ||
        td_time_us() - w->since < (uint64_t)TD_CONSOLE_STALL_MS * 1000u)
        return false;
    stalled = true;
    stalled_tail = tail;
    return true;
}

/* The writer w is about to sleep for room: note when the tail last moved. */
static void room_wait_locked(struct room_wait *w)
{
    if (!w->waiting || tail != w->seen) {
        w->waiting = true;
        w->seen = tail;
        w->since = td_time_us();
    }
}

/* ---- queued devices (USB serial) ----------------------------------------------------
 * The device moves bytes only while its interrupt runs and a host listens,
 * so nobody waits for it who cannot sleep: when the ring has no room, a
 * thread sleeps a tick and tries again as long as the device is open and
 * its host has taken something within TD_CONSOLE_STALL_MS; otherwise (the
 * port not open yet, the host taking nothing, an interrupt handler,
 * interrupts masked, before the kernel runs, text longer than the ring)
 * the text is dropped whole and counted. From the first drop on, nothing more goes
 * into the ring until the device is open and the ring has room for one
 * line saying how many bytes were lost, so that one line stands where the
 * gap is. What the ring keeps before the host opens the port is the
 * oldest output, the start of the run. (A fault report is kept even then:
 * it may come before the loss line.) */
/* ---- loss --------------------------------------------------------------------------
 * Bytes the console could not deliver (a queued device's drops, below; a
 * UART that stopped sending, whose polled writes give up: port/port.h)
 * are counted in stats.lost and in 'lost', and the next line that gets
 * out is preceded by one line saying how many, and why. */
#define LOSS_LINE_MAX 160u
#define LOST_FULL    1u              /* a queued device's ring had no room */
#define LOST_STOPPED 2u              /* the device stopped taking bytes */
static uint32_t lost;                /* missing since the last loss line (sent_uart included) */
static uint8_t lost_why;

/* n bytes not delivered, for the reason why. Lock held. */
static void lose_locked(size_t n, unsigned why)
{
    lost += (uint32_t)n;
    stats.lost += (uint32_t)n;
    lost_why |= (uint8_t)why;
}

#if PORT_CONSOLE_QUEUED
/* A fault report's bytes the device did not take, which the port wrote to
 * its other device instead (the RP2040's usb route: the UART pins, see
 * port_console_write_bounded; on "both" the UART has every byte anyway)
 * since the last loss line: not lost, so not in stats.lost, but missing on
 * the device: the loss line says how many went to the UART, and why: the
 * host, the port open, took nothing (SENT_UNREAD), or the port was not
 * open (SENT_CLOSED: it closed during the write, or the ring had no room
 * for a report written while it was closed). They hold the ring back as a
 * loss does, so that the line stands where the gap is. */
#define SENT_UNREAD 1u
#define SENT_CLOSED 2u
static uint32_t sent_uart;
static uint8_t sent_why;
#else
#define sent_uart 0u
#endif

#if PORT_CONSOLE_QUEUED
/* The report's bytes the device did not take went to the UART. Lock held. */
static void sent_uart_locked(size_t n, unsigned why)
{
    lost += (uint32_t)n;
    sent_uart += (uint32_t)n;
    sent_why |= (uint8_t)why;
}

#endif

static char loss_line[LOSS_LINE_MAX];   /* the lock's holder's alone: off the stack */

/* The loss line, in loss_line, started on a new line (mid: the device is
 * in the middle of one); its length, or 0 when it does not fit. Lock held. */
static uint32_t loss_line_format(bool mid)
{
    /* (pieces at most 15 + 54 + 93 bytes, and the newline: each fits) */
    char *line = loss_line;
    uint32_t gone = lost - sent_uart;
    int k = td_snprintf(line, LOSS_LINE_MAX, "%s*** console: ", mid ? "\n" : "");
    if (gone != 0)
        k += td_snprintf(line + k, LOSS_LINE_MAX - (size_t)k, "%lu bytes lost (%s%s%s)%s",
                         (unsigned long)gone, lost_why & LOST_FULL ? "ring full" : "",
                         lost_why == (LOST_FULL | LOST_STOPPED) ? ", " : "",
                         lost_why & LOST_STOPPED ? "device not sending" : "",
                         sent_uart != 0 ? ", " : "");
#if PORT_CONSOLE_QUEUED
    if (sent_uart != 0)
        k += td_snprintf(line + k, LOSS_LINE_MAX - (size_t)k,
                         "%lu bytes of a fault report sent to the UART instead (%s%s%s)",
                         (unsigned long)sent_uart, sent_why & SENT_UNREAD ? "host not reading" : "",
                         sent_why == (SENT_UNREAD | SENT_CLOSED) ? ", " : "",
                         sent_why & SENT_CLOSED ? "port not open" : "");
#endif
    k += td_snprintf(line + k, LOSS_LINE_MAX - (size_t)k, "\n");
    return (uint32_t)k < LOSS_LINE_MAX ? (uint32_t)k : 0u;
}

/* The loss line went out: the count starts again. Lock held. */
static void loss_told_locked(void)
{
    lost = 0;
    lost_why = 0;
#if PORT_CONSOLE_QUEUED
    sent_uart = 0;
    sent_why = 0;
#endif
}

/* The last loss line put into the ring: the count it told, why, its
 * length and the ring's head after it. Until the device has taken it, it
 * is no line that "got out": dropped from the ring with the rest (the
 * polled mode selected while the device stopped), its count is owed
 * again and its own bytes are no loss. */
static uint32_t told_n, told_len, told_end;
static uint8_t told_why;

/* Whether the last loss line put into the ring still waits there (any
 * byte of it). Lock held. */
static bool told_waiting(void)
{
    return told_len != 0 && (int32_t)(told_end - tail) > 0;
}

/* Put the loss line into the ring if there is one to put and it fits with
 * 'more' bytes after it; false when it does not, or while nobody listens
 * (the count goes on until the ring drains). A UART's next loss line waits
 * until the device has taken the last one. Lock held. */
static bool loss_line_locked(uint32_t more)
{
    if (lost == 0)
        return true;
    if (!port_console_open() || (!PORT_CONSOLE_QUEUED && told_waiting()))
        return false;
    bool mid = head != 0 && ring[(head - 1u) & MASK] != '\n';
    uint32_t k = loss_line_format(mid);
    if (k == 0 || TD_CONSOLE_RING_SIZE - (head - tail) < k + more)
        return false;
    put_locked(loss_line, k);
    told_n = lost - sent_uart;
    told_why = lost_why;
    told_len = k;
    told_end = head;
    loss_told_locked();
    return true;
}

/* Drop what the ring holds (the device stopped): lost, and counted; a
 * loss line among it owed again. Lock held. */
static void drop_ring_locked(void)
{
    uint32_t n = head - tail;
    if (told_waiting()) {
        uint32_t left = told_end - tail;           /* of the line, and what followed it */
        n -= left < told_len ? left : told_len;
        lost += told_n;
        lost_why |= told_why;
    }
    told_len = 0;
    lose_locked(n, LOST_STOPPED);
    tail = head;
}

/* Write s polled: the loss line first, if any; what the device does not
 * take is lost, and counted. Lock held. */
static void polled_write_locked(const char *s, size_t n)
{
    if (lost != 0) {
        uint32_t k = loss_line_format(line_open);
        size_t took = k != 0 ? port_console_write(loss_line, k) : 0u;
        if (took != 0)
            line_open = loss_line[took - 1u] != '\n';
        if (took == k && k != 0) {
            loss_told_locked();
        } else if (k != 0) {
            lose_locked(n, LOST_STOPPED);        /* stopped again: told later */
            return;
        }
    }
    size_t took = port_console_write(s, n);
    if (took != 0)
        line_open = s[took - 1u] != '\n';
    if (took < n)
        lose_locked(n - took, LOST_STOPPED);
}

#if PORT_CONSOLE_QUEUED

/* Write s, or drop it. Returns false when the caller, the writer w, should
 * sleep a tick and try again (a thread, the device open, its host taking
 * bytes). Lock held. */
static bool queued_write_locked(port_irq_state_t st, bool sleep_ok, struct room_wait *w,
                                const char *s, size_t n)
{
    if (!drain_gone && loss_line_locked(0) && n <= TD_CONSOLE_RING_SIZE - (head - tail)) {
        put_locked(s, (uint32_t)n);
        pump_locked();
        return true;
    }
    if (sleep_ok && may_sleep(st) && port_console_open() && n <= TD_CONSOLE_RING_SIZE &&
        !drain_gone && !stalled_locked(w))
        return false;
    lose_locked(n, LOST_FULL);
    return true;
}
#endif

static void console_down(unsigned core, unsigned stage);

int td_console_write(const char *s, size_t n)
{
    if (s == NULL)
        return n != 0 ? TD_ERR_PARAM : 0;
#if PORT_CONSOLE_QUEUED
    TD_DOWN_REGISTER_ONCE(console_down);     /* buffered from boot */
#endif
    bool sleep_ok = true;
    struct room_wait w = { .waiting = false };
    for (;;) {
        port_irq_state_t st = console_lock();
        if (ring == NULL) {                          /* polled */
            polled_write_locked(s, n);
            console_unlock(st);
            return (int)n;
        }
        pump_locked();
#if PORT_CONSOLE_QUEUED
        if (queued_write_locked(st, sleep_ok, &w, s, n)) {
            console_unlock(st);
            return (int)n;
        }
        room_wait_locked(&w);
        stats.waits++;
        console_unlock(st);
        if (td_sleep(1) != TD_OK)
            sleep_ok = false;
        continue;
#endif
        uint32_t room = TD_CONSOLE_RING_SIZE - (head - tail);
        /* (a device stalled: the polled path's bounded wait finds out
         * whether it still sends) */
        if (n <= room || n > TD_CONSOLE_RING_SIZE || !sleep_ok || !may_sleep(st) ||
            stalled_locked(&w)) {
            if (n > TD_CONSOLE_RING_SIZE) {          /* too long for the ring */
                if (make_room_polled_locked(TD_CONSOLE_RING_SIZE))
                    polled_write_locked(s, n);
                else
                    lose_locked(n, LOST_STOPPED);
            } else {
                if (n > room)
                    stats.spins++;
                /* room for the loss line too when there is one (and it fits) */
                uint32_t need = lost != 0 && n + LOSS_LINE_MAX <= TD_CONSOLE_RING_SIZE
                                    ? (uint32_t)n + LOSS_LINE_MAX : (uint32_t)n;
                if (make_room_polled_locked(need) || TD_CONSOLE_RING_SIZE - (head - tail) >= n) {
                    (void)loss_line_locked((uint32_t)n);
                    put_locked(s, (uint32_t)n);
                    pump_locked();
                } else {
                    lose_locked(n, LOST_STOPPED);
                }
            }
            console_unlock(st);
            return (int)n;
        }
        room_wait_locked(&w);
        stats.waits++;
        console_unlock(st);
        if (td_sleep(1) != TD_OK)                    /* e.g. the idle thread */
            sleep_ok = false;
    }
}

/* A line longer than TD_CONSOLE_LINE_MAX (n, without the cut) is cut to
 * it and says so: it ends with "...\n". line holds TD_CONSOLE_LINE_MAX. */
static int cut_line(char *line, int n)
{
    if (n > TD_CONSOLE_LINE_MAX) {
        n = TD_CONSOLE_LINE_MAX;
        memcpy(line + n - 4, "...\n", 4);
    }
    return n;
}

int td_puts(const char *s)
{
    if (s == NULL)
        return TD_ERR_PARAM;
    char line[TD_CONSOLE_LINE_MAX + 1];
    int n = td_snprintf(line, sizeof line, "%s\n", s);
    if (n < 0)
        return n;
    return td_console_write(line, (size_t)cut_line(line, n));
}

int td_printf(const char *fmt, ...)
{
    char line[TD_CONSOLE_LINE_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    int n = td_vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return n;
    return td_console_write(line, (size_t)cut_line(line, n));
}

/* ---- modes ------------------------------------------------------------------------ */

void port_console_isr(void)
{
    port_irq_state_t st = console_lock();
    if (ring != NULL) {
        pump_locked();
#if PORT_CONSOLE_QUEUED
        if (loss_line_locked(0))         /* the ring drained past a loss */
            pump_locked();
#endif
    } else {
        port_console_tx_irq(false);
    }
    console_unlock(st);
}

int td_console_set_mode(int mode)
{
    static char storage[TD_CONSOLE_RING_SIZE];
    if (mode != TD_CONSOLE_POLLED && mode != TD_CONSOLE_BUFFERED)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (PORT_CONSOLE_QUEUED && mode == TD_CONSOLE_POLLED)
        return TD_ERR_UNSUPPORTED;       /* nobody may wait for a queued device */
    unsigned me = port_core_id();
    if (mode == TD_CONSOLE_BUFFERED)
        TD_DOWN_REGISTER_ONCE(console_down);   /* (not under the console lock) */
    /* The mode and its core are looked at and changed under the lock: two
     * cores selecting a mode at once get one answer each, never both the
     * ring. */
    port_irq_state_t st = console_lock();
    int r = TD_OK;
    if (mode == TD_CONSOLE_BUFFERED) {
        if (ring != NULL) {
            r = drain_core == me ? TD_OK : TD_ERR_WRONG_CORE;
        } else {
            port_console_irq_route(true);
            head = tail = 0;           /* (line_open: the device's, as polled left it) */
            drain_core = (uint8_t)me;
            TD_STORE_RELEASE(ring, storage);
        }
        console_unlock(st);
        return r;
    }
    r = ring == NULL ? 1 : drain_core != me ? TD_ERR_WRONG_CORE : TD_OK;
    console_unlock(st);
    if (r != TD_OK)
        return r == 1 ? TD_OK : r;
    /* Flush, for as long as the device keeps taking bytes: a UART that
     * stopped sending does not hold this call for ever. */
    td_tick_t step = (TD_TICK_HZ + 99u) / 100u;      /* 10 ms */
    for (;;) {
        st = console_lock();
        uint32_t seen = tail;
        console_unlock(st);
        if (td_console_flush(step) != TD_ERR_TIMEOUT)
            break;
        st = console_lock();
        bool moved = tail != seen;
        console_unlock(st);
        if (!moved)
            break;
    }
    st = console_lock();
    if (ring != NULL && drain_core == me) {   /* (the other core may have gone down) */
        /* written since the flush; what a stopped device leaves is lost */
        if (!make_room_polled_locked(TD_CONSOLE_RING_SIZE))
            drop_ring_locked();
        TD_STORE_RELEASE(ring, (char *)NULL);
        port_console_tx_irq(false);
        port_console_irq_route(false);
    }
    console_unlock(st);
    return TD_OK;
}

int td_console_mode(void)
{
    return TD_LOAD_ACQUIRE(ring) != NULL ? TD_CONSOLE_BUFFERED : TD_CONSOLE_POLLED;
}

/* ---- the draining core went down ------------------------------------------------------
 * Core 'core' stopped for good (halted after a fault, or held in reset to be
 * restarted): if it took the device's interrupt, nothing would move the
 * ring any more but the writers' own pumps. With a UART the other core
 * takes the interrupt over and drains what waits, in order, whole; it
 * stays the draining core (a restarted core 1 does not get the ring back).
 * A queued device (USB) is driven by its own core only: what the ring
 * holds is counted as lost, and so is every write from then on (nobody
 * waits for a device nobody drives); no loss line can be delivered.
 * Interrupts masked, on the other core, the dead core's spinlocks given
 * back (kernel/down.h). */
static void console_down(unsigned core, unsigned stage)
{
    if (stage != TD_DOWN_STOPPED)
        return;
    port_irq_state_t st = console_lock();
    if (ring != NULL && drain_core == core) {
#if PORT_CONSOLE_QUEUED
        lose_locked(head - tail, LOST_FULL);
        tail = head;
        drain_gone = true;
#else
        drain_core = (uint8_t)port_core_id();
        port_console_irq_route(true);
        pump_locked();
#endif
    }
    console_unlock(st);
}

int td_console_flush(td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    uint64_t start = td_time_us();
    uint64_t limit = timeout == TD_FOREVER ? UINT64_MAX
                                           : (uint64_t)timeout * 1000000u / TD_TICK_HZ;
    bool sleep_ok = true;
    for (;;) {
        port_irq_state_t st = console_lock();
        if (ring != NULL)
            pump_locked();
        bool done = (ring == NULL || tail == head) && port_console_idle();
        bool can_sleep = sleep_ok && may_sleep(st);
        console_unlock(st);
        if (done)
            return TD_OK;
        if (td_time_us() - start >= limit)
            return TD_ERR_TIMEOUT;
        if (can_sleep && td_sleep(1) != TD_OK)
            sleep_ok = false;
    }
}

int td_console_stats(td_console_stats_t *st)
{
    if (st == NULL)
        return TD_ERR_PARAM;
    port_irq_state_t s = console_lock();
    *st = stats;
    console_unlock(s);
    return TD_OK;
}

/* ---- the fault path ------------------------------------------------------------------ */

/* Write s to the device, polled. A queued device's wait for its host is
 * bounded: what it did not take (the host took nothing for that long, or
 * the port closed meanwhile) the port wrote to its other device (the UART
 * pins); with the console lock (counted) the loss line says so once the
 * host reads again. */
static void panic_write(const char *s, size_t n, bool counted)
{
#if PORT_CONSOLE_QUEUED
    size_t took = port_console_write_bounded(s, n);
    if (took < n && counted)
        sent_uart_locked(n - took, port_console_open() ? SENT_UNREAD : SENT_CLOSED);
#else
    size_t took = port_console_write(s, n);
    if (took < n && counted)
        lose_locked(n - took, LOST_STOPPED);
#endif
}

void td_console_write_panic(const char *s, size_t n)
{
    port_irq_state_t st = port_irq_save();
    unsigned me = port_core_id();
    bool locked = false, mine = td__spin_holder(TD_SPIN_CONSOLE) == me;
    if (!mine) {
        /* The other core may be mid-line: give it a bounded time to finish. */
        uint64_t deadline = port_time_us() + 20000u;
        while (!(locked = td__spin_try_over(TD_SPIN_CONSOLE)) && port_time_us() < deadline)
            ;
    }
#if PORT_CONSOLE_QUEUED
    if (!port_console_open() && (locked || mine)) {
        /* Nobody listens yet: the report waits in the ring like the rest,
         * and goes at once wherever the port still can (a UART). */
        if (n <= TD_CONSOLE_RING_SIZE - (head - tail)) {
            put_locked(s, (uint32_t)n);
        } else {
            sent_uart_locked(n, SENT_CLOSED);       /* to the UART below only */
        }
        (void)port_console_write(s, n);
        n = 0;
    }
#endif
    if (ring != NULL && n != 0 && (locked || mine) && line_open) {
        /* Finish the line the device is in the middle of, at most a line:
         * its bytes up to its '\n' in one write (two where it wraps round
         * the ring's end), which a packet device sends in full packets. */
        uint32_t k = 0, used = head - tail;
        while (k < used && k < TD_CONSOLE_LINE_MAX) {
            if (ring[(tail + k++) & MASK] == '\n')
                break;
        }
        while (k != 0) {
            uint32_t at = tail & MASK, m = k < TD_CONSOLE_RING_SIZE - at ? k : TD_CONSOLE_RING_SIZE - at;
            panic_write(ring + at, m, true);
            line_open = ring[(tail + m - 1u) & MASK] != '\n';
            tail += m;
            k -= m;
        }
    }
    if (n != 0)
        panic_write(s, n, locked || mine);
    if (locked)
        port_spin_release(TD_SPIN_CONSOLE);
    port_irq_restore(st);
}
