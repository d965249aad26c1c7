/*
 * TRANSPOSE_CONV (a convolution's gradient with respect to its input; Keras Conv2DTranspose).
 *
 * Layouts (all row-major):
 *   input   [batches, input_height, input_width, input_depth]                   (NHWC)
 *   weights [output_depth, filter_height, filter_width, input_depth]            (OHWI)
 *   bias    [output_depth]: int32 (int8), int64 (int16x8), float (float32); may be NULL
 *   output  [batches, output_height, output_width, output_depth]
 *
 * Geometry: input pixel (iy, ix) adds into output pixel (iy * stride_height - pad_height + fy,
 * ix * stride_width - pad_width + fx) through filter tap (fy, fx); contributions outside the output are
 * dropped. pad_height / pad_width are the leading paddings TFLite computes from the OUTPUT size
 * (ComputePaddingHeightWidth with the output as the "input"), done at generation time.
 * TFLM scatters every input pixel into an int32 (int64 for int16x8) copy of the whole output held in
 * arena scratch; these kernels gather instead: each output pixel sums the input pixels that reach it, in
 * TFLM's order (input rows, then columns, then channels ascending), so they need no scratch and float
 * sums round exactly as TFLM's.
 *
 * int8: acc = sum(w * (in + input_offset)) + bias, requantized with the per-channel (or per-tensor)
 * multiplier and shift (TFLM's double rounding), + output_offset, clamped to [act_min, act_max].
 * int16x8: input and output zero point 0, acc summed in 64 bits with an int64 bias, TFLM's 64-bit
 * requantization. float32: sum(w * in) + bias clamped to [act_min, act_max].
 * Armv7E-M (int8), made by the generator: tap_sums, the sum over the input channels of
 * weights[o][fy][fx][:] ([output_depth][filter_height * filter_width]), and the phase arrays, which
 * replace the weights (the kernel does not read them; NULL elsewhere: the reference runs).
 * phase_weights / phase_data: the output pixels whose (oy + pad_height) mod
 * stride_height is ry and (ox + pad_width) mod stride_width is rx (phase ry * stride_width + rx) use the
 * taps fy = ry + k * stride_height, fx = rx + j * stride_width. phase_weights holds, phase after phase,
 * weights[o][fy][fx][:] as [o][fy descending][fx descending][input_depth] (the order of ascending input
 * rows and columns); phase_data holds per phase output_depth + 1 int32: the phase's byte offset in
 * phase_weights, then bias[o] + input_offset * sum(the phase's weights of o). requant_fast (optional):
 * per output channel (multiplier, c, r) of tml_requant_fast_s8 (armv7em/common.h), where every channel's
 * multiplier is above 2^30 and right shift in [1, 21]; the activation clamp follows.
 */
#ifndef TINYML_OPS_TRANSPOSE_CONV_H
#define TINYML_OPS_TRANSPOSE_CONV_H

#include "../tml_common.h"

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;
    int32_t stride_height;
    int32_t stride_width;
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
    const int32_t *tap_sums;               /* [output_depth][filter taps] or NULL (see above) */
    const int8_t *phase_weights;           /* Armv7E-M: the weights by output phase, or NULL */
    const int32_t *phase_data;             /* with phase_weights: per phase, its offset there and folded biases */
    const int32_t *requant_fast;           /* Armv7E-M, or NULL: per output channel the tml_requant_fast constants */
} tml_transpose_conv_s8_params;

/* int16x8: the int8 block with both offsets 0 and no tap sums; the bias is int64 (or NULL). */
typedef tml_transpose_conv_s8_params tml_transpose_conv_s16_params;

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;
    int32_t stride_height;
    int32_t stride_width;
    int32_t pad_height;
    int32_t pad_width;
    float act_min;
    float act_max;
} tml_transpose_conv_f32_params;

#include "../ref/transpose_conv.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/transpose_conv.h"
#endif

TML_ALWAYS_INLINE void tml_transpose_conv_s8(const tml_transpose_conv_s8_params *p, const int8_t *input,
                                             const int8_t *weights, const int32_t *bias, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
    if (p->phase_weights) {
        tml_transpose_conv_s8_dsp(p, input, bias, output);
        return;
    }
#endif
    tml_transpose_conv_s8_ref(p, input, weights, bias, output);
}

#endif /* TINYML_OPS_TRANSPOSE_CONV_H */
