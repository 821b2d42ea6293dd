# examples/examples.mk: every example is examples/NAME/*.c, built for the
# RP2040 as build/examples/NAME.elf, .map and .uf2.

EXAMPLES += blink2 blink_free messaging
EX_DIR := $(BUILD)/examples

define example_rules
$(1)_OBJS := $$(patsubst %.c,$$(EX_DIR)/obj/%.o,$$(wildcard examples/$(1)/*.c))
$$(EX_DIR)/obj/examples/$(1)/%.o: examples/$(1)/%.c | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) -c -o $$@ $$<
$(call target_image,$(EX_DIR)/$(1),$$($(1)_OBJS))
endef
$(foreach e,$(EXAMPLES),$(eval $(call example_rules,$(e))))
-include $(shell find $(EX_DIR)/obj -name '*.d' 2>/dev/null)

.PHONY: examples
examples: $(foreach e,$(EXAMPLES),$(EX_DIR)/$(e).elf $(EX_DIR)/$(e).uf2)

# ---- make run / make list ------------------------------------------------------
SIM := sim/tandem-sim
RUN_MS ?= 8000
.PHONY: run
run: deps-arm $(EX_DIR)/$(EXAMPLE).elf
	$(Q)if [ ! -x $(SIM) ]; then \
	  echo "make run: the emulator (sim/tandem-sim) is not in this tree yet, so there is nothing to run."; \
	  echo "make run: $(EX_DIR)/$(EXAMPLE).uf2 is built: copy it to a Pico held in BOOTSEL mode."; \
	  exit 1; fi
	$(Q)$(MAKE) --no-print-directory deps-node
	$(Q)$(SIM) $(EX_DIR)/$(EXAMPLE).elf --max-ms $(RUN_MS) \
	    --svg $(EX_DIR)/$(EXAMPLE).svg --vcd $(EX_DIR)/$(EXAMPLE).vcd; \
	  rc=$$?; echo "picture of the run: $(EX_DIR)/$(EXAMPLE).svg (GTKWave: $(EX_DIR)/$(EXAMPLE).vcd)"; \
	  [ $$rc -eq 0 ] || [ $$rc -eq 123 ]

# System tests: every example in the emulator, console lines and LED timing.
TEST_SUITES += examples
.PHONY: test-examples
test-examples: examples deps-node
	$(Q)mkdir -p $(BUILD)/test/results
	$(Q)node examples/system-tests.js $(BUILD) > $(BUILD)/test/results/examples.txt; \
	   cat $(BUILD)/test/results/examples.txt
