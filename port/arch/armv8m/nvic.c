/*
 * nvic.c: tandem/irq.h on ARMv8-M: each core's own NVIC (one priority byte
 * per interrupt, level p at ARMV8M_PRIO_BYTE(p)), and the handler slots of
 * the vector table this core's VTOR points at.
 */
#include "tandem/irq.h"

#include "hw/m33.h"
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
    __asm volatile("dsb\n\tisb" ::: "memory");
    return TD_OK;
}

int td_irq_enable(unsigned irq, bool on)
{
    int r = line_check(irq);
    if (r)
        return r;
    if (on) {
        NVIC->icpr[irq / 32u] = 1u << (irq % 32u);
        NVIC->iser[irq / 32u] = 1u << (irq % 32u);
    } else {
        NVIC->icer[irq / 32u] = 1u << (irq % 32u);
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
    NVIC->ipr[irq] = (uint8_t)ARMV8M_PRIO_BYTE(prio);
    return TD_OK;
}
