/* Both cores toggle an LED pin: core 0 GPIO 25 every 100 us (10 toggles),
   core 1 GPIO 15 every 250 us (4 toggles), sleeping in between; then exit.
   For the VCD/SVG/JSON outputs. */
#include "fw.h"

static volatile int c1_done;

static void sleep_us(uint32_t us) {
    uint32_t end = time_us() + us;
    while ((int32_t)(time_us() - end) < 0) { }
}

static void core1_main(void) {
    for (int i = 0; i < 4; i++) { SIO_GPIO_OUT_XOR = 1u << 15; sleep_us(250); }
    c1_done = 1;
    sev();
    for (;;) wfe();
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    REG(IO_BANK0_BASE + 8 * 25 + 4) = 5;
    REG(IO_BANK0_BASE + 8 * 15 + 4) = 5;
    SIO_GPIO_OE_SET = (1u << 25) | (1u << 15);
    fw_launch_core1(core1_main, __stack1_top, vectors);
    for (int i = 0; i < 10; i++) { SIO_GPIO_OUT_XOR = 1u << 25; sleep_us(100); }
    while (!c1_done) wfe();
    fw_puts("blink done\n");
    return 0;
}
