/* Per-core SysTick: each core's SysTick interrupts only that core, counting
   its own processor clock. Also exact cycle accounting seen through SYST_CVR:
   100 NOPs, and an SVC with an empty handler (exception entry + return). */
#include "fw.h"

volatile uint32_t ticks[2];
static volatile uint32_t stop;

void isr_systick(void) { ticks[SIO_CPUID]++; }

__attribute__((naked)) void isr_svcall(void) { __asm volatile("bx lr"); }

/* Cycles of 100 NOPs as seen by two SYST_CVR reads. */
__attribute__((noinline)) static uint32_t measure_nops(void) {
    uint32_t a, b;
    __asm volatile(
        "ldr %0, [%2]\n"
        ".rept 100\n nop\n .endr\n"
        "ldr %1, [%2]\n"
        : "=&l"(a), "=&l"(b) : "l"(&SYST_CVR) : "memory");
    return a - b;
}
/* Cycles of an SVC whose handler returns at once. */
__attribute__((noinline)) static uint32_t measure_svc(void) {
    uint32_t a, b;
    __asm volatile(
        "ldr %0, [%2]\n"
        "svc #0\n"
        "ldr %1, [%2]\n"
        : "=&l"(a), "=&l"(b) : "l"(&SYST_CVR) : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    return a - b;
}

static void core1_main(void) {
    SYST_RVR = 2499; SYST_CVR = 0; SYST_CSR = 7;     /* 2500 cycles, interrupt, processor clock */
    while (!stop) wfi();
    SYST_CSR = 0;
    for (;;) wfe();
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    fw_launch_core1(core1_main, __stack1_top, vectors);
    while (ticks[1] == 0) { }
    uint32_t c1_start = ticks[1];
    SYST_RVR = 999; SYST_CVR = 0; SYST_CSR = 7;       /* 1000 cycles */
    while (ticks[0] < 100) wfi();
    SYST_CSR = 0;
    stop = 1;
    sev();
    uint32_t n1 = ticks[1] - c1_start;
    fw_printf("ticks0=%u ticks1=%u\n", ticks[0], n1);
    CHECK(ticks[0] == 100);
    CHECK(n1 >= 39 && n1 <= 41);        /* 100 * 1000 / 2500 = 40 */

    /* COUNTFLAG: set by a wrap, cleared by reading CSR */
    SYST_RVR = 99; SYST_CVR = 0; SYST_CSR = 5;
    for (volatile int i = 0; i < 100; i++) { }
    uint32_t csr1 = SYST_CSR, csr2 = SYST_CSR;
    CHECK((csr1 & (1u << 16)) && !(csr2 & (1u << 16)));
    CHECK(SYST_CVR <= 99);

    SYST_RVR = 0xffffff; SYST_CVR = 0; SYST_CSR = 5;
    uint32_t nops = measure_nops();
    uint32_t svc = measure_svc();
    fw_printf("nop100_cycles=%u svc_roundtrip_cycles=%u\n", nops, svc);
    CHECK(nops == 102);                 /* LDR (2) + 100 x NOP (1) */
    return 0;
}
