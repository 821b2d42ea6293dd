/*
 * kernel/msg_sys.h: the endpoint layer's side for tests and the fuzz
 * target (private; owned by kernel/msg.c; the API is tandem/msg.h, the
 * layer below kernel/link.h). The model: docs/messages.md.
 */
#ifndef TANDEM_KERNEL_MSG_SYS_H
#define TANDEM_KERNEL_MSG_SYS_H

#include <stdint.h>

/* Stop the calling core's multiplexer: its link (FIFO interrupt off) and
 * its endpoints withdrawn from the other core's view. For tests. */
void td__msg_stop(void);

/* Deliver one word taken from the FIFO exactly as the FIFO interrupt does
 * (an endpoint's in-buffer, with the run of words behind it in the FIFO
 * for the same endpoint, or its waiting owner; system words counted and
 * the doorbells run; the rest counted as stray), then wake whoever it
 * concerns. Interrupts masked inside. This core. For the fuzz target and
 * tests. */
void td__msg_rx_word(uint32_t w);

#endif /* TANDEM_KERNEL_MSG_SYS_H */
