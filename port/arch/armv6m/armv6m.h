/*
 * armv6m.h: the ARMv6-M layer's private interface, shared by its files and
 * used by a chip built on it (port/chip/NAME, whose chip.mk says
 * ARCH := armv6m); nothing here is for the kernel.
 *
 * What this layer gives a chip:
 *   the exception handlers its vector table must name: isr_hardfault
 *   (fault_entry.S), isr_pendsv (switch.S), isr_systick
 *   (port/common/systick.c);
 *   tandem/irq.h (nvic.c), through the table this core's VTOR points at;
 *   port/port.h's contexts, switches, tick, cycle counter, idle, events,
 *   halt, exit, MPU guards and fault decoding.
 *
 * What it needs from the chip:
 *   in port_limits.h: arch_limits.h included, PORT_CORE_ID_REG (the
 *   register whose load gives this core's number: read in assembly by the
 *   fault entry) and PORT_MEM_* (where boot ROM, flash, the image's code
 *   and SRAM are);
 *   from its linker script: __stack0_bottom__, __stack0_top__,
 *   __stack1_bottom__, __stack1_top__ (each core's main stack; the bottom
 *   256-byte aligned for the MPU's main stack guard) and __data_load__
 *   (the end of the code in flash);
 *   port_main_stack (port/port.h) and TD_CLK_SYS_HZ (tandem/config.h, the
 *   clock SysTick counts);
 *   a .ram_text input section placed in RAM and copied there at start-up
 *   (port_halt's last loop runs from it, so a halted core never touches
 *   the flash).
 */
#ifndef TANDEM_ARMV6M_H
#define TANDEM_ARMV6M_H

#include <stdint.h>

/* The linker script's symbols this layer reads (see above). */
extern uint32_t __stack0_bottom__[], __stack0_top__[];
extern uint32_t __stack1_bottom__[], __stack1_top__[];
extern uint32_t __data_load__[];

/* The thread guard armed on this core (MPU region 2), 0: none (mpu.c). */
uintptr_t armv6m_guard_armed(void);

/* The C half of the HardFault entry (fault.c): 'cap' is the capture
 * fault_entry.S made (r12, psp, primask, EXC_RETURN, r4-r7, r8-r11,
 * r0-r3), 'msp' the main stack pointer at entry (the capture may have
 * moved). Returns the thread context to resume. */
void *armv6m_fault_entry(const uint32_t *cap, uint32_t msp);

#endif
