/*
 * watchdog.c: the RP2040 watchdog's part of port/port.h: words kept across
 * a reboot (its scratch registers) and the reboot itself.
 *
 * Scratch 4 stays 0: the boot ROM treats 0xb007c0d3 there as a request to
 * jump somewhere on the next boot. The seven words go to 0-3 and 5-7.
 */
#include "hw/watchdog.h"
#include "port.h"
#include "tandem/error.h"

static const uint8_t scratch_of[PORT_PERSIST_WORDS] = { 0, 1, 2, 3, 5, 6, 7 };

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

void port_reboot(void)
{
    __asm volatile("cpsid i" ::: "memory");
    WATCHDOG->ctrl = WATCHDOG_CTRL_TRIGGER_BITS;
    for (;;)
        __asm volatile("wfe");
}
