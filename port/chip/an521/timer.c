/*
 * timer.c: port/port.h's shared microsecond clock (port_time_us) on the
 * SSE-200: TIMER0, a 32-bit down counter on MAINCLK (20 MHz), free
 * running, extended to 64 bits.
 *
 * The extension is one word both cores update with LDREX/STREX: the number
 * of times the counter has wrapped (bits 31..1) and the top bit of the
 * count when last seen (bit 0). A reader that sees the top bit go from 1
 * to 0 counts a wrap. That holds while someone reads the clock at least
 * once per half period (107 s): TIMER1 interrupts every 2^30 counts (54 s)
 * on both cores, and its handler reads the clock.
 */
#include "an521.h"
#include "hw/m33.h"
#include "hw/sse200.h"
#include "port.h"

#define TICKS_PER_US (PORT_CPU_HZ / 1000000u)

static volatile uint32_t epoch;      /* wraps << 1 | top bit last seen */

void an521_timer_init(void)
{
    TIMER0->ctrl = 0;
    TIMER0->reload = 0xffffffffu;
    TIMER0->value = 0xffffffffu;
    TIMER0->ctrl = TIMER_CTRL_EN_BITS;
    TIMER1->ctrl = 0;
    TIMER1->reload = 0x3fffffffu;
    TIMER1->value = 0x3fffffffu;
    TIMER1->intstatus = 1u;
    TIMER1->ctrl = TIMER_CTRL_EN_BITS | TIMER_CTRL_INTEN_BITS;
    epoch = 0;
}

uint64_t port_time_us(void)
{
    for (;;) {
        uint32_t s = __atomic_load_n(&epoch, __ATOMIC_ACQUIRE);
        uint32_t count = 0xffffffffu - TIMER0->value;
        uint32_t top = count >> 31, wraps = s >> 1;
        if (top == (s & 1u))
            return (((uint64_t)wraps << 32) | count) / TICKS_PER_US;
        if (top == 0)
            wraps++;                     /* it wrapped since the last look */
        uint32_t ns = (wraps << 1) | top;
        __atomic_compare_exchange_n(&epoch, &s, ns, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    }
}

/* The cores always run: each one's own time is the time. */
uint64_t port_core_ran_us(unsigned core)
{
    (void)core;
    return port_time_us();
}

static void timer1_isr(void)
{
    TIMER1->intstatus = 1u;
    (void)port_time_us();
}

void an521_timer_core_init(void)
{
    uintptr_t *table = (uintptr_t *)(uintptr_t)SCB->vtor;
    table[EXC_IRQ0 + PORT_IRQ_TIMER1] = (uintptr_t)timer1_isr;
    NVIC->ipr[PORT_IRQ_TIMER1] = (uint8_t)ARMV8M_PRIO_BYTE(PORT_IRQ_PRIO_DEVICE);
    NVIC->iser[0] = 1u << PORT_IRQ_TIMER1;
}
