/*
 * rom.c: the boot ROM function table look-up (rom.h). The ROM's header
 * holds, as 16-bit pointers, its function table at 0x14 and the
 * rom_table_lookup(table, code) function at 0x18; a code is two ASCII
 * characters, the first in the low byte.
 */
#include "rom.h"

#include <stddef.h>

#define XIP_BASE 0x10000000u

rp2040_rom_t rp2040_rom;
static uint32_t boot2_copy[64];         /* boot2's 256 bytes, word-aligned, in RAM */
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
    rp2040_rom.flash_range_erase =
        (void (*)(uint32_t, uint32_t, uint32_t, uint8_t))lookup('R', 'E');
    rp2040_rom.flash_range_program =
        (void (*)(uint32_t, const uint8_t *, uint32_t))lookup('R', 'P');
    rp2040_rom.flash_flush_cache = (void (*)(void))lookup('F', 'C');
    rp2040_rom.flash_enter_cmd_xip = (void (*)(void))lookup('C', 'X');
    rp2040_rom.reset_usb_boot = (void (*)(uint32_t, uint32_t))lookup('U', 'B');
    const volatile uint32_t *b2 = (const volatile uint32_t *)XIP_BASE;
    for (unsigned i = 0; i < 64u; i++)
        boot2_copy[i] = b2[i];
    rp2040_rom.boot2 = (void (*)(void))((uintptr_t)boot2_copy + 1u);
    looked_up = true;
}

bool rp2040_rom_flash_ready(void)
{
    const rp2040_rom_t *r = &rp2040_rom;
    return r->connect_internal_flash != NULL && r->flash_exit_xip != NULL &&
           r->flash_range_erase != NULL && r->flash_range_program != NULL &&
           r->flash_flush_cache != NULL && r->flash_enter_cmd_xip != NULL;
}
