/*
 * clocks.c: XOSC 12 MHz -> PLL_SYS 1500 MHz VCO / 6 / 2 = 125 MHz clk_sys;
 * clk_ref = XOSC; clk_peri = clk_sys; the 1 us tick for TIMER and watchdog;
 * on request (USB), PLL_USB 1200 MHz VCO / 5 / 5 = 48 MHz clk_usb.
 * (Datasheet 2.15 clocks, 2.16 XOSC, 2.18 PLL.)
 */
#include "hw/clocks.h"
#include "hw/pll.h"
#include "hw/resets.h"
#include "hw/watchdog.h"
#include "hw/xosc.h"
#include "rp2040.h"
#include "tandem/config.h"

#define PLL_SYS_FBDIV    125u   /* 12 MHz * 125 = 1500 MHz VCO */
#define PLL_SYS_POSTDIV1 6u
#define PLL_SYS_POSTDIV2 2u
#define PLL_USB_FBDIV    100u   /* 12 MHz * 100 = 1200 MHz VCO */
#define PLL_USB_POSTDIV1 5u     /* / 5 / 5 = 48 MHz */
#define PLL_USB_POSTDIV2 5u

/* Wait until (*reg & mask) == want, polling at most RP2040_BOOT_WAIT_POLLS
 * times (about 11 cycles a poll: 0.2 s to 1.2 s over the ring oscillator's
 * 1.8-12 MHz start-up range, against the XOSC's 1 ms, a PLL lock of
 * microseconds and a clock switch of a few cycles). */
bool rp2040_boot_wait(const volatile uint32_t *reg, uint32_t mask, uint32_t want)
{
    for (uint32_t n = RP2040_BOOT_WAIT_POLLS; n != 0; n--)
        if ((*reg & mask) == want)
            return true;
    return false;
}

static int xosc_start(void)
{
    XOSC->ctrl = XOSC_CTRL_FREQ_RANGE_1_15MHZ;
    /* Startup delay in units of 256 XOSC cycles: about 1 ms. */
    XOSC->startup = ((TD_XOSC_HZ / 1000u) + 128u) / 256u;
    hw_set(&XOSC->ctrl, XOSC_CTRL_ENABLE_VALUE << XOSC_CTRL_ENABLE_LSB);
    return rp2040_boot_wait(&XOSC->status, XOSC_STATUS_STABLE_BITS, XOSC_STATUS_STABLE_BITS)
               ? 0 : RP2040_BOOT_FAIL_XOSC;
}

/* Start a PLL: refdiv 1, VCO = 12 MHz * fbdiv, output VCO / pd1 / pd2. */
static int pll_start(pll_hw_t *pll, uint32_t reset, uint32_t fbdiv, uint32_t pd1, uint32_t pd2)
{
    hw_set(&RESETS->reset, reset);
    hw_clear(&RESETS->reset, reset);
    if (!rp2040_boot_wait(&RESETS->reset_done, reset, reset))
        return RP2040_BOOT_FAIL_RESETS;
    pll->cs = HW_FIELD(PLL_CS_REFDIV, 1);
    pll->fbdiv_int = fbdiv;
    hw_clear(&pll->pwr, PLL_PWR_PD_BITS | PLL_PWR_VCOPD_BITS);
    if (!rp2040_boot_wait(&pll->cs, PLL_CS_LOCK_BITS, PLL_CS_LOCK_BITS))
        return RP2040_BOOT_FAIL_PLL;
    pll->prim = HW_FIELD(PLL_PRIM_POSTDIV1, pd1) | HW_FIELD(PLL_PRIM_POSTDIV2, pd2);
    hw_clear(&pll->pwr, PLL_PWR_POSTDIVPD_BITS);
    return 0;
}

static int pll_sys_start(void)
{
    return pll_start(PLL_SYS, RESET_PLL_SYS, PLL_SYS_FBDIV, PLL_SYS_POSTDIV1, PLL_SYS_POSTDIV2);
}

/* A clock generator's SELECTED register shows source `src` (one-hot). */
static bool selected(unsigned clk, uint32_t src)
{
    return rp2040_boot_wait(&CLOCKS->clk[clk].selected, 0xffffffffu, 1u << src);
}

int rp2040_clocks_init(void)
{
    int r;
    CLOCKS->sys_resus_ctrl = 0;
    if ((r = xosc_start()) != 0)
        return r;

    /* Move clk_sys and clk_ref to their glitchless defaults before the PLL
     * they may run from is reset. */
    hw_clear(&CLOCKS->clk[CLK_SYS].ctrl, CLK_SYS_CTRL_SRC_BITS);
    if (!selected(CLK_SYS, CLK_SYS_CTRL_SRC_REF))
        return RP2040_BOOT_FAIL_CLOCK;
    hw_clear(&CLOCKS->clk[CLK_REF].ctrl, CLK_REF_CTRL_SRC_BITS);
    if (!selected(CLK_REF, CLK_REF_CTRL_SRC_ROSC))
        return RP2040_BOOT_FAIL_CLOCK;

    if ((r = pll_sys_start()) != 0)
        return r;

    /* clk_ref = XOSC / 1 */
    CLOCKS->clk[CLK_REF].div = 1u << CLK_DIV_INT_LSB;
    hw_write_masked(&CLOCKS->clk[CLK_REF].ctrl, CLK_REF_CTRL_SRC_XOSC, CLK_REF_CTRL_SRC_BITS);
    if (!selected(CLK_REF, CLK_REF_CTRL_SRC_XOSC))
        return RP2040_BOOT_FAIL_CLOCK;

    /* clk_sys = PLL_SYS / 1, through the aux mux while clk_sys runs from clk_ref */
    CLOCKS->clk[CLK_SYS].div = 1u << CLK_DIV_INT_LSB;
    hw_write_masked(&CLOCKS->clk[CLK_SYS].ctrl,
                    HW_FIELD(CLK_SYS_CTRL_AUXSRC, CLK_SYS_CTRL_AUXSRC_PLL_SYS),
                    CLK_SYS_CTRL_AUXSRC_BITS);
    hw_set(&CLOCKS->clk[CLK_SYS].ctrl, CLK_SYS_CTRL_SRC_AUX);
    if (!selected(CLK_SYS, CLK_SYS_CTRL_SRC_AUX))
        return RP2040_BOOT_FAIL_CLOCK;

    /* clk_peri = clk_sys (UART, SPI, I2C) */
    CLOCKS->clk[CLK_PERI].ctrl = CLK_PERI_CTRL_ENABLE_BITS |
                                 HW_FIELD(CLK_PERI_CTRL_AUXSRC, CLK_PERI_CTRL_AUXSRC_CLK_SYS);

    /* 1 us tick for TIMER and the watchdog, from clk_ref = XOSC */
    WATCHDOG->tick = (TD_XOSC_HZ / 1000000u) | WATCHDOG_TICK_ENABLE_BITS;
    return 0;
}

int rp2040_clocks_usb_init(void)
{
    /* clk_usb has no glitchless mux: stop it, then switch and restart. */
    hw_clear(&CLOCKS->clk[CLK_USB].ctrl, CLK_USB_CTRL_ENABLE_BITS);
    int r = pll_start(PLL_USB, RESET_PLL_USB, PLL_USB_FBDIV, PLL_USB_POSTDIV1, PLL_USB_POSTDIV2);
    if (r)
        return r;
    CLOCKS->clk[CLK_USB].div = 1u << CLK_DIV_INT_LSB;
    CLOCKS->clk[CLK_USB].ctrl = HW_FIELD(CLK_USB_CTRL_AUXSRC, CLK_USB_CTRL_AUXSRC_PLL_USB);
    hw_set(&CLOCKS->clk[CLK_USB].ctrl, CLK_USB_CTRL_ENABLE_BITS);
    return 0;
}
