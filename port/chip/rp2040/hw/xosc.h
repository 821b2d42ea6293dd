/* hw/xosc.h: crystal oscillator (datasheet 2.16). */
#ifndef TANDEM_HW_XOSC_H
#define TANDEM_HW_XOSC_H
#include "common.h"

typedef struct {
    io_rw32 ctrl;      /* 0x00 */
    io_rw32 status;    /* 0x04 */
    io_rw32 dormant;   /* 0x08 */
    io_rw32 startup;   /* 0x0c */
    uint32_t _rsvd0[3];
    io_rw32 count;     /* 0x1c */
} xosc_hw_t;

#define XOSC_BASE 0x40024000u
#define XOSC ((xosc_hw_t *)XOSC_BASE)

#define XOSC_CTRL_FREQ_RANGE_1_15MHZ 0x00000aa0u
#define XOSC_CTRL_ENABLE_LSB         12
#define XOSC_CTRL_ENABLE_BITS        0x00fff000u
#define XOSC_CTRL_ENABLE_VALUE       0xfabu
#define XOSC_STATUS_STABLE_BITS      0x80000000u
#define XOSC_STARTUP_DELAY_BITS      0x00003fffu

#endif
