/*
 * Point-wise activations: LEAKY_RELU, PRELU, HARD_SWISH, ELU, LOG_SOFTMAX.
 *
 * Element-wise kernels work on `size` elements of any shape and may run in place (output == input).
 * PRELU broadcasts its input and alpha like ADD/MUL (`bcast_rank`, `bcast`: see ops/elementwise.h; up to
 * 4 dimensions in float32 as TFLM, any rank that merges into TML_MAX_DIMS for int8/int16).
 * LOG_SOFTMAX works on the last axis: `outer` rows of `depth` values.
 *
 * Integer algorithms are TFLite Micro's reference kernels, bit for bit:
 *  - LEAKY_RELU int8/int16: x = in - input_zero_point; x >= 0 is requantized by
 *    multiplier_identity/shift_identity (input_scale/output_scale), x < 0 by
 *    multiplier_alpha/shift_alpha (|alpha| * input_scale/output_scale), negated when negate_alpha
 *    (a negative alpha), + output_zero_point, saturated to the type.
 *  - PRELU int8 (int8 alpha), int16 (int8 alpha): x = in + input_offset; x >= 0 is requantized by
 *    multiplier_1/shift_1, else x * (alpha + alpha_offset) by multiplier_2/shift_2; + output_offset,
 *    saturated.
 *  - HARD_SWISH int8: TFLM's int16 fixed-point algorithm (input << 7, a saturating "relu-ish"
 *    factor in [0, 1], SaturatingDoublingHighMul, rounding shifts), with 16-bit multipliers
 *    and exponents (output_exponent <= 0).
 *  - ELU int8: a 256-entry table indexed by the input's byte (made at conversion time); tml_elu_s8
 *    maps through any int8 -> int8 table.
 *  - LOG_SOFTMAX int8: gemmlowp fixed point; the difference to the row maximum is rescaled to
 *    Q5.26, exp() summed in Q12.19, log() of the sum in Q5.26, subtracted and rescaled; output
 *    scale 16/256, zero point 127. Inputs at or below the adjusted diff_min give -128.
 * float32: as TFLM's reference (LEAKY_RELU x > 0 ? x : alpha x; PRELU x >= 0 ? x : alpha x;
 * HARD_SWISH x * min(6, max(0, x + 3)) / 6; ELU expm1f(x) for x < 0; LOG_SOFTMAX
 * x - max - logf(sum expf(x - max))).
 */
#ifndef TINYML_OPS_POINTWISE_H
#define TINYML_OPS_POINTWISE_H

#include <math.h>

#include "../tml_common.h"
#include "activations.h"  /* the gemmlowp fixed-point helpers */
#include "elementwise.h"  /* the broadcast iteration */

/* ------------------------------------------------------------ params */

typedef struct {
    int32_t size;
} tml_pointwise_f32_params;

typedef struct {
    int32_t size;
    float alpha;
} tml_leaky_relu_f32_params;

/** int8 and int16. */
typedef struct {
    int32_t size;
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t multiplier_identity;
    int32_t shift_identity;      /* <= 30 */
    int32_t multiplier_alpha;    /* of |alpha| (INT32_MIN where TFLM's negation wraps) */
    int32_t shift_alpha;         /* <= 30 */
    int32_t negate_alpha;        /* 1 for a negative alpha: the product is negated */
} tml_leaky_relu_q_params;

typedef struct {
    int32_t size;
    int32_t bcast_rank;
    const int32_t *bcast;        /* [3 * bcast_rank] or NULL: input strides, then alpha strides */
} tml_prelu_f32_params;

typedef struct {
    int32_t size;
    int32_t bcast_rank;
    const int32_t *bcast;
    int32_t input_offset;        /* minus the zero points */
    int32_t alpha_offset;
    int32_t output_offset;       /* the output zero point */
    int32_t output_multiplier_1; /* input_scale / output_scale */
    int32_t output_shift_1;
    int32_t output_multiplier_2; /* input_scale * alpha_scale / output_scale */
    int32_t output_shift_2;
} tml_prelu_s8_params;

/** int16 input and output, int8 alpha. */
typedef tml_prelu_s8_params tml_prelu_s16_params;

typedef struct {
    int32_t size;
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t output_multiplier;   /* Q0.15, int16 range */
    int32_t output_exponent;     /* <= 0 */
    int32_t reluish_multiplier;  /* Q0.15, int16 range */
    int32_t reluish_exponent;    /* <= 31 */
} tml_hard_swish_s8_params;

typedef struct {
    int32_t size;
    const int8_t *table;         /* [256], indexed by (uint8_t)input */
} tml_elu_s8_params;

typedef struct {
    int32_t outer;
    int32_t depth;
} tml_log_softmax_f32_params;

typedef struct {
    int32_t outer;
    int32_t depth;
    int32_t input_multiplier;
    int32_t input_left_shift;
    int32_t reverse_scaling_divisor;
    int32_t reverse_scaling_right_shift;
    int32_t diff_min;
} tml_log_softmax_s8_params;

/* The kernels: the reference always, the Cortex-M4 path where the compiler provides it. */
#include "../ref/pointwise.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/pointwise.h"
#endif

/* ------------------------------------------------------------ dispatch */

static inline void tml_leaky_relu_f32(const tml_leaky_relu_f32_params *p, const float *input, float *output)
{
    tml_leaky_relu_f32_ref(p, input, output);
}

static inline void tml_leaky_relu_s8(const tml_leaky_relu_q_params *p, const int8_t *input, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__leaky_relu_s8_dsp(p, input, output);
#else
    tml_leaky_relu_s8_ref(p, input, output);
#endif
}

static inline void tml_leaky_relu_s16(const tml_leaky_relu_q_params *p, const int16_t *input, int16_t *output)
{
    tml_leaky_relu_s16_ref(p, input, output);
}

static inline void tml_prelu_f32(const tml_prelu_f32_params *p, const float *input, const float *alpha,
                                 float *output)
{
    tml_prelu_f32_ref(p, input, alpha, output);
}

static inline void tml_prelu_s8(const tml_prelu_s8_params *p, const int8_t *input, const int8_t *alpha,
                                int8_t *output)
{
    tml_prelu_s8_ref(p, input, alpha, output);
}

static inline void tml_prelu_s16(const tml_prelu_s16_params *p, const int16_t *input, const int8_t *alpha,
                                 int16_t *output)
{
    tml_prelu_s16_ref(p, input, alpha, output);
}

static inline void tml_hard_swish_f32(const tml_pointwise_f32_params *p, const float *input, float *output)
{
    tml_hard_swish_f32_ref(p, input, output);
}

static inline void tml_hard_swish_s8(const tml_hard_swish_s8_params *p, const int8_t *input, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__hard_swish_s8_dsp(p, input, output);
#else
    tml_hard_swish_s8_ref(p, input, output);
#endif
}

static inline void tml_elu_f32(const tml_pointwise_f32_params *p, const float *input, float *output)
{
    tml_elu_f32_ref(p, input, output);
}

static inline void tml_elu_s8(const tml_elu_s8_params *p, const int8_t *input, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__pw_map_s8_dsp(p->table, p->size, input, output);
#else
    tml_elu_s8_ref(p, input, output);
#endif
}

static inline void tml_log_softmax_f32(const tml_log_softmax_f32_params *p, const float *input, float *output)
{
    tml_log_softmax_f32_ref(p, input, output);
}

static inline void tml_log_softmax_s8(const tml_log_softmax_s8_params *p, const int8_t *input, int8_t *output)
{
    tml_log_softmax_s8_ref(p, input, output);
}

#endif /* TINYML_OPS_POINTWISE_H */
