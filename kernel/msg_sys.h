/*
 * kernel/msg_sys.h: the message multiplexer's system side, for the rest of
 * the kernel (xsync, channels, faults, core 1 supervision). Private to
 * kernel/ and to tests. The model: docs/messages.md.
 */
#ifndef TANDEM_KERNEL_MSG_SYS_H
#define TANDEM_KERNEL_MSG_SYS_H

#include <stdbool.h>
#include <stdint.h>

/* Post system request 'ep' (TD_EP_SYS_*) with a 24-bit payload to the
 * other core: recorded in shared memory, then a doorbell word if the FIFO
 * has room (if it has none, the other core's FIFO interrupt is certain to
 * run and finds the request after draining). Returns 0, or TD_ERR_PEER_DOWN
 * when either core's multiplexer is not running (nothing posted). Any
 * context, this core. */
int td__msg_post(unsigned ep, uint32_t payload);

/* Whether both multiplexers run (system doorbells can be used). */
bool td__msg_linked(void);

/* Tell the other core that this core faulted (reason: 24 bits, not 0):
 * recorded in shared memory, doorbell if there is room, never waits, so it
 * is safe from a fault handler with interrupts masked. The other core
 * wakes its threads blocked sending here with TD_ERR_PEER_DOWN, discards
 * (and counts) words queued for this core, and calls td_msg_on_peer_fault. */
void td__msg_fault_notify(uint32_t reason);

/* Core 0, with core 1 held in reset (or stopped): forget core 1's side of
 * messaging (its endpoints, counters, requests and fault notice), wake core
 * 0's threads still blocked sending to core 1 with TD_ERR_PEER_DOWN and
 * discard words queued for it, and stop core 0's FIFO interrupt so the
 * launch handshake owns the FIFO. After a successful relaunch the kernel
 * calls td__msg_core1_launched, which restarts core 0's multiplexer; core 1's
 * threads subscribe again, and core 0's threads in td_msg_await_remote
 * wake when they do. */
void td__msg_core1_reset(void);

/* Stop the calling core's multiplexer (FIFO interrupt off, endpoints of
 * this core withdrawn from the other core's view). For supervision and
 * tests. */
void td__msg_stop(void);

/* Deliver one word taken from the FIFO exactly as the FIFO interrupt does
 * (an endpoint's in-buffer or its waiting owner; system words run the
 * system poll; the rest counted as stray), then wake whoever it concerns.
 * Interrupts masked inside. This core. For the fuzz target and tests. */
void td__msg_rx_word(uint32_t w);

/* The channel module's hooks (registered by td_chan_attach so images
 * without channels do not link them): poll runs on TD_EP_SYS_CHAN
 * requests; down runs on core 'me' when the other core went down (fault
 * notice, core 1 reset), interrupts masked. */
struct td_core;
void td__msg_set_chan_hooks(void (*poll)(void), void (*down)(unsigned me, struct td_core *c));

/* One registered doorbell for a module outside the multiplexer (the flash
 * lockout): td__msg_set_sys_hook sets the handler both cores' FIFO
 * interrupts call (interrupts masked) when the other core has posted with
 * td__msg_post_hook since they last looked. Posting works as td__msg_post:
 * 0, or TD_ERR_PEER_DOWN when either multiplexer does not run. */
void td__msg_set_sys_hook(void (*fn)(void));
int td__msg_post_hook(void);

/* Whether core 'peer' runs its kernel and has reported no fault. */
bool td__msg_peer_alive(unsigned peer);

/* Called by the kernel (core 0) after each successful core 1 launch: from
 * now on core 0's multiplexer may own the FIFO (td_msg_start before this
 * only records the wish). */
void td__msg_core1_launched(void);

#endif /* TANDEM_KERNEL_MSG_SYS_H */
