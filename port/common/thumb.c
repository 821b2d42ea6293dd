/*
 * thumb.c: the call chain of a fault report, read from Thumb code the same
 * way on every Arm M-profile CPU (thumb.h).
 */
#include "thumb.h"

extern uint32_t __data_load__[];

bool port_code_return(uint32_t v)
{
    uint32_t a = v - 1u;                 /* the instruction after the call */
    if (!(v & 1u) || a < PORT_MEM_CODE + 4u || a >= (uint32_t)(uintptr_t)__data_load__)
        return false;
    uint16_t h1 = *(const uint16_t *)(uintptr_t)(a - 4u);
    uint16_t h2 = *(const uint16_t *)(uintptr_t)(a - 2u);
    return ((h1 & 0xf800u) == 0xf000u && (h2 & 0xd000u) == 0xd000u) ||   /* BL */
           (h2 & 0xff87u) == 0x4780u;                                     /* BLX rm */
}

unsigned port_call_chain(uintptr_t sp, uint32_t *out, unsigned max)
{
    unsigned n = 0;
    if ((sp & 3u) || !common_in_sram(sp, 4))
        return 0;
    uintptr_t end = sp + 1024u;          /* how far up the stack to look */
    if (end > PORT_MEM_SRAM_END)
        end = PORT_MEM_SRAM_END;
    for (uintptr_t p = sp; p < end && n < max; p += 4u) {
        uint32_t v = *(const uint32_t *)p;
        if (port_code_return(v) && (n == 0 || out[n - 1] != v))
            out[n++] = v;
    }
    return n;
}
