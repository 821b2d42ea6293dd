/*
 * memory.c: where the RP2040's memory map (memmap.ld) puts each core's
 * heap and main stack, for port/port.h.
 */
#include "port.h"
#include "rp2040.h"

extern uint32_t __heap0_start__[], __heap0_end__[], __heap1_start__[], __heap1_end__[];

void port_heap_region(unsigned core, uintptr_t *start, uintptr_t *end)
{
    *start = core == 0 ? (uintptr_t)__heap0_start__ : (uintptr_t)__heap1_start__;
    *end = core == 0 ? (uintptr_t)__heap0_end__ : (uintptr_t)__heap1_end__;
}

void port_main_stack(unsigned core, uintptr_t *lo, uintptr_t *hi)
{
    *lo = core == 0 ? (uintptr_t)__stack0_bottom__ : (uintptr_t)__stack1_bottom__;
    *hi = core == 0 ? (uintptr_t)__stack0_top__ : (uintptr_t)__stack1_top__;
}
