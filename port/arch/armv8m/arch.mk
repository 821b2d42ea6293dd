# port/arch/armv8m/arch.mk: the ARMv8-M Mainline layer (Cortex-M33), for
# every chip whose chip.mk says ARCH := armv8m.
#
# The kernel is built without floating point (+nofp, soft-float calls): a
# core without an FPU (the SSE-200's core 0 by default) runs the same
# image, and without the DSP extension, which QEMU gives core 1 only. The
# switch code still saves and restores the FP context of a
# thread that uses the FPU (switch.S). Unaligned word and halfword
# accesses are allowed, as the architecture and the compiler expect
# (CCR.UNALIGN_TRP stays 0): only LDRD/STRD, LDM/STM and exclusive
# accesses fault on an unaligned address.

TARGET_ARCH_FLAGS := -mcpu=cortex-m33+nofp+nodsp -mthumb -mfloat-abi=soft
ARCH_SRCS := $(wildcard $(ARCH_DIR)/*.c) $(wildcard $(ARCH_DIR)/*.S)
# shared with the other M-profile CPU layers (port/common/): Thumb code and
# the exception frame, the SysTick tick
ARCH_SRCS += port/common/thumb.c port/common/systick.c
