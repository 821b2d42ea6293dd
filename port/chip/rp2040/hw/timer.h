/* hw/timer.h: the 64-bit microsecond TIMER (datasheet 4.6). */
#ifndef TANDEM_HW_TIMER_H
#define TANDEM_HW_TIMER_H
#include "common.h"

typedef struct {
    io_rw32 timehw;   /* 0x00: write high word (after timelw) */
    io_rw32 timelw;   /* 0x04 */
    io_ro32 timehr;   /* 0x08: high word latched by a read of timelr */
    io_ro32 timelr;   /* 0x0c */
    io_rw32 alarm[4]; /* 0x10 */
    io_rw32 armed;    /* 0x20 */
    io_ro32 timerawh; /* 0x24: raw, no latching */
    io_ro32 timerawl; /* 0x28 */
    io_rw32 dbgpause; /* 0x2c */
    io_rw32 pause;    /* 0x30 */
    io_rw32 intr;     /* 0x34: write 1 to clear */
    io_rw32 inte;     /* 0x38 */
    io_rw32 intf;     /* 0x3c */
    io_ro32 ints;     /* 0x40 */
} timer_hw_t;

#define TIMER_BASE 0x40054000u
#define TIMER ((timer_hw_t *)TIMER_BASE)

#endif
