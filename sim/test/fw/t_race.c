/* A counter incremented by both cores at once: without a lock updates are
   lost (load/add/store interleave); with hardware spinlock 3 the count is exact. */
#include "fw.h"

#define N 20000u
static volatile uint32_t counter;
static volatile uint32_t phase, done1;
/* Extra delay of core 1 before each phase, in loop turns; the test sets it
   from outside (the .noinit section is not touched by the startup code). */
volatile uint32_t start_skew __attribute__((section(".noinit")));

static void inc_racy(void) {
    for (uint32_t i = 0; i < N; i++) counter = counter + 1;
}
static void inc_locked(void) {
    for (uint32_t i = 0; i < N; i++) {
        uint32_t s = primask_save();
        while (SIO_SPINLOCK(3) == 0) { }
        counter = counter + 1;
        SIO_SPINLOCK(3) = 0;
        primask_restore(s);
    }
}

static void core1_main(void) {
    while (phase != 1) { }
    for (volatile uint32_t i = 0; i < start_skew; i++) { }
    inc_racy();
    done1 = 1;
    while (phase != 2) { }
    for (volatile uint32_t i = 0; i < start_skew; i++) { }
    inc_locked();
    done1 = 2;
    for (;;) wfe();
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    fw_launch_core1(core1_main, __stack1_top, vectors);
    counter = 0;
    phase = 1;
    inc_racy();
    while (done1 != 1) { }
    uint32_t racy = counter;
    counter = 0;
    phase = 2;
    inc_locked();
    while (done1 != 2) { }
    uint32_t locked = counter;
    fw_printf("racy=%u locked=%u expected=%u lost=%u\n", racy, locked, 2 * N, 2 * N - racy);
    CHECK(locked == 2 * N);             /* how many racy updates are lost depends on the cores' phase */
    return 0;
}
