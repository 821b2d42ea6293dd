# tests/usb/usb.mk: the USB console suite ('usb'): tests/usb/main.c built
# with the USB console route (usb.elf) and with both routes (usb-both.elf),
# run in tandem-sim with its USB host by tests/usb/run.js, which writes
# $(BUILD)/test/results/usb.txt.

USB_TEST_DIR := $(BUILD)/usb-tests
USB_TEST_IMAGES := usb:usb usb-both:both

define usb_test_image
$(USB_TEST_DIR)/obj/$(1).o: tests/usb/main.c | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) $$(CONSOLE_ROUTE_$(2)) -c -o $$@ $$<
$(call target_image,$(USB_TEST_DIR)/$(1),$(USB_TEST_DIR)/obj/$(1).o,$(2))
endef
$(foreach i,$(USB_TEST_IMAGES),$(eval $(call usb_test_image,$(word 1,$(subst :, ,$(i))),$(word 2,$(subst :, ,$(i))))))
-include $(shell find $(USB_TEST_DIR)/obj -name '*.d' 2>/dev/null)

TEST_SUITES += usb
.PHONY: test-usb usb-test-images
usb-test-images: $(USB_TEST_DIR)/usb.elf $(USB_TEST_DIR)/usb-both.elf
test-usb: deps-arm deps-node usb-test-images
	$(Q)mkdir -p $(BUILD)/test/results
	$(Q)node tests/usb/run.js $(BUILD) > $(BUILD)/test/results/usb.txt; \
	   cat $(BUILD)/test/results/usb.txt
