/*
 * tests/trace/main.c: a program whose trace is known in advance, for the
 * 'trace' suite (tests/trace/run.js), built with TRACE=sim.
 *
 * Core 1's "sink" thread sleeps 20 ms, then takes five words out of its
 * endpoint; core 0 sends the five in the meantime, so they wait in the
 * endpoint's buffer (its depth rises 1..5, then falls 4..0). On core 0, main
 * puts three items into a queue while the "taker" thread sleeps (depth 1..3),
 * which the taker then empties (2..0). Each core marks its end with
 * td_trace_mark(0xC0 + core, what it counted), takes and gives the td_lock
 * known_lock once (core 0's "taker", core 1's "core1": the trace's lock
 * holds, with the lock's address and the holder), then prints a line.
 * Then the taker takes the td_lock kept_lock and ends holding it (the
 * kernel releases it, and the trace shows the hold ending there); main
 * joins the taker and holds kept_lock once itself.
 */
#include "tandem/console.h"
#include "tandem/lock.h"
#include "tandem/msg.h"
#include "tandem/queue.h"
#include "tandem/tandem.h"
#include "tandem/trace.h"

#define WORDS 5
#define ITEMS 3

TD_MSG_ENDPOINT_DEFINE(sink_ep, 0, 8, 8, TD_MSG_BLOCK);
TD_MSG_ENDPOINT_DEFINE(source_ep, 0, 8, 8, TD_MSG_BLOCK);
static TD_QUEUE_DEFINE(items, uint32_t, 4);
TD_THREAD_DEFINE(taker, 1024);
static TD_LOCK_DEFINE(known_lock, TD_SPIN_USER_FIRST);
static volatile uint32_t holds;   /* counted under known_lock */
static TD_LOCK_DEFINE(kept_lock, TD_SPIN_USER_FIRST + 1);

/* One hold of known_lock: it shows in the trace as one TD_TR_LOCK_TAKE and
 * one TD_TR_LOCK_GIVE with the lock and the calling thread. */
static void hold_once(td_lock_t *l)
{
    if (td_lock_take(l) == TD_OK) {
        holds = holds + 1u;
        td_lock_give(l);
    }
}

static void core1_main(void *arg)
{
    (void)arg;
    td_msg_subscribe(&sink_ep);
    td_sleep(TD_MS(20));
    uint32_t sum = 0;
    for (unsigned i = 0; i < WORDS; i++) {
        td_msg_t w;
        if (td_msg_receive(&sink_ep, &w, TD_SEC(1)) == TD_OK)
            sum += TD_MSG_DATA(w);
    }
    td_trace_mark(0xC1, sum);
    hold_once(&known_lock);
    td_printf("c1 received words summing to %lu\n", (unsigned long)sum);
    for (;;)
        td_sleep(TD_SEC(1));
}

static void taker_main(void *arg)
{
    (void)arg;
    td_sleep(TD_MS(10));
    uint32_t sum = 0;
    for (unsigned i = 0; i < ITEMS; i++) {
        uint32_t v;
        if (td_queue_recv(&items, &v, TD_SEC(1)) == TD_OK)
            sum += v;
    }
    td_trace_mark(0xC0, sum);
    hold_once(&known_lock);
    td_printf("c0 took items summing to %lu\n", (unsigned long)sum);
    td_lock_take(&kept_lock);           /* ends holding it: released by the kernel */
}

int main(void)
{
    if (td_kernel_launch_core1(core1_main, NULL) != TD_OK) {
        td_puts("core 1 did not start");
        return 1;
    }
    td_thread_create(&taker, taker_stack, sizeof taker_stack, "taker", 12, taker_main, NULL);
    for (uint32_t i = 1; i <= ITEMS; i++)
        td_queue_send(&items, &i, TD_SEC(1));
    td_msg_subscribe(&source_ep);
    td_msg_await_remote(0, TD_SEC(1));
    for (uint32_t i = 1; i <= WORDS; i++)
        td_msg_send(&source_ep, TD_MSG(0, 100u + i), TD_SEC(1));
    td_thread_join(&taker, TD_SEC(1));
    hold_once(&kept_lock);              /* free again: the taker's end gave it */
    for (;;)
        td_sleep(TD_SEC(1));
}
