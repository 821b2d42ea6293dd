/* fw_fifo_drain against a core 1 that never stops pushing: each call reads
   at most FIFO_DEPTH words and returns, the first (core 1 having filled the
   FIFO) exactly FIFO_DEPTH. The words read show core 1 kept pushing while
   core 0 drained. */
#include "fw.h"

#define ROUNDS 50
static volatile uint32_t go;
volatile uint32_t pushed;

static void core1_main(void) {
    while (!go) { }
    for (uint32_t i = 1;; i++) {
        while (!(SIO_FIFO_ST & FIFO_RDY)) { }
        SIO_FIFO_WR = i;
        pushed = i;
    }
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    fw_launch_core1(core1_main, __stack1_top, vectors);
    unsigned before = fw_fifo_drain();             /* nothing waits after the launch's echoes */
    go = 1;
    uint32_t t = time_us();
    while (pushed < FIFO_DEPTH && time_us() - t < 1000) { }
    uint32_t full_at = pushed;
    unsigned first = fw_fifo_drain(), max = first, total = first;
    for (unsigned r = 1; r < ROUNDS; r++) {
        unsigned n = fw_fifo_drain();
        if (n > max) max = n;
        total += n;
    }
    fw_printf("before=%u full_at=%u first=%u max=%u total=%u pushed=%u\n",
              before, full_at, first, max, total, pushed);
    CHECK(before == 0);
    CHECK(full_at == FIFO_DEPTH);
    CHECK(first == FIFO_DEPTH);
    CHECK(max <= FIFO_DEPTH);
    CHECK(total > FIFO_DEPTH);                     /* core 1 went on pushing meanwhile */
    return 0;
}
