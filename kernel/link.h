/*
 * kernel/link.h: the inter-core link, the lower of the two layers of
 * messages (the endpoints, kernel/msg.c, are the upper). Private to kernel/
 * and to tests; owned by kernel/link.c. The model: docs/messages.md.
 *
 * The link owns the FIFO once it runs on a core: it starts and stops (and
 * lets a program have the FIFO raw instead), it runs the FIFO interrupt,
 * and it carries doorbells. A doorbell is how one core asks the other to
 * look at something: a module registers one (td__link_doorbell), records
 * in shared memory what it asks for, and rings it; the other core's FIFO
 * interrupt runs the module's function. The ring itself is a sequence
 * number per doorbell in shared memory (each core writes its own), plus one
 * FIFO word (TD_EP_SYS_DOORBELL, its number as payload) if the FIFO has
 * room: if it has none, the other core's FIFO interrupt is certain to run
 * and compares the numbers once it has drained the FIFO. So a ring is never
 * lost and never waits, and a new doorbell needs no endpoint number.
 *
 * The link's own doorbell is the fault notice: td__link_fault_notify
 * records the faulting core's reason and rings it; the other core runs the
 * "core went down" table for the notice (kernel/down.h), then the program's
 * td_msg_on_peer_fault.
 *
 * Core 1's launch needs the raw FIFO (the boot ROM's handshake), so core
 * 0's link never starts before the kernel says core 1 was launched
 * (td__link_core1_launched); core 1's reset (the down table's RESET stage)
 * stops core 0's FIFO interrupt and forgets core 1's side.
 */
#ifndef TANDEM_KERNEL_LINK_H
#define TANDEM_KERNEL_LINK_H

#include "core.h"

#include "tandem/hwtable.h"
#include "tandem/msg.h"

/* Doorbells the link can carry (the fault notice is number 0). */
#define TD_LINK_DOORBELLS 12u

/* Core c's link: td__link[c]. The first part is in shared memory for the
 * other core to read, written by c only; the rest is c's own, touched by
 * c only with its interrupts masked. One struct for both, so that the FIFO
 * interrupt reaches its core's and the other core's from one address. */
struct td_link_core {
    uint32_t ring[TD_LINK_DOORBELLS]; /* doorbells rung to the other core (counts) */
    uint32_t ringsum;            /* changes after any ring[] changes */
    uint32_t fault;              /* c's fault reason, 0: none */
    uint32_t up;                 /* c's link runs (its FIFO interrupt takes the words) */
    /* c's own */
    uint32_t seen[TD_LINK_DOORBELLS]; /* the other core's rings already run */
    uint32_t seensum;            /* its ringsum when last looked at */
    uint32_t system, wof, roe, interrupts;   /* td_msg_core_stats */
    uint8_t wanted;              /* start once core 1 is launched (core 0) */
    uint8_t launched;            /* core 1 launched: the FIFO is ours (core 0) */
};
extern struct td_link_core td__link[PORT_NUM_CORES];

/* ---- doorbells ------------------------------------------------------------------- */

/* What a doorbell runs on the core it was rung to, from the FIFO
 * interrupt (interrupts masked): 'me' that core, 'count' how often the
 * other core has rung it so far (several rings may come to one run). */
typedef void (*td_doorbell_fn)(unsigned me, td_core_t *c, uint32_t count);

/* The number of doorbell fn, registered at the first call (the same on
 * both cores). 'on_up': the link rings it by itself whenever this core's
 * link comes up while the other core's kernel runs. Either core, any
 * context; a full table is a kernel panic. */
unsigned td__link_doorbell(td_doorbell_fn fn, bool on_up);

/* Ring doorbell 'bell' to the other core (see above). td__link_ring:
 * returns 0, or TD_ERR_PEER_DOWN when the link does not run on both cores
 * (nothing rung). Any context. td__link_post: the same for a caller on
 * core 'me' with interrupts masked whose link runs. */
int td__link_ring(unsigned bell);
void td__link_post(unsigned me, unsigned bell);

/* How often core 'me' has rung doorbell 'bell' so far. */
static inline uint32_t td__link_rung(unsigned me, unsigned bell)
{
    return TD_LOAD_RELAXED(td__link[me].ring[bell]);
}

/* Run the doorbells the other core rang since this core last looked
 * (this core 'me'), then reschedule. Interrupts masked. */
void td__link_poll(unsigned me, td_core_t *c);

/* ---- the state of the cores ---------------------------------------------------------- */

/* Whether core 'core''s link runs; whether both run (doorbells can be
 * rung). Anywhere. */
static inline bool td__link_up(unsigned core)
{
    return TD_LOAD_RELAXED(td__link[core].up) != 0;
}
bool td__link_linked(void);

/* Whether core 'peer' runs its kernel and has not said it faulted. */
static inline bool td__link_peer_alive(unsigned peer)
{
    return td__core_running(peer) && TD_LOAD_RELAXED(td__link[peer].fault) == 0;
}

/* Tell the other core that this core faulted (reason: 24 bits, not 0):
 * recorded, then the fault doorbell, never waiting: safe from a fault
 * handler with interrupts masked. */
void td__link_fault_notify(uint32_t reason);

/* Whether a program has the FIFO raw (td_msg_fifo_raw): no link runs. */
bool td__link_raw(void);

/* Zero this core's ('me') counts in td_msg_core_stats. Interrupts masked. */
void td__link_stats_reset(unsigned me);

/* Stop the calling core's link (its FIFO interrupt off). Interrupts
 * masked. For the endpoints' td__msg_stop. */
void td__link_stop(void);

/* Called by the kernel (core 0) after each successful launch of core 1:
 * from now on core 0's link may own the FIFO (a start asked before only
 * recorded the wish). */
void td__link_core1_launched(void);

/* ---- the FIFO interrupt ----------------------------------------------------------------
 * The FIFO interrupt is the link's loop below; the endpoint layer defines
 * port_fifo_isr with it (kernel/msg.c), passing its delivery of a user word
 * as 'rx', which the compiler puts inline: a word reaches its endpoint with
 * no call, the measured path (docs/performance.md). rx(ctx, me, c, w)
 * takes every word w: it delivers a user word (asking for the switch
 * itself when it wakes a more urgent thread), and hands a system word back to the link
 * (td__link_system_word); 'ctx' is the receiving layer's state for this
 * core, looked up once per interrupt. rx returns true for the loop to go
 * on; false ends this run of the interrupt at once, the rest left where it
 * is (the endpoint layer's hold of the interrupt for a stream's owner,
 * which then takes the words itself and whose timer looks at the
 * doorbells and sticky flags: kernel/msg.c). */
typedef bool (*td_link_rx_fn)(void *ctx, unsigned me, td_core_t *c, uint32_t w);

/* For rx: w was a system word (byte 0 TD_EP_SYS_FIRST or above): a
 * doorbell, counted; td__link_poll follows once the FIFO is drained. */
TD_HOT void td__link_system_word(unsigned me)
{
    td__link[me].system++;
}

/* The FIFO interrupt of core 'me' (interrupts masked): drain the FIFO
 * completely (unless rx ends the run), count and clear its sticky flags (WOF, ROE), then run the
 * doorbells the other core rang (after draining: a ring left out of a full
 * FIFO is seen then). */
TD_HOT void td__link_isr(unsigned me, td_core_t *c, td_link_rx_fn rx, void *ctx)
{
    struct td_link_core *l = &td__link[me];
    const uint32_t *ringsum = &td__link[me ^ 1u].ringsum;
    l->interrupts++;
    for (;;) {
        uint32_t st = port_fifo_status();
        if (st & PORT_FIFO_VLD) {
            if (!rx(ctx, me, c, port_fifo_pop()))
                break;
        } else if (st & (PORT_FIFO_WOF | PORT_FIFO_ROE)) {
            l->wof += (st & PORT_FIFO_WOF) != 0;
            l->roe += (st & PORT_FIFO_ROE) != 0;
            port_fifo_clear_errors();
        } else if (TD_LOAD_RELAXED(*ringsum) != l->seensum) {   /* (td__link_poll acquires) */
            td__link_poll(me, c);
        } else {
            break;
        }
    }
}

#endif /* TANDEM_KERNEL_LINK_H */
