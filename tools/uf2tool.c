/*
 * uf2tool: make and check RP2040 UF2 files.
 *
 *   uf2tool convert IN.elf OUT.uf2     write the ELF's flash contents as UF2
 *   uf2tool check FILE.uf2 [IN.elf]    validate a UF2 (magics, family,
 *                                      contiguous 256-byte blocks, flash
 *                                      addresses, boot2 CRC); with IN.elf,
 *                                      also compare every block with the ELF
 *
 * Exit status 0 on success, 1 on a bad input (with a one-line reason), 2 on
 * a usage error.
 */
#include "elf32.h"
#include "uf2.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "uf2tool: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fprintf(stderr, "uf2tool: out of memory\n");
            fclose(f);
            return NULL;
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *bigger = realloc(buf, cap *= 2);
        if (!bigger)
            free(buf);
        buf = bigger;
    }
    fclose(f);
    *len = n;
    return buf;
}

static int load_elf(const char *path, uint8_t **raw, struct elf32_image *img)
{
    size_t len;
    const char *why;
    *raw = slurp(path, &len);
    if (!*raw)
        return -1;
    if (elf32_read(*raw, len, img, &why) != 0) {
        fprintf(stderr, "uf2tool: %s: %s\n", path, why);
        return -1;
    }
    return 0;
}

static int convert(const char *elf_path, const char *uf2_path)
{
    uint8_t *raw, *uf2;
    size_t uf2_len;
    const char *why;
    static struct elf32_image img;
    if (load_elf(elf_path, &raw, &img) != 0)
        return 1;
    if (uf2_from_elf(&img, &uf2, &uf2_len, &why) != 0) {
        fprintf(stderr, "uf2tool: %s: %s\n", elf_path, why);
        return 1;
    }
    FILE *f = fopen(uf2_path, "wb");
    int ok = f && fwrite(uf2, 1, uf2_len, f) == uf2_len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "uf2tool: %s: cannot write\n", uf2_path);
        remove(uf2_path);
    }
    free(uf2);
    free(raw);
    return ok ? 0 : 1;
}

static int check(const char *uf2_path, const char *elf_path)
{
    size_t len;
    const char *why;
    struct uf2_info info;
    uint8_t *buf = slurp(uf2_path, &len);
    if (!buf)
        return 1;
    if (uf2_check(buf, len, &info, &why) != 0) {
        fprintf(stderr, "uf2tool: %s: %s\n", uf2_path, why);
        free(buf);
        return 1;
    }
    if (!info.boot2_present) {
        fprintf(stderr, "uf2tool: %s: does not start at 0x10000000, so it has no boot2 "
                        "and would not boot\n", uf2_path);
        free(buf);
        return 1;
    }
    if (elf_path) {
        uint8_t *raw;
        static struct elf32_image img;
        if (load_elf(elf_path, &raw, &img) != 0) {
            free(buf);
            return 1;
        }
        for (uint32_t b = 0; b < info.blocks; b++) {
            uint8_t page[256];
            uint32_t addr = info.first_addr + b * 256;
            uf2_page_from_elf(&img, addr, page);
            if (memcmp(page, buf + (size_t)b * 512 + 32, 256) != 0) {
                fprintf(stderr, "uf2tool: %s: block %u (0x%08x) differs from %s\n",
                        uf2_path, b, addr, elf_path);
                free(raw);
                free(buf);
                return 1;
            }
        }
        free(raw);
    }
    printf("%s: %u blocks, flash 0x%08x-0x%08x, boot2 CRC 0x%08x ok\n", uf2_path,
           info.blocks, info.first_addr, info.end_addr, info.boot2_crc_stored);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "convert") == 0)
        return convert(argv[2], argv[3]);
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "check") == 0)
        return check(argv[2], argc == 4 ? argv[3] : NULL);
    fprintf(stderr, "usage: uf2tool convert IN.elf OUT.uf2\n"
                    "       uf2tool check FILE.uf2 [IN.elf]\n");
    return 2;
}
