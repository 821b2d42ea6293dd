/*
 * tandem/pwm.h: PWM outputs on any GPIO, and counting the edges of an
 * input, with the RP2040's eight PWM slices.
 *
 *     td_pwm_init(14, 20000, 0);            // GP14 at 20 kHz
 *     td_pwm_set_duty(14, 2500);            // 25.00 %
 *
 * Every GPIO is one channel of one slice: GPIO n is slice (n >> 1) & 7,
 * channel A when n is even, B when odd (GPIO 0 and 16 are both slice 0 A:
 * only one of them at a time). The two channels of a slice share its
 * counter, so they share the frequency and the phase-correct mode: the
 * second channel of a running slice must ask for the same ones
 * (TD_ERR_BUSY otherwise). Duty is per channel, in hundredths of a percent
 * (0 .. TD_PWM_DUTY_MAX = 10000); the resolution is the slice's TOP + 1
 * counts (65536 at low frequencies; clk_sys / frequency above 1.9 kHz).
 *
 *   frequency = clk_sys / ((TOP + 1) x DIV x (2 if phase-correct else 1))
 *
 * with DIV = 1 .. 255 15/16 chosen as small as possible (the finest duty
 * steps): 8 Hz .. 62.5 MHz free-running, 4 Hz .. 31.25 MHz phase-correct.
 * Phase-correct PWM counts up and down, so the pulse is centred in the
 * period (for motor drives: the current ripple is symmetric).
 *
 * Counting: td_pwm_count_init makes a slice count edges of its B pin
 * (an odd GPIO) in hardware, no interrupt per edge: an encoder or a
 * frequency input; td_pwm_count_read reads the 16-bit count (it wraps).
 *
 * Either core may call any of these at any time: a slice's set-up is
 * bookkept under the drivers' spinlock; a duty change writes only its own
 * channel's half of the compare register (an atomic XOR alias), so the
 * two cores may drive the two channels of one slice. The new duty takes
 * effect at the end of the current period (the registers are
 * double-buffered): no glitch.
 *
 * Results: the rate set (Hz, > 0) from td_pwm_init; else 0 or
 * TD_ERR_PARAM (pin, flags, duty, pointer), TD_ERR_PWM_FREQ (a frequency
 * outside the range above), TD_ERR_BUSY (the slice runs at another
 * frequency or mode, or the channel serves another pin), TD_ERR_UNINIT
 * (the pin is not a PWM output or counter). The host port has no PWM.
 */
#ifndef TANDEM_PWM_H
#define TANDEM_PWM_H

#include <stdint.h>

#include "tandem/error.h"

#define TD_PWM_DUTY_MAX 10000u       /* 100.00 % */

#define TD_ERR_PWM_FREQ (-54)        /* the frequency is outside what a slice makes */

/* td_pwm_init flags */
#define TD_PWM_PHASE_CORRECT 0x1u    /* count up and down (the whole slice) */
#define TD_PWM_INVERT        0x2u    /* this channel's output inverted */

/* td_pwm_count_init edges */
#define TD_PWM_COUNT_RISING  2u
#define TD_PWM_COUNT_FALLING 3u

/* Make GPIO pin a PWM output at freq_hz, duty 0 (low; high if inverted).
 * Returns the frequency set (Hz, rounded) or a code above. Anywhere. */
int td_pwm_init(unsigned pin, uint32_t freq_hz, unsigned flags);

/* Set pin's duty (0 .. TD_PWM_DUTY_MAX). Returns 0, TD_ERR_PARAM,
 * TD_ERR_UNINIT. Anywhere. */
int td_pwm_set_duty(unsigned pin, uint32_t duty);

/* The duty in effect on pin (its compare value as a fraction of the
 * period, in TD_PWM_DUTY_MAX units), or a negative code. Anywhere. */
int td_pwm_duty(unsigned pin);

/* Stop pin's output (driven low, or high if inverted, until the GPIO is
 * given another function) and free its channel; the slice stops when both
 * channels are free. Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT. Anywhere. */
int td_pwm_stop(unsigned pin);

/* Make GPIO pin (odd: a B input) count its rising or falling edges with
 * its whole slice. Returns 0, TD_ERR_PARAM (even pin, edge),
 * TD_ERR_BUSY (the slice is in use). Anywhere. */
int td_pwm_count_init(unsigned pin, unsigned edge);

/* The edges counted on pin so far, modulo 65536: read it at least once
 * every 65535 edges and take differences modulo 65536. Returns 0,
 * TD_ERR_PARAM, TD_ERR_UNINIT. Anywhere. */
int td_pwm_count_read(unsigned pin, uint16_t *count);

/* A short constant name for a PWM result, or td_strerror's. */
const char *td_pwm_strerror(int err);

#endif /* TANDEM_PWM_H */
