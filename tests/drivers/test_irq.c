/*
 * tests/drivers/test_irq.c: tandem/irq.h's refusal of the interrupt lines
 * the kernel owns (PORT_IRQ_KERNEL: each core's FIFO interrupt and the
 * TIMER alarms that bound a hold of it), and a line of the program's own
 * installed, enabled and taken, on each core.
 */
#include "drv.h"

#include "tandem/irq.h"

#define VTOR (*(volatile uint32_t *)0xe000ed08u)
#define ISER (*(volatile uint32_t *)0xe000e100u)
#define ISPR (*(volatile uint32_t *)0xe000e200u)
#define FREE_IRQ 31u                     /* no device on the RP2040 */

static volatile uint32_t taken[2];
static volatile unsigned first_bad_line[2];

/* A failed check of lines_on_this_core: counted, the first one's line kept. */
#define BAD(cond) (!(cond) ? 0u : (first_bad_line[me] = first_bad_line[me] ? first_bad_line[me] : __LINE__, 1u))
static void free_isr(void) { taken[port_core_id()]++; }

static const unsigned kernel_lines[] = { PORT_IRQ_TIMER2, PORT_IRQ_TIMER3, PORT_IRQ_SIO_PROC0,
                                         PORT_IRQ_SIO_PROC1 };

/* On the calling core: every call on a kernel line refused with nothing
 * changed (the handler in this core's vector table, its enable), bad
 * arguments named, and a free line working. The number of failed checks. */
static unsigned lines_on_this_core(void)
{
    unsigned bad = 0, me = port_core_id();
    const volatile uint32_t *table = (const volatile uint32_t *)VTOR;
    for (unsigned i = 0; i < sizeof kernel_lines / sizeof kernel_lines[0]; i++) {
        unsigned irq = kernel_lines[i];
        uint32_t vec = table[16 + irq], en = ISER & (1u << irq);
        bad += BAD(td_irq_set_handler(irq, free_isr) != TD_ERR_BUSY);
        bad += BAD(td_irq_enable(irq, false) != TD_ERR_BUSY);
        bad += BAD(td_irq_enable(irq, true) != TD_ERR_BUSY);
        bad += BAD(td_irq_set_priority(irq, 3) != TD_ERR_BUSY);
        bad += BAD(table[16 + irq] != vec);
        bad += BAD((ISER & (1u << irq)) != en);
    }
    bad += BAD(td_irq_set_handler(TD_IRQ_COUNT, free_isr) != TD_ERR_PARAM);
    bad += BAD(td_irq_set_handler(FREE_IRQ, NULL) != TD_ERR_PARAM);
    bad += BAD(td_irq_enable(TD_IRQ_COUNT, true) != TD_ERR_PARAM);
    bad += BAD(td_irq_set_priority(FREE_IRQ, 4) != TD_ERR_PARAM);
    bad += BAD(td_irq_set_priority(PORT_IRQ_SIO_PROC0, 4) != TD_ERR_PARAM);
    uint32_t before = taken[me];
    bad += BAD(td_irq_set_handler(FREE_IRQ, free_isr) != TD_OK);
    bad += BAD(td_irq_set_priority(FREE_IRQ, 3) != TD_OK);
    bad += BAD(td_irq_enable(FREE_IRQ, true) != TD_OK);
    ISPR = 1u << FREE_IRQ;
    __asm volatile("dsb\n\tisb" ::: "memory");
    bad += BAD(taken[me] != before + 1u);
    bad += BAD(td_irq_enable(FREE_IRQ, false) != TD_OK);
    return bad;
}

static volatile unsigned core1_bad = 1000;
static void core1_lines(void *arg)
{
    (void)arg;
    core1_bad = lines_on_this_core();
}

TEST(irq_kernel_lines_refused)
{
    unsigned bad0 = lines_on_this_core();
    CHECK_EQ(first_bad_line[0], 0);      /* (the first failed check's line) */
    CHECK_EQ(bad0, 0);
    core1_bad = 1000;
    REQUIRE_EQ(th_core1_run(core1_lines, NULL), TD_OK);
    REQUIRE_EQ(th_core1_wait(TD_SEC(5)), TD_OK);
    CHECK_EQ(first_bad_line[1], 0);
    CHECK_EQ(core1_bad, 0);
}
