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
    const int32_t *packed;                 /* Cortex-M4 layout made by the generator (see tml__fc_s8_*_m4), or NULL */
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

/* The kernels: the reference always, each optimized path where the compiler provides it. */
#include "../ref/fully_connected.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/fully_connected.h"
#endif
#if defined(TML_ARCH_ARM_ASM)
#include "../armv7em/fully_connected_packed.h"
#endif
#if defined(TML_ARCH_ARM_FPU)
#include "../armv7em/fully_connected_fpu.h"
#endif
#if defined(TML_ARCH_ARM_ASM) && defined(TML_ARCH_ARM_FPU)
#include "../armv7em/fully_connected_packed_fpu.h"
#endif
#if defined(TML_ARCH_SCALAR)
#include "../scalar/fully_connected.h"
#endif

/* Always inlined: with the params a constant, the compiler keeps only the path taken (and drops the
 * unused bias or folded bias from flash). */
TML_ALWAYS_INLINE void tml_fully_connected_s8(const tml_fully_connected_s8_params *p, const int8_t *input,
                                             const int8_t *weights, const int32_t *bias, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
#if defined(TML_ARCH_ARM_ASM)
    if (p->packed) {
        tml__fully_connected_s8_packed(p, input, output);
        return;
    }
#endif
    if (p->folded_bias) {
        tml__fully_connected_s8_folded_dsp(p, input, weights, output);
        return;
    }
#elif defined(TML_ARCH_SCALAR)
    if (p->folded_bias) {
        tml__fully_connected_s8_scalar(p, input, weights, output);
        return;
    }
#endif
    tml_fully_connected_s8_ref(p, input, weights, bias, output);
}

TML_ALWAYS_INLINE void tml_fully_connected_f32(const tml_fully_connected_f32_params *p, const float *input,
                                             const float *weights, const float *bias, float *output)
{
#if defined(TML_ARCH_ARM_FPU) && defined(TML_ARCH_ARM_ASM)
    if (p->packed) {
        tml__fully_connected_f32_packed(p, input, output);
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
