/* A thread's stack is nearly full when an interrupt comes: the exception
   entry's stacking runs into the MPU guard below the stack. On ARMv6-M that
   is a derived exception, not a lockup: HardFault is taken in place of the
   interrupt ("late arrival") with the thread's frame, so the handler sees
   EXC_RETURN = thread mode on PSP, the interrupt still pending; the
   interrupt runs once the HardFault handler has returned. */
#include "fw.h"

#define RASR(size_log2, ap, xn, srd) \
    ((((uint32_t)(xn)) << 28) | ((uint32_t)(ap) << 24) | ((uint32_t)(srd) << 8) | (((size_log2) - 1u) << 1) | 1u)
#define PENDSTSET (1u << 26)

static uint32_t psp_stack[64] __attribute__((aligned(256)));   /* guard: its first 32 bytes */
static volatile uint32_t systick_runs, systick_at_fault, pending_at_fault, ipsr_at_fault;
static volatile uint32_t exc_return_at_fault, psp_at_fault;
static uint32_t resume_at;

void isr_systick(void) { systick_runs++; }

static void hook(uint32_t *frame) {
    (void)frame;
    uint32_t ipsr, psp;
    __asm volatile("mrs %0, ipsr\n mrs %1, psp" : "=r"(ipsr), "=r"(psp));
    ipsr_at_fault = ipsr;
    psp_at_fault = psp;
    exc_return_at_fault = fault_exc_return;
    pending_at_fault = (SCB_ICSR & PENDSTSET) != 0;
    systick_at_fault = systick_runs;
    /* resume the thread on a fresh frame higher up its stack */
    uint32_t *nf = &psp_stack[64 - 8];
    for (int i = 0; i < 8; i++) nf[i] = 0;
    nf[6] = resume_at;
    nf[7] = 1u << 24;
    __asm volatile("msr psp, %0" :: "r"(nf));
}

/* back on the main stack before any C code needs a stack */
void after(void);
__asm__(".syntax unified\n.thumb\n.text\n.thumb_func\n.global after_entry\nafter_entry:\n"
        "  movs r0, #0\n  msr control, r0\n  isb\n  b after\n");
void after_entry(void);

void after(void) {
    fault_hook = 0;
    fw_printf("ipsr=%u exc_return=%x psp=%x pending=%u systick_before=%u systick_after=%u faults=%u\n",
              ipsr_at_fault, exc_return_at_fault, psp_at_fault, pending_at_fault,
              systick_at_fault, systick_runs, fault_count);
    CHECK(fault_count == 1);
    CHECK(ipsr_at_fault == 3);                       /* HardFault, not nested on SysTick */
    CHECK(exc_return_at_fault == 0xfffffffd);        /* taken from the thread, on PSP */
    CHECK(psp_at_fault < (uint32_t)&psp_stack[8]);   /* the frame went into the guard */
    CHECK(pending_at_fault == 1 && systick_at_fault == 0);
    CHECK(systick_runs == 1);                        /* ran after the HardFault returned */
    fw_exit(0);
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    MPU_RBAR = (uint32_t)psp_stack | 0x10 | 0;      /* region 0: the guard, no access */
    MPU_RASR = RASR(8, 0, 1, 0xfe);
    MPU_CTRL = 5;                                   /* ENABLE | PRIVDEFENA */
    resume_at = (uint32_t)after_entry | 1;
    fault_hook = hook;
    /* thread mode on PSP, 16 bytes above the guard; then SysTick pends */
    __asm volatile(
        "msr psp, %0\n"
        "movs r0, #2\n msr control, r0\n isb\n"
        "str %2, [%1]\n"
        "dsb\n isb\n"
        "1: b 1b\n"
        :: "r"(&psp_stack[12]), "r"(&SCB_ICSR), "r"(PENDSTSET) : "r0", "memory");
    for (;;) { }
}
