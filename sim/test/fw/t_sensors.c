/* The virtual MPU6050 (0x68) and BMP280 (0x76) on I2C0: identification,
   wake-up and ranges, a burst read of the motion data, a forced BMP280
   conversion with the datasheet's integer compensation. Prints raw and
   converted values for the test to compare with what the devices were given. */
#include "fw.h"

#define I2C0_BASE 0x40044000u
#define IC(off) REG(I2C0_BASE + (off))
#define CMD_READ (1u << 8)
#define CMD_STOP (1u << 9)
#define CMD_RESTART (1u << 10)

static void i2c_init(void) {
    REG(RESETS_BASE + ALIAS_CLR) = 1u << 3;
    while (!(REG(RESETS_BASE + 0x8) & (1u << 3))) { }
    IC(0x6c) = 0;
    IC(0x00) = 0x65;
    IC(0x1c) = 125; IC(0x20) = 187;
}
static void i2c_target(uint32_t addr) { IC(0x6c) = 0; IC(0x04) = addr; IC(0x6c) = 1; }
static void wait_stop(void) { while (!(IC(0x34) & (1u << 9))) { } (void)IC(0x40); }
static void reg_write(uint32_t addr, uint8_t reg, uint8_t v) {
    i2c_target(addr);
    IC(0x10) = reg; IC(0x10) = v | CMD_STOP;
    wait_stop();
}
static void reg_read(uint32_t addr, uint8_t reg, uint8_t *buf, int n) {
    i2c_target(addr);
    IC(0x10) = reg;
    int sent = 0, got = 0;
    while (got < n) {                   /* both FIFOs are 16 deep: interleave */
        if (sent < n && IC(0x74) < 16) {
            IC(0x10) = CMD_READ | (sent == 0 ? CMD_RESTART : 0) | (sent == n - 1 ? CMD_STOP : 0);
            sent++;
        }
        if (IC(0x78)) buf[got++] = (uint8_t)IC(0x10);
    }
    wait_stop();
}

static int32_t t_fine;
static int32_t comp_t(int32_t adc, const uint16_t *c) {
    int32_t T1 = c[0], T2 = (int16_t)c[1], T3 = (int16_t)c[2];
    int32_t v1 = ((((adc >> 3) - (T1 << 1))) * T2) >> 11;
    int32_t v2 = (((((adc >> 4) - T1) * ((adc >> 4) - T1)) >> 12) * T3) >> 14;
    t_fine = v1 + v2;
    return (t_fine * 5 + 128) >> 8;
}
static uint32_t comp_p(int32_t adc, const uint16_t *c) {
    int64_t P1 = c[3], P2 = (int16_t)c[4], P3 = (int16_t)c[5], P4 = (int16_t)c[6], P5 = (int16_t)c[7];
    int64_t P6 = (int16_t)c[8], P7 = (int16_t)c[9], P8 = (int16_t)c[10], P9 = (int16_t)c[11];
    int64_t v1 = (int64_t)t_fine - 128000;
    int64_t v2 = v1 * v1 * P6;
    v2 = v2 + ((v1 * P5) << 17);
    v2 = v2 + (P4 << 35);
    v1 = ((v1 * v1 * P3) >> 8) + ((v1 * P2) << 12);
    v1 = (((((int64_t)1) << 47) + v1)) * P1 >> 33;
    if (v1 == 0) return 0;
    int64_t p = 1048576 - adc;
    p = (((p << 31) - v2) * 3125) / v1;
    v1 = (P9 * (p >> 13) * (p >> 13)) >> 25;
    v2 = (P8 * p) >> 19;
    p = ((p + v1 + v2) >> 8) + (P7 << 4);
    return (uint32_t)p;                 /* Pa in Q24.8 */
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    i2c_init();
    uint8_t b[24];

    reg_read(0x68, 0x75, b, 1);
    fw_printf("mpu_whoami=%x\n", b[0]);
    CHECK(b[0] == 0x68);
    reg_write(0x68, 0x6b, 0x00);        /* wake */
    reg_write(0x68, 0x1c, 1u << 3);     /* +-4 g */
    reg_write(0x68, 0x1b, 2u << 3);     /* +-1000 deg/s */
    for (volatile int i = 0; i < 20000; i++) { }
    reg_read(0x68, 0x3b, b, 14);
    int16_t v[7];
    for (int i = 0; i < 7; i++) v[i] = (int16_t)((b[2 * i] << 8) | b[2 * i + 1]);
    fw_printf("mpu ax=%d ay=%d az=%d temp=%d gx=%d gy=%d gz=%d\n", v[0], v[1], v[2], v[3], v[4], v[5], v[6]);

    reg_read(0x76, 0xd0, b, 1);
    fw_printf("bmp_id=%x\n", b[0]);
    CHECK(b[0] == 0x58);
    uint16_t cal[12];
    reg_read(0x76, 0x88, b, 24);
    for (int i = 0; i < 12; i++) cal[i] = (uint16_t)(b[2 * i] | (b[2 * i + 1] << 8));
    reg_write(0x76, 0xf4, (1u << 5) | (1u << 2) | 1u);  /* osrs_t x1, osrs_p x1, forced */
    uint32_t t0 = time_us();
    do reg_read(0x76, 0xf3, b, 1); while (b[0] & 0x08);
    uint32_t conv_us = time_us() - t0;
    reg_read(0x76, 0xf7, b, 6);
    int32_t adc_p = (int32_t)((b[0] << 12) | (b[1] << 4) | (b[2] >> 4));
    int32_t adc_t = (int32_t)((b[3] << 12) | (b[4] << 4) | (b[5] >> 4));
    int32_t t = comp_t(adc_t, cal);
    uint32_t p = comp_p(adc_p, cal);
    fw_printf("bmp adc_t=%d adc_p=%d t_centi=%d p_q8=%u conv_us=%u\n", adc_t, adc_p, t, p, conv_us);
    return 0;
}
