/* SIO_IRQ_PROC0 (15) reaches only core 0, SIO_IRQ_PROC1 (16) only core 1.
   Both cores enable both IRQs; the handlers count per core. Each FIFO IRQ is
   a level: VLD, WOF or ROE of the receiving core. */
#include "fw.h"

volatile uint32_t hits[2][2];          /* hits[core][irq - 15] */
volatile uint32_t got[2];
volatile uint32_t roe_irq[2];
volatile uint32_t wof_irq[2];
static volatile int overflow_now;

static void on_fifo_irq(int irq) {
    uint32_t core = SIO_CPUID;
    hits[core][irq - 15]++;
    uint32_t st = SIO_FIFO_ST;
    if (st & FIFO_ROE) roe_irq[core]++;
    if (st & FIFO_WOF) wof_irq[core]++;
    while (SIO_FIFO_ST & FIFO_VLD) got[core] = SIO_FIFO_RD;
    SIO_FIFO_ST = 0;                     /* clear WOF/ROE so the level drops */
}
void isr_irq15(void) { on_fifo_irq(15); }
void isr_irq16(void) { on_fifo_irq(16); }

static volatile int core1_ready;

static void core1_main(void) {
    NVIC_ICPR = 3u << 15;
    NVIC_ISER = 3u << 15;
    core1_ready = 1;
    while (got[1] != 0xa1) wfi();
    fw_fifo_push(0xb1);                 /* -> core 0's IRQ 15 */
    (void)SIO_FIFO_RD;                  /* read empty: ROE -> core 1's IRQ 16 */
    while (!overflow_now) { }
    for (int i = 0; i < 9; i++)         /* core 0 is not reading: the 9th sets WOF */
        SIO_FIFO_WR = 0xc0 + (uint32_t)i;    /* -> core 1's IRQ 16 */
    for (;;) wfi();
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    fw_launch_core1(core1_main, __stack1_top, vectors);
    while (!core1_ready) { }
    fw_fifo_drain();
    SIO_FIFO_ST = 0;
    NVIC_ICPR = 3u << 15;
    NVIC_ISER = 3u << 15;
    fw_fifo_push(0xa1);                 /* -> core 1's IRQ 16 */
    uint32_t t = 0;
    while ((got[0] != 0xb1 || roe_irq[1] == 0) && ++t < 100000) { }
    NVIC_ICER = 1u << 15;               /* core 0 stops reading its FIFO */
    overflow_now = 1;
    for (t = 0; wof_irq[1] == 0 && ++t < 100000;) { }
    fw_printf("c0_irq15=%u c0_irq16=%u c1_irq15=%u c1_irq16=%u c0_got=%x c1_got=%x c1_roe=%u c1_wof=%u\n",
              hits[0][0], hits[0][1], hits[1][0], hits[1][1], got[0], got[1], roe_irq[1], wof_irq[1]);
    CHECK(hits[0][0] >= 1 && hits[0][1] == 0);
    CHECK(hits[1][1] >= 3 && hits[1][0] == 0);
    CHECK(wof_irq[1] == 1 && roe_irq[1] == 1);
    CHECK(got[0] == 0xb1 && got[1] == 0xa1 && roe_irq[1] == 1);
    return 0;
}
