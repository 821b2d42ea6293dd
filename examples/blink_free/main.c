/* blink_free (pre-kernel bring-up version): no shared state, no lock. */
#include "port.h"
#include "tandem/console.h"
#include "tandem/gpio.h"

#define LED_RED   0
#define LED_GREEN 1

static void sleep_ms(unsigned ms)
{
    uint64_t end = port_time_us() + (uint64_t)ms * 1000u;
    while (port_time_us() < end)
        ;
}

static void core1_task(void *arg)
{
    (void)arg;
    for (;;) {
        td_gpio_toggle(LED_GREEN);
        sleep_ms(500);
    }
}

int main(void)
{
    td_gpio_init_output(LED_RED);
    td_gpio_init_output(LED_GREEN);
    port_core1_reset();
    if (port_core1_launch(core1_task, 0, 0, 0) != 0)
        td_printf("core 1 did not start\n");
    for (;;) {
        td_gpio_toggle(LED_RED);
        sleep_ms(1500);
    }
}
