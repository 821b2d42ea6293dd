/*
 * tandem/flash.h: erasing and programming the board's flash from either
 * core while the other core runs.
 *
 * While the flash is erased or programmed it cannot serve execute-in-place
 * reads, so for each step (one 4 KiB sector erase, one 256-byte page
 * program) the calling core masks its interrupts and runs from RAM, and the
 * other core, if it runs, is asked through a doorbell of the inter-core
 * link to park in a RAM routine with its interrupts masked; it
 * acknowledges, the step runs, fast XIP is restored (our own boot2, called from RAM) and both go on. A core
 * halted by a fault answers from its RAM halt loop; a core 1 in reset (in
 * the boot ROM) is not asked. Every wait is bounded: a peer that does not
 * acknowledge within TD_FLASH_ACK_TIMEOUT_US of its own running time (on a
 * chip the time; on the host port the time its thread ran) makes the call fail with
 * TD_ERR_NO_RESPONSE, the step not done. Two writers at once (threads of
 * either core) are serialised by one cross-core mutex. The whole model:
 * docs/flash.md.
 *
 * Offsets count from the start of the flash (0 = boot2). The running
 * program image (from the linker) is never written (TD_ERR_PROTECTED), nor
 * anything beyond the flash (TD_ERR_RANGE). The other core must be running
 * its kernel with messages started (td_msg_start) to be asked: a call made
 * while it is still starting waits up to TD_FLASH_PEER_WAIT ticks for that;
 * if it runs its kernel without messages the call fails with TD_ERR_STATE.
 *
 * Each step masks both cores' interrupts for its duration (a sector erase
 * 45 ms typical, 400 ms at worst on a Pico's W25Q16JV; a page program
 * 0.4 ms, 3 ms at worst): kernel ticks falling in that window are lost on
 * both cores (td_time_us is not affected).
 */
#ifndef TANDEM_FLASH_H
#define TANDEM_FLASH_H

#include <stdint.h>

#include "tandem/types.h"

#define TD_FLASH_SECTOR 4096u   /* erase unit */
#define TD_FLASH_PAGE   256u    /* program unit (any bytes may be programmed) */

/* How long a writer waits for the other core to acknowledge a park request. */
#ifndef TD_FLASH_ACK_TIMEOUT_US
#define TD_FLASH_ACK_TIMEOUT_US 2000u
#endif
/* The longest a parked core waits for its release before it goes on by
 * itself (the writer died); well above the worst sector erase. */
#ifndef TD_FLASH_PARK_MAX_US
#define TD_FLASH_PARK_MAX_US 1000000u
#endif
/* How long, in ticks, a call waits for the other core to finish starting
 * (launched, its kernel or its messages not running yet) before it asks. */
#ifndef TD_FLASH_PEER_WAIT
#define TD_FLASH_PEER_WAIT 100u
#endif
/* How long a writer waits for another writer to finish, in ticks. */
#ifndef TD_FLASH_LOCK_TIMEOUT
#define TD_FLASH_LOCK_TIMEOUT 10000u
#endif

/* What the other core did during a call. */
enum td_flash_peer {
    TD_FLASH_PEER_PARKED = 0,   /* it ran and was parked for each step */
    TD_FLASH_PEER_HALTED,       /* halted: it answered from its RAM halt loop */
    TD_FLASH_PEER_IN_ROM,       /* core 1 in the boot ROM (never launched, or reset): not asked */
};

/* The statistics of one call (optional out-parameter). Times in us. */
typedef struct td_flash_report {
    uint32_t total_us;          /* from entry to return */
    uint32_t flash_us;          /* the steps themselves (flash busy, interrupts masked) */
    uint32_t parked_us;         /* the other core parked, summed over the steps */
    uint32_t parked_max_us;     /* its longest single park */
    uint32_t ack_max_us;        /* its slowest acknowledgement */
    uint16_t steps;             /* sectors erased or pages programmed */
    uint8_t peer;               /* enum td_flash_peer (the last step's) */
    uint8_t core;               /* the calling core */
} td_flash_report_t;

/* Totals since boot. */
typedef struct td_flash_stats {
    uint32_t sectors_erased;
    uint32_t pages_programmed;
    uint32_t calls_refused;     /* bad arguments, protected or out of range, from an
                                   interrupt, no ROM flash functions */
    uint32_t no_response;       /* steps not done: the other core did not acknowledge */
    uint32_t parks[2];          /* times core n took a request to park (one withdrawn
                                   in the instants between its look and its park's
                                   is counted, though the core did not stay) */
    uint32_t park_timeouts[2];  /* times core n left a park by its own bound */
    uint32_t parked_max_us;     /* the longest park seen by a writer */
    uint64_t parked_total_us;
} td_flash_stats_t;

/* Erase [offset, offset + size): both sector-aligned (TD_ERR_ALIGN), size
 * not 0 (TD_ERR_PARAM), inside the flash (TD_ERR_RANGE), clear of the
 * program image (TD_ERR_PROTECTED). report may be NULL. Returns 0,
 * TD_ERR_IN_ISR, TD_ERR_ALIGN, TD_ERR_PARAM, TD_ERR_RANGE,
 * TD_ERR_PROTECTED, TD_ERR_UNSUPPORTED (no ROM flash functions),
 * TD_ERR_TIMEOUT (another writer held the flash for TD_FLASH_LOCK_TIMEOUT),
 * TD_ERR_NO_RESPONSE (the other core did not park: the sectors from the
 * one that failed on are not erased), TD_ERR_STATE (the other core runs
 * without messages), or what td_xmutex_lock returns. Thread only, either
 * core. */
int td_flash_erase(uint32_t offset, uint32_t size, td_flash_report_t *report);

/* Program size bytes from data at offset: any offset and size (bits can
 * only be cleared: program erased bytes, or bytes whose 1-bits are all set
 * in the flash already). data may be anywhere, even in flash. Same checks
 * and returns as td_flash_erase, without TD_ERR_ALIGN; TD_ERR_PARAM for a
 * NULL data. Thread only, either core. */
int td_flash_program(uint32_t offset, const void *data, uint32_t size,
                     td_flash_report_t *report);

/* Copy size bytes at offset into buf. Returns 0, TD_ERR_PARAM, TD_ERR_RANGE.
 * Anywhere (a read while the other core writes waits parked). */
int td_flash_read(uint32_t offset, void *buf, uint32_t size);

/* Bytes of flash; the program image [*start, *end) and the store region the
 * linker reserves (either pointer may be NULL). Anywhere. */
uint32_t td_flash_size(void);
void td_flash_image(uint32_t *start, uint32_t *end);
void td_flash_store_region(uint32_t *start, uint32_t *end);

/* Copy the totals since boot (waiting for a writer to finish, as a writer
 * does). Returns 0, TD_ERR_PARAM, TD_ERR_IN_ISR, or what td_xmutex_lock
 * returns. Thread only. */
int td_flash_stats(td_flash_stats_t *out);

#endif /* TANDEM_FLASH_H */
