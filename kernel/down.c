/*
 * kernel/down.c: the table of "core went down" handlers (kernel/down.h).
 */
#include "down.h"

#include "spin.h"
#include "tandem/hwtable.h"
#include "tandem/panic.h"

static td_down_fn table[TD_DOWN_MAX];   /* shared by both cores, filled in order */

TD_FAULT_CODE void td__down_register(td_down_fn fn)
{
    port_irq_state_t s = port_irq_save();
    td__spin_lock(TD_SPIN_KERNEL);
    unsigned i = 0;
    while (i < TD_DOWN_MAX && table[i] != NULL && table[i] != fn)
        i++;
    if (i < TD_DOWN_MAX && table[i] == NULL)
        TD_STORE_RELEASE(table[i], fn);
    td__spin_unlock(TD_SPIN_KERNEL);
    port_irq_restore(s);
    if (i == TD_DOWN_MAX)
        td_panic("down: table full");
}

TD_FAULT_CODE void td__down_run(unsigned core, unsigned stage)
{
    port_irq_state_t s = port_irq_save();
    if (stage == TD_DOWN_STOPPED)
        td__spin_release_core(core);
    for (unsigned i = 0; i < TD_DOWN_MAX; i++) {
        td_down_fn fn = TD_LOAD_ACQUIRE(table[i]);
        if (fn == NULL)
            break;
        fn(core, stage);
    }
    port_irq_restore(s);
}
