/* Per-core GPIO interrupts: IO_BANK0 has separate INTE/INTF/INTS for each
   processor, and IO_IRQ_BANK0 (13) of each core follows its own INTS. An
   output pin reads back on its input, so toggling GPIO 2 and 3 from core 0
   makes edges. GPIO 2 is enabled for core 1 only, GPIO 3 for core 0 only.
   GPIO 6 is driven from outside by the test (rising edge at 2 ms). */
#include "fw.h"

#define INTR(n)        REG(IO_BANK0_BASE + 0xf0 + 4 * (n))
#define PROC0_INTE(n)  REG(IO_BANK0_BASE + 0x100 + 4 * (n))
#define PROC0_INTS(n)  REG(IO_BANK0_BASE + 0x120 + 4 * (n))
#define PROC1_INTE(n)  REG(IO_BANK0_BASE + 0x130 + 4 * (n))
#define PROC1_INTF(n)  REG(IO_BANK0_BASE + 0x140 + 4 * (n))
#define PROC1_INTS(n)  REG(IO_BANK0_BASE + 0x150 + 4 * (n))
#define GPIO_CTRL(p)   REG(IO_BANK0_BASE + 8 * (p) + 4)
#define EDGE_HIGH 8u
#define EDGE_LOW 4u

volatile uint32_t hits[2];
volatile uint32_t last_ints[2];
static volatile int c1_ready;

void isr_irq13(void) {
    uint32_t core = SIO_CPUID;
    hits[core]++;
    last_ints[core] = core ? PROC1_INTS(0) : PROC0_INTS(0);
    INTR(0) = 0xffffffff;               /* clear the edges */
}

static void core1_main(void) {
    NVIC_ICPR = 1u << IRQ_IO_BANK0;
    NVIC_ISER = 1u << IRQ_IO_BANK0;
    c1_ready = 1;
    for (;;) wfi();
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    GPIO_CTRL(2) = 5; GPIO_CTRL(3) = 5; GPIO_CTRL(6) = 5;  /* SIO */
    SIO_GPIO_OE_SET = (1u << 2) | (1u << 3);
    INTR(0) = 0xffffffff;
    PROC1_INTE(0) = EDGE_HIGH << (4 * 2);   /* GPIO 2 rising edge -> core 1 */
    PROC0_INTE(0) = EDGE_HIGH << (4 * 3);   /* GPIO 3 rising edge -> core 0 */
    NVIC_ICPR = 1u << IRQ_IO_BANK0;
    NVIC_ISER = 1u << IRQ_IO_BANK0;
    fw_launch_core1(core1_main, __stack1_top, vectors);
    while (!c1_ready) { }

    SIO_GPIO_OUT_SET = 1u << 2;
    for (volatile int i = 0; i < 100; i++) { }
    CHECK(hits[1] == 1 && hits[0] == 0);
    CHECK(last_ints[1] == (EDGE_HIGH << 8));
    CHECK((SIO_GPIO_IN >> 2) & 1);          /* the output reads back */

    SIO_GPIO_OUT_SET = 1u << 3;
    for (volatile int i = 0; i < 100; i++) { }
    CHECK(hits[0] == 1 && hits[1] == 1);
    CHECK(last_ints[0] == (EDGE_HIGH << 12));

    /* raw INTR: a falling edge latched though nobody enabled it; cleared by writing 1 */
    SIO_GPIO_OUT_CLR = 1u << 2;
    CHECK(INTR(0) & (EDGE_LOW << 8));
    INTR(0) = EDGE_LOW << 8;
    CHECK(!(INTR(0) & (EDGE_LOW << 8)));
    CHECK(hits[0] == 1 && hits[1] == 1);

    /* forcing core 1's interrupt through PROC1_INTF */
    PROC1_INTF(0) = 1u << (4 * 5);
    for (volatile int i = 0; i < 100; i++) { }
    PROC1_INTF(0) = 0;
    CHECK(hits[1] >= 2 && hits[0] == 1);

    /* an external level change on GPIO 6 (input), enabled for core 0 */
    PROC0_INTE(0) = EDGE_HIGH << (4 * 6);
    uint32_t t0 = time_us();
    while (hits[0] == 1 && time_us() - t0 < 5000) wfi();
    fw_printf("c0_hits=%u c1_hits=%u gpio6_at_us=%u in=%x\n", hits[0], hits[1], time_us(), SIO_GPIO_IN & 0x4c);
    CHECK(hits[0] == 2 && ((SIO_GPIO_IN >> 6) & 1));
    return 0;
}
