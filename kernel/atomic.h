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
 *
 * The full fences the cross-core code relies on, each one side of a pair
 * (store, fence, look at what the other side stores). tools/barriers.sh
 * (the 'barriers' suite) checks this list against the code: every
 * TD_FENCE_SEQ_CST() of kernel/ is listed here, with the file and function
 * it is in, and every listed one is there; and that the macros compile to
 * a hardware barrier the compiler keeps in place (docs/testing.md).
 *   fence chan.c notify: the index moved, then the other side's want
 *   fence chan.c wait_for: want set, then the index (pairs with notify)
 *   fence link.c td__link_post: a doorbell counted, then the FIFO's room
 *   fence msg.c out_move: starve counted, then consumed (pairs with consumed)
 *   fence msg.c consumed: consumed counted, then starve (pairs with out_move)
 *   fence msg.c td_msg_subscribe: the slot reset, then its depth published
 *   fence msg.c send_owned: the endpoint found cleared, then the peer's state
 *     again (a stopping core records its fault before it clears endpoints)
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
