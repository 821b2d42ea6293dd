/*
 * armv8m.h: the ARMv8-M Mainline layer's private interface, shared by its
 * files and used by a chip built on it (port/chip/NAME, whose chip.mk says
 * ARCH := armv8m); nothing here is for the kernel. Secure state only: the
 * layer never programs the SAU and runs everything Secure and privileged.
 *
 * What this layer gives a chip:
 *   the exception handlers its vector table must name: isr_hardfault
 *   (fault_entry.S), isr_pendsv (switch.S), isr_systick
 *   (port/common/systick.c);
 *   armv8m_core_init, called once by each core before anything else runs
 *   on it; armv8m_park, the way out of any exception state into a
 *   thread-mode loop (a halted core, a core being reset);
 *   tandem/irq.h (nvic.c), through the table this core's VTOR points at;
 *   port/port.h's contexts, switches, tick, cycle counter, idle, events,
 *   halt, stack limits, MPU guards and fault decoding.
 *
 * What it needs from the chip:
 *   in port_limits.h: arch_limits.h included, PORT_CORE_ID_REG (the
 *   register whose load gives this core's number), PORT_CPU_HZ (the clock
 *   SysTick counts with CLKSOURCE = 1) and PORT_MEM_* (where code and SRAM
 *   are: PORT_MEM_CODE, PORT_MEM_CODE_END, PORT_MEM_SRAM, PORT_MEM_SRAM_END);
 *   from its linker script: __stack0_bottom__, __stack0_top__,
 *   __stack1_bottom__, __stack1_top__ (each core's main stack, the bottom
 *   32-byte aligned) and __data_load__ (the end of the code);
 *   port_main_stack (port/port.h).
 */
#ifndef TANDEM_ARMV8M_H
#define TANDEM_ARMV8M_H

#include <stdint.h>

extern uint32_t __stack0_bottom__[], __stack0_top__[];
extern uint32_t __stack1_bottom__[], __stack1_top__[];
extern uint32_t __data_load__[];

/* The active exception number (IPSR): 0 in thread mode. */
static inline uint32_t armv8m_ipsr(void)
{
    uint32_t v;
    __asm volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}

/* The NVIC priority byte the chip gives its core-control interrupt: above
 * everything port_irq_save masks. */
#define ARMV8M_PRIO_CONTROL 0x00u

/* This core's set-up, before its first thread or handler: a trap for
 * division by zero, stack-limit checks off at
 * HardFault priority (the fault entry may run below a limit it has just
 * hit), the FPU on where the core has one (lazy stacking), PendSV and
 * SysTick priorities, MSPLIM at the main stack's guard, and the cycle
 * counter. Returns 1 if the core has an FPU, else 0. */
unsigned armv8m_core_init(void);

/* Leave every active exception and run fn() in thread mode on the top of
 * this core's main stack, with BASEPRI masking all but hardware level 0.
 * The stack limits, the thread's FP state and any pending lazy FP save are
 * cleared. From handler or thread mode; never returns. */
void armv8m_park(void (*fn)(void)) __attribute__((noreturn));

/* The thread guard armed on this core (MPU), 0: none (mpu.c). */
uintptr_t armv8m_guard_armed(void);

/* The C half of the HardFault entry (fault.c): 'cap' is the capture
 * fault_entry.S made (r12, psp, basepri, EXC_RETURN, r4-r11, r0-r3), 'msp'
 * the main stack pointer at entry. Returns the thread context to resume. */
void *armv8m_fault_entry(const uint32_t *cap, uint32_t msp);

/* Whether this core has an FPU (armv8m_core_init). */
extern uint8_t armv8m_has_fpu[2];

#endif
