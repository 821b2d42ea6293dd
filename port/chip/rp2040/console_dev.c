/*
 * console_dev.c: the console device of port/port.h on the RP2040, by the
 * build's route (TD_CONSOLE_ROUTE, tandem/config.h; docs/console.md):
 *
 *   uart: the UART (uart.c), as before USB existed.
 *   usb:  USB serial (usb/usb_serial.c). The console is buffered from boot
 *         (PORT_CONSOLE_QUEUED): packets are made from its ring while the
 *         host has the port open. The UART is still set up: the fault path's
 *         direct writes go there when the USB port is not open.
 *   both: every byte to the UART and, while the USB port is open, the same
 *         bytes to USB, paced by the slower of the two (a halted bulk IN
 *         endpoint holds both back until the host clears the halt).
 *
 * The USB interrupt is taken on core 0 (usb_dev_init); in "both" the
 * UART's interrupt is routed to core 0 as well, at start-up.
 */
#include "port.h"
#include "rp2040.h"
#include "tandem/config.h"
#include "usb/usb_dev.h"
#include "usb/usb_serial.h"

#define USE_UART (TD_CONSOLE_ROUTE == TD_CONSOLE_ROUTE_UART || TD_CONSOLE_ROUTE == TD_CONSOLE_ROUTE_BOTH)
#define USE_USB  (TD_CONSOLE_ROUTE == TD_CONSOLE_ROUTE_USB || TD_CONSOLE_ROUTE == TD_CONSOLE_ROUTE_BOTH)

_Static_assert(TD_CONSOLE_ROUTE >= TD_CONSOLE_ROUTE_UART && TD_CONSOLE_ROUTE <= TD_CONSOLE_ROUTE_BOTH,
               "TD_CONSOLE_ROUTE: TD_CONSOLE_ROUTE_UART, _USB or _BOTH");
_Static_assert(PORT_CONSOLE_QUEUED == USE_USB, "port_limits.h disagrees with the route");

void rp2040_console_dev_init(void)
{
    rp2040_console_uart_init();
    if (USE_USB) {
        (void)usb_dev_init();               /* failed: the device stays off the bus */
        if (USE_UART)
            rp2040_uart_irq_route(true);
    }
}

/* The fault path's write. On the usb route, what the port open did not
 * take (the host took nothing for 100 ms: the endpoint halted, or nobody
 * reading) goes to the UART pins, as everything does while it is closed.
 * On both, the UART has every byte; with the USB port closed (before the
 * write, or by its end) the UART alone is the console, as for every other
 * line: nothing is missing on USB, so all n count as taken. */
size_t port_console_write_bounded(const char *s, size_t n)
{
    if (!USE_USB)
        return rp2040_uart_write(s, n);
    if (USE_UART)
        (void)rp2040_uart_write(s, n);   /* (a stopped UART: USB still counts) */
    size_t k = usb_serial_write_direct(s, n);   /* 0 when the port is not open */
    if (USE_UART && k < n && !usb_serial_open())
        return n;
    if (!USE_UART && k < n)
        (void)rp2040_uart_write(s + k, n - k);  /* the route still alive */
    return k;
}

size_t port_console_write(const char *s, size_t n)
{
    return port_console_write_bounded(s, n);
}

size_t port_console_write_some(const char *s, size_t n)
{
    if (!USE_USB)
        return rp2040_uart_write_some(s, n);
    if (!USE_UART)
        return usb_serial_write_some(s, n);
    /* both: the UART takes what it can of at most a packet, USB the same
     * bytes; while USB is open but holds output back (a packet not yet
     * taken, the endpoint halted by the host) neither takes any, so
     * nothing the UART sent is missing on USB */
    return usb_serial_write_paired(s, n, rp2040_uart_write_some);
}

bool port_console_idle(void)
{
    bool uart = !USE_UART || rp2040_uart_idle();
    bool usb = !USE_USB || usb_serial_idle() || !usb_serial_open();
    return uart && usb;
}

void port_console_irq_route(bool on)
{
    if (!USE_USB)
        rp2040_uart_irq_route(on);              /* usb and both: routed at start-up */
}

void port_console_tx_irq(bool on)
{
    if (USE_USB)
        usb_serial_tx_irq(on);
    /* both: while USB holds output back, its interrupt calls the console
     * when it is free; the UART's (asserted while its FIFO is low) would
     * only find nothing to take, again and again */
    if (USE_UART && USE_USB && on)
        on = !usb_serial_holding();
    if (USE_UART)
        rp2040_uart_tx_irq(on);
}

bool port_console_open(void)
{
    return USE_UART || usb_serial_open();
}

void port_console_poll(void)
{
    if (USE_USB)
        usb_dev_poll();
}

int port_console_read(void)
{
    int c = -1;
    if (USE_USB)
        c = usb_serial_read();
    if (c < 0 && USE_UART)
        c = rp2040_uart_read();
    return c;
}
