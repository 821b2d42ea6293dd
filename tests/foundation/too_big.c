/* Images that do not fit: each variant must fail to link with the linker
 * naming the region that overflowed. */
#include <stdint.h>

#if defined(TOO_BIG_FLASH)
const uint8_t big[3u << 20] = { 1 };               /* 3 MiB of constants */
uint32_t use(unsigned i) { return big[i]; }
#elif defined(TOO_BIG_RAM)
uint8_t big[200u << 10];                           /* 200 KiB: RAM is 192 KiB */
uint32_t use(unsigned i) { return big[i]; }
#elif defined(TOO_BIG_CORE1)
__attribute__((section(".core1_bss"))) uint8_t big[70u << 10]; /* CORE1_RAM is 64 KiB */
uint32_t use(unsigned i) { return big[i]; }
#endif

static volatile unsigned where;   /* keeps the array referenced */

int main(void)
{
    return (int)use(where);
}
