/*
 * flash_nocut.c: the flash port contract's test half (port/port.h, "flash":
 * power cuts) for a port that does not model them: a chip, whose power cuts
 * are the emulator's (tandem-sim --power-cut-at) or a real supply's. Every
 * request is refused by name; no step is counted.
 */
#include "port.h"
#include "tandem/error.h"

int port_flash_power_cut(uint32_t after_steps, uint32_t seed)
{
    (void)after_steps;
    (void)seed;
    return TD_ERR_UNSUPPORTED;
}

int port_flash_power_on(void)
{
    return TD_ERR_UNSUPPORTED;
}

int port_flash_reset_test(void)
{
    return TD_ERR_UNSUPPORTED;
}

uint32_t port_flash_steps(void)
{
    return 0;
}
