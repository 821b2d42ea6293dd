/* hw/sio.h: single-cycle IO (datasheet 2.3.1). Per-core view: CPUID, FIFO
 * direction, divider and interpolators differ by core. No atomic aliases. */
#ifndef TANDEM_HW_SIO_H
#define TANDEM_HW_SIO_H
#include "common.h"

typedef struct {
    io_ro32 cpuid;          /* 0x000 */
    io_ro32 gpio_in;        /* 0x004 */
    io_ro32 gpio_hi_in;     /* 0x008 */
    uint32_t _rsvd0;
    io_rw32 gpio_out;       /* 0x010 */
    io_rw32 gpio_out_set;   /* 0x014 */
    io_rw32 gpio_out_clr;   /* 0x018 */
    io_rw32 gpio_out_xor;   /* 0x01c */
    io_rw32 gpio_oe;        /* 0x020 */
    io_rw32 gpio_oe_set;    /* 0x024 */
    io_rw32 gpio_oe_clr;    /* 0x028 */
    io_rw32 gpio_oe_xor;    /* 0x02c */
    io_rw32 gpio_hi_out;    /* 0x030 */
    io_rw32 gpio_hi_out_set;
    io_rw32 gpio_hi_out_clr;
    io_rw32 gpio_hi_out_xor;
    io_rw32 gpio_hi_oe;     /* 0x040 */
    io_rw32 gpio_hi_oe_set;
    io_rw32 gpio_hi_oe_clr;
    io_rw32 gpio_hi_oe_xor;
    io_rw32 fifo_st;        /* 0x050 */
    io_rw32 fifo_wr;        /* 0x054 */
    io_ro32 fifo_rd;        /* 0x058 */
    io_ro32 spinlock_st;    /* 0x05c */
    io_rw32 div_udividend;  /* 0x060 */
    io_rw32 div_udivisor;   /* 0x064 */
    io_rw32 div_sdividend;  /* 0x068 */
    io_rw32 div_sdivisor;   /* 0x06c */
    io_rw32 div_quotient;   /* 0x070 */
    io_rw32 div_remainder;  /* 0x074 */
    io_ro32 div_csr;        /* 0x078 */
    uint32_t _rsvd1;
    io_rw32 interp[2][16];  /* 0x080, 0x0c0 */
    io_rw32 spinlock[32];   /* 0x100: read claims (non-zero if claimed), write releases */
} sio_hw_t;

#define SIO_BASE 0xd0000000u
#define SIO ((sio_hw_t *)SIO_BASE)

#define SIO_FIFO_ST_VLD_BITS 0x1u
#define SIO_FIFO_ST_RDY_BITS 0x2u
#define SIO_FIFO_ST_WOF_BITS 0x4u
#define SIO_FIFO_ST_ROE_BITS 0x8u

#endif
