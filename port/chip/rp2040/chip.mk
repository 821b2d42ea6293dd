# port/chip/rp2040/chip.mk: the RP2040 chip layer (PORT=rp2040): its
# architecture, sources, boot2 and linker script. port/port.mk builds the
# images from these lists.

ARCH := armv6m

CHIP_SRCS := $(filter-out $(CHIP_DIR)/boot2.S $(CHIP_DIR)/boot2_blob.S, \
    $(wildcard $(CHIP_DIR)/*.c) $(wildcard $(CHIP_DIR)/*.S))
CHIP_OBJS := $(TARGET_OBJ_DIR)/boot2_blob.o
CHIP_CFLAGS := -I$(CHIP_DIR)/libc
LINKER_SCRIPT := $(CHIP_DIR)/memmap.ld

# Our memcpy/memset must not be turned back into calls to themselves, and
# stay real code under link-time optimisation (the compiler emits calls to
# them after the link has dropped what nothing called).
$(TARGET_OBJ_DIR)/$(CHIP_DIR)/libc.o: TARGET_CFLAGS += -fno-tree-loop-distribute-patterns -fno-lto

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
