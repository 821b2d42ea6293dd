/*
 * Minimal second-stage bootloader for the simulator's test firmware.
 * Configures the SSI for plain 03h serial reads through XIP (what the ROM
 * leaves is not relied upon), then enters the flash image: VTOR = 0x10000100,
 * MSP and PC from that vector table. Padded to 252 bytes; tools/boot2crc.js
 * appends the CRC32 the ROM checks.
 */
        .syntax unified
        .cpu cortex-m0plus
        .thumb
        .equ SSI_BASE,      0x18000000
        .equ SSI_CTRLR0,    0x00
        .equ SSI_CTRLR1,    0x04
        .equ SSI_SSIENR,    0x08
        .equ SSI_BAUDR,     0x14
        .equ SSI_SPI_CTRLR0, 0xf4
        .equ VTOR,          0xe000ed08
        .equ IMAGE,         0x10000100

        .section .text
        .global boot2_entry
        .thumb_func
boot2_entry:
        ldr     r3, =SSI_BASE
        movs    r1, #0
        str     r1, [r3, #SSI_SSIENR]
        movs    r1, #4
        str     r1, [r3, #SSI_BAUDR]            /* clk_sys / 4 */
        ldr     r1, =((31 << 16) | (3 << 8))    /* 32-bit frames, TMOD = EEPROM read */
        str     r1, [r3, #SSI_CTRLR0]
        movs    r1, #0
        str     r1, [r3, #SSI_CTRLR1]           /* one data frame per access */
        ldr     r1, =((0x03 << 24) | (2 << 8) | (6 << 2)) /* XIP_CMD 03h, 8-bit instruction, 24-bit address */
        ldr     r2, =SSI_SPI_CTRLR0
        str     r1, [r3, r2]
        movs    r1, #1
        str     r1, [r3, #SSI_SSIENR]
        /* LR = 0 from the ROM: enter the image's vector table */
        ldr     r0, =IMAGE
        ldr     r1, =VTOR
        str     r0, [r1]
        ldmia   r0!, {r1, r2}
        msr     msp, r1
        bx      r2
        .ltorg
