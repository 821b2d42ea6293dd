/*
 * gpio.c: tandem/gpio.h on the RP2040: pins driven through SIO, whose
 * set/clear/xor registers make every change atomic across cores.
 */
#include "tandem/gpio.h"

#include "hw/io_bank0.h"
#include "hw/pads_bank0.h"
#include "hw/sio.h"
#include "tandem/error.h"

int td_gpio_set_function(unsigned pin, unsigned function)
{
    if (pin >= TD_GPIO_COUNT || function > GPIO_FUNC_NULL)
        return TD_ERR_PARAM;
    /* Input enabled, output not disabled; keep the pulls and drive. */
    hw_write_masked(&PADS_BANK0->gpio[pin], PADS_IE_BITS, PADS_IE_BITS | PADS_OD_BITS);
    IO_BANK0->gpio[pin].ctrl = function;
    return TD_OK;
}

int td_gpio_init_output(unsigned pin)
{
    if (pin >= TD_GPIO_COUNT)
        return TD_ERR_PARAM;
    SIO->gpio_oe_clr = 1u << pin;
    SIO->gpio_out_clr = 1u << pin;
    td_gpio_set_function(pin, GPIO_FUNC_SIO);
    SIO->gpio_oe_set = 1u << pin;
    return TD_OK;
}

int td_gpio_init_input(unsigned pin, bool pull_up)
{
    if (pin >= TD_GPIO_COUNT)
        return TD_ERR_PARAM;
    SIO->gpio_oe_clr = 1u << pin;
    hw_write_masked(&PADS_BANK0->gpio[pin], pull_up ? PADS_PUE_BITS : 0,
                    PADS_PUE_BITS | PADS_PDE_BITS);
    return td_gpio_set_function(pin, GPIO_FUNC_SIO);
}

int td_gpio_put(unsigned pin, bool value)
{
    if (pin >= TD_GPIO_COUNT)
        return TD_ERR_PARAM;
    if (value)
        SIO->gpio_out_set = 1u << pin;
    else
        SIO->gpio_out_clr = 1u << pin;
    return TD_OK;
}

int td_gpio_toggle(unsigned pin)
{
    if (pin >= TD_GPIO_COUNT)
        return TD_ERR_PARAM;
    SIO->gpio_out_xor = 1u << pin;
    return TD_OK;
}

int td_gpio_get(unsigned pin)
{
    if (pin >= TD_GPIO_COUNT)
        return TD_ERR_PARAM;
    return (int)((SIO->gpio_in >> pin) & 1u);
}
