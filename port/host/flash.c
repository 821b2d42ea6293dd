/*
 * port/host/flash.c: the host side of the flash port contract (port/port.h,
 * "flash"): a RAM array of HOST_FLASH_SIZE bytes with the chip's semantics
 * (an erase sets a 4 KiB sector to 0xff, a program can only clear bits), the
 * lockout's parked side as a bounded wait of the parked core's pthread, and
 * power cuts for tests. The array's first HOST_FLASH_IMAGE bytes play the
 * running program image; the store region is its last HOST_FLASH_STORE.
 *
 * A power cut leaves the step it interrupts half done, as the emulator's
 * model has it (sim/README.md "The flash"): a page program leaves a prefix
 * of its bytes or a random subset of the bits it was to clear; an erase
 * leaves the sector's bits randomly cleared, randomly set, or random bytes.
 */
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "host.h"
#include "tandem/error.h"

#define HOST_FLASH_SIZE  (256u * 1024u)
#define HOST_FLASH_IMAGE (64u * 1024u)
#define HOST_FLASH_STORE (16u * 1024u)
#define NSECT (HOST_FLASH_SIZE / PORT_FLASH_SECTOR)

static uint8_t mem[HOST_FLASH_SIZE];
static uint32_t steps, cut_at = UINT32_MAX, cut_seed;
static bool cut_done;
static port_flash_lockout_t *_Atomic halt_lockout;
static uint32_t store_size = HOST_FLASH_STORE;   /* host_flash_store_size */

void host_flash_store_size(uint32_t bytes)
{
    store_size = bytes != 0 ? bytes : HOST_FLASH_STORE;
}
static atomic_uint park_stall_us;         /* host_flash_stall_next_park */

void host_flash_stall_next_park(uint32_t us)
{
    atomic_store(&park_stall_us, us);
}
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;   /* the chip serialises steps */

static void __attribute__((constructor)) flash_init(void)
{
    memset(mem, 0xff, sizeof mem);
}

int port_flash_reset_test(void)
{
    pthread_mutex_lock(&mu);
    memset(mem, 0xff, sizeof mem);
    steps = 0;
    cut_at = UINT32_MAX;
    cut_done = false;
    pthread_mutex_unlock(&mu);
    return TD_OK;
}

int port_flash_power_cut(uint32_t n, uint32_t seed)
{
    pthread_mutex_lock(&mu);
    cut_at = steps + n;
    cut_seed = seed;
    cut_done = false;
    pthread_mutex_unlock(&mu);
    return TD_OK;
}

int port_flash_power_on(void)
{
    pthread_mutex_lock(&mu);
    cut_at = UINT32_MAX;
    cut_done = false;
    pthread_mutex_unlock(&mu);
    return TD_OK;
}

uint32_t port_flash_steps(void)
{
    pthread_mutex_lock(&mu);
    uint32_t n = steps;
    pthread_mutex_unlock(&mu);
    return n;
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

/* Returns true if the step may go ahead in full. Lock held. */
static bool power(void)
{
    uint32_t n = steps++;
    if (cut_done)
        return false;
    return n != cut_at;
}

/* ---- the contract -------------------------------------------------------------- */

uint32_t port_flash_size(void)
{
    return HOST_FLASH_SIZE;
}

void port_flash_image(uint32_t *start, uint32_t *end)
{
    *start = 0;
    *end = HOST_FLASH_IMAGE;
}

void port_flash_store_region(uint32_t *start, uint32_t *end)
{
    *start = HOST_FLASH_SIZE - store_size;
    *end = HOST_FLASH_SIZE;
}

const uint8_t *port_flash_map(uint32_t offset)
{
    return &mem[offset];
}

int port_flash_ready(void)
{
    return TD_OK;
}

void port_flash_erase_sector(uint32_t offset)
{
    port_irq_state_t s = port_irq_save();
    pthread_mutex_lock(&mu);
    uint32_t n = (offset / PORT_FLASH_SECTOR) % NSECT;
    uint8_t *d = &mem[n * PORT_FLASH_SECTOR];
    if (power()) {
        memset(d, 0xff, PORT_FLASH_SECTOR);
    } else if (!cut_done) {
        cut_done = true;
        if (cut_seed != 0)
            partial_erase(d);
    }
    pthread_mutex_unlock(&mu);
    port_irq_restore(s);
}

void port_flash_program_page(uint32_t offset, const uint8_t *page)
{
    port_irq_state_t s = port_irq_save();
    pthread_mutex_lock(&mu);
    uint8_t *d = &mem[(offset & ~(PORT_FLASH_PAGE - 1u)) % HOST_FLASH_SIZE];
    if (power()) {
        for (unsigned i = 0; i < PORT_FLASH_PAGE; i++)
            d[i] &= page[i];
    } else if (!cut_done) {
        cut_done = true;
        if (cut_seed != 0)
            partial_program(d, page);
    }
    pthread_mutex_unlock(&mu);
    port_irq_restore(s);
}

/* ---- the other core's side ------------------------------------------------------ */

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#define LD(x)    __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

uint32_t port_flash_park(port_flash_lockout_t *l, uint32_t max_us)
{
    port_irq_state_t s = port_irq_save();
    uint32_t a = LD(l->ask), t = 0;
    if (a != 0 && (a & 1u) == port_core_id()) {
        uint32_t stall = atomic_exchange(&park_stall_us, 0u);
        if (stall != 0) {                 /* a host that does not run us meanwhile */
            struct timespec ts = { (time_t)(stall / 1000000u), (long)(stall % 1000000u) * 1000 };
            nanosleep(&ts, NULL);
        }
        ST(l->ack, a);
        uint64_t t0 = now_us();
        for (;;) {
            t = (uint32_t)(now_us() - t0);
            if (LD(l->release) == a || LD(l->ask) != a || t >= max_us)
                break;
            host_beat();
            sched_yield();                /* a host step takes microseconds */
        }
    }
    port_irq_restore(s);
    return t;
}

void port_flash_halt_answer(port_flash_lockout_t *l)
{
    atomic_store(&halt_lockout, l);
}

void host_flash_halted_poll(void)
{
    port_flash_lockout_t *l = atomic_load(&halt_lockout);
    if (l == NULL)
        return;
    uint32_t a = LD(l->ask);
    if (a != 0 && (a & 1u) == port_core_id() && LD(l->ack) != a)
        ST(l->ack, a);
}

bool port_core1_in_rom(void)
{
    return !atomic_load(&host_cores[1].alive);
}
