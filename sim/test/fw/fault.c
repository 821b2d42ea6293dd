/* HardFault handler shared by the fault tests (linked into every image; a
   test that wants the default behaviour simply never faults). */
#include "fw.h"

volatile uint32_t fault_count, fault_pc, fault_lr, fault_sp, fault_resume, fault_exc_return;
void (*volatile fault_hook)(uint32_t *frame);

void hardfault_c(uint32_t *frame, uint32_t exc_return) {
    fault_count++;
    fault_pc = frame[6];
    fault_lr = frame[5];
    fault_sp = (uint32_t)frame;
    fault_exc_return = exc_return;
    if (fault_hook) { fault_hook(frame); return; }
    if (!fault_resume) fw_fail("unexpected HardFault");
    frame[6] = fault_resume;
    fault_resume = 0;
}

__attribute__((naked)) void isr_hardfault(void) {
    __asm volatile(
        "mov r1, lr\n"
        "movs r0, #4\n"
        "tst r0, r1\n"
        "beq 1f\n"
        "mrs r0, psp\n"
        "b 2f\n"
        "1: mrs r0, msp\n"
        "2: push {r1, lr}\n"
        "bl hardfault_c\n"
        "pop {r1, pc}\n");
}
