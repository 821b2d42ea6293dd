/*
 * cpu.c: the port contract's calls that are one ARMv6-M instruction or
 * two: events (SEV/WFE), halting this core (asleep in RAM, answering flash
 * lockout requests), and the end of a run (BKPT).
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

/* The lockout record a halted core answers (port_flash_halt_answer). */
static port_flash_lockout_t *volatile halt_lockout;

void port_flash_halt_answer(port_flash_lockout_t *l)
{
    halt_lockout = l;
}

/* The halted core's last stop, in RAM (the chip copies .ramfunc there):
 * asleep for good, answering flash lockout requests on the way, so the
 * flash can be written while this core is halted. */
__attribute__((section(".ramfunc"), noinline, noreturn)) static void halted(uint32_t me)
{
    for (;;) {
        port_flash_lockout_t *l = halt_lockout;
        if (l != 0) {
            uint32_t a = l->ask;
            if (a != 0 && (a & 1u) == me && l->ack != a) {
                __asm volatile("dmb" ::: "memory");
                l->ack = a;
                __asm volatile("dmb" ::: "memory");
            }
        }
        __asm volatile("wfe");
    }
}

void port_halt(void)
{
    __asm volatile("cpsid i" ::: "memory");
    port_tick_stop();
    halted(port_core_id());
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
