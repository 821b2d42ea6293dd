/*
 * usb_serial.c: the CDC-ACM data interface as a console device
 * (usb_serial.h).
 *
 * Output: one packet at a time in the bulk IN endpoint, made by whoever
 * pumps the console's ring (a writer on either core, or the console's
 * callback from the USB interrupt on core 0). A transfer that ends on a
 * full packet is closed with a zero-length packet, or the host's read
 * (larger than a packet) would wait for more. A packet cut off by a bus
 * reset, a deconfiguration, or a halt set or cleared (a clear is valid on
 * an endpoint that is not halted) is handed again once the port is open:
 * the host never took it, and the console already let it go. A direct
 * write the port's close (or a host not reading) cut in the middle of a
 * line leaves that line's start in the stream and its rest on the UART
 * pins: the next packet begins with a newline, so that what follows (the
 * console's line saying where the rest went) starts a line of its own.
 *
 * Input: bulk OUT packets into a ring; the endpoint is handed back only
 * while the ring has room for a whole packet, so when nobody reads the
 * host is told to wait (NAK) and nothing is lost.
 */
#include "usb_serial.h"

#include "port.h"
#include "usb_cdc.h"
#include "usb_desc.h"
#include "usb_dev.h"
#include "usb_std.h"

#define RX_MASK (USB_SERIAL_RX_SIZE - 1u)
_Static_assert((USB_SERIAL_RX_SIZE & RX_MASK) == 0 && USB_SERIAL_RX_SIZE >= 2u * USB_EP_DATA_SIZE,
               "USB_SERIAL_RX_SIZE: a power of two, at least two packets");

static struct {
    bool configured, suspended, tx_wanted;
    uint8_t lines;
    bool in_busy;       /* a packet is with the controller */
    bool in_resend;     /* the packet in the buffer was cut off: hand it again */
    bool zlp_due;       /* the last packet was full */
    bool direct_stuck;  /* a direct write gave up; the host has taken nothing since */
    bool newline_due;   /* a direct write was cut after a line's start: end it first */
    uint16_t in_len;
    bool rx_armed;
    uint32_t rx_head, rx_tail;  /* free-running */
    uint8_t rx[USB_SERIAL_RX_SIZE];
    usb_serial_stats_t stats;
} ser;

static bool open_locked(void)
{
    return ser.configured && (ser.lines & CDC_LINE_DTR) && !ser.suspended;
}

bool usb_serial_open(void)
{
    return open_locked();       /* a snapshot; each flag is one byte */
}

static void rx_arm_locked(void)
{
    if (ser.configured && !ser.rx_armed && !usb_ctrl_halted(USB_EP_DATA_OUT) &&
        USB_SERIAL_RX_SIZE - (ser.rx_head - ser.rx_tail) >= USB_EP_DATA_SIZE) {
        usb_dev_ep_out(USB_EP_DATA_OUT);
        ser.rx_armed = true;
    }
}

/* A packet cut off earlier goes first, once the port is open again. */
static void resend_locked(void)
{
    if (ser.in_resend && !ser.in_busy && open_locked() && !usb_ctrl_halted(USB_EP_DATA_IN)) {
        usb_dev_ep_in_again(USB_EP_DATA_IN, ser.in_len);
        ser.in_busy = true;
        ser.in_resend = false;
        ser.stats.tx_resent++;
    }
}

/* Close a transfer that ended on a full packet with a zero-length one,
 * once the endpoint is free. Not while a packet the host's side cut off
 * waits to be handed again (it goes first; its length is in_len), nor into
 * a halted endpoint (the zero-length packet waits for the clear). Its
 * length is in_len too: cut off, it is handed again as a zero-length
 * packet. Returns whether none is due any more. */
static bool zlp_locked(void)
{
    if (ser.zlp_due && !ser.in_busy && !ser.in_resend && open_locked() &&
        !usb_ctrl_halted(USB_EP_DATA_IN)) {
        usb_dev_ep_in(USB_EP_DATA_IN, NULL, 0);
        ser.in_busy = true;
        ser.in_len = 0;
        ser.zlp_due = false;
        ser.stats.tx_zlps++;
    }
    return !ser.zlp_due;
}

/* The host's side changed (a bus reset, a configuration, a halt set or
 * cleared): a packet it had not taken is handed again once the port is
 * open, and a direct write waits for it again. */
static void cut_off_locked(void)
{
    ser.direct_stuck = false;
    if (ser.in_busy) {
        ser.in_busy = false;
        ser.in_resend = true;
    }
}

/* ---- events from the controller driver ----------------------------------------------- */

void usb_serial_configured(bool on)
{
    cut_off_locked();
    ser.configured = on;
    ser.rx_armed = false;
    if (on)
        rx_arm_locked();
}

void usb_serial_bus_reset(void)
{
    cut_off_locked();
    ser.configured = false;
    ser.suspended = false;
    ser.rx_armed = false;
}

void usb_serial_suspended(bool on)
{
    ser.suspended = on;
}

void usb_serial_halted(uint8_t ep, bool on)
{
    if (ep == USB_EP_DATA_IN)       /* set or cleared, the buffer was taken back */
        cut_off_locked();
    if (ep == USB_EP_DATA_OUT) {
        ser.rx_armed = false;
        if (!on)
            rx_arm_locked();
    }
}

void usb_hw_lines(uint8_t lines)
{
    ser.lines = lines;
}

void usb_serial_in_done(uint8_t ep)
{
    if (ep == USB_EP_DATA_IN) {
        ser.in_busy = false;
        ser.direct_stuck = false;
    }
}

void usb_serial_out_done(uint8_t ep, uint16_t n)
{
    if (ep != USB_EP_DATA_OUT)
        return;
    ser.rx_armed = false;
    const volatile uint8_t *b = usb_dev_ep_buf(ep);
    if (n > USB_EP_DATA_SIZE)
        n = USB_EP_DATA_SIZE;
    for (uint16_t i = 0; i < n; i++)        /* room for a packet was there when armed */
        ser.rx[ser.rx_head++ & RX_MASK] = b[i];
    ser.stats.rx_bytes += n;
    rx_arm_locked();
}

void usb_serial_after_irq(void)
{
    port_irq_state_t s = usb_dev_lock();
    resend_locked();
    /* (also when the port is not open: on both routes the UART goes on) */
    bool call = ser.tx_wanted && !ser.in_busy;
    usb_dev_unlock(s);
    if (call)
        port_console_isr();
    s = usb_dev_lock();
    zlp_locked();
    usb_dev_unlock(s);
}

/* ---- the console device ------------------------------------------------------------ */

/* The most of s that one packet takes (a newline due goes first). */
static size_t packet_room(size_t n)
{
    size_t room = USB_EP_DATA_SIZE - (ser.newline_due ? 1u : 0u);
    return n < room ? n : room;
}

/* Put up to one packet of s in the endpoint, after the newline if one is
 * due; returns how many bytes of s. Lock held. */
static size_t send_locked(const char *s, size_t n)
{
    static uint8_t pkt[USB_EP_DATA_SIZE];   /* the newline and s (the lock's holder's) */
    resend_locked();
    if (!open_locked() || ser.in_busy || ser.in_resend || usb_ctrl_halted(USB_EP_DATA_IN))
        return 0;
    uint16_t k = (uint16_t)packet_room(n), len = k;
    const uint8_t *data = (const uint8_t *)s;
    if (ser.newline_due) {
        pkt[0] = '\n';
        for (uint16_t i = 0; i < k; i++)
            pkt[i + 1u] = (uint8_t)s[i];
        data = pkt;
        len = (uint16_t)(k + 1u);
        ser.newline_due = false;
    }
    usb_dev_ep_in(USB_EP_DATA_IN, data, len);
    ser.in_busy = true;
    ser.in_len = len;
    ser.zlp_due = len == USB_EP_DATA_SIZE;
    ser.stats.tx_bytes += len;
    ser.stats.tx_packets++;
    return k;
}

size_t usb_serial_write_some(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    port_irq_state_t st = usb_dev_lock();
    size_t k = send_locked(s, n);
    usb_dev_unlock(st);
    return k;
}

size_t usb_serial_write_paired(const char *s, size_t n, size_t (*first)(const char *, size_t))
{
    port_irq_state_t st = usb_dev_lock();
    resend_locked();
    size_t k = 0;
    if (!open_locked()) {
        k = first(s, n);                            /* nobody listens on USB */
    } else if (!ser.in_busy && !ser.in_resend && !usb_ctrl_halted(USB_EP_DATA_IN)) {
        k = first(s, packet_room(n));
        if (k != 0)
            (void)send_locked(s, k);                /* free, open, not halted: takes all k */
    }
    usb_dev_unlock(st);
    return k;
}

bool usb_serial_holding(void)
{
    port_irq_state_t st = usb_dev_lock();
    bool held = open_locked() && (ser.in_busy || ser.in_resend || usb_ctrl_halted(USB_EP_DATA_IN));
    usb_dev_unlock(st);
    return held;
}

size_t usb_serial_write_direct(const char *s, size_t n)
{
    size_t took = 0;
    uint64_t give_up = port_time_us() + (ser.direct_stuck ? 0u : USB_SERIAL_DIRECT_US);
    for (;;) {
        port_irq_state_t st = usb_dev_lock();
        bool open = open_locked();
        size_t k = took < n ? send_locked(s + took, n - took) : 0;
        took += k;
        /* the host took every packet, and the transfer is closed (the
         * zero-length packet, when due, armed: it waits for a halt's clear
         * like the packets do) */
        bool done = took == n && !ser.in_busy && !ser.in_resend && zlp_locked();
        bool late = !done && open && port_time_us() >= give_up;
        if (late)
            ser.direct_stuck = true;                /* the next one does not wait */
        if (took < n && (!open || late) && took != 0 && s[took - 1u] != '\n')
            ser.newline_due = true;                 /* the line's rest goes elsewhere */
        usb_dev_unlock(st);
        if (!open || done || late)
            return took;
        if (k == 0)
            usb_dev_poll();                         /* the interrupt may not run */
    }
}

bool usb_serial_idle(void)
{
    /* a zero-length packet still due (the endpoint halted, or not yet
     * armed after the full packet's end) is output the host has not had:
     * its read of the transfer has not ended */
    port_irq_state_t st = usb_dev_lock();
    bool idle = !ser.in_busy && !ser.in_resend && !ser.zlp_due;
    usb_dev_unlock(st);
    return idle;
}

void usb_serial_tx_irq(bool on)
{
    ser.tx_wanted = on;
}

int usb_serial_read(void)
{
    port_irq_state_t st = usb_dev_lock();
    int c = -1;
    if (ser.rx_head != ser.rx_tail) {
        c = ser.rx[ser.rx_tail++ & RX_MASK];
        rx_arm_locked();
    }
    usb_dev_unlock(st);
    return c;
}

void usb_serial_stats(usb_serial_stats_t *st)
{
    port_irq_state_t s = usb_dev_lock();
    *st = ser.stats;
    usb_dev_unlock(s);
}
