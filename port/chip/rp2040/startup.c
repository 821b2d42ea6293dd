/*
 * startup.c: core 0's reset path and the vector tables.
 *
 * boot2 has set VTOR to the flash vector table below and MSP to the top of
 * SRAM4. Core 0 then copies .data, clears .bss and core 1's data, moves its
 * vector table to RAM, brings up clocks and the console, and only then runs
 * the program (as in Oberon RTK's "Two processor cores": every module is
 * initialised before core 1 wakes; core 1 is woken by the program through
 * td_core1 / port_core1_launch).
 */
#include "common/startup.h"
#include "hw/m0plus.h"
#include "hw/resets.h"
#include "hw/sio.h"
#include "port.h"
#include "rom.h"
#include "rp2040.h"

#include <string.h>

void rp2040_reset_handler(void);
/* The exception entries (isr_*): port/common/startup.h. */

#define V(f) ((uintptr_t)(f))
/* Interrupt n's entry: the FIFO interrupts are tandem's (each core's its
 * own entry, port/port.h), and so are the alarms that bound a hold of them
 * (PORT_FIFO_HOLD_ALARM: alarm 2, core 0's, and 3, core 1's); the others
 * are installed at run time with td_irq_set_handler, per core. */
void rp2040_fifo_hold_alarm_isr(void);
#define IRQ(n) ((n) == PORT_IRQ_SIO_PROC0   ? V(port_fifo_isr_core0) \
                : (n) == PORT_IRQ_SIO_PROC1 ? V(port_fifo_isr_core1) \
                : (n) == PORT_IRQ_TIMER0 + PORT_FIFO_HOLD_ALARM(0) ||   \
                  (n) == PORT_IRQ_TIMER0 + PORT_FIFO_HOLD_ALARM(1)      \
                                            ? V(rp2040_fifo_hold_alarm_isr) \
                                            : V(isr_unhandled))
__attribute__((section(".vectors"), used))
const uintptr_t rp2040_vectors_flash[VECTOR_COUNT] = {
    V(__stack0_top__), V(rp2040_reset_handler), V(isr_nmi), V(isr_hardfault),
    0, 0, 0, 0, 0, 0, 0,
    V(isr_svcall), 0, 0, V(isr_pendsv), V(isr_systick),
    IRQ(0),  IRQ(1),  IRQ(2),  IRQ(3),  IRQ(4),  IRQ(5),  IRQ(6),  IRQ(7),
    IRQ(8),  IRQ(9),  IRQ(10), IRQ(11), IRQ(12), IRQ(13), IRQ(14), IRQ(15),
    IRQ(16), IRQ(17), IRQ(18), IRQ(19), IRQ(20), IRQ(21), IRQ(22), IRQ(23),
    IRQ(24), IRQ(25), IRQ(26), IRQ(27), IRQ(28), IRQ(29), IRQ(30), IRQ(31),
};

__attribute__((section(".ram_vectors0"), aligned(256)))
uintptr_t rp2040_vectors_core0[VECTOR_COUNT];
__attribute__((section(".ram_vectors1"), aligned(256)))
uintptr_t rp2040_vectors_core1[VECTOR_COUNT];

/* Bring every peripheral to a known state: a debugger reload or a watchdog
 * reboot may leave them running. Flash (QSPI) and the PLLs the clocks are
 * about to set up are left alone. */
static void resets_init(void)
{
    const uint32_t keep = RESET_IO_QSPI | RESET_PADS_QSPI | RESET_PLL_USB |
                          RESET_USBCTRL | RESET_SYSCFG | RESET_PLL_SYS;
    hw_set(&RESETS->reset, RESET_ALL & ~keep);
    /* Blocks clocked from clk_sys/clk_ref can come out now; the rest wait
     * for their clocks (clk_peri, clk_usb, clk_adc, clk_rtc). */
    const uint32_t need_clocks = RESET_ADC | RESET_RTC | RESET_SPI0 | RESET_SPI1 |
                                 RESET_UART0 | RESET_UART1 | RESET_USBCTRL;
    uint32_t early = RESET_ALL & ~keep & ~need_clocks;
    hw_clear(&RESETS->reset, early);
    if (!rp2040_boot_wait(&RESETS->reset_done, early, early))
        rp2040_boot_failed(RP2040_BOOT_FAIL_RESETS);
}

static void peripherals_release(void)
{
    uint32_t peri = RESET_I2C0 | RESET_I2C1 | RESET_SPI0 | RESET_SPI1 |
                    RESET_UART0 | RESET_UART1;
    hw_clear(&RESETS->reset, peri);
    if (!rp2040_boot_wait(&RESETS->reset_done, peri, peri))
        rp2040_boot_failed(RP2040_BOOT_FAIL_RESETS);
}

volatile uint32_t rp2040_boot_failure;

/* The boot cannot go on (rp2040.h): no clock to trust, no console. Core 0
 * parks here asleep with interrupts off; a debugger reads the stage from
 * rp2040_boot_failure. Core 1 stays in the boot ROM. */
void rp2040_boot_failed(unsigned stage)
{
    rp2040_boot_failure = stage;
    __asm volatile("cpsid i" ::: "memory");
    for (;;)
        __asm volatile("wfi");
}

void rp2040_reset_handler(void)
{
    if (SIO->cpuid != 0) {          /* core 1 never starts here; park it */
        for (;;)
            __asm volatile("wfe");
    }
    common_memory_init();

    rp2040_rom_init();                /* ROM functions and boot2 in RAM, before any MPU guard */
    memcpy(rp2040_vectors_core0, rp2040_vectors_flash, sizeof rp2040_vectors_core0);
    memcpy(rp2040_vectors_core1, rp2040_vectors_flash, sizeof rp2040_vectors_core1);
    SCB->vtor = (uint32_t)(uintptr_t)rp2040_vectors_core0;

    rp2040_watchdog_boot();
    resets_init();
    int failed = rp2040_clocks_init();
    if (failed)
        rp2040_boot_failed((unsigned)failed);
    peripherals_release();
    rp2040_console_dev_init();        /* the UART and/or USB (console_dev.c) */

    int rc = td_kernel_main();
    port_exit(rc);
}
