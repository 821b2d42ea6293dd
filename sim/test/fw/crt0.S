/* Startup for the simulator's test firmware: core 0 vector table at
   0x10000100 (right after boot2), .data/.bss setup, main(), exit via BKPT. */
        .syntax unified
        .cpu cortex-m0plus
        .thumb

        .section .vectors, "a"
        .global vectors
        .align 8
vectors:
        .word __stack0_top
        .word reset_handler
        .word isr_nmi
        .word isr_hardfault
        .rept 7
        .word isr_default
        .endr
        .word isr_svcall
        .word isr_default
        .word isr_default
        .word isr_pendsv
        .word isr_systick
        .word isr_irq0, isr_irq1, isr_irq2, isr_irq3, isr_irq4, isr_irq5, isr_irq6, isr_irq7
        .word isr_irq8, isr_irq9, isr_irq10, isr_irq11, isr_irq12, isr_irq13, isr_irq14, isr_irq15
        .word isr_irq16, isr_irq17, isr_irq18, isr_irq19, isr_irq20, isr_irq21, isr_irq22, isr_irq23
        .word isr_irq24, isr_irq25, isr_irq26, isr_irq27, isr_irq28, isr_irq29, isr_irq30, isr_irq31

        .macro weak name
        .weak \name
        .thumb_set \name, isr_default
        .endm
        weak isr_nmi
        weak isr_hardfault
        weak isr_svcall
        weak isr_pendsv
        weak isr_systick
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        weak isr_irq\n
        .endr

        .text
        .thumb_func
        .global isr_default
isr_default:
        bkpt    #0x3e           /* an exception nobody expected */

        .thumb_func
        .global reset_handler
reset_handler:
        ldr     r0, =__data_load
        ldr     r1, =__data_start
        ldr     r2, =__data_end
1:      cmp     r1, r2
        bhs     2f
        ldmia   r0!, {r3}
        stmia   r1!, {r3}
        b       1b
2:      ldr     r1, =__bss_start
        ldr     r2, =__bss_end
        movs    r3, #0
3:      cmp     r1, r2
        bhs     4f
        stmia   r1!, {r3}
        b       3b
4:      bl      main
        bl      fw_exit
        .ltorg
