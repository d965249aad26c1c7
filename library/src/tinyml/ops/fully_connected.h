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

static inline void tml_fully_connected_f32_ref(const tml_fully_connected_f32_params *p, const float *input,
                                               const float *weights, const float *bias, float *output)
{
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
/* Armv7E-M: two output rows at a time share the input words; SMLAD does two MACs. Needs folded_bias. */
TML_HOT static inline void tml_fully_connected_s8_dsp(const tml_fully_connected_s8_params *p, const int8_t *input,
                                              const int8_t *weights, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t depth = p->accum_depth, rows = p->output_depth;
    int32_t b, o;
    for (b = 0; b < p->batches; b++) {
        const int8_t *in = input + b * depth;
        int8_t *out = output + b * rows;
        for (o = 0; o + 2 <= rows; o += 2) {
            int32_t a0 = p->folded_bias[o], a1 = p->folded_bias[o + 1];
            tml_dot2_s8(in, weights + o * depth, weights + (o + 1) * depth, depth, &a0, &a1);
            out[o] = tml_requant_s8(&rq, a0, o);
            out[o + 1] = tml_requant_s8(&rq, a1, o + 1);
        }
        if (o < rows) {
            out[o] = tml_requant_s8(&rq, tml_dot_s8(in, weights + o * depth, depth, p->folded_bias[o]), o);
        }
    }
}
#endif

static inline void tml_fully_connected_s8(const tml_fully_connected_s8_params *p, const int8_t *input,
                                          const int8_t *weights, const int32_t *bias, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
    if (p->folded_bias) {
        tml_fully_connected_s8_dsp(p, input, weights, output);
        return;
    }
#elif defined(TML_ARCH_XTENSA)
    if (p->folded_bias) {
        const tml_requant_params rq = TML_REQUANT_OF(p);
        tml_gemm_s8_xtensa(&rq, input, p->batches, p->accum_depth, weights, p->output_depth, p->folded_bias,
                           output);
        return;
    }
#endif
    tml_fully_connected_s8_ref(p, input, weights, bias, output);
}

#if defined(TML_ARCH_ARM_FPU)
/* FPU: two output rows at a time share each input load; every row sums in the reference's order with
 * the same expressions, so whatever the compiler's -ffp-contract does to one it does to the other. */
TML_HOT static inline void tml_fully_connected_f32_fpu(const tml_fully_connected_f32_params *p, const float *input,
                                               const float *weights, const float *bias, float *output)
{
    const int32_t depth = p->accum_depth, rows = p->output_depth;
    int32_t b, o, d;
    for (b = 0; b < p->batches; b++) {
        const float *in = input + b * depth;
        float *out = output + b * rows;
        for (o = 0; o < rows; o += 2) {
            const int32_t pair = o + 1 < rows;
            const float *w0 = weights + o * depth;
            const float *w1 = pair ? w0 + depth : w0;
            float a0 = 0.0f, a1 = 0.0f;
            for (d = 0; d < depth; d++) {
                const float x = in[d];
                a0 += x * w0[d];
                a1 += x * w1[d];
            }
            if (bias) {
                a0 += bias[o];
                a1 += bias[o + pair];
            }
            out[o] = tml_clamp_f32(a0, p->act_min, p->act_max);
            if (pair) {
                out[o + 1] = tml_clamp_f32(a1, p->act_min, p->act_max);
            }
        }
    }
}
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
