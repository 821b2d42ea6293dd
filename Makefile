# tandem: top-level build.
#
#   make            build every example for the chip PORT names (default rp2040):
#                   build/examples/NAME.{elf,uf2,map}
#   make run        build the flagship example and run it in the emulator
#   make test       build and run every test suite; ends with "N passed, N failed"
#   make debug      build an example (EXAMPLE=name) and debug it in the emulator with GDB
#   make deps       install what is missing (toolchain, clang runtime, emulator packages, GDB)
#
# Each component owns a fragment (port/chip/rp2040/chip.mk, sim/sim.mk, ...)
# included below; fragments add to the lists declared here.

.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD      ?= build
EXAMPLE    ?= blink2
V          ?= 0
Q          := $(if $(filter 1,$(V)),,@)

# ---- the target: PORT names the chip (port/chip/$(PORT)); the chip's own
# chip.mk names its architecture (ARCH: port/arch/$(ARCH)) --------------------
PORT       ?= rp2040
CHIP_DIR   := port/chip/$(PORT)
ifeq ($(wildcard $(CHIP_DIR)/chip.mk),)
$(error PORT=$(PORT): there is no $(CHIP_DIR)/chip.mk (chips: $(notdir $(wildcard port/chip/*))))
endif
TARGET_OBJ_DIR := $(BUILD)/$(PORT)
# Image folders of a chip other than the default get its name as a suffix.
PORT_SUFFIX := $(if $(filter rp2040,$(PORT)),,-$(PORT))
CROSS      ?= arm-none-eabi-
TCC        := $(CROSS)gcc
TOBJCOPY   := $(CROSS)objcopy
TSIZE      := $(CROSS)size
TNM        := $(CROSS)nm
TARGET_OPT ?= -Os
TARGET_LIBS := -lgcc

# ---- host toolchain (POSIX port, tools) --------------------------------------
HOSTCC     ?= cc
CLANG      ?= clang
HOST_WARN  := -Wall -Wextra -Werror
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g $(HOST_WARN) -MMD -MP \
    -Iinclude -Iport -Iport/host
HOST_LIBS  := -lpthread

# ---- lists the fragments extend ----------------------------------------------
EXAMPLES    :=
TEST_SUITES :=
FUZZ_TARGETS :=
BENCH_IMAGES :=

include tools/tools.mk
include $(CHIP_DIR)/chip.mk
ifeq ($(ARCH),)
$(error $(CHIP_DIR)/chip.mk names no ARCH (architectures: $(notdir $(wildcard port/arch/*))))
endif
ARCH_DIR   := port/arch/$(ARCH)
include $(ARCH_DIR)/arch.mk
TARGET_CFLAGS := $(TARGET_ARCH_FLAGS) $(TARGET_OPT) -g -std=c11 \
    -Wall -Wextra -Werror -ffreestanding -fno-common \
    -ffunction-sections -fdata-sections -MMD -MP \
    -Iinclude -Iport -I$(CHIP_DIR) -I$(ARCH_DIR) $(CHIP_CFLAGS)
TARGET_LDFLAGS := $(TARGET_ARCH_FLAGS) -nostdlib -nostartfiles -Wl,--gc-sections \
    -Wl,--no-warn-rwx-segments
include port/port.mk
include port/host/host.mk
include sim/sim.mk
include examples/examples.mk
include tests/tests.mk
include tests/faults/faults.mk
include tests/an521/an521.mk
include bench/bench.mk
include tools/gdb/gdb.mk
include tests/gdb/gdb.mk

# ---- top-level targets --------------------------------------------------------
.PHONY: all deps deps-arm deps-node deps-clang deps-qemu test run list clean fuzz coverage bench

# ---- fuzzing: each name in FUZZ_TARGETS has a binary $(BUILD)/fuzz/NAME and
# a rule fuzz-corpus-NAME that seeds $(BUILD)/fuzz/NAME-corpus.
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -g -O1 $(HOST_WARN) \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SECONDS ?= 60
FUZZ_TEST_RUNS ?= 20000
fuzz: deps-clang $(addprefix fuzz-run-,$(FUZZ_TARGETS))
fuzz-run-%: $(BUILD)/fuzz/% fuzz-corpus-%
	$(Q)echo "fuzz $*: $(FUZZ_SECONDS) s"
	$(Q)$(BUILD)/fuzz/$* -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(BUILD)/fuzz/$*- $(BUILD)/fuzz/$*-corpus
# In 'make test': each target briefly, on its seed corpus.
TEST_SUITES += fuzz
test-fuzz: $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS)) $(addprefix fuzz-corpus-,$(FUZZ_TARGETS))
	$(Q)mkdir -p $(BUILD)/test/results
	$(Q)for t in $(FUZZ_TARGETS); do \
	  if $(BUILD)/fuzz/$$t -runs=$(FUZZ_TEST_RUNS) -seed=1 -artifact_prefix=$(BUILD)/fuzz/$$t- \
	      $(BUILD)/fuzz/$$t-corpus > $(BUILD)/fuzz/$$t.log 2>&1; \
	  then echo "PASS fuzz_$$t"; else echo "FAIL fuzz_$$t: see $(BUILD)/fuzz/$$t.log"; fi; \
	done | tee $(BUILD)/test/results/fuzz.txt

all: deps-arm examples

deps: deps-arm deps-node deps-clang deps-gdb deps-qemu
deps-arm:
	$(Q)CROSS=$(CROSS) tools/deps.sh arm
deps-node:
	$(Q)tools/deps.sh node
deps-clang:
	$(Q)tools/deps.sh clang

# Every suite writes $(BUILD)/test/results/SUITE.txt with one line per test:
# "PASS name" or "FAIL name: reason". A suite that leaves no file counts as failed.
test: deps
	$(Q)rm -rf $(BUILD)/test/results && mkdir -p $(BUILD)/test/results
	-$(Q)$(MAKE) --no-print-directory -k $(addprefix test-,$(TEST_SUITES))
	$(Q)tools/test-summary.sh $(BUILD)/test/results $(TEST_SUITES)

list:
	$(Q)$(foreach e,$(EXAMPLES),printf '  %-16s %s\n' $(e) \
	  "$$(sed -n '1{s/^# *//;s/^[a-z0-9_]*: *//;p}' examples/$(or $(EX_SRC_$(e)),$(e))/README.md)";)

clean:
	rm -rf $(BUILD)
