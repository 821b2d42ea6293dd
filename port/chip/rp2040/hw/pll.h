/* hw/pll.h: PLL_SYS and PLL_USB (datasheet 2.18). */
#ifndef TANDEM_HW_PLL_H
#define TANDEM_HW_PLL_H
#include "common.h"

typedef struct {
    io_rw32 cs;        /* 0x00: LOCK, BYPASS, REFDIV */
    io_rw32 pwr;       /* 0x04: power-down bits (1 = powered down) */
    io_rw32 fbdiv_int; /* 0x08: feedback divisor, 16..320 */
    io_rw32 prim;      /* 0x0c: POSTDIV1, POSTDIV2 */
} pll_hw_t;

#define PLL_SYS_BASE 0x40028000u
#define PLL_USB_BASE 0x4002c000u
#define PLL_SYS ((pll_hw_t *)PLL_SYS_BASE)
#define PLL_USB ((pll_hw_t *)PLL_USB_BASE)

#define PLL_CS_LOCK_BITS       0x80000000u
#define PLL_CS_REFDIV_LSB      0
#define PLL_CS_REFDIV_BITS     0x0000003fu
#define PLL_PWR_PD_BITS        0x00000001u
#define PLL_PWR_DSMPD_BITS     0x00000004u
#define PLL_PWR_POSTDIVPD_BITS 0x00000008u
#define PLL_PWR_VCOPD_BITS     0x00000020u
#define PLL_PRIM_POSTDIV1_LSB  16
#define PLL_PRIM_POSTDIV1_BITS 0x00070000u
#define PLL_PRIM_POSTDIV2_LSB  12
#define PLL_PRIM_POSTDIV2_BITS 0x00007000u

#endif
