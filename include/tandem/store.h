/*
 * tandem/store.h: a key-value store in flash that survives power cuts.
 *
 * Small settings, calibration values and counters, kept in the flash region
 * the linker sets aside (td_flash_store_region: the last 16 KiB of flash by
 * default, make STORE_SIZE=N or -Wl,--defsym=TD_STORE_SIZE=N to change it;
 * at least two 4 KiB sectors). A key is a string of 1 .. TD_STORE_KEY_MAX characters, a value
 * 0 .. TD_STORE_VALUE_MAX bytes.
 *
 * Every change is a new record appended to a log (a sequence number and a
 * CRC each); the newest record of a key wins. The log fills the region's
 * sectors in turn, so wear is spread evenly over them; when it reaches the
 * last free sector, the oldest sector's live records are copied forward and
 * that sector is erased (compaction). After a power cut at any instant, a
 * get returns the old value or the new one, never a mixture or garbage: a
 * record the cut left half written fails its CRC and is ignored, and
 * td_store_init finishes what the cut interrupted. The format and the
 * proof: docs/flash.md.
 *
 * Both cores may use the store; calls are serialised by a cross-core mutex,
 * which a call waits for at most TD_STORE_LOCK_TIMEOUT. Writes go through
 * td_flash_program / td_flash_erase (tandem/flash.h), so they park the
 * other core while the flash is busy, and fail as those do.
 */
#ifndef TANDEM_STORE_H
#define TANDEM_STORE_H

#include <stdint.h>

#include "tandem/types.h"

#define TD_STORE_KEY_MAX   15u    /* characters of a key */
#define TD_STORE_VALUE_MAX 128u   /* bytes of a value */

/* Distinct keys the store can hold (its index in RAM: 12 bytes each). */
#ifndef TD_STORE_KEYS
#define TD_STORE_KEYS 32u
#endif
/* The most sectors its region may have. */
#define TD_STORE_SECTORS_MAX 16u

/* How long a call waits for another call (the other core's, or another
 * thread's) to give the store up, in ticks: then TD_ERR_TIMEOUT, nothing
 * read or written. Twice the longest a store call can take on its own
 * (about 10 s: a set that compacts every sector of a 16-sector region, at
 * the flash chip's worst erase and program times; docs/flash.md, "The
 * key-value store"). */
#ifndef TD_STORE_LOCK_TIMEOUT
#define TD_STORE_LOCK_TIMEOUT TD_MS(20000u)
#endif

typedef struct td_store_stats {
    uint32_t keys;            /* keys with a value */
    uint32_t live_bytes;      /* bytes their records take */
    uint32_t sectors;         /* sectors in the region */
    uint32_t compactions;     /* since td_store_init */
    uint32_t records_written; /* since td_store_init (copies by compaction included) */
    uint32_t bad_records;     /* records found cut short by td_store_init */
    uint32_t sectors_repaired; /* sectors td_store_init found half erased or obsolete and erased */
    uint32_t seq;             /* the last sequence number used */
    uint32_t erases[TD_STORE_SECTORS_MAX]; /* erase count of each sector (from its header) */
} td_store_stats_t;

/* Read the store's region and make it ready: finish a compaction or an
 * erase a power cut interrupted, build the index of keys. Called once at
 * start-up (again: reads the flash afresh). Returns 0, TD_ERR_RANGE (the
 * region has fewer than 2 sectors or more than TD_STORE_SECTORS_MAX),
 * TD_ERR_FULL (the flash holds more keys than TD_STORE_KEYS), TD_ERR_STATE
 * (a sector the repair erased still reads as it did: the flash did not take
 * the erase; nothing else is tried), TD_ERR_IN_ISR, or what the flash calls
 * return. Thread only, either core.
 *
 * Every call here waits for one on the other core (or another thread's)
 * to end, through the store's cross-core mutex, for at most
 * TD_STORE_LOCK_TIMEOUT ticks; then it returns TD_ERR_TIMEOUT, nothing
 * read or written. A caller that may not wait for it gets td_xmutex_lock's
 * TD_ERR_STATE (interrupts masked) or TD_ERR_IDLE (the idle thread)
 * instead; those three, and TD_ERR_IN_ISR, are among the returns of every
 * call below. */
int td_store_init(void);

/* Copy key's value into buf (size bytes) and its length into *len (len may
 * be NULL). Returns 0, TD_ERR_NOT_FOUND, TD_ERR_PARAM (bad key, NULL buf
 * with size > 0, or size too small: *len then says how much is needed),
 * TD_ERR_UNINIT (no td_store_init), TD_ERR_IN_ISR, TD_ERR_TIMEOUT,
 * TD_ERR_STATE, TD_ERR_IDLE (the store's mutex, above). Thread only. */
int td_store_get(const char *key, void *buf, uint32_t size, uint32_t *len);

/* Set key to the len bytes at value. Setting the value the key already has
 * writes nothing. Returns 0, TD_ERR_PARAM (bad key, len too large, NULL
 * value with len > 0), TD_ERR_FULL (no room even after compaction, with
 * room kept for one delete after it, or TD_STORE_KEYS keys already; a new
 * key or a longer value also when, after it, some key's next value no
 * longer than its current one might find no room: found before anything is
 * written or erased; a key's new value no longer than its current one is
 * therefore never refused for lack of room: docs/flash.md, "Full"),
 * TD_ERR_UNINIT, TD_ERR_IN_ISR, TD_ERR_TIMEOUT, TD_ERR_STATE, TD_ERR_IDLE
 * (the store's mutex, above), or what the flash calls return (nothing of
 * this set is then stored). Thread only. */
int td_store_set(const char *key, const void *value, uint32_t len);

/* Remove key. Returns 0, TD_ERR_NOT_FOUND, TD_ERR_PARAM, TD_ERR_FULL,
 * TD_ERR_UNINIT, TD_ERR_IN_ISR, TD_ERR_TIMEOUT, TD_ERR_STATE, TD_ERR_IDLE
 * (the store's mutex, above), or what the flash calls return. Thread
 * only. */
int td_store_delete(const char *key);

/* Copy the statistics. Returns 0, TD_ERR_PARAM, TD_ERR_UNINIT,
 * TD_ERR_IN_ISR, TD_ERR_TIMEOUT, TD_ERR_STATE, TD_ERR_IDLE (the store's
 * mutex, above). Thread only. */
int td_store_stats(td_store_stats_t *out);

#endif /* TANDEM_STORE_H */
