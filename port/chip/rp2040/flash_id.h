/*
 * flash_id.h: the board's unique id: the 64-bit unique id of the QSPI
 * flash (the RUID command 4Bh of Winbond-style serial flash, as the
 * pico-sdk's pico_unique_id reads it). The RP2040 itself has no unique id.
 */
#ifndef TANDEM_PORT_FLASH_ID_H
#define TANDEM_PORT_FLASH_ID_H

#include <stdint.h>

/* Read the id into id[8]. The command cannot be sent while code runs from
 * flash: the transfer runs from RAM with interrupts masked, XIP left
 * through the boot ROM and re-entered through the RAM copy of boot2
 * (rom.h). Call
 * on core 0 while core 1 does not execute from flash (start-up, before
 * core 1 is launched), after rp2040_rom_init. Returns 0, TD_ERR_UNSUPPORTED
 * (the ROM lacks a flash function) or TD_ERR_NO_RESPONSE (the flash
 * answered all ones or all zeros: no id). */
int rp2040_flash_unique_id(uint8_t id[8]);

#endif
