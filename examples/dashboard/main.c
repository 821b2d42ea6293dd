/*
 * dashboard: core 0 reads the sensors, core 1 draws a live chart of them
 * on an SPI colour display (ST7789, 240 x 240).
 *
 * Core 0, every 20 ms (a periodic thread): a BMP280 measurement on I2C0
 * (temperature, pressure), the chip's own temperature sensor and the
 * voltage on GP26 through the ADC. Each sample goes to core 1 through a
 * small ring (a td_lock around the copy, a cross-core semaphore counting
 * the samples in it).
 *
 * Core 1 owns the display (SPI0, DMA for every block of pixels, the thread
 * asleep meanwhile): a header with the latest values, each in the colour
 * of its trace, redrawn twice a second, and below it a chart that sweeps
 * from left to right, one column per sample, like an oscilloscope: the
 * new column drawn, the next few cleared.
 *
 * Both print their rates once a second. tandem-sim renders the display:
 * `make` writes build/examples/dashboard.png (README.md).
 */
#include "../sensors/bmp280.h"
#include "font.h"
#include "st7789.h"
#include "tandem/adc.h"
#include "tandem/console.h"
#include "tandem/fmt.h"
#include "tandem/i2c.h"
#include "tandem/kernel.h"
#include "tandem/lock.h"
#include "tandem/period.h"
#include "tandem/spi.h"
#include "tandem/time.h"
#include "tandem/xsem.h"

#define I2C_BUS   0
#define I2C_SDA   4
#define I2C_SCL   5
#define SPI_BUS   0
#define SPI_SCK   18
#define SPI_MOSI  19
#define LCD_CS    20
#define LCD_DC    21
#define LCD_RST   22
#define SAMPLE_MS 20u

#define BLACK  RGB565(0, 0, 0)
#define WHITE  RGB565(255, 255, 255)
#define GRID   RGB565(48, 48, 48)
#define RED    RGB565(255, 64, 64)
#define CYAN   RGB565(0, 224, 255)
#define GREEN  RGB565(64, 255, 64)
#define YELLOW RGB565(255, 224, 0)

struct sample {
    int32_t temp_cc;          /* BMP280, 0.01 deg C */
    uint32_t pressure_q8;     /* BMP280, Pa Q24.8 */
    int32_t chip_mdeg;        /* the RP2040's sensor, 0.001 deg C */
    uint32_t gp26_mv;
};

/* ---- core 0 to core 1 ----------------------------------------------------------------- */

#define QUEUE 16u
static struct sample ring[QUEUE];
static uint32_t r_head, r_tail, r_dropped;
static TD_LOCK_DEFINE(r_lock, TD_SPIN_USER_FIRST);
static TD_XSEM_DEFINE(r_count, 0, QUEUE);

static void publish(const struct sample *s)
{
    td_lock_take(&r_lock);
    bool room = r_head - r_tail < QUEUE;
    if (room)
        ring[r_head++ % QUEUE] = *s;
    else
        r_dropped++;
    td_lock_give(&r_lock);
    if (room)
        td_xsem_give_isr(&r_count);
}

/* ---- core 1: the display --------------------------------------------------------------- */

static st7789_t lcd;
#define CHART_Y 48u
#define CHART_H (ST7789_H - CHART_Y)
#define GAP     3u                    /* columns cleared ahead of the sweep */

static uint16_t be(uint16_t c) { return (uint16_t)((c >> 8) | (c << 8)); }

/* One header line: 16 rows of 240 pixels, characters 2x their 5 x 7 (a 12 x 16 cell). */
static uint16_t line_px[16 * ST7789_W];
static unsigned line_col;

static void line_begin(void)
{
    for (unsigned i = 0; i < 16u * ST7789_W; i++)
        line_px[i] = be(BLACK);
    line_col = 4;
}

static void line_text(const char *s, uint16_t colour)
{
    for (; *s != '\0' && line_col + 12u <= ST7789_W; s++, line_col += 12u) {
        const uint8_t *g = font_glyph(*s);
        if (g == NULL)
            continue;
        for (unsigned r = 0; r < 14u; r++)
            for (unsigned c = 0; c < 10u; c++)
                if (g[r / 2u] & (0x10u >> (c / 2u)))
                    line_px[(r + 1u) * ST7789_W + line_col + c] = be(colour);
    }
}

/* v / 10^places as "[-]int.frac" in buf. */
static const char *fixed(char *buf, int32_t v, unsigned places)
{
    uint32_t scale = places == 1 ? 10u : places == 2 ? 100u : 1000u;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    td_snprintf(buf, 16, "%s%lu.%0*lu", v < 0 ? "-" : "", (unsigned long)(u / scale), (int)places,
                (unsigned long)(u % scale));
    return buf;
}

static int header(const struct sample *s)
{
    char a[16], b[16];
    line_begin();
    line_text("T ", RED);
    line_text(fixed(a, s->temp_cc, 2), RED);
    line_text("C  P ", CYAN);
    line_text(fixed(b, (int32_t)(s->pressure_q8 >> 8), 2), CYAN);   /* Pa / 100: hPa */
    int rc = st7789_blit(&lcd, 0, 16, ST7789_W, 16, line_px);
    line_begin();
    line_text("CHIP ", GREEN);
    line_text(fixed(a, s->chip_mdeg / 100, 1), GREEN);
    line_text("C  V ", YELLOW);
    line_text(fixed(b, (int32_t)s->gp26_mv, 3), YELLOW);
    if (rc == TD_OK)
        rc = st7789_blit(&lcd, 0, 32, ST7789_W, 16, line_px);
    return rc;
}

/* Chart row (0 at the top of the chart) of value v in [lo, hi]. */
static unsigned row_of(int32_t v, int32_t lo, int32_t hi)
{
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return (unsigned)((int64_t)(hi - v) * (CHART_H - 1u) / (hi - lo));
}

/* The sweep: column x with the sample's points joined to the previous
 * ones, then GAP cleared columns (one window, row by row). */
static uint16_t sweep_px[CHART_H * (1u + GAP)];
#define TRACES 4u
static unsigned prev_row[TRACES];
static bool have_prev;

static int column(unsigned x, const struct sample *s)
{
    static const uint16_t colour[TRACES] = { RED, CYAN, GREEN, YELLOW };
    unsigned row[TRACES] = {
        row_of(s->temp_cc, 2000, 2500),                        /* 20 .. 25 deg C */
        row_of((int32_t)(s->pressure_q8 >> 8), 101100, 101500), /* 1011 .. 1015 hPa */
        row_of(s->chip_mdeg, 25000, 35000),                    /* 25 .. 35 deg C */
        row_of((int32_t)s->gp26_mv, 0, 3300),                  /* 0 .. 3.3 V */
    };
    unsigned w = x + 1u + GAP <= ST7789_W ? 1u + GAP : ST7789_W - x;
    for (unsigned r = 0; r < CHART_H; r++)
        for (unsigned c = 0; c < w; c++)
            sweep_px[r * w + c] = be(c == 0 && r % 24u == 0 ? GRID : BLACK);
    for (unsigned t = 0; t < TRACES; t++) {
        unsigned a = have_prev ? prev_row[t] : row[t], b = row[t];
        if (a > b) {
            unsigned tmp = a;
            a = b;
            b = tmp;
        }
        for (unsigned r = a; r <= b; r++)
            sweep_px[r * w] = be(colour[t]);
        prev_row[t] = row[t];
    }
    have_prev = true;
    return st7789_blit(&lcd, x, CHART_Y, w, CHART_H, sweep_px);
}

static void display(void *arg)
{
    (void)arg;
    int rc = st7789_init(&lcd, SPI_BUS, LCD_CS, LCD_DC, LCD_RST, 1);
    if (rc == TD_OK)
        rc = st7789_fill(&lcd, 0, 0, ST7789_W, ST7789_H, BLACK);
    if (rc == TD_OK) {
        line_begin();
        line_text("TANDEM DASHBOARD", WHITE);
        rc = st7789_blit(&lcd, 0, 0, ST7789_W, 16, line_px);
    }
    if (rc != TD_OK) {
        td_printf("core 1: display on SPI%d: %s\n", SPI_BUS, td_spi_strerror(rc));
        return;
    }
    td_printf("core 1: ST7789 240x240 on SPI%d at %lu Hz, ready\n", SPI_BUS,
              (unsigned long)lcd.dev.rate);
    unsigned x = 0;
    uint32_t columns = 0, errors = 0;
    uint64_t since = td_time_us(), last_header = 0;
    for (;;) {
        if (td_xsem_take(&r_count, TD_SEC(1)) != TD_OK)
            continue;
        struct sample s;
        td_lock_take(&r_lock);
        s = ring[r_tail++ % QUEUE];
        td_lock_give(&r_lock);
        if (column(x, &s) != TD_OK)
            errors++;
        x = (x + 1u) % ST7789_W;
        columns++;
        uint64_t now = td_time_us();
        if (now - last_header >= 500000u) {
            last_header = now;
            if (header(&s) != TD_OK)
                errors++;
        }
        if (now - since >= 1000000u) {
            td_printf("core 1: drew %lu columns/s, %lu errors\n",
                      (unsigned long)(((uint64_t)columns * 1000000u + (now - since) / 2u) / (now - since)),
                      (unsigned long)errors);
            since = now;
            columns = 0;
        }
    }
}

/* ---- core 0: the sensors ----------------------------------------------------------------- */

static bmp280_t bmp;

int main(void)
{
    /* Each step's result named by its own driver's names. */
    const char *what = "I2C";
    const char *(*name)(int) = td_i2c_strerror;
    int hz = td_i2c_init(I2C_BUS, 400000u, I2C_SDA, I2C_SCL);
    int rc = hz < 0 ? hz : bmp280_init(&bmp, I2C_BUS, BMP280_ADDR);
    if (rc == TD_OK) {
        what = "ADC";
        name = td_strerror;
        rc = td_adc_init();
        if (rc == TD_OK)
            rc = td_adc_pin_init(26);
    }
    if (rc == TD_OK) {
        what = "SPI";
        name = td_spi_strerror;
        rc = td_spi_init(SPI_BUS, SPI_SCK, SPI_MOSI, TD_SPI_NO_PIN);
    }
    if (rc != TD_OK) {
        td_printf("dashboard: set-up failed (%s): %s\n", what, name(rc));
        return 1;
    }
    td_printf("dashboard: BMP280 on I2C%d and the ADC read by core 0 every %u ms; "
              "the display on SPI%d drawn by core 1\n", I2C_BUS, SAMPLE_MS, SPI_BUS);
    if ((rc = td_kernel_launch_core1(display, NULL)) != TD_OK) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    td_period_t p;
    td_period_init(&p, TD_MS(SAMPLE_MS), 0);
    uint64_t since = td_time_us();
    uint32_t n = 0, errors = 0;
    for (;;) {
        td_period_wait(&p);
        struct sample s;
        uint16_t t_raw, v_raw;
        rc = bmp280_start(&bmp);
        if (rc == TD_OK)
            rc = td_adc_read(TD_ADC_TEMP, &t_raw);
        if (rc == TD_OK)
            rc = td_adc_read(0, &v_raw);
        if (rc == TD_OK) {
            td_sleep(TD_MS(BMP280_MEASURE_MS));
            bmp280_sample_t b;
            while ((rc = bmp280_read(&bmp, &b)) == TD_ERR_WOULD_BLOCK)
                td_sleep(1);
            s = (struct sample){ b.temp_cc, b.pressure_q8, td_adc_temp_mdeg(t_raw), td_adc_to_mv(v_raw) };
        }
        if (rc != TD_OK) {
            errors++;
            continue;
        }
        publish(&s);
        n++;
        uint64_t now = td_time_us();
        if (now - since >= 1000000u) {
            td_printf("core 0: %lu samples/s (BMP280, chip temperature, GP26), %lu dropped, %lu errors\n",
                      (unsigned long)(((uint64_t)n * 1000000u + (now - since) / 2u) / (now - since)),
                      (unsigned long)r_dropped, (unsigned long)errors);
            since = now;
            n = 0;
        }
    }
}
