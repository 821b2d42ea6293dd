#include <stdarg.h>
#include "fw.h"

void fw_clocks_init(void) {
    /* XOSC at 12 MHz */
    REG(0x40024000 + 0x00) = 0xaa0;                 /* CTRL.FREQ_RANGE 1-15 MHz */
    REG(0x40024000 + 0x0c) = 47;                    /* STARTUP delay */
    REG(0x40024000 + ALIAS_SET + 0x00) = 0xfab << 12; /* CTRL.ENABLE */
    while (!(REG(0x40024000 + 0x04) & 0x80000000u)) { } /* STATUS.STABLE */
    /* clk_ref from XOSC */
    REG(0x40008000 + 0x30) = 2;
    while (!(REG(0x40008000 + 0x38) & 4)) { }
    /* PLL_SYS: 12 MHz * 125 = 1500 MHz VCO, /6 /2 = 125 MHz */
    REG(RESETS_BASE + ALIAS_CLR) = 1u << 12;        /* pll_sys out of reset */
    while (!(REG(RESETS_BASE + 0x8) & (1u << 12))) { }
    REG(0x40028000 + 0x00) = 1;                     /* CS.REFDIV */
    REG(0x40028000 + 0x08) = 125;                   /* FBDIV_INT */
    REG(0x40028000 + ALIAS_CLR + 0x04) = (1u << 0) | (1u << 5); /* PWR: PD, VCOPD off */
    while (!(REG(0x40028000 + 0x00) & 0x80000000u)) { } /* CS.LOCK */
    REG(0x40028000 + 0x0c) = (6u << 16) | (2u << 12);   /* PRIM */
    REG(0x40028000 + ALIAS_CLR + 0x04) = 1u << 3;   /* POSTDIVPD off */
    /* clk_sys: aux source pll_sys, then glitchless switch to aux */
    REG(0x40008000 + 0x3c) = 0;
    REG(0x40008000 + 0x3c) = 1;                     /* SRC = clksrc_clk_sys_aux (AUXSRC 0 = pll_sys) */
    while (!(REG(0x40008000 + 0x44) & 2)) { }
    /* clk_peri = clk_sys, enabled */
    REG(0x40008000 + 0x48) = 1u << 11;
}

void fw_uart_init(void) {
    REG(RESETS_BASE + ALIAS_CLR) = (1u << 22) | (1u << 5) | (1u << 8); /* uart0, io_bank0, pads_bank0 */
    while ((REG(RESETS_BASE + 0x8) & ((1u << 22) | (1u << 5) | (1u << 8))) != ((1u << 22) | (1u << 5) | (1u << 8))) { }
    REG(IO_BANK0_BASE + 0x04) = 2;                  /* GPIO0 -> UART0 TX */
    REG(IO_BANK0_BASE + 0x0c) = 2;                  /* GPIO1 -> UART0 RX */
    REG(UART0_BASE + 0x24) = 67;                    /* 125 MHz / (16 * 115200) = 67.82 */
    REG(UART0_BASE + 0x28) = 52;
    REG(UART0_BASE + 0x2c) = (3u << 5) | (1u << 4); /* 8 bits, FIFOs on */
    REG(UART0_BASE + 0x30) = (1u << 0) | (1u << 8) | (1u << 9);
}

void fw_putc(char c) {
    while (REG(UART0_BASE + 0x18) & (1u << 5)) { }  /* TXFF */
    REG(UART0_BASE + 0x00) = (uint8_t)c;
}
void fw_puts(const char *s) { while (*s) fw_putc(*s++); }
void fw_put_u32(uint32_t v) {
    char b[11]; int i = 10; b[i] = 0;
    do { b[--i] = (char)('0' + v % 10); v /= 10; } while (v);
    fw_puts(&b[i]);
}
void fw_put_hex(uint32_t v) {
    fw_puts("0x");
    for (int s = 28; s >= 0; s -= 4) fw_putc("0123456789abcdef"[(v >> s) & 0xf]);
}
void fw_printf(const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') { fw_putc(*fmt); continue; }
        switch (*++fmt) {
        case 's': fw_puts(va_arg(ap, const char *)); break;
        case 'u': fw_put_u32(va_arg(ap, uint32_t)); break;
        case 'd': { int32_t v = va_arg(ap, int32_t); if (v < 0) { fw_putc('-'); v = -v; } fw_put_u32((uint32_t)v); break; }
        case 'x': fw_put_hex(va_arg(ap, uint32_t)); break;
        case 'c': fw_putc((char)va_arg(ap, int)); break;
        default: fw_putc(*fmt); break;
        }
    }
    va_end(ap);
}

void fw_exit(int code) {
    if (REG(UART0_BASE + 0x30) & 1) while (REG(UART0_BASE + 0x18) & (1u << 3)) { } /* BUSY */
    switch (code) {
    case 0: __asm volatile("bkpt #0"); break;
    case 1: __asm volatile("bkpt #1"); break;
    case 2: __asm volatile("bkpt #2"); break;
    default: __asm volatile("bkpt #3"); break;
    }
    for (;;) { }
}
void fw_fail(const char *what) {
    fw_printf("FAIL %s\n", what);
    fw_exit(1);
}

void fw_reset_core1(void) {
    REG(PSM_FRCE_OFF + ALIAS_SET) = 1u << 16;
    while (!(REG(PSM_FRCE_OFF) & (1u << 16))) { }
    REG(PSM_FRCE_OFF + ALIAS_CLR) = 1u << 16;
}

unsigned fw_fifo_drain(void) {
    unsigned n = 0;
    for (; n < FIFO_DEPTH && (SIO_FIFO_ST & FIFO_VLD); n++) (void)SIO_FIFO_RD;
    return n;
}
void fw_fifo_push(uint32_t v) { while (!(SIO_FIFO_ST & FIFO_RDY)) { } SIO_FIFO_WR = v; sev(); }
uint32_t fw_fifo_pop(void) { while (!(SIO_FIFO_ST & FIFO_VLD)) wfe(); return SIO_FIFO_RD; }

int fw_launch_core1(void (*entry)(void), uint32_t *sp, const uint32_t *vtor) {
    const uint32_t seq[] = { 0, 0, 1, (uint32_t)vtor, (uint32_t)sp, (uint32_t)entry };
    unsigned i = 0;
    int restarts = 0;
    while (i < 6) {
        uint32_t cmd = seq[i];
        if (!cmd) { fw_fifo_drain(); sev(); }
        fw_fifo_push(cmd);
        uint32_t r = fw_fifo_pop();
        if (r == cmd) i++; else { i = 0; restarts++; }
    }
    return restarts;
}
