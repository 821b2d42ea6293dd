/*
 * park.S: the two stubs armv8m_park (cpu.c) unwinds through. Each handler
 * -mode frame it builds returns to park_step with IPSR = the next active
 * exception and r0 = the EXC_RETURN that leaves that one too; the last
 * frame returns to thread mode at park_thread with r0 = the function to
 * run and r1 = the main stack's top.
 */
    .syntax unified
    .cpu cortex-m33
    .thumb

#include "port_limits.h"

    .section .text.armv8m_park_step, "ax", %progbits
    .global armv8m_park_step
    .type armv8m_park_step, %function
    .thumb_func
armv8m_park_step:
    bx      r0                      /* exception return: deactivates this one */
    .size armv8m_park_step, . - armv8m_park_step

    .section .text.armv8m_park_thread, "ax", %progbits
    .global armv8m_park_thread
    .type armv8m_park_thread, %function
    .thumb_func
armv8m_park_thread:
    mov     sp, r1                  /* thread mode on MSP, from its top */
    mov     r2, #ARMV8M_BASEPRI_MASK
    msr     basepri, r2
    cpsie   i
    blx     r0
1:  wfi                     /* fn returned: rest (halted: see cpu.c) */
    b       1b
    .size armv8m_park_thread, . - armv8m_park_thread

/* armv8m_park_go(frames, exc_return): from handler mode, MSP to the frames
 * and the first exception return. */
    .section .text.armv8m_park_go, "ax", %progbits
    .global armv8m_park_go
    .type armv8m_park_go, %function
    .thumb_func
armv8m_park_go:
    mov     r2, #0
    msr     msplim, r2
    mov     sp, r0
    bx      r1
    .size armv8m_park_go, . - armv8m_park_go
