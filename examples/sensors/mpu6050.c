/*
 * mpu6050.c: the MPU-6050 driver (mpu6050.h).
 */
#include "mpu6050.h"

#include "fixmath.h"
#include "tandem/i2c.h"
#include "tandem/time.h"

#define REG_SMPLRT_DIV   0x19u
#define REG_CONFIG       0x1au       /* DLPF_CFG */
#define REG_GYRO_CONFIG  0x1bu       /* FS_SEL in bits 4:3 */
#define REG_ACCEL_CONFIG 0x1cu       /* AFS_SEL in bits 4:3 */
#define REG_ACCEL_XOUT_H 0x3bu       /* 14 bytes: accel x y z, temp, gyro x y z */
#define REG_PWR_MGMT_1   0x6bu
#define REG_WHO_AM_I     0x75u

#define PWR_DEVICE_RESET 0x80u
#define PWR_CLK_PLL_XGYRO 0x01u      /* awake (SLEEP clear), gyro X as clock */

#define TIMEOUT_US 5000u

/* Gyroscope sensitivity, in 0.1 LSB per deg/s, for FS_SEL 0..3 (131, 65.5,
 * 32.8, 16.4 LSB per deg/s). Accelerometer: 16384 >> AFS_SEL LSB per g. */
static const uint16_t gyro_sens10[4] = { 1310, 655, 328, 164 };

static int range_code(unsigned value, unsigned smallest)
{
    for (int code = 0; code < 4; code++)
        if (value == smallest << code)
            return code;
    return -1;
}

int mpu6050_init(mpu6050_t *d, unsigned bus, uint8_t addr, unsigned accel_g, unsigned gyro_dps)
{
    int afs = range_code(accel_g, 2), fs = range_code(gyro_dps, 250);
    if (d == NULL || afs < 0 || fs < 0)
        return TD_ERR_PARAM;
    d->bus = bus;
    d->addr = addr;
    d->afs_sel = (uint8_t)afs;
    d->fs_sel = (uint8_t)fs;

    uint8_t id;
    int rc = td_i2c_read_reg(bus, addr, REG_WHO_AM_I, &id, 1, TIMEOUT_US);
    if (rc)
        return rc;
    if ((id & 0x7eu) != 0x68u)       /* bits 6:1 of the address */
        return TD_ERR_STATE;
    if ((rc = td_i2c_write_reg(bus, addr, REG_PWR_MGMT_1, PWR_DEVICE_RESET, TIMEOUT_US)))
        return rc;
    td_sleep(TD_MS(100));            /* the reset takes up to 100 ms */
    const uint8_t setup[][2] = {
        { REG_PWR_MGMT_1, PWR_CLK_PLL_XGYRO },
        { REG_SMPLRT_DIV, 0 },                  /* 1 kHz output rate */
        { REG_CONFIG, 3 },                      /* DLPF: 44 Hz accel, 42 Hz gyro */
        { REG_GYRO_CONFIG, (uint8_t)(fs << 3) },
        { REG_ACCEL_CONFIG, (uint8_t)(afs << 3) },
    };
    for (unsigned i = 0; i < sizeof setup / sizeof setup[0]; i++)
        if ((rc = td_i2c_write_reg(bus, addr, setup[i][0], setup[i][1], TIMEOUT_US)))
            return rc;
    return TD_OK;
}

int mpu6050_read(const mpu6050_t *d, mpu6050_sample_t *s)
{
    uint8_t b[14];
    int rc = td_i2c_read_reg(d->bus, d->addr, REG_ACCEL_XOUT_H, b, sizeof b, TIMEOUT_US);
    if (rc)
        return rc;
    int32_t raw[7];                  /* big-endian, two's complement */
    for (unsigned i = 0; i < 7; i++)
        raw[i] = (int16_t)(((uint16_t)b[2 * i] << 8) | b[2 * i + 1]);
    int32_t accel_lsb = 16384 >> d->afs_sel, gyro_lsb10 = gyro_sens10[d->fs_sel];
    for (unsigned i = 0; i < 3; i++) {
        s->accel_mg[i] = div_round(raw[i] * 1000, accel_lsb);
        s->gyro_cdps[i] = div_round(raw[4 + i] * 1000, gyro_lsb10);
    }
    /* Datasheet: deg C = raw / 340 + 36.53. */
    s->temp_cc = div_round(raw[3] * 5, 17) + 3653;
    return TD_OK;
}
