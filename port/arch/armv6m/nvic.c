/*
 * nvic.c: tandem/irq.h on ARMv6-M: each core's own NVIC, and the handler
 * slots of the vector table this core's VTOR points at (each core runs
 * from its own table in RAM, set up by the chip's start-up code).
 */
#include "tandem/irq.h"

#include "hw/m0plus.h"
#include "port.h"
#include "tandem/error.h"

#include <stddef.h>

/* 0, or the error for an interrupt number a caller may not change: out of
 * range (TD_ERR_PARAM) or one of the kernel's own lines (PORT_IRQ_KERNEL,
 * the chip's port_limits.h: TD_ERR_BUSY). */
static int line_check(unsigned irq)
{
    if (irq >= TD_IRQ_COUNT)
        return TD_ERR_PARAM;
    return (PORT_IRQ_KERNEL >> irq) & 1u ? TD_ERR_BUSY : TD_OK;
}

int td_irq_set_handler(unsigned irq, td_isr_t fn)
{
    if (fn == NULL)
        return TD_ERR_PARAM;
    int r = line_check(irq);
    if (r)
        return r;
    uintptr_t *table = (uintptr_t *)(uintptr_t)SCB->vtor;
    table[EXC_IRQ0 + irq] = (uintptr_t)fn;
    __asm volatile("dsb" ::: "memory");
    return TD_OK;
}

int td_irq_enable(unsigned irq, bool on)
{
    int r = line_check(irq);
    if (r)
        return r;
    if (on) {
        NVIC->icpr = 1u << irq;
        NVIC->iser = 1u << irq;
    } else {
        NVIC->icer = 1u << irq;
    }
    return TD_OK;
}

int td_irq_set_priority(unsigned irq, unsigned prio)
{
    if (prio >= PORT_IRQ_PRIO_LEVELS)
        return TD_ERR_PARAM;
    int r = line_check(irq);
    if (r)
        return r;
    /* IPR registers are word-access only on ARMv6-M. */
    io_rw32 *reg = &NVIC->ipr[irq / 4];
    unsigned shift = 8 * (irq % 4) + 6;
    *reg = (*reg & ~(3u << shift)) | (prio << shift);
    return TD_OK;
}
