/*
 * tests/drivers/drv.h: what the driver tests share: the wiring the suite
 * runs with (tandem-sim's options in drivers.mk, the same on a board), a
 * pseudo-random generator and a few checks.
 */
#ifndef TANDEM_TESTS_DRV_H
#define TANDEM_TESTS_DRV_H

#include <stdint.h>
#include <string.h>

#include "../harness.h"
#include "port.h"

/* SPI0: SCK 2, TX 3, RX 4, an echo device with chip select on GPIO 5.
 * SPI1: SCK 10, TX 11, RX 12, an echo device on GPIO 13, a BMP280 on 9. */
#define SPI0_SCK 2
#define SPI0_TX  3
#define SPI0_RX  4
#define SPI0_ECHO_CS 5
#define SPI1_SCK 10
#define SPI1_TX  11
#define SPI1_RX  12
#define SPI1_ECHO_CS 13
#define SPI1_BMP_CS  9

/* ADC inputs: GPIO26 1.0 V, GPIO27 1.65 V + 1.0 V sine at 50 Hz, GPIO28
 * 2.5 V, GPIO29 the motor's tacho; the temperature sensor at 30 deg C. */
#define ADC_IN0_MV 1000
#define ADC_IN2_MV 2500
#define ADC_TEMP_MDEG 30000

/* PWM: GPIO 6 and 7 (slice 3 A and B), 20 (slice 2 A, phase-correct),
 * 0 (slice 0 A, from core 1); a 10 kHz square wave into GPIO 15 (slice 7
 * B); the motor: PWM in on GPIO 18, encoder A on 25 (slice 4 B) and B on
 * 24, tacho on ADC input 3 (0.5 V per 1000 rpm). */
#define WAVE_PIN 15
#define WAVE_HZ  10000
#define MOTOR_PWM 18
#define MOTOR_ENC_A 25
#define MOTOR_PPR 256

/* I2C0: SDA 16, SCL 17, an MPU6050 at 0x68 and, at 0x50, a device that
 * acknowledges its address, then holds SCL low for I2C0_HOLD_MS ms. */
#define I2C0_SDA 16
#define I2C0_SCL 17
#define I2C0_MPU 0x68
#define I2C0_HOLD 0x50
#define I2C0_HOLD_MS 20

/* Targets stuck in the middle of a read since the chip started, holding SDA
 * low: on I2C1's SDA 22 / SCL 23 (an MPU6050 at 0x68 on that bus too) one
 * that lets go after I2C1_STUCK_PULSES clock pulses; on I2C0's SDA 20 /
 * SCL 21 one that never does (GPIO 20 is also a PWM test's output, which
 * the held input does not change). */
#define I2C1_SDA 22
#define I2C1_SCL 23
#define I2C1_MPU 0x68
#define I2C1_STUCK_PULSES 5
#define I2C0_STUCK_SDA 20
#define I2C0_STUCK_SCL 21

/* xorshift32: a fixed, reproducible sequence per seed. */
static inline uint32_t drv_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static inline void drv_fill(uint8_t *p, size_t n, uint32_t *seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)drv_rand(seed);
}

/* Index of the first differing byte, or n if equal. */
static inline size_t drv_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return i;
    return n;
}

/* One-time set-up of both SPI buses (every test may call it). */
void drv_spi_setup(void);

/* Run fn as an interrupt handler on this core, over the calling thread,
 * and return once it has run (an interrupt line without a device, pended
 * by hand). Returns 0 or td_irq_set_handler's / td_irq_enable's code. */
int drv_in_isr(void (*fn)(void));

/* Run job on core 1 under the restart policy (it is to fault there), wait
 * until core 0 has restarted core 1 and the runner's helper takes jobs
 * again, put the policy back. Returns 0, TD_ERR_TIMEOUT (no restart), or
 * th_core1_run's and th_core1_wait's codes. The report is kept out of the
 * log. */
int drv_core1_fault_restart(td_entry_t job);

#endif
