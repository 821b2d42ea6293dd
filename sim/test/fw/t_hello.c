/* Both cores print a line; core 0 waits for core 1 to finish and exits 0. */
#include "fw.h"

static uint32_t lock_word;

static void core1_main(void) {
    while (SIO_SPINLOCK(0) == 0) { }
    fw_printf("hello from core %u\n", SIO_CPUID);
    SIO_SPINLOCK(0) = 1;
    fw_fifo_push(0xc0ffee);
    for (;;) wfe();
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    fw_printf("hello from core %u\n", SIO_CPUID);
    (void)lock_word;
    int restarts = fw_launch_core1(core1_main, __stack1_top, vectors);
    uint32_t w = fw_fifo_pop();
    CHECK(w == 0xc0ffee);
    while (SIO_SPINLOCK(0) == 0) { }
    fw_printf("core 1 launched after %u restarts\n", (uint32_t)restarts);
    SIO_SPINLOCK(0) = 1;
    return 0;
}
