/*
 * flash.c: the RP2040 side of the flash port contract (port/port_flash.h).
 *
 * Erase and program go through the boot ROM's flash functions, found in its
 * function table at boot (port_flash_boot, called by the reset handler
 * before the MPU's null-pointer guard covers the table pointers at 0x14 and
 * 0x18). One step, run from RAM with interrupts masked:
 *   connect_internal_flash, flash_exit_xip,          XIP gone from here
 *   flash_range_erase (one 4 KiB sector, 20h) or flash_range_program (one
 *   256-byte page from a RAM buffer),
 *   flash_flush_cache,                               stale cache lines gone
 *   our own boot2, copied to RAM at boot and called: XIP back at full speed.
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
#include "rp2040.h"
#include "tandem/error.h"

#define RAMFUNC __attribute__((section(".ramfunc"), noinline))
#define XIP_BASE 0x10000000u

extern uint8_t __flash_end__[], __td_store_start__[], __td_store_end__[], __td_flash_size__[];

typedef void (*rom_void_fn)(void);
typedef void (*rom_erase_fn)(uint32_t addr, uint32_t count, uint32_t block_size, uint8_t block_cmd);
typedef void (*rom_program_fn)(uint32_t addr, const uint8_t *data, uint32_t count);
typedef void *(*rom_lookup_fn)(uint32_t table, uint32_t code);

/* In RAM (.bss): read by the RAM routines while XIP is gone. */
static struct {
    rom_void_fn connect, exit_xip, flush, enter_xip;
    rom_erase_fn erase;
    rom_program_fn program;
    rom_void_fn boot2;                /* the copy below, Thumb bit set */
    uint8_t ready;
} rom;
static uint32_t boot2_copy[64];       /* boot2's 256 bytes, word-aligned */

/* A halfword of the boot ROM's header. The compiler must not see a
 * constant near-null pointer (it would call the read out of bounds). */
static uint32_t rom_hword(uintptr_t a)
{
    const volatile uint16_t *p;
    __asm("" : "=l"(p) : "0"(a));
    return *p;
}

void rp2040_flash_boot(void)
{
    rom_lookup_fn lookup = (rom_lookup_fn)rom_hword(0x18);
    uint32_t table = rom_hword(0x14);
#define ROM_FN(a, b) lookup(table, (uint32_t)(a) | ((uint32_t)(b) << 8))
    rom.connect = (rom_void_fn)ROM_FN('I', 'F');
    rom.exit_xip = (rom_void_fn)ROM_FN('E', 'X');
    rom.erase = (rom_erase_fn)ROM_FN('R', 'E');
    rom.program = (rom_program_fn)ROM_FN('R', 'P');
    rom.flush = (rom_void_fn)ROM_FN('F', 'C');
    rom.enter_xip = (rom_void_fn)ROM_FN('C', 'X');
#undef ROM_FN
    const volatile uint32_t *b2 = (const volatile uint32_t *)XIP_BASE;
    for (unsigned i = 0; i < 64u; i++)
        boot2_copy[i] = b2[i];
    rom.boot2 = (rom_void_fn)((uintptr_t)boot2_copy + 1u);
    rom.ready = rom.connect && rom.exit_xip && rom.erase && rom.program && rom.flush &&
                rom.enter_xip;
}

uint32_t port_flash_size(void)
{
    return (uint32_t)(uintptr_t)__td_flash_size__;
}

void port_flash_image(uint32_t *start, uint32_t *end)
{
    *start = 0;
    *end = (uint32_t)(uintptr_t)__flash_end__ - XIP_BASE;
}

void port_flash_store_region(uint32_t *start, uint32_t *end)
{
    *start = (uint32_t)(uintptr_t)__td_store_start__ - XIP_BASE;
    *end = (uint32_t)(uintptr_t)__td_store_end__ - XIP_BASE;
}

const uint8_t *port_flash_map(uint32_t offset)
{
    return (const uint8_t *)(uintptr_t)(XIP_BASE + offset);
}

int port_flash_ready(void)
{
    return rom.ready ? TD_OK : TD_ERR_UNSUPPORTED;
}

/* ---- one step, from RAM ------------------------------------------------------ */

RAMFUNC static void step_ram(uint32_t offset, const uint8_t *page)
{
    rom.connect();
    rom.exit_xip();
    if (page == 0)
        rom.erase(offset, PORT_FLASH_SECTOR, PORT_FLASH_SECTOR, 0x20);
    else
        rom.program(offset, page, PORT_FLASH_PAGE);
    rom.flush();
    rom.boot2();                      /* called (LR != 0): sets XIP up and returns */
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
            rom.boot2();              /* XIP, if the flash is idle by now */
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

/* ---- power cuts are the emulator's on the chip ------------------------------------ */

int port_flash_power_cut(uint32_t after_steps, uint32_t seed)
{
    (void)after_steps;
    (void)seed;
    return TD_ERR_UNSUPPORTED;
}

int port_flash_power_on(void)
{
    return TD_ERR_UNSUPPORTED;
}

int port_flash_reset_test(void)
{
    return TD_ERR_UNSUPPORTED;
}

uint32_t port_flash_steps(void)
{
    return 0;
}
