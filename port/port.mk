# port/port.mk: the firmware build for the chip PORT names (port/chip/$(PORT))
# on its architecture (port/arch/$(ARCH)): the object set every image links
# (architecture + chip + portable kernel) and the rule that links an image.
# The chip's chip.mk sets ARCH, CHIP_SRCS, CHIP_OBJS (prebuilt pieces such as
# boot2), CHIP_CFLAGS and LINKER_SCRIPT, and may set CONSOLE_ROUTES (below);
# the architecture's arch.mk sets TARGET_ARCH_FLAGS and ARCH_SRCS.

KERNEL_SRCS := $(wildcard kernel/*.c)

# $(call build_stamp,FILE,VAR): FILE holds the last value of the make
# variable VAR, rewritten when it changes (a new value, or none after one),
# so what depends on FILE is built again instead of keeping the last build's.
define build_stamp
ifneq ($$(if $$(wildcard $(1)),$$(file <$(1)),(none)),$$(strip $$($(2))))
$$(shell mkdir -p $$(dir $(1)))
$$(file >$(1),$$(strip $$($(2))))
endif
endef

# CONFIG_CFLAGS: the configuration macros of tandem/config.h and the other
# public headers (make CONFIG_CFLAGS="-DTD_CONSOLE_UART=1 ..."). Every
# object compiled with it (the library here, the examples, the test and
# benchmark images) depends on its stamp; the foundation suite's
# config_cflags_every_rule checks that each rule compiling with it does.
CONFIG_STAMP := $(BUILD)/config-cflags.stamp
$(eval $(call build_stamp,$(CONFIG_STAMP),CONFIG_CFLAGS))

# Console routes (docs/console.md): the ways the chip's console can go,
# CONSOLE_ROUTES in its chip.mk, each with its compiler flags in
# CONSOLE_ROUTE_<route>; a chip that names none has one, "default". The
# library is built once per route: $(TARGET_OBJ_DIR) for the first (the
# test suites and benchmarks link it), $(TARGET_OBJ_DIR)-ROUTE for the
# others. An image names its route when it is linked (target_image); the
# examples use $(TD_CONSOLE).
CONSOLE_ROUTES ?= default
CONSOLE_ROUTE_FIRST := $(firstword $(CONSOLE_ROUTES))
TD_CONSOLE ?= $(CONSOLE_ROUTE_FIRST)
ifeq ($(filter $(CONSOLE_ROUTES),$(TD_CONSOLE)),)
$(error TD_CONSOLE must be one of: $(CONSOLE_ROUTES) (got '$(TD_CONSOLE)'))
endif
tandem_lib_dir = $(TARGET_OBJ_DIR)$(if $(filter-out $(CONSOLE_ROUTE_FIRST),$(1)),-$(1))

# Objects of the target library of console route ROUTE, linked whole;
# --gc-sections drops what a program does not use. $(call tandem_objs,ROUTE)
tandem_objs = \
    $(patsubst %,$(call tandem_lib_dir,$(1))/%.o,$(basename $(ARCH_SRCS) $(CHIP_SRCS) $(KERNEL_SRCS))) \
    $(CHIP_OBJS)
TANDEM_TARGET_OBJS := $(call tandem_objs,$(CONSOLE_ROUTE_FIRST))

define tandem_lib_rules
$(call tandem_lib_dir,$(1))/%.o: %.c $(CONFIG_STAMP)
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) $$(CONSOLE_ROUTE_$(1)) -c -o $$@ $$<

$(call tandem_lib_dir,$(1))/%.o: %.S
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) -c -o $$@ $$<
endef
$(foreach r,$(CONSOLE_ROUTES),$(eval $(call tandem_lib_rules,$(r))))

# KERNEL_OPT (Makefile): the hot kernel files' own flags, after the others.
ifneq ($(strip $(KERNEL_OPT)),)
$(foreach r,$(CONSOLE_ROUTES),$(patsubst %.c,$(call tandem_lib_dir,$(r))/%.o,$(KERNEL_HOT))): \
    TARGET_CFLAGS += $(KERNEL_OPT)
endif
# KERNEL_COLD_OPT (Makefile): the flags of every other kernel file.
ifneq ($(strip $(KERNEL_COLD_OPT)),)
$(foreach r,$(CONSOLE_ROUTES),$(patsubst %.c,$(call tandem_lib_dir,$(r))/%.o,$(filter-out $(KERNEL_HOT),$(KERNEL_SRCS)))): \
    TARGET_CFLAGS += $(KERNEL_COLD_OPT)
endif

-include $(shell find $(foreach r,$(CONSOLE_ROUTES),$(call tandem_lib_dir,$(r))) -name '*.d' 2>/dev/null)

# $(call target_image,OUT_BASE,OBJS[,ROUTE]): OUT_BASE.elf + .map + .uf2
# from objects and the library of console route ROUTE (default: the first).
define target_image
$(1).elf: $(2) $(call tandem_objs,$(or $(3),$(CONSOLE_ROUTE_FIRST))) $(LINKER_SCRIPT) | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_LDFLAGS) -T $$(LINKER_SCRIPT) -Wl,-Map=$(1).map \
	    -o $$@ $(2) $(call tandem_objs,$(or $(3),$(CONSOLE_ROUTE_FIRST))) $$(TARGET_LIBS)
# Every UF2 is checked as the boot ROM would (boot2 at the start of flash,
# its CRC); one that would not boot is not left behind.
$(1).uf2: $(1).elf $$(UF2TOOL)
	$$(Q)$$(UF2TOOL) convert $$< $$@ && \
	  { $$(UF2TOOL) check $$@ >/dev/null || { rm -f $$@; exit 1; }; }
endef
