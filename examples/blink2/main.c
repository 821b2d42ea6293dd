/* blink2 (pre-kernel bring-up version) */
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
        td_printf("Enter second Thread\n");
        sleep_ms(1000);
        td_gpio_put(LED_GREEN, 1);
        td_printf("Green LED is turned ON\n");
        sleep_ms(2000);
        td_gpio_put(LED_GREEN, 0);
        td_printf("Green LED is turned OFF\n");
        sleep_ms(1000);
        td_printf("Exit second Thread\n");
        sleep_ms(1000);
    }
}

int main(void)
{
    td_gpio_init_output(LED_RED);
    td_gpio_init_output(LED_GREEN);
    port_core1_reset();
    int rc = port_core1_launch(core1_task, 0, 0, 0);
    td_printf("core 1 launch: %d\n", rc);
    for (;;) {
        td_printf("Enter main Thread\n");
        td_gpio_toggle(LED_RED);
        sleep_ms(150);
        td_printf("Red LED toggling...\n");
        sleep_ms(1000);
        td_printf("Exit main Thread\n");
        sleep_ms(1000);
    }
}
