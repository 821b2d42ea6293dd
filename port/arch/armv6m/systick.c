/*
 * systick.c: the port contract's tick and cycle counter on ARMv6-M: each
 * core's SysTick, at the priority arch_limits.h gives it, above PendSV
 * (switch.S), which is always the least urgent. SysTick counts clk_sys
 * cycles (TD_CLK_SYS_HZ). The tick's state, stop and interrupt, and the
 * cycles from it, are every M-profile CPU's (port/common/systick.c).
 */
#include "common/systick.h"
#include "hw/m0plus.h"
#include "port.h"
#include "tandem/config.h"
#include "tandem/error.h"

_Static_assert(PORT_IRQ_PRIO_SWITCH == PORT_IRQ_PRIO_LEVELS - 1u,
               "PendSV must be the least urgent priority");

int port_tick_start(uint32_t hz)
{
    if (!common_systick_fits(hz, TD_CLK_SYS_HZ))
        return TD_ERR_PARAM;
    unsigned c = port_core_id();
    /* PendSV least urgent, SysTick above it; 2 priority bits per byte. */
    SCB->shpr3 = ((uint32_t)PORT_IRQ_PRIO_TICK << 30) | ((uint32_t)PORT_IRQ_PRIO_SWITCH << 22);
    common_systick_run(c, TD_CLK_SYS_HZ / hz - 1u);
    return TD_OK;
}

uint32_t port_cycles(void)
{
    return common_systick_cycles(port_core_id());
}
