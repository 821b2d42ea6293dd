/* hw/systick.h: the SysTick timer of every Arm M-profile core (ARMv6-M and
 * ARMv8-M Architecture Reference Manuals, "The system timer, SysTick"),
 * the same registers at the same addresses on the Cortex-M0+ and the
 * Cortex-M33, each core its own; and the two bits of the SCB's ICSR that
 * pend and unpend its exception. The CPU layers' register headers
 * (hw/m0plus.h, hw/m33.h) include it. */
#ifndef TANDEM_HW_SYSTICK_H
#define TANDEM_HW_SYSTICK_H

#include <stdint.h>

/* The same register types as a chip's hw/common.h (C11 allows the
 * repetition), so this header stands alone. */
typedef volatile uint32_t io_rw32;
typedef const volatile uint32_t io_ro32;

typedef struct {
    io_rw32 csr;    /* 0xe000e010 */
    io_rw32 rvr;    /* reload value, 24 bits */
    io_rw32 cvr;    /* current value; any write clears it */
    io_ro32 calib;
} systick_hw_t;
#define SYSTICK ((systick_hw_t *)0xe000e010u)
#define SYSTICK_CSR_ENABLE_BITS    0x00001u
#define SYSTICK_CSR_TICKINT_BITS   0x00002u
#define SYSTICK_CSR_CLKSOURCE_BITS 0x00004u  /* 1 = processor clock */
#define SYSTICK_CSR_COUNTFLAG_BITS 0x10000u
#define SYSTICK_RVR_MAX            0x00ffffffu

#define SYSTICK_ICSR (*(io_rw32 *)0xe000ed04u)   /* SCB->icsr */
#define SCB_ICSR_PENDSTCLR_BITS  (1u << 25)
#define SCB_ICSR_PENDSTSET_BITS  (1u << 26)

#endif
