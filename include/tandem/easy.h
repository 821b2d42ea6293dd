/*
 * tandem/easy.h: the beginner layer, after MicroPython's _thread module.
 *
 * The seed program
 *
 *     sLock = _thread.allocate_lock()
 *     def CoreTask():
 *         while True:
 *             sLock.acquire(); print("..."); sleep(1); sLock.release(); sleep(1)
 *     _thread.start_new_thread(CoreTask, ())
 *
 * reads in C
 *
 *     static td_easy_lock_t *s_lock;
 *     static void core_task(void *arg) {
 *         for (;;) {
 *             td_acquire(s_lock); td_printf("...\n"); td_sleep_s(1);
 *             td_release(s_lock); td_sleep_s(1);
 *         }
 *     }
 *     int main(void) {
 *         s_lock = td_allocate_lock();
 *         td_start_new_thread(core_task, NULL);
 *         ...
 *     }
 *
 * A lock here is a cross-core mutex (td_xmutex): it may be held across
 * sleeps and a waiting core sleeps instead of spinning. As on MicroPython
 * for the RP2040, there is one extra thread and it runs on core 1.
 */
#ifndef TANDEM_EASY_H
#define TANDEM_EASY_H

#include "tandem/xmutex.h"

typedef td_xmutex_t td_easy_lock_t;

/* Run fn(arg) on core 1, as core 1's first thread. Returns 0, or the error
 * of td_kernel_launch_core1 (TD_ERR_BUSY if core 1 already runs).
 * Thread only, core 0. */
int td_start_new_thread(td_entry_t fn, void *arg);

/* A new unlocked lock from a fixed pool of TD_EASY_LOCKS, or NULL when all
 * are handed out or when called from an interrupt handler (none handed
 * out then). Thread only, either core. */
td_easy_lock_t *td_allocate_lock(void);

/* Wait for the lock and take it, without a time limit (td_xmutex_lock
 * with TD_FOREVER; td_xmutex_lock(lock, timeout) is the bounded form).
 * Returns 0, TD_ERR_PARAM (NULL), TD_ERR_UNINIT (not a lock),
 * TD_ERR_IN_ISR, TD_ERR_OVERFLOW (taken again too often by its owner),
 * TD_ERR_IDLE, TD_ERR_STATE (td_xmutex_lock's). Thread only, either core. */
int td_acquire(td_easy_lock_t *lock);

/* Release the lock. Returns 0, TD_ERR_NOT_OWNER, TD_ERR_PARAM (NULL),
 * TD_ERR_UNINIT (not a lock), TD_ERR_IN_ISR. Thread only. */
int td_release(td_easy_lock_t *lock);

/* Sleep the calling thread for s seconds or ms milliseconds (rounded up to
 * whole ticks). Returns 0, TD_ERR_PARAM (longer than TD_TIMEOUT_MAX ticks:
 * about 24 days at 1 kHz; nothing slept), or td_sleep's errors. Thread
 * only. */
int td_sleep_s(uint32_t s);
int td_sleep_ms(uint32_t ms);

#endif /* TANDEM_EASY_H */
