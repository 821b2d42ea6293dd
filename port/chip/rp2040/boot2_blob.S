/* The padded, checksummed boot2 (built from boot2.S by tools/boot2pad),
 * placed at the very start of flash by memmap.ld. */
    .section .boot2, "ax"
    .incbin BOOT2_BIN
