/*
 * tests/drivers/test_pwm.c: the PWM driver (tandem/pwm.h) on both cores,
 * its outputs measured through the pins' own inputs, its edge counter on
 * tandem-sim's square wave and on the motor's encoder (drv.h).
 */
#include "drv.h"

#include "tandem/adc.h"
#include "tandem/gpio.h"
#include "tandem/pwm.h"

struct meas {
    uint32_t duty;        /* share of samples high, TD_PWM_DUTY_MAX units */
    uint32_t rises;       /* rising edges seen */
};

/* Sample pin as fast as a loop goes for about us microseconds. */
static struct meas measure(unsigned pin, uint32_t us)
{
    uint32_t hi = 0, n = 0, rises = 0;
    int last = td_gpio_get(pin);
    uint64_t end = td_time_us() + us;
    while (td_time_us() < end) {
        for (unsigned k = 0; k < 64; k++) {
            int v = td_gpio_get(pin);
            hi += (uint32_t)v;
            rises += (uint32_t)(v & ~last);
            last = v;
        }
        n += 64;
    }
    return (struct meas){ (uint32_t)(((uint64_t)hi * TD_PWM_DUTY_MAX + n / 2) / n), rises };
}

static bool near(uint32_t got, uint32_t want, uint32_t tol)
{
    return got + tol >= want && got <= want + tol;
}

TEST(pwm_errors)
{
    CHECK_EQ(td_pwm_init(30, 1000, 0), TD_ERR_PARAM);
    CHECK_EQ(td_pwm_init(6, 1000, 4), TD_ERR_PARAM);
    CHECK_EQ(td_pwm_init(6, 0, 0), TD_ERR_PWM_FREQ);
    CHECK_EQ(td_pwm_init(6, 7, 0), TD_ERR_PWM_FREQ);                 /* below 7.45 Hz */
    CHECK_EQ(td_pwm_init(6, 3, TD_PWM_PHASE_CORRECT), TD_ERR_PWM_FREQ);
    CHECK_EQ(td_pwm_init(6, 62500001, 0), TD_ERR_PWM_FREQ);          /* above clk_sys / 2 */
    CHECK_EQ(td_pwm_init(6, 31250001, TD_PWM_PHASE_CORRECT), TD_ERR_PWM_FREQ);
    CHECK_EQ(td_pwm_set_duty(6, 100), TD_ERR_UNINIT);
    CHECK_EQ(td_pwm_duty(6), TD_ERR_UNINIT);
    CHECK_EQ(td_pwm_stop(6), TD_ERR_UNINIT);
    CHECK_EQ(td_pwm_init(6, 8, 0), 8);
    CHECK_EQ(td_pwm_init(6, 62500000, 0), 62500000);
    CHECK_EQ(td_pwm_init(6, 4, TD_PWM_PHASE_CORRECT), 4);
    CHECK_EQ(td_pwm_init(6, 10000, 0), 10000);
    CHECK_EQ(td_pwm_set_duty(6, TD_PWM_DUTY_MAX + 1), TD_ERR_PARAM);
    CHECK_EQ(td_pwm_init(7, 20000, 0), TD_ERR_BUSY);      /* slice 3 runs at 10 kHz */
    CHECK_EQ(td_pwm_init(7, 10000, TD_PWM_PHASE_CORRECT), TD_ERR_BUSY);
    CHECK_EQ(td_pwm_init(22, 10000, 0), TD_ERR_BUSY);     /* slice 3 A serves GPIO 6 */
    CHECK_EQ(td_pwm_count_init(7, TD_PWM_COUNT_RISING), TD_ERR_BUSY);
    CHECK_EQ(td_pwm_count_init(14, TD_PWM_COUNT_RISING), TD_ERR_PARAM);   /* an A pin */
    CHECK_EQ(td_pwm_count_init(13, 1), TD_ERR_PARAM);
    uint16_t c;
    CHECK_EQ(td_pwm_count_read(13, &c), TD_ERR_UNINIT);
    CHECK_EQ(td_pwm_count_read(13, NULL), TD_ERR_PARAM);
    CHECK_EQ(td_pwm_stop(6), TD_OK);
    CHECK(th_contains(td_pwm_strerror(TD_ERR_PWM_FREQ), "PWM_FREQ"));
}

TEST(pwm_two_channels_of_a_slice)
{
    REQUIRE_EQ(td_pwm_init(6, 10000, 0), 10000);
    REQUIRE_EQ(td_pwm_init(7, 10000, TD_PWM_INVERT), 10000);
    REQUIRE_EQ(td_pwm_set_duty(6, 2500), TD_OK);
    REQUIRE_EQ(td_pwm_set_duty(7, 2500), TD_OK);           /* inverted: high 75 % */
    CHECK_EQ(td_pwm_duty(6), 2500);
    td_sleep(1);
    struct meas a = measure(6, 2000), b = measure(7, 2000);
    th_info("pwm_gpio6_duty", a.duty);
    th_info("pwm_gpio7_duty", b.duty);
    CHECK(near(a.duty, 2500, 150));
    CHECK(near(b.duty, 7500, 150));
    CHECK(near(a.rises, 20, 1));                           /* 10 kHz for 2 ms */
    CHECK(near(b.rises, 20, 1));
    REQUIRE_EQ(td_pwm_set_duty(6, 0), TD_OK);
    REQUIRE_EQ(td_pwm_set_duty(7, TD_PWM_DUTY_MAX), TD_OK);
    td_sleep(1);
    a = measure(6, 500);
    b = measure(7, 500);
    CHECK_EQ(a.duty, 0);
    CHECK_EQ(b.duty, 0);                                   /* 100 % inverted */
    CHECK_EQ(td_pwm_stop(6), TD_OK);
    CHECK_EQ(td_pwm_stop(7), TD_OK);
    CHECK_EQ(td_gpio_get(6), 0);                           /* duty 0's level */
    CHECK_EQ(td_gpio_get(7), 1);                           /* inverted */
}

TEST(pwm_phase_correct)
{
    REQUIRE_EQ(td_pwm_init(20, 5000, TD_PWM_PHASE_CORRECT), 5000);
    REQUIRE_EQ(td_pwm_set_duty(20, 3000), TD_OK);
    td_sleep(1);
    struct meas m = measure(20, 4000);
    th_info("pwm_phase_correct_duty", m.duty);
    CHECK(near(m.duty, 3000, 150));
    CHECK(near(m.rises, 20, 1));                           /* 5 kHz for 4 ms */
    CHECK_EQ(td_pwm_stop(20), TD_OK);
}

/* Core 1 drives its own pin, and both cores change the two channels of one slice at once. */
static struct meas c1_meas;
static int c1_rc;

static void core1_pwm(void *arg)
{
    (void)arg;
    c1_rc = td_pwm_init(0, 20000, 0);
    if (c1_rc != 20000)
        return;
    td_pwm_set_duty(0, 4000);
    td_sleep(1);
    c1_meas = measure(0, 2000);
    for (unsigned i = 0; i <= 1000; i++)
        td_pwm_set_duty(7, (i * 7u) % TD_PWM_DUTY_MAX);
    td_pwm_set_duty(7, 9000);
    td_pwm_stop(0);
}

TEST(pwm_from_both_cores)
{
    REQUIRE_EQ(td_pwm_init(6, 10000, 0), 10000);
    REQUIRE_EQ(td_pwm_init(7, 10000, 0), 10000);
    REQUIRE_EQ(th_core1_run(core1_pwm, NULL), TD_OK);
    for (unsigned i = 0; i <= 1000; i++)
        td_pwm_set_duty(6, (i * 13u) % TD_PWM_DUTY_MAX);
    td_pwm_set_duty(6, 1000);
    REQUIRE_EQ(th_core1_wait(TD_SEC(1)), TD_OK);
    CHECK_EQ(c1_rc, 20000);
    CHECK(near(c1_meas.duty, 4000, 150));
    CHECK(near(c1_meas.rises, 40, 1));
    CHECK_EQ(td_pwm_duty(6), 1000);                        /* neither half clobbered the other */
    CHECK_EQ(td_pwm_duty(7), 9000);
    td_sleep(1);
    CHECK(near(measure(6, 1000).duty, 1000, 150));
    CHECK(near(measure(7, 1000).duty, 9000, 150));
    td_pwm_stop(6);
    td_pwm_stop(7);
}

TEST(pwm_counts_input_edges)
{
    uint16_t a, b;
    REQUIRE_EQ(td_pwm_count_init(WAVE_PIN, TD_PWM_COUNT_RISING), TD_OK);
    uint64_t t0 = td_time_us();
    REQUIRE_EQ(td_pwm_count_read(WAVE_PIN, &a), TD_OK);
    td_sleep(TD_MS(10));
    REQUIRE_EQ(td_pwm_count_read(WAVE_PIN, &b), TD_OK);
    uint32_t want = (uint32_t)((td_time_us() - t0) * WAVE_HZ / 1000000u);
    uint16_t d = (uint16_t)(b - a);
    th_info("pwm_counted_edges", d);
    th_info("pwm_edges_expected", want);
    CHECK(near(d, want, 1));
    CHECK_EQ(td_pwm_init(WAVE_PIN - 1, 1000, 0), TD_ERR_BUSY);   /* its slice counts */
    CHECK_EQ(td_pwm_stop(WAVE_PIN), TD_OK);
    REQUIRE_EQ(td_pwm_count_init(WAVE_PIN, TD_PWM_COUNT_FALLING), TD_OK);
    t0 = td_time_us();
    REQUIRE_EQ(td_pwm_count_read(WAVE_PIN, &a), TD_OK);
    td_sleep(TD_MS(10));
    REQUIRE_EQ(td_pwm_count_read(WAVE_PIN, &b), TD_OK);
    want = (uint32_t)((td_time_us() - t0) * WAVE_HZ / 1000000u);
    CHECK(near((uint16_t)(b - a), want, 1));
    CHECK_EQ(td_pwm_stop(WAVE_PIN), TD_OK);
}

/* The motor: PWM duty in, speed from the encoder (counted by a slice) and
 * from the tacho (ADC) agree, and match the motor's steady state. */
TEST(pwm_drives_motor_encoder_and_tacho_agree)
{
    REQUIRE_EQ(td_adc_init(), TD_OK);
    REQUIRE_EQ(td_pwm_init(MOTOR_PWM, 20000, 0), 20000);
    REQUIRE_EQ(td_pwm_set_duty(MOTOR_PWM, 6000), TD_OK);
    REQUIRE_EQ(td_pwm_count_init(MOTOR_ENC_A, TD_PWM_COUNT_RISING), TD_OK);
    td_sleep(TD_MS(700));                               /* 7 time constants */
    uint16_t a, b, raw;
    uint64_t t0 = td_time_us();
    REQUIRE_EQ(td_pwm_count_read(MOTOR_ENC_A, &a), TD_OK);
    td_sleep(TD_MS(100));
    REQUIRE_EQ(td_pwm_count_read(MOTOR_ENC_A, &b), TD_OK);
    uint64_t us = td_time_us() - t0;
    REQUIRE_EQ(td_adc_read(3, &raw), TD_OK);
    uint32_t enc_rpm = (uint32_t)((uint64_t)(uint16_t)(b - a) * 60000000u / (us * MOTOR_PPR));
    uint32_t tacho_rpm = td_adc_to_mv(raw) * 2u;                          /* 0.5 V per 1000 rpm */
    th_info("motor_rpm_encoder", enc_rpm);
    th_info("motor_rpm_tacho", tacho_rpm);
    /* 12 V x 60 % on the model's motor: Kt V / (R b + Kt Ke) = 3274 rpm */
    CHECK(near(enc_rpm, 3274, 40));
    CHECK(near(tacho_rpm, 3274, 40));
    td_pwm_stop(MOTOR_PWM);
    td_pwm_stop(MOTOR_ENC_A);
}
