# examples/examples.mk: every example is examples/NAME/*.c, built for the
# RP2040 as build/examples/NAME.elf, .map and .uf2.

EXAMPLES += blink2 blink_free
EX_DIR := $(BUILD)/examples

define example_rules
$(1)_OBJS := $$(patsubst %.c,$$(EX_DIR)/obj/%.o,$$(wildcard examples/$(1)/*.c))
$$(EX_DIR)/obj/examples/$(1)/%.o: examples/$(1)/%.c | deps-arm
	@mkdir -p $$(@D)
	$$(Q)$$(TCC) $$(TARGET_CFLAGS) $$(CONFIG_CFLAGS) -c -o $$@ $$<
$(call target_image,$(EX_DIR)/$(1),$$($(1)_OBJS))
endef
$(foreach e,$(EXAMPLES),$(eval $(call example_rules,$(e))))
-include $(shell find $(EX_DIR)/obj -name '*.d' 2>/dev/null)

.PHONY: examples
examples: $(foreach e,$(EXAMPLES),$(EX_DIR)/$(e).elf $(EX_DIR)/$(e).uf2)
