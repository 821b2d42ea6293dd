/*
 * event.c: port_sev and port_wfe (port/port.h) on the AN521 as QEMU models
 * it. QEMU runs WFE as a hint that never sleeps and SEV as a no-op, so a
 * core waiting for an event from the other (the kernel's cross-core waits
 * without the link: kernel/xsync.h) would spin flat out on its host
 * thread; on a host with fewer free CPUs than cores that spinning thread
 * takes the time the other core needs to give the event, and every
 * hand-over costs a host time slice. So an event is a doorbell here:
 *   - port_sev sets bit 1 of MHU1 towards the other core (its core-control
 *     interrupt, hardware level 0: it reaches a core with interrupts
 *     masked too) and a flag for this core;
 *   - the interrupt clears the bit and sets the core's flag (bit 0 on core
 *     1 stays the reset request: launch.c);
 *   - port_wfe takes the flag if it is set, else sleeps with WFI under
 *     PRIMASK (the pending doorbell wakes it; its handler runs right after)
 *     and returns: at most one spurious return, as WFE may have.
 * The SEV instruction is still executed: the launch handshake waits with WFE
 * in code of its own.
 */
#include "an521.h"
#include "hw/m33.h"
#include "hw/sse200.h"
#include "port.h"

#define EVENT_BIT 0x2u

static volatile uint8_t event[PORT_NUM_CORES];

void port_sev(void)
{
    unsigned me = port_core_id();
    event[me] = 1;
    __asm volatile("dsb" ::: "memory");
    if (me == 0)
        MHU1->cpu1intr_set = EVENT_BIT;
    else
        MHU1->cpu0intr_set = EVENT_BIT;
    __asm volatile("sev");
}

void port_wfe(void)
{
    unsigned me = port_core_id();
    __asm volatile("cpsid i" ::: "memory");
    if (event[me])
        event[me] = 0;
    else
        __asm volatile("dsb\n\twfi" ::: "memory");
    __asm volatile("cpsie i" ::: "memory");
}

void an521_event_isr(void)
{
    unsigned me = port_core_id();
    if (me == 0)
        MHU1->cpu0intr_clr = EVENT_BIT;
    else
        MHU1->cpu1intr_clr = EVENT_BIT;
    event[me] = 1;
    __asm volatile("dsb" ::: "memory");
}

static void core0_mhu1_isr(void)
{
    an521_event_isr();
}

void an521_event_core0_init(void)
{
    an521_vectors_core0[EXC_IRQ0 + PORT_IRQ_MHU1] = (uintptr_t)core0_mhu1_isr;
    NVIC->ipr[PORT_IRQ_MHU1] = ARMV8M_PRIO_CONTROL;
    MHU1->cpu0intr_clr = 0xffffffffu;
    NVIC->icpr[0] = 1u << PORT_IRQ_MHU1;
    NVIC->iser[0] = 1u << PORT_IRQ_MHU1;
}
