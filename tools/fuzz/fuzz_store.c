/* libFuzzer target: the key-value store's sector parser (kernel/store_fmt.c).
 *
 * The first input byte picks what the rest is:
 *   even: a sector's bytes as flash may hold them after any power cut (up
 *         to 4096, the rest erased). The classifier and the scan must stay
 *         in bounds, and every record the scan accepts must be one the
 *         encoder would write: inside the sector, 4-byte aligned, not across
 *         a page, after the previous one, its lengths in range, and the
 *         encoder, given its fields, must give back exactly its bytes. The
 *         position the scan returns must be past every accepted record.
 *   odd:  a series of writes (type, key length, value length, a byte to
 *         fill them with) encoded into an erased sector where td__sf_place
 *         puts them, with a bit flipped now and then (a write cut short);
 *         the scan must find exactly the writes that were not damaged and
 *         that lie in no page after a damaged one's.
 * Any difference aborts. */
#include <stdlib.h>
#include <string.h>

#include "../../kernel/store_fmt.h"

#define SEC TD__SF_SECTOR
static uint8_t sec[SEC];

struct seen {
    uint32_t n, last_end;
    td__sf_rec_t r[SEC / TD__SF_MIN];
};

static void check(void *ctx, const uint8_t *s, const td__sf_rec_t *r)
{
    struct seen *v = ctx;
    if (r->off < TD__SF_HDR || r->off % 4u || r->off < v->last_end || r->size > SEC ||
        r->off + r->size > SEC || r->off / TD__SF_PAGE != (r->off + r->size - 1u) / TD__SF_PAGE ||
        r->klen < 1 || r->klen > TD_STORE_KEY_MAX || r->vlen > TD_STORE_VALUE_MAX ||
        (r->type != TD__SF_SET && r->type != TD__SF_DEL) || r->size != td__sf_size(r->klen, r->vlen))
        abort();
    uint8_t again[TD__SF_PAGE];
    td__sf_encode(again, r->type, (const char *)s + r->off + 8, r->klen, s + r->off + 8 + r->klen,
                  r->vlen, r->seq);
    if (memcmp(again, s + r->off, r->size) != 0)
        abort();
    v->last_end = r->off + r->size;
    v->r[v->n++] = *r;
}

static void parse(size_t size)
{
    static struct seen v;
    v.n = 0;
    v.last_end = 0;
    uint32_t gen, er, bad = 0;
    (void)td__sf_classify(sec, (uint32_t)size, &gen, &er);
    uint32_t end = td__sf_scan(sec, (uint32_t)size, check, &v, &bad);
    if (end > size && !(size < TD__SF_HDR && end == size))
        abort();
    if (v.n && end < v.last_end)
        abort();
}

static void writes(const uint8_t *d, size_t n)
{
    static const char keychars[] = "abcdefghijklmnopqrstuvwxyz0123456789_-";
    static struct { uint32_t off, size; bool bad; } w[SEC / TD__SF_MIN];
    unsigned nw = 0;
    memset(sec, 0xff, sizeof sec);
    uint32_t pos = TD__SF_HDR, seq = 1;
    for (size_t i = 0; i + 4 <= n; i += 4) {
        unsigned type = d[i] & 1u ? TD__SF_DEL : TD__SF_SET;
        uint32_t klen = 1u + d[i + 1] % TD_STORE_KEY_MAX;
        uint32_t vlen = type == TD__SF_DEL ? 0u : d[i + 2] % (TD_STORE_VALUE_MAX + 1u);
        uint32_t size = td__sf_size(klen, vlen), p = td__sf_place(pos, size, SEC);
        if (p + size > SEC)
            break;
        char key[TD_STORE_KEY_MAX];
        uint8_t val[TD_STORE_VALUE_MAX];
        for (uint32_t j = 0; j < klen; j++)
            key[j] = keychars[(d[i + 3] + j) % (sizeof keychars - 1u)];
        memset(val, d[i + 3], vlen);
        td__sf_encode(sec + p, type, key, klen, val, vlen, seq++);
        bool bad = (d[i] & 0x6u) == 0x6u;              /* cut short: one bit cleared */
        if (bad) {
            uint32_t at = p + (d[i + 2] + d[i + 3]) % size;
            uint8_t bit = (uint8_t)(1u << (d[i + 1] & 7u));
            if (!(sec[at] & bit))
                bad = false;                            /* already 0: nothing changed */
            sec[at] &= (uint8_t)~bit;
        }
        w[nw].off = p;
        w[nw].size = size;
        w[nw].bad = bad;
        nw++;
        /* as the store does: after a damaged write, the next goes to the next page */
        pos = bad ? (p | (TD__SF_PAGE - 1u)) + 1u : p + size;
    }
    static struct seen v;
    v.n = 0;
    v.last_end = 0;
    uint32_t bad = 0;
    td__sf_scan(sec, SEC, check, &v, &bad);
    unsigned k = 0, want_bad = 0;
    uint32_t spoilt_page = ~0u;
    for (unsigned i = 0; i < nw; i++) {
        if (w[i].off / TD__SF_PAGE == spoilt_page)
            continue;                                   /* hidden by a damaged write before it */
        if (w[i].bad) {
            want_bad++;
            spoilt_page = w[i].off / TD__SF_PAGE;
            continue;
        }
        if (k >= v.n || v.r[k].off != w[i].off || v.r[k].size != w[i].size)
            abort();
        k++;
    }
    if (k != v.n || bad != want_bad)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1u) {
        writes(data + 1, size - 1);
        return 0;
    }
    size_t n = size - 1 < SEC ? size - 1 : SEC;
    memset(sec, 0xff, sizeof sec);
    memcpy(sec, data + 1, n);
    parse(n > TD__SF_HDR ? SEC : n);
    return 0;
}
