/*
 * tandem/heap.h: one heap per core, for start-up allocation (as Oberon
 * RTK's two-core design gives each core its own).
 *
 * Each core owns a heap in its own memory region (on the RP2040 the linker
 * script's __heap0_start__..__heap0_end__ after the shared data, and
 * __heap1_start__..__heap1_end__ in core 1's RAM; on the host static arrays
 * the port supplies). A call picks the heap by the calling core's id, so the
 * same code running on either core takes from its own region.
 *
 * Allocation is a bump of a pointer (no free): meant for thread stacks,
 * control blocks, buffers and objects made while the program starts. When a
 * core's start-up is done, td_heap_lock makes every later allocation from
 * its heap fail with TD_ERR_LOCKED, so memory use after start-up is fixed
 * and visible (td_heap_stats). Allocation from an interrupt is refused.
 *
 * Core 0 may prepare core 1's objects in core 1's heap (td_heap_alloc_on)
 * until core 1's kernel runs; from then on only core 1 allocates there.
 * When core 0 restarts core 1 after a fault (tandem/fault.h), core 1's heap
 * goes back to where it was when core 1's kernel first started, unlocked, so
 * core 1's entry function gets the same blocks again.
 */
#ifndef TANDEM_HEAP_H
#define TANDEM_HEAP_H

#include "tandem/types.h"

/* Static variables in core 1's own memory region (on the RP2040 CORE1_RAM,
 * docs/memory.md), set up by core 0's start-up before core 1 runs, once
 * per boot (not again when core 1 is restarted after a fault):
 *   static TD_CORE1_DATA uint32_t gain = 3;      initialised
 *   static TD_CORE1_BSS  uint8_t buf[512];       zeroed
 * On the host port they are ordinary statics. */
#if defined(__arm__)
#define TD_CORE1_DATA __attribute__((section(".core1_data")))
#define TD_CORE1_BSS  __attribute__((section(".core1_bss")))
#else
#define TD_CORE1_DATA
#define TD_CORE1_BSS
#endif

/* Alignment of a block when the caller asks for 0: 8 bytes. Thread stacks
 * need TD_STACK_ALIGN (tandem/thread.h). */
#define TD_HEAP_ALIGN_DEFAULT 8u

/* Allocate 'size' bytes (> 0) aligned to 'align' (a power of two, 0 for
 * TD_HEAP_ALIGN_DEFAULT, at most 4096) from the calling core's heap; the
 * block is zeroed. On success *out is the block. Returns 0, TD_ERR_PARAM
 * (out NULL, size 0, bad align), TD_ERR_NO_MEMORY (does not fit; nothing
 * taken), TD_ERR_LOCKED (the heap is locked), TD_ERR_IN_ISR. Thread or
 * start-up code, this core. */
int td_heap_alloc(size_t size, size_t align, void **out);

/* As td_heap_alloc, from core 'core's heap. For the calling core's own heap,
 * or for the other core's heap while the other core's kernel is not running
 * (core 0 preparing core 1's objects before launching it). Returns the
 * td_heap_alloc codes, TD_ERR_PARAM (core out of range), TD_ERR_WRONG_CORE
 * (the other core's kernel runs: only it allocates from its heap now).
 * Thread or start-up code, either core. */
int td_heap_alloc_on(unsigned core, size_t size, size_t align, void **out);

/* Lock the calling core's heap: every later allocation from it fails with
 * TD_ERR_LOCKED. Call it when this core's start-up allocation is done.
 * Returns 0, TD_ERR_IN_ISR. Thread or start-up code, this core. */
int td_heap_lock(void);

/* Whether core 'core's heap is locked (false for a bad core). Anywhere. */
bool td_heap_locked(unsigned core);

/* A core's heap figures. */
typedef struct td_heap_stats {
    uintptr_t start;     /* region [start, start + size) */
    size_t size;
    size_t used;         /* bytes taken, alignment padding included */
    size_t free;         /* size - used */
    uint32_t allocs;     /* successful allocations */
    uint32_t failed;     /* refused allocations (no memory, locked) */
    bool locked;
} td_heap_stats_t;

/* Copy core 'core's heap figures into *st. Returns 0, TD_ERR_PARAM.
 * Anywhere, either core. */
int td_heap_stats(unsigned core, td_heap_stats_t *st);

#endif /* TANDEM_HEAP_H */
