/*
 * i2c.c: tandem/i2c.h on the RP2040: the DW_apb_i2c controllers as polled
 * masters (datasheet 4.3).
 *
 * A transfer is a stream of commands into the controller's 16-deep TX/command
 * FIFO (a byte to write, or a read; RESTART before the first read, STOP
 * after the last command); read bytes come back through the RX FIFO. The
 * controller runs the bus on its own; we feed commands, collect bytes and
 * watch for an abort (TX_ABRT: a NAK, lost arbitration) or the STOP that
 * ends the transfer. Every wait is bounded by the caller's timeout.
 *
 * Bus clear (I2C specification UM10204, 3.1.16): a target left driving a 0
 * bit (the controller reset in the middle of a read) holds SDA low and
 * waits for clocks. With the pins taken as SIO GPIOs, open drain (the
 * output latched low, the output enable switched: driven low or let go to
 * the pull-up), SCL is pulsed up to nine times until SDA reads high, then a
 * STOP is made, and the pins go back to the controller.
 */
#include "tandem/i2c.h"

#include "hw/i2c.h"
#include "hw/io_bank0.h"
#include "hw/pads_bank0.h"
#include "hw/resets.h"
#include "hw/sio.h"
#include "port.h"
#include "tandem/config.h"
#include "tandem/hwtable.h"
#include "tandem/lock.h"

#include <stdbool.h>

static uint8_t ready[TD_I2C_COUNT];
static uint8_t target[TD_I2C_COUNT];     /* address in IC_TAR (0: none yet) */

/* Who uses a bus: each call that drives it (init, bus clear, transfer)
 * claims it for its run and refuses a bus another call has claimed
 * (TD_ERR_BUSY, nothing touched). A claim names its call (a ticket) and
 * lasts at most that call's own bound ('until', in port_time_us), so a
 * call that never returns (its thread killed, its core stopped) blocks the
 * bus no longer than it could have run. Read and written under the
 * drivers' lock, from either core. */
static TD_LOCK_DEFINE(drv_lock, TD_SPIN_DRIVERS);
static struct {
    uint64_t until;                      /* 0: free */
    uint32_t ticket;
} claim[TD_I2C_COUNT];
static uint32_t tickets;

/* The bounds of a claim beyond the call's own timeout: the controller's
 * recovery after a timeout (two waits of 1 ms) with room to spare; a bus
 * clear (nine pulses, each of which may wait 1 ms for SCL, and the STOP);
 * init (the controller's reset, then a bus clear). */
#define CLAIM_RECOVER_US 3000u
#define CLAIM_CLEAR_US 12000u
#define CLAIM_INIT_US (1000u + CLAIM_CLEAR_US)

/* Claim 'bus' for 'us' microseconds: the claim's ticket (not 0), or 0 if
 * another call holds the bus. */
static uint32_t bus_claim(unsigned bus, uint64_t us)
{
    uint32_t t = 0;
    td_lock_take(&drv_lock);
    uint64_t now = port_time_us();
    if (claim[bus].until == 0 || now >= claim[bus].until) {
        if (++tickets == 0)
            tickets = 1;                 /* 0 is no claim */
        t = tickets;
        claim[bus].until = now + us;
        claim[bus].ticket = t;
    }
    td_lock_give(&drv_lock);
    return t;
}

/* End claim t of 'bus' (unless it ran out and the bus went to another). */
static void bus_free(unsigned bus, uint32_t t)
{
    td_lock_take(&drv_lock);
    if (claim[bus].ticket == t)
        claim[bus].until = 0;
    td_lock_give(&drv_lock);
}

static i2c_hw_t *controller(unsigned bus)
{
    return bus == 0 ? I2C0 : I2C1;
}

/* Wait until (reg & mask) == want, at most 'us' microseconds. */
static bool wait_bits(io_ro32 *reg, uint32_t mask, uint32_t want, uint32_t us)
{
    uint64_t deadline = port_time_us() + us;
    while ((*reg & mask) != want)
        if (port_time_us() >= deadline)
            return false;
    return true;
}

static bool bad_pins(unsigned bus, unsigned sda, unsigned scl)
{
    return bus >= TD_I2C_COUNT || sda >= NUM_GPIO || scl >= NUM_GPIO ||
           sda % 4u != 2u * bus || scl % 4u != 2u * bus + 1u;
}

/* Half a clock period of the bus clear: 5 us, standard mode's 100 kHz,
 * which every target takes. */
#define CLEAR_HALF_US 5u
/* How long a released SCL may take to rise (a target stretching the
 * clock) before the bus counts as stuck. */
#define CLEAR_SCL_WAIT_US 1000u

static void pause_us(uint32_t us)
{
    uint64_t until = port_time_us() + us;
    while (port_time_us() < until) {
    }
}

static bool pin_high(unsigned pin)
{
    return (SIO->gpio_in >> pin) & 1u;
}

/* Drive an open-drain pin low (true) or let the pull-up have it (false). */
static void pin_low(unsigned pin, bool low)
{
    if (low)
        SIO->gpio_oe_set = 1u << pin;
    else
        SIO->gpio_oe_clr = 1u << pin;
}

/* Let SCL go and wait (bounded) for it to rise. */
static bool scl_release(unsigned scl)
{
    pin_low(scl, false);
    uint64_t deadline = port_time_us() + CLEAR_SCL_WAIT_US;
    while (!pin_high(scl))
        if (port_time_us() >= deadline)
            return false;
    pause_us(CLEAR_HALF_US);
    return true;
}

/* The bus clear on pins sda, scl (pads already set up: input, pull-up).
 * Leaves them with the I2C function. Returns the clock pulses it made. */
static int bus_clear(unsigned sda, unsigned scl)
{
    uint32_t both = (1u << sda) | (1u << scl);
    SIO->gpio_oe_clr = both;
    SIO->gpio_out_clr = both;
    IO_BANK0->gpio[sda].ctrl = GPIO_FUNC_SIO;
    IO_BANK0->gpio[scl].ctrl = GPIO_FUNC_SIO;
    pause_us(CLEAR_HALF_US);
    int pulses = 0, r = TD_OK;
    if (!scl_release(scl)) {
        r = TD_ERR_I2C_BUS_STUCK;               /* SCL held: clocks cannot help */
    } else if (!pin_high(sda)) {
        while (pulses < 9 && !pin_high(sda)) {
            pin_low(scl, true);
            pause_us(CLEAR_HALF_US);
            pulses++;
            if (!scl_release(scl))
                break;
        }
        if (!pin_high(sda)) {
            r = TD_ERR_I2C_BUS_STUCK;
        } else {
            /* STOP: SDA low while SCL is low, SCL up, then SDA up. */
            pin_low(scl, true);
            pin_low(sda, true);
            pause_us(CLEAR_HALF_US);
            (void)scl_release(scl);
            pin_low(sda, false);
            pause_us(CLEAR_HALF_US);
        }
    }
    SIO->gpio_oe_clr = both;
    IO_BANK0->gpio[sda].ctrl = GPIO_FUNC_I2C;
    IO_BANK0->gpio[scl].ctrl = GPIO_FUNC_I2C;
    return r < 0 ? r : pulses;
}

/* Pads for an I2C pin: input enabled (the controller reads the bus back),
 * pull-ups on. */
static void pad_i2c(unsigned pin)
{
    PADS_BANK0->gpio[pin] = PADS_IE_BITS | PADS_PUE_BITS | PADS_SCHMITT_BITS | HW_FIELD(PADS_DRIVE, 1);
}

int td_i2c_bus_clear(unsigned bus, unsigned sda, unsigned scl)
{
    if (bad_pins(bus, sda, scl))
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    uint32_t t = bus_claim(bus, CLAIM_CLEAR_US);
    if (t == 0)
        return TD_ERR_BUSY;                  /* a transfer runs on it: left alone */
    pad_i2c(sda);
    pad_i2c(scl);
    int r = bus_clear(sda, scl);
    bus_free(bus, t);
    return r;
}

static int init(unsigned bus, uint32_t baud_hz, unsigned sda, unsigned scl);

int td_i2c_init(unsigned bus, uint32_t baud_hz, unsigned sda, unsigned scl)
{
    if (bad_pins(bus, sda, scl) || baud_hz < 10000u || baud_hz > 1000000u)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    uint32_t t = bus_claim(bus, CLAIM_INIT_US);
    if (t == 0)
        return TD_ERR_BUSY;
    int r = init(bus, baud_hz, sda, scl);
    bus_free(bus, t);
    return r;
}

static int init(unsigned bus, uint32_t baud_hz, unsigned sda, unsigned scl)
{
    i2c_hw_t *i2c = controller(bus);
    uint32_t block = bus == 0 ? RESET_I2C0 : RESET_I2C1;
    ready[bus] = 0;

    /* A fresh controller, whatever an earlier program left in it. */
    hw_set(&RESETS->reset, block);
    hw_clear(&RESETS->reset, block);
    if (!wait_bits(&RESETS->reset_done, block, block, 1000u))
        return TD_ERR_TIMEOUT;               /* (not the caller's error: the block's) */

    i2c->enable = 0;
    i2c->con = HW_FIELD(I2C_CON_SPEED, I2C_CON_SPEED_FAST) | I2C_CON_MASTER_MODE_BITS |
               I2C_CON_SLAVE_DISABLE_BITS | I2C_CON_RESTART_EN_BITS |
               I2C_CON_TX_EMPTY_CTRL_BITS | I2C_CON_RX_FIFO_FULL_HLD_CTRL_BITS;
    i2c->tx_tl = 0;
    i2c->rx_tl = 0;
    i2c->dma_cr = 0;

    /* SCL: the controller counts clk_sys cycles, 3/5 of the period low and
     * 2/5 high (the low phase needs the longer minimum). */
    uint32_t period = (TD_CLK_SYS_HZ + baud_hz / 2u) / baud_hz;
    uint32_t lcnt = period * 3u / 5u, hcnt = period - lcnt;
    i2c->fs_scl_hcnt = hcnt;
    i2c->fs_scl_lcnt = lcnt;
    i2c->fs_spklen = lcnt < 16u ? 1u : lcnt / 16u;
    /* SDA hold after SCL falls: 300 ns up to fast mode, 120 ns above. */
    uint32_t hold = baud_hz < 1000000u ? TD_CLK_SYS_HZ * 3u / 10000000u + 1u
                                       : TD_CLK_SYS_HZ * 3u / 25000000u + 1u;
    hw_write_masked(&i2c->sda_hold, HW_FIELD(I2C_SDA_HOLD_TX, hold), I2C_SDA_HOLD_TX_BITS);

    /* Pins: a target left mid-byte is clocked free first, and the pins
     * end with the I2C function. */
    pad_i2c(sda);
    pad_i2c(scl);
    int clear = bus_clear(sda, scl);
    if (clear < 0)
        return clear;                        /* the controller stays disabled */

    i2c->enable = I2C_ENABLE_ENABLE_BITS;
    target[bus] = 0;
    ready[bus] = 1;
    return (int)(TD_CLK_SYS_HZ / period);
}

/* After a timeout: abort whatever the controller does, then disable and
 * re-enable it, which empties its FIFOs. Bounded. */
static void recover(i2c_hw_t *i2c)
{
    i2c->enable = I2C_ENABLE_ENABLE_BITS | I2C_ENABLE_ABORT_BITS;
    wait_bits(&i2c->enable, I2C_ENABLE_ABORT_BITS, 0, 1000u);
    i2c->enable = 0;
    wait_bits(&i2c->enable_status, I2C_ENABLE_STATUS_IC_EN_BITS, 0, 1000u);
    (void)i2c->clr_intr;
    i2c->enable = I2C_ENABLE_ENABLE_BITS;
}

/* The controller aborted: say why, clear it, and wait for the STOP it sends. */
static int aborted(i2c_hw_t *i2c, uint64_t deadline)
{
    uint32_t why = i2c->tx_abrt_source;      /* reading it may clear it: once */
    (void)i2c->clr_tx_abrt;
    while (!(i2c->raw_intr_stat & I2C_INTR_STOP_DET_BITS))
        if (port_time_us() >= deadline) {
            recover(i2c);
            break;
        }
    (void)i2c->clr_stop_det;
    if (why & I2C_ABRT_7B_ADDR_NOACK_BITS)
        return TD_ERR_I2C_NAK;
    if (why & I2C_ABRT_TXDATA_NOACK_BITS)
        return TD_ERR_I2C_DATA_NAK;
    return TD_ERR_I2C_ABORT;
}

static int transfer(unsigned bus, unsigned addr, const uint8_t *tx, size_t ntx, uint8_t *rx,
                    size_t nrx, uint32_t timeout_us);

int td_i2c_transfer(unsigned bus, unsigned addr, const uint8_t *tx, size_t ntx,
                     uint8_t *rx, size_t nrx, uint32_t timeout_us)
{
    /* 0x00-0x07 and 0x78-0x7f are reserved addresses. */
    if (bus >= TD_I2C_COUNT || addr < 0x08u || addr > 0x77u || ntx + nrx == 0 ||
        (ntx && tx == NULL) || (nrx && rx == NULL))
        return TD_ERR_PARAM;
    /* polled for as long as the bus takes (milliseconds at 100 kHz):
     * never inside an interrupt handler */
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (!ready[bus])
        return TD_ERR_UNINIT;
    uint32_t t = bus_claim(bus, (uint64_t)timeout_us + CLAIM_RECOVER_US);
    if (t == 0)
        return TD_ERR_BUSY;
    int r = transfer(bus, addr, tx, ntx, rx, nrx, timeout_us);
    bus_free(bus, t);
    return r;
}

static int transfer(unsigned bus, unsigned addr, const uint8_t *tx, size_t ntx, uint8_t *rx,
                    size_t nrx, uint32_t timeout_us)
{
    i2c_hw_t *i2c = controller(bus);
    uint64_t deadline = port_time_us() + timeout_us;

    /* The target address can only be changed while the controller is off;
     * between transfers it is idle, so that takes effect at once. */
    if (target[bus] != addr) {
        i2c->enable = 0;
        if (!wait_bits(&i2c->enable_status, I2C_ENABLE_STATUS_IC_EN_BITS, 0, timeout_us)) {
            recover(i2c);
            return TD_ERR_TIMEOUT;
        }
        i2c->tar = addr;
        target[bus] = (uint8_t)addr;
        i2c->enable = I2C_ENABLE_ENABLE_BITS;
    }
    (void)i2c->clr_intr;                     /* stale STOP_DET, TX_ABRT */

    size_t total = ntx + nrx, sent = 0, got = 0;
    while (sent < total || got < nrx) {
        if (i2c->raw_intr_stat & I2C_INTR_TX_ABRT_BITS)
            return aborted(i2c, deadline);
        uint32_t st = i2c->status;
        /* Queue the next command; never more reads than the RX FIFO holds. */
        if (sent < total && (st & I2C_STATUS_TFNF_BITS) &&
            (sent < ntx || (sent - ntx) - got < I2C_FIFO_DEPTH)) {
            uint32_t cmd;
            if (sent < ntx) {
                cmd = tx[sent];
            } else {
                cmd = I2C_DATA_CMD_READ_BITS;
                if (sent == ntx && ntx > 0)
                    cmd |= I2C_DATA_CMD_RESTART_BITS;
            }
            if (sent == total - 1u)
                cmd |= I2C_DATA_CMD_STOP_BITS;
            i2c->data_cmd = cmd;
            sent++;
            continue;
        }
        if (got < nrx && (st & I2C_STATUS_RFNE_BITS)) {
            rx[got++] = (uint8_t)(i2c->data_cmd & I2C_DATA_CMD_DAT_BITS);
            continue;
        }
        if (port_time_us() >= deadline) {
            recover(i2c);
            return TD_ERR_TIMEOUT;
        }
    }
    /* Everything is queued or read: the STOP (or an abort: the last written
     * byte may be refused) ends the transfer. */
    uint32_t raw;
    while (!((raw = i2c->raw_intr_stat) & (I2C_INTR_STOP_DET_BITS | I2C_INTR_TX_ABRT_BITS)))
        if (port_time_us() >= deadline) {
            recover(i2c);
            return TD_ERR_TIMEOUT;
        }
    if (raw & I2C_INTR_TX_ABRT_BITS)
        return aborted(i2c, deadline);
    (void)i2c->clr_stop_det;
    return TD_OK;
}

const char *td_i2c_strerror(int err)
{
    switch (err) {
    case TD_ERR_I2C_NAK: return "TD_ERR_I2C_NAK";
    case TD_ERR_I2C_DATA_NAK: return "TD_ERR_I2C_DATA_NAK";
    case TD_ERR_I2C_ABORT: return "TD_ERR_I2C_ABORT";
    case TD_ERR_I2C_BUS_STUCK: return "TD_ERR_I2C_BUS_STUCK";
    default: return td_strerror(err);
    }
}
