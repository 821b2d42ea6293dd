/*
 * tests/test_chan.c: bulk channels (tandem/chan.h): random-sized transfers
 * from core 1 to core 0 with checksums, in the copy form and the zero-copy
 * form; wrap-around and blocking on both sides; bad input.
 */
#include "harness.h"

#include <string.h>

#include "../kernel/down.h"
#include "../kernel/link.h"
#include "../kernel/msg_sys.h"

#include "port.h"
#include "tandem/chan.h"

#define CH_BYTES 200000u

/* A stream both sides can regenerate: byte i of the stream. */
static uint8_t stream_byte(uint32_t i)
{
    uint32_t x = i * 2654435761u;
    return (uint8_t)((x >> 24) ^ (x >> 11) ^ i);
}

static uint32_t rng(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static uint32_t ring_mem[1024 / 4];
static td_chan_t ch;
static volatile int w_r[4];
static uint32_t w_sum;

/* Core 1: write CH_BYTES in random pieces (1..700 bytes), copy or zero-copy. */
static void core1_writer(void *arg)
{
    bool zero_copy = arg != NULL;
    static uint8_t piece[700];
    uint32_t seed = zero_copy ? 7u : 3u, put = 0, sum = 0;
    w_r[0] = td_chan_attach(&ch, TD_CHAN_WRITE);
    while (put < CH_BYTES && w_r[1] == 0) {
        uint32_t n = 1u + rng(&seed) % 700u;
        if (n > CH_BYTES - put)
            n = CH_BYTES - put;
        if (!zero_copy) {
            for (uint32_t i = 0; i < n; i++) {
                piece[i] = stream_byte(put + i);
                sum += piece[i];
            }
            size_t done = 0;
            w_r[1] = td_chan_write(&ch, piece, n, &done, TD_SEC(2));
            if (done != n && w_r[1] == 0)
                w_r[1] = -100;
            put += n;
        } else {
            void *p;
            size_t len = n;
            w_r[1] = td_chan_reserve(&ch, &p, &len, TD_SEC(2));
            if (w_r[1] != 0)
                break;
            uint8_t *b = p;
            for (uint32_t i = 0; i < len; i++) {
                b[i] = stream_byte(put + i);
                sum += b[i];
            }
            w_r[1] = td_chan_commit(&ch, len);
            put += (uint32_t)len;
        }
    }
    w_sum = sum;
    w_r[2] = td_chan_detach(&ch, TD_CHAN_WRITE);
}

static void transfer(bool zero_copy)
{
    REQUIRE_EQ(td_chan_init(&ch, 1, ring_mem, sizeof ring_mem), TD_OK);
    REQUIRE_EQ(td_chan_attach(&ch, TD_CHAN_READ), TD_OK);
    w_r[0] = w_r[1] = w_r[2] = 0;
    REQUIRE_EQ(th_core1_run(core1_writer, zero_copy ? (void *)1 : NULL), TD_OK);
    static uint8_t buf[900];
    uint32_t got = 0, sum = 0, bad = 0, seed = zero_copy ? 11u : 5u;
    int r = 0;
    while (got < CH_BYTES && r == 0) {
        uint32_t n = 1u + rng(&seed) % 900u;
        if (n > CH_BYTES - got)
            n = CH_BYTES - got;
        if (!zero_copy) {
            size_t done = 0;
            r = td_chan_read(&ch, buf, n, &done, TD_SEC(2));
            for (uint32_t i = 0; i < done; i++) {
                bad += buf[i] != stream_byte(got + i);
                sum += buf[i];
            }
            got += (uint32_t)done;
        } else {
            const void *p;
            size_t len = n;
            r = td_chan_peek(&ch, &p, &len, TD_SEC(2));
            if (r)
                break;
            const uint8_t *b = p;
            for (uint32_t i = 0; i < len; i++) {
                bad += b[i] != stream_byte(got + i);
                sum += b[i];
            }
            r = td_chan_consume(&ch, len);
            got += (uint32_t)len;
        }
    }
    CHECK_EQ(r, TD_OK);
    CHECK_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(w_r[0], TD_OK);
    CHECK_EQ(w_r[1], TD_OK);
    CHECK_EQ(w_r[2], TD_OK);
    CHECK_EQ(got, CH_BYTES);
    CHECK_EQ(bad, 0);
    CHECK_EQ(sum, w_sum);                       /* the checksum of what was written */
    CHECK_EQ(td_chan_level(&ch), 0);
    th_info(zero_copy ? "chan_zero_copy_doorbells" : "chan_copy_doorbells", ch.doorbells);
    CHECK_EQ(td_chan_detach(&ch, TD_CHAN_READ), TD_OK);
}

TEST(chan_copy_random_sizes)
{
    transfer(false);
}

TEST(chan_zero_copy_random_sizes)
{
    transfer(true);
}

TD_THREAD_DEFINE(ch_reader, 1024);

static void same_core_reader(void *arg)
{
    td_chan_t *c = arg;
    uint8_t b[48];
    size_t done = 0;
    w_r[1] = td_chan_attach(c, TD_CHAN_READ);
    w_r[3] = td_chan_read(c, b, sizeof b, &done, TD_MS(500));
    w_r[2] = (int)done;
    for (unsigned i = 0; i < done; i++)
        if (b[i] != (uint8_t)i)
            w_r[3] = -99;
    w_r[0] = td_chan_detach(c, TD_CHAN_READ);
}

TEST(chan_bad_input_and_same_core)
{
    uint32_t mem[4];
    td_chan_t zero = { 0 }, c2 = { 0 };
    uint8_t b[64];
    const void *cp;
    void *p;
    size_t len = 4, done = 99;
    CHECK_EQ(td_chan_init(NULL, 0, mem, 16), TD_ERR_PARAM);
    CHECK_EQ(td_chan_init(&c2, TD_CHAN_MAX, mem, 16), TD_ERR_PARAM);
    CHECK_EQ(td_chan_init(&c2, 0, mem, 12), TD_ERR_PARAM);           /* not a power of two */
    CHECK_EQ(td_chan_init(&c2, 0, mem, 4), TD_ERR_PARAM);            /* too small */
    CHECK_EQ(td_chan_init(&c2, 0, (uint8_t *)mem + 1, 8), TD_ERR_PARAM);
    CHECK_EQ(td_chan_attach(&zero, TD_CHAN_READ), TD_ERR_UNINIT);
    CHECK_EQ(td_chan_attach(NULL, TD_CHAN_READ), TD_ERR_PARAM);
    CHECK_EQ(td_chan_write(&zero, b, 1, NULL, TD_NO_WAIT), TD_ERR_UNINIT);
    CHECK_EQ(td_chan_level(NULL), TD_ERR_PARAM);
    CHECK_EQ(td_chan_level(&zero), TD_ERR_UNINIT);
    REQUIRE_EQ(td_chan_init(&ch, 2, mem, sizeof mem), TD_OK);
    CHECK_EQ(td_chan_attach(&ch, 2), TD_ERR_PARAM);
    CHECK_EQ(td_chan_write(&ch, b, 1, NULL, TD_NO_WAIT), TD_ERR_NOT_OWNER);
    REQUIRE_EQ(td_chan_attach(&ch, TD_CHAN_WRITE), TD_OK);
    CHECK_EQ(td_chan_attach(&ch, TD_CHAN_WRITE), TD_ERR_BUSY);       /* one writer */
    REQUIRE_EQ(td_chan_init(&c2, 2, mem, sizeof mem), TD_OK);
    CHECK_EQ(td_chan_attach(&c2, TD_CHAN_READ), TD_ERR_BUSY);        /* number taken */
    CHECK_EQ(td_chan_read(&ch, b, 1, NULL, TD_NO_WAIT), TD_ERR_NOT_OWNER);
    len = 0;
    CHECK_EQ(td_chan_reserve(&ch, &p, &len, TD_NO_WAIT), TD_ERR_PARAM);
    CHECK_EQ(td_chan_commit(&ch, 17), TD_ERR_PARAM);                /* more than the room */
    /* fill it: 16 bytes of room, then would-block and timeout */
    for (unsigned i = 0; i < sizeof b; i++)
        b[i] = (uint8_t)i;
    CHECK_EQ(td_chan_write(&ch, b, 20, &done, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(done, 16);
    CHECK_EQ(td_chan_level(&ch), 16);
    CHECK_EQ(td_chan_write(&ch, b, 1, &done, 2), TD_ERR_TIMEOUT);
    CHECK_EQ(done, 0);
    len = 4;                                 /* zero-copy: no room either */
    CHECK_EQ(td_chan_reserve(&ch, &p, &len, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_chan_reserve(&ch, &p, &len, 2), TD_ERR_TIMEOUT);
    CHECK_EQ(td_chan_level(&ch), 16);
    /* a reader on the same core (more urgent) takes 48 bytes while we
     * write the rest: both sides wait for each other on one core */
    w_r[0] = w_r[1] = w_r[2] = w_r[3] = 0;
    REQUIRE_EQ(td_thread_create(&ch_reader, ch_reader_stack, sizeof ch_reader_stack, "chr", 20,
                                same_core_reader, &ch), TD_OK);
    CHECK_EQ(td_chan_write(&ch, b + 16, 32, &done, TD_MS(500)), TD_OK);
    CHECK_EQ(done, 32);
    CHECK_EQ(td_thread_join(&ch_reader, TD_MS(500)), TD_OK);
    CHECK_EQ(w_r[1], TD_OK);
    CHECK_EQ(w_r[2], 48);
    CHECK_EQ(w_r[3], TD_OK);
    CHECK_EQ(w_r[0], TD_OK);
    CHECK_EQ(td_chan_level(&ch), 0);
    /* zero-copy at the wrap: a grant never crosses the ring's end */
    len = 16;
    CHECK_EQ(td_chan_reserve(&ch, &p, &len, TD_NO_WAIT), TD_OK);
    CHECK_EQ(len, 16);                       /* 64 bytes went through: back at 0 */
    CHECK_EQ(td_chan_commit(&ch, 10), TD_OK);
    len = 16;
    CHECK_EQ(td_chan_reserve(&ch, &p, &len, TD_NO_WAIT), TD_OK);
    CHECK_EQ(len, 6);                        /* only up to the end */
    CHECK(p == (void *)((uint8_t *)mem + 10));
    CHECK_EQ(td_chan_peek(&ch, &cp, &len, TD_NO_WAIT), TD_ERR_NOT_OWNER);
    CHECK_EQ(td_chan_detach(&ch, TD_CHAN_READ), TD_ERR_NOT_OWNER);
    CHECK_EQ(td_chan_detach(&ch, TD_CHAN_WRITE), TD_OK);
    REQUIRE_EQ(td_chan_attach(&ch, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_consume(&ch, 11), TD_ERR_PARAM);               /* more than is there */
    CHECK_EQ(td_chan_level(&ch), 10);                               /* nothing consumed */
    CHECK_EQ(td_chan_detach(&ch, TD_CHAN_READ), TD_OK);
    CHECK_EQ(td_chan_init(&ch, 2, mem, sizeof mem), TD_ERR_BUSY);   /* 10 bytes unread */
    CHECK_EQ(td_chan_deinit(&ch), 10);                              /* counted */
    CHECK_EQ(td_chan_init(&ch, 2, mem, sizeof mem), TD_OK);         /* no sides: reusable */
}

/* ---- the other side's core goes down ------------------------------------------------ */

static td_chan_t pd_ch;
static uint32_t pd_mem[64 / 4];
static volatile int pd_go, pd_r[4];

static void core1_pd_writer(void *arg)
{
    (void)arg;
    size_t done = 0;
    pd_r[0] = td_chan_attach(&pd_ch, TD_CHAN_WRITE);
    pd_r[1] = td_chan_write(&pd_ch, "12345678", 8, &done, TD_SEC(1));
    while (!__atomic_load_n(&pd_go, __ATOMIC_ACQUIRE))
        td_sleep(1);
    td__link_fault_notify(0xc4a);                 /* as the fault path does */
    td__msg_stop();                              /* and core 1 stops, side still attached */
}

static void core1_pd_reborn(void *arg)
{
    (void)arg;
    size_t done = 0;
    pd_r[2] = td_chan_attach(&pd_ch, TD_CHAN_WRITE);       /* the dead side was released */
    pd_r[3] = td_chan_write(&pd_ch, "abcd", 4, &done, TD_SEC(1));
    td_chan_detach(&pd_ch, TD_CHAN_WRITE);
}

TEST(chan_peer_down_and_restart)
{
    char b[16];
    size_t done = 0;
    pd_go = 0;
    pd_r[0] = pd_r[1] = pd_r[2] = pd_r[3] = -1;
    REQUIRE_EQ(td_chan_init(&pd_ch, 3, pd_mem, sizeof pd_mem), TD_OK);
    REQUIRE_EQ(td_chan_attach(&pd_ch, TD_CHAN_READ), TD_OK);
    REQUIRE_EQ(th_core1_run(core1_pd_writer, NULL), TD_OK);
    CHECK_EQ(td_chan_read(&pd_ch, b, 8, &done, TD_SEC(2)), TD_OK);
    CHECK_EQ(done, 8);
    CHECK(memcmp(b, "12345678", 8) == 0);
    /* blocked for data when the writer's core reports a fault: woken with
     * a named error, not left to its timeout */
    __atomic_store_n(&pd_go, 1, __ATOMIC_RELEASE);
    uint64_t t0 = td_time_us();
    CHECK_EQ(td_chan_read(&pd_ch, b, 8, &done, TD_SEC(3)), TD_ERR_PEER_DOWN);
    CHECK(td_time_us() - t0 < 2000000u);
    CHECK_EQ(done, 0);
    CHECK_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(pd_r[0], TD_OK);
    CHECK_EQ(pd_r[1], TD_OK);
    /* a wait that starts after the notice was handled: at once too */
    td_sleep(2);
    t0 = td_time_us();
    CHECK_EQ(td_chan_read(&pd_ch, b, 8, &done, TD_SEC(3)), TD_ERR_PEER_DOWN);
    CHECK(td_time_us() - t0 < 2000000u);
    CHECK_EQ(td_chan_read(&pd_ch, b, 8, &done, TD_FOREVER), TD_ERR_PEER_DOWN);
    /* supervision restarts core 1; its new writer attaches and writes */
    td__down_run(1, TD_DOWN_RESET);        /* as the core 1 stop sequence does */
    td__link_core1_launched();
    REQUIRE_EQ(th_core1_run(core1_pd_reborn, NULL), TD_OK);
    CHECK_EQ(td_chan_read(&pd_ch, b, 4, &done, TD_SEC(2)), TD_OK);
    CHECK_EQ(done, 4);
    CHECK(memcmp(b, "abcd", 4) == 0);
    CHECK_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(pd_r[2], TD_OK);
    CHECK_EQ(pd_r[3], TD_OK);
    CHECK_EQ(td_chan_detach(&pd_ch, TD_CHAN_READ), TD_OK);
}
