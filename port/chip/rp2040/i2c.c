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
 */
#include "tandem/i2c.h"

#include "hw/i2c.h"
#include "hw/io_bank0.h"
#include "hw/pads_bank0.h"
#include "hw/resets.h"
#include "port.h"
#include "tandem/config.h"

#include <stdbool.h>

static uint8_t ready[TD_I2C_COUNT];
static uint8_t target[TD_I2C_COUNT];     /* address in IC_TAR (0: none yet) */

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

int td_i2c_init(unsigned bus, uint32_t baud_hz, unsigned sda, unsigned scl)
{
    if (bus >= TD_I2C_COUNT || baud_hz < 10000u || baud_hz > 1000000u ||
        sda >= NUM_GPIO || scl >= NUM_GPIO || sda % 4u != 2u * bus || scl % 4u != 2u * bus + 1u)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
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

    /* Pins: input enabled (the controller reads the bus back), pull-ups on. */
    const unsigned pins[2] = { sda, scl };
    for (unsigned i = 0; i < 2; i++) {
        PADS_BANK0->gpio[pins[i]] = PADS_IE_BITS | PADS_PUE_BITS | PADS_SCHMITT_BITS |
                                    HW_FIELD(PADS_DRIVE, 1);
        IO_BANK0->gpio[pins[i]].ctrl = GPIO_FUNC_I2C;
    }

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
    default: return td_strerror(err);
    }
}
