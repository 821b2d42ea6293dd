/* hw/spi.h: the SPI controllers, ARM PrimeCell PL022 (datasheet 4.4). */
#ifndef TANDEM_HW_SPI_H
#define TANDEM_HW_SPI_H
#include "common.h"

typedef struct {
    io_rw32 cr0;     /* 0x00: SSPCR0: DSS, FRF, SPO, SPH, SCR */
    io_rw32 cr1;     /* 0x04: SSPCR1: LBM, SSE, MS, SOD */
    io_rw32 dr;      /* 0x08: SSPDR: write: into the TX FIFO; read: from the RX FIFO */
    io_ro32 sr;      /* 0x0c: SSPSR */
    io_rw32 cpsr;    /* 0x10: SSPCPSR: prescaler, even, 2..254 */
    io_rw32 imsc;    /* 0x14: interrupt mask (1 = enabled) */
    io_ro32 ris;     /* 0x18: raw interrupt status */
    io_ro32 mis;     /* 0x1c: masked interrupt status */
    io_rw32 icr;     /* 0x20: clear RORIC, RTIC */
    io_rw32 dmacr;   /* 0x24: RXDMAE, TXDMAE */
} spi_hw_t;

#define SPI0_BASE 0x4003c000u
#define SPI1_BASE 0x40040000u
#define SPI0 ((spi_hw_t *)SPI0_BASE)
#define SPI1 ((spi_hw_t *)SPI1_BASE)

#define SPI_FIFO_DEPTH 8u

/* SSPCR0 */
#define SPI_CR0_DSS_LSB   0
#define SPI_CR0_DSS_BITS  0x000fu     /* bits per frame - 1, 3..15 */
#define SPI_CR0_FRF_BITS  0x0030u     /* 0: Motorola SPI */
#define SPI_CR0_SPO_BITS  0x0040u     /* clock polarity (CPOL) */
#define SPI_CR0_SPH_BITS  0x0080u     /* clock phase (CPHA) */
#define SPI_CR0_SCR_LSB   8
#define SPI_CR0_SCR_BITS  0xff00u
/* SSPCR1 */
#define SPI_CR1_LBM_BITS  0x1u        /* loopback */
#define SPI_CR1_SSE_BITS  0x2u        /* enable */
#define SPI_CR1_MS_BITS   0x4u        /* slave */
/* SSPSR */
#define SPI_SR_TFE_BITS   0x01u       /* TX FIFO empty */
#define SPI_SR_TNF_BITS   0x02u       /* TX FIFO not full */
#define SPI_SR_RNE_BITS   0x04u       /* RX FIFO not empty */
#define SPI_SR_RFF_BITS   0x08u       /* RX FIFO full */
#define SPI_SR_BSY_BITS   0x10u       /* sending or receiving a frame, or TX not empty */
/* interrupts (IMSC, RIS, MIS, ICR) */
#define SPI_INT_ROR_BITS  0x1u        /* receive overrun */
#define SPI_INT_RT_BITS   0x2u        /* receive timeout */
#define SPI_INT_RX_BITS   0x4u        /* RX FIFO half full or more */
#define SPI_INT_TX_BITS   0x8u        /* TX FIFO half empty or less */
/* SSPDMACR */
#define SPI_DMACR_RXDMAE_BITS 0x1u
#define SPI_DMACR_TXDMAE_BITS 0x2u

#endif
