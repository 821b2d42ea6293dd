/*
 * usb_desc.c: the descriptors (usb_desc.h). Layouts from USB 2.0 9.6, the
 * interface association ECN and CDC 1.2 / PSTN 1.2 5.3.
 */
#include "usb_desc.h"

#include "tandem/config.h"
#include "usb_std.h"

#define LO(x) ((uint8_t)((x) & 0xffu))
#define HI(x) ((uint8_t)(((x) >> 8) & 0xffu))

static const uint8_t device_desc[18] = {
    18, USB_DT_DEVICE,
    LO(0x0200), HI(0x0200),                 /* bcdUSB 2.0 (full speed only) */
    USB_CLASS_MISC, USB_SUBCLASS_COMMON, USB_PROTOCOL_IAD,
    USB_EP0_SIZE,
    LO(TD_USB_VID), HI(TD_USB_VID),
    LO(TD_USB_PID), HI(TD_USB_PID),
    LO(TD_USB_BCD_DEVICE), HI(TD_USB_BCD_DEVICE),
    USB_STR_MANUFACTURER, USB_STR_PRODUCT, USB_STR_SERIAL,
    1,                                      /* bNumConfigurations */
};

#define CONFIG_TOTAL (9u + 8u + 9u + 5u + 5u + 4u + 5u + 7u + 9u + 7u + 7u)

static const uint8_t config_desc[CONFIG_TOTAL] = {
    /* configuration */
    9, USB_DT_CONFIGURATION, LO(CONFIG_TOTAL), HI(CONFIG_TOTAL),
    USB_ITF_COUNT, 1, 0,                    /* interfaces, bConfigurationValue, iConfiguration */
    0x80,                                   /* bus powered, no remote wake-up */
    50,                                     /* 100 mA, in 2 mA units */
    /* interface association: the two interfaces are one CDC-ACM function */
    8, USB_DT_IAD, USB_ITF_COMM, 2, CDC_CLASS_COMM, CDC_SUBCLASS_ACM, 0, 0,
    /* interface 0: communication, its notification endpoint */
    9, USB_DT_INTERFACE, USB_ITF_COMM, 0, 1, CDC_CLASS_COMM, CDC_SUBCLASS_ACM, 0, 0,
    5, USB_DT_CS_INTERFACE, CDC_FUNC_HEADER, LO(0x0120), HI(0x0120),     /* CDC 1.20 */
    5, USB_DT_CS_INTERFACE, CDC_FUNC_CALL_MANAGEMENT, 0x00, USB_ITF_DATA, /* no call management */
    4, USB_DT_CS_INTERFACE, CDC_FUNC_ACM, 0x06,   /* line coding and state, send break */
    5, USB_DT_CS_INTERFACE, CDC_FUNC_UNION, USB_ITF_COMM, USB_ITF_DATA,
    7, USB_DT_ENDPOINT, USB_EP_NOTIFY, USB_EP_INTERRUPT,
    LO(USB_EP_NOTIFY_SIZE), HI(USB_EP_NOTIFY_SIZE), USB_EP_NOTIFY_MS,
    /* interface 1: data */
    9, USB_DT_INTERFACE, USB_ITF_DATA, 0, 2, CDC_CLASS_DATA, 0, 0, 0,
    7, USB_DT_ENDPOINT, USB_EP_DATA_OUT, USB_EP_BULK,
    LO(USB_EP_DATA_SIZE), HI(USB_EP_DATA_SIZE), 0,
    7, USB_DT_ENDPOINT, USB_EP_DATA_IN, USB_EP_BULK,
    LO(USB_EP_DATA_SIZE), HI(USB_EP_DATA_SIZE), 0,
};

static const char *const strings[USB_STR_COUNT] = {
    [USB_STR_MANUFACTURER] = "tandem",
    [USB_STR_PRODUCT] = "tandem console",
};

static char serial[17] = "0000000000000000";

const uint8_t *usb_desc_device(uint16_t *len)
{
    *len = sizeof device_desc;
    return device_desc;
}

const uint8_t *usb_desc_config(uint16_t *len)
{
    *len = sizeof config_desc;
    return config_desc;
}

uint16_t usb_desc_string(uint8_t index, uint8_t *buf)
{
    if (index == USB_STR_LANGID) {
        buf[0] = 4;
        buf[1] = USB_DT_STRING;
        buf[2] = LO(0x0409);                /* English (United States) */
        buf[3] = HI(0x0409);
        return 4;
    }
    if (index >= USB_STR_COUNT)
        return 0;
    const char *s = index == USB_STR_SERIAL ? serial : strings[index];
    uint16_t n = 2;
    for (; *s != '\0' && n + 2u <= USB_DESC_STRING_MAX; s++) {
        buf[n++] = (uint8_t)*s;             /* ASCII as UTF-16LE */
        buf[n++] = 0;
    }
    buf[0] = (uint8_t)n;
    buf[1] = USB_DT_STRING;
    return n;
}

void usb_desc_set_serial(const uint8_t id[8])
{
    static const char hex[] = "0123456789ABCDEF";
    for (unsigned i = 0; i < 8; i++) {
        serial[2 * i] = hex[id[i] >> 4];
        serial[2 * i + 1] = hex[id[i] & 0xfu];
    }
    serial[16] = '\0';
}

const char *usb_desc_serial(void)
{
    return serial;
}
