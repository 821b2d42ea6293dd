/*
 * kernel/panic.c: the minimal fault hook (weak: the fault module replaces it).
 */
#include "port.h"

#include "tandem/panic.h"

__attribute__((weak)) void td_panic(const char *reason)
{
    char head[] = "PANIC core 0: ";
    head[11] = (char)('0' + port_core_id());
    port_irq_save();
    port_console_write(head, sizeof head - 1u);
    size_t n = 0;
    while (reason != NULL && reason[n] != '\0')
        n++;
    port_console_write(reason, n);
    port_console_write("\n", 1);
    port_exit(3);
}
