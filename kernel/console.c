/*
 * console.c: whole-line text output shared by both cores (tandem/console.h).
 *
 * A call formats its text on the caller's stack, then writes it to the port's
 * console device while holding the console spinlock with this core's
 * interrupts masked, so neither the other core nor an interrupt on this core
 * can cut into it. The lock records its owner core, which lets the fault path
 * write even when the faulting core itself held it.
 */
#include "tandem/console.h"

#include "port.h"
#include "tandem/config.h"
#include "tandem/fmt.h"
#include "tandem/hwtable.h"

#include <stdarg.h>

#define NO_OWNER 0xffu

static volatile unsigned char console_owner = NO_OWNER;

static port_irq_state_t console_lock(void)
{
    port_irq_state_t s = port_irq_save();
    while (!port_spin_try(TD_SPIN_CONSOLE))
        ;
    console_owner = (unsigned char)port_core_id();
    return s;
}

static void console_unlock(port_irq_state_t s)
{
    console_owner = NO_OWNER;
    port_spin_release(TD_SPIN_CONSOLE);
    port_irq_restore(s);
}

int td_console_write(const char *s, size_t n)
{
    if (s == NULL)
        return 0;
    port_irq_state_t st = console_lock();
    port_console_write(s, n);
    console_unlock(st);
    return (int)n;
}

int td_puts(const char *s)
{
    char line[TD_CONSOLE_LINE_MAX + 1];
    int n = td_snprintf(line, sizeof line - 1, "%s", s ? s : "(null)");
    if (n > TD_CONSOLE_LINE_MAX - 1)
        n = TD_CONSOLE_LINE_MAX - 1;
    line[n++] = '\n';
    return td_console_write(line, (size_t)n);
}

int td_printf(const char *fmt, ...)
{
    char line[TD_CONSOLE_LINE_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    int n = td_vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return n;
    if (n > TD_CONSOLE_LINE_MAX) {      /* cut: say so, keep the line ending */
        n = TD_CONSOLE_LINE_MAX;
        line[n - 4] = '.';
        line[n - 3] = '.';
        line[n - 2] = '.';
        line[n - 1] = '\n';
    }
    return td_console_write(line, (size_t)n);
}

void td_console_write_panic(const char *s, size_t n)
{
    port_irq_state_t st = port_irq_save();
    unsigned me = port_core_id();
    bool locked = false;
    if (console_owner != me) {
        /* The other core may be mid-line: give it a bounded time to finish. */
        uint64_t deadline = port_time_us() + 20000u;
        while (!(locked = port_spin_try(TD_SPIN_CONSOLE)) && port_time_us() < deadline)
            ;
    }
    port_console_write(s, n);
    if (locked)
        port_spin_release(TD_SPIN_CONSOLE);
    port_irq_restore(st);
}
