# examples/examples.mk: every example is examples/NAME/*.c, built for the
# RP2040 as build/examples/NAME.elf, .map and .uf2.

EXAMPLES += blink2 blink_free messaging fault_demo
EX_DIR := $(BUILD)/examples$(PORT_SUFFIX)

# An example's sources are examples/NAME/*.c, or examples/$(EX_SRC_NAME)/*.c
# when several images are built from one source (with EX_CFLAGS_NAME);
# EX_SIM_NAME holds the emulator options it needs (virtual devices).
define example_rules
$(1)_SRC  := examples/$(or $(EX_SRC_$(1)),$(1))
$(1)_OBJS := $$(patsubst $$($(1)_SRC)/%.c,$$(EX_DIR)/obj/$(1)/%.o,$$(wildcard $$($(1)_SRC)/*.c))
$$(EX_DIR)/obj/$(1)/%.o: $$($(1)_SRC)/%.c $$(EX_CONSOLE_STAMP) $$(CONFIG_STAMP) | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) $$(CONSOLE_ROUTE_$$(TD_CONSOLE)) $$(EX_CFLAGS_$(1)) -c -o $$@ $$<
# EX_EXTRA_NAME: sources of other examples this one links too (a shared device driver)
$(1)_OBJS += $$(patsubst %.c,$$(EX_DIR)/obj/$(1)/extra/%.o,$$(EX_EXTRA_$(1)))
$$(EX_DIR)/obj/$(1)/extra/%.o: %.c $$(EX_CONSOLE_STAMP) $$(CONFIG_STAMP) | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) $$(CONSOLE_ROUTE_$$(TD_CONSOLE)) $$(EX_CFLAGS_$(1)) -c -o $$@ $$<
$(call target_image,$(EX_DIR)/$(1),$$($(1)_OBJS),$(TD_CONSOLE))
# The same program with the UART console, for the system tests' exact line
# times and core tags (examples/system-tests.js).
$(call target_image,$(EX_DIR)-uart/$(1),$$($(1)_OBJS),uart)
endef
# The examples' console route (TD_CONSOLE, port/port.mk and the chip's chip.mk): a change
# of it rebuilds and relinks them.
EX_CONSOLE_STAMP := $(EX_DIR)/.console
$(eval $(call build_stamp,$(EX_CONSOLE_STAMP),TD_CONSOLE))

EXAMPLES += counter_race launch no_busy_waiting
EXAMPLES += settings
EX_RUN_MS_settings := 3000
# sensors: one source, two images (examples/sensors/README.md)
EXAMPLES += sensors_split sensors_shared
EX_SRC_sensors_split     := sensors
EX_CFLAGS_sensors_split  := -DSENSORS_SHARED=0
EX_SIM_sensors_split     := --i2c 0:mpu6050 --i2c 0:bmp280
EX_SRC_sensors_shared    := sensors
EX_CFLAGS_sensors_shared := -DSENSORS_SHARED=1
EX_SIM_sensors_shared    := --i2c 0:mpu6050 --i2c 0:bmp280

# The drivers' examples (examples/NAME/README.md each)
EXAMPLES += protocols
EX_EXTRA_protocols  := examples/sensors/mpu6050.c examples/sensors/bmp280.c
EX_SIM_protocols    := --i2c 0:mpu6050 --spi 1:bmp280@13
EX_RUN_MS_protocols := 3000
EXAMPLES += motor
# the motor's commands, typed where the build's console reads (make run)
MOTOR_IN := $(if $(filter uart,$(TD_CONSOLE)),--uart-input,--usb-input)
EX_SIM_motor        = --motor pwm=14,enc=9:8,ppr=256,tacho=0,load=0.001 \
    $(MOTOR_IN) "set 1500\n@10" $(MOTOR_IN) "set 3000\n@1010" $(MOTOR_IN) "set 2000\n@2010" \
    $(MOTOR_IN) "flood 3000\nset 1500\n@3010" $(MOTOR_IN) "set 3000\n@4010" \
    $(MOTOR_IN) "set 2000\n@5010" $(MOTOR_IN) "quit\n@6300"
EX_RUN_MS_motor     := 7000
EXAMPLES += dashboard
EX_EXTRA_dashboard  := examples/sensors/bmp280.c
EX_SIM_dashboard    := --i2c 0:bmp280 --spi 0:st7789@20,dc=21,rst=22 \
    --adc 0=sine:1.65:1.2:0.5 --adc temp=sine:30:3:0.1 --display $(EX_DIR)/dashboard.png
EX_RUN_MS_dashboard := 5500

# Every example's rules, made here from EXAMPLES as it is now: an example
# added below this line would have none (the Makefile stops on one).
$(foreach e,$(EXAMPLES),$(eval $(call example_rules,$(e))))
EX_RULES_MADE := $(EXAMPLES)
-include $(call depfiles,$(EX_DIR)/obj)

.PHONY: examples
# A chip may build only the examples it has the devices for (CHIP_EXAMPLES)
# and no UF2 files (CHIP_NO_UF2).
examples: $(foreach e,$(if $(CHIP_EXAMPLES),$(filter $(CHIP_EXAMPLES),$(EXAMPLES)),$(EXAMPLES)),\
    $(EX_DIR)/$(e).elf $(if $(CHIP_NO_UF2),,$(EX_DIR)/$(e).uf2))

# The dashboard's screen as tandem-sim renders it at the end of a run
# (examples/dashboard/README.md shows it): part of every build of a chip
# that builds the dashboard.
ifneq ($(filter dashboard,$(or $(CHIP_EXAMPLES),$(EXAMPLES))),)
examples: $(EX_DIR)/dashboard.png
endif
$(EX_DIR)/dashboard.png: $(EX_DIR)/dashboard.elf sim/lib/display.js | deps-node
	$(Q)sim/tandem-sim $< --quiet --max-ms $(EX_RUN_MS_dashboard) $(EX_SIM_dashboard) 2>/dev/null; \
	  rc=$$?; [ $$rc -eq 123 ] || { echo "dashboard.png: tandem-sim exit $$rc (123 expected: the time bound)"; exit 1; }

# ---- make run / make list ------------------------------------------------------
# make run: the example in the emulator for RUN_MS simulated milliseconds
# (EX_RUN_MS_NAME if the example sets it): its console lines and the LEDs'
# changes, each tagged with the time and the core, then a picture of the run
# and the kernel's trace. It runs the example built with TRACE=sim (the kernel's
# trace points are labels, so its instructions are the plain build's, except
# in a program that calls td_lock itself: its inline fast path is replaced by
# the out-of-line call that records the hold, docs/trace.md), from
# $(TRACED_BUILD).
TRACED_BUILD := $(if $(filter off,$(TRACE)),$(BUILD)/trace-sim,$(BUILD))
ifeq ($(TRACE),off)
$(TRACED_BUILD)/examples/%.elf: FORCE
	$(Q)$(MAKE) --no-print-directory TRACE=sim BUILD=$(TRACED_BUILD) $@
endif
SIM := sim/tandem-sim
RUN_MS ?= $(or $(EX_RUN_MS_$(EXAMPLE)),8000)
EX_RUN_MS_sensors_split  := 3000
EX_RUN_MS_sensors_shared := 3000
RUN_LEDS := 0=red,1=green
# tandem-sim is an RP2040: make run and make debug ($(1)) refuse another
# chip's image and say how that chip runs it (CHIP_RUN, its chip.mk).
sim_chip_only = if [ "$(PORT)" != rp2040 ]; then \
	  echo "make $(1): tandem-sim emulates the RP2040; PORT=$(PORT) builds for another chip."; \
	  $(if $(and $(CHIP_EXAMPLES),$(filter-out $(CHIP_EXAMPLES),$(EXAMPLE))),\
	  echo "make $(1): PORT=$(PORT) builds only $(CHIP_EXAMPLES) (docs/ports.md).";,\
	  echo "make $(1): run its image with: $(CHIP_RUN) $(EX_DIR)/$(EXAMPLE).elf (docs/ports.md)";) \
	  exit 1; fi
.PHONY: run
run: deps-arm
ifneq ($(filter $(EXAMPLE),$(EXAMPLES)),)
ifeq ($(PORT),rp2040)
run: $(EX_DIR)/$(EXAMPLE).elf $(EX_DIR)/$(EXAMPLE).uf2 $(TRACED_BUILD)/examples/$(EXAMPLE).elf
else ifneq ($(filter $(EXAMPLE),$(CHIP_EXAMPLES)),)
run: $(EX_DIR)/$(EXAMPLE).elf
endif
endif
run:
	$(Q)if [ -z "$(filter $(EXAMPLE),$(EXAMPLES))" ]; then \
	  echo "make run: there is no example '$(EXAMPLE)'; 'make list' shows them."; exit 1; fi
	$(Q)$(call sim_chip_only,run)
	$(Q)if [ ! -x $(SIM) ]; then \
	  echo "make run: the emulator (sim/tandem-sim) is not in this tree, so there is nothing to run."; \
	  echo "make run: $(EX_DIR)/$(EXAMPLE).uf2 is built: copy it to a Pico held in BOOTSEL mode."; \
	  exit 1; fi
	$(Q)$(MAKE) --no-print-directory deps-node
	$(Q)echo "make run: $(EXAMPLE) in tandem-sim for $(RUN_MS) ms of simulated time;" \
	  "console lines ($(if $(filter uart,$(TD_CONSOLE)),uart0,usb: the board's USB serial port, as a terminal on the PC shows them)$(if $(filter both,$(TD_CONSOLE)), and uart0))" \
	  "and LED changes (gpio0 red, gpio1 green), tagged [time] and the core (c0/c1$(if $(filter uart,$(TD_CONSOLE)),,$(comma) -- when the USB interrupt moved the line)):"
	$(Q)rm -f $(EX_DIR)/$(EXAMPLE).svg $(EX_DIR)/$(EXAMPLE).vcd $(EX_DIR)/$(EXAMPLE).trace.json; \
	  $(SIM) $(TRACED_BUILD)/examples/$(EXAMPLE).elf --max-ms $(RUN_MS) --gpio-log $(RUN_LEDS) $(EX_SIM_$(EXAMPLE)) \
	    --svg $(EX_DIR)/$(EXAMPLE).svg --vcd $(EX_DIR)/$(EXAMPLE).vcd --trace-out $(EX_DIR)/$(EXAMPLE).trace.json; \
	  rc=$$?; \
	  [ $$rc -eq 0 ] || [ $$rc -eq 123 ] || \
	    echo "make run: the emulator stopped $(EXAMPLE) with status $$rc (its message above); what it wrote of the run:"; \
	  [ ! -f $(EX_DIR)/$(EXAMPLE).svg ] || \
	    echo "picture of the run (each core and its threads, locks, messages, the LEDs over time): $(EX_DIR)/$(EXAMPLE).svg"; \
	  [ ! -f $(EX_DIR)/$(EXAMPLE).vcd ] || echo "waveforms for GTKWave: $(EX_DIR)/$(EXAMPLE).vcd"; \
	  [ ! -f $(EX_DIR)/$(EXAMPLE).trace.json ] || \
	    echo "the kernel's trace for Perfetto (ui.perfetto.dev) or chrome://tracing: $(EX_DIR)/$(EXAMPLE).trace.json"; \
	  [ $$rc -eq 0 ] || [ $$rc -eq 123 ]

# System tests: every example in the emulator, console lines and LED timing,
# through the suite runner; the list is the script's own (--list). Bounded by
# CPU time (each process: the script and each emulator run, which also has
# its own limit), the wall clock only a backstop (docs/testing.md).
TEST_SUITES += examples
.PHONY: test-examples
test-examples: examples $(foreach e,$(EXAMPLES),$(EX_DIR)-uart/$(e).elf) deps-node
	$(Q)mkdir -p $(TEST_LISTS)
	$(Q)node examples/system-tests.js --list >$(TEST_LISTS)/examples.list
	$(Q)TD_SUITE_CPU=600 TD_SUITE_TIMEOUT=3600 $(TEST_RUN) -l $(TEST_LISTS)/examples.list -p examples/system-tests.js \
	  examples $(TEST_RESULTS)/examples.txt node examples/system-tests.js $(BUILD)
