# port/chip/an521/chip.mk: QEMU's mps2-an521 (PORT=an521): an Arm SSE-200
# with two Cortex-M33 cores, the CI stand-in for the RP2350's CPU layer.
# Images are ELF files QEMU loads (-kernel); no UF2. tests/an521/an521.mk
# runs the kernel suite and the fault scenarios on it.

ARCH := armv8m

CHIP_SRCS := $(wildcard $(CHIP_DIR)/*.c) $(wildcard $(CHIP_DIR)/*.S)
CHIP_OBJS :=
CHIP_CFLAGS :=
LINKER_SCRIPT := $(CHIP_DIR)/memmap.ld
# memcpy, memset, strlen and friends: the toolchain's newlib for this CPU.
TARGET_LIBS := -lc -lgcc
# The examples that need no RP2040 device (GPIO, I2C), as ELF files only.
CHIP_EXAMPLES := messaging counter_race no_busy_waiting
CHIP_NO_UF2 := 1
