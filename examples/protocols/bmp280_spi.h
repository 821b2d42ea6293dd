/*
 * bmp280_spi.h: the Bosch BMP280 on its SPI interface (datasheet
 * BST-BMP280-DS001, 5.3): a control byte (bit 7: 1 read, 0 write, then the
 * register address without its bit 7), then the data. Forced mode, the
 * register layout and the compensation are the I2C driver's
 * (examples/sensors/bmp280.h); only the transport differs.
 */
#ifndef BMP280_SPI_H
#define BMP280_SPI_H

#include "../sensors/bmp280.h"
#include "tandem/spi.h"

typedef struct bmp280_spi {
    td_spi_dev_t dev;
    bmp280_calib_t cal;
} bmp280_spi_t;

/* Oversampling: temperature x1, pressure x1 ("ultra low power"), so a
 * measurement takes at most 6.4 ms. */
#define BMP280_SPI_MEASURE_MS 7u

/* Set up the device record (SPI mode 0, 10 MHz, chip select on cs, for
 * 'core'), check the chip id, soft-reset, read the calibration. Returns 0,
 * TD_ERR_STATE (another chip answered), or an SPI error. Thread only. */
int bmp280_spi_init(bmp280_spi_t *d, unsigned bus, unsigned cs, unsigned core);

/* Start one measurement (forced mode). Returns 0 or an SPI error. */
int bmp280_spi_start(bmp280_spi_t *d);

/* Read the measurement: TD_ERR_WOULD_BLOCK while it converts, else 0
 * (with *s filled in) or an SPI error. */
int bmp280_spi_read(bmp280_spi_t *d, bmp280_sample_t *s);

#endif
