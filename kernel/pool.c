/*
 * kernel/pool.c: same-core fixed-block memory pools.
 */
#include "sched.h"

#include "tandem/pool.h"

__attribute__((noinline)) static int check(td_pool_t *p, const void *arg)
{
    return arg == NULL ? TD_ERR_PARAM : TD_CHECK(p, td_pool_t, TD_POOL_MAGIC);
}

int td_pool_init(td_pool_t *p, void *buf, size_t block_size, size_t blocks)
{
    if (p == NULL || buf == NULL || ((uintptr_t)buf & (sizeof(void *) - 1u)) ||
        block_size == 0 || block_size > 0xffffu - sizeof(void *) ||
        blocks == 0 || blocks > 0xffffu)
        return TD_ERR_PARAM;
    if (p->magic == TD_POOL_MAGIC && (p->waiters != NULL || p->nfree != p->blocks))
        return TD_ERR_BUSY;                      /* waited on, or blocks in use */
    size_t bs = TD_POOL_BLOCK(block_size);
    uint8_t *b = buf;
    for (size_t i = 1; i < blocks; i++, b += bs)
        *(void **)(void *)b = b + bs;    /* each free block names the next */
    *(void **)(void *)b = NULL;
    p->waiters = NULL;
    p->free = buf;
    p->buf = buf;
    p->block = (uint16_t)bs;
    p->blocks = (uint16_t)blocks;
    p->nfree = (uint16_t)blocks;
    p->core = (uint8_t)port_core_id();
    p->magic = TD_POOL_MAGIC;
    return TD_OK;
}

int td_pool_deinit(td_pool_t *p)
{
    int r = check(p, p);
    if (r)
        return r;
    port_irq_state_t s = port_irq_save();
    if (p->waiters != NULL || p->nfree != p->blocks)
        r = TD_ERR_BUSY;
    else
        p->magic = 0;
    port_irq_restore(s);
    return r;
}

static int take(td_pool_t *p, void **block)
{
    void *b = p->free;
    if (b == NULL)
        return TD_ERR_WOULD_BLOCK;
    p->free = *(void **)b;
    p->nfree--;
    *block = b;
    return TD_OK;
}

int td_pool_alloc(td_pool_t *p, void **block, td_tick_t timeout)
{
    int r = block == NULL ? TD_ERR_PARAM : TD_CHECK_CALL(p, td_pool_t, TD_POOL_MAGIC, timeout);
    if (r)
        return r;
    td_core_t *c = td__core();
    port_irq_state_t s = port_irq_save();
    r = take(p, block);
    if (r == TD_ERR_WOULD_BLOCK)
        return td__block(c, &p->waiters, timeout, s, block);
    port_irq_restore(s);
    return r;
}

int td_pool_alloc_isr(td_pool_t *p, void **block)
{
    int r = check(p, block);
    if (r)
        return r;
    port_irq_state_t s = port_irq_save();
    r = take(p, block);
    port_irq_restore(s);
    return r;
}

int td_pool_free_isr(td_pool_t *p, void *block)
{
    int r = check(p, block);
    if (r)
        return r;
    uintptr_t off = (uintptr_t)block - (uintptr_t)p->buf;
    if (off >= (uintptr_t)p->block * p->blocks || off % p->block != 0)
        return TD_ERR_PARAM;
    port_irq_state_t s;
    td_core_t *c = td__core_masked(&s);
    td_thread_t *w = p->waiters;
    if (w != NULL) {                          /* straight to the waiter */
        *(void **)w->wdata.p = block;
        td__wake(c, w, TD_OK);
    } else if (p->nfree >= p->blocks) {
        r = TD_ERR_PARAM;                     /* more frees than blocks */
    } else {
        *(void **)block = p->free;
        p->free = block;
        p->nfree++;
    }
    td__resched_restore(c, s);
    return r;
}

int td_pool_available(const td_pool_t *p)
{
    int r = TD_VALID(p, td_pool_t, TD_POOL_MAGIC);
    return r ? r : p->nfree;
}
