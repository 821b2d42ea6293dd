/*
 * tandem/chan.h: bulk channels: byte streams between a writer thread and a
 * reader thread, normally on different cores, through a ring in shared
 * SRAM. The data never passes through the FIFO; a FIFO word (a system
 * doorbell, docs/messages.md) is sent only when the other side is waiting
 * for room or data.
 *
 * A channel has a number fixed by the program (0 .. TD_CHAN_MAX-1) and a
 * caller-owned ring whose size is a power of two (8 .. 2^30 bytes; word
 * aligned). One thread attaches as the writer and one as the reader
 * (td_chan_attach); each side's calls are owner only. Two forms:
 *   copy:      td_chan_write / td_chan_read copy bytes in and out (word-wise
 *              when source and ring position are both word aligned);
 *   zero-copy: td_chan_reserve, fill, td_chan_commit on the writer's side;
 *              td_chan_peek, use, td_chan_consume on the reader's side.
 * Both cores' multiplexers must run for a waiting side to be woken across
 * cores (td_chan_attach starts the caller's). Single producer, single
 * consumer: the ring indices each have one writer, so no lock is taken.
 * Model and figures: docs/messages.md.
 */
#ifndef TANDEM_CHAN_H
#define TANDEM_CHAN_H

#include "tandem/types.h"

/* Channel numbers: 0 .. TD_CHAN_MAX-1. */
#ifndef TD_CHAN_MAX
#define TD_CHAN_MAX 8u
#endif
_Static_assert(TD_CHAN_MAX >= 1 && TD_CHAN_MAX <= 0x10000, "chan: TD_CHAN_MAX out of range");

#define TD_CHAN_WRITE 0u
#define TD_CHAN_READ  1u

typedef struct td_chan {
    uint8_t *buf;
    uint32_t size;                  /* bytes, a power of two */
    uint32_t head;                  /* bytes committed (the writer's core writes it) */
    uint32_t tail;                  /* bytes consumed (the reader's core writes it) */
    struct td_thread *owner[2];     /* [TD_CHAN_WRITE], [TD_CHAN_READ] */
    struct td_thread *waiters[2];   /* a side's owner while it waits */
    uint32_t want[2];               /* a side waits for this many bytes (0: not waiting) */
    uint32_t doorbells;             /* doorbells this channel sent */
    uint16_t magic;
    uint16_t number;
    uint8_t core[2];                /* each side's core */
    uint8_t registered;
} td_chan_t;

#define TD_CHAN_MAGIC 0xc4a7u

/* A static channel 'name' with number 'num' and a static ring of 'bytes'
 * (a power of two, >= 8), at file scope (always static storage):
 *   TD_CHAN_DEFINE(samples, 0, 4096);
 * Registered by its first td_chan_attach (no td_chan_init needed). */
#define TD_CHAN_DEFINE(name, num, bytes)                                                     \
    _Static_assert((bytes) >= 8 && ((bytes) & ((bytes) - 1)) == 0, "chan: ring size");       \
    _Static_assert((num) < TD_CHAN_MAX, "chan: number out of range");                        \
    static uint32_t name##_ring[(bytes) / 4];                                                 \
    static td_chan_t name = { .buf = (uint8_t *)name##_ring, .size = (bytes),                \
                              .magic = TD_CHAN_MAGIC, .number = (num),                       \
                              .core = { TD_CORE_ANY, TD_CORE_ANY } }

/* Life cycle. A channel is registered under its number from its first
 * attach until both sides are detached (td_chan_detach, or the owner
 * thread ends, or the owner's core goes down): then its number is free
 * for another channel object, and the kernel neither reads nor writes the
 * object any more, so its memory may be reused (a channel on a stack may
 * go out of scope). Bytes in the ring stay there while the object lives:
 * a side attached again reads them; td_chan_deinit counts what it
 * discards, and td_chan_init is refused while any are left. */

/* Prepare channel ch with number 'number' and the caller-owned ring
 * buf[size] (size a power of two, 8 .. 2^30; buf word aligned): empty, no
 * sides attached. Returns 0, TD_ERR_PARAM, TD_ERR_BUSY (a side is
 * attached, or the ring still holds unread bytes: td_chan_deinit first,
 * which counts them; nothing changed), TD_ERR_IN_ISR. Thread only, either
 * core. */
int td_chan_init(td_chan_t *ch, unsigned number, void *buf, size_t size);

/* Forget ch: it must be initialised again before use. Returns the unread
 * bytes the ring held, now discarded (0 or more), or TD_ERR_PARAM,
 * TD_ERR_UNINIT, TD_ERR_BUSY (a side is attached; nothing changed),
 * TD_ERR_IN_ISR. Thread only, either core. */
int td_chan_deinit(td_chan_t *ch);

/* Make the calling thread ch's writer (TD_CHAN_WRITE) or reader
 * (TD_CHAN_READ) and start this core's message multiplexer. Returns 0,
 * TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_BUSY (that side has an owner, or
 * another channel has the number), TD_ERR_STATE (raw FIFO mode),
 * TD_ERR_IN_ISR. Thread only, either core. */
int td_chan_attach(td_chan_t *ch, unsigned side);

/* Give the side up (the other side is not affected; bytes stay in the
 * ring). The last side detached frees the channel's number and ends the
 * kernel's use of the object (see "Life cycle" above). A thread that ends
 * detaches the sides it owns the same way. Returns 0 or the owner-only
 * errors (TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_NOT_OWNER, TD_ERR_IN_ISR). */
int td_chan_detach(td_chan_t *ch, unsigned side);

/* Copy n bytes from data into the ring, waiting for room as needed, at
 * most 'timeout' ticks in all. *done (if not NULL) gets the bytes written,
 * also on failure. Returns 0, TD_ERR_WOULD_BLOCK (TD_NO_WAIT and not all
 * fitted), TD_ERR_TIMEOUT, TD_ERR_PEER_DOWN (the other side's core went
 * down, before or during the wait), TD_ERR_PARAM, TD_ERR_STATE,
 * TD_ERR_IDLE, owner-only errors. Thread only, the writer. */
int td_chan_write(td_chan_t *ch, const void *data, size_t n, size_t *done, td_tick_t timeout);

/* Copy n bytes out of the ring into buf, waiting for them as needed, at
 * most 'timeout' ticks in all; *done as for td_chan_write. Returns as
 * td_chan_write. Thread only, the reader. */
int td_chan_read(td_chan_t *ch, void *buf, size_t n, size_t *done, td_tick_t timeout);

/* Zero-copy write: *p gets the ring's free space at the write position,
 * *len (in: the most wanted, >= 1) the bytes granted there: contiguous, at
 * most what was wanted, and at least min(wanted, size/4, bytes to the
 * ring's end) unless the call fails; it waits for that much at most
 * 'timeout' ticks. Fill them, then td_chan_commit. Returns 0,
 * TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT, TD_ERR_PEER_DOWN, TD_ERR_PARAM,
 * TD_ERR_STATE, TD_ERR_IDLE, owner-only errors. Thread only, the writer. */
int td_chan_reserve(td_chan_t *ch, void **p, size_t *len, td_tick_t timeout);

/* Publish n bytes written at the reserved position (n <= the bytes
 * granted) and wake a waiting reader. Returns 0, TD_ERR_PARAM (n larger
 * than the free space), owner-only errors. Thread only, the writer. */
int td_chan_commit(td_chan_t *ch, size_t n);

/* Zero-copy read: *p gets the oldest unread bytes, *len (in: the most
 * wanted, >= 1) how many: contiguous, at least min(wanted, size/4, bytes
 * to the ring's end) unless the call fails. Use them, then td_chan_consume.
 * Returns as td_chan_reserve. Thread only, the reader. */
int td_chan_peek(td_chan_t *ch, const void **p, size_t *len, td_tick_t timeout);

/* Release n bytes given by td_chan_peek and wake a waiting writer. Returns
 * 0, TD_ERR_PARAM (n larger than what is there), owner-only errors. Thread
 * only, the reader. */
int td_chan_consume(td_chan_t *ch, size_t n);

/* Bytes waiting in the ring, or a negative TD_ERR_* code. Anywhere. */
long td_chan_level(const td_chan_t *ch);

#endif /* TANDEM_CHAN_H */
