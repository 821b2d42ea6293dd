/*
 * tandem/error.h: the one error convention.
 *
 * Every tandem call that can fail returns int: 0 (TD_OK) on success, or one of
 * the negative codes below. Timeout has its own code so a caller can tell
 * "nothing happened in time" from "this was wrong". td_strerror names a code.
 */
#ifndef TANDEM_ERROR_H
#define TANDEM_ERROR_H

#define TD_OK                   0
#define TD_ERR_PARAM          (-1)  /* null pointer or argument out of range */
#define TD_ERR_UNINIT         (-2)  /* object was never initialised */
#define TD_ERR_TIMEOUT        (-3)  /* the wait's time ran out */
#define TD_ERR_WOULD_BLOCK    (-4)  /* non-blocking form could not proceed now */
#define TD_ERR_WRONG_CORE     (-5)  /* object or call belongs to the other core */
#define TD_ERR_IN_ISR         (-6)  /* call not allowed from an interrupt */
#define TD_ERR_NOT_OWNER      (-7)  /* caller does not own the object */
#define TD_ERR_BUSY           (-8)  /* object in use (has waiters, owner...) */
#define TD_ERR_FULL           (-9)  /* buffer or queue full */
#define TD_ERR_EMPTY         (-10)  /* buffer or queue empty */
#define TD_ERR_NO_MEMORY     (-11)  /* allocation failed */
#define TD_ERR_LOCKED        (-12)  /* heaps locked after start-up */
#define TD_ERR_DEADLOCK      (-13)  /* the call would deadlock (recursion) */
#define TD_ERR_NO_RESPONSE   (-14)  /* the other core did not answer */
#define TD_ERR_STATE         (-15)  /* object or thread in the wrong state */
#define TD_ERR_ENDPOINT      (-16)  /* unknown or unsubscribed endpoint */
#define TD_ERR_PEER_DOWN     (-17)  /* other core not running or faulted */
#define TD_ERR_OVERFLOW      (-18)  /* data was lost (overrun) */
#define TD_ERR_IDLE          (-19)  /* blocking call from the idle thread */
#define TD_ERR_STACK         (-20)  /* stack too small or overflowed */
#define TD_ERR_UNSUPPORTED   (-21)  /* not available on this port or build */
#define TD_ERR_ALIGN         (-22)  /* offset or size not aligned as the call needs */
#define TD_ERR_RANGE         (-23)  /* outside the device or the region */
#define TD_ERR_PROTECTED     (-24)  /* would overwrite the running program image */
#define TD_ERR_NOT_FOUND     (-25)  /* no such key (or item) */

/* A short constant name for an error code ("TD_ERR_TIMEOUT"), or "TD_ERR_?". */
const char *td_strerror(int err);

#endif /* TANDEM_ERROR_H */
