/*
 * timer.c: the RP2040's 64-bit microsecond TIMER as port/port.h's shared
 * clock (port_time_us).
 */
#include "port.h"

#include "hw/timer.h"

uint64_t port_time_us(void)
{
    /* The raw registers: TIMEHR/TIMELR latching is shared by both cores. */
    uint32_t hi = TIMER->timerawh, lo, hi2;
    for (;;) {
        lo = TIMER->timerawl;
        hi2 = TIMER->timerawh;
        if (hi2 == hi)
            return ((uint64_t)hi << 32) | lo;
        hi = hi2;
    }
}

/* The cores always run: each one's own time is the time. */
uint64_t port_core_ran_us(unsigned core)
{
    (void)core;
    return port_time_us();
}
