/*
 * kernel/store.c: the key-value store (tandem/store.h) on the flash region
 * the linker sets aside, in the format of kernel/store_fmt.h.
 *
 * The region's N sectors form a ring used as a log: records are appended to
 * the active sector (the live one with the highest gen); when it is full the
 * next blank sector in the ring is given a header (gen + 1) and becomes
 * active. One sector is always kept blank: when formatting a new active
 * sector used the last blank one, the oldest live sector is compacted into
 * the new one (its records that are still the newest of their key are
 * copied with new sequence numbers), marked obsolete, and erased.
 *
 * In RAM: an index of every key's newest record (offset, sequence number),
 * tombstones included, so a get reads one record and a set knows what it
 * replaces. Everything in flash is written in an order that leaves a state
 * td_store_init can read after a power cut at any instant (docs/flash.md).
 */
#include "port.h"
#include "atomic.h"
#include "store_fmt.h"
#include "store_sys.h"

#include "tandem/flash.h"
#include "tandem/store.h"
#include "tandem/xmutex.h"

struct ent {
    uint32_t off;                /* flash offset of the key's newest record */
    uint32_t seq;
    uint16_t size;
    uint8_t del;                 /* it is a tombstone */
};

static td_xmutex_t mx = TD_XMUTEX_INIT;
td_tick_t td__store_lock_timeout = TD_STORE_LOCK_TIMEOUT;
static struct {
    uint32_t base, n;            /* the region: first sector's offset, sectors */
    uint8_t state[TD_STORE_SECTORS_MAX];
    uint32_t gen[TD_STORE_SECTORS_MAX];
    uint32_t erases[TD_STORE_SECTORS_MAX];
    uint32_t active, wpos;       /* the active sector, where its next record may go */
    uint32_t max_gen, seq;       /* the last used */
    uint32_t nent, live;         /* index entries; bytes of the newest SET records */
    struct ent ent[TD_STORE_KEYS];
    td_store_stats_t st;
    uint8_t ready;
} S;
static uint8_t rec[TD__SF_PAGE];  /* a record being written (under mx) */

static uint32_t sector_off(uint32_t i) { return S.base + i * TD__SF_SECTOR; }
static const uint8_t *sector(uint32_t i) { return port_flash_map(sector_off(i)); }

static bool key_ok(const char *key, uint32_t *klen)
{
    if (key == NULL)
        return false;
    uint32_t n = 0;
    while (n <= TD_STORE_KEY_MAX && key[n] != '\0')
        n++;
    *klen = n;
    return n >= 1 && n <= TD_STORE_KEY_MAX;
}

/* The index entry of the key at k (klen bytes), or NULL. */
static struct ent *find(const uint8_t *k, uint32_t klen)
{
    for (uint32_t i = 0; i < S.nent; i++) {
        const uint8_t *r = port_flash_map(S.ent[i].off);
        if (r[1] != klen)
            continue;
        uint32_t j = 0;
        while (j < klen && r[8 + j] == k[j])
            j++;
        if (j == klen)
            return &S.ent[i];
    }
    return NULL;
}

static void forget(struct ent *e)
{
    if (!e->del)
        S.live -= e->size;
    *e = S.ent[--S.nent];
}

/* Make e (or a new entry) the key's newest record. */
static void note(struct ent *e, uint32_t off, const td__sf_rec_t *r)
{
    if (e == NULL)
        e = &S.ent[S.nent++];
    else if (!e->del)
        S.live -= e->size;
    *e = (struct ent){ .off = off, .seq = r->seq, .size = r->size, .del = r->type == TD__SF_DEL };
    if (!e->del)
        S.live += r->size;
}

/* ---- writing ------------------------------------------------------------------- */

static int format(uint32_t i)
{
    uint8_t h[TD__SF_HDR];
    td__sf_head(h, S.max_gen + 1u, S.erases[i]);
    int r = td_flash_program(sector_off(i), h, sizeof h, NULL);
    if (r != TD_OK)
        return r;
    S.max_gen++;
    S.gen[i] = S.max_gen;
    S.state[i] = TD__SF_VALID;
    S.active = i;
    S.wpos = TD__SF_HDR;
    return TD_OK;
}

/* Mark sector i obsolete, then erase it. */
static int wipe(uint32_t i, bool obsolete_first)
{
    static const uint8_t zero[4] = { 0, 0, 0, 0 };
    int r = TD_OK;
    if (obsolete_first)
        r = td_flash_program(sector_off(i) + TD__SF_LIVE_AT, zero, sizeof zero, NULL);
    if (r == TD_OK)
        r = td_flash_erase(sector_off(i), TD__SF_SECTOR, NULL);
    if (r != TD_OK)
        return r;
    S.state[i] = TD__SF_BLANK;
    S.erases[i]++;
    return TD_OK;
}

/* Append the record in rec (size bytes) to the active sector, which has
 * room at S.wpos. */
static int append(uint32_t size, uint32_t *off)
{
    uint32_t o = sector_off(S.active) + S.wpos;
    int r = td_flash_program(o, rec, size, NULL);
    if (r != TD_OK)
        return r;
    *off = o;
    S.wpos += size;
    S.st.records_written++;
    return TD_OK;
}

static uint32_t blanks(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < S.n; i++)
        n += S.state[i] == TD__SF_BLANK;
    return n;
}

/* The live sector with the lowest gen other than the active one. */
static uint32_t oldest(void)
{
    uint32_t o = S.n;
    for (uint32_t i = 0; i < S.n; i++)
        if (S.state[i] == TD__SF_VALID && i != S.active && (o == S.n || S.gen[i] < S.gen[o]))
            o = i;
    return o;
}

struct gc {
    uint32_t base;
    int r;
};

/* A record of the sector being compacted: copy it if it is its key's newest. */
static void gc_one(void *ctx, const uint8_t *s, const td__sf_rec_t *r)
{
    struct gc *g = ctx;
    if (g->r != TD_OK)
        return;
    struct ent *e = find(s + r->off + 8, r->klen);
    if (e == NULL || e->off != g->base + r->off)
        return;                           /* superseded */
    if (r->type == TD__SF_DEL) {          /* every older record of the key goes with it */
        forget(e);
        return;
    }
    uint32_t size = td__sf_encode(rec, TD__SF_SET, (const char *)s + r->off + 8, r->klen,
                                  s + r->off + 8 + r->klen, r->vlen, S.seq + 1u);
    S.wpos = td__sf_place(S.wpos, size, TD__SF_SECTOR);
    uint32_t off;
    if (S.wpos + size > TD__SF_SECTOR) {  /* cannot happen: a subset fits an empty sector */
        g->r = TD_ERR_FULL;
        return;
    }
    g->r = append(size, &off);
    if (g->r == TD_OK) {
        S.seq++;
        td__sf_rec_t c = *r;
        c.seq = S.seq;
        c.size = (uint16_t)size;
        note(e, off, &c);
    }
}

/* Compact the oldest sector into the active one (a fresh one), then erase it. */
static int compact(void)
{
    uint32_t o = oldest();
    if (o == S.n)
        return TD_ERR_FULL;
    struct gc g = { .base = sector_off(o), .r = TD_OK };
    td__sf_scan(sector(o), TD__SF_SECTOR, gc_one, &g, NULL);
    if (g.r != TD_OK)
        return g.r;
    S.st.compactions++;
    return wipe(o, true);
}

/* The next blank sector after the active one, in ring order. */
static uint32_t next_blank(void)
{
    for (uint32_t k = 1; k <= S.n; k++) {
        uint32_t i = (S.active + k) % S.n;
        if (S.state[i] == TD__SF_BLANK)
            return i;
    }
    return S.n;
}

/* Make room for a record of 'size' bytes in the active sector (S.wpos). */
static int room(uint32_t size)
{
    for (uint32_t tries = 0; tries <= S.n; tries++) {
        if (blanks() == 0) {
            int r = compact();
            if (r != TD_OK)
                return r;
        }
        uint32_t p = td__sf_place(S.wpos, size, TD__SF_SECTOR);
        if (p + size <= TD__SF_SECTOR) {
            S.wpos = p;
            return TD_OK;
        }
        uint32_t b = next_blank();
        int r = b < S.n ? format(b) : TD_ERR_FULL;
        if (r != TD_OK)
            return r;
    }
    return TD_ERR_FULL;
}

/* Where compacting sector i into the active sector from w would leave the
 * active sector's next free place: its records that are still their key's
 * newest sets (skip excepted), in their order there, as gc_one copies them;
 * then, if add is not 0, a record of add bytes written after them. */
static uint32_t packed(uint32_t i, uint32_t w, const struct ent *skip, uint32_t add)
{
    uint32_t from = sector_off(i), end = from + TD__SF_SECTOR;
    for (;;) {
        const struct ent *nx = NULL;
        for (uint32_t k = 0; k < S.nent; k++) {
            const struct ent *e = &S.ent[k];
            if (!e->del && e != skip && e->off >= from && e->off < end && (nx == NULL || e->off < nx->off))
                nx = e;
        }
        uint32_t size = nx != NULL ? nx->size : add;
        if (size == 0)
            return w;
        w = td__sf_place(w, size, TD__SF_SECTOR);
        if (w + size > TD__SF_SECTOR)
            return TD__SF_SECTOR;
        w += size;
        if (nx == NULL)
            return w;
        from = nx->off + 1u;
    }
}

/* room() worked out without writing anything: the live sectors it would
 * compact (oldest first, the active one last, each into a fresh sector),
 * where the next record would go, the blank sectors left. */
struct sim {
    uint32_t gen;               /* the last compacted sector's */
    uint32_t w, b;
    bool fresh;                 /* the active sector is one formatted since */
    uint32_t add;               /* a record placed in the first active sector, its size */
    const struct ent *skip;     /* the record that one replaces */
};

static bool sim_room(struct sim *x, uint32_t size)
{
    for (uint32_t tries = 0; tries <= S.n; tries++) {
        if (x->b == 0) {
            uint32_t o = S.n;                       /* the next live sector by gen */
            for (uint32_t i = 0; i < S.n; i++)
                if (S.state[i] == TD__SF_VALID && S.gen[i] > x->gen && (o == S.n || S.gen[i] < S.gen[o]))
                    o = i;
            if (o == S.n)
                return false;                       /* only copies left to compact */
            x->gen = S.gen[o];
            x->w = packed(o, x->w, x->skip, o == S.active ? x->add : 0u);
            x->b = 1;
        }
        uint32_t p = td__sf_place(x->w, size, TD__SF_SECTOR);
        if (p + size <= TD__SF_SECTOR) {
            x->w = p + size;
            if (!x->fresh)
                x->add = size;
            return true;
        }
        x->b--;                                     /* a blank sector formatted */
        x->w = TD__SF_HDR;
        x->fresh = true;
    }
    return false;
}

/* Whether room(size) will find a place for a record replacing e's (NULL:
 * none, or a tombstone), and then room(extra) too. */
static bool fits(uint32_t size, const struct ent *e, uint32_t extra)
{
    struct sim x = { .gen = 0, .w = S.wpos, .b = blanks() };
    if (!sim_room(&x, size))
        return false;
    x.skip = e != NULL && !e->del ? e : NULL;
    return extra == 0 || sim_room(&x, extra);
}

/* ---- the reservation that keeps settings changeable ------------------------------ */

/* The fewest bytes of records a sector can hold, compacted, when a record
 * of at most m bytes no longer fits after them. Records are placed in the
 * order they come (td__sf_place): a page is left only for a record that
 * does not fit in what remains of it, so each page j holds at least
 * cap_j + 4 - m bytes (cap_j: 224 for the first, after the header, 256 for
 * the others; sizes are multiples of 4), and each page together with the
 * next holds at least cap_j + 4 (the next one's first record did not fit
 * in it). With 16 pages: max(2048, 4128 - 16 m). What the records of a
 * sector are, and in what order, depends on the history of writes and
 * compactions; these bounds do not. */
static uint32_t sector_floor(uint32_t m)
{
    const uint32_t pages = TD__SF_SECTOR / TD__SF_PAGE;
    uint32_t pairs = pages / 2u * (TD__SF_PAGE + 4u) - TD__SF_HDR;
    uint32_t each = TD__SF_SECTOR - TD__SF_HDR + pages * 4u - pages * m;
    return pairs > each ? pairs : each;
}

/* The size of the largest SET record there would be with a record of
 * 'size' bytes replacing e's (NULL: a new key). */
static uint32_t largest(const struct ent *e, uint32_t size)
{
    uint32_t m = size;
    for (uint32_t i = 0; i < S.nent; i++)
        if (&S.ent[i] != e && !S.ent[i].del && S.ent[i].size > m)
            m = S.ent[i].size;
    return m;
}

/* Whether every key keeps room for a new value no longer than its current
 * one, and every delete for its tombstone, with 'live' bytes of SET records
 * the largest of which is 'big' bytes.
 *
 * Why: the dry run (fits) of a record of s bytes and then of the tombstone
 * kept for a delete fails only if one sector is blank (with two, a fresh
 * sector takes either), the active one has no room, and each of the other
 * n - 1 sectors, compacted into a fresh sector of its own (oldest first,
 * the active one last), leaves no room for what comes next: each then
 * holds at least sector_floor(m) bytes, m the largest record placed (the
 * tombstone included). Between them they hold at most the live records
 * (the replaced one included) and the new record: live + s bytes.
 * So live + s < (n - 1) * sector_floor(m) means it fits. A new value no
 * longer than the key's current one has s <= big, leaves live no greater
 * and big no greater: the condition still holds after it, as after a
 * delete; a set that makes the records grow (a new key, a longer record) is
 * taken only if the condition holds after it. The condition depends only on
 * the live records, which a power cut leaves as before or after a write.
 *
 * Checking with the dry run (fits) that one more update of the largest
 * record fits after a growing set would not do: that update uses up the
 * room, while the old record it leaves behind is freed only when its
 * sector is compacted, and the records' order in the sectors changes with
 * every update and compaction, the same records needing more pages in
 * another order (a 132-byte and a 124-byte record fill a page exactly: two
 * of each take two pages in one order, three in another). With that check
 * instead of this one, store_full_of_big_records and
 * store_random_refusals_exact (tests/test_store.c) see changes refused. */
static bool changeable(uint32_t live, uint32_t big)
{
    uint32_t tomb = td__sf_size(TD_STORE_KEY_MAX, 0);
    return live + big < (S.n - 1u) * sector_floor(big > tomb ? big : tomb);
}

/* Write a record (SET with value, or DEL) for key; e its entry or NULL. */
static int put(unsigned type, const char *key, uint32_t klen, const void *val, uint32_t vlen,
               struct ent *e)
{
    uint32_t size = td__sf_size(klen, vlen);
    uint32_t after = S.live - (e != NULL && !e->del ? e->size : 0u) + (type == TD__SF_SET ? size : 0u);
    if ((e == NULL && S.nent >= TD_STORE_KEYS) ||
        after > (S.n - 1u) * (TD__SF_SECTOR - TD__SF_HDR))
        return TD_ERR_FULL;
    /* A set leaves room for the tombstone of a delete after it, so that a
     * store filled by sets can always be emptied again; what does not fit
     * is refused before anything is written or erased. */
    if (!fits(size, e, type == TD__SF_SET ? td__sf_size(TD_STORE_KEY_MAX, 0) : 0u))
        return TD_ERR_FULL;
    /* A set that makes the records grow must leave every key room for a
     * new value no longer than its current one (changeable): those are
     * then never refused for lack of room. */
    if (type == TD__SF_SET && (e == NULL || e->del || size > e->size) && !changeable(after, largest(e, size)))
        return TD_ERR_FULL;
    uint32_t seq = S.seq + 1u;
    int r = room(size);
    if (r != TD_OK)
        return r;
    e = find((const uint8_t *)key, klen);  /* compaction may have moved or dropped it */
    if (e == NULL && S.nent >= TD_STORE_KEYS)
        return TD_ERR_FULL;
    seq = S.seq + 1u;
    td__sf_encode(rec, type, key, klen, val, vlen, seq);
    uint32_t off;
    r = append(size, &off);
    if (r != TD_OK)
        return r;
    S.seq = seq;
    td__sf_rec_t d = { .seq = seq, .vlen = (uint16_t)vlen, .size = (uint16_t)size,
                       .klen = (uint8_t)klen, .type = (uint8_t)type };
    note(e, off, &d);
    return TD_OK;
}

/* ---- reading the region at start-up ---------------------------------------------- */

struct scan {
    uint32_t base;
    int r;
};

static void index_one(void *ctx, const uint8_t *s, const td__sf_rec_t *r)
{
    struct scan *sc = ctx;
    struct ent *e = find(s + r->off + 8, r->klen);
    if (r->seq > S.seq)
        S.seq = r->seq;
    if (e != NULL && e->seq > r->seq)
        return;
    if (e == NULL && S.nent >= TD_STORE_KEYS) {
        sc->r = TD_ERR_FULL;
        return;
    }
    note(e, sc->base + r->off, r);
}

/* Read the region; 'again': the second reading, after the repair below. */
static int mount(bool again)
{
    uint32_t start, end;
    td_flash_store_region(&start, &end);
    uint32_t n = (end - start) / TD__SF_SECTOR;
    if (end <= start || n < 2u || n > TD_STORE_SECTORS_MAX)
        return TD_ERR_RANGE;
    S.base = start;
    S.n = n;
    S.nent = S.live = S.seq = S.max_gen = 0;
    S.st = (td_store_stats_t){ .sectors = n };
    uint32_t known = 0;
    for (uint32_t i = 0; i < n; i++) {
        S.erases[i] = 0;
        S.state[i] = (uint8_t)td__sf_classify(sector(i), TD__SF_SECTOR, &S.gen[i], &S.erases[i]);
        if (S.state[i] != TD__SF_VALID && S.state[i] != TD__SF_OBSOLETE)
            S.gen[i] = 0;
        if (S.erases[i] > known)
            known = S.erases[i];
    }
    for (uint32_t i = 0; i < n; i++) {
        if (S.state[i] == TD__SF_BLANK || S.state[i] == TD__SF_GARBAGE)
            S.erases[i] = known;           /* its count was lost: the highest one known */
        /* half erased, half formatted, obsolete: erase */
        if (S.state[i] == TD__SF_GARBAGE || S.state[i] == TD__SF_OBSOLETE) {
            int r = wipe(i, false);
            if (r != TD_OK)
                return r;
            S.st.sectors_repaired++;
        }
    }
    S.active = n;
    for (uint32_t i = 0; i < n; i++) {
        if (S.state[i] != TD__SF_VALID)
            continue;
        if (S.gen[i] > S.max_gen)
            S.max_gen = S.gen[i];
        if (S.active == n || S.gen[i] > S.gen[S.active])
            S.active = i;
        struct scan sc = { .base = sector_off(i), .r = TD_OK };
        td__sf_scan(sector(i), TD__SF_SECTOR, index_one, &sc, &S.st.bad_records);
        if (sc.r != TD_OK)
            return sc.r;
    }
    if (S.active == n)                     /* a blank region */
        return format(0);
    if (blanks() == 0) {
        /* Only a compaction cut short leaves no blank sector: the active one
         * then holds nothing but copies of the oldest sector's records,
         * which is intact. Erase the copies; the next write compacts again,
         * into a fresh sector where the copies are sure to fit. Found
         * again after that erase, the erase did not take (a flash that
         * fails, or on the host a power cut that goes on): no further try,
         * which would recurse without end. */
        if (again)
            return TD_ERR_STATE;
        int r = wipe(S.active, true);
        if (r != TD_OK)
            return r;
        uint32_t repaired = S.st.sectors_repaired + 1u;
        r = mount(true);
        S.st.sectors_repaired += repaired;
        return r;
    }
    S.wpos = td__sf_scan(sector(S.active), TD__SF_SECTOR, NULL, NULL, NULL);
    return TD_OK;
}

/* ---- the API ------------------------------------------------------------------------ */

/* The store's mutex, waited for at most td__store_lock_timeout ticks: a
 * call (the other core's, or another thread's) that keeps it longer ends
 * this one with TD_ERR_TIMEOUT, nothing read or written. */
static int lock(void)
{
    return td_xmutex_lock(&mx, TD_LOAD_RELAXED(td__store_lock_timeout));
}

static int enter(void)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    int r = lock();
    if (r == TD_OK && !S.ready) {
        td_xmutex_unlock(&mx);
        r = TD_ERR_UNINIT;
    }
    return r;
}

int td_store_init(void)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    int r = lock();
    if (r != TD_OK)
        return r;
    S.ready = 0;
    r = mount(false);
    S.ready = r == TD_OK;
    td_xmutex_unlock(&mx);
    return r;
}

int td_store_get(const char *key, void *buf, uint32_t size, uint32_t *len)
{
    uint32_t klen;
    if (!key_ok(key, &klen) || (buf == NULL && size != 0))
        return port_in_isr() ? TD_ERR_IN_ISR : TD_ERR_PARAM;
    int r = enter();
    if (r != TD_OK)
        return r;
    struct ent *e = find((const uint8_t *)key, klen);
    if (e == NULL || e->del) {
        r = TD_ERR_NOT_FOUND;
    } else {
        const uint8_t *p = port_flash_map(e->off);
        uint32_t vlen = (uint32_t)p[2] | (uint32_t)p[3] << 8;
        if (len != NULL)
            *len = vlen;
        if (vlen > size) {
            r = TD_ERR_PARAM;
        } else {
            uint8_t *d = buf;
            for (uint32_t i = 0; i < vlen; i++)
                d[i] = p[8 + klen + i];
        }
    }
    td_xmutex_unlock(&mx);
    return r;
}

int td_store_set(const char *key, const void *value, uint32_t len)
{
    uint32_t klen;
    if (!key_ok(key, &klen) || len > TD_STORE_VALUE_MAX || (value == NULL && len != 0))
        return port_in_isr() ? TD_ERR_IN_ISR : TD_ERR_PARAM;
    int r = enter();
    if (r != TD_OK)
        return r;
    struct ent *e = find((const uint8_t *)key, klen);
    bool same = false;
    if (e != NULL && !e->del) {
        const uint8_t *p = port_flash_map(e->off), *v = value;
        same = ((uint32_t)p[2] | (uint32_t)p[3] << 8) == len;
        for (uint32_t i = 0; same && i < len; i++)
            same = p[8 + klen + i] == v[i];
    }
    if (!same)
        r = put(TD__SF_SET, key, klen, value, len, e);
    td_xmutex_unlock(&mx);
    return r;
}

int td_store_delete(const char *key)
{
    uint32_t klen;
    if (!key_ok(key, &klen))
        return port_in_isr() ? TD_ERR_IN_ISR : TD_ERR_PARAM;
    int r = enter();
    if (r != TD_OK)
        return r;
    struct ent *e = find((const uint8_t *)key, klen);
    r = e == NULL || e->del ? TD_ERR_NOT_FOUND : put(TD__SF_DEL, key, klen, NULL, 0, e);
    td_xmutex_unlock(&mx);
    return r;
}

int td_store_stats(td_store_stats_t *out)
{
    if (out == NULL)
        return port_in_isr() ? TD_ERR_IN_ISR : TD_ERR_PARAM;
    int r = enter();
    if (r != TD_OK)
        return r;
    *out = S.st;
    out->keys = 0;
    for (uint32_t i = 0; i < S.nent; i++)
        out->keys += !S.ent[i].del;
    out->live_bytes = S.live;
    out->seq = S.seq;
    for (uint32_t i = 0; i < S.n; i++)
        out->erases[i] = S.erases[i];
    td_xmutex_unlock(&mx);
    return TD_OK;
}
