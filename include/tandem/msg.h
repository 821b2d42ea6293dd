/*
 * tandem/msg.h: inter-core messages (Oberon RTK's Messages module, made
 * interrupt-driven and lossless).
 *
 * A message is one 32-bit word: byte 0 names the receiving endpoint on the
 * other core, bytes 1..3 are payload (TD_MSG, TD_MSG_EP, TD_MSG_DATA). An
 * endpoint has a number fixed by the program (0 .. TD_MSG_ENDPOINTS-1, the
 * same numbering on both cores), an in-buffer and an out-buffer of
 * caller-chosen depth, and one owner thread (td_msg_subscribe). The owner
 * sends through its endpoint to any endpoint of the other core and receives
 * what the other core sends to its endpoint's number.
 *
 * Once a core's multiplexer runs (td_msg_start, or implicitly the first
 * td_msg_subscribe), every word in its FIFO is taken by the FIFO interrupt
 * and delivered to its endpoint (a waiting owner is woken at once). Endpoint
 * numbers TD_EP_SYS_FIRST..255 (tandem/hwtable.h) are the system's: cross-
 * core wake-ups, flow control, ping, announcements, channel doorbells and
 * fault notices. A program that wants the raw FIFO calls td_msg_fifo_raw
 * before any of this, and then owns the FIFO alone.
 *
 * Nothing is lost silently. With TD_MSG_BLOCK (back-pressure) a word leaves
 * the out-buffer only when the receiving endpoint's in-buffer has room for
 * it (the sender knows from counters in shared memory); the out-buffer
 * fills and td_msg_send then waits, with a timeout. With TD_MSG_DROP a word
 * that finds the receiving in-buffer full is dropped and counted (both
 * endpoints' statistics and overrun flags show it). Words that arrive for a
 * number nobody subscribed are counted as stray (td_msg_core_stats).
 *
 * Where: calls named "thread only" return TD_ERR_IN_ISR from an interrupt,
 * and TD_ERR_IDLE from the idle thread when they would wait; "owner only"
 * ones (the owner-only errors) TD_ERR_PARAM for a NULL endpoint,
 * TD_ERR_UNINIT for one never initialised, TD_ERR_NOT_OWNER when the caller
 * is not the endpoint's owner thread, and TD_ERR_WRONG_CORE from the other
 * core. A call with a timeout returns TD_ERR_PARAM for a finite one above
 * TD_TIMEOUT_MAX, nothing done. The whole model:
 * docs/messages.md.
 */
#ifndef TANDEM_MSG_H
#define TANDEM_MSG_H

#include "tandem/hwtable.h"
#include "tandem/types.h"

/* User endpoint numbers per core: 0 .. TD_MSG_ENDPOINTS-1. */
#ifndef TD_MSG_ENDPOINTS
#define TD_MSG_ENDPOINTS 16u
#endif
_Static_assert(TD_MSG_ENDPOINTS >= 1 && TD_MSG_ENDPOINTS <= TD_EP_SYS_FIRST,
               "msg: user endpoints must stay below the system range");

/* The word: byte 0 the receiving endpoint, bytes 1..3 the payload. */
typedef uint32_t td_msg_t;
#define TD_MSG(ep, data)  ((td_msg_t)(((uint32_t)(data) << 8) | ((uint32_t)(ep) & 0xffu)))
#define TD_MSG_EP(w)      ((unsigned)((w) & 0xffu))
#define TD_MSG_DATA(w)    ((uint32_t)(w) >> 8)
#define TD_MSG_DATA_MAX   0xffffffu

/* What a sender does when the receiving endpoint's in-buffer is full. */
enum td_msg_policy {
    TD_MSG_BLOCK = 0,   /* keep the word in the out-buffer until there is room */
    TD_MSG_DROP = 1,    /* drop it and count it */
};

/* Overrun flags (td_msg_overrun). */
#define TD_MSG_OVR_DROPPED  0x1u  /* this endpoint dropped words it sent (TD_MSG_DROP) */
#define TD_MSG_OVR_LOST_IN  0x2u  /* words for this endpoint were dropped: by their
                                   * sender for lack of room, or on arrival
                                   * (in-buffer full: the sender broke the protocol) */
#define TD_MSG_OVR_PEER     0x4u  /* out-buffer words discarded: the peer went down, or
                                   * it withdrew the number they were for */
#define TD_MSG_OVR_DISCARDED 0x8u /* words discarded when the endpoint was given up
                                   * (unsubscribed, or its owner ended): left in its
                                   * in-buffer, or queued in its out-buffer */

/* An endpoint. Caller-owned; fields are private. */
typedef struct td_msg_ep {
    struct td_thread *owner;
    struct td_thread *waiters;       /* the owner, while it waits */
    struct td_msg_ep *next_out;      /* this core's list of endpoints with queued words */
    uint32_t *in_buf, *out_buf;
    uint16_t in_depth, in_head, in_count, in_high;
    uint16_t out_depth, out_head, out_count, out_high;
    uint32_t sent, received, dropped;
    uint32_t lost_base, lost_seen;   /* the other core's drop count for our number */
    uint16_t magic;
    uint8_t number;
    uint8_t core;
    uint8_t policy;
    uint8_t wait;                    /* what the owner waits for */
    uint8_t flags;                   /* overrun flags */
    uint8_t queued;                  /* on the core's list of endpoints with queued words */
} td_msg_ep_t;

#define TD_MSG_EP_MAGIC 0x4d53u

/* A static endpoint 'name' with number 'num', in/out buffers of in_n /
 * out_n words (1..65535) and overrun policy pol, at file scope (always
 * static storage):
 *   TD_MSG_ENDPOINT_DEFINE(sensor_ep, 3, 8, 4, TD_MSG_BLOCK);
 * Ready for td_msg_subscribe (no td_msg_init needed). */
#define TD_MSG_ENDPOINT_DEFINE(name, num, in_n, out_n, pol)                                  \
    static uint32_t name##_in[in_n], name##_out[out_n];                                       \
    _Static_assert((num) < TD_MSG_ENDPOINTS, "msg: endpoint number out of range");            \
    static td_msg_ep_t name = { .in_buf = name##_in, .out_buf = name##_out,                   \
                                .in_depth = (in_n), .out_depth = (out_n),                     \
                                .magic = TD_MSG_EP_MAGIC, .number = (num),                    \
                                .core = TD_CORE_ANY, .policy = (pol) }

/* Prepare endpoint ep with number 'number' (< TD_MSG_ENDPOINTS), caller-
 * owned buffers in_buf[in_depth] and out_buf[out_depth] (1..65535 words
 * each) and policy TD_MSG_BLOCK or TD_MSG_DROP; statistics and flags
 * start at zero. Returns 0, TD_ERR_PARAM, TD_ERR_BUSY (ep is subscribed:
 * unsubscribe it first; nothing changed), TD_ERR_IN_ISR. Thread only,
 * either core.
 *
 * Life cycle: init -> subscribe -> send/receive -> unsubscribe (or the
 * owner ends) -> subscribe again or init again. Nothing an endpoint
 * accepted is lost uncounted on the way: see td_msg_unsubscribe. */
int td_msg_init(td_msg_ep_t *ep, unsigned number, uint32_t *in_buf, unsigned in_depth,
                uint32_t *out_buf, unsigned out_depth, unsigned policy);

/* Make the calling thread ep's owner on the calling core, publish its
 * number to the other core (threads waiting in td_msg_await_remote there
 * wake) and start this core's multiplexer if it is not running. Returns 0,
 * TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_BUSY (ep has an owner, or another
 * endpoint of this core has the number), TD_ERR_WRONG_CORE (ep was
 * subscribed on the other core), TD_ERR_STATE (raw FIFO mode), TD_ERR_IN_ISR.
 * Thread only. */
int td_msg_subscribe(td_msg_ep_t *ep);

/* Give ep up: its number is withdrawn (senders get TD_ERR_ENDPOINT); words
 * left in its in-buffer are discarded; of the words queued in its
 * out-buffer, those the receivers have room for now go into the FIFO and
 * the rest are discarded (td_msg_flush first to send them all). Every
 * discarded word is counted (dropped, TD_MSG_OVR_DISCARDED). When the call
 * returns ep is on no list of its core and has no owner: it may be
 * subscribed again, initialised again or its memory reused. The same
 * happens to every endpoint a thread owns when the thread ends.
 * Returns 0, TD_ERR_IN_ISR or the owner-only errors. Thread only, owner
 * only. */
int td_msg_unsubscribe(td_msg_ep_t *ep);

/* Send word w to endpoint TD_MSG_EP(w) of the other core through ep. The
 * word goes to the FIFO at once when it can, else it is queued in ep's
 * out-buffer (order from one endpoint is kept). When the out-buffer is
 * full: timeout TD_NO_WAIT returns TD_ERR_FULL, otherwise the call waits
 * for room at most 'timeout' ticks. Returns 0, TD_ERR_FULL, TD_ERR_TIMEOUT,
 * TD_ERR_ENDPOINT (number not subscribed on the other core, or reserved),
 * TD_ERR_PEER_DOWN (the other core's kernel is not running or it reported
 * a fault), TD_ERR_OVERFLOW (TD_MSG_DROP: the receiving in-buffer was full,
 * the word was dropped and counted), TD_ERR_STATE (blocking with interrupts
 * masked), owner-only errors. Thread only, owner only. */
int td_msg_send(td_msg_ep_t *ep, td_msg_t w, td_tick_t timeout);

/* Take the oldest word from ep's in-buffer into *w, waiting at most
 * 'timeout' ticks for one (the FIFO interrupt hands an arriving word
 * straight to a waiting owner). Returns 0, TD_ERR_WOULD_BLOCK (TD_NO_WAIT,
 * none), TD_ERR_TIMEOUT, TD_ERR_PARAM (w NULL), TD_ERR_STATE, owner-only
 * errors. Thread only, owner only. */
int td_msg_receive(td_msg_ep_t *ep, td_msg_t *w, td_tick_t timeout);

/* Most words one batch call (td_msg_send_n, td_msg_receive_n) takes: it
 * bounds how long interrupts stay masked while a batch is copied. */
#ifndef TD_MSG_BATCH_MAX
#define TD_MSG_BATCH_MAX 32u
#endif
_Static_assert(TD_MSG_BATCH_MAX >= 1 && TD_MSG_BATCH_MAX <= 1024, "msg: batch size");

/* Send w[0..n-1] (1 <= n <= TD_MSG_BATCH_MAX) in order through ep, each as
 * td_msg_send would send it (to its own TD_MSG_EP; queued in the
 * out-buffer when it cannot go into the FIFO at once; the same back-
 * pressure and counted drops), with one check of the call, one interrupt
 * mask per run of words that go straight into the FIFO, and one timeout
 * for the whole call. The call stops at the first word not taken:
 * *done (always set; 0 on a bad call) is how many were taken, w[0..*done-1],
 * and the return value says why w[*done] was not: 0 (all n taken),
 * TD_ERR_FULL (TD_NO_WAIT, out-buffer full), TD_ERR_TIMEOUT, TD_ERR_ENDPOINT,
 * TD_ERR_PEER_DOWN, TD_ERR_OVERFLOW (TD_MSG_DROP: w[*done] was dropped and
 * counted), TD_ERR_STATE, or for a bad call (nothing sent) TD_ERR_PARAM
 * (done or w NULL, n 0 or above TD_MSG_BATCH_MAX, bad timeout) and the
 * owner-only errors. Thread only, owner only. */
int td_msg_send_n(td_msg_ep_t *ep, const td_msg_t *w, unsigned n, unsigned *done,
                  td_tick_t timeout);

/* Take up to n (1 <= n <= TD_MSG_BATCH_MAX) of the oldest words from ep's
 * in-buffer into w[0..], waiting at most 'timeout' ticks for the first
 * one, never for more; the room made is published to the sender once.
 * *got (always set; 0 unless 0 is returned) is how many were taken.
 * Returns 0 (*got >= 1), TD_ERR_WOULD_BLOCK (TD_NO_WAIT, none),
 * TD_ERR_TIMEOUT, TD_ERR_PARAM (got or w NULL, n 0 or above
 * TD_MSG_BATCH_MAX, bad timeout), TD_ERR_STATE, owner-only errors. Thread
 * only, owner only. */
int td_msg_receive_n(td_msg_ep_t *ep, td_msg_t *w, unsigned n, unsigned *got, td_tick_t timeout);

/* Wait until ep's out-buffer is empty (every word is in the FIFO), at most
 * 'timeout' ticks. Returns 0, TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT,
 * TD_ERR_PEER_DOWN, TD_ERR_STATE, owner-only errors. Thread only, owner. */
int td_msg_flush(td_msg_ep_t *ep, td_tick_t timeout);

/* Words waiting in ep's in-buffer, or a negative TD_ERR_* code. Anywhere. */
int td_msg_pending(const td_msg_ep_t *ep);

/* Wait until the other core has subscribed endpoint 'number', at most
 * 'timeout' ticks (a core not yet launched, or being relaunched, is waited
 * for). Returns 0, TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT, TD_ERR_PEER_DOWN
 * (the other core is known down: its fault notice came, or it is halted,
 * before the call; or while it waited, its notice came or it was reset),
 * TD_ERR_PARAM, TD_ERR_STATE, TD_ERR_IN_ISR. Thread only, either core. */
int td_msg_await_remote(unsigned number, td_tick_t timeout);

/* Per-endpoint statistics. */
typedef struct td_msg_stats {
    uint32_t sent;        /* words put into the FIFO */
    uint32_t received;    /* words delivered to the in-buffer or the owner */
    uint32_t dropped;     /* words this endpoint lost: dropped on send (TD_MSG_DROP),
                           * discarded (peer down, unsubscribe) or overrun on arrival */
    uint32_t lost_in;     /* words the other core dropped for lack of room here */
    uint16_t in_high;     /* highest in-buffer level seen */
    uint16_t out_high;    /* highest out-buffer level seen */
} td_msg_stats_t;

/* Copy ep's statistics into *st. Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT.
 * Anywhere (a consistent copy on ep's core). */
int td_msg_stats(const td_msg_ep_t *ep, td_msg_stats_t *st);

/* ep's overrun flags (TD_MSG_OVR_*), cleared if 'clear'; or a negative
 * TD_ERR_* code. Thread or interrupt, ep's core. */
int td_msg_overrun(td_msg_ep_t *ep, bool clear);

/* This core's multiplexer statistics. */
typedef struct td_msg_core_stats {
    uint32_t words;       /* user words taken from the FIFO */
    uint32_t system;      /* system words taken from the FIFO */
    uint32_t stray;       /* words for unknown or unsubscribed endpoints */
    uint32_t wof;         /* FIFO write-on-full flags seen (and cleared) */
    uint32_t roe;         /* FIFO read-on-empty flags seen (and cleared) */
    uint32_t interrupts;  /* FIFO interrupts taken (a word a receiver waiting in
                           * place takes itself takes none: docs/messages.md) */
} td_msg_core_stats_t;

/* Copy the calling core's multiplexer statistics into *st (zeroed first
 * if 'reset'). Returns 0 or TD_ERR_PARAM. Anywhere, this core. */
int td_msg_core_stats(td_msg_core_stats_t *st, bool reset);

/* Start the calling core's multiplexer: clear the FIFO's sticky flags,
 * take what is left in the FIFO (counted as stray) and enable the FIFO
 * interrupt. Idempotent. Returns 0, TD_ERR_STATE (raw FIFO mode),
 * TD_ERR_IN_ISR. Thread only (or start-up code), either core. */
int td_msg_start(void);

/* Opt out: the program drives the FIFO itself with port_fifo_* (exclusive;
 * td_xmutex/td_xsem wake-ups then fall back to events and polling).
 * Returns 0, or TD_ERR_BUSY if a multiplexer already runs. Either core. */
int td_msg_fifo_raw(void);

/* Ask the other core's multiplexer to answer, waiting at most 'timeout'
 * ticks: a liveness check that needs no endpoint. Returns 0,
 * TD_ERR_TIMEOUT, TD_ERR_WOULD_BLOCK (TD_NO_WAIT: the question is sent,
 * the answer not yet there), TD_ERR_PEER_DOWN (kernel not running,
 * multiplexer not started, or a fault reported), TD_ERR_PARAM (timeout
 * above TD_TIMEOUT_MAX and not TD_FOREVER), TD_ERR_STATE, TD_ERR_IN_ISR.
 * Thread only. */
int td_msg_ping(td_tick_t timeout);

/* The reason the other core gave with its fault notice, 0 if none. */
uint32_t td_msg_peer_fault(void);

/* Called in the FIFO interrupt when the other core reports a fault (its
 * fault path's notice), after the kernel has ended every wait on that
 * core. Weak and empty in the kernel: a program may define it to act on
 * the notice. core: the faulted core; reason: its 24-bit reason. */
void td_msg_on_peer_fault(unsigned core, uint32_t reason);

#endif /* TANDEM_MSG_H */
