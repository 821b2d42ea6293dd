/*
 * tests/test_memory.c: core 1's own static data (TD_CORE1_DATA,
 * TD_CORE1_BSS): initial values and zeroes as start-up left them, and on
 * the chip their addresses inside core 1's region, readable and writable
 * from core 1.
 */
#include "harness.h"
#include "port.h"

static TD_CORE1_DATA uint32_t c1_data[3] = { 0x5eed1234u, 7u, 0xffffffffu };
static TD_CORE1_DATA uint8_t c1_byte = 0xa5u;
static TD_CORE1_BSS uint32_t c1_bss[16];

static void core1_touch(void *arg)
{
    (void)arg;
    c1_bss[3] = c1_data[0] ^ 1u;
    c1_data[1]++;
}

TEST(core1_static_data)
{
    CHECK_EQ(c1_data[0], 0x5eed1234u);
    CHECK_EQ(c1_data[1], 7u);
    CHECK_EQ(c1_data[2], 0xffffffffu);
    CHECK_EQ(c1_byte, 0xa5u);
    for (unsigned i = 0; i < 16u; i++)
        CHECK_EQ(c1_bss[i], 0u);
#if defined(PORT_MEM_CORE1_RAM)
    /* the chip's CORE1_RAM with the default split */
    uintptr_t lo = PORT_MEM_CORE1_RAM, hi = PORT_MEM_CORE1_RAM_END;
    CHECK((uintptr_t)c1_data >= lo && (uintptr_t)(c1_data + 3) <= hi);
    CHECK((uintptr_t)&c1_byte >= lo && (uintptr_t)&c1_byte < hi);
    CHECK((uintptr_t)c1_bss >= lo && (uintptr_t)(c1_bss + 16) <= hi);
#endif
    REQUIRE_EQ(th_core1_run(core1_touch, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(2)), TD_OK);
    CHECK_EQ(c1_bss[3], 0x5eed1235u);
    CHECK_EQ(c1_data[1], 8u);
    c1_bss[3] = 0;
    c1_data[1] = 7u;
}
