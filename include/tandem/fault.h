/*
 * tandem/fault.h: fault records, reports, policies and supervision.
 *
 * One fault path for both cores (Oberon RTK's one run-time error record per
 * core): a HardFault, a stack overflow (MPU guard, stack limit or canary), a
 * failed TD_ASSERT or a td_panic is
 *   1. recorded in the core's fault record (shared memory; with the reboot
 *      policy also in the watchdog scratch registers),
 *   2. told to the other core (the message layer's system endpoint, and the
 *      record itself, which the other core's supervision reads),
 *   3. reported once, as one block on the console that no other output cuts
 *      into, even if the faulting core held the console lock,
 *   4. acted on by the core's policy.
 * The report, the policies and what the Cortex-M0+ can and cannot tell are
 * described in docs/faults.md.
 *
 * Each core's kernel also supervises the other (from its tick): it notices a
 * core that halted after a fault and releases what that core held (spinlocks,
 * td_lock, cross-core mutexes, its waiters' places), restarts core 1 under
 * the restart policy, reports a core that stopped answering (no tick for
 * TD_FAULT_HEARTBEAT_MS: a lockup, or interrupts masked far too long), and
 * reports a lock or mutex held longer than the hold limit while others wait.
 */
#ifndef TANDEM_FAULT_H
#define TANDEM_FAULT_H

#include "tandem/types.h"

/* ---- settings (override with -D) ---------------------------------------------- */

/* A core whose tick has not advanced for this long is reported as not
 * responding by the other core. */
#ifndef TD_FAULT_HEARTBEAT_MS
#define TD_FAULT_HEARTBEAT_MS 200u
#endif
/* A core that started its fault path and has not finished it after this
 * long is treated as stopped (its report is cut short, e.g. a lockup). */
#ifndef TD_FAULT_REPORT_MS
#define TD_FAULT_REPORT_MS 2000u
#endif
/* Default hold limit (td_fault_set_hold_limit), ms; 0 turns the check off. */
#ifndef TD_FAULT_HOLD_MS
#define TD_FAULT_HOLD_MS 2000u
#endif
/* Return addresses kept for the call chain of a report. */
#ifndef TD_FAULT_CHAIN
#define TD_FAULT_CHAIN 8u
#endif

/* ---- what happened ------------------------------------------------------------- */

enum td_fault_reason {
    TD_FAULT_NONE = 0,
    TD_FAULT_HARDFAULT,        /* a HardFault whose cause could not be decoded */
    TD_FAULT_NULL,             /* load/store near address 0 (the null guard) */
    TD_FAULT_BAD_ADDRESS,      /* load/store to an unmapped or forbidden address */
    TD_FAULT_MISALIGNED,       /* halfword/word access to a misaligned address */
    TD_FAULT_BAD_INSTRUCTION,  /* undefined instruction (UDF, or not ARMv6-M) */
    TD_FAULT_BAD_JUMP,         /* execution at a bad address or in ARM state */
    TD_FAULT_STACK,            /* a thread's stack overflowed (guard, limit, canary) */
    TD_FAULT_MAIN_STACK,       /* a core's main (interrupt) stack overflowed */
    TD_FAULT_ASSERT,           /* TD_ASSERT failed */
    TD_FAULT_PANIC,            /* td_panic: the kernel found an impossible state */
    TD_FAULT_LOCKUP,           /* the core stopped answering (seen by the other core) */
    TD_FAULT_EXIT,             /* port_exit's BKPT on a board without a debugger */
    TD_FAULT_WATCHDOG,         /* a thread missed its watchdog check-in (tandem/watchdog.h);
                                * a kernel that missed its check-in is TD_FAULT_LOCKUP */
    TD_FAULT_REASONS
};

/* td_fault_record_t.flags */
#define TD_FAULT_F_FRAME_LOST 0x01u  /* pc/lr/xpsr lost: the stack was full */
#define TD_FAULT_F_IN_ISR     0x02u  /* the fault interrupted a handler (exc) */
#define TD_FAULT_F_ESCALATED  0x04u  /* the policy could not apply: the core halted */
#define TD_FAULT_F_CANARY     0x08u  /* found by the canary / stack-limit check */
#define TD_FAULT_F_PREVIOUS   0x10u  /* read back after a reboot */
#define TD_FAULT_F_MASKED     0x20u  /* interrupts were masked at the fault */
#define TD_FAULT_F_CONSOLE    0x40u  /* the core held the console lock at the fault */
#define TD_FAULT_F_HW_WATCHDOG 0x80u /* the previous run ended by the chip's watchdog
                                      * counter running out: no record, core unknown */

/* A core's fault record (the last fault of that core). */
typedef struct td_fault_record {
    uint32_t seq;                  /* faults of this core so far (1 = first) */
    uint8_t core;
    uint8_t reason;                /* enum td_fault_reason */
    uint8_t action;                /* policy applied (enum td_fault_policy) */
    uint8_t flags;                 /* TD_FAULT_F_* */
    uint8_t exc;                   /* active exception number, 0: a thread ran */
    uint8_t nchain;                /* entries in chain[] */
    uint16_t line;                 /* TD_ASSERT's line */
    uint16_t report_bytes;         /* length of the report printed */
    int32_t code;                  /* exit status (TD_FAULT_EXIT); ms without a check-in
                                      (TD_FAULT_LOCKUP, TD_FAULT_WATCHDOG); or 0 */
    uint32_t pc, lr, sp, xpsr;     /* pc/lr/xpsr 0 if lost */
    uint32_t r[5];                 /* r0-r3, r12 */
    uint32_t addr;                 /* the address involved (reason-dependent; the
                                      watchdog's limit in ms for its misses) */
    const char *file;              /* TD_ASSERT's file, or NULL */
    const char *text;              /* TD_ASSERT's expression / td_panic's reason */
    char thread[16];               /* the thread's name, "" if none */
    uint32_t chain[TD_FAULT_CHAIN];/* likely call chain: pc, then return addresses */
    uint64_t time_us;              /* td_time_us() at the fault */
    uint32_t fault_cycles;         /* port cycles at the fault path's entry */
    uint32_t report_cycles;        /* port cycles when the report started out */
} td_fault_record_t;

/* The name of a reason ("stack overflow"), or "?" . Anywhere. */
const char *td_fault_reason_name(unsigned reason);

/* Copy core 'core's last fault record into *out. Returns 0, TD_ERR_EMPTY (no
 * fault yet), TD_ERR_PARAM. Anywhere. */
int td_fault_last(unsigned core, td_fault_record_t *out);

/* Number of faults core 'core' had since boot (0 for a bad core). Anywhere. */
uint32_t td_fault_count(unsigned core);

/* The fault that ended the previous run through the reboot policy (read
 * back at start-up, reported once then): pc, lr, sp, xpsr, reason, core,
 * thread name; flags has TD_FAULT_F_PREVIOUS. Returns 0, TD_ERR_EMPTY,
 * TD_ERR_PARAM (out NULL).
 * Anywhere. */
int td_fault_previous(td_fault_record_t *out);

/* ---- what to do about it --------------------------------------------------------- */

enum td_fault_policy {
    TD_FAULT_HALT = 0,     /* stop the faulting core (the default, both cores) */
    TD_FAULT_KILL_THREAD,  /* end the faulting thread, keep the core running;
                            * a fault no thread can be blamed for (interrupt
                            * handler, interrupts masked, idle) halts instead */
    TD_FAULT_RESTART,      /* core 1 only: core 0 resets core 1, releases what it
                            * held and calls its entry function again */
    TD_FAULT_REBOOT,       /* keep the record in the watchdog scratch registers,
                            * reboot the chip; reported again after start-up */
    TD_FAULT_POLICIES
};

/* Set core 'core's policy. Returns 0, TD_ERR_PARAM (core or policy out of
 * range, TD_FAULT_RESTART for core 0). Anywhere, either core. */
int td_fault_set_policy(unsigned core, unsigned policy);

/* Core 'core's policy, or TD_ERR_PARAM. Anywhere. */
int td_fault_policy(unsigned core);

/* Times core 0 restarted core 1 under TD_FAULT_RESTART. Anywhere. */
uint32_t td_fault_restarts(void);

/* Where a core stands, as its supervisor sees it. */
enum td_core_state {
    TD_CORE_DOWN = 0,      /* its kernel never started (or it is being restarted) */
    TD_CORE_RUNNING,
    TD_CORE_FAULTING,      /* in its fault path */
    TD_CORE_HALTED,        /* stopped after a fault (or restarting) */
};

/* Core 'core's state (enum td_core_state), or TD_ERR_PARAM. Anywhere. */
int td_fault_core_state(unsigned core);

/* ---- assertions and deadlock help --------------------------------------------------- */

/* Check an invariant; if it is false the fault path runs with reason
 * TD_FAULT_ASSERT (file, line, expression in the report). Compiled out with
 * -DTD_ASSERT_OFF. Anywhere. */
#ifdef TD_ASSERT_OFF
#define TD_ASSERT(cond) ((void)0)
#else
#define TD_ASSERT(cond) \
    ((cond) ? (void)0 : td_assert_fail(__FILE__, __LINE__, #cond))
#endif

/* What TD_ASSERT calls: the fault path with reason TD_FAULT_ASSERT. Never
 * returns: under TD_FAULT_KILL_THREAD a calling thread (interrupts enabled)
 * ends; otherwise the core halts, is restarted or the chip reboots.
 * Anywhere. */
void td_assert_fail(const char *file, int line, const char *expr) __attribute__((noreturn));

/* Report a td_lock, td_mutex or td_xmutex held longer than 'ms' while
 * another thread or core waits for it (td_lock: while held at all), with
 * its owner core and thread, once per holding. 0 turns it off. Default
 * TD_FAULT_HOLD_MS. Returns 0. Anywhere. */
int td_fault_set_hold_limit(uint32_t ms);

/* Number of hold reports made since boot. Anywhere. */
uint32_t td_fault_hold_reports(void);

#endif /* TANDEM_FAULT_H */
