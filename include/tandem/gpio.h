/*
 * tandem/gpio.h: user GPIO pins 0..29 through SIO.
 *
 * SIO GPIO registers are shared by both cores and written through set/clear/
 * xor registers, so td_gpio_put and td_gpio_toggle are atomic and may be
 * called from either core, from threads or interrupts. Which core drives
 * which pin is the program's design (devices are assigned, as in Oberon
 * RTK's two-core design).
 */
#ifndef TANDEM_GPIO_H
#define TANDEM_GPIO_H

#include <stdbool.h>

#define TD_GPIO_COUNT 30u

/* Make 'pin' a SIO output, driven low. Returns 0 or TD_ERR_PARAM. */
int td_gpio_init_output(unsigned pin);
/* Make 'pin' a SIO input (pull-down off, pull-up optional). Returns 0 or
 * TD_ERR_PARAM. */
int td_gpio_init_input(unsigned pin, bool pull_up);
/* Drive an output pin high (value true) or low. Returns 0 or TD_ERR_PARAM. */
int td_gpio_put(unsigned pin, bool value);
/* Invert an output pin. Returns 0 or TD_ERR_PARAM. */
int td_gpio_toggle(unsigned pin);
/* Read a pin's input level: 0 or 1, or TD_ERR_PARAM. */
int td_gpio_get(unsigned pin);
/* Route 'pin' to a peripheral function (GPIO_FUNC_* number in the
 * datasheet's function table). Returns 0 or TD_ERR_PARAM. */
int td_gpio_set_function(unsigned pin, unsigned function);

#endif
