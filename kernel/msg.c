/*
 * kernel/msg.c: inter-core messages, the upper layer: endpoints (buffers,
 * subscribe, send, receive, flush, statistics), flow control, ping and
 * the delivery of user words from the FIFO interrupt (or, for a thread
 * behind its stream, taken from the FIFO by the thread itself while the
 * interrupt is held off for a bounded time). The link below it
 * (kernel/link.h) owns the FIFO and carries the doorbells this layer
 * registers (flow, room, announce, ping, pong). The model and the protocol
 * are in docs/messages.md; the API in tandem/msg.h.
 *
 * Shared memory. Every endpoint number of each core has a slot both cores
 * see: its depth and consumed count (written by the endpoint's core) and
 * the counts of words sent to it, dropped for it and times it was found
 * full (written by the other core). Every field has one writer, so no lock
 * is needed. A sender's room at the other core's endpoint e is
 * depth - (sent - consumed): words in the FIFO are counted, so the
 * in-buffer never overflows while both sides follow the protocol.
 * Everything else (endpoint table, statistics) is per core and touched
 * only with that core's interrupts masked.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE_SIZE__)
#pragma GCC optimize("O2")          /* the hot paths: send, the FIFO interrupt, receive */
/* ...but the blocked receive at the build's -Os: there the inline end of
 * the wait (kernel/sched.h) keeps its switch trace point's words where
 * the debug information finds them (at O2 the leaving thread's is lost,
 * and a TRACE=sim build must locate every trace word: docs/trace.md) */
#define AT_BUILD_OPT __attribute__((optimize("Os")))
#else
#define AT_BUILD_OPT
#endif

#include "msg_sys.h"

#include "down.h"
#include "held.h"
#include "link.h"
#include "sched.h"
#include "spin.h"
#include "trace.h"

#include "tandem/hwtable.h"
#include "tandem/msg.h"

#define EPN    TD_MSG_ENDPOINTS

/* Polls of a full FIFO a sending thread makes (interrupts enabled) before
 * it queues the word and asks the other core to say when there is room. */
#ifndef TD_MSG_FIFO_SPIN
#define TD_MSG_FIFO_SPIN 64u
#endif

/* While the FIFO interrupt is held off for a receiving thread that takes
 * its stream's words from the FIFO itself (PORT_FIFO_IRQ_HOLD;
 * docs/messages.md, "A stream taken from the FIFO"), the hold is looked at
 * every TD_MSG_HOLD_US microseconds, and goes on only if the thread took a
 * word from the FIFO since the last look: the interrupt is never held off
 * for longer than 2 * TD_MSG_HOLD_US after the thread's last take. */
#ifndef TD_MSG_HOLD_US
#define TD_MSG_HOLD_US 16u
#endif
/* An alarm set to a time already past fires only when the counter comes
 * round again (about 72 minutes on the RP2040): the look must be far
 * enough ahead that it cannot have passed before the alarm is written. */
_Static_assert(TD_MSG_HOLD_US >= 4u && TD_MSG_HOLD_US <= 1000000u, "TD_MSG_HOLD_US: 4 us .. 1 s");

enum { W_NONE, W_RX, W_SPACE, W_EMPTY };

/* Endpoint e of core r as both cores see it: slots[r][e]. */
struct slot {
    uint32_t depth;              /* r: in-buffer depth, 0 = not subscribed */
    uint32_t consumed;           /* r: words taken out of the endpoint */
    uint32_t sent;               /* the other core: words sent to it */
    uint32_t starve;             /* the other core: times it found no room */
    uint32_t dropped;            /* the other core: words dropped for lack of room */
    uint32_t starve_ack;         /* r's own: the starve count last answered with FLOW */
    uint32_t pad[2];             /* 32 bytes: addressed with a shift */
};

struct loc {
    td_msg_ep_t *ep[EPN];
    uint32_t words, stray;       /* td_msg_core_stats (the rest: the link's) */
    td_msg_ep_t *queued;         /* endpoints with words in their out-buffers */
    td_thread_t *waiters;        /* in td_msg_ping / td_msg_await_remote */
    td_msg_ep_t *held;           /* the FIFO interrupt held off for its owner */
    uint32_t looked;             /* ...words at the last look (it took some since: words moved) */
    uint8_t alt;                 /* ...every other word it takes from its in-buffer */
    uint8_t room_asked;          /* ROOM rung, FLOW not yet seen */
};

static struct slot slots[PORT_NUM_CORES][EPN];
static struct loc loc[PORT_NUM_CORES];
static uint32_t pong[PORT_NUM_CORES];    /* core c: the other core's last ping answered */

/* This layer's doorbells (kernel/link.h), registered by its first use. */
static struct {
    uint8_t flow, room, announce, ping, pong;
} bell;
static uint8_t bells_registered;

#define HOT       static inline __attribute__((always_inline))

/* The slot's address kept in a register: its fields are then one load
 * each at small offsets (the compiler would otherwise fold the constant
 * part of each field's address into a separate sum per field). */
#define SLOT_REG(p) __asm__("" : "+l"(p))

/* ---- the FIFO interrupt held off for a stream ------------------------------------ */

#ifdef PORT_FIFO_IRQ_HOLD
/* The FIFO interrupt of core 'me' on again (its hold over), pending if
 * the other core rang a doorbell this core has not run (rung while the
 * FIFO was full: no word says so); words and the sticky flags make it
 * pending by themselves (level-sensitive). Interrupts masked. */
HOT void unhold(unsigned me, struct loc *l)
{
    l->held = NULL;
    port_fifo_irq_release(me, TD_LOAD_RELAXED(td__link[me ^ 1u].ringsum) != td__link[me].seensum);
}
#endif

/* A thread of core 'me' about to wait: no hold stays behind it (the
 * interrupt takes the words while it waits). Interrupts masked. */
static inline void unhold_for_wait(unsigned me)
{
#ifdef PORT_FIFO_IRQ_HOLD
    if (loc[me].held != NULL)
        unhold(me, &loc[me]);
#else
    (void)me;
#endif
}

#ifdef PORT_FIFO_IRQ_HOLD
/* The FIFO interrupt's hold timer of core 'me' ran out (port/port.h;
 * every TD_MSG_HOLD_US while a hold lasts): the hold goes on only if its
 * owner took a word from the FIFO since the last look, no doorbell was
 * rung without its word and no sticky flag is set (those need the
 * interrupt); else it ends, and the interrupt takes what is in the FIFO.
 * Interrupts masked. */
HOT void hold_look(unsigned me)
{
    struct loc *l = &loc[me];
    if (l->held != NULL && l->words != l->looked &&
        !(port_fifo_status() & (PORT_FIFO_WOF | PORT_FIFO_ROE)) &&
        TD_LOAD_RELAXED(td__link[me ^ 1u].ringsum) == td__link[me].seensum) {
        l->looked = l->words;
        port_fifo_irq_hold(me, TD_MSG_HOLD_US);
    } else {
        unhold(me, l);
    }
}

void port_fifo_hold_isr(void)
{
    (void)port_irq_save();           /* taken, so interrupts were not masked (state 0) */
    if (port_core_id() == 0)
        hold_look(0);
    else
        hold_look(1);
    port_irq_restore(0);
}
#endif

/* Wake every thread of this core waiting in ping / await_remote: with
 * TD_OK to look again, or with TD_ERR_PEER_DOWN, which ends the wait. */
static void wake_waiters(td_core_t *c, struct loc *l, int result)
{
    while (l->waiters != NULL)
        td__wake(c, l->waiters, result);
}

/* ---- sending ----------------------------------------------------------------------- */

enum { OUT_DONE, OUT_CREDIT, OUT_FIFO };

static void drop_head(td_msg_ep_t *ep, uint8_t flag)
{
    ep->out_head = (uint16_t)(ep->out_head + 1u == ep->out_depth ? 0 : ep->out_head + 1u);
    ep->out_count--;
    ep->dropped++;
    ep->flags |= flag;
}

/* Move ep's queued words into the FIFO while the receivers have room.
 * Interrupts masked. */
static int out_move(unsigned me, td_msg_ep_t *ep)
{
    unsigned peer = me ^ 1u;
    while (ep->out_count != 0) {
        uint32_t w = ep->out_buf[ep->out_head];
        struct slot *sl = &slots[peer][TD_MSG_EP(w)];
        SLOT_REG(sl);
        uint32_t depth = TD_LOAD_RELAXED(sl->depth);
        if (depth == 0 || !td__link_peer_alive(peer)) {
            drop_head(ep, TD_MSG_OVR_PEER);          /* withdrawn or gone: counted */
            continue;
        }
        if (sl->sent - TD_LOAD_RELAXED(sl->consumed) >= depth) {
            if (ep->policy == TD_MSG_DROP) {
                TD_INC_RELAXED(sl->dropped);
                drop_head(ep, TD_MSG_OVR_DROPPED);
                continue;
            }
            TD_INC_RELAXED(sl->starve);                         /* then look again (docs) */
            TD_FENCE_SEQ_CST();
            if (sl->sent - TD_LOAD_RELAXED(sl->consumed) >= depth)
                return OUT_CREDIT;
        }
        if (!(port_fifo_status() & PORT_FIFO_RDY))
            return OUT_FIFO;
        TD_TRACE(TD_TR_MSG_SEND, w, ep);
        port_fifo_push(w);
        TD_STORE_RELAXED(sl->sent, sl->sent + 1u);
        ep->sent++;
        ep->out_head = (uint16_t)(ep->out_head + 1u == ep->out_depth ? 0 : ep->out_head + 1u);
        ep->out_count--;
    }
    return OUT_DONE;
}

/* Wake ep's owner if what it waits for (room, empty out-buffer) is there,
 * or with 'err' if not 0. */
static void out_wake(td_core_t *c, td_msg_ep_t *ep, int err)
{
    td_thread_t *t = ep->waiters;
    if (t == NULL || ep->wait == W_RX)
        return;
    if (err != 0 || ep->out_count == 0 ||
        (ep->wait == W_SPACE && ep->out_count < ep->out_depth))
        td__wake(c, t, err);
}

/* Move what can be moved from every endpoint with queued words. */
static void pump(unsigned me, td_core_t *c)
{
    struct loc *l = &loc[me];
    td_msg_ep_t **pp = &l->queued;
    while (*pp != NULL) {
        td_msg_ep_t *ep = *pp;
        int r = out_move(me, ep);
        out_wake(c, ep, TD_OK);
        if (ep->out_count == 0) {
            *pp = ep->next_out;
            ep->next_out = NULL;
            ep->queued = 0;
        } else {
            pp = &ep->next_out;
        }
        if (r == OUT_FIFO) {
            if (!l->room_asked) {
                l->room_asked = 1;
                td__link_post(me, bell.room);
            }
            break;
        }
    }
}

static void queue_ep(struct loc *l, td_msg_ep_t *ep)
{
    if (!ep->queued) {
        ep->queued = 1;
        ep->next_out = l->queued;
        l->queued = ep;
    }
}

/* Take ep off this core's list of endpoints with queued words. */
static void unqueue(struct loc *l, td_msg_ep_t *ep)
{
    td_msg_ep_t **pp = &l->queued;
    while (*pp != NULL && *pp != ep)
        pp = &(*pp)->next_out;
    if (*pp == ep)
        *pp = ep->next_out;
    ep->next_out = NULL;
    ep->queued = 0;
}

/* The peer went down (fault notice, reset): discard what is queued for it
 * and end every wait on it with TD_ERR_PEER_DOWN (senders, ping, await).
 * Interrupts masked. */
static void peer_down(unsigned me, td_core_t *c)
{
    struct loc *l = &loc[me];
    while (l->queued != NULL) {
        td_msg_ep_t *ep = l->queued;
        while (ep->out_count != 0)
            drop_head(ep, TD_MSG_OVR_PEER);
        out_wake(c, ep, TD_ERR_PEER_DOWN);
        l->queued = ep->next_out;
        ep->next_out = NULL;
        ep->queued = 0;
    }
    for (unsigned i = 0; i < EPN; i++)
        if (l->ep[i] != NULL)
            out_wake(c, l->ep[i], TD_ERR_PEER_DOWN);
    l->room_asked = 0;
    wake_waiters(c, l, TD_ERR_PEER_DOWN);
    td__resched(c);
}

/* ---- receiving --------------------------------------------------------------------- */

/* k words left the in-buffer of this core's endpoint whose slot is sl
 * (level: what is still in it): publish it, and if the sender found no
 * room since we last looked, tell it once the buffer is at most half full.
 * Interrupts masked. */
HOT void consumed(unsigned me, struct slot *sl, unsigned k, unsigned level, unsigned depth)
{
    SLOT_REG(sl);
    TD_STORE_RELAXED(sl->consumed, sl->consumed + k);
    if (level > depth / 2u)
        return;                  /* no FLOW above half: the look waits for it */
    TD_FENCE_SEQ_CST();
    uint32_t st = TD_LOAD_RELAXED(sl->starve);
    if (st != sl->starve_ack) {
        sl->starve_ack = st;
        td__link_post(me, bell.flow);
    }
}

/* The words right behind one just put into ep's in-buffer (number n, its
 * owner not waiting for a word), taken from the FIFO while they are for
 * the same endpoint and it has room (a batch from the other core): one
 * store each, the endpoint's counts written once for the run. Returns
 * true with the word popped that is for another number in *next, false
 * when the run popped nothing more. Interrupts masked; out of line, so
 * that a single word's path keeps its registers. */
__attribute__((noinline)) static bool deliver_run(struct loc *l, td_msg_ep_t *ep, unsigned n,
                                                  uint32_t *next)
{
    uint32_t *buf = ep->in_buf, *end = buf + ep->in_depth;
    unsigned count = ep->in_count, room = ep->in_depth - count, run = 0;
    unsigned i = ep->in_head + count;
    if (i >= ep->in_depth)
        i -= ep->in_depth;
    uint32_t *p = buf + i;
    bool more = false;
    while (run != room && (port_fifo_status() & PORT_FIFO_VLD)) {
        uint32_t x = port_fifo_pop();
        if ((uint8_t)x != n) {                       /* for another number: the caller's */
            *next = x;
            more = true;
            break;
        }
        TD_TRACE(TD_TR_MSG_DELIVER, x, ep);
        *p++ = x;
        if (p == end)
            p = buf;
        run++;
    }
    if (run != 0) {
        count += run;
        ep->in_count = (uint16_t)count;
        TD_TRACE(TD_TR_EP_DEPTH, ep, count);
        if (count > ep->in_high)
            ep->in_high = (uint16_t)count;
        ep->received += run;
        l->words += run;
    }
    return more;
}

/* Word w for endpoint n straight to its owner t, waiting in
 * td_msg_receive (the in-buffer is empty then): into t's wait, t off the
 * wait (the scheduler's inline wake) and READY, and the switch asked for
 * if t is now the core's most urgent thread; then the room published.
 * Interrupts masked. */
HOT void hand_over_hot(unsigned me, td_core_t *c, td_msg_ep_t *ep, td_thread_t *t, uint32_t w,
                       td_thread_t *cur)
{
    t->wdata.u = w;
    TD_TRACE(TD_TR_WAKE, t, TD_OK);
    td__first_unlink_hot(&ep->waiters, t);
    td_thread_t *top = td__wake_tail_hot(c, t, TD_OK);
    if (top == NULL)
        top = td__top_find(c);
    if (top != cur && cur != NULL)
        port_switch_request();
    consumed(me, &slots[me][TD_MSG_EP(w)], 1u, 0, ep->in_depth);
}

/* The same out of line, so that the interrupt's loop keeps its registers. */
__attribute__((noinline)) static void hand_over(unsigned me, td_core_t *c, td_msg_ep_t *ep,
                                                td_thread_t *t, uint32_t w)
{
    hand_over_hot(me, c, ep, t, w, c->current);
}

/* Word w from the FIFO (and, into an in-buffer, the run of words behind it
 * for the same endpoint: deliver_run). A waiting owner is handed its word
 * (hand_over: woken, the switch asked for). From the FIFO interrupt
 * ('isr'), a word put into the in-buffer of the running owner may start a
 * hold (PORT_FIFO_IRQ_HOLD): false when it does for an owner the
 * interrupt did not stop (woken, to run when the interrupt returns): the
 * interrupt's run is over, the words that follow the owner's to take (a
 * sender outrunning the run's loop would otherwise keep the owner from
 * running until its credit is used up); else true. Interrupts masked. */
HOT bool deliver(void *ctx, unsigned me, td_core_t *c, uint32_t w, bool isr)
{
    struct loc *l = ctx;             /* &loc[me] */
    (void)isr;
    for (;;) {
        unsigned n = TD_MSG_EP(w);
        if (n >= EPN)
            break;
        td_msg_ep_t *ep = l->ep[n];
        TD_TRACE(TD_TR_MSG_DELIVER, w, ep);
        if (ep == NULL)
            break;
        l->words++;
        ep->received++;
        td_thread_t *t = ep->waiters;
        if (t != NULL && ep->wait == W_RX) {          /* straight to the waiting owner */
            hand_over(me, c, ep, t, w);
            return true;
        }
        if (ep->in_count < ep->in_depth) {
            unsigned i = ep->in_head + ep->in_count;
            if (i >= ep->in_depth)
                i -= ep->in_depth;
            ep->in_buf[i] = w;
            TD_TRACE(TD_TR_EP_DEPTH, ep, ep->in_count + 1u);
            if (++ep->in_count > ep->in_high)
                ep->in_high = ep->in_count;
            if ((port_fifo_status() & PORT_FIFO_VLD) && deliver_run(l, ep, n, &w))
                continue;                             /* w: the next word, for another number */
#ifdef PORT_FIFO_IRQ_HOLD
            /* The owner runs, or runs when the interrupt returns (the
             * core's top thread, looked up if the core has forgotten it
             * (a round robin's rotation): just woken, its switch asked
             * for), behind
             * its stream (two words or more waiting for it): the words
             * that follow wait in the FIFO for it to take
             * (td_msg_receive), the interrupt held off meanwhile, looked
             * at every TD_MSG_HOLD_US (hold_look). */
            td_thread_t *o = ep->owner;
            if (isr && ep->in_count > 1 && (o == c->current || o == td__top(c)) &&
                TD_LOAD_RELAXED(o->state) == TD_THREAD_READY && l->held == NULL) {
                l->held = ep;
                l->looked = l->words;
                port_fifo_irq_hold(me, TD_MSG_HOLD_US);
                if (o != c->current)
                    return false;                     /* the woken owner runs next */
            }
#endif
        } else {
            ep->dropped++;                            /* the sender broke the protocol */
            ep->flags |= TD_MSG_OVR_LOST_IN;
        }
        return true;
    }
    if (TD_MSG_EP(w) >= TD_EP_SYS_FIRST)
        td__link_system_word(me);                     /* a doorbell: the link's */
    else
        l->stray++;
    return true;
}

/* The FIFO interrupt's delivery (a hold may start there). */
HOT bool deliver_isr(void *ctx, unsigned me, td_core_t *c, uint32_t w)
{
    return deliver(ctx, me, c, w, true);
}

/* The FIFO interrupt of core 'me': the link's loop (kernel/link.h) with
 * this layer's delivery inline. Called with 'me' a constant, one copy per
 * core, so that each core's state is at a constant address (no index
 * arithmetic, fewer registers to keep). */
HOT void fifo_isr(unsigned me)
{
    td_core_t *c = &td__cores[me];
    TD_TRACE(TD_TR_IRQ_ENTER, TD_TR_IRQ_FIFO, 0);
    (void)port_irq_save();           /* taken, so interrupts were not masked (state 0) */
    loc[me].held = NULL;             /* it runs: no hold (over, or run out) */
    td__link_isr(me, c, deliver_isr, &loc[me]);
    port_irq_restore(0);
    TD_TRACE(TD_TR_IRQ_EXIT, TD_TR_IRQ_FIFO, 0);
}

#ifdef PORT_FIFO_ISR_PER_CORE
/* Each core's FIFO vector enters here (port/port.h): no look at the core. */
void port_fifo_isr_core0(void)
{
    fifo_isr(0);
}

void port_fifo_isr_core1(void)
{
    fifo_isr(1);
}

void port_fifo_isr(void)
{
    if (port_core_id() == 0)
        port_fifo_isr_core0();
    else
        port_fifo_isr_core1();
}
#else
void port_fifo_isr(void)
{
    if (port_core_id() == 0)
        fifo_isr(0);
    else
        fifo_isr(1);
}
#endif

/* Word w delivered as the FIFO interrupt would, out of line: for a word
 * taken by a thread waiting in place that is not its own (take_here), and
 * for td__msg_rx_word. Interrupts masked. */
__attribute__((noinline)) static void deliver_here(unsigned me, uint32_t w)
{
    (void)deliver(&loc[me], me, &td__cores[me], w, false);
}

void td__msg_rx_word(uint32_t w)
{
    unsigned me = port_core_id();
    port_irq_state_t s = port_irq_save();
    deliver_here(me, w);
    td__link_poll(me, &td__cores[me]);
    port_irq_restore(s);
}

/* ---- this layer's doorbells ------------------------------------------------------------ */

/* FLOW: room appeared at an endpoint we wait for (or in the FIFO): move
 * the queued words. */
static void flow_rang(unsigned me, td_core_t *c, uint32_t count)
{
    (void)count;
    loc[me].room_asked = 0;
    pump(me, c);
}

/* ROOM: the other core found its FIFO to us full: say FLOW, we drained. */
static void room_rang(unsigned me, td_core_t *c, uint32_t count)
{
    (void)c;
    (void)count;
    td__link_post(me, bell.flow);
}

/* ANNOUNCE: the other core's endpoint table changed (or its link came
 * up): move queued words, and let ping and await_remote look again. */
static void announce_rang(unsigned me, td_core_t *c, uint32_t count)
{
    flow_rang(me, c, count);
    wake_waiters(c, &loc[me], TD_OK);
}

/* PING: answer with PONG, naming the ping answered. */
static void ping_rang(unsigned me, td_core_t *c, uint32_t count)
{
    (void)c;
    TD_STORE_RELAXED(pong[me], count);
    td__link_post(me, bell.pong);
}

static void pong_rang(unsigned me, td_core_t *c, uint32_t count)
{
    (void)count;
    wake_waiters(c, &loc[me], TD_OK);
}

static void msg_down(unsigned core, unsigned stage);
static void msg_ended(td_core_t *c, td_thread_t *t);

/* Register this layer's doorbells, its "core went down" handler and its
 * end handler (kernel/held.h), before its first use (subscribe, ping,
 * await_remote). Both cores may get here at once the first time: each
 * registration is idempotent (both get the same doorbell numbers), and
 * only the first to take the lock stores the numbers, before the flag
 * that lets every later use read them without an atomic load. */
static __attribute__((noinline)) void use_first(void)
{
    td__down_register(msg_down);
    td__held_on_end(msg_ended);
    uint8_t flow = (uint8_t)td__link_doorbell(flow_rang, false);
    uint8_t room = (uint8_t)td__link_doorbell(room_rang, false);
    uint8_t announce = (uint8_t)td__link_doorbell(announce_rang, true);
    uint8_t ping = (uint8_t)td__link_doorbell(ping_rang, false);
    uint8_t pong = (uint8_t)td__link_doorbell(pong_rang, false);
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);
    if (!TD_LOAD_RELAXED(bells_registered)) {
        bell.flow = flow;
        bell.room = room;
        bell.announce = announce;
        bell.ping = ping;
        bell.pong = pong;
        TD_STORE_RELEASE(bells_registered, (uint8_t)1);
    }
    td__spin_unlock(TD_SPIN_MSG);
    port_irq_restore(s);
}

static inline void use(void)
{
    if (!TD_LOAD_ACQUIRE(bells_registered))
        use_first();
}

/* ---- stopping, supervision ---------------------------------------------------------- */

void td__msg_stop(void)
{
    unsigned me = port_core_id();
    port_irq_state_t s = port_irq_save();
    td__link_stop();
    loc[me].held = NULL;                          /* (the interrupt is off) */
    for (unsigned i = 0; i < EPN; i++)
        TD_STORE_RELAXED(slots[me][i].depth, 0u);
    port_irq_restore(s);
}

/* Core 1 went through a reset: forget its side of the endpoints (the link
 * forgets its own). Core 0, interrupts masked. */
static void core1_reset(void)
{
    td_core_t *c = &td__cores[0];
    struct loc *l0 = &loc[0], *l1 = &loc[1];
    peer_down(0, c);                              /* senders get TD_ERR_PEER_DOWN */
    l0->held = NULL;                              /* the launch owns the FIFO (the link
                                                     stops core 0's interrupt, its timer) */
    for (unsigned i = 0; i < EPN; i++) {
        struct slot *s1 = &slots[1][i], *s0 = &slots[0][i];
        *s1 = (struct slot){ 0 };                 /* core 1's endpoints are gone */
        if (l1->ep[i] != NULL) {                  /* its owner is gone: subscribable again */
            l1->ep[i]->owner = NULL;
            l1->ep[i]->waiters = NULL;
        }
        l1->ep[i] = NULL;
        /* nothing of core 1's in flight (the launch drains the FIFO): what
         * core 0's endpoint holds is all that is used of its room */
        TD_STORE_RELAXED(s0->sent, TD_LOAD_RELAXED(s0->consumed) + (l0->ep[i] ? l0->ep[i]->in_count : 0u));
        TD_STORE_RELAXED(s0->starve, 0u);
        TD_STORE_RELAXED(s0->dropped, 0u);
        s0->starve_ack = 0;
        if (l0->ep[i] != NULL)
            l0->ep[i]->lost_base = l0->ep[i]->lost_seen = 0;
    }
    TD_STORE_RELAXED(pong[1], 0u);
    TD_STORE_RELAXED(pong[0], 0u);
    while (l1->queued != NULL) {                  /* its send list: no object stays on it */
        td_msg_ep_t *ep = l1->queued;
        while (ep->out_count != 0)
            drop_head(ep, TD_MSG_OVR_PEER);
        ep->waiters = NULL;
        unqueue(l1, ep);
    }
    l1->waiters = NULL;
    l1->held = NULL;                              /* (its endpoints are gone) */
    l1->room_asked = 0;
    l1->words = l1->stray = 0;
}

/* The other core went down (kernel/down.h): at its fault notice, what is
 * queued for it is discarded and every wait on it ends; at core 1's reset,
 * core 1's side is forgotten as well. */
static void msg_down(unsigned core, unsigned stage)
{
    unsigned me = core ^ 1u;
    if (stage == TD_DOWN_NOTICE)
        peer_down(me, &td__cores[me]);
    else if (stage == TD_DOWN_RESET && core == 1)
        core1_reset();
}

/* Ticks left until 'end' for a wait of 'timeout' (TD_FOREVER stays), 0 if
 * none are. */
static td_tick_t left_until(const td_core_t *c, td_tick_t timeout, td_tick_t end)
{
    if (timeout == TD_FOREVER)
        return TD_FOREVER;
    td_tick_t left = end - c->tick;
    return (int32_t)left > 0 ? left : 0;
}

/* One wait of an endpoint's owner for `kind` (room, or the out-buffer
 * emptied) within the call's timeout: `busy` if the call may not wait,
 * TD_ERR_TIMEOUT once the time is up, else what the wait returned. Called
 * with interrupts saved in *s; returns with them saved again. */
static int ep_wait(td_core_t *c, td_msg_ep_t *ep, uint8_t kind, int busy,
                   td_tick_t timeout, td_tick_t end, port_irq_state_t *s)
{
    if (timeout == TD_NO_WAIT)
        return busy;
    td_tick_t left = left_until(c, timeout, end);
    if (left == 0)
        return TD_ERR_TIMEOUT;
    int r = td__can_wait(c, *s);
    if (r != TD_OK)
        return r;
    ep->wait = kind;
    unhold_for_wait(ep->core);
    r = td__wait(c, &ep->waiters, left, *s);
    *s = port_irq_save();
    ep->wait = W_NONE;
    return r;
}

/* Wait on this core's list of supervision waiters until done() or the
 * timeout; done() returns 0 (go on waiting), 1 (done) or an error. */
static int wait_until(int (*done)(unsigned me, uint32_t arg), uint32_t arg, td_tick_t timeout)
{
    unsigned me = port_core_id();
    td_core_t *c = &td__cores[me];
    td_tick_t end = c->tick + timeout;
    port_irq_state_t s = port_irq_save();
    int r;
    for (;;) {
        r = done(me, arg);
        if (r != 0) {
            r = r > 0 ? TD_OK : r;
            break;
        }
        if (timeout == TD_NO_WAIT) {
            r = TD_ERR_WOULD_BLOCK;
            break;
        }
        td_tick_t left = left_until(c, timeout, end);
        if (left == 0) {
            r = TD_ERR_TIMEOUT;
            break;
        }
        if ((r = td__can_wait(c, s)) != TD_OK)
            break;
        /* woken by a pong or an announcement; while our multiplexer waits
         * for core 1's launch to end, look again every tick; the other core
         * going down (its notice, or its reset) ends the wait */
        unhold_for_wait(me);
        r = td__wait(c, &loc[me].waiters, td__link_up(me) ? left : 1u, s);
        s = port_irq_save();
        if (r == TD_ERR_PEER_DOWN)
            break;
    }
    port_irq_restore(s);
    return r;
}

static int ponged(unsigned me, uint32_t seq)
{
    if ((int32_t)(TD_LOAD_RELAXED(pong[me ^ 1u]) - seq) >= 0)
        return 1;
    return td__link_peer_alive(me ^ 1u) ? 0 : TD_ERR_PEER_DOWN;
}

int td_msg_ping(td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    use();
    int r = td_msg_start();
    if (r)
        return r;
    unsigned me = port_core_id(), peer = me ^ 1u;
    if (!td__link_peer_alive(peer) || !td__link_up(peer) || !td__link_up(me))
        return TD_ERR_PEER_DOWN;
    port_irq_state_t s = port_irq_save();
    td__link_post(me, bell.ping);
    uint32_t seq = td__link_rung(me, bell.ping);
    port_irq_restore(s);
    return wait_until(ponged, seq, timeout);
}

/* The other core subscribed 'number', or is known down: it said it faulted,
 * or it is halted (stopped for good, held in reset: supervision stops a
 * core that locked up without a notice). Its notice or its reset also
 * wakes the wait with TD_ERR_PEER_DOWN (peer_down). A core not yet running
 * or being relaunched is waited for. */
static int announced(unsigned me, uint32_t number)
{
    if (TD_LOAD_RELAXED(td__link[me ^ 1u].fault) != 0 || td__core_halted(me ^ 1u))
        return TD_ERR_PEER_DOWN;
    return TD_LOAD_RELAXED(slots[me ^ 1u][number].depth) != 0 && td__link_up(me);
}

int td_msg_await_remote(unsigned number, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    if (number >= EPN)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    use();
    int r = td_msg_start();
    if (r)
        return r;
    return wait_until(announced, number, timeout);
}

/* ---- endpoints --------------------------------------------------------------------- */

int td_msg_init(td_msg_ep_t *ep, unsigned number, uint32_t *in_buf, unsigned in_depth,
                uint32_t *out_buf, unsigned out_depth, unsigned policy)
{
    if (ep == NULL || number >= EPN || in_buf == NULL || out_buf == NULL || in_depth == 0 ||
        in_depth > 0xffffu || out_depth == 0 || out_depth > 0xffffu || policy > TD_MSG_DROP)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    int r = TD_OK;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);                   /* as subscribe sets the owner */
    if (ep->magic == TD_MSG_EP_MAGIC && (ep->owner != NULL || ep->queued))
        r = TD_ERR_BUSY;                          /* subscribed: on its core's tables */
    else
        *ep = (td_msg_ep_t){ .in_buf = in_buf, .out_buf = out_buf,
                             .in_depth = (uint16_t)in_depth, .out_depth = (uint16_t)out_depth,
                             .magic = TD_MSG_EP_MAGIC, .number = (uint8_t)number,
                             .core = TD_CORE_ANY, .policy = (uint8_t)policy };
    td__spin_unlock(TD_SPIN_MSG);
    port_irq_restore(s);
    return r;
}

/* Owner-only checks: 0 or the error. */
static int owner_check(const td_msg_ep_t *ep)
{
    if (ep == NULL)
        return TD_ERR_PARAM;
    if (ep->magic != TD_MSG_EP_MAGIC)
        return TD_ERR_UNINIT;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (ep->owner == NULL)
        return TD_ERR_NOT_OWNER;
    if (ep->core != port_core_id())
        return TD_ERR_WRONG_CORE;
    if (ep->owner != td__core()->current)
        return TD_ERR_NOT_OWNER;
    return TD_OK;
}

/* The fast paths' check: ep is ours, the caller owns it, no interrupt.
 * That ep is this core's follows from its owner being this core's running
 * thread: only td_msg_subscribe sets an owner, on the owner's core, with
 * ep->core (owner_check's TD_ERR_WRONG_CORE is for the error's name). */
HOT bool owner_fast(const td_msg_ep_t *ep, unsigned me)
{
    if (ep == NULL || ep->magic != TD_MSG_EP_MAGIC)
        return false;
    const td_thread_t *o = ep->owner;
    return o != NULL && o == td__cores[me].current && !port_in_isr();
}

int td_msg_subscribe(td_msg_ep_t *ep)
{
    if (ep == NULL)
        return TD_ERR_PARAM;
    if (ep->magic != TD_MSG_EP_MAGIC || ep->number >= EPN || ep->in_depth == 0 ||
        ep->out_depth == 0)
        return TD_ERR_UNINIT;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (td__link_raw())
        return TD_ERR_STATE;
    use();
    unsigned me = port_core_id(), n = ep->number;
    td_thread_t *self = td__core()->current;
    if (self == NULL)
        return TD_ERR_STATE;
    struct loc *l = &loc[me];
    struct slot *sl = &slots[me][n];
    int r = TD_OK;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);                   /* one owner, even racing across cores */
    if (ep->owner != NULL)
        r = ep->core == me ? TD_ERR_BUSY : TD_ERR_WRONG_CORE;
    else if (l->ep[n] != NULL)
        r = TD_ERR_BUSY;
    else
        ep->owner = self;
    td__spin_unlock(TD_SPIN_MSG);
    if (r == TD_OK) {
        ep->core = (uint8_t)me;
        ep->waiters = NULL;
        ep->in_head = ep->in_count = ep->out_head = ep->out_count = 0;
        ep->wait = W_NONE;
        sl->starve_ack = TD_LOAD_RELAXED(sl->starve);
        ep->lost_base = ep->lost_seen = TD_LOAD_RELAXED(sl->dropped);
        TD_STORE_RELAXED(sl->consumed, TD_LOAD_RELAXED(sl->sent));           /* full room from now on */
        l->ep[n] = ep;
        TD_FENCE_SEQ_CST();
        TD_STORE_RELAXED(sl->depth, (uint32_t)ep->in_depth);
    }
    port_irq_restore(s);
    if (r == TD_OK) {
        td_msg_start();
        s = port_irq_save();
        if (td__link_up(me))
            td__link_post(me, bell.announce);
        port_irq_restore(s);
    }
    return r;
}

/* Give ep up (its owner unsubscribes, or ends): its number is withdrawn;
 * the words in its in-buffer are discarded; of those queued in its
 * out-buffer, what the receivers have room for now goes into the FIFO and
 * the rest is discarded; every discarded word is counted (dropped,
 * TD_MSG_OVR_DISCARDED). It leaves every table of this core, then loses
 * its owner. Its owner waits on nothing. Interrupts masked, ep's core. */
static void give_up(unsigned me, td_msg_ep_t *ep)
{
    struct loc *l = &loc[me];
    TD_STORE_RELAXED(slots[me][ep->number].depth, 0u);
    l->ep[ep->number] = NULL;
#ifdef PORT_FIFO_IRQ_HOLD
    if (l->held == ep)
        unhold(me, l);                            /* its words: stray from now on */
#endif
    if (ep->in_count != 0) {
        ep->dropped += ep->in_count;
        ep->in_count = 0;
        ep->flags |= TD_MSG_OVR_DISCARDED;
    }
    if (ep->out_count != 0)
        (void)out_move(me, ep);
    while (ep->out_count != 0)
        drop_head(ep, TD_MSG_OVR_DISCARDED);
    if (ep->queued)
        unqueue(l, ep);
    td__spin_lock(TD_SPIN_MSG);
    ep->owner = NULL;
    td__spin_unlock(TD_SPIN_MSG);
    if (td__link_up(me))
        td__link_post(me, bell.announce);
}

/* Thread t of this core ends (kernel/held.h): the endpoints it owns are
 * given up as td_msg_unsubscribe would. */
static void msg_ended(td_core_t *c, td_thread_t *t)
{
    (void)c;
    unsigned me = port_core_id();
    for (unsigned i = 0; i < EPN; i++) {
        td_msg_ep_t *ep = loc[me].ep[i];
        if (ep != NULL && ep->owner == t)
            give_up(me, ep);
    }
}

int td_msg_unsubscribe(td_msg_ep_t *ep)
{
    int r = owner_check(ep);
    if (r)
        return r;
    port_irq_state_t s = port_irq_save();
    give_up(ep->core, ep);
    port_irq_restore(s);
    return TD_OK;
}

/* Queue w in ep's out-buffer (it has room) and move what can be moved from
 * the head of it now: ep's words keep their order. What stays queued has
 * its own way out (docs/messages.md, "Flow control": a starve count the
 * receiver answers with FLOW, or ROOM when the FIFO was full), so the other
 * endpoints on the send list need no look here. Interrupts masked. */
static void queue_word(unsigned me, td_msg_ep_t *ep, td_msg_t w)
{
    struct loc *l = &loc[me];
    unsigned i = ep->out_head + ep->out_count;
    if (i >= ep->out_depth)
        i -= ep->out_depth;
    ep->out_buf[i] = w;
    if (++ep->out_count > ep->out_high)
        ep->out_high = ep->out_count;
    if (out_move(me, ep) == OUT_FIFO && !l->room_asked) {
        l->room_asked = 1;
        td__link_post(me, bell.room);
    }
    if (ep->out_count == 0) {
        if (ep->queued)
            unqueue(l, ep);
    } else {
        queue_ep(l, ep);
    }
}

/* td_msg_send for the checked owner ep of this core ('me') of a word to
 * endpoint d < EPN of the other core. */
__attribute__((noinline)) static int send_owned(td_msg_ep_t *ep, unsigned me, td_msg_t w,
                                                td_tick_t timeout)
{
    unsigned peer = me ^ 1u;
    struct slot *sl = &slots[peer][TD_MSG_EP(w)];
    SLOT_REG(sl);
    td_core_t *c = &td__cores[me];
    td_tick_t end = c->tick + timeout;
    unsigned spins = 0;
    int r;
    port_irq_state_t s = port_irq_save();
    for (;;) {
        if (!td__link_peer_alive(peer)) {
            r = TD_ERR_PEER_DOWN;
            break;
        }
        uint32_t depth = TD_LOAD_RELAXED(sl->depth);
        if (depth == 0) {
            /* A core that stops clears its endpoints after it recorded its
             * fault (td__link_fault_notify, then td__msg_stop): looked at
             * again after the fence, a peer that went down between the two
             * looks above is named as such, not as a missing endpoint. */
            TD_FENCE_SEQ_CST();
            r = td__link_peer_alive(peer) ? TD_ERR_ENDPOINT : TD_ERR_PEER_DOWN;
            break;
        }
        if (ep->out_count == 0) {
            if (sl->sent - TD_LOAD_RELAXED(sl->consumed) < depth) {
                if (port_fifo_status() & PORT_FIFO_RDY) {
                    TD_TRACE(TD_TR_MSG_SEND, w, ep);
                    port_fifo_push(w);
                    TD_STORE_RELAXED(sl->sent, sl->sent + 1u);
                    ep->sent++;
                    r = TD_OK;
                    break;
                }
                if (spins < TD_MSG_FIFO_SPIN) {  /* a full FIFO is drained at once */
                    port_irq_restore(s);
                    while (spins < TD_MSG_FIFO_SPIN && !(port_fifo_status() & PORT_FIFO_RDY))
                        spins++;
                    spins++;
                    s = port_irq_save();
                    continue;
                }
            } else if (ep->policy == TD_MSG_DROP) {
                TD_INC_RELAXED(sl->dropped);
                ep->dropped++;
                ep->flags |= TD_MSG_OVR_DROPPED;
                r = TD_ERR_OVERFLOW;
                break;
            }
        }
        if (ep->out_count < ep->out_depth) {
            queue_word(me, ep, w);
            r = TD_OK;
            break;
        }
        if ((r = ep_wait(c, ep, W_SPACE, TD_ERR_FULL, timeout, end, &s)) != TD_OK)
            break;
    }
    port_irq_restore(s);
    return r;
}

/* td_msg_send with every check spelled out: the error of a bad call, or
 * the send of a good one the fast path's check turned away. */
__attribute__((noinline)) static int send_checked(td_msg_ep_t *ep, td_msg_t w, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = owner_check(ep);
    if (r)
        return r;
    if (TD_MSG_EP(w) >= EPN)
        return TD_ERR_ENDPOINT;
    return send_owned(ep, ep->core, w, timeout);
}

/* td_msg_send on core 'me', a constant: one copy per core, so that the
 * fast path finds both cores' state at constant addresses. */
HOT int send_on(unsigned me, td_msg_ep_t *ep, td_msg_t w, td_tick_t timeout)
{
    unsigned d = TD_MSG_EP(w);
    if (__builtin_expect(TD__BAD_TIMEOUT(timeout) || d >= EPN || !owner_fast(ep, me), 0))
        return send_checked(ep, w, timeout);
    /* the fast path: nothing queued, room at the receiver and in the FIFO */
    unsigned peer = me ^ 1u;
    struct slot *sl = &slots[peer][d];
    SLOT_REG(sl);
    port_irq_state_t s = port_irq_save();
    uint32_t sent = sl->sent;
    if (__builtin_expect(ep->out_count == 0 &&
                         sent - TD_LOAD_RELAXED(sl->consumed) < TD_LOAD_RELAXED(sl->depth) &&
                         TD_LOAD_RELAXED(td__link[peer].fault) == 0 &&
                         TD_LOAD_RELAXED(td__cores[peer].running) &&
                         (port_fifo_status() & PORT_FIFO_RDY), 1)) {
        TD_TRACE(TD_TR_MSG_SEND, w, ep);
        port_fifo_push(w);
        TD_STORE_RELAXED(sl->sent, sent + 1u);
        ep->sent++;
        port_irq_restore(s);
        return TD_OK;
    }
    port_irq_restore(s);
    return send_owned(ep, me, w, timeout);
}

int td_msg_send(td_msg_ep_t *ep, td_msg_t w, td_tick_t timeout)
{
    return port_core_id() == 0 ? send_on(0, ep, w, timeout) : send_on(1, ep, w, timeout);
}

/* Whether the current thread of core c, about to wait (td__wait_prep done:
 * off the ready lists), may wait in place: no other thread of its core is
 * ready (the idle thread is the top one) and the idle thread would do
 * nothing but sleep (no idle hook, no cross-core waiters to poll). */
static bool may_wait_in_place(td_core_t *c)
{
    return td__top(c) == c->idle && c->idle_hook == NULL && c->xwaiters == NULL;
}

#ifdef PORT_FIFO_IRQ_UNPEND
/* What the FIFO interrupt would do first, done by the owner t of ep,
 * waiting in place on core 'me' for a word (t the current thread), with
 * interrupts masked, having found a word in the FIFO: the word is popped
 * and delivered. Its own word (counted, t made READY, the room published,
 * as hand_over does) ends the wait, and the pending interrupt is
 * forgotten: it is level-sensitive (port/port.h), so it stays pending if
 * anything is left for it: more words (VLD), a sticky flag (WOF, ROE), or
 * a doorbell rung without its word (rung while the FIFO was full: then,
 * one word taken, seven are still there). Any other word (another
 * endpoint's, a doorbell's) leaves the interrupt pending, to run what
 * follows a delivery (the doorbells) once the thread lets interrupts in,
 * on the interrupt's stack, not the thread's. Returns whether the word
 * was t's. */
static inline __attribute__((always_inline)) bool take_here(unsigned me, td_core_t *c,
                                                            td_msg_ep_t *ep, td_thread_t *t)
{
    uint32_t w = port_fifo_pop();
    if (TD_MSG_EP(w) != ep->number) {
        deliver_here(me, w);
        return false;
    }
    TD_TRACE(TD_TR_MSG_DELIVER, w, ep);
    loc[me].words++;
    ep->received++;
    hand_over_hot(me, c, ep, t, w, t);
    port_fifo_irq_unpend(me);
    return true;
}

#endif

/* The wait of the current thread t of core 'me' for a word at ep
 * (td__wait_prep done, not yet on the timeout list; interrupts masked by a
 * caller that had them enabled) in its own context: instead of the switch
 * to the idle thread it stays the core's current thread and sleeps as the
 * idle thread would (port_idle, here with interrupts masked: it returns
 * once one is pending). Where the port can forget a pending FIFO
 * interrupt (PORT_FIFO_IRQ_UNPEND), a word in the FIFO is taken here,
 * still masked (take_here): the word that ends the wait is handed over as
 * the interrupt would (t made READY and the top thread while it is the
 * current one, so no switch is asked for); whatever else the FIFO has is
 * left to the interrupt, so the thread's stack carries no more than the
 * delivery of one word. Before it lets any interrupt run while it still
 * waits, a timed wait goes onto the timeout list (until then nothing can
 * look at the list: only the tick does, and it cannot run): so a wait
 * ended by a word the thread took itself never touches the list. Another
 * thread made READY switches it out as any blocked thread (the idle
 * thread as the top one does not: td__resched); it comes back here once
 * woken and switched in. Returns the wait's result with interrupts
 * enabled. */
static inline __attribute__((always_inline)) int wait_in_place(unsigned me, td_core_t *c,
                                                               td_msg_ep_t *ep, td_thread_t *t,
                                                               bool timed, td_tick_t deadline)
{
#ifndef PORT_FIFO_IRQ_UNPEND
    (void)me;
    (void)ep;
#endif
    for (;;) {
        port_idle();
#ifdef PORT_FIFO_IRQ_UNPEND
        if ((port_fifo_status() & PORT_FIFO_VLD) &&
            (take_here(me, c, ep, t) || TD_LOAD_RELAXED(t->state) != TD_THREAD_BLOCKED))
            break;                      /* READY: its word, or woken otherwise */
#endif
        if (timed && !(t->flags & TF_TIMED))
            td__timeout_add(c, t, deadline);
        port_irq_enable();              /* the pending interrupt runs */
        (void)port_irq_save();
        if (TD_LOAD_RELAXED(t->state) != TD_THREAD_BLOCKED)
            break;
    }
    port_irq_enable();                  /* (the caller's state was 0) */
    return t->result;
}

/* wait_in_place of each core, 'me' a constant (built at the file's -O2). */
__attribute__((noinline)) static int wait_in_place_0(td_msg_ep_t *ep, td_thread_t *t, bool timed,
                                                     td_tick_t deadline)
{
    return wait_in_place(0, &td__cores[0], ep, t, timed, deadline);
}

__attribute__((noinline)) static int wait_in_place_1(td_msg_ep_t *ep, td_thread_t *t, bool timed,
                                                     td_tick_t deadline)
{
    return wait_in_place(1, &td__cores[1], ep, t, timed, deadline);
}

/* td_msg_receive with nothing in the in-buffer (interrupts masked: s),
 * with the end of its wait inline. A timed wait goes onto the timeout list
 * only when the thread leaves the processor or lets interrupts run. */
AT_BUILD_OPT __attribute__((noinline)) static int receive_wait(td_msg_ep_t *ep, td_msg_t *w,
                                                               td_tick_t timeout,
                                                               port_irq_state_t s)
{
    unsigned me = ep->core;
    td_core_t *c = &td__cores[me];
    int r;
    if (timeout == TD_NO_WAIT) {
        r = TD_ERR_WOULD_BLOCK;
    } else if ((r = td__can_wait(c, s)) == TD_OK) {
        td_thread_t *t = c->current;
        bool timed = timeout != TD_FOREVER;
        td_tick_t deadline = c->tick + timeout;
        ep->wait = W_RX;
        td__wait_prep(c, &ep->waiters, false, 0);
        if (may_wait_in_place(c)) {
            r = me == 0 ? wait_in_place_0(ep, t, timed, deadline)   /* hand_over fills wdata */
                        : wait_in_place_1(ep, t, timed, deadline);
        } else {
            if (timed)
                td__timeout_add(c, t, deadline);
            r = td__wait_commit_hot(c, s);   /* the same; the way back inline */
        }
        ep->wait = W_NONE;
        if (r == TD_OK)
            *w = t->wdata.u;
        return r;
    }
    port_irq_restore(s);
    return r;
}

#ifdef PORT_FIFO_IRQ_HOLD
/* The next word from the FIFO for the owner of ep (this core's, 'me')
 * while the FIFO interrupt is held off for it (l->held == ep): 1, ep's
 * word in *x (the caller counts it in the core's words, which the hold's
 * look compares: the owner took one, the hold goes on); 0, the FIFO is
 * empty; -1, the word was another number's: delivered here, as the
 * interrupt would, and the hold is over. Interrupts masked. */
HOT int held_pop(unsigned me, struct loc *l, const td_msg_ep_t *ep, uint32_t *x)
{
    if (!(port_fifo_status() & PORT_FIFO_VLD))
        return 0;
    uint32_t y = port_fifo_pop();
    if (TD_MSG_EP(y) == ep->number) {
        TD_TRACE(TD_TR_MSG_DELIVER, y, ep);
        *x = y;
        return 1;
    }
    deliver_here(me, y);
    unhold(me, l);
    return -1;
}

/* After td_msg_receive took a word out of ep's in-buffer while the FIFO
 * interrupt is held off for ep, every other time: the FIFO's next word
 * (ep's) into the in-buffer. So the FIFO moves on while the owner works
 * through its in-buffer (a sender waiting for room in the FIFO finds it
 * within two of the owner's takes), and the in-buffer empties, after
 * which the owner takes its words from the FIFO itself (take_held).
 * Interrupts masked. */
HOT void pull_held(unsigned me, struct loc *l, td_msg_ep_t *ep)
{
    uint32_t x;
    if ((l->alt ^= 1u) != 0 && held_pop(me, l, ep, &x) > 0) {
        unsigned i = ep->in_head + ep->in_count;
        if (i >= ep->in_depth)
            i -= ep->in_depth;
        ep->in_buf[i] = x;
        ep->in_count++;
        l->words++;
        ep->received++;
    }
}

/* td_msg_receive's word taken from the FIFO while it is held off for a
 * stream, the owner's in-buffer empty (interrupts masked): true with the
 * word in *w (counted and its room published, as the interrupt's delivery
 * and the receive would); else the hold is over (the interrupt takes what
 * comes, the caller waits). */
HOT bool take_held(unsigned me, struct loc *l, td_msg_ep_t *ep, td_msg_t *w)
{
    uint32_t x;
    if (l->held == ep && held_pop(me, l, ep, &x) > 0) {
        *w = x;
        l->words++;
        ep->received++;
        consumed(me, &slots[me][TD_MSG_EP(x)], 1u, 0u, ep->in_depth);
        return true;
    }
    if (l->held != NULL)
        unhold(me, l);
    return false;
}

#endif

/* The oldest word of ep's in-buffer (not empty) to *w, its room published
 * (and, while the FIFO interrupt is held off for ep, every other time the
 * FIFO's next word moved in behind: pull_held). Interrupts masked. */
HOT void take_buffered(unsigned me, td_msg_ep_t *ep, td_msg_t *w)
{
    unsigned head = ep->in_head, n = ep->number;
    *w = ep->in_buf[head];
    ep->in_head = (uint16_t)(head + 1u == ep->in_depth ? 0 : head + 1u);
    ep->in_count--;
    TD_TRACE(TD_TR_EP_DEPTH, ep, ep->in_count);
    consumed(me, &slots[me][n], 1u, ep->in_count, ep->in_depth);
#ifdef PORT_FIFO_IRQ_HOLD
    if (loc[me].held == ep)
        pull_held(me, &loc[me], ep);
#endif
}

/* td_msg_receive for the checked owner ep (interrupts masked: s), every
 * case. */
__attribute__((noinline)) static int receive_owned(td_msg_ep_t *ep, td_msg_t *w, td_tick_t timeout,
                                                   port_irq_state_t s)
{
    unsigned me = ep->core;
    if (ep->in_count == 0) {
#ifdef PORT_FIFO_IRQ_HOLD
        struct loc *l = &loc[me];
        if (l->held != NULL && take_held(me, l, ep, w)) {
            port_irq_restore(s);
            return TD_OK;
        }
        /* a word for another number that take_held delivered may have
         * brought ep's next words into the in-buffer behind it */
        if (ep->in_count == 0)
#endif
            return receive_wait(ep, w, timeout, s);
    }
    take_buffered(me, ep, w);
    port_irq_restore(s);
    return TD_OK;
}

/* td_msg_receive with every check spelled out, in the documented order:
 * the error of a bad call, or the receive of a good one the fast path's
 * check turned away. */
__attribute__((noinline)) static int receive_checked(td_msg_ep_t *ep, td_msg_t *w,
                                                     td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = owner_check(ep);
    if (r)
        return r;
    if (w == NULL)
        return TD_ERR_PARAM;
    return receive_owned(ep, w, timeout, port_irq_save());
}

#ifdef PORT_FIFO_IRQ_HOLD
/* The fast path's word x, popped from the FIFO while it was held off for
 * the checked owner ep (called with interrupts enabled, now masked), was
 * another number's: delivered as the interrupt would, the hold over, then
 * the receive goes on as any other. */
__attribute__((noinline)) static int receive_other(td_msg_ep_t *ep, td_msg_t *w, td_tick_t timeout,
                                                   uint32_t x)
{
    unsigned me = ep->core;
    deliver_here(me, x);
    unhold(me, &loc[me]);
    return receive_owned(ep, w, timeout, 0);
}
#endif

/* td_msg_receive on core 'me', a constant: one copy per core, so that the
 * core's state (its endpoint records, its link, the hold) is at constant
 * addresses. The call is checked at once (timeout, w, the owner:
 * owner_fast; a bad call goes to receive_checked for its error). While
 * the FIFO interrupt is held off for ep and its in-buffer is empty, the
 * FIFO's next word is the stream's (docs/messages.md, "A stream taken from
 * the FIFO"): taken, counted and its room published as take_held does;
 * every other case is receive_owned's, out of line, so that this path
 * keeps few registers and its branches short. */
HOT int receive_on(unsigned me, td_msg_ep_t *ep, td_msg_t *w, td_tick_t timeout)
{
    if (__builtin_expect(TD__BAD_TIMEOUT(timeout) || w == NULL || !owner_fast(ep, me), 0))
        return receive_checked(ep, w, timeout);
    port_irq_state_t s = port_irq_save();
    if (ep->in_count == 0) {
#ifdef PORT_FIFO_IRQ_HOLD
        struct loc *l = &loc[me];
        td_msg_ep_t *held = l->held;
        if (__builtin_expect(held == ep && s == 0 && (port_fifo_status() & PORT_FIFO_VLD), 1)) {
            uint32_t x = port_fifo_pop();
            if (__builtin_expect(TD_MSG_EP(x) != ep->number, 0))
                return receive_other(ep, w, timeout, x);
            TD_TRACE(TD_TR_MSG_DELIVER, x, ep);
            *w = x;
            l->words++;
            ep->received++;
            consumed(me, &slots[me][TD_MSG_EP(x)], 1u, 0u, ep->in_depth);
            port_irq_enable();                    /* (its state was 0) */
            return TD_OK;
        }
        if (held == NULL)
#endif
            return receive_wait(ep, w, timeout, s);
    }
    return receive_owned(ep, w, timeout, s);
}

int td_msg_receive(td_msg_ep_t *ep, td_msg_t *w, td_tick_t timeout)
{
    return port_core_id() == 0 ? receive_on(0, ep, w, timeout) : receive_on(1, ep, w, timeout);
}

/* ---- batches ------------------------------------------------------------------------ */

/* Words p[0..] up to end straight into the FIFO, each while its receiver
 * (its slot in ps, the other core's) has room and the FIFO has space;
 * returns where it stopped, with *fifo_full set if for the FIFO.
 * Interrupts masked, nothing queued in ep, the other core up. */
HOT const td_msg_t *send_run(struct slot *ps, td_msg_ep_t *ep, const td_msg_t *p,
                             const td_msg_t *end, bool *fifo_full)
{
    (void)ep;
    do {
        td_msg_t x = *p;
        unsigned d = TD_MSG_EP(x);
        if (d >= EPN)
            break;
        struct slot *sl = &ps[d];
        uint32_t sent = sl->sent;
        if (sent - TD_LOAD_RELAXED(sl->consumed) >= TD_LOAD_RELAXED(sl->depth))
            break;
        if (!(port_fifo_status() & PORT_FIFO_RDY)) {
            *fifo_full = true;
            break;
        }
        TD_TRACE(TD_TR_MSG_SEND, x, ep);
        port_fifo_push(x);
        TD_STORE_RELAXED(sl->sent, sent + 1u);
    } while (++p != end);
    return p;
}

/* td_msg_send_n on core 'me' for the checked owner ep: w[0..n-1] in order.
 * Under one mask, words go straight into the FIFO while nothing is queued,
 * the other core is up, the receiver has room and the FIFO has space; a
 * full FIFO is polled with interrupts enabled (as the single send does);
 * any other word takes td_msg_send's own path, with what is left of the
 * call's time. */
static int send_n_owned(unsigned me, td_msg_ep_t *ep, const td_msg_t *w, unsigned n,
                        unsigned *done, td_tick_t timeout)
{
    unsigned peer = me ^ 1u, i = 0;
    td_core_t *c = &td__cores[me];
    td_tick_t end = c->tick + timeout;
    int r = TD_OK;
    while (i < n) {
        bool fifo_full = false;
        port_irq_state_t s = port_irq_save();
        if (ep->out_count == 0 && TD_LOAD_RELAXED(td__link[peer].fault) == 0 &&
            TD_LOAD_RELAXED(td__cores[peer].running)) {
            const td_msg_t *p = send_run(slots[peer], ep, w + i, w + n, &fifo_full);
            unsigned k = (unsigned)(p - w) - i;
            ep->sent += k;
            i += k;
        }
        port_irq_restore(s);
        if (i == n)
            break;
        if (fifo_full) {                     /* drained at once while the other core runs */
            unsigned spins = 0;
            while (spins < TD_MSG_FIFO_SPIN && !(port_fifo_status() & PORT_FIFO_RDY))
                spins++;
            if (spins < TD_MSG_FIFO_SPIN)
                continue;
        }
        /* one word by the single send's path (its errors, queueing, waits) */
        td_tick_t left = timeout;
        if (timeout != TD_NO_WAIT && timeout != TD_FOREVER) {
            left = left_until(c, timeout, end);
            if (left == 0)
                left = TD_NO_WAIT;           /* time is up: what fits now, no wait */
        }
        r = TD_MSG_EP(w[i]) >= EPN ? TD_ERR_ENDPOINT : send_owned(ep, me, w[i], left);
        if (r != TD_OK) {
            if (r == TD_ERR_FULL && timeout != TD_NO_WAIT)
                r = TD_ERR_TIMEOUT;
            break;
        }
        i++;
    }
    *done = i;
    return r;
}

/* A batch call's checks, once per call, in the order both calls document:
 * the count pointer (zeroed), the timeout, the owner, the words and n. */
static inline __attribute__((always_inline)) int batch_check(td_msg_ep_t *ep, const td_msg_t *w,
                                                             unsigned n, unsigned *count,
                                                             td_tick_t timeout, unsigned me)
{
    if (count == NULL)
        return TD_ERR_PARAM;
    *count = 0;
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    if (!owner_fast(ep, me)) {
        int r = owner_check(ep);
        if (r)
            return r;
    }
    if (w == NULL || n == 0 || n > TD_MSG_BATCH_MAX)
        return TD_ERR_PARAM;
    return TD_OK;
}

int td_msg_send_n(td_msg_ep_t *ep, const td_msg_t *w, unsigned n, unsigned *done,
                  td_tick_t timeout)
{
    unsigned me = port_core_id();
    int r = batch_check(ep, w, n, done, timeout, me);
    if (r)
        return r;
    return send_n_owned(me, ep, w, n, done, timeout);
}

int td_msg_receive_n(td_msg_ep_t *ep, td_msg_t *w, unsigned n, unsigned *got, td_tick_t timeout)
{
    unsigned me = port_core_id();
    int e = batch_check(ep, w, n, got, timeout, me);
    if (e)
        return e;
    unsigned k = 0;
    port_irq_state_t s = port_irq_save();
    if (ep->in_count == 0) {
        port_irq_restore(s);
        int r = td_msg_receive(ep, w, timeout);      /* the first word: its wait */
        if (r != TD_OK)
            return r;
        k = 1;
        s = port_irq_save();
    }
    /* what else is in the in-buffer, up to n (and, while the FIFO
     * interrupt is held off for ep, in the FIFO behind it), then the room
     * published once for all of them */
    unsigned m = ep->in_count, head = ep->in_head, depth = ep->in_depth;
    if (m > n - k)
        m = n - k;
    unsigned left = ep->in_count - m;
    if (m != 0) {
        for (unsigned j = 0; j < m; j++) {
            w[k + j] = ep->in_buf[head];
            if (++head == depth)
                head = 0;
        }
        ep->in_head = (uint16_t)head;
        ep->in_count = (uint16_t)left;
        TD_TRACE(TD_TR_EP_DEPTH, ep, left);
        k += m;
    }
#ifdef PORT_FIFO_IRQ_HOLD
    struct loc *l = &loc[me];
    if (l->held == ep) {
        /* the words behind, as held_pop takes them */
        unsigned f = 0;
        while (k < n && (port_fifo_status() & PORT_FIFO_VLD)) {
            uint32_t x = port_fifo_pop();
            if (TD_MSG_EP(x) != ep->number) {
                deliver_here(me, x);                  /* as the interrupt would */
                unhold(me, l);
                break;
            }
            TD_TRACE(TD_TR_MSG_DELIVER, x, ep);
            w[k++] = x;
            f++;
        }
        l->words += f;
        ep->received += f;
        m += f;
    }
#endif
    if (m != 0)
        consumed(me, &slots[me][ep->number], m, left, depth);
    port_irq_restore(s);
    *got = k;
    return TD_OK;
}

int td_msg_flush(td_msg_ep_t *ep, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    int r = owner_check(ep);
    if (r)
        return r;
    unsigned me = ep->core;
    td_core_t *c = &td__cores[me];
    td_tick_t end = c->tick + timeout;
    port_irq_state_t s = port_irq_save();
    pump(me, c);
    for (;;) {
        if (ep->out_count == 0) {
            r = TD_OK;
            break;
        }
        if (!td__link_peer_alive(me ^ 1u)) {
            r = TD_ERR_PEER_DOWN;
            break;
        }
        if ((r = ep_wait(c, ep, W_EMPTY, TD_ERR_WOULD_BLOCK, timeout, end, &s)) != TD_OK)
            break;
    }
    port_irq_restore(s);
    return r;
}

int td_msg_pending(const td_msg_ep_t *ep)
{
    if (ep == NULL)
        return TD_ERR_PARAM;
    return ep->magic == TD_MSG_EP_MAGIC ? ep->in_count : TD_ERR_UNINIT;
}

int td_msg_stats(const td_msg_ep_t *ep, td_msg_stats_t *st)
{
    if (ep == NULL || st == NULL)
        return TD_ERR_PARAM;
    if (ep->magic != TD_MSG_EP_MAGIC)
        return TD_ERR_UNINIT;
    port_irq_state_t s = port_irq_save();
    st->sent = ep->sent;
    st->received = ep->received;
    st->dropped = ep->dropped;
    st->lost_in = ep->core < PORT_NUM_CORES
                      ? TD_LOAD_RELAXED(slots[ep->core][ep->number].dropped) - ep->lost_base : 0;
    st->in_high = ep->in_high;
    st->out_high = ep->out_high;
    port_irq_restore(s);
    return TD_OK;
}

int td_msg_overrun(td_msg_ep_t *ep, bool clear)
{
    if (ep == NULL)
        return TD_ERR_PARAM;
    if (ep->magic != TD_MSG_EP_MAGIC)
        return TD_ERR_UNINIT;
    port_irq_state_t s = port_irq_save();
    if (ep->core < PORT_NUM_CORES) {
        uint32_t lost = TD_LOAD_RELAXED(slots[ep->core][ep->number].dropped);
        if (lost != ep->lost_seen) {
            ep->lost_seen = lost;
            ep->flags |= TD_MSG_OVR_LOST_IN;
        }
    }
    int f = ep->flags;
    if (clear)
        ep->flags = 0;
    port_irq_restore(s);
    return f;
}

int td_msg_core_stats(td_msg_core_stats_t *st, bool reset)
{
    if (st == NULL)
        return TD_ERR_PARAM;
    unsigned me = port_core_id();
    struct loc *l = &loc[me];
    const struct td_link_core *k = &td__link[me];
    port_irq_state_t s = port_irq_save();
    *st = (td_msg_core_stats_t){ .words = l->words, .system = k->system, .stray = l->stray,
                                 .wof = k->wof, .roe = k->roe, .interrupts = k->interrupts };
    if (reset) {
        l->words = l->stray = 0;
        td__link_stats_reset(me);
    }
    port_irq_restore(s);
    return TD_OK;
}
