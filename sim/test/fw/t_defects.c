/* Emulator behaviour found running third-party firmware, by `scenario` (set
   by a test, or from the command line as GPIO 2 and 3: --gpio-in 2=1):
   0  stores of every width to the boot ROM are ignored (no fault, ROM unchanged);
   1  a HardFault handler that executes bkpt #0 (the pico-sdk's default one);
   2  the last console line has no newline, then bkpt #0;
   3  the last console line has no newline, then the core sleeps for good. */
#include "fw.h"

volatile uint32_t scenario __attribute__((section(".noinit")));
static uint32_t ram_vectors[48] __attribute__((aligned(256)));

__attribute__((naked)) static void hardfault_bkpt(void) { __asm volatile("bkpt #0"); }

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    if (scenario == 0)
        scenario = (SIO_GPIO_IN >> 2) & 3u;
    switch (scenario) {
    case 0: {
        volatile uint32_t *w = (volatile uint32_t *)0x100u;
        volatile uint16_t *h = (volatile uint16_t *)0x0u;
        volatile uint8_t *b = (volatile uint8_t *)0x3ffeu;
        uint32_t before_w = *w, before_h = *h, before_b = *b, faults = fault_count;
        *w = 0xdeadbeefu;
        *h = 0x1234u;
        *b = 0x56u;
        *(volatile uint32_t *)0x0u = 0;     /* TinyUSB's store through a null pointer */
        CHECK(fault_count == faults);
        CHECK(*w == before_w && *h == before_h && *b == before_b);
        fw_printf("rom writes ignored\n");
        return 0;
    }
    case 1:
        for (unsigned i = 0; i < 48; i++)
            ram_vectors[i] = vectors[i];
        ram_vectors[3] = (uint32_t)hardfault_bkpt;
        SCB_VTOR = (uint32_t)ram_vectors;
        fw_printf("faulting now\n");
        *(volatile uint32_t *)0x30000000u = 1;   /* unmapped: HardFault */
        fw_printf("not reached\n");
        return 0;
    case 2:
        fw_puts("last line without a newline");
        return 0;
    default:
        fw_puts("the end, no newline");
        for (;;)
            wfi();
    }
}
