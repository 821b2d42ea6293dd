# tests/gdb/gdb.mk: the debugger's end-to-end suite 'gdb': gdb-multiarch
# --batch drives tandem-sim --gdb on tests/gdb/main.c (tests/gdb/run.js
# writes $(BUILD)/test/results/gdb.txt).

GDB_TEST_DIR := $(BUILD)/gdb-test
$(GDB_TEST_DIR)/obj/main.o: tests/gdb/main.c | deps-arm
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TARGET_CFLAGS) $(CONFIG_CFLAGS) -c -o $@ $<
$(eval $(call target_image,$(GDB_TEST_DIR)/gdb-fw,$(GDB_TEST_DIR)/obj/main.o))
-include $(GDB_TEST_DIR)/obj/main.d

TEST_SUITES += gdb
.PHONY: test-gdb
test-gdb: deps-arm deps-node deps-gdb $(GDB_TEST_DIR)/gdb-fw.elf
	$(Q)mkdir -p $(BUILD)/test/results
	$(Q)node tests/gdb/run.js $(GDB_TEST_DIR)/gdb-fw.elf $(BUILD)/test/results/gdb.txt
