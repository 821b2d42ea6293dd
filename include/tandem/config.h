/*
 * tandem/config.h: build-time settings, each overridable with -D on the
 * compiler command line (or CONFIG_CFLAGS in the Makefile).
 */
#ifndef TANDEM_CONFIG_H
#define TANDEM_CONFIG_H

/* Console UART and pins. The seed programs drive LEDs on GP0 and GP1, which
 * are UART0's usual pins, so the console defaults to UART0 on GP16 (TX) and
 * GP17 (RX), Pico header pins 21 and 22. Any UART TX/RX pin pair works:
 * UART0 TX 0/12/16/28, RX 1/13/17/29; UART1 TX 4/8/20/24, RX 5/9/21/25. */
#ifndef TD_CONSOLE_UART
#define TD_CONSOLE_UART    0
#endif
#ifndef TD_CONSOLE_TX_PIN
#define TD_CONSOLE_TX_PIN  16
#endif
#ifndef TD_CONSOLE_RX_PIN
#define TD_CONSOLE_RX_PIN  17
#endif
#ifndef TD_CONSOLE_BAUD
#define TD_CONSOLE_BAUD    115200
#endif

/* Console route: where td_printf & co. go on the chip (docs/console.md).
 * The make variable TD_CONSOLE=usb|uart|both sets it for the examples
 * (default usb): USB serial (CDC-ACM, /dev/ttyACM0 on Linux), UART (the
 * pins above), or both. The test suites choose their own. */
#define TD_CONSOLE_ROUTE_UART 1
#define TD_CONSOLE_ROUTE_USB  2
#define TD_CONSOLE_ROUTE_BOTH 3
#ifndef TD_CONSOLE_ROUTE
#define TD_CONSOLE_ROUTE TD_CONSOLE_ROUTE_USB
#endif

/* USB device identity (docs/usb.md). 0x2E8A is Raspberry Pi's vendor id,
 * sub-licensed for products built on the RP2040; 0x000A is its product id
 * for a CDC serial port on an RP2040, which Raspberry Pi's allocation list
 * says a device with only standard-class interfaces may share, telling
 * itself apart by its strings (here "tandem"). A product with its own
 * driver needs its own product id. */
#ifndef TD_USB_VID
#define TD_USB_VID 0x2e8au
#endif
#ifndef TD_USB_PID
#define TD_USB_PID 0x000au
#endif
/* bcdDevice: the device release, 1.00. */
#ifndef TD_USB_BCD_DEVICE
#define TD_USB_BCD_DEVICE 0x0100u
#endif
/* Reboot into the boot ROM's USB mass-storage mode (BOOTSEL) when the host
 * drops DTR (closes the port) with the line set to this baud rate, as
 * Arduino and the pico-sdk do; 0 turns it off. */
#ifndef TD_USB_BOOTSEL_BAUD
#define TD_USB_BOOTSEL_BAUD 1200u
#endif

/* Longest console line written in one piece; longer output is split. */
#ifndef TD_CONSOLE_LINE_MAX
#define TD_CONSOLE_LINE_MAX 160
#endif

/* Crystal and system clock. */
#ifndef TD_XOSC_HZ
#define TD_XOSC_HZ   12000000u
#endif
#define TD_CLK_SYS_HZ 125000000u

/* Core 1 launch: how long to wait for each echo, and how many times the
 * handshake may restart before the launch gives up with TD_ERR_NO_RESPONSE. */
#ifndef TD_LAUNCH_WORD_TIMEOUT_US
#define TD_LAUNCH_WORD_TIMEOUT_US 1000u
#endif
#ifndef TD_LAUNCH_MAX_RESTARTS
#define TD_LAUNCH_MAX_RESTARTS 8u
#endif

#endif
