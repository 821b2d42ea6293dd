/*
 * tandem/types.h: the few types every kernel header shares.
 */
#ifndef TANDEM_TYPES_H
#define TANDEM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/error.h"
#include "tandem/kconfig.h"

/* Each kernel object type's magic number (its 'magic' field while it is
 * initialised; 0 before and after) is a 16-bit value of the form
 * (odd 8-bit number) << 7: as unlikely as any other in memory that is not
 * such an object (no small integer, no multiple of 256), and two
 * instructions on the Cortex-M0+ (MOVS, LSLS) where another value costs a
 * load and a literal word in every function that checks or sets it. */

/* A count of this core's ticks (TD_TICK_HZ per second). It wraps after
 * 2^32 ticks; the kernel compares ticks modulo 2^32, so waits must be
 * shorter than 2^31 ticks. */
typedef uint32_t td_tick_t;

/* Timeouts of blocking calls, in ticks: */
#define TD_NO_WAIT  ((td_tick_t)0)           /* do not block: TD_ERR_WOULD_BLOCK */
#define TD_FOREVER  ((td_tick_t)0xffffffffu) /* block until it happens */
/* The longest finite timeout or delay: 2^31 - 1 ticks (24.8 days at
 * 1 kHz). Tick times wrap and are compared by their signed difference, so
 * a longer one cannot be told from the past: every call taking a timeout,
 * a sleep, a timer's delay or period, a period refuses it with
 * TD_ERR_PARAM. TD_FOREVER is not a number of ticks and stays allowed. */
#define TD_TIMEOUT_MAX ((td_tick_t)0x7fffffffu)
/* (t > TD_TIMEOUT_MAX && t != TD_FOREVER, in one compare: ~t is positive
 * exactly for those, 1 to 2^31 - 1; MVNS and a compare with 0 on the
 * Cortex-M0+, no literal word) */
#define TD__BAD_TIMEOUT(t) ((int32_t)~(td_tick_t)(t) > 0)

/* Milliseconds and seconds to ticks, rounded up (constant-folded when the
 * argument is constant). A wait of n ticks ends at the n-th tick interrupt
 * after the call, so it lasts between n-1 and n tick periods. */
#if TD_TICK_HZ % 1000u == 0
/* A whole number of ticks per millisecond: the same value as the general
 * form below (the +999 adds nothing to a multiple of 1000, and the product
 * is cut to 32 bits either way), without its 64-bit division, which is a
 * library call when the argument is not constant. */
#define TD_MS(ms)  ((td_tick_t)((td_tick_t)(ms) * (TD_TICK_HZ / 1000u)))
#else
#define TD_MS(ms)  ((td_tick_t)(((uint64_t)(ms) * TD_TICK_HZ + 999u) / 1000u))
#endif
#define TD_SEC(s)  ((td_tick_t)((td_tick_t)(s) * TD_TICK_HZ))

/* A thread's (or a core's first function's) entry point. */
typedef void (*td_entry_t)(void *arg);

/* Objects that are not yet bound to a core carry this core number; the
 * first call from a core binds them to it. */
#define TD_CORE_ANY 0xffu

struct td_thread;
struct td_mutex;

/* Bookkeeping inside a lockable object while a thread owns it (the owner
 * core's list of held objects: deadlock help and release after a fault,
 * see tandem/fault.h). Private. */
struct td_held {
    struct td_held *next;
    uint32_t since;      /* owner core's tick when taken */
    uint8_t kind;
    uint8_t warned;      /* hold limit reported */
};

/* The waiting state every cross-core object (td_xmutex, td_xsem) shares:
 * the hardware spinlock guarding the object and how many threads of each
 * core wait for it. Private (kernel/xsync.h). */
struct td_xwaits {
    uint8_t spin;        /* guarding spinlock (TD_SPIN_XSYNC range) */
    uint8_t nwait[2];    /* waiters per core */
};

#endif /* TANDEM_TYPES_H */
