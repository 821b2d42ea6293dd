/*
 * usb_dev.h: the RP2040 USB controller in device mode (datasheet 4.1): its
 * start, the interrupt (on core 0, priority PORT_IRQ_PRIO_USB), endpoint 0's
 * transfer stages around usb_ctrl.h, bus reset, suspend and resume, and
 * the non-control endpoints for the function above (usb_serial.h).
 *
 * The driver's state and the controller are guarded by one hardware
 * spinlock (TD_SPIN_USB), taken with interrupts masked and held only for a
 * few register writes or one packet's copy. Lock order: the console lock,
 * then this one; never the other way.
 */
#ifndef TANDEM_USB_DEV_H
#define TANDEM_USB_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "port.h"

/* Bring the USB PLL, clk_usb and the controller up, read the board's
 * serial number (usb_boot.c), take the USB interrupt on this core (core 0)
 * and attach to the bus (D+ pull-up). Start-up code on core 0, before
 * core 1 runs and before the MPU guards are on. Returns 0, or
 * TD_ERR_NO_RESPONSE if the USB PLL never locked or the controller never
 * came out of reset (the device then stays off the bus). */
int usb_dev_init(void);

/* Whether usb_dev_init brought the controller up. */
bool usb_dev_running(void);

/* Take / release the driver's lock (interrupts masked meanwhile), a
 * spinlock the kernel records (port_spin_take_recorded, port/port.h). A
 * core that already holds it passes (the fault path may interrupt its own
 * holder); one whose holder's core halted (a fault, held in reset) takes
 * it over at once, and a core that goes down gives it back. */
port_irq_state_t usb_dev_lock(void);
void usb_dev_unlock(port_irq_state_t s);

/* Do what the interrupt would do, without the function's console callback:
 * for a caller that runs with interrupts masked and must see the device
 * move (the fault path). Takes the lock. */
void usb_dev_poll(void);

/* Suspended by the host (the bus idle, or unplugged: the board cannot tell). */
bool usb_dev_suspended(void);

/* ---- non-control endpoints; lock held ------------------------------------------- */

/* Copy len bytes (at most the endpoint's packet size) into IN endpoint
 * ep's buffer and hand it to the controller with the endpoint's data
 * toggle, which then flips. */
void usb_dev_ep_in(uint8_t ep, const uint8_t *data, uint16_t len);
/* Re-hand the packet already in IN endpoint ep's buffer (len bytes). */
void usb_dev_ep_in_again(uint8_t ep, uint16_t len);
/* Hand OUT endpoint ep's buffer to the controller for one packet. */
void usb_dev_ep_out(uint8_t ep);
/* The packet OUT endpoint ep received: its length and its bytes. */
uint16_t usb_dev_ep_out_len(uint8_t ep);
const volatile uint8_t *usb_dev_ep_buf(uint8_t ep);

/* ---- counters for docs/usb.md and the benchmarks --------------------------------- */
typedef struct usb_dev_stats {
    uint32_t bus_resets, setups, stalls, suspends, resumes;
} usb_dev_stats_t;
void usb_dev_stats(usb_dev_stats_t *st);

#endif
