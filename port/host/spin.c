/*
 * port/host/spin.c: the 32 hardware spinlocks as bits of one atomic word.
 */
#include "host.h"

static atomic_uint spin_bits;

bool port_spin_try(unsigned n)
{
    unsigned bit = 1u << (n & 31u);
    return (atomic_fetch_or_explicit(&spin_bits, bit, memory_order_acquire) & bit) == 0;
}

void port_spin_release(unsigned n)
{
    atomic_fetch_and_explicit(&spin_bits, ~(1u << (n & 31u)), memory_order_release);
}

uint32_t port_spin_state(void)
{
    return atomic_load(&spin_bits);
}
