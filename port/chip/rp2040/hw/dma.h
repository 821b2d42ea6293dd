/* hw/dma.h: the DMA controller, 12 channels (datasheet 2.5). */
#ifndef TANDEM_HW_DMA_H
#define TANDEM_HW_DMA_H
#include "common.h"

#define DMA_CHANNELS 12u

/* One channel: the registers and three aliases that order them so that the
 * last one written (the trigger) is a different register each time. */
typedef struct {
    io_rw32 read_addr;       /* 0x00 */
    io_rw32 write_addr;      /* 0x04 */
    io_rw32 trans_count;     /* 0x08: write: reload value; read: transfers left */
    io_rw32 ctrl_trig;       /* 0x0c: CTRL, a write triggers */
    io_rw32 al1_ctrl;        /* 0x10: CTRL, no trigger */
    io_rw32 al1_read_addr;
    io_rw32 al1_write_addr;
    io_rw32 al1_trans_count_trig;
    io_rw32 al2_ctrl;
    io_rw32 al2_trans_count;
    io_rw32 al2_read_addr;
    io_rw32 al2_write_addr_trig;
    io_rw32 al3_ctrl;
    io_rw32 al3_write_addr;
    io_rw32 al3_trans_count;
    io_rw32 al3_read_addr_trig;
} dma_channel_hw_t;

typedef struct {
    dma_channel_hw_t ch[DMA_CHANNELS];  /* 0x000 .. 0x2fc */
    uint32_t _rsvd0[64];
    io_rw32 intr;            /* 0x400: raw, write 1 to clear */
    io_rw32 inte0;           /* 0x404: channels routed to DMA_IRQ_0 */
    io_rw32 intf0;
    io_rw32 ints0;           /* 0x40c: masked; write 1 to clear */
    uint32_t _rsvd1;
    io_rw32 inte1;           /* 0x414: channels routed to DMA_IRQ_1 */
    io_rw32 intf1;
    io_rw32 ints1;           /* 0x41c */
    io_rw32 timer[4];        /* 0x420: pacing timers, X in 31:16, Y in 15:0 */
    io_rw32 multi_chan_trigger; /* 0x430 */
    io_rw32 sniff_ctrl;
    io_rw32 sniff_data;
    uint32_t _rsvd2;
    io_ro32 fifo_levels;     /* 0x440 */
    io_rw32 chan_abort;      /* 0x444: write 1s; reads 1 until the abort completed */
    io_ro32 n_channels;      /* 0x448 */
} dma_hw_t;

#define DMA_BASE 0x50000000u
#define DMA ((dma_hw_t *)DMA_BASE)

/* CHn_CTRL */
#define DMA_CTRL_EN_BITS            0x00000001u
#define DMA_CTRL_HIGH_PRIORITY_BITS 0x00000002u
#define DMA_CTRL_DATA_SIZE_LSB      2
#define DMA_CTRL_DATA_SIZE_BITS     0x0000000cu   /* 0 byte, 1 halfword, 2 word */
#define DMA_CTRL_INCR_READ_BITS     0x00000010u
#define DMA_CTRL_INCR_WRITE_BITS    0x00000020u
#define DMA_CTRL_RING_SIZE_LSB      6
#define DMA_CTRL_RING_SEL_BITS      0x00000400u
#define DMA_CTRL_CHAIN_TO_LSB       11
#define DMA_CTRL_CHAIN_TO_BITS      0x00007800u
#define DMA_CTRL_TREQ_SEL_LSB       15
#define DMA_CTRL_TREQ_SEL_BITS      0x001f8000u
#define DMA_CTRL_IRQ_QUIET_BITS     0x00200000u
#define DMA_CTRL_BSWAP_BITS         0x00400000u
#define DMA_CTRL_BUSY_BITS          0x01000000u
#define DMA_CTRL_WRITE_ERROR_BITS   0x20000000u   /* write 1 to clear */
#define DMA_CTRL_READ_ERROR_BITS    0x40000000u   /* write 1 to clear */
#define DMA_CTRL_AHB_ERROR_BITS     0x80000000u

/* TREQ_SEL values: peripheral DREQs 0..39, pacing timers, always */
#define DMA_DREQ_SPI0_TX   16u
#define DMA_DREQ_SPI0_RX   17u
#define DMA_DREQ_SPI1_TX   18u
#define DMA_DREQ_SPI1_RX   19u
#define DMA_DREQ_ADC       36u
#define DMA_TREQ_TIMER0    0x3bu
#define DMA_TREQ_PERMANENT 0x3fu

#endif
