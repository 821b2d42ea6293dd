/*
 * bmp280.h: Bosch BMP280 barometric pressure and temperature sensor on I2C
 * (datasheet BST-BMP280-DS001), in forced mode: each measurement is
 * started, converted (a few milliseconds) and read.
 *
 * The driver keeps the device's address and calibration in the caller's
 * struct; using the bus from two places at once is the program's to
 * prevent.
 */
#ifndef BMP280_H
#define BMP280_H

#include <stdint.h>

#define BMP280_ADDR 0x76u            /* SDO low; 0x77 with SDO high */

/* The trimming parameters every BMP280 carries (0x88..0x9f). */
typedef struct bmp280_calib {
    uint16_t T1;
    int16_t T2, T3;
    uint16_t P1;
    int16_t P2, P3, P4, P5, P6, P7, P8, P9;
} bmp280_calib_t;

typedef struct bmp280 {
    unsigned bus;
    uint8_t addr;
    bmp280_calib_t cal;
} bmp280_t;

/* One reading, compensated with the datasheet's integer formulas. */
typedef struct bmp280_sample {
    int32_t temp_cc;                 /* 0.01 deg C */
    uint32_t pressure_q8;            /* Pa, Q24.8 (Pa * 256) */
} bmp280_sample_t;

/* Oversampling used: temperature x1, pressure x4 ("standard resolution"). */
#define BMP280_MEASURE_MS 14u        /* datasheet's maximum measurement time, rounded up */

/* Check the chip id (0x58), soft-reset, read the calibration. Returns 0,
 * TD_ERR_PARAM, TD_ERR_STATE (another chip answered), or an I2C error.
 * Thread only. */
int bmp280_init(bmp280_t *d, unsigned bus, uint8_t addr);

/* Start one measurement (forced mode). Returns 0 or an I2C error. */
int bmp280_start(const bmp280_t *d);

/* Read the measurement started last: TD_ERR_WOULD_BLOCK while the device
 * still converts, else 0 (with *s filled in) or an I2C error. */
int bmp280_read(const bmp280_t *d, bmp280_sample_t *s);

/* The datasheet's compensation (3.11.3), from raw 20-bit ADC values.
 * Exposed for checking against the datasheet's worked example. */
void bmp280_compensate(const bmp280_calib_t *c, int32_t adc_t, int32_t adc_p, bmp280_sample_t *s);

#endif
