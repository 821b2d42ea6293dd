/* Prints "tick N" every millisecond forever, sleeping in WFI between timer
   alarms (for --until and --max-ms). */
#include "fw.h"

static volatile uint32_t due;
void isr_irq0(void) { TIMER_INTR = 1; due = 1; }

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    TIMER_INTE = 1;
    NVIC_ISER = 1;
    uint32_t next = time_us();
    for (uint32_t n = 1;; n++) {
        next += 1000;
        due = 0;
        TIMER_ALARM(0) = next;
        while (!due) wfi();
        fw_printf("tick %u\n", n);
    }
}
