/*
 * rom.c: the boot ROM function table look-up (rom.h). The ROM's header
 * holds, as 16-bit pointers, its function table at 0x14 and the
 * rom_table_lookup(table, code) function at 0x18; a code is two ASCII
 * characters, the first in the low byte.
 */
#include "rom.h"

#include <stdbool.h>
#include <stddef.h>

rp2040_rom_t rp2040_rom;
static bool looked_up;

/* A halfword of the ROM at a small constant address (read with LDRH, so
 * the compiler does not take the address for a null pointer). */
static uint32_t rom_hword(uint32_t addr)
{
    uint32_t v;
    __asm volatile("ldrh %0, [%1]" : "=l"(v) : "l"(addr) : "memory");
    return v;
}

static void *lookup(char a, char b)
{
    typedef void *(*lookup_fn)(const uint16_t *table, uint32_t code);
    lookup_fn fn = (lookup_fn)(uintptr_t)rom_hword(0x18);
    const uint16_t *table = (const uint16_t *)(uintptr_t)rom_hword(0x14);
    return fn(table, (uint32_t)(unsigned char)a | (uint32_t)(unsigned char)b << 8);
}

void rp2040_rom_init(void)
{
    if (looked_up)
        return;
    rp2040_rom.connect_internal_flash = (void (*)(void))lookup('I', 'F');
    rp2040_rom.flash_exit_xip = (void (*)(void))lookup('E', 'X');
    rp2040_rom.flash_flush_cache = (void (*)(void))lookup('F', 'C');
    rp2040_rom.reset_usb_boot = (void (*)(uint32_t, uint32_t))lookup('U', 'B');
    looked_up = true;
}
