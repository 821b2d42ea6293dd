/*
 * uart.c: the console UART (PL011, datasheet 4.2), 8N1 with FIFOs. Pins and
 * baud rate come from tandem/config.h. Polled writes for the console's
 * polled mode and the fault path; for the buffered mode, non-waiting
 * writes and the transmit interrupt (TXIM: the TX FIFO has drained to its
 * trigger level, half full by default); input from the RX FIFO. The
 * console's route (console_dev.c) decides when these are used.
 */
#include "hw/clocks.h"
#include "hw/io_bank0.h"
#include "hw/pads_bank0.h"
#include "hw/uart.h"
#include "port.h"
#include "rp2040.h"
#include "tandem/config.h"
#include "tandem/irq.h"
#include "tandem/trace.h"

#define CONSOLE (TD_CONSOLE_UART == 0 ? UART0 : UART1)

_Static_assert(TD_CONSOLE_UART == 0 || TD_CONSOLE_UART == 1, "TD_CONSOLE_UART must be 0 or 1");
_Static_assert(TD_CONSOLE_TX_PIN < 30 && TD_CONSOLE_RX_PIN < 30, "console pins are GPIO 0..29");
/* The UART function of GPIO 0..29 (datasheet, GPIO function table): UART0
 * on 0-3, 12-19 and 28-29, UART1 on 4-11 and 20-27, so UART n is on pins
 * with ((pin + 4) / 8) % 2 == n; TX where pin % 4 == 0, RX where == 1. */
#define UART_OF_PIN(pin) ((((pin) + 4) / 8) % 2)
_Static_assert(TD_CONSOLE_TX_PIN % 4 == 0 && UART_OF_PIN(TD_CONSOLE_TX_PIN) == TD_CONSOLE_UART,
               "TD_CONSOLE_TX_PIN is not a TX pin of TD_CONSOLE_UART");
_Static_assert(TD_CONSOLE_RX_PIN % 4 == 1 && UART_OF_PIN(TD_CONSOLE_RX_PIN) == TD_CONSOLE_UART,
               "TD_CONSOLE_RX_PIN is not an RX pin of TD_CONSOLE_UART");

void rp2040_console_uart_init(void)
{
    uart_hw_t *u = CONSOLE;
    /* Divisor in 1/64ths: clk_peri / (16 * baud), rounded to nearest. */
    uint32_t div = (8u * TD_CLK_SYS_HZ) / TD_CONSOLE_BAUD + 1u;
    u->ibrd = div >> 7;
    u->fbrd = ((div & 0x7fu) + 1u) / 2u;
    u->lcr_h = HW_FIELD(UART_LCR_H_WLEN, 3) | UART_LCR_H_FEN_BITS;  /* 8N1, FIFOs */
    u->cr = UART_CR_UARTEN_BITS | UART_CR_TXE_BITS | UART_CR_RXE_BITS;

    PADS_BANK0->gpio[TD_CONSOLE_RX_PIN] = PADS_IE_BITS | PADS_PUE_BITS | PADS_SCHMITT_BITS;
    IO_BANK0->gpio[TD_CONSOLE_TX_PIN].ctrl = GPIO_FUNC_UART;
    IO_BANK0->gpio[TD_CONSOLE_RX_PIN].ctrl = GPIO_FUNC_UART;
}

/* Whether the UART can send at all: enabled with its transmitter
 * (UARTCR.UARTEN, TXE) and clk_peri running. */
static bool uart_can_send(const uart_hw_t *u)
{
    uint32_t on = UART_CR_UARTEN_BITS | UART_CR_TXE_BITS;
    return (u->cr & on) == on && (CLOCKS->clk[CLK_PERI].ctrl & CLK_PERI_CTRL_ENABLE_BITS) != 0;
}

/* The longest a full TX FIFO may take to move by one byte: the whole FIFO
 * (32 characters of at most 12 bits) at the baud rate programmed now,
 * clk_peri taken as TD_CLK_SYS_HZ, four times over, and a millisecond
 * more: hardware flow control or a slower clk_peri get that much room. */
static uint64_t uart_stall_us(const uart_hw_t *u)
{
    uint64_t div64 = ((uint64_t)(u->ibrd & 0xffffu) << 6) | (u->fbrd & 0x3fu);
    uint64_t fifo_us = 32u * 12u * 16u * div64 * 1000000u / (64u * (uint64_t)TD_CLK_SYS_HZ);
    return 4u * fifo_us + 1000u;
}

size_t rp2040_uart_write(const char *s, size_t n)
{
    uart_hw_t *u = CONSOLE;
    size_t k = 0;
    while (k < n) {
        if (u->fr & UART_FR_TXFF_BITS) {
            /* Full: wait while the UART can send, for as long as its
             * FIFO's contents take to leave and a margin. */
            uint64_t start = port_time_us(), bound = uart_stall_us(u);
            while (u->fr & UART_FR_TXFF_BITS) {
                if (!uart_can_send(u) || port_time_us() - start > bound)
                    return k;
            }
        }
        u->dr = (uint8_t)s[k++];
    }
    return k;
}

size_t rp2040_uart_write_some(const char *s, size_t n)
{
    uart_hw_t *u = CONSOLE;
    size_t k = 0;
    while (k < n && !(u->fr & UART_FR_TXFF_BITS))
        u->dr = (uint8_t)s[k++];
    return k;
}

bool rp2040_uart_idle(void)
{
    uint32_t fr = CONSOLE->fr;
    return (fr & UART_FR_TXFE_BITS) && !(fr & UART_FR_BUSY_BITS);
}

#define CONSOLE_IRQ (TD_CONSOLE_UART == 0 ? PORT_IRQ_UART0 : PORT_IRQ_UART1)

static void console_irq(void)
{
    td_trace_irq_enter(CONSOLE_IRQ);
    port_console_isr();
    td_trace_irq_exit(CONSOLE_IRQ);
}

void rp2040_uart_irq_route(bool on)
{
    if (on) {
        td_irq_set_handler(CONSOLE_IRQ, console_irq);
        td_irq_set_priority(CONSOLE_IRQ, PORT_IRQ_PRIO_DEVICE);
    }
    td_irq_enable(CONSOLE_IRQ, on);
}

void rp2040_uart_tx_irq(bool on)
{
    /* The interrupt mask through the atomic aliases: either core may ask. */
    if (on)
        hw_set(&CONSOLE->imsc, UART_IMSC_TXIM_BITS);
    else
        hw_clear(&CONSOLE->imsc, UART_IMSC_TXIM_BITS);
}

int rp2040_uart_read(void)
{
    uart_hw_t *u = CONSOLE;
    if (u->fr & UART_FR_RXFE_BITS)
        return -1;
    return (int)(u->dr & 0xffu);
}
