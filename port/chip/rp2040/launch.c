/*
 * launch.c: core 1 reset and the boot ROM's launch handshake.
 *
 * After a reset, core 1 sits in the boot ROM's wait-for-vector loop: it
 * drains its FIFO, sends 0, and then echoes every word core 0 sends; a 0
 * restarts it. When it has echoed 1, a vector table, a stack pointer and an
 * entry point, it sets VTOR and MSP and jumps to the entry (datasheet
 * 2.8.2). The sequence is the robust one of the bare-metal dual-core
 * start-up note: drain and signal before each 0, check every echo.
 */
#include "hw/psm.h"
#include "hw/sio.h"
#include "port.h"
#include "rp2040.h"
#include "tandem/config.h"
#include "tandem/error.h"

/* What core 1 runs once the ROM hands over; read by the trampoline. */
static struct {
    port_entry_t entry;
    void *arg;
} volatile core1_start;

/* Core 1 is known to be in the boot ROM (it starts there); a launch makes
 * it unknown from its first word on, a reset makes it known again. */
static volatile uint8_t core1_in_rom = 1;

bool port_core1_in_rom(void)
{
    return core1_in_rom != 0;
}

void port_core1_reset(void)
{
    /* Reading back FRCE_OFF confirms the reset took effect before release
     * (a register write; a bounded read-back, not a wait on core 1). */
    hw_set(&PSM->frce_off, PSM_PROC1_BITS);
    (void)rp2040_boot_wait(&PSM->frce_off, PSM_PROC1_BITS, PSM_PROC1_BITS);
    hw_clear(&PSM->frce_off, PSM_PROC1_BITS);
    core1_in_rom = 1;
}

/* Push a word, waiting for room for at most the word timeout. */
static bool push_bounded(uint32_t word)
{
    uint64_t deadline = port_time_us() + TD_LAUNCH_WORD_TIMEOUT_US;
    while (!(SIO->fifo_st & SIO_FIFO_ST_RDY_BITS))
        if (port_time_us() >= deadline)
            return false;
    SIO->fifo_wr = word;
    __asm volatile("sev");          /* core 1 waits in WFE */
    return true;
}

/* Pop a word, waiting for it at most the word timeout. No WFE: a core 1 that
 * never answers must not leave us asleep. */
static bool pop_bounded(uint32_t *word)
{
    uint64_t deadline = port_time_us() + TD_LAUNCH_WORD_TIMEOUT_US;
    while (!(SIO->fifo_st & SIO_FIFO_ST_VLD_BITS))
        if (port_time_us() >= deadline)
            return false;
    *word = SIO->fifo_rd;
    return true;
}

/* Empty our RX FIFO. A FIFO that never empties (core 1 out of control)
 * ends the launch rather than hanging it. */
static bool drain_bounded(void)
{
    uint64_t deadline = port_time_us() + TD_LAUNCH_WORD_TIMEOUT_US;
    while (SIO->fifo_st & SIO_FIFO_ST_VLD_BITS) {
        (void)SIO->fifo_rd;
        if (port_time_us() >= deadline)
            return false;
    }
    return true;
}

int port_core1_launch(port_entry_t entry, void *arg, void *stack, size_t size)
{
    if (entry == NULL || port_core_id() != 0)
        return entry == NULL ? TD_ERR_PARAM : TD_ERR_WRONG_CORE;
    uintptr_t sp = stack ? ((uintptr_t)stack + size) & ~(uintptr_t)7
                         : (uintptr_t)__stack1_top__;
    core1_start.entry = entry;
    core1_start.arg = arg;

    /* Whatever core 1 was doing, put it back in the ROM's wait loop. */
    port_core1_reset();
    core1_in_rom = 0;                      /* from here on it may leave the ROM */

    /* The protocol: 0, 0 (resynchronise), 1 (start), then the three values. */
    const uint32_t seq[] = { 0, 0, 1, (uint32_t)(uintptr_t)rp2040_vectors_core1,
                             (uint32_t)sp, (uint32_t)(uintptr_t)rp2040_core1_trampoline };
    unsigned i = 0, restarts = 0;
    while (i < sizeof seq / sizeof seq[0]) {
        uint32_t echo;
        if (seq[i] == 0) {                 /* before each 0: start clean */
            if (!drain_bounded())
                return TD_ERR_NO_RESPONSE;
            __asm volatile("sev");
        }
        if (!push_bounded(seq[i]) || !pop_bounded(&echo))
            return TD_ERR_NO_RESPONSE;
        if (echo == seq[i]) {
            i++;
        } else {                           /* out of step: start over */
            if (++restarts > TD_LAUNCH_MAX_RESTARTS)
                return TD_ERR_NO_RESPONSE;
            i = 0;
        }
    }
    SIO->fifo_st = 0xff;                   /* leave core 0's WOF/ROE clear */
    return TD_OK;
}

void rp2040_core1_trampoline(void)
{
    port_entry_t entry = core1_start.entry;
    entry(core1_start.arg);
    for (;;)                               /* entry returned: core 1 rests */
        __asm volatile("wfe");
}
