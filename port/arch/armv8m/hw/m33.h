/* hw/m33.h: the Cortex-M33 private peripherals of each core (ARMv8-M
 * Mainline, Secure state): SysTick, NVIC, SCB with its fault status
 * registers, the PMSAv8 MPU, the FPU's control registers and the DWT
 * cycle counter (Armv8-M Architecture Reference Manual, D1 "System
 * registers"). Each core sees its own copy at the same addresses. */
#ifndef TANDEM_HW_M33_H
#define TANDEM_HW_M33_H

#include <stdint.h>

/* The same register types as a chip's hw/common.h (C11 allows the
 * repetition), so this header stands alone. */
typedef volatile uint32_t io_rw32;
typedef const volatile uint32_t io_ro32;

/* SysTick (and ICSR's PENDSTSET/PENDSTCLR): every M-profile core's. */
#include "common/hw/systick.h"

typedef struct {
    io_rw32 iser[16];       /* 0xe000e100: set enable */
    uint32_t _rsvd0[16];
    io_rw32 icer[16];       /* 0xe000e180: clear enable */
    uint32_t _rsvd1[16];
    io_rw32 ispr[16];       /* 0xe000e200: set pending */
    uint32_t _rsvd2[16];
    io_rw32 icpr[16];       /* 0xe000e280: clear pending */
    uint32_t _rsvd3[16];
    io_ro32 iabr[16];       /* 0xe000e300: active */
    uint32_t _rsvd4[16];
    io_rw32 itns[16];       /* 0xe000e380: target non-secure */
    uint32_t _rsvd5[16];
    volatile uint8_t ipr[496];   /* 0xe000e400: one priority byte per interrupt */
} nvic_hw_t;
#define NVIC ((nvic_hw_t *)0xe000e100u)

typedef struct {
    io_ro32 cpuid;          /* 0xe000ed00 */
    io_rw32 icsr;           /* 0xe000ed04 */
    io_rw32 vtor;           /* 0xe000ed08 */
    io_rw32 aircr;          /* 0xe000ed0c */
    io_rw32 scr;            /* 0xe000ed10 */
    io_rw32 ccr;            /* 0xe000ed14 */
    volatile uint8_t shpr[12];   /* 0xe000ed18: priority of exceptions 4..15 */
    io_rw32 shcsr;          /* 0xe000ed24 */
    io_rw32 cfsr;           /* 0xe000ed28: MMFSR | BFSR << 8 | UFSR << 16 */
    io_rw32 hfsr;           /* 0xe000ed2c */
    io_rw32 dfsr;           /* 0xe000ed30 */
    io_rw32 mmfar;          /* 0xe000ed34 */
    io_rw32 bfar;           /* 0xe000ed38 */
    io_rw32 afsr;           /* 0xe000ed3c */
    uint32_t _rsvd0[18];
    io_rw32 cpacr;          /* 0xe000ed88 */
} scb_hw_t;
#define SCB ((scb_hw_t *)0xe000ed00u)
#define SCB_ICSR_PENDSVCLR_BITS  (1u << 27)
#define SCB_ICSR_PENDSVSET_BITS  (1u << 28)
#define SCB_AIRCR_VECTKEY        (0x05fau << 16)
#define SCB_AIRCR_SYSRESETREQ_BITS (1u << 2)
#define SCB_CCR_UNALIGN_TRP_BITS (1u << 3)
#define SCB_CCR_DIV_0_TRP_BITS   (1u << 4)
#define SCB_CCR_STKOFHFNMIGN_BITS (1u << 10)
/* SHCSR: which system handlers are active (the rest of the word: pending
 * and enable bits, which we leave alone) */
#define SCB_SHCSR_ACT_BITS       0x00000dbbu   /* MEM BUS USG SECURE NMI SVC MON PENDSV SYSTICK */
#define SCB_SHCSR_HARDFAULTACT_BITS (1u << 2)
#define SCB_CPACR_CP10_CP11_BITS (0xfu << 20)

/* CFSR bits: MemManage (0..7), BusFault (8..15), UsageFault (16..31) */
#define CFSR_IACCVIOL    (1u << 0)
#define CFSR_DACCVIOL    (1u << 1)
#define CFSR_MUNSTKERR   (1u << 3)
#define CFSR_MSTKERR     (1u << 4)
#define CFSR_MLSPERR     (1u << 5)
#define CFSR_MMARVALID   (1u << 7)
#define CFSR_IBUSERR     (1u << 8)
#define CFSR_PRECISERR   (1u << 9)
#define CFSR_IMPRECISERR (1u << 10)
#define CFSR_UNSTKERR    (1u << 11)
#define CFSR_STKERR      (1u << 12)
#define CFSR_LSPERR      (1u << 13)
#define CFSR_BFARVALID   (1u << 15)
#define CFSR_UNDEFINSTR  (1u << 16)
#define CFSR_INVSTATE    (1u << 17)
#define CFSR_INVPC       (1u << 18)
#define CFSR_NOCP        (1u << 19)
#define CFSR_STKOF       (1u << 20)
#define CFSR_UNALIGNED   (1u << 24)
#define CFSR_DIVBYZERO   (1u << 25)
#define HFSR_VECTTBL     (1u << 1)
#define HFSR_FORCED      (1u << 30)
#define HFSR_DEBUGEVT    (1u << 31)

/* PMSAv8 MPU: regions of 32-byte granularity, base and inclusive limit;
 * no two enabled regions may overlap (an address two regions match faults,
 * whatever the access). */
typedef struct {
    io_ro32 type;           /* 0xe000ed90: DREGION in bits 15:8 */
    io_rw32 ctrl;           /* 0xe000ed94 */
    io_rw32 rnr;            /* 0xe000ed98 */
    io_rw32 rbar;           /* 0xe000ed9c */
    io_rw32 rlar;           /* 0xe000eda0 */
    uint32_t _rsvd0[7];
    io_rw32 mair0;          /* 0xe000edc0 */
    io_rw32 mair1;
} mpu_hw_t;
#define MPU ((mpu_hw_t *)0xe000ed90u)
#define MPU_TYPE_DREGION_LSB     8
#define MPU_CTRL_ENABLE_BITS     0x1u
#define MPU_CTRL_HFNMIENA_BITS   0x2u
#define MPU_CTRL_PRIVDEFENA_BITS 0x4u
#define MPU_RBAR_XN_BITS         0x1u
#define MPU_RBAR_AP_RO_BITS      (3u << 1)   /* read-only, privileged and unprivileged */
#define MPU_RBAR_AP_RW_BITS      (1u << 1)   /* read/write, privileged and unprivileged */
#define MPU_RLAR_EN_BITS         0x1u

/* FPU context control (present when the core has an FPU) */
#define FPU_FPCCR ((io_rw32 *)0xe000ef34u)
#define FPU_FPCCR_LSPACT_BITS    (1u << 0)
#define FPU_FPCCR_LSPEN_BITS     (1u << 30)
#define FPU_FPCCR_ASPEN_BITS     (1u << 31)
#define FPU_MVFR0 ((io_ro32 *)0xe000ef40u)

/* Debug: trace enable (DEMCR.TRCENA) and the DWT cycle counter */
#define DCB_DEMCR ((io_rw32 *)0xe000edfcu)
#define DCB_DEMCR_TRCENA_BITS    (1u << 24)
#define DWT_CTRL   ((io_rw32 *)0xe0001000u)
#define DWT_CYCCNT ((io_rw32 *)0xe0001004u)
#define DWT_CTRL_CYCCNTENA_BITS  (1u << 0)
#define DWT_CTRL_NOCYCCNT_BITS   (1u << 25)

/* Exception numbers (IPSR values) */
#define EXC_HARDFAULT 3
#define EXC_MEMMANAGE 4
#define EXC_PENDSV    14
#define EXC_SYSTICK   15
#define EXC_IRQ0      16

#endif
