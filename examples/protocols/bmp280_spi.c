/*
 * bmp280_spi.c: the BMP280 over SPI (bmp280_spi.h).
 */
#include "bmp280_spi.h"

#include "tandem/time.h"

#define REG_CALIB     0x88u
#define REG_ID        0xd0u
#define REG_RESET     0xe0u
#define REG_STATUS    0xf3u
#define REG_CTRL_MEAS 0xf4u
#define REG_CONFIG    0xf5u
#define REG_PRESS_MSB 0xf7u
#define CHIP_ID       0x58u
#define RESET_WORD    0xb6u
#define STATUS_MEASURING 0x08u
#define CTRL_FORCED   ((1u << 5) | (1u << 2) | 1u)   /* osrs_t x1, osrs_p x1, forced */
#define TIMEOUT       TD_MS(5)

static int rd(bmp280_spi_t *d, uint8_t reg, uint8_t *buf, size_t n)
{
    uint8_t c = reg | 0x80u;
    return td_spi_write_read(&d->dev, &c, 1, buf, n, TIMEOUT);
}

static int wr(bmp280_spi_t *d, uint8_t reg, uint8_t value)
{
    uint8_t b[2] = { (uint8_t)(reg & 0x7fu), value };
    return td_spi_transfer(&d->dev, b, NULL, 2, TIMEOUT);
}

int bmp280_spi_init(bmp280_spi_t *d, unsigned bus, unsigned cs, unsigned core)
{
    int rc = td_spi_dev_init(&d->dev, bus, cs, 0, 10000000, 8, core);
    if (rc != TD_OK)
        return rc;
    uint8_t id;
    if ((rc = rd(d, REG_ID, &id, 1)) != TD_OK)
        return rc;
    if (id != CHIP_ID)
        return TD_ERR_STATE;
    if ((rc = wr(d, REG_RESET, RESET_WORD)) != TD_OK)
        return rc;
    td_sleep(TD_MS(3));                          /* start-up time after reset: 2 ms */
    uint8_t b[24];
    if ((rc = rd(d, REG_CALIB, b, sizeof b)) != TD_OK)
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
    return wr(d, REG_CONFIG, 0);
}

int bmp280_spi_start(bmp280_spi_t *d)
{
    return wr(d, REG_CTRL_MEAS, CTRL_FORCED);
}

int bmp280_spi_read(bmp280_spi_t *d, bmp280_sample_t *s)
{
    uint8_t st;
    int rc = rd(d, REG_STATUS, &st, 1);
    if (rc != TD_OK)
        return rc;
    if (st & STATUS_MEASURING)
        return TD_ERR_WOULD_BLOCK;
    uint8_t b[6];
    if ((rc = rd(d, REG_PRESS_MSB, b, sizeof b)) != TD_OK)
        return rc;
    int32_t adc_p = (int32_t)(((uint32_t)b[0] << 12) | ((uint32_t)b[1] << 4) | (b[2] >> 4));
    int32_t adc_t = (int32_t)(((uint32_t)b[3] << 12) | ((uint32_t)b[4] << 4) | (b[5] >> 4));
    bmp280_compensate(&d->cal, adc_t, adc_p, s);
    return TD_OK;
}
