/*
 * tandem/panic.h: the fault hook for errors that cannot be returned.
 *
 * The kernel calls td_panic where no caller can be told (a thread exiting
 * from an interrupt, the idle thread returning, a corrupted kernel list).
 * Once a kernel runs it is the fault path: a "kernel panic" report, then
 * the core's policy (tandem/fault.h); before that (a kernel that could not
 * start) it prints "PANIC core N: reason" and ends the run with
 * port_exit(3).
 */
#ifndef TANDEM_PANIC_H
#define TANDEM_PANIC_H

/* Report 'reason' and stop. Anywhere. Never returns. */
void td_panic(const char *reason) __attribute__((noreturn));

#endif /* TANDEM_PANIC_H */
