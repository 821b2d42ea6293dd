/*
 * launch: the two ways to start core 1 of the bare-metal dual-core start-up
 * note, side by side.
 *
 * After a reset, core 1 waits in the boot ROM: it drains its FIFO, sends 0,
 * then echoes every word core 0 sends; after 1, a vector table, a stack
 * pointer and an entry point it jumps to the entry. A 0, or anything other
 * than 1 where the 1 belongs, makes it drain its FIFO and start over.
 *
 *   minimal: write 1, VTOR, SP, ENTRY and signal an event. No drain, no
 *            echo checked. Right only for a core 1 fresh from reset.
 *   robust:  port_core1_launch, what tandem uses: reset core 1 through the
 *            power-on state machine, then 0, 0, 1, VTOR, SP, ENTRY, draining
 *            before each 0, checking every echo, restarting on a mismatch,
 *            every wait bounded.
 *
 * Each is tried on a fresh core 1, on a core 1 that already runs a program,
 * and on one with a stale word in its FIFO. Every wait here is bounded, so a
 * launch that fails is reported, never waited for forever.
 *
 * This example works below the kernel, at the register level as the note
 * does: it writes the SIO FIFO itself (hw/sio.h) and uses the port contract
 * (port.h) for the robust launch and the cycle counter.
 */
#include "hw/sio.h"
#include "port.h"
#include "tandem/console.h"
#include "tandem/kernel.h"
#include "tandem/time.h"

#define SIGN_WAIT_US 10000u     /* how long core 0 looks for a sign of core 1 */

/* ---- what core 1 runs when a launch works -------------------------------------- */

/* Core 1's own vector table (VTOR needs 256-byte alignment) and stack. */
static uint32_t c1_vectors[48] __attribute__((aligned(256)));
static uint64_t c1_stack[64];

static volatile uint32_t c1_wanted;   /* the launch number core 0 is trying */
static volatile uint32_t c1_sign;     /* the launch number core 1 started with */
static volatile uint32_t c1_stray;    /* FIFO words core 1's program did not expect */

/* The program core 1 runs: say which launch started it, then sleep, taking
 * (and counting) whatever arrives in its FIFO. */
static void c1_program(void)
{
    c1_sign = c1_wanted;
    for (;;) {
        while (SIO->fifo_st & SIO_FIFO_ST_VLD_BITS) {
            (void)SIO->fifo_rd;
            c1_stray++;
        }
        __asm volatile("wfe");
    }
}

static void c1_park(void)
{
    for (;;)
        __asm volatile("wfe");
}

/* The entry the robust launch (port_core1_launch) calls. */
static void c1_program_entry(void *arg)
{
    (void)arg;
    c1_program();
}

/* ---- the two sequences ------------------------------------------------------------ */

/* The note's minimal sequence, word for word: four writes, one event. */
static void launch_minimal(void)
{
    SIO->fifo_wr = 1;
    SIO->fifo_wr = (uint32_t)(uintptr_t)c1_vectors;
    SIO->fifo_wr = c1_vectors[0];
    SIO->fifo_wr = c1_vectors[1];
    __asm volatile("sev");
}

/* Cycles from t0 until core 1 shows launch 'n', or 0 if it shows nothing
 * within SIGN_WAIT_US. */
static uint32_t wait_sign(uint32_t n, uint32_t t0)
{
    uint64_t deadline = td_time_us() + SIGN_WAIT_US;
    while (c1_sign != n)
        if (td_time_us() >= deadline)
            return 0;
    return port_cycles() - t0;
}

/* Empty core 0's FIFO (bounded), keeping at most max words; returns how many. */
static unsigned take_words(uint32_t *w, unsigned max)
{
    unsigned n = 0;
    uint64_t deadline = td_time_us() + 1000u;
    while ((port_fifo_status() & PORT_FIFO_VLD) && td_time_us() < deadline) {
        uint32_t v = port_fifo_pop();
        if (n < max)
            w[n] = v;
        n++;
    }
    port_fifo_clear_errors();
    return n;
}

static uint32_t try_minimal(const char *what)
{
    uint32_t n = ++c1_wanted;
    uint32_t t0 = port_cycles();
    launch_minimal();
    uint32_t spent = port_cycles() - t0;
    uint32_t ran = wait_sign(n, t0);
    if (ran)
        td_printf("%s, minimal: core 1 running after %lu cycles (core 0 spent %lu)\n",
                  what, (unsigned long)ran, (unsigned long)spent);
    else
        td_printf("%s, minimal: core 1 did not start (no sign of it in %u ms)\n",
                  what, SIGN_WAIT_US / 1000u);
    return ran;
}

static uint32_t try_robust(const char *what)
{
    uint32_t n = ++c1_wanted;
    uint32_t t0 = port_cycles();
    int rc = port_core1_launch(c1_program_entry, NULL, c1_stack, sizeof c1_stack);
    uint32_t spent = port_cycles() - t0;
    uint32_t ran = rc == 0 ? wait_sign(n, t0) : 0;
    if (ran)
        td_printf("%s, robust: core 1 running after %lu cycles (the launch took %lu)\n",
                  what, (unsigned long)ran, (unsigned long)spent);
    else
        td_printf("%s, robust: core 1 did not start (%s)\n", what, td_strerror(rc));
    return ran;
}

/* ---- core 1 under tandem's kernel, launched the robust way --------------------------- */

static void core1_main(void *arg)
{
    (void)arg;
    td_puts("core 1: tandem kernel running, started by td_kernel_launch_core1 (the robust sequence)");
}

int main(void)
{
    uint32_t w[8] = { 0 };
    int failures = 0;
    c1_vectors[0] = (uint32_t)(uintptr_t)&c1_stack[64];   /* initial SP */
    c1_vectors[1] = (uint32_t)(uintptr_t)c1_program;      /* reset: the entry (Thumb bit set) */
    for (unsigned i = 2; i < 48; i++)
        c1_vectors[i] = (uint32_t)(uintptr_t)c1_park;

    td_puts("launch: the minimal and robust core 1 launch sequences");

    /* 1. Core 1 as the boot ROM left it at power-on: the minimal way works. */
    failures += !try_minimal("fresh core 1");
    unsigned k = take_words(w, 8);
    td_printf("  %u words were left unread in core 0's FIFO (the ROM's 0 and its echoes): "
              "0x%lx 0x%lx 0x%lx 0x%lx 0x%lx\n", k, (unsigned long)w[0], (unsigned long)w[1],
              (unsigned long)w[2], (unsigned long)w[3], (unsigned long)w[4]);

    /* 2. Core 1 runs a program: it is not listening for a launch. */
    uint32_t stray0 = c1_stray;
    failures += try_minimal("core 1 already running") != 0;
    td_printf("  the running program got the %lu launch words as stray FIFO data\n",
              (unsigned long)(c1_stray - stray0));
    failures += !try_robust("core 1 already running");

    /* 3. Core 1 back in the ROM, but a stale word waits in its FIFO (written
     *    after the ROM drained it, with no event). */
    port_core1_reset();
    uint64_t deadline = td_time_us() + 1000u;
    while (!(port_fifo_status() & PORT_FIFO_VLD) && td_time_us() < deadline)
        ;                                   /* the ROM's 0: it is waiting */
    take_words(w, 8);
    SIO->fifo_wr = 0x5a1e0001u;             /* the stale word */
    failures += try_minimal("stale word in core 1's FIFO") != 0;
    k = take_words(w, 8);
    if (k == 1 && w[0] == 0)
        td_puts("  core 0 got one word back, a 0: the ROM took the stale word for a bad start, "
                "drained its FIFO (the launch words with it) and started over");
    else
        td_printf("  core 0 got %u words back, the first 0x%lx\n", k, (unsigned long)w[0]);
    failures += !try_robust("stale word in core 1's FIFO");

    /* 4. tandem's own launch: core 1 with its kernel. */
    int rc = td_kernel_launch_core1(core1_main, NULL);
    if (rc != 0) {
        td_printf("td_kernel_launch_core1: %s\n", td_strerror(rc));
        return 1;
    }
    td_sleep(TD_MS(20));                    /* let core 1 print */
    td_printf("launch: %s\n", failures ? "UNEXPECTED RESULTS" : "done");
    return failures ? 1 : 0;
}
