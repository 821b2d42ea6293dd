/*
 * port/host/fault.c: the host port's side of memory, guards and faults
 * (port/port.h). There is no MPU and no CPU fault entry: a thread's guard
 * is its canary only, the kernel's stack and canary checks and TD_ASSERT
 * are the fault sources. Heaps are static arrays; "persistent" words live
 * as long as the process; a reboot ends the run with status 4.
 */
#include <time.h>

#include "host.h"
#include "tandem/error.h"
#include "tandem/fault.h"

#define HOST_HEAP_BYTES (256u * 1024u)

static uint64_t heap_mem[PORT_NUM_CORES][HOST_HEAP_BYTES / 8u];
static uint32_t persist[PORT_PERSIST_WORDS];

void port_heap_region(unsigned core, uintptr_t *start, uintptr_t *end)
{
    *start = (uintptr_t)heap_mem[core & 1u];
    *end = *start + sizeof heap_mem[0];
}

void port_main_stack(unsigned core, uintptr_t *lo, uintptr_t *hi)
{
    (void)core;
    *lo = *hi = 0;
}

int port_guard_init(void)
{
    return TD_ERR_UNSUPPORTED;
}

void port_guard_thread(const void *guard)
{
    (void)guard;
}

void port_guard_prepare(void *guard)
{
    (void)guard;
}

void port_guard_off(void)
{
}

/* Interrupts and the switch hook run on the current fiber's stack. */
uintptr_t port_thread_sp(void)
{
    return (uintptr_t)__builtin_frame_address(0);
}

uintptr_t port_own_sp(void)
{
    return (uintptr_t)__builtin_frame_address(0);
}

void port_thread_abandon(void *stack)
{
    (void)stack;              /* the fiber's context lives in its record */
}

bool port_code_return(uint32_t v)
{
    (void)v;
    return false;
}

unsigned port_call_chain(uintptr_t sp, uint32_t *out, unsigned max)
{
    (void)sp;
    (void)out;
    (void)max;
    return 0;
}

void port_fault_decode(port_fault_frame_t *f)
{
    f->reason = TD_FAULT_HARDFAULT;
    f->addr = 0;
    f->size = 0;
    f->code = 0;
}

const char *port_fault_cause(unsigned core)
{
    (void)core;
    return "cause not decoded (the host port takes no CPU faults: no fault status)";
}

int port_persist_write(const uint32_t *w, unsigned n)
{
    if (n > PORT_PERSIST_WORDS || (w == NULL && n != 0))
        return TD_ERR_PARAM;
    for (unsigned i = 0; i < PORT_PERSIST_WORDS; i++)
        persist[i] = i < n ? w[i] : 0u;
    return TD_OK;
}

int port_persist_read(uint32_t *w, unsigned n)
{
    if (n > PORT_PERSIST_WORDS || (w == NULL && n != 0))
        return TD_ERR_PARAM;
    for (unsigned i = 0; i < n; i++)
        w[i] = persist[i];
    return TD_OK;
}

void port_reboot(void)
{
    port_exit(4);
}

/* No hardware watchdog: port/common/watchdog_none.c. */

void port_halt(void)
{
    struct host_core *hc = host_this();
    hc->masked = 1;
    if (host_core_id == 1)
        atomic_store(&hc->halted, 1);  /* a reset finds it here for sure */
    port_tick_stop();
    for (;;) {
        if (host_core_id == 1 && atomic_load(&hc->reset_req))
            host_return_to_boot(hc);   /* core 0 resets us: back to the launch */
        host_flash_halted_poll();      /* halted: flash writes need no more from us */
        host_beat();
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
}
