/*
 * settings: a configuration both cores read, kept in flash, and a boot count
 * that survives resets and power cuts (tandem/store.h over tandem/flash.h).
 *
 * Core 0 counts this boot ("boot_count" + 1), then changes "blink_ms" every
 * 400 ms (100, 200, ... 500 ms, round and round). Core 1 reads "blink_ms"
 * every 100 ms and blinks the green LED (GP1) at that rate, printing each
 * new value it reads. Both read "greeting" at start. For every write core 0
 * prints how long core 1 was parked in RAM while the flash was busy.
 */
#include "tandem/console.h"
#include "tandem/flash.h"
#include "tandem/gpio.h"
#include "tandem/kernel.h"
#include "tandem/msg.h"
#include "tandem/store.h"
#include "tandem/time.h"

#define LED_GREEN 1

static uint32_t get_u32(const char *key, uint32_t otherwise)
{
    uint32_t v = 0, len = 0;
    if (td_store_get(key, &v, sizeof v, &len) != TD_OK || len != sizeof v)
        return otherwise;
    return v;
}

static void print_greeting(unsigned core)
{
    char g[32];
    uint32_t len = 0;
    if (td_store_get("greeting", g, sizeof g - 1u, &len) == TD_OK) {
        g[len] = '\0';
        td_printf("c%u read greeting=\"%s\"\n", core, g);
    } else {
        td_printf("c%u read greeting: none\n", core);
    }
}

static void core1_main(void *arg)
{
    (void)arg;
    td_msg_start();                           /* so that flash writes can park this core */
    td_gpio_init_output(LED_GREEN);
    print_greeting(1);
    uint32_t shown = 0, since = 0;
    for (;;) {
        uint32_t ms = get_u32("blink_ms", 250u);
        if (ms != shown) {
            td_printf("c1 read blink_ms=%lu\n", (unsigned long)ms);
            shown = ms;
        }
        td_sleep(TD_MS(100));
        since += 100u;
        if (since >= ms) {
            td_gpio_toggle(LED_GREEN);
            since = 0;
        }
    }
}

/* Set a u32, and say how long core 1 was parked for it. */
static int write_u32(const char *key, uint32_t v, const char *what)
{
    td_flash_stats_t a, b;
    td_flash_stats(&a);
    uint64_t t0 = td_time_us();
    int r = td_store_set(key, &v, sizeof v);
    uint64_t took = td_time_us() - t0;
    td_flash_stats(&b);
    if (r != TD_OK) {
        td_printf("c0 could not write %s: %s\n", key, td_strerror(r));
        return r;
    }
    uint32_t steps = b.parks[1] - a.parks[1];
    if (steps == 0)
        td_printf("c0 wrote %s=%lu%s: %lu us, core 1 not started yet\n", key, (unsigned long)v,
                  what, (unsigned long)took);
    else
        td_printf("c0 wrote %s=%lu%s: %lu us, core 1 parked %lu us in %lu step%s\n", key,
                  (unsigned long)v, what, (unsigned long)took,
                  (unsigned long)(b.parked_total_us - a.parked_total_us), (unsigned long)steps,
                  steps == 1u ? "" : "s");
    return TD_OK;
}

int main(void)
{
    /* everything set up before core 1 starts */
    int r = td_store_init();
    td_store_stats_t st;
    if (r != TD_OK || td_store_stats(&st) != TD_OK) {
        td_printf("settings: the store did not start: %s\n", td_strerror(r));
        return 1;
    }
    td_printf("settings: store of %lu sectors, %lu keys%s\n", (unsigned long)st.sectors,
              (unsigned long)st.keys, st.bad_records || st.sectors_repaired ?
              " (a write cut short by a power cut was found and left out)" : "");
    uint32_t boots = get_u32("boot_count", 0);
    write_u32("boot_count", boots + 1u, boots ? "" : " (the first boot)");
    if (td_store_get("greeting", NULL, 0, NULL) == TD_ERR_NOT_FOUND)
        td_store_set("greeting", "hello from flash", 16);
    print_greeting(0);
    td_msg_start();
    r = td_kernel_launch_core1(core1_main, NULL);
    if (r != TD_OK) {
        td_printf("core 1 did not start: %s\n", td_strerror(r));
        return 1;
    }
    static const uint32_t cycle[] = { 100, 200, 300, 400, 500 };
    unsigned i = 0;
    uint32_t ms = get_u32("blink_ms", 0);
    while (i < 5u && cycle[i] != ms)
        i++;
    for (;;) {
        td_sleep(TD_MS(400));
        i = (i + 1u) % 5u;
        write_u32("blink_ms", cycle[i], "");
    }
}
