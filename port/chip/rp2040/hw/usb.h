/*
 * hw/usb.h: the USB controller (datasheet 4.1) in device mode: its
 * registers (USBCTRL_REGS) and its 4 KiB dual-port RAM (USBCTRL_DPRAM),
 * which holds the SETUP packet, the endpoint and buffer control words and
 * the packet buffers.
 */
#ifndef TANDEM_HW_USB_H
#define TANDEM_HW_USB_H
#include "common.h"

typedef struct {
    io_rw32 addr_endp;          /* 0x00: device address (6:0) */
    io_rw32 addr_endp_int[15];  /* 0x04: host mode only */
    io_rw32 main_ctrl;          /* 0x40 */
    io_rw32 sof_wr;             /* 0x44 */
    io_ro32 sof_rd;             /* 0x48 */
    io_rw32 sie_ctrl;           /* 0x4c */
    io_rw32 sie_status;         /* 0x50: most bits write 1 to clear */
    io_rw32 int_ep_ctrl;        /* 0x54 */
    io_rw32 buff_status;        /* 0x58: bit 2n IN, 2n+1 OUT of endpoint n; write 1 to clear */
    io_ro32 buff_cpu_should_handle; /* 0x5c */
    io_rw32 ep_abort;           /* 0x60 */
    io_rw32 ep_abort_done;      /* 0x64 */
    io_rw32 ep_stall_arm;       /* 0x68: EP0 IN (bit 0), EP0 OUT (bit 1) */
    io_rw32 nak_poll;           /* 0x6c */
    io_rw32 ep_status_stall_nak;/* 0x70 */
    io_rw32 usb_muxing;         /* 0x74 */
    io_rw32 usb_pwr;            /* 0x78 */
    io_rw32 usbphy_direct;      /* 0x7c */
    io_rw32 usbphy_direct_override; /* 0x80 */
    io_rw32 usbphy_trim;        /* 0x84 */
    uint32_t _rsvd0;            /* 0x88 */
    io_ro32 intr;               /* 0x8c: raw */
    io_rw32 inte;               /* 0x90 */
    io_rw32 intf;               /* 0x94 */
    io_ro32 ints;               /* 0x98 */
} usb_hw_t;

#define USBCTRL_DPRAM_BASE 0x50100000u
#define USBCTRL_REGS_BASE  0x50110000u
#define USB ((usb_hw_t *)USBCTRL_REGS_BASE)

#define USB_MAIN_CTRL_CONTROLLER_EN_BITS 0x00000001u
#define USB_MAIN_CTRL_HOST_NDEVICE_BITS  0x00000002u

#define USB_SIE_CTRL_EP0_INT_1BUF_BITS   0x20000000u  /* interrupt per EP0 buffer */
#define USB_SIE_CTRL_PULLUP_EN_BITS      0x00010000u  /* D+ pull-up: attach to the bus */

#define USB_SIE_STATUS_VBUS_DETECTED_BITS 0x00000001u
#define USB_SIE_STATUS_SUSPENDED_BITS     0x00000010u
#define USB_SIE_STATUS_RESUME_BITS        0x00000800u
#define USB_SIE_STATUS_CONNECTED_BITS     0x00010000u
#define USB_SIE_STATUS_SETUP_REC_BITS     0x00020000u
#define USB_SIE_STATUS_BUS_RESET_BITS     0x00080000u

#define USB_EP_STALL_ARM_EP0_IN_BITS  0x1u
#define USB_EP_STALL_ARM_EP0_OUT_BITS 0x2u

#define USB_USB_MUXING_TO_PHY_BITS  0x1u
#define USB_USB_MUXING_SOFTCON_BITS 0x8u

#define USB_USB_PWR_VBUS_DETECT_BITS             0x4u
#define USB_USB_PWR_VBUS_DETECT_OVERRIDE_EN_BITS 0x8u

/* INTR / INTE / INTS */
#define USB_INT_BUFF_STATUS_BITS          0x00000010u
#define USB_INT_BUS_RESET_BITS            0x00001000u
#define USB_INT_DEV_SUSPEND_BITS          0x00004000u
#define USB_INT_DEV_RESUME_FROM_HOST_BITS 0x00008000u
#define USB_INT_SETUP_REQ_BITS            0x00010000u

/* ---- DPRAM, device mode ---- */
typedef struct {
    volatile uint8_t setup[8];      /* 0x000: the last SETUP packet */
    struct { io_rw32 in, out; } ep_ctrl[15];       /* 0x008: endpoints 1..15 */
    struct { io_rw32 in, out; } ep_buf_ctrl[16];   /* 0x080: endpoints 0..15 */
    volatile uint8_t ep0_buf[64];   /* 0x100: EP0's buffer, both directions */
    volatile uint8_t ep0_buf1[64];  /* 0x140: EP0's second buffer (unused) */
    volatile uint8_t data[4096 - 0x180]; /* 0x180: buffers of endpoints 1..15 */
} usb_dpram_t;

#define USB_DPRAM ((usb_dpram_t *)USBCTRL_DPRAM_BASE)
#define USB_DPRAM_DATA_OFFSET 0x180u

/* Endpoint control (endpoints 1..15) */
#define USB_EP_CTRL_ENABLE_BITS            0x80000000u
#define USB_EP_CTRL_INTERRUPT_PER_BUFF_BITS 0x20000000u
#define USB_EP_CTRL_TYPE_LSB               26
#define USB_EP_CTRL_BUFFER_OFFSET_BITS     0x0000ffc0u

/* Buffer control, buffer 0 (the low half) */
#define USB_BUF_CTRL_FULL      0x00008000u
#define USB_BUF_CTRL_LAST      0x00004000u
#define USB_BUF_CTRL_DATA1_PID 0x00002000u
#define USB_BUF_CTRL_STALL     0x00000800u
#define USB_BUF_CTRL_AVAIL     0x00000400u
#define USB_BUF_CTRL_LEN_BITS  0x000003ffu

#endif
