/*
 * port_inline.h (host): the port contract's hot primitives (port/port.h,
 * "the hot primitives"). On the host they are ordinary functions (core.c,
 * spin.c): each one is also an interrupt point or an atomic operation of
 * the model described in host.h, and speed is not measured here.
 * Included by port/port.h only.
 */
#ifndef TANDEM_PORT_INLINE_H
#define TANDEM_PORT_INLINE_H

unsigned port_core_id(void);
bool port_in_isr(void);
port_irq_state_t port_irq_save(void);
void port_irq_restore(port_irq_state_t state);
void port_irq_enable(void);
bool port_spin_try(unsigned n);
void port_spin_release(unsigned n);
void port_switch_request(void);
uintptr_t port_thread_sp(void);
uintptr_t port_own_sp(void);
void port_guard_thread(const void *guard);
uint32_t port_fifo_status(void);
void port_fifo_push(uint32_t word);
uint32_t port_fifo_pop(void);

#endif /* TANDEM_PORT_INLINE_H */
