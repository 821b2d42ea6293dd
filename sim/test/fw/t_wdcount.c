/* The watchdog's counter: one tick every TICK.CYCLES cycles of clk_ref,
   two counts per tick (RP2040-E1), CTRL.TIME read back, a feed (LOAD)
   holding it off, and at 0 a reboot with REASON.TIMER; ENABLE and the
   scratch registers survive it. */
#include "fw.h"

#define WD_CTRL       REG(WATCHDOG_BASE + 0x00)
#define WD_LOAD       REG(WATCHDOG_BASE + 0x04)
#define WD_REASON     REG(WATCHDOG_BASE + 0x08)
#define WD_SCRATCH(n) REG(WATCHDOG_BASE + 0x0c + 4 * (n))
#define WD_TICK       REG(WATCHDOG_BASE + 0x2c)
#define PSM_WDSEL     REG(0x40010000u + 0x08)
#define ENABLE        (1u << 30)

static uint32_t us(void) { return TIMER_TIMERAWL; }
static void wait_us(uint32_t n) { uint32_t t = us(); while (us() - t < n) { } }

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    if (WD_SCRATCH(2) == 0x5a5a) {              /* the second boot */
        uint32_t t = us() - WD_SCRATCH(3);
        fw_printf("boot 2 reason=%u enable=%u after=%u\n", WD_REASON, (WD_CTRL & ENABLE) ? 1u : 0u, t);
        CHECK(WD_REASON == 1);                  /* TIMER */
        CHECK(WD_CTRL & ENABLE);                /* the block is not reset by its own reset */
        WD_CTRL &= ~ENABLE;
        WD_SCRATCH(2) = 0;
        fw_exit(0);
    }
    PSM_WDSEL = 0x1fffc;                        /* everything but the oscillators */
    WD_TICK = 12u | (1u << 9);                  /* 1 us from the 12 MHz clk_ref */
    WD_LOAD = 20000;                            /* 10 000 ticks: 10 ms */
    WD_CTRL = ENABLE;
    uint32_t a = WD_CTRL & 0xffffff;
    wait_us(1000);
    uint32_t b = WD_CTRL & 0xffffff;
    fw_printf("1 ms: %u -> %u\n", a, b);
    CHECK(a - b >= 1990 && a - b <= 2010);      /* 2 counts per us */
    CHECK(WD_TICK & (1u << 10));                /* RUNNING */
    WD_TICK = 24u | (1u << 9);                  /* 2 us ticks */
    a = WD_CTRL & 0xffffff;
    wait_us(1000);
    b = WD_CTRL & 0xffffff;
    fw_printf("1 ms at 2 us ticks: %u -> %u\n", a, b);
    CHECK(a - b >= 990 && a - b <= 1010);
    WD_TICK = 12u | (1u << 9);
    for (int i = 0; i < 5; i++) {               /* fed every 5 ms: never runs out */
        WD_LOAD = 20000;
        wait_us(5000);
    }
    WD_CTRL &= ~ENABLE;                         /* paused: holds its count */
    a = WD_CTRL & 0xffffff;
    wait_us(20000);
    CHECK((WD_CTRL & 0xffffff) == a);
    fw_puts("fed, paused, no reset\n");
    while (REG(UART0_BASE + 0x18) & (1u << 3)) { }
    WD_SCRATCH(2) = 0x5a5a;
    WD_LOAD = 4000;                             /* 2 ms */
    WD_SCRATCH(3) = us();
    WD_CTRL |= ENABLE;
    for (;;) { }
}
