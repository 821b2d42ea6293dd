/*
 * tandem/tandem.h: the whole kernel API in one include.
 */
#ifndef TANDEM_TANDEM_H
#define TANDEM_TANDEM_H

#include "tandem/error.h"
#include "tandem/hwtable.h"
#include "tandem/kconfig.h"
#include "tandem/types.h"
#include "tandem/kernel.h"
#include "tandem/thread.h"
#include "tandem/time.h"
#include "tandem/period.h"
#include "tandem/timer.h"
#include "tandem/sem.h"
#include "tandem/event.h"
#include "tandem/mutex.h"
#include "tandem/queue.h"
#include "tandem/pool.h"
#include "tandem/lock.h"
#include "tandem/xmutex.h"
#include "tandem/xsem.h"
#include "tandem/easy.h"
#include "tandem/panic.h"
#include "tandem/heap.h"
#include "tandem/fault.h"
#include "tandem/watchdog.h"

#endif /* TANDEM_TANDEM_H */
