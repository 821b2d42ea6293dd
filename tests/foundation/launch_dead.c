/*
 * A core 1 that never answers (the emulator's --core1-dead): every launch
 * path must give up with TD_ERR_NO_RESPONSE within its bound, never hang.
 */
#include "port.h"
#include "tandem/console.h"
#include "tandem/easy.h"
#include "tandem/tandem.h"

static void never(void *arg)
{
    (void)arg;
}

static int failures;

static void expect(const char *what, int rc, uint64_t us)
{
    /* 6 words x 1 ms, drains included, per attempt: well under 50 ms. */
    bool ok = rc == TD_ERR_NO_RESPONSE && us < 50000u;
    td_printf("%s %s: %s after %lu us\n", ok ? "PASS" : "FAIL", what, td_strerror(rc),
              (unsigned long)us);
    failures += !ok;
}

int main(void)
{
    uint64_t t0 = td_time_us();
    int rc = port_core1_launch(never, NULL, NULL, 0);
    expect("launch_port_no_answer", rc, td_time_us() - t0);

    t0 = td_time_us();
    rc = td_kernel_launch_core1(never, NULL);
    expect("launch_kernel_no_answer", rc, td_time_us() - t0);

    t0 = td_time_us();
    rc = td_start_new_thread(never, NULL);
    expect("launch_beginner_no_answer", rc, td_time_us() - t0);

    port_exit(failures ? 1 : 0);
}
