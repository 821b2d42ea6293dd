/*
 * tandem/event.h: event flags (32 per group) for threads of one core.
 *
 * Setting flags wakes every waiter whose condition now holds (any of its
 * flags, or all of them); a waiter may ask for its flags to be cleared as
 * it is released. Binding to a core as for semaphores.
 */
#ifndef TANDEM_EVENT_H
#define TANDEM_EVENT_H

#include "tandem/types.h"

typedef struct td_event {
    struct td_thread *waiters;
    uint32_t flags;
    uint16_t magic;
    uint8_t core;
} td_event_t;

#define TD_EVENT_MAGIC 0x7380u   /* 0xe7 << 7 (tandem/types.h) */
#define TD_EVENT_INIT { NULL, 0, TD_EVENT_MAGIC, TD_CORE_ANY }
#define TD_EVENT_DEFINE(name) td_event_t name = TD_EVENT_INIT

/* Wait options (td_event_wait 'opts'): */
#define TD_EVENT_ANY   0u  /* released when any flag of the mask is set */
#define TD_EVENT_ALL   1u  /* released when every flag of the mask is set */
#define TD_EVENT_CLEAR 2u  /* clear the mask's flags on release */

/* Initialise e with no flags set, bound to the calling core. Returns 0,
 * TD_ERR_PARAM, TD_ERR_BUSY (waiters). Thread or interrupt. */
int td_event_init(td_event_t *e);

/* Forget e. The flags still set are discarded and counted: returns how
 * many there were (0..32), or TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_WRONG_CORE, TD_ERR_BUSY (waiters: nothing changes).
 *
 * Life cycle: a flag that was set is seen by a waiter (its *got; with
 * TD_EVENT_CLEAR the waiter takes it off), stays set until td_event_clear,
 * or is counted by td_event_deinit; setting a flag already set changes
 * nothing (flags are not counts). Init again is refused while threads wait
 * (TD_ERR_BUSY) and otherwise clears the flags without counting them: give
 * the group up with td_event_deinit first to learn what it held. The
 * group is on no list of the kernel. Thread or interrupt, e's core. */
int td_event_deinit(td_event_t *e);

/* Wait until the flags in 'mask' (non-zero) satisfy 'opts' (TD_EVENT_ANY or
 * TD_EVENT_ALL, optionally | TD_EVENT_CLEAR), at most timeout ticks. On
 * success *got (if not NULL) receives the flags of the mask that were set.
 * Returns 0, TD_ERR_WOULD_BLOCK, TD_ERR_TIMEOUT, TD_ERR_PARAM,
 * TD_ERR_UNINIT, TD_ERR_WRONG_CORE, TD_ERR_IN_ISR, TD_ERR_IDLE,
 * TD_ERR_STATE. Thread only, e's core. */
int td_event_wait(td_event_t *e, uint32_t mask, unsigned opts, td_tick_t timeout,
                  uint32_t *got);

/* Set the flags in mask and release every waiter now satisfied. Returns 0,
 * TD_ERR_PARAM, TD_ERR_UNINIT, TD_ERR_WRONG_CORE. Thread or interrupt,
 * e's core. */
int td_event_set_isr(td_event_t *e, uint32_t mask);

/* Clear the flags in mask. Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_WRONG_CORE. Thread or interrupt, e's core. */
int td_event_clear(td_event_t *e, uint32_t mask);

/* The flags now set (0 if e is not valid). Anywhere. */
uint32_t td_event_flags(const td_event_t *e);

#endif /* TANDEM_EVENT_H */
