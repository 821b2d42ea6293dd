/* libFuzzer target: the message multiplexer's receive path (kernel/msg.c)
 * on the host port, without a running kernel or a second core. The input
 * is a stream of 5-byte steps: an operation byte and a FIFO word. Words go
 * through td__msg_rx_word exactly as the FIFO interrupt delivers them;
 * receives take them out again, one at a time or in batches
 * (td_msg_receive_n of 1..TD_MSG_BATCH_MAX, the size from the step's word). A model of four endpoints (in-buffer
 * depths 1, 2, 3, 8) predicts every word received, every drop and every
 * stray; any difference, or a sanitizer finding, aborts. */
#include <stdlib.h>
#include <string.h>

#include "../../kernel/msg_sys.h"
#include "../../kernel/sched.h"
#include "../../kernel/thread_sys.h"
#include "tandem/msg.h"

#define NEP 4u
static const unsigned depth[NEP] = { 1, 2, 3, 8 };
static uint32_t in_mem[NEP][8], out_mem[NEP][2];
static td_msg_ep_t ep[NEP];
static td_thread_t owner;          /* stands for the owner thread: the "current" one */

struct model {
    uint32_t q[8];
    unsigned head, count;
    uint32_t received, dropped;
};

static void setup(void)
{
    static int once;
    if (!once) {
        once = 1;
        owner.magic = TD_THREAD_MAGIC;
        owner.core = 0;
        td__cores[0].current = &owner;
    }
    for (unsigned i = 0; i < NEP; i++) {
        if (ep[i].owner != NULL && td_msg_unsubscribe(&ep[i]) != TD_OK)
            abort();
        if (td_msg_init(&ep[i], i, in_mem[i], depth[i], out_mem[i], 2, TD_MSG_BLOCK) != TD_OK ||
            td_msg_subscribe(&ep[i]) != TD_OK)
            abort();
    }
    td_msg_core_stats_t cs;
    td_msg_core_stats(&cs, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct model m[NEP];
    uint32_t stray = 0, system = 0;
    memset(m, 0, sizeof m);
    setup();
    for (size_t at = 0; at + 5 <= size; at += 5) {
        uint8_t op = data[at];
        uint32_t w;
        memcpy(&w, data + at + 1, 4);
        unsigned n = TD_MSG_EP(w);
        if (op < 192) {                                  /* a word arrives */
            td__msg_rx_word(w);
            if (n < NEP) {
                struct model *x = &m[n];
                x->received++;
                if (x->count < depth[n])
                    x->q[(x->head + x->count++) % depth[n]] = w;
                else
                    x->dropped++;
            } else if (n >= TD_EP_SYS_FIRST) {
                system++;
            } else {
                stray++;                                 /* nobody has that number */
            }
        } else if (op >= 224) {                          /* the owner takes a batch */
            unsigned e = op % NEP, want = 1u + w % TD_MSG_BATCH_MAX, got = 99;
            td_msg_t b[TD_MSG_BATCH_MAX];
            int r = td_msg_receive_n(&ep[e], b, want, &got, TD_NO_WAIT);
            struct model *x = &m[e];
            if (x->count == 0) {
                if (r != TD_ERR_WOULD_BLOCK || got != 0)
                    abort();
            } else {
                unsigned k = x->count < want ? x->count : want;
                if (r != TD_OK || got != k)
                    abort();
                for (unsigned j = 0; j < k; j++) {
                    if (b[j] != x->q[x->head])
                        abort();
                    x->head = (x->head + 1) % depth[e];
                    x->count--;
                }
            }
        } else {                                         /* the owner takes one */
            unsigned e = op % NEP;
            td_msg_t got = 0;
            int r = td_msg_receive(&ep[e], &got, TD_NO_WAIT);
            struct model *x = &m[e];
            if (x->count == 0) {
                if (r != TD_ERR_WOULD_BLOCK)
                    abort();
            } else {
                if (r != TD_OK || got != x->q[x->head])
                    abort();
                x->head = (x->head + 1) % depth[e];
                x->count--;
            }
        }
    }
    td_msg_core_stats_t cs;
    td_msg_core_stats(&cs, false);
    uint32_t words = 0;
    for (unsigned i = 0; i < NEP; i++) {
        td_msg_stats_t st;
        if (td_msg_stats(&ep[i], &st) != TD_OK || st.received != m[i].received ||
            st.dropped != m[i].dropped || td_msg_pending(&ep[i]) != (int)m[i].count ||
            st.in_high > depth[i])
            abort();
        int f = td_msg_overrun(&ep[i], true);
        if ((m[i].dropped != 0) != ((f & TD_MSG_OVR_LOST_IN) != 0))
            abort();
        words += m[i].received;
    }
    if (cs.words != words || cs.stray != stray || cs.system != system)
        abort();
    return 0;
}
