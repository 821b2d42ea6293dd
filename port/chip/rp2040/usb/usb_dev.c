/*
 * usb_dev.c: the RP2040 USB controller in device mode (usb_dev.h).
 *
 * DPRAM (datasheet 4.1.2.5): the SETUP packet at 0, endpoint control words
 * for endpoints 1..15 at 0x08, buffer control words at 0x80, endpoint 0's
 * one buffer (both directions) at 0x100, the other endpoints' buffers from
 * 0x180, 64-byte aligned. A buffer is handed to the controller by setting
 * AVAILABLE in its buffer control word, after the rest of the word (the
 * concurrent-access rule of 4.1.2.5.1: the controller runs on clk_usb).
 * When the controller is done with it, it clears AVAILABLE, sets the
 * endpoint's bit in BUFF_STATUS and raises the interrupt.
 *
 * Endpoint 0 (USB 2.0 8.5.3): SETUP, an optional data stage in packets of
 * 64 bytes starting with DATA1 (an IN stage shorter than wLength that ends
 * on a full packet ends with a zero-length one), then the status stage in
 * the other direction, always DATA1. A request error is a STALL: EP_STALL_ARM
 * and STALL in both of endpoint 0's buffer controls (the controller clears
 * the arm bits at the next SETUP).
 */
#include "usb_dev.h"

#include "flash_id.h"
#include "hw/resets.h"
#include "hw/usb.h"
#include "rom.h"
#include "rp2040.h"
#include "tandem/error.h"
#include "tandem/hwtable.h"
#include "tandem/irq.h"
#include "tandem/trace.h"
#include "usb_cdc.h"
#include "usb_ctrl.h"
#include "usb_desc.h"
#include "usb_serial.h"

#define EP_TYPE_BULK 2u
#define EP_TYPE_INTERRUPT 3u
#define LOCK_NESTED 0x80000000u      /* usb_dev_lock's state: the lock was ours already */

/* The configuration's endpoints and their buffers in DPRAM. */
static const struct ep_info {
    uint8_t addr, type;
    uint16_t size, offset;
} eps[] = {
    { USB_EP_NOTIFY, EP_TYPE_INTERRUPT, USB_EP_NOTIFY_SIZE, 0x180 },
    { USB_EP_DATA_OUT, EP_TYPE_BULK, USB_EP_DATA_SIZE, 0x1c0 },
    { USB_EP_DATA_IN, EP_TYPE_BULK, USB_EP_DATA_SIZE, 0x200 },
};
#define EP_COUNT (sizeof eps / sizeof eps[0])

enum { EP0_IDLE, EP0_DATA_IN, EP0_DATA_OUT, EP0_STATUS_IN, EP0_STATUS_OUT, EP0_STALLED };

static struct {
    bool running;
    bool suspended;
    uint32_t pid[EP_COUNT];         /* next data toggle, USB_BUF_CTRL_DATA1_PID or 0 */
    struct {
        uint8_t stage;
        bool zlp;                   /* an IN stage that ends with a zero-length packet */
        uint32_t pid;
        const uint8_t *in;
        uint16_t in_left;
        uint8_t *out;
        uint16_t out_len, out_got;
    } ep0;
    usb_dev_stats_t stats;
} dev;

/* ---- the lock ----------------------------------------------------------------------
 * A spinlock the kernel records (port_spin_take_recorded, port/port.h): it
 * knows the holder core, takes the lock over from a core that halted
 * holding it, and releases it when that core goes down. */

port_irq_state_t usb_dev_lock(void)
{
    port_irq_state_t s = port_irq_save();
    if (!port_spin_take_recorded(TD_SPIN_USB))
        return s | LOCK_NESTED;
    return s;
}

void usb_dev_unlock(port_irq_state_t s)
{
    if (!(s & LOCK_NESTED))
        port_spin_give_recorded(TD_SPIN_USB);
    port_irq_restore(s & ~LOCK_NESTED);
}

/* ---- buffers --------------------------------------------------------------------- */

static const struct ep_info *ep_find(uint8_t addr, unsigned *index)
{
    for (unsigned i = 0; i < EP_COUNT; i++)
        if (eps[i].addr == addr) {
            *index = i;
            return &eps[i];
        }
    return NULL;
}

static io_rw32 *buf_ctrl(uint8_t addr)
{
    unsigned n = addr & 0x0fu;
    return addr & 0x80u ? &USB_DPRAM->ep_buf_ctrl[n].in : &USB_DPRAM->ep_buf_ctrl[n].out;
}

static io_rw32 *ep_ctrl(uint8_t addr)
{
    unsigned n = addr & 0x0fu;
    return addr & 0x80u ? &USB_DPRAM->ep_ctrl[n - 1].in : &USB_DPRAM->ep_ctrl[n - 1].out;
}

static volatile uint8_t *buf_data(uint16_t offset)
{
    return (volatile uint8_t *)(USBCTRL_DPRAM_BASE + offset);
}

/* Hand a buffer to the controller: the word first, AVAILABLE a few clk_usb
 * cycles later (125 MHz clk_sys against 48 MHz clk_usb). */
static void buf_give(io_rw32 *reg, uint32_t word)
{
    *reg = word & ~USB_BUF_CTRL_AVAIL;
    __asm volatile("nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop");
    *reg = word;
}

static void copy_out(volatile uint8_t *dst, const uint8_t *src, uint16_t n)
{
    for (uint16_t i = 0; i < n; i++)
        dst[i] = src[i];
}

void usb_dev_ep_in(uint8_t ep, const uint8_t *data, uint16_t len)
{
    unsigned i;
    const struct ep_info *e = ep_find(ep, &i);
    if (e == NULL || len > e->size)
        return;
    copy_out(buf_data(e->offset), data, len);
    usb_dev_ep_in_again(ep, len);
}

void usb_dev_ep_in_again(uint8_t ep, uint16_t len)
{
    unsigned i;
    const struct ep_info *e = ep_find(ep, &i);
    if (e == NULL || len > e->size)
        return;
    buf_give(buf_ctrl(ep), len | USB_BUF_CTRL_FULL | dev.pid[i] | USB_BUF_CTRL_AVAIL);
    dev.pid[i] ^= USB_BUF_CTRL_DATA1_PID;
}

void usb_dev_ep_out(uint8_t ep)
{
    unsigned i;
    const struct ep_info *e = ep_find(ep, &i);
    if (e == NULL)
        return;
    buf_give(buf_ctrl(ep), e->size | dev.pid[i] | USB_BUF_CTRL_AVAIL);
    dev.pid[i] ^= USB_BUF_CTRL_DATA1_PID;
}

uint16_t usb_dev_ep_out_len(uint8_t ep)
{
    return (uint16_t)(*buf_ctrl(ep) & USB_BUF_CTRL_LEN_BITS);
}

const volatile uint8_t *usb_dev_ep_buf(uint8_t ep)
{
    unsigned i;
    const struct ep_info *e = ep_find(ep, &i);
    return e != NULL ? buf_data(e->offset) : NULL;
}

/* ---- what usb_ctrl.h and usb_cdc.h ask of the hardware ---------------------------- */

void usb_hw_set_address(uint8_t addr)
{
    USB->addr_endp = addr;
}

void usb_hw_configure(bool on)
{
    for (unsigned i = 0; i < EP_COUNT; i++) {
        const struct ep_info *e = &eps[i];
        *buf_ctrl(e->addr) = 0;
        *ep_ctrl(e->addr) = on ? USB_EP_CTRL_ENABLE_BITS | USB_EP_CTRL_INTERRUPT_PER_BUFF_BITS |
                                 (uint32_t)e->type << USB_EP_CTRL_TYPE_LSB | e->offset
                               : 0u;
        dev.pid[i] = 0;                         /* DATA0 */
    }
    USB->buff_status = 0xfffffffcu;             /* nothing stale for them */
    usb_serial_configured(on);
}

void usb_hw_halt(uint8_t ep, bool on)
{
    unsigned i;
    if (ep_find(ep, &i) == NULL)
        return;
    *buf_ctrl(ep) = on ? USB_BUF_CTRL_STALL : 0u;
    if (!on)
        dev.pid[i] = 0;
    usb_serial_halted(ep, on);
}

void usb_hw_bootsel(void)
{
    if (rp2040_rom.reset_usb_boot != NULL)
        rp2040_rom.reset_usb_boot(0, 0);        /* does not return */
}

/* ---- endpoint 0 ---------------------------------------------------------------------- */

static void ep0_in_packet(void)
{
    uint16_t n = dev.ep0.in_left < USB_EP0_SIZE ? dev.ep0.in_left : USB_EP0_SIZE;
    copy_out(USB_DPRAM->ep0_buf, dev.ep0.in, n);
    dev.ep0.in += n;
    dev.ep0.in_left -= n;
    buf_give(&USB_DPRAM->ep_buf_ctrl[0].in, n | USB_BUF_CTRL_FULL | dev.ep0.pid | USB_BUF_CTRL_AVAIL);
    dev.ep0.pid ^= USB_BUF_CTRL_DATA1_PID;
}

static void ep0_out_packet(uint16_t max)
{
    buf_give(&USB_DPRAM->ep_buf_ctrl[0].out, max | dev.ep0.pid | USB_BUF_CTRL_AVAIL);
    dev.ep0.pid ^= USB_BUF_CTRL_DATA1_PID;
}

static void ep0_stall(void)
{
    USB->ep_stall_arm = USB_EP_STALL_ARM_EP0_IN_BITS | USB_EP_STALL_ARM_EP0_OUT_BITS;
    USB_DPRAM->ep_buf_ctrl[0].in = USB_BUF_CTRL_STALL;
    USB_DPRAM->ep_buf_ctrl[0].out = USB_BUF_CTRL_STALL;
    dev.ep0.stage = EP0_STALLED;
    dev.stats.stalls++;
}

/* The status stage: a zero-length IN (after no data or an OUT stage) or
 * OUT (after an IN stage), DATA1. */
static void ep0_status(bool in)
{
    dev.ep0.pid = USB_BUF_CTRL_DATA1_PID;
    if (in) {
        dev.ep0.in_left = 0;
        dev.ep0.stage = EP0_STATUS_IN;
        ep0_in_packet();
    } else {
        dev.ep0.stage = EP0_STATUS_OUT;
        ep0_out_packet(0);
    }
}

static void ep0_setup(void)
{
    uint8_t raw[8];
    for (unsigned i = 0; i < 8; i++)
        raw[i] = USB_DPRAM->setup[i];
    USB->sie_status = USB_SIE_STATUS_SETUP_REC_BITS;
    USB_DPRAM->ep_buf_ctrl[0].in = 0;           /* a new SETUP ends the old request */
    USB_DPRAM->ep_buf_ctrl[0].out = 0;
    USB->buff_status = 0x3u;
    dev.stats.setups++;
    usb_reply_t r;
    usb_ctrl_setup(raw, &r);
    uint16_t length = (uint16_t)(raw[6] | raw[7] << 8);
    dev.ep0.pid = USB_BUF_CTRL_DATA1_PID;
    switch (r.kind) {
    case USB_REPLY_IN:
        dev.ep0.stage = EP0_DATA_IN;
        dev.ep0.in = r.in;
        dev.ep0.in_left = r.len;
        dev.ep0.zlp = r.len < length && r.len % USB_EP0_SIZE == 0 && r.len != 0;
        ep0_in_packet();
        break;
    case USB_REPLY_OUT:
        dev.ep0.stage = EP0_DATA_OUT;
        dev.ep0.out = r.out;
        dev.ep0.out_len = r.len;
        dev.ep0.out_got = 0;
        ep0_out_packet(USB_EP0_SIZE);
        break;
    case USB_REPLY_ACK:
        ep0_status(true);
        break;
    default:
        ep0_stall();
        break;
    }
}

static void ep0_in_done(void)
{
    switch (dev.ep0.stage) {
    case EP0_DATA_IN:
        if (dev.ep0.in_left != 0 || dev.ep0.zlp) {
            if (dev.ep0.in_left == 0)
                dev.ep0.zlp = false;
            ep0_in_packet();
        } else {
            ep0_status(false);
        }
        break;
    case EP0_STATUS_IN:
        dev.ep0.stage = EP0_IDLE;
        usb_ctrl_status_done();                 /* the new address, BOOTSEL */
        break;
    default:
        break;
    }
}

static void ep0_out_done(void)
{
    if (dev.ep0.stage == EP0_STATUS_OUT) {
        dev.ep0.stage = EP0_IDLE;
        usb_ctrl_status_done();
        return;
    }
    if (dev.ep0.stage != EP0_DATA_OUT)
        return;
    uint16_t n = (uint16_t)(USB_DPRAM->ep_buf_ctrl[0].out & USB_BUF_CTRL_LEN_BITS);
    uint16_t room = dev.ep0.out_len - dev.ep0.out_got;
    uint16_t take = n < room ? n : room;
    for (uint16_t i = 0; i < take; i++)
        dev.ep0.out[dev.ep0.out_got + i] = USB_DPRAM->ep0_buf[i];
    dev.ep0.out_got += take;
    if (n < USB_EP0_SIZE || dev.ep0.out_got >= dev.ep0.out_len) {
        if (usb_ctrl_out_done(dev.ep0.out_got) == USB_REPLY_ACK)
            ep0_status(true);
        else
            ep0_stall();
    } else {
        ep0_out_packet(USB_EP0_SIZE);
    }
}

/* ---- bus events -------------------------------------------------------------------- */

static void bus_reset(void)
{
    USB->addr_endp = 0;
    for (unsigned i = 0; i < EP_COUNT; i++) {
        *ep_ctrl(eps[i].addr) = 0;
        *buf_ctrl(eps[i].addr) = 0;
    }
    USB_DPRAM->ep_buf_ctrl[0].in = 0;
    USB_DPRAM->ep_buf_ctrl[0].out = 0;
    USB->buff_status = 0xffffffffu;
    dev.ep0.stage = EP0_IDLE;
    dev.suspended = false;
    usb_serial_bus_reset();
    usb_ctrl_bus_reset();
    dev.stats.bus_resets++;
}

static void buffers_done(void)
{
    uint32_t done = USB->buff_status;
    USB->buff_status = done;
    if (done & 0x1u)
        ep0_in_done();
    if (done & 0x2u)
        ep0_out_done();
    for (unsigned i = 0; i < EP_COUNT; i++) {
        uint8_t a = eps[i].addr;
        uint32_t bit = 1u << (2u * (a & 0x0fu) + (a & 0x80u ? 0u : 1u));
        if (!(done & bit))
            continue;
        if (a & 0x80u)
            usb_serial_in_done(a);
        else
            usb_serial_out_done(a, usb_dev_ep_out_len(a));
    }
}

/* Everything the controller reports, in the order that keeps a request's
 * stages in sequence: finished buffers first (they belong to the request
 * before a new SETUP), then SETUP, then bus state. Lock held. */
static void service_locked(void)
{
    uint32_t ints = USB->ints;
    if (ints & USB_INT_BUFF_STATUS_BITS)
        buffers_done();
    if (ints & USB_INT_SETUP_REQ_BITS)
        ep0_setup();
    if (ints & USB_INT_BUS_RESET_BITS) {
        bus_reset();
        USB->sie_status = USB_SIE_STATUS_BUS_RESET_BITS;
    }
    if (ints & USB_INT_DEV_SUSPEND_BITS) {          /* the suspend state changed: which way? */
        bool now = (USB->sie_status & USB_SIE_STATUS_SUSPENDED_BITS) != 0;
        USB->sie_status = USB_SIE_STATUS_SUSPENDED_BITS;
        if (now != dev.suspended) {
            dev.suspended = now;
            if (now)
                dev.stats.suspends++;
            usb_serial_suspended(now);
        }
    }
    if (ints & USB_INT_DEV_RESUME_FROM_HOST_BITS) {
        USB->sie_status = USB_SIE_STATUS_RESUME_BITS;
        if (dev.suspended) {
            dev.suspended = false;
            dev.stats.resumes++;
            usb_serial_suspended(false);
        }
    }
}

static void usb_irq(void)
{
    td_trace_irq_enter(PORT_IRQ_USBCTRL);
    port_irq_state_t s = usb_dev_lock();
    service_locked();
    usb_dev_unlock(s);
    usb_serial_after_irq();
    td_trace_irq_exit(PORT_IRQ_USBCTRL);
}

void usb_dev_poll(void)
{
    if (!dev.running)
        return;
    port_irq_state_t s = usb_dev_lock();
    service_locked();
    usb_dev_unlock(s);
}

bool usb_dev_suspended(void) { return dev.suspended; }
bool usb_dev_running(void) { return dev.running; }

void usb_dev_stats(usb_dev_stats_t *st)
{
    port_irq_state_t s = usb_dev_lock();
    *st = dev.stats;
    usb_dev_unlock(s);
}

/* ---- start ----------------------------------------------------------------------- */

int usb_dev_init(void)
{
    rp2040_rom_init();
    uint8_t id[8];
    if (rp2040_flash_unique_id(id) == TD_OK)
        usb_desc_set_serial(id);
    if (rp2040_clocks_usb_init() != 0)
        return TD_ERR_NO_RESPONSE;
    hw_set(&RESETS->reset, RESET_USBCTRL);
    hw_clear(&RESETS->reset, RESET_USBCTRL);
    if (!rp2040_boot_wait(&RESETS->reset_done, RESET_USBCTRL, RESET_USBCTRL))
        return TD_ERR_NO_RESPONSE;
    io_rw32 *dpram = (io_rw32 *)USBCTRL_DPRAM_BASE;
    for (unsigned i = 0; i < 4096u / 4u; i++)
        dpram[i] = 0;
    USB->usb_muxing = USB_USB_MUXING_TO_PHY_BITS | USB_USB_MUXING_SOFTCON_BITS;
    /* a Pico does not wire VBUS to the controller: present, by override */
    USB->usb_pwr = USB_USB_PWR_VBUS_DETECT_BITS | USB_USB_PWR_VBUS_DETECT_OVERRIDE_EN_BITS;
    USB->main_ctrl = USB_MAIN_CTRL_CONTROLLER_EN_BITS;
    USB->sie_ctrl = USB_SIE_CTRL_EP0_INT_1BUF_BITS;
    USB->inte = USB_INT_BUFF_STATUS_BITS | USB_INT_BUS_RESET_BITS | USB_INT_SETUP_REQ_BITS |
                USB_INT_DEV_SUSPEND_BITS | USB_INT_DEV_RESUME_FROM_HOST_BITS;
    usb_ctrl_bus_reset();
    dev.running = true;
    td_irq_set_handler(PORT_IRQ_USBCTRL, usb_irq);
    td_irq_set_priority(PORT_IRQ_USBCTRL, PORT_IRQ_PRIO_USB);
    td_irq_enable(PORT_IRQ_USBCTRL, true);
    hw_set(&USB->sie_ctrl, USB_SIE_CTRL_PULLUP_EN_BITS);    /* attach */
    return TD_OK;
}
