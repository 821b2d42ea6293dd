/* Per-core SIO state: CPUID, the hardware divider and the interpolators are
   separate on each core; GPIO output registers are shared. */
#include "fw.h"

#define DIV_UDIVIDEND REG(SIO_BASE + 0x60)
#define DIV_UDIVISOR  REG(SIO_BASE + 0x64)
#define DIV_SDIVIDEND REG(SIO_BASE + 0x68)
#define DIV_SDIVISOR  REG(SIO_BASE + 0x6c)
#define DIV_QUOTIENT  REG(SIO_BASE + 0x70)
#define DIV_REMAINDER REG(SIO_BASE + 0x74)
#define DIV_CSR       REG(SIO_BASE + 0x78)
#define INTERP0_ACCUM0 REG(SIO_BASE + 0x80)
#define INTERP0_BASE0  REG(SIO_BASE + 0x88)
#define INTERP0_CTRL0  REG(SIO_BASE + 0xac)
#define INTERP0_PEEK0  REG(SIO_BASE + 0xa0)

static volatile uint32_t c1_id, c1_q, c1_r, c1_interp, c1_gpio, go;

static void core1_main(void) {
    c1_id = SIO_CPUID;
    DIV_UDIVIDEND = 1000;
    DIV_UDIVISOR = 7;
    while (!(DIV_CSR & 1)) { }
    go = 1;
    while (go != 2) { }                 /* core 0 divides meanwhile */
    c1_r = DIV_REMAINDER;
    c1_q = DIV_QUOTIENT;
    INTERP0_CTRL0 = 31u << 10;          /* mask bits 0..31 */
    INTERP0_ACCUM0 = 5;
    INTERP0_BASE0 = 100;
    c1_interp = INTERP0_PEEK0;
    SIO_GPIO_OUT_SET = 1u << 20;
    c1_gpio = 1;
    for (;;) wfe();
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    CHECK(SIO_CPUID == 0);
    SIO_GPIO_OE_SET = 1u << 20;
    fw_launch_core1(core1_main, __stack1_top, vectors);
    while (go != 1) { }
    DIV_SDIVIDEND = (uint32_t)-100;
    DIV_SDIVISOR = 7;
    uint32_t csr = DIV_CSR;             /* right after the write: not ready yet */
    __asm volatile("b 1f\n1: b 1f\n1: b 1f\n1: b 1f\n1:");
    CHECK((DIV_CSR & 1) == 1);
    int32_t q = (int32_t)DIV_QUOTIENT, r = (int32_t)DIV_REMAINDER;
    go = 2;
    while (!c1_gpio) { }
    fw_printf("c1_id=%u c1_q=%u c1_r=%u q=%d r=%d csr_early=%u interp=%u gpio=%u\n",
              c1_id, c1_q, c1_r, q, r, csr, c1_interp, (SIO_GPIO_OUT >> 20) & 1);
    CHECK(c1_id == 1);
    CHECK(c1_q == 142 && c1_r == 6);
    CHECK(q == -14 && r == -2);
    CHECK((csr & 1) == 0);
    CHECK(c1_interp == 105);
    CHECK(SIO_GPIO_OUT & (1u << 20));
    /* divide by zero: quotient -1 (unsigned all ones), remainder = dividend */
    DIV_UDIVIDEND = 77; DIV_UDIVISOR = 0;
    __asm volatile("b 1f\n1: b 1f\n1: b 1f\n1: b 1f\n1:");
    CHECK(DIV_QUOTIENT == 0xffffffffu && DIV_REMAINDER == 77);
    return 0;
}
