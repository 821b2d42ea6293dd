/* Lockup and unhandled faults. The test selects the scenario through
   `scenario` (in .noinit, written by the test before the run):
   0  a fault inside the HardFault handler: core 0 locks up;
   1  a fault while VTOR still points at the boot ROM's vector table;
   2  core 1 faults inside its HardFault handler while core 0 keeps running. */
#include "fw.h"

volatile uint32_t scenario __attribute__((section(".noinit")));
volatile uint32_t core0_alive;

static void bad_handler(uint32_t *frame) {
    (void)frame;
    __asm volatile(".global lockup_at\n ldr r0, =0x30000000\nlockup_at:\n ldr r0, [r0]\n" ::: "r0");
}

static void core1_main(void) {
    fault_hook = bad_handler;
    __asm volatile("udf #3");
    for (;;) { }
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    fw_printf("scenario=%u\n", scenario);
    if (scenario == 0) {
        fault_hook = bad_handler;
        (void)REG(0x30000000);
    } else if (scenario == 1) {
        SCB_VTOR = 0;
        (void)REG(0x30000004);
    } else {
        fw_launch_core1(core1_main, __stack1_top, vectors);
        for (;;) core0_alive++;
    }
    return 0;
}
