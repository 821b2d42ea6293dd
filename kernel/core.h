/*
 * kernel/core.h: the per-core kernel instance (td_core_t), the one struct
 * that holds all of a core's kernel state, and the calling core's. Private
 * to kernel/ and to tests; owned by kernel/core.c.
 *
 * Each core writes its own instance; the other core reads only the fields
 * marked "read by the other core", atomically (kernel/atomic.h), and its
 * own core writes those atomically too (a plain write beside the other
 * core's atomic read is a data race all the same). The
 * instance from 'slice' on is zeroed when its core's kernel starts
 * (td_kernel_start), 'current' set to NULL: a restarted core 1 gets a
 * fresh one. 'running' (0 then) and 'state' are left alone: the other core
 * reads them all along.
 *
 * Layout: the Cortex-M0+ reaches a byte field in one load only at offsets
 * up to 31 and a word field up to 124, so the bytes come first and the
 * 32 ready lists last.
 */
#ifndef TANDEM_KERNEL_CORE_H
#define TANDEM_KERNEL_CORE_H

#include "atomic.h"
#include "port.h"
#include "tandem/fault.h"
#include "tandem/thread.h"
#include "tandem/timer.h"

/* For the few helpers of the hot paths that -Os would otherwise call, and
 * for the error paths kept out of them. */
#define TD_HOT  static inline __attribute__((always_inline))
#define TD_COLD __attribute__((noinline, cold))

/* Code and constant data that serve only the fault module: clean-up after
 * a core went down, what a thread ended by a fault gives back, the hold
 * check. They live with the state they serve, each module's with it, and
 * are counted with the fault module in make bench's footprint
 * (bench/report.js: the sections .text.td_fault and .rodata.td_fault). */
#define TD_FAULT_CODE __attribute__((section(".text.td_fault"), noinline))
#if defined(__PIC__)
/* Position-independent (host) builds keep constants that hold pointers
 * writable until relocated, which a .rodata section cannot be: there the
 * data stays where the compiler puts it (only the target's map is counted). */
#define TD_FAULT_DATA
#else
#define TD_FAULT_DATA __attribute__((section(".rodata.td_fault")))
#endif

/* ---- call classes ------------------------------------------------------------------
 * Every internal entry point says where it may be called (the kernel's
 * public calls say it in their headers); in debug builds it also checks,
 * as ChibiOS's chDbgCheckClassI/S do:
 *   TD_CLASS_MASKED()  this core's interrupts masked by the caller, thread
 *                      or interrupt handler ("interrupts masked");
 *   TD_CLASS_THREAD()  a thread, not an interrupt handler, interrupts
 *                      masked: about to block or switch;
 *   interrupt-safe     anywhere: nothing to check.
 * The checks are compiled in with -DTD_DEBUG_CLASS (the host test builds
 * define it; the target builds do not, so they cost nothing there). A
 * wrong class is a failed assertion: the fault path with reason
 * TD_FAULT_ASSERT and the text "call class: ...". */
#ifdef TD_DEBUG_CLASS
void td__class_fail(const char *file, int line, const char *what) __attribute__((noreturn));
static inline bool td__class_masked(void)
{
    port_irq_state_t s = port_irq_save();
    port_irq_restore(s);
    return s != 0;
}
#define TD_CLASS_MASKED()                                                             \
    ((void)(td__class_masked() ||                                                     \
            (td__class_fail(__FILE__, __LINE__, "call class: interrupts masked"), 0)))
#define TD_CLASS_THREAD()                                                             \
    ((void)((!port_in_isr() && td__class_masked()) ||                                 \
            (td__class_fail(__FILE__, __LINE__,                                       \
                            "call class: a thread with interrupts masked"), 0)))
#else
#define TD_CLASS_MASKED() ((void)0)
#define TD_CLASS_THREAD() ((void)0)
#endif

/* One core's kernel. */
typedef struct td_core {
    td_thread_t *current;            /* running thread; read by the other core (the
                                        hold check, a lockup or watchdog report, to
                                        name it; td_thread_state): stored and loaded
                                        relaxed, so the switch pays no barrier. The
                                        reader follows it only to the name, written
                                        when the thread was made, long before it ran
                                        (a load through the pointer it loaded: every
                                        supported CPU keeps the two in order) */
    uint8_t running;                 /* the kernel runs; read by the other core */
    uint8_t state;                   /* enum td_core_state (tandem/fault.h); read by
                                        the other core. HALTED: this core stopped
                                        for good and gives back nothing it holds */
    uint8_t slice;                   /* time slice in ticks, 0 = off */
    td_thread_t *top;                /* the thread that should run (td__top), or
                                        NULL when it has to be looked up */
    td_thread_t *loose;              /* the top thread while it is on no ready list
                                        (handed the processor by a wake: sched.h,
                                        "the loose thread"), else NULL */
    td_thread_t *idle;
    uint32_t ready_map;              /* bit TD__PRIO_BIT(p): ready[p] not empty */
    uint32_t switches;
    td_tick_t tick;
    td_thread_t *timeouts;           /* timed waits, soonest first */
    td_timer_t *timers;              /* started timers, soonest first */
    td_thread_t *joiners;            /* threads in td_thread_join */
    td_thread_t *xwaiters;           /* threads waiting for cross-core objects */
    void (*idle_hook)(void);
    struct td_held *held;            /* lockable objects owned by this core's threads */
    uint32_t sem_word;               /* what a semaphore bound to this core holds in
                                        the word of its magic (TD__CHECK): set by
                                        td_kernel_start, 0 before (no object
                                        matches) */
    td_thread_t *ready[TD_PRIO_COUNT]; /* circular lists, head runs first */
    td_thread_t *threads;            /* started threads (not idle), newest first (last:
                                        the fields before ready[] are the hot ones) */
} td_core_t;

extern td_core_t td__cores[PORT_NUM_CORES];

/* Core 'me''s kernel instance, and the calling core's. The empty asm makes
 * the compiler keep the pointer in a register instead of folding the
 * multiplication into every address (which costs the M0+ more). */
static inline td_core_t *td__core_of(unsigned me)
{
    td_core_t *c = &td__cores[me];
    __asm("" : "+l"(c));
    return c;
}
td_core_t *td__core(void);  /* out of line: smaller where speed does not matter */
/* td__core(), with this core's interrupts masked: their state before in *s
 * (port_irq_save's). The opening of most calls, out of line (smaller where
 * speed does not matter). */
td_core_t *td__core_masked(port_irq_state_t *s);

/* Whether core 'core''s kernel runs (td_kernel_running). Anywhere. */
static inline bool td__core_running(unsigned core)
{
    return TD_LOAD_ACQUIRE(td__cores[core].running) != 0;
}

/* Core 'core''s state (enum td_core_state), and whether it halted: stopped
 * for good, so that whatever it holds is left behind and may be taken over.
 * Set by the halting core itself (its fault path) or by the core that stops
 * it (core 1's stop sequence). Anywhere. */
static inline unsigned td__core_state(unsigned core)
{
    return TD_LOAD_ACQUIRE(td__cores[core].state);
}
static inline bool td__core_halted(unsigned core)
{
    return td__core_state(core) == TD_CORE_HALTED;
}
static inline void td__core_set_state(unsigned core, unsigned state)
{
    TD_STORE_RELEASE(td__cores[core].state, (uint8_t)state);
}

/* Byte copy (no C library in the kernel). Anywhere. */
void td__copy(void *dst, const void *src, size_t n);

#endif /* TANDEM_KERNEL_CORE_H */
