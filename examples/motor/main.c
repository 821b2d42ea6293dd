/*
 * motor: a 1 kHz PID speed loop on core 1 while core 0 serves the user.
 *
 * Core 1 runs the loop as a periodic thread (td_period, every tick): it
 * reads the motor's tachometer on the ADC (GP26, 0.5 V per 1000 rpm),
 * computes the PID step and sets the PWM duty of the H-bridge input (GP14,
 * 20 kHz). It never prints and shares nothing with core 0 but a few words
 * (set-point in, figures out). It measures itself: the period between
 * releases (microsecond clock), its worst deviation from 1 ms (jitter),
 * and how far the speed is from the set-point once it has settled.
 *
 * Core 0 is the user's side: it changes the set-point on a schedule (1500,
 * 3000, 2000 rpm, one second each) and prints status lines. The run has
 * two phases of three seconds with the same schedule: in the first core 0
 * prints a status line twice a second and sleeps otherwise; in the second
 * it floods the console (polled, so it spends its time waiting for the
 * UART with its interrupts masked). The figures of both phases come out at
 * the end: the loop on core 1 does not care.
 *
 * The encoder (GP9, channel A, 256 lines) is counted by a PWM slice in
 * hardware and shown in the status lines as a second opinion on the speed.
 * Wiring and the emulator's motor: README.md.
 */
#include "tandem/adc.h"
#include "tandem/console.h"
#include "tandem/kernel.h"
#include "tandem/lock.h"
#include "tandem/period.h"
#include "tandem/pwm.h"
#include "tandem/thread.h"
#include "tandem/time.h"

#define PWM_PIN     14
#define PWM_HZ      20000u
#define TACHO_ADC   0           /* GP26 */
#define ENC_PIN     9           /* encoder channel A: slice 4 B */
#define ENC_PPR     256u
#define PHASE_MS    3000u
#define STEP_MS     1000u
#define SETTLE_MS   300u        /* after a set-point change the error is not counted */
#define STATUS_MS   500u

static const int32_t schedule[3] = { 1500, 3000, 2000 };   /* rpm, one per STEP_MS */

/* ---- shared: set-point in, figures out ---------------------------------------------- */

static volatile int32_t setpoint;        /* rpm, written by core 0 */
static volatile uint32_t setpoint_us;    /* when it last changed */
static volatile uint32_t phase;          /* 0 idle, 1 flooding, 2 done: written by core 0 */

struct figures {
    uint32_t periods, min_us, max_us, jitter_us, overruns;
    uint64_t err_sum;                    /* |set-point - speed| while settled, rpm */
    uint32_t err_n, err_max;
};
static struct figures fig[2];            /* per phase, written by core 1 */
static volatile int32_t speed_rpm, duty_now;
static TD_LOCK_DEFINE(fig_lock, TD_SPIN_USER_FIRST);

/* ---- core 1: the loop ---------------------------------------------------------------- */

/* PID in fixed point: duty in TD_PWM_DUTY_MAX units, speed in rpm. Tuned
 * for the motor's mechanical time constant (about 95 ms) and gain (0.55
 * rpm per duty unit): the integral cancels the motor's pole, the
 * proportional gain sets a closed-loop time constant of about 20 ms. */
#define KP      8               /* duty units per rpm of error */
#define KI_Q8   23              /* per rpm of error per ms, / 256 (about Kp / 95 ms) */
#define KD      2               /* duty units per rpm/ms of speed change (on the measurement) */

static void loop(void *arg)
{
    (void)arg;
    td_period_t p;
    td_period_init(&p, 1, 0);                   /* every tick: 1 kHz */
    int32_t integ_q8 = 0, prev = 0;
    uint32_t last = 0;
    while (phase < 2) {
        if (td_period_wait(&p) == TD_ERR_OVERFLOW)
            fig[phase & 1].overruns++;
        uint32_t now = (uint32_t)td_time_us();
        uint16_t raw = 0;
        td_adc_read(TACHO_ADC, &raw);
        int32_t rpm = (int32_t)td_adc_to_mv(raw) * 2;     /* 0.5 V per 1000 rpm */
        int32_t sp = setpoint, err = sp - rpm;
        int32_t duty = KP * err + integ_q8 / 256 - KD * (rpm - prev);
        /* integrate only while the output is not pinned against a limit in the error's direction */
        if (!((duty >= (int32_t)TD_PWM_DUTY_MAX && err > 0) || (duty <= 0 && err < 0)))
            integ_q8 += KI_Q8 * err;
        duty = duty < 0 ? 0 : duty > (int32_t)TD_PWM_DUTY_MAX ? (int32_t)TD_PWM_DUTY_MAX : duty;
        td_pwm_set_duty(PWM_PIN, (uint32_t)duty);
        prev = rpm;
        speed_rpm = rpm;
        duty_now = duty;

        struct figures *f = &fig[phase & 1];
        td_lock_take(&fig_lock);
        if (last != 0) {
            uint32_t period = now - last;
            uint32_t dev = period > 1000u ? period - 1000u : 1000u - period;
            if (f->periods == 0 || period < f->min_us)
                f->min_us = period;
            if (period > f->max_us)
                f->max_us = period;
            if (dev > f->jitter_us)
                f->jitter_us = dev;
            f->periods++;
        }
        if (now - setpoint_us >= SETTLE_MS * 1000u && sp != 0) {
            uint32_t e = (uint32_t)(err < 0 ? -err : err);
            f->err_sum += e;
            f->err_n++;
            if (e > f->err_max)
                f->err_max = e;
        }
        td_lock_give(&fig_lock);
        last = now;
    }
    td_pwm_set_duty(PWM_PIN, 0);
}

/* ---- core 0: set-points and the console ------------------------------------------------- */

static void set(int32_t rpm)
{
    setpoint_us = (uint32_t)td_time_us();
    setpoint = rpm;
}

static uint16_t enc_last;
static uint64_t enc_at;

/* Speed from the encoder since the last call, rpm. */
static int32_t encoder_rpm(void)
{
    uint16_t c;
    td_pwm_count_read(ENC_PIN, &c);
    uint64_t now = td_time_us();
    uint32_t dt = (uint32_t)(now - enc_at), n = (uint16_t)(c - enc_last);
    enc_last = c;
    enc_at = now;
    return dt ? (int32_t)((uint64_t)n * 60000000u / ((uint64_t)dt * ENC_PPR)) : 0;
}

static int status(uint64_t t0, const char *tag)
{
    int32_t d = duty_now;
    return td_printf("%s t %lu ms: set-point %ld rpm, speed %ld rpm (tacho), %ld rpm (encoder), "
                     "duty %ld.%02ld %%\n", tag, (unsigned long)((td_time_us() - t0) / 1000u),
                     (long)setpoint, (long)speed_rpm, (long)encoder_rpm(), (long)(d / 100),
                     (long)(d % 100));
}

/* One phase: the schedule, with status lines twice a second or as fast as
 * the console goes. Returns the number of lines printed. */
static uint32_t run_phase(bool flood)
{
    uint64_t t0 = td_time_us();
    uint32_t lines = 0;
    unsigned step = 0;
    set(schedule[0]);
    uint64_t next_status = t0 + STATUS_MS * 1000u;
    for (;;) {
        uint64_t now = td_time_us();
        if (now - t0 >= PHASE_MS * 1000u)
            break;
        unsigned want = (unsigned)((now - t0) / (STEP_MS * 1000u));
        if (want != step && want < 3) {
            step = want;
            set(schedule[step]);
        }
        if (flood) {
            status(t0, "flood");
            lines++;
        } else if (now >= next_status) {
            status(t0, "status");
            lines++;
            next_status += STATUS_MS * 1000u;
        } else {
            td_sleep(1);
        }
    }
    return lines;
}

static void report(unsigned ph, const char *what, uint32_t lines)
{
    struct figures f;
    td_lock_take(&fig_lock);
    f = fig[ph];
    td_lock_give(&fig_lock);
    uint32_t mean_c = f.err_n ? (uint32_t)(f.err_sum * 100u / f.err_n) : 0;   /* 0.01 rpm */
    td_printf("loop with core 0 %s: %lu periods of %lu..%lu us, jitter %lu us, %lu overruns\n",
              what, (unsigned long)f.periods, (unsigned long)f.min_us, (unsigned long)f.max_us,
              (unsigned long)f.jitter_us, (unsigned long)f.overruns);
    td_printf("  tracking error (settled) mean %lu.%02lu rpm, max %lu rpm; core 0 printed %lu lines\n",
              (unsigned long)(mean_c / 100u), (unsigned long)(mean_c % 100u),
              (unsigned long)f.err_max, (unsigned long)lines);
}

TD_THREAD_DEFINE(loop_thread, 1024);

static void core1_main(void *arg)
{
    (void)arg;
    td_thread_create(&loop_thread, loop_thread_stack, sizeof loop_thread_stack, "pid",
                     TD_PRIO_MAX, loop, NULL);
}

int main(void)
{
    int rc = td_adc_init();
    if (rc == TD_OK)
        rc = td_adc_pin_init(26 + TACHO_ADC);
    int hz = td_pwm_init(PWM_PIN, PWM_HZ, 0);
    if (rc == TD_OK)
        rc = td_pwm_count_init(ENC_PIN, TD_PWM_COUNT_RISING);
    if (rc != TD_OK || hz < 0) {
        td_printf("motor: set-up failed: %s, PWM %s\n", td_strerror(rc), td_pwm_strerror(hz));
        return 1;
    }
    td_printf("motor: PWM GP%d at %d Hz, tacho on ADC%d (GP%d), encoder A on GP%d (%u lines); "
              "PID at 1 kHz on core 1\n", PWM_PIN, hz, TACHO_ADC, 26 + TACHO_ADC, ENC_PIN, ENC_PPR);
    if ((rc = td_kernel_launch_core1(core1_main, NULL)) != TD_OK) {
        td_printf("core 1 did not start: %s\n", td_strerror(rc));
        return 1;
    }
    td_printf("phase 1: core 0 prints twice a second\n");
    uint32_t quiet = run_phase(false);
    phase = 1;
    td_printf("phase 2: core 0 floods the console\n");
    uint32_t loud = run_phase(true);
    phase = 2;
    set(0);
    td_sleep(TD_MS(5));
    report(0, "idle", quiet);
    report(1, "flooding the console", loud);
    return 0;
}
