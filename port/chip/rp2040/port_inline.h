/*
 * port_inline.h (RP2040): the port contract's hot primitives (port/port.h,
 * "the hot primitives") as inline code. Included by port/port.h only.
 *
 *   port_core_id       one load of SIO CPUID (single-cycle IOPORT)
 *   port_in_isr        MRS IPSR
 *   port_irq_save      MRS PRIMASK; CPSID i
 *   port_irq_restore   MSR PRIMASK
 *   port_spin_try      one load of SIO SPINLOCKn, then DMB
 *   port_spin_release  DMB, then one store to SIO SPINLOCKn
 *   port_switch_request  one store to ICSR (PENDSVSET)
 *   port_thread_sp     MRS PSP
 *
 * The DMBs give the acquire/release ordering the datasheet and the
 * architecture ask for between a spinlock and the data it guards (SIO is
 * Device memory, SRAM Normal memory).
 */
#ifndef TANDEM_PORT_INLINE_H
#define TANDEM_PORT_INLINE_H

#define PORT_SIO_BASE_     0xd0000000u
#define PORT_SIO_SPINLOCK_ ((volatile uint32_t *)(PORT_SIO_BASE_ + 0x100u))

static inline __attribute__((always_inline)) unsigned port_core_id(void)
{
    /* Not volatile: the value never changes under the code reading it, so
     * the compiler may keep one read for a whole function. */
    unsigned id;
    __asm("ldr %0, [%1]" : "=l"(id) : "l"(PORT_SIO_BASE_));
    return id;
}

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

static inline __attribute__((always_inline)) bool port_spin_try(unsigned n)
{
    uint32_t got = PORT_SIO_SPINLOCK_[n];
    __asm volatile("dmb" ::: "memory");
    return got != 0;
}

static inline __attribute__((always_inline)) void port_spin_release(unsigned n)
{
    __asm volatile("dmb" ::: "memory");
    PORT_SIO_SPINLOCK_[n] = 1u;
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

#endif /* TANDEM_PORT_INLINE_H */
