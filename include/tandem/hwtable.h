/*
 * tandem/hwtable.h: the one table of shared hardware numbers.
 *
 * Every hardware spinlock and reserved FIFO endpoint that tandem uses is
 * named here and nowhere else, and checked at compile time. Application
 * code may use the spinlocks in the TD_SPIN_USER range. (Interrupt numbers
 * and priorities are the chip's: PORT_IRQ_* in the port's port_limits.h.)
 */
#ifndef TANDEM_HWTABLE_H
#define TANDEM_HWTABLE_H

/* ---- hardware spinlocks (0..31; 3 and 5..7 free) ---- */
#define TD_SPIN_CONSOLE       0   /* console line output */
#define TD_SPIN_KERNEL        1   /* cross-core kernel bookkeeping */
#define TD_SPIN_MSG           2   /* inter-core message multiplexer state */
#define TD_SPIN_USB           4   /* USB device stack state (port/chip/rp2040/usb) */
#define TD_SPIN_XSYNC_FIRST   8   /* cross-core mutexes/semaphores */
#define TD_SPIN_XSYNC_LAST   15
#define TD_SPIN_USER_FIRST   16   /* td_lock objects and application use */
#define TD_SPIN_DRIVERS      30   /* the drivers' shared bookkeeping (DMA channel claims,
                                     PWM slices, ADC, the I2C buses' claims): a td_lock,
                                     so a core that goes down releases it;
                                     applications use 16..29 */
#define TD_SPIN_USER_LAST    31

/* ---- reserved FIFO endpoints (byte 0 of a FIFO word, see tandem/msg.h) ----
 * User endpoints are 0 .. TD_MSG_ENDPOINTS-1; TD_EP_SYS_FIRST..TD_EP_SYS_LAST
 * belong to the system. Every system word is a doorbell: what it asks for
 * is recorded in shared memory first (by the kernel module that registered
 * the doorbell), so a doorbell left out because the FIFO was full is not
 * lost, and the word itself is TD_EP_SYS_DOORBELL with the doorbell's number
 * as payload, for information (docs/messages.md). A new doorbell needs no
 * number here. */
#define TD_EP_SYS_FIRST     0xf8
#define TD_EP_SYS_DOORBELL  0xf8  /* a doorbell (payload: its number) */
#define TD_EP_SYS_LAST      0xff
/* Deprecated (one number per kind of system word before doorbells were
 * registered); every system word is TD_EP_SYS_DOORBELL now. The numbers
 * stay in the reserved range; the names go in the next release. */
#define TD_EP_SYS_XSYNC     0xf8
#define TD_EP_SYS_FLOW      0xf9
#define TD_EP_SYS_ROOM      0xfa
#define TD_EP_SYS_CHAN      0xfb
#define TD_EP_SYS_ANNOUNCE  0xfc
#define TD_EP_SYS_PING      0xfd
#define TD_EP_SYS_PONG      0xfe
#define TD_EP_SYS_FAULT     0xff

/* ---- DMA channels (0..11) ----
 * Each SPI controller owns a pair for its long transfers; td_dma_claim
 * hands out the rest. A transfer's end interrupts the core that started
 * it (PORT_IRQ_DMA_0 on core 0, PORT_IRQ_DMA_1 on core 1). */
#define TD_DMA_SPI0_TX        0
#define TD_DMA_SPI0_RX        1
#define TD_DMA_SPI1_TX        2
#define TD_DMA_SPI1_RX        3
#define TD_DMA_USER_FIRST     4
#define TD_DMA_USER_LAST     11

/* ---- TIMER alarms (0..3, the RP2040) ----
 * Alarm 2 (core 0) and alarm 3 (core 1), with their interrupts, bound the
 * time the message layer holds a core's FIFO interrupt off while a thread
 * takes its stream from the FIFO (port_fifo_irq_hold, docs/messages.md):
 * the kernel's while a core's link runs. Alarms 0 and 1 are the
 * program's. */

/* ---- deprecated: chip facts now in the port's limits header ----
 * Interrupt numbers and NVIC priority levels belong to the chip and its
 * CPU: PORT_IRQ_* and PORT_IRQ_PRIO_* in port_limits.h (port/port.h). The
 * old names stay for this release only. */
#include "port_limits.h"
#define TD_IRQ_TIMER0     PORT_IRQ_TIMER0      /* deprecated */
#define TD_IRQ_SIO_PROC0  PORT_IRQ_SIO_PROC0   /* deprecated */
#define TD_IRQ_SIO_PROC1  PORT_IRQ_SIO_PROC1   /* deprecated */
#define TD_IRQ_UART0      PORT_IRQ_UART0       /* deprecated */
#define TD_IRQ_UART1      PORT_IRQ_UART1       /* deprecated */
#define TD_IRQ_I2C0       PORT_IRQ_I2C0        /* deprecated */
#define TD_IRQ_I2C1       PORT_IRQ_I2C1        /* deprecated */
#define TD_PRIO_FIFO      PORT_IRQ_PRIO_FIFO   /* deprecated */
#define TD_PRIO_TICK      PORT_IRQ_PRIO_TICK   /* deprecated */
#define TD_PRIO_DEVICE    PORT_IRQ_PRIO_DEVICE /* deprecated */
#define TD_PRIO_PENDSV    PORT_IRQ_PRIO_SWITCH /* deprecated */

#define TD_HWTABLE_CHECK(c, m) _Static_assert(c, "hwtable: " m)
TD_HWTABLE_CHECK(TD_SPIN_CONSOLE < TD_SPIN_XSYNC_FIRST, "system spinlocks overlap");
TD_HWTABLE_CHECK(TD_SPIN_MSG < TD_SPIN_XSYNC_FIRST, "system spinlocks overlap");
TD_HWTABLE_CHECK(TD_SPIN_USB < TD_SPIN_XSYNC_FIRST, "system spinlocks overlap");
TD_HWTABLE_CHECK(TD_SPIN_XSYNC_LAST < TD_SPIN_USER_FIRST, "xsync and user ranges overlap");
TD_HWTABLE_CHECK(TD_SPIN_USER_LAST <= 31, "spinlock number out of range");
TD_HWTABLE_CHECK(TD_SPIN_DRIVERS >= TD_SPIN_USER_FIRST && TD_SPIN_DRIVERS < TD_SPIN_USER_LAST,
                 "the drivers' lock must be a td_lock (user range), below the test harness's");
TD_HWTABLE_CHECK(TD_DMA_SPI0_RX != TD_DMA_SPI0_TX && TD_DMA_SPI1_TX > TD_DMA_SPI0_RX &&
                 TD_DMA_SPI1_RX > TD_DMA_SPI1_TX && TD_DMA_USER_FIRST > TD_DMA_SPI1_RX &&
                 TD_DMA_USER_LAST == 11, "DMA channels: SPI pairs, then the user range up to 11");
TD_HWTABLE_CHECK(TD_EP_SYS_FIRST >= 0x80 && TD_EP_SYS_LAST == 0xff &&
                 TD_EP_SYS_LAST - TD_EP_SYS_FIRST == 7, "system endpoints: 8 at the top of byte 0");
TD_HWTABLE_CHECK(TD_EP_SYS_DOORBELL >= TD_EP_SYS_FIRST && TD_EP_SYS_DOORBELL <= TD_EP_SYS_LAST,
                 "system endpoint range");

#endif /* TANDEM_HWTABLE_H */
