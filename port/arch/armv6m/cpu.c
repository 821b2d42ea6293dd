/*
 * cpu.c: the port contract's calls that are one ARMv6-M instruction or
 * two: events (SEV/WFE), halting this core, and the end of a run (BKPT).
 */
#include "port.h"

void port_sev(void)
{
    __asm volatile("sev");
}

void port_wfe(void)
{
    __asm volatile("wfe");
}

void port_halt(void)
{
    __asm volatile("cpsid i" ::: "memory");
    port_tick_stop();
    for (;;)
        __asm volatile("wfe");
}

void port_exit(int code)
{
    /* The emulator ends the run with the breakpoint's number as its exit
     * status. On a board without a debugger a breakpoint is a HardFault:
     * the fault path recognises it and reports "exit" instead. */
    switch (code) {
    case 0: __asm volatile("bkpt #0"); break;
    case 2: __asm volatile("bkpt #2"); break;
    case 3: __asm volatile("bkpt #3"); break;
    default: __asm volatile("bkpt #1"); break;
    }
    for (;;)
        __asm volatile("wfe");
}
