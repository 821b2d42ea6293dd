/*
 * st7789.c: the ST7789 (st7789.h).
 */
#include "st7789.h"

#include "tandem/gpio.h"
#include "tandem/time.h"

#define CMD_SLPOUT 0x11u
#define CMD_NORON  0x13u
#define CMD_DISPON 0x29u
#define CMD_CASET  0x2au
#define CMD_RASET  0x2bu
#define CMD_RAMWR  0x2cu
#define CMD_MADCTL 0x36u
#define CMD_COLMOD 0x3au
#define TIMEOUT    TD_MS(50)

/* One command and its parameters, in one selection. */
static int command(st7789_t *d, uint8_t cmd, const uint8_t *args, unsigned n)
{
    int rc = td_spi_select(&d->dev, TIMEOUT);
    if (rc != TD_OK)
        return rc;
    td_gpio_put(d->dc, false);
    rc = td_spi_transfer(&d->dev, &cmd, NULL, 1, TIMEOUT);
    td_gpio_put(d->dc, true);
    if (rc == TD_OK && n != 0)
        rc = td_spi_transfer(&d->dev, args, NULL, n, TIMEOUT);
    td_spi_deselect(&d->dev);
    return rc;
}

int st7789_init(st7789_t *d, unsigned bus, unsigned cs, unsigned dc, unsigned rst, unsigned core)
{
    /* The controller's write cycle is 16 ns at least: 62.5 MHz is its limit too. */
    int rc = td_spi_dev_init(&d->dev, bus, cs, 0, 62500000, 8, core);
    if (rc != TD_OK)
        return rc;
    d->dc = (uint8_t)dc;
    d->rst = (uint8_t)rst;
    td_gpio_init_output(dc);
    td_gpio_init_output(rst);                   /* low: in reset */
    td_sleep(TD_MS(1));                         /* RESX low at least 10 us */
    td_gpio_put(rst, true);
    td_sleep(TD_MS(120));                       /* ready for SLPOUT 120 ms after a reset */
    if ((rc = command(d, CMD_SLPOUT, NULL, 0)) != TD_OK)
        return rc;
    td_sleep(TD_MS(6));                         /* 5 ms before the next command */
    static const uint8_t colmod = 0x55, madctl = 0x00;   /* 16 bits per pixel; rows top down */
    if ((rc = command(d, CMD_COLMOD, &colmod, 1)) != TD_OK ||
        (rc = command(d, CMD_MADCTL, &madctl, 1)) != TD_OK ||
        (rc = command(d, CMD_NORON, NULL, 0)) != TD_OK)
        return rc;
    return command(d, CMD_DISPON, NULL, 0);
}

/* Set the window and start writing pixels: the caller sends them, selected. */
static int window(st7789_t *d, unsigned x, unsigned y, unsigned w, unsigned h)
{
    uint8_t col[4] = { (uint8_t)(x >> 8), (uint8_t)x, (uint8_t)((x + w - 1u) >> 8), (uint8_t)(x + w - 1u) };
    uint8_t row[4] = { (uint8_t)(y >> 8), (uint8_t)y, (uint8_t)((y + h - 1u) >> 8), (uint8_t)(y + h - 1u) };
    int rc = command(d, CMD_CASET, col, 4);
    if (rc == TD_OK)
        rc = command(d, CMD_RASET, row, 4);
    if (rc == TD_OK)
        rc = command(d, CMD_RAMWR, NULL, 0);
    return rc;
}

static int pixels(st7789_t *d, const void *px, unsigned n)
{
    int rc = td_spi_select(&d->dev, TIMEOUT);
    if (rc != TD_OK)
        return rc;
    td_gpio_put(d->dc, true);
    rc = td_spi_transfer(&d->dev, px, NULL, n, TIMEOUT);
    td_spi_deselect(&d->dev);
    return rc;
}

int st7789_fill(st7789_t *d, unsigned x, unsigned y, unsigned w, unsigned h, uint16_t colour)
{
    if (w == 0 || h == 0 || x + w > ST7789_W || y + h > ST7789_H)
        return TD_ERR_PARAM;
    static uint16_t line[ST7789_W];             /* one row, big-endian */
    uint16_t be = (uint16_t)((colour >> 8) | (colour << 8));
    for (unsigned i = 0; i < w; i++)
        line[i] = be;
    int rc = window(d, x, y, w, h);
    for (unsigned r = 0; r < h && rc == TD_OK; r++)
        rc = pixels(d, line, 2u * w);
    return rc;
}

int st7789_blit(st7789_t *d, unsigned x, unsigned y, unsigned w, unsigned h, const uint16_t *px)
{
    if (w == 0 || h == 0 || x + w > ST7789_W || y + h > ST7789_H || px == NULL)
        return TD_ERR_PARAM;
    int rc = window(d, x, y, w, h);
    return rc == TD_OK ? pixels(d, px, 2u * w * h) : rc;
}
