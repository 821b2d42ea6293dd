/*
 * tandem/dma.h: the DMA controller's channels (the RP2040 has 12): memory
 * to memory, memory to a peripheral and back, with a completion that wakes
 * the thread waiting for it.
 *
 *     unsigned ch;
 *     td_dma_claim(&ch);
 *     td_dma_copy(ch, dst, src, 4096, TD_MS(10));   // sleeps until done
 *
 * Channels come from the one table of shared hardware numbers
 * (tandem/hwtable.h): the SPI driver owns TD_DMA_SPI0_TX .. TD_DMA_SPI1_RX;
 * td_dma_claim hands out one of TD_DMA_USER_FIRST .. TD_DMA_USER_LAST.
 *
 * A transfer started on a core reports its end to that core only: the
 * channel is routed to the core's own DMA interrupt line (DMA_IRQ_0 for
 * core 0, DMA_IRQ_1 for core 1), whose handler wakes the thread sleeping
 * in td_dma_wait. So both cores use the DMA at the same time, each woken
 * by its own transfers. The engine moves one element per clk_sys cycle,
 * shared round robin by the channels that have work.
 *
 * A channel that meets a bus error (an address the DMA cannot reach:
 * unmapped space, the SIO, a core's private peripherals, the boot ROM for
 * a write) stops there: td_dma_wait returns TD_ERR_DMA_READ or
 * TD_ERR_DMA_WRITE and td_dma_error_addr says where. A wait that runs out
 * of time aborts the channel (TD_ERR_TIMEOUT): nothing waits forever by
 * accident. The host port has no DMA.
 */
#ifndef TANDEM_DMA_H
#define TANDEM_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/error.h"
#include "tandem/hwtable.h"
#include "tandem/types.h"

#define TD_DMA_CHANNELS 12u

#define TD_ERR_DMA_READ   (-50)  /* the channel's read met a bus error */
#define TD_ERR_DMA_WRITE  (-51)  /* the channel's write met a bus error */

/* Pacing (td_dma_xfer_t.dreq): as fast as possible, or a peripheral's
 * request (the datasheet's DREQ numbers; a few are named here). */
#define TD_DMA_DREQ_NONE     0x3fu
#define TD_DMA_DREQ_SPI0_TX  16u
#define TD_DMA_DREQ_SPI0_RX  17u
#define TD_DMA_DREQ_SPI1_TX  18u
#define TD_DMA_DREQ_SPI1_RX  19u
#define TD_DMA_DREQ_UART0_TX 20u
#define TD_DMA_DREQ_UART0_RX 21u
#define TD_DMA_DREQ_ADC      36u

/* One transfer: count elements of size bytes (1, 2 or 4) from src to dst,
 * each address aligned to size, each stepping by size after every element
 * if its _incr flag is set (a peripheral's data register stays put). */
typedef struct td_dma_xfer {
    const volatile void *src;
    volatile void *dst;
    uint32_t count;            /* elements, at least 1 */
    uint8_t size;              /* 1, 2 or 4 */
    bool src_incr;
    bool dst_incr;
    uint8_t dreq;              /* TD_DMA_DREQ_NONE or a peripheral's request */
} td_dma_xfer_t;

/* Claim a free channel of the user range into *chan. Returns 0,
 * TD_ERR_PARAM (chan NULL), TD_ERR_BUSY (all claimed). Anywhere. */
int td_dma_claim(unsigned *chan);

/* Give a claimed channel back. Returns 0, TD_ERR_PARAM (not a user
 * channel), TD_ERR_STATE (not claimed), TD_ERR_BUSY (a transfer runs on
 * it). Anywhere. */
int td_dma_unclaim(unsigned chan);

/* Start transfer *x on chan (claimed, or a channel the table gives the
 * calling driver); its end is reported to this core. Returns 0,
 * TD_ERR_PARAM (bad channel, x NULL, count 0, size not 1/2/4, an address
 * not aligned to size, dreq above 0x3f), TD_ERR_STATE (chan not claimed),
 * TD_ERR_BUSY (chan still runs, or its last end was not yet taken by the
 * core it belongs to while that core is still there: core 1 not
 * restarted since, nor halted; or a thread of a halted core still waits
 * for it), TD_ERR_IN_ISR. Thread only, either core. */
int td_dma_start(unsigned chan, const td_dma_xfer_t *x);

/* Sleep until the transfer last started on chan ends, at most timeout
 * ticks (TD_NO_WAIT: just look). Returns 0 (done), TD_ERR_WOULD_BLOCK
 * (TD_NO_WAIT and still running), TD_ERR_TIMEOUT (the channel was
 * aborted; the abort clears its count, so how far it got is not known),
 * TD_ERR_DMA_READ,
 * TD_ERR_DMA_WRITE, TD_ERR_STATE (nothing started, already waited for,
 * td_dma_abort ended it, or it ended and the channel was started again
 * before this thread returned: that newer transfer is left alone),
 * TD_ERR_WRONG_CORE (started on the other core), TD_ERR_PARAM,
 * TD_ERR_IN_ISR. Thread only, the core that started it. */
int td_dma_wait(unsigned chan, td_tick_t timeout);

/* Copy n bytes from src to dst on chan (as fast as the DMA goes, in words
 * when both addresses and n allow, else halfwords or bytes) and sleep until
 * done: td_dma_start + td_dma_wait. n 0 does nothing and returns 0.
 * Returns td_dma_start's and td_dma_wait's codes, and TD_ERR_PARAM for a
 * src or dst that is NULL, nothing started: a null pointer is nearly
 * always a bug, although address 0 is memory on some chips (the RP2040's
 * boot ROM). To read from address 0, give it to td_dma_start, which takes
 * any address. Thread only. */
int td_dma_copy(unsigned chan, void *dst, const void *src, size_t n, td_tick_t timeout);

/* Stop chan now; no end is reported. A thread sleeping in td_dma_wait for
 * the transfer wakes with TD_ERR_STATE, and the channel is free again: at
 * once on the core that started it; from the other core as soon as the
 * starting core's DMA interrupt has run (the abort forces it). If the
 * transfer ends just as the other core aborts it, the wait returns either
 * 0 or TD_ERR_STATE, never nothing; one that the other core is starting
 * is aborted or not, never half (the drivers' spinlock keeps the two
 * apart). Returns 0,
 * TD_ERR_PARAM, TD_ERR_TIMEOUT (the DMA did not confirm the abort, its
 * abort bit and the channel's BUSY clear, within 1000 polls). The channel's
 * end flag is cleared once it has stopped (docs/drivers.md: erratum
 * RP2040-E13). Anywhere. */
int td_dma_abort(unsigned chan);

/* Whether chan is transferring. Anywhere. */
bool td_dma_busy(unsigned chan);

/* Elements chan has left to transfer (after a bus error: how far it got;
 * after an abort, or a wait that ran out, 0: the chip clears the count).
 * Anywhere. */
uint32_t td_dma_remaining(unsigned chan);

/* After TD_ERR_DMA_READ / TD_ERR_DMA_WRITE: the address that failed (the
 * datasheet: exact or up to a few elements beyond). Anywhere. */
uint32_t td_dma_error_addr(unsigned chan);

/* A short constant name for a DMA result, or td_strerror's for others. */
const char *td_dma_strerror(int err);

#endif /* TANDEM_DMA_H */
