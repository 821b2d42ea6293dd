/* PSM FRCE_OFF.PROC1 holds core 1 in reset; releasing it restarts core 1 in
   the boot ROM (it sends 0 and waits for the launch sequence). The SIO is a
   separate power domain: words core 1 pushed before the reset are still in
   core 0's incoming FIFO afterwards. A second launch then runs another entry
   with another vector table and stack. */
#include "fw.h"

static volatile uint32_t alive, pushed;
static volatile uint32_t b_vtor, b_sp, b_cpuid, b_scr, b_ran;
static uint32_t ram_vectors[48] __attribute__((aligned(256)));
static uint32_t stack_b[64];

static void core1_a(void) {
    for (uint32_t i = 1; i <= 5; i++) fw_fifo_push(0x50 + i);
    pushed = 1;
    for (;;) alive++;
}

static void core1_b(void) {
    uint32_t sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    b_sp = sp;
    b_vtor = SCB_VTOR;
    b_cpuid = SIO_CPUID;
    b_scr = SCB_SCR;
    b_ran = 1;
    for (;;) wfe();
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    fw_launch_core1(core1_a, __stack1_top, vectors);
    while (!pushed || alive < 100) { }

    REG(PSM_FRCE_OFF + ALIAS_SET) = 1u << 16;
    while (!(REG(PSM_FRCE_OFF) & (1u << 16))) { }
    uint32_t a0 = alive;
    for (volatile int i = 0; i < 1000; i++) { }
    CHECK(alive == a0);                 /* core 1 is not running */
    REG(PSM_FRCE_OFF + ALIAS_CLR) = 1u << 16;

    for (uint32_t i = 1; i <= 5; i++) {
        uint32_t w = fw_fifo_pop();
        if (w != 0x50 + i) { fw_printf("word %u: %x\n", i, w); fw_fail("FIFO contents survive a core 1 reset"); }
    }
    CHECK(fw_fifo_pop() == 0);          /* core 1's ROM: handshake restart */
    for (volatile int i = 0; i < 1000; i++) { }
    CHECK(alive == a0);                 /* old code is not running after the reset */

    for (int i = 0; i < 48; i++) ram_vectors[i] = vectors[i];
    int restarts = fw_launch_core1(core1_b, &stack_b[64], ram_vectors);
    while (!b_ran) { }
    fw_printf("restarts=%u b_vtor=%x b_sp=%x b_cpuid=%u b_scr=%u\n", (uint32_t)restarts, b_vtor, b_sp, b_cpuid, b_scr);
    CHECK(b_vtor == (uint32_t)ram_vectors);
    CHECK(b_sp <= (uint32_t)&stack_b[64] && b_sp > (uint32_t)&stack_b[48]);
    CHECK(b_cpuid == 1 && b_scr == 0);
    return 0;
}
