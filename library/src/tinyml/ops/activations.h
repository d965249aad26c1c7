/*
 * Activations: SOFTMAX, LOGISTIC, TANH, RELU, RELU6.
 *
 * Element-wise kernels work on `size` elements of any shape and may run in place
 * (output == input). SOFTMAX works on the last axis: `outer` rows of `depth` values.
 *
 * Integer algorithms are TFLite Micro's reference kernels, bit for bit:
 *  - SOFTMAX int8 -> int8/int16: gemmlowp fixed point. The input difference to the row
 *    maximum is rescaled to Q5.26 (input_multiplier, input_left_shift), exp() is
 *    exp_on_negative_values, the sum is Q12.19, 1/sum is one_over_one_plus_x; inputs
 *    below diff_min contribute nothing. Output zero point is -128 (int8, scale 1/256)
 *    or -32768 (int16, scale 1/65536).
 *  - SOFTMAX int16 -> int16: two 513-entry int16 LUTs with linear interpolation, exp on
 *    [-10, 0] and 1/(1+x) on [0, 1] (generated at conversion time); output scale 1/32768.
 *  - LOGISTIC/TANH int8: the input (minus its zero point) is rescaled to Q4.27, inputs
 *    beyond +-input_range_radius saturate, then gemmlowp logistic/tanh. LOGISTIC output is
 *    scale 1/256 zero point -128, TANH output scale 1/128 (zero point ignored, as TFLM).
 *  - LOGISTIC/TANH int16: the 256-entry uint16 sigmoid table (sigmoid(i/24) in Q0.16,
 *    given by the caller) with interpolation; input rescaled by input_multiplier >>
 *    input_left_shift; output scale 1/32768.
 *  - RELU int8/int16: requantizes (input_scale/output_scale) and clamps at act_min
 *    (the output zero point) and act_max. RELU6 int8/int16: clamp to [lower, upper] in the
 *    input's quantization (TFLM does not requantize RELU6).
 */
#ifndef TINYML_OPS_ACTIVATIONS_H
#define TINYML_OPS_ACTIVATIONS_H

#include <math.h>

#include "../tml_common.h"

/* ------------------------------------------------------------ params */

typedef struct {
    int32_t outer;
    int32_t depth;
    float beta;
} tml_softmax_f32_params;

/** int8 input, int8 or int16 output. */
typedef struct {
    int32_t outer;
    int32_t depth;
    int32_t input_multiplier;
    int32_t input_left_shift;
    int32_t diff_min;
} tml_softmax_s8_params;

typedef struct {
    int32_t outer;
    int32_t depth;
    int32_t input_multiplier;
    int32_t input_left_shift;
    const int16_t *exp_lut;                /* [513] */
    const int16_t *one_over_one_plus_x_lut; /* [513] */
} tml_softmax_s16_params;

typedef struct {
    int32_t size;
} tml_activation_f32_params;

/** LOGISTIC and TANH, int8. */
typedef struct {
    int32_t size;
    int32_t input_zero_point;
    int32_t input_range_radius;
    int32_t input_multiplier;
    int32_t input_left_shift;
} tml_sigmoid_s8_params;

/** LOGISTIC and TANH, int16 (zero points 0). */
typedef struct {
    int32_t size;
    int32_t input_multiplier;  /* <= 32767 */
    int32_t input_left_shift;  /* >= 0 */
    const uint16_t *sigmoid_table; /* [256] */
} tml_sigmoid_s16_params;

typedef struct {
    int32_t size;
    int32_t input_offset;      /* the input zero point */
    int32_t output_offset;     /* the output zero point */
    int32_t output_multiplier;
    int32_t output_shift;
    int32_t act_min;
    int32_t act_max;
} tml_relu_q_params;

typedef struct {
    int32_t size;
    int32_t lower;             /* quantized 0 */
    int32_t upper;             /* quantized 6 */
} tml_relu6_q_params;

#include "../ref/activations.h" /* the kernels: portable C, the only path */

/* ------------------------------------------------------------ dispatch
 * The reference path until an architecture provides its own. */

static inline void tml_softmax_f32(const tml_softmax_f32_params *p, const float *input, float *output)
{
    tml_softmax_f32_ref(p, input, output);
}

static inline void tml_softmax_s8(const tml_softmax_s8_params *p, const int8_t *input, int8_t *output)
{
    tml_softmax_s8_ref(p, input, output);
}

static inline void tml_softmax_s8_s16(const tml_softmax_s8_params *p, const int8_t *input, int16_t *output)
{
    tml_softmax_s8_s16_ref(p, input, output);
}

static inline void tml_softmax_s16(const tml_softmax_s16_params *p, const int16_t *input, int16_t *output)
{
    tml_softmax_s16_ref(p, input, output);
}

static inline void tml_logistic_f32(const tml_activation_f32_params *p, const float *input, float *output)
{
    tml_logistic_f32_ref(p, input, output);
}

static inline void tml_logistic_s8(const tml_sigmoid_s8_params *p, const int8_t *input, int8_t *output)
{
    tml_logistic_s8_ref(p, input, output);
}

static inline void tml_logistic_s16(const tml_sigmoid_s16_params *p, const int16_t *input, int16_t *output)
{
    tml_logistic_s16_ref(p, input, output);
}

static inline void tml_tanh_f32(const tml_activation_f32_params *p, const float *input, float *output)
{
    tml_tanh_f32_ref(p, input, output);
}

static inline void tml_tanh_s8(const tml_sigmoid_s8_params *p, const int8_t *input, int8_t *output)
{
    tml_tanh_s8_ref(p, input, output);
}

static inline void tml_tanh_s16(const tml_sigmoid_s16_params *p, const int16_t *input, int16_t *output)
{
    tml_tanh_s16_ref(p, input, output);
}

static inline void tml_relu_f32(const tml_activation_f32_params *p, const float *input, float *output)
{
    tml_relu_f32_ref(p, input, output);
}

static inline void tml_relu6_f32(const tml_activation_f32_params *p, const float *input, float *output)
{
    tml_relu6_f32_ref(p, input, output);
}

static inline void tml_relu_s8(const tml_relu_q_params *p, const int8_t *input, int8_t *output)
{
    tml_relu_s8_ref(p, input, output);
}

static inline void tml_relu_s16(const tml_relu_q_params *p, const int16_t *input, int16_t *output)
{
    tml_relu_s16_ref(p, input, output);
}

static inline void tml_relu6_s8(const tml_relu6_q_params *p, const int8_t *input, int8_t *output)
{
    tml_relu6_s8_ref(p, input, output);
}

static inline void tml_relu6_s16(const tml_relu6_q_params *p, const int16_t *input, int16_t *output)
{
    tml_relu6_s16_ref(p, input, output);
}

#endif /* TINYML_OPS_ACTIVATIONS_H */
