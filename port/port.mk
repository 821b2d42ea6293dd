# port/port.mk: the firmware build for the chip PORT names (port/chip/$(PORT))
# on its architecture (port/arch/$(ARCH)): the object set every image links
# (architecture + chip + portable kernel) and the rule that links an image.
# The chip's chip.mk sets ARCH, CHIP_SRCS, CHIP_OBJS (prebuilt pieces such as
# boot2), CHIP_CFLAGS and LINKER_SCRIPT; the architecture's arch.mk sets
# TARGET_ARCH_FLAGS and ARCH_SRCS.

KERNEL_SRCS := $(wildcard kernel/*.c)

# Objects of the target library, linked whole; --gc-sections drops what a
# program does not use.
TANDEM_TARGET_OBJS := \
    $(patsubst %,$(TARGET_OBJ_DIR)/%.o,$(basename $(ARCH_SRCS) $(CHIP_SRCS) $(KERNEL_SRCS))) \
    $(CHIP_OBJS)

$(TARGET_OBJ_DIR)/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<

$(TARGET_OBJ_DIR)/%.o: %.S
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) -c -o $@ $<

-include $(shell find $(TARGET_OBJ_DIR) -name '*.d' 2>/dev/null)

# $(call target_image,OUT_BASE,OBJS): OUT_BASE.elf + .map + .uf2 from objects.
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
