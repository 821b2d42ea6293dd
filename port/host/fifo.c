/*
 * port/host/fifo.c: the inter-core FIFOs, one 8-word FIFO each way, with
 * the chip's semantics: VLD (this core's RX FIFO holds data), RDY (its TX
 * FIFO has room), sticky WOF (a write to a full TX FIFO was lost) and ROE
 * (a read from an empty RX FIFO returned 0), both cleared by
 * port_fifo_clear_errors. Each FIFO has a single writer (one core) and a
 * single reader (the other), so it is a lock-free ring.
 */
#include "host.h"

struct ring {
    _Atomic uint32_t word[PORT_FIFO_DEPTH];
    atomic_uint head;    /* advanced by the reader */
    atomic_uint tail;    /* advanced by the writer */
};

static struct ring rx_of[PORT_NUM_CORES];   /* rx_of[c]: the FIFO core c reads */
static atomic_uint wof[PORT_NUM_CORES], roe[PORT_NUM_CORES];

static unsigned used(struct ring *r)
{
    return atomic_load_explicit(&r->tail, memory_order_acquire) -
           atomic_load_explicit(&r->head, memory_order_acquire);
}

bool host_fifo_level(unsigned c)
{
    return used(&rx_of[c]) != 0 || atomic_load(&wof[c]) || atomic_load(&roe[c]);
}

uint32_t port_fifo_status(void)
{
    unsigned me = host_core_id;
    uint32_t st = 0;
    if (used(&rx_of[me]) != 0)
        st |= PORT_FIFO_VLD;
    if (used(&rx_of[me ^ 1u]) < PORT_FIFO_DEPTH)
        st |= PORT_FIFO_RDY;
    if (atomic_load(&wof[me]))
        st |= PORT_FIFO_WOF;
    if (atomic_load(&roe[me]))
        st |= PORT_FIFO_ROE;
    return st;
}

void port_fifo_push(uint32_t word)
{
    unsigned me = host_core_id, other = me ^ 1u;
    struct ring *r = &rx_of[other];
    if (used(r) >= PORT_FIFO_DEPTH) {
        atomic_store(&wof[me], 1u);      /* lost, as on the chip */
        return;
    }
    unsigned t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    atomic_store_explicit(&r->word[t % PORT_FIFO_DEPTH], word, memory_order_relaxed);
    atomic_store_explicit(&r->tail, t + 1u, memory_order_release);
    atomic_store(&host_cores[other].event, 1);  /* the chip's port also signals */
    host_kick(other);
}

uint32_t port_fifo_pop(void)
{
    unsigned me = host_core_id;
    struct ring *r = &rx_of[me];
    if (used(r) == 0) {
        atomic_store(&roe[me], 1u);
        return 0;
    }
    unsigned h = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint32_t w = atomic_load_explicit(&r->word[h % PORT_FIFO_DEPTH], memory_order_relaxed);
    atomic_store_explicit(&r->head, h + 1u, memory_order_release);
    return w;
}

void port_fifo_clear_errors(void)
{
    atomic_store(&wof[host_core_id], 0u);
    atomic_store(&roe[host_core_id], 0u);
}

/* At most the FIFO's depth of pops, as on the chip: the words waiting at
 * the call come first, and the other core pushing all along cannot keep
 * this one popping. */
unsigned port_fifo_drain(void)
{
    unsigned n = 0;
    while (n < PORT_FIFO_DEPTH && used(&rx_of[host_core_id]) != 0) {
        (void)port_fifo_pop();
        n++;
    }
    return n;
}

void host_fifo_launch(void)
{
    /* core 1's side: its pthread is gone (no reader), so core 0 may move
     * the read index itself */
    struct ring *r = &rx_of[1];
    atomic_store_explicit(&r->head, atomic_load_explicit(&r->tail, memory_order_acquire),
                          memory_order_release);
    atomic_store(&wof[1], 0u);
    atomic_store(&roe[1], 0u);
    (void)port_fifo_drain();             /* core 0's side, as its reader: with no
                                          * core 1 to push, one drain empties it */
    port_fifo_clear_errors();
}

void port_fifo_irq_enable(bool on)
{
    struct host_core *hc = host_this();
    hc->fifo_irq_on = on;
    if (on)
        host_interrupt_point();
}

/* Without a message layer nobody takes FIFO words: keep the interrupt off
 * so an unexpected word cannot storm (as the RP2040 port does). */
__attribute__((weak)) void port_fifo_isr(void)
{
    host_this()->fifo_irq_on = 0;
}
