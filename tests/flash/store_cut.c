/*
 * tests/flash/store_cut.c: the key-value store under power cuts in the
 * emulator (tests/flash/store_cut.js cuts the power at a random cycle, then
 * boots this image again on what the flash kept, a thousand times and more).
 *
 * Each boot: mount the store, print every key's value as the write that
 * gave it ("GOT key w", "GOT key NONE", or "GOT key BAD" for a value that
 * is not exactly one write's), then write until the power goes, printing
 * "OP w key S|D" before each write and "OK w r" after it, each line sent
 * out before the next step. Core 1 meanwhile wakes every tick and runs
 * from flash, so every write must park it (a fetch it made while the flash
 * is busy would stop the run). The first write number and the seed come
 * from the watchdog scratch registers (port_persist_read), set by the
 * script before the run.
 */
#include "port.h"
#include "tandem/tandem.h"
#include "tandem/console.h"
#include "tandem/msg.h"
#include "tandem/store.h"

#define NK 8u
static const char *const keys[NK] = { "boot", "volume", "ssid", "mode",
                                      "cal_x", "cal_y", "name", "offsets" };

static uint32_t vlen_of(unsigned k, uint32_t w) { return 8u + (w * 13u + k * 7u) % 100u; }

/* The value of write w to key k: w, then bytes only w and k give. */
static void make(uint8_t *v, unsigned k, uint32_t w)
{
    uint32_t n = vlen_of(k, w), x = 0x9e3779b9u * (w + 1u) + k;
    v[0] = (uint8_t)w;
    v[1] = (uint8_t)(w >> 8);
    v[2] = (uint8_t)(w >> 16);
    v[3] = (uint8_t)(w >> 24);
    for (uint32_t i = 4; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v[i] = (uint8_t)x;
    }
}

static uint32_t seed;
static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static volatile uint32_t core1_work;

static void core1_main(void *arg)
{
    (void)arg;
    td_msg_start();
    for (;;) {
        td_sleep(1);
        for (uint32_t i = 0; i < 200u; i++)      /* from flash, between the writes */
            core1_work = core1_work + 1u;
    }
}

static void line_out(void)
{
    (void)td_console_flush(TD_MS(200));
}

/* The console at 921600 baud instead of 115200: a line then takes about
 * 0.2 ms, less than a page program, so most cuts fall on flash work. */
static void fast_console(void)
{
    volatile uint32_t *uart0 = (volatile uint32_t *)0x40034000u;
    uint32_t lcr = uart0[0x2c / 4];
    uart0[0x24 / 4] = 8;                        /* IBRD: 125 MHz / (16 * 921600) = 8.48 */
    uart0[0x28 / 4] = 31;                       /* FBRD: 0.48 * 64 */
    uart0[0x2c / 4] = lcr;                      /* the divisor takes effect with LCR_H */
}

int main(void)
{
    static uint8_t v[TD_STORE_VALUE_MAX], want[TD_STORE_VALUE_MAX];
    fast_console();
    td_console_set_mode(TD_CONSOLE_BUFFERED);
    td_msg_start();
    td_kernel_launch_core1(core1_main, NULL);
    uint32_t p[2] = { 0, 0 };
    port_persist_read(p, 2);
    uint32_t w = p[0];
    seed = p[1] ? p[1] : 1u;
    int r = td_store_init();
    td_printf("INIT %d\n", r);
    line_out();
    if (r != TD_OK)
        return 1;
    for (unsigned k = 0; k < NK; k++) {
        uint32_t len = 0;
        r = td_store_get(keys[k], v, sizeof v, &len);
        if (r == TD_ERR_NOT_FOUND) {
            td_printf("GOT %s NONE\n", keys[k]);
            continue;
        }
        uint32_t got = len >= 4u ? (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 |
                                       (uint32_t)v[3] << 24 : 0u;
        bool ok = r == TD_OK && len >= 4u && len == vlen_of(k, got);
        if (ok) {
            make(want, k, got);
            for (uint32_t i = 0; ok && i < len; i++)
                ok = v[i] == want[i];
        }
        if (ok)
            td_printf("GOT %s %lu\n", keys[k], (unsigned long)got);
        else
            td_printf("GOT %s BAD %d\n", keys[k], r);
    }
    td_printf("READY\n");
    line_out();
    for (;;) {
        w++;
        unsigned k = rnd() % NK;
        bool del = rnd() % 8u == 0;
        td_printf("OP %lu %s %c\n", (unsigned long)w, keys[k], del ? 'D' : 'S');
        line_out();
        if (del) {
            r = td_store_delete(keys[k]);
        } else {
            make(v, k, w);
            r = td_store_set(keys[k], v, vlen_of(k, w));
        }
        td_printf("OK %lu %d\n", (unsigned long)w, r);
        line_out();
    }
}
