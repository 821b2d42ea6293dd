/*
 * protocols: two sensors on two buses, one per core, both at once. Core 0
 * reads an MPU6050 on I2C0 (polled, 400 kHz) as fast as it can; core 1
 * measures with a BMP280 on SPI1 (10 MHz): it starts a conversion, sleeps
 * through it, reads the result. Neither bus is shared, so nothing is locked:
 * the SPI device record is assigned to core 1 (the driver refuses it on
 * core 0), the I2C bus is used by core 0 only.
 *
 * Each core prints its readings every 500 ms and its rate every second.
 * Wiring (README.md): MPU6050 SDA GP4, SCL GP5; BMP280 SCK GP10, SDI GP11,
 * SDO GP12, CSB GP13; console on GP16/GP17.
 */
#include "bmp280_spi.h"
#include "../sensors/mpu6050.h"
#include "tandem/console.h"
#include "tandem/i2c.h"
#include "tandem/kernel.h"
#include "tandem/spi.h"
#include "tandem/time.h"

#define I2C_BUS   0
#define I2C_SDA   4
#define I2C_SCL   5
#define I2C_HZ    400000u
#define SPI_BUS   1
#define SPI_SCK   10
#define SPI_MOSI  11
#define SPI_MISO  12
#define BMP_CS    13
#define PRINT_US  500000u
#define RATE_US   1000000u

static mpu6050_t mpu;
static bmp280_spi_t bmp;

/* Events per second over the time since *since (moved to now). */
static uint32_t per_second(uint32_t n, uint64_t *since)
{
    uint64_t now = td_time_us(), dt = now - *since;
    *since = now;
    return dt ? (uint32_t)(((uint64_t)n * 1000000u + dt / 2u) / dt) : 0;
}

/* Core 1: the BMP280 on SPI1. */
static void air(void *arg)
{
    (void)arg;
    uint64_t since = td_time_us(), printed = 0;
    uint32_t reads = 0, errors = 0;
    for (;;) {
        bmp280_sample_t s;
        int rc = bmp280_spi_start(&bmp);
        if (rc == TD_OK) {
            td_sleep(TD_MS(BMP280_SPI_MEASURE_MS));
            while ((rc = bmp280_spi_read(&bmp, &s)) == TD_ERR_WOULD_BLOCK)
                td_sleep(1);
        }
        if (rc != TD_OK) {
            errors++;
            td_printf("core 1: bmp280 on SPI%d: %s\n", SPI_BUS, td_spi_strerror(rc));
            td_sleep(TD_MS(100));
            continue;
        }
        reads++;
        uint64_t now = td_time_us();
        if (now - printed >= PRINT_US) {
            printed = now;
            uint32_t p = s.pressure_q8;
            td_printf("core 1: bmp280 on SPI%d: temperature %ld.%02ld C, pressure %lu.%02lu Pa\n",
                      SPI_BUS, (long)(s.temp_cc / 100), (long)(s.temp_cc % 100),
                      (unsigned long)(p >> 8), (unsigned long)((p & 0xffu) * 100u / 256u));
        }
        if (now - since >= RATE_US) {
            uint32_t r = per_second(reads, &since);
            td_printf("core 1: SPI%d BMP280 %lu readings/s (%lu SPI transfers/s), %lu errors\n",
                      SPI_BUS, (unsigned long)r, (unsigned long)(3u * r), (unsigned long)errors);
            reads = 0;
        }
    }
}

/* Core 0: the MPU6050 on I2C0. */
static void motion(void)
{
    uint64_t since = td_time_us(), printed = 0;
    uint32_t reads = 0, errors = 0;
    for (;;) {
        mpu6050_sample_t s;
        int rc = mpu6050_read(&mpu, &s);
        if (rc != TD_OK) {
            errors++;
            td_printf("core 0: mpu6050 on I2C%d: %s\n", I2C_BUS, td_i2c_strerror(rc));
            td_sleep(TD_MS(100));
            continue;
        }
        reads++;
        uint64_t now = td_time_us();
        if (now - printed >= PRINT_US) {
            printed = now;
            td_printf("core 0: mpu6050 on I2C%d: accel %ld %ld %ld mg, gyro %ld %ld %ld cdeg/s\n",
                      I2C_BUS, (long)s.accel_mg[0], (long)s.accel_mg[1], (long)s.accel_mg[2],
                      (long)s.gyro_cdps[0], (long)s.gyro_cdps[1], (long)s.gyro_cdps[2]);
        }
        if (now - since >= RATE_US) {
            td_printf("core 0: I2C%d MPU6050 %lu readings/s, %lu errors\n", I2C_BUS,
                      (unsigned long)per_second(reads, &since), (unsigned long)errors);
            reads = 0;
        }
    }
}

int main(void)
{
    int hz = td_i2c_init(I2C_BUS, I2C_HZ, I2C_SDA, I2C_SCL);
    int rc = td_spi_init(SPI_BUS, SPI_SCK, SPI_MOSI, SPI_MISO);
    if (hz < 0 || rc != TD_OK) {
        td_printf("protocols: bus set-up failed: I2C %s, SPI %s\n", td_i2c_strerror(hz),
                  td_spi_strerror(rc));
        return 1;
    }
    td_printf("protocols: MPU6050 on I2C%d (%d Hz) for core 0, BMP280 on SPI%d for core 1\n",
              I2C_BUS, hz, SPI_BUS);
    if ((rc = mpu6050_init(&mpu, I2C_BUS, MPU6050_ADDR, 4, 500)) != TD_OK) {
        td_printf("mpu6050: %s\n", td_i2c_strerror(rc));
        return 1;
    }
    /* Everything is set up on core 0 before core 1 wakes (the BMP280's
     * calibration read with a record of no core), then the record is
     * given to core 1: from now on the driver refuses it on core 0. */
    if ((rc = bmp280_spi_init(&bmp, SPI_BUS, BMP_CS, TD_CORE_ANY)) != TD_OK ||
        (rc = td_spi_dev_init(&bmp.dev, SPI_BUS, BMP_CS, 0, 10000000, 8, 1)) != TD_OK) {
        td_printf("bmp280 on SPI%d: %s\n", SPI_BUS, td_spi_strerror(rc));
        return 1;
    }
    td_printf("bmp280 on SPI%d at %lu Hz, chip select GP%d: calibration T1=%u P1=%u; "
              "its record now belongs to core 1\n", SPI_BUS, (unsigned long)bmp.dev.rate, BMP_CS,
              bmp.cal.T1, bmp.cal.P1);
    uint8_t probe[1] = { 0xd0 | 0x80u };
    td_printf("core 0 using it anyway: %s\n",
              td_spi_strerror(td_spi_transfer(&bmp.dev, probe, probe, 1, TD_MS(5))));
    if ((rc = td_kernel_launch_core1(air, NULL)) != TD_OK) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    motion();
    return 0;
}
