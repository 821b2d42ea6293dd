/* I2C0 as controller talking to a register device the test attaches at 0x50:
   write two bytes at register 0x10, read four bytes from register 0x20
   (with a repeated start), and an address nobody answers (0x51). */
#include "fw.h"

#define I2C0_BASE 0x40044000u
#define IC(off) REG(I2C0_BASE + (off))
#define IC_CON 0x00
#define IC_TAR 0x04
#define IC_DATA_CMD 0x10
#define IC_FS_SCL_HCNT 0x1c
#define IC_FS_SCL_LCNT 0x20
#define IC_RAW_INTR_STAT 0x34
#define IC_CLR_INTR 0x40
#define IC_ENABLE 0x6c
#define IC_STATUS 0x70
#define IC_RXFLR 0x78
#define IC_TX_ABRT_SOURCE 0x80
#define CMD_READ (1u << 8)
#define CMD_STOP (1u << 9)
#define CMD_RESTART (1u << 10)
#define STOP_DET (1u << 9)
#define TX_ABRT (1u << 6)

static void wait_stop(void) {
    uint32_t t = time_us();
    while (!(IC(IC_RAW_INTR_STAT) & STOP_DET)) if (time_us() - t > 10000) fw_fail("no STOP_DET");
    (void)IC(IC_CLR_INTR);
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    REG(RESETS_BASE + ALIAS_CLR) = 1u << 3;          /* i2c0 */
    while (!(REG(RESETS_BASE + 0x8) & (1u << 3))) { }
    IC(IC_ENABLE) = 0;
    IC(IC_CON) = 0x65;                              /* master, fast mode, restart enable, slave off */
    IC(IC_FS_SCL_HCNT) = 125;
    IC(IC_FS_SCL_LCNT) = 187;                       /* 312 cycles: 400 kHz at 125 MHz */
    IC(IC_TAR) = 0x50;
    IC(IC_ENABLE) = 1;

    IC(IC_DATA_CMD) = 0x10;
    IC(IC_DATA_CMD) = 0xab;
    IC(IC_DATA_CMD) = 0xcd | CMD_STOP;
    wait_stop();

    uint32_t t0 = time_us();
    IC(IC_DATA_CMD) = 0x20;
    IC(IC_DATA_CMD) = CMD_READ | CMD_RESTART;
    IC(IC_DATA_CMD) = CMD_READ;
    IC(IC_DATA_CMD) = CMD_READ;
    IC(IC_DATA_CMD) = CMD_READ | CMD_STOP;
    while (IC(IC_RXFLR) < 4) if (time_us() - t0 > 10000) fw_fail("no data");
    uint32_t took = time_us() - t0;
    uint32_t b[4];
    for (int i = 0; i < 4; i++) b[i] = IC(IC_DATA_CMD) & 0xff;
    wait_stop();
    fw_printf("read=%x,%x,%x,%x read_us=%u\n", b[0], b[1], b[2], b[3], took);

    IC(IC_ENABLE) = 0;
    IC(IC_TAR) = 0x51;
    IC(IC_ENABLE) = 1;
    IC(IC_DATA_CMD) = 0x00 | CMD_STOP;
    t0 = time_us();
    while (!(IC(IC_RAW_INTR_STAT) & TX_ABRT)) if (time_us() - t0 > 10000) fw_fail("no TX_ABRT");
    uint32_t src = IC(IC_TX_ABRT_SOURCE);
    fw_printf("nack_abort_source=%x\n", src);
    CHECK(src & 1);                                 /* ABRT_7B_ADDR_NOACK */
    return 0;
}
