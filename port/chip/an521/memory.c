/*
 * memory.c: where the AN521 memory map (memmap.ld) puts each core's heap
 * and main stack, the words kept across a reboot, the reboot, the
 * spinlock words and the end of a run.
 */
#include "an521.h"
#include "hw/m33.h"
#include "hw/sse200.h"
#include "port.h"
#include "tandem/error.h"

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

/* ---- spinlocks: words in shared RAM (port_inline.h) ---------------------------------- */

volatile uint32_t an521_spin_words[32];

uint32_t port_spin_state(void)
{
    uint32_t s = 0;
    for (unsigned i = 0; i < 32u; i++)
        if (an521_spin_words[i] != 0)
            s |= 1u << i;
    return s;
}

/* ---- kept across a reboot ---------------------------------------------------------- */

/* RAM the image never loads or clears: QEMU's system reset (the reboot)
 * keeps it, as the RP2040's watchdog scratch registers are kept. */
#define PERSIST_MAGIC 0x7e5d0a21u
__attribute__((section(".persist"))) static volatile uint32_t persist[PORT_PERSIST_WORDS + 1];

int port_persist_write(const uint32_t *w, unsigned n)
{
    if (n > PORT_PERSIST_WORDS || (w == NULL && n != 0))
        return TD_ERR_PARAM;
    for (unsigned i = 0; i < PORT_PERSIST_WORDS; i++)
        persist[1 + i] = i < n ? w[i] : 0u;
    persist[0] = PERSIST_MAGIC;
    return TD_OK;
}

int port_persist_read(uint32_t *w, unsigned n)
{
    if (n > PORT_PERSIST_WORDS || (w == NULL && n != 0))
        return TD_ERR_PARAM;
    bool ok = persist[0] == PERSIST_MAGIC;
    for (unsigned i = 0; i < n; i++)
        w[i] = ok ? persist[1 + i] : 0u;
    return TD_OK;
}

void port_reboot(void)
{
    __asm volatile("cpsid i\n\tdsb" ::: "memory");
    SCB->aircr = SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ_BITS;
    for (;;)
        __asm volatile("wfe");
}

/* ---- the end of a run: semihosting ---------------------------------------------------- */

/* SYS_EXIT_EXTENDED (0x20) with ADP_Stopped_ApplicationExit: QEMU
 * (-semihosting) ends with 'code' as its exit status. Without a debugger
 * the BKPT is a HardFault the fault path names "exit". */
void port_exit(int code)
{
    uint32_t block[2] = { 0x20026u, (uint32_t)code };
    register uint32_t r0 __asm("r0") = 0x20u;
    register uint32_t *r1 __asm("r1") = block;
    __asm volatile("bkpt #0xab" : "+r"(r0) : "r"(r1) : "memory");
    for (;;)
        __asm volatile("wfe");
}
