/*
 * usb_ctrl.h: the control endpoint's requests, the device framework of
 * USB 2.0 chapter 9 (9.4 standard requests, the Default / Address /
 * Configured states of 9.1) with the CDC-ACM class requests delegated to
 * usb_cdc.h.
 *
 * A pure state machine: it decides what to answer and asks the controller
 * driver, through the usb_hw_* functions below, for what touches the
 * hardware. The driver (usb_dev.c) runs the transfer stages; the fuzz
 * target (tools/fuzz/fuzz_usb.c) drives it on the host with arbitrary
 * SETUP packets. Called from one context at a time (the USB interrupt, or
 * whoever holds the driver's lock).
 */
#ifndef TANDEM_USB_CTRL_H
#define TANDEM_USB_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#include "usb_std.h"

enum usb_reply_kind {
    USB_REPLY_STALL = 0,   /* request error: STALL the data or status stage */
    USB_REPLY_ACK,         /* no data stage: the status stage (a zero-length IN) */
    USB_REPLY_IN,          /* send 'len' bytes from 'in', then the status stage */
    USB_REPLY_OUT,         /* receive 'len' bytes into 'out', then usb_ctrl_out_done */
};

typedef struct usb_reply {
    uint8_t kind;          /* enum usb_reply_kind */
    uint16_t len;          /* IN: at most wLength; OUT: exactly wLength */
    const uint8_t *in;
    uint8_t *out;
} usb_reply_t;

enum usb_state {
    USB_STATE_DEFAULT = 0, /* after a bus reset: address 0 */
    USB_STATE_ADDRESS,     /* addressed, not configured */
    USB_STATE_CONFIGURED,  /* configuration 1 set: the CDC endpoints are live */
};

/* A bus reset: Default state, address 0, no configuration, no halted
 * endpoint, the CDC function reset. */
void usb_ctrl_bus_reset(void);

/* A SETUP packet (8 bytes) arrived: decide the reply in *r. */
void usb_ctrl_setup(const uint8_t raw[8], usb_reply_t *r);

/* The OUT data stage of the current request completed with n bytes in
 * r->out (n <= r->len; fewer when the host ended it with a short packet).
 * Returns USB_REPLY_ACK or USB_REPLY_STALL for the status stage. */
uint8_t usb_ctrl_out_done(uint16_t n);

/* The status stage of the current request completed: what must wait for
 * it happens now (the new address, a reboot into BOOTSEL). */
void usb_ctrl_status_done(void);

/* enum usb_state; the configuration value (0 or 1); whether endpoint
 * 'ep' (an address such as 0x82) is halted. */
unsigned usb_ctrl_state(void);
unsigned usb_ctrl_configuration(void);
bool usb_ctrl_halted(uint8_t ep);

/* ---- provided by the controller driver ----------------------------------------- */

/* Take address 'addr' (0..127) from now on (called after the status stage
 * of SET_ADDRESS, as 9.4.6 requires). */
void usb_hw_set_address(uint8_t addr);
/* Enable (on) the configuration's endpoints, data toggles at DATA0, or
 * disable them (off: SET_CONFIGURATION 0). */
void usb_hw_configure(bool on);
/* Halt (on: answer STALL) or clear the halt of a configuration endpoint;
 * clearing also resets its data toggle to DATA0 (9.4.5). */
void usb_hw_halt(uint8_t ep, bool on);

#endif
