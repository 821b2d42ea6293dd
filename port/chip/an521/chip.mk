# port/chip/an521/chip.mk: QEMU's mps2-an521 (PORT=an521): an Arm SSE-200
# with two Cortex-M33 cores, the CI stand-in for the RP2350's CPU layer.
# Images are ELF files QEMU loads (-kernel); no UF2. tests/an521/an521.mk
# runs the kernel suite and the fault scenarios on it.

ARCH := armv8m

CHIP_SRCS := $(wildcard $(CHIP_DIR)/*.c) $(wildcard $(CHIP_DIR)/*.S)
# shared with other ports (port/common/): no watchdog counter driven; the
# flash's layout read at PORT_FLASH_BASE; power cuts for tests, modelled on
# the flash kept in SSRAM as the host port models them; the reset path's
# memory set-up
CHIP_SRCS += port/common/watchdog_none.c port/common/flash_window.c port/common/flash_cut.c \
    port/common/startup.c
CHIP_OBJS :=
# Two bounds stand for "the other core's host thread was not scheduled",
# not for anything the chip does (docs/ports.md): each core is a QEMU host
# thread, which a loaded host (two CPUs, other jobs) leaves unscheduled for
# hundreds of milliseconds now and then.
#   a flash writer waits 2 s for the other core's answer to its park
#   request, not the RP2040's 2 ms (tandem/flash.h);
#   a core is reported as not responding after 2 s without a tick, not
#   200 ms (tandem/fault.h): more than the 1 s a parked core may wait with
#   interrupts masked for a writer whose thread is not running.
CHIP_CFLAGS := -DTD_FLASH_ACK_TIMEOUT_US=2000000u -DTD_FAULT_HEARTBEAT_MS=2000u
LINKER_SCRIPT := $(CHIP_DIR)/memmap.ld
# memcpy, memset, strlen and friends: the toolchain's newlib for this CPU.
TARGET_LIBS := -lc -lgcc
# The examples that need no RP2040 device (GPIO, I2C), as ELF files only.
CHIP_EXAMPLES := messaging counter_race no_busy_waiting
CHIP_NO_UF2 := 1
# How an example's image runs (make run and make debug say it: tandem-sim
# is an RP2040); its console is semihosting, on the terminal.
CHIP_RUN := qemu-system-arm -M mps2-an521 -nographic -semihosting -kernel
