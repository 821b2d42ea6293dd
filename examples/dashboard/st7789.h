/*
 * st7789.h: a Sitronix ST7789 colour display controller with a 240 x 240
 * panel on SPI (the four-wire serial interface: chip select, clock, data
 * in, and a data/command GPIO; no reading back). Pixels are RGB565.
 *
 * The display belongs to one thread: the calls here are not re-entrant on
 * one display (each holds the SPI bus only for its own transfers).
 */
#ifndef ST7789_DRIVER_H
#define ST7789_DRIVER_H

#include <stdint.h>

#include "tandem/spi.h"

#define ST7789_W 240u
#define ST7789_H 240u

/* RGB565 from 8-bit components. */
#define RGB565(r, g, b) ((uint16_t)((((r) & 0xf8u) << 8) | (((g) & 0xfcu) << 3) | ((b) >> 3)))

typedef struct st7789 {
    td_spi_dev_t dev;
    uint8_t dc, rst;
} st7789_t;

/* Reset the controller (RST low, then the datasheet's 120 ms), wake it,
 * 16 bits per pixel, display on. The SPI bus must be set up; dc and rst
 * become SIO outputs. Returns 0 or an SPI code. Thread only; sleeps about
 * 130 ms. */
int st7789_init(st7789_t *d, unsigned bus, unsigned cs, unsigned dc, unsigned rst, unsigned core);

/* Fill the rectangle [x, x + w) x [y, y + h) with one colour. */
int st7789_fill(st7789_t *d, unsigned x, unsigned y, unsigned w, unsigned h, uint16_t colour);

/* Write w x h pixels (row by row, in the display's byte order: big-endian
 * RGB565) into the rectangle at (x, y). */
int st7789_blit(st7789_t *d, unsigned x, unsigned y, unsigned w, unsigned h, const uint16_t *px);

#endif
