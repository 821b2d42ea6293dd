/*
 * usb_cdc.c: the CDC-ACM class requests (usb_cdc.h; PSTN 1.2 6.3.10-13).
 * The line coding is kept and handed back, not applied: there is no UART
 * behind this port. Requests go to the communication interface (wIndex =
 * its number); to the data interface, or any other class request, STALL.
 */
#include "usb_cdc.h"

#include "tandem/config.h"
#include "usb_desc.h"

static struct {
    uint8_t coding[USB_CDC_CODING_SIZE];
    uint8_t next[USB_CDC_CODING_SIZE];  /* SET_LINE_CODING's data stage lands here */
    uint8_t lines;
} cdc;

static void coding_set(uint8_t *c, uint32_t baud, uint8_t stop, uint8_t parity, uint8_t bits)
{
    c[0] = (uint8_t)baud;
    c[1] = (uint8_t)(baud >> 8);
    c[2] = (uint8_t)(baud >> 16);
    c[3] = (uint8_t)(baud >> 24);
    c[4] = stop;
    c[5] = parity;
    c[6] = bits;
}

void usb_cdc_reset(void)
{
    coding_set(cdc.coding, 115200u, 0, 0, 8);
    if (cdc.lines != 0) {
        cdc.lines = 0;
        usb_hw_lines(0);
    }
}

uint8_t usb_cdc_lines(void) { return cdc.lines; }
const uint8_t *usb_cdc_coding(void) { return cdc.coding; }

uint32_t usb_cdc_baud(void)
{
    return (uint32_t)cdc.coding[0] | (uint32_t)cdc.coding[1] << 8 |
           (uint32_t)cdc.coding[2] << 16 | (uint32_t)cdc.coding[3] << 24;
}

void usb_cdc_request(const usb_setup_t *s, usb_reply_t *r)
{
    if (s->index != USB_ITF_COMM)
        return;
    bool in = (s->request_type & USB_DIR_IN) != 0;
    switch (s->request) {
    case CDC_REQ_SET_LINE_CODING:
        if (!in && s->value == 0 && s->length == USB_CDC_CODING_SIZE) {
            r->kind = USB_REPLY_OUT;
            r->out = cdc.next;
            r->len = USB_CDC_CODING_SIZE;
        }
        break;
    case CDC_REQ_GET_LINE_CODING:
        if (in && s->value == 0 && s->length != 0) {
            r->kind = USB_REPLY_IN;
            r->in = cdc.coding;
            r->len = s->length < USB_CDC_CODING_SIZE ? s->length : USB_CDC_CODING_SIZE;
        }
        break;
    case CDC_REQ_SET_CONTROL_LINE_STATE:
        if (!in && s->length == 0 && (s->value & ~(CDC_LINE_DTR | CDC_LINE_RTS)) == 0) {
            r->kind = USB_REPLY_ACK;
            if (cdc.lines != (uint8_t)s->value) {
                cdc.lines = (uint8_t)s->value;
                usb_hw_lines(cdc.lines);
            }
        }
        break;
    case CDC_REQ_SEND_BREAK:
        if (!in && s->length == 0)
            r->kind = USB_REPLY_ACK;         /* nothing to break: accepted */
        break;
    default:
        break;
    }
}

uint8_t usb_cdc_out_done(const usb_setup_t *s, uint16_t n)
{
    if (s->request != CDC_REQ_SET_LINE_CODING || n != USB_CDC_CODING_SIZE)
        return USB_REPLY_STALL;
    const uint8_t *c = cdc.next;
    uint32_t baud = (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 |
                    (uint32_t)c[3] << 24;
    bool bits_ok = c[6] == 5 || c[6] == 6 || c[6] == 7 || c[6] == 8 || c[6] == 16;
    if (baud == 0 || c[4] > 2 || c[5] > 4 || !bits_ok)
        return USB_REPLY_STALL;             /* the old coding stays */
    for (unsigned i = 0; i < USB_CDC_CODING_SIZE; i++)
        cdc.coding[i] = c[i];
    return USB_REPLY_ACK;
}

void usb_cdc_status_done(const usb_setup_t *s)
{
    if (TD_USB_BOOTSEL_BAUD != 0 && s->request == CDC_REQ_SET_CONTROL_LINE_STATE &&
        !(cdc.lines & CDC_LINE_DTR) && usb_cdc_baud() == TD_USB_BOOTSEL_BAUD)
        usb_hw_bootsel();
}
