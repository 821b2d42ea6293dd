/*
 * tandem/queue.h: message queues of fixed-size items for threads of one
 * core.
 *
 * Items are copied in and out. A send to a waiting receiver copies straight
 * into the receiver's buffer; a receive from a full queue pulls in the
 * first waiting sender's item. Waiters are served most urgent first. Binding
 * to a core as for semaphores.
 */
#ifndef TANDEM_QUEUE_H
#define TANDEM_QUEUE_H

#include "tandem/types.h"

typedef struct td_queue {
    struct td_thread *waiters;   /* receivers if empty, senders if full */
    uint8_t *buf;
    uint16_t item_size;
    uint16_t capacity;
    uint16_t count;
    uint16_t head;
    uint16_t magic;
    uint8_t core;
} td_queue_t;

#define TD_QUEUE_MAGIC 0x4f80u   /* 0x9f << 7 (tandem/types.h) */
/* A queue 'name' of n items of type T with its storage:
 *   static TD_QUEUE_DEFINE(samples, uint32_t, 16); */
#define TD_QUEUE_DEFINE(name, T, n) \
    T name##_items[n]; \
    td_queue_t name = { NULL, (uint8_t *)name##_items, sizeof(T), (n), 0, 0, \
                        TD_QUEUE_MAGIC, TD_CORE_ANY }

/* Initialise q over caller-owned storage buf of capacity * item_size bytes
 * (item_size 1..65535, capacity 1..65535), empty, bound to the calling core.
 * Returns 0, TD_ERR_PARAM, TD_ERR_BUSY (q is a queue with waiters or
 * items: take them out or td_queue_deinit first; nothing changed).
 * Thread or interrupt. */
int td_queue_init(td_queue_t *q, void *buf, size_t item_size, size_t capacity);

/* Forget q: it must be initialised again before use. Returns the items
 * it held, now discarded (0 or more), or TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_WRONG_CORE, TD_ERR_BUSY (waiters; nothing changed). Thread or
 * interrupt, q's core. */
int td_queue_deinit(td_queue_t *q);

/* Copy one item in, waiting at most timeout ticks for room. Returns 0,
 * TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_WRONG_CORE, TD_ERR_IN_ISR, TD_ERR_IDLE, TD_ERR_STATE. Thread only,
 * q's core. */
int td_queue_send(td_queue_t *q, const void *item, td_tick_t timeout);

/* Copy one item out into 'item', waiting at most timeout ticks for one.
 * Returns as td_queue_send. Thread only, q's core. */
int td_queue_recv(td_queue_t *q, void *item, td_tick_t timeout);

/* Non-blocking send: returns 0, TD_ERR_WOULD_BLOCK (full), TD_ERR_PARAM,
 * TD_ERR_UNINIT, TD_ERR_WRONG_CORE. Thread or interrupt, q's core. */
int td_queue_send_isr(td_queue_t *q, const void *item);

/* Non-blocking receive: returns 0, TD_ERR_WOULD_BLOCK (empty),
 * TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_WRONG_CORE. Thread or interrupt. */
int td_queue_recv_isr(td_queue_t *q, void *item);

/* Items waiting in q, or a negative TD_ERR_* code. Anywhere. */
int td_queue_count(const td_queue_t *q);

#endif /* TANDEM_QUEUE_H */
