/* hw/watchdog.h: watchdog, its scratch registers and the 1 us tick generator
 * (datasheet 4.7). */
#ifndef TANDEM_HW_WATCHDOG_H
#define TANDEM_HW_WATCHDOG_H
#include "common.h"

typedef struct {
    io_rw32 ctrl;        /* 0x00 */
    io_rw32 load;        /* 0x04 */
    io_ro32 reason;      /* 0x08 */
    io_rw32 scratch[8];  /* 0x0c .. 0x28: survive a watchdog reboot */
    io_rw32 tick;        /* 0x2c */
} watchdog_hw_t;

#define WATCHDOG_BASE 0x40058000u
#define WATCHDOG ((watchdog_hw_t *)WATCHDOG_BASE)

#define WATCHDOG_CTRL_TIME_BITS    0x00ffffffu
#define WATCHDOG_CTRL_ENABLE_BITS  0x40000000u
#define WATCHDOG_CTRL_TRIGGER_BITS 0x80000000u
#define WATCHDOG_CTRL_PAUSE_BITS   0x07000000u   /* PAUSE_DBG1, PAUSE_DBG0, PAUSE_JTAG */
#define WATCHDOG_LOAD_BITS         0x00ffffffu
#define WATCHDOG_REASON_TIMER_BITS 0x1u
#define WATCHDOG_REASON_FORCE_BITS 0x2u
#define WATCHDOG_TICK_CYCLES_LSB   0
#define WATCHDOG_TICK_CYCLES_BITS  0x000001ffu
#define WATCHDOG_TICK_ENABLE_BITS  0x00000200u
#define WATCHDOG_TICK_RUNNING_BITS 0x00000400u

#endif
