/*
 * arch_inline.h (ARMv8-M Mainline): the hot primitives of the port contract
 * (port/port.h, "the hot primitives") that belong to the CPU, as inline
 * code. Included by the chip's port_inline.h.
 *
 *   port_in_isr          MRS IPSR
 *   port_irq_save        MRS BASEPRI; MSR BASEPRI_MAX
 *   port_irq_restore     MSR BASEPRI
 *   port_irq_enable      MSR BASEPRI (0)
 *   port_switch_request  one store to ICSR (PENDSVSET)
 *   port_thread_sp       MRS PSP
 *   port_own_sp          MOV from SP
 *
 * Interrupts are masked with BASEPRI, not PRIMASK: every priority level
 * tandem/irq.h gives out is masked, hardware level 0 is not. The chip
 * keeps level 0 for its core-control interrupt, so the other core can
 * still stop and restart a core that spins with interrupts masked or sits
 * halted after a fault (the RP2040 does that with its power-on state
 * machine; an ARMv8-M chip may have nothing of the kind). The cost is the
 * same two instructions as CPSID/CPSIE.
 */
#ifndef TANDEM_ARCH_INLINE_H
#define TANDEM_ARCH_INLINE_H

static inline __attribute__((always_inline)) bool port_in_isr(void)
{
    uint32_t ipsr;
    __asm("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr != 0;
}

static inline __attribute__((always_inline)) port_irq_state_t port_irq_save(void)
{
    port_irq_state_t old;
    __asm volatile("mrs %0, basepri\n\tmsr basepri_max, %1"
                   : "=&r"(old) : "r"(ARMV8M_BASEPRI_MASK) : "memory");
    return old;
}

static inline __attribute__((always_inline)) void port_irq_restore(port_irq_state_t state)
{
    __asm volatile("msr basepri, %0" :: "r"(state) : "memory");
}

static inline __attribute__((always_inline)) void port_irq_enable(void)
{
    port_irq_restore(0);
}

static inline __attribute__((always_inline)) void port_switch_request(void)
{
    /* The store reaches the SCB (Strongly-ordered) before any later
     * instruction can unmask; from a handler the switch waits for the
     * return anyway. */
    *(volatile uint32_t *)0xe000ed04u = 1u << 28;
    __asm volatile("" ::: "memory");
}

static inline __attribute__((always_inline)) uintptr_t port_thread_sp(void)
{
    uintptr_t sp;
    __asm volatile("mrs %0, psp" : "=r"(sp));
    return sp;
}

static inline __attribute__((always_inline)) uintptr_t port_own_sp(void)
{
    uintptr_t sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* port_guard_thread: an ordinary function (mpu.c). */
void port_guard_thread(const void *guard);

#endif /* TANDEM_ARCH_INLINE_H */
