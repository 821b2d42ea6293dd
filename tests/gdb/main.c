/*
 * The program the debugger test drives (tests/gdb/run.js): both cores add
 * to one shared counter in their own function, a worker thread on core 0
 * waits on a semaphore, and the values the test reads through the debugger
 * are printed by the program itself so that the two can be compared.
 */
#include "tandem/console.h"
#include "tandem/error.h"
#include "tandem/kernel.h"
#include "tandem/sem.h"
#include "tandem/thread.h"
#include "tandem/time.h"

#define ROUNDS 300u

volatile uint32_t shared_counter;              /* written by both cores, no lock */
volatile uint32_t core1_done;
volatile uint32_t magic = 0x7a6d0001u;
static TD_SEM_DEFINE(wake_worker, 0, 1);
TD_THREAD_DEFINE(worker, 512);

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

static void core1_main(void *arg)
{
    (void)arg;
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

int main(void)
{
    td_printf("gdb-fw: start\n");
    td_thread_create(&worker, worker_stack, sizeof worker_stack, "worker", 8, worker_main, NULL);
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
    td_sleep(2);
    td_printf("gdb-fw: end\n");
    return core1_done ? 0 : 2;
}
