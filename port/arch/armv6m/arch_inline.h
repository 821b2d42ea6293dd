/*
 * arch_inline.h (ARMv6-M): the hot primitives of the port contract
 * (port/port.h, "the hot primitives") that belong to the CPU, as inline
 * code. Included by the chip's port_inline.h, which adds the chip's own
 * (core id, spinlocks).
 *
 *   port_in_isr          MRS IPSR
 *   port_irq_save        MRS PRIMASK; CPSID i
 *   port_irq_restore     MSR PRIMASK
 *   port_switch_request  one store to ICSR (PENDSVSET)
 *   port_thread_sp       MRS PSP
 *   port_guard_thread    two stores to the MPU (RBAR, RASR of region 2)
 */
#ifndef TANDEM_ARCH_INLINE_H
#define TANDEM_ARCH_INLINE_H

static inline __attribute__((always_inline)) bool port_in_isr(void)
{
    /* Constant for the code that reads it (a handler that interrupts it
     * returns before it goes on). */
    uint32_t ipsr;
    __asm("mrs %0, ipsr" : "=l"(ipsr));
    return ipsr != 0;
}

static inline __attribute__((always_inline)) port_irq_state_t port_irq_save(void)
{
    port_irq_state_t primask;
    __asm volatile("mrs %0, primask\n\tcpsid i" : "=l"(primask) :: "memory");
    return primask;
}

static inline __attribute__((always_inline)) void port_irq_restore(port_irq_state_t state)
{
    __asm volatile("msr primask, %0" :: "l"(state) : "memory");
}

static inline __attribute__((always_inline)) void port_switch_request(void)
{
    /* No barrier: the kernel asks with interrupts masked or from a handler,
     * so PendSV cannot be taken before the mask is lifted or the handler
     * returns, and the M0+ has no write buffer to drain. */
    *(volatile uint32_t *)0xe000ed04u = 1u << 28;
    __asm volatile("" ::: "memory");
}

static inline __attribute__((always_inline)) uintptr_t port_thread_sp(void)
{
    uintptr_t sp;
    __asm volatile("mrs %0, psp" : "=l"(sp));
    return sp;
}

/* The running thread's guard in MPU region 2 (mpu.c has the region plan):
 * the 256-byte block holding it, with its one 32-byte subregion enabled,
 * read-only and execute-never. Inline: it runs at every context switch.
 * mpu.c checks these values against hw/m0plus.h. */
#define ARMV6M_MPU_RBAR       0xe000ed9cu
#define ARMV6M_MPU_RASR       (ARMV6M_MPU_RBAR + 4u)
#define ARMV6M_GUARD_RBAR_TAG 0x12u          /* VALID | region 2 */
#define ARMV6M_GUARD_RASR     0x1600ff0fu    /* XN, AP read-only, all subregions off, 256 B, on */

static inline __attribute__((always_inline)) void port_guard_thread(const void *guard)
{
    uintptr_t a = (uintptr_t)guard;
    uint32_t rbar = (uint32_t)(a & ~(uintptr_t)0xffu) | ARMV6M_GUARD_RBAR_TAG;
    uint32_t rasr = a ? ARMV6M_GUARD_RASR ^ (0x100u << ((a >> 5) & 7u)) : 0u;
    /* Both stores from one base register (the compiler loads each address
     * from its own literal otherwise). */
    __asm volatile("str %0, [%2]\n\tstr %1, [%2, #4]"
                   :: "l"(rbar), "l"(rasr), "l"(ARMV6M_MPU_RBAR));
}

#endif /* TANDEM_ARCH_INLINE_H */
