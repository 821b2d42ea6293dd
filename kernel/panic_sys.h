/*
 * kernel/panic_sys.h: where td_panic and the call-class checks go (private
 * to kernel/; owned by kernel/panic.c; the API is tandem/panic.h).
 */
#ifndef TANDEM_KERNEL_PANIC_SYS_H
#define TANDEM_KERNEL_PANIC_SYS_H

#include <stdint.h>

/* The fault path td_panic (reason TD_FAULT_PANIC) and a failed call-class
 * check (TD_FAULT_ASSERT, kernel/core.h) take from now on; the fault module
 * registers it as the first kernel starts: path(reason, file, line, text,
 * the caller's return address, the frame). It does not return. */
typedef void (*td_panic_path_t)(unsigned reason, const char *file, int line, const char *text,
                                uintptr_t ret, uintptr_t sp);
void td__panic_set_path(td_panic_path_t path);

#endif /* TANDEM_KERNEL_PANIC_SYS_H */
