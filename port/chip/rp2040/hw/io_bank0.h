/* hw/io_bank0.h: user GPIO function select and interrupts (datasheet 2.19.6.1). */
#ifndef TANDEM_HW_IO_BANK0_H
#define TANDEM_HW_IO_BANK0_H
#include "common.h"

#define NUM_GPIO 30u

typedef struct {
    io_ro32 status;
    io_rw32 ctrl;
} io_gpio_hw_t;

typedef struct {
    io_rw32 inte[4];  /* 4 bits per GPIO: LEVEL_LOW, LEVEL_HIGH, EDGE_LOW, EDGE_HIGH */
    io_rw32 intf[4];
    io_ro32 ints[4];
} io_irq_ctrl_hw_t;

typedef struct {
    io_gpio_hw_t gpio[NUM_GPIO];      /* 0x000 .. 0x0ec */
    io_rw32 intr[4];                  /* 0x0f0: raw, write 1 to clear edges */
    io_irq_ctrl_hw_t proc_irq_ctrl[2];/* 0x100: core 0, 0x130: core 1 */
    io_irq_ctrl_hw_t dormant_wake;    /* 0x160 */
} io_bank0_hw_t;

#define IO_BANK0_BASE 0x40014000u
#define IO_BANK0 ((io_bank0_hw_t *)IO_BANK0_BASE)

#define IO_GPIO_CTRL_FUNCSEL_LSB  0
#define IO_GPIO_CTRL_FUNCSEL_BITS 0x0000001fu
enum gpio_function {
    GPIO_FUNC_SPI = 1, GPIO_FUNC_UART = 2, GPIO_FUNC_I2C = 3, GPIO_FUNC_PWM = 4,
    GPIO_FUNC_SIO = 5, GPIO_FUNC_PIO0 = 6, GPIO_FUNC_PIO1 = 7, GPIO_FUNC_GPCK = 8,
    GPIO_FUNC_USB = 9, GPIO_FUNC_NULL = 0x1f,
};

#define GPIO_IRQ_LEVEL_LOW  0x1u
#define GPIO_IRQ_LEVEL_HIGH 0x2u
#define GPIO_IRQ_EDGE_FALL  0x4u
#define GPIO_IRQ_EDGE_RISE  0x8u

#endif
