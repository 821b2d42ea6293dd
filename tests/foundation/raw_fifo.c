/*
 * The raw FIFO (td_msg_fifo_raw, docs/messages.md): chosen before any
 * multiplexer runs, it keeps the message layer from starting on either
 * core (TD_ERR_STATE), the program's own words go through port_fifo_* both
 * ways, and the cross-core semaphore still wakes a waiter on the other
 * core (events and polling). An image of its own: the choice lasts the
 * run. Prints "PASS name" / "FAIL name: why" lines the foundation suite
 * checks.
 */
#include "port.h"
#include "tandem/console.h"
#include "tandem/msg.h"
#include "tandem/tandem.h"

#define WORDS 100u

static int failures;
static TD_XSEM_DEFINE(done, 0, 1);
static volatile int c1_start = 1, c1_sub = 1;
TD_MSG_ENDPOINT_DEFINE(ep0, 1, 4, 4, TD_MSG_BLOCK);
TD_MSG_ENDPOINT_DEFINE(ep1, 1, 4, 4, TD_MSG_BLOCK);

static void expect(const char *what, bool ok, const char *why, int rc)
{
    if (ok)
        td_printf("PASS %s\n", what);
    else
        td_printf("FAIL %s: %s %s\n", what, why, td_strerror(rc));
    failures += !ok;
}

/* Core 1: answer each word with word + 1, polled, then give the semaphore
 * core 0 waits for. */
static void core1_main(void *arg)
{
    (void)arg;
    c1_start = td_msg_start();
    c1_sub = td_msg_subscribe(&ep1);
    for (unsigned i = 0; i < WORDS; i++) {
        while (!(port_fifo_status() & PORT_FIFO_VLD))
            ;
        uint32_t w = port_fifo_pop();
        while (!(port_fifo_status() & PORT_FIFO_RDY))
            ;
        port_fifo_push(w + 1u);
    }
    td_sleep(TD_MS(5));                      /* core 0 is asleep in its take by now */
    td_xsem_give_isr(&done);
}

int main(void)
{
    int rc = td_msg_fifo_raw();
    expect("raw_fifo_chosen", rc == TD_OK, "td_msg_fifo_raw:", rc);
    rc = td_msg_start();
    expect("raw_fifo_msg_start_refused", rc == TD_ERR_STATE, "td_msg_start:", rc);
    rc = td_msg_subscribe(&ep0);
    expect("raw_fifo_subscribe_refused", rc == TD_ERR_STATE, "td_msg_subscribe:", rc);
    rc = td_kernel_launch_core1(core1_main, NULL);
    expect("raw_fifo_core1_launched", rc == TD_OK, "td_kernel_launch_core1:", rc);
    unsigned bad = 0;
    uint64_t end = td_time_us() + 100000u;
    for (unsigned i = 0; rc == TD_OK && i < WORDS && td_time_us() < end; i++) {
        while (!(port_fifo_status() & PORT_FIFO_RDY) && td_time_us() < end)
            ;
        port_fifo_push(0x1000u + i);
        while (!(port_fifo_status() & PORT_FIFO_VLD) && td_time_us() < end)
            ;
        if (port_fifo_pop() != 0x1001u + i)
            bad++;
    }
    bool flags = (port_fifo_status() & (PORT_FIFO_WOF | PORT_FIFO_ROE)) != 0;
    expect("raw_fifo_words_both_ways", bad == 0 && !flags && td_time_us() < end,
           bad ? "wrong answers" : flags ? "a sticky flag set" : "timed out", 0);
    rc = td_xsem_take(&done, TD_MS(100));
    expect("raw_fifo_xsem_wakes_across_cores", rc == TD_OK, "td_xsem_take:", rc);
    expect("raw_fifo_core1_refused_too", c1_start == TD_ERR_STATE && c1_sub == TD_ERR_STATE,
           "core 1's td_msg_start, td_msg_subscribe:", c1_start != TD_ERR_STATE ? c1_start : c1_sub);
    port_exit(failures ? 1 : 0);
}
