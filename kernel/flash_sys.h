/*
 * kernel/flash_sys.h: the flash module's one private setting (private to
 * kernel/ and to tests; owned by kernel/flash.c; the API is tandem/flash.h).
 */
#ifndef TANDEM_KERNEL_FLASH_SYS_H
#define TANDEM_KERNEL_FLASH_SYS_H

#include "tandem/time.h"

/* How long a call waits for another writer to finish (the flash mutex), in
 * ticks: TD_FLASH_LOCK_TIMEOUT (10 s by default). A test hook: a test
 * lowers it to reach the refusal (TD_ERR_TIMEOUT) in milliseconds
 * (tests/flash/peer_out.c); a program sets TD_FLASH_LOCK_TIMEOUT instead.
 * Written before the calls it is to bound, read by each call. */
extern td_tick_t td__flash_lock_timeout;

#endif /* TANDEM_KERNEL_FLASH_SYS_H */
