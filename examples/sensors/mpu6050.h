/*
 * mpu6050.h: InvenSense MPU-6050 accelerometer, gyroscope and temperature
 * sensor on I2C (register map rev 4.2, product specification rev 3.4).
 *
 * The driver keeps only the device's address and ranges in the caller's
 * struct; using the bus from two places at once is the program's to
 * prevent.
 */
#ifndef MPU6050_H
#define MPU6050_H

#include <stdint.h>

#define MPU6050_ADDR 0x68u           /* AD0 low; 0x69 with AD0 high */

typedef struct mpu6050 {
    unsigned bus;
    uint8_t addr;
    uint8_t afs_sel;                 /* accelerometer range: +-2 g << afs_sel */
    uint8_t fs_sel;                  /* gyroscope range: +-250 deg/s << fs_sel */
} mpu6050_t;

/* One reading in fixed-point units. */
typedef struct mpu6050_sample {
    int32_t accel_mg[3];             /* x, y, z in milli-g */
    int32_t gyro_cdps[3];            /* x, y, z in 0.01 deg/s */
    int32_t temp_cc;                 /* die temperature in 0.01 deg C */
} mpu6050_sample_t;

/* Check WHO_AM_I, reset the device, wake it (clock from the X gyro),
 * set the digital low-pass filter and the ranges: accel_g 2, 4, 8 or 16;
 * gyro_dps 250, 500, 1000 or 2000. Sleeps about 100 ms for the reset.
 * Returns 0, TD_ERR_PARAM, TD_ERR_STATE (another chip answered), or an
 * I2C error. Thread only. */
int mpu6050_init(mpu6050_t *d, unsigned bus, uint8_t addr, unsigned accel_g, unsigned gyro_dps);

/* Read all seven measurements in one burst (they are from one sample) and
 * scale them. Returns 0 or an I2C error. */
int mpu6050_read(const mpu6050_t *d, mpu6050_sample_t *s);

#endif
