/* hw/i2c.h: I2C controller, Synopsys DW_apb_i2c (datasheet 4.3). */
#ifndef TANDEM_HW_I2C_H
#define TANDEM_HW_I2C_H
#include "common.h"

typedef struct {
    io_rw32 con;             /* 0x00: IC_CON, written only while disabled */
    io_rw32 tar;             /* 0x04: target address, written only while disabled */
    io_rw32 sar;             /* 0x08 */
    uint32_t _rsvd0;
    io_rw32 data_cmd;        /* 0x10: write: a command; read: a received byte */
    io_rw32 ss_scl_hcnt;     /* 0x14 */
    io_rw32 ss_scl_lcnt;     /* 0x18 */
    io_rw32 fs_scl_hcnt;     /* 0x1c */
    io_rw32 fs_scl_lcnt;     /* 0x20 */
    uint32_t _rsvd1[2];
    io_ro32 intr_stat;       /* 0x2c: masked */
    io_rw32 intr_mask;       /* 0x30 */
    io_ro32 raw_intr_stat;   /* 0x34 */
    io_rw32 rx_tl;           /* 0x38 */
    io_rw32 tx_tl;           /* 0x3c */
    io_ro32 clr_intr;        /* 0x40: reading clears (combined) */
    io_ro32 clr_rx_under;    /* 0x44: reading clears */
    io_ro32 clr_rx_over;     /* 0x48 */
    io_ro32 clr_tx_over;     /* 0x4c */
    io_ro32 clr_rd_req;      /* 0x50 */
    io_ro32 clr_tx_abrt;     /* 0x54: also clears tx_abrt_source */
    io_ro32 clr_rx_done;     /* 0x58 */
    io_ro32 clr_activity;    /* 0x5c */
    io_ro32 clr_stop_det;    /* 0x60 */
    io_ro32 clr_start_det;   /* 0x64 */
    io_ro32 clr_gen_call;    /* 0x68 */
    io_rw32 enable;          /* 0x6c */
    io_ro32 status;          /* 0x70 */
    io_ro32 txflr;           /* 0x74: commands in the TX FIFO */
    io_ro32 rxflr;           /* 0x78: bytes in the RX FIFO */
    io_rw32 sda_hold;        /* 0x7c */
    io_ro32 tx_abrt_source;  /* 0x80 */
    io_rw32 slv_data_nack_only; /* 0x84 */
    io_rw32 dma_cr;          /* 0x88 */
    io_rw32 dma_tdlr;        /* 0x8c */
    io_rw32 dma_rdlr;        /* 0x90 */
    io_rw32 sda_setup;       /* 0x94 */
    io_rw32 ack_general_call;/* 0x98 */
    io_ro32 enable_status;   /* 0x9c */
    io_rw32 fs_spklen;       /* 0xa0 */
    uint32_t _rsvd2;
    io_ro32 clr_restart_det; /* 0xa8 */
    uint32_t _rsvd3[18];
    io_ro32 comp_param_1;    /* 0xf4 */
    io_ro32 comp_version;    /* 0xf8 */
    io_ro32 comp_type;       /* 0xfc */
} i2c_hw_t;

#define I2C0_BASE 0x40044000u
#define I2C1_BASE 0x40048000u
#define I2C0 ((i2c_hw_t *)I2C0_BASE)
#define I2C1 ((i2c_hw_t *)I2C1_BASE)

#define I2C_FIFO_DEPTH 16u

/* IC_CON */
#define I2C_CON_MASTER_MODE_BITS           0x001u
#define I2C_CON_SPEED_LSB                  1
#define I2C_CON_SPEED_BITS                 0x006u
#define I2C_CON_SPEED_STANDARD             1u
#define I2C_CON_SPEED_FAST                 2u      /* also fast mode plus */
#define I2C_CON_10BITADDR_MASTER_BITS      0x010u
#define I2C_CON_RESTART_EN_BITS            0x020u
#define I2C_CON_SLAVE_DISABLE_BITS         0x040u
#define I2C_CON_TX_EMPTY_CTRL_BITS         0x100u
#define I2C_CON_RX_FIFO_FULL_HLD_CTRL_BITS 0x200u

/* IC_DATA_CMD */
#define I2C_DATA_CMD_DAT_BITS     0x0ffu
#define I2C_DATA_CMD_READ_BITS    0x100u   /* CMD: 1 read, 0 write */
#define I2C_DATA_CMD_STOP_BITS    0x200u   /* STOP after this byte */
#define I2C_DATA_CMD_RESTART_BITS 0x400u   /* RESTART before this byte */

/* IC_RAW_INTR_STAT / IC_INTR_MASK */
#define I2C_INTR_RX_UNDER_BITS 0x0001u
#define I2C_INTR_RX_OVER_BITS  0x0002u
#define I2C_INTR_RX_FULL_BITS  0x0004u
#define I2C_INTR_TX_OVER_BITS  0x0008u
#define I2C_INTR_TX_EMPTY_BITS 0x0010u
#define I2C_INTR_TX_ABRT_BITS  0x0040u
#define I2C_INTR_STOP_DET_BITS 0x0200u

/* IC_ENABLE */
#define I2C_ENABLE_ENABLE_BITS 0x1u
#define I2C_ENABLE_ABORT_BITS  0x2u

/* IC_STATUS */
#define I2C_STATUS_ACTIVITY_BITS     0x01u
#define I2C_STATUS_TFNF_BITS         0x02u  /* TX FIFO not full */
#define I2C_STATUS_TFE_BITS          0x04u
#define I2C_STATUS_RFNE_BITS         0x08u  /* RX FIFO not empty */
#define I2C_STATUS_MST_ACTIVITY_BITS 0x20u

/* IC_TX_ABRT_SOURCE */
#define I2C_ABRT_7B_ADDR_NOACK_BITS  0x00001u
#define I2C_ABRT_TXDATA_NOACK_BITS   0x00008u
#define I2C_ABRT_ARB_LOST_BITS       0x01000u
#define I2C_ABRT_USER_ABRT_BITS      0x10000u

/* IC_ENABLE_STATUS */
#define I2C_ENABLE_STATUS_IC_EN_BITS 0x1u

/* IC_SDA_HOLD */
#define I2C_SDA_HOLD_TX_LSB  0
#define I2C_SDA_HOLD_TX_BITS 0x0000ffffu

#endif
