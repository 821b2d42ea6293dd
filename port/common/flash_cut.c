/*
 * flash_cut.c: power cuts for a flash kept in software
 * (common/flash_cut.h): the step counter, the cut and the half-done step.
 */
#include "common/flash_cut.h"

#include "port.h"

static uint32_t steps, cut_at = UINT32_MAX, cut_seed;
static bool cut_done;

void common_flash_cut(uint32_t after_steps, uint32_t seed)
{
    cut_at = steps + after_steps;
    cut_seed = seed;
    cut_done = false;
}

void common_flash_power_on(void)
{
    cut_at = UINT32_MAX;
    cut_done = false;
}

uint32_t common_flash_steps(void)
{
    return steps;
}

void common_flash_cut_reset(void)
{
    steps = 0;
    common_flash_power_on();
}

/* ---- the half-done step -------------------------------------------------------- */

static uint32_t rnd(void)                 /* xorshift32 on the cut's seed */
{
    cut_seed ^= cut_seed << 13;
    cut_seed ^= cut_seed >> 17;
    cut_seed ^= cut_seed << 5;
    return cut_seed;
}

/* A byte whose bits are each set with probability p/256. */
static uint8_t bits(uint32_t p)
{
    uint8_t v = 0;
    for (unsigned b = 0; b < 8; b++)
        if ((rnd() & 0xffu) < p)
            v |= (uint8_t)(1u << b);
    return v;
}

static void partial_program(uint8_t *dst, const uint8_t *src)
{
    uint32_t frac = rnd() & 0xffu;        /* how far it got, in 256ths */
    if (rnd() & 1u) {                     /* a prefix */
        unsigned k = frac;
        for (unsigned i = 0; i < k; i++)
            dst[i] &= src[i];
        dst[k] &= (uint8_t)(src[k] | bits(128));
    } else {                              /* scattered bits */
        for (unsigned i = 0; i < PORT_FLASH_PAGE; i++)
            dst[i] &= (uint8_t)~(~src[i] & bits(frac));
    }
}

static void partial_erase(uint8_t *dst)
{
    uint32_t frac = rnd() & 0xffu, how = rnd() % 3u;
    for (unsigned i = 0; i < PORT_FLASH_SECTOR; i++) {
        if (how == 0)
            dst[i] &= (uint8_t)~bits(frac);   /* cells being pre-programmed */
        else if (how == 1)
            dst[i] |= bits(frac);             /* cells being erased */
        else
            dst[i] = (uint8_t)rnd();          /* anything */
    }
}

/* Counts the step; 1: it goes ahead in full, 0: it is the one the power
 * went in (half done, unless the seed is 0: not begun), -1: after it. */
static int power(void)
{
    uint32_t n = steps++;
    if (cut_done)
        return -1;
    if (n != cut_at)
        return 1;
    cut_done = true;
    return cut_seed != 0 ? 0 : -1;
}

void common_flash_erase(uint8_t *sector)
{
    int p = power();
    if (p > 0) {
        for (unsigned i = 0; i < PORT_FLASH_SECTOR; i++)
            sector[i] = 0xff;
    } else if (p == 0) {
        partial_erase(sector);
    }
}

void common_flash_program(uint8_t *dst, const uint8_t *page)
{
    int p = power();
    if (p > 0) {
        for (unsigned i = 0; i < PORT_FLASH_PAGE; i++)
            dst[i] &= page[i];
    } else if (p == 0) {
        partial_program(dst, page);
    }
}
