/*
 * usb_desc.h: the device's descriptors (docs/usb.md): one configuration
 * with one CDC-ACM function (an interface association over a
 * communication interface with its notification endpoint and a data
 * interface with bulk OUT and IN), and the strings, the serial number among
 * them. No registers: also built on the host (the fuzz target).
 */
#ifndef TANDEM_USB_DESC_H
#define TANDEM_USB_DESC_H

#include <stdint.h>

#define USB_EP0_SIZE        64u
#define USB_EP_NOTIFY       0x81u   /* interrupt IN: CDC notifications */
#define USB_EP_NOTIFY_SIZE  16u
#define USB_EP_NOTIFY_MS    16u     /* polling interval */
#define USB_EP_DATA_OUT     0x02u   /* bulk OUT: console input */
#define USB_EP_DATA_IN      0x82u   /* bulk IN: console output */
#define USB_EP_DATA_SIZE    64u

#define USB_ITF_COMM  0u
#define USB_ITF_DATA  1u
#define USB_ITF_COUNT 2u

#define USB_STR_LANGID       0u
#define USB_STR_MANUFACTURER 1u
#define USB_STR_PRODUCT      2u
#define USB_STR_SERIAL       3u
#define USB_STR_COUNT        4u

/* Longest string descriptor usb_desc_string builds, bytes. */
#define USB_DESC_STRING_MAX  64u

/* The device descriptor (18 bytes) / the whole configuration (all its
 * interface, functional and endpoint descriptors). *len gets the size. */
const uint8_t *usb_desc_device(uint16_t *len);
const uint8_t *usb_desc_config(uint16_t *len);

/* Build string descriptor 'index' (USB_STR_*) in buf (at least
 * USB_DESC_STRING_MAX bytes). Returns its length, or 0 when there is no
 * such string. Index 0 is the language list (US English only); the others
 * are answered in that language whatever language id is asked for. */
uint16_t usb_desc_string(uint8_t index, uint8_t *buf);

/* Set the serial number from the board's 8-byte unique id: 16 upper-case
 * hex digits, as the pico-sdk shows it. Before this it reads all zeros. */
void usb_desc_set_serial(const uint8_t id[8]);
/* The serial number as text (16 characters and a NUL). */
const char *usb_desc_serial(void);

#endif
