/*
 * kernel/chan.c: bulk channels (tandem/chan.h): a single-producer single-
 * consumer byte ring in shared SRAM, FIFO words only as doorbells.
 *
 * head (bytes committed) has one writer, the writer's core; tail (bytes
 * consumed) one writer, the reader's core; both only grow (mod 2^32), so
 * level = head - tail. A side that must wait stores how many bytes it needs
 * in want[side], looks again, and sleeps; the other side, after moving its
 * index, looks at want[] and rings the channels' doorbell (registered with
 * the link, kernel/link.h) when the waiter's need is met. The doorbell's
 * receiving core runs chan_rang from its FIFO interrupt. The same
 * store-then-look order on both sides (with a full fence between) means one
 * of them always sees the other.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE_SIZE__)
#pragma GCC optimize("O2")          /* the copy loops and the index updates */
#endif


#include <string.h>

#include "down.h"
#include "held.h"
#include "link.h"
#include "sched.h"
#include "spin.h"

#include "tandem/chan.h"
#include "tandem/hwtable.h"
#include "tandem/msg.h"

static td_chan_t *chans[TD_CHAN_MAX];
static uint8_t bell, bell_registered;    /* the channels' doorbell (kernel/link.h) */
static uint8_t end_registered;           /* chan_ended (kernel/held.h) */


/* Bytes side 'side' may use now: free space (writer) or data (reader). */
static uint32_t avail(const td_chan_t *ch, unsigned side)
{
    uint32_t level = TD_LOAD_ACQUIRE(ch->head) - TD_LOAD_ACQUIRE(ch->tail);
    return side == TD_CHAN_WRITE ? ch->size - level : level;
}

/* avail() for side's owner: its own index is its own to read plainly, the
 * other side's is loaded with acquire (the bytes it covers are there). */
static inline uint32_t avail_own(const td_chan_t *ch, unsigned side)
{
    if (side == TD_CHAN_WRITE)
        return ch->size - (TD_LOAD_RELAXED(ch->head) - TD_LOAD_ACQUIRE(ch->tail));
    return TD_LOAD_ACQUIRE(ch->head) - TD_LOAD_RELAXED(ch->tail);
}

/* Offset of side's position in the ring. */
static uint32_t pos(const td_chan_t *ch, unsigned side)
{
    return (side == TD_CHAN_WRITE ? ch->head : ch->tail) & (ch->size - 1u);
}

/* Wake this core's waiting sides whose need is met. Interrupts masked. */
static void poll_one(td_core_t *c, td_chan_t *ch, unsigned me)
{
    for (unsigned s = 0; s < 2; s++) {
        if (TD_LOAD_ACQUIRE(ch->core[s]) != me)
            continue;                        /* the other core's side: not ours to touch */
        td_thread_t *t = ch->waiters[s];
        if (t != NULL && avail(ch, s) >= ch->want[s]) {
            TD_STORE_RELEASE(ch->want[s], 0u);
            td__wake(c, t, TD_OK);
        }
    }
}

/* The doorbell (kernel/link.h): a side of the other core moved its index.
 * The table is walked under the channels' spinlock, which detach takes to
 * unregister: once a detach returns, no core reads that object again. */
static void chan_rang(unsigned me, td_core_t *c, uint32_t count)
{
    (void)count;
    td__spin_lock(TD_SPIN_MSG);
    for (unsigned i = 0; i < TD_CHAN_MAX; i++) {
        td_chan_t *ch = TD_LOAD_ACQUIRE(chans[i]);
        if (ch != NULL)
            poll_one(c, ch, me);
    }
    td__spin_unlock(TD_SPIN_MSG);
}

/* Side 'side' of ch has no owner now: if neither has, ch leaves the table
 * and its number is free. TD_SPIN_MSG held, interrupts masked. */
static void unregister_if_free(td_chan_t *ch)
{
    if (ch->owner[TD_CHAN_WRITE] != NULL || ch->owner[TD_CHAN_READ] != NULL)
        return;
    if (ch->number < TD_CHAN_MAX && TD_LOAD_RELAXED(chans[ch->number]) == ch)
        TD_STORE_RELEASE(chans[ch->number], (td_chan_t *)NULL);
    ch->registered = 0;
}

/* Give side 'side' of ch up: no owner, no core. TD_SPIN_MSG held,
 * interrupts masked; the owner waits on nothing. */
static void release_side(td_chan_t *ch, unsigned side)
{
    ch->owner[side] = NULL;
    ch->waiters[side] = NULL;
    TD_STORE_RELEASE(ch->want[side], 0u);
    TD_STORE_RELEASE(ch->core[side], (uint8_t)TD_CORE_ANY);
    unregister_if_free(ch);
}

/* Thread t of this core ends (kernel/held.h): every side it owns is
 * detached. Interrupts masked. */
static void chan_ended(td_core_t *c, td_thread_t *t)
{
    (void)c;
    unsigned me = port_core_id();
    td__spin_lock(TD_SPIN_MSG);
    for (unsigned i = 0; i < TD_CHAN_MAX; i++) {
        td_chan_t *ch = TD_LOAD_RELAXED(chans[i]);
        for (unsigned s = 0; ch != NULL && s < 2; s++)
            if (ch->owner[s] == t && TD_LOAD_RELAXED(ch->core[s]) == me)
                release_side(ch, s);
    }
    td__spin_unlock(TD_SPIN_MSG);
}

/* Core 'peer' went down (kernel/down.h: its fault notice, or core 1's
 * reset; this runs on the other core): its sides of every channel are
 * released (no owner: its next start can attach again; the core number
 * stays, so a wait that starts now sees that core down), and this core's
 * waiters on a channel whose other side was there are woken with
 * TD_ERR_PEER_DOWN. Interrupts masked. */
static void chan_down(unsigned peer, unsigned stage)
{
    if (stage != TD_DOWN_NOTICE && stage != TD_DOWN_RESET)
        return;
    unsigned me = peer ^ 1u;
    td_core_t *c = &td__cores[me];
    td__spin_lock(TD_SPIN_MSG);
    for (unsigned i = 0; i < TD_CHAN_MAX; i++) {
        td_chan_t *ch = TD_LOAD_ACQUIRE(chans[i]);
        if (ch == NULL)
            continue;
        for (unsigned s = 0; s < 2; s++) {
            if (TD_LOAD_ACQUIRE(ch->core[s]) != peer)
                continue;
            ch->owner[s] = NULL;
            if (ch->waiters[s] != NULL)
                ch->waiters[s]->wq = NULL;       /* the dead thread no longer waits here */
            ch->waiters[s] = NULL;
            TD_STORE_RELEASE(ch->want[s], 0u);
            unsigned o = s ^ 1u;
            if (TD_LOAD_ACQUIRE(ch->core[o]) == me && ch->waiters[o] != NULL) {
                TD_STORE_RELEASE(ch->want[o], 0u);
                td__wake(c, ch->waiters[o], TD_ERR_PEER_DOWN);
            }
        }
        unregister_if_free(ch);                  /* nobody left: the number is free */
    }
    td__spin_unlock(TD_SPIN_MSG);
    td__resched(c);
}

int td_chan_init(td_chan_t *ch, unsigned number, void *buf, size_t size)
{
    if (ch == NULL || buf == NULL || number >= TD_CHAN_MAX || size < 8 ||
        size > (1u << 30) || (size & (size - 1u)) != 0 || ((uintptr_t)buf & 3u) != 0)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    int r = TD_OK;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);                  /* as attach and detach */
    if (ch->magic == TD_CHAN_MAGIC && (ch->owner[0] != NULL || ch->owner[1] != NULL ||
                                       ch->head != ch->tail))
        r = TD_ERR_BUSY;                         /* attached, or unread bytes: deinit counts them */
    else if (ch->magic == TD_CHAN_MAGIC)
        unregister_if_free(ch);                  /* (never registered without a side) */
    if (r == TD_OK)
        *ch = (td_chan_t){ .buf = buf, .size = (uint32_t)size, .magic = TD_CHAN_MAGIC,
                           .number = (uint16_t)number, .core = { TD_CORE_ANY, TD_CORE_ANY } };
    td__spin_unlock(TD_SPIN_MSG);
    port_irq_restore(s);
    return r;
}

int td_chan_deinit(td_chan_t *ch)
{
    if (ch == NULL)
        return TD_ERR_PARAM;
    if (ch->magic != TD_CHAN_MAGIC)
        return TD_ERR_UNINIT;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    int r;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);
    if (ch->owner[0] != NULL || ch->owner[1] != NULL) {
        r = TD_ERR_BUSY;
    } else {
        r = (int)(TD_LOAD_ACQUIRE(ch->head) - TD_LOAD_ACQUIRE(ch->tail));
        unregister_if_free(ch);
        ch->magic = 0;
    }
    td__spin_unlock(TD_SPIN_MSG);
    port_irq_restore(s);
    return r;
}

int td_chan_attach(td_chan_t *ch, unsigned side)
{
    if (ch == NULL || side > TD_CHAN_READ)
        return TD_ERR_PARAM;
    if (ch->magic != TD_CHAN_MAGIC || ch->number >= TD_CHAN_MAX)
        return TD_ERR_UNINIT;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    td_thread_t *self = td__core()->current;
    if (self == NULL)
        return TD_ERR_STATE;
    int r = td_msg_start();
    if (r)
        return r;
    if (!TD_LOAD_ACQUIRE(bell_registered)) {
        TD_STORE_RELAXED(bell, (uint8_t)td__link_doorbell(chan_rang, false));
        TD_STORE_RELEASE(bell_registered, (uint8_t)1);
    }
    td__down_register(chan_down);
    if (!TD_LOAD_ACQUIRE(end_registered)) {
        td__held_on_end(chan_ended);
        TD_STORE_RELEASE(end_registered, (uint8_t)1);
    }
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);
    if (chans[ch->number] != NULL && chans[ch->number] != ch)
        r = TD_ERR_BUSY;
    else if (ch->owner[side] != NULL)
        r = TD_ERR_BUSY;
    else {
        ch->owner[side] = self;
        TD_STORE_RELEASE(ch->core[side], (uint8_t)port_core_id());
        ch->waiters[side] = NULL;
        TD_STORE_RELEASE(ch->want[side], 0u);
        ch->registered = 1;
        TD_STORE_RELEASE(chans[ch->number], ch);
    }
    td__spin_unlock(TD_SPIN_MSG);
    port_irq_restore(s);
    return r;
}

static int owner_check(const td_chan_t *ch, unsigned side)
{
    if (ch == NULL)
        return TD_ERR_PARAM;
    if (ch->magic != TD_CHAN_MAGIC)
        return TD_ERR_UNINIT;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    unsigned me = port_core_id();
    if (ch->owner[side] == NULL || ch->core[side] != me ||
        ch->owner[side] != td__core_of(me)->current)
        return TD_ERR_NOT_OWNER;
    return TD_OK;
}

int td_chan_detach(td_chan_t *ch, unsigned side)
{
    if (side > TD_CHAN_READ)
        return TD_ERR_PARAM;
    int r = owner_check(ch, side);
    if (r)
        return r;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);
    release_side(ch, side);
    td__spin_unlock(TD_SPIN_MSG);
    port_irq_restore(s);
    return TD_OK;
}

/* Side 'side' moved its index: if the other side waits and its need is now
 * met, wake it (same core) or ring its core's doorbell. */
static void notify(td_chan_t *ch, unsigned side)
{
    unsigned other = side ^ 1u;
    TD_FENCE_SEQ_CST();
    uint32_t want = TD_LOAD_ACQUIRE(ch->want[other]);
    if (want == 0 || avail(ch, other) < want)
        return;
    unsigned oc = TD_LOAD_ACQUIRE(ch->core[other]);
    port_irq_state_t s = port_irq_save();
    if (oc == port_core_id()) {
        td_core_t *c = td__core();
        poll_one(c, ch, oc);
        td__resched(c);
    } else if (oc < PORT_NUM_CORES) {
        ch->doorbells++;
        td__link_ring(TD_LOAD_RELAXED(bell));
    }
    port_irq_restore(s);
}

/* Looks at the other side's index a side makes before it sleeps, when
 * that side runs on the other core (about 12 cycles each): a sleep and the
 * doorbell and wake-up that end it cost the waiting core about as much as
 * the whole spin, and the other core, busy with the channel, usually
 * moves its index within it. */
#ifndef TD_CHAN_SPIN
#define TD_CHAN_SPIN 64u
#endif

/* Wait until side may use 'need' bytes, at most until 'end' (a wait of
 * 'timeout'). Returns 0 or the error. */
static int wait_for(td_chan_t *ch, unsigned side, uint32_t need, td_tick_t timeout, td_tick_t end)
{
    if (avail(ch, side) >= need)
        return TD_OK;
    if (timeout == TD_NO_WAIT)
        return TD_ERR_WOULD_BLOCK;
    unsigned oc = TD_LOAD_ACQUIRE(ch->core[side ^ 1u]);
    if (oc < PORT_NUM_CORES && oc != port_core_id())
        for (unsigned i = 0; i < TD_CHAN_SPIN; i++)
            if (avail(ch, side) >= need)
                return TD_OK;
    td_core_t *c = td__core();
    port_irq_state_t s = port_irq_save();
    int r = TD_OK;
    for (;;) {
        TD_STORE_RELEASE(ch->want[side], need);
        TD_FENCE_SEQ_CST();
        if (avail(ch, side) >= need)
            break;
        unsigned oc = TD_LOAD_ACQUIRE(ch->core[side ^ 1u]);   /* the other side's core */
        if (oc != port_core_id() && oc < PORT_NUM_CORES && !td__link_peer_alive(oc)) {
            r = TD_ERR_PEER_DOWN;
            break;
        }
        td_tick_t left = TD_FOREVER;
        if (timeout != TD_FOREVER) {
            left = end - c->tick;
            if ((int32_t)left <= 0) {
                r = TD_ERR_TIMEOUT;
                break;
            }
        }
        if ((r = td__can_wait(c, s)) != TD_OK)
            break;
        r = td__wait(c, &ch->waiters[side], left, s);
        s = port_irq_save();
        if (r != TD_OK && r != TD_ERR_TIMEOUT)
            break;
        r = TD_OK;
    }
    TD_STORE_RELEASE(ch->want[side], 0u);
    port_irq_restore(s);
    return r;
}

/* Copy n bytes: the C library's memcpy, which the port makes fast (on the
 * chip four words per load and store multiple when both addresses are
 * word aligned: about 1.2 bytes a cycle, the bare copy's rate, against 1.0
 * for an eight-word struct copy and 0.6 for single loads and stores). */
static void copy(uint8_t *d, const uint8_t *s, uint32_t n)
{
    memcpy(d, s, n);
}

/* Grant side up to 'wanted' contiguous bytes at its position, waiting
 * for at least min(wanted, size / 4, bytes to the ring's end). */
static int grant(td_chan_t *ch, unsigned side, size_t *len, td_tick_t timeout, td_tick_t end,
                 uint8_t **p)
{
    size_t wanted = *len;
    uint32_t at = pos(ch, side), to_end = ch->size - at, need = ch->size / 4u;
    if (need > to_end)
        need = to_end;
    if (wanted < need)
        need = (uint32_t)wanted;
    uint32_t n = avail_own(ch, side);
    if (n < need) {
        int r = wait_for(ch, side, need, timeout, end);
        if (r)
            return r;
        n = avail_own(ch, side);
    }
    if (n > to_end)
        n = to_end;
    if (n > wanted)
        n = (uint32_t)wanted;
    *p = ch->buf + at;
    *len = n;
    return TD_OK;
}

/* Move side's index by n bytes (at most what it may use) and tell the
 * other side. */
static void move(td_chan_t *ch, unsigned side, uint32_t n)
{
    if (side == TD_CHAN_WRITE)
        TD_STORE_RELEASE(ch->head, ch->head + n);
    else
        TD_STORE_RELEASE(ch->tail, ch->tail + n);
    notify(ch, side);
}

static int advance(td_chan_t *ch, unsigned side, size_t n)
{
    int r = owner_check(ch, side);
    if (r)
        return r;
    if (n > avail(ch, side))
        return TD_ERR_PARAM;
    move(ch, side, (uint32_t)n);
    return TD_OK;
}

int td_chan_reserve(td_chan_t *ch, void **p, size_t *len, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = owner_check(ch, TD_CHAN_WRITE);
    if (r)
        return r;
    if (p == NULL || len == NULL || *len == 0)
        return TD_ERR_PARAM;
    uint8_t *q;
    r = grant(ch, TD_CHAN_WRITE, len, timeout, td__core()->tick + timeout, &q);
    if (r == TD_OK)
        *p = q;
    return r;
}

int td_chan_commit(td_chan_t *ch, size_t n)
{
    return advance(ch, TD_CHAN_WRITE, n);
}

int td_chan_peek(td_chan_t *ch, const void **p, size_t *len, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = owner_check(ch, TD_CHAN_READ);
    if (r)
        return r;
    if (p == NULL || len == NULL || *len == 0)
        return TD_ERR_PARAM;
    uint8_t *q;
    r = grant(ch, TD_CHAN_READ, len, timeout, td__core()->tick + timeout, &q);
    if (r == TD_OK)
        *p = q;
    return r;
}

int td_chan_consume(td_chan_t *ch, size_t n)
{
    return advance(ch, TD_CHAN_READ, n);
}

static int xfer(td_chan_t *ch, unsigned side, uint8_t *data, size_t n, size_t *done,
                td_tick_t timeout)
{
    size_t moved = 0;
    int r = owner_check(ch, side);
    if (r == TD_OK && data == NULL && n != 0)
        r = TD_ERR_PARAM;
    td_tick_t end = r == TD_OK ? td__core_of(port_core_id())->tick + timeout : 0;
    while (r == TD_OK && moved < n) {
        size_t len = n - moved;
        uint8_t *q;
        r = grant(ch, side, &len, timeout, end, &q);
        if (r)
            break;
        if (side == TD_CHAN_WRITE)
            copy(q, data + moved, (uint32_t)len);
        else
            copy(data + moved, q, (uint32_t)len);
        moved += len;
        move(ch, side, (uint32_t)len);       /* the owner's, at most the grant */
    }
    if (done != NULL)
        *done = moved;
    return r;
}

int td_chan_write(td_chan_t *ch, const void *data, size_t n, size_t *done, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    return xfer(ch, TD_CHAN_WRITE, (uint8_t *)(uintptr_t)data, n, done, timeout);
}

int td_chan_read(td_chan_t *ch, void *buf, size_t n, size_t *done, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    return xfer(ch, TD_CHAN_READ, buf, n, done, timeout);
}

long td_chan_level(const td_chan_t *ch)
{
    if (ch == NULL)
        return TD_ERR_PARAM;
    if (ch->magic != TD_CHAN_MAGIC)
        return TD_ERR_UNINIT;
    return (long)(TD_LOAD_ACQUIRE(ch->head) - TD_LOAD_ACQUIRE(ch->tail));
}
