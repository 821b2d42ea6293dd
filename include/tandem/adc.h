/*
 * tandem/adc.h: the RP2040's 12-bit ADC: inputs GPIO26..29 and the
 * on-chip temperature sensor; single reads and a timed sampling thread.
 *
 *     td_adc_init();
 *     td_adc_pin_init(26);
 *     uint16_t raw;
 *     td_adc_read(0, &raw);                        // GPIO26
 *     uint32_t mv = td_adc_to_mv(raw);
 *     td_adc_read(TD_ADC_TEMP, &raw);
 *     int32_t mdeg = td_adc_temp_mdeg(raw);        // milli-degrees C
 *
 * Inputs: 0..3 are GPIO26..29 (on a Pico GPIO29 measures VSYS / 3), 4
 * (TD_ADC_TEMP) the temperature sensor. A conversion takes 96 cycles of
 * clk_adc, which td_adc_init runs from PLL_SYS / 3 = 41.67 MHz (the ADC's
 * limit is 48 MHz; the USB PLL is left alone): 2.30 us, polled (shorter
 * than any sleep). Either core may read at any time: a read holds the
 * drivers' hardware spinlock (TD_SPIN_DRIVERS) for that one conversion.
 *
 * Conversions (datasheet 4.9.5, with its typical figures):
 *   voltage = raw x 3.3 V / 4096            (ADC_VREF = 3.3 V on a Pico)
 *   T = 27 - (V - 0.706 V) / 0.001721 V     (0.706 V at 27 deg C, -1.721 mV/deg C)
 * The sensor's offset varies from chip to chip: for better than a few
 * degrees, calibrate a board against a known temperature.
 *
 * Results: 0 or TD_ERR_PARAM (input, pin, pointer), TD_ERR_UNINIT
 * (td_adc_init not called), TD_ERR_TIMEOUT (no result within 100 us: the
 * ADC's clock is not running), TD_ERR_BUSY (a sampler runs already),
 * TD_ERR_IN_ISR. The host port has no ADC.
 */
#ifndef TANDEM_ADC_H
#define TANDEM_ADC_H

#include <stdint.h>

#include "tandem/error.h"
#include "tandem/period.h"
#include "tandem/thread.h"
#include "tandem/types.h"

#define TD_ADC_INPUTS 5u
#define TD_ADC_TEMP   4u            /* the temperature sensor's input */
#define TD_ADC_MAX    4095u         /* full scale */

/* Set the ADC up (clk_adc, reset, powered, temperature sensor on). Calling
 * it again while it runs does nothing; a first call from both cores at
 * once sets it up once (the set-up holds the drivers' spinlock: the other
 * core spins at most 1.1 ms, then finds it ready). Returns 0,
 * TD_ERR_TIMEOUT (the ADC did not become ready), TD_ERR_IN_ISR,
 * TD_ERR_DEADLOCK (this core holds the drivers' spinlock,
 * TD_SPIN_DRIVERS). Thread only, either core. */
int td_adc_init(void);

/* Prepare GPIO 26..29 as an analog input: digital input and output off,
 * no pulls. Returns 0, TD_ERR_PARAM. Anywhere. */
int td_adc_pin_init(unsigned gpio);

/* One conversion of input 0..4 into *raw (0..4095). Returns 0, or a code
 * above. Anywhere. */
int td_adc_read(unsigned input, uint16_t *raw);

/* raw in millivolts (0..3299). */
static inline uint32_t td_adc_to_mv(uint16_t raw)
{
    return ((uint32_t)raw * 3300u + 2048u) / 4096u;
}

/* The temperature sensor's raw reading in milli-degrees C. */
int32_t td_adc_temp_mdeg(uint16_t raw);

/* A sampler: a periodic thread of the calling core that reads a set of
 * inputs every period ticks and hands each set to fn(raw, n, arg) (raw[i]
 * for the i-th input of the mask, lowest first), in the sampler's thread.
 * Storage is the caller's. */
typedef void (*td_adc_fn)(const uint16_t *raw, unsigned n, void *arg);
typedef struct td_adc_sampler {
    td_thread_t thread;
    td_period_t period;
    td_adc_fn fn;
    void *arg;
    uint8_t inputs[TD_ADC_INPUTS];
    uint8_t n;
    volatile uint8_t stop;
    uint32_t sets;                 /* sets handed to fn */
    uint32_t overruns;             /* releases missed (fn took too long) */
} td_adc_sampler_t;

/* Start sampler s: inputs_mask (bit i: input i, at least one), every
 * period ticks (1 .. TD_TIMEOUT_MAX), as thread 'name' of priority prio on
 * the calling core, with the given stack. Returns 0, TD_ERR_PARAM (s
 * untouched), TD_ERR_UNINIT, TD_ERR_BUSY (s runs already: left as it was),
 * and td_thread_create's codes. Thread only. */
int td_adc_sampler_start(td_adc_sampler_t *s, void *stack, size_t stack_size, const char *name,
                         unsigned prio, uint32_t inputs_mask, td_tick_t period, td_adc_fn fn,
                         void *arg);

/* Ask sampler s to stop and wait (at most timeout ticks) until its thread
 * has ended. Returns 0 (ended, also when it had already); refused with
 * nothing asked of the sampler: TD_ERR_PARAM (s NULL, a bad timeout),
 * TD_ERR_UNINIT (s never started), TD_ERR_WRONG_CORE, TD_ERR_IN_ISR;
 * asked to stop but not ended yet: TD_ERR_WOULD_BLOCK (TD_NO_WAIT, or
 * called from the sampler's own function, which cannot wait for itself:
 * the thread ends when the function returns), TD_ERR_TIMEOUT, TD_ERR_IDLE,
 * TD_ERR_STATE (td_thread_join's: the caller may not wait). Thread only,
 * the sampler's core. */
int td_adc_sampler_stop(td_adc_sampler_t *s, td_tick_t timeout);

#endif /* TANDEM_ADC_H */
