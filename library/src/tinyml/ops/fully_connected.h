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
} tml_fully_connected_s8_params;

typedef struct {
    int32_t batches;
    int32_t accum_depth;
    int32_t output_depth;
    float act_min;
    float act_max;
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
            const float *r0 = weights + o * depth;
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

static inline void tml_fully_connected_f32(const tml_fully_connected_f32_params *p, const float *input,
                                           const float *weights, const float *bias, float *output)
{
#if defined(TML_ARCH_ARM_FPU)
    tml_fully_connected_f32_fpu(p, input, weights, bias, output);
#else
    tml_fully_connected_f32_ref(p, input, weights, bias, output);
#endif
}

#endif /* TINYML_OPS_FULLY_CONNECTED_H */
