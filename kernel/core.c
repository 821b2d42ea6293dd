/*
 * kernel/core.c: the two kernel instances (kernel/core.h).
 */
#include "core.h"

td_core_t td_cores[PORT_NUM_CORES];

td_core_t *td__core(void)
{
    return td__core_of(port_core_id());
}
