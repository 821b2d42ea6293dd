/*
 * tests/trace/devices.c: the device interrupts in a board's trace ring, for
 * the 'trace' suite (tests/trace/run.js), built with TRACE=ring and the
 * console on both the UART and USB (TD_CONSOLE=both).
 *
 * Once the emulated USB host has opened the serial port (at 123 ms), each
 * core copies a buffer with the DMA five times, each copy ended by its own
 * DMA interrupt (DMA_IRQ_0 on core 0, DMA_IRQ_1 on core 1), and prints a
 * line after each, which the UART console's interrupt and the USB
 * controller's move out. So each core's ring ends with the entries and exits
 * of the drivers' handlers (USB, UART, DMA) among the kernel's events.
 */
#include "tandem/console.h"
#include "tandem/dma.h"
#include "tandem/tandem.h"

#define COPIES 5
#define START_MS 140
#define WORDS 256

static uint32_t src[2][WORDS], dst[2][WORDS];

static void copies(unsigned core)
{
    unsigned ch;
    td_sleep(TD_MS(START_MS));
    if (td_dma_claim(&ch) != TD_OK) {
        td_printf("c%u: no DMA channel\n", core);
        return;
    }
    for (unsigned i = 0; i < COPIES; i++) {
        for (unsigned k = 0; k < WORDS; k++)
            src[core][k] = (core << 24) + (i << 16) + k;
        int r = td_dma_copy(ch, dst[core], src[core], sizeof src[core], TD_MS(100));
        bool same = r == TD_OK && dst[core][WORDS - 1] == src[core][WORDS - 1];
        td_printf("c%u copy %u: %s\n", core, i, same ? "ok" : "failed");
        td_sleep(TD_MS(2));
    }
    td_dma_unclaim(ch);
}

static void core1_main(void *arg)
{
    (void)arg;
    copies(1);
    for (;;)
        td_sleep(TD_SEC(1));
}

int main(void)
{
    if (td_kernel_launch_core1(core1_main, NULL) != TD_OK) {
        td_puts("core 1 did not start");
        return 1;
    }
    copies(0);
    for (;;)
        td_sleep(TD_SEC(1));
}
