/*
 * kernel/trace.h: the kernel's trace points, their kinds and the one macro
 * that places them. Private to kernel/; the ring a board build writes is
 * kernel/trace.c's (tandem/trace.h reads it).
 *
 * A trace point is one line, TD_TRACE(kind, a, b), at the spot where the
 * kernel does what the kind names; a and b are two words whose meaning the
 * kind gives (below). What the line compiles to is chosen at build time by
 * TD_TRACE_MODE (the Makefile's TRACE=):
 *
 *   0  off (the default): nothing. The kernel's code is byte for byte the
 *      code written without the trace points (make test checks it).
 *   1  emulator (TRACE=sim): no instruction and no data either. The line
 *      is a C label, td_trace_k<kind>_<n>, and two unused variables
 *      holding a and b (tandem/trace.h's TD__TRACE_POINT). The compiler
 *      drops all three from the code, and keeps them in the debug
 *      information: the address where the label would be, and where the
 *      values of a and b are at that address (a register, a constant, an
 *      expression of registers, a stack slot). tandem-sim reads that
 *      (sim/lib/dwarf.js) and notes the event when a core reaches the
 *      address, with the core's cycle count, at no cost to the program.
 *      Debug information never changes the generated code, so the code is
 *      byte for byte that of the off build (make test checks both the
 *      kernel's objects and whole images). Where the compiler no longer
 *      knows a value at the label's address, the emulator says so and
 *      records 0.
 *   2  ring (TRACE=ring): a call that writes the event, with this core's
 *      cycle count, into this core's RAM ring (kernel/trace.c), for a board,
 *      with interrupts masked around it.
 *      Each point also leaves a record in the ELF section .td_trace (not
 *      loaded): the label's address, the kind and where a and b are there
 *      (an asm statement's operands), so that the emulator can check the
 *      ring against what it saw.
 *
 * Where the label lands: at the next instruction the compiler emits after
 * the line (in mode 1 the compiler may also move neighbouring instructions
 * across it: the event's time is that of the instruction it lands on). If
 * that instruction is also where another path joins (the line ends a
 * branch of an if), the point would fire for both paths, and nothing
 * detects it. Hence the rule: put the line before the
 * statement that does what it records, in the same block, never as the last
 * statement of a branch.
 */
#ifndef TANDEM_KERNEL_TRACE_H
#define TANDEM_KERNEL_TRACE_H

#include <stdint.h>

#ifndef TD_TRACE_MODE
#define TD_TRACE_MODE 0
#endif

/* The kinds, and what a and b are. "thread" is a td_thread_t pointer. */
#define TD_TR_SWITCH      1  /* a: thread leaving (NULL: the core's first), b: thread entering */
#define TD_TR_THREAD      2  /* a: thread initialised, b: its name (const char *) */
#define TD_TR_EXIT        3  /* a: thread ended, b: 0 */
#define TD_TR_IRQ_ENTER   4  /* a: the handler (TD_TR_IRQ_*), b: 0, or for a device's
                                handler the chip's interrupt number */
#define TD_TR_IRQ_EXIT    5  /* a: the handler, b: as at its entry */
#define TD_TR_WAIT        6  /* a: wait list (NULL: a sleep), b: 1 if timed, 0 if not */
#define TD_TR_WAIT_X      7  /* a: the cross-core object's waits (struct td_xwaits), b: 0;
                                the WAIT on the core's cross-core list follows */
#define TD_TR_WAKE        8  /* a: thread woken, b: how its wait ended (0, TD_ERR_*) */
#define TD_TR_LOCK_TAKE   9  /* a: lock (td_lock, td_mutex, td_xmutex), b: the holder thread */
#define TD_TR_LOCK_GIVE  10  /* a: lock, b: the thread that held it */
#define TD_TR_MSG_SEND   11  /* a: message word into the FIFO, b: the sending endpoint */
#define TD_TR_MSG_DELIVER 12 /* a: message word out of the FIFO, b: the endpoint (NULL: none) */
#define TD_TR_EP_DEPTH   13  /* a: endpoint, b: words now in its in-buffer */
#define TD_TR_QUEUE      14  /* a: queue, b: items now in it */
#define TD_TR_FAULT      15  /* a: fault reason (TD_FAULT_*), b: the thread (NULL: none) */
#define TD_TR_MARK       16  /* a, b: a program's own event (td_trace_mark) */
#define TD_TR_KINDS      17

/* a of TD_TR_IRQ_ENTER/EXIT: which handler. The kernel's own, or a
 * device's (the drivers', a program's: td_trace_irq_enter/exit in
 * tandem/trace.h, ring builds only), whose b is its interrupt number. */
#define TD_TR_IRQ_TICK   1
#define TD_TR_IRQ_FIFO   2
#define TD_TR_IRQ_DEVICE 3

#define TD__TR_WORD(x) ((uint32_t)(uintptr_t)(x))

#if TD_TRACE_MODE == 0

#define TD_TRACE(kind, a, b) ((void)0)

#else

/* The record of one trace point in .td_trace (not loaded: no memory used):
 * word-aligned, the label's address (4 bytes), the kind, the sizes of a and
 * b in bytes, then where each is as a NUL-terminated string. Each record's
 * section is linked to the code it describes (the "o" flag: SHF_LINK_ORDER),
 * so the linker's --gc-sections keeps exactly the records of the code it
 * keeps. */
#define TD__TRACE_RECORD(kind, a, b)                                                   \
    __asm__ __volatile__ __inline__(".Ltd_trace%=:\n\t"                                                 \
                   ".pushsection .td_trace,\"o\",%%progbits,.Ltd_trace%=\n\t"          \
                   ".balign 4\n\t"                                                    \
                   ".4byte .Ltd_trace%=\n\t"                                          \
                   ".byte %c0, %c1, %c2\n\t"                                          \
                   ".asciz \"%3\"\n\t"                                                \
                   ".asciz \"%4\"\n\t"                                                \
                   ".popsection"                                                      \
                   :                                                                  \
                   : "n"(kind), "n"(sizeof(a)), "n"(sizeof(b)), "rn"(a), "rn"(b))

#if TD_TRACE_MODE == 1
#include "tandem/trace.h"      /* TD__TRACE_POINT: shared with td_trace_mark */
#define TD_TRACE(kind, a, b) TD__TRACE_POINT(kind, a, b, __COUNTER__)
#elif TD_TRACE_MODE == 2
#include "port.h"
/* Write one event into this core's ring (kernel/trace.c), interrupts masked
 * by the caller. */
void td__trace_put(uint32_t kind, uint32_t a, uint32_t b);
/* The label inside the masked stretch: no interrupt's event comes between
 * the label and the write, so the ring holds what the emulator saw, in order. */
#define TD_TRACE(kind, a, b)                                                           \
    do {                                                                              \
        port_irq_state_t td_tr_s_ = port_irq_save();                                  \
        TD__TRACE_RECORD(kind, a, b);                                                 \
        td__trace_put((kind), TD__TR_WORD(a), TD__TR_WORD(b));                        \
        port_irq_restore(td_tr_s_);                                                   \
    } while (0)
#else
#error "TD_TRACE_MODE: 0 (off), 1 (emulator) or 2 (ring)"
#endif

#endif /* TD_TRACE_MODE */

#endif /* TANDEM_KERNEL_TRACE_H */
