/*
 * cpu.c: the port contract's calls that are one ARMv6-M instruction or
 * two: events (SEV/WFE), halting this core (asleep in RAM, answering flash
 * lockout requests), and the end of a run (BKPT).
 */
#include "port.h"

#include <stdint.h>

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

/* The halted core's last stop, in RAM (the chip copies .ram_text there):
 * asleep for good, answering flash lockout requests on the way, so the
 * flash can be written while this core is halted. Called as a long call
 * (an address loaded, BLX), not through a linker veneer: the veneers' order
 * follows the linker's numbering of every input section, so it could make
 * the traced build's image differ from the plain one (docs/trace.md). */
__attribute__((section(".ram_text.armv6m_halted"), noinline, noreturn, long_call)) static void halted(uint32_t me)
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

/* r12 at port_exit's breakpoint: tandem-sim reads it as "the run ends here
 * on purpose" and exits with the breakpoint's number even when the
 * breakpoint runs in the HardFault handler (the fault path's port_exit),
 * where an unmarked one is a firmware stopped on a fault (sim/README.md,
 * exit statuses). */
#define EXIT_MARK 0x74646578u   /* "tdex" */

void port_exit(int code)
{
    /* The emulator ends the run with the breakpoint's number as its exit
     * status. On a board without a debugger a breakpoint is a HardFault:
     * the fault path recognises it and reports "exit" instead. */
    register uint32_t mark __asm("r12") = EXIT_MARK;
    switch (code) {
    case 0: __asm volatile("bkpt #0" : : "r"(mark)); break;
    case 2: __asm volatile("bkpt #2" : : "r"(mark)); break;
    case 3: __asm volatile("bkpt #3" : : "r"(mark)); break;
    default: __asm volatile("bkpt #1" : : "r"(mark)); break;
    }
    for (;;)
        __asm volatile("wfe");
}
