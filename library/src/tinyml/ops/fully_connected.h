/*
 * FULLY_CONNECTED.
 *
 * Layouts: input [batches, accum_depth] (any leading shape flattened), weights
 * [output_depth, accum_depth] row-major, bias [output_depth] (int32 for int8
 * models, may be NULL), output [batches, output_depth].
 * int8: output = clamp(requant(sum((in + input_offset) * (w + weights_offset)) + bias)
 *                      + output_offset, act_min, act_max), with TFLM's double rounding;
 * per-channel multipliers when per_channel_multiplier != NULL.
 * folded_bias (optional, made by the generator for symmetric weights): bias + input_offset * row sum
 * of the weights, so that optimized paths multiply raw int8 inputs; the reference ignores it.
 */
#ifndef TINYML_OPS_FULLY_CONNECTED_H
#define TINYML_OPS_FULLY_CONNECTED_H

#include "../tml_common.h"

typedef struct {
    int32_t batches;
    int32_t accum_depth;
    int32_t output_depth;
    int32_t input_offset;      /* minus the input zero point */
    int32_t weights_offset;    /* minus the weights zero point (0 for symmetric weights) */
    int32_t output_offset;     /* the output zero point */
    int32_t output_multiplier; /* per-tensor requantization */
    int32_t output_shift;
    const int32_t *per_channel_multiplier; /* [output_depth] or NULL */
    const int32_t *per_channel_shift;      /* [output_depth] or NULL */
    int32_t act_min;
    int32_t act_max;
    const int32_t *folded_bias;            /* [output_depth] or NULL */
    int32_t acc64;                         /* int16x8 only: 1 with an int64 bias (see tml_requant_s16) */
    const int32_t *packed;                 /* Cortex-M4 layout made by the generator (see below), or NULL */
} tml_fully_connected_s8_params;

typedef struct {
    int32_t batches;
    int32_t accum_depth;
    int32_t output_depth;
    float act_min;
    float act_max;
    const float *packed; /* Cortex-M4F layout made by the generator (see tml__fc_f32_m4), or NULL */
} tml_fully_connected_f32_params;

/* int16x8: int16 input and output (zero point 0), int8 symmetric weights, bias int64 (acc64 = 1) or
 * int32 (acc64 = 0) or NULL; the sum is exact in 64 bits and requantized as TFLM does for that bias
 * type. The int8 parameter block, with the offsets 0 and no folded bias. */
typedef tml_fully_connected_s8_params tml_fully_connected_s16_params;

static inline void tml_fully_connected_s16(const tml_fully_connected_s16_params *p, const int16_t *input,
                                           const int8_t *weights, const void *bias, int16_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    int32_t b, o, d;
    for (b = 0; b < p->batches; b++) {
        const int16_t *in = input + b * p->accum_depth;
        for (o = 0; o < p->output_depth; o++) {
            const int8_t *w = weights + o * p->accum_depth;
            int64_t acc = 0;
            for (d = 0; d < p->accum_depth; d++) {
                acc += (int32_t)in[d] * (int32_t)w[d];
            }
            acc += tml_bias_s16(bias, o, p->acc64);
            output[b * p->output_depth + o] = tml_requant_s16(&rq, acc, o, p->acc64);
        }
    }
}

TML_HOT static inline void tml_fully_connected_s8_ref(const tml_fully_connected_s8_params *p, const int8_t *input,
                                              const int8_t *weights, const int32_t *bias, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    int32_t b, o, d;
    for (b = 0; b < p->batches; b++) {
        const int8_t *in = input + b * p->accum_depth;
        for (o = 0; o < p->output_depth; o++) {
            const int8_t *w = weights + o * p->accum_depth;
            int32_t acc = 0;
            for (d = 0; d < p->accum_depth; d++) {
                acc += ((int32_t)in[d] + p->input_offset) * ((int32_t)w[d] + p->weights_offset);
            }
            if (bias) {
                acc += bias[o];
            }
            output[b * p->output_depth + o] = tml_requant_s8(&rq, acc, o);
        }
    }
}

TML_FLOAT static inline void tml_fully_connected_f32_ref(const tml_fully_connected_f32_params *p,
                                                         const float *input, const float *weights,
                                                         const float *bias, float *output)
{
    TML_FP_EXACT
    int32_t b, o, d;
    for (b = 0; b < p->batches; b++) {
        const float *in = input + b * p->accum_depth;
        for (o = 0; o < p->output_depth; o++) {
            const float *w = weights + o * p->accum_depth;
            float acc = 0.0f;
            for (d = 0; d < p->accum_depth; d++) {
                acc += in[d] * w[d];
            }
            if (bias) {
                acc += bias[o];
            }
            output[b * p->output_depth + o] = tml_clamp_f32(acc, p->act_min, p->act_max);
        }
    }
}

#if defined(TML_ARCH_ARM_DSP)
/* Armv7E-M, for layers tml_requant_fast_of allows: four rows at a time share each input word
 * (tml_dot4_s8, SMLAD does two MACs), requantized straight from the registers. Needs folded_bias. */
TML_HOT TML_NOINLINE static void tml_fully_connected_s8_fast(const tml_fully_connected_s8_params *p,
                                                             const int8_t *input, const int8_t *weights,
                                                             int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t n = p->accum_depth;
    const int32_t *const bias_end = p->folded_bias + p->output_depth;
    tml_requant_fast f;
    int32_t b;
    (void)tml_requant_fast_of(&rq, &f);
    for (b = 0; b < p->batches; b++, input += n) {
        const int32_t *bias = p->folded_bias;
        const int8_t *w = weights;
        for (; bias_end - bias >= 4; bias += 4, w += 4 * n, output += 4) {
            int32_t acc[4];
            tml_dot4_s8(input, w, n, bias, acc);
            output[0] = (int8_t)tml_requant_fast_s8(acc[0], &f);
            output[1] = (int8_t)tml_requant_fast_s8(acc[1], &f);
            output[2] = (int8_t)tml_requant_fast_s8(acc[2], &f);
            output[3] = (int8_t)tml_requant_fast_s8(acc[3], &f);
        }
        for (; bias < bias_end; bias++, w += n, output++) {
            output[0] = (int8_t)tml_requant_fast_s8(tml_dot_s8(input, w, n, bias[0]), &f);
        }
    }
}

#if defined(__thumb2__) && (defined(__GNUC__) || defined(__clang__))
#define TML__FC_PACKED_ASM 1
/* Packed layouts (p->packed, int32 words made by the generator for the Cortex-M4 where
 * the fast requantization is exact: a multiplier above 2^30, a right shift of 1 to 21, the full int8
 * range, per tensor or, depth a multiple of 4, per channel; c and r as in tml_requant_fast):
 *
 *   depth n a multiple of 4: n, rows - rows % 4, multiplier, c, r, rows % 4; then per group of four
 *     rows the four folded biases and, for each four inputs k..k+3, one word of each row's weights
 *     k..k+3 (rows in order); then each remaining row as its folded bias and its n / 4 weight words.
 *     Per-channel requantization (tml__fc_s8_rows4_pc_m4): the same, with each row's multiplier, c and
 *     r after its group's weights (four triples) or after a remaining row's weights; the header's are 0.
 *   depth 1: rows, multiplier, c, r; then per group of four rows (the last one padded with zeros) the
 *     four folded biases times 2 and the four weights as int16 (two words). The generator checks that
 *     2 * (bias + x * w) fits int32 for every int8 x, so the kernel accumulates twice the sum and
 *     needs no saturating doubling before SMMLAR.
 *
 * One stream pointer walks weights and biases, and the input is read a word at a time. Both kernels
 * take one batch (stream, input, output) and write the outputs in order. */

/* acc += four inputs (r6: even, r7: odd lanes) by the word w of one row; w is overwritten, t scratch. */
#define TML__FC_MAC4(acc, w, t)                                                                             \
    "sxtb16 " t ", " w "\n\t"                                                                                 \
    "smlad " acc ", r6, " t ", " acc "\n\t"                                                                   \
    "sxtb16 " w ", " w ", ror #8\n\t"                                                                         \
    "smlad " acc ", r7, " w ", " acc "\n\t"

/* Four inputs by four rows (accumulators r2..r5): 16 MACs, 25 cycles. */
#define TML__FC_STEP4                                                                                       \
    "ldr r6, [r1], #4\n\t"                                                                                    \
    "ldmia r0!, {r8-r11}\n\t"                                                                                 \
    "sxtb16 r7, r6, ror #8\n\t"                                                                               \
    "sxtb16 r6, r6\n\t"                                                                                       \
    TML__FC_MAC4("r2", "r8", "r12") TML__FC_MAC4("r3", "r9", "r12") TML__FC_MAC4("r4", "r10", "r12")         \
    TML__FC_MAC4("r5", "r11", "r12")

/* Four inputs by one row (accumulator r2). */
#define TML__FC_STEP1                                                                                       \
    "ldr r6, [r1], #4\n\t"                                                                                    \
    "ldr r8, [r0], #4\n\t"                                                                                    \
    "sxtb16 r7, r6, ror #8\n\t"                                                                               \
    "sxtb16 r6, r6\n\t"                                                                                       \
    TML__FC_MAC4("r2", "r8", "r12")

/* Depth a multiple of 4. Four rows at a time: per four inputs one LDR, one LDM of the four rows'
 * words, 8 SXTB16 + 8 SMLAD (the loop unrolled twice); the four results go out in one word store. Then
 * the remaining rows one at a time. The frame holds x, x end, out, out after the groups, multiplier, c,
 * r and the number of remaining rows. The requantization constants come from the frame once per group
 * (GROUP_K into r6-r8; TAIL_K into r5, r9, r11 for the remaining rows) or, per channel, from the stream
 * before each row's requantization (ROW_K into r6-r8, TAILROW_K into r5, r9, r11). */
#define TML__FC_ROWS4_ASM(GROUP_K, ROW_K, TAIL_K, TAILROW_K)                                                \
    ".syntax unified\n\t"                                                                                     \
    "push {r4-r11, lr}\n\t"                                                                                   \
    "mov r3, r2\n\t"                                                                                          \
    "ldmia r0!, {r2, r4-r8}\n\t" /* n, rows in groups, multiplier, c, r, remaining rows */                    \
    "add r2, r1, r2\n\t" /* instruction widths chosen so that no .balign needs a nop (per tensor) */           \
    "add r4, r3, r4\n\t"                                                                                      \
    "push {r1-r8}\n\t"                                                                                        \
    "cmp r3, r4\n\t"                                                                                          \
    "beq 3f\n\t"                                                                                              \
    ".balign 4\n\t"                                                                                           \
    "1:\n\t" /* four rows */                                                                                  \
    "ldrd r1, lr, [sp]\n\t"                                                                                   \
    "ldmia.w r0!, {r2-r5}\n\t"                                                                                \
    ".balign 4\n\t"                                                                                           \
    "2:\n\t"                                                                                                  \
    TML__FC_STEP4                                                                                             \
    "cmp r1, lr\n\t"                                                                                          \
    "beq 7f\n\t"                                                                                              \
    TML__FC_STEP4                                                                                             \
    "cmp r1, lr\n\t"                                                                                          \
    "bne 2b\n\t"                                                                                              \
    "7:\n\t" /* single loads back to back: one cycle each after the first */                                 \
    GROUP_K                                                                                                   \
    "ldr r1, [sp, #8]\n\t"                                                                                    \
    "ldr lr, [sp, #12]\n\t"                                                                                   \
    ROW_K TML__ASM_REQUANT("r2", "r9", "r10", "r6", "r7", "r8")                                                \
    ROW_K TML__ASM_REQUANT("r3", "r9", "r10", "r6", "r7", "r8")                                                \
    ROW_K TML__ASM_REQUANT("r4", "r9", "r10", "r6", "r7", "r8")                                                \
    ROW_K TML__ASM_REQUANT("r5", "r9", "r10", "r6", "r7", "r8")                                                \
    TML__ASM_PACK4("r2", "r3", "r4", "r5")                                                                     \
    "str r2, [r1], #4\n\t"                                                                                    \
    "str r1, [sp, #8]\n\t"                                                                                    \
    "cmp r1, lr\n\t"                                                                                          \
    "bne 1b\n\t"                                                                                              \
    "3:\n\t" /* the remaining rows, one at a time */                                                          \
    "ldr r4, [sp, #28]\n\t"                                                                                   \
    "cmp r4, #0\n\t"                                                                                          \
    "beq 6f\n\t"                                                                                              \
    "ldr r3, [sp, #8]\n\t"                                                                                    \
    TAIL_K                                                                                                    \
    ".balign 4\n\t"                                                                                           \
    "4:\n\t"                                                                                                  \
    "ldrd r1, lr, [sp]\n\t"                                                                                   \
    "ldr r2, [r0], #4\n\t"                                                                                    \
    ".balign 4\n\t"                                                                                           \
    "5:\n\t"                                                                                                  \
    TML__FC_STEP1                                                                                             \
    "cmp r1, lr\n\t"                                                                                          \
    "beq 8f\n\t"                                                                                              \
    TML__FC_STEP1                                                                                             \
    "cmp r1, lr\n\t"                                                                                          \
    "bne 5b\n\t"                                                                                              \
    "8:\n\t"                                                                                                  \
    TAILROW_K                                                                                                 \
    TML__ASM_REQUANT("r2", "r10", "r12", "r5", "r9", "r11")                                                    \
    "strb r2, [r3], #1\n\t"                                                                                   \
    "subs r4, r4, #1\n\t"                                                                                     \
    "bne 4b\n\t"                                                                                              \
    "6:\n\t"                                                                                                  \
    "add sp, #32\n\t"                                                                                         \
    "pop {r4-r11, pc}\n\t"

/* Per-tensor requantization (the header's multiplier, c and r). */
__attribute__((naked, unused, aligned(4))) static void tml__fc_s8_rows4_m4(const int32_t *stream TML_UNUSED,
                                                                           const int8_t *input TML_UNUSED,
                                                                           int8_t *output TML_UNUSED)
{
    __asm__ volatile(TML__FC_ROWS4_ASM("ldr r6, [sp, #16]\n\tldr r7, [sp, #20]\n\tldr r8, [sp, #24]\n\t", "",
                                       "ldr r5, [sp, #16]\n\tldr r9, [sp, #20]\n\tldr r11, [sp, #24]\n\t", ""));
}

/* Per-channel requantization: each row's multiplier, c and r follow its group's (or its own) weights in
 * the stream (the header's three are unused). */
__attribute__((naked, unused, aligned(4))) static void tml__fc_s8_rows4_pc_m4(const int32_t *stream TML_UNUSED,
                                                                              const int8_t *input TML_UNUSED,
                                                                              int8_t *output TML_UNUSED)
{
    __asm__ volatile(TML__FC_ROWS4_ASM("", "ldmia r0!, {r6-r8}\n\t", "", "ldmia r0!, {r5, r9, r11}\n\t"));
}
#undef TML__FC_ROWS4_ASM

/* Depth 1: out = requant(folded bias + x * w) for four rows per group (SMLABB/SMLABT of 2x by the
 * int16 weights, onto twice the bias), the constants held in registers. */
__attribute__((naked, unused, aligned(4))) static void tml__fc_s8_depth1_m4(const int32_t *stream TML_UNUSED,
                                                                const int8_t *input TML_UNUSED,
                                                                int8_t *output TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "ldrsb r1, [r1]\n\t"
        "ldmia r0!, {r3-r6}\n\t" /* rows, multiplier, c, r */
        "lsls r1, r1, #1\n\t"
        "1:\n\t"
        "ldmia r0!, {r7-r12}\n\t"
        "smlabb r7, r1, r11, r7\n\t"
        "smlabt r8, r1, r11, r8\n\t"
        "smlabb r9, r1, r12, r9\n\t"
        "smlabt r10, r1, r12, r10\n\t"
        TML__ASM_REQUANT2("r7", "r7", "r12", "r4", "r5", "r6")
        TML__ASM_REQUANT2("r8", "r8", "r12", "r4", "r5", "r6")
        TML__ASM_REQUANT2("r9", "r9", "r12", "r4", "r5", "r6")
        TML__ASM_REQUANT2("r10", "r10", "r12", "r4", "r5", "r6")
        TML__ASM_PACK4("r7", "r8", "r9", "r10")
        "subs r3, r3, #4\n\t"
        "blt 2f\n\t"
        "str r7, [r2], #4\n\t"
        "bne 1b\n\t"
        "pop {r4-r11, pc}\n\t"
        "2:\n\t" /* the last one to three rows */
        "adds r3, r3, #4\n\t"
        "3:\n\t"
        "strb r7, [r2], #1\n\t"
        "lsr r7, r7, #8\n\t"
        "subs r3, r3, #1\n\t"
        "bne 3b\n\t"
        "pop {r4-r11, pc}\n\t");
}
#undef TML__FC_STEP1
#undef TML__FC_STEP4
#undef TML__FC_MAC4
#endif

/* Armv7E-M, any requantization: one row at a time (SMLAD), tml_requant_s8. Needs folded_bias. */
TML_HOT static inline void tml_fully_connected_s8_dsp(const tml_fully_connected_s8_params *p, const int8_t *input,
                                                      const int8_t *weights, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t depth = p->accum_depth, rows = p->output_depth;
    int32_t b, o;
    for (b = 0; b < p->batches; b++, input += depth, output += rows) {
        const int8_t *w = weights;
        for (o = 0; o < rows; o++, w += depth) {
            output[o] = tml_requant_s8(&rq, tml_dot_s8(input, w, depth, p->folded_bias[o]), o);
        }
    }
}
#endif

/* Always inlined: with the params a constant, the compiler keeps only the path taken (and drops the
 * unused bias or folded bias from flash). */
TML_ALWAYS_INLINE void tml_fully_connected_s8(const tml_fully_connected_s8_params *p, const int8_t *input,
                                             const int8_t *weights, const int32_t *bias, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
#if defined(TML__FC_PACKED_ASM)
    if (p->packed) {
        int32_t b;
        for (b = 0; b < p->batches; b++) {
            if (p->accum_depth == 1) {
                tml__fc_s8_depth1_m4(p->packed, input + b, output + b * p->output_depth);
            } else if (p->per_channel_multiplier) {
                tml__fc_s8_rows4_pc_m4(p->packed, input + b * p->accum_depth, output + b * p->output_depth);
            } else {
                tml__fc_s8_rows4_m4(p->packed, input + b * p->accum_depth, output + b * p->output_depth);
            }
        }
        return;
    }
#endif
    if (p->folded_bias) {
        const tml_requant_params rq = TML_REQUANT_OF(p);
        tml_requant_fast f;
        if (tml_requant_fast_of(&rq, &f)) {
            tml_fully_connected_s8_fast(p, input, weights, output);
        } else {
            tml_fully_connected_s8_dsp(p, input, weights, output);
        }
        return;
    }
#elif defined(TML_ARCH_SCALAR)
    if (p->folded_bias) {
        const tml_requant_params rq = TML_REQUANT_OF(p);
        tml_gemm_s8_scalar(&rq, input, p->batches, p->accum_depth, weights, p->output_depth, p->folded_bias,
                           output);
        return;
    }
#endif
    tml_fully_connected_s8_ref(p, input, weights, bias, output);
}

#if defined(TML_ARCH_ARM_FPU)
/* FPU: x[d..d+7] and eight weights of a row each come in one VLDM (1 + 8 cycles, where eight VLDRs take
 * 16); four rows share the inputs. Each row sums in the reference's order, a product rounded before its
 * addition (TML_HOT_FLOAT), so the results are the reference's bit for bit. */

/* v0..v7 = p[0..7], p += 8: one VLDM into eight consecutive registers (explicit register variables;
 * compilers do not merge VLDRs). */
#define TML__VLDM8(p, v0, v1, v2, v3, v4, v5, v6, v7)                                                          \
    __asm__ volatile("vldmia %0!, {%1-%8}"                                                                   \
                     : "+r"(p), "=t"(v0), "=t"(v1), "=t"(v2), "=t"(v3), "=t"(v4), "=t"(v5), "=t"(v6),      \
                       "=t"(v7)                                                                              \
                     : "m"(*(const float(*)[8])(p)))

/* acc += x0 * w[0] + ... + x7 * w[7] in this order, w += 8. */
#define TML__ROW8(acc, w)                                                                                      \
    do {                                                                                                       \
        TML__VLDM8(w, w0, w1, w2, w3, w4, w5, w6, w7);                                                         \
        acc += x0 * w0;                                                                                        \
        acc += x1 * w1;                                                                                        \
        acc += x2 * w2;                                                                                        \
        acc += x3 * w3;                                                                                        \
        acc += x4 * w4;                                                                                        \
        acc += x5 * w5;                                                                                        \
        acc += x6 * w6;                                                                                        \
        acc += x7 * w7;                                                                                        \
    } while (0)

/* tml_clamp_f32 for lo <= hi without branches: min(x, hi) then max(., lo), NaN stays NaN (MI and GT are
 * false for unordered operands). */
TML_ALWAYS_INLINE float tml__clamp_f32_fpu(float x, float lo, float hi)
{
    __asm__("vcmp.f32 %0, %2\n\t"
            "vmrs APSR_nzcv, fpscr\n\t"
            "it gt\n\t"
            "vmovgt.f32 %0, %2\n\t"
            "vcmp.f32 %0, %1\n\t"
            "vmrs APSR_nzcv, fpscr\n\t"
            "it mi\n\t"
            "vmovmi.f32 %0, %1"
            : "+t"(x)
            : "t"(lo), "t"(hi)
            : "cc");
    return x;
}

TML_HOT_FLOAT static inline void tml_fully_connected_f32_fpu(const tml_fully_connected_f32_params *p,
                                                             const float *input, const float *weights,
                                                             const float *bias, float *output)
{
    TML_FP_EXACT
    register float x0 __asm__("s0"), x1 __asm__("s1"), x2 __asm__("s2"), x3 __asm__("s3");
    register float x4 __asm__("s4"), x5 __asm__("s5"), x6 __asm__("s6"), x7 __asm__("s7");
    register float w0 __asm__("s8"), w1 __asm__("s9"), w2 __asm__("s10"), w3 __asm__("s11");
    register float w4 __asm__("s12"), w5 __asm__("s13"), w6 __asm__("s14"), w7 __asm__("s15");
    const int32_t depth = p->accum_depth, rows = p->output_depth, depth8 = depth & ~7;
    const float lo = p->act_min, hi = p->act_max;
    int32_t b, o, d;
    for (b = 0; b < p->batches; b++, input += depth, output += rows) {
        for (o = 0; o + 4 <= rows; o += 4) {
            const float *r0 = weights + o * depth, *r1 = r0 + depth, *r2 = r1 + depth, *r3 = r2 + depth;
            const float *x = input;
            float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
            for (d = 0; d < depth8; d += 8) {
                TML__VLDM8(x, x0, x1, x2, x3, x4, x5, x6, x7);
                TML__ROW8(a0, r0);
                TML__ROW8(a1, r1);
                TML__ROW8(a2, r2);
                TML__ROW8(a3, r3);
            }
            for (; d < depth; d++) {
                const float v = *x++;
                a0 += v * *r0++;
                a1 += v * *r1++;
                a2 += v * *r2++;
                a3 += v * *r3++;
            }
            if (bias) {
                a0 += bias[o];
                a1 += bias[o + 1];
                a2 += bias[o + 2];
                a3 += bias[o + 3];
            }
            output[o] = tml__clamp_f32_fpu(a0, lo, hi);
            output[o + 1] = tml__clamp_f32_fpu(a1, lo, hi);
            output[o + 2] = tml__clamp_f32_fpu(a2, lo, hi);
            output[o + 3] = tml__clamp_f32_fpu(a3, lo, hi);
        }
        for (; o < rows; o++) {
            const float *r0 = weights + (size_t)o * (size_t)depth;
            const float *x = input;
            float a0 = 0.0f;
            for (d = 0; d < depth8; d += 8) {
                TML__VLDM8(x, x0, x1, x2, x3, x4, x5, x6, x7);
                TML__ROW8(a0, r0);
            }
            for (; d < depth; d++) {
                a0 += *x++ * *r0++;
            }
            if (bias) {
                a0 += bias[o];
            }
            output[o] = tml__clamp_f32_fpu(a0, lo, hi);
        }
    }
}
#undef TML__ROW8
#undef TML__VLDM8
#endif

#if defined(TML__FC_PACKED_ASM) && defined(TML_ARCH_ARM_FPU)
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
#endif

TML_ALWAYS_INLINE void tml_fully_connected_f32(const tml_fully_connected_f32_params *p, const float *input,
                                             const float *weights, const float *bias, float *output)
{
#if defined(TML_ARCH_ARM_FPU) && defined(TML__FC_PACKED_ASM)
    if (p->packed) {
        int32_t b;
        for (b = 0; b < p->batches; b++) {
            tml__fc_f32_m4(p, input + b * p->accum_depth, output + b * p->output_depth);
        }
        return;
    }
#endif
#if defined(TML_ARCH_ARM_FPU)
    tml_fully_connected_f32_fpu(p, input, weights, bias, output);
#else
    tml_fully_connected_f32_ref(p, input, weights, bias, output);
#endif
}

#endif /* TINYML_OPS_FULLY_CONNECTED_H */
