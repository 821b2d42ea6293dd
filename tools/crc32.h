/* crc32.h: the CRC-32 the RP2040 boot ROM checks boot2 with: polynomial
 * 0x04c11db7, initial value 0xffffffff, MSB first (not reflected), no final
 * xor (also known as CRC-32/MPEG-2). */
#ifndef TOOLS_CRC32_H
#define TOOLS_CRC32_H
#include <stddef.h>
#include <stdint.h>

uint32_t boot2_crc32(const uint8_t *data, size_t len);

#endif
