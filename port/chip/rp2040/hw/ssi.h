/* hw/ssi.h: the XIP SSI controller (datasheet 4.10), used by boot2. */
#ifndef TANDEM_HW_SSI_H
#define TANDEM_HW_SSI_H

#define XIP_SSI_BASE          0x18000000u
#define SSI_CTRLR0_OFFSET     0x00u
#define SSI_CTRLR1_OFFSET     0x04u
#define SSI_SSIENR_OFFSET     0x08u
#define SSI_BAUDR_OFFSET      0x14u
#define SSI_SR_OFFSET         0x28u
#define SSI_DR0_OFFSET        0x60u
#define SSI_RX_SAMPLE_DLY_OFFSET 0xf0u
#define SSI_SPI_CTRLR0_OFFSET 0xf4u

#define SSI_CTRLR0_DFS_32_LSB 16   /* data frame size - 1, bits 20:16 */
#define SSI_CTRLR0_SPI_FRF_LSB 21  /* 0 = standard 1-bit SPI */
#define SSI_CTRLR0_TMOD_LSB   8    /* 3 = EEPROM read: send instr+addr, receive */
#define SSI_CTRLR0_TMOD_EEPROM_READ 3

#define SSI_SPI_CTRLR0_TRANS_TYPE_LSB 0  /* 0 = instruction and address serial */
#define SSI_SPI_CTRLR0_ADDR_L_LSB 2      /* address length in 4-bit units */
#define SSI_SPI_CTRLR0_INST_L_LSB 8      /* 2 = 8-bit instruction */
#define SSI_SPI_CTRLR0_XIP_CMD_LSB 24    /* command sent for each XIP read */

#endif
