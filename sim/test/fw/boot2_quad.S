/*
 * A second-stage bootloader in the style of the vendor's quad-SPI ones (our
 * own code): it talks to the flash through the SSI data register (read
 * status register 2, set the QE bit with write enable + write status if it
 * is clear, poll the busy bit), then switches the SSI to quad I/O reads with
 * continuous-read mode bits (EBh, mode A0h) and enters the image.
 */
        .syntax unified
        .cpu cortex-m0plus
        .thumb
        .equ SSI_BASE,      0x18000000
        .equ CTRLR0,        0x00
        .equ CTRLR1,        0x04
        .equ SSIENR,        0x08
        .equ BAUDR,         0x14
        .equ SR,            0x28
        .equ DR0,           0x60
        .equ RX_SAMPLE_DLY, 0xf0
        .equ SPI_CTRLR0,    0xf4

        .section .text
        .global boot2_entry
        .thumb_func
boot2_entry:
        push    {lr}
        ldr     r3, =SSI_BASE
        movs    r1, #0
        str     r1, [r3, #SSIENR]
        movs    r1, #2
        str     r1, [r3, #BAUDR]
        movs    r1, #1
        ldr     r2, =RX_SAMPLE_DLY
        str     r1, [r3, r2]
        ldr     r1, =(7 << 16)                  /* 8-bit frames, transmit and receive */
        str     r1, [r3, #CTRLR0]
        movs    r1, #1
        str     r1, [r3, #SSIENR]

        movs    r0, #0x35                       /* read status register 2 */
        bl      read_sreg
        cmp     r0, #2
        beq     quad_mode
        movs    r1, #0x06                       /* write enable */
        str     r1, [r3, #DR0]
        bl      wait_ready
        ldr     r1, [r3, #DR0]
        movs    r1, #0x01                       /* write status: SR1 = 0, SR2 = QE */
        str     r1, [r3, #DR0]
        movs    r1, #0
        str     r1, [r3, #DR0]
        movs    r1, #2
        str     r1, [r3, #DR0]
        bl      wait_ready
        ldr     r1, [r3, #DR0]
        ldr     r1, [r3, #DR0]
        ldr     r1, [r3, #DR0]
1:      movs    r0, #0x05                       /* until not busy */
        bl      read_sreg
        movs    r1, #1
        tst     r0, r1
        bne     1b

quad_mode:
        movs    r1, #0
        str     r1, [r3, #SSIENR]
        ldr     r1, =((2 << 21) | (31 << 16) | (3 << 8))  /* quad, 32-bit frames, EEPROM read */
        str     r1, [r3, #CTRLR0]
        movs    r1, #0
        str     r1, [r3, #CTRLR1]
        ldr     r1, =((8 << 2) | (2 << 8) | (4 << 11) | 1) /* 32-bit address+mode, 8-bit command, 4 wait, command serial */
        ldr     r2, =SPI_CTRLR0
        str     r1, [r3, r2]
        movs    r1, #1
        str     r1, [r3, #SSIENR]
        movs    r1, #0xeb
        str     r1, [r3, #DR0]
        movs    r1, #0xa0
        str     r1, [r3, #DR0]
        bl      wait_ready
        movs    r1, #0
        str     r1, [r3, #SSIENR]
        ldr     r1, =((0xa0 << 24) | (8 << 2) | (4 << 11) | 2) /* no command: continuous read */
        ldr     r2, =SPI_CTRLR0
        str     r1, [r3, r2]
        movs    r1, #1
        str     r1, [r3, #SSIENR]

        pop     {r0}
        cmp     r0, #0
        beq     enter_image
        bx      r0
enter_image:
        ldr     r0, =0x10000100
        ldr     r1, =0xe000ed08
        str     r0, [r1]
        ldmia   r0!, {r1, r2}
        msr     msp, r1
        bx      r2

/* r0 = command; returns the status byte in r0 */
read_sreg:
        push    {lr}
        str     r0, [r3, #DR0]
        str     r0, [r3, #DR0]
        bl      wait_ready
        ldr     r0, [r3, #DR0]
        ldr     r0, [r3, #DR0]
        pop     {pc}

wait_ready:
1:      ldr     r1, [r3, #SR]
        movs    r2, #4                          /* TFE */
        tst     r1, r2
        beq     1b
        movs    r2, #1                          /* BUSY */
        tst     r1, r2
        bne     1b
        bx      lr
        .ltorg
