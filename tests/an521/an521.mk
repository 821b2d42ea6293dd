# tests/an521/an521.mk: the 'an521' suite: the kernel test suite (tests/*.c)
# and fault scenarios on QEMU's mps2-an521, two Cortex-M33 cores
# (port/chip/an521), whatever PORT the rest of the build uses.
#
#   icount  the suite once with -icount shift=3: one host thread runs both
#           cores in turn, virtual time counts instructions, the run is the
#           same every time (all but the TH_PARALLEL tests)
#   mt1..N  the cross-core stress tests (TH_STRESS) and those that need
#           both cores at once (TH_PARALLEL), AN521_MT_PASSES times (2),
#           without -icount: each core on its own host thread, truly at
#           once, so races can show (latency bounds get the host's slack;
#           no two passes interleave the cores the same way: a race one
#           misses the other may hit). A pass takes 1 to 1.5 minutes on a
#           two-CPU machine
#   fault   the fault scenarios that apply to this chip (tests/an521/faults.sh)
# Results: $(BUILD)/test/results/an521.txt, names prefixed by the mode.

AN521_BUILD      := $(BUILD)/an521-suite
AN521_MT_PASSES  ?= 2
QEMU_ARM         ?= qemu-system-arm
# The stress image's counts: each pass hands the cross-core mutex over
# 2000 times (a quarter of the icount run's) and sends 20 000 messages each
# way (a fifth), so a pass stays within the tests' 20 s bound on a busy
# two-CPU host, where every hand-over waits for a host thread.
AN521_MT_CFLAGS  ?= -DTH_MSG_SEQ=20000u -DXM_ROUNDS=500u

TEST_SUITES += an521
.PHONY: test-an521 an521-images

# The images are built by a make of their own with PORT=an521.
an521-images: deps-arm
	$(Q)$(MAKE) --no-print-directory PORT=an521 BUILD=$(BUILD) an521-images-here

ifeq ($(PORT),an521)
AN521_FAULT_ELFS := $(addprefix $(FAULTS_DIR)/,$(addsuffix .elf,null-c0 null-c1 udf-c0 udf-c1 \
    tstack-c0 tstack-c1 mstack-c0 mstack-c1 assert-c1 console-c0 null-kill-c0 tstack-kill-c0 classify))
AN521_MT_OBJS := $(patsubst tests/%.c,$(AN521_BUILD)/mt/%.o,$(TEST_SRCS))
$(AN521_BUILD)/mt/%.o: tests/%.c tests/an521/an521.mk $(CONFIG_STAMP) | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -DTH_STRESS_ONLY -DTH_WITH_PARALLEL \
	    -DTH_LATENCY_SLACK=100u -DTH_TICK_SLACK=50u $(AN521_MT_CFLAGS) -c -o $@ $<
$(eval $(call target_image,$(AN521_BUILD)/tandem-tests-mt,$(AN521_MT_OBJS)))
$(AN521_BUILD)/tandem-tests-mt.elf: TARGET_LDFLAGS += $(TH_WRAP_LDFLAGS)
# The icount image leaves out the tests that need both cores running at
# once (TH_PARALLEL, tests/runner.c); the stress image runs them.
$(TARGET_TEST_DIR)/obj/runner.o: TARGET_CFLAGS += -DTH_SERIAL_CORES
$(TARGET_TEST_DIR)/obj/runner.o: tests/an521/an521.mk
-include $(call depfiles,$(AN521_BUILD)/mt)
.PHONY: an521-images-here
an521-images-here: $(TARGET_TEST_DIR)/tandem-tests.elf $(AN521_BUILD)/tandem-tests-mt.elf \
    $(AN521_FAULT_ELFS)
endif

# The lists each part is checked against, from tests/list.h: the icount
# run's every test but the TH_PARALLEL ones; the stress passes' the
# TH_STRESS and TH_PARALLEL ones.
test-an521: an521-images deps-qemu
	$(Q)mkdir -p $(TEST_RESULTS) $(TEST_LISTS)
	$(Q)sed -nE '/TH_PARALLEL/d; s/^X\(([A-Za-z0-9_]+), *[^)]*\)$$/\1/p' tests/list.h \
	  >$(TEST_LISTS)/an521-icount.list
	$(Q)sed -nE 's/^X\(([A-Za-z0-9_]+), *[^)]*TH_(STRESS|PARALLEL)[^)]*\)$$/\1/p' tests/list.h \
	  >$(TEST_LISTS)/an521-mt.list
	$(Q)QEMU_ARM=$(QEMU_ARM) tests/an521/run.sh $(BUILD) $(AN521_MT_PASSES) \
	  $(TEST_LISTS)/an521-icount.list $(TEST_LISTS)/an521-mt.list $(TEST_RESULTS)/an521.txt

deps-qemu:
	$(Q)tools/deps.sh qemu
