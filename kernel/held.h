/*
 * kernel/held.h: the objects threads own. Private to kernel/ and to tests;
 * owned by kernel/held.c.
 *
 * Every lockable object a thread owns (td_mutex, td_xmutex) is on its core's
 * held list (td_core_t.held, through the object's struct td_held) from the
 * lock that took it to the unlock that freed it. The list serves priority
 * inheritance (a thread's mutexes), the hold check (an object held long
 * while others wait, tandem/fault.h) and giving objects back when their
 * owner goes (the owner thread ended, or its core went down). Its entries
 * have kinds: the module of an object type registers its kind once, with
 * the operations below, so that nothing else needs to know the type.
 * Objects owned through a module's own table (endpoints, channel sides)
 * are given back through an end handler the module registers (below).
 * When a thread ends, nothing it owned stays owned (docs/kernel.md, "Life
 * cycles").
 *
 * Calls: interrupts masked, on the owner's core unless said otherwise.
 */
#ifndef TANDEM_KERNEL_HELD_H
#define TANDEM_KERNEL_HELD_H

#include "core.h"

struct td_held_ops {
    /* The thread that owns h's object. */
    td_thread_t *(*owner)(const struct td_held *h);
    /* The hold check: if threads wait for h's object, describe it into
     * what[n] ("td_mutex 0x..."), the waiters into waiting[n] (core 'me'
     * looks) and return true; false if nobody waits. Interrupts enabled. */
    bool (*waiting)(const struct td_held *h, unsigned me, char *what, char *waiting,
                    size_t n);
    /* The owner thread, of this core (c), is being ended: give the object
     * back (to its waiters). The held list may change. */
    void (*abandon)(td_core_t *c, struct td_held *h);
    /* The owner's core 'core' went down for good: give the object back.
     * On the other core; the entry is already off that core's list. */
    void (*gone)(struct td_held *h, unsigned core);
};

/* The kind number for objects with operations 'ops' (the same for the same
 * ops on both cores), registered at the first call. The module calls it
 * before its first td__held_add. Either core, any context. */
unsigned td__held_kind(const struct td_held_ops *ops);

/* h's object was taken / freed by a thread of core c. */
void td__held_add(td_core_t *c, struct td_held *h, unsigned kind);
void td__held_del(td_core_t *c, struct td_held *h);

/* Give back everything thread t of this core (c) owns: it is ending (its
 * entry returned, td_thread_exit, or the kill policy) and waits on
 * nothing. The objects on the held list go to their waiters (abandon),
 * each registered end handler gives back what its module's tables say t
 * owns, and the td_locks it took are released (kernel/spin.h), in that
 * order. After this no table of the kernel names t as an owner. */
void td__held_abandon(td_core_t *c, td_thread_t *t);

/* ---- owners kept in a module's own table ------------------------------------------
 * Endpoints and channel sides have an owner thread but no entry on the held
 * list: their modules keep their own tables (the endpoint numbers, the
 * channel numbers). Such a module registers, the first time a thread
 * takes one, a handler that gives back what a thread owns: fn(c, t) is
 * called by td__held_abandon, interrupts masked, thread t of this core (c)
 * ending. Either core, thread context, interrupts in any state;
 * registering fn again changes nothing; more than TD_HELD_END_MAX is a
 * kernel panic. */
typedef void (*td_held_end_fn)(td_core_t *c, td_thread_t *t);
#define TD_HELD_END_MAX 4u
void td__held_on_end(td_held_end_fn fn);

/* Core 'core' went down for good: give back every object its threads
 * owned. Interrupts masked, the other core. */
void td__held_gone(unsigned core);

/* The hold check for this core's objects: call report(h, what, waiting,
 * owner) for each one held longer than 'limit' ticks while others wait,
 * once per holding. Thread or interrupt context, interrupts enabled. */
void td__held_check(td_core_t *c, td_tick_t now, td_tick_t limit,
                    void (*report)(const struct td_held *h, const char *what,
                                   const char *waiting, const td_thread_t *owner));

#endif /* TANDEM_KERNEL_HELD_H */
