/* Watchdog reboot: both cores restart from the boot ROM; RAM and the
   watchdog scratch registers survive; REASON tells why. Then the ROM's
   watchdog "direct boot" (SCRATCH4..7 magic) enters a given function. */
#include "fw.h"

#define WD_CTRL      REG(WATCHDOG_BASE + 0x00)
#define WD_REASON    REG(WATCHDOG_BASE + 0x08)
#define WD_SCRATCH(n) REG(WATCHDOG_BASE + 0x0c + 4 * (n))

volatile uint32_t boots __attribute__((section(".noinit")));
static volatile uint32_t c1_ran;

static void core1_main(void) { c1_ran = 1; for (;;) wfe(); }

static void direct_entry(void) {
    uint32_t sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    fw_printf("direct entry boots=%u sp=%x scratch4=%x\n", boots, sp, WD_SCRATCH(4));
    CHECK(boots == 2 && WD_SCRATCH(4) == 0);    /* the ROM consumed the magic */
    fw_exit(0);
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    if (WD_SCRATCH(0) != 0x7a5d) {
        boots = 1;
        WD_SCRATCH(0) = 0x7a5d;
        WD_SCRATCH(1) = 1234;
        fw_launch_core1(core1_main, __stack1_top, vectors);
        while (!c1_ran) { }
        fw_puts("boot 1\n");
        while (REG(UART0_BASE + 0x18) & (1u << 3)) { }
        WD_CTRL = 1u << 31;             /* trigger */
        for (;;) { }
    }
    boots++;
    fw_printf("boot 2 boots=%u reason=%u scratch1=%u\n", boots, WD_REASON, WD_SCRATCH(1));
    CHECK(boots == 2 && WD_REASON == 2 && WD_SCRATCH(1) == 1234);
    c1_ran = 0;
    fw_launch_core1(core1_main, __stack1_top, vectors); /* core 1 is back in the ROM */
    while (!c1_ran) { }
    WD_SCRATCH(0) = 0;
    /* direct boot through the ROM */
    uint32_t entry = (uint32_t)direct_entry;
    WD_SCRATCH(4) = 0xb007c0d3;
    WD_SCRATCH(5) = entry ^ (uint32_t)-0xb007c0d3;
    WD_SCRATCH(6) = 0x20041800;
    WD_SCRATCH(7) = entry;
    while (REG(UART0_BASE + 0x18) & (1u << 3)) { }
    WD_CTRL = 1u << 31;
    for (;;) { }
}
