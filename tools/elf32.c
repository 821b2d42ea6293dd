#include "elf32.h"

#include <string.h>

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

#define FAIL(msg) do { *why = (msg); return -1; } while (0)

int elf32_read(const uint8_t *buf, size_t len, struct elf32_image *img, const char **why)
{
    memset(img, 0, sizeof *img);
    if (len < 52 || memcmp(buf, "\177ELF", 4) != 0)
        FAIL("not an ELF file");
    if (buf[4] != 1 || buf[5] != 1)
        FAIL("not a 32-bit little-endian ELF file");
    if (rd16(buf + 16) != 2)
        FAIL("not an executable (ELF type is not EXEC)");
    if (rd16(buf + 18) != 40)
        FAIL("not an ARM executable (wrong e_machine): built for another chip");
    img->entry = rd32(buf + 24);
    uint32_t phoff = rd32(buf + 28);
    uint16_t phentsize = rd16(buf + 42), phnum = rd16(buf + 44);
    if (phnum == 0)
        FAIL("no program headers");
    if (phentsize < 32)
        FAIL("bad program header size");
    if (phoff > len || (uint64_t)phnum * phentsize > len - phoff)
        FAIL("program headers lie outside the file (truncated?)");
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = buf + phoff + (size_t)i * phentsize;
        if (rd32(ph) != 1)          /* PT_LOAD only */
            continue;
        uint32_t off = rd32(ph + 4), filesz = rd32(ph + 16);
        if (filesz == 0)
            continue;
        if (off > len || filesz > len - off)
            FAIL("segment data lies outside the file (truncated?)");
        if (img->count == ELF32_MAX_SEGMENTS)
            FAIL("too many loadable segments");
        struct elf32_segment *s = &img->seg[img->count++];
        s->vaddr = rd32(ph + 8);
        s->paddr = rd32(ph + 12);
        s->filesz = filesz;
        s->memsz = rd32(ph + 20);
        s->data = buf + off;
        if ((uint64_t)s->paddr + filesz > 0x100000000ull)
            FAIL("segment wraps the address space");
    }
    if (img->count == 0)
        FAIL("no loadable segments");
    return 0;
}
