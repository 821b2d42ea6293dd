/*
 * rom.h: the boot ROM functions tandem calls (datasheet 2.8.3), looked up
 * once at boot through the ROM's table (its pointers are halfwords at 0x14
 * and 0x18), and a RAM copy of boot2. Look-up must happen before the MPU's
 * null-pointer guard (region 0 over the first 256 bytes) is armed, or
 * reading those two pointers faults: the reset handler calls
 * rp2040_rom_init on core 0.
 *
 * Everything here is in RAM (.bss), so code running while the flash is out
 * of XIP mode (flash.c's erase and program steps, flash_id.c's unique id
 * read) can reach the ROM functions and boot2 without touching the flash.
 */
#ifndef TANDEM_PORT_ROM_H
#define TANDEM_PORT_ROM_H

#include <stdbool.h>
#include <stdint.h>

typedef struct rp2040_rom {
    void (*connect_internal_flash)(void);   /* 'IF' */
    void (*flash_exit_xip)(void);           /* 'EX' */
    /* 'RE': erase count bytes at addr (a flash offset), block_size at a time with block_cmd */
    void (*flash_range_erase)(uint32_t addr, uint32_t count, uint32_t block_size,
                              uint8_t block_cmd);
    /* 'RP': program count bytes (a multiple of 256) at addr from data */
    void (*flash_range_program)(uint32_t addr, const uint8_t *data, uint32_t count);
    void (*flash_flush_cache)(void);        /* 'FC' */
    void (*flash_enter_cmd_xip)(void);      /* 'CX' */
    /* 'UB': reboot into BOOTSEL (USB mass storage and PICOBOOT); does not return */
    void (*reset_usb_boot)(uint32_t activity_gpio_mask, uint32_t disable_interface_mask);
    /* The RAM copy of boot2 (Thumb bit set): called (LR not 0) it sets the
     * SSI up for fast XIP again and returns. */
    void (*boot2)(void);
} rp2040_rom_t;

/* The functions found (NULL where the ROM has none). */
extern rp2040_rom_t rp2040_rom;

/* Look them up and copy boot2 (the flash's first 256 bytes) to RAM; a
 * second call does nothing. Start-up code on core 0, memory protection
 * off, XIP up. */
void rp2040_rom_init(void);

/* Whether the six flash functions (IF, EX, RE, RP, FC, CX) were found, so
 * that the flash can be erased and programmed. Anywhere. */
bool rp2040_rom_flash_ready(void);

#endif
