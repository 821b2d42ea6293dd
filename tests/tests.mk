# tests/tests.mk: the kernel test suite (tests/*.c, listed in tests/list.h).
#
# Suites (each writes $(TEST_RESULTS)/SUITE.txt, see the top Makefile):
#   host       every test on the host port
#   host-asan  every test under AddressSanitizer + UndefinedBehaviorSanitizer
#   host-tsan  the cross-core stress tests under ThreadSanitizer
# make coverage: line and branch coverage of kernel/ from the host suite.

TEST_SRCS := $(sort $(wildcard tests/*.c))
# Real-time wake-up bounds get slack on the host (see TH_LATENCY_SLACK);
# TH_HOST: tests may capture the console there (th_capture_begin);
# TD_DEBUG_CLASS: the kernel checks the call class of its internal entry
# points (kernel/core.h) in the host builds, not on the target.
HOST_CFLAGS += -DTH_LATENCY_SLACK=100u -DTH_TICK_SLACK=50u -DTH_HOST -DTD_DEBUG_CLASS

# The test lists the runs are checked against, from tests/list.h: every
# test, and the stress tests (TH_STRESS) alone.
.PHONY: kernel-test-lists
kernel-test-lists:
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)sed -nE 's/^X\(([A-Za-z0-9_]+), *[^)]*\)$$/\1/p' tests/list.h >$(TEST_LISTS)/kernel.list
	$(Q)sed -nE 's/^X\(([A-Za-z0-9_]+), *[^)]*TH_STRESS[^)]*\)$$/\1/p' tests/list.h >$(TEST_LISTS)/kernel-stress.list

host_test_bin = $(BUILD)/host/$(1)/tandem-tests
HOST_TEST_SRCS = $(KERNEL_SRCS) $(HOST_PORT_SRCS) $(TEST_SRCS)

define HOST_TEST_BIN
$(call host_test_bin,$(1)): $(call host_objs,$(1),$(HOST_TEST_SRCS))
	$$(Q)$$(HOST_CC_$(1)) $$(HOST_X_$(1)) $$^ -o $$@ $$(HOST_LIBS)
endef
$(foreach v,$(HOST_VARIANTS),$(eval $(call HOST_TEST_BIN,$(v))))

TEST_SUITES += host host-asan host-tsan
# Each host suite's program computes (about 10-20 s of CPU time on an idle
# machine) and waits in real time (the tick, time-outs): it is bounded by
# its CPU time, many times what it uses, and by an hour of wall clock for a
# program that waits without running; a test that hangs while the program
# runs is ended sooner by the runner's own limit in the cores' time
# (TH_TEST_TIMEOUT_MS, tests/runner.c). docs/testing.md, "Bounds".
HOST_SUITE_LIMITS := TD_SUITE_CPU=300 TD_SUITE_TIMEOUT=3600
.PHONY: test-host test-host-asan test-host-tsan host-tests coverage

host-tests: $(call host_test_bin,plain)

test-host: $(call host_test_bin,plain) kernel-test-lists
	$(Q)$(HOST_SUITE_LIMITS) $(TEST_RUN) -l $(TEST_LISTS)/kernel.list host $(TEST_RESULTS)/host.txt $<

test-host-asan: deps-clang $(call host_test_bin,asan) kernel-test-lists
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(HOST_SUITE_LIMITS) \
	  $(TEST_RUN) -l $(TEST_LISTS)/kernel.list host-asan $(TEST_RESULTS)/host-asan.txt $(call host_test_bin,asan)

test-host-tsan: deps-clang $(call host_test_bin,tsan) kernel-test-lists
	$(Q)TSAN_OPTIONS=halt_on_error=1:exitcode=66 $(HOST_SUITE_LIMITS) \
	  $(TEST_RUN) -l $(TEST_LISTS)/kernel-stress.list host-tsan $(TEST_RESULTS)/host-tsan.txt $(call host_test_bin,tsan)

COV_DIR := $(BUILD)/coverage
coverage: deps-clang $(call host_test_bin,cov) kernel-test-lists
	$(Q)mkdir -p $(COV_DIR)
	$(Q)LLVM_PROFILE_FILE=$(COV_DIR)/tests.profraw \
	  $(TEST_RUN) -l $(TEST_LISTS)/kernel.list coverage $(COV_DIR)/results.txt $(call host_test_bin,cov) >/dev/null || true
	$(Q)llvm-profdata merge -sparse $(COV_DIR)/tests.profraw -o $(COV_DIR)/tests.profdata
	$(Q)llvm-cov report $(call host_test_bin,cov) -instr-profile=$(COV_DIR)/tests.profdata \
	  $(KERNEL_SRCS) | tee $(COV_DIR)/report.txt
	$(Q)llvm-cov show $(call host_test_bin,cov) -instr-profile=$(COV_DIR)/tests.profdata \
	  -format=html -output-dir=$(COV_DIR)/html $(KERNEL_SRCS) >/dev/null
	$(Q)awk '/^TOTAL/ { printf "kernel/ coverage: lines %s, branches %s (details: $(COV_DIR)/html/index.html)\n", $$10, $$13 }' \
	  $(COV_DIR)/report.txt

# ---- the same suite as an RP2040 image, run in the emulator ------------------------
TARGET_TEST_DIR  := $(BUILD)/target-tests$(PORT_SUFFIX)
TARGET_TEST_OBJS := $(patsubst tests/%.c,$(TARGET_TEST_DIR)/obj/%.o,$(TEST_SRCS))
$(TARGET_TEST_DIR)/obj/%.o: tests/%.c $(CONFIG_STAMP) | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<
$(eval $(call target_image,$(TARGET_TEST_DIR)/tandem-tests,$(TARGET_TEST_OBJS)))
# The console device's calls pass through the runner first, which copies
# what the UART gets while a test captures it (th_capture_begin, tests/runner.c).
# Every image linked with tests/runner.c needs these (the drivers' too).
TH_WRAP_LDFLAGS := -Wl,--wrap=port_console_write -Wl,--wrap=port_console_write_some
$(TARGET_TEST_DIR)/tandem-tests.elf: TARGET_LDFLAGS += $(TH_WRAP_LDFLAGS)
-include $(call depfiles,$(TARGET_TEST_DIR)/obj)

# Simulated time is bounded; the image ends with bkpt #0 (all passed) or #1.
TARGET_TEST_MAX_MS ?= 60000
TEST_SUITES += target
.PHONY: test-target target-tests
target-tests: $(TARGET_TEST_DIR)/tandem-tests.elf
test-target: deps-arm deps-node $(TARGET_TEST_DIR)/tandem-tests.elf kernel-test-lists
	$(Q)TD_SUITE_CPU=300 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/kernel.list target $(TEST_RESULTS)/target.txt \
	  sim/tandem-sim $(TARGET_TEST_DIR)/tandem-tests.elf --raw --max-ms $(TARGET_TEST_MAX_MS)

# ---- the foundation's failure paths (tests/foundation/run.sh) ----------------------
FOUNDATION_DIR := $(BUILD)/foundation
FOUNDATION_IMAGES := launch_dead launch_garbled raw_fifo
$(FOUNDATION_DIR)/obj/%.o: tests/foundation/%.c $(CONFIG_STAMP) | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<
$(foreach i,$(FOUNDATION_IMAGES),$(eval $(call target_image,$(FOUNDATION_DIR)/$(i),$(FOUNDATION_DIR)/obj/$(i).o)))
TEST_SUITES += foundation
.PHONY: test-foundation
test-foundation: deps-arm deps-node $(FOUNDATION_IMAGES:%=$(FOUNDATION_DIR)/%.elf) \
    $(EX_DIR)/blink2.uf2 $(TANDEM_TARGET_OBJS)
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)tests/foundation/run.sh --list >$(TEST_LISTS)/foundation.list
	$(Q)TD_SUITE_CPU=600 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/foundation.list foundation $(TEST_RESULTS)/foundation.txt \
	  tests/foundation/run.sh $(BUILD) $(TCC) "$(TARGET_CFLAGS)" \
	  "$(TARGET_LDFLAGS) -T $(LINKER_SCRIPT)" $(TANDEM_TARGET_OBJS)

# ---- host-tsan-long: msg_sequence_both_ways alone, 10 000 000 messages each way,
# under ThreadSanitizer. The other objects are the tsan variant's; only the
# runner and the message test are built with the long settings. About 190 s
# of CPU time on an idle machine, most of it one core's: bounded by 1200 s of
# CPU, the wall clock two hours (a machine loaded to 25 on two CPUs would
# stretch the run to about 40 minutes).
TSAN_LONG_DIR  := $(BUILD)/host/tsan-long
TSAN_LONG_TEST := msg_sequence_both_ways
TSAN_LONG_DEFS := -DTH_STRESS_ONLY -DTH_ONLY='"$(TSAN_LONG_TEST)"' \
                  -DTH_MSG_SEQ=10000000u -DTH_TEST_TIMEOUT_MS=900000u
TSAN_LONG_OBJS := $(filter-out %/tests/runner.o %/tests/test_msg.o,$(call host_objs,tsan,$(HOST_TEST_SRCS))) \
                  $(TSAN_LONG_DIR)/runner.o $(TSAN_LONG_DIR)/test_msg.o
$(TSAN_LONG_DIR)/%.o: tests/%.c | deps-clang
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(HOST_CFLAGS) $(HOST_X_tsan) $(TSAN_LONG_DEFS) -c $< -o $@
$(TSAN_LONG_DIR)/tandem-tests: $(TSAN_LONG_OBJS)
	$(Q)$(CLANG) $(HOST_X_tsan) $^ -o $@ $(HOST_LIBS)

TEST_SUITES += host-tsan-long
.PHONY: test-host-tsan-long
test-host-tsan-long: deps-clang $(TSAN_LONG_DIR)/tandem-tests kernel-test-lists
	$(Q)grep -x $(TSAN_LONG_TEST) $(TEST_LISTS)/kernel-stress.list >$(TEST_LISTS)/host-tsan-long.list || true
	$(Q)TSAN_OPTIONS=halt_on_error=1:exitcode=66 TD_SUITE_CPU=1200 TD_SUITE_TIMEOUT=7200 \
	  $(TEST_RUN) -l $(TEST_LISTS)/host-tsan-long.list host-tsan-long $(TEST_RESULTS)/host-tsan-long.txt \
	  $(TSAN_LONG_DIR)/tandem-tests

# ---- kernel-deps: no circle among the kernel's modules (tools/kernel-deps.sh) ------
# From the sources' includes and the host objects' symbols; with the checks
# that it finds a planted circle (tools/test_kernel_deps.sh), through the
# suite runner; the list: test_kernel_deps.sh --list. A fixed amount of
# computing (about 2 s of CPU): bounded by CPU time, the wall clock only a
# backstop for a wait that never ends (docs/testing.md).
TEST_SUITES += kernel-deps
.PHONY: test-kernel-deps
test-kernel-deps: $(call host_objs,plain,$(KERNEL_SRCS))
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)tools/test_kernel_deps.sh --list >$(TEST_LISTS)/kernel-deps.list
	$(Q)CC=$(HOSTCC) TD_SUITE_CPU=60 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/kernel-deps.list kernel-deps $(TEST_RESULTS)/kernel-deps.txt \
	  tools/test_kernel_deps.sh $(BUILD)/host/plain/kernel

# ---- barriers: the memory barriers the cross-core code relies on, listed in
# kernel/atomic.h, checked against the code and compiled for both ports
# (tools/barriers.sh, docs/testing.md). A fixed amount of computing (the
# compilers): bounded by CPU time, the wall clock a backstop.
TEST_SUITES += barriers
.PHONY: test-barriers
test-barriers: deps-arm
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)tools/barriers.sh --list >$(TEST_LISTS)/barriers.list
	$(Q)TD_SUITE_CPU=300 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/barriers.list barriers $(TEST_RESULTS)/barriers.txt \
	  tools/barriers.sh $(TCC) "$(filter-out -MMD -MP -g,$(TARGET_CFLAGS))" $(HOSTCC)
