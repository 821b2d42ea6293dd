/*
 * kernel/store_fmt.h: the key-value store's format in flash (tandem/store.h),
 * as pure functions on a sector's bytes: no flash access, no state, so the
 * parser can be fuzzed (tools/fuzz/fuzz_store.c). Private to kernel/, the
 * tests and the fuzz target. The format and why it survives power cuts:
 * docs/flash.md.
 *
 * A sector (4 KiB) begins with a 32-byte header, little-endian:
 *   0   magic   TD__SF_MAGIC
 *   4   gen     the sector's place in the log (1, 2, ...; never 0 or ~0)
 *   8   erases  how often this sector was erased (wear, informative)
 *   12  crc     CRC-32 of bytes 0..11
 *   16  live    0xffffffff while live; programmed to 0 before the sector is
 *               erased: any other value means "obsolete, erase me"
 *   20  12 bytes 0xff
 * then records, each 4-byte aligned and never across a 256-byte page:
 *   0   type    TD__SF_SET or TD__SF_DEL
 *   1   klen    1 .. TD_STORE_KEY_MAX
 *   2   vlen    0 .. TD_STORE_VALUE_MAX (0 for DEL), little-endian
 *   4   seq     the store's write sequence number
 *   8   key (klen bytes, no NUL), value (vlen bytes), 0xff to a multiple of 4
 *   ..  crc     CRC-32 of type .. value (not the padding)
 * Erased space is 0xff. Reading a sector, a record that does not check
 * (a write the power cut short) spoils the rest of its page: the scan goes
 * on at the next page, and so do later writes.
 */
#ifndef TANDEM_KERNEL_STORE_FMT_H
#define TANDEM_KERNEL_STORE_FMT_H

#include <stdbool.h>
#include <stdint.h>

#include "tandem/store.h"

#define TD__SF_SECTOR 4096u
#define TD__SF_PAGE   256u
#define TD__SF_HDR    32u
#define TD__SF_LIVE_AT 16u
#define TD__SF_MAGIC  0x766b6474u          /* "tdkv" */
#define TD__SF_SET    0x53u                /* 'S' */
#define TD__SF_DEL    0x44u                /* 'D' */
#define TD__SF_MIN    12u                  /* the smallest record */

/* What a sector holds. */
enum { TD__SF_BLANK, TD__SF_VALID, TD__SF_OBSOLETE, TD__SF_GARBAGE };

/* CRC-32 (IEEE 802.3, reflected, init and final xor ~0). */
uint32_t td__sf_crc(const uint8_t *p, uint32_t n);

/* Classify the sector of 'size' bytes at s (BLANK: all 0xff; VALID or
 * OBSOLETE: a checking header, *gen and *erases set; GARBAGE: anything
 * else, such as an erase or a header write cut short). */
int td__sf_classify(const uint8_t *s, uint32_t size, uint32_t *gen, uint32_t *erases);

/* The header of a live sector. */
void td__sf_head(uint8_t out[TD__SF_HDR], uint32_t gen, uint32_t erases);

/* One record found by td__sf_scan; off is within the sector. */
typedef struct td__sf_rec {
    uint32_t off;
    uint32_t seq;
    uint16_t vlen;
    uint16_t size;                      /* bytes it occupies (padding and CRC included) */
    uint8_t klen;
    uint8_t type;
} td__sf_rec_t;

typedef void (*td__sf_fn)(void *ctx, const uint8_t *s, const td__sf_rec_t *r);

/* Call fn (may be NULL) for every record of the sector of 'size' bytes at s
 * that checks, in order. Returns where the next record may start (after the
 * last record, or after the page of the last one that did not check); adds
 * the records that did not check to *bad (may be NULL). */
uint32_t td__sf_scan(const uint8_t *s, uint32_t size, td__sf_fn fn, void *ctx, uint32_t *bad);

/* Bytes a record with these lengths occupies. */
uint32_t td__sf_size(uint32_t klen, uint32_t vlen);

/* Where a record of 'rsize' bytes goes at or after pos (not across a page),
 * or 'size' when it does not fit in the sector any more. */
uint32_t td__sf_place(uint32_t pos, uint32_t rsize, uint32_t size);

/* Encode a record into out (td__sf_size bytes). Returns its size. The
 * caller checks the lengths and that the key holds no NUL. */
uint32_t td__sf_encode(uint8_t *out, unsigned type, const char *key, uint32_t klen,
                       const void *val, uint32_t vlen, uint32_t seq);

#endif /* TANDEM_KERNEL_STORE_FMT_H */
