/*
 * tandem/panic.h: the fault hook for errors that cannot be returned.
 *
 * The kernel calls td_panic where no caller can be told (a thread exiting
 * from an interrupt, the idle thread returning, a corrupted kernel list).
 * The default (weak) one prints "PANIC core N: reason" on the console and
 * ends the run with port_exit(3); the fault module replaces it.
 */
#ifndef TANDEM_PANIC_H
#define TANDEM_PANIC_H

/* Report 'reason' and stop. Anywhere. Never returns. */
void td_panic(const char *reason) __attribute__((noreturn));

#endif /* TANDEM_PANIC_H */
