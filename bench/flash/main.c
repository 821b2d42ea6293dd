/*
 * bench/flash: flash writes with core 1 running, and the key-value store.
 *
 *   flash_sector_erase_us         a td_flash_erase of one sector as the call
 *                                 sees it (lockout, erase, XIP back)
 *   flash_page_program_us         a td_flash_program of 16 bytes (one page)
 *   flash_erase_core1_parked_us   how long core 1 was parked for the erase
 *   flash_program_core1_parked_us ... for the page program
 *   flash_lockout_cycles          a page program call's cycles beyond the
 *                                 flash's own busy time and transfer (checks,
 *                                 the mutex, the park request and its answer,
 *                                 the release): call cycles - flash_us x MHz
 *   store_set_cycles              td_store_set of a 16-byte value (one page
 *                                 program inside)
 *   store_get_cycles              td_store_get of it (RAM index, a read of
 *                                 the record through XIP)
 *
 * Core 1 runs its kernel with messages and wakes every tick, so every step
 * parks it. Times in us come from the shared microsecond timer, cycles from
 * port_cycles (a page program masks interrupts for ~0.5 ms, less than a
 * tick, so the cycle count stays right). Each figure checks its work: the
 * flash holds what was written, the store returns it. The flash and RAM of
 * the flash and store modules come from the test image's map (report.js).
 */
#include "bench.h"
#include "port.h"
#include "tandem/config.h"
#include "tandem/flash.h"
#include "tandem/msg.h"
#include "tandem/store.h"
#include "tandem/tandem.h"

#define ERASES   5
#define PROGRAMS 25
#define STORE_N  25

static volatile uint32_t core1_beats;

static void core1_main(void *arg)
{
    (void)arg;
    td_msg_start();
    for (;;) {
        td_sleep(1);
        core1_beats = core1_beats + 1u;
    }
}

int main(void)
{
    static uint32_t erase_us[ERASES], erase_parked[ERASES], prog_us[PROGRAMS],
        prog_parked[PROGRAMS], lockout[PROGRAMS], set_c[STORE_N], get_c[STORE_N];
    const uint32_t mhz = TD_CLK_SYS_HZ / 1000000u;
    td_msg_start();
    if (td_kernel_launch_core1(core1_main, NULL) != TD_OK) {
        bench_fail("flash_sector_erase_us", "core 1 did not start");
        bench_done();
    }
    while (core1_beats < 3u)
        td_sleep(1);
    uint32_t store_lo;
    td_flash_store_region(&store_lo, NULL);
    uint32_t area = store_lo - ERASES * TD_FLASH_SECTOR;
    td_flash_report_t r;
    for (unsigned i = 0; i < ERASES; i++) {
        uint32_t o = area + i * TD_FLASH_SECTOR;
        if (td_flash_erase(o, TD_FLASH_SECTOR, &r) != TD_OK || r.peer != TD_FLASH_PEER_PARKED ||
            *port_flash_map(o) != 0xff || port_flash_map(o)[TD_FLASH_SECTOR - 1u] != 0xff) {
            bench_fail("flash_sector_erase_us", "erase failed, or core 1 not parked");
            bench_done();
        }
        erase_us[i] = r.total_us;
        erase_parked[i] = r.parked_us;
    }
    static const uint8_t data[16] = "flash benchmark";
    for (unsigned i = 0; i < PROGRAMS; i++) {
        uint32_t o = area + i * 64u;
        uint32_t c0 = port_cycles();
        int e = td_flash_program(o, data, sizeof data, &r);
        uint32_t c = port_cycles() - c0;
        const uint8_t *p = port_flash_map(o);
        if (e != TD_OK || r.peer != TD_FLASH_PEER_PARKED || p[0] != 'f' || p[14] != 'k') {
            bench_fail("flash_page_program_us", "program failed, or core 1 not parked");
            bench_done();
        }
        prog_us[i] = r.total_us;
        prog_parked[i] = r.parked_us;
        lockout[i] = c - r.flash_us * mhz;
    }
    if (td_store_init() != TD_OK) {
        bench_fail("store_set_cycles", "store init");
        bench_done();
    }
    for (unsigned i = 0; i < STORE_N; i++) {
        uint8_t v[16], got[16];
        uint32_t len = 0;
        for (unsigned j = 0; j < sizeof v; j++)
            v[j] = (uint8_t)(i + j);
        uint32_t c0 = port_cycles();
        int e = td_store_set("bench", v, sizeof v);
        uint32_t c1 = port_cycles();
        int g = td_store_get("bench", got, sizeof got, &len);
        uint32_t c2 = port_cycles();
        if (e != TD_OK || g != TD_OK || len != sizeof v || got[0] != v[0] || got[15] != v[15]) {
            bench_fail("store_set_cycles", "the store did not return what was set");
            bench_done();
        }
        set_c[i] = c1 - c0;
        get_c[i] = c2 - c1;
    }
    bench_report("flash_sector_erase_us", "us", erase_us, ERASES);
    bench_report("flash_erase_core1_parked_us", "us", erase_parked, ERASES);
    bench_report("flash_page_program_us", "us", prog_us, PROGRAMS);
    bench_report("flash_program_core1_parked_us", "us", prog_parked, PROGRAMS);
    bench_report("flash_lockout_cycles", "cycles", lockout, PROGRAMS);
    bench_report("store_set_cycles", "cycles", set_c, STORE_N);
    bench_report("store_get_cycles", "cycles", get_c, STORE_N);
    td_flash_stats_t st;
    if (td_flash_stats(&st) != TD_OK || st.park_timeouts[1] != 0 || st.no_response != 0)
        bench_fail("flash_lockout_cycles", "a park timed out or was not answered");
    bench_done();
}
