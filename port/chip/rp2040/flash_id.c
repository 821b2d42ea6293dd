/*
 * flash_id.c: the flash's unique id (flash_id.h). The sequence follows the
 * datasheet's description of the boot ROM flash functions (2.8.3.1.3):
 * connect the SSI to the QSPI pads (IF), leave XIP (EX), talk to the flash
 * with the SSI in plain serial mode and the chip select forced low through
 * the QSPI pad override, flush the XIP cache (FC, which also releases the
 * chip select override), then call the RAM copy of boot2 (rom.h), which
 * sets up XIP again and returns to its caller when called as a function.
 */
#include "flash_id.h"

#include "hw/ssi.h"
#include "port.h"
#include "rom.h"
#include "tandem/error.h"

#include <stdbool.h>

#define RUID_CMD    0x4bu
#define RUID_DUMMY  4u
#define RUID_ID     8u
#define RUID_TOTAL  (1u + RUID_DUMMY + RUID_ID)

#define SSI_REG(off) (*(volatile uint32_t *)(XIP_SSI_BASE + (off)))
#define SSI_SER_OFFSET   0x10u
#define SSI_SR_TFNF_BITS 0x02u
#define SSI_SR_RFNE_BITS 0x08u

/* IO_QSPI GPIO_QSPI_SS_CTRL: OUTOVER (bits 9:8) 0 normal, 2 low, 3 high */
#define QSPI_SS_CTRL (*(volatile uint32_t *)0x4001800cu)
#define QSPI_SS_OUTOVER_BITS 0x300u
#define QSPI_SS_OUTOVER_LOW  0x200u
#define QSPI_SS_OUTOVER_HIGH 0x300u

#define POLL_LIMIT 100000u      /* a few ms: the transfer takes about 13 us */

/* Runs from RAM (.ram_text, copied with .data): no flash access between EX and boot2's return,
 * so nothing here calls flash code; the ROM functions and boot2's copy are
 * reached through pointers. Returns whether all bytes came back. Called as
 * a long call, without a linker veneer (see armv6m's halted, cpu.c). */
__attribute__((noinline, long_call, section(".ram_text.rp2040_flash_id")))
static bool ruid_from_ram(uint8_t *rx)
{
    rp2040_rom.connect_internal_flash();
    rp2040_rom.flash_exit_xip();
    /* plain serial SPI, 8-bit frames, transmit and receive */
    SSI_REG(SSI_SSIENR_OFFSET) = 0;
    SSI_REG(SSI_CTRLR0_OFFSET) = 7u << SSI_CTRLR0_DFS_32_LSB;
    SSI_REG(SSI_SER_OFFSET) = 1;                /* the flash is slave 0 */
    SSI_REG(SSI_SSIENR_OFFSET) = 1;
    QSPI_SS_CTRL = (QSPI_SS_CTRL & ~QSPI_SS_OUTOVER_BITS) | QSPI_SS_OUTOVER_LOW;
    /* all 13 frames at once: the FIFOs are 16 deep */
    for (uint32_t i = 0; i < RUID_TOTAL; i++) {
        for (uint32_t n = POLL_LIMIT; n && !(SSI_REG(SSI_SR_OFFSET) & SSI_SR_TFNF_BITS); n--)
            ;
        SSI_REG(SSI_DR0_OFFSET) = i == 0 ? RUID_CMD : 0u;
    }
    uint32_t got = 0;
    for (uint32_t n = POLL_LIMIT; n && got < RUID_TOTAL; n--)
        if (SSI_REG(SSI_SR_OFFSET) & SSI_SR_RFNE_BITS)
            rx[got++] = (uint8_t)SSI_REG(SSI_DR0_OFFSET);
    QSPI_SS_CTRL = (QSPI_SS_CTRL & ~QSPI_SS_OUTOVER_BITS) | QSPI_SS_OUTOVER_HIGH;
    rp2040_rom.flash_flush_cache();
    QSPI_SS_CTRL &= ~QSPI_SS_OUTOVER_BITS;
    rp2040_rom.boot2();
    return got == RUID_TOTAL;
}

int rp2040_flash_unique_id(uint8_t id[8])
{
    if (rp2040_rom.connect_internal_flash == NULL || rp2040_rom.flash_exit_xip == NULL ||
        rp2040_rom.flash_flush_cache == NULL || rp2040_rom.boot2 == NULL)
        return TD_ERR_UNSUPPORTED;
    uint8_t rx[RUID_TOTAL] = {0};
    port_irq_state_t s = port_irq_save();
    bool ok = ruid_from_ram(rx);
    port_irq_restore(s);
    uint8_t all_or = 0, all_and = 0xff;
    for (unsigned i = 0; i < RUID_ID; i++) {
        id[i] = rx[1u + RUID_DUMMY + i];
        all_or |= id[i];
        all_and &= id[i];
    }
    return ok && all_or != 0 && all_and != 0xff ? TD_OK : TD_ERR_NO_RESPONSE;
}
