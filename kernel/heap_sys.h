/*
 * kernel/heap_sys.h: the heaps' side for the rest of the kernel and for
 * tests (private; owned by kernel/heap.c; the API is tandem/heap.h).
 */
#ifndef TANDEM_KERNEL_HEAP_SYS_H
#define TANDEM_KERNEL_HEAP_SYS_H

#include <stdbool.h>
#include <stdint.h>

/* Core 'core''s kernel started: remember where its heap stands (the first
 * time only; a restarted core 1 goes back there, TD_DOWN_FRESH). */
void td__heap_started(unsigned core);

/* For tests: the heap's next free address, and setting it back. */
uintptr_t td__heap_top(unsigned core);
void td__heap_set(unsigned core, uintptr_t top, bool locked);

#endif /* TANDEM_KERNEL_HEAP_SYS_H */
