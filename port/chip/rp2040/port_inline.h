/*
 * port_inline.h (RP2040): the port contract's hot primitives (port/port.h,
 * "the hot primitives") as inline code: the CPU's from the architecture
 * (arch_inline.h), the chip's here. Included by port/port.h only.
 *
 *   port_core_id       one load of SIO CPUID (single-cycle IOPORT)
 *   port_spin_try      one load of SIO SPINLOCKn, then DMB
 *   port_spin_release  DMB, then one store to SIO SPINLOCKn
 *   port_fifo_status   one load of SIO FIFO_ST
 *   port_fifo_push     one store to SIO FIFO_WR, then SEV (a core waiting
 *                      in WFE for the word wakes)
 *   port_fifo_pop      one load of SIO FIFO_RD
 *   port_fifo_irq_unpend  one store to the NVIC's ICPR (optional primitive,
 *                      PORT_FIFO_IRQ_UNPEND: port/port.h)
 *   port_fifo_irq_hold, port_fifo_irq_release  the FIFO interrupt held off
 *                      for a bounded time: NVIC ICER and a TIMER alarm armed;
 *                      the alarm disarmed, NVIC ISPR and ISER (optional
 *                      primitives, PORT_FIFO_IRQ_HOLD: port/port.h)
 *
 * The DMBs give the acquire/release ordering the datasheet and the
 * architecture ask for between a spinlock and the data it guards (SIO is
 * Device memory, SRAM Normal memory: the Armv6-M memory model keeps only
 * Device and Strongly-ordered accesses in order with each other, the
 * Cortex-M0+ Devices Generic User Guide, "Memory system ordering of memory
 * accesses"; and SIO is reached through the core's I/O port, SRAM through
 * the bus fabric). Both stay: docs/performance-history.md, "The lock: one
 * byte per core", has what they cost.
 */
#ifndef TANDEM_PORT_INLINE_H
#define TANDEM_PORT_INLINE_H

#include "arch_inline.h"

#define RP2040_SIO_BASE_     0xd0000000u
#define RP2040_SIO_SPINLOCK_ ((volatile uint32_t *)(RP2040_SIO_BASE_ + 0x100u))
#define RP2040_SIO_FIFO_ST_  (*(volatile uint32_t *)(RP2040_SIO_BASE_ + 0x050u))
#define RP2040_SIO_FIFO_WR_  (*(volatile uint32_t *)(RP2040_SIO_BASE_ + 0x054u))
#define RP2040_SIO_FIFO_RD_  (*(volatile uint32_t *)(RP2040_SIO_BASE_ + 0x058u))

static inline __attribute__((always_inline)) unsigned port_core_id(void)
{
    /* Not volatile: the value never changes under the code reading it, so
     * the compiler may keep one read for a whole function. */
    unsigned id;
    __asm("ldr %0, [%1]" : "=l"(id) : "l"(PORT_CORE_ID_REG));
    return id;
}

/* A spinlock number known when compiling: one register, its address a
 * constant. Otherwise (td_lock's, from its key) the register is addressed
 * from SIO's base, the core id register's address, with the offset in a
 * register: the compiler keeps one base for the core id and both accesses
 * and finds the offset with one shift (else it rebuilds the register's
 * address each time). */
static inline __attribute__((always_inline)) bool port_spin_try(unsigned n)
{
    uint32_t got;
    if (__builtin_constant_p(n))
        got = RP2040_SIO_SPINLOCK_[n];
    else
        __asm volatile("ldr %0, [%1, %2]" : "=l"(got)
                       : "l"(RP2040_SIO_BASE_), "l"(0x100u + 4u * n) : "memory");
    __asm volatile("dmb" ::: "memory");
    return got != 0;
}

static inline __attribute__((always_inline)) void port_spin_release(unsigned n)
{
    if (__builtin_constant_p(n)) {
        __asm volatile("dmb" ::: "memory");
        RP2040_SIO_SPINLOCK_[n] = 0u;    /* any write releases */
    } else {
        __asm volatile("dmb\n\tstr %0, [%0, %1]"  /* any write: the base's own value */
                       :: "l"(RP2040_SIO_BASE_), "l"(0x100u + 4u * n) : "memory");
    }
}

static inline __attribute__((always_inline)) uint32_t port_fifo_status(void)
{
    return RP2040_SIO_FIFO_ST_;
}

static inline __attribute__((always_inline)) void port_fifo_push(uint32_t word)
{
    __asm volatile("" ::: "memory");    /* what the caller wrote, written first */
    RP2040_SIO_FIFO_WR_ = word;
    __asm volatile("sev" ::: "memory");
}

static inline __attribute__((always_inline)) uint32_t port_fifo_pop(void)
{
    return RP2040_SIO_FIFO_RD_;
}

/* The FIFO interrupt is level-sensitive (SIO asserts it while VLD, WOF or
 * ROE is set): clearing its pending state forgets it only if none is set;
 * else it stays pending (the Cortex-M0+ NVIC: a clear-pending write leaves
 * a level-sensitive interrupt whose signal is still asserted pending). */
#define PORT_FIFO_IRQ_UNPEND 1
#define RP2040_NVIC_ICPR_ (*(volatile uint32_t *)0xe000e280u)

static inline __attribute__((always_inline)) void port_fifo_irq_unpend(unsigned me)
{
    RP2040_NVIC_ICPR_ = 1u << (PORT_IRQ_SIO_PROC0 + me);
}

/* The FIFO interrupt held off (PORT_FIFO_IRQ_HOLD, port/port.h): off in
 * this core's NVIC, and a TIMER alarm of this core's own (alarm 2 for core
 * 0, 3 for core 1: PORT_FIFO_HOLD_ALARM) armed 'us' microseconds ahead;
 * its interrupt (sio.c) calls port_fifo_hold_isr. Release: the alarm
 * disarmed, the FIFO interrupt pending if asked, then on. */
#define PORT_FIFO_IRQ_HOLD 1
#define PORT_FIFO_HOLD_ALARM(me) (2u + (me))
#define RP2040_NVIC_ISER_ (*(volatile uint32_t *)0xe000e100u)
#define RP2040_NVIC_ICER_ (*(volatile uint32_t *)0xe000e180u)
#define RP2040_NVIC_ISPR_ (*(volatile uint32_t *)0xe000e200u)
#define RP2040_TIMER_ALARM_(n) (*(volatile uint32_t *)(0x40054010u + 4u * (n)))
#define RP2040_TIMER_ARMED_   (*(volatile uint32_t *)0x40054020u)
#define RP2040_TIMER_RAWL_    (*(volatile uint32_t *)0x40054028u)

static inline __attribute__((always_inline)) void port_fifo_irq_hold(unsigned me, uint32_t us)
{
    RP2040_NVIC_ICER_ = 1u << (PORT_IRQ_SIO_PROC0 + me);
    RP2040_TIMER_ALARM_(PORT_FIFO_HOLD_ALARM(me)) = RP2040_TIMER_RAWL_ + us;   /* arms it */
}

static inline __attribute__((always_inline)) void port_fifo_irq_release(unsigned me, bool pend)
{
    RP2040_TIMER_ARMED_ = 1u << PORT_FIFO_HOLD_ALARM(me);                       /* disarms it */
    if (pend)
        RP2040_NVIC_ISPR_ = 1u << (PORT_IRQ_SIO_PROC0 + me);
    RP2040_NVIC_ISER_ = 1u << (PORT_IRQ_SIO_PROC0 + me);
}

#endif /* TANDEM_PORT_INLINE_H */
