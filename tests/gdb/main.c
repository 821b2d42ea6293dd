/*
 * The program the debugger test drives (tests/gdb/run.js): both cores add
 * to one shared counter in their own function, a worker thread on core 0
 * waits on a semaphore, another on core 0 for a mutex main holds, one on
 * core 1 for a cross-core semaphore, and the values the test reads through
 * the debugger are printed by the program itself so that the two can be
 * compared.
 */
#include "tandem/console.h"
#include "tandem/error.h"
#include "tandem/kernel.h"
#include "tandem/mutex.h"
#include "tandem/sem.h"
#include "tandem/thread.h"
#include "tandem/time.h"
#include "tandem/xsem.h"

#define ROUNDS 300u

volatile uint32_t shared_counter;              /* written by both cores, no lock */
volatile uint32_t core1_done;
volatile uint32_t magic = 0x7a6d0001u;
static TD_SEM_DEFINE(wake_worker, 0, 1);
static TD_MUTEX_DEFINE(main_holds);
static TD_XSEM_DEFINE(wake_xwaiter, 0, 1);
TD_THREAD_DEFINE(worker, 512);
TD_THREAD_DEFINE(mwaiter, 512);
TD_THREAD_DEFINE(xwaiter, 512);

/* A little private work between two updates. */
static void pause_a_bit(uint32_t n)
{
    for (volatile uint32_t k = 0; k < n; k++)
        ;
}

/* Core 0's updates. */
__attribute__((noinline)) void core0_count(void)
{
    for (uint32_t i = 0; i < ROUNDS; i++) {
        shared_counter = shared_counter + 1u;
        pause_a_bit(3);
    }
}

/* Core 1's updates. */
__attribute__((noinline)) void core1_count(void)
{
    for (uint32_t i = 0; i < ROUNDS; i++) {
        shared_counter = shared_counter + 1u;
        pause_a_bit(5);
    }
}

/* Core 1: waits for core 0's go on a cross-core semaphore. */
static void xwaiter_main(void *arg)
{
    (void)arg;
    int rc = td_xsem_take(&wake_xwaiter, TD_FOREVER);
    td_printf("xwaiter: woken (%d)\n", rc);
}

static void core1_main(void *arg)
{
    (void)arg;
    td_thread_create(&xwaiter, xwaiter_stack, sizeof xwaiter_stack, "xwaiter", 8, xwaiter_main, NULL);
    core1_count();
    core1_done = 1;
    for (;;)
        td_sleep(100);
}

/* Prints its arguments: the test reads r0 and r1 at its first instruction. */
__attribute__((noinline)) void report(uint32_t counter, uint32_t value)
{
    td_printf("report: counter=%lu magic=0x%08lx\n", (unsigned long)counter, (unsigned long)value);
}

static void worker_main(void *arg)
{
    (void)arg;
    int rc = td_sem_take(&wake_worker, TD_FOREVER);
    td_printf("worker: woken (%d)\n", rc);
}

/* Core 0: waits for the mutex main holds until its end. */
static void mwaiter_main(void *arg)
{
    (void)arg;
    int rc = td_mutex_lock(&main_holds, TD_FOREVER);
    td_printf("mwaiter: has the mutex (%d)\n", rc);
    td_mutex_unlock(&main_holds);
}

int main(void)
{
    td_printf("gdb-fw: start\n");
    td_mutex_lock(&main_holds, TD_FOREVER);
    td_thread_create(&worker, worker_stack, sizeof worker_stack, "worker", 8, worker_main, NULL);
    td_thread_create(&mwaiter, mwaiter_stack, sizeof mwaiter_stack, "mwaiter", 8, mwaiter_main, NULL);
    int rc = td_kernel_launch_core1(core1_main, NULL);
    if (rc != 0) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    core0_count();
    for (unsigned i = 0; i < 1000u && !core1_done; i++)
        td_sleep(1);
    report(shared_counter, magic);
    td_sem_give_isr(&wake_worker);
    td_mutex_unlock(&main_holds);
    td_xsem_give_isr(&wake_xwaiter);
    td_sleep(2);
    td_printf("gdb-fw: end\n");
    return core1_done ? 0 : 2;
}
