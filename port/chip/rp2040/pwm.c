/*
 * pwm.c: tandem/pwm.h on the RP2040's PWM block (datasheet 4.5).
 *
 * The bookkeeping of the eight slices (which channel serves which pin, at
 * which frequency and mode, or whether the slice counts an input) is shared
 * by both cores and changed under the drivers' spinlock. Register writes
 * that two cores might make at once go through the atomic aliases: CSR
 * bits with SET/CLR, each channel's half of CC with the XOR alias (which
 * flips only that half's differing bits, so the other half, which the
 * other core may be writing, is untouched).
 */
#include "tandem/pwm.h"

#include "hw/io_bank0.h"
#include "hw/pwm.h"
#include "hw/sio.h"
#include "tandem/config.h"
#include "tandem/gpio.h"
#include "tandem/lock.h"

#define USE_A       0x01u
#define USE_B       0x02u
#define USE_COUNTER 0x80u

static struct slice_state {
    volatile uint8_t use;      /* USE_* */
    uint8_t phase;             /* TD_PWM_PHASE_CORRECT or 0 */
    uint8_t pin[2];            /* the GPIO of channel A, B */
    uint8_t invert[2];
    uint32_t freq;             /* the frequency asked for */
} slices[PWM_SLICES];

static TD_LOCK_DEFINE(drv_lock, TD_SPIN_DRIVERS);

static unsigned slice_of(unsigned pin) { return (pin >> 1) & 7u; }
static unsigned chan_of(unsigned pin) { return pin & 1u; }

/* DIV (in 1/16) and TOP + 1 for freq_hz: the smallest divider that fits
 * the period into 65535 counts (the finest duty steps; TOP at most 65534
 * so that CC = TOP + 1 still fits 16 bits: 100 %). Returns the frequency
 * made, or 0 if none. */
static uint32_t pick(uint32_t freq_hz, unsigned phase, uint32_t *div16, uint32_t *top1)
{
    uint64_t mult = phase ? 2u : 1u;
    /* at most 2 counts per period; at least 65535 counts of DIV 255 15/16 */
    if (freq_hz == 0 || (uint64_t)freq_hz * 2u * mult > TD_CLK_SYS_HZ ||
        (uint64_t)freq_hz * mult * 65535u * 4095u < (uint64_t)TD_CLK_SYS_HZ * 16u)
        return 0;
    uint64_t cyc16 = ((uint64_t)TD_CLK_SYS_HZ * 16u + freq_hz * mult / 2u) / (freq_hz * mult);
    uint64_t d = (cyc16 + 65534u) / 65535u;  /* ceil: TOP + 1 <= 65535 */
    if (d < 16u)
        d = 16u;                               /* DIV >= 1 */
    if (d > 255u * 16u + 15u)
        return 0;
    uint64_t t = (cyc16 + d / 2u) / d;
    if (t < 2u || t > 65535u)
        return 0;
    *div16 = (uint32_t)d;
    *top1 = (uint32_t)t;
    uint64_t den = d * t * mult;
    return (uint32_t)(((uint64_t)TD_CLK_SYS_HZ * 16u + den / 2u) / den);
}

int td_pwm_init(unsigned pin, uint32_t freq_hz, unsigned flags)
{
    if (pin >= TD_GPIO_COUNT || (flags & ~(TD_PWM_PHASE_CORRECT | TD_PWM_INVERT)) != 0)
        return TD_ERR_PARAM;
    unsigned phase = flags & TD_PWM_PHASE_CORRECT;
    uint32_t div16, top1;
    uint32_t made = pick(freq_hz, phase, &div16, &top1);
    if (made == 0)
        return TD_ERR_PWM_FREQ;
    unsigned s = slice_of(pin), ch = chan_of(pin);
    uint32_t bit = ch ? USE_B : USE_A, other = ch ? USE_A : USE_B;
    struct slice_state *st = &slices[s];
    pwm_slice_hw_t *hw = &PWM->slice[s];
    uint32_t inv = ch ? PWM_CSR_B_INV_BITS : PWM_CSR_A_INV_BITS;
    uint32_t shift = ch ? 16u : 0u;

    td_lock_take(&drv_lock);
    int r = TD_OK;
    if (st->use & USE_COUNTER)
        r = TD_ERR_BUSY;
    else if ((st->use & bit) && st->pin[ch] != pin)
        r = TD_ERR_BUSY;                     /* the channel serves the other pin */
    else if ((st->use & other) && (st->freq != freq_hz || st->phase != phase))
        r = TD_ERR_BUSY;                     /* the other channel runs differently */
    if (r != TD_OK) {
        td_lock_give(&drv_lock);
        return r;
    }
    if (!(st->use & other)) {
        /* The slice is ours alone: program it from scratch. */
        hw->csr = 0;
        hw->div = div16;                      /* INT in 11:4, FRAC in 3:0 */
        hw->top = top1 - 1u;
        hw->cc = 0;
        hw->ctr = 0;
        hw->csr = PWM_CSR_EN_BITS | (phase ? PWM_CSR_PH_CORRECT_BITS : 0) |
                  ((flags & TD_PWM_INVERT) ? inv : 0);
    } else {
        hw_write_masked(&hw->cc, 0, 0xffffu << shift);
        if (flags & TD_PWM_INVERT)
            hw_set(&hw->csr, inv);
        else
            hw_clear(&hw->csr, inv);
    }
    st->use |= (uint8_t)bit;
    st->pin[ch] = (uint8_t)pin;
    st->invert[ch] = (flags & TD_PWM_INVERT) ? 1u : 0u;
    st->phase = (uint8_t)phase;
    st->freq = freq_hz;
    td_lock_give(&drv_lock);
    td_gpio_set_function(pin, GPIO_FUNC_PWM);
    return (int)made;
}

/* Whether pin is the PWM output of its channel now. */
static bool is_output(unsigned pin)
{
    const struct slice_state *st = &slices[slice_of(pin)];
    unsigned ch = chan_of(pin);
    return !(st->use & USE_COUNTER) && (st->use & (ch ? USE_B : USE_A)) && st->pin[ch] == pin;
}

int td_pwm_set_duty(unsigned pin, uint32_t duty)
{
    if (pin >= TD_GPIO_COUNT || duty > TD_PWM_DUTY_MAX)
        return TD_ERR_PARAM;
    if (!is_output(pin))
        return TD_ERR_UNINIT;
    pwm_slice_hw_t *hw = &PWM->slice[slice_of(pin)];
    uint32_t top1 = (hw->top & 0xffffu) + 1u;
    uint32_t cc = (duty * top1 + TD_PWM_DUTY_MAX / 2u) / TD_PWM_DUTY_MAX;
    uint32_t shift = chan_of(pin) ? 16u : 0u;
    hw_write_masked(&hw->cc, cc << shift, 0xffffu << shift);
    return TD_OK;
}

int td_pwm_duty(unsigned pin)
{
    if (pin >= TD_GPIO_COUNT)
        return TD_ERR_PARAM;
    if (!is_output(pin))
        return TD_ERR_UNINIT;
    pwm_slice_hw_t *hw = &PWM->slice[slice_of(pin)];
    uint32_t top1 = (hw->top & 0xffffu) + 1u;
    uint32_t cc = (hw->cc >> (chan_of(pin) ? 16u : 0u)) & 0xffffu;
    return (int)((cc * TD_PWM_DUTY_MAX + top1 / 2u) / top1);
}

int td_pwm_stop(unsigned pin)
{
    if (pin >= TD_GPIO_COUNT)
        return TD_ERR_PARAM;
    unsigned s = slice_of(pin), ch = chan_of(pin);
    struct slice_state *st = &slices[s];
    td_lock_take(&drv_lock);
    bool counter = (st->use & USE_COUNTER) && st->pin[1] == pin;
    if (!counter && !is_output(pin)) {
        td_lock_give(&drv_lock);
        return TD_ERR_UNINIT;
    }
    bool level = !counter && st->invert[ch];
    st->use &= (uint8_t)~(counter ? (USE_COUNTER | USE_B) : ch ? USE_B : USE_A);
    if (st->use == 0)
        hw_clear(&PWM->slice[s].csr, PWM_CSR_EN_BITS);
    td_lock_give(&drv_lock);
    /* The pin at duty 0's level, as a plain output, at once (a compare value
     * written now would only take effect at the end of the period). */
    if (counter)
        return td_gpio_init_input(pin, false);
    SIO->gpio_out_clr = 1u << pin;
    if (level)
        SIO->gpio_out_set = 1u << pin;
    SIO->gpio_oe_set = 1u << pin;
    return td_gpio_set_function(pin, GPIO_FUNC_SIO);
}

int td_pwm_count_init(unsigned pin, unsigned edge)
{
    if (pin >= TD_GPIO_COUNT || !(pin & 1u) ||
        (edge != TD_PWM_COUNT_RISING && edge != TD_PWM_COUNT_FALLING))
        return TD_ERR_PARAM;
    unsigned s = slice_of(pin);
    struct slice_state *st = &slices[s];
    pwm_slice_hw_t *hw = &PWM->slice[s];
    td_lock_take(&drv_lock);
    if (st->use != 0) {
        td_lock_give(&drv_lock);
        return TD_ERR_BUSY;
    }
    hw->csr = 0;
    hw->div = 1u << PWM_DIV_INT_LSB;          /* one count per edge */
    hw->top = 0xffffu;
    hw->cc = 0;
    hw->ctr = 0;
    hw->csr = PWM_CSR_EN_BITS | HW_FIELD(PWM_CSR_DIVMODE, edge);
    st->use = USE_COUNTER | USE_B;
    st->pin[1] = (uint8_t)pin;
    td_lock_give(&drv_lock);
    return td_gpio_set_function(pin, GPIO_FUNC_PWM);
}

int td_pwm_count_read(unsigned pin, uint16_t *count)
{
    if (pin >= TD_GPIO_COUNT || count == NULL)
        return TD_ERR_PARAM;
    const struct slice_state *st = &slices[slice_of(pin)];
    if (!(st->use & USE_COUNTER) || st->pin[1] != pin)
        return TD_ERR_UNINIT;
    *count = (uint16_t)PWM->slice[slice_of(pin)].ctr;
    return TD_OK;
}

const char *td_pwm_strerror(int err)
{
    return err == TD_ERR_PWM_FREQ ? "TD_ERR_PWM_FREQ" : td_strerror(err);
}
