/* WFE/SEV/WFI and their wake-up rules:
   A  core 1 sleeps in WFE until core 0 sets a flag and executes SEV;
   B  SEV also sets the executing core's own event register (WFE falls through);
   C  WFI with PRIMASK set wakes on a pending enabled interrupt without taking it;
   D  WFE with SCR.SEVONPEND wakes when a disabled interrupt becomes pending;
   E  WFE wakes for an enabled interrupt, which is then taken. */
#include "fw.h"

static volatile uint32_t flag, c1_woke_at, c1_slept_from;
volatile uint32_t alarm_hits[4];

void isr_irq0(void) { TIMER_INTR = 1; alarm_hits[0]++; }
void isr_irq1(void) { TIMER_INTR = 2; alarm_hits[1]++; }

static void core1_main(void) {
    c1_slept_from = time_us();
    while (!flag) wfe();
    c1_woke_at = time_us();
    for (;;) wfe();
}

static void spin(uint32_t n) { for (volatile uint32_t i = 0; i < n; i++) { } }

int main(void) {
    fw_clocks_init();
    fw_uart_init();

    /* A */
    fw_launch_core1(core1_main, __stack1_top, vectors);
    spin(20000);
    uint32_t set_at = time_us();
    flag = 1;
    sev();
    while (!c1_woke_at) { }
    fw_printf("A c1_slept_us=%u c1_wake_delay_us=%u\n", set_at - c1_slept_from, c1_woke_at - set_at);
    CHECK(c1_woke_at - set_at <= 2);

    /* B: SYST as a cycle counter */
    SYST_RVR = 0xffffff; SYST_CVR = 0; SYST_CSR = 5;
    uint32_t t0 = SYST_CVR;
    sev();
    wfe();                               /* own event: no sleep */
    uint32_t t1 = SYST_CVR;
    fw_printf("B sev_wfe_cycles=%u\n", t0 - t1);
    CHECK(t0 - t1 < 20);

    /* C: WFI with PRIMASK set */
    __asm volatile("cpsid i");
    TIMER_INTR = 0xf;
    TIMER_INTE = 1;
    NVIC_ICPR = 1; NVIC_ISER = 1;
    uint32_t target = time_us() + 100;
    TIMER_ALARM(0) = target;
    wfi();
    uint32_t woke = time_us();
    uint32_t hits_masked = alarm_hits[0];
    uint32_t pending = NVIC_ISPR & 1;
    __asm volatile("cpsie i");
    __asm volatile("nop");
    fw_printf("C woke_after_target_us=%d hits_while_masked=%u pending=%u hits_after=%u\n",
              (int32_t)(woke - target), hits_masked, pending, alarm_hits[0]);
    CHECK((int32_t)(woke - target) >= 0 && (int32_t)(woke - target) <= 2);
    CHECK(hits_masked == 0 && pending == 1 && alarm_hits[0] == 1);

    /* D: SEVONPEND with IRQ 1 disabled in the NVIC */
    NVIC_ICER = 2; NVIC_ICPR = 2;
    TIMER_INTE = 2;
    SCB_SCR = 1u << 4;
    sev(); wfe();                        /* clear the event register */
    target = time_us() + 50;
    TIMER_ALARM(1) = target;
    wfe();
    woke = time_us();
    fw_printf("D woke_after_target_us=%d irq1_pending=%u hits=%u\n",
              (int32_t)(woke - target), (NVIC_ISPR >> 1) & 1, alarm_hits[1]);
    CHECK((int32_t)(woke - target) >= 0 && (int32_t)(woke - target) <= 2);
    CHECK(((NVIC_ISPR >> 1) & 1) == 1 && alarm_hits[1] == 0);
    SCB_SCR = 0;
    TIMER_INTR = 2; NVIC_ICPR = 2;

    /* E: WFE ended by an enabled interrupt, which is taken */
    TIMER_INTE = 1;
    sev(); wfe();
    target = time_us() + 30;
    TIMER_ALARM(0) = target;
    while (alarm_hits[0] == 1) wfe();
    woke = time_us();
    fw_printf("E woke_after_target_us=%d hits=%u\n", (int32_t)(woke - target), alarm_hits[0]);
    CHECK(alarm_hits[0] == 2 && (int32_t)(woke - target) <= 2);
    return 0;
}
