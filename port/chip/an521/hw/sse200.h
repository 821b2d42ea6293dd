/* hw/sse200.h: the blocks of the Arm SSE-200 subsystem (two Cortex-M33
 * cores) and the MPS2+ AN521 FPGA image around it that tandem uses, at
 * their Secure addresses (the 0x5xxxxxxx alias of the 0x4xxxxxxx
 * peripheral region). Sources: the SSE-200 Technical Reference Manual
 * (system control, MHU, CPU identity), Arm Application Note AN521
 * (memory map, UARTs, interrupts), the CMSDK APB UART and timer
 * descriptions; checked against QEMU's mps2-an521 model. */
#ifndef TANDEM_HW_SSE200_H
#define TANDEM_HW_SSE200_H

#include <stdint.h>

typedef volatile uint32_t io_rw32;
typedef const volatile uint32_t io_ro32;

/* System control (Secure only): core 1's boot address and wait bit. */
typedef struct {
    uint32_t _rsvd0[64];
    io_rw32 reset_syndrome;     /* 0x100 */
    io_rw32 reset_mask;         /* 0x104 */
    io_rw32 swreset;            /* 0x108: bit 9 SWRESETREQ, the whole system */
    io_rw32 gretreg;            /* 0x10c: general-purpose retention */
    io_rw32 initsvtor0;         /* 0x110 */
    io_rw32 initsvtor1;         /* 0x114: core 1's Secure vector table at reset */
    io_rw32 cpuwait;            /* 0x118: bit n holds core n at reset */
} sysctl_hw_t;
#define SYSCTL ((sysctl_hw_t *)0x50021000u)
#define SYSCTL_CPUWAIT_CPU1_BITS 0x2u
#define SYSCTL_SWRESET_REQ_BITS  (1u << 9)

/* CPU_IDENTITY: each core reads its own number at the same address. */
#define CPU_IDENTITY_CPUID ((io_ro32 *)0x5001f000u)

/* Message handling units: 32 doorbell bits towards each core; a core's
 * interrupt (MHU0: IRQ 6, MHU1: IRQ 7, in each core's own NVIC) is high
 * while any of its bits is set. */
typedef struct {
    io_ro32 cpu0intr_stat;      /* 0x00 */
    io_rw32 cpu0intr_set;       /* 0x04 */
    io_rw32 cpu0intr_clr;       /* 0x08 */
    uint32_t _rsvd0;
    io_ro32 cpu1intr_stat;      /* 0x10 */
    io_rw32 cpu1intr_set;       /* 0x14 */
    io_rw32 cpu1intr_clr;       /* 0x18 */
} mhu_hw_t;
#define MHU0 ((mhu_hw_t *)0x50003000u)
#define MHU1 ((mhu_hw_t *)0x50004000u)

/* CMSDK APB timers (a 32-bit down counter on MAINCLK, 20 MHz). */
typedef struct {
    io_rw32 ctrl;               /* bit 0 enable, bit 3 interrupt enable */
    io_rw32 value;
    io_rw32 reload;
    io_rw32 intstatus;          /* write 1: clear */
} cmsdk_timer_hw_t;
#define TIMER0 ((cmsdk_timer_hw_t *)0x50000000u)
#define TIMER1 ((cmsdk_timer_hw_t *)0x50001000u)
#define TIMER_CTRL_EN_BITS    0x1u
#define TIMER_CTRL_INTEN_BITS 0x8u

/* CMSDK APB UART (AN521 UART0 is the console). */
typedef struct {
    io_rw32 data;
    io_rw32 state;              /* bit 0 TX full */
    io_rw32 ctrl;               /* bit 0 TX enable, bit 2 TX interrupt enable */
    io_rw32 intstatus;          /* write 1: clear; bit 0 TX */
    io_rw32 bauddiv;
} cmsdk_uart_hw_t;
#define UART0 ((cmsdk_uart_hw_t *)0x50200000u)
#define UART_STATE_TXFULL_BITS 0x1u
#define UART_STATE_RXFULL_BITS 0x2u   /* a received byte waits in DATA */
#define UART_CTRL_TXEN_BITS    0x1u
#define UART_CTRL_RXEN_BITS    0x2u
#define UART_CTRL_TXINTEN_BITS 0x4u
#define UART_INT_TX_BITS       0x1u

#endif
