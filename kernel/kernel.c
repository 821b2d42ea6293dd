/*
 * kernel/kernel.c: starting each core's kernel, its idle thread, and the
 * launch of core 1.
 */
#include "kernel_sys.h"

#include "fault_sys.h"
#include "heap_sys.h"
#include "link.h"
#include "sched.h"
#include "supervise.h"
#include "thread_sys.h"
#include "trace.h"
#include "xsync.h"

#include "tandem/console.h"
#include "tandem/kernel.h"
#include "tandem/panic.h"
#include "tandem/sem.h"

extern int main(void);

static td_thread_t first_tcb[PORT_NUM_CORES], idle_tcb[PORT_NUM_CORES];
static TD_STACK_DEFINE(first_stack[PORT_NUM_CORES], TD_MAIN_STACK_SIZE);
static TD_STACK_DEFINE(idle_stack[PORT_NUM_CORES], TD_IDLE_STACK_SIZE);
static td_entry_t core1_entry;
static void *core1_arg;
static uint8_t core1_launched;

static void idle_main(void *arg)
{
    td_core_t *c = arg;
    for (;;) {
        if (c->idle_hook != NULL)
            c->idle_hook();
        td__xsync_idle(c);
    }
}

int td_kernel_start(td_entry_t entry, void *arg)
{
    unsigned id = port_core_id();
    td_core_t *c = td__core_of(id);
    if (entry == NULL)
        return TD_ERR_PARAM;
    if (TD_LOAD_ACQUIRE(c->running))
        return TD_ERR_BUSY;
    port_irq_state_t s = port_irq_save();
    /* A fresh instance (also after a reset) but for the two fields the
     * other core reads all along, before 'slice': 'running' (0, as just
     * checked) and 'state'; 'current', which it reads too, is stored
     * atomically (kernel/core.h). */
    _Static_assert(offsetof(td_core_t, current) < offsetof(td_core_t, slice) &&
                       offsetof(td_core_t, running) < offsetof(td_core_t, slice) &&
                       offsetof(td_core_t, state) < offsetof(td_core_t, slice),
                   "the fields the other core reads come before 'slice'");
    TD_STORE_RELAXED(c->current, (td_thread_t *)NULL);
    uint8_t *b = (uint8_t *)(void *)c;
    for (size_t i = offsetof(td_core_t, slice); i < sizeof *c; i++)
        b[i] = 0;
    c->sem_word = TD__CHECK_WORD(TD_SEM_MAGIC, id);
    td_thread_t *idle = &idle_tcb[id], *first = &first_tcb[id];
    __asm("" : "+l"(idle), "+l"(first));  /* (one multiplication each) */
    idle->magic = first->magic = 0;
    if (td_thread_init(idle, idle_stack[id], sizeof idle_stack[id], "idle",
                       TD_PRIO_MIN, idle_main, c) ||
        td_thread_init(first, first_stack[id], sizeof first_stack[id],
                       id == 0 ? "main" : "core1", TD_PRIO_MAIN, entry, arg))
        td_panic("kernel threads");
    TD_STORE_RELAXED(idle->state, (uint8_t)TD_THREAD_READY);  /* runs when no list has one */
    idle->flags = TF_IDLE;
    c->idle = idle;
    td__thread_link(c, first);
    td__ready(c, first);
    TD_STORE_RELAXED(c->current, first);
    TD_STORE_RELEASE(c->running, 1);
    if (port_tick_start(TD_TICK_HZ))
        td_panic("tick");
    td__heap_started(id);
    td__supervise_start(c, td__kernel_relaunch_core1);   /* of this core and the other */
    td__fault_core_start(c);             /* guards, the fault path's entries */
    (void)s;                             /* the first thread enables interrupts */
    TD_TRACE(TD_TR_SWITCH, NULL, first);
    port_start_first(first->ctx);
}

static void main_thread(void *arg)
{
    (void)arg;
    int rc = main();
    /* What main printed last may still wait in the console's ring (a USB
     * host may not have opened the port yet): give it a bounded time. */
    if (td_console_mode() == TD_CONSOLE_BUFFERED)
        (void)td_console_flush(TD_MS(TD_CONSOLE_EXIT_FLUSH_MS));
    port_exit(rc);
}

int td_kernel_main(void)
{
    td_kernel_start(main_thread, NULL);
    td_panic("kernel did not start");   /* ("PANIC core N: ...") */
}

static void core1_boot(void *arg)
{
    (void)arg;
    td_kernel_start(core1_entry, core1_arg);
    td_panic("kernel did not start");
}

int td_kernel_launch_core1(td_entry_t entry, void *arg)
{
    if (entry == NULL)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (port_core_id() != 0)
        return TD_ERR_WRONG_CORE;
    if (core1_launched)
        return TD_ERR_BUSY;
    core1_entry = entry;
    core1_arg = arg;
    core1_launched = 1;
    /* core 1's main stack: the port's (SRAM5 on the chip, guarded) */
    int r = port_core1_launch(core1_boot, NULL, NULL, 0);
    if (r)
        core1_launched = 0;
    else
        td__link_core1_launched();        /* the FIFO is free: the multiplexer may start */
    return r;
}

TD_FAULT_CODE int td__kernel_relaunch_core1(void)
{
    if (!core1_launched)
        return TD_ERR_STATE;
    TD_STORE_RELEASE(td__cores[1].running, 0);
    int r = port_core1_launch(core1_boot, NULL, NULL, 0);
    if (r == TD_OK)
        td__link_core1_launched();        /* the FIFO is free again: the multiplexer restarts */
    return r;
}

unsigned td_core_id(void)
{
    return port_core_id();
}

bool td_kernel_running(unsigned core)
{
    return core < PORT_NUM_CORES && td__core_running(core);
}

int td_kernel_set_slice(unsigned ticks)
{
    if (ticks > 255u)
        return TD_ERR_PARAM;
    td__core()->slice = (uint8_t)ticks;
    return TD_OK;
}

int td_kernel_set_idle_hook(void (*hook)(void))
{
    td__core()->idle_hook = hook;
    return TD_OK;
}

uint32_t td_kernel_switches(void)
{
    return td__core()->switches;
}
