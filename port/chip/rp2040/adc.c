/*
 * adc.c: tandem/adc.h on the RP2040's ADC (datasheet 4.9).
 *
 * clk_adc: PLL_SYS (125 MHz) divided by 3. The clock generator has no
 * glitchless multiplexer, so it is stopped while its source and divisor
 * change. A read selects the input, starts one conversion and polls READY
 * (2.3 us), under the drivers' spinlock so that the two cores' reads do
 * not mix. The set-up runs under the same spinlock: a first call made by
 * both cores at once sets the ADC up once, and neither core's reset of
 * the block cuts into the other's wait for READY or its first read.
 */
#include "tandem/adc.h"

#include "hw/adc.h"
#include "hw/clocks.h"
#include "hw/io_bank0.h"
#include "hw/pads_bank0.h"
#include "hw/resets.h"
#include "port.h"
#include "rp2040.h"
#include "tandem/lock.h"
#include "tandem/time.h"

static TD_LOCK_DEFINE(drv_lock, TD_SPIN_DRIVERS);
static volatile uint8_t ready;

/* Wait (bounded by us microseconds) until (reg & mask) == want. */
static bool wait_bits(const volatile uint32_t *reg, uint32_t mask, uint32_t want, uint32_t us)
{
    uint64_t end = port_time_us() + us;
    while ((*reg & mask) != want)
        if (port_time_us() > end)
            return false;
    return true;
}

/* The set-up, under drv_lock: at most its two bounded waits, 1.1 ms (a
 * few microseconds when the block answers). */
static int setup(void)
{
    /* clk_adc = PLL_SYS / 3 = 41.67 MHz */
    hw_clear(&CLOCKS->clk[CLK_ADC].ctrl, CLK_ADC_CTRL_ENABLE_BITS);
    CLOCKS->clk[CLK_ADC].div = 3u << CLK_DIV_INT_LSB;
    CLOCKS->clk[CLK_ADC].ctrl = HW_FIELD(CLK_ADC_CTRL_AUXSRC, CLK_ADC_CTRL_AUXSRC_PLL_SYS);
    hw_set(&CLOCKS->clk[CLK_ADC].ctrl, CLK_ADC_CTRL_ENABLE_BITS);

    hw_set(&RESETS->reset, RESET_ADC);
    hw_clear(&RESETS->reset, RESET_ADC);
    if (!wait_bits(&RESETS->reset_done, RESET_ADC, RESET_ADC, 1000u))
        return TD_ERR_TIMEOUT;
    ADC->cs = ADC_CS_EN_BITS | ADC_CS_TS_EN_BITS;
    if (!wait_bits(&ADC->cs, ADC_CS_READY_BITS, ADC_CS_READY_BITS, 100u))
        return TD_ERR_TIMEOUT;
    ready = 1;
    return TD_OK;
}

int td_adc_init(void)
{
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    if (ready)
        return TD_OK;
    /* The first call may come from both cores at once: one sets the ADC up,
     * the other waits for the lock (spinning, at most the set-up's 1.1 ms)
     * and then finds it ready. */
    int r = td_lock_take(&drv_lock);
    if (r != TD_OK)
        return r;
    if (!ready)
        r = setup();
    td_lock_give(&drv_lock);
    return r;
}

void rp2040_adc_forget(void)
{
    td_lock_take(&drv_lock);
    ready = 0;
    ADC->cs = 0;
    hw_clear(&CLOCKS->clk[CLK_ADC].ctrl, CLK_ADC_CTRL_ENABLE_BITS);
    hw_set(&RESETS->reset, RESET_ADC);
    td_lock_give(&drv_lock);
}

int td_adc_pin_init(unsigned gpio)
{
    if (gpio < ADC_FIRST_GPIO || gpio >= ADC_FIRST_GPIO + 4u)
        return TD_ERR_PARAM;
    /* Output disabled, input buffer off (it would draw current at mid-rail
     * voltages), no pulls; no function. */
    hw_write_masked(&PADS_BANK0->gpio[gpio], PADS_OD_BITS,
                    PADS_OD_BITS | PADS_IE_BITS | PADS_PUE_BITS | PADS_PDE_BITS);
    IO_BANK0->gpio[gpio].ctrl = GPIO_FUNC_NULL;
    return TD_OK;
}

int td_adc_read(unsigned input, uint16_t *raw)
{
    if (input >= TD_ADC_INPUTS || raw == NULL)
        return TD_ERR_PARAM;
    if (!ready)
        return TD_ERR_UNINIT;
    td_lock_take(&drv_lock);
    ADC->cs = ADC_CS_EN_BITS | ADC_CS_TS_EN_BITS | HW_FIELD(ADC_CS_AINSEL, input) |
              ADC_CS_START_ONE_BITS;
    /* READY drops as the conversion starts; 96 cycles of 41.67 MHz later
     * it rises. 100 us is far more than a conversion takes. */
    bool done = wait_bits(&ADC->cs, ADC_CS_READY_BITS, ADC_CS_READY_BITS, 100u);
    uint32_t v = ADC->result;
    if (!done) {
        /* A conversion that could not end (clk_adc stopped) would stay
         * pending and keep the next reads from starting theirs: power the
         * ADC off, which drops it, and on again, waiting for READY as
         * td_adc_init does (bounded: 100 us). */
        ADC->cs = 0;
        ADC->cs = ADC_CS_EN_BITS | ADC_CS_TS_EN_BITS;
        (void)wait_bits(&ADC->cs, ADC_CS_READY_BITS, ADC_CS_READY_BITS, 100u);
    }
    td_lock_give(&drv_lock);
    if (!done)
        return TD_ERR_TIMEOUT;
    *raw = (uint16_t)(v & TD_ADC_MAX);
    return TD_OK;
}

int32_t td_adc_temp_mdeg(uint16_t raw)
{
    /* V in microvolts; T = 27 - (V - 0.706 V) / 1.721 mV, in milli-degrees */
    int64_t uv = (int64_t)raw * 3300000 / 4096;
    return (int32_t)(27000 - (uv - 706000) * 1000 / 1721);
}

/* ---- the sampler ------------------------------------------------------------------- */

static void sampler_main(void *arg)
{
    td_adc_sampler_t *s = arg;
    uint16_t raw[TD_ADC_INPUTS];
    while (!s->stop) {
        if (td_period_wait(&s->period) == TD_ERR_OVERFLOW)
            s->overruns = s->period.overruns;
        if (s->stop)
            break;
        unsigned n = 0;
        for (unsigned i = 0; i < s->n; i++)
            if (td_adc_read(s->inputs[i], &raw[n]) == TD_OK)
                n++;
        if (n == s->n) {
            s->fn(raw, n, s->arg);
            s->sets++;
        }
    }
}

int td_adc_sampler_start(td_adc_sampler_t *s, void *stack, size_t stack_size, const char *name,
                         unsigned prio, uint32_t inputs_mask, td_tick_t period, td_adc_fn fn,
                         void *arg)
{
    /* (the period as td_period_init takes it: TD_FOREVER refused here, not
     * after the thread is set up) */
    if (s == NULL || fn == NULL || inputs_mask == 0 || inputs_mask >= (1u << TD_ADC_INPUTS) ||
        period == 0 || period > TD_TIMEOUT_MAX)
        return TD_ERR_PARAM;
    if (!ready)
        return TD_ERR_UNINIT;
    /* The thread first: a sampler that runs already is refused (TD_ERR_BUSY)
     * before anything of its record changes. */
    int r = td_thread_init(&s->thread, stack, stack_size, name, prio, sampler_main, s);
    if (r != TD_OK)
        return r;
    s->n = 0;
    for (unsigned i = 0; i < TD_ADC_INPUTS; i++)
        if (inputs_mask & (1u << i))
            s->inputs[s->n++] = (uint8_t)i;
    s->fn = fn;
    s->arg = arg;
    s->stop = 0;
    s->sets = 0;
    s->overruns = 0;
    r = td_period_init(&s->period, period, td_time_ticks() % period);
    if (r != TD_OK)
        return r;
    return td_thread_start(&s->thread);
}

int td_adc_sampler_stop(td_adc_sampler_t *s, td_tick_t timeout)
{
    if (s == NULL || TD__BAD_TIMEOUT(timeout))
        return TD_ERR_PARAM;
    /* td_thread_join's checks first, waiting for nothing: a call refused
     * (s never started, the other core's, from an interrupt) asks nothing
     * of the sampler. Its own function may ask, not wait. */
    int r = td_thread_join(&s->thread, TD_NO_WAIT);
    if (r == TD_ERR_DEADLOCK) {
        s->stop = 1;
        return TD_ERR_WOULD_BLOCK;
    }
    if (r != TD_ERR_WOULD_BLOCK)
        return r;                        /* 0: it has ended already */
    s->stop = 1;
    return td_thread_join(&s->thread, timeout);
}
