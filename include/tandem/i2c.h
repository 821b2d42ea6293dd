/*
 * tandem/i2c.h: I2C master, polled (the RP2040's two DW_apb_i2c
 * controllers, I2C0 and I2C1).
 *
 * A transfer writes ntx bytes, then (after a repeated start) reads nrx
 * bytes, then stops: the usual register read is
 *
 *     uint8_t reg = 0x3b, data[14];
 *     td_i2c_transfer(0, 0x68, &reg, 1, data, 14, 10000);
 *
 * The calling thread waits for the bus (polled, every wait bounded by the
 * transfer's timeout, and a timed-out transfer's abort by 2 ms more);
 * nothing is buffered between calls. The functions
 * keep no state but the controller's own, so they are re-entrant and either
 * core may call them; one controller must not be used by two callers at
 * once: which thread or core uses a bus, or the lock that shares it, is
 * the program's design (as in Oberon RTK's two-core design, devices are
 * assigned, not shared by chance). The host port has no I2C.
 *
 * Results: 0, or TD_ERR_PARAM (bad bus, pins, address, length or pointer),
 * TD_ERR_IN_ISR (called from an interrupt handler: a transfer is polled
 * for as long as the bus takes), TD_ERR_UNINIT (bus not initialised), TD_ERR_TIMEOUT (the transfer did not
 * finish in time, say a target holding SCL low: the controller was told to
 * abort and re-enabled with empty FIFOs; a target that still holds the
 * clock keeps the bus busy, so later transfers time out too until it lets
 * go), or one of the codes below, which say what the bus did.
 */
#ifndef TANDEM_I2C_H
#define TANDEM_I2C_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/error.h"

#define TD_I2C_COUNT 2u

#define TD_ERR_I2C_NAK       (-40)  /* no device acknowledged the address */
#define TD_ERR_I2C_DATA_NAK  (-41)  /* the device refused a written byte */
#define TD_ERR_I2C_ABORT     (-42)  /* the transfer was aborted otherwise
                                       (arbitration lost, ...) */
#define TD_ERR_I2C_BUS_STUCK (-43)  /* a target holds SDA low through nine
                                       clock pulses, or holds SCL low: the
                                       bus clear could not free the bus */

/* A bus in use: each call below that drives a bus (init, the bus clear, a
 * transfer) holds it for its run; another such call on the same bus
 * meanwhile (another thread, of either core) returns TD_ERR_BUSY at once
 * and touches nothing. A call that never returns (its thread killed, its
 * core stopped) holds the bus at most as long as it could have run: a
 * transfer its timeout and 3 ms, a bus clear 12 ms, init 13 ms. */

/* Set up controller 'bus' (0, 1) as a master at about baud_hz (10 000 ..
 * 1 000 000), on pins sda and scl (I2C0: SDA 0/4/8/.../28, SCL 1/5/.../29;
 * I2C1: SDA 2/6/.../26, SCL 3/7/.../27) with the pads' pull-ups on (weak:
 * boards add 4.7 kOhm or so). Resets the controller first, then clears the
 * bus as td_i2c_bus_clear does (a target left mid-byte by a reset of this
 * chip alone is freed). Returns the rate actually set, in Hz (> 0),
 * TD_ERR_PARAM, TD_ERR_IN_ISR, TD_ERR_BUSY (the bus in use: above),
 * TD_ERR_TIMEOUT (the controller stayed in reset) or TD_ERR_I2C_BUS_STUCK (the bus could not be cleared: it stays
 * uninitialised, and a later init tries again). Thread, either core. */
int td_i2c_init(unsigned bus, uint32_t baud_hz, unsigned sda, unsigned scl);

/* Bus clear (I2C specification, "Bus clear"): takes pins sda and scl of
 * controller 'bus' (the pairs td_i2c_init takes) as GPIOs, open drain with
 * the pads' pull-ups; if SDA is low, pulses SCL (100 kHz) up to nine times
 * until the target holding it lets go, then makes a STOP; gives the pins
 * back to the controller. Returns the clock pulses made (0: SDA was high,
 * nothing sent), TD_ERR_PARAM, TD_ERR_IN_ISR, TD_ERR_BUSY (a transfer
 * runs on the bus: nothing done), or TD_ERR_I2C_BUS_STUCK (SDA
 * still low after nine pulses, or SCL held low for 1 ms: only resetting
 * the target helps). Bounded: under 200 us, 1 ms more if SCL is held.
 * For a program that sees TD_ERR_TIMEOUT or TD_ERR_I2C_ABORT from a
 * transfer after a target was interrupted mid-byte; refused during a
 * transfer on the bus. Thread, either core. */
int td_i2c_bus_clear(unsigned bus, unsigned sda, unsigned scl);

/* Write tx[0..ntx) to the 7-bit address addr, then read rx[0..nrx) (with a
 * repeated start when both are non-empty), then stop; at least one byte
 * in all. Gives up after timeout_us microseconds. Returns 0 or an error
 * above (TD_ERR_BUSY: another call runs on the bus). Thread, either core. */
int td_i2c_transfer(unsigned bus, unsigned addr, const uint8_t *tx, size_t ntx,
                     uint8_t *rx, size_t nrx, uint32_t timeout_us);

/* Read n bytes from register reg onwards (register-pointer devices). */
static inline int td_i2c_read_reg(unsigned bus, unsigned addr, uint8_t reg,
                                  uint8_t *buf, size_t n, uint32_t timeout_us)
{
    return td_i2c_transfer(bus, addr, &reg, 1, buf, n, timeout_us);
}

/* Write one byte to register reg. */
static inline int td_i2c_write_reg(unsigned bus, unsigned addr, uint8_t reg,
                                   uint8_t value, uint32_t timeout_us)
{
    uint8_t b[2] = { reg, value };
    return td_i2c_transfer(bus, addr, b, 2, NULL, 0, timeout_us);
}

/* A short constant name for an I2C result, or td_strerror's for others. */
const char *td_i2c_strerror(int err);

#endif /* TANDEM_I2C_H */
