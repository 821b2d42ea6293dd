/*
 * flash_window.c: the flash port contract's layout half (port/port.h,
 * "flash": port_flash_size, port_flash_image, port_flash_store_region,
 * port_flash_map) for a chip whose flash is read as memory at
 * PORT_FLASH_BASE (its port_limits.h) and laid out by its linker script:
 * __td_flash_size__ (the flash's size), __flash_end__ (the end of the
 * image: code, read-only data, the initial values of RAM data),
 * __td_store_start__ and __td_store_end__ (the key-value store's region).
 * The RP2040's XIP window; the AN521's SSRAM1, which plays the flash.
 */
#include "port.h"

extern uint8_t __flash_end__[], __td_store_start__[], __td_store_end__[], __td_flash_size__[];

uint32_t port_flash_size(void)
{
    return (uint32_t)(uintptr_t)__td_flash_size__;
}

void port_flash_image(uint32_t *start, uint32_t *end)
{
    *start = 0;
    *end = (uint32_t)(uintptr_t)__flash_end__ - PORT_FLASH_BASE;
}

void port_flash_store_region(uint32_t *start, uint32_t *end)
{
    *start = (uint32_t)(uintptr_t)__td_store_start__ - PORT_FLASH_BASE;
    *end = (uint32_t)(uintptr_t)__td_store_end__ - PORT_FLASH_BASE;
}

const uint8_t *port_flash_map(uint32_t offset)
{
    return (const uint8_t *)(uintptr_t)(PORT_FLASH_BASE + offset);
}
