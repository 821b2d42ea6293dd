/*
 * boot2pad: turn boot2's raw code into the 256-byte block the boot ROM
 * accepts: the code, zero padding to 252 bytes, then the CRC32 of those 252
 * bytes, little-endian.
 *
 * usage: boot2pad IN.bin OUT.bin
 */
#include "crc32.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: boot2pad IN.bin OUT.bin\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        fprintf(stderr, "boot2pad: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    uint8_t block[256] = { 0 };
    size_t n = fread(block, 1, 252, in);
    int extra = fgetc(in);
    fclose(in);
    if (extra != EOF) {
        fprintf(stderr, "boot2pad: %s: boot2 code is larger than 252 bytes\n", argv[1]);
        return 1;
    }
    if (n == 0) {
        fprintf(stderr, "boot2pad: %s: empty boot2\n", argv[1]);
        return 1;
    }
    uint32_t crc = boot2_crc32(block, 252);
    for (int i = 0; i < 4; i++)
        block[252 + i] = (uint8_t)(crc >> (8 * i));
    FILE *out = fopen(argv[2], "wb");
    if (!out || fwrite(block, 1, sizeof block, out) != sizeof block || fclose(out) != 0) {
        fprintf(stderr, "boot2pad: %s: cannot write\n", argv[2]);
        return 1;
    }
    return 0;
}
