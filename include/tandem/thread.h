/*
 * tandem/thread.h: threads.
 *
 * A thread belongs for life to the core that created it and is scheduled by
 * that core's kernel only. Its control block (td_thread_t) and stack are
 * owned by the caller: static (TD_THREAD_DEFINE, TD_STACK_DEFINE) or any
 * storage that outlives the thread. Priorities run from TD_PRIO_MIN (0,
 * least urgent) to TD_PRIO_MAX (31, most urgent); the idle thread is below
 * them all. States: DORMANT (initialised, not started), READY, RUNNING,
 * BLOCKED (waiting for an object, maybe with a timeout), SLEEPING,
 * SUSPENDED, EXITED.
 *
 * "Thread only": may not be called from an interrupt (TD_ERR_IN_ISR).
 * "This core": the thread must belong to the calling core
 * (TD_ERR_WRONG_CORE otherwise).
 */
#ifndef TANDEM_THREAD_H
#define TANDEM_THREAD_H

#include "tandem/types.h"
#include "port_limits.h"

#define TD_PRIO_MIN    0u
#define TD_PRIO_MAX    31u
#define TD_PRIO_COUNT  32u

/* The smallest stack td_thread_init accepts, in bytes: the port's minimum
 * plus the guard at the bottom of every stack (PORT_STACK_GUARD bytes of
 * canary, inaccessible while the thread runs on the chip: docs/faults.md). */
#define TD_STACK_MIN   (PORT_STACK_MIN + PORT_STACK_GUARD)
/* Alignment a thread stack needs (td_heap_alloc(size, TD_STACK_ALIGN, ..)). */
#define TD_STACK_ALIGN PORT_STACK_ALIGN

enum td_thread_state {
    TD_THREAD_DORMANT = 1,
    TD_THREAD_READY,
    TD_THREAD_RUNNING,
    TD_THREAD_BLOCKED,
    TD_THREAD_SLEEPING,
    TD_THREAD_SUSPENDED,
    TD_THREAD_EXITED,
};

/* The thread control block: 48 bytes on the chip. Fields are private (the
 * ones the switch and wake paths use come first, where the M0+ reaches them
 * with one instruction). */
typedef struct td_thread {
    void *ctx;                     /* port context (saved stack pointer) */
    struct td_thread *next, *prev; /* ready list or wait list */
    struct td_thread **wq;         /* wait list the thread is on (while BLOCKED) */
    uint8_t magic;
    uint8_t prio;                  /* effective priority (stored relaxed: read anywhere) */
    uint8_t base;                  /* priority set by the program */
    uint8_t state;                 /* enum td_thread_state (stored relaxed: read anywhere) */
    uint8_t core;
    uint8_t flags;
    int8_t result;                 /* how the last wait ended */
    uint8_t slice;                 /* ticks run in this time slice; wait options while blocked */
    struct td_thread *tnext;       /* this core's timeout list */
    td_tick_t wake;                /* tick at which a timed wait ends */
    union { uint32_t u; void *p; } wdata; /* what the wait is about */
    const char *name;
    uint32_t *stack;               /* lowest usable stack word (painted; the guard below) */
    struct td_thread *knext;       /* this core's list of started threads */
} td_thread_t;

/* Storage for a stack of 'bytes' usable bytes (the port's reserve and the
 * guard added), aligned: TD_STACK_DEFINE(worker_stack, 512); prefix with
 * static if wanted. */
#define TD_STACK_WORDS(bytes) (((bytes) + PORT_STACK_RESERVE + PORT_STACK_GUARD + 7u) / 8u)
#define TD_STACK_DEFINE(name, bytes) \
    uint64_t name[TD_STACK_WORDS(bytes)] __attribute__((aligned(PORT_STACK_ALIGN)))

/* A static control block 'name' and its static stack 'name##_stack', at
 * file or function scope (always static storage, never on a stack):
 *   TD_THREAD_DEFINE(worker, 512);
 *   td_thread_create(&worker, worker_stack, sizeof worker_stack, ...); */
#define TD_THREAD_DEFINE(name, bytes) \
    static td_thread_t name; static TD_STACK_DEFINE(name##_stack, bytes)

/* Prepare thread t on the calling core, DORMANT until td_thread_start.
 * stack/size: caller-owned stack (painted now, for td_thread_stack_free);
 * name: kept by pointer, may be NULL; prio: TD_PRIO_MIN..TD_PRIO_MAX;
 * entry(arg) runs when started; returning from it exits the thread.
 * Returns 0, TD_ERR_PARAM (null t/stack/entry, prio out of range),
 * TD_ERR_STACK (size below TD_STACK_MIN or misaligned stack), TD_ERR_BUSY
 * (t is a thread that has not exited), TD_ERR_IN_ISR. Thread only, or
 * before the kernel of this core starts. */
int td_thread_init(td_thread_t *t, void *stack, size_t size, const char *name,
                   unsigned prio, td_entry_t entry, void *arg);

/* Make a DORMANT thread READY; it preempts the caller if more urgent.
 * Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_WRONG_CORE, TD_ERR_STATE
 * (not DORMANT), TD_ERR_IN_ISR. Thread only (or before start), this core. */
int td_thread_start(td_thread_t *t);

/* td_thread_init then td_thread_start: the usual way. Same returns. */
int td_thread_create(td_thread_t *t, void *stack, size_t size, const char *name,
                     unsigned prio, td_entry_t entry, void *arg);

/* The calling thread (NULL before this core's kernel starts). Anywhere. */
td_thread_t *td_thread_self(void);

/* Give the processor to the next READY thread of the same priority, if
 * any (round robin). Returns 0, TD_ERR_IN_ISR. Thread only. */
int td_thread_yield(void);

/* End the calling thread: it becomes EXITED and threads joining it wake.
 * Returning from the entry does the same. Nothing it owned stays owned:
 * each mutex and cross-core mutex it holds goes to its most urgent waiter
 * (or is unlocked), each td_lock it took is released, each message
 * endpoint it subscribed is given up as td_msg_unsubscribe does and each
 * channel side it attached is detached (docs/kernel.md, "Life cycles").
 * Thread only (from an interrupt or the idle thread it calls td_panic).
 * Never returns. */
void td_thread_exit(void) __attribute__((noreturn));

/* Wait until thread t has exited, at most timeout ticks. Returns 0,
 * TD_ERR_TIMEOUT, TD_ERR_WOULD_BLOCK (timeout 0, not exited), TD_ERR_PARAM,
 * TD_ERR_UNINIT, TD_ERR_WRONG_CORE, TD_ERR_DEADLOCK (t is the caller),
 * TD_ERR_IN_ISR, TD_ERR_IDLE, TD_ERR_STATE (would wait with interrupts
 * masked). Thread only, this core. */
int td_thread_join(td_thread_t *t, td_tick_t timeout);

/* Take a READY or RUNNING thread (the caller itself, or another) off the
 * processor until td_thread_resume_isr. Returns 0, TD_ERR_PARAM (idle
 * thread), TD_ERR_UNINIT, TD_ERR_WRONG_CORE, TD_ERR_STATE (blocked,
 * sleeping, suspended, dormant or exited), TD_ERR_IN_ISR. Thread only,
 * this core. */
int td_thread_suspend(td_thread_t *t);

/* Make a SUSPENDED thread READY again. Returns 0, TD_ERR_PARAM,
 * TD_ERR_UNINIT, TD_ERR_WRONG_CORE, TD_ERR_STATE (not suspended).
 * Thread or interrupt, this core. */
int td_thread_resume_isr(td_thread_t *t);

/* Change t's priority (the base priority: a mutex may lend it a higher one
 * for a while). Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_WRONG_CORE,
 * TD_ERR_STATE (exited). Thread or interrupt, this core. */
int td_thread_set_priority(td_thread_t *t, unsigned prio);

/* t's effective priority, or a negative TD_ERR_* code. Anywhere. */
int td_thread_priority(const td_thread_t *t);

/* t's state (enum td_thread_state; RUNNING for the caller), or a negative
 * TD_ERR_* code (TD_ERR_PARAM, TD_ERR_UNINIT). Anywhere. */
int td_thread_state(const td_thread_t *t);

/* t's name ("" if none, or NULL if t is not a valid thread). Anywhere. */
const char *td_thread_name(const td_thread_t *t);

/* Bytes at the bottom of t's stack never written since td_thread_init (its
 * stack high-water margin), or a negative TD_ERR_* code (TD_ERR_PARAM,
 * TD_ERR_UNINIT, TD_ERR_WRONG_CORE). Thread or interrupt, this core. */
long td_thread_stack_free(const td_thread_t *t);

#endif /* TANDEM_THREAD_H */
