/*
 * test_tools.c: unit tests of the boot2 CRC, the ELF reader and the UF2
 * writer/checker. Prints "TEST name" before each test, "PASS name" /
 * "FAIL name: reason" after it, and "N passed, M failed" at the end.
 */
#include "crc32.h"
#include "elf32.h"
#include "uf2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, passes;
static const char *cur;
static int cur_failed;

#define CHECK(c) do { if (!(c) && !cur_failed) { \
    printf("FAIL %s: %s (%s:%d)\n", cur, #c, __FILE__, __LINE__); cur_failed = 1; failures++; } } while (0)
#define TEST(name) for (cur = #name, cur_failed = 0, printf("TEST %s\n", cur); cur; \
    (cur_failed ? 0 : (passes++, printf("PASS %s\n", cur))), cur = NULL)

static void wr32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

/* A minimal ARM ELF with one PT_LOAD segment of n bytes at paddr. */
static size_t make_elf(uint8_t *buf, uint32_t paddr, const uint8_t *data, uint32_t n)
{
    memset(buf, 0, 52 + 32);
    memcpy(buf, "\177ELF", 4);
    buf[4] = 1; buf[5] = 1; buf[6] = 1;
    wr16(buf + 16, 2);        /* EXEC */
    wr16(buf + 18, 40);       /* ARM */
    wr32(buf + 20, 1);
    wr32(buf + 24, paddr | 1);
    wr32(buf + 28, 52);       /* phoff */
    wr16(buf + 40, 52);
    wr16(buf + 42, 32);
    wr16(buf + 44, 1);
    uint8_t *ph = buf + 52;
    wr32(ph, 1);
    wr32(ph + 4, 84);
    wr32(ph + 8, paddr);
    wr32(ph + 12, paddr);
    wr32(ph + 16, n);
    wr32(ph + 20, n);
    memcpy(buf + 84, data, n);
    return 84 + n;
}

int main(void)
{
    static uint8_t elf[4096], data[1000];
    struct elf32_image img;
    const char *why;
    setvbuf(stdout, NULL, _IOLBF, 0);     /* every line out before a crash could lose it */

    TEST(crc32_check_value) {
        /* CRC-32/MPEG-2 check value: the ROM's parameters. */
        CHECK(boot2_crc32((const uint8_t *)"123456789", 9) == 0x0376e6e7u);
        CHECK(boot2_crc32(NULL, 0) == 0xffffffffu);
    }

    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    size_t elf_len = make_elf(elf, 0x10000000u, data, sizeof data);

    TEST(elf_reads_segments) {
        CHECK(elf32_read(elf, elf_len, &img, &why) == 0);
        CHECK(img.count == 1 && img.seg[0].paddr == 0x10000000u && img.seg[0].filesz == 1000);
        CHECK(img.entry == 0x10000001u);
    }

    TEST(elf_rejects_bad_input) {
        static uint8_t bad[4096];
        CHECK(elf32_read(elf, 10, &img, &why) != 0);                  /* truncated header */
        memcpy(bad, elf, elf_len);
        bad[0] = 'X';
        CHECK(elf32_read(bad, elf_len, &img, &why) != 0 && strstr(why, "not an ELF"));
        memcpy(bad, elf, elf_len);
        wr16(bad + 18, 62);                                            /* x86-64 */
        CHECK(elf32_read(bad, elf_len, &img, &why) != 0 && strstr(why, "ARM"));
        memcpy(bad, elf, elf_len);
        bad[4] = 2;                                                    /* 64-bit */
        CHECK(elf32_read(bad, elf_len, &img, &why) != 0);
        CHECK(elf32_read(elf, elf_len - 1, &img, &why) != 0 && strstr(why, "outside the file"));
        memcpy(bad, elf, elf_len);
        wr32(bad + 28, 0xfffffff0u);                                   /* phoff past end */
        CHECK(elf32_read(bad, elf_len, &img, &why) != 0);
    }

    TEST(uf2_roundtrip) {
        uint8_t *uf2;
        size_t len;
        struct uf2_info info;
        CHECK(elf32_read(elf, elf_len, &img, &why) == 0);
        CHECK(uf2_from_elf(&img, &uf2, &len, &why) == 0);
        CHECK(len == 4 * 512);                        /* 1000 bytes -> 4 pages */
        /* Our synthetic "boot2" has no valid CRC: the checker must say so. */
        CHECK(uf2_check(uf2, len, &info, &why) != 0 && strstr(why, "boot2 CRC"));
        /* Give it a valid CRC and check again; compare payloads. */
        uint32_t crc = boot2_crc32(data, 252);
        data[252] = (uint8_t)crc; data[253] = (uint8_t)(crc >> 8);
        data[254] = (uint8_t)(crc >> 16); data[255] = (uint8_t)(crc >> 24);
        free(uf2);
        elf_len = make_elf(elf, 0x10000000u, data, sizeof data);
        CHECK(elf32_read(elf, elf_len, &img, &why) == 0);
        CHECK(uf2_from_elf(&img, &uf2, &len, &why) == 0);
        CHECK(uf2_check(uf2, len, &info, &why) == 0);
        CHECK(info.blocks == 4 && info.first_addr == 0x10000000u && info.end_addr == 0x10000400u);
        for (unsigned b = 0; b < 4; b++) {
            uint8_t page[256];
            uf2_page_from_elf(&img, 0x10000000u + 256 * b, page);
            CHECK(memcmp(page, uf2 + 512 * b + 32, 256) == 0);
        }
        CHECK(uf2[512 * 3 + 32 + (1000 - 768)] == 0);  /* padding after the data */
        /* Each corruption is caught. */
        uf2[512 + 28] ^= 1;                           /* family id */
        CHECK(uf2_check(uf2, len, &info, &why) != 0 && strstr(why, "RP2040"));
        uf2[512 + 28] ^= 1;
        uf2[1024 + 12] ^= 1;                          /* address */
        CHECK(uf2_check(uf2, len, &info, &why) != 0);
        uf2[1024 + 12] ^= 1;
        uf2[1024 + 1] ^= 1;                           /* magic */
        CHECK(uf2_check(uf2, len, &info, &why) != 0 && strstr(why, "magic"));
        uf2[1024 + 1] ^= 1;
        uf2[32 + 5] ^= 0x40;                          /* boot2 byte */
        CHECK(uf2_check(uf2, len, &info, &why) != 0 && strstr(why, "boot2 CRC"));
        uf2[32 + 5] ^= 0x40;
        CHECK(uf2_check(uf2, len - 1, &info, &why) != 0);
        CHECK(uf2_check(uf2, len, &info, &why) == 0);
        free(uf2);
    }

    TEST(uf2_rejects_segments_outside_flash) {
        uint8_t *uf2;
        size_t len;
        size_t l = make_elf(elf, 0x20000000u, data, 16);
        CHECK(elf32_read(elf, l, &img, &why) == 0);
        CHECK(uf2_from_elf(&img, &uf2, &len, &why) != 0 && strstr(why, "RAM"));
        l = make_elf(elf, 0x30000000u, data, 16);
        CHECK(elf32_read(elf, l, &img, &why) == 0);
        CHECK(uf2_from_elf(&img, &uf2, &len, &why) != 0 && strstr(why, "outside flash"));
    }

    printf("%d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
