/*
 * common/flash_cut.h: power cuts for a flash kept in software (the host
 * port's RAM array, the AN521's SSRAM): the test half of the flash contract
 * (port/port.h, "flash": port_flash_power_cut) and the model of the step a
 * cut interrupts, as the emulator's (sim/README.md "The flash"): a page
 * program leaves a prefix of its bytes or a random subset of the bits it
 * was to clear; an erase leaves the sector's bits randomly cleared,
 * randomly set, or random bytes. Steps after the cut do nothing until the
 * power is back.
 *
 * The port serialises: it makes each call with its flash steps serialised
 * (the host's lock, the chip's masked interrupts with the other core
 * parked), and counts every step through common_flash_erase/_program.
 */
#ifndef TANDEM_COMMON_FLASH_CUT_H
#define TANDEM_COMMON_FLASH_CUT_H

#include <stdint.h>

/* An erase of the PORT_FLASH_SECTOR bytes at sector: in full, half done (the
 * cut's step) or not at all (after it). */
void common_flash_erase(uint8_t *sector);

/* A program of the PORT_FLASH_PAGE bytes of page into dst (each byte ANDed),
 * likewise. */
void common_flash_program(uint8_t *dst, const uint8_t *page);

/* port_flash_power_cut, port_flash_power_on, port_flash_steps; and the
 * counters' part of port_flash_reset_test (power on, 0 steps). */
void common_flash_cut(uint32_t after_steps, uint32_t seed);
void common_flash_power_on(void);
uint32_t common_flash_steps(void);
void common_flash_cut_reset(void);

#endif /* TANDEM_COMMON_FLASH_CUT_H */
