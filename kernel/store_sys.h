/*
 * kernel/store_sys.h: the store module's one private setting (private to
 * kernel/ and to tests; owned by kernel/store.c; the API is tandem/store.h).
 */
#ifndef TANDEM_KERNEL_STORE_SYS_H
#define TANDEM_KERNEL_STORE_SYS_H

#include "tandem/time.h"

/* How long a store call waits for another (the other core's, or another
 * thread's) to end (the store's cross-core mutex), in ticks: TD_STORE_LOCK_TIMEOUT (20 s by
 * default). A test hook: a test lowers it to reach the refusal
 * (TD_ERR_TIMEOUT) in milliseconds (tests/test_store.c,
 * store_wait_for_the_other_core_bounded); a program sets
 * TD_STORE_LOCK_TIMEOUT instead. Written before the calls it is to bound,
 * read by each call. */
extern td_tick_t td__store_lock_timeout;

#endif /* TANDEM_KERNEL_STORE_SYS_H */
