/*
 * sensors: what a reader of MicroPython's _thread tutorial asked for: an
 * MPU6050 (accelerometer, gyroscope, temperature) and a BMP280
 * (temperature, pressure) on I2C, used two ways, chosen at build time:
 *
 *   sensors_split  (SENSORS_SHARED=0): one sensor per core. Core 0 reads
 *     the MPU6050 as fast as it can, filters it and works out the tilt;
 *     core 1 measures with the BMP280 and works out the altitude. Both
 *     sensors sit on the one I2C0 bus, so each transfer holds the bus lock
 *     (a td_allocate_lock lock: a core that waits for it sleeps).
 *   sensors_shared (SENSORS_SHARED=1): both sensors on core 0, which only
 *     does the I/O: it starts a BMP280 measurement, reads the MPU6050 over
 *     and over while the BMP280 converts, then reads the BMP280. Every
 *     sample goes to core 1, which filters, works out tilt and altitude,
 *     and prints.
 *
 * Both print the readings every 250 ms (red LED: a motion line, green LED:
 * an air line) and the loop rates every second. Wiring (docs in README.md):
 * SDA on GP4, SCL on GP5, 3V3 and GND; the LEDs stay on GP0/GP1 and the
 * console on GP16/GP17. All arithmetic is integer or fixed point.
 */
#include "bmp280.h"
#include "fixmath.h"
#include "mpu6050.h"
#include "tandem/console.h"
#include "tandem/easy.h"
#include "tandem/fmt.h"
#include "tandem/gpio.h"
#include "tandem/i2c.h"
#include "tandem/kernel.h"
#include "tandem/lock.h"
#include "tandem/time.h"
#include "tandem/xsem.h"

#ifndef SENSORS_SHARED
#define SENSORS_SHARED 0
#endif

#define I2C_BUS      0
#define PIN_SDA      4
#define PIN_SCL      5
#define I2C_HZ       400000u
#define LED_RED      0
#define LED_GREEN    1
#define PRINT_MS     250u
#define RATE_MS      1000u
#define SEA_LEVEL_PA 101325u

static mpu6050_t mpu;
static bmp280_t bmp;

/* ---- processing: filters, tilt, altitude ------------------------------------------ */

/* Acceleration through a first-order low-pass (new = old + (x - old) / 4),
 * kept in 1/16 mg. */
struct motion {
    int32_t accel16[3];
    bool primed;
};

static void motion_update(struct motion *m, const mpu6050_sample_t *s)
{
    for (unsigned i = 0; i < 3; i++) {
        int32_t x = s->accel_mg[i] * 16;
        m->accel16[i] = m->primed ? m->accel16[i] + (x - m->accel16[i]) / 4 : x;
    }
    m->primed = true;
}

/* Tilt about the X axis (roll) from where gravity points: atan2(ay, az). */
static int32_t motion_tilt_ddeg(const struct motion *m)
{
    return atan2_ddeg(m->accel16[1], m->accel16[2]);
}

/* Pressure through a first-order low-pass (1/8), Pa in Q24.8. */
struct air {
    uint32_t p_q8;
    bool primed;
};

static void air_update(struct air *a, const bmp280_sample_t *s)
{
    int32_t d = (int32_t)(s->pressure_q8 - a->p_q8);
    a->p_q8 = a->primed ? a->p_q8 + (uint32_t)(d / 8) : s->pressure_q8;
    a->primed = true;
}

/* ---- printing -------------------------------------------------------------------- */

/* v / 10^places as text, e.g. fix(b, 6243, 2, true) is "+62.43". */
static const char *fix(char b[16], int32_t v, unsigned places, bool plus)
{
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v, scale = places == 1 ? 10u : 100u;
    td_snprintf(b, 16, "%s%lu.%0*lu", v < 0 ? "-" : plus ? "+" : "",
                (unsigned long)(u / scale), (int)places, (unsigned long)(u % scale));
    return b;
}

static void print_motion(const mpu6050_sample_t *s, const struct motion *m)
{
    char b[5][16];
    td_printf("mpu6050: accel %+ld %+ld %+ld mg, gyro %s %s %s deg/s, temp %s C, tilt %s deg\n",
              (long)s->accel_mg[0], (long)s->accel_mg[1], (long)s->accel_mg[2],
              fix(b[0], s->gyro_cdps[0], 2, true), fix(b[1], s->gyro_cdps[1], 2, true),
              fix(b[2], s->gyro_cdps[2], 2, true), fix(b[3], s->temp_cc, 2, false),
              fix(b[4], motion_tilt_ddeg(m), 1, true));
    td_gpio_toggle(LED_RED);
}

static void print_air(const bmp280_sample_t *s, const struct air *a)
{
    char b[4][16];
    uint32_t p = s->pressure_q8, f = a->p_q8;
    td_printf("bmp280: temp %s C, pressure %lu.%02lu Pa, filtered %lu.%02lu Pa, altitude %s m\n",
              fix(b[0], s->temp_cc, 2, false),
              (unsigned long)(p >> 8), (unsigned long)((p & 0xffu) * 100u / 256u),
              (unsigned long)(f >> 8), (unsigned long)((f & 0xffu) * 100u / 256u),
              fix(b[1], altitude_dm(f, SEA_LEVEL_PA), 1, true));
    td_gpio_toggle(LED_GREEN);
}

/* A repeating deadline on the shared microsecond clock. */
struct every {
    uint64_t next;
    uint32_t us;
};

static bool due(struct every *e)
{
    uint64_t now = td_time_us();
    if (now < e->next)
        return false;
    e->next = now + e->us;
    return true;
}

/* Events per second since *since (updated to now). */
static uint32_t per_second(uint32_t events, uint64_t *since)
{
    uint64_t now = td_time_us(), dt = now - *since;
    *since = now;
    return dt ? (uint32_t)(((uint64_t)events * 1000000u + dt / 2) / dt) : 0;
}

static void fail(const char *what, int rc)
{
    td_printf("%s: %s\n", what, td_i2c_strerror(rc));
    td_sleep(TD_MS(500));
}

#if !SENSORS_SHARED
/* ---- one sensor per core ------------------------------------------------------------ */

#define MODE_NAME "one sensor per core"
static td_easy_lock_t *bus_lock;          /* both cores use I2C0 */

/* Core 1: the BMP280, and the altitude. */
static void air_task(void *arg)
{
    (void)arg;
    struct air a = { 0 };
    struct every print = { 0, PRINT_MS * 1000u };
    uint64_t since = td_time_us();
    uint32_t reads = 0;
    for (;;) {
        bmp280_sample_t s;
        td_acquire(bus_lock);
        int rc = bmp280_start(&bmp);
        td_release(bus_lock);
        if (rc == TD_OK) {
            td_sleep(TD_MS(BMP280_MEASURE_MS));          /* converting: the bus is free */
            for (unsigned tries = 0; tries < 10; tries++) {
                td_acquire(bus_lock);
                rc = bmp280_read(&bmp, &s);
                td_release(bus_lock);
                if (rc != TD_ERR_WOULD_BLOCK)
                    break;
                td_sleep(1);
            }
        }
        if (rc != TD_OK) {
            fail("bmp280", rc);
            continue;
        }
        air_update(&a, &s);
        reads++;
        if (due(&print))
            print_air(&s, &a);
        if (td_time_us() - since >= RATE_MS * 1000u) {
            td_printf("core 1: BMP280 read %lu times/s (" MODE_NAME ")\n",
                      (unsigned long)per_second(reads, &since));
            reads = 0;
        }
    }
}

/* Core 0: the MPU6050, and the tilt. */
static void run(void)
{
    struct motion m = { 0 };
    struct every print = { 0, PRINT_MS * 1000u };
    uint64_t since = td_time_us();
    uint32_t reads = 0;
    for (;;) {
        mpu6050_sample_t s;
        td_acquire(bus_lock);
        int rc = mpu6050_read(&mpu, &s);
        td_release(bus_lock);
        if (rc != TD_OK) {
            fail("mpu6050", rc);
            continue;
        }
        motion_update(&m, &s);
        reads++;
        if (due(&print))
            print_motion(&s, &m);
        if (td_time_us() - since >= RATE_MS * 1000u) {
            td_printf("core 0: MPU6050 read %lu times/s (" MODE_NAME ")\n",
                      (unsigned long)per_second(reads, &since));
            reads = 0;
        }
    }
}

static int start(void)
{
    bus_lock = td_allocate_lock();
    return td_start_new_thread(air_task, NULL);
}

#else
/* ---- both sensors on core 0, processing on core 1 ----------------------------------- */

#define MODE_NAME "both sensors on core 0"
#define QUEUE 64u

/* Samples from core 0 to core 1: a small ring under a td_lock (held for a
 * copy), and a cross-core semaphore counting what is in it. */
struct item {
    bool is_air;
    union {
        mpu6050_sample_t motion;
        bmp280_sample_t air;
    } u;
};
static struct item queue[QUEUE];
static uint32_t q_head, q_tail, q_dropped;
static TD_LOCK_DEFINE(q_lock, TD_SPIN_USER_FIRST);
static TD_XSEM_DEFINE(q_count, 0, QUEUE);

static void publish(const struct item *it)
{
    td_lock_take(&q_lock);
    bool room = q_head - q_tail < QUEUE;
    if (room)
        queue[q_head++ % QUEUE] = *it;
    else
        q_dropped++;
    td_lock_give(&q_lock);
    if (room)
        td_xsem_give_isr(&q_count);
}

/* Core 1: filters, tilt, altitude, printing. */
static void process_task(void *arg)
{
    (void)arg;
    struct motion m = { 0 };
    struct air a = { 0 };
    struct every print = { 0, PRINT_MS * 1000u };
    uint64_t since = td_time_us();
    uint32_t done = 0;
    bool have_air = false;
    mpu6050_sample_t last_motion = { 0 };
    bmp280_sample_t last_air = { 0 };
    for (;;) {
        struct item it;
        td_xsem_take(&q_count, TD_FOREVER);
        td_lock_take(&q_lock);
        it = queue[q_tail++ % QUEUE];
        td_lock_give(&q_lock);
        if (it.is_air) {
            air_update(&a, &it.u.air);
            last_air = it.u.air;
            have_air = true;
        } else {
            motion_update(&m, &it.u.motion);
            last_motion = it.u.motion;
        }
        done++;
        if (m.primed && have_air && due(&print)) {
            print_motion(&last_motion, &m);
            print_air(&last_air, &a);
        }
        if (td_time_us() - since >= RATE_MS * 1000u) {
            td_printf("core 1: processed %lu samples/s, %lu dropped so far\n",
                      (unsigned long)per_second(done, &since), (unsigned long)q_dropped);
            done = 0;
        }
    }
}

/* Core 0: all the I/O. */
static void run(void)
{
    uint64_t since = td_time_us();
    uint32_t motion_reads = 0, air_reads = 0;
    for (;;) {
        struct item it;
        int rc = bmp280_start(&bmp);
        uint64_t ready_at = td_time_us() + BMP280_MEASURE_MS * 1000u;
        /* While the BMP280 converts, read the MPU6050 over and over. */
        while (rc == TD_OK) {
            it.is_air = false;
            if ((rc = mpu6050_read(&mpu, &it.u.motion)) != TD_OK)
                break;
            publish(&it);
            motion_reads++;
            if (td_time_us() < ready_at)
                continue;
            rc = bmp280_read(&bmp, &it.u.air);
            if (rc != TD_ERR_WOULD_BLOCK)
                break;
        }
        if (rc != TD_OK) {
            fail("sensors", rc);
            continue;
        }
        it.is_air = true;
        publish(&it);
        air_reads++;
        if (td_time_us() - since >= RATE_MS * 1000u) {
            uint64_t t = since;
            td_printf("core 0: MPU6050 read %lu times/s, BMP280 %lu times/s (" MODE_NAME ")\n",
                      (unsigned long)per_second(motion_reads, &since),
                      (unsigned long)per_second(air_reads, &t));
            motion_reads = air_reads = 0;
        }
    }
}

static int start(void)
{
    return td_start_new_thread(process_task, NULL);
}
#endif

int main(void)
{
    td_gpio_init_output(LED_RED);
    td_gpio_init_output(LED_GREEN);
    int hz = td_i2c_init(I2C_BUS, I2C_HZ, PIN_SDA, PIN_SCL);
    if (hz < 0) {
        td_printf("i2c%d: %s\n", I2C_BUS, td_i2c_strerror(hz));
        return 1;
    }
    td_printf("sensors (" MODE_NAME "): I2C%d at %d Hz, SDA GP%d, SCL GP%d\n",
              I2C_BUS, hz, PIN_SDA, PIN_SCL);
    int rc = mpu6050_init(&mpu, I2C_BUS, MPU6050_ADDR, 4, 500);
    if (rc != TD_OK) {
        td_printf("mpu6050 at 0x%x: %s\n", MPU6050_ADDR, td_i2c_strerror(rc));
        return 1;
    }
    td_printf("mpu6050 at 0x%x: awake, accel +-4 g (8192 LSB/g), gyro +-500 deg/s "
              "(65.5 LSB per deg/s)\n", MPU6050_ADDR);
    rc = bmp280_init(&bmp, I2C_BUS, BMP280_ADDR);
    if (rc != TD_OK) {
        td_printf("bmp280 at 0x%x: %s\n", BMP280_ADDR, td_i2c_strerror(rc));
        return 1;
    }
    const bmp280_calib_t *c = &bmp.cal;
    td_printf("bmp280 at 0x%x: chip id 0x58, calibration T1=%u T2=%d T3=%d P1=%u P2=%d P3=%d "
              "P4=%d P5=%d P6=%d P7=%d P8=%d P9=%d\n", BMP280_ADDR, c->T1, c->T2, c->T3,
              c->P1, c->P2, c->P3, c->P4, c->P5, c->P6, c->P7, c->P8, c->P9);

    /* Everything is set up: only now wake core 1 (as Oberon RTK's "Two
     * processor cores" does). */
    if ((rc = start()) != TD_OK) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    run();
    return 0;
}
