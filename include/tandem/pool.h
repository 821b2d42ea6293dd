/*
 * tandem/pool.h: fixed-block memory pools for threads of one core.
 *
 * A pool cuts caller-owned storage into equal blocks. Allocation takes a
 * free block (or waits for one); freeing hands the block straight to the
 * most urgent waiter, if any. Binding to a core as for semaphores.
 */
#ifndef TANDEM_POOL_H
#define TANDEM_POOL_H

#include "tandem/types.h"

typedef struct td_pool {
    struct td_thread *waiters;
    void *free;          /* first free block; each holds the next's address */
    uint8_t *buf;
    uint16_t block;      /* block size, bytes, a multiple of a pointer */
    uint16_t blocks;
    uint16_t nfree;
    uint16_t magic;
    uint8_t core;
} td_pool_t;

#define TD_POOL_MAGIC 0x4880u   /* 0x91 << 7 (tandem/types.h) */
/* Block size for items of 'bytes' bytes (rounded up to a pointer). */
#define TD_POOL_BLOCK(bytes) \
    ((((bytes) + sizeof(void *) - 1u) / sizeof(void *)) * sizeof(void *))
/* Storage for n blocks of 'bytes' bytes: TD_POOL_STORAGE(bufs, 64, 8); */
#define TD_POOL_STORAGE(name, bytes, n) \
    void *name[(TD_POOL_BLOCK(bytes) / sizeof(void *)) * (n)]

/* Cut buf (pointer-aligned, at least TD_POOL_BLOCK(block_size) * blocks
 * bytes) into 'blocks' free blocks (1..65535) of block_size (1..65535)
 * bytes, bound to the calling core. Returns 0, TD_ERR_PARAM, TD_ERR_BUSY
 * (p is a pool with waiters or blocks in use; nothing changed). Thread or
 * interrupt. */
int td_pool_init(td_pool_t *p, void *buf, size_t block_size, size_t blocks);

/* Forget p. Refused while threads wait or blocks are out (their holders
 * would free them into a forgotten pool), as init again is: free them
 * first. p is on no list of the kernel. Returns 0, TD_ERR_PARAM,
 * TD_ERR_UNINIT, TD_ERR_WRONG_CORE, TD_ERR_BUSY (waiters, or blocks still
 * allocated; nothing changed). Thread or interrupt, p's core. */
int td_pool_deinit(td_pool_t *p);

/* Take a block into *block, waiting at most timeout ticks. Returns 0,
 * TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_WRONG_CORE, TD_ERR_IN_ISR, TD_ERR_IDLE, TD_ERR_STATE. Thread only,
 * p's core. */
int td_pool_alloc(td_pool_t *p, void **block, td_tick_t timeout);

/* Non-blocking alloc: 0, TD_ERR_WOULD_BLOCK (none free), TD_ERR_PARAM,
 * TD_ERR_UNINIT, TD_ERR_WRONG_CORE. Thread or interrupt, p's core. */
int td_pool_alloc_isr(td_pool_t *p, void **block);

/* Give a block back. Returns 0, TD_ERR_PARAM (not a block of p, or every
 * block is already free), TD_ERR_UNINIT, TD_ERR_WRONG_CORE. Thread or
 * interrupt, p's core. */
int td_pool_free_isr(td_pool_t *p, void *block);

/* Free blocks, or a negative TD_ERR_* code. Anywhere. */
int td_pool_available(const td_pool_t *p);

#endif /* TANDEM_POOL_H */
