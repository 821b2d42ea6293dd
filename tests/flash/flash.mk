# tests/flash/flash.mk: the 'flash' suite: the key-value store under power
# cuts in the emulator (tests/flash/store_cut.c, driven by store_cut.js,
# through the suite runner; the list: store_cut.js --list).
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
-include $(call depfiles,$(FLASH_DIR)/obj)

TEST_SUITES += flash
.PHONY: test-flash
test-flash: deps-arm deps-node $(FLASH_DIR)/store_cut.elf
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)node tests/flash/store_cut.js --list >$(TEST_LISTS)/flash.list
	$(Q)TD_SUITE_CPU=$${TD_SUITE_CPU:-900} TD_SUITE_TIMEOUT=$${TD_SUITE_TIMEOUT:-3600} $(TEST_RUN) -l $(TEST_LISTS)/flash.list -p tests/flash/store_cut.js \
	  flash $(TEST_RESULTS)/flash.txt node tests/flash/store_cut.js $(FLASH_DIR)/store_cut.elf \
	  $(FLASH_CUTS) $(FLASH_SEED)
