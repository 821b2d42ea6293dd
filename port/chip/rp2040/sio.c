/*
 * sio.c: the RP2040's single-cycle IO block for port/port.h: the hardware
 * spinlocks' state and the inter-core FIFOs with their interrupt. The hot
 * spinlock claim and release and the FIFO's status, push and pop are
 * inline (port_inline.h).
 */
#include "port.h"

#include "hw/m0plus.h"
#include "hw/sio.h"
#include "hw/timer.h"

uint32_t port_spin_state(void)
{
    return SIO->spinlock_st;
}

void port_fifo_clear_errors(void)
{
    SIO->fifo_st = 0xff;
}

/* At most the FIFO's depth of reads: the words waiting at the call come
 * first, so they are all read by then, and the other core pushing all
 * along cannot keep this one reading. */
unsigned port_fifo_drain(void)
{
    unsigned n = 0;
    while (n < PORT_FIFO_DEPTH && (SIO->fifo_st & SIO_FIFO_ST_VLD_BITS)) {
        (void)SIO->fifo_rd;
        n++;
    }
    return n;
}

/* Each core's FIFO has its own interrupt, in that core's NVIC only. */
static unsigned fifo_irq(void)
{
    return port_core_id() == 0 ? PORT_IRQ_SIO_PROC0 : PORT_IRQ_SIO_PROC1;
}

static void set_prio(unsigned irq, uint32_t prio)
{
    /* IPR is word-access only on ARMv6-M */
    io_rw32 *ipr = &NVIC->ipr[irq / 4];
    unsigned shift = 8 * (irq % 4) + 6;
    *ipr = (*ipr & ~(3u << shift)) | (prio << shift);
}

void port_fifo_irq_enable(bool on)
{
    unsigned me = port_core_id(), irq = fifo_irq();
    unsigned alarm = PORT_FIFO_HOLD_ALARM(me), airq = PORT_IRQ_TIMER0 + alarm;
    TIMER->armed = 1u << alarm;                   /* no hold left from before */
    if (on) {
        /* Above the tick, below nothing the kernel runs; the hold's alarm
         * (port_fifo_irq_hold) the same, in this core's NVIC only. */
        set_prio(irq, PORT_IRQ_PRIO_FIFO);
        set_prio(airq, PORT_IRQ_PRIO_FIFO);
        TIMER->intr = 1u << alarm;
        hw_set(&TIMER->inte, 1u << alarm);
        NVIC->icpr = (1u << irq) | (1u << airq);
        NVIC->iser = (1u << irq) | (1u << airq);
    } else {
        NVIC->icer = (1u << irq) | (1u << airq);
    }
}

/* The hold's alarm of this core ran out (port_fifo_irq_hold): its
 * interrupt cleared, then the layer above decides (port_fifo_hold_isr). */
void rp2040_fifo_hold_alarm_isr(void)
{
    TIMER->intr = 1u << PORT_FIFO_HOLD_ALARM(port_core_id());
    port_fifo_hold_isr();
}

/* Without a layer that holds the FIFO interrupt off, a hold just ends. */
__attribute__((weak)) void port_fifo_hold_isr(void)
{
    port_fifo_irq_release(port_core_id(), true);
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
