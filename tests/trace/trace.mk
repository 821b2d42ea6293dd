# tests/trace/trace.mk: the kernel trace's suite 'trace' (docs/trace.md):
#   tests/trace/offbuild.sh  the kernel built with tracing off is byte for
#                            byte the kernel without its trace points;
#   tests/trace/run.js       examples built with TRACE=sim traced in tandem-sim
#                            (--trace-out JSON checked against what they do),
#                            blink2 and tests/trace/devices.c built with
#                            TRACE=ring (their RAM rings against what the
#                            emulator saw, the drivers' interrupts among the
#                            events; the cost per event).
# The traced builds live in their own trees ($(BUILD)/trace-sim, -ring).

TRACE_TEST_DIR   := $(BUILD)/trace-test
TRACE_RING_BUILD := $(BUILD)/trace-ring
# tests/trace/main.c, the program whose trace is known, built in each tree
TRACE_FW_DIR     := $(BUILD)/trace-fw
$(TRACE_FW_DIR)/obj/main.o: tests/trace/main.c $(CONFIG_STAMP) | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<
$(eval $(call target_image,$(TRACE_FW_DIR)/trace-fw,$(TRACE_FW_DIR)/obj/main.o))
-include $(call depfiles,$(TRACE_FW_DIR)/obj/main.d)
# tests/trace/devices.c, the drivers' interrupts (USB, UART, DMA): the console on both routes
$(TRACE_FW_DIR)/obj/devices.o: tests/trace/devices.c $(CONFIG_STAMP) | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<
$(eval $(call target_image,$(TRACE_FW_DIR)/trace-devices,$(TRACE_FW_DIR)/obj/devices.o,both))
-include $(call depfiles,$(TRACE_FW_DIR)/obj/devices.d)
ifeq ($(TRACE),off)
$(TRACE_RING_BUILD)/examples/%.elf: FORCE
	$(Q)$(MAKE) --no-print-directory TRACE=ring BUILD=$(TRACE_RING_BUILD) $@
$(TRACED_BUILD)/trace-fw/trace-fw.elf: FORCE
	$(Q)$(MAKE) --no-print-directory TRACE=sim BUILD=$(TRACED_BUILD) $@
endif
# The suite's images of the TRACE=sim tree, built by one sub-make: one per
# image (the pattern rules above) would build the tree's shared objects and
# tools side by side under 'make -j2' and race on them.
TRACE_SIM_ELFS := $(TRACED_BUILD)/examples/blink2.elf $(TRACED_BUILD)/examples/messaging.elf \
    $(TRACED_BUILD)/trace-fw/trace-fw.elf $(TRACED_BUILD)/faults/spin-c1.elf \
    $(TRACED_BUILD)/faults/spinover-c1.elf
.PHONY: trace-sim-elfs
trace-sim-elfs: deps-arm
	$(Q)$(MAKE) --no-print-directory TRACE=sim BUILD=$(TRACED_BUILD) $(TRACE_SIM_ELFS)
# and those of the TRACE=ring tree, likewise
TRACE_RING_ELFS += $(TRACE_RING_BUILD)/examples/blink2.elf $(TRACE_RING_BUILD)/trace-fw/trace-devices.elf
.PHONY: trace-ring-elfs
trace-ring-elfs: deps-arm
	$(Q)$(MAKE) --no-print-directory TRACE=ring BUILD=$(TRACE_RING_BUILD) $(TRACE_RING_ELFS)

TEST_SUITES += trace
.PHONY: test-trace
test-trace: deps-arm deps-node deps-gdb $(EX_DIR)/messaging.elf $(EX_DIR)/blink2.elf \
    trace-sim-elfs trace-ring-elfs
	$(Q)if [ "$(TRACE)" != off ]; then echo "test-trace: run it with TRACE=off (it builds the traced trees itself)"; exit 1; fi
	$(Q)mkdir -p $(TEST_LISTS) $(TRACE_TEST_DIR)
	$(Q)tests/trace/offbuild.sh --list >$(TEST_LISTS)/trace-off.list
	$(Q)node tests/trace/run.js --list >$(TEST_LISTS)/trace-run.list
	$(Q)CC=$(TCC) OBJCOPY=$(TOBJCOPY) CFLAGS="$(filter-out -MMD -MP,$(TARGET_CFLAGS))" \
	  TD_SUITE_CPU=600 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/trace-off.list -p tests/trace/offbuild.sh trace $(TEST_RESULTS)/trace.txt \
	  tests/trace/offbuild.sh $(TRACE_TEST_DIR)/offbuild; a=$$?; \
	  TD_SUITE_CPU=600 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -a -l $(TEST_LISTS)/trace-run.list -p tests/trace/run.js trace $(TEST_RESULTS)/trace.txt \
	  node tests/trace/run.js $(TRACED_BUILD)/examples $(EX_DIR) $(TRACE_RING_BUILD)/examples $(TRACE_TEST_DIR); b=$$?; \
	  [ $$a -eq 0 ] && [ $$b -eq 0 ]

# 'make bench': tandem-sim's speed with the trace on and with a debugger
# attached, beside its plain speed, and the ring's cost per event
# (sim/bench/trace-bench.js, on the msg benchmark built both ways)
ifeq ($(TRACE),off)
$(TRACED_BUILD)/bench/%.elf: FORCE
	$(Q)$(MAKE) --no-print-directory TRACE=sim BUILD=$(TRACED_BUILD) $@
$(TRACE_RING_BUILD)/bench/%.elf: FORCE
	$(Q)$(MAKE) --no-print-directory TRACE=ring BUILD=$(TRACE_RING_BUILD) $@
$(BUILD)/bench/sim-trace.log: $(TRACED_BUILD)/bench/msg.elf $(TRACE_RING_BUILD)/bench/msg.elf $(SIM_NODE_DEPS) FORCE
	@mkdir -p $(@D)
	$(Q)node sim/bench/trace-bench.js $(TRACED_BUILD)/bench/msg.elf $(TRACE_RING_BUILD)/bench/msg.elf > $@ || { cat $@; exit 1; }
bench: $(BUILD)/bench/sim-trace.log
endif
