# tests/flash/flash.mk: the 'flash' suite: the key-value store under power
# cuts in the emulator (tests/flash/store_cut.c, driven by store_cut.js,
# through the suite runner; the list: store_cut.js --list), and the flash
# calls' waits that end in an error with core 1 outside the kernel
# (tests/flash/peer_out.c, which prints its own results; its list:
# PEER_OUT_TESTS).
#
#   make test-flash                 1000 cuts (FLASH_CUTS), about a minute
#   make test-flash FLASH_CUTS=5000 a longer run (raise TD_SUITE_CPU, 900 s of CPU)
#
# The image's store has two sectors (8 KiB), so compactions, and cuts
# during them, come often.

FLASH_DIR  := $(BUILD)/flash
FLASH_CUTS ?= 1000
FLASH_SEED ?= 2024

$(FLASH_DIR)/obj/store_cut.o: tests/flash/store_cut.c $(CONFIG_STAMP) | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<
$(eval $(call target_image,$(FLASH_DIR)/store_cut,$(FLASH_DIR)/obj/store_cut.o))
$(FLASH_DIR)/store_cut.elf: TARGET_LDFLAGS += -Wl,--defsym=TD_STORE_SIZE=8192
$(FLASH_DIR)/obj/peer_out.o: tests/flash/peer_out.c $(CONFIG_STAMP) | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<
$(eval $(call target_image,$(FLASH_DIR)/peer_out,$(FLASH_DIR)/obj/peer_out.o))
-include $(call depfiles,$(FLASH_DIR)/obj)
PEER_OUT_TESTS := flash_lock_timeout_named_error flash_peer_outside_the_kernel_no_response

TEST_SUITES += flash
.PHONY: test-flash
test-flash: deps-arm deps-node $(FLASH_DIR)/store_cut.elf $(FLASH_DIR)/peer_out.elf
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)node tests/flash/store_cut.js --list >$(TEST_LISTS)/flash.list
	$(Q)printf '%s\n' $(PEER_OUT_TESTS) >$(TEST_LISTS)/flash-peer-out.list
	$(Q)TD_SUITE_CPU=$${TD_SUITE_CPU:-900} TD_SUITE_TIMEOUT=$${TD_SUITE_TIMEOUT:-3600} $(TEST_RUN) -l $(TEST_LISTS)/flash.list -p tests/flash/store_cut.js \
	  flash $(TEST_RESULTS)/flash.txt node tests/flash/store_cut.js $(FLASH_DIR)/store_cut.elf \
	  $(FLASH_CUTS) $(FLASH_SEED); a=$$?; \
	  TD_SUITE_CPU=300 TD_SUITE_TIMEOUT=600 $(TEST_RUN) -a -l $(TEST_LISTS)/flash-peer-out.list -p tests/flash/peer_out.c \
	  flash $(TEST_RESULTS)/flash.txt sim/tandem-sim $(FLASH_DIR)/peer_out.elf --raw --max-ms 2000; b=$$?; \
	  [ $$a -eq 0 ] && [ $$b -eq 0 ]
