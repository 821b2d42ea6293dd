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
