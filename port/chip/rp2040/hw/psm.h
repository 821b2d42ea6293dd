/* hw/psm.h: power-on state machine (datasheet 2.13). */
#ifndef TANDEM_HW_PSM_H
#define TANDEM_HW_PSM_H
#include "common.h"

typedef struct {
    io_rw32 frce_on;   /* 0x00 */
    io_rw32 frce_off;  /* 0x04: 1 forces the domain off (held in reset) */
    io_rw32 wdsel;     /* 0x08 */
    io_ro32 done;      /* 0x0c */
} psm_hw_t;

#define PSM_BASE 0x40010000u
#define PSM ((psm_hw_t *)PSM_BASE)

#define PSM_PROC0_BITS (1u << 15)
#define PSM_PROC1_BITS (1u << 16)
#define PSM_ROSC_BITS  (1u << 0)
#define PSM_XOSC_BITS  (1u << 1)
#define PSM_WDSEL_BITS 0x0001ffffu   /* every domain, ROSC .. PROC1 */

#endif
