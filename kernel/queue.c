/*
 * kernel/queue.c: same-core message queues of fixed-size items.
 */
#include "sched.h"
#include "trace.h"

#include "tandem/queue.h"

__attribute__((noinline)) static int check(td_queue_t *q, const void *item)
{
    return item == NULL ? TD_ERR_PARAM : TD_CHECK(q, td_queue_t, TD_QUEUE_MAGIC);
}

static uint8_t *slot(const td_queue_t *q, unsigned i)
{
    if (i >= q->capacity)
        i -= q->capacity;
    return q->buf + (size_t)i * q->item_size;
}

/* Non-blocking halves; interrupts masked. */
static int put(td_core_t *c, td_queue_t *q, const void *item)
{
    td_thread_t *w = q->waiters;
    if (w != NULL && q->count == 0) {            /* a receiver waits */
        td__copy(w->wdata.p, item, q->item_size);
        td__wake(c, w, TD_OK);
    } else if (q->count < q->capacity) {
        td__copy(slot(q, q->head + q->count), item, q->item_size);
        TD_TRACE(TD_TR_QUEUE, q, q->count + 1u);
        q->count++;
    } else {
        return TD_ERR_WOULD_BLOCK;
    }
    return TD_OK;
}

static int get(td_core_t *c, td_queue_t *q, void *item)
{
    if (q->count == 0)
        return TD_ERR_WOULD_BLOCK;
    uint8_t *h = slot(q, q->head);
    td__copy(item, h, q->item_size);
    q->head = (uint16_t)(q->head + 1u == q->capacity ? 0 : q->head + 1u);
    td_thread_t *w = q->waiters;
    if (w != NULL) {                              /* a sender waits: its item to the slot freed */
        td__copy(h, w->wdata.p, q->item_size);
        td__wake(c, w, TD_OK);
    } else {
        TD_TRACE(TD_TR_QUEUE, q, q->count - 1u);
        q->count--;
    }
    return TD_OK;
}

int td_queue_init(td_queue_t *q, void *buf, size_t item_size, size_t capacity)
{
    if (q == NULL || buf == NULL || item_size == 0 || item_size > 0xffffu ||
        capacity == 0 || capacity > 0xffffu)
        return TD_ERR_PARAM;
    if (q->magic == TD_QUEUE_MAGIC && (q->waiters != NULL || q->count != 0))
        return TD_ERR_BUSY;                      /* waited on, or holding items */
    q->waiters = NULL;
    q->buf = buf;
    q->item_size = (uint16_t)item_size;
    q->capacity = (uint16_t)capacity;
    q->count = 0;
    q->head = 0;
    q->core = (uint8_t)port_core_id();
    q->magic = TD_QUEUE_MAGIC;
    return TD_OK;
}

_Static_assert(offsetof(td_queue_t, waiters) == 0, "td__deinit finds the wait list first");
int td_queue_deinit(td_queue_t *q)
{
    int r = TD_DEINIT(q, td_queue_t, TD_QUEUE_MAGIC, NULL);
    return r ? r : q->count;      /* the items discarded (no call changes them now) */
}

static int xfer(td_queue_t *q, void *item, td_tick_t timeout, bool send)
{
    int r = item == NULL ? TD_ERR_PARAM : TD_CHECK_CALL(q, td_queue_t, TD_QUEUE_MAGIC, timeout);
    if (r)
        return r;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    r = send ? put(c, q, item) : get(c, q, item);
    if (r == TD_ERR_WOULD_BLOCK)         /* (nothing changed: no one to switch to) */
        return td__block(c, &q->waiters, timeout, s, item);
    td__resched_restore(c, s);
    return r;
}

int td_queue_send(td_queue_t *q, const void *item, td_tick_t timeout)
{
    return xfer(q, (void *)(uintptr_t)item, timeout, true);
}

int td_queue_recv(td_queue_t *q, void *item, td_tick_t timeout)
{
    return xfer(q, item, timeout, false);
}

/* The non-blocking calls, thread or interrupt. */
__attribute__((noinline)) static int xfer_isr(td_queue_t *q, void *item, bool send)
{
    int r = check(q, item);
    if (r)
        return r;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    r = send ? put(c, q, item) : get(c, q, item);
    td__resched_restore(c, s);
    return r;
}

int td_queue_send_isr(td_queue_t *q, const void *item)
{
    return xfer_isr(q, (void *)(uintptr_t)item, true);
}

int td_queue_recv_isr(td_queue_t *q, void *item)
{
    return xfer_isr(q, item, false);
}

int td_queue_count(const td_queue_t *q)
{
    int r = TD_VALID(q, td_queue_t, TD_QUEUE_MAGIC);
    return r ? r : q->count;
}
