/*
 * tandem/spi.h: SPI master on the RP2040's two PL022 controllers, SPI0 and
 * SPI1, with a device record per device.
 *
 *     td_spi_init(1, 10, 11, 12);                     // SCK, TX (MOSI), RX (MISO)
 *     static td_spi_dev_t bmp;
 *     td_spi_dev_init(&bmp, 1, 13, 0, 10000000, 8, 1); // CS GP13, mode 0, 10 MHz, 8 bits, core 1
 *     uint8_t cmd = 0xd0, id;
 *     td_spi_write_read(&bmp, &cmd, 1, &id, 1, TD_MS(10));
 *
 * A device record (caller-owned, re-entrant) holds the bus, the chip-select
 * GPIO (driven by the driver, low while the device is selected), the mode
 * (0..3: CPOL = mode >> 1, CPHA = mode & 1), the clock rate, the frame size
 * (4..16 bits; frames above 8 bits are uint16_t in the buffers) and, if
 * the program assigns the device to one core, that core.
 *
 * A transfer programs the bus for its device, selects it, moves the frames
 * and deselects it. A short one (at most TD_SPI_POLL_US of bus time) is
 * polled; a longer one runs on the bus's two DMA channels (tandem/hwtable.h)
 * while the calling thread sleeps until the DMA's completion interrupt on
 * its own core wakes it: a long transfer never spins a core. Every transfer
 * has a timeout (ticks); one that runs out is aborted and the bus is left
 * idle and usable. TD_NO_WAIT means "do not wait for the bus": while
 * another thread holds it the call returns TD_ERR_WOULD_BLOCK at once,
 * nothing moved; a transfer that gets it runs to its end (bounded by 10 ms
 * beyond twice its bus time, as every polled transfer is).
 *
 * Sharing: the two buses are independent (two devices on two buses may be
 * used from the two cores at once). On one bus, transfers of devices with
 * no core (TD_CORE_ANY) wait for each other (a cross-core mutex, within
 * the transfer's timeout). A device assigned to a core is refused on the
 * other core (TD_ERR_WRONG_CORE), and when the other core holds the bus
 * its transfer fails at once with TD_ERR_BUSY instead of waiting: the
 * program said that bus belongs to one core.
 *
 * Results: 0 or a negative code: TD_ERR_PARAM (null record or buffer, bus,
 * pin, mode or bits out of range, a buffer of frames above 8 bits at an
 * odd address), TD_ERR_SPI_PINS (a pin that is not that controller's
 * SCK/TX/RX, a chip select on a controller's pin), TD_ERR_SPI_RATE (a
 * rate the controller cannot make: clk_peri / 2 at most, clk_peri / 65024
 * at least), TD_ERR_UNINIT
 * (bus or record not initialised), TD_ERR_WRONG_CORE, TD_ERR_BUSY,
 * TD_ERR_WOULD_BLOCK (TD_NO_WAIT, the bus held), TD_ERR_TIMEOUT,
 * TD_ERR_IN_ISR, and the DMA's codes (tandem/dma.h). The calls that take
 * the bus (td_spi_transfer, td_spi_write_read, td_spi_select) take its
 * cross-core mutex (tandem/xmutex.h) and pass on what that refuses with:
 * TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT, TD_ERR_STATE (no thread runs on
 * this core yet, before td_kernel_start; or the caller masked interrupts
 * and the bus must be waited for) and TD_ERR_IDLE (from the idle hook,
 * the bus held and a timeout other than TD_NO_WAIT). The mutex's
 * TD_ERR_OVERFLOW cannot come: a thread holds the bus at most twice (its
 * td_spi_select and a transfer within it); its TD_ERR_PARAM,
 * TD_ERR_UNINIT and TD_ERR_IN_ISR are this driver's own checks, made
 * first.
 * Thread only, either core (the device's core if it has one). The host
 * port has no SPI.
 */
#ifndef TANDEM_SPI_H
#define TANDEM_SPI_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/dma.h"            /* the DMA's result codes */
#include "tandem/error.h"
#include "tandem/types.h"

#define TD_SPI_COUNT 2u
#define TD_SPI_NO_PIN 0xffu      /* td_spi_init: no RX pin (a write-only bus) */

#define TD_ERR_SPI_PINS  (-52)   /* a pin is not that controller's SCK / TX / RX */
#define TD_ERR_SPI_RATE  (-53)   /* the clock rate is out of the controller's range */

/* Transfers with at most this much bus time are polled, longer ones use DMA. */
#ifndef TD_SPI_POLL_US
#define TD_SPI_POLL_US 20u
#endif

typedef struct td_spi_dev {
    uint32_t rate;               /* the clock rate set, Hz (read it after init) */
    uint16_t magic;
    uint8_t bus, cs, mode, bits, core;
    uint8_t cpsdvsr, scr;        /* the controller's prescaler and divider */
} td_spi_dev_t;

/* Set up controller 'bus' (0, 1) as a master with its clock on GPIO sck,
 * its output (MOSI) on tx and its input (MISO) on rx (TD_SPI_NO_PIN: none).
 * SPI0: SCK 2/6/18/22, TX 3/7/19/23, RX 0/4/16/20; SPI1: SCK 10/14/26,
 * TX 11/15/27, RX 8/12/24/28. Resets the controller. Returns 0,
 * TD_ERR_PARAM (bus), TD_ERR_SPI_PINS, TD_ERR_BUSY (set up already and a
 * transfer or selection holds the bus, this thread's own included),
 * TD_ERR_STATE (set up already and no thread runs on this core yet: the
 * bus's mutex cannot be taken to check it is free), TD_ERR_TIMEOUT (the
 * controller stayed in reset), TD_ERR_IN_ISR.
 * Thread only, either core; once per bus, before its devices are used. */
int td_spi_init(unsigned bus, unsigned sck, unsigned tx, unsigned rx);

/* Fill in device record d: on 'bus', chip select on GPIO cs (made a SIO
 * output, high: deselected), SPI mode 0..3, at most rate_hz, 4..16-bit
 * frames, assigned to core 0 or 1 or to none (TD_CORE_ANY). The rate set
 * (the highest the controller makes at or below rate_hz) is in d->rate.
 * Returns 0, TD_ERR_PARAM, TD_ERR_SPI_RATE, TD_ERR_SPI_PINS (cs is a pin
 * td_spi_init gave a controller), TD_ERR_UNINIT (bus not set up).
 * Anywhere. */
int td_spi_dev_init(td_spi_dev_t *d, unsigned bus, unsigned cs, unsigned mode,
                    uint32_t rate_hz, unsigned bits, unsigned core);

/* Full duplex: send n frames from tx while receiving n into rx (tx NULL:
 * send zeros; rx NULL: discard), device selected throughout. n 0 returns
 * 0 at once (TD_ERR_PARAM for d NULL, TD_ERR_UNINIT for a record not
 * initialised). Returns 0, TD_ERR_PARAM (d NULL, a bad timeout, a buffer
 * of frames above 8 bits at an odd address), TD_ERR_UNINIT,
 * TD_ERR_IN_ISR, TD_ERR_WRONG_CORE, TD_ERR_BUSY (a device assigned to
 * this core while the other core holds the bus, or the calling thread has
 * another device of the bus selected), TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT (the bus not got
 * in time, or the transfer not ended in time), TD_ERR_STATE, TD_ERR_IDLE
 * (the bus's mutex, above), the DMA's codes (a long transfer). */
int td_spi_transfer(td_spi_dev_t *d, const void *tx, void *rx, size_t n, td_tick_t timeout);

/* Send ntx frames, then receive nrx (sending zeros), in one selection:
 * the usual "command, then read the answer". Returns what td_spi_transfer
 * does, and TD_ERR_PARAM for a NULL buffer with a count not 0. */
int td_spi_write_read(td_spi_dev_t *d, const void *tx, size_t ntx, void *rx, size_t nrx,
                      td_tick_t timeout);

/* Hold the bus and select d until td_spi_deselect, so that several
 * transfers (and work between them, such as switching a display's
 * data/command pin) form one selection. Transfers of d in between keep it
 * selected; another device of the bus cannot be used meanwhile. Returns
 * 0, TD_ERR_PARAM (d NULL, a bad timeout), TD_ERR_UNINIT, TD_ERR_IN_ISR,
 * TD_ERR_WRONG_CORE, TD_ERR_STATE (the calling thread has d selected
 * already, or the bus's mutex: above), TD_ERR_BUSY (as td_spi_transfer),
 * TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT (the bus not got in time),
 * TD_ERR_IDLE. */
int td_spi_select(td_spi_dev_t *d, td_tick_t timeout);
/* End td_spi_select's selection. Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_STATE (d is not selected), TD_ERR_NOT_OWNER (another thread
 * selected it), TD_ERR_IN_ISR. Thread only. */
int td_spi_deselect(td_spi_dev_t *d);

/* A short constant name for an SPI (or DMA) result, or td_strerror's. */
const char *td_spi_strerror(int err);

#endif /* TANDEM_SPI_H */
