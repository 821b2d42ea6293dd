/*
 * uf2.h: writing and checking UF2 files for the RP2040 (the format the
 * BOOTSEL mass-storage drive accepts): 512-byte blocks, each carrying 256
 * bytes for one flash address, tagged with the RP2040 family id.
 * Both functions work on memory buffers and never read outside them.
 */
#ifndef TOOLS_UF2_H
#define TOOLS_UF2_H
#include <stddef.h>
#include <stdint.h>

#include "elf32.h"

#define UF2_MAGIC_START0   0x0a324655u
#define UF2_MAGIC_START1   0x9e5d5157u
#define UF2_MAGIC_END      0x0ab16f30u
#define UF2_FLAG_FAMILY    0x00002000u
#define UF2_FAMILY_RP2040  0xe48bff56u
#define UF2_BLOCK_SIZE     512u
#define UF2_PAYLOAD        256u
#define RP2040_FLASH_START 0x10000000u
#define RP2040_FLASH_END   0x11000000u   /* 16 MiB: the largest XIP window */

struct uf2_info {
    uint32_t blocks;
    uint32_t first_addr;
    uint32_t end_addr;      /* one past the last byte */
    int boot2_present;      /* first block is at the start of flash */
    uint32_t boot2_crc_stored, boot2_crc_computed;
};

/* Make a UF2 image of the flash contents of an ELF image. Bytes of a 256-byte
 * page not covered by any segment are 0. *out is malloc'ed (caller frees).
 * Returns 0, or -1 with *why set (e.g. a segment outside flash). */
int uf2_from_elf(const struct elf32_image *img, uint8_t **out, size_t *out_len,
                 const char **why);

/* Check a UF2 image: size, magics, RP2040 family, 256-byte payloads,
 * block numbering, contiguous ascending flash addresses, and, when the image
 * starts at flash address 0x10000000, the boot2 CRC the boot ROM checks.
 * Returns 0 if valid, -1 with *why set otherwise; fills *info either way as
 * far as it got. */
int uf2_check(const uint8_t *buf, size_t len, struct uf2_info *info, const char **why);

/* The flash bytes an ELF image puts at [addr, addr+256), as uf2_from_elf
 * would write them (used to compare a UF2 with its ELF). */
void uf2_page_from_elf(const struct elf32_image *img, uint32_t addr, uint8_t page[256]);

#endif
