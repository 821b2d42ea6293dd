/*
 * kernel/panic.c: td_panic (tandem/panic.h), every module's way out when no
 * caller can be told. Once a kernel started, it is the fault path the
 * fault module registered (a "kernel panic" report, then the core's
 * policy); before that (a kernel that could not start) it prints
 * "PANIC core N: reason" and ends the run.
 */
#include "panic_sys.h"

#include "core.h"
#include "tandem/panic.h"

static td_panic_path_t path;

TD_FAULT_CODE void td__panic_set_path(td_panic_path_t p)
{
    TD_STORE_RELEASE(path, p);
}

TD_FAULT_CODE void td_panic(const char *reason)
{
    td_panic_path_t p = TD_LOAD_ACQUIRE(path);
    if (p != NULL)
        p(reason, (uintptr_t)__builtin_return_address(0), (uintptr_t)__builtin_frame_address(0));
    char head[] = "PANIC core 0: ";
    head[11] = (char)('0' + port_core_id());
    port_irq_save();
    port_console_write(head, sizeof head - 1u);
    size_t n = 0;
    while (reason != NULL && reason[n] != '\0')
        n++;
    port_console_write(reason, n);
    port_console_write("\n", 1);
    port_exit(3);
}
