/*
 * spi.c: tandem/spi.h on the RP2040's PL022 controllers (datasheet 4.4).
 *
 * Per bus: a cross-core mutex that serialises its transfers, the core
 * holding it, the settings now in the controller (a transfer reprograms
 * the controller only when its device differs), and the device selected
 * by td_spi_select, if any. The controller is a master in Motorola SPI
 * format; chip select is a SIO GPIO the driver drives, so a selection
 * spans any number of frames whatever the mode (the PL022's own CSn
 * output would pulse between frames in modes 0 and 2).
 *
 * Moving frames: a short transfer keeps at most 8 frames in flight (the
 * FIFO depth) and polls; a long one gives the bus's two DMA channels the
 * job (RX: data register to memory paced by the RX request; TX: memory to
 * data register paced by the TX request) and sleeps in td_dma_wait on the
 * RX channel, whose end means every frame went out and came back. A
 * session with TD_NO_WAIT does not wait for the bus, and each of its
 * transfers gets its own bound (10 ms beyond twice its bus time) instead
 * of the caller's time, which would be none. A
 * transfer that times out is aborted and the controller reset, so the
 * next transfer starts clean; so is what a holder that went down mid-way
 * left (recover).
 */
#include "tandem/spi.h"

#include "hw/io_bank0.h"
#include "hw/resets.h"
#include "hw/sio.h"
#include "hw/spi.h"
#include "port.h"
#include "tandem/config.h"
#include "tandem/dma.h"
#include "tandem/gpio.h"
#include "tandem/hwtable.h"
#include "tandem/thread.h"
#include "tandem/time.h"
#include "tandem/xmutex.h"

#define SPI_MAGIC 0x5b1au
#define NO_CS 0xffu
#define CLK_PERI_HZ TD_CLK_SYS_HZ          /* clocks.c: clk_peri = clk_sys */

static struct bus {
    td_xmutex_t lock;                       /* its owner_core: the core holding the bus */
    volatile uint8_t ready;
    uint16_t depth;                         /* holder's nesting (select + transfer) */
    uint8_t cs_low;                         /* the chip select driven low, or NO_CS */
    uint32_t cr0;                           /* settings in the controller (0: none) */
    uint8_t cpsr;
    const td_spi_dev_t *selected;           /* by td_spi_select */
    const td_thread_t *sel_thread;          /* the thread that selected it */
    uint16_t sink;                          /* DMA target for frames nobody wants */
} buses[TD_SPI_COUNT] = {
    { .lock = TD_XMUTEX_INIT, .cs_low = NO_CS },
    { .lock = TD_XMUTEX_INIT, .cs_low = NO_CS },
};
static const uint16_t zeros = 0;            /* DMA source when there is nothing to send */

static spi_hw_t *ctrl(unsigned bus)
{
    return bus == 0 ? SPI0 : SPI1;
}

/* GPIO p carries SPI signal 'role' (0 RX, 1 CSn, 2 SCK, 3 TX) of 'bus'. */
static bool pin_is(unsigned p, unsigned bus, unsigned role)
{
    return p < NUM_GPIO && ((p >> 3) & 1u) == bus && (p & 3u) == role;
}

/* Reset the controller (also the way out of a transfer that timed out). */
static int reset_block(unsigned bus)
{
    uint32_t bit = bus == 0 ? RESET_SPI0 : RESET_SPI1;
    hw_set(&RESETS->reset, bit);
    hw_clear(&RESETS->reset, bit);
    for (unsigned n = 0; n < 100000u; n++)
        if (RESETS->reset_done & bit) {
            buses[bus].cr0 = 0;
            return TD_OK;
        }
    return TD_ERR_TIMEOUT;
}

/* The bus's holder went down inside a transfer or a selection (its core
 * restarted, its thread killed or ended): the kernel gave its lock back,
 * but its DMA channels may still run and its nesting and selection are
 * left. Stop the channels, reset the controller, forget the rest. */
static void recover(unsigned bus)
{
    struct bus *b = &buses[bus];
    td_dma_abort(bus ? TD_DMA_SPI1_TX : TD_DMA_SPI0_TX);
    td_dma_abort(bus ? TD_DMA_SPI1_RX : TD_DMA_SPI0_RX);
    reset_block(bus);
    if (b->cs_low != NO_CS)
        SIO->gpio_out_set = 1u << b->cs_low;  /* deselected: the device starts afresh */
    b->cs_low = NO_CS;
    b->depth = 0;
    b->selected = NULL;
    b->sel_thread = NULL;
}

int td_spi_init(unsigned bus, unsigned sck, unsigned tx, unsigned rx)
{
    if (bus >= TD_SPI_COUNT)
        return TD_ERR_PARAM;
    if (!pin_is(sck, bus, 2) || !pin_is(tx, bus, 3) || (rx != TD_SPI_NO_PIN && !pin_is(rx, bus, 0)))
        return TD_ERR_SPI_PINS;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    struct bus *b = &buses[bus];
    if (b->ready) {                          /* again: only while nobody uses it */
        int got = td_xmutex_lock(&b->lock, TD_NO_WAIT);
        if (got == TD_ERR_WOULD_BLOCK)
            return TD_ERR_BUSY;              /* another thread holds it */
        if (got != TD_OK)
            return got;                      /* TD_ERR_STATE: no thread runs on this core yet */
        if (b->lock.depth != 1) {            /* this thread itself is inside a selection */
            td_xmutex_unlock(&b->lock);
            return TD_ERR_BUSY;
        }
        if (b->depth != 0 || b->selected != NULL)
            recover(bus);                    /* a gone holder's leftovers */
        td_xmutex_unlock(&b->lock);
    }
    b->ready = 0;
    int r = reset_block(bus);
    if (r != TD_OK)
        return r;
    td_gpio_set_function(sck, GPIO_FUNC_SPI);
    td_gpio_set_function(tx, GPIO_FUNC_SPI);
    if (rx != TD_SPI_NO_PIN)
        td_gpio_set_function(rx, GPIO_FUNC_SPI);
    b->selected = NULL;
    b->sel_thread = NULL;
    b->depth = 0;
    b->ready = 1;
    return TD_OK;
}

/* The highest rate at or below rate_hz: prescale p (even, 2..254) and
 * divider 1 + scr (1..256). Returns the rate, or 0 if out of range. */
static uint32_t pick_rate(uint32_t rate_hz, uint8_t *cpsdvsr, uint8_t *scr)
{
    if (rate_hz > CLK_PERI_HZ / 2u || rate_hz < (CLK_PERI_HZ + 65023u) / 65024u)
        return 0;
    uint32_t best = 0;
    for (uint32_t p = 2; p <= 254u; p += 2) {
        uint32_t div = (CLK_PERI_HZ + p * rate_hz - 1u) / (p * rate_hz);   /* 1 + scr, rounded up */
        if (div < 1u)
            div = 1u;
        if (div > 256u)
            continue;
        uint32_t got = CLK_PERI_HZ / (p * div);
        if (got > best) {
            best = got;
            *cpsdvsr = (uint8_t)p;
            *scr = (uint8_t)(div - 1u);
        }
        if (div == 1u)
            break;                           /* larger prescales only go slower */
    }
    return best;
}

int td_spi_dev_init(td_spi_dev_t *d, unsigned bus, unsigned cs, unsigned mode,
                    uint32_t rate_hz, unsigned bits, unsigned core)
{
    if (d == NULL || bus >= TD_SPI_COUNT || cs >= NUM_GPIO || mode > 3u || bits < 4u ||
        bits > 16u || (core > 1u && core != TD_CORE_ANY))
        return TD_ERR_PARAM;
    if (!buses[bus].ready)
        return TD_ERR_UNINIT;
    if ((IO_BANK0->gpio[cs].ctrl & IO_GPIO_CTRL_FUNCSEL_BITS) == GPIO_FUNC_SPI)
        return TD_ERR_SPI_PINS;              /* a controller's SCK, TX or RX: keep it */
    uint8_t p = 0, scr = 0;
    uint32_t rate = pick_rate(rate_hz, &p, &scr);
    if (rate == 0)
        return TD_ERR_SPI_RATE;
    d->bus = (uint8_t)bus;
    d->cs = (uint8_t)cs;
    d->mode = (uint8_t)mode;
    d->bits = (uint8_t)bits;
    d->core = (uint8_t)core;
    d->cpsdvsr = p;
    d->scr = scr;
    d->rate = rate;
    /* Chip select high before it becomes an output: no glitch selects the device. */
    SIO->gpio_out_set = 1u << cs;
    SIO->gpio_oe_set = 1u << cs;
    td_gpio_set_function(cs, GPIO_FUNC_SIO);
    d->magic = SPI_MAGIC;
    return TD_OK;
}

static int check(const td_spi_dev_t *d)
{
    if (d == NULL)
        return TD_ERR_PARAM;
    if (d->magic != SPI_MAGIC || d->bus >= TD_SPI_COUNT || !buses[d->bus].ready)
        return TD_ERR_UNINIT;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (d->core != TD_CORE_ANY && d->core != port_core_id())
        return TD_ERR_WRONG_CORE;
    return TD_OK;
}

/* Take the bus for d (nesting for the same thread). */
static int acquire(const td_spi_dev_t *d, td_tick_t timeout)
{
    struct bus *b = &buses[d->bus];
    unsigned me = port_core_id();
    if (d->core != TD_CORE_ANY) {
        unsigned h = __atomic_load_n(&b->lock.owner_core, __ATOMIC_RELAXED);
        if (h != TD_CORE_ANY && h != me)
            return TD_ERR_BUSY;              /* the program gave this bus to one core */
    }
    int r = td_xmutex_lock(&b->lock, timeout);
    if (r != TD_OK)
        return r;
    if (b->lock.depth == 1 && (b->depth != 0 || b->selected != NULL))
        recover(d->bus);                     /* taken afresh: what is left is a gone holder's */
    if (b->selected != NULL && b->selected != d) {
        td_xmutex_unlock(&b->lock);          /* this thread selected another device */
        return TD_ERR_BUSY;
    }
    b->depth++;
    return TD_OK;
}

static void release(const td_spi_dev_t *d)
{
    struct bus *b = &buses[d->bus];
    b->depth--;
    td_xmutex_unlock(&b->lock);
}

/* Program the controller for d unless it already is. */
static void configure(const td_spi_dev_t *d)
{
    struct bus *b = &buses[d->bus];
    spi_hw_t *hw = ctrl(d->bus);
    uint32_t cr0 = HW_FIELD(SPI_CR0_DSS, d->bits - 1u) | HW_FIELD(SPI_CR0_SCR, d->scr) |
                   ((d->mode & 2u) ? SPI_CR0_SPO_BITS : 0) | ((d->mode & 1u) ? SPI_CR0_SPH_BITS : 0);
    if (b->cr0 != cr0 || b->cpsr != d->cpsdvsr || !(hw->cr1 & SPI_CR1_SSE_BITS)) {
        hw->cr1 = 0;
        hw->cr0 = cr0;
        hw->cpsr = d->cpsdvsr;
        hw->dmacr = 0;
        hw->cr1 = SPI_CR1_SSE_BITS;
        b->cr0 = cr0;
        b->cpsr = d->cpsdvsr;
    }
    while (hw->sr & SPI_SR_RNE_BITS)         /* nothing stale in the RX FIFO */
        (void)hw->dr;
    hw->icr = SPI_INT_ROR_BITS | SPI_INT_RT_BITS;
}

static void cs_put(const td_spi_dev_t *d, bool high)
{
    if (high) {
        SIO->gpio_out_set = 1u << d->cs;
        buses[d->bus].cs_low = NO_CS;
    } else {
        buses[d->bus].cs_low = d->cs;
        SIO->gpio_out_clr = 1u << d->cs;
    }
}

/* Ticks left until deadline (TD_FOREVER stays). */
static td_tick_t left(td_tick_t deadline, bool forever)
{
    if (forever)
        return TD_FOREVER;
    int32_t l = (int32_t)(deadline - td_time_ticks());
    return l > 0 ? (td_tick_t)l : 0;
}

/* Frames in and out, polled, at most 8 in flight; bounded by us microseconds. */
static int move_polled(const td_spi_dev_t *d, const void *tx, void *rx, size_t n, uint64_t us)
{
    spi_hw_t *hw = ctrl(d->bus);
    const uint8_t *t8 = tx;
    const uint16_t *t16 = tx;
    uint8_t *r8 = rx;
    uint16_t *r16 = rx;
    bool wide = d->bits > 8u;
    size_t sent = 0, got = 0;
    uint64_t end = td_time_us() + us;
    while (got < n) {
        uint32_t sr = hw->sr;
        if (sent < n && sent - got < SPI_FIFO_DEPTH && (sr & SPI_SR_TNF_BITS)) {
            hw->dr = tx == NULL ? 0u : wide ? t16[sent] : t8[sent];
            sent++;
        } else if (sr & SPI_SR_RNE_BITS) {
            uint32_t v = hw->dr;
            if (rx != NULL) {
                if (wide)
                    r16[got] = (uint16_t)v;
                else
                    r8[got] = (uint8_t)v;
            }
            got++;
        } else if (td_time_us() > end) {
            return TD_ERR_TIMEOUT;
        }
    }
    return TD_OK;
}

/* Frames in and out by DMA, the thread asleep until the RX channel ends. */
static int move_dma(const td_spi_dev_t *d, const void *tx, void *rx, size_t n, td_tick_t timeout)
{
    spi_hw_t *hw = ctrl(d->bus);
    struct bus *b = &buses[d->bus];
    unsigned txc = d->bus ? TD_DMA_SPI1_TX : TD_DMA_SPI0_TX;
    unsigned rxc = d->bus ? TD_DMA_SPI1_RX : TD_DMA_SPI0_RX;
    uint8_t size = d->bits > 8u ? 2 : 1;
    td_dma_xfer_t in = {
        .src = &hw->dr, .dst = rx != NULL ? rx : (void *)&b->sink, .count = (uint32_t)n, .size = size,
        .src_incr = false, .dst_incr = rx != NULL,
        .dreq = d->bus ? TD_DMA_DREQ_SPI1_RX : TD_DMA_DREQ_SPI0_RX,
    };
    td_dma_xfer_t out = {
        .src = tx != NULL ? tx : (const void *)&zeros, .dst = &hw->dr, .count = (uint32_t)n,
        .size = size, .src_incr = tx != NULL, .dst_incr = false,
        .dreq = d->bus ? TD_DMA_DREQ_SPI1_TX : TD_DMA_DREQ_SPI0_TX,
    };
    hw->dmacr = SPI_DMACR_RXDMAE_BITS | SPI_DMACR_TXDMAE_BITS;
    int r = td_dma_start(rxc, &in);
    if (r == TD_OK) {
        r = td_dma_start(txc, &out);
        if (r != TD_OK) {
            td_dma_abort(rxc);
        } else {
            r = td_dma_wait(rxc, timeout);
            if (r != TD_OK)
                td_dma_abort(txc);
            /* TX ended before RX; its end is taken (or, aborted, cleared) here. */
            int t = td_dma_wait(txc, r == TD_OK ? TD_MS(2) : TD_NO_WAIT);
            if (r == TD_OK && t != TD_OK)
                r = t;
        }
    }
    hw->dmacr = 0;
    return r;
}

/* The caller's time for a session: its deadline, none (TD_FOREVER), or,
 * for TD_NO_WAIT, each transfer's own bound (the bus was not waited for). */
struct limit {
    td_tick_t deadline;
    bool forever, own;
};

/* One transfer of n frames on a bus this thread holds. */
static int move(const td_spi_dev_t *d, const void *tx, void *rx, size_t n, struct limit lim)
{
    if (n == 0)
        return TD_OK;
    if (n > 0xffffffffu)
        return TD_ERR_PARAM;
    uint64_t bus_us = ((uint64_t)n * d->bits * 1000000u + d->rate - 1u) / d->rate;
    /* A transfer's own bound, 10 ms beyond twice its bus time: a polled
     * transfer never spins on, and TD_NO_WAIT's transfers end within it. */
    uint64_t own_us = 10000u + 2u * bus_us;
    int r;
    if (bus_us <= TD_SPI_POLL_US) {
        uint64_t us = own_us;                /* and the caller's time */
        if (!lim.forever && !lim.own) {
            uint64_t l = (uint64_t)left(lim.deadline, false) * (1000000u / TD_TICK_HZ);
            if (l < us)
                us = l;
        }
        r = move_polled(d, tx, rx, n, us);
    } else {
        /* (ticks: rounded up, and one more for the tick already begun) */
        uint64_t own_ticks = (own_us * TD_TICK_HZ + 999999u) / 1000000u + 1u;
        td_tick_t own = own_ticks < TD_TIMEOUT_MAX ? (td_tick_t)own_ticks : TD_TIMEOUT_MAX;
        r = move_dma(d, tx, rx, n, lim.own ? own : left(lim.deadline, lim.forever));
    }
    if (r != TD_OK && r != TD_ERR_PARAM)
        reset_block(d->bus);                 /* whatever was in flight is gone */
    return r;
}

/* acquire, select, run body's transfers, deselect (unless td_spi_select
 * holds the selection), release. */
static int session(td_spi_dev_t *d, const void *tx, size_t ntx, void *rx_full, size_t nfull,
                   void *rx, size_t nrx, td_tick_t timeout)
{
    int r = check(d);
    if (r != TD_OK)
        return r;
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    if (d->bits > 8u && (((uintptr_t)tx | (uintptr_t)rx_full | (uintptr_t)rx) & 1u))
        return TD_ERR_PARAM;                 /* uint16_t frames: polled, a misaligned access */
    bool forever = timeout == TD_FOREVER;
    struct limit lim = { .deadline = td_time_ticks() + (forever ? 0 : timeout), .forever = forever,
                         .own = timeout == TD_NO_WAIT };
    r = acquire(d, timeout);
    if (r != TD_OK)
        return r;
    struct bus *b = &buses[d->bus];
    bool held = b->selected == d;
    configure(d);
    if (!held)
        cs_put(d, false);
    if (nfull != 0)
        r = move(d, tx, rx_full, nfull, lim);
    else {
        r = move(d, tx, NULL, ntx, lim);
        if (r == TD_OK)
            r = move(d, NULL, rx, nrx, lim);
    }
    if (!held)
        cs_put(d, true);
    release(d);
    return r;
}

int td_spi_transfer(td_spi_dev_t *d, const void *tx, void *rx, size_t n, td_tick_t timeout)
{
    if (n == 0)
        return d == NULL ? TD_ERR_PARAM : d->magic != SPI_MAGIC ? TD_ERR_UNINIT : TD_OK;
    return session(d, tx, 0, rx, n, NULL, 0, timeout);
}

int td_spi_write_read(td_spi_dev_t *d, const void *tx, size_t ntx, void *rx, size_t nrx,
                      td_tick_t timeout)
{
    if ((ntx != 0 && tx == NULL) || (nrx != 0 && rx == NULL))
        return TD_ERR_PARAM;
    if (ntx + nrx == 0)
        return d == NULL ? TD_ERR_PARAM : d->magic != SPI_MAGIC ? TD_ERR_UNINIT : TD_OK;
    return session(d, tx, ntx, NULL, 0, rx, nrx, timeout);
}

int td_spi_select(td_spi_dev_t *d, td_tick_t timeout)
{
    int r = check(d);
    if (r != TD_OK)
        return r;
    if (TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    struct bus *b = &buses[d->bus];
    if (b->selected == d && b->sel_thread == td_thread_self())
        return TD_ERR_STATE;                 /* this thread selected it already */
    r = acquire(d, timeout);
    if (r != TD_OK)
        return r;
    configure(d);
    cs_put(d, false);
    b->selected = d;
    b->sel_thread = td_thread_self();
    return TD_OK;
}

int td_spi_deselect(td_spi_dev_t *d)
{
    if (d == NULL)
        return TD_ERR_PARAM;
    if (d->magic != SPI_MAGIC || d->bus >= TD_SPI_COUNT)
        return TD_ERR_UNINIT;
    if (port_in_isr())
        return TD_ERR_IN_ISR;                /* (the bus's mutex is given back by a thread) */
    struct bus *b = &buses[d->bus];
    if (b->selected != d)
        return TD_ERR_STATE;
    if (b->sel_thread != td_thread_self())
        return TD_ERR_NOT_OWNER;
    cs_put(d, true);
    b->selected = NULL;
    b->sel_thread = NULL;
    release(d);
    return TD_OK;
}

const char *td_spi_strerror(int err)
{
    switch (err) {
    case TD_ERR_SPI_PINS: return "TD_ERR_SPI_PINS";
    case TD_ERR_SPI_RATE: return "TD_ERR_SPI_RATE";
    default: return td_dma_strerror(err);
    }
}
