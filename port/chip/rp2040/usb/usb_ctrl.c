/*
 * usb_ctrl.c: the standard requests (USB 2.0 9.4) of a full-speed device
 * with one configuration (usb_ctrl.h). Anything the specification calls a
 * request error, or that this device does not do, is answered with STALL
 * (9.2.7): unknown requests, a wrong direction or length, an index naming
 * no interface or endpoint, requests not valid in the current state,
 * remote wake-up and test mode, the device qualifier (full-speed only,
 * 9.6.2), vendor requests.
 */
#include "usb_ctrl.h"

#include <stddef.h>

#include "usb_cdc.h"
#include "usb_desc.h"

static struct {
    uint8_t state;          /* enum usb_state */
    uint8_t config;         /* 0 or 1 */
    uint8_t new_address;    /* taken after SET_ADDRESS's status stage */
    uint8_t address_pending;
    uint8_t halted;         /* bit 0: notify IN, 1: data OUT, 2: data IN */
    usb_setup_t req;        /* the request in progress */
    uint8_t buf[USB_DESC_STRING_MAX];   /* replies built on the fly */
} dev;

/* The configuration's endpoints and their halt bits. */
static int halt_bit(uint8_t ep)
{
    switch (ep) {
    case USB_EP_NOTIFY: return 0;
    case USB_EP_DATA_OUT: return 1;
    case USB_EP_DATA_IN: return 2;
    default: return -1;
    }
}

void usb_ctrl_bus_reset(void)
{
    dev.state = USB_STATE_DEFAULT;
    dev.config = 0;
    dev.address_pending = 0;
    dev.halted = 0;
    usb_cdc_reset();
}

unsigned usb_ctrl_state(void) { return dev.state; }
unsigned usb_ctrl_configuration(void) { return dev.config; }

bool usb_ctrl_halted(uint8_t ep)
{
    int b = halt_bit(ep);
    return b >= 0 && (dev.halted >> b) & 1u;
}

static void reply_in(usb_reply_t *r, const uint8_t *data, uint16_t len)
{
    r->kind = USB_REPLY_IN;
    r->in = data;
    r->len = len < dev.req.length ? len : dev.req.length;
}

static void get_descriptor(usb_reply_t *r)
{
    uint8_t type = (uint8_t)(dev.req.value >> 8), index = (uint8_t)dev.req.value;
    uint16_t len;
    const uint8_t *d;
    switch (type) {
    case USB_DT_DEVICE:
        if (index != 0)
            return;
        d = usb_desc_device(&len);
        break;
    case USB_DT_CONFIGURATION:
        if (index != 0)
            return;
        d = usb_desc_config(&len);
        break;
    case USB_DT_STRING:
        len = usb_desc_string(index, dev.buf);
        if (len == 0)
            return;
        d = dev.buf;
        break;
    default:                        /* device qualifier, other speed, ...: STALL */
        return;
    }
    reply_in(r, d, len);
}

/* GET_STATUS: two bytes (9.4.5). */
static void get_status(unsigned recip, usb_reply_t *r)
{
    dev.buf[0] = dev.buf[1] = 0;    /* bus powered, no remote wake-up, not halted */
    if (recip == USB_RECIP_INTERFACE) {
        if (dev.state != USB_STATE_CONFIGURED || dev.req.index >= USB_ITF_COUNT)
            return;
    } else if (recip == USB_RECIP_ENDPOINT) {
        uint8_t ep = (uint8_t)dev.req.index;
        if ((ep & 0x7fu) == 0) {
            if (dev.req.index & ~0x80u)
                return;
        } else if (dev.state != USB_STATE_CONFIGURED || halt_bit(ep) < 0 || dev.req.index > 0xffu) {
            return;
        } else {
            dev.buf[0] = usb_ctrl_halted(ep) ? 1u : 0u;
        }
    } else if (recip != USB_RECIP_DEVICE || dev.req.index != 0) {
        return;
    }
    reply_in(r, dev.buf, 2);
}

/* CLEAR_FEATURE / SET_FEATURE: only ENDPOINT_HALT on a configuration
 * endpoint (halting the default pipe is not supported: STALL). */
static void feature(bool set, unsigned recip, usb_reply_t *r)
{
    if (recip != USB_RECIP_ENDPOINT || dev.req.value != USB_FEATURE_ENDPOINT_HALT ||
        dev.state != USB_STATE_CONFIGURED || dev.req.index > 0xffu)
        return;
    uint8_t ep = (uint8_t)dev.req.index;
    int b = halt_bit(ep);
    if (b < 0)
        return;
    if (set)
        dev.halted |= (uint8_t)(1u << b);
    else
        dev.halted &= (uint8_t)~(1u << b);
    usb_hw_halt(ep, set);
    r->kind = USB_REPLY_ACK;
}

static void set_configuration(usb_reply_t *r)
{
    if (dev.state == USB_STATE_DEFAULT || dev.req.value > 1u || dev.req.index != 0)
        return;
    dev.config = (uint8_t)dev.req.value;
    dev.state = dev.config ? USB_STATE_CONFIGURED : USB_STATE_ADDRESS;
    dev.halted = 0;
    usb_cdc_reset();
    usb_hw_configure(dev.config != 0);      /* also for 1 again: toggles to DATA0 */
    r->kind = USB_REPLY_ACK;
}

static void standard(usb_reply_t *r)
{
    const usb_setup_t *q = &dev.req;
    unsigned recip = q->request_type & USB_RECIP_MASK;
    bool in = (q->request_type & USB_DIR_IN) != 0;
    switch (q->request) {
    case USB_REQ_GET_STATUS:
        if (in && q->length == 2 && q->value == 0)
            get_status(recip, r);
        break;
    case USB_REQ_CLEAR_FEATURE:
    case USB_REQ_SET_FEATURE:
        if (!in && q->length == 0)
            feature(q->request == USB_REQ_SET_FEATURE, recip, r);
        break;
    case USB_REQ_SET_ADDRESS:
        if (!in && recip == USB_RECIP_DEVICE && q->value <= 127u && q->index == 0 &&
            q->length == 0 && dev.state != USB_STATE_CONFIGURED) {
            dev.new_address = (uint8_t)q->value;
            dev.address_pending = 1;
            r->kind = USB_REPLY_ACK;
        }
        break;
    case USB_REQ_GET_DESCRIPTOR:
        if (in && recip == USB_RECIP_DEVICE)
            get_descriptor(r);
        break;
    case USB_REQ_GET_CONFIGURATION:
        if (in && recip == USB_RECIP_DEVICE && q->value == 0 && q->index == 0 &&
            q->length == 1 && dev.state != USB_STATE_DEFAULT) {
            dev.buf[0] = dev.config;
            reply_in(r, dev.buf, 1);
        }
        break;
    case USB_REQ_SET_CONFIGURATION:
        if (!in && recip == USB_RECIP_DEVICE && q->length == 0)
            set_configuration(r);
        break;
    case USB_REQ_GET_INTERFACE:
        if (in && recip == USB_RECIP_INTERFACE && q->value == 0 && q->length == 1 &&
            q->index < USB_ITF_COUNT && dev.state == USB_STATE_CONFIGURED) {
            dev.buf[0] = 0;             /* no alternate settings */
            reply_in(r, dev.buf, 1);
        }
        break;
    case USB_REQ_SET_INTERFACE:
        if (!in && recip == USB_RECIP_INTERFACE && q->value == 0 && q->length == 0 &&
            q->index < USB_ITF_COUNT && dev.state == USB_STATE_CONFIGURED)
            r->kind = USB_REPLY_ACK;
        break;
    default:                            /* SET_DESCRIPTOR, SYNCH_FRAME, unknown */
        break;
    }
}

void usb_ctrl_setup(const uint8_t raw[8], usb_reply_t *r)
{
    usb_setup_parse(raw, &dev.req);
    dev.address_pending = 0;
    r->kind = USB_REPLY_STALL;
    r->len = 0;
    r->in = NULL;
    r->out = NULL;
    switch (dev.req.request_type & USB_TYPE_MASK) {
    case USB_TYPE_STANDARD:
        standard(r);
        break;
    case USB_TYPE_CLASS:
        if ((dev.req.request_type & USB_RECIP_MASK) == USB_RECIP_INTERFACE &&
            dev.state == USB_STATE_CONFIGURED)
            usb_cdc_request(&dev.req, r);
        break;
    default:                            /* vendor, reserved */
        break;
    }
    /* A reply never contradicts the SETUP packet: data only in its
     * direction, never more than wLength, OUT exactly wLength; wLength 0
     * means no data stage (8.5.3), even for an IN request. */
    bool in = (dev.req.request_type & USB_DIR_IN) != 0;
    if (r->kind == USB_REPLY_IN && dev.req.length == 0)
        r->kind = USB_REPLY_ACK;
    if ((r->kind == USB_REPLY_IN && (!in || r->len > dev.req.length)) ||
        (r->kind == USB_REPLY_OUT && (in || r->len != dev.req.length || r->len == 0)) ||
        (r->kind == USB_REPLY_ACK && dev.req.length != 0))
        r->kind = USB_REPLY_STALL;
}

uint8_t usb_ctrl_out_done(uint16_t n)
{
    if ((dev.req.request_type & USB_TYPE_MASK) == USB_TYPE_CLASS)
        return usb_cdc_out_done(&dev.req, n);
    return USB_REPLY_STALL;
}

void usb_ctrl_status_done(void)
{
    if (dev.address_pending) {
        dev.address_pending = 0;
        dev.state = dev.new_address ? USB_STATE_ADDRESS : USB_STATE_DEFAULT;
        usb_hw_set_address(dev.new_address);
        return;
    }
    if ((dev.req.request_type & USB_TYPE_MASK) == USB_TYPE_CLASS)
        usb_cdc_status_done(&dev.req);
}
