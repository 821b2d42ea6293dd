/*
 * uart.c: the console on the AN521's UART0 (CMSDK APB UART; QEMU connects
 * it to its first serial port). Polled writes for the console's polled
 * mode and the fault path; for the buffered mode, non-waiting writes and
 * the transmit interrupt (UART0 TX, expansion interrupt 1: NVIC line 33);
 * input from the receive register. A UART: always open, nothing to poll
 * (PORT_CONSOLE_QUEUED 0).
 */
#include "an521.h"
#include "hw/m33.h"
#include "hw/sse200.h"
#include "port.h"
#include "tandem/config.h"

static volatile uint8_t route_core = 0xff;   /* the core taking the TX interrupt */

void an521_console_init(void)
{
    UART0->bauddiv = PORT_CPU_HZ / TD_CONSOLE_BAUD;
    UART0->ctrl = UART_CTRL_TXEN_BITS | UART_CTRL_RXEN_BITS;
}

/* A full transmit buffer (one byte) may take this long to move: a
 * character (10 bits) at the divisor programmed now, a hundred times over,
 * and a millisecond more. A UART with TXEN clear sends nothing: a write
 * waiting for it stops at once. */
size_t port_console_write(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n) {
        if (UART0->state & UART_STATE_TXFULL_BITS) {
            uint64_t start = port_time_us();
            uint64_t bound = 100u * 10u * (uint64_t)UART0->bauddiv * 1000000u / PORT_CPU_HZ + 1000u;
            while (UART0->state & UART_STATE_TXFULL_BITS) {
                if (!(UART0->ctrl & UART_CTRL_TXEN_BITS) || port_time_us() - start > bound)
                    return k;
            }
        }
        UART0->data = (uint8_t)s[k++];
    }
    return k;
}

size_t port_console_write_some(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && !(UART0->state & UART_STATE_TXFULL_BITS))
        UART0->data = (uint8_t)s[k++];
    return k;
}

bool port_console_idle(void)
{
    return !(UART0->state & UART_STATE_TXFULL_BITS);
}

static void console_irq(void)
{
    UART0->intstatus = UART_INT_TX_BITS;
    port_console_isr();
}

#define LINE (PORT_IRQ_UART0_TX)

void port_console_irq_route(bool on)
{
    if (on) {
        uintptr_t *table = (uintptr_t *)(uintptr_t)SCB->vtor;
        table[EXC_IRQ0 + LINE] = (uintptr_t)console_irq;
        NVIC->ipr[LINE] = (uint8_t)ARMV8M_PRIO_BYTE(PORT_IRQ_PRIO_DEVICE);
        NVIC->icpr[LINE / 32u] = 1u << (LINE % 32u);
        NVIC->iser[LINE / 32u] = 1u << (LINE % 32u);
        route_core = (uint8_t)port_core_id();
    } else {
        NVIC->icer[LINE / 32u] = 1u << (LINE % 32u);
        route_core = 0xff;
    }
}

void port_console_tx_irq(bool on)
{
    /* The UART raises its TX interrupt when its buffer empties (an edge):
     * asked while it is already empty, the routed core's line is pended
     * by hand when that core is this one. */
    if (on) {
        UART0->ctrl |= UART_CTRL_TXINTEN_BITS;
        if (!(UART0->state & UART_STATE_TXFULL_BITS) && route_core == port_core_id())
            NVIC->ispr[LINE / 32u] = 1u << (LINE % 32u);
    } else {
        UART0->ctrl &= ~UART_CTRL_TXINTEN_BITS;
    }
}

bool port_console_open(void)
{
    return true;
}

void port_console_poll(void)
{
}

int port_console_read(void)
{
    /* The CMSDK UART holds one received byte; reading DATA takes it. */
    if (!(UART0->state & UART_STATE_RXFULL_BITS))
        return -1;
    return (int)(UART0->data & 0xffu);
}
