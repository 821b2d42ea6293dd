# tandem: top-level build.
#
#   make            build every example for the chip PORT names (default rp2040):
#                   build/examples/NAME.{elf,uf2,map}
#   make run        build the flagship example and run it in the emulator
#   make test       build and run every test suite; ends with "N passed, N failed"
#   make debug      build an example (EXAMPLE=name) and debug it in the emulator with GDB
#   make mutate     plant kernel mutations one at a time and run the suites (docs/testing.md)
#   make deps       install what is missing (toolchain, clang runtime, emulator packages, GDB)
#   make help       every target and variable a user types, one line each
#
# Each component owns a fragment (port/chip/rp2040/chip.mk, sim/sim.mk, ...)
# included below; fragments add to the lists declared here.

.DEFAULT_GOAL := all
SHELL := /bin/bash

# TRACE=off|sim|ring: the kernel's trace points (docs/trace.md). off, the
# default, compiles them to nothing; sim: labels tandem-sim records from
# (--trace-out), no instruction added; ring: each event also written into a
# per-core RAM ring, for a board. A traced build has its own tree.
TRACE      ?= off
TRACE_MODE_off  := 0
TRACE_MODE_sim  := 1
TRACE_MODE_ring := 2
TRACE_MODE := $(TRACE_MODE_$(TRACE))
ifeq ($(TRACE_MODE),)
$(error TRACE=$(TRACE): off, sim or ring)
endif
ifeq ($(TRACE),off)
BUILD      ?= build
else
BUILD      ?= build/trace-$(TRACE)
endif
EXAMPLE    ?= blink2
V          ?= 0
Q          := $(if $(filter 1,$(V)),,@)
comma      := ,

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
# Compiler options measured in docs/performance.md ("The compiler"):
# KERNEL_OPT is added to the flags of the kernel's hot files (KERNEL_HOT),
# e.g. KERNEL_OPT=-O2, KERNEL_COLD_OPT to those of every other kernel file,
# e.g. KERNEL_COLD_OPT=-Oz; LTO=1 builds with link-time optimisation. All
# off by default. (A build directory holds one choice: BUILD=build-o2 ...)
KERNEL_OPT ?=
KERNEL_COLD_OPT ?=
KERNEL_HOT ?= kernel/sched.c kernel/sem.c kernel/thread.c kernel/time.c kernel/timer.c \
    kernel/link.c kernel/lock.c kernel/spin.c
LTO        ?= 0
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
# Where suites write their results (SUITE.txt, SUITE.txt.expect, SUITE.txt.log)
# and the test lists their runs are checked against (tests/run-suite.sh).
TEST_RESULTS ?= $(BUILD)/test/results
TEST_LISTS   := $(BUILD)/test/lists
TEST_RUN     := tests/run-suite.sh
FUZZ_TARGETS :=
BENCH_IMAGES :=
# $(call depfiles,DIR...): the compilers' dependency files (.d) under DIR, for
# the fragments' -include; none when NO_DEPFILES is set: make's database is
# then the makefiles' rules alone, whatever a build writes meanwhile
# (tools/doccheck.js reads it so beside a running build).
depfiles = $(if $(NO_DEPFILES),,$(shell find $(1) -name '*.d' 2>/dev/null))

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
    -Iinclude -Iport -I$(CHIP_DIR) -I$(ARCH_DIR) $(CHIP_CFLAGS) \
    $(if $(filter-out off,$(TRACE)),-DTD_TRACE_MODE=$(TRACE_MODE))
TARGET_LDFLAGS := $(TARGET_ARCH_FLAGS) -nostdlib -nostartfiles -Wl,--gc-sections \
    -Wl,--no-warn-rwx-segments
ifeq ($(LTO),1)
TARGET_CFLAGS  += -flto
TARGET_LDFLAGS += -flto $(TARGET_OPT)
endif
include port/port.mk
include port/host/host.mk
include sim/sim.mk
include examples/examples.mk
include tests/tests.mk
include tests/faults/faults.mk
include tests/an521/an521.mk
include tests/usb/usb.mk
include tests/flash/flash.mk
include tests/drivers/drivers.mk
include tests/runners/runners.mk
include bench/bench.mk
include tools/gdb/gdb.mk
include tests/gdb/gdb.mk
include tests/trace/trace.mk
include tools/mutate.mk

# An example added to EXAMPLES after examples/examples.mk made the examples'
# rules (a line appended at its end) would be listed by make list and
# built by nothing: stop and say where the line goes.
ifneq ($(filter-out $(EX_RULES_MADE),$(EXAMPLES)),)
$(error EXAMPLES += $(filter-out $(EX_RULES_MADE),$(EXAMPLES)) comes after the line of examples/examples.mk that makes the examples' rules ($$(foreach e,$$(EXAMPLES),...)): move it above that line, beside the other EXAMPLES += lines)
endif

# ---- top-level targets --------------------------------------------------------
.PHONY: all deps deps-arm deps-node deps-clang deps-qemu test run-suites run list clean fuzz coverage bench

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
# In 'make test': each target briefly, on its seed corpus, through
# tools/fuzz/run-brief.sh (one result line fuzz_NAME, a summary) and the
# suite runner; the list is FUZZ_TARGETS.
TEST_SUITES += fuzz
test-fuzz: $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS)) $(addprefix fuzz-corpus-,$(FUZZ_TARGETS))
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)printf 'fuzz_%s\n' $(FUZZ_TARGETS) >$(TEST_LISTS)/fuzz.list
	$(Q)TD_SUITE_CPU=600 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/fuzz.list fuzz $(TEST_RESULTS)/fuzz.txt \
	  tools/fuzz/run-brief.sh $(BUILD)/fuzz $(FUZZ_TEST_RUNS) $(FUZZ_TARGETS)

all: deps-arm examples

deps: deps-arm deps-node deps-clang deps-gdb deps-qemu
deps-arm:
	$(Q)CROSS=$(CROSS) tools/deps.sh arm
deps-node:
	$(Q)tools/deps.sh node
deps-clang:
	$(Q)tools/deps.sh clang

# Every suite writes $(TEST_RESULTS)/SUITE.txt with one line per test:
# "PASS name" or "FAIL name: reason", through tests/run-suite.sh, which also
# records how many tests the suite's list holds. A suite that leaves no
# file, or fewer results than its list, counts as failed. run-suites is
# 'make test' without installing anything (the 'runners' suite runs it on
# planted suites).
test: deps
	$(Q)$(MAKE) --no-print-directory run-suites
run-suites:
	$(Q)rm -rf $(TEST_RESULTS) && mkdir -p $(TEST_RESULTS)
	-$(Q)$(MAKE) --no-print-directory -k $(addprefix test-,$(TEST_SUITES))
	$(Q)tools/test-summary.sh $(TEST_RESULTS) $(TEST_SUITES)

list:
	$(Q)$(foreach e,$(EXAMPLES),printf '  %-16s %s\n' $(e) \
	  "$$(sed -n '1{s/^# *//;s/^[a-z0-9_]*: *//;p}' $(firstword $(wildcard examples/$(e)/README.md) \
	    examples/$(or $(EX_SRC_$(e)),$(e))/README.md))";)

clean:
	rm -rf $(BUILD)

# ---- make help: the targets and variables a user types, one line each. The
# layering suite checks what it prints (tools/doccheck.js, help_*): each
# target it names is one of the build's (make -p), each variable one the
# makefiles use, and its test-SUITE list is TEST_SUITES, every suite that
# 'make test' runs. A new user-facing target or variable gets a line here.
define HELP_TARGETS
all                 every example for PORT: $(EX_DIR)/NAME.elf$(if $(CHIP_NO_UF2),,$(comma) .uf2), .map (the default)
$(EX_DIR)/$(EXAMPLE).$(if $(CHIP_NO_UF2),elf,uf2)
                    EXAMPLE's $(if $(CHIP_NO_UF2),image alone,UF2 alone: copy it to a Pico held in BOOTSEL mode (README.md))
run                 EXAMPLE in the emulator for RUN_MS ms: console lines, LED changes, a picture and trace of the run
list                the examples, one line each
debug               EXAMPLE in the emulator under GDB, both cores as threads (docs/debugging.md)
test                install what is missing, run every suite; ends with "N passed, N failed"
run-suites          'make test' without installing anything
test-SUITE          one suite alone (docs/testing.md), results in $(TEST_RESULTS)/SUITE.txt; the suites:
test-sdk            pico-sdk examples (SDK_FW) in the emulator, against a real Pico's output; not in 'make test'
bench               every performance figure in the emulator, a table and $(BUILD)/bench/results.json
coverage            line and branch coverage of kernel/ from the host suite
fuzz                each fuzz target for FUZZ_SECONDS
mutate              plant each kernel mutation, run its suites, say which were killed (about half an hour)
deps                install what is missing (toolchain, clang runtime, emulator packages, GDB, QEMU)
clean               remove $(BUILD)
help                this list
endef
define HELP_VARIABLES
EXAMPLE=name        the example of run, debug and the .uf2 line (default $(EXAMPLE); 'make list')
RUN_MS=n            simulated milliseconds of 'make run' (default 8000, or the example's own)
PORT=chip           the chip: $(notdir $(wildcard port/chip/*)) (default rp2040; docs/ports.md)
TD_CONSOLE=route    the examples' console: $(CONSOLE_ROUTES) (docs/console.md)
TRACE=mode          the kernel's trace points: off, sim or ring, in a tree of their own (docs/trace.md)
CONFIG_CFLAGS="-D.."  configuration macros of tandem/config.h; a change rebuilds (README.md)
STORE_SIZE=bytes    the key-value store's flash region: 0 or 8192..65536 in 4096 steps (docs/flash.md)
SDK_FW=dir          the pico-sdk examples' .elf files for test-sdk (sim/test/sdk/README.md)
BUILD=dir           where everything is built (default $(BUILD))
V=1                 print the commands
CROSS=prefix        the cross toolchain's prefix (default $(CROSS))
TARGET_OPT=-O..     the firmware's optimisation (default $(TARGET_OPT); docs/performance.md)
KERNEL_OPT=-O..     added to the kernel's hot files (KERNEL_HOT), KERNEL_COLD_OPT to the others
LTO=1               link-time optimisation
FUZZ_SECONDS=n      seconds each target of 'make fuzz' runs (default $(FUZZ_SECONDS))
endef
export HELP_TARGETS HELP_VARIABLES
.PHONY: help
help:
	@printf '%s\n' "tandem: make [TARGET ...] [VARIABLE=value ...]" "" "Targets:"
	@printf '%s\n' "$$HELP_TARGETS" | while IFS= read -r l; do \
	  printf '  %s\n' "$$l"; \
	  case $$l in test-SUITE*) echo $(TEST_SUITES) | fmt -w 70 | sed 's/^/      /';; esac; done
	@printf '%s\n' "" "Variables:"
	@printf '%s\n' "$$HELP_VARIABLES" | sed 's/^/  /'
