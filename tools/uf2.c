#include "uf2.h"

#include "crc32.h"

#include <stdlib.h>
#include <string.h>

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

#define FAIL(msg) do { *why = (msg); return -1; } while (0)

static int in_flash(const struct elf32_segment *s)
{
    return s->paddr >= RP2040_FLASH_START && s->paddr < RP2040_FLASH_END;
}

void uf2_page_from_elf(const struct elf32_image *img, uint32_t addr, uint8_t page[256])
{
    memset(page, 0, UF2_PAYLOAD);
    for (unsigned i = 0; i < img->count; i++) {
        const struct elf32_segment *s = &img->seg[i];
        if (!in_flash(s))
            continue;
        uint64_t lo = s->paddr > addr ? s->paddr : addr;
        uint64_t hi = (uint64_t)s->paddr + s->filesz;
        if (hi > (uint64_t)addr + UF2_PAYLOAD)
            hi = (uint64_t)addr + UF2_PAYLOAD;
        if (lo < hi)
            memcpy(page + (lo - addr), s->data + (lo - s->paddr), (size_t)(hi - lo));
    }
}

int uf2_from_elf(const struct elf32_image *img, uint8_t **out, size_t *out_len, const char **why)
{
    uint32_t lo = UINT32_MAX, hi = 0;
    *out = NULL;
    *out_len = 0;
    for (unsigned i = 0; i < img->count; i++) {
        const struct elf32_segment *s = &img->seg[i];
        if (s->paddr >= 0x20000000u && s->paddr < 0x20042000u)
            FAIL("a loadable segment has its load address in RAM: it would be lost "
                 "(link .data with AT> FLASH)");
        if (!in_flash(s) || (uint64_t)s->paddr + s->filesz > RP2040_FLASH_END)
            FAIL("a loadable segment lies outside flash (0x10000000-0x11000000)");
        if (s->paddr < lo) lo = s->paddr;
        if (s->paddr + s->filesz > hi) hi = s->paddr + s->filesz;
    }
    if (hi == 0)
        FAIL("no flash contents");
    /* Every 256-byte page from the first to the last is written, so the
     * blocks are contiguous. */
    lo &= ~(UF2_PAYLOAD - 1);
    uint32_t blocks = (hi - lo + UF2_PAYLOAD - 1) / UF2_PAYLOAD;
    uint8_t *buf = calloc(blocks, UF2_BLOCK_SIZE);
    if (!buf)
        FAIL("out of memory");
    for (uint32_t b = 0; b < blocks; b++) {
        uint8_t *blk = buf + (size_t)b * UF2_BLOCK_SIZE;
        uint32_t addr = lo + b * UF2_PAYLOAD;
        wr32(blk + 0, UF2_MAGIC_START0);
        wr32(blk + 4, UF2_MAGIC_START1);
        wr32(blk + 8, UF2_FLAG_FAMILY);
        wr32(blk + 12, addr);
        wr32(blk + 16, UF2_PAYLOAD);
        wr32(blk + 20, b);
        wr32(blk + 24, blocks);
        wr32(blk + 28, UF2_FAMILY_RP2040);
        uf2_page_from_elf(img, addr, blk + 32);
        wr32(blk + 508, UF2_MAGIC_END);
    }
    *out = buf;
    *out_len = (size_t)blocks * UF2_BLOCK_SIZE;
    return 0;
}

int uf2_check(const uint8_t *buf, size_t len, struct uf2_info *info, const char **why)
{
    memset(info, 0, sizeof *info);
    if (len == 0)
        FAIL("empty file");
    if (len % UF2_BLOCK_SIZE)
        FAIL("size is not a multiple of 512 bytes");
    uint32_t n = (uint32_t)(len / UF2_BLOCK_SIZE);
    for (uint32_t b = 0; b < n; b++) {
        const uint8_t *blk = buf + (size_t)b * UF2_BLOCK_SIZE;
        if (rd32(blk) != UF2_MAGIC_START0 || rd32(blk + 4) != UF2_MAGIC_START1 ||
            rd32(blk + 508) != UF2_MAGIC_END)
            FAIL("bad block magic");
        if (!(rd32(blk + 8) & UF2_FLAG_FAMILY) || rd32(blk + 28) != UF2_FAMILY_RP2040)
            FAIL("not for the RP2040 (family id is not 0xe48bff56)");
        if (rd32(blk + 16) != UF2_PAYLOAD)
            FAIL("payload size is not 256 bytes");
        if (rd32(blk + 20) != b || rd32(blk + 24) != n)
            FAIL("block numbers are not 0..N-1 of N");
        uint32_t addr = rd32(blk + 12);
        if (addr % UF2_PAYLOAD)
            FAIL("block address is not 256-byte aligned");
        if (addr < RP2040_FLASH_START || addr >= RP2040_FLASH_END)
            FAIL("block address outside flash");
        if (b == 0)
            info->first_addr = addr;
        else if (addr != info->first_addr + b * UF2_PAYLOAD)
            FAIL("block addresses are not contiguous and ascending");
        info->blocks = b + 1;
        info->end_addr = addr + UF2_PAYLOAD;
    }
    if (info->first_addr == RP2040_FLASH_START) {
        const uint8_t *boot2 = buf + 32;
        info->boot2_present = 1;
        info->boot2_crc_stored = rd32(boot2 + 252);
        info->boot2_crc_computed = boot2_crc32(boot2, 252);
        if (info->boot2_crc_stored != info->boot2_crc_computed)
            FAIL("boot2 CRC mismatch: the boot ROM would not boot this image");
    }
    return 0;
}
