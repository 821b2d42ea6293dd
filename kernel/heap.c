/*
 * kernel/heap.c: one bump-allocated heap per core (tandem/heap.h).
 *
 * A heap is its region from the port, the next free address, and the mark
 * where it stood when its core's kernel first started (a supervised core 1
 * restart goes back there). Allocation takes TD_SPIN_KERNEL briefly: the
 * only time two cores touch one heap is core 0 preparing core 1's objects
 * while core 1 starts.
 */
#include "heap_sys.h"

#include "down.h"
#include "spin.h"

#include "tandem/heap.h"
#include "tandem/hwtable.h"

struct heap {
    uintptr_t start, end;      /* region */
    uintptr_t next;            /* first free byte */
    uintptr_t mark;            /* next when the core's kernel first started */
    uint32_t allocs, failed;
    uint8_t locked, marked;
};

static struct heap heaps[PORT_NUM_CORES];

/* The heap of 'core', its region fetched on first use. Under the lock. */
static struct heap *get(unsigned core)
{
    struct heap *h = &heaps[core];
    if (h->end == 0) {
        port_heap_region(core, &h->start, &h->end);
        h->next = h->start;
    }
    return h;
}

static void zero(void *p, size_t n)
{
    uint32_t *w = p;                 /* blocks are at least 4-aligned */
    for (; n >= 4u; n -= 4u)
        *w++ = 0;
    uint8_t *b = (uint8_t *)w;
    while (n--)
        *b++ = 0;
}

int td_heap_alloc_on(unsigned core, size_t size, size_t align, void **out)
{
    if (out == NULL || size == 0 || core >= PORT_NUM_CORES)
        return TD_ERR_PARAM;
    if (align == 0)
        align = TD_HEAP_ALIGN_DEFAULT;
    if ((align & (align - 1u)) != 0 || align > 4096u)
        return TD_ERR_PARAM;
    if (align < 4u)
        align = 4u;                      /* blocks stay word-aligned */
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (core != port_core_id() && td__core_running(core))
        return TD_ERR_WRONG_CORE;
    int r = TD_OK;
    uintptr_t p = 0;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    struct heap *h = get(core);
    if (h->locked) {
        r = TD_ERR_LOCKED;
    } else {
        p = (h->next + (align - 1u)) & ~(uintptr_t)(align - 1u);
        if (p < h->next || p > h->end || h->end - p < size)
            r = TD_ERR_NO_MEMORY;
        else
            h->next = p + size;
    }
    if (r)
        h->failed++;
    else
        h->allocs++;
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
    if (r)
        return r;
    zero((void *)p, size);
    *out = (void *)p;
    return TD_OK;
}

int td_heap_alloc(size_t size, size_t align, void **out)
{
    return td_heap_alloc_on(port_core_id(), size, align, out);
}

int td_heap_lock(void)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    get(port_core_id())->locked = 1;
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
    return TD_OK;
}

bool td_heap_locked(unsigned core)
{
    return core < PORT_NUM_CORES && TD_LOAD_ACQUIRE(heaps[core].locked) != 0;
}

int td_heap_stats(unsigned core, td_heap_stats_t *st)
{
    if (st == NULL || core >= PORT_NUM_CORES)
        return TD_ERR_PARAM;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    struct heap *h = get(core);
    st->start = h->start;
    st->size = (size_t)(h->end - h->start);
    st->used = (size_t)(h->next - h->start);
    st->free = st->size - st->used;
    st->allocs = h->allocs;
    st->failed = h->failed;
    st->locked = h->locked != 0;
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
    return TD_OK;
}

/* ---- for the kernel (heap_sys.h) ------------------------------------------------ */

/* Core 'core' is about to start a fresh kernel (TD_DOWN_FRESH): back to
 * where its heap stood when its kernel first started, unlocked. */
static void heap_down(unsigned core, unsigned stage)
{
    if (stage != TD_DOWN_FRESH)
        return;
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    struct heap *h = get(core);
    if (h->marked)
        h->next = h->mark;
    h->locked = 0;
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
}

void td__heap_started(unsigned core)
{
    td__down_register(heap_down);
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    struct heap *h = get(core);
    if (!h->marked) {
        h->mark = h->next;
        h->marked = 1;
    }
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
}

uintptr_t td__heap_top(unsigned core)
{
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    uintptr_t t = get(core)->next;
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
    return t;
}

void td__heap_set(unsigned core, uintptr_t top, bool locked)
{
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    struct heap *h = get(core);
    if (top >= h->start && top <= h->end)
        h->next = top;
    h->locked = locked;
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
}
