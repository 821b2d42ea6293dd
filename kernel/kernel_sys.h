/*
 * kernel/kernel_sys.h: starting the kernels, for the rest of the kernel
 * (private to kernel/; owned by kernel/kernel.c; the API is
 * tandem/kernel.h).
 */
#ifndef TANDEM_KERNEL_KERNEL_SYS_H
#define TANDEM_KERNEL_KERNEL_SYS_H

/* Launch core 1 again with the entry and argument of its first launch (it
 * is reset by the launch; its kernel marked not running). Returns 0 or the
 * port's launch error; TD_ERR_STATE if core 1 was never launched. Core 0,
 * any context. */
int td__kernel_relaunch_core1(void);

#endif /* TANDEM_KERNEL_KERNEL_SYS_H */
