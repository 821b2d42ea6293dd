/*
 * startup.c: what every chip's reset path and vector table do the same way
 * (startup.h): the RAM data set up, a report of an exception nobody
 * handles, main() without a kernel.
 */
#include "startup.h"
#include "port.h"

#include <string.h>

extern uint32_t __data_start__[], __data_end__[], __data_load__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __core1_bss_start__[], __core1_bss_end__[];
extern uint32_t __core1_data_start__[], __core1_data_end__[], __core1_data_load__[];
extern int main(void);

static size_t span(const uint32_t *start, const uint32_t *end)
{
    return (size_t)((uintptr_t)end - (uintptr_t)start);
}

void common_memory_init(void)
{
    memcpy(__data_start__, __data_load__, span(__data_start__, __data_end__));
    memcpy(__core1_data_start__, __core1_data_load__, span(__core1_data_start__, __core1_data_end__));
    memset(__bss_start__, 0, span(__bss_start__, __bss_end__));
    memset(__core1_bss_start__, 0, span(__core1_bss_start__, __core1_bss_end__));
}

void isr_unhandled(void)
{
    static const char hex[] = "0123456789abcdef";
    char msg[] = "\nunhandled exception 0x00 on core 0\n";
    uint32_t n;
    __asm volatile("mrs %0, ipsr" : "=r"(n));    /* the active exception */
    n &= 0x1ffu;
    msg[23] = hex[(n >> 4) & 0xfu];
    msg[24] = hex[n & 0xfu];
    msg[34] = (char)('0' + port_core_id());
    (void)port_console_write(msg, sizeof msg - 1);
    port_exit(3);
}

#define WEAK_ALIAS __attribute__((weak, alias("isr_unhandled")))
void isr_nmi(void) WEAK_ALIAS;
void isr_hardfault(void) WEAK_ALIAS;
void isr_svcall(void) WEAK_ALIAS;
void isr_pendsv(void) WEAK_ALIAS;
void isr_systick(void) WEAK_ALIAS;

__attribute__((weak)) int td_kernel_main(void)
{
    return main();
}
