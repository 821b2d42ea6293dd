# port/host/host.mk: the host (POSIX) port and host builds of the kernel.
#
# A host program is built in one of these variants, each in its own tree
# $(BUILD)/host/VARIANT/:
#   plain  $(HOSTCC), no instrumentation
#   asan   clang, AddressSanitizer + UndefinedBehaviorSanitizer
#   tsan   clang, ThreadSanitizer
#   cov    clang, source-based coverage
# $(call host_objs,VARIANT,SOURCES) names the objects of SOURCES in VARIANT.

HOST_PORT_SRCS := port/host/core.c port/host/context.c port/host/fifo.c port/host/fault.c \
                  port/host/spin.c port/host/boot.c port/host/flash.c \
                  port/common/watchdog_none.c port/common/flash_cut.c
KERNEL_SRCS    := $(sort $(wildcard kernel/*.c))

# A "core" is a pthread the host may leave unscheduled for milliseconds: the
# flash lockout waits longer for the other core's acknowledgement here.
HOST_CFLAGS += -DTD_FLASH_ACK_TIMEOUT_US=1000000u

HOST_VARIANTS := plain asan tsan cov
HOST_CC_plain := $(HOSTCC)
HOST_CC_asan  := $(CLANG)
HOST_CC_tsan  := $(CLANG)
HOST_CC_cov   := $(CLANG)
HOST_X_plain  :=
HOST_X_asan   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_X_tsan   := -fsanitize=thread -DTH_STRESS_ONLY
HOST_X_cov    := -O0 -fprofile-instr-generate -fcoverage-mapping

host_objs = $(patsubst %.c,$(BUILD)/host/$(1)/%.o,$(2))

define HOST_VARIANT_RULES
$(BUILD)/host/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(Q)$$(HOST_CC_$(1)) $$(HOST_CFLAGS) $$(HOST_X_$(1)) -c $$< -o $$@
endef
$(foreach v,$(HOST_VARIANTS),$(eval $(call HOST_VARIANT_RULES,$(v))))

-include $(call depfiles,$(BUILD)/host)
