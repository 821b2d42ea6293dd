/* Hardware spinlocks: a read claims (nonzero if claimed, 0 if already held),
   a write releases, SPINLOCK_ST shows all 32; both cores see the same locks. */
#include "fw.h"

static volatile uint32_t step;

static void core1_main(void) {
    while (step != 1) { }
    uint32_t v = SIO_SPINLOCK(7);
    step = v ? 2 : 99;                  /* core 1 holds lock 7 */
    while (step != 3) { }
    SIO_SPINLOCK(7) = 0;                /* release */
    step = 4;
    for (;;) wfe();
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    CHECK(SIO_SPINLOCK_ST == 0);
    uint32_t a = SIO_SPINLOCK(5);
    CHECK(a != 0);
    CHECK(SIO_SPINLOCK(5) == 0);        /* already held */
    CHECK(SIO_SPINLOCK_ST == (1u << 5));
    SIO_SPINLOCK(5) = 0xffffffff;       /* any value releases */
    CHECK(SIO_SPINLOCK_ST == 0);
    CHECK(SIO_SPINLOCK(31) != 0);
    CHECK(SIO_SPINLOCK_ST == (1u << 31));
    SIO_SPINLOCK(31) = 1;

    fw_launch_core1(core1_main, __stack1_top, vectors);
    step = 1;
    while (step == 1) { }
    CHECK(step == 2);
    CHECK(SIO_SPINLOCK_ST == (1u << 7));
    CHECK(SIO_SPINLOCK(7) == 0);        /* held by core 1 */
    step = 3;
    while (step != 4) { }
    CHECK(SIO_SPINLOCK(7) != 0);        /* core 1 released it */
    SIO_SPINLOCK(7) = 1;
    fw_printf("spinlock_claim=%x\n", a);
    return 0;
}
