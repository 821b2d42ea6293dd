/*
 * tandem/hwtable.h: the one table of shared hardware numbers.
 *
 * Every hardware spinlock, reserved FIFO endpoint and interrupt priority that
 * tandem uses is named here and nowhere else, and checked at compile time.
 * Application code may use the spinlocks in the TD_SPIN_USER range.
 */
#ifndef TANDEM_HWTABLE_H
#define TANDEM_HWTABLE_H

/* ---- hardware spinlocks (0..31) ---- */
#define TD_SPIN_CONSOLE       0   /* console line output */
#define TD_SPIN_KERNEL        1   /* cross-core kernel bookkeeping */
#define TD_SPIN_MSG           2   /* inter-core message multiplexer state */
#define TD_SPIN_FAULT         3   /* fault record hand-over */
#define TD_SPIN_USB           4   /* USB device stack state (port/rp2040/usb) */
#define TD_SPIN_XSYNC_FIRST   8   /* cross-core mutexes/semaphores */
#define TD_SPIN_XSYNC_LAST   15
#define TD_SPIN_USER_FIRST   16   /* td_lock objects and application use */
#define TD_SPIN_USER_LAST    31

/* ---- reserved FIFO endpoints (byte 0 of a FIFO word, see tandem/msg.h) ----
 * User endpoints are 0 .. TD_MSG_ENDPOINTS-1; these belong to the system.
 * A system word is a doorbell: what it asks for is recorded in shared
 * memory first, so a doorbell left out because the FIFO was full is not
 * lost (docs/messages.md). */
#define TD_EP_SYS_FIRST     0xf8
#define TD_EP_SYS_XSYNC     0xf8  /* wake cross-core mutex/semaphore waiters */
#define TD_EP_SYS_FLOW      0xf9  /* room appeared: move your queued words */
#define TD_EP_SYS_ROOM      0xfa  /* I wait for FIFO room: say FLOW after draining */
#define TD_EP_SYS_CHAN      0xfb  /* bulk channel doorbell (payload: channel) */
#define TD_EP_SYS_ANNOUNCE  0xfc  /* my endpoint table changed */
#define TD_EP_SYS_PING      0xfd  /* supervision: answer with PONG */
#define TD_EP_SYS_PONG      0xfe  /* supervision: the answer */
#define TD_EP_SYS_FAULT     0xff  /* I faulted (payload: reason) */
#define TD_EP_SYS_LAST      0xff

/* ---- interrupt numbers (RP2040) ---- */
#define TD_IRQ_TIMER0         0
#define TD_IRQ_USBCTRL        5
#define TD_IRQ_SIO_PROC0     15
#define TD_IRQ_SIO_PROC1     16
#define TD_IRQ_UART0         20
#define TD_IRQ_UART1         21
#define TD_IRQ_I2C0          23
#define TD_IRQ_I2C1          24

/* ---- interrupt priorities (0 highest, 3 lowest on the M0+) ---- */
#define TD_PRIO_FIFO          1   /* inter-core FIFO: messages and supervision */
#define TD_PRIO_TICK          2   /* SysTick */
#define TD_PRIO_DEVICE        2   /* device interrupts by default */
#define TD_PRIO_USB           2   /* the USB controller, on core 0 (docs/usb.md) */
#define TD_PRIO_PENDSV        3   /* context switch: always the lowest */

#define TD_HWTABLE_CHECK(c, m) _Static_assert(c, "hwtable: " m)
TD_HWTABLE_CHECK(TD_SPIN_CONSOLE < TD_SPIN_XSYNC_FIRST, "system spinlocks overlap");
TD_HWTABLE_CHECK(TD_SPIN_FAULT < TD_SPIN_XSYNC_FIRST, "system spinlocks overlap");
TD_HWTABLE_CHECK(TD_SPIN_USB < TD_SPIN_XSYNC_FIRST, "system spinlocks overlap");
TD_HWTABLE_CHECK(TD_SPIN_XSYNC_LAST < TD_SPIN_USER_FIRST, "xsync and user ranges overlap");
TD_HWTABLE_CHECK(TD_SPIN_USER_LAST <= 31, "spinlock number out of range");
TD_HWTABLE_CHECK(TD_EP_SYS_FIRST >= 0x80 && TD_EP_SYS_LAST == 0xff &&
                 TD_EP_SYS_LAST - TD_EP_SYS_FIRST == 7, "system endpoints: 8 at the top of byte 0");
TD_HWTABLE_CHECK(TD_EP_SYS_XSYNC == TD_EP_SYS_FIRST && TD_EP_SYS_FAULT == TD_EP_SYS_LAST,
                 "system endpoint range");
TD_HWTABLE_CHECK(TD_PRIO_PENDSV == 3, "PendSV must be the lowest priority");

#endif /* TANDEM_HWTABLE_H */
