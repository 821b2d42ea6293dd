/*
 * port/host/host.h: the host port's private interface (port/host only).
 *
 * The host port models the chip as follows:
 *   - a core is a pthread (core 0: the process's main thread; core 1: made
 *     by port_core1_launch); port_core_id reads a thread-local number;
 *   - a kernel thread is a ucontext fiber running on its own stack (the
 *     caller-owned stack given to port_context_init), switched with
 *     swapcontext, annotated for AddressSanitizer and ThreadSanitizer;
 *   - PRIMASK is a per-core flag; interrupts (tick, FIFO) are raised
 *     asynchronously by other pthreads but taken only at interrupt points:
 *     every port_irq_restore that unmasks, port_switch_request, port_idle,
 *     port_wfe, port_time_us and port_cycles, when interrupts are enabled
 *     and no handler runs. A pending switch (the PendSV of the chip) is
 *     performed at the same points after the handlers. Code that loops
 *     without reaching an interrupt point is not preempted on the host;
 *   - each core's own time (port_core_ran_us) counts only while its pthread
 *     is seen running (host_beat), for bounds on waits for its answers.
 */
#ifndef TANDEM_PORT_HOST_H
#define TANDEM_PORT_HOST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "port.h"

struct host_ctx;

/* One emulated core. Fields marked (own) are touched only by the core's
 * own pthread; the rest are shared with tick threads and the other core. */
struct host_core {
    int masked;                    /* (own) PRIMASK */
    int in_isr;                    /* (own) a handler runs */
    int switch_pending;            /* (own) PendSV pending */
    int fifo_irq_on;               /* (own) FIFO interrupt enabled */
    int console_irq_on;            /* (own) console device interrupt routed here */
    struct host_ctx *cur;          /* (own) running fiber */
    atomic_uint ticks_owed;        /* tick interrupts not yet taken */
    atomic_int event;              /* WFE event register */
    atomic_int reset_req;          /* port_core1_reset asks core 1 to stop */
    atomic_int tick_on;
    pthread_mutex_t mu;            /* with cv: sleeping in idle and WFE */
    pthread_cond_t cv;
    pthread_t tick_thread;
    int tick_started;
    uint32_t tick_hz;
    pthread_t thread;              /* core 1's pthread */
    atomic_int alive;              /* core 1's pthread runs */
    atomic_int halted;             /* core 1 is in port_halt's loop, which leaves
                                      at a reset as soon as its pthread runs */
    _Atomic uint64_t ran_ns;       /* port_core_ran_us, in ns: written by the core's own
                                      pthread at each beat (host_beat) */
    _Atomic uint64_t beat_ns;      /* the monotonic time of its last beat */
};

extern struct host_core host_cores[PORT_NUM_CORES];
extern _Thread_local unsigned host_core_id;

static inline struct host_core *host_this(void) { return &host_cores[host_core_id]; }

/* Take pending interrupts and a pending switch, if interrupts are enabled
 * and no handler runs. */
void host_interrupt_point(void);
/* The calling core's pthread runs: advance its port_core_ran_us by the
 * time since its last beat, at most HOST_BEAT_MAX_NS (a longer gap is a
 * pthread the host did not run). Every interrupt point beats, and every
 * wait of the model (idle, WFE, halt, park) at least every 2 ms. */
void host_beat(void);
/* A time source for the model: CLOCK_MONOTONIC in nanoseconds. */
uint64_t host_mono_ns(void);
/* Wake core c if it sleeps in port_idle or port_wfe. Any pthread. */
void host_kick(unsigned c);
/* Whether core hc has an interrupt to take (tick owed, FIFO level). */
bool host_irq_pending(struct host_core *hc);

/* context.c: perform the pending switch (interrupts masked meanwhile). */
void host_switch(struct host_core *hc);
/* context.c: leave the current fiber for the core's start-up context
 * (core reset). Never returns. */
void host_return_to_boot(struct host_core *hc) __attribute__((noreturn));

/* flash.c: the halted core's loop (fault.c) answers a lockout request. */
void host_flash_halted_poll(void);

/* flash.c, for tests: the next park sleeps us microseconds before it
 * acknowledges, without a beat, as a pthread the host does not run. */
void host_flash_stall_next_park(uint32_t us);
/* flash.c, for tests: the store region's size from now on (its last bytes
 * of flash, as -Wl,--defsym=TD_STORE_SIZE=N on a chip); 0: the default. */
void host_flash_store_size(uint32_t bytes);

/* fifo.c: this core's FIFO interrupt level (VLD | WOF | ROE). */
bool host_fifo_level(unsigned core);
/* fifo.c: what a launch of core 1 leaves on the chip (its boot ROM drains
 * core 1's FIFO, the handshake drains core 0's and clears its flags): both
 * FIFOs empty, no WOF or ROE. Core 0, while core 1's pthread does not run. */
void host_fifo_launch(void);

/* Console input for port_console_read: queue n bytes (tests); returns how
 * many fit (the queue holds 4096). Any thread. */
size_t host_console_feed(const char *s, size_t n);
/* Hold the console device (it takes no byte and is not idle: the buffered
 * mode's ring fills) or let it go on. Any thread. */
void host_console_hold(bool held);
/* Stop the console device (true), as a program stops a UART, or start it
 * again: port/host/core.c. */
void host_console_stop(bool stopped);

#endif /* TANDEM_PORT_HOST_H */
