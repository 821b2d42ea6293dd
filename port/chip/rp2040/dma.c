/*
 * dma.c: tandem/dma.h on the RP2040 (datasheet 2.5).
 *
 * Each channel has a small record shared by both cores: the core its last
 * transfer was started on, where that transfer stands (idle, running,
 * ended), and a semaphore bound to that core. Starting routes the channel's
 * interrupt flag to the starting core's line only (INTE0 or INTE1, through
 * the atomic aliases, so both cores may start channels at once); that
 * core's handler marks the transfer ended and gives the semaphore, which
 * wakes the thread in td_dma_wait. A transfer counts as running from its
 * start until its own core has taken the end: only then may the channel be
 * started again, so a late interrupt never gives a newer transfer's
 * semaphore.
 *
 * An abort from the other core cannot touch the owner's semaphore (it is
 * bound to the owning core). It stops the hardware, marks the channel's
 * abort request and forces the owner's DMA line (INTF0/INTF1, datasheet
 * 2.5.7): that core's handler then decides, with the hardware in view,
 * whether the transfer ended by itself (its end flag is set: 0) or was
 * stopped (not BUSY, no end flag: the abort cleared it; forgotten as a
 * same-core abort would, the waiter wakes with TD_ERR_STATE), or was
 * started after the abort (still BUSY: the request is dropped). So the
 * end interrupt and the abort never both report, and neither is lost.
 *
 * An abort and a start of the same channel on the two cores are kept
 * apart by drv_lock: the start's checks, routing (both lines' enables), record
 * and trigger under it, and all of the abort. Without it the abort's
 * save and restore of the enables (hw_abort) could undo the start's move
 * of the end to its own line (the end then went to the aborting core's
 * handler and the waiter slept on), and an abort forced between the
 * start's record and its trigger could have the handler forget a transfer that
 * then ran (dma_abort_from_core1_races_a_start).
 */
#include "tandem/dma.h"

#include "hw/dma.h"
#include "hw/m0plus.h"
#include "port.h"
#include "tandem/fault.h"
#include "tandem/irq.h"
#include "tandem/kernel.h"
#include "tandem/lock.h"
#include "tandem/sem.h"
#include "tandem/trace.h"

enum { CH_IDLE, CH_RUNNING, CH_ENDED };

static struct chan {
    td_sem_t done;           /* given by the end interrupt, on the starting core */
    volatile uint8_t state;  /* CH_* */
    volatile uint8_t core;   /* the core the last transfer was started on */
    volatile uint8_t abort_req; /* the other core aborted it: its handler decides */
    uint32_t restarts;       /* td_fault_restarts() when it was started */
    volatile uint32_t gen;   /* transfers started on it (drv_lock) */
    volatile uint32_t aborted; /* the gen of the last transfer an abort ended */
    volatile uint32_t waited;  /* the gen of the last one whose end a wait returned */
} chans[DMA_CHANNELS];

static uint32_t claimed;     /* user channels claimed, under drv_lock */
static TD_LOCK_DEFINE(drv_lock, TD_SPIN_DRIVERS);

_Static_assert(PORT_IRQ_DMA_1 == PORT_IRQ_DMA_0 + 1, "one DMA interrupt line per core, in core order");

/* Whether the core that started ch's last transfer is gone: halted, or
 * core 1 restarted since (its kernel, which would have taken the end, and
 * the thread that would have waited for it are gone). */
static bool owner_gone(const struct chan *ch)
{
    unsigned core = ch->core;
    return !td_kernel_running(core) || (core == 1u && ch->restarts != td_fault_restarts());
}

/* A transfer of ch still counts as running: started, its end not yet
 * taken by its own core, and that core still there to take it. */
static bool running(const struct chan *ch)
{
    return ch->state == CH_RUNNING && !owner_gone(ch);
}

#define USER_MASK (((1u << (TD_DMA_USER_LAST + 1u)) - 1u) & ~((1u << TD_DMA_USER_FIRST) - 1u))

int td_dma_claim(unsigned *chan)
{
    if (chan == NULL)
        return TD_ERR_PARAM;
    td_lock_take(&drv_lock);
    uint32_t free = USER_MASK & ~claimed;
    int r = TD_ERR_BUSY;
    for (unsigned c = TD_DMA_USER_FIRST; c <= TD_DMA_USER_LAST; c++) {
        if (free & (1u << c)) {
            claimed |= 1u << c;
            *chan = c;
            r = TD_OK;
            break;
        }
    }
    td_lock_give(&drv_lock);
    return r;
}

int td_dma_unclaim(unsigned chan)
{
    if (chan >= DMA_CHANNELS || !(USER_MASK & (1u << chan)))
        return TD_ERR_PARAM;
    td_lock_take(&drv_lock);
    int r = TD_OK;
    if (!(claimed & (1u << chan)))
        r = TD_ERR_STATE;
    else if (running(&chans[chan]) || td_dma_busy(chan))
        r = TD_ERR_BUSY;
    else
        claimed &= ~(1u << chan);
    td_lock_give(&drv_lock);
    return r;
}

static void forget(unsigned chan);

/* The DMA interrupt of this core: every channel routed here that ended,
 * or that the other core aborted (its forced flag). */
static void dma_isr(void)
{
    unsigned core = port_core_id();
    td_trace_irq_enter(PORT_IRQ_DMA_0 + core);
    io_rw32 *ints = core ? &DMA->ints1 : &DMA->ints0;
    io_rw32 *intf = core ? &DMA->intf1 : &DMA->intf0;
    uint32_t pending = *ints;
    uint32_t forced = *intf & pending;
    uint32_t ended = forced ? DMA->intr & pending : pending;   /* raw end flags */
    *ints = pending;                          /* write 1 to clear the raw flags */
    if (forced) {
        hw_clear(intf, forced);               /* before the requests are read */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    for (unsigned c = 0; pending != 0; c++, pending >>= 1) {
        if (!(pending & 1u))
            continue;
        struct chan *ch = &chans[c];
        bool req = ch->abort_req != 0;
        ch->abort_req = 0;
        if (ch->core != core || ch->state != CH_RUNNING)
            continue;
        if (ended & (1u << c)) {
            td_sem_give_isr(&ch->done);
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            ch->state = CH_ENDED;             /* after the give: startable again */
        } else if (req && !(DMA->ch[c].al1_ctrl & DMA_CTRL_BUSY_BITS)) {
            port_irq_state_t s = port_irq_save();   /* as td_dma_abort's forget */
            forget(c);
            port_irq_restore(s);
        }
    }
    td_trace_irq_exit(PORT_IRQ_DMA_0 + core);
}

/* Install this core's handler if its NVIC does not have it enabled yet
 * (the first use on this core, or core 1 relaunched since). */
static void irq_route_here(unsigned core)
{
    unsigned irq = PORT_IRQ_DMA_0 + core;
    if (NVIC->iser & (1u << irq))
        return;
    td_irq_set_handler(irq, dma_isr);
    td_irq_set_priority(irq, PORT_IRQ_PRIO_DEVICE);
    td_irq_enable(irq, true);
}

static bool aligned(const volatile void *p, unsigned size)
{
    return ((uintptr_t)p & (size - 1u)) == 0;
}

int td_dma_start(unsigned chan, const td_dma_xfer_t *x)
{
    if (chan >= DMA_CHANNELS || x == NULL || x->count == 0 ||
        (x->size != 1 && x->size != 2 && x->size != 4) || !aligned(x->src, x->size) ||
        !aligned(x->dst, x->size) || x->dreq > TD_DMA_DREQ_NONE)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if ((USER_MASK & (1u << chan)) && !(__atomic_load_n(&claimed, __ATOMIC_RELAXED) & (1u << chan)))
        return TD_ERR_STATE;
    struct chan *ch = &chans[chan];
    dma_channel_hw_t *hw = &DMA->ch[chan];
    unsigned core = port_core_id();
    irq_route_here(core);
    /* Checks, semaphore, routing, record and trigger under drv_lock, as
     * td_dma_abort's whole work and a timed-out wait's clean-up: an abort
     * from the other core comes before all of it or after the trigger
     * (file comment). */
    td_lock_take(&drv_lock);
    if (running(ch) || (hw->al1_ctrl & DMA_CTRL_BUSY_BITS) ||
        td_sem_init(&ch->done, 0, 1) != TD_OK) {  /* bound to this core from now on */
        td_lock_give(&drv_lock);
        return TD_ERR_BUSY;
    }
    uint32_t bit = 1u << chan;
    hw_clear(core ? &DMA->inte0 : &DMA->inte1, bit);
    DMA->intr = bit;                          /* a stale end flag */
    hw_set(core ? &DMA->inte1 : &DMA->inte0, bit);
    ch->core = (uint8_t)core;
    ch->restarts = td_fault_restarts();
    ch->abort_req = 0;
    ch->gen++;
    ch->state = CH_RUNNING;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    unsigned size_code = x->size == 4 ? 2u : x->size == 2 ? 1u : 0u;
    hw->read_addr = (uint32_t)(uintptr_t)x->src;
    hw->write_addr = (uint32_t)(uintptr_t)x->dst;
    hw->trans_count = x->count;
    hw->ctrl_trig = DMA_CTRL_EN_BITS | (size_code << DMA_CTRL_DATA_SIZE_LSB) |
                    (x->src_incr ? DMA_CTRL_INCR_READ_BITS : 0) |
                    (x->dst_incr ? DMA_CTRL_INCR_WRITE_BITS : 0) |
                    ((uint32_t)chan << DMA_CTRL_CHAIN_TO_LSB) |    /* chained to itself: none */
                    ((uint32_t)x->dreq << DMA_CTRL_TREQ_SEL_LSB) |
                    DMA_CTRL_READ_ERROR_BITS | DMA_CTRL_WRITE_ERROR_BITS; /* clears old errors */
    td_lock_give(&drv_lock);
    return TD_OK;
}

/* Stop the hardware (datasheet 2.5, CHAN_ABORT), the way erratum
 * RP2040-E13 asks: an abort can read back done (CHAN_ABORT clear) while a
 * transfer already in flight (read, not yet written) still completes and
 * raises the channel's end flag. So: the channel's interrupt enables off
 * on both lines, the abort, a bounded wait until CHAN_ABORT is clear and
 * the channel no longer BUSY, then the end flag cleared and the enables put
 * back. No end of the aborted transfer reaches a handler, nor can one be
 * taken later for the end of a newer transfer on the channel. The caller
 * holds drv_lock (interrupts masked). */
#define ABORT_POLLS 1000u

static int hw_abort(unsigned chan)
{
    uint32_t bit = 1u << chan;
    uint32_t on0 = DMA->inte0 & bit, on1 = DMA->inte1 & bit;
    hw_clear(&DMA->inte0, bit);
    hw_clear(&DMA->inte1, bit);
    DMA->chan_abort = bit;
    int r = TD_ERR_TIMEOUT;
    for (unsigned n = 0; n < ABORT_POLLS; n++) {
        if (!(DMA->chan_abort & bit) && !(DMA->ch[chan].al1_ctrl & DMA_CTRL_BUSY_BITS)) {
            r = TD_OK;
            break;
        }
    }
    DMA->intr = bit;                          /* an end the abort let through */
    if (on0)
        hw_set(&DMA->inte0, on0);
    if (on1)
        hw_set(&DMA->inte1, on1);
    return r;
}

/* After an abort, on the transfer's own core, interrupts masked: forget
 * it (hw_abort cleared any flag its end left). A thread waiting for it is
 * woken and told it was aborted; so is one that has passed td_dma_wait's
 * state check but not yet slept (an abort from an interrupt, or forced by
 * the other core, can come between): the semaphore keeps the token until
 * the next start, and the aborted mark names the transfer, so a waiter
 * that runs only after the channel was started again still finds it. */
static void forget(unsigned chan)
{
    struct chan *ch = &chans[chan];
    (void)td_sem_init(&ch->done, 0, 1);       /* TD_ERR_BUSY: a thread waits */
    ch->aborted = ch->gen;
    td_sem_give_isr(&ch->done);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    ch->state = CH_IDLE;                      /* last: the other core may start it now */
}

/* On the other core: the hardware is stopped; if the transfer still runs
 * there, ask its core's handler to settle it (file comment). The state is
 * read after the abort, so a transfer started after it is never taken for
 * aborted (its handler finds it BUSY or its end flag set). */
int td_dma_abort(unsigned chan)
{
    if (chan >= DMA_CHANNELS)
        return TD_ERR_PARAM;
    struct chan *ch = &chans[chan];
    unsigned core = port_core_id();
    td_lock_take(&drv_lock);                  /* interrupts masked too */
    int r = hw_abort(chan);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (ch->core == core) {
        if (ch->state != CH_IDLE)
            forget(chan);
    } else if (running(ch)) {
        ch->abort_req = 1;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        hw_set(ch->core ? &DMA->intf1 : &DMA->intf0, 1u << chan);
    }
    td_lock_give(&drv_lock);
    return r;
}

int td_dma_wait(unsigned chan, td_tick_t timeout)
{
    if (chan >= DMA_CHANNELS || TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    struct chan *ch = &chans[chan];
    uint32_t gen = ch->gen;                  /* the transfer waited for (before its state) */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    unsigned state = ch->state;
    if (state == CH_IDLE || (state == CH_ENDED && ch->waited == gen))
        return TD_ERR_STATE;
    if (ch->core != port_core_id())
        return TD_ERR_WRONG_CORE;
    int r = td_sem_take(&ch->done, timeout);
    if (r == TD_ERR_WOULD_BLOCK)
        return r;
    /* Once an abort woke this thread, or its end was taken, the channel may
     * be started again, from either core, before this thread runs: the
     * transfer waited for is known by its number, and a newer one is not
     * touched (its state, its error flags). */
    if (r == TD_ERR_TIMEOUT) {
        /* Abort with this core's interrupts masked: its handler (the only
         * one that sees this channel) cannot run between the abort and
         * the clean-up. Under drv_lock, as td_dma_abort and td_dma_start:
         * an abort from the other core does not interleave its enables'
         * save and restore with this one's, nor a start its record. */
        td_lock_take(&drv_lock);
        if (ch->aborted == gen || ch->gen != gen) {
            r = TD_ERR_STATE;                /* aborted, or ended and started again */
        } else {
            int a = hw_abort(chan);
            forget(chan);
            r = a == TD_OK ? TD_ERR_TIMEOUT : a;
        }
        td_lock_give(&drv_lock);
        return r;
    }
    if (r != TD_OK)
        return r;
    uint32_t ctrl = DMA->ch[chan].al1_ctrl;  /* read before the number: a start's trigger */
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* comes after its number's change */
    if (ch->aborted == gen || ch->gen != gen)
        return TD_ERR_STATE;                 /* td_dma_abort ended it meanwhile */
    ch->waited = gen;
    if (ctrl & DMA_CTRL_READ_ERROR_BITS)
        return TD_ERR_DMA_READ;
    if (ctrl & DMA_CTRL_WRITE_ERROR_BITS)
        return TD_ERR_DMA_WRITE;
    return TD_OK;
}

int td_dma_copy(unsigned chan, void *dst, const void *src, size_t n, td_tick_t timeout)
{
    if (dst == NULL || src == NULL || TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    if (n == 0)
        return TD_OK;
    uintptr_t all = (uintptr_t)dst | (uintptr_t)src | (uintptr_t)n;
    uint8_t size = (all & 3u) == 0 ? 4 : (all & 1u) == 0 ? 2 : 1;
    if (n / size > 0xffffffffu)
        return TD_ERR_PARAM;
    td_dma_xfer_t x = {
        .src = src, .dst = dst, .count = (uint32_t)(n / size), .size = size,
        .src_incr = true, .dst_incr = true, .dreq = TD_DMA_DREQ_NONE,
    };
    int r = td_dma_start(chan, &x);
    return r == TD_OK ? td_dma_wait(chan, timeout) : r;
}

bool td_dma_busy(unsigned chan)
{
    return chan < DMA_CHANNELS && (DMA->ch[chan].al1_ctrl & DMA_CTRL_BUSY_BITS) != 0;
}

uint32_t td_dma_remaining(unsigned chan)
{
    return chan < DMA_CHANNELS ? DMA->ch[chan].trans_count : 0;
}

uint32_t td_dma_error_addr(unsigned chan)
{
    if (chan >= DMA_CHANNELS)
        return 0;
    uint32_t ctrl = DMA->ch[chan].al1_ctrl;
    if (ctrl & DMA_CTRL_READ_ERROR_BITS)
        return DMA->ch[chan].read_addr;
    if (ctrl & DMA_CTRL_WRITE_ERROR_BITS)
        return DMA->ch[chan].write_addr;
    return 0;
}

const char *td_dma_strerror(int err)
{
    switch (err) {
    case TD_ERR_DMA_READ: return "TD_ERR_DMA_READ";
    case TD_ERR_DMA_WRITE: return "TD_ERR_DMA_WRITE";
    default: return td_strerror(err);
    }
}
