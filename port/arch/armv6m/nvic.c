/*
 * irq.c: tandem/irq.h on the RP2040: each core's own RAM vector table and
 * NVIC.
 */
#include "tandem/irq.h"

#include "hw/m0plus.h"
#include "hw/sio.h"
#include "rp2040.h"
#include "tandem/error.h"

#include <stddef.h>

int td_irq_set_handler(unsigned irq, td_isr_t fn)
{
    if (irq >= TD_IRQ_COUNT || fn == NULL)
        return TD_ERR_PARAM;
    uintptr_t *table = SIO->cpuid == 0 ? td_vectors_core0 : td_vectors_core1;
    table[16 + irq] = (uintptr_t)fn;
    __asm volatile("dsb" ::: "memory");
    return TD_OK;
}

int td_irq_enable(unsigned irq, bool on)
{
    if (irq >= TD_IRQ_COUNT)
        return TD_ERR_PARAM;
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
    if (irq >= TD_IRQ_COUNT || prio > 3)
        return TD_ERR_PARAM;
    /* IPR registers are word-access only on the M0+. */
    io_rw32 *reg = &NVIC->ipr[irq / 4];
    unsigned shift = 8 * (irq % 4) + 6;
    *reg = (*reg & ~(3u << shift)) | (prio << shift);
    return TD_OK;
}
