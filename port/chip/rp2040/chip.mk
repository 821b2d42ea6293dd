# port/rp2040/rp2040.mk: the RP2040 port, boot2, and the object set every
# firmware image links (port + portable kernel).

RP2040_DIR  := $(BUILD)/rp2040
RP2040_SRCS := $(wildcard port/rp2040/*.c) $(wildcard port/rp2040/*.S)
RP2040_SRCS := $(filter-out port/rp2040/boot2.S port/rp2040/boot2_blob.S,$(RP2040_SRCS))
KERNEL_SRCS := $(wildcard kernel/*.c)

# Objects of the target library, linked whole; --gc-sections drops what a
# program does not use.
TANDEM_TARGET_OBJS := \
    $(patsubst %,$(RP2040_DIR)/%.o,$(basename $(RP2040_SRCS) $(KERNEL_SRCS))) \
    $(RP2040_DIR)/boot2_blob.o
LINKER_SCRIPT := port/rp2040/memmap.ld

$(RP2040_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<

$(RP2040_DIR)/%.o: %.S
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) -c -o $@ $<

# Our memcpy/memset must not be turned back into calls to themselves.
$(RP2040_DIR)/port/rp2040/libc.o: TARGET_CFLAGS += -fno-tree-loop-distribute-patterns

# boot2: linked alone at its run address, padded and checksummed, then
# embedded at the start of flash.
$(RP2040_DIR)/boot2.elf: port/rp2040/boot2.S port/rp2040/boot2.ld port/rp2040/hw/ssi.h
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_ARCH_FLAGS) -Iport/rp2040 -nostdlib -T port/rp2040/boot2.ld -o $@ $<
$(RP2040_DIR)/boot2.bin: $(RP2040_DIR)/boot2.elf
	$(Q)$(TOBJCOPY) -O binary $< $@
$(RP2040_DIR)/boot2_padded.bin: $(RP2040_DIR)/boot2.bin $(BOOT2PAD)
	$(Q)$(BOOT2PAD) $< $@
$(RP2040_DIR)/boot2_blob.o: port/rp2040/boot2_blob.S $(RP2040_DIR)/boot2_padded.bin
	$(Q)$(TCC) $(TARGET_ARCH_FLAGS) -DBOOT2_BIN='"$(RP2040_DIR)/boot2_padded.bin"' -c -o $@ $<

-include $(shell find $(RP2040_DIR) -name '*.d' 2>/dev/null)

# link_image NAME, OBJS: build/.../NAME.elf + .map + .uf2 from objects.
# $(call target_image,OUT_BASE,OBJS)
define target_image
$(1).elf: $(2) $(TANDEM_TARGET_OBJS) $(LINKER_SCRIPT) | deps-arm
	$$(Q)$$(TCC) $$(TARGET_LDFLAGS) -T $$(LINKER_SCRIPT) -Wl,-Map=$(1).map \
	    -o $$@ $(2) $$(TANDEM_TARGET_OBJS) $$(TARGET_LIBS)
# Every UF2 is checked as the boot ROM would (boot2 at the start of flash,
# its CRC); one that would not boot is not left behind.
$(1).uf2: $(1).elf $$(UF2TOOL)
	$$(Q)$$(UF2TOOL) convert $$< $$@ && \
	  { $$(UF2TOOL) check $$@ >/dev/null || { rm -f $$@; exit 1; }; }
endef
