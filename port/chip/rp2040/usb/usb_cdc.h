/*
 * usb_cdc.h: the CDC-ACM function's class requests (PSTN 1.2 6.3):
 * SET/GET_LINE_CODING, SET_CONTROL_LINE_STATE (DTR, RTS), SEND_BREAK; the
 * line state the console reads; the 1200-baud "touch" that reboots into
 * BOOTSEL. A pure state machine like usb_ctrl.h, which calls it.
 */
#ifndef TANDEM_USB_CDC_H
#define TANDEM_USB_CDC_H

#include <stdbool.h>
#include <stdint.h>

#include "usb_ctrl.h"

/* Line coding as on the wire (7 bytes): dwDTERate (LE), bCharFormat
 * (0: 1 stop bit, 1: 1.5, 2: 2), bParityType (0 none .. 4 space),
 * bDataBits (5, 6, 7, 8, 16). 115200 8N1 after a reset. */
#define USB_CDC_CODING_SIZE 7u

/* Bus reset or configuration change: lines down, line coding to 115200 8N1. */
void usb_cdc_reset(void);

/* A class request addressed to one of the function's interfaces; fills *r
 * (STALL for anything not supported). */
void usb_cdc_request(const usb_setup_t *s, usb_reply_t *r);
/* The OUT data stage of that request completed with n bytes: ACK, or
 * STALL when the data is not a valid line coding. */
uint8_t usb_cdc_out_done(const usb_setup_t *s, uint16_t n);
/* Its status stage completed: a line state at the BOOTSEL baud rate with
 * DTR low reboots into BOOTSEL now (usb_hw_bootsel). */
void usb_cdc_status_done(const usb_setup_t *s);

/* CDC_LINE_DTR | CDC_LINE_RTS as last set by the host; the baud rate. */
uint8_t usb_cdc_lines(void);
uint32_t usb_cdc_baud(void);
/* The line coding, USB_CDC_CODING_SIZE bytes. */
const uint8_t *usb_cdc_coding(void);

/* ---- provided by the driver ------------------------------------------------------- */

/* The host changed DTR/RTS (lines: CDC_LINE_*). */
void usb_hw_lines(uint8_t lines);
/* Reboot into the boot ROM's USB mass-storage mode. Does not return on the
 * chip (where the ROM function is known). */
void usb_hw_bootsel(void);

#endif
