/*
 * tandem-sim boot ROM model (16 KB at 0x00000000).
 *
 * The RP2040's mask ROM is not part of rp2040js and is not shipped here.
 * This is a small ROM of our own that behaves as the datasheet (section 2.8,
 * "Bootrom") documents, as real Thumb code that both simulated cores execute:
 *
 *  - both cores start at rom_reset with MSP = 0x20041f00 (vector 0);
 *  - core 1 (SIO CPUID != 0) enters the wait-for-vector loop: drain the
 *    incoming FIFO, send 0, then echo every word it receives; a received 0
 *    starts over; after 1, VTOR, SP, ENTRY it sets VTOR and MSP, clears SCR
 *    and branches to ENTRY; it sleeps in WFE whenever it waits;
 *  - core 0 sets the SSI up for plain 03h XIP reads (flash_exit_xip, then
 *    flash_enter_cmd_xip), honours the watchdog scratch "direct boot" magic,
 *    then loads the 256-byte boot2 from flash offset 0, checks its CRC32,
 *    copies it to 0x20041f00 and enters it at 0x20041f01 with LR = 0;
 *  - the flash functions of the function table do to the SSI what the
 *    chip's ROM does (flash_exit_xip: serial command mode and the 0xff
 *    continuous-read reset; flash_enter_cmd_xip: 03h XIP reads;
 *    flash_flush_cache: XIP_CTRL flush), except range erase and program,
 *    which the simulator performs on its flash model (lib/flash.js) with the
 *    chip's timing while the ROM waits.
 *
 * Simulator hooks: a BKPT executed inside the ROM is a request to the
 * simulator ("ROM trap"), never a user breakpoint:
 *   bkpt #0x01  boot2 CRC mismatch: the chip would fall back to USB boot
 *   bkpt #0x02  HardFault while VTOR still points at this ROM
 *   bkpt #0x03  reset_usb_boot called
 *   bkpt #0x04  rom_table_lookup found no entry (r0 the table's end, r1 the code):
 *               the simulator warns (the chip's ROM may have it), then 0
 *               is returned as the chip's lookup does for a missing code
 *   bkpt #0x10  flash_range_erase(addr r0, count r1, block_size r2, block_cmd r3): queue the erases
 *   bkpt #0x11  flash_range_program(addr r0, data r1, count r2): queue the page programs
 *   bkpt #0x12  wait for the flash: time passes; r0 = 1 while it is still busy
 *   bkpt #0x40+i / #0x60+i  entry i of the single / double-precision
 *               floating-point tables ('SF', 'SD', ROM version 3: the
 *               datasheet's section 2.8.3.2): the simulator performs the
 *               function (lib/romfp.js) with the chip's calling convention
 *               (arguments and results in r0-r3, the compares also in the
 *               flags, sincos's two results in r0/r1 or r0:r1/r2:r3) and
 *               documented exceptions to IEEE 754 (denormals flushed to
 *               zero on input and output, NaN read as infinity, never
 *               returned; conversions to integers round towards -Inf and
 *               clamp), charges the call's cycles, then the entry's bx lr
 *               returns. Basic operations and conversions are exact; the
 *               scientific functions (sin, cos, tan, sincos, exp, ln,
 *               atan2) use the host's Math and are warned about once per
 *               run, as they can differ from the chip's in the last bits;
 *               a trig argument outside the documented range (|x| < 128
 *               single, < 1024 double) stops the run naming the function
 * Traps 0x10..0x1f belong to the flash model; others may be added below 0x10.
 */
        .syntax unified
        .cpu cortex-m0plus
        .thumb

        .equ SIO_BASE,        0xd0000000
        .equ SIO_FIFO_ST,     0x50
        .equ SIO_FIFO_WR,     0x54
        .equ SIO_FIFO_RD,     0x58
        .equ SCB_BASE,        0xe000ed00
        .equ SCB_VTOR,        0x08
        .equ SCB_SCR,         0x10
        .equ SCR_SLEEPDEEP,   0x04
        .equ WATCHDOG_SCRATCH4, 0x4005801c
        .equ CHIP_RESET,      0x40064008
        .equ PSM_RESTART_FLAG, 0x01000000
        .equ SYSCFG_NMI_MASK, 0x40004000
        .equ FLASH_BASE,      0x10000000
        .equ XIP_CTRL_BASE,   0x14000000
        .equ SSI_BASE,        0x18000000
        .equ SSI_CTRLR0,      0x00
        .equ SSI_SSIENR,      0x08
        .equ SSI_SER,         0x10
        .equ SSI_BAUDR,       0x14
        .equ SSI_DR0,         0x60
        .equ SSI_SPI_CTRLR0,  0xf4
        .equ BOOT2_RAM,       0x20041f00
        .equ CRC_POLY,        0x04c11db7

        .section .rom, "ax"
        .global rom_vectors
rom_vectors:
        .word BOOT2_RAM             /* 0x00 initial MSP: SRAM top minus the boot2 slot */
        .word rom_reset + 1         /* 0x04 reset */
        .word rom_nmi + 1           /* 0x08 NMI */
        .word rom_hardfault + 1     /* 0x0c HardFault */
        /* 0x10: the well-known ROM header (datasheet 2.8.3) */
        .byte 'M', 'u'              /* magic */
        .byte 1                     /* table format version */
        .byte 3                     /* ROM version (RP2040-B2 ROM reports 3) */
        .hword rom_func_table       /* 0x14 */
        .hword rom_data_table       /* 0x16 */
        .hword rom_table_lookup + 1 /* 0x18 */
        .hword 0                    /* 0x1a */
        /* 0x1c..0xbf: remaining vectors (7..47) all park the core */
        .rept 41
        .word rom_unexpected + 1
        .endr

/* ---- both cores start here ---------------------------------------------- */
        .thumb_func
        .global rom_reset
rom_reset:
        ldr     r0, =SIO_BASE
        ldr     r1, [r0]                /* SIO CPUID */
        cmp     r1, #0
        beq     core0_boot
        b       core1_wait_for_vector

/* ---- core 0 ------------------------------------------------------------- */
core0_boot:
        /* the flash in its serial command state, then XIP through plain 03h reads */
        bl      rom_flash_exit_xip
        bl      rom_flash_enter_cmd_xip
        /* a debugger-requested halt (CHIP_RESET.PSM_RESTART_FLAG): acknowledge and park */
        ldr     r1, =CHIP_RESET
        ldr     r2, [r1]
        ldr     r3, =PSM_RESTART_FLAG
        tst     r2, r3
        beq     1f
        str     r3, [r1]
        b       rom_park
1:
        /* watchdog scratch direct boot: SCRATCH4 = 0xb007c0d3,
           SCRATCH5 = ENTRY ^ -0xb007c0d3, SCRATCH6 = SP, SCRATCH7 = ENTRY */
        ldr     r7, =WATCHDOG_SCRATCH4
        ldmia   r7!, {r0, r1, r2, r3}
        ldr     r6, =0xb007c0d3
        cmp     r0, r6
        bne     flash_boot
        eors    r1, r3
        adds    r0, r0, r1              /* magic + (ENTRY ^ -magic) ^ ENTRY == 0 */
        bne     flash_boot
        subs    r7, #16
        str     r0, [r7]                /* consume the magic (r0 is 0 here) */
        msr     msp, r2
        blx     r3                      /* may return: then boot normally */

flash_boot:
        /* CRC32 (poly 0x04c11db7, init ~0, MSB first, no final xor) of flash[0..251] */
        ldr     r3, =CRC_POLY
        movs    r0, #0
        mvns    r0, r0
        ldr     r1, =FLASH_BASE
        movs    r4, #252
        adds    r4, r4, r1
2:      ldrb    r5, [r1]
        adds    r1, #1
        lsls    r5, r5, #24
        eors    r0, r5
        movs    r6, #8
3:      lsls    r0, r0, #1
        bcc     4f
        eors    r0, r3
4:      subs    r6, #1
        bne     3b
        cmp     r1, r4
        bne     2b
        ldr     r2, [r1]                /* stored CRC, little-endian word at 252 */
        cmp     r0, r2
        beq     5f
        bkpt    #0x01                   /* does not boot (the chip would enter USB boot) */
        b       rom_park
5:
        /* copy the 256 bytes to the top of SRAM5 and enter with LR = 0 */
        ldr     r1, =FLASH_BASE
        ldr     r2, =BOOT2_RAM
        movs    r4, #0
6:      ldr     r5, [r1, r4]
        str     r5, [r2, r4]
        adds    r4, #4
        cmp     r4, #255
        bls     6b
        adds    r2, #1
        movs    r0, #0
        mov     lr, r0
        bx      r2

/* ---- core 1: wait for the launch sequence from core 0 --------------------- */
        .thumb_func
        .global core1_wait_for_vector
core1_wait_for_vector:
        ldr     r4, =SIO_BASE
        ldr     r7, =SCB_BASE
        movs    r1, #SCR_SLEEPDEEP
        str     r1, [r7, #SCB_SCR]
handshake_start:
        /* empty the incoming FIFO */
        ldr     r1, [r4, #SIO_FIFO_ST]
        lsrs    r1, r1, #1              /* VLD -> carry */
        bcc     1f
        ldr     r1, [r4, #SIO_FIFO_RD]
        b       handshake_start
1:      movs    r0, #0
        bl      fifo_send
        bl      fifo_receive            /* returns only with a nonzero word */
        cmp     r0, #1
        bne     handshake_start
        bl      fifo_send               /* echo 1 */
        bl      fifo_receive
        str     r0, [r7, #SCB_VTOR]
        bl      fifo_send               /* echo VTOR */
        bl      fifo_receive
        msr     msp, r0
        bl      fifo_send               /* echo SP */
        bl      fifo_receive
        mov     r5, r0
        bl      fifo_send               /* echo ENTRY */
        movs    r1, #0
        str     r1, [r7, #SCB_SCR]
        blx     r5
        b       rom_park                /* entry returned */

/* send r0 to core 0, sleeping while the outgoing FIFO is full; signal an event */
fifo_send:
        ldr     r1, [r4, #SIO_FIFO_ST]
        lsrs    r1, r1, #2              /* RDY -> carry */
        bcs     1f
        wfe
        b       fifo_send
1:      str     r0, [r4, #SIO_FIFO_WR]
        sev
        bx      lr

/* wait (in WFE) for a word; a 0 restarts the handshake, anything else returns in r0 */
fifo_receive:
        wfe
        ldr     r0, [r4, #SIO_FIFO_ST]
        lsrs    r0, r0, #1              /* VLD -> carry */
        bcc     fifo_receive
        ldr     r0, [r4, #SIO_FIFO_RD]
        cmp     r0, #0
        beq     handshake_start
        bx      lr

/* ---- handlers ------------------------------------------------------------- */
        .thumb_func
rom_nmi:
        /* clear both cores' NMI masks and return */
        ldr     r0, =SYSCFG_NMI_MASK
        movs    r1, #0
        str     r1, [r0]
        str     r1, [r0, #4]
        bx      lr

        .thumb_func
        .global rom_hardfault
rom_hardfault:
        bkpt    #0x02
        .thumb_func
        .global rom_park
rom_unexpected:
rom_park:
        wfi
        b       rom_park

/* ---- ROM table lookup and the small function table -------------------------- */
/* rom_table_lookup(table r0, code r1): walk (code, address) halfword pairs */
        .thumb_func
rom_table_lookup:
1:      ldrh    r2, [r0]
        cmp     r2, #0
        beq     2f
        ldrh    r3, [r0, #2]
        adds    r0, #4
        cmp     r2, r1
        bne     1b
        mov     r0, r3
        bx      lr
2:      bkpt    #0x04                   /* not in this model's table (r0 at its end): the simulator says so */
        movs    r0, #0
        bx      lr

/* memset(dst r0, byte r1, n r2) -> dst */
        .thumb_func
rom_memset:
        mov     r12, r0
        cmp     r2, #0
        beq     2f
1:      strb    r1, [r0]
        adds    r0, #1
        subs    r2, #1
        bne     1b
2:      mov     r0, r12
        bx      lr

/* memcpy(dst r0, src r1, n r2) -> dst */
        .thumb_func
rom_memcpy:
        mov     r12, r0
        cmp     r2, #0
        beq     2f
1:      ldrb    r3, [r1]
        strb    r3, [r0]
        adds    r0, #1
        adds    r1, #1
        subs    r2, #1
        bne     1b
2:      mov     r0, r12
        bx      lr

/* bit functions: popcount32, reverse32, clz32, ctz32 (argument and result in r0) */
        .thumb_func
rom_popcount32:
        movs    r1, #0
1:      cmp     r0, #0
        beq     2f
        subs    r2, r0, #1
        ands    r0, r2
        adds    r1, #1
        b       1b
2:      mov     r0, r1
        bx      lr

        .thumb_func
rom_reverse32:
        movs    r1, #0
        movs    r2, #32
1:      lsrs    r0, r0, #1
        adcs    r1, r1
        subs    r2, #1
        bne     1b
        mov     r0, r1
        bx      lr

        .thumb_func
rom_clz32:
        movs    r1, #32
        cmp     r0, #0
        beq     2f
        movs    r1, #0
1:      lsls    r0, r0, #1
        bcs     2f
        adds    r1, #1
        b       1b
2:      mov     r0, r1
        bx      lr

        .thumb_func
rom_ctz32:
        movs    r1, #32
        cmp     r0, #0
        beq     2f
        movs    r1, #0
1:      lsrs    r0, r0, #1
        bcs     2f
        adds    r1, #1
        b       1b
2:      mov     r0, r1
        bx      lr

/* ---- flash ------------------------------------------------------------------ */
/* flash_exit_xip: SSI to 8-bit serial transfers (clk_sys / 6), then two 0xff
   bytes, which take the flash out of continuous-read mode. XIP reads fail
   from here until flash_enter_cmd_xip or a boot2 sets the SSI up again. */
        .thumb_func
rom_flash_exit_xip:
        ldr     r0, =SSI_BASE
        movs    r1, #0
        str     r1, [r0, #SSI_SSIENR]
        movs    r1, #6
        str     r1, [r0, #SSI_BAUDR]
        ldr     r1, =(7 << 16)                  /* standard SPI, 8-bit frames, transmit and receive */
        str     r1, [r0, #SSI_CTRLR0]
        movs    r1, #1
        str     r1, [r0, #SSI_SER]
        str     r1, [r0, #SSI_SSIENR]
        movs    r1, #0xff
        str     r1, [r0, #SSI_DR0]
        str     r1, [r0, #SSI_DR0]
        ldr     r1, [r0, #SSI_DR0]              /* the two bytes clocked back */
        ldr     r1, [r0, #SSI_DR0]
        bx      lr

/* flash_enter_cmd_xip: XIP reads as standard 03h commands, 24-bit address */
        .thumb_func
rom_flash_enter_cmd_xip:
        ldr     r0, =SSI_BASE
        movs    r1, #0
        str     r1, [r0, #SSI_SSIENR]
        ldr     r1, =((31 << 16) | (3 << 8))    /* 32-bit frames, EEPROM read */
        str     r1, [r0, #SSI_CTRLR0]
        ldr     r1, =((0x03 << 24) | (2 << 8) | (6 << 2))
        ldr     r2, =(SSI_BASE + SSI_SPI_CTRLR0)
        str     r1, [r2]
        movs    r1, #1
        str     r1, [r0, #SSI_SSIENR]
        bx      lr

/* flash_flush_cache: flush the XIP cache (the read waits for it), enable it */
        .thumb_func
rom_flash_flush_cache:
        ldr     r0, =XIP_CTRL_BASE
        movs    r1, #1
        str     r1, [r0, #4]
        ldr     r1, [r0, #4]
        ldr     r1, [r0]
        movs    r2, #1
        orrs    r1, r2
        str     r1, [r0]
        bx      lr

/* flash_range_erase and flash_range_program: the simulator queues the work
   (with the SSI transfer and the chip's busy time), then the ROM waits */
        .thumb_func
rom_flash_erase:
        bkpt    #0x10
        b       rom_flash_wait
        .thumb_func
rom_flash_program:
        bkpt    #0x11
rom_flash_wait:
        bkpt    #0x12
        cmp     r0, #0
        bne     rom_flash_wait
        bx      lr
        .thumb_func
rom_usb_boot:
        bkpt    #0x03
        b       rom_park
        .thumb_func
rom_noop:
        bx      lr

        .ltorg                          /* the literals within reach of the code above */

        .align 2
rom_func_table:
        .byte 'P', '3'
        .hword rom_popcount32 + 1
        .byte 'R', '3'
        .hword rom_reverse32 + 1
        .byte 'L', '3'
        .hword rom_clz32 + 1
        .byte 'T', '3'
        .hword rom_ctz32 + 1
        .byte 'M', 'S'
        .hword rom_memset + 1
        .byte 'S', '4'
        .hword rom_memset + 1
        .byte 'M', 'C'
        .hword rom_memcpy + 1
        .byte 'C', '4'
        .hword rom_memcpy + 1
        .byte 'W', 'V'
        .hword core1_wait_for_vector + 1
        .byte 'I', 'F'                  /* connect_internal_flash: the pads are always connected here */
        .hword rom_noop + 1
        .byte 'E', 'X'
        .hword rom_flash_exit_xip + 1
        .byte 'F', 'C'
        .hword rom_flash_flush_cache + 1
        .byte 'C', 'X'
        .hword rom_flash_enter_cmd_xip + 1
        .byte 'E', 'C'                  /* enable_clocks */
        .hword rom_noop + 1
        .byte 'R', 'E'
        .hword rom_flash_erase + 1
        .byte 'R', 'P'
        .hword rom_flash_program + 1
        .byte 'U', 'B'
        .hword rom_usb_boot + 1
        .hword 0

        .align 2
rom_data_table:
        .byte 'G', 'R'
        .hword rom_git_rev
        .byte 'C', 'R'
        .hword rom_banner
        .byte 'S', 'F'
        .hword rom_sf_table
        .byte 'S', 'D'
        .hword rom_sd_table
        .hword 0

/* The floating-point tables ('SF', 'SD'), as in the chip's ROM version 3:
 * 32 entries each (the size in words in the byte at table - 2, as the
 * chip's ROM keeps it). Entry i is `bkpt #(0x40 + i)` (float) or
 * `bkpt #(0x60 + i)` (double) then `bx lr`: the simulator computes the
 * function (lib/romfp.js) into r0-r3 and the flags, charges its cycles,
 * and the entry returns. */
        .align 2
        .hword 0
        .hword 32
rom_sf_table:
        .set i, 0
        .rept 32
        .word rom_sf_traps + 4 * i + 1
        .set i, i + 1
        .endr
        .hword 0
        .hword 32
rom_sd_table:
        .set i, 0
        .rept 32
        .word rom_sd_traps + 4 * i + 1
        .set i, i + 1
        .endr
rom_sf_traps:
        .set i, 0
        .rept 32
        bkpt    #(0x40 + i)
        bx      lr
        .set i, i + 1
        .endr
rom_sd_traps:
        .set i, 0
        .rept 32
        bkpt    #(0x60 + i)
        bx      lr
        .set i, i + 1
        .endr

        .align 2
rom_git_rev:
        .word 0
rom_banner:
        .asciz "tandem-sim ROM model"

        .ltorg
