/*
 * kernel/link.c: the inter-core link (kernel/link.h): starting and
 * stopping it, raw FIFO mode, doorbells, the fault notice, core 1's reset.
 */
#include "link.h"

#include "down.h"
#include "sched.h"
#include "spin.h"

#include "tandem/panic.h"

struct td_link_core td__link[PORT_NUM_CORES];
static uint8_t raw_mode;

static void fault_rang(unsigned me, td_core_t *c, uint32_t count);

/* The registered doorbells, shared by both cores: number k runs
 * bells[k].fn. Number 0 is the link's own fault notice, registered before
 * any other (the first registration, at the latest when a link starts). */
static struct bell {
    td_doorbell_fn fn;
    uint8_t on_up;               /* rung whenever this core's link comes up */
} bells[TD_LINK_DOORBELLS];
static uint8_t nbells;                   /* bells[0, nbells) are registered */

/* ---- doorbells ------------------------------------------------------------------- */

unsigned td__link_doorbell(td_doorbell_fn fn, bool on_up)
{
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);
    if (bells[0].fn == NULL) {
        TD_STORE_RELEASE(bells[0].fn, fault_rang);
        TD_STORE_RELEASE(nbells, (uint8_t)1);
    }
    unsigned k = 0;
    while (k < TD_LINK_DOORBELLS && bells[k].fn != NULL && bells[k].fn != fn)
        k++;
    if (k < TD_LINK_DOORBELLS && bells[k].fn == NULL) {
        bells[k].on_up = on_up;
        TD_STORE_RELEASE(bells[k].fn, fn);
        TD_STORE_RELEASE(nbells, (uint8_t)(k + 1u));
    }
    td__spin_unlock(TD_SPIN_MSG);
    port_irq_restore(s);
    if (k == TD_LINK_DOORBELLS)
        td_panic("link: too many doorbells");
    return k;
}

void td__link_post(unsigned me, unsigned bell)
{
    TD_CLASS_MASKED();
    struct td_link_core *y = &td__link[me];
    TD_INC_RELAXED(y->ring[bell]);
    TD_STORE_RELEASE(y->ringsum, y->ringsum + 1u);
    TD_FENCE_SEQ_CST();
    if (port_fifo_status() & PORT_FIFO_RDY)
        port_fifo_push(TD_MSG(TD_EP_SYS_DOORBELL, bell));
    /* else: the other core's FIFO is full, so its interrupt will run and
     * see the ring after draining (td__link_poll) */
}

bool td__link_linked(void)
{
    unsigned me = port_core_id();
    return td__link_up(me) && td__link_up(me ^ 1u);
}

int td__link_ring(unsigned bell)
{
    if (!td__link_linked())
        return TD_ERR_PEER_DOWN;
    port_irq_state_t s = port_irq_save();
    td__link_post(port_core_id(), bell);
    port_irq_restore(s);
    return TD_OK;
}

void td__link_poll(unsigned me, td_core_t *c)
{
    TD_CLASS_MASKED();
    struct td_link_core *l = &td__link[me];
    const struct td_link_core *y = &td__link[me ^ 1u];
    uint32_t sum = TD_LOAD_ACQUIRE(y->ringsum);
    if (sum == l->seensum)
        return;
    l->seensum = sum;
    for (unsigned k = 0, nb = TD_LOAD_ACQUIRE(nbells); k < nb; k++) {
        uint32_t n = TD_LOAD_RELAXED(y->ring[k]);
        if (n != l->seen[k]) {
            l->seen[k] = n;
            bells[k].fn(me, c, n);
        }
    }
    td__resched(c);
}

/* ---- faults ------------------------------------------------------------------------ */

void td_msg_on_peer_fault(unsigned core, uint32_t reason) __attribute__((weak));
void td_msg_on_peer_fault(unsigned core, uint32_t reason)
{
    (void)core;
    (void)reason;
}

/* The other core's fault notice: every wait on it ends (kernel/down.h),
 * then the program hears of it. */
static void fault_rang(unsigned me, td_core_t *c, uint32_t count)
{
    (void)c;
    (void)count;
    uint32_t reason = TD_LOAD_RELAXED(td__link[me ^ 1u].fault);
    if (reason != 0) {
        td__down_run(me ^ 1u, TD_DOWN_NOTICE);
        td_msg_on_peer_fault(me ^ 1u, reason);
    }
}

void td__link_fault_notify(uint32_t reason)
{
    unsigned me = port_core_id();
    port_irq_state_t s = port_irq_save();
    reason &= TD_MSG_DATA_MAX;
    TD_STORE_RELAXED(td__link[me].fault, reason ? reason : 1u);
    td__link_post(me, 0);
    port_irq_restore(s);
}

uint32_t td_msg_peer_fault(void)
{
    return TD_LOAD_RELAXED(td__link[port_core_id() ^ 1u].fault);
}

/* Core 1 went through a reset (TD_DOWN_RESET, core 0): its side of the link
 * is forgotten, and core 0's FIFO interrupt stops until the relaunch is
 * done (the launch handshake owns the FIFO); core 0's link starts again
 * then if it ran. */
static void link_down(unsigned core, unsigned stage)
{
    if (stage != TD_DOWN_RESET || core != 1)
        return;
    struct td_link_core *y0 = &td__link[0], *y1 = &td__link[1], *l0 = y0, *l1 = y1;
    port_fifo_irq_enable(false);
    TD_STORE_RELAXED(y1->up, 0u);
    for (unsigned k = 0; k < TD_LINK_DOORBELLS; k++) {
        TD_STORE_RELAXED(y1->ring[k], 0u);
        TD_STORE_RELAXED(y0->ring[k], 0u);
        l0->seen[k] = l1->seen[k] = 0;
    }
    TD_STORE_RELAXED(y1->ringsum, 0u);
    TD_STORE_RELAXED(y0->ringsum, 0u);
    l0->seensum = l1->seensum = 0;
    td__spin_lock(TD_SPIN_MSG);
    l1->wanted = 0;                               /* a start core 1 did not finish */
    td__spin_unlock(TD_SPIN_MSG);
    l1->system = l1->wof = l1->roe = l1->interrupts = 0;
    TD_STORE_RELAXED(y1->fault, 0u);
    l0->launched = 0;
    if (td__link_up(0)) {                         /* start again after the relaunch */
        TD_STORE_RELAXED(y0->up, 0u);
        l0->wanted = 1;
    }
}

/* ---- starting and stopping ----------------------------------------------------------- */

static void go(unsigned me)
{
    td__link_doorbell(fault_rang, false);     /* number 0, before the link runs */
    port_irq_state_t s = port_irq_save();
    if (!td__link_up(me)) {
        port_fifo_clear_errors();                 /* e.g. ROE from the boot ROM's drain */
        TD_STORE_RELEASE(td__link[me].up, 1u);
        td__spin_lock(TD_SPIN_MSG);               /* after: td_msg_fifo_raw sees one of them */
        td__link[me].wanted = 0;
        td__spin_unlock(TD_SPIN_MSG);
        td__link_poll(me, &td__cores[me]);         /* rings made before we ran */
        port_fifo_irq_enable(true);
        if (td__core_running(me ^ 1u))
            for (unsigned k = 0, nb = TD_LOAD_ACQUIRE(nbells); k < nb; k++)
                if (bells[k].on_up)
                    td__link_post(me, k);
    }
    port_irq_restore(s);
}

void td__link_core1_launched(void)
{
    td__down_register(link_down);
    td__link[0].launched = 1;
    if (td__link[0].wanted)
        go(0);
}

int td_msg_start(void)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    unsigned me = port_core_id();
    if (td__link_up(me))
        return TD_OK;                             /* running: raw mode cannot be on */
    td__down_register(link_down);
    int r = TD_OK;
    bool start = false;
    /* Under the lock td_msg_fifo_raw takes: raw mode and a link never
     * both, even when the two cores race. */
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_MSG);
    if (raw_mode) {
        r = TD_ERR_STATE;
    } else if (!td__link_up(me)) {
        td__link[me].wanted = 1;
        /* core 1's launch still needs the raw FIFO: core 0 starts after it */
        start = me != 0 || td__link[0].launched;
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
    if (td__link_up(0) || td__link_up(1) || td__link[0].wanted ||
        td__link[1].wanted)
        r = TD_ERR_BUSY;
    else
        raw_mode = 1;
    td__spin_unlock(TD_SPIN_MSG);
    port_irq_restore(s);
    return r;
}

bool td__link_raw(void)
{
    return raw_mode != 0;
}

void td__link_stats_reset(unsigned me)
{
    struct td_link_core *l = &td__link[me];
    l->system = l->wof = l->roe = l->interrupts = 0;
}

void td__link_stop(void)
{
    port_fifo_irq_enable(false);
    TD_STORE_RELAXED(td__link[port_core_id()].up, 0u);
}
