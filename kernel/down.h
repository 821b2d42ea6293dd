/*
 * kernel/down.h: what the kernel does when a core goes down, each module
 * for its own state. Private to kernel/; owned by kernel/down.c.
 *
 * Every module that keeps state per core (threads, heaps, the held lists
 * of td_mutex and td_xmutex, the cross-core waiters of td_xmutex and
 * td_xsem, messages, channels, the console's draining core) registers one
 * handler; the spinlocks (with
 * td_lock's, the console's and a port device's) are given back first by
 * the table itself (kernel/spin.h), since the handlers take them. Supervision and the link
 * run the table; they know nothing of what the handlers tear down.
 *
 * The stages, in the order a core goes through them:
 *   TD_DOWN_NOTICE   the other core announced that it goes down (its fault
 *                    notice, kernel/link.h): end every wait that depends on
 *                    it. This core's FIFO interrupt.
 *   TD_DOWN_STOPPED  it stopped for good (halted after a fault, or held in
 *                    reset): give back what it held. This core's
 *                    supervision (its tick), interrupts masked, every
 *                    spinlock that core held already released.
 *   TD_DOWN_RESET    core 1 went through a reset (core 0, after STOPPED):
 *                    forget its side of what the cores share.
 *   TD_DOWN_FRESH    core 1 is about to start a fresh kernel (core 0, after
 *                    RESET): forget its threads and its memory.
 * A handler is called for every stage and acts on those it cares about:
 * handler(core, stage), 'core' being the core that went down, run on the
 * other one with interrupts masked.
 *
 * The table is a static array filled at run time: a module registers its
 * handler the first time it makes state of the kind (td__down_register,
 * from a path no measurement covers; at most TD_DOWN_MAX handlers). A
 * table in a linker section would have to be kept whole by the linker
 * script, which keeps every module that has an entry: channels would be
 * linked into every image. Registered at first use, a handler comes only
 * with the module that registers it.
 */
#ifndef TANDEM_KERNEL_DOWN_H
#define TANDEM_KERNEL_DOWN_H

#include "core.h"

enum td_down_stage {
    TD_DOWN_NOTICE,
    TD_DOWN_STOPPED,
    TD_DOWN_RESET,
    TD_DOWN_FRESH,
};

typedef void (*td_down_fn)(unsigned core, unsigned stage);

#define TD_DOWN_MAX 12u

/* Register handler fn (once; registering it again changes nothing). Either
 * core, thread or interrupt context, interrupts in any state; not from a
 * handler. A full table is a kernel panic (TD_DOWN_MAX too small). */
void td__down_register(td_down_fn fn);

/* Register fn the first time this line runs (a flag of its own keeps the
 * later runs to one load). */
#define TD_DOWN_REGISTER_ONCE(fn)                                                     \
    do {                                                                              \
        static uint8_t td__registered_;                                               \
        if (!TD_LOAD_RELAXED(td__registered_)) {                                      \
            td__down_register(fn);                                                    \
            TD_STORE_RELAXED(td__registered_, (uint8_t)1);                            \
        }                                                                             \
    } while (0)

/* Core 'core' went down to 'stage': (STOPPED: give back its spinlocks,
 * then) call every handler, with interrupts masked. The other core, thread
 * or interrupt context (STOPPED: from the tick, where this core holds no
 * spinlock). */
void td__down_run(unsigned core, unsigned stage);

#endif /* TANDEM_KERNEL_DOWN_H */
