/*
 * port/host/core.c: the host port's cores: identity, interrupt mask and
 * interrupt points, tick, idle and events, time, console, core 1, exit.
 * The model is described in host.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "tandem/error.h"

struct host_core host_cores[PORT_NUM_CORES] = {
    { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER },
    { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER },
};
_Thread_local unsigned host_core_id;

/* ---- identity and interrupt mask ---------------------------------------- */

unsigned port_core_id(void)
{
    return host_core_id;
}

bool port_in_isr(void)
{
    return host_this()->in_isr != 0;
}

port_irq_state_t port_irq_save(void)
{
    struct host_core *hc = host_this();
    port_irq_state_t old = (port_irq_state_t)hc->masked;
    hc->masked = 1;
    return old;
}

void port_irq_restore(port_irq_state_t state)
{
    struct host_core *hc = host_this();
    hc->masked = state != 0;
    if (!hc->masked)
        host_interrupt_point();
}

void port_irq_enable(void)
{
    port_irq_restore(0);
}

void port_switch_request(void)
{
    struct host_core *hc = host_this();
    hc->switch_pending = 1;
    host_interrupt_point();
}

/* The console device's transmit interrupt (see "console" below). */
static atomic_int console_tx_on, console_held, console_stopped;

static bool console_irq_level(struct host_core *hc)
{
    return hc->console_irq_on && atomic_load(&console_tx_on) && !atomic_load(&console_held) &&
           !atomic_load(&console_stopped);
}

bool host_irq_pending(struct host_core *hc)
{
    unsigned id = (unsigned)(hc - host_cores);
    return atomic_load(&hc->ticks_owed) != 0 ||
           (hc->fifo_irq_on && host_fifo_level(id)) || console_irq_level(hc) ||
           (id == 1 && atomic_load(&hc->reset_req));
}

void host_interrupt_point(void)
{
    struct host_core *hc = host_this();
    host_beat();
    while (!hc->masked && !hc->in_isr) {
        if (atomic_load(&hc->reset_req))
            host_return_to_boot(hc);
        unsigned ticks = atomic_exchange(&hc->ticks_owed, 0u);
        bool fifo = hc->fifo_irq_on && host_fifo_level(host_core_id);
        bool console = console_irq_level(hc);
        if (ticks != 0 || fifo || console) {
            hc->in_isr = 1;
            /* the FIFO interrupt is the more urgent one (hwtable) */
            if (fifo)
                port_fifo_isr();
            while (ticks-- != 0)
                port_tick_isr();
            if (console)
                port_console_isr();
            hc->in_isr = 0;
            continue;
        }
        if (!hc->switch_pending || hc->cur == NULL)
            break;
        host_switch(hc);
    }
}

/* ---- sleeping until something happens ------------------------------------ */

void host_kick(unsigned c)
{
    struct host_core *hc = &host_cores[c];
    pthread_mutex_lock(&hc->mu);
    pthread_cond_broadcast(&hc->cv);
    pthread_mutex_unlock(&hc->mu);
}

/* Wait (bounded) until cond holds for hc: 0 idle (an interrupt), 1 wfe (an
 * event or an interrupt). */
static void host_wait(struct host_core *hc, int wfe)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 2 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&hc->mu);
    while (!host_irq_pending(hc) && !(wfe && atomic_load(&hc->event)))
        if (pthread_cond_timedwait(&hc->cv, &hc->mu, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&hc->mu);
    host_beat();
}

void port_idle(void)
{
    struct host_core *hc = host_this();
    if (!host_irq_pending(hc))
        host_wait(hc, 0);
    host_interrupt_point();
}

void port_sev(void)
{
    for (unsigned c = 0; c < PORT_NUM_CORES; c++) {
        atomic_store(&host_cores[c].event, 1);
        host_kick(c);
    }
}

void port_wfe(void)
{
    struct host_core *hc = host_this();
    if (!atomic_exchange(&hc->event, 0)) {
        host_wait(hc, 1);
        atomic_store(&hc->event, 0);
    }
    host_interrupt_point();
}

/* ---- time ------------------------------------------------------------------ */

uint64_t host_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#define mono_ns host_mono_ns

static uint64_t boot_ns;

/* Each core's own time (port_core_ran_us). A core's pthread beats at every
 * interrupt point and after every wait of the model, which is bounded (2 ms
 * at most; a halted core looks every millisecond): while it runs, the gaps
 * between its beats are short and all of them count. A longer gap is time
 * the host did not run the pthread (a loaded machine leaves one off its CPU
 * for a second and more), and counts only HOST_BEAT_MAX_NS. So a core whose
 * pthread is not run does not look like a core that runs and does not
 * answer, which is what a bound on a wait for the other core's answer must
 * tell. One exception keeps every such wait bounded: a pthread that gives
 * no beat at all for HOST_STALL_NS (a loop that never reaches an interrupt
 * point, which the host cannot preempt, or a host that stopped it) is taken
 * to run from then on, by the wall clock. */
#define HOST_BEAT_MAX_NS (4u * 1000u * 1000u)
#define HOST_STALL_NS    (10ull * 1000u * 1000u * 1000u)

void host_beat(void)
{
    struct host_core *hc = host_this();
    uint64_t now = mono_ns();
    uint64_t last = atomic_load_explicit(&hc->beat_ns, memory_order_relaxed);
    uint64_t gap = now > last ? now - last : 0;
    if (gap > HOST_BEAT_MAX_NS)
        gap = HOST_BEAT_MAX_NS;
    atomic_store_explicit(&hc->beat_ns, now, memory_order_relaxed);
    /* one writer, this pthread: no read-modify-write needed */
    uint64_t ran = atomic_load_explicit(&hc->ran_ns, memory_order_relaxed);
    atomic_store_explicit(&hc->ran_ns, ran + gap, memory_order_relaxed);
}

uint64_t port_core_ran_us(unsigned core)
{
    struct host_core *hc = &host_cores[core % PORT_NUM_CORES];
    uint64_t ran = atomic_load_explicit(&hc->ran_ns, memory_order_relaxed);
    uint64_t last = atomic_load_explicit(&hc->beat_ns, memory_order_relaxed);
    uint64_t now = mono_ns();
    if (now > last && now - last > HOST_STALL_NS)
        ran += now - last - HOST_STALL_NS;
    return ran / 1000u;
}

uint64_t port_time_us(void)
{
    host_interrupt_point();
    return (mono_ns() - boot_ns) / 1000u;
}

uint32_t port_cycles(void)
{
    host_interrupt_point();
    return (uint32_t)mono_ns();
}

static void *tick_main(void *arg)
{
    struct host_core *hc = arg;
    unsigned c = (unsigned)(hc - host_cores);
    uint64_t period = 1000000000u / hc->tick_hz;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (atomic_load(&hc->tick_on)) {
        next.tv_nsec += (long)period;
        while (next.tv_nsec >= 1000000000L) {
            next.tv_sec++;
            next.tv_nsec -= 1000000000L;
        }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
        }
        if (!atomic_load(&hc->tick_on))
            break;
        atomic_fetch_add(&hc->ticks_owed, 1u);
        host_kick(c);
    }
    return NULL;
}

int port_tick_start(uint32_t hz)
{
    struct host_core *hc = host_this();
    if (hz == 0 || hz > 100000u)
        return TD_ERR_PARAM;
    port_tick_stop();
    hc->tick_hz = hz;
    atomic_store(&hc->tick_on, 1);
    if (pthread_create(&hc->tick_thread, NULL, tick_main, hc) != 0)
        return TD_ERR_UNSUPPORTED;
    hc->tick_started = 1;
    return TD_OK;
}

void port_tick_stop(void)
{
    struct host_core *hc = host_this();
    if (hc->tick_started) {
        atomic_store(&hc->tick_on, 0);
        pthread_join(hc->tick_thread, NULL);
        hc->tick_started = 0;
    }
    atomic_store(&hc->ticks_owed, 0u);
}

/* ---- console and end of run ------------------------------------------------ */

size_t port_console_write(const char *s, size_t n)
{
    size_t all = n;
    if (atomic_load(&console_stopped))
        return 0;
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return all - n;
        s += w;
        n -= (size_t)w;
    }
    return all;
}

/* The host's console takes every byte at once, so the buffered mode's ring
 * holds nothing for an interrupt to move, unless a test holds the device
 * (host_console_hold): then it takes nothing, as a UART whose wire is
 * busy, and the ring keeps what is written. Its transmit interrupt is
 * modelled as on the chip: asked for by port_console_tx_irq (either core),
 * taken by the core that routed it (port_console_irq_route) at its
 * interrupt points while the device takes bytes. A polled write
 * (port_console_write) goes out even while the device is held. */
size_t port_console_write_some(const char *s, size_t n)
{
    if (atomic_load(&console_held) || atomic_load(&console_stopped))
        return 0;
    return port_console_write(s, n);
}

bool port_console_idle(void)
{
    return !atomic_load(&console_held) && !atomic_load(&console_stopped);
}

void port_console_irq_route(bool on)
{
    host_this()->console_irq_on = on;
}

void port_console_tx_irq(bool on)
{
    atomic_store(&console_tx_on, on);
}

/* A test stops the device (host_console_stop) as a program stops a UART
 * (disabled, its clock off): it takes nothing, and a polled write, which
 * on the chip notices the UART cannot send, returns at once with nothing
 * taken. */
void host_console_stop(bool stopped)
{
    atomic_store(&console_stopped, stopped);
    if (!stopped)
        for (unsigned c = 0; c < PORT_NUM_CORES; c++)
            host_kick(c);
}

void host_console_hold(bool held)
{
    atomic_store(&console_held, held);
    if (!held)
        for (unsigned c = 0; c < PORT_NUM_CORES; c++)
            host_kick(c);
}

bool port_console_open(void)
{
    return true;
}

void port_console_poll(void)
{
}

/* Console input: bytes a test hands over with host_console_feed (the host
 * port does not read stdin), taken by port_console_read from either core. */
static struct {
    pthread_mutex_t mu;
    unsigned head, tail;
    unsigned char buf[4096];
} console_in = { .mu = PTHREAD_MUTEX_INITIALIZER };

size_t host_console_feed(const char *s, size_t n)
{
    size_t k = 0;
    pthread_mutex_lock(&console_in.mu);
    for (; k < n && console_in.head - console_in.tail < sizeof console_in.buf; k++)
        console_in.buf[console_in.head++ % sizeof console_in.buf] = (unsigned char)s[k];
    pthread_mutex_unlock(&console_in.mu);
    return k;
}

int port_console_read(void)
{
    int c = -1;
    pthread_mutex_lock(&console_in.mu);
    if (console_in.head != console_in.tail)
        c = console_in.buf[console_in.tail++ % sizeof console_in.buf];
    pthread_mutex_unlock(&console_in.mu);
    return c;
}

/* Present in coverage builds: the profile is written at exit, which _exit
 * skips; and the run starts in a constructor, possibly before the profile
 * runtime's own, so it is initialised here. */
extern int __llvm_profile_write_file(void) __attribute__((weak));
extern void __llvm_profile_initialize_file(void) __attribute__((weak));

void port_exit(int code)
{
    fflush(stdout);
    if (__llvm_profile_write_file != NULL && __llvm_profile_initialize_file != NULL) {
        __llvm_profile_initialize_file();
        __llvm_profile_write_file();
    }
    _exit(code);      /* the other core's pthread may still run: no atexit */
}

/* ---- core 1 ------------------------------------------------------------------- */

struct core1_start {
    port_entry_t entry;
    void *arg;
};
static struct core1_start core1_start;

static void *core1_main(void *arg)
{
    (void)arg;
    host_core_id = 1;
    struct host_core *hc = host_this();
    hc->masked = 1;                       /* as after reset */
    core1_start.entry(core1_start.arg);   /* returns only after a reset */
    return NULL;
}

int port_core1_launch(port_entry_t entry, void *arg, void *stack, size_t size)
{
    (void)stack;                          /* the pthread has its own */
    (void)size;
    struct host_core *hc = &host_cores[1];
    if (host_core_id != 0 || entry == NULL)
        return TD_ERR_PARAM;
    if (atomic_load(&hc->alive))
        return TD_ERR_BUSY;
    core1_start.entry = entry;
    core1_start.arg = arg;
    host_fifo_launch();                   /* nothing of the last instance's traffic */
    atomic_store(&hc->reset_req, 0);
    atomic_store(&hc->halted, 0);
    atomic_store(&hc->beat_ns, mono_ns());  /* its time starts now */
    atomic_store(&hc->alive, 1);
    if (pthread_create(&hc->thread, NULL, core1_main, NULL) != 0) {
        atomic_store(&hc->alive, 0);
        return TD_ERR_NO_RESPONSE;
    }
    return TD_OK;
}

void port_core1_reset(void)
{
    struct host_core *hc = &host_cores[1];
    if (host_core_id != 0 || !atomic_load(&hc->alive))
        return;
    atomic_store(&hc->reset_req, 1);
    host_kick(1);
    /* core 1 stops at its next interrupt point; a core that never reaches
     * one (a loop with interrupts masked) cannot be stopped on the host, so
     * the wait is bounded. But a core 1 in port_halt's loop (halted after a
     * fault: every restart) looks every millisecond and leaves as soon as
     * its pthread runs, however late a loaded host runs it: for that one the
     * wait goes on until it has left, or the restart would be lost for good
     * (core 1 still "alive", its relaunch refused) only because the host
     * was slow. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 2;
    int r = pthread_timedjoin_np(hc->thread, NULL, &until);
    if (r != 0 && atomic_load(&hc->halted))
        r = pthread_join(hc->thread, NULL);
    if (r == 0) {
        atomic_store(&hc->alive, 0);
        hc->masked = hc->in_isr = hc->switch_pending = hc->fifo_irq_on = 0;
        hc->console_irq_on = 0;           /* as its NVIC after the reset */
        hc->cur = NULL;
    }
}

/* ---- start-up --------------------------------------------------------------------- */

extern int td_kernel_main(void);

/* Without a kernel (port tests), core 0 just runs main(). */
__attribute__((weak)) int td_kernel_main(void)
{
    extern int main(void);
    return main();
}

void host_boot(void)
{
    boot_ns = mono_ns();
    atomic_store(&host_cores[0].beat_ns, boot_ns);
    host_core_id = 0;
    host_cores[0].masked = 1;             /* as after reset */
    port_exit(td_kernel_main());
}
