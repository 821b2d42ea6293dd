/*
 * kernel/error.c: names of the error codes.
 */
#include "tandem/error.h"

static const char *const names[] = {
    "TD_OK", "TD_ERR_PARAM", "TD_ERR_UNINIT", "TD_ERR_TIMEOUT",
    "TD_ERR_WOULD_BLOCK", "TD_ERR_WRONG_CORE", "TD_ERR_IN_ISR",
    "TD_ERR_NOT_OWNER", "TD_ERR_BUSY", "TD_ERR_FULL", "TD_ERR_EMPTY",
    "TD_ERR_NO_MEMORY", "TD_ERR_LOCKED", "TD_ERR_DEADLOCK",
    "TD_ERR_NO_RESPONSE", "TD_ERR_STATE", "TD_ERR_ENDPOINT",
    "TD_ERR_PEER_DOWN", "TD_ERR_OVERFLOW", "TD_ERR_IDLE", "TD_ERR_STACK",
    "TD_ERR_UNSUPPORTED", "TD_ERR_ALIGN", "TD_ERR_RANGE", "TD_ERR_PROTECTED",
    "TD_ERR_NOT_FOUND",
};

const char *td_strerror(int err)
{
    if (err > 0 || -err >= (int)(sizeof names / sizeof names[0]))
        return "TD_ERR_?";
    return names[-err];
}
