# port/chip/rp2040/chip.mk: the RP2040 chip layer (PORT=rp2040): its
# architecture, sources (the USB device stack in usb/), console routes,
# boot2 and linker script. port/port.mk builds the images from these lists.

ARCH := armv6m

CHIP_SRCS := $(filter-out $(CHIP_DIR)/boot2.S $(CHIP_DIR)/boot2_blob.S, \
    $(wildcard $(CHIP_DIR)/*.c) $(wildcard $(CHIP_DIR)/usb/*.c) $(wildcard $(CHIP_DIR)/*.S))
# shared with other ports (port/common/): the flash's layout in the XIP
# window; no power cuts modelled (the emulator's); the reset path's memory
# set-up
CHIP_SRCS += port/common/flash_window.c port/common/flash_nocut.c port/common/startup.c
CHIP_OBJS := $(TARGET_OBJ_DIR)/boot2_blob.o
CHIP_CFLAGS := -I$(CHIP_DIR)/libc
LINKER_SCRIPT := $(CHIP_DIR)/memmap.ld

# The console routes (docs/console.md), TD_CONSOLE_ROUTE in tandem/config.h:
# the UART, USB serial (CDC-ACM) or both. uart comes first: the library the
# test suites and benchmarks link. The examples take TD_CONSOLE=usb|uart|both,
# USB serial unless told otherwise.
CONSOLE_ROUTES := uart usb both
CONSOLE_ROUTE_uart := -DTD_CONSOLE_ROUTE=1
CONSOLE_ROUTE_usb  := -DTD_CONSOLE_ROUTE=2
CONSOLE_ROUTE_both := -DTD_CONSOLE_ROUTE=3
TD_CONSOLE ?= usb

# Our memcpy/memset must not be turned back into calls to themselves (in
# the library of every console route), and stay real code under link-time
# optimisation (the compiler emits calls to them after the link has dropped
# what nothing called).
%/$(CHIP_DIR)/libc.o: TARGET_CFLAGS += -fno-tree-loop-distribute-patterns -fno-lto

# boot2: linked alone at its run address, padded and checksummed, then
# embedded at the start of flash.
$(TARGET_OBJ_DIR)/boot2.elf: $(CHIP_DIR)/boot2.S $(CHIP_DIR)/boot2.ld $(CHIP_DIR)/hw/ssi.h
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_ARCH_FLAGS) -I$(CHIP_DIR) -nostdlib -T $(CHIP_DIR)/boot2.ld -o $@ $<
$(TARGET_OBJ_DIR)/boot2.bin: $(TARGET_OBJ_DIR)/boot2.elf
	$(Q)$(TOBJCOPY) -O binary $< $@
$(TARGET_OBJ_DIR)/boot2_padded.bin: $(TARGET_OBJ_DIR)/boot2.bin $(BOOT2PAD)
	$(Q)$(BOOT2PAD) $< $@
$(TARGET_OBJ_DIR)/boot2_blob.o: $(CHIP_DIR)/boot2_blob.S $(TARGET_OBJ_DIR)/boot2_padded.bin
	$(Q)$(TCC) $(TARGET_ARCH_FLAGS) -DBOOT2_BIN='"$(TARGET_OBJ_DIR)/boot2_padded.bin"' -c -o $@ $<
