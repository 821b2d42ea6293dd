/*
 * port/host/flash.c: the host side of the flash port contract (port/port.h,
 * "flash"): a RAM array of HOST_FLASH_SIZE bytes with the chip's semantics
 * (an erase sets a 4 KiB sector to 0xff, a program can only clear bits), the
 * lockout's parked side as a bounded wait of the parked core's pthread, and
 * power cuts for tests (port/common/flash_cut.c: a cut leaves the step it
 * interrupts half done, as the emulator's model has it). The array's first
 * HOST_FLASH_IMAGE bytes play the running program image; the store region
 * is its last HOST_FLASH_STORE.
 */
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "common/flash_cut.h"
#include "host.h"
#include "tandem/error.h"

#define HOST_FLASH_SIZE  (256u * 1024u)
#define HOST_FLASH_IMAGE (64u * 1024u)
#define HOST_FLASH_STORE (16u * 1024u)
#define NSECT (HOST_FLASH_SIZE / PORT_FLASH_SECTOR)

static uint8_t mem[HOST_FLASH_SIZE];
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
    common_flash_cut_reset();
    pthread_mutex_unlock(&mu);
    return TD_OK;
}

int port_flash_power_cut(uint32_t n, uint32_t seed)
{
    pthread_mutex_lock(&mu);
    common_flash_cut(n, seed);
    pthread_mutex_unlock(&mu);
    return TD_OK;
}

int port_flash_power_on(void)
{
    pthread_mutex_lock(&mu);
    common_flash_power_on();
    pthread_mutex_unlock(&mu);
    return TD_OK;
}

uint32_t port_flash_steps(void)
{
    pthread_mutex_lock(&mu);
    uint32_t n = common_flash_steps();
    pthread_mutex_unlock(&mu);
    return n;
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
    common_flash_erase(&mem[n * PORT_FLASH_SECTOR]);
    pthread_mutex_unlock(&mu);
    port_irq_restore(s);
}

void port_flash_program_page(uint32_t offset, const uint8_t *page)
{
    port_irq_state_t s = port_irq_save();
    pthread_mutex_lock(&mu);
    common_flash_program(&mem[(offset & ~(PORT_FLASH_PAGE - 1u)) % HOST_FLASH_SIZE], page);
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
