/* The chip's watchdog on the AN521 port: not driven (PORT_WATCHDOG_MAX_MS
 * is 0). The kernel's watchdog (kernel/watchdog.c) runs its software
 * check-ins and policies without this last line; a request for the
 * chip's counter is refused by name. */
#include "port.h"

#include "tandem/error.h"

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
