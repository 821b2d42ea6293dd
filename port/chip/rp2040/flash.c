/*
 * flash.c: the RP2040 side of the flash port contract (port/port.h,
 * "flash").
 *
 * Erase and program go through the boot ROM's flash functions, found with
 * the others tandem calls by rom.c at reset (rom.h). One step, run from RAM
 * with interrupts masked:
 *   connect_internal_flash, flash_exit_xip,          XIP gone from here
 *   flash_range_erase (one 4 KiB sector, 20h) or flash_range_program (one
 *   256-byte page from a RAM buffer),
 *   flash_flush_cache,                               stale cache lines gone
 *   our own boot2, copied to RAM at reset and called: XIP back at full speed.
 * Nothing in a step reads the flash: the routine, its literals, the page
 * buffer, the ROM function pointers and the boot2 copy are all in RAM.
 *
 * The other core's side (port_flash_park) is also RAM code (the halted
 * core's loop is the CPU layer's port_halt).
 * The parked core sleeps (WFE) between looks at the lockout record: the
 * writer's SEV at the release wakes it, and so does its own SysTick, whose
 * pending bit it clears before each sleep so that the next tick pends anew
 * (SEVONPEND): its wait stays bounded even if the writer never comes back.
 */
#include "hw/m0plus.h"
#include "hw/sio.h"
#include "hw/timer.h"
#include "port.h"
#include "rom.h"
#include "tandem/error.h"

/* (long_call: called from flash without a linker veneer, as armv6m cpu.c's halted) */
#define RAMFUNC __attribute__((section(".ram_text.rp2040_flash"), noinline, long_call))

/* The layout (size, image, store region, the XIP window at PORT_FLASH_BASE):
 * port/common/flash_window.c. */

int port_flash_ready(void)
{
    return rp2040_rom_flash_ready() ? TD_OK : TD_ERR_UNSUPPORTED;
}

/* ---- one step, from RAM ------------------------------------------------------ */

RAMFUNC static void step_ram(uint32_t offset, const uint8_t *page)
{
    const rp2040_rom_t *rom = &rp2040_rom;
    rom->connect_internal_flash();
    rom->flash_exit_xip();
    if (page == 0)
        rom->flash_range_erase(offset, PORT_FLASH_SECTOR, PORT_FLASH_SECTOR, 0x20);
    else
        rom->flash_range_program(offset, page, PORT_FLASH_PAGE);
    rom->flash_flush_cache();
    rom->boot2();                     /* called (LR != 0): sets XIP up and returns */
}

void port_flash_erase_sector(uint32_t offset)
{
    port_irq_state_t s = port_irq_save();
    step_ram(offset, 0);
    port_irq_restore(s);
}

void port_flash_program_page(uint32_t offset, const uint8_t *page)
{
    port_irq_state_t s = port_irq_save();
    step_ram(offset, page);
    port_irq_restore(s);
}

/* ---- the other core ----------------------------------------------------------- */

RAMFUNC static uint32_t park_ram(port_flash_lockout_t *l, uint32_t me, uint32_t max_us)
{
    uint32_t a = l->ask;
    if (a == 0 || (a & 1u) != me)
        return 0;
    __asm volatile("dmb" ::: "memory");
    l->ack = a;
    __asm volatile("dmb" ::: "memory");
    uint32_t t0 = TIMER->timerawl, t, scr = SCB->scr;
    SCB->scr = scr | SCB_SCR_SEVONPEND_BITS;
    for (;;) {
        t = TIMER->timerawl - t0;
        if (l->release == a || l->ask != a)
            break;
        if (t >= max_us) {            /* the writer never came back */
            rp2040_rom.boot2();       /* XIP, if the flash is idle by now */
            break;
        }
        SCB->icsr = SCB_ICSR_PENDSTCLR_BITS;   /* the next tick: a new pend, an event */
        __asm volatile("wfe");
    }
    SCB->scr = scr;
    __asm volatile("dmb" ::: "memory");
    return t;
}

uint32_t port_flash_park(port_flash_lockout_t *l, uint32_t max_us)
{
    port_irq_state_t s = port_irq_save();
    uint32_t us = park_ram(l, SIO->cpuid, max_us);
    port_irq_restore(s);
    return us;
}

/* Power cuts are the emulator's on the chip: port/common/flash_nocut.c. */
