/*
 * mpu.c: memory protection on ARMv8-M (port/port.h "memory, stack guards
 * and faults"): each core's PMSAv8 MPU, regions of 32-byte granularity
 * given by base and limit. The architecture allows up to 16 regions; this
 * layer uses 4, so a core with 8 (the RP2350) has room to spare.
 *
 * Regions of each core:
 *   0, 1  [0, 256) twice, execute-never: PMSAv8 has no "no access" for
 *         privileged code, but an address two enabled regions both match
 *         faults whatever the access, so the pair makes null-pointer loads
 *         fault as well as stores and jumps
 *   2     the lowest PORT_MAIN_GUARD bytes of the main stack, read-only
 *   3     the running thread's guard (PORT_STACK_GUARD bytes), read-only,
 *         rewritten at every context switch (four register writes)
 * Everything else follows the default memory map for privileged code
 * (PRIVDEFENA); tandem runs privileged. The MPU is off at HardFault
 * priority (HFNMIENA = 0), so the fault path reads any memory. The guards
 * are read-only rather than a double region so the kernel can check their
 * canary words. The stack limits (PSPLIM per thread, switch.S; MSPLIM,
 * armv8m_core_init) sit at the guards' bottoms behind them.
 */
#include "armv8m.h"
#include "hw/m33.h"
#include "port.h"
#include "tandem/error.h"

#define REGION_NULL_A 0u
#define REGION_NULL_B 1u
#define REGION_MAIN   2u
#define REGION_THREAD 3u
#define ATTR_NORMAL   0x44u   /* MAIR attribute 0: Normal memory, non-cacheable */

static uint32_t rlar(uintptr_t end)
{
    return (((uint32_t)end - 1u) & ~0x1fu) | MPU_RLAR_EN_BITS;   /* AttrIndx 0 */
}

uintptr_t armv8m_guard_armed(void)
{
    MPU->rnr = REGION_THREAD;
    if (!(MPU->rlar & MPU_RLAR_EN_BITS))
        return 0;
    return MPU->rbar & ~0x1fu;
}

int port_guard_init(void)
{
    uintptr_t lo, hi;
    port_main_stack(port_core_id(), &lo, &hi);
    if (((MPU->type >> MPU_TYPE_DREGION_LSB) & 0xffu) < 4u)
        return TD_ERR_UNSUPPORTED;
    MPU->ctrl = 0;
    __asm volatile("dsb\n\tisb" ::: "memory");
    MPU->mair0 = ATTR_NORMAL;
    MPU->rnr = REGION_NULL_A;
    MPU->rbar = 0u | MPU_RBAR_AP_RO_BITS | MPU_RBAR_XN_BITS;
    MPU->rlar = rlar(256u);
    MPU->rnr = REGION_NULL_B;
    MPU->rbar = 0u | MPU_RBAR_AP_RW_BITS | MPU_RBAR_XN_BITS;
    MPU->rlar = rlar(256u);
    MPU->rnr = REGION_MAIN;
    MPU->rbar = (uint32_t)lo | MPU_RBAR_AP_RO_BITS | MPU_RBAR_XN_BITS;
    MPU->rlar = rlar(lo + PORT_MAIN_GUARD);
    MPU->rnr = REGION_THREAD;
    MPU->rlar = 0;
    MPU->ctrl = MPU_CTRL_ENABLE_BITS | MPU_CTRL_PRIVDEFENA_BITS;
    __asm volatile("dsb\n\tisb" ::: "memory");
    return TD_OK;
}

_Static_assert(PORT_MAIN_GUARD % 32u == 0, "main guard: 32-byte granules");
_Static_assert(PORT_STACK_GUARD == 32u, "thread guard: one 32-byte granule");

/* port_guard_thread computes its values (nothing kept in the guard). */
void port_guard_prepare(void *guard)
{
    (void)guard;
}

/* Off, base, limit and on: the region never covers more than the old or
 * the new guard on the way. Interrupts masked (every switch). */
void port_guard_thread(const void *guard)
{
    uintptr_t a = (uintptr_t)guard;
    MPU->rnr = REGION_THREAD;
    MPU->rlar = 0;
    if (a == 0)
        return;
    MPU->rbar = (uint32_t)a | MPU_RBAR_AP_RO_BITS | MPU_RBAR_XN_BITS;
    MPU->rlar = rlar(a + PORT_STACK_GUARD);
}

void port_guard_off(void)
{
    port_guard_thread(NULL);
    __asm volatile("dsb\n\tisb" ::: "memory");
}
