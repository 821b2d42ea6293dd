/* hw/pads_bank0.h: user GPIO pad control (datasheet 2.19.6.3). */
#ifndef TANDEM_HW_PADS_BANK0_H
#define TANDEM_HW_PADS_BANK0_H
#include "common.h"

typedef struct {
    io_rw32 voltage_select;  /* 0x00 */
    io_rw32 gpio[30];        /* 0x04 .. 0x78 */
    io_rw32 swclk;           /* 0x7c */
    io_rw32 swd;             /* 0x80 */
} pads_bank0_hw_t;

#define PADS_BANK0_BASE 0x4001c000u
#define PADS_BANK0 ((pads_bank0_hw_t *)PADS_BANK0_BASE)

#define PADS_SLEWFAST_BITS  0x01u
#define PADS_SCHMITT_BITS   0x02u
#define PADS_PDE_BITS       0x04u
#define PADS_PUE_BITS       0x08u
#define PADS_DRIVE_LSB      4
#define PADS_DRIVE_BITS     0x30u
#define PADS_IE_BITS        0x40u
#define PADS_OD_BITS        0x80u

#endif
