# tests/runners/runners.mk: the 'runners' suite (tests/runners/run.sh): the
# suite runner, the summary and 'make test' given planted test programs.
#
# The planted suites plant-MODE run tests/runners/plant.c in one MODE
# through tests/run-suite.sh, as a real suite does; they are not part of
# TEST_SUITES (run.sh runs them through 'make run-suites').
# Each is bounded by its CPU time (a plant needs about a millisecond), the
# hang (it waits without running) by the wall clock, PLANT_HANG_TIMEOUT
# seconds; the others' wall-clock limit is a backstop a loaded machine does
# not reach. So is the suite's own: it is bounded by CPU time.

RUNNERS_DIR := $(BUILD)/runners
PLANT_HANG_TIMEOUT ?= 2
PLANT_MODES := good crash hang exit skip

$(RUNNERS_DIR)/plant: tests/runners/plant.c
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -std=c11 -D_GNU_SOURCE -O1 $(HOST_WARN) -o $@ $<

# The kernel suites' own runner (tests/runner.c) on the host port, given
# the planted tests of tests/runners/runner_list.h instead of tests/list.h:
# its lines longer than its line buffer must come out whole, its summary
# must count its skip.
RUNNER_PLANT_DIR := $(BUILD)/host/plain/runner-plant
RUNNER_PLANT_OBJS := $(call host_objs,plain,$(KERNEL_SRCS) $(HOST_PORT_SRCS)) \
    $(RUNNER_PLANT_DIR)/runner.o $(RUNNER_PLANT_DIR)/runner_plant.o
$(RUNNER_PLANT_DIR)/runner.o: tests/runner.c
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -DTH_LIST='"runners/runner_list.h"' -c $< -o $@
$(RUNNER_PLANT_DIR)/runner_plant.o: tests/runners/runner_plant.c
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@
$(RUNNERS_DIR)/runner-plant: $(RUNNER_PLANT_OBJS)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $^ -o $@ $(HOST_LIBS)

.PHONY: $(PLANT_MODES:%=test-plant-%) test-runners
$(PLANT_MODES:%=test-plant-%): test-plant-%: $(RUNNERS_DIR)/plant
	$(Q)TD_SUITE_CPU=10 TD_SUITE_TIMEOUT=$(if $(filter hang,$*),$(PLANT_HANG_TIMEOUT),600) $(TEST_RUN) -l tests/runners/plant.list \
	  plant-$* $(TEST_RESULTS)/plant-$*.txt $< $*

TEST_SUITES += runners
test-runners: $(RUNNERS_DIR)/plant $(RUNNERS_DIR)/runner-plant
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)tests/runners/run.sh --list >$(TEST_LISTS)/runners.list
	$(Q)MAKE="$(MAKE)" TD_SUITE_CPU=120 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/runners.list runners $(TEST_RESULTS)/runners.txt \
	  tests/runners/run.sh $(BUILD)
