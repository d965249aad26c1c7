/*
 * AVERAGE_POOL_2D and MAX_POOL_2D.
 *
 * Layouts: input [batches, input_height, input_width, depth], output [batches,
 * output_height, output_width, depth] (NHWC). Output pixel (oy, ox) pools the window of
 * filter_height x filter_width input pixels starting at (oy * stride_height - pad_height,
 * ox * stride_width - pad_width), clipped to the image (padded taps are not counted).
 * pad_height / pad_width are TFLite's leading paddings, computed at generation time.
 *
 * int8 and int16: input and output share scale and zero point (as TFLM requires). Average pool sums
 * the raw values and divides by the number of taps rounding half away from zero, as TFLM's
 * reference kernel does; then clamps to [act_min, act_max]. Max pool clamps the maximum.
 * float32: mean or maximum, clamped to [act_min, act_max].
 */
#ifndef TINYML_OPS_POOL_H
#define TINYML_OPS_POOL_H

#include "../tml_common.h"

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t depth;
    int32_t output_height;
    int32_t output_width;
    int32_t filter_height;
    int32_t filter_width;
    int32_t stride_height;
    int32_t stride_width;
    int32_t pad_height;
    int32_t pad_width;
    int32_t act_min;
    int32_t act_max;
} tml_pool_s8_params;

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t depth;
    int32_t output_height;
    int32_t output_width;
    int32_t filter_height;
    int32_t filter_width;
    int32_t stride_height;
    int32_t stride_width;
    int32_t pad_height;
    int32_t pad_width;
    float act_min;
    float act_max;
} tml_pool_f32_params;

/* int16: the same arithmetic on 16-bit values (TFLM's int16 pooling). */
typedef tml_pool_s8_params tml_pool_s16_params;

/* The kernels: the reference always, each optimized path where the compiler provides it. */
#include "../ref/pool.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/pool.h"
#endif
#if defined(TML_ARCH_ARM_FPU)
#include "../armv7em/pool_fpu.h"
#endif

/* Dispatch. The Armv7E-M average pool needs windows of at most 256 taps (int16 lane sums). */
static inline void tml_average_pool_s8(const tml_pool_s8_params *p, const int8_t *input, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
    if (p->filter_height * p->filter_width <= 256) {
        tml__average_pool_s8_dsp(p, input, output);
        return;
    }
#endif
    tml_average_pool_s8_ref(p, input, output);
}

static inline void tml_max_pool_s8(const tml_pool_s8_params *p, const int8_t *input, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__max_pool_s8_dsp(p, input, output);
#else
    tml_max_pool_s8_ref(p, input, output);
#endif
}

static inline void tml_average_pool_f32(const tml_pool_f32_params *p, const float *input, float *output)
{
    tml_average_pool_f32_ref(p, input, output);
}

static inline void tml_max_pool_f32(const tml_pool_f32_params *p, const float *input, float *output)
{
#if defined(TML_ARCH_ARM_FPU)
    tml__max_pool_f32_fpu(p, input, output);
#else
    tml_max_pool_f32_ref(p, input, output);
#endif
}

#endif /* TINYML_OPS_POOL_H */
