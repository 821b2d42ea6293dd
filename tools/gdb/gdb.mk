# tools/gdb/gdb.mk: debugging in the emulator.
#
#   make debug EXAMPLE=name   tandem-sim with its GDB server and gdb-multiarch
#                             connected to it, the 'tandem' command loaded
#                             (docs/debugging.md); GDB_FLAGS adds GDB arguments
#   make deps-gdb             install gdb-multiarch (part of 'make deps')

.PHONY: debug deps-gdb
deps-gdb:
	$(Q)tools/deps.sh gdb

debug: deps-arm deps-gdb
ifneq ($(filter $(EXAMPLE),$(EXAMPLES)),)
ifeq ($(PORT),rp2040)
debug: $(EX_DIR)/$(EXAMPLE).elf
else ifneq ($(filter $(EXAMPLE),$(CHIP_EXAMPLES)),)
debug: $(EX_DIR)/$(EXAMPLE).elf
endif
endif
debug:
	$(Q)if [ -z "$(filter $(EXAMPLE),$(EXAMPLES))" ]; then \
	  echo "make debug: there is no example '$(EXAMPLE)'; 'make list' shows them."; exit 1; fi
	$(Q)$(call sim_chip_only,debug)
	$(Q)$(MAKE) --no-print-directory deps-node
	$(Q)tools/gdb/debug.sh $(EX_DIR)/$(EXAMPLE).elf $(EX_SIM_$(EXAMPLE))

# 'make bench': the emulator's speed with a debugger attached (sim/bench/gdb-bench.js)
$(BUILD)/bench/sim-gdb.log: $(SIM_FW_BUILD)/bench_spin.elf $(SIM_NODE_DEPS) FORCE
	@mkdir -p $(@D)
	$(Q)node sim/bench/gdb-bench.js $< > $@ || { cat $@; exit 1; }
bench: $(BUILD)/bench/sim-gdb.log
