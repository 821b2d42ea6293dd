/*
 * elf32.h: a strict reader for 32-bit little-endian ARM ELF executables,
 * enough to find the loadable segments. Works on a buffer in memory and never
 * reads outside it, whatever the input (it is fuzzed).
 */
#ifndef TOOLS_ELF32_H
#define TOOLS_ELF32_H
#include <stddef.h>
#include <stdint.h>

#define ELF32_MAX_SEGMENTS 32

struct elf32_segment {
    uint32_t paddr;      /* physical (load) address */
    uint32_t vaddr;
    uint32_t filesz;
    uint32_t memsz;
    const uint8_t *data; /* filesz bytes inside the input buffer */
};

struct elf32_image {
    uint32_t entry;
    unsigned count;
    struct elf32_segment seg[ELF32_MAX_SEGMENTS];
};

/* Parse buf[0..len). On success returns 0 and fills img with the PT_LOAD
 * segments that have file data. On failure returns -1 and sets *why to a
 * short reason ("not an ELF file", "not a 32-bit ARM executable", ...). */
int elf32_read(const uint8_t *buf, size_t len, struct elf32_image *img, const char **why);

#endif
