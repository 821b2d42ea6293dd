/*
 * watchdog.c: the RP2040 watchdog's part of port/port.h: words kept across
 * a reboot (its scratch registers), the reboot itself, and its counter as
 * the last line of tandem/watchdog.h.
 *
 * Scratch 4 stays 0: the boot ROM treats 0xb007c0d3 there as a request to
 * jump somewhere on the next boot. The seven words go to 0-3 and 5-7.
 *
 * The counter counts down from LOAD on the 1 us tick (clocks.c starts it
 * from clk_ref = XOSC), twice per tick (RP2040-E1), and resets the chip at
 * 0. What a watchdog reset resets is PSM WDSEL's choice: every domain but
 * the oscillators, so both cores start again from the boot ROM (with WDSEL
 * 0 it would reset nothing). The watchdog block itself is reset only by
 * the RUN pin or power: its scratch registers and REASON survive, and so
 * does CTRL.ENABLE, which is why the start-up disarms it
 * (rp2040_watchdog_boot) before anything can hang.
 */
#include "hw/psm.h"
#include "hw/watchdog.h"
#include "port.h"
#include "rp2040.h"
#include "tandem/error.h"

static const uint8_t scratch_of[PORT_PERSIST_WORDS] = { 0, 1, 2, 3, 5, 6, 7 };
static uint32_t load;                    /* counter value of the armed period */
static uint8_t timed_out;                /* REASON.TIMER at start-up */

int port_persist_write(const uint32_t *w, unsigned n)
{
    if (n > PORT_PERSIST_WORDS || (w == NULL && n != 0))
        return TD_ERR_PARAM;
    WATCHDOG->scratch[4] = 0;
    for (unsigned i = 0; i < PORT_PERSIST_WORDS; i++)
        WATCHDOG->scratch[scratch_of[i]] = i < n ? w[i] : 0u;
    return TD_OK;
}

int port_persist_read(uint32_t *w, unsigned n)
{
    if (n > PORT_PERSIST_WORDS || (w == NULL && n != 0))
        return TD_ERR_PARAM;
    for (unsigned i = 0; i < n; i++)
        w[i] = WATCHDOG->scratch[scratch_of[i]];
    return TD_OK;
}

/* What a watchdog reset resets: everything but the oscillators. */
static void select_domains(void)
{
    PSM->wdsel = PSM_WDSEL_BITS & ~(PSM_ROSC_BITS | PSM_XOSC_BITS);
}

void port_reboot(void)
{
    __asm volatile("cpsid i" ::: "memory");
    hw_clear(&WATCHDOG->ctrl, WATCHDOG_CTRL_ENABLE_BITS);
    select_domains();
    WATCHDOG->ctrl = WATCHDOG_CTRL_TRIGGER_BITS;
    for (;;)
        __asm volatile("wfe");
}

void rp2040_watchdog_boot(void)
{
    timed_out = (WATCHDOG->reason & WATCHDOG_REASON_TIMER_BITS) != 0;
    hw_clear(&WATCHDOG->ctrl, WATCHDOG_CTRL_ENABLE_BITS);
}

int port_watchdog_start(uint32_t ms)
{
    if (ms == 0 || ms > PORT_WATCHDOG_MAX_MS)
        return TD_ERR_PARAM;
    hw_clear(&WATCHDOG->ctrl, WATCHDOG_CTRL_ENABLE_BITS);
    select_domains();
    hw_set(&WATCHDOG->ctrl, WATCHDOG_CTRL_PAUSE_BITS);   /* a debugger's halt is no hang */
    load = ms * 1000u * 2u;                              /* two counts per tick */
    WATCHDOG->load = load;
    hw_set(&WATCHDOG->ctrl, WATCHDOG_CTRL_ENABLE_BITS);
    return TD_OK;
}

void port_watchdog_feed(void)
{
    if (load != 0)
        WATCHDOG->load = load;
}

void port_watchdog_stop(void)
{
    hw_clear(&WATCHDOG->ctrl, WATCHDOG_CTRL_ENABLE_BITS);
    load = 0;
}

bool port_watchdog_timed_out(void)
{
    return timed_out != 0;
}
