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
 * is safe from a fault handler with interrupts masked. The other core runs
 * its "core went down" handlers for the notice (kernel/down.h: its threads
 * blocked sending here are woken with TD_ERR_PEER_DOWN, words queued for
 * this core discarded and counted, ...) and calls td_msg_on_peer_fault.
 * At core 1's reset (TD_DOWN_RESET) core 0 forgets core 1's side of
 * messaging (endpoints, counters, requests, fault notice) and stops its
 * FIFO interrupt so that the launch handshake owns the FIFO; after a
 * successful launch the kernel calls td__msg_core1_launched, which starts
 * core 0's multiplexer again. */
void td__msg_fault_notify(uint32_t reason);

/* Stop the calling core's multiplexer (FIFO interrupt off, endpoints of
 * this core withdrawn from the other core's view). For supervision and
 * tests. */
void td__msg_stop(void);

/* Deliver one word taken from the FIFO exactly as the FIFO interrupt does
 * (an endpoint's in-buffer or its waiting owner; system words run the
 * system poll; the rest counted as stray), then wake whoever it concerns.
 * Interrupts masked inside. This core. For the fuzz target and tests. */
void td__msg_rx_word(uint32_t w);

/* The channel module's doorbell (registered by td_chan_attach so images
 * without channels do not link them): poll runs on TD_EP_SYS_CHAN
 * requests. */
void td__msg_set_chan_poll(void (*poll)(void));

/* Whether core 'peer' runs its kernel and has reported no fault. */
bool td__msg_peer_alive(unsigned peer);

/* Called by the kernel (core 0) after each successful core 1 launch: from
 * now on core 0's multiplexer may own the FIFO (td_msg_start before this
 * only records the wish). */
void td__msg_core1_launched(void);

#endif /* TANDEM_KERNEL_MSG_SYS_H */
