/* hw/m0plus.h: the Cortex-M0+ private peripherals of each core: SysTick,
 * NVIC, SCB, MPU (ARMv6-M Architecture Reference Manual, B3; RP2040
 * datasheet 2.4.8). Each core sees its own copy at the same addresses.
 * No atomic aliases. */
#ifndef TANDEM_HW_M0PLUS_H
#define TANDEM_HW_M0PLUS_H

#include <stdint.h>

/* The same register types as a chip's hw/common.h (C11 allows the
 * repetition), so this header stands alone. */
typedef volatile uint32_t io_rw32;
typedef const volatile uint32_t io_ro32;

/* SysTick (and ICSR's PENDSTSET/PENDSTCLR): every M-profile core's. */
#include "common/hw/systick.h"

typedef struct {
    io_rw32 iser;           /* 0xe000e100: set enable */
    uint32_t _rsvd0[31];
    io_rw32 icer;           /* 0xe000e180: clear enable */
    uint32_t _rsvd1[31];
    io_rw32 ispr;           /* 0xe000e200: set pending */
    uint32_t _rsvd2[31];
    io_rw32 icpr;           /* 0xe000e280: clear pending */
    uint32_t _rsvd3[95];
    io_rw32 ipr[8];         /* 0xe000e400: priority, 2 bits at the top of each byte */
} nvic_hw_t;
#define NVIC ((nvic_hw_t *)0xe000e100u)

typedef struct {
    io_ro32 cpuid;          /* 0xe000ed00 */
    io_rw32 icsr;           /* 0xe000ed04 */
    io_rw32 vtor;           /* 0xe000ed08 */
    io_rw32 aircr;          /* 0xe000ed0c */
    io_rw32 scr;            /* 0xe000ed10 */
    io_ro32 ccr;            /* 0xe000ed14 */
    uint32_t _rsvd0;
    io_rw32 shpr2;          /* 0xe000ed1c: SVCall priority in bits 31:30 */
    io_rw32 shpr3;          /* 0xe000ed20: SysTick 31:30, PendSV 23:22 */
    io_rw32 shcsr;          /* 0xe000ed24 */
} scb_hw_t;
#define SCB ((scb_hw_t *)0xe000ed00u)
#define SCB_ICSR_VECTACTIVE_BITS 0x000001ffu
#define SCB_ICSR_PENDSVCLR_BITS  (1u << 27)
#define SCB_ICSR_PENDSVSET_BITS  (1u << 28)
#define SCB_ICSR_NMIPENDSET_BITS (1u << 31)
#define SCB_AIRCR_VECTKEY        (0x05fau << 16)
#define SCB_AIRCR_SYSRESETREQ_BITS (1u << 2)
#define SCB_SCR_SLEEPONEXIT_BITS 0x02u
#define SCB_SCR_SLEEPDEEP_BITS   0x04u
#define SCB_SCR_SEVONPEND_BITS   0x10u

typedef struct {
    io_ro32 type;           /* 0xe000ed90: DREGION in bits 15:8 */
    io_rw32 ctrl;           /* 0xe000ed94 */
    io_rw32 rnr;            /* 0xe000ed98 */
    io_rw32 rbar;           /* 0xe000ed9c */
    io_rw32 rasr;           /* 0xe000eda0 */
} mpu_hw_t;
#define MPU ((mpu_hw_t *)0xe000ed90u)
#define MPU_CTRL_ENABLE_BITS     0x1u
#define MPU_CTRL_HFNMIENA_BITS   0x2u
#define MPU_CTRL_PRIVDEFENA_BITS 0x4u
#define MPU_RBAR_VALID_BITS      0x10u
#define MPU_RBAR_REGION_BITS     0x0fu
#define MPU_RASR_ENABLE_BITS     0x1u
#define MPU_RASR_SIZE_LSB        1        /* region size = 2^(SIZE+1), SIZE >= 7 */
#define MPU_RASR_SIZE_BITS       0x3eu
#define MPU_RASR_SRD_LSB         8        /* subregion disable, regions >= 256 B */
#define MPU_RASR_SRD_BITS        0xff00u
#define MPU_RASR_AP_LSB          24
#define MPU_RASR_AP_BITS         0x07000000u
#define MPU_RASR_XN_BITS         0x10000000u

/* Exception numbers (IPSR values) */
#define EXC_NMI       2
#define EXC_HARDFAULT 3
#define EXC_SVCALL    11
#define EXC_PENDSV    14
#define EXC_SYSTICK   15
#define EXC_IRQ0      16

#endif
