/* Core 0 sets the clocks up, prints "idle", then spins: for tests that
   drive the peripheral models from JavaScript while simulated time passes. */
#include "fw.h"

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    fw_puts("idle\n");
    for (;;)
        __asm volatile("nop");
}
