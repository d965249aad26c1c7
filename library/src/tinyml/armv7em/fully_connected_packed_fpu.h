/*
 * FULLY_CONNECTED float32 on the Cortex-M4F: the naked-asm kernel over the generator's packed stream of
 * floats (p->packed). Included by ops/fully_connected.h when TML_ARCH_ARM_ASM and TML_ARCH_ARM_FPU are
 * both defined (a file of its own: GCC at -O0 assembles even an unused static function, and a soft-float
 * build has no FPU instructions).
 */
#ifndef TINYML_ARMV7EM_FULLY_CONNECTED_PACKED_FPU_H
#define TINYML_ARMV7EM_FULLY_CONNECTED_PACKED_FPU_H

/* Cortex-M4F, p->packed: the generator's stream of floats. Per group of four rows, for each eight
 * inputs k..k+7 the four rows' weights k..k+7 (row after row), then for each remaining input k the
 * four rows' weights k, then the four biases; then each remaining row (rows % 4) as its weights and its
 * bias. Without a bias the bias is -0.0f, which leaves every sum as it is (x + -0 == x, bit for bit).
 * Every row sums from +0.0f in the reference's order, each product rounded before its addition
 * (VMUL, then VADD), and is clamped as tml__clamp_f32_fpu does: the reference's results bit for bit.
 * Eight inputs by four rows: one VLDM of the inputs and four of the weights (45 cycles) and 64 FPU
 * instructions (products into the weights' registers). Depth 1 has its own loop (a group's weights and
 * biases in one VLDM, no loop over the inputs). Reads batches, accum_depth, output_depth, act_min, act_max and packed from p by offset
 * (checked below); one batch per call. */
typedef char tml__fc_f32_params_offsets[(offsetof(tml_fully_connected_f32_params, accum_depth) == 4 &&
                                         offsetof(tml_fully_connected_f32_params, output_depth) == 8 &&
                                         offsetof(tml_fully_connected_f32_params, act_min) == 12 &&
                                         offsetof(tml_fully_connected_f32_params, act_max) == 16 &&
                                         offsetof(tml_fully_connected_f32_params, packed) == 20) ? 1 : -1];

/* acc += x[k] * w[k], k = 0..7 (x in s0-s7, w in s8-s15; each product overwrites its weight). */
#define TML__FC_F32_ROW8(acc)                                                                               \
    "vldmia r0!, {s8-s15}\n\t"                                                                                \
    "vmul.f32 s8, s0, s8\n\t" "vadd.f32 " acc ", " acc ", s8\n\t"                                             \
    "vmul.f32 s9, s1, s9\n\t" "vadd.f32 " acc ", " acc ", s9\n\t"                                             \
    "vmul.f32 s10, s2, s10\n\t" "vadd.f32 " acc ", " acc ", s10\n\t"                                          \
    "vmul.f32 s11, s3, s11\n\t" "vadd.f32 " acc ", " acc ", s11\n\t"                                          \
    "vmul.f32 s12, s4, s12\n\t" "vadd.f32 " acc ", " acc ", s12\n\t"                                          \
    "vmul.f32 s13, s5, s13\n\t" "vadd.f32 " acc ", " acc ", s13\n\t"                                          \
    "vmul.f32 s14, s6, s14\n\t" "vadd.f32 " acc ", " acc ", s14\n\t"                                          \
    "vmul.f32 s15, s7, s15\n\t" "vadd.f32 " acc ", " acc ", s15\n\t"

/* v = min(v, hi) then max(v, lo) (hi in s21, lo in s20; NaN stays NaN). */
#define TML__FC_F32_CLAMP(v)                                                                                \
    "vcmp.f32 " v ", s21\n\t" "vmrs APSR_nzcv, fpscr\n\t" "it gt\n\t" "vmovgt.f32 " v ", s21\n\t"             \
    "vcmp.f32 " v ", s20\n\t" "vmrs APSR_nzcv, fpscr\n\t" "it mi\n\t" "vmovmi.f32 " v ", s20\n\t"

/* Registers: r0 stream, r1 x, r2 out, r3 groups left, r4 blocks of eight inputs, r5 inputs after them,
 * r6 input pointer, r7 count, r12 rows after the groups, lr zero; s16-s19 sums, s20 lo, s21 hi. */
__attribute__((naked, unused, aligned(4))) static void tml__fc_f32_m4(const tml_fully_connected_f32_params *p TML_UNUSED,
                                                                      const float *input TML_UNUSED,
                                                                      float *output TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r7, lr}\n\t"
        "vpush {s16-s21}\n\t"
        "ldr r3, [r0, #8]\n\t" /* rows */
        "ldr r4, [r0, #4]\n\t" /* depth */
        "vldr s20, [r0, #12]\n\t"
        "vldr s21, [r0, #16]\n\t"
        "ldr r0, [r0, #20]\n\t"
        "mov lr, #0\n\t"
        "and r12, r3, #3\n\t"
        "and r5, r4, #7\n\t"
        "cmp r4, #1\n\t"
        "lsr r4, r4, #3\n\t"
        "lsr r3, r3, #2\n\t"
        "beq 10f\n\t"
        "cmp r3, #0\n\t"
        "beq 5f\n\t"
        ".balign 4\n\t"
        "1:\n\t" /* four rows */
        "vmov s16, s17, lr, lr\n\t"
        "vmov s18, s19, lr, lr\n\t"
        "mov r6, r1\n\t"
        "movs r7, r4\n\t"
        "beq 3f\n\t"
        ".balign 4\n\t"
        "2:\n\t"
        "vldmia r6!, {s0-s7}\n\t"
        TML__FC_F32_ROW8("s16") TML__FC_F32_ROW8("s17") TML__FC_F32_ROW8("s18") TML__FC_F32_ROW8("s19")
        "subs r7, r7, #1\n\t"
        "bne 2b\n\t"
        "3:\n\t"
        "cbz r5, 4f\n\t"
        "mov.w r7, r5\n\t" /* .w: no .balign nop (and the subs.w, bne.w below) */
        ".balign 4\n\t"
        "33:\n\t"
        "vldmia r6!, {s0}\n\t"
        "vldmia r0!, {s8-s11}\n\t"
        "vmul.f32 s8, s0, s8\n\t" "vadd.f32 s16, s16, s8\n\t"
        "vmul.f32 s9, s0, s9\n\t" "vadd.f32 s17, s17, s9\n\t"
        "vmul.f32 s10, s0, s10\n\t" "vadd.f32 s18, s18, s10\n\t"
        "vmul.f32 s11, s0, s11\n\t" "vadd.f32 s19, s19, s11\n\t"
        "subs.w r7, r7, #1\n\t"
        "bne.w 33b\n\t"
        ".balign 4\n\t"
        "4:\n\t"
        "vldmia r0!, {s8-s11}\n\t"
        "vadd.f32 s16, s16, s8\n\t"
        "vadd.f32 s17, s17, s9\n\t"
        "vadd.f32 s18, s18, s10\n\t"
        "vadd.f32 s19, s19, s11\n\t"
        TML__FC_F32_CLAMP("s16") TML__FC_F32_CLAMP("s17") TML__FC_F32_CLAMP("s18") TML__FC_F32_CLAMP("s19")
        "vstmia r2!, {s16-s19}\n\t"
        "subs r3, r3, #1\n\t"
        "bne 1b\n\t"
        "5:\n\t" /* the remaining rows, one at a time */
        "cmp r12, #0\n\t"
        "beq 9f\n\t"
        ".balign 4\n\t"
        "6:\n\t"
        "vmov s16, lr\n\t"
        "mov.w r6, r1\n\t"
        "movs r7, r4\n\t"
        "beq 7f\n\t"
        ".balign 4\n\t"
        "66:\n\t"
        "vldmia r6!, {s0-s7}\n\t"
        TML__FC_F32_ROW8("s16")
        "subs r7, r7, #1\n\t"
        "bne 66b\n\t"
        "7:\n\t"
        "cbz r5, 8f\n\t"
        "mov r7, r5\n\t"
        ".balign 4\n\t"
        "77:\n\t"
        "vldmia r6!, {s0}\n\t"
        "vldmia r0!, {s8}\n\t"
        "vmul.f32 s8, s0, s8\n\t"
        "vadd.f32 s16, s16, s8\n\t"
        "subs r7, r7, #1\n\t"
        "bne 77b\n\t"
        ".balign 4\n\t"
        "8:\n\t"
        "vldmia r0!, {s8}\n\t"
        "vadd.f32 s16, s16, s8\n\t"
        TML__FC_F32_CLAMP("s16")
        "vstmia r2!, {s16}\n\t"
        "subs r12, r12, #1\n\t"
        "bne 6b\n\t"
        "9:\n\t"
        "vpop {s16-s21}\n\t"
        "pop {r4-r7, pc}\n\t"
        "10:\n\t" /* depth 1: per group the four weights and biases in one VLDM, x in s0, +0.0f in s1 */
        "vldr s0, [r1]\n\t"
        "vmov s1, lr\n\t"
        "cmp r3, #0\n\t"
        "beq 5b\n\t"
        ".balign 4\n\t"
        "11:\n\t"
        "vldmia r0!, {s8-s15}\n\t"
        "vmul.f32 s8, s0, s8\n\t"
        "vmul.f32 s9, s0, s9\n\t"
        "vmul.f32 s10, s0, s10\n\t"
        "vmul.f32 s11, s0, s11\n\t"
        "vadd.f32 s8, s8, s1\n\t" /* +0.0f + x * w, as the reference sums from +0.0f */
        "vadd.f32 s9, s9, s1\n\t"
        "vadd.f32 s10, s10, s1\n\t"
        "vadd.f32 s11, s11, s1\n\t"
        "vadd.f32 s16, s8, s12\n\t"
        "vadd.f32 s17, s9, s13\n\t"
        "vadd.f32 s18, s10, s14\n\t"
        "vadd.f32 s19, s11, s15\n\t"
        TML__FC_F32_CLAMP("s16") TML__FC_F32_CLAMP("s17") TML__FC_F32_CLAMP("s18") TML__FC_F32_CLAMP("s19")
        "vstmia r2!, {s16-s19}\n\t"
        "subs r3, r3, #1\n\t"
        "bne 11b\n\t"
        "b 5b\n\t"
        "pop {r4-r7, pc}\n\t");
}
#undef TML__FC_F32_ROW8
#undef TML__FC_F32_CLAMP

/* tml_fully_connected_f32 with p->packed: tml__fc_f32_m4, one batch per call. */
TML_ALWAYS_INLINE void tml__fully_connected_f32_packed(const tml_fully_connected_f32_params *p, const float *input,
                                                       float *output)
{
    int32_t b;
    for (b = 0; b < p->batches; b++) {
        tml__fc_f32_m4(p, input + b * p->accum_depth, output + b * p->output_depth);
    }
}

#endif /* TINYML_ARMV7EM_FULLY_CONNECTED_PACKED_FPU_H */
