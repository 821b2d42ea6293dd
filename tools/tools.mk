# tools/tools.mk: host tools (UF2 writer/checker, boot2 checksum) and their tests.

TOOLS_DIR   := $(BUILD)/tools
UF2TOOL     := $(TOOLS_DIR)/uf2tool
BOOT2PAD    := $(TOOLS_DIR)/boot2pad
TOOL_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g $(HOST_WARN) -Itools

$(UF2TOOL): tools/uf2tool.c tools/uf2.c tools/elf32.c tools/crc32.c tools/uf2.h tools/elf32.h tools/crc32.h
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(TOOL_CFLAGS) -o $@ $(filter %.c,$^)

$(BOOT2PAD): tools/boot2pad.c tools/crc32.c tools/crc32.h
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(TOOL_CFLAGS) -o $@ $(filter %.c,$^)

$(TOOLS_DIR)/test_tools: tools/test_tools.c tools/uf2.c tools/elf32.c tools/crc32.c tools/uf2.h tools/elf32.h tools/crc32.h
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(TOOL_CFLAGS) -o $@ $(filter %.c,$^)

# Two programs, each through the suite runner (a crash, a hang or a missing
# summary fails, named); their lists: test_tools.c's TEST(...) blocks and
# test_tools.sh --list.
TEST_SUITES += tools
.PHONY: test-tools
test-tools: $(TOOLS_DIR)/test_tools $(UF2TOOL) $(BOOT2PAD) examples
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)sed -nE 's/^ *TEST\(([A-Za-z0-9_]+)\) *\{.*/\1/p' tools/test_tools.c >$(TEST_LISTS)/tools-unit.list
	$(Q)tools/test_tools.sh --list $(EXAMPLES) >$(TEST_LISTS)/tools-uf2.list
	$(Q)TD_SUITE_CPU=300 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/tools-unit.list -p $(TOOLS_DIR)/test_tools tools $(TEST_RESULTS)/tools.txt $(TOOLS_DIR)/test_tools; \
	  a=$$?; UF2TOOL=$(UF2TOOL) BOOT2PAD=$(BOOT2PAD) BUILD=$(BUILD) OBJCOPY=$(TOBJCOPY) \
	  TD_SUITE_CPU=300 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -a -l $(TEST_LISTS)/tools-uf2.list -p tools/test_tools.sh tools $(TEST_RESULTS)/tools.txt tools/test_tools.sh $(EXAMPLES) && \
	  [ $$a -eq 0 ]

# ---- the layering check: every #include against docs/conventions.md's table,
# and cases that show it fails on a wrong one (tools/test_layering.sh),
# through the suite runner; the list: test_layering.sh --list (the tree's
# layers and the planted cases). In the same suite, the documents against
# the tree (tools/doccheck.js: the td_ names, calls' argument counts, make
# targets and variables, paths they name, README.md's example, document
# and layout tables; and planted mistakes), its list
# doccheck.js --list.
TEST_SUITES += layering
.PHONY: test-layering
test-layering: deps-arm
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)tools/test_layering.sh --list . >$(TEST_LISTS)/layering.list
	$(Q)node tools/doccheck.js --list . >$(TEST_LISTS)/layering-docs.list
	$(Q)TD_SUITE_CPU=300 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/layering.list layering $(TEST_RESULTS)/layering.txt \
	  tools/test_layering.sh .; \
	  a=$$?; TD_SUITE_CPU=300 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -a -l $(TEST_LISTS)/layering-docs.list -p tools/doccheck.js layering \
	  $(TEST_RESULTS)/layering.txt env CROSS=$(CROSS) node tools/doccheck.js . && [ $$a -eq 0 ]

# ---- fuzz targets for the parsers (libFuzzer, clang) -------------------------
FUZZ_TARGETS += elf uf2
$(BUILD)/fuzz/elf: tools/fuzz/fuzz_elf.c tools/elf32.c tools/elf32.h | deps-clang
$(BUILD)/fuzz/uf2: tools/fuzz/fuzz_uf2.c tools/uf2.c tools/elf32.c tools/crc32.c tools/uf2.h | deps-clang
$(BUILD)/fuzz/elf $(BUILD)/fuzz/uf2:
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Itools -o $@ $(filter %.c,$^)

# Seed corpora: the built examples' ELF and UF2 files.
.PHONY: fuzz-corpus-elf fuzz-corpus-uf2
fuzz-corpus-elf fuzz-corpus-uf2: examples
	$(Q)mkdir -p $(BUILD)/fuzz/elf-corpus $(BUILD)/fuzz/uf2-corpus
	$(Q)for e in $(EXAMPLES); do \
	  cp $(EX_DIR)/$$e.elf $(BUILD)/fuzz/elf-corpus/$$e.elf; \
	  cp $(EX_DIR)/$$e.uf2 $(BUILD)/fuzz/uf2-corpus/$$e.uf2; \
	  cp $(EX_DIR)/$$e.elf $(BUILD)/fuzz/uf2-corpus/$$e.elf; done

# ---- fuzz target for the message multiplexer's receive path (kernel/msg.c) ----
# Linked with the whole kernel and the host port (not its reset vector:
# libFuzzer brings its own main); no kernel runs.
FUZZ_TARGETS += msg
FUZZ_MSG_SRCS := tools/fuzz/fuzz_msg.c $(wildcard kernel/*.c) \
    $(filter-out port/host/boot.c,$(wildcard port/host/*.c)) port/common/watchdog_none.c \
    port/common/flash_cut.c
$(BUILD)/fuzz/msg: $(FUZZ_MSG_SRCS) $(wildcard kernel/*.h include/tandem/*.h port/*.h port/host/*.h port/common/*.h) | deps-clang
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Iinclude -Iport -Iport/host -o $@ $(filter %.c,$^) -lpthread

# Seeds: 5-byte steps (operation, little-endian word): words for each
# endpoint until it overflows, stray and system words, receives.
.PHONY: fuzz-corpus-msg
fuzz-corpus-msg:
	$(Q)mkdir -p $(BUILD)/fuzz/msg-corpus
	$(Q)printf '\000\000\001\000\000\000\001\002\000\000\000\003\003\000\000\300\000\000\000\000' \
	    > $(BUILD)/fuzz/msg-corpus/fill-and-take
	$(Q)printf '\000\003\000\000\001\000\003\000\000\002\000\003\000\000\003\303\000\000\000\000\303\000\000\000\000' \
	    > $(BUILD)/fuzz/msg-corpus/in-order
	$(Q)printf '\000\370\000\000\000\000\377\001\000\000\000\007\000\000\000\000\310\000\000\000\301\000\000\000\000' \
	    > $(BUILD)/fuzz/msg-corpus/system-and-stray

# ---- fuzz target for the fault report formatter (kernel/fault_report.c) ----
# Linked with nothing else of the kernel: the formatter is pure code.
FUZZ_TARGETS += fault_report
# Built as for a TRACE=ring build: the report's trace lines are in it.
$(BUILD)/fuzz/fault_report: tools/fuzz/fuzz_fault_report.c kernel/fault_report.c \
    kernel/fault_report.h include/tandem/fault.h include/tandem/trace.h | deps-clang
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -DTD_TRACE_MODE=2 -Iinclude -o $@ $(filter %.c,$^)

# Seeds: a buffer size (2 bytes, little-endian), then a record's first
# bytes (seq, core, reason, action, flags, ...): a null pointer on core 1,
# an assertion with file and text, an exit, a cut report.
.PHONY: fuzz-corpus-fault_report
fuzz-corpus-fault_report:
	$(Q)mkdir -p $(BUILD)/fuzz/fault_report-corpus
	$(Q)printf '\000\003\001\000\000\000\001\002\000\000' > $(BUILD)/fuzz/fault_report-corpus/null-core1
	$(Q)printf '\000\003\002\000\000\000\000\011\000\000\000\000\007\000' > $(BUILD)/fuzz/fault_report-corpus/assert
	$(Q)printf '\000\003\001\000\000\000\000\014\000\000' > $(BUILD)/fuzz/fault_report-corpus/exit
	$(Q)printf '\050\000\001\000\000\000\001\007\001\010' > $(BUILD)/fuzz/fault_report-corpus/cut-stack
# ---- fuzz target for the key-value store's sector parser (kernel/store_fmt.c) ----
FUZZ_TARGETS += store
$(BUILD)/fuzz/store: tools/fuzz/fuzz_store.c kernel/store_fmt.c kernel/store_fmt.h include/tandem/store.h | deps-clang
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Iinclude -Iport -Iport/host -o $@ $(filter %.c,$^)

# Seeds: an erased sector, a sector with a header and records written by the
# parser's own encoder (the odd-first-byte mode), a half-programmed one.
.PHONY: fuzz-corpus-store
fuzz-corpus-store:
	$(Q)mkdir -p $(BUILD)/fuzz/store-corpus
	$(Q)printf '\000' > $(BUILD)/fuzz/store-corpus/blank
	$(Q)printf '\001\000\004\020a\001\003\000b\000\016\177c\006\002\010d\000\001\200e\002\017\377f' \
	    > $(BUILD)/fuzz/store-corpus/writes
	$(Q)printf '\000tdkv\001\000\000\000\000\000\000\000\377\377\377\377\377\377\377\377' \
	    > $(BUILD)/fuzz/store-corpus/header-cut
