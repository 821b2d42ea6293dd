/*
 * startup.c: the reset paths of both cores and the vector tables.
 *
 * QEMU loads the image and holds core 1 (SYSCTL CPUWAIT bit 1); core 0
 * starts from the table at INITSVTOR0 = 0x10000000. Core 0 copies .data,
 * clears .bss and core 1's data, moves its vector table to RAM, starts the
 * shared clock and the console and runs the program (as on the RP2040:
 * every module is initialised before core 1 wakes). Core 1 starts from its
 * own table (INITSVTOR1, written by port_core1_launch), with its own reset
 * entry and main stack.
 */
#include "an521.h"
#include "common/startup.h"
#include "hw/m33.h"
#include "hw/sse200.h"
#include "port.h"

#include <string.h>

void an521_reset_core0(void);
void an521_reset_core1(void);

/* The exception entries (isr_*): port/common/startup.h. */
#define V(f) ((uintptr_t)(f))
#define TABLE(sp, reset)                                                         \
    [0] = V(sp), [1] = V(reset), [2] = V(isr_nmi), [3] = V(isr_hardfault),      \
    [4 ... 10] = V(isr_unhandled), [11] = V(isr_svcall), [12 ... 13] = V(isr_unhandled), \
    [14] = V(isr_pendsv), [15] = V(isr_systick), [16 ... VECTOR_COUNT - 1] = V(isr_unhandled)

__attribute__((section(".vectors"), used, aligned(1024)))
const uintptr_t an521_vectors_flash[VECTOR_COUNT] = { TABLE(__stack0_top__, an521_reset_core0) };
__attribute__((section(".vectors1"), used, aligned(1024)))
const uintptr_t an521_vectors_flash1[VECTOR_COUNT] = { TABLE(__stack1_top__, an521_reset_core1) };

__attribute__((section(".ram_vectors0"), aligned(1024))) uintptr_t an521_vectors_core0[VECTOR_COUNT];
__attribute__((section(".ram_vectors1"), aligned(1024))) uintptr_t an521_vectors_core1[VECTOR_COUNT];

void an521_reset_core0(void)
{
    if (port_core_id() != 0) {           /* core 1 never starts here; park it */
        for (;;)
            __asm volatile("wfe");
    }
    common_memory_init();
    memcpy(an521_vectors_core0, an521_vectors_flash, sizeof an521_vectors_core0);
    memcpy(an521_vectors_core1, an521_vectors_flash1, sizeof an521_vectors_core1);
    SCB->vtor = (uint32_t)(uintptr_t)an521_vectors_core0;
    __asm volatile("dsb\n\tisb" ::: "memory");
    armv8m_core_init();
    an521_timer_init();
    an521_timer_core_init();
    an521_fifo_core_init();
    an521_event_core0_init();
    an521_console_init();
    int rc = td_kernel_main();
    port_exit(rc);
}

/* Core 1 from INITSVTOR1: its own table in RAM, then the launch wait. */
void an521_reset_core1(void)
{
    SCB->vtor = (uint32_t)(uintptr_t)an521_vectors_core1;
    __asm volatile("dsb\n\tisb" ::: "memory");
    an521_core1_boot();
}
