/*
 * launch.c: core 1's start, reset and launch on the SSE-200.
 *
 * The SSE-200 holds core 1 at power-on (SYSCTL CPUWAIT bit 1); clearing the
 * bit starts it from the vector table at INITSVTOR1. There is no boot ROM
 * handshake and, in QEMU's model, no way to reset one core on its own: a
 * second CPUWAIT release of a running core does nothing. So tandem makes
 * the reset itself, in two parts:
 *   - core 1's first start (an521_core1_boot) and every reset end in the
 *     same wait loop, the equivalent of the RP2040 boot ROM's: core 1 in
 *     thread mode on its main stack, interrupts masked, waiting for a
 *     launch request in shared RAM;
 *   - a reset is a request on MHU1, core 1's core-control interrupt, at
 *     hardware priority 0: above everything port_irq_save masks (BASEPRI),
 *     so it reaches a core 1 that spins with interrupts masked or sits
 *     halted after a fault (port_halt leaves it in thread mode). Its
 *     handler stops SysTick, turns off and clears every interrupt but this
 *     one, turns the MPU off and leaves every active exception through
 *     armv8m_park into the wait loop, which acknowledges.
 * What this cannot reach, and a real per-core reset would: a core 1 locked
 * up at HardFault priority (a fault inside the fault path). The supervising
 * core then sees the reset go unacknowledged: port_core1_launch returns
 * TD_ERR_NO_RESPONSE.
 *
 * QEMU runs each core on its own host thread when not in -icount mode: a
 * busy host may leave core 1's thread unscheduled for a long while (half a
 * second was seen to be too short on a loaded two-CPU machine, with "core 1
 * did not start" the result), so the waits are bounded generously
 * (AN521_CORE1_WAIT_US, 5 s): the bound only matters for a core 1 that
 * never answers.
 */
#include "an521.h"
#include "hw/m33.h"
#include "hw/sse200.h"
#include "port.h"
#include "tandem/config.h"
#include "tandem/error.h"

#define AN521_CORE1_WAIT_US 5000000u

extern const uintptr_t an521_vectors_flash1[VECTOR_COUNT];

enum { C1_OFF = 0, C1_WAITING, C1_RUNNING };

static struct {
    volatile uint32_t state;         /* C1_*, written by core 1 */
    volatile uint32_t reset_req;     /* reset requests made by core 0 */
    volatile uint32_t reset_ack;     /* the last one core 1 acted on */
    volatile uint32_t launch_req;    /* launch requests made by core 0 */
    volatile uint32_t launch_ack;    /* the last one core 1 took */
    port_entry_t entry;
    void *arg;
    uint32_t sp, limit;
} c1;
static uint32_t powered;             /* core 0 released CPUWAIT */

static bool wait_for(const volatile uint32_t *v, uint32_t want)
{
    uint64_t deadline = port_time_us() + AN521_CORE1_WAIT_US;
    while (*v != want) {
        if (port_time_us() >= deadline)
            return false;
        /* A hint (a NOP on a chip): QEMU's one-thread mode (-icount) runs
         * the other core only when this one waits or yields. */
        __asm volatile("yield");
    }
    return true;
}

/* Core 1, thread mode, interrupts masked (BASEPRI): the wait for a launch. */
static void wait_launch(void)
{
    c1.reset_ack = c1.reset_req;
    c1.state = C1_WAITING;
    __asm volatile("dsb" ::: "memory");
    port_sev();
    while (c1.launch_ack == c1.launch_req)
        port_wfe();                   /* an event: the MHU1 doorbell (event.c) */
    __asm volatile("dmb" ::: "memory");
    port_entry_t entry = c1.entry;
    void *arg = c1.arg;
    uint32_t sp = c1.sp, limit = c1.limit;
    c1.state = C1_RUNNING;
    c1.launch_ack = c1.launch_req;
    __asm volatile("dsb" ::: "memory");
    port_sev();
    /* The new main stack and its limit, interrupts on, the entry. */
    __asm volatile("msr msplim, %0\n\tmov sp, %1\n\tmsr basepri, %2\n\t"
                   "mov r0, %3\n\tblx %4"
                   :: "r"(limit), "r"(sp), "r"(0u), "r"(arg), "r"(entry) : "r0", "memory");
    for (;;)                          /* entry returned: core 1 rests */
        __asm volatile("wfi");
}

/* Core 1's core-control interrupt: a reset request from core 0 (bit 0),
 * or an event (bit 1: event.c). */
static void core1_control_isr(void)
{
    if (!(MHU1->cpu1intr_stat & 1u)) {
        an521_event_isr();
        return;
    }
    MHU1->cpu1intr_clr = 0xffffffffu;
    SYSTICK->csr = 0;
    SCB->icsr = SCB_ICSR_PENDSTCLR_BITS | SCB_ICSR_PENDSVCLR_BITS;
    for (unsigned w = 0; w < 16u; w++) {
        NVIC->icer[w] = 0xffffffffu;
        NVIC->icpr[w] = 0xffffffffu;
    }
    NVIC->iser[PORT_IRQ_MHU1 / 32u] = 1u << (PORT_IRQ_MHU1 % 32u);
    MPU->ctrl = 0;
    __asm volatile("dsb\n\tisb" ::: "memory");
    armv8m_park(wait_launch);
}

void an521_core1_boot(void)
{
    armv8m_core_init();
    an521_vectors_core1[EXC_IRQ0 + PORT_IRQ_MHU1] = (uintptr_t)core1_control_isr;
    NVIC->ipr[PORT_IRQ_MHU1] = ARMV8M_PRIO_CONTROL;
    MHU1->cpu1intr_clr = 0xffffffffu;
    NVIC->icpr[0] = 1u << PORT_IRQ_MHU1;
    NVIC->iser[0] = 1u << PORT_IRQ_MHU1;
    an521_fifo_core_init();
    an521_timer_core_init();
    armv8m_park(wait_launch);
}

bool port_core1_in_rom(void)
{
    /* Its wait loop is this chip's boot ROM: off the flash, no kernel. */
    return c1.state != C1_RUNNING;
}

void port_core1_reset(void)
{
    if (!powered)
        return;                          /* still held by CPUWAIT: as after a reset */
    uint32_t n = c1.reset_req + 1u;
    c1.state = C1_OFF;
    c1.reset_req = n;
    __asm volatile("dsb" ::: "memory");
    MHU1->cpu1intr_set = 1u;
    (void)wait_for(&c1.reset_ack, n);    /* an unanswered reset: the launch says so */
}

int port_core1_launch(port_entry_t entry, void *arg, void *stack, size_t size)
{
    if (entry == NULL)
        return TD_ERR_PARAM;
    if (port_core_id() != 0)
        return TD_ERR_WRONG_CORE;
    port_core1_reset();
    c1.entry = entry;
    c1.arg = arg;
    c1.sp = stack ? (uint32_t)(((uintptr_t)stack + size) & ~(uintptr_t)7)
                  : (uint32_t)(uintptr_t)__stack1_top__;
    c1.limit = stack ? (uint32_t)(uintptr_t)stack
                     : (uint32_t)(uintptr_t)__stack1_bottom__ + PORT_MAIN_GUARD / 2u;
    if (!powered) {
        SYSCTL->initsvtor1 = (uint32_t)(uintptr_t)an521_vectors_flash1;
        SYSCTL->cpuwait &= ~SYSCTL_CPUWAIT_CPU1_BITS;
        powered = 1;
    }
    if (!wait_for(&c1.state, C1_WAITING))
        return TD_ERR_NO_RESPONSE;
    an521_fifo_launch();                 /* nothing of the last instance's traffic */
    uint32_t n = c1.launch_req + 1u;
    __asm volatile("dmb" ::: "memory");
    c1.launch_req = n;
    __asm volatile("dsb" ::: "memory");
    port_sev();
    if (!wait_for(&c1.launch_ack, n))
        return TD_ERR_NO_RESPONSE;
    return TD_OK;
}
