/* The Cortex-M0+ MPU of each core: TYPE, a no-access stack guard made of one
   256-byte region with 7 of 8 subregions disabled (32 bytes guarded), XN,
   unprivileged access, HardFault running with the MPU off (HFNMIENA = 0),
   a thread stack overflowing into the guard, and core 1's own MPU. */
#include "fw.h"

#define RASR(size_log2, ap, xn, srd) \
    ((((uint32_t)(xn)) << 28) | ((uint32_t)(ap) << 24) | ((uint32_t)(srd) << 8) | (((size_log2) - 1u) << 1) | 1u)

static uint8_t guard_area[512] __attribute__((aligned(256)));
static uint16_t ram_code[128] __attribute__((aligned(256)));
static uint32_t user_data[64] __attribute__((aligned(256)));
static uint32_t psp_stack[64] __attribute__((aligned(256)));   /* guard on its first 32 bytes */
static volatile uint32_t in_handler_read, overflow_seen, c1_result;

extern const char mpu_read_at[], mpu_write_at[], mpu_user_at[], mpu_push_at[];
void do_read(volatile uint8_t *p);
void do_write(volatile uint8_t *p);
void do_user_access(volatile uint32_t *p);
void do_deep_push(void);

__asm__(
    ".syntax unified\n.thumb\n.text\n"
    ".thumb_func\n.global do_read\ndo_read:\n  ldr r3, =fault_resume\n  ldr r2, =9f\n  str r2, [r3]\n"
    ".global mpu_read_at\nmpu_read_at:\n  ldrb r0, [r0]\n  .align 2\n9: bx lr\n  .ltorg\n"
    ".thumb_func\n.global do_write\ndo_write:\n  ldr r3, =fault_resume\n  ldr r2, =9f\n  str r2, [r3]\n  movs r1, #0x5a\n"
    ".global mpu_write_at\nmpu_write_at:\n  strb r1, [r0]\n  .align 2\n9: bx lr\n  .ltorg\n"
    /* drop to unprivileged thread mode, touch *r0, come back with svc */
    ".thumb_func\n.global do_user_access\ndo_user_access:\n  ldr r3, =fault_resume\n  ldr r2, =9f\n  str r2, [r3]\n"
    "  movs r1, #1\n  msr control, r1\n  isb\n"
    ".global mpu_user_at\nmpu_user_at:\n  ldr r1, [r0]\n  .align 2\n9: svc #0\n  bx lr\n  .ltorg\n"
    /* on the process stack: push until the guard is hit */
    ".thumb_func\n.global do_deep_push\ndo_deep_push:\n"
    ".global mpu_push_at\nmpu_push_at:\n  push {r0-r7}\n  b mpu_push_at\n"
);

void isr_svcall(void) { __asm volatile("movs r0, #0\n msr control, r0\n isb" ::: "r0"); }

static void peek_guard_in_handler(uint32_t *frame) {
    in_handler_read = *(volatile uint8_t *)guard_area + 1;  /* MPU is off here: no lockup */
    frame[6] = fault_resume;
    fault_resume = 0;
}

static uint32_t resume_thread_at;
static void stack_overflow_hook(uint32_t *frame) {
    (void)frame;
    uint32_t psp;
    __asm volatile("mrs %0, psp" : "=r"(psp));
    if (psp >= (uint32_t)psp_stack && psp < (uint32_t)psp_stack + 64) overflow_seen = psp;
    /* give the thread a fresh frame on a good part of the stack, resuming on MSP-free code */
    uint32_t *nf = &psp_stack[64 - 8];
    for (int i = 0; i < 8; i++) nf[i] = 0;
    nf[6] = resume_thread_at;
    nf[7] = 1u << 24;
    __asm volatile("msr psp, %0" :: "r"(nf));
}

static void core1_main(void) {
    /* core 1's MPU is its own: core 0's regions do not apply here */
    c1_result = 1 + guard_area[0];
    MPU_RNR = 0;
    c1_result |= (MPU_RASR == 0 ? 0x100 : 0);
    for (;;) wfe();
}

static void after_overflow(void);

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    CHECK(MPU_TYPE == 0x800);

    /* region 0: guard_area, 256 bytes, no access, only subregion 0 (32 bytes) active */
    MPU_RNR = 0;
    MPU_RBAR = (uint32_t)guard_area;
    MPU_RASR = RASR(8, 0, 1, 0xfe);
    /* region 1: ram_code, execute-never */
    ram_code[0] = 0x4770;               /* bx lr */
    MPU_RBAR = (uint32_t)ram_code | 0x10 | 1;   /* VALID, REGION 1 */
    MPU_RASR = RASR(8, 3, 1, 0);
    /* region 2: user_data, privileged read/write only */
    MPU_RBAR = (uint32_t)user_data | 0x10 | 2;
    MPU_RASR = RASR(8, 1, 0, 0);
    /* region 3: 32-byte guard at the bottom of psp_stack */
    MPU_RBAR = (uint32_t)psp_stack | 0x10 | 3;
    MPU_RASR = RASR(8, 0, 1, 0xfe);
    /* region 4: flash, read-only and executable for everyone (unprivileged code
       cannot use the background map) */
    MPU_RBAR = 0x10000000u | 0x10 | 4;
    MPU_RASR = RASR(21, 6, 0, 0);
    /* region 5: the main stacks (SCRATCH_X/Y), read/write for everyone: exception
       entry from unprivileged code stacks with unprivileged rights */
    MPU_RBAR = 0x20040000u | 0x10 | 5;
    MPU_RASR = RASR(13, 3, 1, 0);
    MPU_CTRL = 5;                       /* ENABLE | PRIVDEFENA, HFNMIENA = 0 */

    uint32_t n = fault_count;
    do_read(guard_area);                 CHECK(fault_count == n + 1 && fault_pc == (uint32_t)mpu_read_at);
    do_read(guard_area + 31);            CHECK(fault_count == n + 2);
    do_read(guard_area + 32);            CHECK(fault_count == n + 2);   /* subregion 1 disabled: background */
    do_write(guard_area + 28);           CHECK(fault_count == n + 3 && fault_pc == (uint32_t)mpu_write_at);
    do_write(guard_area + 300);          CHECK(fault_count == n + 3);   /* outside the region */

    fault_hook = peek_guard_in_handler;
    do_read(guard_area + 4);
    fault_hook = 0;
    CHECK(fault_count == n + 4 && in_handler_read == 1);

    /* XN */
    fault_resume = (uint32_t)&&after_xn;
    ((void (*)(void))((uint32_t)ram_code | 1))();
after_xn:
    CHECK(fault_count == n + 5 && fault_pc == (uint32_t)ram_code);
    MPU_RNR = 1; MPU_RASR = RASR(8, 3, 0, 0);
    ((void (*)(void))((uint32_t)ram_code | 1))();
    CHECK(fault_count == n + 5);

    /* privileged access allowed, unprivileged denied */
    user_data[0] = 42;
    do_user_access(user_data);
    CHECK(fault_count == n + 6 && fault_pc == (uint32_t)mpu_user_at);
    do_user_access((volatile uint32_t *)(guard_area + 300)); /* background map: unprivileged denied too */
    CHECK(fault_count == n + 7);

    /* a thread on the process stack runs into its guard */
    resume_thread_at = (uint32_t)after_overflow | 1;
    fault_hook = stack_overflow_hook;
    __asm volatile(
        "msr psp, %0\n"
        "movs r0, #2\n msr control, r0\n isb\n"   /* thread mode on PSP */
        "b do_deep_push\n" :: "r"(&psp_stack[64]) : "r0");
    for (;;) { }
}

static void after_overflow(void) {
    __asm volatile("movs r0, #0\n msr control, r0\n isb" ::: "r0");
    fault_hook = 0;
    fw_printf("overflow_psp=%x guard=%x\n", overflow_seen, (uint32_t)psp_stack);
    CHECK(overflow_seen != 0);

    fw_launch_core1(core1_main, __stack1_top, vectors);
    while (!c1_result) { }
    fw_printf("c1_result=%x faults=%u\n", c1_result, fault_count);
    CHECK(c1_result == 0x101);
    fw_exit(0);
}
