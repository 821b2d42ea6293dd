/*
 * rom.h: the boot ROM functions tandem calls (datasheet 2.8.3), looked up
 * once at boot through the ROM's table (its pointers are halfwords at 0x14
 * and 0x18). Look-up must happen before the MPU's null-pointer guard
 * (region 0 over the first 256 bytes) is armed, or reading those two
 * pointers faults: it runs on core 0 in start-up code.
 */
#ifndef TANDEM_PORT_ROM_H
#define TANDEM_PORT_ROM_H

#include <stdint.h>

typedef struct rp2040_rom {
    void (*connect_internal_flash)(void);   /* 'IF' */
    void (*flash_exit_xip)(void);           /* 'EX' */
    void (*flash_flush_cache)(void);        /* 'FC' */
    /* 'UB': reboot into BOOTSEL (USB mass storage and PICOBOOT); does not return */
    void (*reset_usb_boot)(uint32_t activity_gpio_mask, uint32_t disable_interface_mask);
} rp2040_rom_t;

/* The functions found (NULL where the ROM has none). */
extern rp2040_rom_t rp2040_rom;

/* Look them up; a second call does nothing. Start-up code on core 0,
 * memory protection off. */
void rp2040_rom_init(void);

#endif
