/*
 * port/host/boot.c: the host's reset vector. Runs before the C library
 * would call main(): it starts core 0's kernel (td_kernel_main), which runs
 * main() as core 0's first thread, exactly as the chip's start-up does; the
 * run ends in port_exit. Programs that need their own main (fuzzers) do not
 * link this file.
 */
#include "host.h"

void host_boot(void);

__attribute__((constructor)) static void host_reset(void)
{
    host_boot();
}
