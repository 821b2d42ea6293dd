/* The core 1 wait-for-vector protocol of the boot ROM, driven by hand:
   1  starting with "1" while core 1's boot-time 0 is still queued gives a
      wrong echo; core 0 restarts with 0 (after draining) and succeeds;
   2  after a reset, the minimal launch (1, VTOR, SP, ENTRY, then one SEV,
      without reading the echoes) works on a freshly reset core 1;
   the exchanged words are logged for the test to inspect. */
#include "fw.h"

#define LOGN 32
volatile uint32_t log_sent[LOGN], log_got[LOGN], log_n;
static volatile uint32_t ran1, ran2, vtor2;

static void entry1(void) { ran1 = 1; for (;;) wfe(); }
static void entry2(void) { vtor2 = SCB_VTOR; ran2 = 1; for (;;) wfe(); }

static int launch_from(unsigned first, void (*entry)(void)) {
    const uint32_t seq[6] = { 0, 0, 1, (uint32_t)vectors, (uint32_t)__stack1_top, (uint32_t)entry };
    unsigned i = first;
    int restarts = 0;
    while (i < 6) {
        uint32_t cmd = seq[i];
        if (!cmd) { fw_fifo_drain(); sev(); }
        fw_fifo_push(cmd);
        uint32_t r = fw_fifo_pop();
        if (log_n < LOGN) { log_sent[log_n] = cmd; log_got[log_n] = r; log_n++; }
        if (r == cmd) i++; else { i = 0; restarts++; }
    }
    return restarts;
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    while (!(SIO_FIFO_ST & FIFO_VLD)) { }   /* core 1's boot-time 0 */
    int restarts = launch_from(2, entry1);
    while (!ran1) { }
    fw_printf("restarts=%u log_n=%u\n", (uint32_t)restarts, log_n);
    CHECK(restarts >= 1);
    CHECK(log_sent[0] == 1 && log_got[0] == 0);

    fw_reset_core1();
    while (!(SIO_FIFO_ST & FIFO_VLD)) { }
    fw_fifo_drain();
    SIO_FIFO_WR = 1;
    SIO_FIFO_WR = (uint32_t)vectors;
    SIO_FIFO_WR = (uint32_t)__stack1_top;
    SIO_FIFO_WR = (uint32_t)entry2;
    sev();
    uint32_t t = time_us();
    while (!ran2 && time_us() - t < 1000) { }
    fw_printf("minimal_launch=%u vtor2=%x\n", ran2, vtor2);
    CHECK(ran2 == 1 && vtor2 == (uint32_t)vectors);
    /* the four echoes are waiting in our FIFO */
    CHECK(fw_fifo_pop() == 1);
    CHECK(fw_fifo_pop() == (uint32_t)vectors);
    CHECK(fw_fifo_pop() == (uint32_t)__stack1_top);
    CHECK(fw_fifo_pop() == (uint32_t)entry2);
    return 0;
}
