/*
 * fifo.c: the inter-core FIFO of port/port.h on a chip without one: a ring
 * of PORT_FIFO_DEPTH words per direction in shared RAM, and MHU0's
 * doorbell as its interrupt. The contract keeps the SIO FIFO's semantics:
 *   - depth PORT_FIFO_DEPTH; RDY while the ring towards the other core has
 *     room, VLD while ours holds a word;
 *   - a push to a full ring loses the word and sets WOF, a pop from an
 *     empty one returns 0 and sets ROE, both sticky until cleared;
 *   - the interrupt is a level: while enabled and VLD, WOF or ROE is set
 *     the port keeps calling port_fifo_isr (the doorbell is raised again
 *     after the handler while the level holds).
 * Each ring has one writer (the sending core: head) and one reader (the
 * receiving core: tail). A push writes the word, then publishes the head
 * (DMB), then rings the other core's MHU0 bit (DSB first, so the word is
 * visible before the interrupt is) and signals an event for a core in WFE.
 */
#include "an521.h"
#include "hw/m33.h"
#include "hw/sse200.h"
#include "port.h"

_Static_assert((PORT_FIFO_DEPTH & (PORT_FIFO_DEPTH - 1u)) == 0, "ring depth: a power of two");

static struct ring {
    volatile uint32_t head, tail;
    volatile uint32_t w[PORT_FIFO_DEPTH];
} rings[PORT_NUM_CORES];             /* rings[c]: the words towards core c */
static volatile uint8_t wof[PORT_NUM_CORES], roe[PORT_NUM_CORES], irq_on[PORT_NUM_CORES];

/* Raise core c's doorbell. */
static void ring_bell(unsigned c)
{
    __asm volatile("dsb" ::: "memory");
    if (c == 0)
        MHU0->cpu0intr_set = 1u;
    else
        MHU0->cpu1intr_set = 1u;
    __asm volatile("sev");
}

uint32_t port_fifo_status(void)
{
    unsigned me = port_core_id();
    const struct ring *rx = &rings[me], *tx = &rings[me ^ 1u];
    uint32_t s = 0;
    if (rx->head != rx->tail)
        s |= PORT_FIFO_VLD;
    if (tx->head - tx->tail < PORT_FIFO_DEPTH)
        s |= PORT_FIFO_RDY;
    if (wof[me])
        s |= PORT_FIFO_WOF;
    if (roe[me])
        s |= PORT_FIFO_ROE;
    return s;
}

void port_fifo_push(uint32_t word)
{
    unsigned me = port_core_id();
    struct ring *tx = &rings[me ^ 1u];
    uint32_t h = tx->head;
    if (h - tx->tail >= PORT_FIFO_DEPTH) {
        wof[me] = 1;                     /* lost, as the chip loses it */
        if (irq_on[me])
            ring_bell(me);
        return;
    }
    tx->w[h % PORT_FIFO_DEPTH] = word;
    __asm volatile("dmb" ::: "memory");
    tx->head = h + 1u;
    ring_bell(me ^ 1u);
}

uint32_t port_fifo_pop(void)
{
    unsigned me = port_core_id();
    struct ring *rx = &rings[me];
    uint32_t t = rx->tail;
    if (rx->head == t) {
        roe[me] = 1;
        if (irq_on[me])
            ring_bell(me);
        return 0;
    }
    __asm volatile("dmb" ::: "memory");
    uint32_t w = rx->w[t % PORT_FIFO_DEPTH];
    __asm volatile("dmb" ::: "memory");
    rx->tail = t + 1u;
    return w;
}

void port_fifo_clear_errors(void)
{
    unsigned me = port_core_id();
    wof[me] = 0;
    roe[me] = 0;
}

/* The ring's head read once: what was in it then goes (at most
 * PORT_FIFO_DEPTH words), whatever the other core pushes meanwhile. */
unsigned port_fifo_drain(void)
{
    struct ring *rx = &rings[port_core_id()];
    uint32_t h = rx->head, n = h - rx->tail;
    __asm volatile("dmb" ::: "memory");
    rx->tail = h;
    return n;
}

/* Core 0, launching core 1 (parked: it reads and writes no ring): neither
 * direction keeps a word of core 1's last instance, and no error flag
 * stays set, as the RP2040's launch handshake leaves its FIFOs. */
void an521_fifo_launch(void)
{
    for (unsigned c = 0; c < PORT_NUM_CORES; c++) {
        struct ring *r = &rings[c];
        __asm volatile("dmb" ::: "memory");
        r->tail = r->head;
        wof[c] = 0;
        roe[c] = 0;
    }
    __asm volatile("dmb" ::: "memory");
}

static void clear_bell(unsigned me)
{
    if (me == 0)
        MHU0->cpu0intr_clr = 0xffffffffu;
    else
        MHU0->cpu1intr_clr = 0xffffffffu;
    __asm volatile("dsb" ::: "memory");
}

void port_fifo_irq_enable(bool on)
{
    unsigned me = port_core_id();
    irq_on[me] = on;
    if (on) {
        NVIC->ipr[PORT_IRQ_MHU0] = (uint8_t)ARMV8M_PRIO_BYTE(PORT_IRQ_PRIO_FIFO);
        NVIC->iser[0] = 1u << PORT_IRQ_MHU0;
        if (port_fifo_status() & (PORT_FIFO_VLD | PORT_FIFO_WOF | PORT_FIFO_ROE))
            NVIC->ispr[0] = 1u << PORT_IRQ_MHU0;   /* the level is already high */
    } else {
        NVIC->icer[0] = 1u << PORT_IRQ_MHU0;
    }
}

/* Without a message layer there is nobody to give words to: keep the
 * interrupt off so an unexpected word cannot storm. */
__attribute__((weak)) void port_fifo_isr(void)
{
    irq_on[port_core_id()] = 0;
    NVIC->icer[0] = 1u << PORT_IRQ_MHU0;
}

static void mhu0_isr(void)
{
    unsigned me = port_core_id();
    clear_bell(me);
    port_fifo_isr();
    if (irq_on[me] && (port_fifo_status() & (PORT_FIFO_VLD | PORT_FIFO_WOF | PORT_FIFO_ROE)))
        NVIC->ispr[0] = 1u << PORT_IRQ_MHU0;       /* still high: again */
}

void an521_fifo_core_init(void)
{
    unsigned me = port_core_id();
    uintptr_t *table = (uintptr_t *)(uintptr_t)SCB->vtor;
    table[EXC_IRQ0 + PORT_IRQ_MHU0] = (uintptr_t)mhu0_isr;
    irq_on[me] = 0;
    NVIC->icer[0] = 1u << PORT_IRQ_MHU0;
    clear_bell(me);
}
