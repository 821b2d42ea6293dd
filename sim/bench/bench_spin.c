/* Emulator speed benchmark: both cores run the same compute loop (integer
   arithmetic, loads and stores to their own RAM buffer, branches) for a fixed
   number of rounds; core 0 then checks core 1's checksum and exits 0. */
#include "fw.h"

#define ROUNDS 1200000u

static uint32_t buf[2][64];
static volatile uint32_t result[2];

static uint32_t work(uint32_t *b) {
    uint32_t x = 0x12345678u ^ SIO_CPUID, sum = 0;
    for (uint32_t i = 0; i < ROUNDS; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        b[i & 63] += x;
        sum += b[(i * 7) & 63];
    }
    return sum;
}

static void core1_main(void) {
    result[1] = work(buf[1]);
    fw_fifo_push(1);
    for (;;) wfe();
}

int main(void) {
    fw_launch_core1(core1_main, __stack1_top, vectors);
    result[0] = work(buf[0]);
    CHECK(fw_fifo_pop() == 1);
    CHECK(result[1] != 0 && result[0] != 0);
    return 0;
}
