# tests/gdb/gdb.mk: the debugger's end-to-end suite 'gdb': gdb-multiarch
# --batch drives tandem-sim --gdb on tests/gdb/main.c, then README.md's
# short session, tests/gdb/readme.gdb through tools/gdb/debug.sh (what
# 'make debug' runs) on the counter_race example (tests/gdb/run.js,
# through the suite runner; its list: run.js --list; GDB's and the
# emulator's output in $(GDB_TEST_DIR)/session).

GDB_TEST_DIR := $(BUILD)/gdb-test
$(GDB_TEST_DIR)/obj/main.o: tests/gdb/main.c $(CONFIG_STAMP) | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<
$(eval $(call target_image,$(GDB_TEST_DIR)/gdb-fw,$(GDB_TEST_DIR)/obj/main.o))
-include $(call depfiles,$(GDB_TEST_DIR)/obj/main.d)

TEST_SUITES += gdb
.PHONY: test-gdb
test-gdb: deps-arm deps-node deps-gdb $(GDB_TEST_DIR)/gdb-fw.elf $(EX_DIR)/counter_race.elf
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)node tests/gdb/run.js --list >$(TEST_LISTS)/gdb.list
	$(Q)TD_SUITE_CPU=360 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/gdb.list -p tests/gdb/run.js gdb $(TEST_RESULTS)/gdb.txt \
	  node tests/gdb/run.js $(GDB_TEST_DIR)/gdb-fw.elf $(GDB_TEST_DIR)/session $(EX_DIR)/counter_race.elf
