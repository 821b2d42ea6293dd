/*
 * kernel/atomic.h: access to memory that the other core (or an interrupt
 * handler) reads or writes at the same time. Private to kernel/.
 *
 * Every such access goes through one of these macros, and each name says
 * its memory order, so a reader sees what a line promises:
 *   TD_LOAD_RELAXED(x), TD_STORE_RELAXED(x, v)
 *       atomic (never torn), no ordering: a flag or counter read for its own
 *       value, a field with a single writer;
 *   TD_LOAD_ACQUIRE(x)     accesses after it stay after it;
 *   TD_STORE_RELEASE(x, v) accesses before it stay before it (the pair
 *       publishes what was written before the store);
 *   TD_INC_RELAXED(x)      x + 1 by its only writer (no read-modify-write
 *       race to guard against, so no exclusive access is needed);
 *   TD_FENCE_SEQ_CST()     a full fence: a store before it is seen by the
 *       other core before a load after it is made (store, fence, look: of two
 *       sides doing so one always sees the other).
 * x is an lvalue; the macros take its address.
 */
#ifndef TANDEM_KERNEL_ATOMIC_H
#define TANDEM_KERNEL_ATOMIC_H

#define TD_LOAD_RELAXED(x)     __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define TD_STORE_RELAXED(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define TD_LOAD_ACQUIRE(x)     __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define TD_STORE_RELEASE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define TD_INC_RELAXED(x)      TD_STORE_RELAXED(x, TD_LOAD_RELAXED(x) + 1u)
#define TD_FENCE_SEQ_CST()     __atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif /* TANDEM_KERNEL_ATOMIC_H */
