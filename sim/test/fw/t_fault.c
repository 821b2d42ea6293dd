/* HardFault where the chip raises one, each recovered by the shared handler:
   the stacked PC must be the faulting instruction (or the branch target for
   fetch faults). A store to the boot ROM is not among them (t_defects.c). */
#include "fw.h"

/* Each case sets fault_resume to its label 9 (after the faulting
   instruction) and faults at the global label <name>_at. */
#define CASE_BEGIN(name) \
    ".thumb_func\n.global " #name "\n" #name ":\n" \
    "  push {r4, lr}\n" \
    "  ldr r4, =9f\n" \
    "  ldr r3, =fault_resume\n" \
    "  str r4, [r3]\n"
#define CASE_AT(name) ".global " #name "_at\n" #name "_at:\n"
#define CASE_END "  .align 2\n9: pop {r4, pc}\n  .ltorg\n"

uint32_t scratch_buf[4];

__asm__(
    ".syntax unified\n.thumb\n.text\n"
    CASE_BEGIN(c_unmapped_read) "  ldr r1, =0x30000000\n" CASE_AT(c_unmapped_read) "  ldr r0, [r1]\n" CASE_END
    CASE_BEGIN(c_unmapped_write) "  ldr r1, =0xa0000000\n" CASE_AT(c_unmapped_write) "  str r0, [r1]\n" CASE_END
    CASE_BEGIN(c_unaligned_word) "  ldr r1, =scratch_buf+1\n" CASE_AT(c_unaligned_word) "  ldr r0, [r1]\n" CASE_END
    CASE_BEGIN(c_unaligned_half) "  ldr r1, =scratch_buf+3\n" CASE_AT(c_unaligned_half) "  strh r0, [r1]\n" CASE_END
    CASE_BEGIN(c_unaligned_ldm) "  ldr r1, =scratch_buf+2\n" CASE_AT(c_unaligned_ldm) "  ldmia r1!, {r0}\n" CASE_END
    CASE_BEGIN(c_udf) CASE_AT(c_udf) "  udf #7\n" CASE_END
    CASE_BEGIN(c_undef32) CASE_AT(c_undef32) "  .hword 0xf3af, 0x8000\n" CASE_END
    CASE_BEGIN(c_undef16) CASE_AT(c_undef16) "  .hword 0xb100\n" CASE_END      /* CBZ: not in ARMv6-M */
    CASE_BEGIN(c_exec_periph) "  ldr r0, =0x40000001\n" CASE_AT(c_exec_periph) "  blx r0\n" CASE_END
    CASE_BEGIN(c_thumb_bx) "  ldr r0, =c_thumb_target\n  movs r1, #1\n  bics r0, r1\n" CASE_AT(c_thumb_bx) "  bx r0\n" CASE_END
    CASE_BEGIN(c_thumb_blx) "  ldr r0, =c_thumb_target\n  movs r1, #1\n  bics r0, r1\n" CASE_AT(c_thumb_blx) "  blx r0\n" CASE_END
    CASE_BEGIN(c_svc_masked) "  cpsid i\n" CASE_AT(c_svc_masked) "  svc #1\n" "  .align 2\n9: cpsie i\n  pop {r4, pc}\n  .ltorg\n"
    ".thumb_func\n.global c_thumb_target\nc_thumb_target:\n  nop\n  bx lr\n"
);

void c_unmapped_read(void), c_unmapped_write(void), c_unaligned_word(void), c_unaligned_half(void),
     c_unaligned_ldm(void), c_udf(void), c_undef32(void), c_undef16(void), c_exec_periph(void), c_thumb_bx(void), c_thumb_blx(void), c_svc_masked(void), c_thumb_target(void);
extern const char c_unmapped_read_at[], c_unmapped_write_at[], c_unaligned_word_at[], c_unaligned_half_at[],
     c_unaligned_ldm_at[], c_udf_at[], c_undef32_at[], c_undef16_at[], c_exec_periph_at[],
     c_thumb_bx_at[], c_thumb_blx_at[], c_svc_masked_at[];

static int failures;
static void expect(const char *name, void (*fn)(void), uint32_t pc) {
    uint32_t n = fault_count;
    fn();
    int ok = fault_count == n + 1 && fault_pc == pc;
    fw_printf("%s %s faults=%u stacked_pc=%x expected=%x\n", ok ? "ok" : "BAD", name, fault_count - n, fault_pc, pc);
    if (!ok) failures++;
}

int main(void) {
    fw_clocks_init();
    fw_uart_init();
    expect("unmapped_read", c_unmapped_read, (uint32_t)c_unmapped_read_at);
    expect("unmapped_write", c_unmapped_write, (uint32_t)c_unmapped_write_at);
    expect("unaligned_word", c_unaligned_word, (uint32_t)c_unaligned_word_at);
    expect("unaligned_half", c_unaligned_half, (uint32_t)c_unaligned_half_at);
    expect("unaligned_ldm", c_unaligned_ldm, (uint32_t)c_unaligned_ldm_at);
    expect("udf", c_udf, (uint32_t)c_udf_at);
    expect("undefined_32bit", c_undef32, (uint32_t)c_undef32_at);
    expect("undefined_16bit", c_undef16, (uint32_t)c_undef16_at);
    expect("exec_peripheral", c_exec_periph, 0x40000000u);
    expect("thumb_bit_bx", c_thumb_bx, (uint32_t)c_thumb_target & ~1u);
    expect("thumb_bit_blx", c_thumb_blx, (uint32_t)c_thumb_target & ~1u);
    expect("svc_primask", c_svc_masked, (uint32_t)c_svc_masked_at + 2);
    fw_printf("failures=%u\n", (uint32_t)failures);
    return failures ? 1 : 0;
}
