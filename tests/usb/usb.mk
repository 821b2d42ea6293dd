# tests/usb/usb.mk: the USB console suite ('usb'): tests/usb/main.c built
# with the USB console route (usb.elf) and with both routes (usb-both.elf),
# run in tandem-sim with its USB host by tests/usb/run.js, through the suite
# runner (its list: run.js --list), into $(TEST_RESULTS)/usb.txt.

USB_TEST_DIR := $(BUILD)/usb-tests
USB_TEST_IMAGES := usb:usb usb-both:both

define usb_test_image
$(USB_TEST_DIR)/obj/$(1).o: tests/usb/main.c $$(CONFIG_STAMP) | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) $$(CONSOLE_ROUTE_$(2)) -c -o $$@ $$<
$(call target_image,$(USB_TEST_DIR)/$(1),$(USB_TEST_DIR)/obj/$(1).o,$(2))
endef
$(foreach i,$(USB_TEST_IMAGES),$(eval $(call usb_test_image,$(word 1,$(subst :, ,$(i))),$(word 2,$(subst :, ,$(i))))))
-include $(call depfiles,$(USB_TEST_DIR)/obj)

TEST_SUITES += usb
.PHONY: test-usb usb-test-images
usb-test-images: $(USB_TEST_DIR)/usb.elf $(USB_TEST_DIR)/usb-both.elf
test-usb: deps-arm deps-node usb-test-images
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)node tests/usb/run.js --list >$(TEST_LISTS)/usb.list
	$(Q)TD_SUITE_CPU=900 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/usb.list -p tests/usb/run.js \
	  usb $(TEST_RESULTS)/usb.txt node tests/usb/run.js $(BUILD)

# ---- fuzz target: the device's control requests (tools/fuzz/fuzz_usb.c) ----------------
# The request handling is plain C (port/chip/rp2040/usb: usb_ctrl.c, usb_cdc.c,
# usb_desc.c), built on the host with the controller's hooks modelled.
FUZZ_TARGETS += usb
FUZZ_USB_DIR := port/chip/rp2040/usb
FUZZ_USB_SRCS := tools/fuzz/fuzz_usb.c $(FUZZ_USB_DIR)/usb_ctrl.c $(FUZZ_USB_DIR)/usb_cdc.c \
    $(FUZZ_USB_DIR)/usb_desc.c
$(BUILD)/fuzz/usb: $(FUZZ_USB_SRCS) $(wildcard $(FUZZ_USB_DIR)/*.h) include/tandem/config.h | deps-clang
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Iinclude -Iport/chip/rp2040 -o $@ $(filter %.c,$^)

# Seeds: steps of op, SETUP, [OUT length, data]: an enumeration and the
# port opened at 115200, then the 1200-baud touch; standard requests in
# every state; a bus reset between requests.
.PHONY: fuzz-corpus-usb
fuzz-corpus-usb:
	$(Q)mkdir -p $(BUILD)/fuzz/usb-corpus
	$(Q)printf '\000\200\006\000\001\000\000\100\000\000\000\005\001\000\000\000\000\000\000\200\006\000\002\000\000\377\000\000\200\006\003\003\011\004\377\000\000\000\011\001\000\000\000\000\000\000\041\040\000\000\000\000\007\000\007\000\302\001\000\000\000\010\000\041\042\003\000\000\000\000\000' \
	    > $(BUILD)/fuzz/usb-corpus/enumerate-and-open
	$(Q)printf '\000\000\005\002\000\000\000\000\000\000\000\011\001\000\000\000\000\000\000\041\040\000\000\000\000\007\000\007\260\004\000\000\000\000\010\000\041\042\000\000\000\000\000\000' \
	    > $(BUILD)/fuzz/usb-corpus/touch-1200
	$(Q)printf '\000\200\000\000\000\000\000\002\000\000\000\005\003\000\000\000\000\000\000\000\011\001\000\000\000\000\000\000\002\003\000\000\202\000\000\000\000\202\000\000\000\202\000\002\000\000\002\001\000\000\202\000\000\000\000\200\010\000\000\000\000\001\000\000\300\102\000\000\000\000\004\000\002\000\000\000\000\000\000\000\000\000\200\000\000\000\000\000\002\000' \
	    > $(BUILD)/fuzz/usb-corpus/states-and-halts

# ---- 'make bench': bench/usb (its image uses the USB console route), and
# the figures from the host's side and the map (bench/usb/host.js).
BENCH_ROUTE_usb := usb
$(BUILD)/bench/usb-host.log: $(BUILD)/bench/usb.elf bench/usb/host.js
	$(Q)node bench/usb/host.js $(BUILD)/bench/usb.elf $(BUILD)/bench/usb.map > $@
bench: $(BUILD)/bench/usb-host.log
