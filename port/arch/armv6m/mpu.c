/*
 * mpu.c: memory protection on ARMv6-M (port/port.h "memory, stack guards
 * and faults"): each core's MPU (PMSAv6: 8 regions of 2^n >= 256 bytes, 8
 * subregions each).
 *
 * Regions of each core:
 *   0  [0, 256): no access, execute-never - null pointers
 *   1  the lowest PORT_MAIN_GUARD bytes of the main stack (the chip's
 *      port_main_stack): 4 of the 8 32-byte subregions, read-only
 *   2  the running thread's guard: one 32-byte subregion, read-only,
 *      rewritten at every context switch (two register writes)
 * Everything else follows the default memory map for privileged code
 * (PRIVDEFENA); tandem runs privileged. The MPU is off at HardFault
 * priority (HFNMIENA = 0), so the fault path reads any memory. The guards
 * are read-only rather than no-access so the kernel can check their
 * canary words: a stack overflow writes, and writes fault.
 */
#include <stddef.h>

#include "armv6m.h"
#include "hw/m0plus.h"
#include "port.h"
#include "tandem/error.h"

#define REGION_NULL   0u
#define REGION_MAIN   1u
#define REGION_THREAD 2u

#define AP_NONE 0u
#define AP_RO   6u      /* read-only, privileged and unprivileged */

/* RASR for a 256-byte region with subregions 'on' (bit i: subregion i). */
static uint32_t rasr256(unsigned ap, uint32_t on)
{
    return MPU_RASR_XN_BITS | ((uint32_t)ap << MPU_RASR_AP_LSB) |
           ((~on & 0xffu) << MPU_RASR_SRD_LSB) | (7u << MPU_RASR_SIZE_LSB) |
           MPU_RASR_ENABLE_BITS;
}

uintptr_t armv6m_guard_armed(void)
{
    MPU->rnr = REGION_THREAD;
    uint32_t rasr = MPU->rasr, rbar = MPU->rbar & ~0xffu;
    if (!(rasr & MPU_RASR_ENABLE_BITS))
        return 0;
    uint32_t on = ~(rasr >> MPU_RASR_SRD_LSB) & 0xffu;   /* one subregion */
    unsigned i = 0;
    while (i < 7u && !(on & (1u << i)))
        i++;
    return rbar + 32u * i;
}

int port_guard_init(void)
{
    uintptr_t lo, hi;
    port_main_stack(port_core_id(), &lo, &hi);
    MPU->ctrl = 0;
    MPU->rbar = 0u | MPU_RBAR_VALID_BITS | REGION_NULL;
    MPU->rasr = rasr256(AP_NONE, 0xffu);
    MPU->rbar = (uint32_t)lo | MPU_RBAR_VALID_BITS | REGION_MAIN;
    MPU->rasr = rasr256(AP_RO, (1u << (PORT_MAIN_GUARD / 32u)) - 1u);
    MPU->rbar = MPU_RBAR_VALID_BITS | REGION_THREAD;
    MPU->rasr = 0;
    MPU->ctrl = MPU_CTRL_ENABLE_BITS | MPU_CTRL_PRIVDEFENA_BITS;
    __asm volatile("dsb\n\tisb" ::: "memory");
    return TD_OK;
}

_Static_assert(PORT_MAIN_GUARD % 32u == 0 && PORT_MAIN_GUARD <= 256u, "main guard: subregions");
_Static_assert(PORT_STACK_GUARD == 32u, "thread guard: one subregion");

/* port_guard_thread is inline in arch_inline.h (at every context switch):
 * it loads RBAR and RASR from the guard's two lowest words, which this
 * puts there once per thread stack. The guard is read-only while its
 * thread runs, so the thread cannot overwrite them; while it does not run
 * they are as exposed as its saved context, a few words above them on the
 * same stack. */
void port_guard_prepare(void *guard)
{
    uint32_t *w = guard;
    uintptr_t a = (uintptr_t)guard;
    w[0] = (uint32_t)(a & ~(uintptr_t)0xffu) | MPU_RBAR_VALID_BITS | REGION_THREAD;
    w[1] = rasr256(AP_RO, 1u << ((a >> 5) & 7u));
}
void port_guard_off(void)
{
    port_guard_thread(NULL);
    __asm volatile("dsb\n\tisb" ::: "memory");
}

_Static_assert(2u * 4u < PORT_STACK_GUARD, "port_guard_prepare: the guard's top word is the canary");
_Static_assert(ARMV6M_MPU_RBAR == 0xe000ed90u + offsetof(mpu_hw_t, rbar) &&
                   ARMV6M_MPU_RASR == 0xe000ed90u + offsetof(mpu_hw_t, rasr),
               "arch_inline.h: MPU register addresses");
_Static_assert(ARMV6M_GUARD_RBAR_TAG == (MPU_RBAR_VALID_BITS | REGION_THREAD), "arch_inline.h: RBAR tag");
