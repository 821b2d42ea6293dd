/*
 * kernel/panic.c: td_panic (tandem/panic.h), every module's way out when no
 * caller can be told, and the failure of a call-class check (kernel/core.h).
 * Once a kernel started, both are the fault path the fault module
 * registered (a "kernel panic" or "assertion failed" report, then the
 * core's policy); before that (a kernel that could not start) they print
 * "PANIC core N: reason" and end the run.
 */
#include "panic_sys.h"

#include "core.h"
#include "tandem/fault.h"
#include "tandem/panic.h"

static td_panic_path_t path;

TD_FAULT_CODE void td__panic_set_path(td_panic_path_t p)
{
    TD_STORE_RELEASE(path, p);
}

/* No fault path yet: say it and end the run. */
static void early(const char *reason) __attribute__((noreturn));
TD_FAULT_CODE static void early(const char *reason)
{
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

TD_FAULT_CODE void td_panic(const char *reason)
{
    td_panic_path_t p = TD_LOAD_ACQUIRE(path);
    if (p != NULL)
        p(TD_FAULT_PANIC, NULL, 0, reason, (uintptr_t)__builtin_return_address(0),
          (uintptr_t)__builtin_frame_address(0));
    early(reason);
}

#ifdef TD_DEBUG_CLASS
void td__class_fail(const char *file, int line, const char *what)
{
    td_panic_path_t p = TD_LOAD_ACQUIRE(path);
    if (p != NULL)
        p(TD_FAULT_ASSERT, file, line, what, (uintptr_t)__builtin_return_address(0),
          (uintptr_t)__builtin_frame_address(0));
    early(what);
}
#endif
