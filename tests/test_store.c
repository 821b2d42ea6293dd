/*
 * tests/test_store.c: the key-value store (tandem/store.h) and its format
 * (kernel/store_fmt.h). On the host port the flash can lose its power at
 * any step: store_power_cut_at_every_step replays a workload with a cut at
 * each of its flash steps in turn (thousands of cuts, some also cutting the
 * repair that follows) and checks after every reboot that each key holds
 * exactly one value it was ever given: the last acknowledged one, or the one
 * the cut interrupted. In the emulator the same workload runs uncut (its
 * power cuts are the emulator's: tests/flash/).
 */
#include "harness.h"

#include "../kernel/store_fmt.h"
#include "../kernel/store_sys.h"
#include "port.h"
#include "tandem/flash.h"
#include "tandem/msg.h"
#include "tandem/store.h"

#define LD(x)    __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* Why a test says SKIP on a port (TH_SKIP): what it needs, which that
 * port's flash does not offer. */
#define CUT_SKIP  "this port cannot cut the flash's power in a test (port_flash_power_cut); " \
                  "the flash suite cuts it at random in the emulator (tests/flash)"
#define SIZE_SKIP "needs store regions of a few sectors: only the host's flash model " \
                  "resizes its region (host_flash_store_size)"

static void core1_msg(void *arg)
{
    (void)arg;
    td_msg_start();
}

#ifdef TH_HOST
void host_flash_store_size(uint32_t bytes);
#endif

/* Erase the store's region and mount the empty store. */
static int fresh(void)
{
    uint32_t s, e;
    int r = td_msg_start();
    if (r == TD_OK)
        r = th_core1_run(core1_msg, NULL);
    if (r == TD_OK)
        r = th_core1_wait(TD_SEC(1));
    td_flash_store_region(&s, &e);
    if (r == TD_OK)
        r = td_flash_erase(s, e - s, NULL);
    return r == TD_OK ? td_store_init() : r;
}

/* ---- the format ------------------------------------------------------------------ */

static uint8_t sec[TD__SF_SECTOR];

struct seen {
    unsigned n;
    uint32_t off[64], seq[64];
};
static void collect(void *ctx, const uint8_t *s, const td__sf_rec_t *r)
{
    struct seen *v = ctx;
    (void)s;
    if (v->n < 64) {
        v->off[v->n] = r->off;
        v->seq[v->n] = r->seq;
    }
    v->n++;
}

TEST(store_format)
{
    CHECK_EQ(td__sf_crc((const uint8_t *)"123456789", 9), 0xcbf43926u);   /* the check value */
    for (unsigned i = 0; i < sizeof sec; i++)
        sec[i] = 0xff;
    uint32_t gen = 0, er = 0;
    CHECK_EQ(td__sf_classify(sec, sizeof sec, &gen, &er), TD__SF_BLANK);
    sec[4000] = 0x7f;                                   /* one bit off: not blank */
    CHECK_EQ(td__sf_classify(sec, sizeof sec, &gen, &er), TD__SF_GARBAGE);
    sec[4000] = 0xff;
    td__sf_head(sec, 7, 3);
    CHECK_EQ(td__sf_classify(sec, sizeof sec, &gen, &er), TD__SF_VALID);
    CHECK_EQ(gen, 7);
    CHECK_EQ(er, 3);
    sec[TD__SF_LIVE_AT + 2] = 0xfe;                     /* any bit of the live word: obsolete */
    CHECK_EQ(td__sf_classify(sec, sizeof sec, NULL, NULL), TD__SF_OBSOLETE);
    sec[TD__SF_LIVE_AT + 2] = 0xff;
    sec[9] ^= 1;                                        /* the header's CRC fails */
    CHECK_EQ(td__sf_classify(sec, sizeof sec, NULL, NULL), TD__SF_GARBAGE);
    sec[9] ^= 1;

    /* records: placement never crosses a page; a scan finds them in order */
    static uint32_t offs[40];
    static uint8_t val[TD_STORE_VALUE_MAX];
    static struct seen v;
    uint32_t pos = TD__SF_HDR, seq = 1;
    for (unsigned i = 0; i < sizeof val; i++)
        val[i] = (uint8_t)i;
    unsigned n = 0;
    for (; n < 40; n++) {
        uint32_t vlen = (n * 37u) % (TD_STORE_VALUE_MAX + 1u), size = td__sf_size(5, vlen);
        uint32_t p = td__sf_place(pos, size, sizeof sec);
        if (p + size > sizeof sec)
            break;
        CHECK(p / TD__SF_PAGE == (p + size - 1u) / TD__SF_PAGE);
        CHECK_EQ(td__sf_encode(sec + p, TD__SF_SET, "key42", 5, val, vlen, seq++), size);
        offs[n] = p;
        pos = p + size;
    }
    CHECK(n > 20);
    v.n = 0;
    uint32_t bad = 0;
    CHECK_EQ(td__sf_scan(sec, sizeof sec, collect, &v, &bad), pos);
    CHECK_EQ(v.n, n);
    CHECK_EQ(bad, 0);
    for (unsigned i = 0; i < n && i < 64; i++) {
        CHECK_EQ(v.off[i], offs[i]);
        CHECK_EQ(v.seq[i], i + 1u);
    }
    /* a record cut short (one bit of its CRC still 1) spoils the rest of its
     * page: the scan resumes at the next page, and so will the next write */
    uint32_t k = n / 2u, page_end = (offs[k] | (TD__SF_PAGE - 1u)) + 1u;
    uint32_t size_k = td__sf_size(5, (k * 37u) % (TD_STORE_VALUE_MAX + 1u));
    sec[offs[k] + size_k - 1u] |= 0x80u;
    v.n = 0;
    bad = 0;
    td__sf_scan(sec, sizeof sec, collect, &v, &bad);
    CHECK_EQ(bad, 1);
    unsigned lost = 0;
    for (unsigned i = k; i < n && offs[i] < page_end; i++)
        lost++;
    CHECK_EQ(v.n, n - lost);
    /* a key with a NUL or an unknown type does not check */
    for (unsigned i = 0; i < sizeof sec; i++)
        sec[i] = 0xff;
    td__sf_encode(sec + 32, TD__SF_SET, "a\0b", 3, val, 4, 1);
    td__sf_encode(sec + 64, 0x41, "abc", 3, val, 4, 2);
    v.n = 0;
    bad = 0;
    CHECK_EQ(td__sf_scan(sec, sizeof sec, collect, &v, &bad), 256u);
    CHECK_EQ(v.n, 0);
    CHECK_EQ(bad, 1);
}

/* ---- the API --------------------------------------------------------------------- */

TEST(store_basics)
{
    REQUIRE_EQ(fresh(), TD_OK);
    static char b[TD_STORE_VALUE_MAX + 8];
    uint32_t len = 0;
    td_store_stats_t s0, s1;
    CHECK_EQ(td_store_get("nothing", b, sizeof b, &len), TD_ERR_NOT_FOUND);
    CHECK_EQ(td_store_set("volume", "7", 1), TD_OK);
    CHECK_EQ(td_store_set("name", "tandem on a pico", 16), TD_OK);
    CHECK_EQ(td_store_get("volume", b, sizeof b, &len), TD_OK);
    CHECK(len == 1 && b[0] == '7');
    CHECK_EQ(td_store_set("volume", "11", 2), TD_OK);
    CHECK_EQ(td_store_get("volume", b, sizeof b, &len), TD_OK);
    CHECK(len == 2 && b[0] == '1' && b[1] == '1');
    CHECK_EQ(td_store_get("name", b, 4, &len), TD_ERR_PARAM);       /* too small: the length */
    CHECK_EQ(len, 16);
    CHECK_EQ(td_store_set("empty", NULL, 0), TD_OK);
    CHECK_EQ(td_store_get("empty", NULL, 0, &len), TD_OK);
    CHECK_EQ(len, 0);
    /* the same value again writes nothing */
    REQUIRE_EQ(td_store_stats(&s0), TD_OK);
    CHECK_EQ(td_store_set("volume", "11", 2), TD_OK);
    REQUIRE_EQ(td_store_stats(&s1), TD_OK);
    CHECK_EQ(s1.records_written, s0.records_written);
    CHECK_EQ(s1.keys, 3);
    /* delete */
    CHECK_EQ(td_store_delete("volume"), TD_OK);
    CHECK_EQ(td_store_get("volume", b, sizeof b, &len), TD_ERR_NOT_FOUND);
    CHECK_EQ(td_store_delete("volume"), TD_ERR_NOT_FOUND);
    CHECK_EQ(td_store_delete("never"), TD_ERR_NOT_FOUND);
    /* bad input, nothing written */
    REQUIRE_EQ(td_store_stats(&s0), TD_OK);
    static const char big[TD_STORE_VALUE_MAX + 1] = { 0 };
    CHECK_EQ(td_store_set("", "x", 1), TD_ERR_PARAM);
    CHECK_EQ(td_store_set("sixteen-chars-xx", "x", 1), TD_ERR_PARAM);
    CHECK_EQ(td_store_set(NULL, "x", 1), TD_ERR_PARAM);
    CHECK_EQ(td_store_set("k", NULL, 1), TD_ERR_PARAM);
    CHECK_EQ(td_store_set("k", big, sizeof big), TD_ERR_PARAM);
    CHECK_EQ(td_store_get("k", NULL, 4, &len), TD_ERR_PARAM);
    CHECK_EQ(td_store_delete(""), TD_ERR_PARAM);
    CHECK_EQ(td_store_stats(NULL), TD_ERR_PARAM);
    CHECK_EQ(td_store_set("fifteen-chars-x", big, TD_STORE_VALUE_MAX), TD_OK);   /* the limits */
    REQUIRE_EQ(td_store_stats(&s1), TD_OK);
    CHECK_EQ(s1.records_written - s0.records_written, 1u);
    /* a reboot reads the same */
    REQUIRE_EQ(td_store_init(), TD_OK);
    CHECK_EQ(td_store_get("name", b, sizeof b, &len), TD_OK);
    CHECK(len == 16 && b[0] == 't' && b[15] == 'o');
    CHECK_EQ(td_store_get("volume", b, sizeof b, &len), TD_ERR_NOT_FOUND);
    CHECK_EQ(td_store_get("fifteen-chars-x", b, sizeof b, &len), TD_OK);
    CHECK_EQ(len, TD_STORE_VALUE_MAX);
}

/* Every call from an interrupt handler is refused (TD_ERR_IN_ISR) with
 * nothing changed; a region of fewer than two sectors or more than
 * TD_STORE_SECTORS_MAX is refused by td_store_init (TD_ERR_RANGE, the host
 * only: its region can be resized), which leaves the store unmounted. */
static int store_isr_r[5];
static void store_isr_misuse(td_timer_t *t, void *arg)
{
    (void)t;
    (void)arg;
    uint8_t b[4];
    uint32_t len;
    td_store_stats_t st;
    store_isr_r[0] = td_store_get("volume", b, sizeof b, &len);
    store_isr_r[1] = td_store_set("volume", "9", 1);
    store_isr_r[2] = td_store_delete("volume");
    store_isr_r[3] = td_store_stats(&st);
    store_isr_r[4] = td_store_init();
}

TEST(store_refusals_from_an_interrupt_and_bad_regions)
{
    REQUIRE_EQ(fresh(), TD_OK);
    REQUIRE_EQ(td_store_set("volume", "7", 1), TD_OK);
    td_store_stats_t s0, s1;
    REQUIRE_EQ(td_store_stats(&s0), TD_OK);
    static TD_TIMER_DEFINE(tm, store_isr_misuse, NULL);
    for (unsigned i = 0; i < 5; i++)
        store_isr_r[i] = 1;
    REQUIRE_EQ(td_timer_start(&tm, 1, 0), TD_OK);
    for (int i = 0; i < 100 && store_isr_r[4] == 1; i++)
        td_sleep(1);
    for (unsigned i = 0; i < 5; i++)
        CHECK_EQ(store_isr_r[i], TD_ERR_IN_ISR);
    REQUIRE_EQ(td_store_stats(&s1), TD_OK);
    CHECK_EQ(s1.records_written, s0.records_written);
    CHECK_EQ(s1.keys, 1);
    char b[4];
    uint32_t len = 0;
    CHECK_EQ(td_store_get("volume", b, sizeof b, &len), TD_OK);
    CHECK(len == 1 && b[0] == '7');
#ifdef TH_HOST
    host_flash_store_size(TD__SF_SECTOR);
    CHECK_EQ(td_store_init(), TD_ERR_RANGE);
    CHECK_EQ(td_store_get("volume", b, sizeof b, &len), TD_ERR_UNINIT);
    CHECK_EQ(td_store_set("volume", "8", 1), TD_ERR_UNINIT);
    host_flash_store_size((TD_STORE_SECTORS_MAX + 1u) * TD__SF_SECTOR);
    CHECK_EQ(td_store_init(), TD_ERR_RANGE);
    host_flash_store_size(0);
    CHECK_EQ(td_store_init(), TD_OK);
    CHECK_EQ(td_store_get("volume", b, sizeof b, &len), TD_OK);
    CHECK(len == 1 && b[0] == '7');
#endif
}

/* The workload: op w writes one of NK keys. Four hot keys with small
 * values, written (or, every 7th time, deleted) most of the time; six cold
 * keys with large values, each rewritten once every 40 ops, whose newest
 * records are still in a sector when it is compacted and must be copied. */
static const char *const keys[] = { "boot_count", "volume", "ssid", "mode",
                                    "cal_x", "cal_y", "cal_z", "name", "wifi_key", "offsets" };
#define NK 10u
#define NHOT 4u
static bool is_delete(uint32_t w) { return w % 40u >= NK - NHOT && w % 7u == 6u; }
static unsigned key_of(uint32_t w)
{
    return w % 40u < NK - NHOT ? NHOT + w % 40u : (w * 5u) % NHOT;
}

static uint32_t vlen_of(unsigned k, uint32_t w)
{
    return k < NHOT ? 4u + (k * 7u + w * 13u) % 40u : 60u + (k * 5u + w * 3u) % 69u;
}
/* A value that tells which key and which write it came from: any mixture
 * of two writes, or garbage, fails the check. */
static void make(uint8_t *v, unsigned k, uint32_t w)
{
    uint32_t n = vlen_of(k, w), x = 0x9e3779b9u * (w + 1u) + k;
    for (uint32_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v[i] = (uint8_t)x;
    }
}
static bool holds(unsigned k, const uint8_t *v, uint32_t len, uint32_t w)
{
    static uint8_t want[TD_STORE_VALUE_MAX];
    if (len != vlen_of(k, w))
        return false;
    make(want, k, w);
    for (uint32_t i = 0; i < len; i++)
        if (v[i] != want[i])
            return false;
    return true;
}
static int op(uint32_t w, unsigned *k)
{
    static uint8_t v[TD_STORE_VALUE_MAX];
    /* A fixed amount of work whose time depends on the machine: every flash
     * step waits for the other core's answer, which a loaded host gives as
     * late as it schedules that core's thread. */
    th_progress();
    *k = key_of(w);
    if (is_delete(w))
        return td_store_delete(keys[*k]);
    make(v, *k, w);
    return td_store_set(keys[*k], v, vlen_of(*k, w));
}

/* What each key holds: the write it was given (or -1: absent). */
static int32_t have[NK];
static void apply(uint32_t w, unsigned k)
{
    have[k] = is_delete(w) ? -1 : (int32_t)w;
}

/* Every key holds have[k], or (for key kf) the write wf. */
static bool check_keys(unsigned kf, int32_t wf, int *bad_key)
{
    static uint8_t v[TD_STORE_VALUE_MAX];
    for (unsigned k = 0; k < NK; k++) {
        uint32_t len = 0;
        int r = td_store_get(keys[k], v, sizeof v, &len);
        bool ok_acked = have[k] < 0 ? r == TD_ERR_NOT_FOUND
                                    : r == TD_OK && holds(k, v, len, (uint32_t)have[k]);
        bool ok_new = k == kf && (wf < 0 ? r == TD_ERR_NOT_FOUND
                                         : r == TD_OK && holds(k, v, len, (uint32_t)wf));
        if (!ok_acked && !ok_new) {
            *bad_key = (int)k;
            return false;
        }
    }
    return true;
}

#define WORK 400u

TEST(store_compaction_and_wear)
{
    REQUIRE_EQ(fresh(), TD_OK);
    for (unsigned k = 0; k < NK; k++)
        have[k] = -1;
    int bad = -1;
    for (uint32_t w = 0; w < 3u * WORK; w++) {
        unsigned k;
        int r = op(w, &k);
        if (!(r == TD_OK || (r == TD_ERR_NOT_FOUND && have[k] < 0))) {
            CHECK_EQ(r, TD_OK);
            return;
        }
        apply(w, k);
    }
    CHECK(check_keys(NK, -1, &bad));
    td_store_stats_t s;
    REQUIRE_EQ(td_store_stats(&s), TD_OK);
    CHECK(s.compactions >= 3u);
    uint32_t lo = s.erases[0], hi = s.erases[0];
    for (uint32_t i = 1; i < s.sectors; i++) {
        lo = s.erases[i] < lo ? s.erases[i] : lo;
        hi = s.erases[i] > hi ? s.erases[i] : hi;
    }
    CHECK(hi - lo <= 1u);                       /* wear spread over the sectors */
    th_info("store_compactions", s.compactions);
    th_info("store_erases_min", lo);
    th_info("store_erases_max", hi);
    REQUIRE_EQ(td_store_init(), TD_OK);          /* a reboot reads the same */
    CHECK(check_keys(NK, -1, &bad));
    REQUIRE_EQ(td_store_stats(&s), TD_OK);
    CHECK_EQ(s.bad_records, 0);
    CHECK_EQ(s.sectors_repaired, 0);
}

TEST(store_full)
{
    REQUIRE_EQ(fresh(), TD_OK);
    char k[8] = "key_000";
    int r = TD_OK;
    unsigned n = 0;
    for (; n < TD_STORE_KEYS + 1u && r == TD_OK; n++) {
        k[4] = (char)('0' + n / 100u);
        k[5] = (char)('0' + n / 10u % 10u);
        k[6] = (char)('0' + n % 10u);
        r = td_store_set(k, "v", 1);
    }
    CHECK_EQ(r, TD_ERR_FULL);
    CHECK_EQ(n, TD_STORE_KEYS + 1u);
    CHECK_EQ(td_store_set("key_000", "w", 1), TD_OK);           /* an existing key still can */
    CHECK_EQ(td_store_delete("key_001"), TD_OK);
    CHECK_EQ(td_store_set("another", "v", 1), TD_ERR_FULL);     /* its tombstone holds the place */
    /* values that cannot all fit: refused before anything is erased */
    REQUIRE_EQ(fresh(), TD_OK);
    static uint8_t big[TD_STORE_VALUE_MAX];
    td_store_stats_t s;
    r = TD_OK;
    for (n = 0; n < TD_STORE_KEYS && r == TD_OK; n++) {
        k[4] = 'b';
        k[5] = (char)('0' + n / 10u);
        k[6] = (char)('0' + n % 10u);
        big[0] = (uint8_t)n;
        r = td_store_set(k, big, sizeof big);
    }
    REQUIRE_EQ(td_store_stats(&s), TD_OK);
    if (r == TD_ERR_FULL)   /* more than the region holds, with room kept for changes (docs/flash.md) */
        CHECK(s.live_bytes + 2u * td__sf_size(7, sizeof big) >= (s.sectors - 1u) * 2048u);
    else
        CHECK_EQ(r, TD_OK);                     /* a large region: all fit */
    REQUIRE_EQ(td_store_init(), TD_OK);
    static uint8_t v[TD_STORE_VALUE_MAX];
    uint32_t len;
    k[5] = '0';
    k[6] = '3';
    CHECK_EQ(td_store_get(k, v, sizeof v, &len), TD_OK);
    CHECK(len == sizeof big && v[0] == 3);
}

/* A region filled with the largest records (15-character keys, 128-byte
 * values) until a set is refused: the refusal writes nothing, every key
 * takes new values of its size, and every key can still be deleted, one by one, and the store used again. On the host
 * also with regions of two and three sectors (-Wl,--defsym=TD_STORE_SIZE on
 * a chip), where the page padding of such records leaves far fewer bytes
 * than the region has. */
static void big_key(char k[TD_STORE_KEY_MAX + 1u], unsigned i)
{
    for (unsigned j = 0; j < TD_STORE_KEY_MAX; j++)
        k[j] = (char)('a' + j);
    k[TD_STORE_KEY_MAX - 2u] = (char)('0' + i / 10u);
    k[TD_STORE_KEY_MAX - 1u] = (char)('0' + i % 10u);
    k[TD_STORE_KEY_MAX] = '\0';
}

static bool big_ok(unsigned i, uint32_t vlen)
{
    static uint8_t v[TD_STORE_VALUE_MAX];
    char k[TD_STORE_KEY_MAX + 1u];
    uint32_t len = 0;
    big_key(k, i);
    return td_store_get(k, v, sizeof v, &len) == TD_OK && len == vlen && v[0] == (uint8_t)i &&
           v[vlen - 1u] == (uint8_t)~i;
}

/* Key i's value of vlen bytes, round r: big_ok's ends, r in its second byte. */
static int big_set(unsigned i, uint32_t vlen, uint8_t r)
{
    static uint8_t v[TD_STORE_VALUE_MAX];
    static char k[TD_STORE_KEY_MAX + 1u];
    big_key(k, i);
    v[0] = (uint8_t)i;
    v[1] = r;
    v[vlen - 1u] = (uint8_t)~i;
    return td_store_set(k, v, vlen);
}

static bool big_round(unsigned i, uint32_t vlen, uint8_t r)
{
    static uint8_t v[TD_STORE_VALUE_MAX];
    static char k[TD_STORE_KEY_MAX + 1u];
    uint32_t len = 0;
    big_key(k, i);
    return big_ok(i, vlen) && td_store_get(k, v, sizeof v, &len) == TD_OK && v[1] == r;
}

/* A store filled by sets (a new key refused, or TD_STORE_KEYS keys): every
 * key takes new values of the same size, round after round, none refused:
 * the sets that filled it kept room for them (docs/flash.md, "Full"). */
__attribute__((noinline)) static void new_values_when_full(unsigned kept, uint32_t vlen)
{
    for (uint8_t round = 1; round <= 3u; round++)
        for (unsigned i = 0; i < kept; i++)
            if (!CHECK_EQ(big_set(i, vlen, round), TD_OK) || !CHECK(big_round(i, vlen, round)))
                return;
}

static void full_of_big_records(uint32_t sectors, uint32_t vlen)
{
#ifdef TH_HOST
    host_flash_store_size(sectors * TD__SF_SECTOR);
#else
    (void)sectors;                          /* the region the linker set aside */
#endif
    if (fresh() != TD_OK) {
        CHECK(!"fresh");
        return;
    }
    static uint8_t big[TD_STORE_VALUE_MAX];
    char k[TD_STORE_KEY_MAX + 1u];
    td_flash_stats_t f0, f1;
    int r = TD_OK;
    unsigned n = 0;
    for (; n < TD_STORE_KEYS && r == TD_OK; n++) {
        big_key(k, n);
        big[0] = (uint8_t)n;
        big[vlen - 1u] = (uint8_t)~n;
        REQUIRE_EQ(td_flash_stats(&f0), TD_OK);
        r = td_store_set(k, big, vlen);
    }
    unsigned kept = r == TD_OK ? n : n - 1u;
    td_store_stats_t s;
    REQUIRE_EQ(td_store_stats(&s), TD_OK);
    if (r != TD_OK) {
        CHECK_EQ(r, TD_ERR_FULL);
        REQUIRE_EQ(td_flash_stats(&f1), TD_OK);
        CHECK_EQ(f1.sectors_erased, f0.sectors_erased);     /* refused: nothing written */
        CHECK_EQ(f1.pages_programmed, f0.pages_programmed);
        /* refused only when the reservation requires it: one more record
         * and a new value of that size would reach what n - 1 sectors hold
         * at the least (docs/flash.md, "Full") */
        uint32_t size = td__sf_size(TD_STORE_KEY_MAX, vlen), least = 2048u;
        if (4128u - 16u * size > least)
            least = 4128u - 16u * size;
        CHECK((kept + 2u) * size >= (s.sectors - 1u) * least);
    }
    th_info("store_full_sectors", s.sectors);
    th_info("store_full_record_bytes", td__sf_size(TD_STORE_KEY_MAX, vlen));
    th_info("store_full_keys", kept);
    for (unsigned i = 0; i < kept; i++)
        CHECK(big_ok(i, vlen));
    new_values_when_full(kept, vlen);   /* full, or TD_STORE_KEYS keys */
    /* every key can go, one at a time, the others keeping their values */
    for (unsigned i = 0; i < kept; i++) {
        big_key(k, i);
        if (!CHECK_EQ(td_store_delete(k), TD_OK))
            break;
        CHECK(i + 1u >= kept || big_ok(i + 1u, vlen));
    }
    REQUIRE_EQ(td_store_stats(&s), TD_OK);
    CHECK_EQ(s.keys, 0);
    REQUIRE_EQ(td_store_init(), TD_OK);                     /* a reboot reads the same */
    REQUIRE_EQ(td_store_stats(&s), TD_OK);
    CHECK_EQ(s.keys, 0);
    CHECK_EQ(s.sectors_repaired, 0);
    big_key(k, 0);
    CHECK_EQ(td_store_set(k, big, vlen), TD_OK);            /* and it takes values again */
}

TEST(store_full_of_big_records)
{
#ifdef TH_HOST
    for (uint32_t n = 2; n <= 4; n++) {
        full_of_big_records(n, TD_STORE_VALUE_MAX);
        full_of_big_records(n, 101u);       /* 128-byte records: two fill a page */
    }
    host_flash_store_size(0);
#else
    full_of_big_records(0, TD_STORE_VALUE_MAX);
    full_of_big_records(0, 101u);
#endif
}

/* A region of two sectors (on the host; the region the linker set aside on a
 * chip) under the flash suite's workload (tests/flash/store_cut.c): eight
 * keys, values of 8 to 107 bytes, one write in eight a delete. Far from
 * full, no write may be refused, whatever is left at the end of a sector. */
TEST(store_two_sectors_never_full)
{
    static const char *const k8[] = { "boot", "volume", "ssid", "mode", "cal_x", "cal_y", "name", "offsets" };
    static uint8_t v[TD_STORE_VALUE_MAX];
#ifdef TH_HOST
    host_flash_store_size(2u * TD__SF_SECTOR);
#endif
    int r = fresh();
    uint32_t x = 2024u;
    for (uint32_t w = 1; r == TD_OK && w <= 3000u; w++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        unsigned k = x % 8u;
        v[0] = (uint8_t)w;
        r = (x >> 8) % 8u == 0 ? td_store_delete(k8[k]) : td_store_set(k8[k], v, 8u + (w * 13u + k * 7u) % 100u);
        if (r == TD_ERR_NOT_FOUND)
            r = TD_OK;
        if (r != TD_OK)
            th_info("store_refused_write", (long long)w);
    }
    CHECK_EQ(r, TD_OK);
    td_store_stats_t s;
    CHECK_EQ(td_store_stats(&s), TD_OK);
    CHECK(s.compactions > 10u);
#ifdef TH_HOST
    host_flash_store_size(0);
#endif
}

/* Random sets of many sizes and deletes on small regions (host): a refused
 * set or delete writes and erases nothing and changes no value; a delete of
 * a key that is there is never refused, nor a set of a value no longer
 * than the key's current one; every key's value is the last one set. (How
 * many sets are refused is only reported: no independent account
 * of where the store would place its records says which refusals were
 * needed; store_full_of_big_records bounds them for records of one size.) */
/* Key i of the random tests: 1 to TD_STORE_KEY_MAX characters, by i. */
static void rnd_key(char k[TD_STORE_KEY_MAX + 1u], unsigned i)
{
    unsigned n = 1u + i % TD_STORE_KEY_MAX;
    for (unsigned j = 0; j < n; j++)
        k[j] = (char)('a' + (i + j) % 26u);
    k[0] = (char)('A' + i);
    k[n] = '\0';
}

TEST(store_random_refusals_exact)
{
#ifdef TH_HOST
    static uint8_t v[TD_STORE_VALUE_MAX], got[TD_STORE_VALUE_MAX];
    static uint32_t len_of[TD_STORE_KEYS];
    static uint8_t tag_of[TD_STORE_KEYS];
    char k[TD_STORE_KEY_MAX + 1u];
    uint32_t x = 77u, refused = 0, bad = 0, bad_del = 0, bad_val = 0, bad_change = 0;
    for (uint32_t sectors = 2; sectors <= 4 && bad + bad_del + bad_val == 0; sectors++) {
        host_flash_store_size(sectors * TD__SF_SECTOR);
        REQUIRE_EQ(fresh(), TD_OK);
        for (unsigned i = 0; i < TD_STORE_KEYS; i++)
            len_of[i] = 0xffffffffu;
        for (uint32_t w = 1; w <= 4000u; w++) {
            th_progress();
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            unsigned i = x % TD_STORE_KEYS;
            rnd_key(k, i);
            td_flash_stats_t f0, f1;
            REQUIRE_EQ(td_flash_stats(&f0), TD_OK);
            int r;
            bool del = (x >> 9) % 8u == 0;
            uint32_t vl = (x >> 12) % (TD_STORE_VALUE_MAX + 1u);
            if (del) {
                r = td_store_delete(k);
                if (r == TD_OK || r == TD_ERR_NOT_FOUND) {
                    if ((r == TD_OK) != (len_of[i] != 0xffffffffu))
                        bad_val++;
                    len_of[i] = 0xffffffffu;
                } else {
                    bad_del++;
                    th_info("store_delete_refused", r);
                }
            } else {
                for (uint32_t j = 0; j < vl; j++)
                    v[j] = (uint8_t)(w + j);
                r = td_store_set(k, v, vl);
                if (r == TD_OK) {
                    len_of[i] = vl;
                    tag_of[i] = (uint8_t)w;
                } else if (r == TD_ERR_FULL) {
                    refused++;
                    uint32_t kl = 1u + i % TD_STORE_KEY_MAX;
                    if (len_of[i] != 0xffffffffu && td__sf_size(kl, vl) <= td__sf_size(kl, len_of[i]))
                        bad_change++;              /* a value no longer than the current one */
                    REQUIRE_EQ(td_flash_stats(&f1), TD_OK);
                    if (f1.sectors_erased != f0.sectors_erased || f1.pages_programmed != f0.pages_programmed)
                        bad++;
                } else {
                    bad++;
                    th_info("store_set_error", r);
                }
            }
            for (unsigned q = 0; q < TD_STORE_KEYS; q++) {
                char kq[TD_STORE_KEY_MAX + 1u];
                rnd_key(kq, q);
                uint32_t gl = 0;
                int g = td_store_get(kq, got, sizeof got, &gl);
                if (len_of[q] == 0xffffffffu ? g != TD_ERR_NOT_FOUND
                                             : (g != TD_OK || gl != len_of[q] ||
                                                (gl && got[0] != tag_of[q])))
                    bad_val++;
            }
            if (bad + bad_del + bad_val) {
                th_info("store_first_bad_write", (long long)w);
                th_info("store_sectors", (long long)sectors);
                break;
            }
        }
    }
    host_flash_store_size(0);
    th_info("store_refused_sets", refused);
    th_info("store_refused_changes", bad_change);
    CHECK_EQ(bad_change, 0);
    CHECK_EQ(bad, 0);
    CHECK_EQ(bad_del, 0);
    CHECK_EQ(bad_val, 0);
#else
    TH_SKIP(SIZE_SKIP);
#endif
}

/* A region filled with new keys of random sizes until one is refused (or
 * TD_STORE_KEYS keys), then thousands of random changes (on the host; a
 * few hundred in the emulator, where compactions take the flash's time):
 * a value no longer than the key's current one, of the same length half
 * the time, is never refused; a longer one may be, with nothing written;
 * every key reads back its last value. On the host, on regions of two,
 * three and four sectors, and now and then with the power cut at a random
 * step of a change: after the reboot the key being changed holds its old
 * or its new value, every other key its last one, and the changes go on. */
static uint32_t ch_len[TD_STORE_KEYS];
static uint8_t ch_tag[TD_STORE_KEYS];
static uint32_t ch_x;
static bool ch_full;

/* xorshift32 on *x */
static uint32_t xs32(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static uint32_t ch_rnd(void) { return xs32(&ch_x); }

/* Key i's value, tag t, len bytes. */
static int ch_set(unsigned i, uint8_t t, uint32_t len)
{
    static uint8_t v[TD_STORE_VALUE_MAX];
    char k[TD_STORE_KEY_MAX + 1u];
    rnd_key(k, i);
    for (uint32_t j = 0; j < len; j++)
        v[j] = (uint8_t)(t + j);
    return td_store_set(k, v, len);
}

/* Whether key i holds the value of tag t and len bytes. */
static bool ch_holds(unsigned i, uint8_t t, uint32_t len)
{
    static uint8_t v[TD_STORE_VALUE_MAX];
    char k[TD_STORE_KEY_MAX + 1u];
    uint32_t got = 0;
    rnd_key(k, i);
    if (td_store_get(k, v, sizeof v, &got) != TD_OK || got != len)
        return false;
    for (uint32_t j = 0; j < len; j++)
        if (v[j] != (uint8_t)(t + j))
            return false;
    return true;
}

/* Fill with values of lo to TD_STORE_VALUE_MAX bytes, then 'ops' changes,
 * the power cut in about one in 'cut_every' (0: none). Returns the number
 * of keys filled (with TD_ERR_FULL refusing the next: ch_full); counts
 * failures in *bad. */
__attribute__((noinline)) static unsigned changes_when_full(uint32_t lo, uint32_t ops, uint32_t cut_every,
                                                            uint32_t *bad, uint32_t *cuts)
{
    if (fresh() != TD_OK) {
        (*bad)++;
        return 0;
    }
    unsigned n = 0;
    int r = TD_OK;
    for (; n < TD_STORE_KEYS; n++) {
        ch_len[n] = lo + ch_rnd() % (TD_STORE_VALUE_MAX + 1u - lo);
        ch_tag[n] = (uint8_t)ch_rnd();
        r = ch_set(n, ch_tag[n], ch_len[n]);
        if (r != TD_OK)
            break;
    }
    if (r != TD_OK && r != TD_ERR_FULL)
        (*bad)++;
    ch_full = r == TD_ERR_FULL;
    static td_flash_stats_t f0, f1;
    for (uint32_t w = 0; w < ops && n > 0 && *bad == 0; w++) {
        th_progress();
        unsigned i = ch_rnd() % n;
        uint32_t x = ch_rnd(), old = ch_len[i], len;
        if (x % 8u < 4u)
            len = old;                                    /* the same length */
        else if (x % 8u < 7u)
            len = (x >> 8) % (old + 1u);                  /* no longer */
        else
            len = (x >> 8) % (TD_STORE_VALUE_MAX + 1u);   /* any: may grow */
        uint32_t kl = 1u + i % TD_STORE_KEY_MAX;
        bool grows = td__sf_size(kl, len) > td__sf_size(kl, old);
        uint8_t t = (uint8_t)(w * 7u + 1u);
        if (t == ch_tag[i])
            t++;
        bool cut = cut_every != 0 && ch_rnd() % cut_every == 0;
        uint32_t at = 0;
        if (cut) {
            at = port_flash_steps() + (ch_rnd() & 1u ? ch_rnd() % 2u : ch_rnd() % 40u);
            port_flash_power_cut(at - port_flash_steps(), ch_rnd());
        }
        (void)td_flash_stats(&f0);
        r = ch_set(i, t, len);
        if (td_flash_stats(&f1) != TD_OK)
            (*bad)++;
        if (cut) {
            bool went = port_flash_steps() > at;
            port_flash_power_on();
            if (went) {
                (*cuts)++;
                if (td_store_init() != TD_OK) {
                    (*bad)++;
                    th_info("store_changes_reboot_failed", (long long)w);
                    break;
                }
                if (ch_holds(i, t, len)) {
                    ch_len[i] = len;
                    ch_tag[i] = t;
                } else if (!ch_holds(i, ch_tag[i], old)) {
                    (*bad)++;
                    th_info("store_changes_cut_lost_key", (long long)i);
                }
                r = TD_ERR_STATE;                       /* settled above */
            }
        }
        if (r == TD_OK) {
            ch_len[i] = len;
            ch_tag[i] = t;
        } else if (r == TD_ERR_FULL) {
            if (!grows) {
                (*bad)++;
                th_info("store_changes_refused_at", (long long)w);
            }
            if (f1.sectors_erased != f0.sectors_erased || f1.pages_programmed != f0.pages_programmed)
                (*bad)++;
        } else if (r != TD_ERR_STATE) {
            (*bad)++;
            th_info("store_changes_error", r);
        }
        for (unsigned q = 0; q < n; q++)
            if (!ch_holds(q, ch_tag[q], ch_len[q])) {
                (*bad)++;
                th_info("store_changes_bad_key", (long long)q);
                break;
            }
    }
    if (td_store_init() != TD_OK)                       /* a reboot reads the same */
        (*bad)++;
    for (unsigned q = 0; q < n; q++)
        if (!ch_holds(q, ch_tag[q], ch_len[q]))
            (*bad)++;
    return n;
}

TEST(store_changes_when_full)
{
    uint32_t bad = 0, cuts = 0;
    ch_x = 2026u;
#ifdef TH_HOST
    /* values of 0 to 128 bytes fill two sectors, of 100 to 128 two or
     * three; four sectors hold TD_STORE_KEYS keys of any size with room to
     * spare */
    static const uint32_t runs[][2] = { { 2, 0 }, { 2, 100 }, { 3, 100 }, { 4, 0 } };
    for (unsigned c = 0; c < sizeof runs / sizeof runs[0] && bad == 0; c++) {
        uint32_t sectors = runs[c][0], lo = runs[c][1];
        host_flash_store_size(sectors * TD__SF_SECTOR);
        unsigned n = changes_when_full(lo, 3000u, 0, &bad, &cuts);
        th_info("store_changes_sectors", sectors);
        th_info("store_changes_keys_filled", n);
        th_info("store_changes_refused_a_key", ch_full);
        CHECK(ch_full || sectors == 4u);
        if (bad == 0)
            (void)changes_when_full(lo, 1500u, 4u, &bad, &cuts);   /* with power cuts */
    }
    host_flash_store_size(0);
    th_info("store_changes_power_cuts", cuts);
    CHECK(cuts >= 100u);
#else
    unsigned n = changes_when_full(64u, 200u, 0, &bad, &cuts);
    th_info("store_changes_keys_filled", n);
    th_info("store_changes_refused_a_key", ch_full);
#endif
    CHECK_EQ(bad, 0);
    REQUIRE_EQ(fresh(), TD_OK);
}

/* ---- both cores --------------------------------------------------------------------- */

#define BC_N 40u
static int bc_r1;
static void core1_store(void *arg)
{
    (void)arg;
    td_msg_start();
    for (uint32_t i = 0; i < BC_N && bc_r1 == TD_OK; i++) {
        uint32_t v = 1000u + i;
        th_progress();
        bc_r1 = td_store_set(i & 1u ? "c1_odd" : "c1_even", &v, sizeof v);
        if (bc_r1 == TD_OK) {
            uint32_t got = 0, len = 0;
            bc_r1 = td_store_get(i & 1u ? "c1_odd" : "c1_even", &got, sizeof got, &len);
            if (bc_r1 == TD_OK && (got != v || len != sizeof v))
                bc_r1 = TD_ERR_STATE;
        }
    }
}

TEST(store_from_both_cores)
{
    REQUIRE_EQ(fresh(), TD_OK);
    bc_r1 = TD_OK;
    REQUIRE_EQ(th_core1_run(core1_store, NULL), TD_OK);
    int r0 = TD_OK;
    for (uint32_t i = 0; i < BC_N && r0 == TD_OK; i++) {
        uint32_t v = 2000u + i, got = 0, len = 0;
        th_progress();
        r0 = td_store_set(i & 1u ? "c0_odd" : "c0_even", &v, sizeof v);
        if (r0 == TD_OK)
            r0 = td_store_get(i & 1u ? "c0_odd" : "c0_even", &got, sizeof got, &len);
        if (r0 == TD_OK && got != v)
            r0 = TD_ERR_STATE;
    }
    CHECK_EQ(th_core1_wait(TD_SEC(10)), TD_OK);
    CHECK_EQ(r0, TD_OK);
    CHECK_EQ(bc_r1, TD_OK);
    REQUIRE_EQ(td_store_init(), TD_OK);
    const char *k[4] = { "c0_even", "c0_odd", "c1_even", "c1_odd" };
    const uint32_t want[4] = { 2000u + BC_N - 2u, 2000u + BC_N - 1u, 1000u + BC_N - 2u, 1000u + BC_N - 1u };
    for (unsigned i = 0; i < 4; i++) {
        uint32_t got = 0;
        CHECK_EQ(td_store_get(k[i], &got, sizeof got, NULL), TD_OK);
        CHECK_EQ(got, want[i]);
    }
}

/* ---- callers that may not wait ---------------------------------------------------- */

/* Core 1 keeps the store busy (sets of one key, each holding the store's
 * cross-core mutex for its flash steps) until told to stop, or for at most
 * BUSY_US of its time; then it sets busy_done. A bound by time, not by a
 * count of sets: on a loaded host core 0's thread may not run for as long
 * as a few thousand sets take. It sleeps a tick between two sets, so core 0
 * runs unparked in between (each flash step of a set parks it): back to
 * back, a loaded host left core 0's main thread no time for the whole
 * BUSY_US. */
#define BUSY_US 10000000u
static int busy_stop, busy_r, busy_done;
static uint32_t busy_sets;
static void core1_busy(void *arg)
{
    (void)arg;
    td_msg_start();
    uint64_t until = td_time_us() + BUSY_US;
    for (uint32_t i = 0; !LD(busy_stop) && LD(busy_r) == TD_OK && td_time_us() < until; i++) {
        uint32_t v = 5000u + i;
        ST(busy_r, td_store_set("busy", &v, sizeof v));
        ST(busy_sets, i + 1u);
        td_sleep(1);
    }
    ST(busy_done, 1);
}

/* A store call that would have to wait for the other core's is refused at
 * once by a caller that may not wait (with interrupts masked TD_ERR_STATE,
 * from the idle thread TD_ERR_IDLE), its buffer left alone; one that finds
 * the store free is answered. check_answer counts each, and returns -1 for
 * any other answer. */
static uint32_t seen_ok, seen_refused;
static int check_answer(int r, uint32_t got, uint32_t len, int refusal)
{
    if (r == refusal && got == 0xdeadbeefu && len == 77u)
        seen_refused++;
    else if (r == TD_OK && got == 42u && len == sizeof got)
        seen_ok++;
    else
        return -1;
    return 0;
}

/* A fresh store with "mine" = 42, and core 1 under way with its sets. */
static int busy_start(void)
{
    uint32_t v = 42u;
    int r = fresh();
    if (r == TD_OK)
        r = td_store_set("mine", &v, sizeof v);
    ST(busy_stop, 0);
    ST(busy_done, 0);
    ST(busy_r, TD_OK);
    ST(busy_sets, 0u);
    seen_ok = seen_refused = 0;
    if (r == TD_OK)
        r = th_core1_run(core1_busy, NULL);
    for (int i = 0; r == TD_OK && i < 2000 && LD(busy_sets) == 0u; i++)
        td_sleep(1);
    return r;
}

/* Core 1 stopped; `bad` (a wrong answer) none, three refusals seen, and
 * nothing lost: both keys as written. */
static void busy_end(const char *what, int bad)
{
    ST(busy_stop, 1);
    CHECK_EQ(th_core1_wait(TD_SEC(10)), TD_OK);
    th_info(what, seen_refused);
    th_info("store_answered_meanwhile", seen_ok);
    th_info("store_busy_sets", LD(busy_sets));
    CHECK_EQ(bad, 0);
    CHECK_EQ(LD(busy_r), TD_OK);             /* (first: a set that failed ends core 1's loop) */
    CHECK(seen_refused >= 3u);
    uint32_t got = 0;
    CHECK_EQ(td_store_get("mine", &got, sizeof got, NULL), TD_OK);
    CHECK_EQ(got, 42u);
    CHECK_EQ(td_store_get("busy", &got, sizeof got, NULL), TD_OK);
    CHECK_EQ(got, 5000u + LD(busy_sets) - 1u);
}

TEST(store_refused_with_interrupts_masked_while_the_other_core_writes)
{
    REQUIRE_EQ(busy_start(), TD_OK);
    int bad = 0;
    uint64_t until = td_time_us() + 5000000u;
    for (uint32_t i = 0; seen_refused < 3u && !bad && !LD(busy_done) && td_time_us() < until; i++) {
        uint32_t got = 0xdeadbeefu, len = 77u;
        port_irq_state_t s = port_irq_save();
        int r = td_store_get("mine", &got, sizeof got, &len);
        port_irq_restore(s);
        bad = check_answer(r, got, len, TD_ERR_STATE);
        if ((i & 63u) == 63u)
            th_progress();
    }
    busy_end("store_masked_refused", bad);
}

/* Core 1 keeps the store as a program could: a thread of core 1 in the
 * middle of a store call (holding the store's mutex) is preempted by a more
 * urgent thread of its core, which keeps it off the processor (suspended,
 * hold_phase 1) until core 0 has called the store and answered that hold
 * by its number (hold_done = hold_n) or stops it all (hold_stop). The
 * holder sets in a loop, so it is inside a call nearly always when it is
 * preempted; where core 0 found the store free (the holder stopped between
 * two calls), it tries again. Between two holds the holder sets back to
 * back for a tick.
 *
 * Each hold has a number, and core 0 waits for a hold it has not answered
 * yet, not for a phase to pass: with each core on a host thread of its own,
 * core 0 sleeping a tick between two looks can miss the short time
 * between two holds, and a wait for it (as this was once) then ran out
 * its bound on both cores: the next hold waited for an answer while core 0
 * waited for that hold to end. */
TD_THREAD_DEFINE(store_holder, 2048);
static int hold_stop, hold_r, hold_phase;   /* phase: 0 running, 1 suspended */
static uint32_t hold_sets, hold_n, hold_done; /* holds begun, the last one answered */

/* Whether core 1 holds the holder now, in hold *n: the number read before
 * and after the phase, so that a phase 1 seen is that hold's. */
static bool hold_now(uint32_t *n)
{
    uint32_t a = LD(hold_n);
    bool held = LD(hold_phase) == 1;
    *n = a;
    return held && LD(hold_n) == a;
}

static void store_holder_main(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; !LD(hold_stop) && LD(hold_r) == TD_OK; i++) {
        uint32_t v = 7000u + i;
        int r = td_store_set("held", &v, sizeof v);
        ST(hold_r, r);
        if (r == TD_OK)
            ST(hold_sets, i + 1u);
    }
}

static void core1_holds(void *arg)
{
    (void)arg;
    td_msg_start();
    int r = td_thread_create(&store_holder, store_holder_stack, sizeof store_holder_stack, "holder",
                             TD_PRIO_MAIN - 1u, store_holder_main, NULL);
    if (r != TD_OK) {
        ST(hold_r, r);
        return;
    }
    while (!LD(hold_stop) && LD(hold_r) == TD_OK) {
        td_sleep(1);                       /* the holder runs; the tick preempts it */
        if (td_thread_suspend(&store_holder) != TD_OK)
            continue;                      /* (asleep: the flash call's wait for core 0) */
        uint32_t n = LD(hold_n) + 1u;
        ST(hold_n, n);
        ST(hold_phase, 1);
        /* a stop ends the hold too: core 0 stops once it has what it wanted */
        TH_WAIT_CORE(0, 10000, LD(hold_done) == n || LD(hold_stop));
        ST(hold_phase, 0);                 /* (before the holder runs) */
        td_thread_resume_isr(&store_holder);
    }
    ST(hold_stop, 1);
    if (th_join_turns(&store_holder, 5000) != TD_OK)
        ST(hold_r, TD_ERR_TIMEOUT);
}

static void hold_reset(void)
{
    ST(hold_stop, 0);
    ST(hold_r, TD_OK);
    ST(hold_phase, 0);
    ST(hold_sets, 0u);
    ST(hold_n, 0u);
    ST(hold_done, 0u);
}

/* The same from the idle thread (its hook): TD_ERR_IDLE. Its call must find
 * core 1 inside a set. With core 1 setting back to back (each flash step of
 * a set parks core 0 in its FIFO interrupt) a loaded host did not give it
 * one: core 0's pthread was off its CPU in the gaps between two steps, and
 * back on it found the next park request waiting, so its threads ran a few
 * ticks in seconds and the hook rarely or never. So core 1 holds its set
 * (core1_holds) until the hook has called; every call, held or not, is
 * checked (refused with the buffer left alone, or answered). */
static volatile int idle_bad;
static uint32_t idle_held;               /* calls made while the holder was held */
static void store_idle_call(void)
{
    if (idle_bad || seen_refused >= 3u)
        return;
    uint32_t n;
    bool held = hold_now(&n);            /* (then it stays held until answered) */
    uint32_t got = 0xdeadbeefu, len = 77u;
    int r = td_store_get("mine", &got, sizeof got, &len);
    if (check_answer(r, got, len, TD_ERR_IDLE))
        idle_bad = r == TD_OK ? 1 : r;
    if (held) {
        idle_held++;
        ST(hold_done, n);
    }
}

TEST(store_refused_from_the_idle_thread_while_the_other_core_writes)
{
    uint32_t v = 42u;
    REQUIRE_EQ(fresh(), TD_OK);
    REQUIRE_EQ(td_store_set("mine", &v, sizeof v), TD_OK);
    idle_bad = 0;
    idle_held = 0;
    seen_ok = seen_refused = 0;
    hold_reset();
    REQUIRE_EQ(th_core1_run(core1_holds, NULL), TD_OK);
    REQUIRE_EQ(td_kernel_set_idle_hook(store_idle_call), TD_OK);
    for (int i = 0; i < 5000 && seen_refused < 3u && !idle_bad && idle_held < 50u &&
                    LD(hold_r) == TD_OK && !LD(hold_stop);
         i++) {
        td_sleep(1);
        th_progress();
    }
    td_kernel_set_idle_hook(NULL);
    ST(hold_stop, 1);
    CHECK_EQ(th_core1_wait(TD_SEC(10)), TD_OK);
    th_info("store_idle_refused", seen_refused);
    th_info("store_answered_meanwhile", seen_ok);
    th_info("store_idle_calls_held", idle_held);
    th_info("store_busy_sets", LD(hold_sets));
    CHECK_EQ(idle_bad, 0);
    CHECK_EQ(LD(hold_r), TD_OK);
    CHECK(seen_refused >= 3u);
    uint32_t got = 0;                        /* nothing lost: both keys as written */
    CHECK_EQ(td_store_get("mine", &got, sizeof got, NULL), TD_OK);
    CHECK_EQ(got, 42u);
    CHECK_EQ(td_store_get("held", &got, sizeof got, NULL), TD_OK);
    CHECK_EQ(got, 7000u + LD(hold_sets) - 1u);
}

/* ---- the wait for the other core's call, bounded ------------------------------------ */

/* Core 1 keeps the store past the bound (core1_holds, above): the bound is
 * lowered from TD_STORE_LOCK_TIMEOUT (20 s) to HOLD_TICKS through the
 * module's test hook (kernel/store_sys.h). */
#define HOLD_TICKS 20u

/* The store region's bytes, hashed: what a call wrote shows. */
static uint32_t region_hash(void)
{
    uint32_t s, e, x = 2166136261u;
    td_flash_store_region(&s, &e);
    const uint8_t *p = port_flash_map(s);
    for (uint32_t i = 0; i < e - s; i++)
        x = (x ^ p[i]) * 16777619u;
    return x;
}

static void core1_store_after(void *arg)
{
    (void)arg;
    uint32_t v = 8888u, got = 0;
    int r = td_store_set("core1", &v, sizeof v);
    if (r == TD_OK)
        r = td_store_get("core1", &got, sizeof got, NULL);
    ST(hold_r, r == TD_OK && got != v ? -1 : r);
}

TEST(store_wait_for_the_other_core_bounded)
{
    uint32_t v = 42u;
    REQUIRE_EQ(fresh(), TD_OK);
    REQUIRE_EQ(td_store_set("mine", &v, sizeof v), TD_OK);
    CHECK_EQ(td__store_lock_timeout, TD_STORE_LOCK_TIMEOUT);
    CHECK_EQ(TD_STORE_LOCK_TIMEOUT, TD_MS(20000u));
    td__store_lock_timeout = HOLD_TICKS;
    hold_reset();
    int r = th_core1_run(core1_holds, NULL);
    CHECK_EQ(r, TD_OK);
    unsigned tries = 0, timeouts = 0, free_found = 0;
    uint32_t n = 0, answered = 0;
    while (r == TD_OK && timeouts == 0 && tries < 50u) {
        TH_WAIT_CORE(1, 10000, (hold_now(&n) && n != answered) || LD(hold_r) != TD_OK);
        if (!hold_now(&n) || n == answered || LD(hold_r) != TD_OK)
            break;
        tries++;
        th_progress();
        uint32_t h0 = region_hash(), w = 99u;
        uint64_t ran0 = th_ran_us();
        td_tick_t t0 = td_time_ticks();
        int rs = td_store_set("waiter", &w, sizeof w);
        td_tick_t took = td_time_ticks() - t0;
        if (rs == TD_ERR_TIMEOUT) {
            timeouts++;
            th_info("store_wait_bounded_ticks", (long long)took);
            CHECK(took >= HOLD_TICKS);
            CHECK(th_ran_within(ran0, HOLD_TICKS));
            /* the other calls too, each with its buffers left alone */
            uint32_t got = 0xdeadbeefu, len = 77u;
            td_store_stats_t st;
            st.keys = 12345u;
            CHECK_EQ(td_store_get("mine", &got, sizeof got, &len), TD_ERR_TIMEOUT);
            CHECK_EQ(got, 0xdeadbeefu);
            CHECK_EQ(len, 77u);
            CHECK_EQ(td_store_delete("mine"), TD_ERR_TIMEOUT);
            CHECK_EQ(td_store_stats(&st), TD_ERR_TIMEOUT);
            CHECK_EQ(st.keys, 12345u);
            CHECK_EQ(td_store_init(), TD_ERR_TIMEOUT);
            CHECK_EQ(region_hash(), h0);     /* nothing written or erased */
        } else {
            CHECK_EQ(rs, TD_OK);             /* the holder was between two calls */
            free_found++;
            CHECK_EQ(td_store_delete("waiter"), TD_OK);
        }
        uint32_t still;                      /* that hold all along: the holder did not run */
        CHECK(hold_now(&still) && still == n);
        answered = n;
        ST(hold_done, n);
    }
    ST(hold_stop, 1);
    CHECK_EQ(th_core1_wait(TD_SEC(10)), TD_OK);
    td__store_lock_timeout = TD_STORE_LOCK_TIMEOUT;
    th_info("store_wait_tries", tries);
    th_info("store_wait_found_free", free_found);
    CHECK_EQ(timeouts, 1u);
    CHECK_EQ(LD(hold_r), TD_OK);
    CHECK(LD(hold_sets) > 0u);
    /* the store works afterwards, from both cores, and lost nothing */
    uint32_t got = 0;
    CHECK_EQ(td_store_get("waiter", &got, sizeof got, NULL), TD_ERR_NOT_FOUND);
    CHECK_EQ(td_store_get("mine", &got, sizeof got, NULL), TD_OK);
    CHECK_EQ(got, 42u);
    CHECK_EQ(td_store_get("held", &got, sizeof got, NULL), TD_OK);
    CHECK_EQ(got, 7000u + LD(hold_sets) - 1u);
    v = 43u;
    CHECK_EQ(td_store_set("mine", &v, sizeof v), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_store_after, NULL), TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(10)), TD_OK);
    CHECK_EQ(LD(hold_r), TD_OK);
    REQUIRE_EQ(td_store_init(), TD_OK);
    CHECK_EQ(td_store_get("mine", &got, sizeof got, NULL), TD_OK);
    CHECK_EQ(got, 43u);
    CHECK_EQ(td_store_get("core1", &got, sizeof got, NULL), TD_OK);
    CHECK_EQ(got, 8888u);
}

/* ---- power cuts -------------------------------------------------------------------- */

static uint32_t cut_seed = 12345u;
static uint32_t rnd(void) { return xs32(&cut_seed); }

static uint32_t work_compactions;
static int op_error;                     /* the last failing op's error, for the report */

/* One run: a fresh store, the workload until the power goes at step 'cut'
 * (counted from the fresh store), a reboot (itself cut at its step 'cut2'
 * if cut2 != 0, then a reboot again), the check, then more writes. Returns
 * 0, or the failing stage; *steps gets the flash steps of the whole uncut
 * workload when cut is ~0. */
static int cut_run(uint32_t cut, uint32_t cut2, uint32_t seed, uint32_t *steps, int *bad_key)
{
    int r = port_flash_reset_test();
    if (r == TD_ERR_UNSUPPORTED) {               /* the chip: a fresh region */
        uint32_t s, e;
        td_flash_store_region(&s, &e);
        r = td_flash_erase(s, e - s, NULL);
    }
    if (r != TD_OK || td_store_init() != TD_OK)
        return 1;
    for (unsigned k = 0; k < NK; k++)
        have[k] = -1;
    uint32_t base = port_flash_steps();
    if (cut != ~0u)
        port_flash_power_cut(cut, seed);
    unsigned kf = NK;
    int32_t wf = -1;
    for (uint32_t w = 0; w < WORK; w++) {
        unsigned k;
        int r = op(w, &k);
        if (cut != ~0u && port_flash_steps() > base + cut) {  /* the power went in this op */
            kf = k;
            wf = is_delete(w) ? -1 : (int32_t)w;
            if (have[k] < 0 && wf < 0)
                kf = NK;                          /* deleting what is absent: no write */
            break;
        }
        if (!(r == TD_OK || (r == TD_ERR_NOT_FOUND && have[k] < 0))) {
            op_error = r;
            return 2;
        }
        apply(w, k);
    }
    if (steps != NULL) {
        td_store_stats_t st;
        *steps = port_flash_steps() - base;
        work_compactions = td_store_stats(&st) == TD_OK ? st.compactions : 0;
    }
    port_flash_power_on();
    if (cut2 != 0) {                               /* the power goes again while repairing */
        port_flash_power_cut(cut2 - 1u, seed ^ 0x5a5a5a5au);
        (void)td_store_init();
        port_flash_power_on();
    }
    if (td_store_init() != TD_OK)
        return 3;
    if (!check_keys(kf, wf, bad_key))
        return 4;
    /* the store works on: settle the interrupted key, write every key again */
    if (kf < NK) {
        static uint8_t v[TD_STORE_VALUE_MAX];
        uint32_t len = 0;
        int r = td_store_get(keys[kf], v, sizeof v, &len);
        if (wf < 0 ? r == TD_ERR_NOT_FOUND : r == TD_OK && holds(kf, v, len, (uint32_t)wf))
            have[kf] = wf;                        /* the cut write made it */
    }
    for (uint32_t w = WORK; w < WORK + 2u * NK; w++) {
        unsigned k;
        int r = op(w, &k);
        if (!(r == TD_OK || (r == TD_ERR_NOT_FOUND && have[k] < 0)))
            return 5;
        apply(w, k);
    }
    if (td_store_init() != TD_OK)
        return 6;
    return check_keys(NK, -1, bad_key) ? 0 : 7;
}

static void core1_halt(void *arg)
{
    (void)arg;
    td_panic("halted on purpose: the power cut test runs with core 1 in reset");
}

/* Core 1 halted and then reset (in the boot ROM): flash steps need no
 * lockout, so thousands of runs take seconds on a loaded host. */
static int core1_out(int *old)
{
    *old = td_fault_policy(1);
    int r = td_fault_set_policy(1, TD_FAULT_HALT);
    if (r == TD_OK)
        r = th_core1_run(core1_halt, NULL);
    for (int i = 0; r == TD_OK && i < 3000 && td_fault_core_state(1) != TD_CORE_HALTED; i++)
        td_sleep(1);
    if (r == TD_OK && td_fault_core_state(1) != TD_CORE_HALTED)
        r = TD_ERR_TIMEOUT;
    port_core1_reset();
    return r;
}

/* The restart policy brings core 1 back. */
static int core1_back(int old, uint32_t restarts)
{
    int r = td_fault_set_policy(1, TD_FAULT_RESTART);
    for (int i = 0; r == TD_OK && i < 3000 && td_fault_restarts() == restarts; i++)
        td_sleep(1);
    if (r == TD_OK)
        r = td_fault_restarts() == restarts + 1u ? th_core1_wait(TD_SEC(2)) : TD_ERR_TIMEOUT;
    td_fault_set_policy(1, (unsigned)old);
    return r;
}

/* Core 1 back (core1_back) after core1_out, and the console captured
 * meanwhile (its halt's report) ended: something was captured. */
static void core1_back_captured(int old, uint32_t restarts, bool cap)
{
    CHECK_EQ(core1_back(old, restarts), TD_OK);
    static char report[4096];
    int len = th_capture_end(report, sizeof report);
    if (cap)
        CHECK(len > 0);
}

TEST(store_power_cut_at_every_step)
{
    REQUIRE_EQ(fresh(), TD_OK);
    uint32_t steps = 0;
    int bad_key = -1;
    op_error = TD_OK;
    int run = cut_run(~0u, 0, 1, &steps, &bad_key);          /* the workload, uncut */
    if (run == 2)
        th_info("store_workload_op_error", op_error);
    REQUIRE_EQ(run, 0);
    th_info("store_workload_compactions", work_compactions);
    CHECK(work_compactions >= 3u);
    int cuts_modelled = port_flash_power_cut(0, 1);
#if defined(TH_HOST) || defined(PORT_FLASH_IN_RAM)
    CHECK_EQ(cuts_modelled, TD_OK);   /* a flash kept in software: the port cuts the power */
#endif
    if (cuts_modelled == TD_ERR_UNSUPPORTED)   /* the workload above ran, its cuts cannot */
        TH_SKIP(CUT_SKIP);
    port_flash_power_on();
    th_info("store_workload_steps", steps);
    CHECK(steps > WORK);
    int old = 0;
    uint32_t restarts = td_fault_restarts();
    bool cap = th_capture_begin() == TD_OK;
    REQUIRE_EQ(core1_out(&old), TD_OK);
    uint32_t cuts = 0, failed_at = ~0u;
    int stage = 0;
    for (uint32_t c = 0; c < steps && stage == 0; c++) {
        for (uint32_t round = 0; round < 3u && stage == 0; round++) {
            uint32_t cut2 = round == 2u ? 1u + rnd() % 4u : 0u;
            stage = cut_run(c, cut2, rnd(), NULL, &bad_key);
            cuts += 1u + (cut2 != 0);
            if (stage != 0)
                failed_at = c;
        }
    }
    CHECK_EQ(core1_back(old, restarts), TD_OK);
    static char report[4096];
    int len = th_capture_end(report, sizeof report);
    if (cap)
        CHECK(len > 0 && th_contains(report, "halted on purpose: the power cut test"));
    if (stage != 0) {
        th_info("store_cut_failed_at_step", failed_at);
        th_info("store_cut_failed_stage", stage);
        th_info("store_cut_failed_key", bad_key);
    }
    CHECK_EQ(stage, 0);
    th_info("store_power_cuts", cuts);
    CHECK(cuts >= 1000u);
    REQUIRE_EQ(fresh(), TD_OK);
}

#ifdef TH_HOST
#define ADV_SEEDS 120u        /* workloads, half on two sectors, half on three */
#define ADV_CUT_SEEDS 4u      /* of them, cut at every step */
#define ADV_OPS 200u          /* changes in each */

/* ---- an adversary for the reservation ------------------------------------------------ */

/* A full store under changes chosen to be hard for the reservation (host):
 * keys of 1 to 15 characters, records of the sizes that pack a page worst
 * (124 and 132 bytes fill one exactly, 128 and 156 leave two in one page
 * or one), small ones between, new keys, longer values, deletes and keys
 * set again, on regions of two and three sectors. Each workload runs uncut,
 * then again with the power cut at every one of its flash steps in turn
 * (and the reboot's repair cut too, one run in three); after the reboot
 * the workload goes on. Throughout: no value no longer than its key's
 * current one and no delete of a present key is refused, a refused set
 * writes nothing, and every key holds its last value (the one the cut
 * interrupted: its old or its new one). */
#define ADV_KEYS 24u
static uint32_t adv_len[ADV_KEYS];              /* ~0: absent */
static uint8_t adv_tag[ADV_KEYS];
static uint32_t adv_x;
static uint32_t adv_refused;                    /* growing sets refused, all runs */

static uint32_t adv_rnd(void) { return xs32(&adv_x); }

static bool adv_paired;                         /* records of 132 and 128 bytes, by key */

/* A value length for key i whose record is one of the hard sizes (or 4
 * bytes more), or any; in a paired workload 132 bytes for an even key, 128
 * for an odd one: in that order a compacted sector holds one a page. */
static uint32_t adv_vlen(unsigned i)
{
    static const uint16_t hard[] = { 12, 16, 28, 64, 120, 124, 128, 132, 136, 152, 156 };
    uint32_t kl = 1u + i % TD_STORE_KEY_MAX, x = adv_rnd();
    if (adv_paired)
        return (i % 2u ? 128u : 132u) - 12u - kl;
    if (x % 4u == 0)
        return (x >> 8) % (TD_STORE_VALUE_MAX + 1u);
    uint32_t rs = hard[(x >> 8) % (sizeof hard / sizeof hard[0])];
    uint32_t v = rs - 12u >= kl ? rs - 12u - kl + ((x >> 16) & 3u) : 0u;
    return v > TD_STORE_VALUE_MAX ? TD_STORE_VALUE_MAX - ((x >> 20) & 7u) : v;
}

static bool adv_grows(unsigned i, uint32_t len)
{
    uint32_t kl = 1u + i % TD_STORE_KEY_MAX;
    return adv_len[i] == ~0u || td__sf_size(kl, len) > td__sf_size(kl, adv_len[i]);
}

static bool adv_check_all(void)
{
    for (unsigned q = 0; q < ADV_KEYS; q++) {
        char k[TD_STORE_KEY_MAX + 1u];
        rnd_key(k, q);
        if (adv_len[q] == ~0u ? td_store_get(k, NULL, 0, NULL) != TD_ERR_NOT_FOUND
                              : !ch_holds(q, adv_tag[q], adv_len[q]))
            return false;
    }
    return true;
}

/* ops changes; the power cut at step 'cut' of them (~0: none), the repair
 * then cut at its step cut2 - 1 (0: not). Returns 0 or the failing stage;
 * *steps gets the flash steps of the changes. */
static int adv_run(uint32_t seed, uint32_t ops, uint32_t cut, uint32_t cut2, uint32_t *steps)
{
    if (port_flash_reset_test() != TD_OK || td_store_init() != TD_OK)
        return 1;
    adv_x = seed;
    for (unsigned i = 0; i < ADV_KEYS; i++)
        adv_len[i] = ~0u;
    /* filled with new keys until one is refused */
    for (unsigned i = 0; i < ADV_KEYS; i++) {
        uint32_t len = adv_vlen(i);
        uint8_t t = (uint8_t)adv_rnd();
        int r = ch_set(i, t, len);
        if (r == TD_ERR_FULL)
            break;
        if (r != TD_OK)
            return 2;
        adv_len[i] = len;
        adv_tag[i] = t;
    }
    uint32_t base = port_flash_steps();
    if (cut != ~0u)
        port_flash_power_cut(cut, seed ^ cut);
    static td_flash_stats_t f0, f1;
    for (uint32_t w = 0; w < ops; w++) {
        th_progress();
        unsigned i = adv_rnd() % ADV_KEYS;
        uint32_t x = adv_rnd(), len = 0;
        bool del = adv_len[i] != ~0u && x % 8u == 0;
        if (adv_len[i] == ~0u || x % 8u == 1u)
            len = adv_vlen(i);                                /* new, or any length */
        else if (!del)
            len = x % 8u < 5u ? adv_len[i] : (x >> 8) % (adv_len[i] + 1u);
        bool grows = !del && adv_grows(i, len);
        uint8_t t = (uint8_t)(adv_tag[i] + 1u + (x >> 24) % 200u);
        char k[TD_STORE_KEY_MAX + 1u];
        rnd_key(k, i);
        (void)td_flash_stats(&f0);
        int r = del ? td_store_delete(k) : ch_set(i, t, len);
        (void)td_flash_stats(&f1);
        if (cut != ~0u && port_flash_steps() > base + cut) {   /* the power went in this op */
            port_flash_power_on();
            if (cut2 != 0) {
                port_flash_power_cut(cut2 - 1u, seed ^ 0x5a5a5a5au);
                (void)td_store_init();
                port_flash_power_on();
            }
            if (td_store_init() != TD_OK)
                return 3;
            if (del ? td_store_get(k, NULL, 0, NULL) == TD_ERR_NOT_FOUND : ch_holds(i, t, len)) {
                adv_len[i] = del ? ~0u : len;
                adv_tag[i] = t;
            }
            if (!adv_check_all())
                return 4;
            cut = ~0u;                                      /* and it goes on */
            continue;
        }
        if (r == TD_OK) {
            adv_len[i] = del ? ~0u : len;
            adv_tag[i] = t;
        } else if (r != TD_ERR_FULL || !grows) {
            th_info("store_adv_refused", r);
            th_info("store_adv_refused_op", (long long)w);
            return 5;
        } else if (f1.sectors_erased != f0.sectors_erased || f1.pages_programmed != f0.pages_programmed) {
            return 6;
        } else {
            adv_refused++;
        }
        if (!adv_check_all())
            return 7;
    }
    if (steps != NULL)
        *steps = port_flash_steps() - base;
    if (td_store_init() != TD_OK)
        return 8;
    return adv_check_all() ? 0 : 9;
}

#endif /* TH_HOST */

TEST(store_full_against_an_adversary)
{
#ifdef TH_HOST
    REQUIRE_EQ(fresh(), TD_OK);
    int old = 0;
    uint32_t restarts = td_fault_restarts();
    bool cap = th_capture_begin() == TD_OK;
    REQUIRE_EQ(core1_out(&old), TD_OK);
    uint32_t runs = 0, cuts = 0, fail_seed = 0, fail_cut = 0;
    int stage = 0;
    adv_refused = 0;
    for (uint32_t s = 0; s < ADV_SEEDS && stage == 0; s++) {
        uint32_t sectors = 2u + s % 2u, seed = 0x9e3779b9u * (s + 1u), steps = 0;
        adv_paired = s % 4u >= 2u;
        host_flash_store_size(sectors * TD__SF_SECTOR);
        stage = adv_run(seed, ADV_OPS, ~0u, 0, &steps);
        runs++;
        fail_cut = ~0u;                                     /* uncut */
        for (uint32_t c = 0; c < steps && stage == 0 && s < ADV_CUT_SEEDS; c++) {
            stage = adv_run(seed, ADV_OPS, c, c % 3u == 2u ? 1u + c % 5u : 0u, NULL);
            cuts++;
            fail_cut = c;
        }
        fail_seed = s;
    }
    core1_back_captured(old, restarts, cap);
    host_flash_store_size(0);
    if (stage != 0) {
        th_info("store_adv_failed_seed", fail_seed);
        th_info("store_adv_failed_cut", fail_cut);
        th_info("store_adv_failed_stage", stage);
    }
    th_info("store_adv_runs", runs);
    th_info("store_adv_power_cuts", cuts);
    th_info("store_adv_refused_sets", adv_refused);
    CHECK_EQ(stage, 0);
    CHECK(cuts >= 1000u);
    CHECK(adv_refused >= runs);                 /* the workloads reach the reservation */
    REQUIRE_EQ(fresh(), TD_OK);
#else
    TH_SKIP(SIZE_SKIP);
#endif
}

/* ---- two cuts aimed at the compaction ------------------------------------------------- */

/* The store region's first sector as it is now. */
static const uint8_t *sector0(void)
{
    uint32_t s;
    td_flash_store_region(&s, NULL);
    return port_flash_map(s);
}

struct find_del {
    uint32_t off;
};
static void find_gone(void *ctx, const uint8_t *s, const td__sf_rec_t *r)
{
    struct find_del *f = ctx;
    if (r->type == TD__SF_DEL && r->klen == 4 && s[r->off + 8] == 'g')
        f->off = r->off;
}

/* "gone" set and deleted in sector 0, then fill until sector 0 is
 * compacted; the op that compacts is op 'upto' (returns it when ~0). */
static int fill_op(uint32_t i)
{
    static uint8_t v[100];
    v[0] = (uint8_t)i;
    return td_store_set("fill", v, sizeof v);
}

static uint32_t gone_workload(uint32_t upto)
{
    td_store_stats_t st;
    if (td_store_set("gone", "resurrected", 11) != TD_OK || td_store_delete("gone") != TD_OK)
        return 0;
    for (uint32_t i = 0; i < 400; i++) {
        th_progress();
        if (i == upto)
            return i;
        if (fill_op(i) != TD_OK || td_store_stats(&st) != TD_OK)
            return 0;
        if (upto == ~0u && st.compactions > 0)
            return i;
    }
    return 0;
}

TEST(store_obsolete_mark_keeps_deletes_deleted)
{
    REQUIRE_EQ(fresh(), TD_OK);
    uint32_t op_n = gone_workload(~0u);
    REQUIRE(op_n > 0);
    if (port_flash_power_cut(0, 1) == TD_ERR_UNSUPPORTED) {
        CHECK_EQ(td_store_get("gone", NULL, 0, NULL), TD_ERR_NOT_FOUND);
        TH_SKIP(CUT_SKIP);
    }
    port_flash_power_on();
    /* the steps of the compacting op: find the one that erases sector 0 (the
     * last one whose cut leaves sector 0 holding something) */
    uint32_t first = 0, last = 0, erase_step = ~0u;
    for (uint32_t k = 0;; k++) {
        th_progress();
        REQUIRE_EQ(port_flash_reset_test(), TD_OK);
        REQUIRE_EQ(td_store_init(), TD_OK);
        REQUIRE_EQ(gone_workload(op_n), op_n);
        if (k == 0) {
            first = port_flash_steps();
            (void)fill_op(op_n);
            last = port_flash_steps();
            continue;
        }
        if (first + k - 1u >= last)
            break;
        port_flash_power_cut(k - 1u, 0);         /* step first + k - 1 not done, nor any after */
        (void)fill_op(op_n);
        port_flash_power_on();
        if (td__sf_classify(sector0(), TD__SF_SECTOR, NULL, NULL) != TD__SF_BLANK)
            erase_step = k - 1u;
    }
    REQUIRE(erase_step != ~0u);
    /* the power went as sector 0's erase began: make it have damaged only
     * the tombstone, as a partial erase could */
    REQUIRE_EQ(port_flash_reset_test(), TD_OK);
    REQUIRE_EQ(td_store_init(), TD_OK);
    REQUIRE_EQ(gone_workload(op_n), op_n);
    port_flash_power_cut(erase_step, 0);
    (void)fill_op(op_n);
    port_flash_power_on();
    struct find_del f = { 0 };
    td__sf_scan(sector0(), TD__SF_SECTOR, find_gone, &f, NULL);
    REQUIRE(f.off != 0);
    uint32_t s, crc_at;
    td_flash_store_region(&s, NULL);
    crc_at = s + f.off + td__sf_size(4, 0) - 4u;
    uint8_t zero = 0;
    for (unsigned i = 0; i < 4 && port_flash_map(crc_at)[0] == 0; i++)
        crc_at++;
    REQUIRE_EQ(td_flash_program(crc_at, &zero, 1, NULL), TD_OK);
    REQUIRE_EQ(td_store_init(), TD_OK);
    CHECK_EQ(td_store_get("gone", NULL, 0, NULL), TD_ERR_NOT_FOUND);
    REQUIRE_EQ(fresh(), TD_OK);
}

/* Sector 0 full of live records (31 of 128 bytes), compacted into a fresh
 * sector that they fill exactly; the power goes at each step of that
 * compaction. */
#define FC_KEYS 31u
static int full_workload(uint32_t *compact_op)
{
    char k[4] = "c00";
    static uint8_t v[109];
    static td_store_stats_t st;           /* (the main thread's stack is 1 KiB) */
    for (unsigned i = 0; i < FC_KEYS; i++) {
        k[1] = (char)('0' + i / 10u);
        k[2] = (char)('0' + i % 10u);
        for (unsigned j = 0; j < sizeof v; j++)
            v[j] = (uint8_t)(i * 3u + j);
        if (td_store_set(k, v, sizeof v) != TD_OK)
            return 1;
    }
    for (uint32_t n = 0; n < 200; n++) {
        th_progress();
        if (*compact_op != ~0u && n == *compact_op)
            return 0;
        v[0] = (uint8_t)n;
        if (td_store_set("hot", v, 5 + 104) != TD_OK || td_store_stats(&st) != TD_OK)
            return 2;
        if (*compact_op == ~0u && st.compactions > 0) {
            *compact_op = n;
            return 0;
        }
    }
    return 3;
}

static bool cold_ok(void)
{
    char k[4] = "c00";
    static uint8_t v[TD_STORE_VALUE_MAX];
    for (unsigned i = 0; i < FC_KEYS; i++) {
        uint32_t len = 0;
        k[1] = (char)('0' + i / 10u);
        k[2] = (char)('0' + i % 10u);
        if (td_store_get(k, v, sizeof v, &len) != TD_OK || len != 109u)
            return false;
        for (unsigned j = 0; j < len; j++)
            if (v[j] != (uint8_t)(i * 3u + j))
                return false;
    }
    return true;
}

TEST(store_power_cut_during_a_full_compaction)
{
    REQUIRE_EQ(fresh(), TD_OK);
    uint32_t cop = ~0u;
    REQUIRE_EQ(full_workload(&cop), 0);
    REQUIRE(cop != ~0u);
    CHECK(cold_ok());
    if (port_flash_power_cut(0, 1) == TD_ERR_UNSUPPORTED)
        TH_SKIP(CUT_SKIP);
    port_flash_power_on();
    int old = 0;
    uint32_t restarts = td_fault_restarts();
    bool cap = th_capture_begin() == TD_OK;
    REQUIRE_EQ(core1_out(&old), TD_OK);
    uint32_t steps = 0, runs = 0, failed_at = ~0u;
    int stage = 0;
    for (uint32_t k = 0; stage == 0 && (k == 0 || k < steps); k++) {
        for (uint32_t round = 0; round < 3u && stage == 0; round++) {
            uint32_t c = cop;
            if (port_flash_reset_test() != TD_OK || td_store_init() != TD_OK || full_workload(&c) != 0) {
                stage = 1;
                break;
            }
            uint32_t base = port_flash_steps();
            port_flash_power_cut(k, rnd());
            static uint8_t v[109];
            v[0] = 0xee;
            (void)td_store_set("hot", v, sizeof v);
            if (steps == 0)
                steps = port_flash_steps() - base;
            port_flash_power_on();
            runs++;
            if (td_store_init() != TD_OK || !cold_ok())
                stage = 2;
            /* it goes on: enough writes for more compactions, then a reboot */
            for (uint32_t n = 0; stage == 0 && n < 70u; n++) {
                v[1] = (uint8_t)n;
                if (td_store_set("hot", v, sizeof v) != TD_OK)
                    stage = 3;
            }
            if (stage == 0 && (td_store_init() != TD_OK || !cold_ok()))
                stage = 4;
            if (stage != 0)
                failed_at = k;
        }
    }
    core1_back_captured(old, restarts, cap);
    if (stage != 0) {
        th_info("store_full_cut_failed_at_step", failed_at);
        th_info("store_full_cut_failed_stage", stage);
    }
    CHECK_EQ(stage, 0);
    CHECK(steps >= FC_KEYS);
    th_info("store_full_compaction_cuts", runs);
    REQUIRE_EQ(fresh(), TD_OK);
}

/* A compaction cut short leaves no blank sector; td_store_init erases the
 * copies and reads the region again. When that erase does not take (a flash
 * that fails; on the host, a power cut that goes on), the second reading
 * finds the same and td_store_init says so (TD_ERR_STATE) rather than
 * erasing and reading again without end; the next one, the flash working,
 * repairs the region and every key is there. */
TEST(store_repair_that_does_not_take)
{
    if (port_flash_power_cut(0, 1) == TD_ERR_UNSUPPORTED)
        TH_SKIP(CUT_SKIP);
    port_flash_power_on();
    REQUIRE_EQ(fresh(), TD_OK);
    uint32_t cop = ~0u;
    REQUIRE_EQ(full_workload(&cop), 0);
    REQUIRE_EQ(port_flash_reset_test(), TD_OK);
    REQUIRE_EQ(td_store_init(), TD_OK);
    uint32_t c = cop;
    REQUIRE_EQ(full_workload(&c), 0);
    static uint8_t v[109];
    port_flash_power_cut(1u, 0);          /* the fresh sector's header written, no copy */
    (void)td_store_set("hot", v, sizeof v);
    port_flash_power_on();
    port_flash_power_cut(0, 0);           /* no step of the repair takes */
    CHECK_EQ(td_store_init(), TD_ERR_STATE);
    port_flash_power_on();
    /* not ready after the failed init: every call is refused as such, none
     * is served from the index it was building */
    static td_store_stats_t st;
    uint32_t len = 0;
    CHECK_EQ(td_store_get("hot", v, sizeof v, &len), TD_ERR_UNINIT);
    CHECK_EQ(td_store_set("new", v, 1), TD_ERR_UNINIT);
    CHECK_EQ(td_store_delete("hot"), TD_ERR_UNINIT);
    CHECK_EQ(td_store_stats(&st), TD_ERR_UNINIT);
    REQUIRE_EQ(td_store_init(), TD_OK);
    REQUIRE_EQ(td_store_stats(&st), TD_OK);
    CHECK_EQ(st.sectors_repaired, 1);
    CHECK(cold_ok());
    REQUIRE_EQ(fresh(), TD_OK);
}
