/*
 * watchdog_none.c: the chip watchdog's part of the port contract
 * (port/port.h) for a port that has no such counter, or does not drive it
 * (its port_limits.h sets PORT_WATCHDOG_MAX_MS to 0): the host port and
 * the AN521. The kernel's watchdog (kernel/watchdog.c) runs its software
 * check-ins and policies without this last line; a request for the
 * counter is refused by name.
 */
#include "port.h"
#include "tandem/error.h"

_Static_assert(PORT_WATCHDOG_MAX_MS == 0, "a port with a watchdog counter drives it");

int port_watchdog_start(uint32_t ms)
{
    (void)ms;
    return TD_ERR_UNSUPPORTED;
}

void port_watchdog_feed(void)
{
}

void port_watchdog_stop(void)
{
}

bool port_watchdog_timed_out(void)
{
    return false;
}
