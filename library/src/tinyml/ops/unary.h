/*
 * Unary math: EXP, LOG, SQRT, RSQRT, ABS, NEG, and L2_NORMALIZATION.
 *
 * Element-wise kernels work on `size` elements of any shape and may run in place
 * (output == input). L2_NORMALIZATION works on the last axis: `outer` rows of `depth`
 * values, and may run in place too (each row is read in full before it is written).
 *
 * Float kernels call the C library's single-precision functions that TFLite Micro's
 * kernels call: expf, logf, sqrtf, fabsf, so NaN and infinities follow them
 * (LOG of a negative value is NaN, of 0 -inf; SQRT of a negative value NaN;
 * RSQRT is 1.0f / sqrtf(x): +-inf at +-0). NEG is -x.
 *
 * Integer algorithms are TFLite Micro's reference kernels, bit for bit:
 *  - ABS int8/int16 (quantized): |q - input_offset|, rescaled by the multiplier
 *    input_scale / output_scale when the scales differ (`rescale`), plus the output zero
 *    point, saturated to the output type. int16 needs zero points 0.
 *  - ABS int16 (not quantized): |x| with wrap-around (|-32768| is -32768), as TFLM's
 *    std::abs followed by a narrowing store.
 *  - RSQRT int8/int16 (quantized): v = q - input_offset; v == 0 gives the type's maximum;
 *    else 1/sqrt(v) by TFLM's fixed-point Newton-Raphson (GetInvSqrtQuantizedMultiplierExp),
 *    scaled by 2^20, rescaled by 1/(sqrt(input_scale) * output_scale), plus the output zero
 *    point, saturated. TFLM stops with an error on inputs below the input zero point; these
 *    kernels give what the computation gives for them (the value for v = 1).
 *  - L2_NORMALIZATION int8: the squared distance of the row from the input zero point, its
 *    inverse square root as above, output in scale 1/128 (zero point 0) saturated to int8,
 *    whatever the output tensor's quantization says (as TFLM).
 *  - L2_NORMALIZATION float32: x / max(sqrtf(sum of squares), 1e-6f), the sum in order.
 */
#ifndef TINYML_OPS_UNARY_H
#define TINYML_OPS_UNARY_H

#include <math.h>

#include "../tml_common.h"
#include "activations.h" /* the gemmlowp fixed-point helpers (tml_fx_*, tml_clz32) */

/* ------------------------------------------------------------ params */

/** EXP, LOG, SQRT, RSQRT, ABS, NEG on float32; ABS on plain (not quantized) int16. */
typedef struct {
    int32_t size;
} tml_unary_params;

/** ABS, int8 and int16 quantized. */
typedef struct {
    int32_t size;
    int32_t input_offset;      /* the input zero point */
    int32_t output_offset;     /* the output zero point */
    int32_t rescale;           /* 1 when the scales differ */
    int32_t output_multiplier; /* input_scale / output_scale */
    int32_t output_shift;
} tml_abs_q_params;

/** RSQRT, int8 and int16 quantized. */
typedef struct {
    int32_t size;
    int32_t input_offset;
    int32_t output_offset;
    int32_t output_multiplier; /* 1 / (sqrt(input_scale) * output_scale) */
    int32_t output_shift;      /* that multiplier's shift minus 20, the scale of the inverse root */
} tml_rsqrt_q_params;

typedef struct {
    int32_t outer;
    int32_t depth;
} tml_l2norm_f32_params;

typedef struct {
    int32_t outer;
    int32_t depth;             /* at most 33025: the squared sum stays within int32 */
    int32_t input_zero_point;
} tml_l2norm_s8_params;

#include "../ref/unary.h" /* the kernels: portable C, the only path */

/* ------------------------------------------------------------ dispatch
 * The reference path until an architecture provides its own. */

static inline void tml_exp_f32(const tml_unary_params *p, const float *input, float *output)
{
    tml_exp_f32_ref(p, input, output);
}

static inline void tml_log_f32(const tml_unary_params *p, const float *input, float *output)
{
    tml_log_f32_ref(p, input, output);
}

static inline void tml_sqrt_f32(const tml_unary_params *p, const float *input, float *output)
{
    tml_sqrt_f32_ref(p, input, output);
}

static inline void tml_rsqrt_f32(const tml_unary_params *p, const float *input, float *output)
{
    tml_rsqrt_f32_ref(p, input, output);
}

static inline void tml_abs_f32(const tml_unary_params *p, const float *input, float *output)
{
    tml_abs_f32_ref(p, input, output);
}

static inline void tml_neg_f32(const tml_unary_params *p, const float *input, float *output)
{
    tml_neg_f32_ref(p, input, output);
}

static inline void tml_abs_i16(const tml_unary_params *p, const int16_t *input, int16_t *output)
{
    tml_abs_i16_ref(p, input, output);
}

static inline void tml_abs_s8(const tml_abs_q_params *p, const int8_t *input, int8_t *output)
{
    tml_abs_s8_ref(p, input, output);
}

static inline void tml_abs_s16(const tml_abs_q_params *p, const int16_t *input, int16_t *output)
{
    tml_abs_s16_ref(p, input, output);
}

static inline void tml_rsqrt_s8(const tml_rsqrt_q_params *p, const int8_t *input, int8_t *output)
{
    tml_rsqrt_s8_ref(p, input, output);
}

static inline void tml_rsqrt_s16(const tml_rsqrt_q_params *p, const int16_t *input, int16_t *output)
{
    tml_rsqrt_s16_ref(p, input, output);
}

static inline void tml_l2norm_f32(const tml_l2norm_f32_params *p, const float *input, float *output)
{
    tml_l2norm_f32_ref(p, input, output);
}

static inline void tml_l2norm_s8(const tml_l2norm_s8_params *p, const int8_t *input, int8_t *output)
{
    tml_l2norm_s8_ref(p, input, output);
}

#endif /* TINYML_OPS_UNARY_H */
