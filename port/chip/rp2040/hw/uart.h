/* hw/uart.h: ARM PL011 UART (datasheet 4.2). */
#ifndef TANDEM_HW_UART_H
#define TANDEM_HW_UART_H
#include "common.h"

typedef struct {
    io_rw32 dr;      /* 0x000 */
    io_rw32 rsr;     /* 0x004 */
    uint32_t _rsvd0[4];
    io_ro32 fr;      /* 0x018 */
    uint32_t _rsvd1;
    io_rw32 ilpr;    /* 0x020 */
    io_rw32 ibrd;    /* 0x024 */
    io_rw32 fbrd;    /* 0x028 */
    io_rw32 lcr_h;   /* 0x02c */
    io_rw32 cr;      /* 0x030 */
    io_rw32 ifls;    /* 0x034 */
    io_rw32 imsc;    /* 0x038 */
    io_ro32 ris;     /* 0x03c */
    io_ro32 mis;     /* 0x040 */
    io_rw32 icr;     /* 0x044 */
    io_rw32 dmacr;   /* 0x048 */
} uart_hw_t;

#define UART0_BASE 0x40034000u
#define UART1_BASE 0x40038000u
#define UART0 ((uart_hw_t *)UART0_BASE)
#define UART1 ((uart_hw_t *)UART1_BASE)

#define UART_FR_BUSY_BITS 0x08u
#define UART_FR_RXFE_BITS 0x10u
#define UART_FR_TXFF_BITS 0x20u
#define UART_FR_RXFF_BITS 0x40u
#define UART_FR_TXFE_BITS 0x80u

#define UART_LCR_H_FEN_BITS   0x10u
#define UART_LCR_H_WLEN_LSB   5
#define UART_LCR_H_WLEN_BITS  0x60u

#define UART_CR_UARTEN_BITS 0x001u
#define UART_CR_TXE_BITS    0x100u
#define UART_CR_RXE_BITS    0x200u

#define UART_IMSC_RXIM_BITS 0x010u
#define UART_IMSC_TXIM_BITS 0x020u
#define UART_IMSC_RTIM_BITS 0x040u

#endif
