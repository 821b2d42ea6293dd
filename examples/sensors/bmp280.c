/*
 * bmp280.c: the BMP280 driver (bmp280.h).
 */
#include "bmp280.h"

#include "tandem/i2c.h"
#include "tandem/time.h"

#define REG_CALIB     0x88u          /* 24 bytes, little-endian */
#define REG_ID        0xd0u
#define REG_RESET     0xe0u
#define REG_STATUS    0xf3u          /* bit 3: measuring */
#define REG_CTRL_MEAS 0xf4u          /* osrs_t 7:5, osrs_p 4:2, mode 1:0 */
#define REG_CONFIG    0xf5u
#define REG_PRESS_MSB 0xf7u          /* 6 bytes: pressure, temperature (20 bits each) */

#define CHIP_ID       0x58u
#define RESET_WORD    0xb6u
#define STATUS_MEASURING 0x08u
#define CTRL_FORCED   ((1u << 5) | (3u << 2) | 1u)   /* osrs_t x1, osrs_p x4, forced */

#define TIMEOUT_US 5000u

int bmp280_init(bmp280_t *d, unsigned bus, uint8_t addr)
{
    if (d == NULL)
        return TD_ERR_PARAM;
    d->bus = bus;
    d->addr = addr;
    uint8_t id;
    int rc = td_i2c_read_reg(bus, addr, REG_ID, &id, 1, TIMEOUT_US);
    if (rc)
        return rc;
    if (id != CHIP_ID)
        return TD_ERR_STATE;
    if ((rc = td_i2c_write_reg(bus, addr, REG_RESET, RESET_WORD, TIMEOUT_US)))
        return rc;
    td_sleep(TD_MS(3));              /* start-up time after reset: 2 ms */
    uint8_t b[24];
    if ((rc = td_i2c_read_reg(bus, addr, REG_CALIB, b, sizeof b, TIMEOUT_US)))
        return rc;
    uint16_t w[12];
    for (unsigned i = 0; i < 12; i++)
        w[i] = (uint16_t)(b[2 * i] | (b[2 * i + 1] << 8));
    d->cal = (bmp280_calib_t){
        .T1 = w[0], .T2 = (int16_t)w[1], .T3 = (int16_t)w[2],
        .P1 = w[3], .P2 = (int16_t)w[4], .P3 = (int16_t)w[5], .P4 = (int16_t)w[6],
        .P5 = (int16_t)w[7], .P6 = (int16_t)w[8], .P7 = (int16_t)w[9],
        .P8 = (int16_t)w[10], .P9 = (int16_t)w[11],
    };
    /* No IIR filter, standby irrelevant in forced mode. */
    return td_i2c_write_reg(bus, addr, REG_CONFIG, 0, TIMEOUT_US);
}

int bmp280_start(const bmp280_t *d)
{
    return td_i2c_write_reg(d->bus, d->addr, REG_CTRL_MEAS, CTRL_FORCED, TIMEOUT_US);
}

int bmp280_read(const bmp280_t *d, bmp280_sample_t *s)
{
    uint8_t st;
    int rc = td_i2c_read_reg(d->bus, d->addr, REG_STATUS, &st, 1, TIMEOUT_US);
    if (rc)
        return rc;
    if (st & STATUS_MEASURING)
        return TD_ERR_WOULD_BLOCK;
    uint8_t b[6];
    if ((rc = td_i2c_read_reg(d->bus, d->addr, REG_PRESS_MSB, b, sizeof b, TIMEOUT_US)))
        return rc;
    int32_t adc_p = (int32_t)(((uint32_t)b[0] << 12) | ((uint32_t)b[1] << 4) | (b[2] >> 4));
    int32_t adc_t = (int32_t)(((uint32_t)b[3] << 12) | ((uint32_t)b[4] << 4) | (b[5] >> 4));
    bmp280_compensate(&d->cal, adc_t, adc_p, s);
    return TD_OK;
}

/* The datasheet's integer compensation: temperature in 32 bits, pressure
 * in 64 bits (Q24.8). Its left shifts of signed values are written as
 * multiplications here (same result, no undefined behaviour in C). */
void bmp280_compensate(const bmp280_calib_t *c, int32_t adc_t, int32_t adc_p, bmp280_sample_t *s)
{
    int32_t v1 = (((adc_t >> 3) - ((int32_t)c->T1 * 2)) * (int32_t)c->T2) >> 11;
    int32_t dt = (adc_t >> 4) - (int32_t)c->T1;
    int32_t v2 = (((dt * dt) >> 12) * (int32_t)c->T3) >> 14;
    int32_t t_fine = v1 + v2;
    s->temp_cc = (t_fine * 5 + 128) >> 8;

    int64_t var1 = (int64_t)t_fine - 128000;
    int64_t var2 = var1 * var1 * c->P6;
    var2 = var2 + var1 * c->P5 * ((int64_t)1 << 17);
    var2 = var2 + (int64_t)c->P4 * ((int64_t)1 << 35);
    var1 = ((var1 * var1 * c->P3) >> 8) + var1 * c->P2 * ((int64_t)1 << 12);
    var1 = ((((int64_t)1 << 47) + var1) * c->P1) >> 33;
    if (var1 == 0) {                 /* avoid a division by zero */
        s->pressure_q8 = 0;
        return;
    }
    int64_t p = 1048576 - adc_p;
    p = ((p * ((int64_t)1 << 31)) - var2) * 3125 / var1;
    var1 = ((int64_t)c->P9 * (p >> 13) * (p >> 13)) >> 25;
    var2 = ((int64_t)c->P8 * p) >> 19;
    p = ((p + var1 + var2) >> 8) + (int64_t)c->P7 * 16;
    s->pressure_q8 = (uint32_t)p;
}
