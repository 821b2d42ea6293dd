/*
 * port_inline.h (AN521): the port contract's hot primitives (port/port.h,
 * "the hot primitives") as inline code: the CPU's from the architecture
 * (arch_inline.h), the chip's here.
 *
 *   port_core_id       one load of CPU_IDENTITY
 *   port_spin_try      LDREX/STREX on the lock's word in shared RAM, DMB
 *   port_spin_release  DMB, then a store of 0
 *   port_fifo_*        declared only: fifo.c
 *
 * The SSE-200 has no hardware spinlocks: a lock is a word, 0 when free,
 * the owner's core number + 1 when held (spin.c keeps the 32 words). One
 * attempt is one LDREX/STREX pair: a STREX that loses to the other core
 * counts as a failed attempt, as a SIO spinlock read of 0 does.
 */
#ifndef TANDEM_PORT_INLINE_H
#define TANDEM_PORT_INLINE_H

#include "arch_inline.h"

extern volatile uint32_t an521_spin_words[32];

static inline __attribute__((always_inline)) unsigned port_core_id(void)
{
    unsigned id;
    __asm("ldr %0, [%1]" : "=r"(id) : "r"(PORT_CORE_ID_REG));
    return id;
}

static inline __attribute__((always_inline)) bool port_spin_try(unsigned n)
{
    volatile uint32_t *w = &an521_spin_words[n];
    uint32_t v, fail;
    __asm volatile("ldrex %0, [%1]" : "=r"(v) : "r"(w) : "memory");
    if (v != 0) {
        __asm volatile("clrex" ::: "memory");
        return false;
    }
    __asm volatile("strex %0, %2, [%1]" : "=&r"(fail) : "r"(w), "r"(port_core_id() + 1u) : "memory");
    if (fail)
        return false;
    __asm volatile("dmb" ::: "memory");
    return true;
}

static inline __attribute__((always_inline)) void port_spin_release(unsigned n)
{
    __asm volatile("dmb" ::: "memory");
    an521_spin_words[n] = 0;
}

/* The FIFO is a ring in shared RAM with a doorbell (fifo.c): ordinary
 * functions, each a call the compiler cannot move memory accesses across. */
uint32_t port_fifo_status(void);
void port_fifo_push(uint32_t word);
uint32_t port_fifo_pop(void);

#endif /* TANDEM_PORT_INLINE_H */
