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

int td_irq_set_handler(unsigned irq, td_isr_t fn)
{
    if (irq >= TD_IRQ_COUNT || fn == NULL)
        return TD_ERR_PARAM;
    uintptr_t *table = (uintptr_t *)(uintptr_t)SCB->vtor;
    table[EXC_IRQ0 + irq] = (uintptr_t)fn;
    __asm volatile("dsb\n\tisb" ::: "memory");
    return TD_OK;
}

int td_irq_enable(unsigned irq, bool on)
{
    if (irq >= TD_IRQ_COUNT)
        return TD_ERR_PARAM;
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
    if (irq >= TD_IRQ_COUNT || prio >= PORT_IRQ_PRIO_LEVELS)
        return TD_ERR_PARAM;
    NVIC->ipr[irq] = (uint8_t)ARMV8M_PRIO_BYTE(prio);
    return TD_OK;
}
