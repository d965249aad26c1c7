/*
 * SVDF (singular value decomposition filter, the keyword-spotting recurrent layer).
 *
 * Layouts: input [batches, input_size], weights_feature [num_filters, input_size],
 * weights_time [num_filters, memory_size], bias [num_units] (may be NULL),
 * state [batches, num_filters, memory_size] (a variable tensor that persists between
 * invokes, oldest column first), output [batches, num_units], with
 * num_filters = num_units * rank.
 *
 * Each invoke: the whole state buffer moves one element towards its start (the oldest
 * column of every filter drops out), the newest column (index memory_size - 1) receives
 * weights_feature . input, then for every unit
 *   output = act(bias + sum over its rank filters of (weights_time . state)).
 *
 * int8 (TFLM's integer SVDF): input and weights_feature int8; weights_time and state
 * both int16 (_s8_s16, the standard quantization) or both int8
 * (_s8_s8, TFLM's 8-bit variant with a state zero point); bias int32.
 *   state_new = wrap(clamp(requant1(sum(wf * (in - input_zp))), state type range) + state_zp)
 * i.e. the zero point is added AFTER the clamp and the sum wraps to the state type, as the
 * TFLM reference does (bit-exact with it, even where that overflows).
 *   output    = clamp(requant2(bias + sum(wt * (state - state_zp))) + output_zp, -128, 127)
 * As in TFLM the fused activation is not applied to integer outputs (the converter folds it
 * into the output's quantization range). Accumulations wrap modulo 2^32 like TFLM's int32 code.
 * No scratch memory is needed: the per-filter sums are added straight into each unit.
 */
#ifndef TINYML_OPS_SVDF_H
#define TINYML_OPS_SVDF_H

#include <math.h>

#include "../tml_common.h"

typedef struct {
    int32_t batches;
    int32_t input_size;
    int32_t num_filters;
    int32_t num_units;
    int32_t rank;
    int32_t memory_size;
    int32_t input_zero_point;
    int32_t state_zero_point;   /* 0 in converter-made int16 models */
    int32_t output_zero_point;
    int32_t multiplier_1;       /* input * weights_feature / state scale */
    int32_t shift_1;
    int32_t multiplier_2;       /* state * weights_time / output scale */
    int32_t shift_2;
} tml_svdf_s8_params;

typedef enum {
    TML_SVDF_ACT_NONE = 0,
    TML_SVDF_ACT_RELU = 1,
    TML_SVDF_ACT_RELU_N1_TO_1 = 2,
    TML_SVDF_ACT_RELU6 = 3,
    TML_SVDF_ACT_TANH = 4
} tml_svdf_activation;

typedef struct {
    int32_t batches;
    int32_t input_size;
    int32_t num_filters;
    int32_t num_units;
    int32_t rank;
    int32_t memory_size;
    tml_svdf_activation activation;
} tml_svdf_f32_params;

#include "../ref/svdf.h" /* the kernels: portable C, the only path */

/* Dispatch: the reference path until an architecture provides its own. */
static inline void tml_svdf_s8_s16(const tml_svdf_s8_params *p, const int8_t *input, const int8_t *weights_feature,
                                   const int16_t *weights_time, const int32_t *bias, int16_t *state,
                                   int8_t *output)
{
    tml_svdf_s8_s16_ref(p, input, weights_feature, weights_time, bias, state, output);
}

static inline void tml_svdf_s8_s8(const tml_svdf_s8_params *p, const int8_t *input, const int8_t *weights_feature,
                                  const int8_t *weights_time, const int32_t *bias, int8_t *state, int8_t *output)
{
    tml_svdf_s8_s8_ref(p, input, weights_feature, weights_time, bias, state, output);
}

static inline void tml_svdf_f32(const tml_svdf_f32_params *p, const float *input, const float *weights_feature,
                                const float *weights_time, const float *bias, float *state, float *output)
{
    tml_svdf_f32_ref(p, input, weights_feature, weights_time, bias, state, output);
}

#endif /* TINYML_OPS_SVDF_H */
