/*
 * tests/flash/peer_out.c: the flash calls' two bounded waits that end in an
 * error, in an image whose core 1 runs outside the kernel (started with
 * port_core1_launch, the way a program that keeps core 1 to itself does):
 *
 *   flash_lock_timeout_named_error: a writer that waits for the flash
 *     mutex longer than its bound gets TD_ERR_TIMEOUT. The bound is
 *     TD_FLASH_LOCK_TIMEOUT (10 s), lowered here through the module's test
 *     hook (kernel/flash_sys.h) to 20 ticks; the mutex is held meanwhile by
 *     a writer of higher priority that waits, sleeping, for core 1 to be
 *     ready to be asked (TD_FLASH_PEER_WAIT ticks).
 *   flash_peer_outside_the_kernel_no_response: that writer, and a second
 *     call, end with TD_ERR_NO_RESPONSE (docs/flash.md, "Not covered"):
 *     core 1 has no link to be asked through and does not answer the
 *     lockout record; each call waits TD_FLASH_PEER_WAIT ticks, then
 *     TD_FLASH_ACK_TIMEOUT_US for the answer, and writes nothing (core 1
 *     runs from flash all along: a write would stop the emulator with an
 *     XIP violation).
 *
 * Prints "TEST name", then "PASS name" or "FAIL name: reason", then
 * "N passed, M failed", and exits (port_exit) with 1 if a check failed.
 */
#include "port.h"
#include "tandem/console.h"
#include "tandem/flash.h"
#include "tandem/fmt.h"
#include "tandem/tandem.h"

#include "../../kernel/flash_sys.h"

#define LOCK_TICKS 20u

static volatile uint32_t core1_loops;
static unsigned passed, failed;
static const char *why;

/* Core 1, outside the kernel: a loop in flash that answers nothing. */
static void core1_bare(void *arg)
{
    (void)arg;
    for (;;)
        core1_loops = core1_loops + 1u;
}

#define EXPECT(cond, ...)                                                               \
    do {                                                                                \
        if (!(cond) && why == NULL) {                                                   \
            static char line_[160];                                                     \
            td_snprintf(line_, sizeof line_, __VA_ARGS__);                              \
            why = line_;                                                                \
        }                                                                               \
    } while (0)

static void result(const char *name)
{
    if (why == NULL) {
        passed++;
        td_printf("PASS %s\n", name);
    } else {
        failed++;
        td_printf("FAIL %s: %s\n", name, why);
    }
    why = NULL;
}

static uint32_t area(void)
{
    uint32_t s, ie;
    td_flash_store_region(&s, NULL);
    td_flash_image(NULL, &ie);
    return s - TD_FLASH_SECTOR >= ie ? s - TD_FLASH_SECTOR : 0;
}

static uint32_t sum(uint32_t off)
{
    uint8_t b[64];
    uint32_t x = 0;
    for (uint32_t i = 0; i < TD_FLASH_SECTOR; i += sizeof b) {
        if (td_flash_read(off + i, b, sizeof b) != TD_OK)
            return 0;
        for (unsigned j = 0; j < sizeof b; j++)
            x = x * 31u + b[j];
    }
    return x;
}

/* The writer that holds the flash mutex. */
TD_THREAD_DEFINE(holder, 1024);
static volatile int holder_r = 1;
static volatile uint64_t holder_us;

static void holder_main(void *arg)
{
    uint32_t a = *(const uint32_t *)arg;
    uint64_t t0 = td_time_us();
    holder_r = td_flash_program(a, "never written", 14, NULL);
    holder_us = td_time_us() - t0;
}

int main(void)
{
    static uint32_t a;
    a = area();
    uint32_t before = sum(a);
    td_flash_stats_t s0, s1;
    int st = td_flash_stats(&s0);
    int launched = port_core1_launch(core1_bare, NULL, NULL, 0);
    td_sleep(TD_MS(2));
    uint32_t loops0 = core1_loops;

    td_printf("TEST flash_lock_timeout_named_error\n");
    EXPECT(a != 0, "no flash area below the store region");
    EXPECT(st == TD_OK, "td_flash_stats: %d", st);
    EXPECT(launched == TD_OK, "port_core1_launch: %d", launched);
    EXPECT(loops0 != 0, "core 1 does not run");
    EXPECT(td__flash_lock_timeout == TD_FLASH_LOCK_TIMEOUT, "the bound is %lu ticks, not %lu",
           (unsigned long)td__flash_lock_timeout, (unsigned long)TD_FLASH_LOCK_TIMEOUT);
    td__flash_lock_timeout = LOCK_TICKS;
    int c = td_thread_create(&holder, holder_stack, sizeof holder_stack, "holder", TD_PRIO_MAIN + 1u,
                             holder_main, &a);
    EXPECT(c == TD_OK, "td_thread_create: %d", c);
    td_sleep(TD_MS(5));                      /* the holder waits for core 1, holding the mutex */
    uint64_t t0 = td_time_us();
    int r = td_flash_program(a, "x", 1, NULL);
    uint64_t lock_us = td_time_us() - t0;
    td_printf("INFO flash_lock_timeout_us %lu\n", (unsigned long)lock_us);
    EXPECT(r == TD_ERR_TIMEOUT, "td_flash_program while another writer holds the flash: %s", td_strerror(r));
    EXPECT(lock_us >= LOCK_TICKS * 1000000ull / TD_TICK_HZ &&
               lock_us < (LOCK_TICKS + 3u) * 1000000ull / TD_TICK_HZ,
           "gave up after %lu us (bound %u ticks)", (unsigned long)lock_us, LOCK_TICKS);
    EXPECT(holder_r == 1, "the holder returned before the waiter gave up (%d)", holder_r);
    result("flash_lock_timeout_named_error");

    td_printf("TEST flash_peer_outside_the_kernel_no_response\n");
    int j = td_thread_join(&holder, TD_SEC(1));
    td__flash_lock_timeout = TD_FLASH_LOCK_TIMEOUT;
    /* (its first sleep of one tick ends at the next tick: PEER_WAIT - 1 whole ticks) */
    uint64_t least = (TD_FLASH_PEER_WAIT - 1u) * 1000000ull / TD_TICK_HZ + TD_FLASH_ACK_TIMEOUT_US;
    td_printf("INFO flash_no_response_holder_us %lu\n", (unsigned long)holder_us);
    EXPECT(j == TD_OK, "td_thread_join: %d", j);
    EXPECT(holder_r == TD_ERR_NO_RESPONSE, "the holder's program: %s", td_strerror(holder_r));
    EXPECT(holder_us >= least && holder_us < least + 10000u, "the holder's call took %lu us (%lu expected)",
           (unsigned long)holder_us, (unsigned long)least);
    t0 = td_time_us();
    r = td_flash_erase(a, TD_FLASH_SECTOR, NULL);
    uint64_t erase_us = td_time_us() - t0;
    td_printf("INFO flash_no_response_erase_us %lu\n", (unsigned long)erase_us);
    EXPECT(r == TD_ERR_NO_RESPONSE, "td_flash_erase: %s", td_strerror(r));
    EXPECT(erase_us >= least && erase_us < least + 10000u, "the erase took %lu us (%lu expected)",
           (unsigned long)erase_us, (unsigned long)least);
    st = td_flash_stats(&s1);
    EXPECT(st == TD_OK, "td_flash_stats: %d", st);
    EXPECT(s1.no_response - s0.no_response == 2u, "%lu calls counted as not answered (2)",
           (unsigned long)(s1.no_response - s0.no_response));
    EXPECT(s1.sectors_erased == s0.sectors_erased && s1.pages_programmed == s0.pages_programmed,
           "steps done: %lu sectors, %lu pages", (unsigned long)(s1.sectors_erased - s0.sectors_erased),
           (unsigned long)(s1.pages_programmed - s0.pages_programmed));
    EXPECT(sum(a) == before, "the flash area changed");
    uint32_t loops1 = core1_loops;
    td_sleep(TD_MS(1));
    EXPECT(core1_loops != loops1, "core 1 stopped running");
    result("flash_peer_outside_the_kernel_no_response");

    td_printf("%u passed, %u failed\n", passed, failed);
    (void)td_console_flush(TD_MS(200));
    port_exit(failed ? 1 : 0);
}
