/*
 * kernel/sched.h: the per-core kernel instance and the scheduler's internal
 * interface (private to kernel/).
 *
 * Every function here is called with this core's interrupts masked unless
 * it says otherwise, and works on the calling core's instance only.
 */
#ifndef TANDEM_KERNEL_SCHED_H
#define TANDEM_KERNEL_SCHED_H

#include "port.h"
#include "tandem/thread.h"
#include "tandem/timer.h"

#define TD_THREAD_MAGIC 0xd5u
#define TD_STACK_PAINT  0xa5a5a5a5u

/* td_thread_t.flags */
#define TF_TIMED  0x01u  /* on the core's timeout list */
#define TF_MUTEX  0x02u  /* wq is a td_mutex's wait list */
#define TF_XSYNC  0x04u  /* waits for a cross-core object (wdata.p) */
#define TF_XSEM   0x08u  /* ... which is a td_xsem (else a td_xmutex) */
#define TF_IDLE   0x10u  /* the core's idle thread */

/* For the few helpers of the hot paths that -Os would otherwise call, and
 * for the error paths kept out of them. */
#define TD_HOT  static inline __attribute__((always_inline))
#define TD_COLD __attribute__((noinline, cold))

/* One core's kernel. */
typedef struct td_core {
    td_thread_t *current;            /* running thread */
    td_thread_t *idle;
    uint32_t ready_map;              /* bit p: ready[p] not empty */
    td_thread_t *ready[TD_PRIO_COUNT]; /* circular lists, head runs first */
    td_thread_t *timeouts;           /* timed waits, soonest first */
    td_timer_t *timers;              /* started timers, soonest first */
    td_thread_t *joiners;            /* threads in td_thread_join */
    td_thread_t *xwaiters;           /* threads waiting for cross-core objects */
    void (*idle_hook)(void);
    struct td_held *held;            /* mutexes owned by this core's threads */
    td_thread_t *threads;            /* started threads (not idle), newest first */
    td_tick_t tick;
    uint32_t switches;
    uint8_t slice;                   /* time slice in ticks, 0 = off */
    uint8_t running;                 /* read by the other core (atomic) */
} td_core_t;

extern td_core_t td_cores[PORT_NUM_CORES];

/* The calling core's kernel instance. */
static inline td_core_t *td__core(void) { return &td_cores[port_core_id()]; }

/* Relaxed atomic access to bytes the other core reads or writes. */
#define TD_LOAD(x)     __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define TD_STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* Bind an object's core byte to the calling core on first use. Returns 0 or
 * TD_ERR_WRONG_CORE. Any context, interrupts in any state. */
int td__bind_slow(uint8_t *core);
static inline int td__bind(uint8_t *core)
{
    return TD_LOAD(*core) == port_core_id() ? TD_OK : td__bind_slow(core);
}

/* Take / release a kernel-internal hardware spinlock (interrupts masked). */
void td__spin_lock(unsigned n);
static inline void td__spin_unlock(unsigned n) { port_spin_release(n); }

/* Checks for a call that is about to block the current thread, with the
 * interrupt state s from port_irq_save: TD_ERR_STATE (kernel not running or
 * interrupts were masked by the caller), TD_ERR_IDLE, or 0. */
int td__can_wait(const td_core_t *c, port_irq_state_t s);

/* Wait lists: circular, doubly linked through next/prev, head first. */
void td__list_add_tail(td_thread_t **head, td_thread_t *t);
void td__list_add_prio(td_thread_t **head, td_thread_t *t); /* urgent first, FIFO among equals */
void td__list_del(td_thread_t **head, td_thread_t *t);

void td__ready(td_core_t *c, td_thread_t *t);    /* make READY, at the tail of its level */
void td__unready(td_core_t *c, td_thread_t *t);  /* take off the ready lists */
/* The thread that should run: head of the highest non-empty ready list
 * (found without a division or a library call: the M0+ has no CLZ). */
static inline td_thread_t *td__top(const td_core_t *c)
{
    static const uint8_t high_bit[16] = { 0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3 };
    uint32_t m = c->ready_map;
    unsigned p = 0;
    if (m == 0)
        return c->idle;
    if (m >> 16) {
        m >>= 16;
        p = 16;
    }
    if (m >> 8) {
        m >>= 8;
        p += 8;
    }
    if (m >> 4) {
        m >>= 4;
        p += 4;
    }
    return c->ready[p + high_bit[m]];
}
void td__resched(td_core_t *c);                  /* request a switch if top != current */

/* Block the current thread on wait list wq (NULL: a plain sleep) until woken
 * or until tick 'deadline' (if timed). td__wait_prep queues it; the caller
 * may then adjust (priority inheritance) and must call td__wait_commit,
 * which performs the switch as the interrupt mask s is restored and
 * returns how the wait ended (0, TD_ERR_TIMEOUT or what the waker set). */
void td__wait_prep(td_core_t *c, td_thread_t **wq, bool timed, td_tick_t deadline);
int td__wait_commit(td_core_t *c, port_irq_state_t s);
/* td__wait_prep + td__wait_commit with a relative timeout (not 0). */
int td__wait(td_core_t *c, td_thread_t **wq, td_tick_t timeout, port_irq_state_t s);

/* End t's wait with 'result': off its wait list and timeout list, READY. */
void td__wake(td_core_t *c, td_thread_t *t, int result);

/* Set t's effective priority, re-sorting whatever list holds it and passing
 * the change along chains of mutex owners. */
void td__set_prio(td_core_t *c, td_thread_t *t, unsigned prio);

/* From mutex.c: t's priority with what its mutexes' waiters lend it. */
unsigned td__mutex_effective(const td_thread_t *t);
/* From timer.c: fire the timers due at tick 'now' (interrupts enabled). */
void td__timer_tick(td_core_t *c);
/* From xsync.c: a cross-core waiter gave up (timeout); and the pollers. */
void td__xsync_cancel(const td_thread_t *t, unsigned flags);
void td__xsync_poll(td_core_t *c);
/* Byte copy (no C library in the kernel). */
void td__copy(void *dst, const void *src, size_t n);

#endif /* TANDEM_KERNEL_SCHED_H */
