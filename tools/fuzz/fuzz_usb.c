/* libFuzzer target: the USB device's control requests (port/chip/rp2040/usb:
 * usb_ctrl.c, usb_cdc.c, usb_desc.c) on the host, with the controller
 * driver's hooks replaced by a model. The input is a stream of steps:
 *
 *   op (1 byte): bits 0..1  0, 1: a control transfer; 2: a bus reset;
 *                           3: a transfer whose status stage never comes
 *   SETUP (8 bytes)
 *   OUT data length (1 byte) and that many bytes, for a request that has an
 *   OUT data stage (shorter than wLength: the host ended it early)
 *
 * Every reply is checked against the SETUP packet (direction, wLength,
 * stall for anything unknown) and against the USB 2.0 chapter 9 state
 * machine kept by the model: addresses taken only after the status stage,
 * configuration only from the Address state, halts only on the
 * configuration's endpoints, the BOOTSEL reboot only for DTR dropped at
 * 1200 baud. Descriptors handed out are walked to their ends (ASan sees any
 * read past them). Any difference aborts. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "usb/usb_cdc.h"
#include "usb/usb_ctrl.h"
#include "usb/usb_desc.h"
#include "usb/usb_std.h"

static struct {
    int address;          /* set by usb_hw_set_address, -1: none since reset */
    bool configured;      /* usb_hw_configure(true) last */
    uint8_t halted;       /* bit per configuration endpoint */
    int lines;            /* usb_hw_lines */
    bool bootsel;
    usb_setup_t req;      /* the request in progress */
    bool in_status;       /* inside usb_ctrl_status_done */
} hw;

static int ep_bit(uint8_t ep)
{
    return ep == USB_EP_NOTIFY ? 0 : ep == USB_EP_DATA_OUT ? 1 : ep == USB_EP_DATA_IN ? 2 : -1;
}

void usb_hw_set_address(uint8_t addr)
{
    if (!hw.in_status || hw.req.request != USB_REQ_SET_ADDRESS || addr != hw.req.value || addr > 127)
        abort();
    hw.address = addr;
}

void usb_hw_configure(bool on)
{
    if (hw.req.request != USB_REQ_SET_CONFIGURATION || hw.in_status || on != (hw.req.value == 1))
        abort();
    hw.configured = on;
    hw.halted = 0;
}

void usb_hw_halt(uint8_t ep, bool on)
{
    int b = ep_bit(ep);
    if (b < 0 || !hw.configured)
        abort();
    hw.halted = on ? (uint8_t)(hw.halted | 1u << b) : (uint8_t)(hw.halted & ~(1u << b));
}

void usb_hw_lines(uint8_t lines)
{
    if (lines & ~3u)
        abort();
    hw.lines = lines;
}

void usb_hw_bootsel(void)
{
    if (!hw.in_status || hw.req.request != CDC_REQ_SET_CONTROL_LINE_STATE ||
        (hw.req.value & CDC_LINE_DTR) || usb_cdc_baud() != 1200)
        abort();
    hw.bootsel = true;
}

/* A descriptor chain handed out: each one's bLength fits, none is empty. */
static void walk(const uint8_t *d, uint16_t n)
{
    volatile uint8_t sink = 0;
    for (uint16_t i = 0; i < n; i++)
        sink ^= d[i];                    /* ASan: every byte handed out is readable */
    (void)sink;
}

static void reset_all(void)
{
    usb_ctrl_bus_reset();
    memset(&hw, 0, sizeof hw);
    hw.address = -1;
    hw.lines = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reset_all();
    unsigned state_before;
    for (size_t at = 0; at + 9 <= size;) {
        uint8_t op = data[at] & 3u;
        const uint8_t *raw = data + at + 1;
        at += 9;
        if (op == 2) {
            reset_all();
            if (usb_ctrl_state() != USB_STATE_DEFAULT || usb_ctrl_configuration() != 0 || usb_cdc_lines() != 0)
                abort();
            continue;
        }
        usb_setup_parse(raw, &hw.req);
        state_before = usb_ctrl_state();
        bool was_configured = hw.configured;
        usb_reply_t r;
        usb_ctrl_setup(raw, &r);
        bool in = (hw.req.request_type & USB_DIR_IN) != 0;
        uint8_t status = USB_REPLY_ACK;
        switch (r.kind) {
        case USB_REPLY_STALL:
            if (hw.configured != was_configured)
                abort();                 /* a refused request changes nothing */
            status = USB_REPLY_STALL;
            break;
        case USB_REPLY_ACK:
            if (hw.req.length != 0)
                abort();
            break;
        case USB_REPLY_IN:
            if (!in || r.in == NULL || r.len > hw.req.length || hw.req.length == 0)
                abort();
            walk(r.in, r.len);
            if (hw.req.request == USB_REQ_GET_DESCRIPTOR && (hw.req.request_type & USB_TYPE_MASK) == 0 &&
                r.len >= 2 && r.in[1] != (uint8_t)(hw.req.value >> 8))
                abort();                 /* the descriptor type asked for */
            break;
        case USB_REPLY_OUT: {
            if (in || r.out == NULL || r.len != hw.req.length || r.len == 0)
                abort();
            uint16_t n = 0;
            if (at < size) {
                n = data[at++];
                if (n > r.len)
                    n = r.len;
                if (n > size - at)
                    n = (uint16_t)(size - at);
                memcpy(r.out, data + at, n);
                at += n;
            }
            status = usb_ctrl_out_done(n);
            if (status != USB_REPLY_ACK && status != USB_REPLY_STALL)
                abort();
            break;
        }
        default:
            abort();
        }
        if (status == USB_REPLY_ACK && op != 3) {
            hw.in_status = true;
            usb_ctrl_status_done();
            hw.in_status = false;
        }
        /* the chapter 9 states */
        unsigned st = usb_ctrl_state();
        if (st == USB_STATE_CONFIGURED && (!hw.configured || usb_ctrl_configuration() != 1))
            abort();
        if (st != USB_STATE_CONFIGURED && (hw.configured || usb_ctrl_configuration() != 0))
            abort();
        if (st == USB_STATE_CONFIGURED && state_before == USB_STATE_DEFAULT)
            abort();                     /* configured without an address */
        if (st == USB_STATE_ADDRESS && hw.address <= 0)
            abort();
        for (uint8_t ep = 0; ep < 0xff; ep++) {
            int b = ep_bit(ep);
            if (usb_ctrl_halted(ep) != (b >= 0 && (hw.halted >> b) & 1u))
                abort();
        }
        if (usb_cdc_lines() != (unsigned)hw.lines)
            abort();
        if (hw.bootsel)
            hw.bootsel = false;          /* on the chip the device is gone now */
    }
    return 0;
}
