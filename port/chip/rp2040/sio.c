/*
 * sio.c: the RP2040's single-cycle IO block for port/port.h: the hardware
 * spinlocks' state and the inter-core FIFOs with their interrupt. The hot
 * spinlock claim and release and the FIFO's status, push and pop are
 * inline (port_inline.h).
 */
#include "port.h"

#include "hw/m0plus.h"
#include "hw/sio.h"

uint32_t port_spin_state(void)
{
    return SIO->spinlock_st;
}

void port_fifo_clear_errors(void)
{
    SIO->fifo_st = 0xff;
}

void port_fifo_drain(void)
{
    while (SIO->fifo_st & SIO_FIFO_ST_VLD_BITS)
        (void)SIO->fifo_rd;
}

/* Each core's FIFO has its own interrupt, in that core's NVIC only. */
static unsigned fifo_irq(void)
{
    return port_core_id() == 0 ? PORT_IRQ_SIO_PROC0 : PORT_IRQ_SIO_PROC1;
}

void port_fifo_irq_enable(bool on)
{
    unsigned irq = fifo_irq();
    if (on) {
        /* Above the tick, below nothing the kernel runs (IPR is word-access
         * only on ARMv6-M). */
        io_rw32 *ipr = &NVIC->ipr[irq / 4];
        unsigned shift = 8 * (irq % 4) + 6;
        *ipr = (*ipr & ~(3u << shift)) | ((uint32_t)PORT_IRQ_PRIO_FIFO << shift);
        NVIC->icpr = 1u << irq;
        NVIC->iser = 1u << irq;
    } else {
        NVIC->icer = 1u << irq;
    }
}

/* Without a message layer there is nobody to give FIFO words to: keep the
 * interrupt off so an unexpected word cannot storm. */
__attribute__((weak)) void port_fifo_isr(void)
{
    NVIC->icer = 1u << fifo_irq();
}

/* Each core's FIFO vector (startup.c); the layer above may define them. */
__attribute__((weak)) void port_fifo_isr_core0(void)
{
    port_fifo_isr();
}

__attribute__((weak)) void port_fifo_isr_core1(void)
{
    port_fifo_isr();
}
