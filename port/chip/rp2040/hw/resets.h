/* hw/resets.h: RESETS block, peripheral reset control (datasheet 2.14). */
#ifndef TANDEM_HW_RESETS_H
#define TANDEM_HW_RESETS_H
#include "common.h"

typedef struct {
    io_rw32 reset;      /* 0x00: 1 holds the block in reset */
    io_rw32 wdsel;      /* 0x04: reset by the watchdog */
    io_ro32 reset_done; /* 0x08: 1 once the block is out of reset */
} resets_hw_t;

#define RESETS_BASE 0x4000c000u
#define RESETS ((resets_hw_t *)RESETS_BASE)

#define RESET_ADC        (1u << 0)
#define RESET_BUSCTRL    (1u << 1)
#define RESET_DMA        (1u << 2)
#define RESET_I2C0       (1u << 3)
#define RESET_I2C1       (1u << 4)
#define RESET_IO_BANK0   (1u << 5)
#define RESET_IO_QSPI    (1u << 6)
#define RESET_JTAG       (1u << 7)
#define RESET_PADS_BANK0 (1u << 8)
#define RESET_PADS_QSPI  (1u << 9)
#define RESET_PIO0       (1u << 10)
#define RESET_PIO1       (1u << 11)
#define RESET_PLL_SYS    (1u << 12)
#define RESET_PLL_USB    (1u << 13)
#define RESET_PWM        (1u << 14)
#define RESET_RTC        (1u << 15)
#define RESET_SPI0       (1u << 16)
#define RESET_SPI1       (1u << 17)
#define RESET_SYSCFG     (1u << 18)
#define RESET_SYSINFO    (1u << 19)
#define RESET_TBMAN      (1u << 20)
#define RESET_TIMER      (1u << 21)
#define RESET_UART0      (1u << 22)
#define RESET_UART1      (1u << 23)
#define RESET_USBCTRL    (1u << 24)
#define RESET_ALL        0x01ffffffu

#endif
