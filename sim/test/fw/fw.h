/* Helpers for the simulator's test firmware (bare metal, no SDK). */
#ifndef FW_H
#define FW_H
#include <stdint.h>

#define REG(a) (*(volatile uint32_t *)(a))
#define ALIAS_XOR 0x1000u
#define ALIAS_SET 0x2000u
#define ALIAS_CLR 0x3000u

#define SIO_BASE        0xd0000000u
#define SIO_CPUID       REG(SIO_BASE + 0x000)
#define SIO_GPIO_IN     REG(SIO_BASE + 0x004)
#define SIO_GPIO_OUT    REG(SIO_BASE + 0x010)
#define SIO_GPIO_OUT_SET REG(SIO_BASE + 0x014)
#define SIO_GPIO_OUT_CLR REG(SIO_BASE + 0x018)
#define SIO_GPIO_OUT_XOR REG(SIO_BASE + 0x01c)
#define SIO_GPIO_OE_SET REG(SIO_BASE + 0x024)
#define SIO_GPIO_OE_CLR REG(SIO_BASE + 0x028)
#define SIO_FIFO_ST     REG(SIO_BASE + 0x050)
#define SIO_FIFO_WR     REG(SIO_BASE + 0x054)
#define SIO_FIFO_RD     REG(SIO_BASE + 0x058)
#define SIO_SPINLOCK_ST REG(SIO_BASE + 0x05c)
#define SIO_SPINLOCK(n) REG(SIO_BASE + 0x100 + 4 * (n))
#define FIFO_VLD 1u
#define FIFO_RDY 2u
#define FIFO_WOF 4u
#define FIFO_ROE 8u
#define FIFO_DEPTH 8u     /* words each direction's FIFO holds */

#define PPB_BASE        0xe0000000u
#define SYST_CSR        REG(PPB_BASE + 0xe010)
#define SYST_RVR        REG(PPB_BASE + 0xe014)
#define SYST_CVR        REG(PPB_BASE + 0xe018)
#define NVIC_ISER       REG(PPB_BASE + 0xe100)
#define NVIC_ICER       REG(PPB_BASE + 0xe180)
#define NVIC_ISPR       REG(PPB_BASE + 0xe200)
#define NVIC_ICPR       REG(PPB_BASE + 0xe280)
#define NVIC_IPR(n)     REG(PPB_BASE + 0xe400 + 4 * (n))
#define SCB_ICSR        REG(PPB_BASE + 0xed04)
#define SCB_VTOR        REG(PPB_BASE + 0xed08)
#define SCB_AIRCR       REG(PPB_BASE + 0xed0c)
#define SCB_SCR         REG(PPB_BASE + 0xed10)
#define SCB_SHPR2       REG(PPB_BASE + 0xed1c)
#define SCB_SHPR3       REG(PPB_BASE + 0xed20)
#define MPU_TYPE        REG(PPB_BASE + 0xed90)
#define MPU_CTRL        REG(PPB_BASE + 0xed94)
#define MPU_RNR         REG(PPB_BASE + 0xed98)
#define MPU_RBAR        REG(PPB_BASE + 0xed9c)
#define MPU_RASR        REG(PPB_BASE + 0xeda0)

#define RESETS_BASE     0x4000c000u
#define PSM_FRCE_OFF    (0x40010000u + 0x04)
#define IO_BANK0_BASE   0x40014000u
#define PADS_BANK0_BASE 0x4001c000u
#define TIMER_BASE      0x40054000u
#define WATCHDOG_BASE   0x40058000u
#define UART0_BASE      0x40034000u

#define IRQ_TIMER0 0
#define IRQ_IO_BANK0 13
#define IRQ_SIO_PROC0 15
#define IRQ_SIO_PROC1 16

static inline uint32_t primask_save(void) { uint32_t p; __asm volatile("mrs %0, primask\n cpsid i" : "=r"(p) :: "memory"); return p; }
static inline void primask_restore(uint32_t p) { __asm volatile("msr primask, %0" :: "r"(p) : "memory"); }
static inline void wfe(void) { __asm volatile("wfe"); }
static inline void wfi(void) { __asm volatile("wfi"); }
static inline void sev(void) { __asm volatile("sev"); }
static inline void dmb(void) { __asm volatile("dmb" ::: "memory"); }

void fw_clocks_init(void);          /* XOSC 12 MHz, PLL_SYS 125 MHz, clk_peri = clk_sys */
void fw_uart_init(void);            /* UART0 on GPIO0/1, 115200 8N1 */
void fw_putc(char c);
void fw_puts(const char *s);        /* no newline added */
void fw_put_u32(uint32_t v);        /* decimal */
void fw_put_hex(uint32_t v);        /* 0x%08x */
void fw_printf(const char *fmt, ...); /* %s %u %d %x %c only */
void fw_exit(int code) __attribute__((noreturn)); /* waits for the UART, then bkpt #code (0..3) */
void fw_fail(const char *what) __attribute__((noreturn)); /* prints "FAIL what", exits 1 */
#define CHECK(cond) do { if (!(cond)) fw_fail(#cond); } while (0)

void fw_reset_core1(void);
/* The core 1 launch sequence (0, 0, 1, VTOR, SP, ENTRY with echo checks). Returns the number of restarts. */
int fw_launch_core1(void (*entry)(void), uint32_t *sp, const uint32_t *vtor);
/* Discards the words waiting in this core's RX FIFO; returns how many. At
   most FIFO_DEPTH reads, so a peer that keeps pushing cannot keep it going
   (a word pushed meanwhile may be read or left waiting). */
unsigned fw_fifo_drain(void);
void fw_fifo_push(uint32_t v);      /* blocking, then SEV */
uint32_t fw_fifo_pop(void);         /* blocking, WFE while empty */

extern const uint32_t vectors[];
extern uint32_t __stack1_top[];


/* TIMER */
#define TIMER_TIMELR   REG(TIMER_BASE + 0x0c)
#define TIMER_TIMERAWL REG(TIMER_BASE + 0x28)
#define TIMER_ALARM(n) REG(TIMER_BASE + 0x10 + 4 * (n))
#define TIMER_ARMED    REG(TIMER_BASE + 0x20)
#define TIMER_INTR     REG(TIMER_BASE + 0x34)
#define TIMER_INTE     REG(TIMER_BASE + 0x38)
static inline uint32_t time_us(void) { return TIMER_TIMERAWL; }

/* Fault recovery for fault tests: the HardFault handler (fault.c) records the
   stacked PC and resumes at fault_resume (set before the faulting instruction). */
extern volatile uint32_t fault_count, fault_pc, fault_lr, fault_sp, fault_resume, fault_exc_return;
extern void (*volatile fault_hook)(uint32_t *frame);
#endif
