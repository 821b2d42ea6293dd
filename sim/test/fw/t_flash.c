/* The flash model: what the boot ROM's flash functions do to the contents,
   how long they take, and XIP being unavailable meanwhile. test_mode (set by
   the node test before the run; .noinit, so start-up leaves it) selects:
   0  core 1 spins in RAM while core 0 erases and programs through the ROM
      (from RAM, interrupts masked): contents, program only clears bits,
      times; then the ROM's own 03h XIP is back;
   1  the same with core 1 running a loop from flash: the emulator stops it;
   2  core 0 reads a constant in flash after flash_exit_xip;
   3  erase and program, then XIP restored by running boot2 from RAM (the
      quad image, q_flash, whose boot2 returns when called);
   4  an erase through the SSI's commands, BUSY polled: how long it stays set;
   5  program without flash_flush_cache, then a read through the XIP cache;
   6  three erases in a row, for power cuts: prints the cycle each starts at.
   From the command line, where memory cannot be set, GPIO 2..4 driven high
   (--gpio-in) add 1, 2, 4 to the mode. */
#include "fw.h"

#define SSI(off) REG(0x18000000u + (off))
#define ROM_CODE(a, b) ((uint32_t)(a) | ((uint32_t)(b) << 8))
#define OFFS 0x100000u                               /* 1 MiB into the flash */
#define AT(o) ((volatile uint8_t *)(0x10000000u + (o)))

__attribute__((section(".noinit"))) volatile uint32_t test_mode;

typedef void (*void_fn)(void);
static void_fn rom_connect, rom_exit_xip, rom_flush, rom_enter_xip, boot2_ram;
static void (*rom_erase)(uint32_t, uint32_t, uint32_t, uint8_t);
static void (*rom_program)(uint32_t, const uint8_t *, uint32_t);
static uint8_t page[512];
static uint32_t boot2_copy[64];
static volatile uint32_t c1_count, t_start, t_mid, t_end;
static const uint32_t in_flash = 0x12345678u;

static void *lookup(char a, char b) {
    typedef void *(*lookup_fn)(uint32_t table, uint32_t code);
    lookup_fn f = (lookup_fn)(uint32_t)*(volatile uint16_t *)0x18;
    return f(*(volatile uint16_t *)0x14, ROM_CODE(a, b));
}

static uint32_t cycles(void) { return REG(0xe0001004u); }    /* the emulator's cycle counter */

/* erase one sector and program two pages, from RAM, as the chip needs */
__attribute__((section(".ramfunc"), noinline)) static void flash_op(int flush, void_fn restore) {
    rom_connect();
    rom_exit_xip();
    t_start = TIMER_TIMERAWL;
    rom_erase(OFFS, 4096, 65536, 0xd8);
    t_mid = TIMER_TIMERAWL;
    rom_program(OFFS, page, 512);
    t_end = TIMER_TIMERAWL;
    if (flush)
        rom_flush();
    restore();
}

__attribute__((section(".ramfunc"), noinline)) static void program_again(void) {
    rom_connect();
    rom_exit_xip();
    rom_program(OFFS, page, 256);
    rom_flush();
    rom_enter_xip();
}

__attribute__((section(".ramfunc"), noinline)) static uint32_t read_after_exit(void) {
    rom_exit_xip();
    return *(volatile const uint32_t *)&in_flash;      /* out of XIP: the emulator stops here */
}

__attribute__((section(".ramfunc"), noinline)) static uint32_t ssi_erase(uint32_t offs) {
    uint32_t polls = 0, st;
    rom_exit_xip();
    SSI(0x60) = 0x06;                                  /* write enable */
    while ((SSI(0x28) & 5) != 4) { }
    (void)SSI(0x60);
    SSI(0x60) = 0x20; SSI(0x60) = offs >> 16; SSI(0x60) = (offs >> 8) & 0xff; SSI(0x60) = offs & 0xff;
    while ((SSI(0x28) & 5) != 4) { }
    for (int i = 0; i < 4; i++) (void)SSI(0x60);
    uint32_t t0 = TIMER_TIMERAWL;
    do {
        SSI(0x60) = 0x05; SSI(0x60) = 0;
        while ((SSI(0x28) & 5) != 4) { }
        (void)SSI(0x60);
        st = SSI(0x60);
        polls++;
    } while (st & 1);
    t_end = TIMER_TIMERAWL - t0;
    rom_flush();
    rom_enter_xip();
    return polls;
}

volatile uint32_t erase_at[3];
__attribute__((section(".ramfunc"), noinline)) static void three_erases(void) {
    rom_connect();
    rom_exit_xip();
    for (int i = 0; i < 3; i++) {
        erase_at[i] = REG(0xe0001004u);
        rom_erase(OFFS + 4096u * (uint32_t)i, 4096, 65536, 0xd8);
    }
    rom_flush();
    rom_enter_xip();
}

__attribute__((section(".ramfunc"), noinline)) static void core1_ram_loop(void) {
    for (;;) c1_count++;
}
static void core1_flash_loop(void) {
    for (;;) c1_count++;
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    rom_connect = (void_fn)lookup('I', 'F');
    rom_exit_xip = (void_fn)lookup('E', 'X');
    rom_flush = (void_fn)lookup('F', 'C');
    rom_enter_xip = (void_fn)lookup('C', 'X');
    rom_erase = (void (*)(uint32_t, uint32_t, uint32_t, uint8_t))lookup('R', 'E');
    rom_program = (void (*)(uint32_t, const uint8_t *, uint32_t))lookup('R', 'P');
    CHECK(rom_connect && rom_exit_xip && rom_flush && rom_enter_xip && rom_erase && rom_program);
    for (int i = 0; i < 512; i++) page[i] = (uint8_t)(i * 7 + 1);
    uint32_t mode = test_mode + ((SIO_GPIO_IN >> 2) & 7u);
    fw_printf("mode=%u\n", mode);

    if (mode == 0 || mode == 1) {
        fw_launch_core1(mode == 0 ? core1_ram_loop : core1_flash_loop, __stack1_top, vectors);
        while (c1_count < 100) { }
        uint32_t p = primask_save();
        flash_op(1, rom_enter_xip);
        primask_restore(p);
        uint32_t bad = 0;
        for (uint32_t i = 0; i < 512; i++) bad += *AT(OFFS + i) != page[i];
        for (uint32_t i = 512; i < 4096; i++) bad += *AT(OFFS + i) != 0xff;
        fw_printf("erase_us=%u program_us=%u bad=%u\n", t_mid - t_start, t_end - t_mid, bad);
        CHECK(bad == 0);
        /* programming again can only clear bits: old & new */
        for (int i = 0; i < 256; i++) page[i] = 0x0f;
        p = primask_save();
        program_again();
        primask_restore(p);
        for (uint32_t i = 0; i < 256; i++) bad += *AT(OFFS + i) != (uint8_t)(((i * 7 + 1) & 0xff) & 0x0f);
        fw_printf("and_bad=%u c1_count_moved=%u\n", bad, c1_count > 100);
        CHECK(bad == 0);
        return 0;
    }
    if (mode == 2) {
        uint32_t p = primask_save();
        uint32_t v = read_after_exit();
        primask_restore(p);
        fw_printf("read %x\n", v);
        return 0;
    }
    if (mode == 3) {
        for (int i = 0; i < 64; i++) boot2_copy[i] = ((volatile uint32_t *)0x10000000u)[i];
        boot2_ram = (void_fn)((uint32_t)boot2_copy + 1);
        uint32_t p = primask_save();
        flash_op(1, boot2_ram);
        primask_restore(p);
        uint32_t bad = 0;
        for (uint32_t i = 0; i < 512; i++) bad += *AT(OFFS + i) != page[i];
        fw_printf("boot2_restored bad=%u ctrlr0=%x spi_ctrlr0=%x\n", bad, SSI(0x00), SSI(0xf4));
        CHECK(bad == 0);
        return 0;
    }
    if (mode == 4) {
        uint32_t p = primask_save();
        uint32_t polls = ssi_erase(OFFS);
        primask_restore(p);
        fw_printf("ssi_erase_us=%u polls=%u erased=%u\n", t_end, polls, *AT(OFFS) == 0xff);
        return 0;
    }
    if (mode == 5) {
        uint32_t p = primask_save();
        flash_op(0, rom_enter_xip);
        primask_restore(p);
        fw_printf("unflushed %x\n", *(volatile uint32_t *)(0x10000000u + OFFS));
        return 0;
    }
    if (mode == 6) {
        uint32_t p = primask_save();
        three_erases();
        primask_restore(p);
        fw_printf("erase_at=%u,%u,%u now=%u\n", erase_at[0], erase_at[1], erase_at[2], cycles());
        return 0;
    }
    fw_fail("unknown mode");
}
