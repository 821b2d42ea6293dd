/* Emulator behaviour found running third-party firmware, and the exit
   statuses around it, by `scenario` (set by a test, or from the command line
   as GPIO 2, 3 and 4: --gpio-in 2=1):
   0  stores of every width to the boot ROM are ignored (no fault, ROM unchanged);
   1  a HardFault handler that executes bkpt #0 (the pico-sdk's default one);
   2  the last console line has no newline, then bkpt #0;
   3  the last console line has no newline, then the core sleeps for good;
   4  a HardFault handler that ends the run on purpose, as tandem's port_exit
      does from its fault path: r12 = 0x74646578 ("tdex"), then bkpt #3;
   5  bkpt #110 in thread mode: above the range a bkpt's number exits with. */
#include "fw.h"

volatile uint32_t scenario __attribute__((section(".noinit")));
static uint32_t ram_vectors[48] __attribute__((aligned(256)));

__attribute__((naked)) static void hardfault_bkpt(void) { __asm volatile("bkpt #0"); }
__attribute__((naked)) static void hardfault_exit3(void)
{
    __asm volatile("ldr r0, =0x74646578\n mov r12, r0\n bkpt #3\n .ltorg");
}

static void fault_through(void (*handler)(void))
{
    for (unsigned i = 0; i < 48; i++)
        ram_vectors[i] = vectors[i];
    ram_vectors[3] = (uint32_t)handler;
    SCB_VTOR = (uint32_t)ram_vectors;
    fw_printf("faulting now\n");
    *(volatile uint32_t *)0x30000000u = 1;   /* unmapped: HardFault */
    fw_printf("not reached\n");
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    if (scenario == 0)
        scenario = (SIO_GPIO_IN >> 2) & 7u;
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
        fault_through(hardfault_bkpt);
        return 0;
    case 2:
        fw_puts("last line without a newline");
        return 0;
    case 4:
        fault_through(hardfault_exit3);
        return 0;
    case 5:
        __asm volatile("bkpt #110");
        return 0;
    default:
        fw_puts("the end, no newline");
        for (;;)
            wfi();
    }
}
