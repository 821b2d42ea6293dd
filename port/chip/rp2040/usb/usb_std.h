/*
 * usb_std.h: the USB 2.0 chapter 9 and CDC 1.2 numbers the device stack
 * uses: request types and codes, descriptor types, features, the SETUP
 * packet. No registers: also built on the host (the fuzz target).
 */
#ifndef TANDEM_USB_STD_H
#define TANDEM_USB_STD_H

#include <stdint.h>

/* bmRequestType (USB 2.0 9.3.1) */
#define USB_DIR_IN          0x80u
#define USB_TYPE_MASK       0x60u
#define USB_TYPE_STANDARD   0x00u
#define USB_TYPE_CLASS      0x20u
#define USB_RECIP_MASK      0x1fu
#define USB_RECIP_DEVICE    0x00u
#define USB_RECIP_INTERFACE 0x01u
#define USB_RECIP_ENDPOINT  0x02u

/* Standard requests (table 9-4) */
#define USB_REQ_GET_STATUS        0u
#define USB_REQ_CLEAR_FEATURE     1u
#define USB_REQ_SET_FEATURE       3u
#define USB_REQ_SET_ADDRESS       5u
#define USB_REQ_GET_DESCRIPTOR    6u
#define USB_REQ_SET_DESCRIPTOR    7u
#define USB_REQ_GET_CONFIGURATION 8u
#define USB_REQ_SET_CONFIGURATION 9u
#define USB_REQ_GET_INTERFACE     10u
#define USB_REQ_SET_INTERFACE     11u
#define USB_REQ_SYNCH_FRAME       12u

/* Descriptor types (table 9-5, the ECN for interface association, CDC 1.2 5.2.3) */
#define USB_DT_DEVICE           1u
#define USB_DT_CONFIGURATION    2u
#define USB_DT_STRING           3u
#define USB_DT_INTERFACE        4u
#define USB_DT_ENDPOINT         5u
#define USB_DT_DEVICE_QUALIFIER 6u
#define USB_DT_IAD              11u
#define USB_DT_CS_INTERFACE     0x24u

/* Feature selectors (table 9-6) */
#define USB_FEATURE_ENDPOINT_HALT        0u
#define USB_FEATURE_DEVICE_REMOTE_WAKEUP 1u

/* Endpoint attributes */
#define USB_EP_CONTROL   0u
#define USB_EP_BULK      2u
#define USB_EP_INTERRUPT 3u

/* CDC 1.2 (PSTN 1.2 for the ACM requests) */
#define CDC_CLASS_COMM              0x02u
#define CDC_CLASS_DATA              0x0au
#define CDC_SUBCLASS_ACM            0x02u
#define CDC_FUNC_HEADER             0x00u
#define CDC_FUNC_CALL_MANAGEMENT    0x01u
#define CDC_FUNC_ACM                0x02u
#define CDC_FUNC_UNION              0x06u
#define CDC_REQ_SEND_BREAK          0x23u
#define CDC_REQ_SET_LINE_CODING     0x20u
#define CDC_REQ_GET_LINE_CODING     0x21u
#define CDC_REQ_SET_CONTROL_LINE_STATE 0x22u
#define CDC_LINE_DTR                0x01u
#define CDC_LINE_RTS                0x02u

/* Interface association for a device made of functions (USB IAD ECN):
 * device class Miscellaneous, subclass Common, protocol IAD. */
#define USB_CLASS_MISC     0xefu
#define USB_SUBCLASS_COMMON 0x02u
#define USB_PROTOCOL_IAD   0x01u

/* The SETUP packet (9.3), fields in host order. */
typedef struct usb_setup {
    uint8_t request_type;
    uint8_t request;
    uint16_t value;
    uint16_t index;
    uint16_t length;
} usb_setup_t;

static inline void usb_setup_parse(const uint8_t raw[8], usb_setup_t *s)
{
    s->request_type = raw[0];
    s->request = raw[1];
    s->value = (uint16_t)(raw[2] | raw[3] << 8);
    s->index = (uint16_t)(raw[4] | raw[5] << 8);
    s->length = (uint16_t)(raw[6] | raw[7] << 8);
}

#endif
