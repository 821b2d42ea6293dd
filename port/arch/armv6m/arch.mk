# port/arch/armv6m/arch.mk: the ARMv6-M layer (Cortex-M0+), for every chip
# whose chip.mk says ARCH := armv6m.

TARGET_ARCH_FLAGS := -mcpu=cortex-m0plus -mthumb
ARCH_SRCS := $(wildcard $(ARCH_DIR)/*.c) $(wildcard $(ARCH_DIR)/*.S)
# shared with the other M-profile CPU layers (port/common/): Thumb code and
# the exception frame, the SysTick tick
ARCH_SRCS += port/common/thumb.c port/common/systick.c
