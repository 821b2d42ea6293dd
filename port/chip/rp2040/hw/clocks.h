/* hw/clocks.h: CLOCKS block, clock generators (datasheet 2.15.7). */
#ifndef TANDEM_HW_CLOCKS_H
#define TANDEM_HW_CLOCKS_H
#include "common.h"

typedef struct {
    io_rw32 ctrl;     /* source selection, enable */
    io_rw32 div;      /* INT in bits 31:8, FRAC in 7:0 */
    io_ro32 selected; /* one-hot: which glitchless source is selected */
} clock_gen_hw_t;

enum {
    CLK_GPOUT0 = 0, CLK_GPOUT1, CLK_GPOUT2, CLK_GPOUT3,
    CLK_REF, CLK_SYS, CLK_PERI, CLK_USB, CLK_ADC, CLK_RTC, CLK_COUNT
};

typedef struct {
    clock_gen_hw_t clk[CLK_COUNT];   /* 0x00 .. 0x74 */
    io_rw32 sys_resus_ctrl;          /* 0x78 */
    io_ro32 sys_resus_status;        /* 0x7c */
} clocks_hw_t;

#define CLOCKS_BASE 0x40008000u
#define CLOCKS ((clocks_hw_t *)CLOCKS_BASE)

/* CLK_REF_CTRL */
#define CLK_REF_CTRL_SRC_LSB        0
#define CLK_REF_CTRL_SRC_BITS       0x00000003u
#define CLK_REF_CTRL_SRC_ROSC       0u
#define CLK_REF_CTRL_SRC_AUX        1u
#define CLK_REF_CTRL_SRC_XOSC       2u
/* CLK_SYS_CTRL */
#define CLK_SYS_CTRL_SRC_LSB        0
#define CLK_SYS_CTRL_SRC_BITS       0x00000001u
#define CLK_SYS_CTRL_SRC_REF        0u
#define CLK_SYS_CTRL_SRC_AUX        1u
#define CLK_SYS_CTRL_AUXSRC_LSB     5
#define CLK_SYS_CTRL_AUXSRC_BITS    0x000000e0u
#define CLK_SYS_CTRL_AUXSRC_PLL_SYS 0u
/* CLK_PERI_CTRL */
#define CLK_PERI_CTRL_AUXSRC_LSB    5
#define CLK_PERI_CTRL_AUXSRC_BITS   0x000000e0u
#define CLK_PERI_CTRL_AUXSRC_CLK_SYS 0u
#define CLK_PERI_CTRL_KILL_BITS     0x00000400u
#define CLK_PERI_CTRL_ENABLE_BITS   0x00000800u
/* CLK_USB_CTRL: no glitchless mux; AUXSRC 0 = PLL_USB */
#define CLK_USB_CTRL_AUXSRC_LSB     5
#define CLK_USB_CTRL_AUXSRC_BITS    0x000000e0u
#define CLK_USB_CTRL_AUXSRC_PLL_USB 0u
#define CLK_USB_CTRL_ENABLE_BITS    0x00000800u

/* CLK_ADC_CTRL: no glitchless mux, so AUXSRC changes only while disabled */
#define CLK_ADC_CTRL_AUXSRC_LSB     5
#define CLK_ADC_CTRL_AUXSRC_BITS    0x000000e0u
#define CLK_ADC_CTRL_AUXSRC_PLL_SYS 1u
#define CLK_ADC_CTRL_ENABLE_BITS    0x00000800u

#define CLK_DIV_INT_LSB 8

#endif
