/*
 * tests/drivers/test_i2c.c: the I2C driver (tandem/i2c.h) against
 * tandem-sim's devices on I2C0 (drv.h): an MPU6050, and a device that
 * acknowledges its address and then holds SCL low for a while (a busy or
 * hung target), which only the transfer's timeout ends; and targets stuck
 * in the middle of a read, holding SDA low, which the bus clear frees or
 * names.
 */
#include "drv.h"

#include "tandem/gpio.h"
#include "tandem/i2c.h"
#include "tandem/time.h"

#define MPU_WHO_AM_I 0x75u

TEST(i2c_errors)
{
    uint8_t b[2] = { 0 };
    CHECK_EQ(td_i2c_transfer(1, 0x68, b, 1, NULL, 0, 1000), TD_ERR_UNINIT);  /* I2C1: never set up */
    CHECK_EQ(td_i2c_init(2, 400000, I2C0_SDA, I2C0_SCL), TD_ERR_PARAM);
    CHECK_EQ(td_i2c_init(0, 9999, I2C0_SDA, I2C0_SCL), TD_ERR_PARAM);
    CHECK_EQ(td_i2c_init(0, 1000001, I2C0_SDA, I2C0_SCL), TD_ERR_PARAM);
    CHECK_EQ(td_i2c_init(0, 400000, I2C0_SCL, I2C0_SDA), TD_ERR_PARAM);   /* swapped */
    CHECK_EQ(td_i2c_init(1, 400000, I2C0_SDA, I2C0_SCL), TD_ERR_PARAM);   /* I2C0's pins */
    CHECK_EQ(td_i2c_init(0, 400000, 32, I2C0_SCL), TD_ERR_PARAM);
    int rate = td_i2c_init(0, 400000, I2C0_SDA, I2C0_SCL);
    th_info("i2c_rate_hz", rate);
    CHECK(rate > 390000 && rate < 410000);
    CHECK_EQ(td_i2c_transfer(2, 0x68, b, 1, NULL, 0, 1000), TD_ERR_PARAM);
    CHECK_EQ(td_i2c_transfer(0, 0x07, b, 1, NULL, 0, 1000), TD_ERR_PARAM);   /* reserved */
    CHECK_EQ(td_i2c_transfer(0, 0x78, b, 1, NULL, 0, 1000), TD_ERR_PARAM);
    CHECK_EQ(td_i2c_transfer(0, 0x68, b, 0, b, 0, 1000), TD_ERR_PARAM);      /* nothing */
    CHECK_EQ(td_i2c_transfer(0, 0x68, NULL, 1, NULL, 0, 1000), TD_ERR_PARAM);
    CHECK_EQ(td_i2c_transfer(0, 0x68, b, 1, NULL, 1, 1000), TD_ERR_PARAM);
    /* nobody at 0x51: the address is not acknowledged */
    CHECK_EQ(td_i2c_transfer(0, 0x51, b, 1, b, 1, 10000), TD_ERR_I2C_NAK);
    CHECK(strcmp(td_i2c_strerror(TD_ERR_I2C_NAK), "TD_ERR_I2C_NAK") == 0);
    CHECK(strcmp(td_i2c_strerror(TD_ERR_TIMEOUT), td_strerror(TD_ERR_TIMEOUT)) == 0);
    /* and the bus goes on */
    uint8_t who = 0;
    CHECK_EQ(td_i2c_read_reg(0, I2C0_MPU, MPU_WHO_AM_I, &who, 1, 10000), TD_OK);
    CHECK_EQ(who, 0x68);
}

/* From an interrupt handler: refused, nothing on the bus. */
static volatile int i2c_isr_r[3];
static void i2c_from_isr(void)
{
    uint8_t reg = MPU_WHO_AM_I, v = 0;
    i2c_isr_r[0] = td_i2c_transfer(0, I2C0_MPU, &reg, 1, &v, 1, 1000);
    i2c_isr_r[1] = td_i2c_read_reg(0, I2C0_MPU, MPU_WHO_AM_I, &v, 1, 1000);
    i2c_isr_r[2] = td_i2c_init(0, 400000, I2C0_SDA, I2C0_SCL);
}

TEST(i2c_calls_from_an_interrupt_refused)
{
    REQUIRE(td_i2c_init(0, 400000, I2C0_SDA, I2C0_SCL) > 0);
    for (unsigned i = 0; i < 3; i++)
        i2c_isr_r[i] = 99;
    REQUIRE_EQ(drv_in_isr(i2c_from_isr), TD_OK);
    for (unsigned i = 0; i < 3; i++)
        CHECK_EQ(i2c_isr_r[i], TD_ERR_IN_ISR);
    uint8_t who = 0;
    CHECK_EQ(td_i2c_read_reg(0, I2C0_MPU, MPU_WHO_AM_I, &who, 1, 10000), TD_OK);   /* the bus as it was */
    CHECK_EQ(who, 0x68);
}

/* A target holding SCL low: the transfer gives up at its timeout (plus the
 * controller's reset to idle: two waits of at most 1 ms each), and once the
 * target lets go the bus works again. */
TEST(i2c_held_clock_times_out_then_bus_usable)
{
    REQUIRE(td_i2c_init(0, 400000, I2C0_SDA, I2C0_SCL) > 0);
    uint8_t reg = 0, v[4];
    uint64_t t0 = td_time_us();
    CHECK_EQ(td_i2c_transfer(0, I2C0_HOLD, &reg, 1, v, 4, 2000), TD_ERR_TIMEOUT);
    uint32_t took = (uint32_t)(td_time_us() - t0);
    th_info("i2c_timeout_us", took);
    CHECK(took >= 2000 && took <= 2000 + 2000 + 200);
    /* the target still holds the clock: no transfer can finish */
    t0 = td_time_us();
    CHECK_EQ(td_i2c_read_reg(0, I2C0_MPU, MPU_WHO_AM_I, v, 1, 1000), TD_ERR_TIMEOUT);
    took = (uint32_t)(td_time_us() - t0);
    CHECK(took >= 1000 && took <= 1000 + 2000 + 200);
    /* it lets go I2C0_HOLD_MS after it took the bus */
    td_sleep(TD_MS(I2C0_HOLD_MS + 2));
    uint8_t who = 0;
    CHECK_EQ(td_i2c_read_reg(0, I2C0_MPU, MPU_WHO_AM_I, &who, 1, 10000), TD_OK);
    CHECK_EQ(who, 0x68);
    uint8_t w[4] = { 0 };
    CHECK_EQ(td_i2c_transfer(0, I2C0_MPU, &reg, 1, w, 4, 10000), TD_OK);
}

/* A target holding SDA low since the chip started (it was mid-read when the
 * chip alone was reset): the bus clear clocks it free in exactly the pulses
 * it needs, ends with SDA high, and the bus then carries transfers. */
TEST(i2c_stuck_data_cleared_then_bus_usable)
{
    CHECK_EQ(td_gpio_get(I2C1_SDA), 0);                  /* held since the start */
    CHECK_EQ(td_i2c_bus_clear(1, I2C0_SDA, I2C0_SCL), TD_ERR_PARAM);   /* I2C0's pins */
    CHECK_EQ(td_i2c_bus_clear(2, I2C1_SDA, I2C1_SCL), TD_ERR_PARAM);
    uint64_t t0 = td_time_us();
    CHECK_EQ(td_i2c_bus_clear(1, I2C1_SDA, I2C1_SCL), I2C1_STUCK_PULSES);
    uint32_t took = (uint32_t)(td_time_us() - t0);
    th_info("i2c_bus_clear_us", took);
    CHECK(took <= 200);                                   /* 5 pulses and a STOP at 100 kHz */
    CHECK_EQ(td_gpio_get(I2C1_SDA), 1);
    CHECK_EQ(td_gpio_get(I2C1_SCL), 1);
    CHECK_EQ(td_i2c_bus_clear(1, I2C1_SDA, I2C1_SCL), 0);   /* a free bus: no pulse */
    REQUIRE(td_i2c_init(1, 400000, I2C1_SDA, I2C1_SCL) > 0);
    uint8_t who = 0;
    CHECK_EQ(td_i2c_read_reg(1, I2C1_MPU, MPU_WHO_AM_I, &who, 1, 10000), TD_OK);
    CHECK_EQ(who, 0x68);
}

/* A target that never lets SDA go: init and the bus clear give the named
 * error after nine pulses, quickly, the bus stays uninitialised, and the
 * controller's other pins still work. */
TEST(i2c_stuck_data_never_released_named_error)
{
    uint64_t t0 = td_time_us();
    CHECK_EQ(td_i2c_init(0, 400000, I2C0_STUCK_SDA, I2C0_STUCK_SCL), TD_ERR_I2C_BUS_STUCK);
    uint32_t took = (uint32_t)(td_time_us() - t0);
    th_info("i2c_bus_stuck_us", took);
    CHECK(took <= 1000);
    CHECK(strcmp(td_i2c_strerror(TD_ERR_I2C_BUS_STUCK), "TD_ERR_I2C_BUS_STUCK") == 0);
    uint8_t b = 0;
    CHECK_EQ(td_i2c_transfer(0, I2C0_MPU, &b, 1, NULL, 0, 1000), TD_ERR_UNINIT);
    t0 = td_time_us();
    CHECK_EQ(td_i2c_bus_clear(0, I2C0_STUCK_SDA, I2C0_STUCK_SCL), TD_ERR_I2C_BUS_STUCK);
    CHECK((uint32_t)(td_time_us() - t0) <= 1000);
    CHECK_EQ(td_gpio_get(I2C0_STUCK_SDA), 0);
    CHECK_EQ(td_gpio_get(I2C0_STUCK_SCL), 1);            /* let go, not left driven */
    /* the same controller on its usual pins */
    REQUIRE(td_i2c_init(0, 400000, I2C0_SDA, I2C0_SCL) > 0);
    uint8_t who = 0;
    CHECK_EQ(td_i2c_read_reg(0, I2C0_MPU, MPU_WHO_AM_I, &who, 1, 10000), TD_OK);
    CHECK_EQ(who, 0x68);
}

/* A bus in use: while a thread of lower priority runs a long transfer
 * (polled: 24 bytes at 10 kHz, about 25 ms), a thread that preempts it and
 * an interrupt handler over that thread are refused every call that would
 * drive the bus (the bus clear, a transfer, init), at once and with
 * nothing touched: the transfer underneath completes with the right data.
 * Once it has returned, the bus is everyone's again. */
static volatile int busy_xfer_r = 99, busy_isr_r = 99;
static uint8_t busy_rx[24];

static void busy_xfer_main(void *arg)
{
    (void)arg;
    uint8_t reg = MPU_WHO_AM_I;
    busy_xfer_r = td_i2c_transfer(0, I2C0_MPU, &reg, 1, busy_rx, sizeof busy_rx, 200000u);
}

static void busy_clear_from_isr(void)
{
    busy_isr_r = td_i2c_bus_clear(0, I2C0_SDA, I2C0_SCL);
}

TEST(i2c_bus_in_use_refused_nothing_touched)
{
    REQUIRE(td_i2c_init(0, 10000, I2C0_SDA, I2C0_SCL) > 0);
    TD_THREAD_DEFINE(busy_xfer, 768);
    int prio = td_thread_priority(td_thread_self());
    REQUIRE(prio > (int)TD_PRIO_MIN + 1);
    busy_xfer_r = 99;
    memset(busy_rx, 0, sizeof busy_rx);
    REQUIRE_EQ(td_thread_create(&busy_xfer, busy_xfer_stack, sizeof busy_xfer_stack, "i2cbusy",
                                (unsigned)prio - 1u, busy_xfer_main, NULL), TD_OK);
    td_sleep(TD_MS(3));                          /* the transfer runs meanwhile */
    REQUIRE_EQ(busy_xfer_r, 99);
    uint64_t t0 = td_time_us();
    CHECK_EQ(td_i2c_bus_clear(0, I2C0_SDA, I2C0_SCL), TD_ERR_BUSY);
    uint8_t reg = MPU_WHO_AM_I, v = 0;
    CHECK_EQ(td_i2c_transfer(0, I2C0_MPU, &reg, 1, &v, 1, 10000), TD_ERR_BUSY);
    CHECK_EQ(td_i2c_init(0, 400000, I2C0_SDA, I2C0_SCL), TD_ERR_BUSY);
    uint32_t took = (uint32_t)(td_time_us() - t0);
    th_info("i2c_busy_refusals_us", took);
    CHECK(took < 50);                            /* refused at once: no pulse, no wait */
    REQUIRE_EQ(drv_in_isr(busy_clear_from_isr), TD_OK);
    CHECK_EQ(busy_isr_r, TD_ERR_IN_ISR);
    CHECK_EQ(td_thread_join(&busy_xfer, TD_MS(100)), TD_OK);
    CHECK_EQ(busy_xfer_r, TD_OK);                /* the transfer was not disturbed */
    CHECK_EQ(busy_rx[0], 0x68);
    /* free again: the clear runs (SDA high: no pulse), transfers work */
    CHECK_EQ(td_i2c_bus_clear(0, I2C0_SDA, I2C0_SCL), 0);
    REQUIRE(td_i2c_init(0, 400000, I2C0_SDA, I2C0_SCL) > 0);
    v = 0;
    CHECK_EQ(td_i2c_read_reg(0, I2C0_MPU, MPU_WHO_AM_I, &v, 1, 10000), TD_OK);
    CHECK_EQ(v, 0x68);
}
