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
# A dry run (make -n) or a question (make -q, -p -q) writes nothing: a
# changed value then gives FILE a recipe that always runs (and that a dry
# run only prints), so what depends on it shows as to be built again.
MAKE_WRITES_NOTHING := $(findstring n,$(firstword -$(MAKEFLAGS)))$(findstring q,$(firstword -$(MAKEFLAGS)))
define build_stamp
ifneq ($$(if $$(wildcard $(1)),$$(file <$(1)),(none)),$$(strip $$($(2))))
ifeq ($$(MAKE_WRITES_NOTHING),)
$$(shell mkdir -p $$(dir $(1)))
$$(file >$(1),$$(strip $$($(2))))
else
$(1): FORCE
	: $(2) changed: $$@ is written when make runs
endif
endif
endef

# CONFIG_CFLAGS: the configuration macros of tandem/config.h and the other
# public headers (make CONFIG_CFLAGS="-DTD_CONSOLE_UART=1 ..."). Every
# object compiled with it (the library here, the examples, the test and
# benchmark images) depends on its stamp; the foundation suite's
# config_cflags_every_rule checks that each rule compiling with it does.
CONFIG_STAMP := $(BUILD)/config-cflags.stamp
$(eval $(call build_stamp,$(CONFIG_STAMP),CONFIG_CFLAGS))

# STORE_SIZE: the bytes of the key-value store's flash region, the last of
# the flash (docs/flash.md), passed to every image's link as TD_STORE_SIZE;
# unset, the linker script's default (16 KiB). 0 leaves no region (the
# store's td_store_init then refuses with TD_ERR_RANGE); otherwise a
# multiple of the 4096-byte sector, from STORE_SECTORS_MIN to
# TD_STORE_SECTORS_MAX (tandem/store.h) sectors, and less than the flash
# (__td_flash_size__ in the chip's linker script). An image's own
# --defsym=TD_STORE_SIZE (the flash suite's) comes later and wins. Every
# image's link depends on its stamp.
STORE_SECTOR      := 4096
STORE_SECTORS_MIN := 2
STORE_SECTORS_MAX := $(shell sed -n 's/^\#define TD_STORE_SECTORS_MAX \([0-9]*\)u.*/\1/p' include/tandem/store.h)
STORE_FLASH_SIZE  := $(shell sed -n 's/^__td_flash_size__ = \([0-9]*\)K;.*/\1/p' $(LINKER_SCRIPT))
ifeq ($(and $(STORE_SECTORS_MAX),$(STORE_FLASH_SIZE)),)
$(error STORE_SIZE: TD_STORE_SECTORS_MAX (include/tandem/store.h) or __td_flash_size__ ($(LINKER_SCRIPT)) not found)
endif
ifneq ($(strip $(STORE_SIZE)),)
STORE_SIZE_ERROR := $(shell s='$(strip $(STORE_SIZE))'; \
  if ! [[ $$s =~ ^(0|[1-9][0-9]*)$$ ]]; then echo "is not a number of bytes (decimal)"; \
  elif (( $$s % $(STORE_SECTOR) )); then echo "is not a multiple of the $(STORE_SECTOR)-byte sector"; \
  elif (( $$s != 0 && $$s < $(STORE_SECTORS_MIN) * $(STORE_SECTOR) )); then \
    echo "is less than the store's $(STORE_SECTORS_MIN) sectors ($$(( $(STORE_SECTORS_MIN) * $(STORE_SECTOR) )) bytes)"; \
  elif (( $$s > $(STORE_SECTORS_MAX) * $(STORE_SECTOR) )); then \
    echo "is more than the store's $(STORE_SECTORS_MAX) sectors ($$(( $(STORE_SECTORS_MAX) * $(STORE_SECTOR) )) bytes)"; \
  elif (( $$s >= $(STORE_FLASH_SIZE) * 1024 )); then echo "leaves no flash below it for the image"; fi)
ifneq ($(STORE_SIZE_ERROR),)
$(error STORE_SIZE=$(STORE_SIZE) $(STORE_SIZE_ERROR): 0 for no store, or a multiple of $(STORE_SECTOR) from $(shell echo $$(( $(STORE_SECTORS_MIN) * $(STORE_SECTOR) ))) to $(shell echo $$(( $(STORE_SECTORS_MAX) * $(STORE_SECTOR) ))) (docs/flash.md))
endif
endif
STORE_STAMP := $(BUILD)/store-size.stamp
$(eval $(call build_stamp,$(STORE_STAMP),STORE_SIZE))
STORE_LDFLAGS := $(if $(strip $(STORE_SIZE)),-Wl$(comma)--defsym=TD_STORE_SIZE=$(strip $(STORE_SIZE)))

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

-include $(call depfiles,$(foreach r,$(CONSOLE_ROUTES),$(call tandem_lib_dir,$(r))))

# $(call target_image,OUT_BASE,OBJS[,ROUTE]): OUT_BASE.elf + .map + .uf2
# from objects and the library of console route ROUTE (default: the first).
define target_image
$(1).elf: $(2) $(call tandem_objs,$(or $(3),$(CONSOLE_ROUTE_FIRST))) $(LINKER_SCRIPT) $(STORE_STAMP) | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(STORE_LDFLAGS) $$(TARGET_LDFLAGS) -T $$(LINKER_SCRIPT) -Wl,-Map=$(1).map \
	    -o $$@ $(2) $(call tandem_objs,$(or $(3),$(CONSOLE_ROUTE_FIRST))) $$(TARGET_LIBS)
# Every UF2 is checked as the boot ROM would (boot2 at the start of flash,
# its CRC); one that would not boot is not left behind.
$(1).uf2: $(1).elf $$(UF2TOOL)
	$$(Q)$$(UF2TOOL) convert $$< $$@ && \
	  { $$(UF2TOOL) check $$@ >/dev/null || { rm -f $$@; exit 1; }; }
endef
