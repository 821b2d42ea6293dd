/*
 * A launch handshake out of step (the emulator's --core1-garble N corrupts
 * core 1's first N answers): the launcher must start over and succeed when
 * the noise stops, and give up with TD_ERR_NO_RESPONSE, within its bound,
 * when it never does. Prints one line the foundation suite checks:
 *   launch: RESULT ran=0|1 after N cycles
 */
#include "port.h"
#include "tandem/console.h"
#include "tandem/tandem.h"

static volatile int ran;

static void entry(void *arg)
{
    (void)arg;
    ran = 1;
}

int main(void)
{
    uint32_t c0 = port_cycles();
    int rc = port_core1_launch(entry, NULL, NULL, 0);
    uint32_t cycles = port_cycles() - c0;  /* well under SysTick's 2^24 */
    for (uint64_t end = td_time_us() + 1000u; !ran && td_time_us() < end;)
        ;                                  /* core 1 runs its entry within 1 ms */
    td_printf("launch: %s ran=%d after %lu cycles\n", td_strerror(rc), ran,
              (unsigned long)(cycles & 0xffffffu));
    port_exit(0);
}
