# tests/faults/faults.mk: the fault scenario images and the 'faults' suite.
#
# Each image is tests/faults/main.c built for one scenario, one faulting
# core and one policy; tests/faults/run.js runs them all in the emulator,
# checks their console output and writes $(TEST_RESULTS)/faults.txt (through
# the suite runner; the list is run.js --list).
# An entry is name:scenario:core:policy. The watchdog's scenarios are
# tests/faults/watchdog.c, built per scenario and policy (WD_IMAGES).

FAULTS_DIR := $(BUILD)/faults$(PORT_SUFFIX)
FAULT_IMAGES := \
    null-c0:null:0:HALT           null-c1:null:1:RESTART \
    udf-c0:udf:0:HALT             udf-c1:udf:1:RESTART \
    misaligned-c0:misaligned:0:HALT misaligned-c1:misaligned:1:RESTART \
    tstack-c0:tstack:0:HALT       tstack-c1:tstack:1:RESTART \
    mstack-c0:mstack:0:HALT       mstack-c1:mstack:1:RESTART \
    assert-c0:assert:0:HALT       assert-c1:assert:1:RESTART \
    console-c0:console:0:HALT     console-c1:console:1:RESTART \
    null-kill-c0:null:0:KILL_THREAD tstack-kill-c0:tstack:0:KILL_THREAD \
    assert-kill-c1:assert:1:KILL_THREAD mstack-kill-c0:mstack:0:KILL_THREAD \
    tstack-reboot-c1:tstack:1:REBOOT \
    holdx-c1:holdx:1:HALT         spin-c1:spin:1:RESTART \
    spin-halt-c1:spin:1:HALT \
    heldfault-c1:heldfault:1:RESTART spinover-c1:spinover:1:HALT \
    drain-c0:drain:0:HALT         drain-c1:drain:1:RESTART \
    classify:classify:0:HALT      alone-c0:alone:0:HALT \
    nested-c0:nested:0:HALT       nested-c1:nested:1:RESTART

# The watchdog's scenarios (tests/faults/watchdog.c): name:scenario:policy.
WD_IMAGES := \
    wd-thread0-reboot:thread0:REBOOT     wd-thread0-restart:thread0:RESTART_CORE1 \
    wd-thread1-restart:thread1:RESTART_CORE1 \
    wd-kernel1-restart:kernel1:RESTART_CORE1 wd-kernel1-reboot:kernel1:REBOOT \
    wd-kernel0-restart:kernel0:RESTART_CORE1 wd-both:both:REBOOT

fault_field = $(word $(2),$(subst :, ,$(1)))
FAULT_ELFS := $(foreach f,$(FAULT_IMAGES),$(FAULTS_DIR)/$(call fault_field,$(f),1).elf) \
    $(foreach f,$(WD_IMAGES),$(FAULTS_DIR)/$(call fault_field,$(f),1).elf)

define fault_image
$(FAULTS_DIR)/obj/$(1).o: tests/faults/main.c $$(CONFIG_STAMP) | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) -DSCENARIO_$(2) -DSCENARIO_NAME='"$(2)"' \
	    -DFAULT_CORE=$(3) -DFAULT_POLICY=TD_FAULT_$(4) -c -o $$@ $$<
$(call target_image,$(FAULTS_DIR)/$(1),$(FAULTS_DIR)/obj/$(1).o)
endef
$(foreach f,$(FAULT_IMAGES),$(eval $(call fault_image,$(call fault_field,$(f),1),$(call fault_field,$(f),2),$(call fault_field,$(f),3),$(call fault_field,$(f),4))))

define wd_image
$(FAULTS_DIR)/obj/$(1).o: tests/faults/watchdog.c $$(CONFIG_STAMP) | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) -DWD_$(2) -DWD_POLICY=TD_WATCHDOG_$(3) -c -o $$@ $$<
$(call target_image,$(FAULTS_DIR)/$(1),$(FAULTS_DIR)/obj/$(1).o)
endef
$(foreach f,$(WD_IMAGES),$(eval $(call wd_image,$(call fault_field,$(f),1),$(call fault_field,$(f),2),$(call fault_field,$(f),3))))
-include $(call depfiles,$(FAULTS_DIR)/obj)

# null-c0, spin-c1, wd-kernel1-restart and wd-thread1-restart built with
# TRACE=ring too (cases ring-*: each report lists the last trace events of
# the core it is about), by the one sub-make of the ring tree (tests/trace/trace.mk)
TRACE_RING_ELFS += $(foreach n,null-c0 spin-c1 wd-kernel1-restart wd-thread1-restart,$(BUILD)/trace-ring/faults/$(n).elf)

TEST_SUITES += faults
.PHONY: test-faults fault-images
fault-images: $(FAULT_ELFS)
test-faults: deps-arm deps-node $(FAULT_ELFS) trace-ring-elfs
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)node tests/faults/run.js --list >$(TEST_LISTS)/faults.list
	$(Q)TD_SUITE_CPU=900 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/faults.list -p tests/faults/run.js \
	  faults $(TEST_RESULTS)/faults.txt node tests/faults/run.js $(BUILD)

# 'make bench': the flash and RAM of the fault module, from the fault
# benchmark image's map (bench/fault/footprint.js).
$(BUILD)/bench/fault-footprint.log: $(BUILD)/bench/fault.elf bench/fault/footprint.js
	$(Q)node bench/fault/footprint.js $(BUILD)/bench/fault.map > $@
bench: $(BUILD)/bench/fault-footprint.log
