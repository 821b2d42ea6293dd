/*
 * kernel/core.c: the two kernel instances (kernel/core.h).
 */
#include "core.h"

td_core_t td__cores[PORT_NUM_CORES];

td_core_t *td__core(void)
{
    return td__core_of(port_core_id());
}

td_core_t *td__core_masked(port_irq_state_t *s)
{
    *s = port_irq_save();
    return td__core();
}
void td__copy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
}
