/*
 * kernel/msg.c: the inter-core message multiplexer: endpoints, the FIFO
 * interrupt, flow control and the system requests. The model and the
 * protocol are in docs/messages.md; the API in tandem/msg.h.
 *
 * Shared memory. Every endpoint number of each core has a slot both cores
 * see: its depth and consumed count (written by the endpoint's core) and
 * the counts of words sent to it, dropped for it and times it was found
 * full (written by the other core). Every field has one writer, so no lock
 * is needed. A sender's room at the other core's endpoint e is
 * depth - (sent - consumed): words in the FIFO are counted, so the
 * in-buffer never overflows while both sides follow the protocol. Each
 * core also publishes its system requests as sequence numbers (struct
 * sys). Everything else (endpoint table, acknowledged requests,
 * statistics) is per core and touched only with that core's interrupts
 * masked.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE_SIZE__)
#pragma GCC optimize("O2")          /* the hot paths: send, the FIFO interrupt, receive */
#endif

#include "msg_sys.h"
#include "sched.h"
#include "xsync.h"

#include "tandem/hwtable.h"
#include "tandem/kernel.h"
#include "tandem/msg.h"

#define EPN    TD_MSG_ENDPOINTS
#define NKIND  (TD_EP_SYS_LAST - TD_EP_SYS_FIRST + 1)
#define K(ep)  ((ep) - TD_EP_SYS_FIRST)
/* One more request kind without an endpoint of its own, for a module's
 * registered doorbell (td__msg_post_hook): its counters live apart from
 * struct sys and struct loc (whose layout the hot paths' offsets depend
 * on); it rings with a TD_EP_SYS_XSYNC word (any system word makes the
 * receiver look at every request counter). */

/* Polls of a full FIFO a sending thread makes (interrupts enabled) before
 * it queues the word and asks the other core to say when there is room. */
#ifndef TD_MSG_FIFO_SPIN
#define TD_MSG_FIFO_SPIN 64u
#endif

enum { W_NONE, W_RX, W_SPACE, W_EMPTY };

/* Endpoint e of core r as both cores see it: slots[r][e]. */
struct slot {
    uint32_t depth;              /* r: in-buffer depth, 0 = not subscribed */
    uint32_t consumed;           /* r: words taken out of the endpoint */
    uint32_t sent;               /* the other core: words sent to it */
    uint32_t starve;             /* the other core: times it found no room */
    uint32_t dropped;            /* the other core: words dropped for lack of room */
    uint32_t pad[3];             /* 32 bytes: addressed with a shift */
};

/* Core c's system state: written by c only. */
struct sys {
    uint32_t req[NKIND];         /* requests to the other core (sequence numbers) */
    uint32_t reqsum;             /* changes after any req[] changes */
    uint32_t pong;               /* the other core's last ping answered */
    uint32_t fault;              /* c's fault reason, 0 = none */
    uint32_t up;                 /* c's multiplexer runs */
};

struct loc {
    td_msg_ep_t *ep[EPN];
    td_msg_ep_t *queued;         /* endpoints with words in their out-buffers */
    td_thread_t *waiters;        /* in td_msg_ping / td_msg_await_remote */
    uint32_t ack[NKIND], acksum; /* the other core's requests seen */
    uint32_t starve_ack[EPN];
    td_msg_core_stats_t st;
    uint8_t room_asked;          /* ROOM posted, FLOW not yet seen */
    uint8_t wanted;              /* start once core 1 is launched (core 0) */
    uint8_t launched;            /* core 1 launched: the FIFO is ours (core 0) */
};

static struct slot slots[PORT_NUM_CORES][EPN];
static struct sys sys[PORT_NUM_CORES];
static struct loc loc[PORT_NUM_CORES];
static uint8_t raw_mode;
static void (*chan_poll)(void);
static void (*chan_down)(unsigned me, td_core_t *c);
static void (*sys_hook)(void);
static uint32_t hook_req[PORT_NUM_CORES];   /* core c's hook requests (written by c) */
static uint32_t hook_ack[PORT_NUM_CORES];   /* core c's: the other core's ones seen */

#define LD(x)     __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define ST(x, v)  __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define INC(x)    ST(x, LD(x) + 1u)       /* single writer: no read-modify-write race */
#define FENCE()   __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define HOT       static inline __attribute__((always_inline))

static bool peer_alive(unsigned peer)
{
    return TD_LOAD(td_cores[peer].running) && LD(sys[peer].fault) == 0;
}

bool td__msg_peer_alive(unsigned peer)
{
    return peer_alive(peer);
}

/* ---- system requests ------------------------------------------------------------- */

/* Interrupts masked. */
static void post(unsigned me, unsigned k, uint32_t payload)
{
    struct sys *y = &sys[me];
    INC(y->req[k]);
    __atomic_store_n(&y->reqsum, y->reqsum + 1u, __ATOMIC_RELEASE);
    FENCE();
    if (port_fifo_status() & PORT_FIFO_RDY)
        port_fifo_push(TD_MSG(TD_EP_SYS_FIRST + k, payload));
    /* else: the other core's FIFO is full, so its interrupt will run and
     * see the request after draining (sys_poll) */
}

bool td__msg_linked(void)
{
    unsigned me = port_core_id();
    return LD(sys[me].up) && LD(sys[me ^ 1u].up);
}

int td__msg_post(unsigned ep, uint32_t payload)
{
    if (ep < TD_EP_SYS_FIRST || ep > TD_EP_SYS_LAST)
        return TD_ERR_PARAM;
    if (!td__msg_linked())
        return TD_ERR_PEER_DOWN;
    port_irq_state_t s = port_irq_save();
    post(port_core_id(), K(ep), payload);
    port_irq_restore(s);
    return TD_OK;
}

/* Wake every thread of this core waiting in ping / await_remote. */
static void wake_waiters(td_core_t *c, struct loc *l)
{
    while (l->waiters != NULL)
        td__wake(c, l->waiters, TD_OK);
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
        uint32_t depth = LD(sl->depth);
        if (depth == 0 || !peer_alive(peer)) {
            drop_head(ep, TD_MSG_OVR_PEER);          /* withdrawn or gone: counted */
            continue;
        }
        if (sl->sent - LD(sl->consumed) >= depth) {
            if (ep->policy == TD_MSG_DROP) {
                INC(sl->dropped);
                drop_head(ep, TD_MSG_OVR_DROPPED);
                continue;
            }
            INC(sl->starve);                         /* then look again (docs) */
            FENCE();
            if (sl->sent - LD(sl->consumed) >= depth)
                return OUT_CREDIT;
        }
        if (!(port_fifo_status() & PORT_FIFO_RDY))
            return OUT_FIFO;
        port_fifo_push(w);
        ST(sl->sent, sl->sent + 1u);
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
                post(me, K(TD_EP_SYS_ROOM), 0);
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

/* The peer went down (fault notice, reset): discard what is queued for it
 * and wake the senders. Interrupts masked. */
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
    wake_waiters(c, l);
    if (chan_down != NULL)
        chan_down(me, c);
    td__resched(c);
}

/* ---- receiving --------------------------------------------------------------------- */

/* A word left endpoint n's in-buffer (level: what is still in it): publish
 * it, and if the sender found no room since we last looked, tell it once
 * the buffer is at most half full. Interrupts masked. */
HOT void consumed(unsigned me, struct slot *sl, unsigned n, unsigned level,
                            unsigned depth)
{
    struct loc *l = &loc[me];
    ST(sl->consumed, sl->consumed + 1u);
    FENCE();
    uint32_t st = LD(sl->starve);
    if (st != l->starve_ack[n] && level <= depth / 2u) {
        l->starve_ack[n] = st;
        post(me, K(TD_EP_SYS_FLOW), n);
    }
}

void td_msg_on_peer_fault(unsigned core, uint32_t reason) __attribute__((weak));
void td_msg_on_peer_fault(unsigned core, uint32_t reason)
{
    (void)core;
    (void)reason;
}

/* Handle the other core's new requests. Interrupts masked. */
static void sys_poll(unsigned me, td_core_t *c)
{
    struct loc *l = &loc[me];
    struct sys *y = &sys[me ^ 1u];
    uint32_t sum = __atomic_load_n(&y->reqsum, __ATOMIC_ACQUIRE);
    if (sum == l->acksum)
        return;
    l->acksum = sum;
    uint32_t seen[NKIND];
    bool any[NKIND];
    for (unsigned k = 0; k < NKIND; k++) {
        seen[k] = LD(y->req[k]);
        any[k] = seen[k] != l->ack[k];
        l->ack[k] = seen[k];
    }
    if (any[K(TD_EP_SYS_FAULT)] && LD(y->fault) != 0) {
        peer_down(me, c);
        td_msg_on_peer_fault(me ^ 1u, LD(y->fault));
    }
    if (any[K(TD_EP_SYS_XSYNC)])
        td_xsync_poll_isr();
    if (any[K(TD_EP_SYS_FLOW)] || any[K(TD_EP_SYS_ANNOUNCE)]) {
        l->room_asked = 0;
        pump(me, c);
    }
    if (any[K(TD_EP_SYS_ROOM)])
        post(me, K(TD_EP_SYS_FLOW), 0);           /* we drained: there is room now */
    if (any[K(TD_EP_SYS_PING)]) {
        ST(sys[me].pong, seen[K(TD_EP_SYS_PING)]);
        post(me, K(TD_EP_SYS_PONG), 0);
    }
    if (any[K(TD_EP_SYS_PONG)] || any[K(TD_EP_SYS_ANNOUNCE)])
        wake_waiters(c, l);
    if (any[K(TD_EP_SYS_CHAN)] && chan_poll != NULL)
        chan_poll();
    if (sys_hook != NULL) {                       /* the registered doorbell */
        uint32_t h = LD(hook_req[me ^ 1u]);
        if (h != hook_ack[me]) {
            hook_ack[me] = h;
            sys_hook();
        }
    }
    td__resched(c);
}

/* One word from the FIFO; returns the priority + 1 of the thread it woke
 * (0: none). Interrupts masked. */
HOT unsigned deliver(unsigned me, struct loc *l, td_core_t *c, uint32_t w)
{
    unsigned n = TD_MSG_EP(w);
    if (n < EPN) {
        td_msg_ep_t *ep = l->ep[n];
        if (ep != NULL) {
            l->st.words++;
            ep->received++;
            td_thread_t *t = ep->waiters;
            if (t != NULL && ep->wait == W_RX) {      /* straight to the waiting owner */
                t->wdata.u = w;
                td__wake(c, t, TD_OK);
                consumed(me, &slots[me][n], n, 0, ep->in_depth);
                return t->prio + 1u;
            }
            if (ep->in_count < ep->in_depth) {
                unsigned i = ep->in_head + ep->in_count;
                if (i >= ep->in_depth)
                    i -= ep->in_depth;
                ep->in_buf[i] = w;
                if (++ep->in_count > ep->in_high)
                    ep->in_high = ep->in_count;
            } else {
                ep->dropped++;                        /* the sender broke the protocol */
                ep->flags |= TD_MSG_OVR_LOST_IN;
            }
            return 0;
        }
    } else if (n >= TD_EP_SYS_FIRST) {
        l->st.system++;                               /* a doorbell: sys_poll follows */
        return 0;
    }
    l->st.stray++;
    return 0;
}

/* Threads up to priority woke-1 were made READY: switch if one of them is
 * more urgent than the running thread (what td__resched finds, without
 * searching the ready lists). */
HOT void resched_woken(td_core_t *c, unsigned woke)
{
    td_thread_t *cur = c->current;
    if (woke != 0 && cur != NULL && (cur == c->idle || woke - 1u > cur->prio))
        port_switch_request();
}

void port_fifo_isr(void)
{
    unsigned me = port_core_id();
    struct loc *l = &loc[me];
    td_core_t *c = &td_cores[me];
    const struct sys *y = &sys[me ^ 1u];
    unsigned woke = 0;
    port_irq_state_t s = port_irq_save();
    l->st.interrupts++;
    for (;;) {
        uint32_t st = port_fifo_status();
        if (st & PORT_FIFO_VLD) {
            unsigned p = deliver(me, l, c, port_fifo_pop());
            if (p > woke)
                woke = p;
        } else if (st & (PORT_FIFO_WOF | PORT_FIFO_ROE)) {
            l->st.wof += (st & PORT_FIFO_WOF) != 0;
            l->st.roe += (st & PORT_FIFO_ROE) != 0;
            port_fifo_clear_errors();
        } else if (__atomic_load_n(&y->reqsum, __ATOMIC_ACQUIRE) != l->acksum) {
            sys_poll(me, c);                          /* after draining (docs) */
        } else {
            break;
        }
    }
    resched_woken(c, woke);
    port_irq_restore(s);
}

void td__msg_rx_word(uint32_t w)
{
    unsigned me = port_core_id();
    td_core_t *c = &td_cores[me];
    port_irq_state_t s = port_irq_save();
    resched_woken(c, deliver(me, &loc[me], c, w));
    sys_poll(me, c);
    port_irq_restore(s);
}

void td__msg_set_chan_hooks(void (*poll)(void), void (*down)(unsigned me, td_core_t *c))
{
    chan_poll = poll;
    chan_down = down;
}

void td__msg_set_sys_hook(void (*fn)(void))
{
    sys_hook = fn;
}

int td__msg_post_hook(void)
{
    if (!td__msg_linked())
        return TD_ERR_PEER_DOWN;
    unsigned me = port_core_id();
    struct sys *y = &sys[me];
    port_irq_state_t s = port_irq_save();
    INC(hook_req[me]);                            /* as post() does, with an XSYNC word */
    __atomic_store_n(&y->reqsum, y->reqsum + 1u, __ATOMIC_RELEASE);
    FENCE();
    if (port_fifo_status() & PORT_FIFO_RDY)
        port_fifo_push(TD_MSG(TD_EP_SYS_XSYNC, 0));
    port_irq_restore(s);
    return TD_OK;
}

/* ---- starting, stopping, supervision ------------------------------------------------ */

static void go(unsigned me)
{
    port_irq_state_t s = port_irq_save();
    if (!LD(sys[me].up)) {
        port_fifo_clear_errors();                 /* e.g. ROE from the boot ROM's drain */
        __atomic_store_n(&sys[me].up, 1u, __ATOMIC_RELEASE);
        td__spin_lock(TD_SPIN_MSG);               /* after: td_msg_fifo_raw sees one of them */
        loc[me].wanted = 0;
        td__spin_unlock(TD_SPIN_MSG);
        sys_poll(me, &td_cores[me]);              /* requests made before we ran */
        port_fifo_irq_enable(true);
        if (TD_LOAD(td_cores[me ^ 1u].running))
            post(me, K(TD_EP_SYS_ANNOUNCE), 0);
    }
    port_irq_restore(s);
}

void td__msg_core1_launched(void)
{
    loc[0].launched = 1;
    if (loc[0].wanted)
        go(0);
}

int td_msg_start(void)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    unsigned me = port_core_id();
    if (LD(sys[me].up))
        return TD_OK;                             /* running: raw mode cannot be on */
    int r = TD_OK;
    bool start = false;
    /* Under the lock td_msg_fifo_raw takes: raw mode and a multiplexer
     * never both, even when the two cores race. */
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);
    if (raw_mode) {
        r = TD_ERR_STATE;
    } else if (!LD(sys[me].up)) {
        loc[me].wanted = 1;
        /* core 1's launch still needs the raw FIFO: core 0 starts after it */
        start = me != 0 || loc[0].launched;
    }
    td__spin_unlock(TD_SPIN_MSG);
    port_irq_restore(s);
    if (start)
        go(me);
    return r;
}

int td_msg_fifo_raw(void)
{
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);
    int r = TD_OK;
    if (LD(sys[0].up) || LD(sys[1].up) || loc[0].wanted || loc[1].wanted)
        r = TD_ERR_BUSY;
    else
        raw_mode = 1;
    td__spin_unlock(TD_SPIN_MSG);
    port_irq_restore(s);
    return r;
}

void td__msg_stop(void)
{
    unsigned me = port_core_id();
    port_irq_state_t s = port_irq_save();
    port_fifo_irq_enable(false);
    ST(sys[me].up, 0u);
    for (unsigned i = 0; i < EPN; i++)
        ST(slots[me][i].depth, 0u);
    port_irq_restore(s);
}

void td__msg_fault_notify(uint32_t reason)
{
    unsigned me = port_core_id();
    port_irq_state_t s = port_irq_save();
    ST(sys[me].fault, (reason & TD_MSG_DATA_MAX) ? (reason & TD_MSG_DATA_MAX) : 1u);
    post(me, K(TD_EP_SYS_FAULT), reason);
    port_irq_restore(s);
}

uint32_t td_msg_peer_fault(void)
{
    return LD(sys[port_core_id() ^ 1u].fault);
}

void td__msg_core1_reset(void)
{
    td_core_t *c = &td_cores[0];
    struct sys *y0 = &sys[0], *y1 = &sys[1];
    struct loc *l0 = &loc[0], *l1 = &loc[1];
    port_irq_state_t s = port_irq_save();
    port_fifo_irq_enable(false);                  /* the launch owns the FIFO */
    ST(y1->fault, 1u);                            /* gone: senders see TD_ERR_PEER_DOWN */
    peer_down(0, c);
    ST(y1->up, 0u);
    ST(hook_req[0], 0u);
    ST(hook_req[1], 0u);
    hook_ack[0] = hook_ack[1] = 0;
    for (unsigned k = 0; k < NKIND; k++) {
        ST(y1->req[k], 0u);
        ST(y0->req[k], 0u);
        l0->ack[k] = l1->ack[k] = 0;
    }
    ST(y1->reqsum, 0u);
    ST(y0->reqsum, 0u);
    l0->acksum = l1->acksum = 0;
    td__spin_lock(TD_SPIN_MSG);
    l1->wanted = 0;                               /* a start core 1 did not finish */
    td__spin_unlock(TD_SPIN_MSG);
    for (unsigned i = 0; i < EPN; i++) {
        struct slot *s1 = &slots[1][i], *s0 = &slots[0][i];
        *s1 = (struct slot){ 0 };                 /* core 1's endpoints are gone */
        l1->starve_ack[i] = 0;
        if (l1->ep[i] != NULL)                    /* its owner is gone: subscribable again */
            l1->ep[i]->owner = NULL;
        l1->ep[i] = NULL;
        /* nothing of core 1's in flight (the launch drains the FIFO): what
         * core 0's endpoint holds is all that is used of its room */
        ST(s0->sent, LD(s0->consumed) + (l0->ep[i] ? l0->ep[i]->in_count : 0u));
        ST(s0->starve, 0u);
        ST(s0->dropped, 0u);
        l0->starve_ack[i] = 0;
        if (l0->ep[i] != NULL)
            l0->ep[i]->lost_base = l0->ep[i]->lost_seen = 0;
    }
    ST(y1->pong, 0u);
    ST(y0->pong, 0u);
    l1->queued = NULL;
    l1->waiters = NULL;
    l1->room_asked = 0;
    l1->st = (td_msg_core_stats_t){ 0 };
    ST(y1->fault, 0u);
    l0->launched = 0;
    if (LD(y0->up)) {                             /* restart after the relaunch */
        ST(y0->up, 0u);
        l0->wanted = 1;
    }
    port_irq_restore(s);
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
    td_core_t *c = &td_cores[me];
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
         * for core 1's launch to end, look again every tick */
        r = td__wait(c, &loc[me].waiters, LD(sys[me].up) ? left : 1u, s);
        s = port_irq_save();
    }
    port_irq_restore(s);
    return r;
}

static int ponged(unsigned me, uint32_t seq)
{
    if ((int32_t)(LD(sys[me ^ 1u].pong) - seq) >= 0)
        return 1;
    return peer_alive(me ^ 1u) ? 0 : TD_ERR_PEER_DOWN;
}

int td_msg_ping(td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    int r = td_msg_start();
    if (r)
        return r;
    unsigned me = port_core_id(), peer = me ^ 1u;
    if (!peer_alive(peer) || !LD(sys[peer].up) || !LD(sys[me].up))
        return TD_ERR_PEER_DOWN;
    port_irq_state_t s = port_irq_save();
    post(me, K(TD_EP_SYS_PING), 0);
    uint32_t seq = sys[me].req[K(TD_EP_SYS_PING)];
    port_irq_restore(s);
    return wait_until(ponged, seq, timeout);
}

static int announced(unsigned me, uint32_t number)
{
    return LD(slots[me ^ 1u][number].depth) != 0 && LD(sys[me].up);
}

int td_msg_await_remote(unsigned number, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    if (number >= EPN)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
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
    if (ep->magic == TD_MSG_EP_MAGIC && ep->owner != NULL)
        return TD_ERR_BUSY;
    *ep = (td_msg_ep_t){ .in_buf = in_buf, .out_buf = out_buf,
                         .in_depth = (uint16_t)in_depth, .out_depth = (uint16_t)out_depth,
                         .magic = TD_MSG_EP_MAGIC, .number = (uint8_t)number,
                         .core = TD_CORE_ANY, .policy = (uint8_t)policy };
    return TD_OK;
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

/* The fast paths' check: ep is ours, the caller owns it, no interrupt. */
HOT bool owner_fast(const td_msg_ep_t *ep, unsigned me)
{
    return ep != NULL && ep->magic == TD_MSG_EP_MAGIC && ep->core == me &&
           ep->owner == td_cores[me].current && !port_in_isr();
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
    if (raw_mode)
        return TD_ERR_STATE;
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
        l->starve_ack[n] = LD(sl->starve);
        ep->lost_base = ep->lost_seen = LD(sl->dropped);
        ST(sl->consumed, LD(sl->sent));           /* full room from now on */
        l->ep[n] = ep;
        FENCE();
        ST(sl->depth, (uint32_t)ep->in_depth);
    }
    port_irq_restore(s);
    if (r == TD_OK) {
        td_msg_start();
        s = port_irq_save();
        if (LD(sys[me].up))
            post(me, K(TD_EP_SYS_ANNOUNCE), n);
        port_irq_restore(s);
    }
    return r;
}

int td_msg_unsubscribe(td_msg_ep_t *ep)
{
    int r = owner_check(ep);
    if (r)
        return r;
    unsigned me = ep->core;
    port_irq_state_t s = port_irq_save();
    ST(slots[me][ep->number].depth, 0u);
    loc[me].ep[ep->number] = NULL;
    ep->dropped += ep->in_count;
    ep->in_count = 0;
    td__spin_lock(TD_SPIN_MSG);
    ep->owner = NULL;
    td__spin_unlock(TD_SPIN_MSG);
    if (LD(sys[me].up))
        post(me, K(TD_EP_SYS_ANNOUNCE), ep->number);
    port_irq_restore(s);
    return TD_OK;
}

__attribute__((noinline)) static int send_slow(td_msg_ep_t *ep, td_msg_t w, td_tick_t timeout)
{
    int r = owner_check(ep);
    if (r)
        return r;
    unsigned me = ep->core, peer = me ^ 1u, d = TD_MSG_EP(w);
    if (d >= EPN)
        return TD_ERR_ENDPOINT;
    struct slot *sl = &slots[peer][d];
    td_core_t *c = &td_cores[me];
    td_tick_t end = c->tick + timeout;
    unsigned spins = 0;
    port_irq_state_t s = port_irq_save();
    for (;;) {
        if (!peer_alive(peer)) {
            r = TD_ERR_PEER_DOWN;
            break;
        }
        uint32_t depth = LD(sl->depth);
        if (depth == 0) {
            r = TD_ERR_ENDPOINT;
            break;
        }
        if (ep->out_count == 0) {
            if (sl->sent - LD(sl->consumed) < depth) {
                if (port_fifo_status() & PORT_FIFO_RDY) {
                    port_fifo_push(w);
                    ST(sl->sent, sl->sent + 1u);
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
                INC(sl->dropped);
                ep->dropped++;
                ep->flags |= TD_MSG_OVR_DROPPED;
                r = TD_ERR_OVERFLOW;
                break;
            }
        }
        if (ep->out_count < ep->out_depth) {
            unsigned i = ep->out_head + ep->out_count;
            if (i >= ep->out_depth)
                i -= ep->out_depth;
            ep->out_buf[i] = w;
            if (++ep->out_count > ep->out_high)
                ep->out_high = ep->out_count;
            queue_ep(&loc[me], ep);
            pump(me, c);
            r = TD_OK;
            break;
        }
        if ((r = ep_wait(c, ep, W_SPACE, TD_ERR_FULL, timeout, end, &s)) != TD_OK)
            break;
    }
    port_irq_restore(s);
    return r;
}

int td_msg_send(td_msg_ep_t *ep, td_msg_t w, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    unsigned me = port_core_id(), d = TD_MSG_EP(w);
    if (d < EPN && owner_fast(ep, me) && ep->out_count == 0) {
        /* the fast path: room at the receiver and in the FIFO */
        struct slot *sl = &slots[me ^ 1u][d];
        port_irq_state_t s = port_irq_save();
        uint32_t sent = sl->sent;
        if (sent - LD(sl->consumed) < LD(sl->depth) && LD(sys[me ^ 1u].fault) == 0 &&
            LD(td_cores[me ^ 1u].running) && (port_fifo_status() & PORT_FIFO_RDY)) {
            port_fifo_push(w);
            ST(sl->sent, sent + 1u);
            ep->sent++;
            port_irq_restore(s);
            return TD_OK;
        }
        port_irq_restore(s);
    }
    return send_slow(ep, w, timeout);
}

/* td_msg_receive with nothing in the in-buffer (interrupts masked: s). */
__attribute__((noinline)) static int receive_wait(td_msg_ep_t *ep, td_msg_t *w,
                                                  td_tick_t timeout, port_irq_state_t s)
{
    td_core_t *c = &td_cores[ep->core];
    int r;
    if (timeout == TD_NO_WAIT) {
        r = TD_ERR_WOULD_BLOCK;
    } else if ((r = td__can_wait(c, s)) == TD_OK) {
        td_thread_t *t = c->current;
        ep->wait = W_RX;
        r = td__wait(c, &ep->waiters, timeout, s);   /* the interrupt fills wdata */
        ep->wait = W_NONE;
        if (r == TD_OK)
            *w = t->wdata.u;
        return r;
    }
    port_irq_restore(s);
    return r;
}

int td_msg_receive(td_msg_ep_t *ep, td_msg_t *w, td_tick_t timeout)
{
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    unsigned me = port_core_id();
    if (!owner_fast(ep, me)) {
        int r = owner_check(ep);
        if (r)
            return r;
    }
    if (w == NULL)
        return TD_ERR_PARAM;
    port_irq_state_t s = port_irq_save();
    if (ep->in_count == 0)
        return receive_wait(ep, w, timeout, s);
    unsigned head = ep->in_head, n = ep->number;
    *w = ep->in_buf[head];
    ep->in_head = (uint16_t)(head + 1u == ep->in_depth ? 0 : head + 1u);
    ep->in_count--;
    consumed(me, &slots[me][n], n, ep->in_count, ep->in_depth);
    port_irq_restore(s);
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
    td_core_t *c = &td_cores[me];
    td_tick_t end = c->tick + timeout;
    port_irq_state_t s = port_irq_save();
    pump(me, c);
    for (;;) {
        if (ep->out_count == 0) {
            r = TD_OK;
            break;
        }
        if (!peer_alive(me ^ 1u)) {
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
                      ? LD(slots[ep->core][ep->number].dropped) - ep->lost_base : 0;
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
        uint32_t lost = LD(slots[ep->core][ep->number].dropped);
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
    struct loc *l = &loc[port_core_id()];
    port_irq_state_t s = port_irq_save();
    *st = l->st;
    if (reset)
        l->st = (td_msg_core_stats_t){ 0 };
    port_irq_restore(s);
    return TD_OK;
}
