/*
 * kernel/store_fmt.c: the key-value store's format in flash, encoding and
 * parsing (kernel/store_fmt.h). Every read of the sector is bounds-checked
 * against its size: the input may be anything a power cut or a fuzzer
 * leaves.
 */
#include "store_fmt.h"

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

uint32_t td__sf_crc(const uint8_t *p, uint32_t n)
{
    /* four bits at a time: a 64-byte table */
    static const uint32_t t[16] = {
        0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
        0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
        0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
    };
    uint32_t c = 0xffffffffu;
    for (uint32_t i = 0; i < n; i++) {
        c ^= p[i];
        c = (c >> 4) ^ t[c & 15u];
        c = (c >> 4) ^ t[c & 15u];
    }
    return ~c;
}

static bool blank(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i] != 0xffu)
            return false;
    return true;
}

int td__sf_classify(const uint8_t *s, uint32_t size, uint32_t *gen, uint32_t *erases)
{
    if (size < TD__SF_HDR)
        return blank(s, size) ? TD__SF_BLANK : TD__SF_GARBAGE;
    uint32_t g = le32(s + 4);
    if (le32(s) == TD__SF_MAGIC && le32(s + 12) == td__sf_crc(s, 12) && g != 0 &&
        g != 0xffffffffu) {
        if (gen != NULL)
            *gen = g;
        if (erases != NULL)
            *erases = le32(s + 8);
        return le32(s + TD__SF_LIVE_AT) == 0xffffffffu ? TD__SF_VALID : TD__SF_OBSOLETE;
    }
    return blank(s, size) ? TD__SF_BLANK : TD__SF_GARBAGE;
}

void td__sf_head(uint8_t out[TD__SF_HDR], uint32_t gen, uint32_t erases)
{
    for (unsigned i = 0; i < TD__SF_HDR; i++)
        out[i] = 0xffu;
    put32(out, TD__SF_MAGIC);
    put32(out + 4, gen);
    put32(out + 8, erases);
    put32(out + 12, td__sf_crc(out, 12));
}

uint32_t td__sf_size(uint32_t klen, uint32_t vlen)
{
    return ((8u + klen + vlen + 3u) & ~3u) + 4u;
}

uint32_t td__sf_place(uint32_t pos, uint32_t rsize, uint32_t size)
{
    pos = (pos + 3u) & ~3u;
    if (pos < TD__SF_HDR)
        pos = TD__SF_HDR;
    uint32_t page_end = (pos | (TD__SF_PAGE - 1u)) + 1u;
    if (pos + rsize > page_end)
        pos = page_end;
    return pos + rsize <= size ? pos : size;
}

uint32_t td__sf_encode(uint8_t *out, unsigned type, const char *key, uint32_t klen,
                       const void *val, uint32_t vlen, uint32_t seq)
{
    uint32_t n = td__sf_size(klen, vlen), body = 8u + klen + vlen;
    const uint8_t *v = val;
    out[0] = (uint8_t)type;
    out[1] = (uint8_t)klen;
    out[2] = (uint8_t)vlen;
    out[3] = (uint8_t)(vlen >> 8);
    put32(out + 4, seq);
    for (uint32_t i = 0; i < klen; i++)
        out[8 + i] = (uint8_t)key[i];
    for (uint32_t i = 0; i < vlen; i++)
        out[8 + klen + i] = v[i];
    for (uint32_t i = body; i < n - 4u; i++)
        out[i] = 0xffu;
    put32(out + n - 4u, td__sf_crc(out, body));
    return n;
}

/* The record at pos if it checks (r filled), within [pos, end). */
static bool record(const uint8_t *s, uint32_t pos, uint32_t end, td__sf_rec_t *r)
{
    if (end - pos < TD__SF_MIN)
        return false;
    const uint8_t *p = s + pos;
    uint32_t type = p[0], klen = p[1], vlen = (uint32_t)p[2] | (uint32_t)p[3] << 8;
    if ((type != TD__SF_SET && type != TD__SF_DEL) || klen == 0 || klen > TD_STORE_KEY_MAX ||
        vlen > TD_STORE_VALUE_MAX || (type == TD__SF_DEL && vlen != 0))
        return false;
    uint32_t n = td__sf_size(klen, vlen), body = 8u + klen + vlen;
    if (n > end - pos)
        return false;
    for (uint32_t i = 0; i < klen; i++)
        if (p[8 + i] == 0)
            return false;
    if (!blank(p + body, n - 4u - body) || le32(p + n - 4u) != td__sf_crc(p, body))
        return false;
    *r = (td__sf_rec_t){ .off = pos, .seq = le32(p + 4), .vlen = (uint16_t)vlen,
                         .size = (uint16_t)n, .klen = (uint8_t)klen, .type = (uint8_t)type };
    return true;
}

uint32_t td__sf_scan(const uint8_t *s, uint32_t size, td__sf_fn fn, void *ctx, uint32_t *bad)
{
    uint32_t pos = TD__SF_HDR, used = TD__SF_HDR < size ? TD__SF_HDR : size;
    while (pos < size) {
        uint32_t page_end = (pos | (TD__SF_PAGE - 1u)) + 1u;
        if (page_end > size)
            page_end = size;
        if (blank(s + pos, page_end - pos)) {          /* nothing (more) in this page */
            pos = page_end;
            continue;
        }
        td__sf_rec_t r;
        if (record(s, pos, page_end, &r)) {
            if (fn != NULL)
                fn(ctx, s, &r);
            pos += r.size;
            used = pos;
        } else {                                       /* cut short: the page is spoilt */
            if (bad != NULL)
                ++*bad;
            pos = used = page_end;
        }
    }
    return used;
}
