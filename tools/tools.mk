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

TEST_SUITES += tools
.PHONY: test-tools
test-tools: $(TOOLS_DIR)/test_tools $(UF2TOOL) $(BOOT2PAD) examples
	$(Q)mkdir -p $(BUILD)/test/results
	$(Q){ $(TOOLS_DIR)/test_tools; \
	     UF2TOOL=$(UF2TOOL) BOOT2PAD=$(BOOT2PAD) BUILD=$(BUILD) tools/test_tools.sh $(EXAMPLES); \
	   } > $(BUILD)/test/results/tools.txt; \
	   cat $(BUILD)/test/results/tools.txt

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
