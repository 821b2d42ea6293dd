/*
 * arch_inline.h (ARMv6-M): the hot primitives of the port contract
 * (port/port.h, "the hot primitives") that belong to the CPU, as inline
 * code. Included by the chip's port_inline.h, which adds the chip's own
 * (core id, spinlocks).
 *
 *   port_in_isr          MRS IPSR
 *   port_irq_save        MRS PRIMASK; CPSID i
 *   port_irq_restore     MSR PRIMASK
 *   port_irq_enable      CPSIE i
 *   port_switch_request  one store to ICSR (PENDSVSET)
 *   port_thread_sp       MRS PSP
 *   port_own_sp          MOV from SP
 *   port_guard_thread    one load multiple from the guard, one store multiple to
 *                        the MPU (RBAR, RASR of region 2)
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

static inline __attribute__((always_inline)) void port_irq_enable(void)
{
    __asm volatile("cpsie i" ::: "memory");
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

static inline __attribute__((always_inline)) uintptr_t port_own_sp(void)
{
    uintptr_t sp;
    __asm volatile("mov %0, sp" : "=l"(sp));
    return sp;
}

/* The running thread's guard in MPU region 2 (mpu.c has the region plan):
 * the 256-byte block holding it, with its one 32-byte subregion enabled,
 * read-only and execute-never. Inline: it runs at every context switch.
 * The two register values are the guard's own lowest two words, written
 * once by port_guard_prepare (mpu.c) when the thread's stack was prepared:
 * one load multiple, one store multiple. */
#define ARMV6M_MPU_RBAR       0xe000ed9cu
#define ARMV6M_MPU_RASR       (ARMV6M_MPU_RBAR + 4u)
#define ARMV6M_GUARD_RBAR_TAG 0x12u          /* VALID | region 2 */

static inline __attribute__((always_inline)) void port_guard_thread(const void *guard)
{
    uintptr_t a = (uintptr_t)guard;
    uint32_t base = ARMV6M_MPU_RBAR;
    /* RBAR and RASR in one store multiple from one base register, their
     * values in r2 and r3 (its order). */
    register uint32_t rbar __asm("r2");
    register uint32_t rasr __asm("r3");
    if (a == 0) {                        /* no guard: the region off */
        rbar = ARMV6M_GUARD_RBAR_TAG;
        rasr = 0;
        __asm volatile("stmia %0!, {%1, %2}"
                       : "+l"(base) : "l"(rbar), "l"(rasr) : "memory");
    } else {
        __asm volatile("ldmia %2!, {%0, %1}\n\t"
                       "stmia %3!, {%0, %1}"
                       : "=l"(rbar), "=l"(rasr), "+l"(a), "+l"(base)
                       : : "memory");
    }
}

#endif /* TANDEM_ARCH_INLINE_H */
