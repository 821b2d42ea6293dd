/*
 * kernel/panic_sys.h: where td_panic goes (private to kernel/; owned by
 * kernel/panic.c; the API is tandem/panic.h).
 */
#ifndef TANDEM_KERNEL_PANIC_SYS_H
#define TANDEM_KERNEL_PANIC_SYS_H

#include <stdint.h>

/* The fault path td_panic takes from now on (the fault module registers it
 * as the first kernel starts): path(reason, the caller's return address,
 * td_panic's frame). It does not return. */
typedef void (*td_panic_path_t)(const char *reason, uintptr_t ret, uintptr_t sp);
void td__panic_set_path(td_panic_path_t path);

#endif /* TANDEM_KERNEL_PANIC_SYS_H */
