/*
 * tests/drivers/test_spi.c: the SPI driver (tandem/spi.h) on both
 * controllers and both cores, against tandem-sim's echo devices (each frame
 * answered with the frame before it, 0 first after chip select falls) and
 * its BMP280 on SPI1.
 */
#include "drv.h"

#include "../../kernel/sched.h"

#include "tandem/panic.h"
#include "tandem/irq.h"
#include "tandem/spi.h"

#define MAX_LEN 2048u

void drv_spi_setup(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    td_spi_init(0, SPI0_SCK, SPI0_TX, SPI0_RX);
    td_spi_init(1, SPI1_SCK, SPI1_TX, SPI1_RX);
}

static uint8_t txb[2][MAX_LEN], rxb[2][MAX_LEN + 4];

/* rx is what an echo device answers to tx[0..n): 0, then tx shifted by one. */
static bool echoed(const uint8_t *tx, const uint8_t *rx, size_t n)
{
    if (n == 0)
        return true;
    if (rx[0] != 0)
        return false;
    return drv_diff(tx, rx + 1, n - 1) == n - 1;
}

TEST(spi_errors)
{
    drv_spi_setup();
    td_spi_dev_t d;
    CHECK_EQ(td_spi_init(2, 2, 3, 4), TD_ERR_PARAM);
    CHECK_EQ(td_spi_init(0, 3, 3, 4), TD_ERR_SPI_PINS);      /* 3 is SPI0's TX, not SCK */
    CHECK_EQ(td_spi_init(0, 10, 11, 12), TD_ERR_SPI_PINS);   /* SPI1's pins */
    CHECK_EQ(td_spi_init(1, 10, 11, 13), TD_ERR_SPI_PINS);   /* 13 is SPI1's CSn */
    CHECK_EQ(td_spi_dev_init(NULL, 0, 5, 0, 1000000, 8, TD_CORE_ANY), TD_ERR_PARAM);
    CHECK_EQ(td_spi_dev_init(&d, 2, 5, 0, 1000000, 8, TD_CORE_ANY), TD_ERR_PARAM);
    CHECK_EQ(td_spi_dev_init(&d, 0, 30, 0, 1000000, 8, TD_CORE_ANY), TD_ERR_PARAM);
    CHECK_EQ(td_spi_dev_init(&d, 0, 5, 4, 1000000, 8, TD_CORE_ANY), TD_ERR_PARAM);
    CHECK_EQ(td_spi_dev_init(&d, 0, 5, 0, 1000000, 3, TD_CORE_ANY), TD_ERR_PARAM);
    CHECK_EQ(td_spi_dev_init(&d, 0, 5, 0, 1000000, 17, TD_CORE_ANY), TD_ERR_PARAM);
    CHECK_EQ(td_spi_dev_init(&d, 0, 5, 0, 1000000, 8, 2), TD_ERR_PARAM);
    CHECK_EQ(td_spi_dev_init(&d, 0, 5, 0, 1000, 8, TD_CORE_ANY), TD_ERR_SPI_RATE);        /* below 1923 Hz */
    CHECK_EQ(td_spi_dev_init(&d, 0, 5, 0, 62500001, 8, TD_CORE_ANY), TD_ERR_SPI_RATE);    /* above clk_peri/2 */
    /* a chip select on a pin a controller drives (SCK, TX, RX of either bus) */
    static const uint8_t spi_pins[] = { SPI0_SCK, SPI0_TX, SPI0_RX, SPI1_SCK, SPI1_TX, SPI1_RX };
    for (unsigned i = 0; i < sizeof spi_pins; i++)
        CHECK_EQ(td_spi_dev_init(&d, 0, spi_pins[i], 0, 1000000, 8, TD_CORE_ANY), TD_ERR_SPI_PINS);
    REQUIRE_EQ(td_spi_dev_init(&d, 0, SPI0_ECHO_CS, 0, 62500000, 8, TD_CORE_ANY), TD_OK);
    CHECK_EQ(d.rate, 62500000u);
    REQUIRE_EQ(td_spi_dev_init(&d, 0, SPI0_ECHO_CS, 0, 1923, 8, TD_CORE_ANY), TD_OK);
    CHECK(d.rate <= 1923 && d.rate >= 1922);
    REQUIRE_EQ(td_spi_dev_init(&d, 0, SPI0_ECHO_CS, 0, 10500000, 8, TD_CORE_ANY), TD_OK);
    CHECK_EQ(d.rate, 10416666u);                      /* 125 MHz / 12: the highest at or below */
    REQUIRE_EQ(td_spi_dev_init(&d, 0, SPI0_ECHO_CS, 0, 10000000, 8, TD_CORE_ANY), TD_OK);
    CHECK_EQ(d.rate, 8928571u);                       /* 125 MHz / 14: 12 would be above 10 MHz */
    REQUIRE_EQ(td_spi_dev_init(&d, 0, SPI0_ECHO_CS, 0, 1000000, 8, TD_CORE_ANY), TD_OK);
    CHECK_EQ(d.rate, 992063u);                        /* 125 MHz / 126: prescale and divider make no odd 125 */
    uint8_t b[4] = { 0 };
    CHECK_EQ(td_spi_transfer(NULL, b, b, 4, 10), TD_ERR_PARAM);
    td_spi_dev_t blank = { 0 };
    CHECK_EQ(td_spi_transfer(&blank, b, b, 4, 10), TD_ERR_UNINIT);
    CHECK_EQ(td_spi_transfer(&d, b, b, 4, TD_TIMEOUT_MAX + 1u), TD_ERR_PARAM);
    CHECK_EQ(td_spi_write_read(&d, NULL, 2, b, 2, 10), TD_ERR_PARAM);
    CHECK_EQ(td_spi_transfer(&d, b, b, 0, 10), TD_OK);
    CHECK_EQ(td_spi_deselect(&d), TD_ERR_STATE);
    uint16_t w[2];
    td_spi_dev_t d16;
    REQUIRE_EQ(td_spi_dev_init(&d16, 0, SPI0_ECHO_CS, 0, 1000000, 16, TD_CORE_ANY), TD_OK);
    CHECK_EQ(td_spi_transfer(&d16, (uint8_t *)w + 1, NULL, 40, 10), TD_ERR_PARAM);  /* misaligned for 16-bit frames by DMA */
    /* and polled (one frame: 16 us), either buffer, either call */
    CHECK_EQ(td_spi_transfer(&d16, (uint8_t *)w + 1, NULL, 1, 10), TD_ERR_PARAM);
    CHECK_EQ(td_spi_transfer(&d16, NULL, (uint8_t *)w + 1, 1, 10), TD_ERR_PARAM);
    CHECK_EQ(td_spi_write_read(&d16, (uint8_t *)w + 1, 1, w, 1, 10), TD_ERR_PARAM);
    CHECK_EQ(td_spi_write_read(&d16, w, 1, (uint8_t *)w + 1, 1, 10), TD_ERR_PARAM);
    CHECK_EQ(td_spi_transfer(&d16, w, w, 1, 10), TD_OK);
    /* both buses still whole after the refused chip selects */
    td_spi_dev_t e0, e1;
    REQUIRE_EQ(td_spi_dev_init(&e0, 0, SPI0_ECHO_CS, 0, 1000000, 8, TD_CORE_ANY), TD_OK);
    REQUIRE_EQ(td_spi_dev_init(&e1, 1, SPI1_ECHO_CS, 0, 1000000, 8, TD_CORE_ANY), TD_OK);
    uint8_t t3[3] = { 7, 8, 9 }, r3[3] = { 1, 1, 1 };
    CHECK_EQ(td_spi_transfer(&e0, t3, r3, 3, 10), TD_OK);
    CHECK(echoed(t3, r3, 3));
    r3[0] = r3[1] = r3[2] = 1;
    CHECK_EQ(td_spi_transfer(&e1, t3, r3, 3, 10), TD_OK);
    CHECK(echoed(t3, r3, 3));
    CHECK(th_contains(td_spi_strerror(TD_ERR_SPI_RATE), "RATE"));
    CHECK(th_contains(td_spi_strerror(TD_ERR_DMA_WRITE), "DMA_WRITE"));
}

/* Every length 0..MAX_LEN on one bus from this core, random data, checked
 * byte for byte; then write-read in one selection. */
struct run {
    unsigned bus;
    uint32_t seed;
    int error;             /* -1 - failed length, or an error code, or 0 */
    unsigned transfers;
};

static void every_length(void *arg)
{
    struct run *r = arg;
    unsigned core = port_core_id();
    td_spi_dev_t d;
    if (td_spi_dev_init(&d, r->bus, r->bus ? SPI1_ECHO_CS : SPI0_ECHO_CS, 0, 62500000, 8, core) != TD_OK) {
        r->error = -100000;
        return;
    }
    uint8_t *tx = txb[core], *rx = rxb[core];
    for (unsigned n = 0; n <= MAX_LEN && r->error == 0; n++) {
        drv_fill(tx, n, &r->seed);
        memset(rx, 0xee, n + 4);
        int e = td_spi_transfer(&d, tx, rx, n, TD_MS(50));
        if (e != TD_OK)
            r->error = e;
        else if (!echoed(tx, rx, n) || rx[n] != 0xee)
            r->error = -1 - (int)n;
        r->transfers++;
    }
    /* write 5, read 300: the first answer is the last byte written, then the zeros sent */
    drv_fill(tx, 5, &r->seed);
    memset(rx, 0xee, 300);
    if (r->error == 0 && td_spi_write_read(&d, tx, 5, rx, 300, TD_MS(50)) == TD_OK) {
        bool ok = rx[0] == tx[4];
        for (unsigned i = 1; i < 300; i++)
            ok = ok && rx[i] == 0;
        if (!ok)
            r->error = -200000;
    }
}

TEST(spi_every_length_two_buses_two_cores)
{
    drv_spi_setup();
    static struct run r0, r1;
    r0 = (struct run){ .bus = 0, .seed = 0x2468ace };
    r1 = (struct run){ .bus = 1, .seed = 0x13579bd };
    REQUIRE_EQ(th_core1_run(every_length, &r1), TD_OK);
    every_length(&r0);
    REQUIRE_EQ(th_core1_wait(TD_SEC(20)), TD_OK);
    CHECK_EQ(r0.error, 0);
    CHECK_EQ(r1.error, 0);
    CHECK_EQ(r0.transfers, MAX_LEN + 1);
    CHECK_EQ(r1.transfers, MAX_LEN + 1);
}

/* Each bus from the other core, polled and DMA lengths, every mode. */
static void cross(void *arg)
{
    struct run *r = arg;
    unsigned core = port_core_id();
    static const unsigned lens[] = { 1, 2, 7, 8, 9, 16, 17, 300, 1000 };
    uint8_t *tx = txb[core], *rx = rxb[core];
    for (unsigned mode = 0; mode < 4; mode++) {
        td_spi_dev_t d;
        if (td_spi_dev_init(&d, r->bus, r->bus ? SPI1_ECHO_CS : SPI0_ECHO_CS, mode, 20000000, 8,
                            TD_CORE_ANY) != TD_OK) {
            r->error = -100000;
            return;
        }
        for (unsigned i = 0; i < sizeof lens / sizeof lens[0] && r->error == 0; i++) {
            unsigned n = lens[i];
            drv_fill(tx, n, &r->seed);
            int e = td_spi_transfer(&d, tx, rx, n, TD_MS(20));
            if (e != TD_OK)
                r->error = e;
            else if (!echoed(tx, rx, n))
                r->error = -1 - (int)n;
        }
    }
}

TEST(spi_each_bus_from_each_core)
{
    drv_spi_setup();
    static struct run a, b;
    a = (struct run){ .bus = 1, .seed = 77 };
    b = (struct run){ .bus = 0, .seed = 99 };
    cross(&a);                                   /* SPI1 from core 0 */
    REQUIRE_EQ(th_core1_run(cross, &b), TD_OK);  /* SPI0 from core 1 */
    REQUIRE_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(a.error, 0);
    CHECK_EQ(b.error, 0);
}

TEST(spi_16_and_12_bit_frames)
{
    drv_spi_setup();
    td_spi_dev_t d;
    REQUIRE_EQ(td_spi_dev_init(&d, 1, SPI1_ECHO_CS, 3, 31250000, 16, TD_CORE_ANY), TD_OK);
    static uint16_t tx[600], rx[600];
    uint32_t seed = 5;
    for (unsigned n = 1; n <= 600; n += (n < 40 ? 1 : 97)) {
        for (unsigned i = 0; i < n; i++)
            tx[i] = (uint16_t)drv_rand(&seed);
        REQUIRE_EQ(td_spi_transfer(&d, tx, rx, n, TD_MS(10)), TD_OK);
        CHECK_EQ(rx[0], 0);
        for (unsigned i = 1; i < n; i++)
            if (!CHECK_EQ(rx[i], tx[i - 1]))
                return;
    }
    REQUIRE_EQ(td_spi_dev_init(&d, 1, SPI1_ECHO_CS, 0, 31250000, 12, TD_CORE_ANY), TD_OK);
    for (unsigned i = 0; i < 100; i++)
        tx[i] = (uint16_t)drv_rand(&seed);
    REQUIRE_EQ(td_spi_transfer(&d, tx, rx, 100, TD_MS(10)), TD_OK);
    for (unsigned i = 1; i < 100; i++)
        if (!CHECK_EQ(rx[i], tx[i - 1] & 0xfffu))        /* 12 bits on the wire */
            return;
}

/* BMP280 on SPI1: chip id, calibration, one forced measurement, in modes 0 and 3. */
static int bmp_read(td_spi_dev_t *d, uint8_t reg, uint8_t *buf, size_t n)
{
    uint8_t c = reg | 0x80u;                     /* bit 7: read */
    return td_spi_write_read(d, &c, 1, buf, n, TD_MS(10));
}

static void bmp_test(void *arg)
{
    int *res = arg;
    for (unsigned mode = 0; mode < 4; mode += 3) {
        td_spi_dev_t d;
        res[0] = td_spi_dev_init(&d, 1, SPI1_BMP_CS, mode, 10000000, 8, 1);
        if (res[0] != TD_OK)
            return;
        uint8_t id = 0, cal[6];
        res[1] = bmp_read(&d, 0xd0, &id, 1);
        res[2] = id;
        bmp_read(&d, 0x88, cal, 6);
        uint16_t t1 = (uint16_t)(cal[0] | cal[1] << 8);
        int16_t t2 = (int16_t)(cal[2] | cal[3] << 8), t3 = (int16_t)(cal[4] | cal[5] << 8);
        res[3] = t1;
        uint8_t w[2] = { 0xf4 & 0x7fu, 0x2d };     /* ctrl_meas: T x1, P x4, forced; bit 7 clear: write */
        td_spi_transfer(&d, w, NULL, 2, TD_MS(10));
        td_sleep(TD_MS(15));
        uint8_t raw[3];
        bmp_read(&d, 0xfa, raw, 3);
        int32_t adc_t = (int32_t)((uint32_t)raw[0] << 12 | (uint32_t)raw[1] << 4 | raw[2] >> 4);
        /* the datasheet's compensation (3.11.3), temperature only */
        int32_t v1 = ((((adc_t >> 3) - ((int32_t)t1 << 1))) * t2) >> 11;
        int32_t v2 = (((((adc_t >> 4) - (int32_t)t1) * ((adc_t >> 4) - (int32_t)t1)) >> 12) * t3) >> 14;
        res[4 + mode / 3] = ((v1 + v2) * 5 + 128) >> 8;   /* 0.01 deg C */
    }
}

TEST(spi_bmp280_on_core1)
{
    drv_spi_setup();
    static int res[6];
    REQUIRE_EQ(th_core1_run(bmp_test, res), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(res[0], TD_OK);
    CHECK_EQ(res[1], TD_OK);
    CHECK_EQ(res[2], 0x58);                      /* the BMP280's chip id */
    CHECK_EQ(res[3], 27504);                     /* dig_T1 */
    CHECK(res[4] > 1900 && res[4] < 2500);       /* tandem-sim's room: 22 +- 1.5 deg C */
    CHECK(res[5] > 1900 && res[5] < 2500);
}

TEST(spi_timeout_then_bus_usable)
{
    drv_spi_setup();
    td_spi_dev_t slow, fast;
    REQUIRE_EQ(td_spi_dev_init(&slow, 0, SPI0_ECHO_CS, 0, 2000, 8, TD_CORE_ANY), TD_OK);
    REQUIRE_EQ(td_spi_dev_init(&fast, 0, SPI0_ECHO_CS, 0, 50000000, 8, TD_CORE_ANY), TD_OK);
    static uint8_t tx[64], rx[64];
    uint32_t seed = 11;
    drv_fill(tx, 64, &seed);
    td_tick_t t0 = td_time_ticks();
    CHECK_EQ(td_spi_transfer(&slow, tx, rx, 64, 5), TD_ERR_TIMEOUT);   /* 256 ms of bus time */
    td_tick_t took = td_time_ticks() - t0;
    CHECK(took >= 5 && took <= 5 + TH_TICK_SLACK);   /* the 5th tick after the call: exact */
    /* a short polled one times out too */
    CHECK_EQ(td_spi_transfer(&slow, tx, rx, 2, 2), TD_ERR_TIMEOUT);
    REQUIRE_EQ(td_spi_transfer(&fast, tx, rx, 64, TD_MS(5)), TD_OK);
    CHECK(echoed(tx, rx, 64));
    REQUIRE_EQ(td_spi_transfer(&fast, tx, rx, 3, TD_MS(5)), TD_OK);
    CHECK(echoed(tx, rx, 3));
}

static volatile int other_rc = 1;
static td_spi_dev_t shared_dev;

static void deselect_other_core(void *arg)
{
    (void)arg;
    other_rc = td_spi_deselect(&shared_dev);
}

TEST(spi_select_spans_transfers)
{
    drv_spi_setup();
    td_spi_dev_t other;
    REQUIRE_EQ(td_spi_dev_init(&shared_dev, 1, SPI1_ECHO_CS, 0, 20000000, 8, TD_CORE_ANY), TD_OK);
    REQUIRE_EQ(td_spi_dev_init(&other, 1, SPI1_BMP_CS, 0, 10000000, 8, TD_CORE_ANY), TD_OK);
    uint8_t a[3] = { 1, 2, 3 }, b[2] = { 4, 5 }, r[3];
    REQUIRE_EQ(td_spi_select(&shared_dev, 10), TD_OK);
    CHECK_EQ(td_spi_select(&shared_dev, 10), TD_ERR_STATE);
    REQUIRE_EQ(td_spi_transfer(&shared_dev, a, r, 3, 10), TD_OK);
    CHECK_EQ(r[0], 0);
    REQUIRE_EQ(td_spi_transfer(&shared_dev, b, r, 2, 10), TD_OK);
    CHECK_EQ(r[0], 3);                           /* still selected: the echo goes on */
    CHECK_EQ(r[1], 4);
    CHECK_EQ(td_spi_transfer(&other, a, r, 1, 10), TD_ERR_BUSY);
    REQUIRE_EQ(th_core1_run(deselect_other_core, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(other_rc, TD_ERR_NOT_OWNER);
    CHECK_EQ(td_spi_deselect(&shared_dev), TD_OK);
    CHECK_EQ(td_spi_deselect(&shared_dev), TD_ERR_STATE);
    REQUIRE_EQ(td_spi_transfer(&shared_dev, a, r, 2, 10), TD_OK);
    CHECK_EQ(r[0], 0);                           /* a new selection */
}

static volatile int held_done;
static td_spi_dev_t any_dev;

static void hold_bus_core1(void *arg)
{
    (void)arg;
    if (td_spi_select(&any_dev, 10) != TD_OK)
        return;
    while (!held_done)
        td_sleep(1);
    td_spi_deselect(&any_dev);
}

TEST(spi_device_assigned_to_a_core)
{
    drv_spi_setup();
    td_spi_dev_t mine, theirs;
    REQUIRE_EQ(td_spi_dev_init(&mine, 0, SPI0_ECHO_CS, 0, 20000000, 8, 0), TD_OK);
    REQUIRE_EQ(td_spi_dev_init(&theirs, 0, SPI0_ECHO_CS, 0, 20000000, 8, 1), TD_OK);
    REQUIRE_EQ(td_spi_dev_init(&any_dev, 0, SPI0_ECHO_CS, 0, 20000000, 8, TD_CORE_ANY), TD_OK);
    uint8_t x[2] = { 9, 8 }, r[2];
    CHECK_EQ(td_spi_transfer(&theirs, x, r, 2, 10), TD_ERR_WRONG_CORE);
    CHECK_EQ(td_spi_select(&theirs, 10), TD_ERR_WRONG_CORE);
    held_done = 0;
    REQUIRE_EQ(th_core1_run(hold_bus_core1, NULL), TD_OK);
    td_sleep(5);                                 /* core 1 holds SPI0 now */
    td_tick_t t0 = td_time_ticks();
    CHECK_EQ(td_spi_transfer(&mine, x, r, 2, 20), TD_ERR_BUSY);          /* at once */
    CHECK(td_time_ticks() - t0 <= 1 + TH_TICK_SLACK);
    CHECK_EQ(td_spi_transfer(&any_dev, x, r, 2, 3), TD_ERR_TIMEOUT);     /* waits, then gives up */
    held_done = 1;
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(td_spi_transfer(&mine, x, r, 2, 10), TD_OK);
    CHECK_EQ(r[1], 9);
}

/* td_spi_init again on a bus set up already: refused while a transfer or a
 * selection holds it (core 1's, or this thread's own), and with
 * TD_ERR_STATE where no thread runs on the core (start-up code before
 * td_kernel_start: reproduced here by clearing the core's current thread
 * with interrupts masked), not TD_ERR_BUSY; the bus still works after. */
TEST(spi_init_again_refused_while_held_or_before_the_kernel)
{
    drv_spi_setup();
    td_spi_dev_t d;
    REQUIRE_EQ(td_spi_dev_init(&d, 0, SPI0_ECHO_CS, 0, 1000000, 8, TD_CORE_ANY), TD_OK);
    REQUIRE_EQ(td_spi_dev_init(&any_dev, 0, SPI0_ECHO_CS, 0, 20000000, 8, TD_CORE_ANY), TD_OK);
    held_done = 0;
    REQUIRE_EQ(th_core1_run(hold_bus_core1, NULL), TD_OK);
    td_sleep(5);                                 /* core 1 holds SPI0 now */
    CHECK_EQ(td_spi_init(0, SPI0_SCK, SPI0_TX, SPI0_RX), TD_ERR_BUSY);
    held_done = 1;
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    REQUIRE_EQ(td_spi_select(&d, 10), TD_OK);
    CHECK_EQ(td_spi_init(0, SPI0_SCK, SPI0_TX, SPI0_RX), TD_ERR_BUSY);   /* this thread's selection */
    CHECK_EQ(td_spi_deselect(&d), TD_OK);
    td_core_t *c = td__core();
    uint8_t x[2] = { 5, 6 }, r[2] = { 1, 1 };
    int res[3];
    port_irq_state_t s = port_irq_save();
    td_thread_t *me = c->current;
    TD_STORE_RELAXED(c->current, (td_thread_t *)NULL);
    res[0] = td_spi_init(0, SPI0_SCK, SPI0_TX, SPI0_RX);
    res[1] = td_spi_transfer(&d, x, r, 2, TD_NO_WAIT);
    res[2] = td_spi_select(&d, 10);
    TD_STORE_RELAXED(c->current, me);
    port_irq_restore(s);
    CHECK_EQ(res[0], TD_ERR_STATE);
    CHECK_EQ(res[1], TD_ERR_STATE);
    CHECK_EQ(res[2], TD_ERR_STATE);
    CHECK(r[0] == 1 && r[1] == 1);               /* nothing moved */
    CHECK_EQ(td_spi_init(0, SPI0_SCK, SPI0_TX, SPI0_RX), TD_OK);          /* free: set up again */
    CHECK_EQ(td_spi_transfer(&d, x, r, 2, 10), TD_OK);
    CHECK(echoed(x, r, 2));
}

/* The calls that would wait for a bus core 1 holds: refused with
 * TD_ERR_STATE while this thread masks interrupts and with TD_ERR_IDLE from
 * the idle hook (TD_NO_WAIT, which does not wait, is TD_ERR_WOULD_BLOCK in
 * both); nothing moved, and the bus is usable after. From the idle hook
 * only td_spi_select: a transfer's deeper calls do not fit in the idle
 * thread's stack (TD_IDLE_STACK_SIZE). */
static int idle_res[2];
static volatile int idle_done;
static void spi_from_idle(void)
{
    if (idle_done)
        return;
    idle_res[0] = td_spi_select(&any_dev, 5);
    idle_res[1] = td_spi_select(&any_dev, TD_NO_WAIT);
    idle_done = 1;
}

TEST(spi_waits_refused_masked_and_in_idle)
{
    drv_spi_setup();
    REQUIRE_EQ(td_spi_dev_init(&any_dev, 0, SPI0_ECHO_CS, 0, 20000000, 8, TD_CORE_ANY), TD_OK);
    held_done = 0;
    REQUIRE_EQ(th_core1_run(hold_bus_core1, NULL), TD_OK);
    td_sleep(5);                                 /* core 1 holds SPI0 now */
    uint8_t x[2] = { 5, 6 }, r[2] = { 1, 1 };
    int res[4];
    port_irq_state_t s = port_irq_save();
    res[0] = td_spi_transfer(&any_dev, x, r, 2, 10);
    res[1] = td_spi_write_read(&any_dev, x, 1, r, 1, 10);
    res[2] = td_spi_select(&any_dev, 10);
    res[3] = td_spi_transfer(&any_dev, x, r, 2, TD_NO_WAIT);
    port_irq_restore(s);
    CHECK_EQ(res[0], TD_ERR_STATE);
    CHECK_EQ(res[1], TD_ERR_STATE);
    CHECK_EQ(res[2], TD_ERR_STATE);
    CHECK_EQ(res[3], TD_ERR_WOULD_BLOCK);
    CHECK(r[0] == 1 && r[1] == 1);
    idle_done = 0;
    REQUIRE_EQ(td_kernel_set_idle_hook(spi_from_idle), TD_OK);
    for (int i = 0; i < 50 && !idle_done; i++)
        td_sleep(1);
    td_kernel_set_idle_hook(NULL);
    held_done = 1;
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    REQUIRE(idle_done);
    CHECK_EQ(idle_res[0], TD_ERR_IDLE);
    CHECK_EQ(idle_res[1], TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_spi_transfer(&any_dev, x, r, 2, 10), TD_OK);
    CHECK(echoed(x, r, 2));
}

/* TD_NO_WAIT: the bus is not waited for (TD_ERR_WOULD_BLOCK while another
 * thread holds it, nothing moved); a transfer that gets it runs to its end,
 * polled or by DMA, within its own bound. */
TEST(spi_no_wait_refuses_a_held_bus_completes_a_transfer)
{
    drv_spi_setup();
    td_spi_dev_t d;
    REQUIRE_EQ(td_spi_dev_init(&d, 0, SPI0_ECHO_CS, 0, 1000000, 8, TD_CORE_ANY), TD_OK);
    REQUIRE_EQ(td_spi_dev_init(&any_dev, 0, SPI0_ECHO_CS, 0, 20000000, 8, TD_CORE_ANY), TD_OK);
    static uint8_t tx[256], rx[260];
    uint32_t seed = 21;
    drv_fill(tx, sizeof tx, &seed);
    /* polled: 2 frames, 16 us of bus time */
    memset(rx, 0xee, sizeof rx);
    CHECK_EQ(td_spi_transfer(&d, tx, rx, 2, TD_NO_WAIT), TD_OK);
    CHECK(echoed(tx, rx, 2) && rx[2] == 0xee);
    /* by DMA: 256 frames, 2 ms of bus time; and a write-read (polled, DMA) */
    memset(rx, 0xee, sizeof rx);
    uint64_t t0 = td_time_us();
    CHECK_EQ(td_spi_transfer(&d, tx, rx, 256, TD_NO_WAIT), TD_OK);
    uint64_t us = td_time_us() - t0;
    CHECK(echoed(tx, rx, 256) && rx[256] == 0xee);
    CHECK(us >= 2048u && us < 2048u + 1000u);
    memset(rx, 0xee, sizeof rx);
    CHECK_EQ(td_spi_write_read(&d, tx, 1, rx, 100, TD_NO_WAIT), TD_OK);
    CHECK(rx[0] == tx[0] && rx[1] == 0 && rx[99] == 0 && rx[100] == 0xee);
    /* another thread (core 1) holds the bus: refused at once, nothing moved */
    held_done = 0;
    REQUIRE_EQ(th_core1_run(hold_bus_core1, NULL), TD_OK);
    td_sleep(5);                                 /* core 1 holds SPI0 now */
    memset(rx, 0xee, sizeof rx);
    td_tick_t k0 = td_time_ticks();
    CHECK_EQ(td_spi_transfer(&d, tx, rx, 2, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_spi_write_read(&d, tx, 1, rx, 1, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK_EQ(td_spi_select(&d, TD_NO_WAIT), TD_ERR_WOULD_BLOCK);
    CHECK(td_time_ticks() - k0 <= TH_TICK_SLACK);
    CHECK(rx[0] == 0xee && rx[1] == 0xee);
    held_done = 1;
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    /* free again; inside this thread's own selection too */
    REQUIRE_EQ(td_spi_select(&d, TD_NO_WAIT), TD_OK);
    memset(rx, 0xee, sizeof rx);
    CHECK_EQ(td_spi_transfer(&d, tx, rx, 256, TD_NO_WAIT), TD_OK);
    CHECK(echoed(tx, rx, 256));
    CHECK_EQ(td_spi_deselect(&d), TD_OK);
}

static volatile uint32_t spins;
static volatile bool spin_stop;

static void spinner(void *arg)
{
    (void)arg;
    while (!spin_stop)
        spins++;
}

TEST(spi_long_transfer_sleeps)
{
    drv_spi_setup();
    td_spi_dev_t d;
    REQUIRE_EQ(td_spi_dev_init(&d, 0, SPI0_ECHO_CS, 0, 1000000, 8, TD_CORE_ANY), TD_OK);
    TD_THREAD_DEFINE(spin_thread, 512);
    spins = 0;
    spin_stop = false;
    REQUIRE_EQ(td_thread_create(&spin_thread, spin_thread_stack, sizeof spin_thread_stack, "spin",
                                TD_PRIO_MIN + 1, spinner, NULL), TD_OK);
    uint32_t seed = 3;
    drv_fill(txb[0], 2000, &seed);
    uint64_t t0 = td_time_us();
    REQUIRE_EQ(td_spi_transfer(&d, txb[0], rxb[0], 2000, TD_MS(100)), TD_OK);   /* 16 ms */
    uint64_t us = td_time_us() - t0;
    uint32_t n = spins;
    spin_stop = true;
    CHECK_EQ(td_thread_join(&spin_thread, TD_MS(10)), TD_OK);
    CHECK(echoed(txb[0], rxb[0], 2000));
    CHECK(us >= 16000 && us < 16500);
    th_info("spi_2000_bytes_at_1MHz_us", (long long)us);
    th_info("spinner_loops_meanwhile", n);
    CHECK(n > 100000);                   /* the lower-priority thread ran all along */
}

/* ---- core 1 restarted while its transfer runs ----------------------------------------- */

static td_spi_dev_t r_any, r_mine;
static volatile int r_started, r_res[4];
TD_THREAD_DEFINE(r_xfer, 1024);

static void r_xfer_main(void *arg)
{
    (void)arg;
    __atomic_store_n(&r_started, 1, __ATOMIC_RELEASE);
    r_res[0] = td_spi_transfer(&r_any, txb[1], rxb[1], 2000, TD_SEC(1));   /* 16 ms, by DMA */
}

static void r_fault_mid_transfer(void *arg)
{
    (void)arg;
    if (td_thread_create(&r_xfer, r_xfer_stack, sizeof r_xfer_stack, "xfer", 20, r_xfer_main,
                         NULL) != TD_OK)
        return;
    for (int i = 0; i < 100 && !__atomic_load_n(&r_started, __ATOMIC_ACQUIRE); i++)
        td_sleep(1);
    td_sleep(3);                                  /* xfer sleeps in the DMA's wait now */
    td_panic("core 1 goes down mid-transfer");
}

static void r_after_restart(void *arg)
{
    (void)arg;
    r_res[1] = td_spi_transfer(&r_mine, txb[1], rxb[1], 2000, TD_MS(100));   /* by DMA */
    r_res[2] = echoed(txb[1], rxb[1], 2000) ? TD_OK : -1;
    r_res[3] = td_spi_transfer(&r_mine, txb[1], rxb[1], 4, TD_MS(10));       /* polled */
}

TEST(spi_core1_restarted_mid_transfer)
{
    drv_spi_setup();
    REQUIRE_EQ(td_spi_dev_init(&r_any, 0, SPI0_ECHO_CS, 0, 1000000, 8, TD_CORE_ANY), TD_OK);
    REQUIRE_EQ(td_spi_dev_init(&r_mine, 0, SPI0_ECHO_CS, 0, 1000000, 8, 1), TD_OK);
    td_spi_dev_t mine0;
    REQUIRE_EQ(td_spi_dev_init(&mine0, 0, SPI0_ECHO_CS, 0, 1000000, 8, 0), TD_OK);
    uint32_t seed = 21;
    drv_fill(txb[1], 2000, &seed);
    r_started = 0;
    r_res[0] = r_res[1] = r_res[2] = r_res[3] = 99;
    REQUIRE_EQ(drv_core1_fault_restart(r_fault_mid_transfer), TD_OK);
    CHECK_EQ(r_res[0], 99);                       /* the transfer never returned */
    /* the bus is free and whole again: from core 0 (a device of no core,
     * one of core 0), then from the new core 1, by DMA and polled */
    static uint8_t rx0[2000];
    CHECK_EQ(td_spi_transfer(&r_any, txb[1], rx0, 2000, TD_MS(100)), TD_OK);
    CHECK(echoed(txb[1], rx0, 2000));
    CHECK_EQ(td_spi_transfer(&mine0, txb[1], rx0, 4, TD_MS(10)), TD_OK);
    CHECK(echoed(txb[1], rx0, 4));
    REQUIRE_EQ(th_core1_run(r_after_restart, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(r_res[1], TD_OK);
    CHECK_EQ(r_res[2], TD_OK);
    CHECK_EQ(r_res[3], TD_OK);
    CHECK_EQ(td_spi_init(0, SPI0_SCK, SPI0_TX, SPI0_RX), TD_OK);   /* nobody uses it */
}

/* ---- calls from an interrupt handler ------------------------------------------------- */

#define ISR_IRQ 31u                           /* no device on the RP2040 (test_irq.c) */
#define NVIC_ISPR (*(volatile uint32_t *)0xe000e200u)

int drv_in_isr(void (*fn)(void))
{
    int r = td_irq_set_handler(ISR_IRQ, fn);
    if (r == TD_OK)
        r = td_irq_enable(ISR_IRQ, true);
    if (r != TD_OK)
        return r;
    NVIC_ISPR = 1u << ISR_IRQ;                /* taken here, over this thread */
    __asm volatile("dsb\n\tisb" ::: "memory");
    td_irq_enable(ISR_IRQ, false);
    return TD_OK;
}

static td_spi_dev_t isr_dev;
static volatile int isr_res[4];

static void spi_from_isr(void)
{
    uint8_t b[2] = { 1, 2 };
    isr_res[0] = td_spi_deselect(&isr_dev);
    isr_res[1] = td_spi_select(&isr_dev, TD_NO_WAIT);
    isr_res[2] = td_spi_transfer(&isr_dev, b, b, 2, TD_NO_WAIT);
    isr_res[3] = td_spi_write_read(&isr_dev, b, 1, b, 1, TD_NO_WAIT);
}

static volatile int isr_core1_rc = 99;
static void isr_core1_transfer(void *arg)
{
    (void)arg;
    uint8_t b[2] = { 1, 2 };
    isr_core1_rc = td_spi_transfer(&isr_dev, b, b, 2, TD_MS(50));
}

TEST(spi_calls_from_an_interrupt_refused)
{
    drv_spi_setup();
    REQUIRE_EQ(td_spi_dev_init(&isr_dev, 1, SPI1_ECHO_CS, 0, 20000000, 8, TD_CORE_ANY), TD_OK);
    REQUIRE_EQ(td_spi_select(&isr_dev, 10), TD_OK);
    for (unsigned i = 0; i < 4; i++)
        isr_res[i] = 99;
    REQUIRE_EQ(drv_in_isr(spi_from_isr), TD_OK);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(isr_res[i], TD_ERR_IN_ISR);
    /* the selection is this thread's still, and its end frees the bus */
    CHECK_EQ(td_spi_deselect(&isr_dev), TD_OK);
    isr_core1_rc = 99;
    REQUIRE_EQ(th_core1_run(isr_core1_transfer, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(isr_core1_rc, TD_OK);
}
