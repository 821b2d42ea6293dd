# sim/sim.mk: the dual-core emulator (tandem-sim) and its tests.
#
#   make test-sim     build the test firmware, run the emulator's node tests,
#                     write $(TEST_RESULTS)/sim.txt
#   make test-sdk SDK_FW=dir  the pico-sdk's examples in the emulator
#                     (sim/test/sdk/README.md), write $(TEST_RESULTS)/sdk.txt
#   make bench-sim    instructions per second with both cores busy
#   make sim-fw       only build the test firmware ($(BUILD)/sim/fw/*.elf)
#   make sim-rom      reassemble the boot ROM model (sim/rom/rom.S) into
#                     sim/lib/rom_image.js (committed, so running needs no toolchain)

SIM_BUILD    := $(BUILD)/sim
SIM_FW_BUILD := $(SIM_BUILD)/fw
SIM_FW_SRC   := sim/test/fw
# The emulator is an RP2040: its test firmware is built for it whatever PORT is.
SIM_FW_ARCH_FLAGS := -mcpu=cortex-m0plus -mthumb
SIM_FW_CFLAGS := $(SIM_FW_ARCH_FLAGS) -O1 -g -std=c11 -Wall -Wextra -Werror \
    -ffreestanding -fno-common -ffunction-sections -fdata-sections -I$(SIM_FW_SRC)
SIM_FW_LDFLAGS := $(SIM_FW_ARCH_FLAGS) -nostdlib -nostartfiles -Wl,--gc-sections \
    -Wl,--no-warn-rwx-segments -T $(SIM_FW_SRC)/fw.ld
SIM_FW_NAMES := $(notdir $(basename $(wildcard $(SIM_FW_SRC)/t_*.c)))
SIM_FW_ELFS  := $(SIM_FW_NAMES:%=$(SIM_FW_BUILD)/%.elf) $(SIM_FW_BUILD)/bench_spin.elf \
    $(SIM_FW_BUILD)/q_hello.elf $(SIM_FW_BUILD)/q_flash.elf
SIM_FW_COMMON := $(SIM_FW_BUILD)/boot2_crc.o $(SIM_FW_BUILD)/crt0.o $(SIM_FW_BUILD)/fw.o $(SIM_FW_BUILD)/fault.o
SIM_NODE_DEPS := sim/node_modules/.package-lock.json

TEST_SUITES += sim

.PHONY: sim-fw sim-rom test-sim test-sdk bench-sim

.PRECIOUS: $(SIM_FW_BUILD)/%.o $(SIM_FW_BUILD)/%_crc.S $(SIM_FW_BUILD)/%.bin $(SIM_FW_BUILD)/%.b2elf
.SECONDARY: $(SIM_FW_COMMON) $(SIM_FW_BUILD)/boot2_quad_crc.o

sim-fw: $(SIM_FW_ELFS)

$(SIM_NODE_DEPS): sim/package-lock.json
	$(Q)cd sim && npm ci --no-audit --no-fund --loglevel=error

# second-stage bootloaders: boot2.S (plain 03h reads, used by every test image)
# and boot2_quad.S (quad I/O through SSI commands, used by q_hello.elf)
$(SIM_FW_BUILD)/%.b2elf: $(SIM_FW_SRC)/%.S
	@mkdir -p $(@D)
	$(Q)$(TCC) $(SIM_FW_ARCH_FLAGS) -nostdlib -nostartfiles -Wl,--no-warn-rwx-segments \
	    -Wl,-Ttext=0x20041f00 -Wl,-e,boot2_entry -o $@ $<

$(SIM_FW_BUILD)/%.bin: $(SIM_FW_BUILD)/%.b2elf
	$(Q)$(TOBJCOPY) -O binary -j .text $< $@

$(SIM_FW_BUILD)/%_crc.S: $(SIM_FW_BUILD)/%.bin sim/tools/boot2crc.js sim/lib/crc.js
	$(Q)node sim/tools/boot2crc.js $< $@

$(SIM_FW_BUILD)/%_crc.o: $(SIM_FW_BUILD)/%_crc.S
	$(Q)$(TCC) $(SIM_FW_ARCH_FLAGS) -c -o $@ $<

$(SIM_FW_BUILD)/q_hello.elf: $(SIM_FW_BUILD)/t_hello.o $(SIM_FW_BUILD)/boot2_quad_crc.o $(SIM_FW_BUILD)/crt0.o \
    $(SIM_FW_BUILD)/fw.o $(SIM_FW_BUILD)/fault.o $(SIM_FW_SRC)/fw.ld
	$(Q)$(TCC) $(SIM_FW_LDFLAGS) -o $@ $(filter %.o,$^) $(TARGET_LIBS)

# t_flash with the quad boot2, which returns when called: XIP restored by boot2 from RAM
$(SIM_FW_BUILD)/q_flash.elf: $(SIM_FW_BUILD)/t_flash.o $(SIM_FW_BUILD)/boot2_quad_crc.o $(SIM_FW_BUILD)/crt0.o \
    $(SIM_FW_BUILD)/fw.o $(SIM_FW_BUILD)/fault.o $(SIM_FW_SRC)/fw.ld
	$(Q)$(TCC) $(SIM_FW_LDFLAGS) -o $@ $(filter %.o,$^) $(TARGET_LIBS)

$(SIM_FW_BUILD)/crt0.o: $(SIM_FW_SRC)/crt0.S
	@mkdir -p $(@D)
	$(Q)$(TCC) $(SIM_FW_ARCH_FLAGS) -c -o $@ $<

$(SIM_FW_BUILD)/%.o: $(SIM_FW_SRC)/%.c $(SIM_FW_SRC)/fw.h
	@mkdir -p $(@D)
	$(Q)$(TCC) $(SIM_FW_CFLAGS) -c -o $@ $<

$(SIM_FW_BUILD)/bench_spin.o: sim/bench/bench_spin.c $(SIM_FW_SRC)/fw.h
	@mkdir -p $(@D)
	$(Q)$(TCC) $(SIM_FW_CFLAGS) -O2 -c -o $@ $<

$(SIM_FW_BUILD)/%.elf: $(SIM_FW_BUILD)/%.o $(SIM_FW_COMMON) $(SIM_FW_SRC)/fw.ld
	$(Q)$(TCC) $(SIM_FW_LDFLAGS) -o $@ $(SIM_FW_COMMON) $< $(TARGET_LIBS)

sim-rom:
	@mkdir -p $(SIM_BUILD)
	$(Q)$(TCC) $(SIM_FW_ARCH_FLAGS) -nostdlib -nostartfiles -Wl,--no-warn-rwx-segments \
	    -Wl,--section-start=.rom=0 -Wl,-e,rom_reset -o $(SIM_BUILD)/rom.elf sim/rom/rom.S
	$(Q)node sim/tools/mkrom.js $(SIM_BUILD)/rom.elf sim/lib/rom_image.js

# Through the suite runner: the project's reporter (sim/test/reporter.js)
# writes the PASS/FAIL lines and the summary; Node's own detailed report
# (the spec reporter: failures with their stacks) goes to
# $(SIM_BUILD)/test-report.txt. The expected number is the test() calls
# in the test files.
SIM_TEST_FILES := $(wildcard sim/test/*.test.js)
test-sim: $(SIM_NODE_DEPS) sim-fw
	@mkdir -p $(SIM_BUILD)
	$(Q)TANDEM_SIM_FW=$(abspath $(SIM_FW_BUILD)) TANDEM_SIM_CROSS=$(CROSS) TD_SUITE_CPU=600 TD_SUITE_TIMEOUT=3600 \
	  $(TEST_RUN) -n $$(cat $(SIM_TEST_FILES) | grep -cE '^test\(') -p 'node --test sim/test' \
	  sim $(TEST_RESULTS)/sim.txt node --test \
	    --test-reporter=spec --test-reporter-destination=$(SIM_BUILD)/test-report.txt \
	    --test-reporter=./sim/test/reporter.js --test-reporter-destination=stdout \
	    $(SIM_TEST_FILES)

# The pico-sdk's examples (sim/test/sdk/README.md): third-party binaries kept
# outside the repository, so not part of `make test`. SDK_FW names their directory.
test-sdk: $(SIM_NODE_DEPS)
	@if [ -z "$(SDK_FW)" ] || [ ! -d "$(SDK_FW)" ]; then \
	  echo "test-sdk: SDK_FW='$(SDK_FW)' is not a directory: set SDK_FW to the directory of the pico-sdk examples' .elf files (sim/test/sdk/README.md)" >&2; exit 2; fi
	@mkdir -p $(SIM_BUILD)
	$(Q)TANDEM_SDK_FW=$(abspath $(SDK_FW)) TD_SUITE_CPU=600 TD_SUITE_TIMEOUT=1800 \
	  $(TEST_RUN) -l sim/test/sdk/tests.list -p 'node --test sim/test/sdk' \
	  sdk $(TEST_RESULTS)/sdk.txt node --test \
	    --test-reporter=spec --test-reporter-destination=$(SIM_BUILD)/sdk-report.txt \
	    --test-reporter=./sim/test/reporter.js --test-reporter-destination=stdout \
	    sim/test/sdk/sdk.test.js

bench-sim: $(SIM_NODE_DEPS) $(SIM_FW_BUILD)/bench_spin.elf
	$(Q)node sim/bench/bench.js $(SIM_FW_BUILD)/bench_spin.elf
