/*
 * messaging: the Messaging program of Oberon RTK's "Inter-core messages",
 * in C.
 *
 * Two pairs of threads talk across the cores through inter-core messages
 * (tandem/msg.h), each thread owning one endpoint:
 *
 *   wake-ups   "waker" on core 0 (endpoint 0) and "sleeper" on core 1
 *              (endpoint 0) wake each other in turn: each waits for the
 *              other's message, prints, and answers with the next count.
 *   handshake  "producer" on core 0 (endpoint 1) fills a buffer in shared
 *              SRAM and sends DATA_READY with the block number; "consumer"
 *              on core 1 (endpoint 1) checks the block's sum and answers
 *              DATA_RECEIVED; only then is the buffer filled again.
 *
 * A message is one word: byte 0 the receiving endpoint on the other core,
 * bytes 1..3 payload; here the payload carries a kind (top 4 bits) and a
 * number.
 */
#include "tandem/console.h"
#include "tandem/msg.h"
#include "tandem/tandem.h"

enum { EP_WAKE = 0, EP_DATA = 1 };
enum { WAKE = 1, DATA_READY = 2, DATA_RECEIVED = 3 };

#define MSG_OF(ep, kind, n)  TD_MSG(ep, ((uint32_t)(kind) << 20) | ((n) & 0xfffffu))
#define KIND(w)              (TD_MSG_DATA(w) >> 20)
#define NUM(w)               (TD_MSG_DATA(w) & 0xfffffu)

#define BLOCK_WORDS 64
static uint32_t shared_block[BLOCK_WORDS];    /* written by core 0, read by core 1 */

static uint32_t block_sum(void)
{
    uint32_t s = 0;
    for (unsigned i = 0; i < BLOCK_WORDS; i++)
        s += shared_block[i];
    return s & 0xfffffu;
}

/* ---- core 1 -------------------------------------------------------------------- */

TD_MSG_ENDPOINT_DEFINE(sleeper_ep, EP_WAKE, 4, 4, TD_MSG_BLOCK);
TD_MSG_ENDPOINT_DEFINE(consumer_ep, EP_DATA, 4, 4, TD_MSG_BLOCK);
TD_THREAD_DEFINE(consumer, 1024);

static void consumer_main(void *arg)
{
    (void)arg;
    td_msg_subscribe(&consumer_ep);
    for (;;) {
        td_msg_t w;
        if (td_msg_receive(&consumer_ep, &w, TD_FOREVER) != TD_OK || KIND(w) != DATA_READY)
            continue;
        uint32_t n = NUM(w);
        td_printf("c1 data block %lu received (sum %lu)\n", (unsigned long)n,
                  (unsigned long)block_sum());
        td_msg_send(&consumer_ep, MSG_OF(EP_DATA, DATA_RECEIVED, n), TD_SEC(1));
    }
}

static void core1_main(void *arg)
{
    (void)arg;
    td_thread_create(&consumer, consumer_stack, sizeof consumer_stack, "consumer", 12,
                     consumer_main, NULL);
    td_msg_subscribe(&sleeper_ep);
    for (;;) {                                 /* the sleeper */
        td_msg_t w;
        if (td_msg_receive(&sleeper_ep, &w, TD_FOREVER) != TD_OK || KIND(w) != WAKE)
            continue;
        td_printf("c1 woken by core 0: %lu\n", (unsigned long)NUM(w));
        td_sleep(TD_MS(250));
        td_msg_send(&sleeper_ep, MSG_OF(EP_WAKE, WAKE, NUM(w) + 1u), TD_SEC(1));
    }
}

/* ---- core 0 -------------------------------------------------------------------- */

TD_MSG_ENDPOINT_DEFINE(waker_ep, EP_WAKE, 4, 4, TD_MSG_BLOCK);
TD_MSG_ENDPOINT_DEFINE(producer_ep, EP_DATA, 4, 4, TD_MSG_BLOCK);
TD_THREAD_DEFINE(producer, 1024);

static void producer_main(void *arg)
{
    (void)arg;
    td_msg_subscribe(&producer_ep);
    td_msg_await_remote(EP_DATA, TD_SEC(1));
    uint32_t x = 1;
    for (uint32_t n = 1;; n++) {
        for (unsigned i = 0; i < BLOCK_WORDS; i++) {   /* fill the shared buffer */
            x = x * 1103515245u + 12345u;
            shared_block[i] = x >> 8;
        }
        td_printf("c0 data block %lu ready (sum %lu)\n", (unsigned long)n,
                  (unsigned long)block_sum());
        int r = td_msg_send(&producer_ep, MSG_OF(EP_DATA, DATA_READY, n), TD_SEC(1));
        td_msg_t w;
        if (r == TD_OK)
            r = td_msg_receive(&producer_ep, &w, TD_SEC(1));
        if (r != TD_OK || KIND(w) != DATA_RECEIVED || NUM(w) != n)
            td_printf("c0 data block %lu: no acknowledgement (%s)\n", (unsigned long)n,
                      td_strerror(r));
        else
            td_printf("c0 data block %lu acknowledged\n", (unsigned long)n);
        td_sleep(TD_MS(400));
    }
}

int main(void)
{
    td_puts("messaging: wake-up messages and a data handshake between the cores");
    int rc = td_kernel_launch_core1(core1_main, NULL);
    if (rc != TD_OK) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    td_thread_create(&producer, producer_stack, sizeof producer_stack, "producer", 12,
                     producer_main, NULL);
    td_msg_subscribe(&waker_ep);
    td_msg_await_remote(EP_WAKE, TD_SEC(1));
    td_msg_send(&waker_ep, MSG_OF(EP_WAKE, WAKE, 1), TD_SEC(1));
    for (;;) {                                 /* the waker */
        td_msg_t w;
        if (td_msg_receive(&waker_ep, &w, TD_FOREVER) != TD_OK || KIND(w) != WAKE)
            continue;
        td_printf("c0 woken by core 1: %lu\n", (unsigned long)NUM(w));
        td_sleep(TD_MS(250));
        td_msg_send(&waker_ep, MSG_OF(EP_WAKE, WAKE, NUM(w) + 1u), TD_SEC(1));
    }
}
