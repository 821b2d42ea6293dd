# port/rp2040/rp2040.mk: the RP2040 port, boot2, and the object set every
# firmware image links (port + portable kernel).

RP2040_DIR  := $(BUILD)/rp2040
RP2040_SRCS := $(wildcard port/rp2040/*.c) $(wildcard port/rp2040/usb/*.c) $(wildcard port/rp2040/*.S)
RP2040_SRCS := $(filter-out port/rp2040/boot2.S port/rp2040/boot2_blob.S,$(RP2040_SRCS))
KERNEL_SRCS := $(wildcard kernel/*.c)

# The console route (docs/console.md): TD_CONSOLE=usb|uart|both. The
# library is built once per route: $(RP2040_DIR) for uart (the test suites
# and benchmarks use it), $(RP2040_DIR)-usb and $(RP2040_DIR)-both. An image
# names its route when it is linked (target_image); the examples use
# $(TD_CONSOLE), USB serial unless told otherwise.
TD_CONSOLE ?= usb
ifeq ($(filter usb uart both,$(TD_CONSOLE)),)
$(error TD_CONSOLE must be usb, uart or both (got '$(TD_CONSOLE)'))
endif
CONSOLE_ROUTE_uart := -DTD_CONSOLE_ROUTE=1
CONSOLE_ROUTE_usb  := -DTD_CONSOLE_ROUTE=2
CONSOLE_ROUTE_both := -DTD_CONSOLE_ROUTE=3
tandem_lib_dir = $(RP2040_DIR)$(if $(filter-out uart,$(1)),-$(1))

# Objects of the target library, linked whole; --gc-sections drops what a
# program does not use. $(call tandem_objs,ROUTE)
tandem_objs = $(patsubst %,$(call tandem_lib_dir,$(1))/%.o,$(basename $(RP2040_SRCS) $(KERNEL_SRCS))) \
    $(RP2040_DIR)/boot2_blob.o
TANDEM_TARGET_OBJS := $(call tandem_objs,uart)
LINKER_SCRIPT := port/rp2040/memmap.ld

define tandem_lib_rules
$(call tandem_lib_dir,$(1))/%.o: %.c
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) $$(CONSOLE_ROUTE_$(1)) -c -o $$@ $$<

$(call tandem_lib_dir,$(1))/%.o: %.S
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) -c -o $$@ $$<

# Our memcpy/memset must not be turned back into calls to themselves.
$(call tandem_lib_dir,$(1))/port/rp2040/libc.o: TARGET_CFLAGS += -fno-tree-loop-distribute-patterns
endef
$(foreach r,uart usb both,$(eval $(call tandem_lib_rules,$(r))))

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

-include $(shell find $(RP2040_DIR) $(RP2040_DIR)-usb $(RP2040_DIR)-both -name '*.d' 2>/dev/null)

# link_image NAME, OBJS: build/.../NAME.elf + .map + .uf2 from objects,
# with the library of console route ROUTE (default uart).
# $(call target_image,OUT_BASE,OBJS[,ROUTE])
define target_image
$(1).elf: $(2) $(call tandem_objs,$(or $(3),uart)) $(LINKER_SCRIPT) | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_LDFLAGS) -T $$(LINKER_SCRIPT) -Wl,-Map=$(1).map \
	    -o $$@ $(2) $(call tandem_objs,$(or $(3),uart)) $$(TARGET_LIBS)
# Every UF2 is checked as the boot ROM would (boot2 at the start of flash,
# its CRC); one that would not boot is not left behind.
$(1).uf2: $(1).elf $$(UF2TOOL)
	$$(Q)$$(UF2TOOL) convert $$< $$@ && \
	  { $$(UF2TOOL) check $$@ >/dev/null || { rm -f $$@; exit 1; }; }
endef
