/*
 * mpu.c: the RP2040 port's memory protection (port/port.h "memory, stack
 * guards and faults"): the Cortex-M0+ MPU of each core (ARMv6-M PMSAv6: 8
 * regions of 2^n >= 256 bytes, 8 subregions each), heap regions, main
 * stacks, the watchdog scratch registers, reboot and halt.
 *
 * Regions of each core:
 *   0  [0, 256): no access, execute-never - null pointers
 *   1  the lowest PORT_MAIN_GUARD bytes of the main stack (SRAM4 for core 0,
 *      SRAM5 for core 1): 4 of the 8 32-byte subregions, read-only
 *   2  the running thread's guard: one 32-byte subregion, read-only,
 *      rewritten at every context switch (two register writes)
 * Everything else follows the default memory map for privileged code
 * (PRIVDEFENA); tandem runs privileged. The MPU is off at HardFault
 * priority (HFNMIENA = 0), so the fault path reads any memory. The guards
 * are read-only rather than no-access so the kernel can check their
 * canary words: a stack overflow writes, and writes fault.
 */
#include "hw/m0plus.h"
#include "hw/sio.h"
#include "hw/watchdog.h"
#include "port.h"
#include "rp2040.h"
#include "tandem/error.h"

extern uint32_t __heap0_start__[], __heap0_end__[], __heap1_start__[], __heap1_end__[];
extern uint32_t __stack0_bottom__[];

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

/* The armed thread guard of this core (0: none), read back from region 2
 * by the fault entry. */
uintptr_t port_guard_armed(void)
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

void port_heap_region(unsigned core, uintptr_t *start, uintptr_t *end)
{
    *start = core == 0 ? (uintptr_t)__heap0_start__ : (uintptr_t)__heap1_start__;
    *end = core == 0 ? (uintptr_t)__heap0_end__ : (uintptr_t)__heap1_end__;
}

void port_main_stack(unsigned core, uintptr_t *lo, uintptr_t *hi)
{
    *lo = core == 0 ? (uintptr_t)__stack0_bottom__ : (uintptr_t)__stack1_bottom__;
    *hi = core == 0 ? (uintptr_t)__stack0_top__ : (uintptr_t)__stack1_top__;
}

int port_guard_init(void)
{
    uintptr_t lo, hi;
    port_main_stack(SIO->cpuid, &lo, &hi);
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

/* Two register writes: the 256-byte block holding the guard, and its one
 * enabled 32-byte subregion. On every context switch: kept short. */
void port_guard_thread(const void *guard)
{
    uintptr_t a = (uintptr_t)guard;
    MPU->rbar = (a & ~(uintptr_t)0xffu) | MPU_RBAR_VALID_BITS | REGION_THREAD;
    MPU->rasr = a ? rasr256(AP_RO, 0u) ^ (0x100u << ((a >> 5) & 7u)) : 0u;
}

/* port_thread_sp, read at every switch, is inline: port_inline.h. */

void port_thread_sp_set(uintptr_t sp)
{
    __asm volatile("msr psp, %0" :: "r"(sp) : "memory");
}

/* ---- watchdog scratch, reboot, halt ------------------------------------------------
 * Scratch 4 stays 0: the boot ROM treats 0xb007c0d3 there as a request to
 * jump somewhere on the next boot. The seven words go to 0-3 and 5-7. */
static const uint8_t scratch_of[PORT_PERSIST_WORDS] = { 0, 1, 2, 3, 5, 6, 7 };

int port_persist_write(const uint32_t *w, unsigned n)
{
    if (n > PORT_PERSIST_WORDS || (w == NULL && n != 0))
        return TD_ERR_PARAM;
    WATCHDOG->scratch[4] = 0;
    for (unsigned i = 0; i < PORT_PERSIST_WORDS; i++)
        WATCHDOG->scratch[scratch_of[i]] = i < n ? w[i] : 0u;
    return TD_OK;
}

int port_persist_read(uint32_t *w, unsigned n)
{
    if (n > PORT_PERSIST_WORDS || (w == NULL && n != 0))
        return TD_ERR_PARAM;
    for (unsigned i = 0; i < n; i++)
        w[i] = WATCHDOG->scratch[scratch_of[i]];
    return TD_OK;
}

void port_reboot(void)
{
    __asm volatile("cpsid i" ::: "memory");
    WATCHDOG->ctrl = WATCHDOG_CTRL_TRIGGER_BITS;
    for (;;)
        __asm volatile("wfe");
}

void port_halt(void)
{
    __asm volatile("cpsid i" ::: "memory");
    port_tick_stop();
    rp2040_flash_halted();             /* asleep in RAM for good (flash.c) */
}
