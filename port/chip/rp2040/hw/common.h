/*
 * hw/common.h: register access helpers for the RP2040 register headers.
 *
 * Every block gets a struct overlay (one member per register, padding named
 * _rsvdN) and field macros NAME_LSB / NAME_BITS. Most APB/AHB blocks have
 * atomic aliases 0x1000 (XOR), 0x2000 (SET) and 0x3000 (CLR) above the
 * register: hw_set/hw_clear/hw_xor use them instead of read-modify-write.
 * SIO and the Cortex-M0+ private peripherals have no aliases.
 */
#ifndef TANDEM_HW_COMMON_H
#define TANDEM_HW_COMMON_H

#include <stdint.h>

typedef volatile uint32_t io_rw32;
typedef const volatile uint32_t io_ro32;

#define HW_ALIAS_XOR 0x1000u
#define HW_ALIAS_SET 0x2000u
#define HW_ALIAS_CLR 0x3000u

#define HW_ALIAS(reg, a) (*(io_rw32 *)((uintptr_t)(reg) + (a)))

/* Atomically set / clear / toggle bits of a register that has aliases. */
static inline void hw_set(io_rw32 *reg, uint32_t mask)   { HW_ALIAS(reg, HW_ALIAS_SET) = mask; }
static inline void hw_clear(io_rw32 *reg, uint32_t mask) { HW_ALIAS(reg, HW_ALIAS_CLR) = mask; }
static inline void hw_xor(io_rw32 *reg, uint32_t mask)   { HW_ALIAS(reg, HW_ALIAS_XOR) = mask; }

/* Write only the bits of 'mask' in a register with aliases, atomically
 * (value ^ current restricted to mask, through the XOR alias). */
static inline void hw_write_masked(io_rw32 *reg, uint32_t value, uint32_t mask)
{
    hw_xor(reg, (*reg ^ value) & mask);
}

/* Field helpers: FIELD(NAME, v) places v in NAME's bits; GET extracts it. */
#define HW_FIELD(name, v)  (((uint32_t)(v) << name##_LSB) & name##_BITS)
#define HW_GET(name, r)    (((uint32_t)(r) & name##_BITS) >> name##_LSB)

#endif
