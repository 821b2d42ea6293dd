# bench/bench.mk: benchmark images (bench/NAME/*.c, one image per folder),
# run in the emulator by 'make bench'; figures collected by bench/report.js
# into a table and $(BUILD)/bench/results.json. See docs/performance.md.

BENCH_DIR   := $(BUILD)/bench
BENCH_NAMES := $(sort $(patsubst bench/%/,%,$(dir $(wildcard bench/*/*.c))))
BENCH_MAX_MS ?= 20000
# BENCH_SIM_NAME: the emulator's devices an image needs
BENCH_SIM_drivers := --spi 0:echo@5 --motor pwm=14,tacho=0,load=0.001

$(BENCH_DIR)/obj/bench/bench.o: bench/bench.c $(CONFIG_STAMP) | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -Ibench -c -o $@ $<

# An image's console route: BENCH_ROUTE_NAME (default uart).
define bench_rules
$(1)_BOBJS := $$(patsubst %.c,$$(BENCH_DIR)/obj/%.o,$$(wildcard bench/$(1)/*.c)) $$(BENCH_DIR)/obj/bench/bench.o
$$(BENCH_DIR)/obj/bench/$(1)/%.o: bench/$(1)/%.c $$(CONFIG_STAMP) | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) $$(CONSOLE_ROUTE_$$(or $$(BENCH_ROUTE_$(1)),uart)) -Ibench -c -o $$@ $$<
$(call target_image,$(BENCH_DIR)/$(1),$$($(1)_BOBJS),$(BENCH_ROUTE_$(1)))
$$(BENCH_DIR)/$(1).log: $$(BENCH_DIR)/$(1).elf FORCE
	$$(Q)sim/tandem-sim $$< --raw --max-ms $$(BENCH_MAX_MS) $$(BENCH_SIM_$(1)) > $$@ 2>&1; rc=$$$$?; \
	  if [ $$$$rc -ne 0 ]; then echo "bench $(1): exit $$$$rc"; cat $$@; exit 1; fi
endef
$(foreach b,$(BENCH_NAMES),$(eval $(call bench_rules,$(b))))
-include $(call depfiles,$(BENCH_DIR)/obj)

.PHONY: bench bench-images FORCE
FORCE:
bench-images: $(foreach b,$(BENCH_NAMES),$(BENCH_DIR)/$(b).elf)
bench: deps-arm deps-node $(foreach b,$(BENCH_NAMES),$(BENCH_DIR)/$(b).log) \
       $(TARGET_TEST_DIR)/tandem-tests.elf $(SIM_FW_BUILD)/bench_spin.elf
	$(Q)mkdir -p $(BENCH_DIR) && node sim/bench/bench.js $(SIM_FW_BUILD)/bench_spin.elf > $(BENCH_DIR)/sim.log
	$(Q)node bench/report.js $(BENCH_DIR) $(TARGET_TEST_DIR)/tandem-tests.map

# ---- the bench-docs suite: docs/performance.md's copy of the table, its
# "Where the goals stand", its headings' figures and docs/flash.md's
# "Figures" table against this tree's
# 'make bench' run (bench/doccheck.js, its list doccheck.js --list; the
# emulator's speeds, which vary with the machine, are skipped by name).
TEST_SUITES += bench-docs
.PHONY: test-bench-docs
test-bench-docs: bench
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)node bench/doccheck.js --list >$(TEST_LISTS)/bench-docs.list
	$(Q)TD_SUITE_CPU=60 TD_SUITE_TIMEOUT=600 $(TEST_RUN) -l $(TEST_LISTS)/bench-docs.list -p bench/doccheck.js bench-docs \
	  $(TEST_RESULTS)/bench-docs.txt node bench/doccheck.js $(BENCH_DIR)/results.json docs/performance.md
