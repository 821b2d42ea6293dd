/* The ROM model's tables as the pico-sdk's runtime reads them: the float
 * and double tables ('SF', 'SD') are found, 32 entries long (the size in
 * words in the byte at table - 2), a code the model lacks gives 0; then
 * core 0 calls the float table's fmul entry (2 * 3), then its fsin with
 * 1000.0, outside the range the datasheet gives for it (|x| < 128): the
 * chip's result there is not defined, so the run must stop naming it. */
#include "fw.h"

#define CODE(a, b) ((uint32_t)(a) | ((uint32_t)(b) << 8))

static void *lookup(uint32_t table_ptr, char a, char b) {
    typedef void *(*lookup_fn)(uint32_t table, uint32_t code);
    lookup_fn f = (lookup_fn)(uint32_t)*(volatile uint16_t *)0x18;
    return f(*(volatile uint16_t *)table_ptr, CODE(a, b));
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    const uint8_t *sf = lookup(0x16, 'S', 'F'), *sd = lookup(0x16, 'S', 'D');
    CHECK(sf != 0 && sd != 0 && sf != sd);
    CHECK(sf[-2] == 32 && sd[-2] == 32);
    CHECK(lookup(0x16, 'Z', 'Z') == 0);
    CHECK(lookup(0x14, 'Z', 'Y') == 0);
    fw_printf("tables found\n");
    typedef uint32_t (*fmul_fn)(uint32_t, uint32_t);
    fmul_fn fmul = (fmul_fn)((const uint32_t *)sf)[2];
    uint32_t r = fmul(0x40000000u, 0x40400000u);  /* 2.0f * 3.0f */
    fw_printf("fmul returned %x\n", r);
    typedef uint32_t (*fsin_fn)(uint32_t);
    fsin_fn fsin = (fsin_fn)((const uint32_t *)sf)[0x40 / 4];
    r = fsin(0x447a0000u);                       /* 1000.0f */
    fw_printf("fsin returned %x\n", r);
    return 0;
}
