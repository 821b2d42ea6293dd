/*
 * blink_free: the lock-free variant from MicroPython's _thread tutorial.
 * The cores share nothing, so nothing needs a lock: core 0 blinks the red
 * LED (GP0) every 1.5 s, core 1 the green LED (GP1) every 0.5 s.
 */
#include "tandem/console.h"
#include "tandem/easy.h"
#include "tandem/gpio.h"

#define LED_RED   0
#define LED_GREEN 1

static void core1_task(void *arg)
{
    (void)arg;
    for (;;) {
        td_gpio_toggle(LED_GREEN);
        td_sleep_ms(500);
    }
}

int main(void)
{
    td_gpio_init_output(LED_RED);
    td_gpio_init_output(LED_GREEN);
    int rc = td_start_new_thread(core1_task, NULL);
    if (rc != 0) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    td_puts("blink_free: red every 1.5 s on core 0, green every 0.5 s on core 1");
    for (;;) {
        td_gpio_toggle(LED_RED);
        td_sleep_ms(1500);
    }
}
