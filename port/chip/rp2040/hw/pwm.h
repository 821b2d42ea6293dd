/* hw/pwm.h: the PWM block, 8 slices of two channels (datasheet 4.5). */
#ifndef TANDEM_HW_PWM_H
#define TANDEM_HW_PWM_H
#include "common.h"

#define PWM_SLICES 8u

typedef struct {
    io_rw32 csr;     /* 0x00 */
    io_rw32 div;     /* 0x04: INT 11:4 (0 = 256), FRAC 3:0 */
    io_rw32 ctr;     /* 0x08: the counter */
    io_rw32 cc;      /* 0x0c: A in 15:0, B in 31:16 (double-buffered) */
    io_rw32 top;     /* 0x10: wrap value (double-buffered) */
} pwm_slice_hw_t;

typedef struct {
    pwm_slice_hw_t slice[PWM_SLICES];  /* 0x00 .. 0x9c */
    io_rw32 en;      /* 0xa0: every slice's CSR.EN */
    io_rw32 intr;    /* 0xa4: raw wrap flags, write 1 to clear */
    io_rw32 inte;
    io_rw32 intf;
    io_ro32 ints;
} pwm_hw_t;

#define PWM_BASE 0x40050000u
#define PWM ((pwm_hw_t *)PWM_BASE)

/* CSR */
#define PWM_CSR_EN_BITS         0x01u
#define PWM_CSR_PH_CORRECT_BITS 0x02u
#define PWM_CSR_A_INV_BITS      0x04u
#define PWM_CSR_B_INV_BITS      0x08u
#define PWM_CSR_DIVMODE_LSB     4
#define PWM_CSR_DIVMODE_BITS    0x30u   /* 0 free-running, 1 B high, 2 B rising, 3 B falling */
#define PWM_CSR_PH_RET_BITS     0x40u
#define PWM_CSR_PH_ADV_BITS     0x80u
/* DIV */
#define PWM_DIV_INT_LSB  4
#define PWM_DIV_FRAC_LSB 0

#endif
