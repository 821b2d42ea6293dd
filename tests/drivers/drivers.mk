# tests/drivers/drivers.mk: the driver test suite ('drivers'): the DMA, SPI,
# I2C, ADC and PWM drivers on both blocks and both cores, as one RP2040 image
# (tests/drivers/*.c with the kernel suite's runner and harness) run in
# tandem-sim with the devices and signals the tests expect (drv.h).

DRV_TEST_DIR  := $(BUILD)/drivers-tests
DRV_TEST_SRCS := $(sort $(wildcard tests/drivers/*.c)) tests/runner.c
DRV_TEST_OBJS := $(patsubst tests/%.c,$(DRV_TEST_DIR)/obj/%.o,$(DRV_TEST_SRCS))
$(DRV_TEST_DIR)/obj/%.o: tests/%.c $(CONFIG_STAMP) | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -DTH_LIST='"drivers/list.h"' -c -o $@ $<
$(eval $(call target_image,$(DRV_TEST_DIR)/drivers-tests,$(DRV_TEST_OBJS)))
$(DRV_TEST_DIR)/drivers-tests.elf: TARGET_LDFLAGS += $(TH_WRAP_LDFLAGS)
-include $(call depfiles,$(DRV_TEST_DIR)/obj)

DRV_SIM_OPTS := --spi 0:echo@5 --spi 1:echo@13 --spi 1:bmp280@9 \
    --i2c 0:mpu6050 --i2c 0:hold@0x50,ms=20 --i2c 1:mpu6050 \
    --i2c-stuck 22:23,pulses=5 --i2c-stuck 20:21 \
    --adc 0=1.0 --adc 1=sine:1.65:1.0:50 --adc 2=2.5 --adc temp=30 \
    --gpio-wave 15=10000 --motor pwm=18,enc=25:24,ppr=256,tacho=3
DRV_TEST_MAX_MS ?= 30000

# Through the suite runner, checked against tests/drivers/list.h.
TEST_SUITES += drivers
.PHONY: test-drivers drivers-tests
drivers-tests: $(DRV_TEST_DIR)/drivers-tests.elf
test-drivers: deps-arm deps-node $(DRV_TEST_DIR)/drivers-tests.elf
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)sed -nE 's/^X\(([A-Za-z0-9_]+), *[^)]*\)$$/\1/p' tests/drivers/list.h >$(TEST_LISTS)/drivers.list
	$(Q)TD_SUITE_CPU=300 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/drivers.list drivers $(TEST_RESULTS)/drivers.txt \
	  sim/tandem-sim $(DRV_TEST_DIR)/drivers-tests.elf --raw --max-ms $(DRV_TEST_MAX_MS) $(DRV_SIM_OPTS)
