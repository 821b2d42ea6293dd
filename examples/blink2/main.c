/*
 * blink2: the first two-core program of MicroPython's _thread tutorial,
 * in C.
 *
 * Core 0 toggles the red LED (GP0); core 1 switches the green LED (GP1) on
 * for 2 s and off again. Both print what they do, each line under the shared
 * lock, and both sleep OUTSIDE the lock (the tutorial's better pattern), so the
 * two cores really run side by side instead of taking turns.
 *
 *   red:   toggles every 2.15 s (0.15 s + 1 s + 1 s per round)
 *   green: on 2 s in every 5 s (1 s off, 2 s on, 1 s off, 1 s pause)
 */
#include "tandem/console.h"
#include "tandem/easy.h"
#include "tandem/gpio.h"

#define LED_RED   0
#define LED_GREEN 1

static td_easy_lock_t *s_lock;

/* Print one line while holding the lock: the critical work, nothing more. */
static void say(const char *line)
{
    td_acquire(s_lock);
    td_puts(line);
    td_release(s_lock);
}

static void core_task(void *arg)
{
    (void)arg;
    for (;;) {
        say("Enter second Thread");
        td_sleep_s(1);
        td_gpio_put(LED_GREEN, 1);
        say("Green LED is turned ON");
        td_sleep_s(2);
        td_gpio_put(LED_GREEN, 0);
        say("Green LED is turned OFF");
        td_sleep_s(1);
        say("Exit second Thread");
        td_sleep_s(1);
    }
}

int main(void)
{
    td_gpio_init_output(LED_RED);
    td_gpio_init_output(LED_GREEN);
    s_lock = td_allocate_lock();

    int rc = td_start_new_thread(core_task, NULL);
    if (rc != 0) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    for (;;) {
        say("Enter main Thread");
        td_gpio_toggle(LED_RED);
        td_sleep_ms(150);
        say("Red LED toggling...");
        td_sleep_s(1);
        say("Exit main Thread");
        td_sleep_s(1);
    }
}
