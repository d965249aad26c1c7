/*
 * CONV_2D and DEPTHWISE_CONV_2D.
 *
 * Layouts (all row-major):
 *   input   [batches, input_height, input_width, input_depth]            (NHWC)
 *   conv weights      [output_depth, filter_height, filter_width, filter_input_depth] (OHWI)
 *   depthwise weights [1, filter_height, filter_width, input_depth * depth_multiplier]
 *   bias    [output_depth] (int32 for int8 models, float for float models; may be NULL)
 *   output  [batches, output_height, output_width, output_depth]
 *
 * Geometry: output pixel (oy, ox) reads input rows oy * stride_height - pad_height +
 * fy * dilation_height (and likewise for columns); taps outside the image are skipped
 * (zero padding). pad_height / pad_width are the leading paddings TFLite computes
 * (ComputePaddingHeightWidth), done at generation time.
 *
 * CONV_2D supports grouped convolution: groups = input_depth / filter_input_depth, output
 * channel o reads input channels [g * filter_input_depth, (g + 1) * filter_input_depth)
 * with g = o / (output_depth / groups).
 * DEPTHWISE_CONV_2D: output channel o = c * depth_multiplier + m reads input channel c.
 *
 * int8: acc = sum(w * (in + input_offset)) + bias, then TFLM's double-rounding
 * requantization with the per-channel multiplier/shift (or the per-tensor ones when
 * per_channel_multiplier is NULL), + output_offset, clamped to [act_min, act_max].
 * Weights are symmetric (zero point 0). Bit-exact with TFLM's reference kernels.
 * float32: sum(w * in) + bias clamped to [act_min, act_max], summed in TFLM's order.
 */
#ifndef TINYML_OPS_CONV_H
#define TINYML_OPS_CONV_H

#include "../tml_common.h"

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t filter_input_depth; /* input_depth / groups */
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_height;
    int32_t pad_width;
    int32_t input_offset;      /* minus the input zero point */
    int32_t output_offset;     /* the output zero point */
    int32_t output_multiplier; /* per-tensor requantization (when the arrays are NULL) */
    int32_t output_shift;
    const int32_t *per_channel_multiplier; /* [output_depth] or NULL */
    const int32_t *per_channel_shift;      /* [output_depth] or NULL */
    int32_t act_min;
    int32_t act_max;
    const int32_t *folded_bias;            /* [output_depth] or NULL: bias + input_offset * sum(weights of o) */
    int32_t acc64;                         /* int16x8 only: 1 with an int64 bias (see tml_requant_s16) */
    const int32_t *packed;                 /* Cortex-M4 layout made by the generator (tml__conv_s8_packed_m4), or NULL */
    void *scratch;                         /* with packed: the pixel pair's interleaved window (see there) */
    int32_t backward;                      /* 1: output pixels from the last to the first (the generator's, for
                                            * an output placed after its input; only the reference and the
                                            * packed kernels run so, the dispatcher picks one of them) */
} tml_conv_s8_params;

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t filter_input_depth;
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_height;
    int32_t pad_width;
    float act_min;
    float act_max;
} tml_conv_f32_params;

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t depth_multiplier; /* output_depth = input_depth * depth_multiplier */
    int32_t output_height;
    int32_t output_width;
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_height;
    int32_t pad_width;
    int32_t input_offset;
    int32_t output_offset;
    int32_t output_multiplier;
    int32_t output_shift;
    const int32_t *per_channel_multiplier; /* [output_depth] or NULL */
    const int32_t *per_channel_shift;      /* [output_depth] or NULL */
    int32_t act_min;
    int32_t act_max;
    const int32_t *folded_bias;            /* [output_depth] or NULL: bias + input_offset * sum(weights of o) */
    int32_t acc64;                         /* int16x8 only: 1 with an int64 bias (see tml_requant_s16) */
    int8_t *patch;                         /* 3x3 * input_depth bytes of scratch (with packed: input_depth), or NULL (optimized 3x3 paths) */
    const int32_t *packed;                 /* Cortex-M4 layout made by the generator: with patch, tml__dw3_px_s8_packed_m4's; without, tml__dw3p_s8_packed_m4's; or NULL */
    void *scratch, *slot1, *slot2;         /* with packed and no patch: the ring's three slots (see there) */
} tml_depthwise_conv_s8_params;

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t depth_multiplier;
    int32_t output_height;
    int32_t output_width;
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_height;
    int32_t pad_width;
    float act_min;
    float act_max;
} tml_depthwise_conv_f32_params;

/* ------------------------------------------------------------ int16x8 (kernels in ref/conv.h) */
/* The int8 parameter blocks, with input_offset 0, output_offset 0 and no folded bias. */
typedef tml_conv_s8_params tml_conv_s16_params;
typedef tml_depthwise_conv_s8_params tml_depthwise_conv_s16_params;

/* ------------------------------------------------------------ kernels
 * The reference (ref/conv.h) always; each optimized path where tml_common.h selects it. GCC emits the
 * functions left out of line in the order they are defined: CONV_2D before DEPTHWISE_CONV_2D on each
 * Armv7E-M path keeps that order (and the objects) as they were in one file. */
#include "../ref/conv.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/conv.h"
#endif
#if defined(TML_ARCH_ARM_ASM)
#include "../armv7em/conv_packed.h"
#endif
#if defined(TML_ARCH_ARM_FPU)
#include "../armv7em/conv_fpu.h"
#endif
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/depthwise_conv.h"
#endif
#if defined(TML_ARCH_ARM_ASM)
#include "../armv7em/depthwise_conv_packed.h"
#include "../armv7em/depthwise_conv_pairs.h"
#endif
#if defined(TML_ARCH_SCALAR)
#include "../scalar/conv.h"
#endif

/* ------------------------------------------------------------ dispatchers */

/* Always inlined: with the params a constant, the compiler keeps only the path taken (and drops the
 * weights a packed stream replaces). */
TML_ALWAYS_INLINE void tml_conv_s8(const tml_conv_s8_params *p, const int8_t *input, const int8_t *weights,
                               const int32_t *bias, int8_t *output)
{
#if defined(TML_ARCH_ARM_ASM)
    if (p->packed) {
        tml__conv_s8_packed_m4(p->packed, p->scratch, p->input_height, p->output_height, p->pad_height,
                               p->backward, input, output);
        return;
    }
#endif
    if (p->backward) {
        tml_conv_s8_ref(p, input, weights, bias, output);
        return;
    }
#if defined(TML_ARCH_ARM_DSP)
    if (p->folded_bias && p->filter_input_depth == p->input_depth) {
        if (p->filter_height == 1 && p->filter_width == 1 && p->pad_height == 0 && p->pad_width == 0) {
            tml_conv_s8_1x1_dsp(p, input, weights, output);
        } else {
            tml_conv_s8_dsp(p, input, weights, bias, output);
        }
        return;
    }
#elif defined(TML_ARCH_SCALAR)
    /* pointwise, stride 1: a GEMM of every pixel's channels with the weights */
    if (p->folded_bias && p->filter_input_depth == p->input_depth && p->filter_height == 1 &&
        p->filter_width == 1 && p->stride_height == 1 && p->stride_width == 1 && p->pad_height == 0 &&
        p->pad_width == 0 && p->output_height == p->input_height && p->output_width == p->input_width) {
        tml_conv_s8_1x1_scalar(p, input, weights, output);
        return;
    }
#endif
    tml_conv_s8_ref(p, input, weights, bias, output);
}

static inline void tml_conv_f32(const tml_conv_f32_params *p, const float *input, const float *weights,
                                const float *bias, float *output)
{
#if defined(TML_ARCH_ARM_FPU)
    if (p->filter_input_depth == p->input_depth) {
        tml_conv_f32_fpu(p, input, weights, bias, output);
        return;
    }
#endif
    tml_conv_f32_ref(p, input, weights, bias, output);
}

/* Always inlined: with the params a constant, the compiler keeps only the path taken (and drops the
 * constants a packed stream replaces). */
TML_ALWAYS_INLINE void tml_depthwise_conv_s8(const tml_depthwise_conv_s8_params *p, const int8_t *input,
                                         const int8_t *weights, const int32_t *bias, int8_t *output)
{
#if defined(TML_ARCH_ARM_ASM)
    if (p->packed && p->patch) {
        tml__dw3_px_s8_packed_m4(p->packed, p->patch, p->input_height, p->output_height, p->pad_height, input,
                                 output);
        return;
    }
    if (p->packed) {
        tml__dw3p_s8_packed_m4(p->packed, p->scratch, p->slot1, p->slot2, p->input_height, p->output_height,
                               p->pad_height, input, output);
        return;
    }
#endif
#if defined(TML_ARCH_ARM_DSP)
    if (p->folded_bias) {
        tml_depthwise_conv_s8_dsp(p, input, weights, bias, output);
        return;
    }
#elif defined(TML_ARCH_SCALAR)
    if (p->folded_bias && p->filter_height * p->filter_width <= TML_SCALAR_TAPS) {
        tml_depthwise_conv_s8_scalar(p, input, weights, bias, output);
        return;
    }
#endif
    tml_depthwise_conv_s8_ref(p, input, weights, bias, output);
}

static inline void tml_depthwise_conv_f32(const tml_depthwise_conv_f32_params *p, const float *input,
                                          const float *weights, const float *bias, float *output)
{
#if defined(TML_ARCH_ARM_FPU)
    tml_depthwise_conv_f32_fpu(p, input, weights, bias, output);
#else
    tml_depthwise_conv_f32_ref(p, input, weights, bias, output);
#endif
}

#endif /* TINYML_OPS_CONV_H */
