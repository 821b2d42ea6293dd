# port/chip/an521/chip.mk: QEMU's mps2-an521 (PORT=an521): an Arm SSE-200
# with two Cortex-M33 cores, the CI stand-in for the RP2350's CPU layer.
# Images are ELF files QEMU loads (-kernel); no UF2. tests/an521/an521.mk
# runs the kernel suite and the fault scenarios on it.

ARCH := armv8m

CHIP_SRCS := $(wildcard $(CHIP_DIR)/*.c) $(wildcard $(CHIP_DIR)/*.S)
CHIP_OBJS :=
# A flash writer waits for the other core's answer to its park request
# 500 ms, not the RP2040's 2 ms: here the other core is a host thread that
# a busy host may leave unscheduled that long (tandem/flash.h).
CHIP_CFLAGS := -DTD_FLASH_ACK_TIMEOUT_US=500000u
LINKER_SCRIPT := $(CHIP_DIR)/memmap.ld
# memcpy, memset, strlen and friends: the toolchain's newlib for this CPU.
TARGET_LIBS := -lc -lgcc
# The examples that need no RP2040 device (GPIO, I2C), as ELF files only.
CHIP_EXAMPLES := messaging counter_race no_busy_waiting
CHIP_NO_UF2 := 1
