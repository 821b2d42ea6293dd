/*
 * port/port.h: the port contract, the only way from the portable kernel
 * down to a machine.
 *
 * Two ports implement it: the RP2040, in two layers chosen by the build
 * (PORT=rp2040): its CPU, port/arch/armv6m (two Cortex-M0+ cores:
 * contexts, SysTick, PendSV, the MPU, fault decoding), and the chip itself,
 * port/chip/rp2040 (SIO spinlocks and FIFOs, launch, clocks, drivers); and
 * port/host (POSIX: two pthreads as the two cores, an emulated 8-deep FIFO
 * each way, C11 atomics as spinlocks). The kernel includes this header and
 * nothing below it; a port makes no policy decision, it only does what a
 * function below says.
 *
 * "This core" is the core executing the call. Unless a function says
 * otherwise it may be called from thread or interrupt context on either core.
 */
#ifndef TANDEM_PORT_H
#define TANDEM_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PORT_NUM_CORES      2u
#define PORT_SPINLOCK_COUNT 32u

/* Each port's own constants, from its port_limits.h (port/chip/NAME, which
 * includes its architecture's arch_limits.h, or port/host: whichever is on
 * the include path):
 *   PORT_FIFO_DEPTH     words each inter-core FIFO holds
 *   PORT_STACK_ALIGN    alignment of a thread stack, bytes (power of two)
 *   PORT_STACK_MIN      smallest stack port_context_init accepts, bytes
 *   PORT_STACK_RESERVE  bytes the port needs in every thread stack on top
 *                       of what the thread itself uses (0 on the chip; the
 *                       host's C library and sanitizers need far more);
 *                       TD_STACK_DEFINE adds it, so one source fits both;
 * and, on a chip, its interrupt numbers (PORT_IRQ_*, for tandem/irq.h), the
 * mask of the lines the kernel owns (PORT_IRQ_KERNEL: bit n for interrupt
 * n; tandem/irq.h refuses them with TD_ERR_BUSY) and the interrupt
 * priority levels (PORT_IRQ_PRIO_*: PORT_IRQ_PRIO_LEVELS of
 * them, 0 the most urgent; not thread priorities). */
#include "port_limits.h"

/* ---- the hot primitives ------------------------------------------------------
 * The kernel calls the functions of this section in every operation, so
 * each port defines them in its own port_inline.h (port/chip/NAME, which
 * takes the CPU's from its architecture's arch_inline.h, or port/host:
 * whichever is on the include path), included below: as static
 * inline functions (on the chip each is a few instructions) or as
 * declarations of ordinary functions (the host). Either way they have
 * exactly the signatures given here, which are checked after the include. */

/* unsigned port_core_id(void);
 * The id of this core: 0 or 1 (SIO CPUID on the chip). A thread never
 * changes core, so the value may be read once and kept. */

/* bool port_in_isr(void);
 * True while this core runs an interrupt or exception handler. */

typedef uint32_t port_irq_state_t;

/* port_irq_state_t port_irq_save(void);
 * Mask this core's interrupts and return the previous mask state, for
 * port_irq_restore. Nests: save/restore pairs may be nested freely. The
 * state is 0 if and only if interrupts were enabled before the call (the
 * kernel refuses to block when it is not 0), and is less than 255 (td_lock's
 * record keeps it plus one in a byte: tandem/lock.h). */

/* void port_irq_restore(port_irq_state_t state);
 * Restore this core's interrupt mask to a state returned by port_irq_save.
 * Interrupts that became pending while masked are taken now. */

/* void port_irq_enable(void);
 * port_irq_restore of the state 0 (interrupts enabled), for a caller that
 * knows that is the state to restore (on ARMv6-M one CPSIE instead of
 * a register load and an MSR). */

/* bool port_spin_try(unsigned n);
 * One attempt to claim hardware spinlock n (0..31; the caller keeps n in
 * range). Returns true if this call claimed it; then memory accesses after
 * the call are ordered after the claim (acquire). Never waits. Does not
 * touch the interrupt mask. */

/* void port_spin_release(unsigned n);
 * Release spinlock n (0..31), memory accesses before the call ordered
 * before the release. Releasing a lock that is not held has no effect. */

/* void port_switch_request(void);
 * Ask for a context switch on this core (see "threads and context
 * switching" below). Safe from thread or interrupt context; when called
 * with interrupts masked the switch happens as they are restored; from an
 * interrupt handler, as the handler returns; otherwise within a few
 * instructions. Requests made before the switch is performed coalesce into
 * one. */

/* uint32_t port_fifo_status(void);
 * void port_fifo_push(uint32_t word);
 * uint32_t port_fifo_pop(void);
 * The inter-core FIFO's status, write and read (see "inter-core FIFO"
 * below for what they do): every message and every FIFO interrupt uses
 * them, a few times per word. A push orders the caller's memory accesses
 * before it (for the compiler too: it is no optimisation barrier less than
 * a call). */

/* uintptr_t port_thread_sp(void);
 * The stack pointer of the thread this core's interrupt interrupted (PSP on
 * the chip), for the kernel's stack check in its tick; called by a thread
 * (before port_switch), its own. Interrupt or thread context. */

/* uintptr_t port_own_sp(void);
 * The caller's own stack pointer: in a thread, what port_thread_sp returns
 * there, read directly (SP on the chip, not PSP: the kernel's direct
 * switch checks the leaving thread's stack with it). Anywhere. */

/* void port_guard_thread(const void *guard);
 * Guard [guard, guard + PORT_STACK_GUARD) (aligned to PORT_STACK_GUARD) as
 * the running thread's stack guard, replacing the previous one; NULL: no
 * thread guard. Interrupts masked (called at every switch: from the switch
 * hook, or by a thread just before port_switch). This core. */

#include "port_inline.h"

#define PORT_SIGNATURE_(f, type) \
    _Static_assert(_Generic(&f, type: 1, default: 0), "port_inline.h: " #f " has the wrong type")
PORT_SIGNATURE_(port_core_id, unsigned (*)(void));
PORT_SIGNATURE_(port_in_isr, bool (*)(void));
PORT_SIGNATURE_(port_irq_save, port_irq_state_t (*)(void));
PORT_SIGNATURE_(port_irq_restore, void (*)(port_irq_state_t));
PORT_SIGNATURE_(port_irq_enable, void (*)(void));
PORT_SIGNATURE_(port_spin_try, bool (*)(unsigned));
PORT_SIGNATURE_(port_spin_release, void (*)(unsigned));
PORT_SIGNATURE_(port_switch_request, void (*)(void));
PORT_SIGNATURE_(port_thread_sp, uintptr_t (*)(void));
PORT_SIGNATURE_(port_own_sp, uintptr_t (*)(void));
PORT_SIGNATURE_(port_guard_thread, void (*)(const void *));
PORT_SIGNATURE_(port_fifo_status, uint32_t (*)(void));
PORT_SIGNATURE_(port_fifo_push, void (*)(uint32_t));
PORT_SIGNATURE_(port_fifo_pop, uint32_t (*)(void));

/* ---- hardware spinlocks (the rest) -------------------------------------------- */

/* Bit n set while spinlock n is held (by either core). Diagnostics only. */
uint32_t port_spin_state(void);

/* A port's own spinlock (a system number of tandem/hwtable.h guarding a
 * device both cores use, such as TD_SPIN_USB) is taken and given through
 * these two, defined by the layer above: the kernel records the holder
 * core, takes the spinlock over at once from a holder whose core halted
 * (after a fault, or held in reset), and when a core goes down releases
 * what it held and forgets it (kernel/spin.h). Hold it only for a short
 * section that waits for nothing. Interrupts masked by the caller; either
 * core.
 *
 * Claim spinlock n, spinning while a running core holds it, and record
 * this core as its holder. Returns false, claiming nothing, if this core
 * holds it already (a fault path that interrupted the holder on its own
 * core); the caller then must not give it. */
extern bool port_spin_take_recorded(unsigned n);
/* Release spinlock n, which this core took with port_spin_take_recorded,
 * and forget its holder. */
extern void port_spin_give_recorded(unsigned n);

/* ---- inter-core FIFO (SIO mailboxes) ------------------------------------------
 * Each core writes one FIFO (to the other core) and reads the other.
 * Status bits as FIFO_ST on the chip. WOF and ROE are sticky until cleared. */
#define PORT_FIFO_VLD 0x1u  /* this core's RX FIFO holds data */
#define PORT_FIFO_RDY 0x2u  /* this core's TX FIFO has room */
#define PORT_FIFO_WOF 0x4u  /* a write was made to a full TX FIFO (word lost) */
#define PORT_FIFO_ROE 0x8u  /* a read was made from an empty RX FIFO */

/* port_fifo_status() (a hot primitive, above): the bits below.
 * port_fifo_push(word) (a hot primitive): write one word to the other core.
 * If the FIFO is full the word is lost and WOF is set, as on the chip:
 * check PORT_FIFO_RDY first.
 * port_fifo_pop() (a hot primitive): read one word from the other core. If
 * empty, returns 0 and sets ROE. */
/* Clear this core's sticky WOF and ROE flags. */
void port_fifo_clear_errors(void);
/* Discard the words waiting in this core's RX FIFO when called, and return
 * how many it discarded. Bounded whatever the other core does: it reads at
 * most PORT_FIFO_DEPTH words (all the FIFO can hold), so a peer that keeps
 * pushing cannot keep it; words pushed while it runs may be discarded too,
 * within that bound, or left waiting. A caller that needs the FIFO empty
 * first stops the other core's pushes (a launch: core 1 reset or gone).
 * Sets no error flag. */
unsigned port_fifo_drain(void);
/* Enable or disable this core's FIFO interrupt. While enabled, the port calls
 * port_fifo_isr() (defined by the layer above) in interrupt context on this
 * core whenever VLD, WOF or ROE is set. */
void port_fifo_irq_enable(bool on);
extern void port_fifo_isr(void);
/* A port that defines PORT_FIFO_ISR_PER_CORE (port_limits.h: its chip gives
 * each core's FIFO an interrupt of its own) calls port_fifo_isr_core0() on
 * core 0 and port_fifo_isr_core1() on core 1 instead, with the same
 * contract: the layer above then needs no look at which core it runs on.
 * The port's weak versions call port_fifo_isr(). */
extern void port_fifo_isr_core0(void);
extern void port_fifo_isr_core1(void);
/* Optional (a port that defines PORT_FIFO_IRQ_UNPEND, in its
 * port_inline.h): void port_fifo_irq_unpend(unsigned me), inline, forgets
 * this core's FIFO interrupt if it is pending ('me': this core, as
 * port_core_id() says), for a caller that has done with interrupts masked
 * what the interrupt would have done (kernel/msg.c: a thread that waits in
 * place). The interrupt must be level-sensitive: if VLD, WOF or ROE is set
 * by then, it stays pending. */
/* Optional (a port that defines PORT_FIFO_IRQ_HOLD, in its port_inline.h),
 * for a caller on core 'me' with interrupts masked, both inline:
 * void port_fifo_irq_hold(unsigned me, uint32_t us) turns this core's FIFO
 * interrupt off and starts a timer of this core's own that runs out 'us'
 * microseconds later (again, if called while it runs); void
 * port_fifo_irq_release(unsigned me, bool pend) stops the timer and turns
 * the interrupt on again (made pending first if 'pend'). When the timer
 * runs out, the port calls port_fifo_hold_isr() (defined by the layer
 * above; the port's weak version releases) in interrupt context on that
 * core, which holds on (port_fifo_irq_hold) or releases. While held, the
 * FIFO's words wait in the FIFO for the layer above to take
 * (kernel/msg.c: a receiving thread that keeps up with a stream); the
 * interrupt is level-sensitive, so what is there when it comes on again
 * makes it pending. */
extern void port_fifo_hold_isr(void);

/* Signal an event to both cores (SEV). */
void port_sev(void);
/* Sleep this core until an event or interrupt (WFE). May return spuriously. */
void port_wfe(void);

/* ---- time -------------------------------------------------------------------- */

/* A 64-bit microsecond clock shared by both cores (TIMER on the chip),
 * monotonic, starting near zero at boot. */
uint64_t port_time_us(void);

/* How long core 'core' has run, in microseconds from an arbitrary start,
 * by a clock that advances only while that core runs (waiting for an
 * interrupt or an event counts as running). It bounds a wait for the other
 * core's answer by that core's own time, so that a core not given its CPU
 * is not mistaken for one that does not answer. On a chip, whose cores
 * always run, it is port_time_us(); on the host, the time the core's
 * thread was seen running. Anywhere. */
uint64_t port_core_ran_us(unsigned core);

/* A free-running cycle counter of this core for measurement (wraps). On the
 * chip: clk_sys cycles; on the host: nanoseconds. */
uint32_t port_cycles(void);

/* Start this core's periodic tick at hz (1..100000). The port calls
 * port_tick_isr() (defined by the layer above) in interrupt context on this
 * core, once per period. Returns 0, or TD_ERR_PARAM if hz cannot be made. */
int port_tick_start(uint32_t hz);
/* Stop this core's tick. */
void port_tick_stop(void);
extern void port_tick_isr(void);

/* ---- threads and context switching ---------------------------------------------
 * The kernel keeps, per thread, one opaque context pointer made by
 * port_context_init. There are two ways to switch:
 *  - port_switch: at once, from a thread (the running thread blocks, or
 *    wakes a more urgent one): thread to thread, no exception on the chip;
 *  - port_switch_request: at the next point where interrupts allow (PendSV
 *    on the chip), which calls port_switch_hook() (defined by the layer
 *    above) to choose the context to resume. A requested switch is never
 *    performed inside an interrupt handler or while interrupts are masked:
 *    it waits for the handler to return and the mask to be lifted, as
 *    PendSV at the lowest priority does.
 * A context saved by either way can be resumed by either way. */
typedef void (*port_entry_t)(void *arg);

/* Prepare a new context that will run entry(arg) on the given stack
 * [stack, stack + size), with interrupts enabled. When entry returns, the
 * context calls port_thread_exit_hook() (defined above). The port may keep
 * its own data at the top of the stack. Returns the context pointer, or NULL
 * if the stack is smaller than PORT_STACK_MIN or misaligned. Thread context
 * or start-up code on this core. */
void *port_context_init(void *stack, size_t size, port_entry_t entry, void *arg);

/* void port_switch_request(void): see "the hot primitives". */

/* Switch from the running thread to context 'to' now: store the running
 * thread's context in *from, resume 'to'. Thread context only, interrupts
 * masked by the caller, who had them enabled (port_irq_save returned 0)
 * and restores them when the call returns; the call returns when a later
 * switch resumes *from. 'to' is any context: new from port_context_init,
 * or saved by port_switch or by a requested switch. */
void port_switch(void **from, void *to);
/* The same, for a running thread that stays ready (it woke a more urgent
 * one): the port may save a context that a later port_switch or
 * port_switch_preempt resumes for less and a requested switch for more
 * (ARMv6-M: a short call frame, no exception frame's pc and xPSR; the
 * others: port_switch itself). Its resume is most often a direct switch,
 * when the thread it woke blocks again; a thread that blocks is most often
 * woken from a handler, so port_switch keeps the frame a requested switch
 * resumes as it is. A context saved either way can be resumed either way.
 * Where a context is the stack pointer (PORT_CTX_IS_SP), PORT_CTX_SP(ctx)
 * is the stack pointer a saved context holds, its kind's tag off. */
void port_switch_preempt(void **from, void *to);

/* Called by the port, interrupts masked, to choose the next context.
 * 'current' receives the saved context of the thread being left; the return
 * value is the context to resume (may be the same). */
extern void *port_switch_hook(void *current);

/* Called in the thread's context when a thread's entry function returns.
 * Must not return: it makes the thread leave the processor for good (the
 * kernel marks it exited and requests a switch). */
extern void port_thread_exit_hook(void) __attribute__((noreturn));

/* Leave the start-up context and run 'first' forever, with interrupts
 * enabled. Never returns. The start-up stack stays in use for interrupt
 * handlers on the chip. */
void port_start_first(void *first) __attribute__((noreturn));

/* Sleep this core until an interrupt is pending (WFI); called by the idle
 * thread with interrupts enabled. Pending interrupts are taken before it
 * returns. May return spuriously. Also called with interrupts masked (a
 * thread that waits in place: kernel/msg.c): it then returns once an
 * interrupt is pending, without taking it (WFI wakes on a pending
 * interrupt whatever PRIMASK says). */
void port_idle(void);

/* ---- core 1 lifecycle ------------------------------------------------------------ */

/* Hold core 1 in reset and release it, so it is back in the boot ROM waiting
 * for a launch. Core 0 only. */
void port_core1_reset(void);

/* Reset core 1 (port_core1_reset) and start it running entry(arg) on the
 * stack [stack, stack + size) (NULL: the port's default core 1 stack).
 * Core 0 only (TD_ERR_WRONG_CORE). Returns 0, or TD_ERR_NO_RESPONSE if core 1
 * does not answer the launch handshake within a bounded time. */
int port_core1_launch(port_entry_t entry, void *arg, void *stack, size_t size);

/* ---- console ----------------------------------------------------------------------- */

/* Write bytes to the console device, polled, without any locking. The
 * console module above serialises lines; the fault path calls this directly.
 * Returns how many of the n bytes, from the start, the device took: all
 * of them while it sends; fewer when a UART cannot send (disabled, its
 * transmitter or clock off) or its full FIFO did not move for a bounded
 * time (the FIFO's contents' time at its baud rate, with a margin). The
 * caller counts the rest as lost (docs/console.md). */
size_t port_console_write(const char *s, size_t n);

/* The console's buffered mode (docs/console.md) uses these, never waiting:
 *
 * Write as many of the n bytes as the device takes now (room in its FIFO);
 * returns how many (0..n). No locking. */
size_t port_console_write_some(const char *s, size_t n);
/* True when the device has sent every byte written to it. */
bool port_console_idle(void);
/* Take the console device's interrupt on this core (on: install the
 * handler, priority PORT_IRQ_PRIO_DEVICE, enable it in this core's NVIC) or stop
 * taking it (off). Thread or start-up context, this core. */
void port_console_irq_route(bool on);
/* Ask (on) or stop asking (off) for port_console_isr() (defined by the
 * layer above), called in interrupt context on the core that routed the
 * interrupt whenever the device can take more bytes. Either core. */
void port_console_tx_irq(bool on);
extern void port_console_isr(void);

/* A queued console device (USB serial) moves bytes only while its own
 * interrupt services it, and only while a host listens: each port's
 * port_limits.h defines PORT_CONSOLE_QUEUED (1 for such a device, 0 for a
 * UART or stdout) and PORT_CONSOLE_DRAIN_CORE (the core whose interrupt
 * moves it). The console is then buffered from boot and drops, counted,
 * what does not fit while nobody listens (docs/console.md). */

/* True while what the device is given reaches someone: always for a UART;
 * for USB while the host has the port open (configured, DTR set, not
 * suspended). Anywhere, a snapshot. */
bool port_console_open(void);
/* port_console_write for the fault path while a queued device is open:
 * its wait for the host is bounded (100 ms for USB: the host may have the
 * endpoint halted, or not read); returns how many of the n bytes, from the
 * start, the queued device took. The rest goes to the port's other device
 * (the RP2040's UART pins); the console's loss line says how many bytes
 * went there. Where the other device is the console while the queued one
 * is closed (the RP2040's both route), bytes the closed device did not
 * take are not missing: they count as taken. Defined by ports with
 * PORT_CONSOLE_QUEUED. */
size_t port_console_write_bounded(const char *s, size_t n);
/* Do what the device's interrupt does, once, with this core's interrupts
 * masked (the fault path must see the device move). Anywhere. */
void port_console_poll(void);
/* One byte of console input, or -1 when none waits. Never waits. Either
 * core, thread or interrupt context. */
int port_console_read(void);

/* ---- memory, stack guards and faults ------------------------------------------------
 * Each port's port_limits.h also defines PORT_STACK_GUARD: the bytes at the
 * bottom of every thread stack the kernel keeps as a guard (filled with a
 * canary; on the chip made inaccessible by the MPU while the thread runs).
 * The model: docs/faults.md. */

/* Core 'core's heap region [*start, *end) (on the chip the linker's
 * __heapN_start__/__heapN_end__; on the host static arrays). Anywhere. */
void port_heap_region(unsigned core, uintptr_t *start, uintptr_t *end);

/* Core 'core's main (interrupt) stack [*lo, *hi); its lowest
 * PORT_MAIN_GUARD bytes are its guard. Both 0 when the port has no separate
 * main stack (host). Anywhere. */
void port_main_stack(unsigned core, uintptr_t *lo, uintptr_t *hi);

/* Arm this core's memory protection for good: a no-access guard at the
 * bottom of its main stack, a no-access, execute-never region over the
 * first 256 bytes of the address space (null pointers), the running thread's
 * guard (port_guard_thread), everything else as the default map. Called by
 * the kernel as this core's kernel starts. Returns 0, or TD_ERR_UNSUPPORTED
 * (no memory protection: the canary checks remain). This core. */
int port_guard_init(void);

/* void port_guard_thread(const void *guard): see "the hot primitives". */

/* Prepare the guard [guard, guard + PORT_STACK_GUARD) of a thread stack for
 * port_guard_thread, once, after the kernel filled it with its canary and
 * before the thread first runs: the port may keep what port_guard_thread
 * needs (its register values) in the guard's words below its top word,
 * which stays the kernel's canary. Thread context or before the kernel
 * starts. This core. */
void port_guard_prepare(void *guard);

/* No thread guard, and the change made before the caller's next memory
 * access (port_guard_thread's change is certain only from the next
 * exception return, which every switch passes through; a handler that
 * disarms the guard to write into it itself needs the barrier this adds).
 * Interrupts masked. This core. */
void port_guard_off(void);

/* uintptr_t port_thread_sp(void): see "the hot primitives". */

/* The running thread, whose stack starts at 'stack' (its guard below), was
 * ended from an interrupt handler (the tick's stack check), and this core
 * switches away from it without returning to it: leave the thread stack
 * pointer where the requested switch saves its context, never resumed,
 * within the stack's first PORT_STACK_MIN bytes, above a valid exception
 * frame (a core that unstacks it before taking the pending switch, as an
 * emulator may, finds a thread's frame, not what the stack held). Its
 * limit, where the architecture has one, goes too. Interrupt context. */
void port_thread_abandon(void *stack);

/* Whether v is a plausible return address into this image's code: odd
 * (Thumb), inside the code, right after a BL or BLX. Always false where the
 * port cannot tell (host). Anywhere. */
bool port_code_return(uint32_t v);

/* Look up the stack from sp (at most 1 KiB, within readable memory) for
 * plausible return addresses (port_code_return), storing at most max of
 * them in out, oldest call last. Returns how many; 0 where the port cannot
 * tell (host). Anywhere. */
unsigned port_call_chain(uintptr_t sp, uint32_t *out, unsigned max);

/* The CPU state a fault captured, handed to td__fault_cpu (defined by the
 * layer above) by the port's fault entry, running at fault priority with
 * interrupts masked. */
typedef struct port_fault_frame {
    uint32_t r[13];            /* r0-r12 as at the fault (live, not stacked) */
    uint32_t sp;               /* the faulting context's SP before the frame */
    uint32_t lr, pc, xpsr;     /* from the exception frame (if frame_ok) */
    uint32_t exc_return;       /* the EXC_RETURN value */
    uint32_t msp, psp;         /* both stack pointers after the entry */
    uint32_t primask;          /* PRIMASK at the fault (1: interrupts were masked) */
    uint8_t thread_mode;       /* the fault interrupted thread mode (PSP) */
    uint8_t frame_ok;          /* lr/pc/xpsr were read from a complete frame */
    uint8_t reason;            /* TD_FAULT_* reason the port decoded */
    uint8_t size;              /* for a data access: 1, 2, 4 bytes (0: unknown) */
    uint32_t addr;             /* the address the faulting instruction used (reason-dependent) */
    uint32_t code;             /* BKPT immediate, or 0 */
    uint32_t fsr;              /* the architecture's fault status (0 where it has none: ARMv6-M) */
} port_fault_frame_t;

/* Decode what the faulting instruction (f->pc, with f->r and f->sp) tells,
 * into f->reason, f->addr, f->size, f->code. Used by the fault entry; on the
 * host (no CPU faults) it only sets TD_FAULT_HARDFAULT. Anywhere. */
void port_fault_decode(port_fault_frame_t *f);

/* The report's words for a CPU fault of core 'core' whose cause
 * port_fault_decode could not name (reason TD_FAULT_HARDFAULT): what the
 * architecture's fault status (port_fault_frame_t.fsr) of that core's last
 * CPU fault says, or, where the architecture keeps none, that it keeps
 * none. A string constant. Anywhere. */
const char *port_fault_cause(unsigned core);

/* Called by the port's fault entry (HardFault) with the captured state.
 * Returns the thread context to resume (the faulting thread was killed and
 * another one runs), or does not return. */
extern void *td__fault_cpu(port_fault_frame_t *f);

/* Keep 'n' words (at most PORT_PERSIST_WORDS) across a reboot of the chip
 * (watchdog scratch registers) / read them back. Returns 0, TD_ERR_PARAM,
 * TD_ERR_UNSUPPORTED. Anywhere. */
#define PORT_PERSIST_WORDS 7u
int port_persist_write(const uint32_t *w, unsigned n);
int port_persist_read(uint32_t *w, unsigned n);

/* Reboot the whole chip now (watchdog), both cores. Never returns; on the
 * host the run ends with status 4. Anywhere. */
void port_reboot(void) __attribute__((noreturn));

/* The chip's watchdog, the last line of tandem/watchdog.h: a counter that
 * resets the chip unless fed in time. port_watchdog_start arms it to run
 * out 'ms' ms after each feed (again while armed: the new period); returns
 * 0, TD_ERR_PARAM (ms 0 or above PORT_WATCHDOG_MAX_MS), TD_ERR_UNSUPPORTED
 * (no such device: PORT_WATCHDOG_MAX_MS is 0, the host). port_watchdog_feed
 * starts the period again; port_watchdog_stop disarms it (both do nothing
 * when it is not armed). port_watchdog_timed_out: whether the chip's last
 * reset was this counter running out (false on the host). Anywhere. */
int port_watchdog_start(uint32_t ms);
void port_watchdog_feed(void);
void port_watchdog_stop(void);
bool port_watchdog_timed_out(void);

/* Stop this core for good: interrupts masked, tick stopped, asleep. Core 1
 * can still be reset and launched again by core 0. Never returns. */
void port_halt(void) __attribute__((noreturn));

/* ---- flash ---------------------------------------------------------------------------
 * Erasing and programming the board's flash while the other core runs
 * (kernel/flash.c decides; the port performs one step when told and holds
 * the routines that must not run from flash). Offsets count from the start
 * of the flash (0 = boot2 on the chip). The lockout protocol: docs/flash.md.
 * The chip uses the boot ROM's flash functions from RAM and restores fast
 * XIP with its own boot2 called from RAM; the host port has a RAM array
 * with the same erase/program semantics and can cut the power for tests. */
/* PORT_FLASH_SECTOR (the erase unit, bytes) and PORT_FLASH_PAGE (the
 * program unit): the port's port_limits.h; a chip's also PORT_FLASH_BASE,
 * the address its flash is read at (port/common/flash_window.c). */

/* Bytes of flash. Anywhere. */
uint32_t port_flash_size(void);

/* The running program image, [*start, *end) (on the chip: boot2, code,
 * read-only data and the initial values of RAM data, from the linker).
 * Anywhere. */
void port_flash_image(uint32_t *start, uint32_t *end);

/* The region the linker sets aside for the key-value store, [*start, *end),
 * sector-aligned (empty when the build reserves none). Anywhere. */
void port_flash_store_region(uint32_t *start, uint32_t *end);

/* Where 'offset' can be read as memory (the XIP window on the chip). Valid
 * for offsets below port_flash_size(). Reads are only meaningful while no
 * erase or program runs. Anywhere. */
const uint8_t *port_flash_map(uint32_t offset);

/* 0 if the port can erase and program (on the chip: the boot ROM's six
 * flash functions were found in its table at boot), else
 * TD_ERR_UNSUPPORTED. Anywhere. */
int port_flash_ready(void);

/* Erase the sector at 'offset' (sector-aligned), or program 'page' (256
 * bytes in RAM; 0xff bytes leave the flash as it is) into the page at
 * 'offset' (page-aligned). Each runs from RAM with this core's interrupts
 * masked, and returns with the flash readable again (XIP restored). The
 * caller (the kernel) has made sure the other core does not touch the
 * flash meanwhile. Offsets and alignment are the caller's to check. Thread
 * context, either core. */
void port_flash_erase_sector(uint32_t offset);
void port_flash_program_page(uint32_t offset, const uint8_t *page);

/* The other core's side of a lockout.
 * The kernel owns one lockout record shared by both cores; every word has
 * one writer at a time, so no read-modify-write is needed:
 *   ask      the writer: (token << 1) | the core asked to park; 0 = none
 *   ack      the parked core: the ask it answered (it is parked in RAM)
 *   release  the writer: the ask it is done with
 * A token is never 0; a new request has a new token. */
typedef struct port_flash_lockout {
    volatile uint32_t ask;
    volatile uint32_t ack;
    volatile uint32_t release;
} port_flash_lockout_t;

/* Park this core for the request in l->ask, if it names this core: with
 * interrupts masked and running from RAM only, set l->ack = l->ask, then
 * wait until l->release equals it, l->ask changes (the request was
 * withdrawn or replaced), or max_us microseconds have passed (then make the
 * flash readable again itself, as far as it can). Returns the microseconds
 * spent parked (0 if the request was not for this core or already gone).
 * Called by the kernel in interrupt context on the core being parked. */
uint32_t port_flash_park(port_flash_lockout_t *l, uint32_t max_us);

/* While this core sits halted for good (port_halt), answer the requests in
 * *l from RAM: an ask naming this core is acknowledged, and the core never
 * leaves RAM. The kernel registers the record before its first request (a
 * halted core looks for it at every wake-up). Thread context. */
void port_flash_halt_answer(port_flash_lockout_t *l);

/* Whether core 1 is in the boot ROM (never launched, or reset and not
 * launched again): it does not touch the flash and cannot answer. Anywhere. */
bool port_core1_in_rom(void);

/* Tests: cut the power during the step after the next 'after_steps' ones
 * (0: the next), its half-done state drawn with 'seed' (the emulator's
 * model, sim/README.md "The flash"; seed 0: the step not begun at all,
 * so a test can look at the state just before it); later steps do nothing until
 * port_flash_power_on. port_flash_reset_test makes the flash blank (all
 * 0xff), power on, counters 0. port_flash_steps counts steps since then.
 * A port whose flash is kept in software models them (the host port, the
 * AN521: port/common/flash_cut.c; there a blank flash is the store region
 * erased); the RP2040 returns TD_ERR_UNSUPPORTED (0 steps), since there the
 * emulator cuts the power (--power-cut-at, --power-cut-random).
 * Thread context. */
int port_flash_power_cut(uint32_t after_steps, uint32_t seed);
int port_flash_power_on(void);
int port_flash_reset_test(void);
uint32_t port_flash_steps(void);

/* ---- end of run ---------------------------------------------------------------------- */

/* Stop everything and report 'code' to whoever runs us: on the chip a
 * 'bkpt' the emulator turns into its exit status (0 is success), marked so
 * that it means 'code' from any context, the fault path's HardFault
 * handler too; on the host the process exit status. Anywhere. */
void port_exit(int code) __attribute__((noreturn));

#endif /* TANDEM_PORT_H */
