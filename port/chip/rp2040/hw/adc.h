/* hw/adc.h: the ADC (datasheet 4.9). */
#ifndef TANDEM_HW_ADC_H
#define TANDEM_HW_ADC_H
#include "common.h"

typedef struct {
    io_rw32 cs;      /* 0x00 */
    io_ro32 result;  /* 0x04: the last conversion, 12 bits */
    io_rw32 fcs;     /* 0x08: FIFO control and status */
    io_ro32 fifo;    /* 0x0c: reading pops */
    io_rw32 div;     /* 0x10: INT 23:8, FRAC 7:0 */
    io_ro32 intr;    /* 0x14 */
    io_rw32 inte;    /* 0x18 */
    io_rw32 intf;    /* 0x1c */
    io_ro32 ints;    /* 0x20 */
} adc_hw_t;

#define ADC_BASE 0x4004c000u
#define ADC ((adc_hw_t *)ADC_BASE)

#define ADC_INPUTS        5u        /* AIN0..3 = GPIO26..29, AIN4 = temperature sensor */
#define ADC_FIRST_GPIO    26u
#define ADC_CONV_CYCLES   96u       /* clk_adc cycles per conversion */

/* CS */
#define ADC_CS_EN_BITS          0x00000001u
#define ADC_CS_TS_EN_BITS       0x00000002u
#define ADC_CS_START_ONE_BITS   0x00000004u
#define ADC_CS_START_MANY_BITS  0x00000008u
#define ADC_CS_READY_BITS       0x00000100u
#define ADC_CS_ERR_BITS         0x00000200u
#define ADC_CS_ERR_STICKY_BITS  0x00000400u
#define ADC_CS_AINSEL_LSB       12
#define ADC_CS_AINSEL_BITS      0x00007000u
#define ADC_CS_RROBIN_LSB       16
#define ADC_CS_RROBIN_BITS      0x001f0000u
/* FCS */
#define ADC_FCS_EN_BITS         0x00000001u
#define ADC_FCS_LEVEL_LSB       16
#define ADC_FCS_LEVEL_BITS      0x000f0000u

#endif
