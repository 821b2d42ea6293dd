/*
 * usb_serial.h: the CDC-ACM function's data interface as a console device:
 * bulk IN (output) and OUT (input, into a ring of USB_SERIAL_RX_SIZE
 * bytes), the "open" state (configured, DTR set by the host, not
 * suspended), and the hand-off to the console above (port_console_isr when
 * the IN endpoint is free again).
 *
 * The console's ring (kernel/console.c) is the only output buffer: a
 * packet is made from it only while the port is open, so what is written
 * before the host opens the port waits there (docs/usb.md).
 */
#ifndef TANDEM_USB_SERIAL_H
#define TANDEM_USB_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USB_SERIAL_RX_SIZE 256u     /* input ring, bytes (a power of two) */

/* ---- from the controller driver (usb_dev.c), its lock held --------------------- */
void usb_serial_configured(bool on);
void usb_serial_bus_reset(void);
void usb_serial_suspended(bool on);
void usb_serial_in_done(uint8_t ep);
void usb_serial_out_done(uint8_t ep, uint16_t n);
void usb_serial_halted(uint8_t ep, bool on);
/* At the end of the USB interrupt, the lock released: call the console's
 * port_console_isr if it asked for room and the IN endpoint is free. */
void usb_serial_after_irq(void);

/* ---- the console device (port/chip/rp2040/console_dev.c) ------------------------------- */

/* The host has the port open: configured, DTR set, not suspended. */
bool usb_serial_open(void);
/* Put at most one packet of s into the IN endpoint if it is free and the
 * port open; returns how many bytes it took (0..n). Never waits. */
size_t usb_serial_write_some(const char *s, size_t n);
/* For a route to USB and another device at once: while the port is open,
 * the endpoint free and not halted, first(s, at most a packet) and the
 * same bytes into the endpoint; while it is open but the endpoint busy or
 * halted, nothing (0: the bytes wait for USB); while it is not open,
 * first(s, n) alone. Returns what first took. USB's state cannot change
 * in between (its lock is held across; first must not take it). */
size_t usb_serial_write_paired(const char *s, size_t n, size_t (*first)(const char *, size_t));
/* The port is open and the endpoint holds output back (a packet not yet
 * taken, or halted): the console is called again from the USB interrupt. */
bool usb_serial_holding(void);
/* Write s packet by packet, servicing the controller itself while the
 * endpoint is busy or halted, for at most USB_SERIAL_DIRECT_US in all;
 * nothing when the port is not open. Returns how many bytes, from the
 * start of s, went into the endpoint (the rest: the host took nothing for
 * that long, or the port closed). After a write that gave up, the next
 * does not wait until the host has taken a packet again: a fault report
 * of several writes waits once. For the fault path only. */
#define USB_SERIAL_DIRECT_US 100000u
size_t usb_serial_write_direct(const char *s, size_t n);
/* No packet waiting to be taken by the host, a zero-length packet that
 * closes a transfer included (also while it is not yet armed, or waits for
 * the host to clear the endpoint's halt). Takes the device's lock. */
bool usb_serial_idle(void);
/* Ask (on) or stop asking for port_console_isr when the endpoint is free. */
void usb_serial_tx_irq(bool on);
/* One received byte, or -1 when none waits. Either core. */
int usb_serial_read(void);

typedef struct usb_serial_stats {
    uint32_t tx_bytes, tx_packets, tx_zlps, tx_resent, rx_bytes;
} usb_serial_stats_t;
void usb_serial_stats(usb_serial_stats_t *st);

#endif
