/*
 * boot2.S: tandem's second-stage bootloader.
 *
 * The boot ROM copies the first 256 bytes of flash to the top of SRAM5
 * (0x20041f00), checks their CRC32 (the last 4 bytes) and enters here with
 * LR = 0. The ROM has already left the XIP SSI in a slow serial mode; we set
 * it up for the plain 03h READ command with a 24-bit address, which every SPI
 * NOR flash understands, at clk_sys / 4 (31.25 MHz once clk_sys is 125 MHz,
 * inside the 03h limit of common parts). Then we vector into the image: VTOR,
 * MSP and the reset handler come from the vector table that follows boot2 in
 * flash (0x10000100).
 *
 * If called as a function (LR != 0), it returns to the caller instead, so the
 * flash can be re-initialised after a flash erase/program sequence.
 *
 * The code is position independent (only PC-relative literals). tools/boot2pad
 * pads it to 252 bytes and appends the CRC the ROM checks.
 */
#include "hw/ssi.h"

#define CLKDIV 4

#define CTRLR0_XIP ((0 << SSI_CTRLR0_SPI_FRF_LSB) |     /* standard 1-bit SPI */ \
                    (31 << SSI_CTRLR0_DFS_32_LSB) |     /* 32-bit data frames */ \
                    (SSI_CTRLR0_TMOD_EEPROM_READ << SSI_CTRLR0_TMOD_LSB))

#define SPI_CTRLR0_XIP ((0x03 << SSI_SPI_CTRLR0_XIP_CMD_LSB) | /* READ (03h) */ \
                        (2 << SSI_SPI_CTRLR0_INST_L_LSB) |     /* 8-bit command */ \
                        (6 << SSI_SPI_CTRLR0_ADDR_L_LSB) |     /* 24-bit address */ \
                        (0 << SSI_SPI_CTRLR0_TRANS_TYPE_LSB))  /* all serial */

    .syntax unified
    .cpu cortex-m0plus
    .thumb
    .section .text.boot2, "ax"
    .global _boot2_entry
    .type _boot2_entry, %function
    .thumb_func
_boot2_entry:
    push {lr}
    ldr r3, =XIP_SSI_BASE
    movs r1, #0
    str r1, [r3, #SSI_SSIENR_OFFSET]      /* SSI off while we configure it */
    movs r1, #CLKDIV
    str r1, [r3, #SSI_BAUDR_OFFSET]
    ldr r1, =CTRLR0_XIP
    str r1, [r3, #SSI_CTRLR0_OFFSET]
    movs r1, #0
    str r1, [r3, #SSI_CTRLR1_OFFSET]      /* one data frame per XIP access */
    ldr r1, =SPI_CTRLR0_XIP
    ldr r0, =(XIP_SSI_BASE + SSI_SPI_CTRLR0_OFFSET)
    str r1, [r0]
    movs r1, #1
    str r1, [r3, #SSI_SSIENR_OFFSET]      /* SSI on: XIP reads now work */

    pop {r0}
    cmp r0, #0
    beq vector_into_flash
    bx r0                                  /* called as a function: return */

vector_into_flash:
    ldr r0, =0x10000100                    /* vector table after boot2 */
    ldr r1, =0xe000ed08                    /* VTOR */
    str r0, [r1]
    ldmia r0, {r0, r1}                     /* initial SP, reset handler */
    msr msp, r0
    bx r1

    .ltorg
