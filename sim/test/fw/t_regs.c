/* Registers an independent boot2 or startup touches: VREG_AND_CHIP_RESET,
   IO_QSPI, the SSI talking to the flash chip (JEDEC id, status, write enable,
   erase and page program), and the boot ROM's header and function table
   (including its flash erase/program functions). */
#include "fw.h"

#define SSI(off) REG(0x18000000u + (off))
#define SSI_CTRLR0 0x00
#define SSI_SSIENR 0x08
#define SSI_SR 0x28
#define SSI_DR0 0x60
#define SSI_SPI_CTRLR0 0xf4

typedef uint32_t (*rom_lookup_fn)(const uint16_t *table, uint32_t code);
#define ROM_CODE(a, b) ((uint32_t)(a) | ((uint32_t)(b) << 8))

static uint8_t xfer_buf[8];
static uint32_t saved_ctrlr0, saved_spi;

/* Runs from RAM: the SSI is out of XIP mode meanwhile (as it must be on the chip).
   After a program or erase it polls the status register until BUSY clears. */
__attribute__((section(".ramfunc"), noinline)) static void ssi_cmd(const uint8_t *tx, uint8_t *rx, int n) {
    saved_ctrlr0 = SSI(SSI_CTRLR0);
    saved_spi = SSI(SSI_SPI_CTRLR0);
    SSI(SSI_SSIENR) = 0;
    SSI(SSI_CTRLR0) = 7u << 16;                     /* 8-bit frames, transmit and receive */
    SSI(SSI_SSIENR) = 1;
    for (int i = 0; i < n; i++) SSI(SSI_DR0) = tx[i];
    while ((SSI(SSI_SR) & 5) != 4) { }              /* TFE set, BUSY clear */
    for (int i = 0; i < n; i++) rx[i] = (uint8_t)SSI(SSI_DR0);
    if (tx[0] == 0x02 || tx[0] == 0x20) {
        uint32_t st;
        do {
            SSI(SSI_DR0) = 0x05;
            SSI(SSI_DR0) = 0;
            while ((SSI(SSI_SR) & 5) != 4) { }
            (void)SSI(SSI_DR0);
            st = SSI(SSI_DR0);
        } while (st & 1);
    }
    SSI(SSI_SSIENR) = 0;
    SSI(SSI_CTRLR0) = saved_ctrlr0;
    SSI(SSI_SPI_CTRLR0) = saved_spi;
    SSI(SSI_SSIENR) = 1;
}

/* The boot ROM's flash functions, called as the chip needs them: from RAM,
   out of XIP mode, the cache flushed and XIP restored afterwards. */
typedef void (*rom_void_fn)(void);
static rom_void_fn rom_connect, rom_exit_xip, rom_flush, rom_enter_xip;
static void (*rom_erase)(uint32_t, uint32_t, uint32_t, uint8_t);
static void (*rom_program)(uint32_t, const uint8_t *, uint32_t);
static uint8_t page_buf[256];
__attribute__((section(".ramfunc"), noinline)) static void rom_flash_op(uint32_t offs) {
    rom_connect();
    rom_exit_xip();
    rom_erase(offs, 4096, 65536, 0xd8);
    rom_program(offs, page_buf, 256);
    rom_flush();
    rom_enter_xip();
}

static void cmd(void (*fn)(const uint8_t *, uint8_t *, int), int n, uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t e) {
    uint8_t tx[5] = { a, b, c, d, e };
    fn(tx, xfer_buf, n);
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    uint32_t vreg = REG(0x40064000), chip = REG(0x40064008);
    fw_printf("vreg=%x chip_reset=%x\n", vreg, chip);
    CHECK((vreg & 0xff) == 0xb1 && (chip & (1u << 8)));
    REG(0x40018000 + 0x0c) = 0x1f;                  /* IO_QSPI SS CTRL */
    CHECK(REG(0x40018000 + 0x0c) == 0x1f && REG(0x40018000 + 0x08) == 0);

    void (*x)(const uint8_t *, uint8_t *, int) = ssi_cmd;
    cmd(x, 4, 0x9f, 0, 0, 0, 0);
    fw_printf("jedec=%x,%x,%x\n", xfer_buf[1], xfer_buf[2], xfer_buf[3]);
    CHECK(xfer_buf[1] == 0xef && xfer_buf[2] == 0x40 && xfer_buf[3] == 0x15);
    cmd(x, 2, 0x05, 0, 0, 0, 0);
    CHECK(xfer_buf[1] == 0);                        /* not busy, WEL clear */
    cmd(x, 1, 0x06, 0, 0, 0, 0);                    /* write enable */
    cmd(x, 2, 0x05, 0, 0, 0, 0);
    CHECK(xfer_buf[1] == 2);
    cmd(x, 4, 0x20, 0x10, 0x00, 0x00, 0);           /* erase sector at 1 MB */
    cmd(x, 1, 0x06, 0, 0, 0, 0);
    cmd(x, 5, 0x02, 0x10, 0x00, 0x00, 0x5a);        /* program one byte */
    CHECK(*(volatile uint8_t *)0x10100000 == 0x5a && *(volatile uint8_t *)0x10100001 == 0xff);

    /* boot ROM header and function table */
    CHECK(*(volatile uint16_t *)0x10 == ('M' | ('u' << 8)));
    rom_lookup_fn lookup = (rom_lookup_fn)(uint32_t)*(volatile uint16_t *)0x18;
    const uint16_t *funcs = (const uint16_t *)(uint32_t)*(volatile uint16_t *)0x14;
    rom_erase = (void (*)(uint32_t, uint32_t, uint32_t, uint8_t))lookup(funcs, ROM_CODE('R', 'E'));
    rom_program = (void (*)(uint32_t, const uint8_t *, uint32_t))lookup(funcs, ROM_CODE('R', 'P'));
    rom_connect = (rom_void_fn)lookup(funcs, ROM_CODE('I', 'F'));
    rom_exit_xip = (rom_void_fn)lookup(funcs, ROM_CODE('E', 'X'));
    rom_flush = (rom_void_fn)lookup(funcs, ROM_CODE('F', 'C'));
    rom_enter_xip = (rom_void_fn)lookup(funcs, ROM_CODE('C', 'X'));
    CHECK(rom_erase && rom_program && rom_connect && rom_exit_xip && rom_flush && rom_enter_xip);
    CHECK(lookup(funcs, ROM_CODE('Z', 'Z')) == 0);
    for (int i = 0; i < 256; i++) page_buf[i] = 0xff;
    page_buf[0] = 1; page_buf[1] = 2; page_buf[2] = 3; page_buf[3] = 4;
    rom_flash_op(0x100000);
    CHECK(*(volatile uint32_t *)0x10100000 == 0x04030201 && *(volatile uint32_t *)0x10100004 == 0xffffffffu);
    uint32_t (*popcount)(uint32_t) = (uint32_t (*)(uint32_t))lookup(funcs, ROM_CODE('P', '3'));
    uint32_t (*reverse)(uint32_t) = (uint32_t (*)(uint32_t))lookup(funcs, ROM_CODE('R', '3'));
    uint32_t (*clz)(uint32_t) = (uint32_t (*)(uint32_t))lookup(funcs, ROM_CODE('L', '3'));
    uint32_t (*ctz)(uint32_t) = (uint32_t (*)(uint32_t))lookup(funcs, ROM_CODE('T', '3'));
    CHECK(popcount(0xf0f00001u) == 9 && reverse(0x00000001u) == 0x80000000u && reverse(0x12345678u) == 0x1e6a2c48u);
    CHECK(clz(0x00010000u) == 15 && clz(0) == 32 && ctz(0x00010000u) == 16 && ctz(0) == 32);
    /* UART1 on GPIO4/5 */
    REG(RESETS_BASE + ALIAS_CLR) = 1u << 23;
    while (!(REG(RESETS_BASE + 0x8) & (1u << 23))) { }
    REG(IO_BANK0_BASE + 8 * 4 + 4) = 2;
    REG(0x40038000 + 0x24) = 67; REG(0x40038000 + 0x28) = 52;
    REG(0x40038000 + 0x2c) = (3u << 5) | (1u << 4);
    REG(0x40038000 + 0x30) = (1u << 0) | (1u << 8);
    for (const char *m = "uart1 works\n"; *m; m++) {
        while (REG(0x40038000 + 0x18) & (1u << 5)) { }
        REG(0x40038000) = (uint8_t)*m;
    }
    while (REG(0x40038000 + 0x18) & (1u << 3)) { }
    fw_puts("regs ok\n");
    return 0;
}
