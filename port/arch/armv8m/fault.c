/*
 * fault.c: what an ARMv8-M Mainline core tells about a fault (fault_entry.S
 * is the entry), and the code/stack knowledge the report's call chain needs.
 *
 * The core names the cause itself: CFSR says which fault (MemManage,
 * BusFault, UsageFault) and why, MMFAR and BFAR give the data address of a
 * precise one, HFSR says whether it escalated (FORCED) or came from a
 * vector read or a debug event. Where CFSR gives no address (an unaligned
 * access, a breakpoint) the faulting instruction is decoded from the
 * frame, 16-bit and the common 32-bit load/store forms. A frame the
 * hardware could not stack (a stacking fault, a stack-limit violation on
 * entry) is reported as lost: the kernel then blames the stack. Where code
 * and RAM are comes from the chip (port_limits.h, PORT_MEM_*).
 */
#include "armv8m.h"
#include "common/thumb.h"
#include "hw/m33.h"
#include "port.h"
#include "tandem/fault.h"

#define CODE_LO   PORT_MEM_CODE
#define CODE_HI   PORT_MEM_CODE_END
#define NULL_HI   0x00000100u           /* the MPU's null regions (mpu.c) */
#define XPSR_T    (1u << 24)

/* The status of each core's last CPU fault, for port_fault_cause. */
static struct {
    uint32_t cfsr, hfsr;
} last[PORT_NUM_CORES];

static bool readable_code(uint32_t a)
{
    return (a >= CODE_LO && a < CODE_HI - 1u) || common_in_sram(a, 2);
}

/* port_code_return, port_call_chain: port/common/thumb.c. */

/* ---- decoding the faulting instruction ------------------------------------------- */

static uint32_t reg(const port_fault_frame_t *f, unsigned r)
{
    return r == 13 ? f->sp : r == 15 ? f->pc + 4u : f->r[r];
}

/* The address and size of a 32-bit load/store, if h1:h2 is one: the
 * LDR/STR{,B,H,SB,SH} immediate and register forms, LDRD/STRD and LDM/STM
 * (Thumb-2; the 16-bit forms: common_access16, port/common/thumb.c). */
static bool access32(const port_fault_frame_t *f, uint16_t h1, uint16_t h2, uint32_t *addr,
                     unsigned *size)
{
    unsigned rn = h1 & 15u;
    if ((h1 & 0xfe00u) == 0xf800u && rn != 15u) {   /* single load/store */
        static const uint8_t sz[4] = { 1, 2, 4, 0 };
        *size = sz[(h1 >> 5) & 3u];
        if (*size == 0)
            return false;
        uint32_t base = reg(f, rn);
        if (h1 & 0x0080u) {                          /* imm12 */
            *addr = base + (h2 & 0xfffu);
        } else if ((h2 & 0x0fc0u) == 0) {            /* register, LSL imm2 */
            *addr = base + (reg(f, h2 & 15u) << ((h2 >> 4) & 3u));
        } else if (h2 & 0x0800u) {                   /* imm8, P U W */
            uint32_t imm8 = h2 & 0xffu;
            bool p = h2 & 0x400u, u = h2 & 0x200u;
            *addr = p ? (u ? base + imm8 : base - imm8) : base;
        } else {
            return false;
        }
        return true;
    }
    if ((h1 & 0xfe40u) == 0xe840u) {                 /* LDRD/STRD */
        uint32_t imm = (h2 & 0xffu) * 4u, base = rn == 15u ? (f->pc + 4u) & ~3u : reg(f, rn);
        bool p = h1 & 0x100u, u = h1 & 0x80u;
        *size = 8;
        *addr = p ? (u ? base + imm : base - imm) : base;
        return true;
    }
    unsigned m = h1 & 0xffd0u;
    if (m == 0xe880u || m == 0xe890u || m == 0xe900u || m == 0xe910u) {  /* STM/LDM IA/DB */
        unsigned k = (unsigned)__builtin_popcount(h2);
        *size = 4;
        *addr = (h1 & 0x0100u) ? reg(f, rn) - 4u * k : reg(f, rn);
        return true;
    }
    return false;
}

static bool is_32bit(uint16_t op)
{
    return (op & 0xe000u) == 0xe000u && (op & 0x1800u) != 0;
}

/* The instruction at f->pc says what it was: a BKPT, a UDF, a load/store. */
static void decode_instruction(port_fault_frame_t *f, bool set_reason)
{
    uint32_t pc = f->pc;
    if (!readable_code(pc))
        return;
    uint16_t op = *(const uint16_t *)(uintptr_t)pc;
    uint16_t h2 = readable_code(pc + 2u) ? *(const uint16_t *)(uintptr_t)(pc + 2u) : 0;
    uint32_t a;
    unsigned size;
    if ((op & 0xff00u) == 0xbe00u) {                   /* BKPT: port_exit, no debugger */
        f->reason = TD_FAULT_EXIT;
        f->code = op & 0xffu;
    } else if ((op & 0xff00u) == 0xde00u) {            /* UDF */
        f->reason = TD_FAULT_BAD_INSTRUCTION;
        f->code = op;
    } else if ((op & 0xfff0u) == 0xf7f0u && (h2 & 0xf000u) == 0xa000u) {   /* UDF.W */
        f->reason = TD_FAULT_BAD_INSTRUCTION;
        f->code = ((uint32_t)op << 16) | h2;
    } else if (is_32bit(op) ? access32(f, op, h2, &a, &size) : common_access16(f, op, &a, &size)) {
        f->addr = a;
        f->size = (uint8_t)(size > 4u ? 4u : size);
        if (set_reason)
            f->reason = (a & (f->size - 1u)) ? TD_FAULT_MISALIGNED
                        : a < NULL_HI        ? TD_FAULT_NULL
                                             : TD_FAULT_BAD_ADDRESS;
    }
}

static void data_fault(port_fault_frame_t *f, uint32_t addr)
{
    decode_instruction(f, false);                      /* the size */
    f->reason = addr < NULL_HI ? TD_FAULT_NULL : TD_FAULT_BAD_ADDRESS;
    f->addr = addr;
}

/* Fill f->reason, f->addr, f->size, f->code from f->fsr (CFSR) and the
 * frame. With no status (fsr 0: a debug event, or a frame made by hand) the
 * instruction alone decides, as on ARMv6-M. */
void port_fault_decode(port_fault_frame_t *f)
{
    uint32_t s = f->fsr;
    f->reason = TD_FAULT_HARDFAULT;
    f->addr = 0;
    f->size = 0;
    f->code = 0;
    if (s & CFSR_STKOF) {                              /* past PSPLIM / MSPLIM */
        f->reason = f->thread_mode ? TD_FAULT_STACK : TD_FAULT_MAIN_STACK;
        f->addr = f->psp;                              /* refined by the entry */
        return;
    }
    if (!f->frame_ok)
        return;                                        /* the kernel says: stack */
    if (!(f->xpsr & XPSR_T) || (s & CFSR_INVSTATE)) {  /* BX/BLX/POP to an even address */
        f->reason = TD_FAULT_BAD_JUMP;
        f->addr = f->pc;
        f->code = 1;
        return;
    }
    if ((s & (CFSR_IACCVIOL | CFSR_IBUSERR)) || f->pc < NULL_HI || !readable_code(f->pc)) {
        f->reason = TD_FAULT_BAD_JUMP;                 /* fetch from nowhere */
        f->addr = f->pc;
        return;
    }
    if ((s & CFSR_DACCVIOL) && (s & CFSR_MMARVALID)) {
        data_fault(f, SCB->mmfar);
        return;
    }
    if ((s & CFSR_PRECISERR) && (s & CFSR_BFARVALID)) {
        data_fault(f, SCB->bfar);
        return;
    }
    if (s & (CFSR_UNDEFINSTR | CFSR_NOCP)) {
        uint16_t op = *(const uint16_t *)(uintptr_t)f->pc;
        f->reason = TD_FAULT_BAD_INSTRUCTION;
        f->code = is_32bit(op) && readable_code(f->pc + 2u)
                      ? ((uint32_t)op << 16) | *(const uint16_t *)(uintptr_t)(f->pc + 2u)
                      : op;
        return;
    }
    if (s & CFSR_UNALIGNED) {
        decode_instruction(f, true);
        f->reason = TD_FAULT_MISALIGNED;
        return;
    }
    if (s == 0)
        decode_instruction(f, true);
}

/* The words for the cause CFSR/HFSR name, most specific first. */
static const struct {
    uint32_t bit;
    const char *text;
} causes[] = {
    { CFSR_DIVBYZERO, "UsageFault DIVBYZERO: integer division by zero" },
    { CFSR_INVPC, "UsageFault INVPC: bad exception return (EXC_RETURN or stacked state)" },
    { CFSR_NOCP, "UsageFault NOCP: coprocessor (FPU) instruction with the coprocessor off" },
    { CFSR_MLSPERR, "MemManage MLSPERR: lazy FP state save faulted" },
    { CFSR_LSPERR, "BusFault LSPERR: lazy FP state save faulted" },
    { CFSR_MUNSTKERR, "MemManage MUNSTKERR: exception return unstacking faulted" },
    { CFSR_UNSTKERR, "BusFault UNSTKERR: exception return unstacking faulted" },
    { CFSR_MSTKERR, "MemManage MSTKERR: exception entry stacking faulted" },
    { CFSR_STKERR, "BusFault STKERR: exception entry stacking faulted" },
    { CFSR_IMPRECISERR, "BusFault IMPRECISERR: imprecise data bus error (no address)" },
    { CFSR_DACCVIOL, "MemManage DACCVIOL: data access violation (no address)" },
    { CFSR_PRECISERR, "BusFault PRECISERR: precise data bus error (no address)" },
    { CFSR_IACCVIOL, "MemManage IACCVIOL: instruction fetch from a forbidden region" },
    { CFSR_IBUSERR, "BusFault IBUSERR: instruction fetch bus error" },
    { CFSR_UNDEFINSTR, "UsageFault UNDEFINSTR: undefined instruction" },
    { CFSR_INVSTATE, "UsageFault INVSTATE: Thumb bit clear" },
    { CFSR_UNALIGNED, "UsageFault UNALIGNED: unaligned access" },
    { CFSR_STKOF, "UsageFault STKOF: stack limit (PSPLIM/MSPLIM) crossed" },
};

const char *port_fault_cause(unsigned core)
{
    if (core >= PORT_NUM_CORES)
        return "no such core";
    uint32_t s = last[core].cfsr, h = last[core].hfsr;
    for (unsigned i = 0; i < sizeof causes / sizeof causes[0]; i++)
        if (s & causes[i].bit)
            return causes[i].text;
    if (h & HFSR_VECTTBL)
        return "HardFault VECTTBL: vector table read faulted";
    if (h & HFSR_DEBUGEVT)
        return "HardFault DEBUGEVT: debug event (BKPT) with no debugger";
    return s == 0 && h == 0 ? "no fault status recorded (CFSR and HFSR are 0)"
                            : "HardFault with a status this port does not name";
}

void *armv8m_fault_entry(const uint32_t *cap, uint32_t msp)
{
    port_fault_frame_t f;
    unsigned core = port_core_id();
    common_fault_capture(&f, cap, msp);
    f.primask = cap[2] != 0;             /* BASEPRI: interrupts were masked */
    last[core].cfsr = f.fsr = SCB->cfsr;
    last[core].hfsr = SCB->hfsr;
    SCB->cfsr = f.fsr;                   /* write-one-to-clear, for the next fault */
    SCB->hfsr = last[core].hfsr;
    f.thread_mode = (f.exc_return & 0x8u) != 0;
    uint32_t frame = (f.exc_return & 4u) ? f.psp : f.msp;
    uint32_t size = (f.exc_return & 0x10u) ? 32u : 104u;
    uintptr_t lo, hi;
    port_main_stack(core, &lo, &hi);
    f.frame_ok = common_in_sram(frame, size) && !(frame & 3u) &&
                 !(f.fsr & (CFSR_MSTKERR | CFSR_STKERR | CFSR_STKOF)) &&
                 !common_overlaps(frame, size, (uint32_t)armv8m_guard_armed(), PORT_STACK_GUARD) &&
                 !common_overlaps(frame, size, (uint32_t)lo, PORT_MAIN_GUARD);
    common_fault_frame(&f, frame, size);
    port_fault_decode(&f);
    if (f.reason == TD_FAULT_STACK)      /* a thread past its limit: its usable stack's end */
        f.addr = (uint32_t)armv8m_guard_armed() + PORT_STACK_GUARD;
    common_fault_main_stack(&f, lo);     /* a handler's main stack ran into its guard or limit */
    if (armv8m_has_fpu[core])
        *FPU_FPCCR &= ~FPU_FPCCR_LSPACT_BITS;   /* the faulting frame is not resumed */
    return td__fault_cpu(&f);
}
