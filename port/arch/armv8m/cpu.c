/*
 * cpu.c: this core's set-up (armv8m_core_init), events (SEV/WFE), halting
 * and armv8m_park, the way out of any exception state.
 *
 * Halting and parking leave the core in thread mode with BASEPRI masking
 * every level tandem gives out, never with PRIMASK or inside a handler:
 * so the chip's core-control interrupt (hardware level 0) can still reach
 * a halted core, and nothing stays active that would keep the core's next
 * kernel from taking its interrupts (an ARMv8-M core cannot be reset on
 * its own; see the chip layer).
 */
#include "armv8m.h"
#include "hw/m33.h"
#include "port.h"

uint8_t armv8m_has_fpu[2];

void armv8m_cycles_init(void);       /* systick.c */

unsigned armv8m_core_init(void)
{
    uintptr_t lo, hi;
    unsigned core = port_core_id();
    SCB->ccr |= SCB_CCR_DIV_0_TRP_BITS | SCB_CCR_STKOFHFNMIGN_BITS;
    /* PendSV least urgent, SysTick above it; SVCall (port_switch's way
     * back into an exception frame) the port's own level. */
    SCB->shpr[EXC_PENDSV - 4] = (uint8_t)ARMV8M_PRIO_BYTE(PORT_IRQ_PRIO_SWITCH);
    SCB->shpr[EXC_SYSTICK - 4] = (uint8_t)ARMV8M_PRIO_BYTE(PORT_IRQ_PRIO_TICK);
    SCB->shpr[11 - 4] = ARMV8M_PRIO_CONTROL;
    /* The FPU, where there is one: full access, automatic and lazy state
     * preservation (the reset values of FPCCR, set again to be sure). */
    SCB->cpacr |= SCB_CPACR_CP10_CP11_BITS;
    __asm volatile("dsb\n\tisb" ::: "memory");
    armv8m_has_fpu[core] = (SCB->cpacr & SCB_CPACR_CP10_CP11_BITS) == SCB_CPACR_CP10_CP11_BITS &&
                           *FPU_MVFR0 != 0;
    if (armv8m_has_fpu[core])
        *FPU_FPCCR |= FPU_FPCCR_ASPEN_BITS | FPU_FPCCR_LSPEN_BITS;
    else
        SCB->cpacr &= ~SCB_CPACR_CP10_CP11_BITS;
    /* The main stack's limit: inside its guard, leaving the fault entry
     * room below it (fault_entry.S). */
    port_main_stack(core, &lo, &hi);
    __asm volatile("msr msplim, %0" :: "r"(lo + PORT_MAIN_GUARD / 2u));
    armv8m_cycles_init();
    return armv8m_has_fpu[core];
}

/* A chip whose cores' event signals are not wired to each other (or whose
 * model does not sleep in WFE) says PORT_CHIP_EVENTS in its port_limits.h
 * and gives port_sev and port_wfe itself. */
#ifndef PORT_CHIP_EVENTS
void port_sev(void)
{
    __asm volatile("sev");
}

void port_wfe(void)
{
    __asm volatile("wfe");
}
#endif

/* The lockout record a halted core answers (port_flash_halt_answer). */
static port_flash_lockout_t *volatile halt_lockout;

void port_flash_halt_answer(port_flash_lockout_t *l)
{
    halt_lockout = l;
}

/* A halted core sleeps, answering flash lockout requests at each wake-up
 * (the writer's port_sev wakes it). With SEV and WFE: WFE. On a chip that
 * makes events interrupts (PORT_CHIP_EVENTS): WFI, which with BASEPRI
 * masking every level tandem gives out only hardware level 0 ends, the
 * chip's core-control interrupt that carries them; there a WFE would be a
 * hint that never sleeps (QEMU), spinning a host CPU for a halted core. */
static void halted(void)
{
    uint32_t me = port_core_id();
    for (;;) {
        port_flash_lockout_t *l = halt_lockout;
        if (l != 0) {                    /* a flash write asks: this core is off the flash */
            uint32_t a = l->ask;
            if (a != 0 && (a & 1u) == me && l->ack != a) {
                __asm volatile("dmb" ::: "memory");
                l->ack = a;
                __asm volatile("dmb" ::: "memory");
            }
        }
#ifdef PORT_CHIP_EVENTS
        __asm volatile("wfi");
#else
        __asm volatile("wfe");
#endif
    }
}

void port_halt(void)
{
    __asm volatile("cpsid i" ::: "memory");
    port_tick_stop();
    armv8m_park(halted);
}

/* ---- armv8m_park -------------------------------------------------------------- */

void armv8m_park_step(void);
void armv8m_park_thread(void);
void armv8m_park_go(uint32_t *frames, uint32_t exc_return) __attribute__((noreturn));

#define EXC_RETURN_HANDLER 0xfffffff1u   /* handler mode, MSP, Secure, basic frame */
#define EXC_RETURN_THREAD  0xfffffff9u   /* thread mode, MSP, Secure, basic frame */
#define MAX_STEPS          8u

/* Per core: the frames the unwinding returns through (8-byte aligned). */
static uint32_t park_frames[2][8u * (MAX_STEPS + 1u)] __attribute__((aligned(8)));

static void frame(uint32_t *f, uint32_t r0, uint32_t r1, void (*pc)(void), uint32_t ipsr)
{
    f[0] = r0;
    f[1] = r1;
    f[2] = f[3] = f[4] = f[5] = 0;               /* r2, r3, r12, lr */
    f[6] = (uint32_t)(uintptr_t)pc & ~1u;
    f[7] = 0x01000000u | ipsr;                   /* Thumb, the exception number */
}

void armv8m_park(void (*fn)(void))
{
    __asm volatile("cpsid i" ::: "memory");
    unsigned core = port_core_id();
    uintptr_t lo, hi;
    port_main_stack(core, &lo, &hi);
    if (armv8m_has_fpu[core])
        *FPU_FPCCR &= ~FPU_FPCCR_LSPACT_BITS;   /* no lazy save into a dropped frame */
    __asm volatile("msr psplim, %0" :: "r"(0u));
    uint32_t ipsr = armv8m_ipsr();
    /* System handlers other than this one: their active bits can simply be
     * cleared. Interrupts need an exception return each. */
    uint32_t shcsr_bit[16] = { [4] = 1u << 0, [5] = 1u << 1, [6] = 1u << 3, [7] = 1u << 4,
                               [11] = 1u << 7, [14] = 1u << 10, [15] = 1u << 11 };
    uint32_t keep = ipsr < 16 ? shcsr_bit[ipsr] : 0;
    SCB->shcsr &= ~(SCB_SHCSR_ACT_BITS & ~keep);
    if (ipsr == 0) {                             /* thread mode: nothing active */
        __asm volatile("msr control, %0\n\tisb\n\tmov sp, %1\n\tmov r0, %2\n\tmov r1, %1\n\t"
                       "b armv8m_park_thread"
                       :: "r"(0u), "r"(hi), "r"(fn) : "r0", "r1", "memory");
        __builtin_unreachable();
    }
    uint32_t *f = park_frames[core];
    unsigned n = 0;
    uint32_t first = EXC_RETURN_THREAD;
    uint32_t *prev_r0 = &first;
    for (unsigned w = 0; w < 16u && n < MAX_STEPS; w++) {
        uint32_t act = NVIC->iabr[w];
        while (act != 0 && n < MAX_STEPS) {
            unsigned b = (unsigned)__builtin_ctz(act);
            act &= act - 1u;
            uint32_t exc = EXC_IRQ0 + 32u * w + b;
            if (exc == ipsr)
                continue;
            *prev_r0 = EXC_RETURN_HANDLER;       /* the return before lands in it */
            frame(&f[8u * n], EXC_RETURN_THREAD, 0, armv8m_park_step, exc);
            prev_r0 = &f[8u * n];
            n++;
        }
    }
    frame(&f[8u * n], (uint32_t)(uintptr_t)fn, (uint32_t)hi, armv8m_park_thread, 0);
    armv8m_park_go(f, first);
}
