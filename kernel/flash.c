/*
 * kernel/flash.c: erasing and programming the flash with the other core
 * running (tandem/flash.h; the protocol in docs/flash.md).
 *
 * A call checks its arguments, takes the flash mutex (one writer at a time,
 * whichever core), and performs its steps one by one: a 4 KiB sector erase
 * or a 256-byte page program. Each step, with this core's interrupts masked:
 *   1. lock out the other core: ask it to park (the lockout record, then a
 *      system doorbell and an event) and wait, bounded, for its
 *      acknowledgement; a core 1 in the boot ROM is not asked; a halted core
 *      answers from its RAM halt loop;
 *   2. the port's step, from RAM (XIP back when it returns);
 *   3. release the other core.
 * A request that is not acknowledged in time is withdrawn: the parked side
 * only parks for the request the record names, and leaves as soon as it
 * changes, so a late acknowledgement cannot leave it parked.
 */
#include <string.h>

#include "core.h"
#include "flash_sys.h"
#include "link.h"

#include "tandem/flash.h"
#include "tandem/msg.h"
#include "tandem/time.h"
#include "tandem/xmutex.h"

static td_xmutex_t mx = TD_XMUTEX_INIT;
td_tick_t td__flash_lock_timeout = TD_FLASH_LOCK_TIMEOUT;
static port_flash_lockout_t lockout;
static uint32_t token;                   /* the last request's (under mx) */
static uint8_t page[PORT_FLASH_PAGE];    /* the page being programmed (under mx) */
static td_flash_stats_t st;              /* writer's fields under mx; parks[n] and
                                            park_timeouts[n] by core n alone */
static uint32_t refused[PORT_NUM_CORES]; /* by core n alone, interrupts masked */
static uint8_t bell, registered;         /* the park doorbell (kernel/link.h), under mx */

static int refuse(int r)
{
    unsigned me = port_core_id();
    port_irq_state_t s = port_irq_save();
    TD_STORE_RELEASE(refused[me], refused[me] + 1u);
    port_irq_restore(s);
    return r;
}

/* The park doorbell, run by the FIFO interrupt of the core it was rung to
 * (interrupts masked): park if the record asks this core to. */
static void park_rang(unsigned me, td_core_t *c, uint32_t count)
{
    (void)c;
    (void)count;
    uint32_t a = TD_LOAD_ACQUIRE(lockout.ask);
    if (a == 0 || (a & 1u) != me)
        return;
    uint32_t us = port_flash_park(&lockout, TD_FLASH_PARK_MAX_US);
    TD_STORE_RELEASE(st.parks[me], st.parks[me] + 1u);
    if (us >= TD_FLASH_PARK_MAX_US)
        TD_STORE_RELEASE(st.park_timeouts[me], st.park_timeouts[me] + 1u);
}

static int check(uint32_t off, uint32_t size, bool erase)
{
    if (size == 0)
        return TD_ERR_PARAM;
    if (erase && ((off | size) & (PORT_FLASH_SECTOR - 1u)))
        return TD_ERR_ALIGN;
    uint32_t fs = port_flash_size(), is, ie;
    if (off >= fs || size > fs - off)
        return TD_ERR_RANGE;
    port_flash_image(&is, &ie);
    if (off < ie && off + size > is)
        return TD_ERR_PROTECTED;
    return TD_OK;
}

struct call {
    td_flash_report_t rep;
    uint64_t start;
    uint64_t acked;                      /* when the other core acknowledged */
};

/* Ask the other core to park; interrupts masked. Returns 0 (parked, or
 * nothing to ask), TD_ERR_NO_RESPONSE or TD_ERR_STATE (request withdrawn). */
static int lock_out(unsigned me, struct call *c, uint32_t *ask)
{
    unsigned peer = me ^ 1u;
    *ask = 0;
    if (peer == 1 && port_core1_in_rom()) {
        c->rep.peer = TD_FLASH_PEER_IN_ROM;
        return TD_OK;
    }
    bool halted = td__core_halted(peer);
    if (++token >= 0x80000000u)
        token = 1;
    uint32_t a = (token << 1) | peer;
    TD_STORE_RELEASE(lockout.ask, a);
    if (td__link_linked()) {
        td__link_post(me, bell);
    } else if (!halted && td__link_peer_alive(peer)) {
        TD_STORE_RELEASE(lockout.ask, 0u);   /* it runs, but cannot be told */
        return TD_ERR_STATE;
    }
    port_sev();                          /* a halted core waits for an event */
    /* bounded by the other core's own time: the same as this core's on the
     * chip; on the host, a core whose thread was not run is not deaf */
    uint64_t t0 = port_time_us(), r0 = port_core_ran_us(peer), t;
    while (TD_LOAD_ACQUIRE(lockout.ack) != a) {
        if (port_core_ran_us(peer) - r0 > TD_FLASH_ACK_TIMEOUT_US) {
            TD_STORE_RELEASE(lockout.ask, 0u);   /* withdrawn: a late answer leaves at once */
            st.no_response++;
            return TD_ERR_NO_RESPONSE;
        }
    }
    c->acked = port_time_us();
    t = c->acked - t0;
    if (t > c->rep.ack_max_us)
        c->rep.ack_max_us = (uint32_t)t;
    c->rep.peer = td__core_halted(peer) ? TD_FLASH_PEER_HALTED : TD_FLASH_PEER_PARKED;
    *ask = a;
    return TD_OK;
}

/* One step: erase the sector at off (p NULL) or program page p at off. */
static int step(struct call *c, uint32_t off, const uint8_t *p)
{
    unsigned me = port_core_id();
    uint32_t a;
    port_irq_state_t s = port_irq_save();
    int r = lock_out(me, c, &a);
    if (r == TD_OK) {
        uint64_t t0 = port_time_us();
        if (p == NULL)
            port_flash_erase_sector(off);
        else
            port_flash_program_page(off, p);
        uint64_t t1 = port_time_us();
        if (a != 0) {
            TD_STORE_RELEASE(lockout.release, a);
            port_sev();
            uint32_t parked = (uint32_t)(port_time_us() - c->acked);
            c->rep.parked_us += parked;
            if (parked > c->rep.parked_max_us)
                c->rep.parked_max_us = parked;
            if (parked > st.parked_max_us)
                st.parked_max_us = parked;
            st.parked_total_us += parked;
        }
        c->rep.flash_us += (uint32_t)(t1 - t0);
        c->rep.steps++;
        if (p == NULL)
            st.sectors_erased++;
        else
            st.pages_programmed++;
    }
    port_irq_restore(s);
    return r;
}

/* Whether the other core can be asked now, or needs not be: in the boot
 * ROM, halted (its RAM loop answers), or running its kernel with the link
 * up on both cores (the doorbell reaches it). */
static bool peer_ready(unsigned me)
{
    unsigned peer = me ^ 1u;
    if (peer == 1 && port_core1_in_rom())
        return true;
    return td__core_halted(peer) || (td__link_peer_alive(peer) && td__link_linked());
}

/* The common start of a call: checks, the mutex, this core's messages, and
 * a bounded wait for the other core to finish starting. */
static int begin(struct call *c, uint32_t off, uint32_t size, bool erase)
{
    if (port_in_isr())
        return refuse(TD_ERR_IN_ISR);
    c->rep = (td_flash_report_t){ .core = (uint8_t)port_core_id(), .peer = TD_FLASH_PEER_IN_ROM };
    c->start = port_time_us();
    int r = port_flash_ready();
    if (r == TD_OK)
        r = check(off, size, erase);
    if (r != TD_OK)
        return refuse(r);
    r = td_xmutex_lock(&mx, TD_LOAD_RELAXED(td__flash_lock_timeout));
    if (r != TD_OK)
        return r;
    if (!registered) {                   /* the first call (any core, under mx) */
        bell = (uint8_t)td__link_doorbell(park_rang, false);
        port_flash_halt_answer(&lockout);
        registered = 1;
    }
    (void)td_msg_start();                /* this core's side of the link */
    for (unsigned i = 0; i < TD_FLASH_PEER_WAIT && !peer_ready(port_core_id()); i++)
        td_sleep(1);
    return TD_OK;
}

static int end(struct call *c, int r, td_flash_report_t *report)
{
    td_xmutex_unlock(&mx);
    c->rep.total_us = (uint32_t)(port_time_us() - c->start);
    if (report != NULL)
        *report = c->rep;
    return r;
}

int td_flash_erase(uint32_t offset, uint32_t size, td_flash_report_t *report)
{
    struct call c;
    int r = begin(&c, offset, size, true);
    if (r != TD_OK)
        return r;
    for (uint32_t o = offset; r == TD_OK && o - offset < size; o += PORT_FLASH_SECTOR)
        r = step(&c, o, NULL);
    return end(&c, r, report);
}

int td_flash_program(uint32_t offset, const void *data, uint32_t size,
                     td_flash_report_t *report)
{
    if (port_in_isr())
        return refuse(TD_ERR_IN_ISR);
    if (data == NULL)
        return refuse(TD_ERR_PARAM);
    struct call c;
    int r = begin(&c, offset, size, false);
    if (r != TD_OK)
        return r;
    const uint8_t *d = data;
    uint32_t o = offset, left = size;
    while (r == TD_OK && left != 0) {
        uint32_t base = o & ~(PORT_FLASH_PAGE - 1u), in = o - base;
        uint32_t n = PORT_FLASH_PAGE - in < left ? PORT_FLASH_PAGE - in : left;
        memset(page, 0xff, sizeof page);              /* 0xff: those bytes stay as they are */
        memcpy(page + in, d, n);                      /* data may be in flash: copied now */
        r = step(&c, base, page);
        d += n;
        o += n;
        left -= n;
    }
    return end(&c, r, report);
}

int td_flash_read(uint32_t offset, void *buf, uint32_t size)
{
    uint32_t fs = port_flash_size();
    if (buf == NULL)
        return TD_ERR_PARAM;
    if (offset > fs || size > fs - offset)
        return TD_ERR_RANGE;
    const uint8_t *s = port_flash_map(offset);
    uint8_t *d = buf;
    for (uint32_t i = 0; i < size; i++)
        d[i] = s[i];
    return TD_OK;
}

uint32_t td_flash_size(void)
{
    return port_flash_size();
}

void td_flash_image(uint32_t *start, uint32_t *end)
{
    uint32_t s, e;
    port_flash_image(&s, &e);
    if (start != NULL)
        *start = s;
    if (end != NULL)
        *end = e;
}

void td_flash_store_region(uint32_t *start, uint32_t *end)
{
    uint32_t s, e;
    port_flash_store_region(&s, &e);
    if (start != NULL)
        *start = s;
    if (end != NULL)
        *end = e;
}

int td_flash_stats(td_flash_stats_t *out)
{
    if (out == NULL)
        return TD_ERR_PARAM;
    if (port_in_isr())
        return TD_ERR_IN_ISR;
    int r = td_xmutex_lock(&mx, TD_LOAD_RELAXED(td__flash_lock_timeout));
    if (r != TD_OK)
        return r;
    *out = (td_flash_stats_t){
        .sectors_erased = st.sectors_erased, .pages_programmed = st.pages_programmed,
        .no_response = st.no_response, .parked_max_us = st.parked_max_us,
        .parked_total_us = st.parked_total_us,
    };
    for (unsigned n = 0; n < PORT_NUM_CORES; n++) {
        out->parks[n] = TD_LOAD_ACQUIRE(st.parks[n]);
        out->park_timeouts[n] = TD_LOAD_ACQUIRE(st.park_timeouts[n]);
        out->calls_refused += TD_LOAD_ACQUIRE(refused[n]);
    }
    td_xmutex_unlock(&mx);
    return TD_OK;
}
