/*
 * flash.c: the flash port contract (port/port.h, "flash") on the AN521 as
 * QEMU models it. The board has no flash tandem can write: the image runs
 * from SSRAM1 (0x10000000), which QEMU loads from the ELF. So the first
 * 2 MiB of SSRAM1 play the flash, laid out as the RP2040's (memmap.ld):
 * the image at its start, the key-value store's region (TD_STORE_SIZE) at
 * its end, with NOR flash semantics kept in software, as the host port
 * keeps them in its RAM array: an erase sets a 4 KiB sector to 0xff, a
 * program can only clear bits (each byte ANDed with the page's).
 *
 * What this proves and what it does not: the kernel's side runs as on a
 * chip (the lockout, the other core parked or halted answering, the store
 * on top); no step ever leaves "XIP", so nothing here shows that the
 * parked core stays off the flash. Power cuts for tests are modelled as
 * the host port models them (port/common/flash_cut.c: the step a cut
 * interrupts left half done, later steps not done until the power is back),
 * so the store's power-cut tests run here too; a test's blank flash
 * (port_flash_reset_test) is the store region erased, not the whole flash,
 * whose start holds the running image. The store region is not in the ELF:
 * QEMU starts it as zeros, not erased, and keeps it across a system reset
 * (port_reboot).
 */
#include "an521.h"
#include "common/flash_cut.h"
#include "hw/m33.h"
#include "port.h"
#include "tandem/error.h"

#include <string.h>

/* The layout (size, image, store region, read at PORT_FLASH_BASE):
 * port/common/flash_window.c. */

int port_flash_ready(void)
{
    return TD_OK;
}

void port_flash_erase_sector(uint32_t offset)
{
    port_irq_state_t s = port_irq_save();
    common_flash_erase((uint8_t *)(uintptr_t)(PORT_FLASH_BASE + (offset & ~(PORT_FLASH_SECTOR - 1u))));
    __asm volatile("dsb" ::: "memory");
    port_irq_restore(s);
}

void port_flash_program_page(uint32_t offset, const uint8_t *page)
{
    port_irq_state_t s = port_irq_save();
    common_flash_program((uint8_t *)(uintptr_t)(PORT_FLASH_BASE + (offset & ~(PORT_FLASH_PAGE - 1u))), page);
    __asm volatile("dsb" ::: "memory");
    port_irq_restore(s);
}

/* ---- the other core ----------------------------------------------------------- */

uint32_t port_flash_park(port_flash_lockout_t *l, uint32_t max_us)
{
    port_irq_state_t s = port_irq_save();
    uint32_t a = l->ask, t = 0;
    if (a != 0 && (a & 1u) == port_core_id()) {
        __asm volatile("dmb" ::: "memory");
        l->ack = a;
        __asm volatile("dmb" ::: "memory");
        uint64_t t0 = port_time_us();
        for (;;) {
            t = (uint32_t)(port_time_us() - t0);
            if (l->release == a || l->ask != a || t >= max_us)
                break;
            __asm volatile("yield");  /* QEMU's one-thread mode runs the writer then */
        }
        __asm volatile("dmb" ::: "memory");
    }
    port_irq_restore(s);
    return t;
}

/* ---- power cuts, for tests (common/flash_cut.h) ------------------------------------ */

int port_flash_reset_test(void)
{
    uint32_t start, end;
    port_flash_store_region(&start, &end);
    port_irq_state_t s = port_irq_save();
    memset((uint8_t *)(uintptr_t)(PORT_FLASH_BASE + start), 0xff, end - start);
    __asm volatile("dsb" ::: "memory");
    common_flash_cut_reset();
    port_irq_restore(s);
    return TD_OK;
}

int port_flash_power_cut(uint32_t after_steps, uint32_t seed)
{
    port_irq_state_t s = port_irq_save();
    common_flash_cut(after_steps, seed);
    port_irq_restore(s);
    return TD_OK;
}

int port_flash_power_on(void)
{
    port_irq_state_t s = port_irq_save();
    common_flash_power_on();
    port_irq_restore(s);
    return TD_OK;
}

uint32_t port_flash_steps(void)
{
    return common_flash_steps();
}
