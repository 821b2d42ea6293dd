/*
 * port.c: the RP2040 side of the port contract (port/port.h) for identity,
 * interrupt masking, spinlocks, the FIFO, events, time, console and exit.
 * The thread/context part lives in kport.c and switch.S; the hot primitives
 * (core id, interrupt mask, spinlock claim and release) are inline, in
 * port_inline.h.
 */
#include "port.h"

#include "hw/m0plus.h"
#include "hw/sio.h"
#include "hw/timer.h"
#include "rp2040.h"
#include "tandem/hwtable.h"

uint32_t port_spin_state(void)
{
    return SIO->spinlock_st;
}

uint32_t port_fifo_status(void)
{
    return SIO->fifo_st;
}

void port_fifo_push(uint32_t word)
{
    SIO->fifo_wr = word;
    __asm volatile("sev");
}

uint32_t port_fifo_pop(void)
{
    return SIO->fifo_rd;
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

static unsigned fifo_irq(void)
{
    return port_core_id() == 0 ? 15u : 16u;   /* SIO_IRQ_PROC0 / PROC1 */
}

void port_fifo_irq_enable(bool on)
{
    unsigned irq = fifo_irq();
    if (on) {
        /* Priority from the hardware table: above the tick, below nothing
         * the kernel runs (IPR is word-access only on the M0+). */
        io_rw32 *ipr = &NVIC->ipr[irq / 4];
        unsigned shift = 8 * (irq % 4) + 6;
        *ipr = (*ipr & ~(3u << shift)) | ((uint32_t)TD_PRIO_FIFO << shift);
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

void isr_sio_proc0(void) { port_fifo_isr(); }
void isr_sio_proc1(void) { port_fifo_isr(); }

void port_sev(void)
{
    __asm volatile("sev");
}

void port_wfe(void)
{
    __asm volatile("wfe");
}

uint64_t port_time_us(void)
{
    /* The raw registers: TIMEHR/TIMELR latching is shared by both cores. */
    uint32_t hi = TIMER->timerawh, lo, hi2;
    for (;;) {
        lo = TIMER->timerawl;
        hi2 = TIMER->timerawh;
        if (hi2 == hi)
            return ((uint64_t)hi << 32) | lo;
        hi = hi2;
    }
}

void port_exit(int code)
{
    /* The emulator ends the run with the breakpoint's number as its exit
     * status. On a board without a debugger a breakpoint is a HardFault:
     * the fault path recognises it and reports "exit" instead. */
    switch (code) {
    case 0: __asm volatile("bkpt #0"); break;
    case 2: __asm volatile("bkpt #2"); break;
    case 3: __asm volatile("bkpt #3"); break;
    default: __asm volatile("bkpt #1"); break;
    }
    for (;;)
        __asm volatile("wfe");
}
